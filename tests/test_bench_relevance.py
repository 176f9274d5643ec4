"""bench/relevance.py: its metrics, and that our runs name SciFact's documents by their ids."""

from __future__ import annotations

import math
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench.relevance import ndcg_at, ours, recall_at, write_corpus  # noqa: E402
from indexer.update import update_index  # noqa: E402


@pytest.mark.parametrize(
    "ranked, judged, expected",
    [
        (["a", "b"], {"a": 1}, 1.0),
        (["b", "a"], {"a": 1}, 1 / math.log2(3)),
        (["x", "y"], {"a": 1}, 0.0),
        (["a", "x", "b"], {"a": 1, "b": 1}, (1 + 1 / 2) / (1 + 1 / math.log2(3))),
        ([f"x{i}" for i in range(10)] + ["a"], {"a": 1}, 0.0),  # 11th place is past the cut
    ],
)
def test_ndcg_at_10_as_trec_eval_counts_it(ranked, judged, expected):
    assert ndcg_at(ranked, judged) == pytest.approx(expected)


def test_recall_at_100_counts_judged_documents_found():
    assert recall_at(["a", "x"], {"a": 1, "b": 1}) == 0.5


def test_our_runs_are_scifact_ids_in_ranked_order(tmp_path):
    corpus = {
        "101": ("Aspirin lowers fever", "Aspirin reduced fever in adults."),
        "202": ("Statins and the heart", "Statins lower cholesterol; fever was not measured."),
        "303": ("Unrelated", "Nothing to see here at all."),
    }
    write_corpus(corpus, tmp_path / "corpus")
    update_index(tmp_path / "corpus", tmp_path / "index")
    runs, seconds = ours(tmp_path / "index", {"q1": "Aspirin lowers fever in children."})
    assert runs["q1"] == ["101", "202"] and len(seconds) == 1
