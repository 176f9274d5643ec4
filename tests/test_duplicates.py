"""Near-duplicate signatures and groups (indexer/duplicates.py), and groups kept exactly right
by incremental runs and by a run that finishes what a killed one began."""

from __future__ import annotations

import os
import shutil

import numpy as np
import pytest

from indexer import duplicates, store
from indexer.duplicates import duplicate_groups, estimated_jaccard, minhash, signature
from indexer.search import SearchEngine
from indexer.update import Run, update_index
from tests.conftest import FIXTURES

DUPLICATES = FIXTURES / "duplicates"
WIRE = {"wire-original.txt#1", "wire-reprint-daily.txt#1", "wire-reprint-herald.txt#1"}
STORY = " ".join(f"word{n} and another{n % 7} said the officials" for n in range(40))
QUERIES = ["", "Karsh", "flood road", "market", "Herald", "twelve thousand"]


def _text(name: str) -> tuple[str, str]:
    """A fixture text clipping's title and body (the lines after the header)."""
    lines = (DUPLICATES / name).read_text(encoding="utf-8").split("\n")
    return lines[0], " ".join(line for line in lines[1:] if ":" not in line[:8])


def test_minhash_is_datasketchs_value_for_value():
    datasketch = pytest.importorskip("datasketch", minversion="2.0")
    words = STORY.split() + ["café", "naïve", "東京"]
    for size in (1, 2, 7, 60, 300):
        shingles = {" ".join(words[i : i + 4]) for i in range(size)}
        expected = datasketch.MinHash(num_perm=64, seed=1, scheme="affine32")
        expected.update_batch([s.encode("utf-8") for s in shingles])
        found = minhash(shingles)
        assert found.dtype == np.uint32 and np.array_equal(found, expected.hashvalues)


def test_a_signature_is_compact_text_and_the_same_every_time():
    first = signature("Title", STORY)
    assert first == signature("Another title", STORY)  # the body alone is shingled
    assert len(first) < 200 and first.isascii()
    assert estimated_jaccard(first, signature("T", STORY)) == 1.0


@pytest.mark.parametrize(
    ("a", "b", "together"),
    [
        ("wire-original.txt", "wire-reprint-daily.txt", True),  # other headline, boilerplate
        ("wire-original.txt", "wire-reprint-herald.txt", True),  # cut short, a word changed
        ("herald-market.txt", "herald-library.txt", False),  # one site's template, two stories
        ("wire-reprint-herald.txt", "herald-market.txt", False),
    ],
)
def test_copies_group_and_near_misses_stay_apart(a, b, together):
    groups = duplicate_groups([(a, signature(*_text(a))), (b, signature(*_text(b)))])
    assert (groups.get(a) is not None and groups.get(a) == groups.get(b)) is together


def test_an_excerpt_groups_with_the_story_it_starts():
    excerpt = " ".join(STORY.split()[:60])
    groups = duplicate_groups([("full", signature("", STORY)), ("part", signature("", excerpt))])
    assert groups == {"full": "full", "part": "full"}


def test_groups_are_led_not_chained():
    words = [f"w{n}" for n in range(350)]
    texts = {name: " ".join(words[50 * n : 50 * n + 200]) for n, name in enumerate("abcd")}
    groups = duplicate_groups([(name, signature("", text)) for name, text in texts.items()])
    # Each window shares 150 of its 200 words with the next (Jaccard 0.6) and 100 with the
    # one after (0.33): connected components would chain all four; b leads its own copies.
    assert groups == {"a": "b", "b": "b", "c": "b"}


def test_groups_do_not_depend_on_the_order_given():
    signed = [(name, signature(*_text(name))) for name in sorted(os.listdir(DUPLICATES))]
    assert duplicate_groups(signed) == duplicate_groups(signed[::-1])
    assert duplicate_groups([]) == {} and duplicate_groups(signed[:1]) == {}


def _candidate_pairs_by_hand(leads, values) -> set[tuple[int, int]]:
    """Every pair sharing a band (both of its values) or a lead key, in a bucket of allowed
    size: the definition `_candidates` computes with numpy, written out pair by pair."""
    n, buckets = len(leads), {}
    for doc in range(n):
        for band in range(duplicates.BANDS):
            cells = values[doc, band * duplicates.ROWS : (band + 1) * duplicates.ROWS]
            buckets.setdefault(("band", band, *cells.tolist()), []).append(doc)
        if leads[doc]:
            buckets.setdefault(("lead", int(leads[doc])), []).append(doc)
    pairs = set()
    for key, docs in buckets.items():
        limit = duplicates.MAX_LEAD_BUCKET if key[0] == "lead" else duplicates.MAX_BUCKET
        if 2 <= len(docs) <= limit:
            pairs.update((a, b) for i, a in enumerate(docs) for b in docs[i + 1 :])
    return pairs


@pytest.mark.parametrize("seed", range(6))
def test_candidate_pairs_are_every_pair_sharing_a_bucket(monkeypatch, seed):
    """Values from a tiny alphabet collide often; small bucket limits leave some buckets out."""
    monkeypatch.setattr(duplicates, "MAX_BUCKET", 6)
    monkeypatch.setattr(duplicates, "MAX_LEAD_BUCKET", 3)
    rng = np.random.default_rng(seed)
    n = 40
    values = rng.integers(0, 3 + seed, size=(n, duplicates.PERMUTATIONS)).astype("<u2")
    leads = rng.integers(0, 5, size=n).astype(np.int64)
    first, second = duplicates._candidates(leads, values)
    assert list(zip(first.tolist(), second.tolist(), strict=True)) == sorted(
        _candidate_pairs_by_hand(leads, values)
    )


