"""The alias clustering section of bench/entities.py: its pairwise metric against figures
worked out by hand, how it reads the gold list, and a small run end to end.

No test here asserts how good today's clustering is: the alias rules are being written
(issue 11), and the benchmark is what measures them.
"""

import importlib.util
import json
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def load_bench():
    """bench/entities.py is a script, not a package: load it by path."""
    spec = importlib.util.spec_from_file_location("bench_entities", REPO / "bench" / "entities.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


bench = load_bench()
CORPUS = REPO / "bench" / "aliases" / "corpus"
TINY = [CORPUS / "pdki-shelling-2011.txt", CORPUS / "2011-12-26-unami-camp-liberty.txt"]


def test_pairwise_precision_and_recall_worked_by_hand():
    gold = [{"a", "b", "c"}, {"d", "e"}, {"f"}]
    predicted = [{"a", "b"}, {"c", "d"}, {"e", "x"}]  # "x" is no gold name, "f" is not found
    # Gold pairs: ab ac bc de (4). Predicted pairs over gold names: ab cd (2). Right: ab.
    scores = bench.pairwise(predicted, gold)
    assert (scores["tp"], scores["fp"], scores["fn"]) == (1, 1, 3)
    assert (scores["gold_pairs"], scores["predicted_pairs"]) == (4, 2)
    assert scores["precision"] == 0.5
    assert scores["recall"] == 0.25
    assert scores["f1"] == 0.333  # 2 * 0.5 * 0.25 / 0.75
    assert scores["names"] == 6
    assert scores["not_found"] == ["f"]
    assert scores["recall_listed"] == 0.25  # a to e are all listed


def test_a_name_not_found_is_a_singleton():
    scores = bench.pairwise([{"a", "b"}], [{"a", "b", "c"}])
    # Gold pairs ab ac bc; only ab is predicted; c is in no predicted cluster.
    assert (scores["precision"], scores["recall"]) == (1.0, 0.333)
    assert scores["not_found"] == ["c"]
    assert scores["recall_listed"] == 1.0  # ab is the one pair of listed names


def test_overlapping_clusters_count_a_pair_once():
    gold = [{"isi", "inter-services intelligence"}, {"isi", "islamic state of iraq"}]
    joined = [{"isi", "inter-services intelligence", "islamic state of iraq"}]
    scores = bench.pairwise(joined, gold)
    assert (scores["tp"], scores["fp"], scores["fn"]) == (2, 1, 0)
    assert (scores["precision"], scores["recall"]) == (0.667, 1.0)
    apart = bench.pairwise(
        [{"isi", "inter-services intelligence"}, {"islamic state of iraq"}], gold
    )
    assert (apart["precision"], apart["recall"]) == (1.0, 0.5)


def test_no_join_has_no_precision():
    scores = bench.pairwise([{"a"}, {"b"}], [{"a", "b"}])
    assert scores["precision"] is None and scores["f1"] is None
    assert scores["recall"] == 0.0


def test_names_compare_case_folded_with_apostrophes_straight():
    assert bench.name_unit("People’s  Mujahedeen\nof Iran") == "people's mujahedeen of iran"


def test_section_gold_counts_names_as_whole_words_outside_longer_names():
    gold = {
        "ambiguous": ["ISI"],
        "entity": [
            {"id": "iraq", "names": ["Iraq"]},
            {"id": "government-of-iraq", "names": ["Government of Iraq"]},
            {"id": "najaf", "names": ["Najaf", "al-Najaf"]},
            {"id": "isi-pakistan", "names": ["Inter-Services Intelligence", "ISI"]},
            {"id": "isi-iraq", "names": ["Islamic State of Iraq", "ISI"]},
            {"id": "pmoi", "names": ["People’s Mujahedeen of Iran"]},
        ],
    }
    texts = [
        "NAJAF — The Government of Iraq met Iraqis in al-Najaf.",
        "Pakistan's Inter-Services Intelligence (ISI) denied it. The ISIS claim was false.",
        "The People's Mujahedeen of Iran said so.",
    ]
    clusters = dict(bench.section_gold(gold, texts))
    assert clusters == {
        "government-of-iraq": {"government of iraq"},  # "Iraq" only inside it, "Iraqis"
        "najaf": {"najaf", "al-najaf"},  # the capitals of a dateline count
        "isi-pakistan": {"inter-services intelligence", "isi"},
        "pmoi": {"people's mujahedeen of iran"},
    }  # ISI stays with the entity named beside it; "ISIS" is another word


def test_the_gold_list_is_consistent_and_every_name_is_in_the_texts():
    gold = bench.alias_gold()
    texts = bench.clipping_texts(sorted(CORPUS.glob("*.txt")))
    seed = bench.ROOT / "corpus" / "mek-camp-ashraf.txt"  # the seed digest, shipped as sample
    written = {n for _, names in bench.section_gold(gold, texts) for n in names}
    assert len(written) >= 40
    texts += bench.clipping_texts([seed])
    present = {n for _, names in bench.section_gold(gold, texts) for n in names}
    listed = {bench.name_unit(n) for entity in gold["entity"] for n in entity["names"]}
    assert listed - present == set()


def test_a_bad_gold_list_is_refused(tmp_path):
    path = tmp_path / "gold.toml"
    path.write_text(
        '[[entity]]\nid = "a"\nnames = ["MEK"]\n[[entity]]\nid = "b"\nnames = ["MEK"]\n',
        encoding="utf-8",
    )
    with pytest.raises(ValueError, match="ambiguous"):
        bench.alias_gold(path)
    path.write_text(
        '[[entity]]\nid = "a"\nnames = ["MEK", "MKO"]\n[[apart]]\nnames = ["MEK", "MKO"]\n',
        encoding="utf-8",
    )
    with pytest.raises(ValueError, match="share an entity"):
        bench.alias_gold(path)


def test_the_clustering_bench_runs_end_to_end_on_two_clippings_files():
    report = bench.alias_scores({"tiny": TINY}, errors=5)
    row = report["tiny"]
    gold = dict(bench.section_gold(bench.alias_gold(), bench.clipping_texts(TINY)))
    assert gold["pdki"] == {
        "democratic party of iranian kurdistan", "pdki", "kurdistan democratic party of iran",
        "kdpi",
    }  # fmt: skip
    assert row["files"] == 2 and row["entities"] == len(gold)
    scores = row["scores"]
    assert scores["names"] == sum(len(names) for names in gold.values())
    assert scores["gold_pairs"] == scores["tp"] + scores["fn"]
    assert scores["predicted_pairs"] == scores["tp"] + scores["fp"]
    for key in ("precision", "recall", "f1", "recall_listed"):
        assert scores[key] is None or 0.0 <= scores[key] <= 1.0, key
    assert set(row["not_found_but_discovered"]) <= set(scores["not_found"])
    assert set(row["errors"]) == {"wrong_joins", "missed_joins", "apart_joined"}
    assert len(row["errors"]["wrong_joins"]) <= 5


def test_the_command_prints_the_table_and_writes_the_figures(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(bench, "alias_sections", lambda: {"tiny": TINY})
    out = tmp_path / "entities.json"
    assert bench.main(["--only", "aliases", "--json", str(out), "--errors", "3"]) == 0
    printed = capsys.readouterr().out
    assert "Alias clustering" in printed and "tiny" in printed and "missed joins" in printed
    data = json.loads(out.read_text(encoding="utf-8"))
    assert "conll2003_dev" not in data and "sample" not in data
    assert data["aliases"]["gold"]["entities"] >= 100
    figures = data["aliases"]["sections"]["tiny"]["scores"]
    assert {"precision", "recall", "f1", "not_found", "tp", "fp", "fn"} <= set(figures)