def _groups(index) -> dict[str, str]:
    """Each clipping's group as a search shows it (its leader's id, None without copies)."""
    engine = SearchEngine(index)
    try:
        return {h.id: h.group for h in engine.search("", pagelen=1000, group=False).hits}
    finally:
        engine.close()


def _view(index) -> dict:
    """What a user sees: each clipping's group, and each query's grouped hits in order with the
    copies each lists."""
    engine = SearchEngine(index)
    try:
        lists = {
            q: [(h.id, h.group, [m.id for m in h.similar]) for h in engine.search(q).hits]
            for q in QUERIES
        }
    finally:
        engine.close()
    return {"groups": _groups(index), "lists": lists, "saved": store.read_groups(index)}


def _rebuilt(corpus, tmp_path) -> dict:
    fresh = tmp_path / "fresh"
    shutil.rmtree(fresh, ignore_errors=True)
    update_index(corpus, fresh)
    return _view(fresh)


def test_incremental_runs_regroup_exactly_as_a_rebuild(tmp_path):
    corpus = tmp_path / "corpus"
    shutil.copytree(DUPLICATES, corpus)
    index = tmp_path / "index"
    update_index(corpus, index)
    groups = _groups(index)
    assert {k for k, v in groups.items() if v} == WIRE
    assert len({groups[k] for k in WIRE}) == 1

    steps = [
        lambda: (corpus / "wire-reprint-daily.txt").write_text(
            "Another story\n\n" + (DUPLICATES / "herald-market.txt").read_text(), "utf-8"
        ),  # edited into another story's copy: it leaves the wire group for that one
        lambda: (corpus / "wire-original.txt").unlink(),  # the rest still group
        lambda: shutil.copy(DUPLICATES / "wire-original.txt", corpus / "again.txt"),  # added
        lambda: (corpus / "wire-reprint-herald.txt").unlink(),
    ]
    for step in steps:
        step()
        report = update_index(corpus, index)
        assert _view(index) == _rebuilt(corpus, tmp_path)
        assert report.clippings_retagged == 0  # a changed group writes no clipping again
    final = _groups(index)  # the edited file now reprints the market story; the wire is alone
    assert final["again.txt#1"] is None
    assert final["wire-reprint-daily.txt#1"] == final["herald-market.txt#1"] is not None


def test_a_manifest_rebuilt_from_the_index_keeps_the_signatures(tmp_path):
    corpus = shutil.copytree(DUPLICATES, tmp_path / "corpus")
    index = tmp_path / "index"
    update_index(corpus, index)
    (index / store.MANIFEST).unlink()  # as after a run killed before it saved the manifest
    update_index(corpus, index)
    records = store.read_manifest(index, store.open_index(index).latest_generation())
    assert all(entry[1] for record in records.values() for entry in record.duplicates())
    assert _view(index) == _rebuilt(corpus, tmp_path)


def test_groups_live_beside_the_index_not_in_its_documents(tmp_path):
    corpus = shutil.copytree(DUPLICATES, tmp_path / "corpus")
    index = tmp_path / "index"
    update_index(corpus, index)
    saved = store.read_groups(index)
    assert set(saved) == WIRE and len(set(saved.values())) == 1
    with store.open_searcher(index) as searcher:
        assert "group" not in searcher.schema.names()


@pytest.mark.parametrize("lost", [store.GROUPS, store.MANIFEST])
def test_a_run_killed_before_it_saved_the_groups_is_finished_by_the_next(
    tmp_path, monkeypatch, lost
):
    corpus = shutil.copytree(DUPLICATES, tmp_path / "corpus")
    index = tmp_path / "index"
    update_index(corpus, index)
    (corpus / "herald-library.txt").unlink()  # a change, so that the next run commits
    shutil.copy(DUPLICATES / "wire-reprint-daily.txt", corpus / "another-reprint.txt")

    def killed(self, final):
        raise KeyboardInterrupt  # as if killed after the commit, before anything was saved

    with monkeypatch.context() as patched:
        patched.setattr(Run, "_save", killed)
        with pytest.raises(KeyboardInterrupt):
            update_index(corpus, index)
    assert set(store.read_groups(index)) == WIRE  # the last run's groups: nothing is hidden
    (index / lost).unlink()  # a groups file or a manifest lost as well
    report = update_index(corpus, index)
    assert report.repaired
    assert _view(index) == _rebuilt(corpus, tmp_path)
    assert set(store.read_groups(index)) == WIRE | {"another-reprint.txt#1"}


def test_a_deleted_groups_file_is_saved_again_by_the_next_run(tmp_path):
    corpus = shutil.copytree(DUPLICATES, tmp_path / "corpus")
    index = tmp_path / "index"
    update_index(corpus, index)
    (index / store.GROUPS).unlink()
    report = update_index(corpus, index)
    assert report.repaired and set(store.read_groups(index)) == WIRE
