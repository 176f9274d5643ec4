"""The index watch mode keeps (indexer/live.py): quick commits of the changed paths, then the
corpus-wide work when changes pause, ending exactly where a rebuild of the folder ends."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from indexer import store
from indexer.live import LiveIndex
from indexer.search import SearchEngine
from indexer.settings import Settings
from indexer.update import update_index
from indexer.whoosh_adapter import index_segments
from tests.names_corpus import make_corpus, mutate, write_digest
from tests.test_crash import clean_rebuild, snapshot


def listing(corpus: Path) -> dict[Path, bytes]:
    return {path: path.read_bytes() for path in corpus.rglob("*") if path.is_file()}


def changed(corpus: Path, before: dict[Path, bytes]) -> list[Path]:
    """The paths a watcher would report: files added, changed or deleted since `before`."""
    after = listing(corpus)
    return sorted(p for p in before.keys() | after.keys() if before.get(p) != after.get(p))


def found(index: Path, query: str) -> list[str]:
    engine = SearchEngine(index, refresh_seconds=0)
    try:
        return sorted(hit.id for hit in engine.search(query, group=False, pagelen=1000).hits)
    finally:
        engine.close()


@pytest.fixture()
def live(tmp_path) -> LiveIndex:
    corpus = tmp_path / "corpus"
    make_corpus(corpus, files=80)
    update_index(corpus, tmp_path / "index", procs=1)
    return LiveIndex(corpus, tmp_path / "index", Settings())


def test_quick_commits_then_settling_end_where_a_rebuild_ends(live, tmp_path):
    rng = make_corpus(tmp_path / "unused", files=1, seed=5)
    for _ in range(4):
        before = listing(live.corpus)
        mutate(live.corpus, rng, count=6)
        report = live.apply(changed(live.corpus, before))
        assert (report.added, report.updated, report.removed) == (6, 6, 6)
        assert live.unsettled
        fresh = tmp_path / f"fresh-{_}"
        update_index(live.corpus, fresh, procs=1)
        assert found(live.index_dir, "camp") == found(fresh, "camp")  # words: at once
    report = live.settle(lambda: False)
    assert report is not None and not live.unsettled
    assert snapshot(live.index_dir) == clean_rebuild(live.corpus, tmp_path)
    segments = index_segments(store.open_index(live.index_dir))
    assert [segment.deleted_count() for segment in segments] == [0]  # merged, deletions gone
    again = update_index(live.corpus, live.index_dir, procs=1)  # the manifest is the folder's
    assert (again.added, again.updated, again.removed, again.clippings_retagged) == (0, 0, 0, 0)
    assert not again.repaired


def test_a_quick_commit_reads_only_the_changed_paths(live):
    (live.corpus / "d0001.txt").write_text("Title: Zebra\n\nA zebra crossing.\n")
    report = live.apply([live.corpus / "d0001.txt"])
    assert (report.files_seen, report.updated, report.unchanged) == (1, 1, 0)
    assert found(live.index_dir, "zebra") == ["d0001.txt#1"]
    assert report.clippings_total == store.open_index(live.index_dir).doc_count()


def test_settling_gives_way_to_new_changes_and_writes_nothing(live):
    write_digest(live.corpus, "new.txt", make_corpus(live.corpus / "x", 0))
    live.apply([live.corpus / "new.txt"])
    generation = store.open_index(live.index_dir).latest_generation()
    manifest = (live.index_dir / store.MANIFEST).read_bytes()
    assert live.settle(lambda: True) is None
    assert live.unsettled
    assert store.open_index(live.index_dir).latest_generation() == generation
    assert (live.index_dir / store.MANIFEST).read_bytes() == manifest
    assert live.settle(lambda: False) is not None
    assert not live.unsettled


def test_a_crash_before_settling_is_completed_by_the_next_run(live, tmp_path):
    rng = make_corpus(tmp_path / "unused", files=1, seed=9)
    before = listing(live.corpus)
    mutate(live.corpus, rng, count=5)
    live.apply(changed(live.corpus, before))
    del live  # the watcher dies here: commits without their manifest and entity table
    corpus, index = tmp_path / "corpus", tmp_path / "index"
    report = update_index(corpus, index, procs=1)
    assert report.repaired
    assert snapshot(index) == clean_rebuild(corpus, tmp_path)


def test_a_run_by_hand_between_batches_takes_over(live, tmp_path):
    rng = make_corpus(tmp_path / "unused", files=1, seed=11)
    before = listing(live.corpus)
    mutate(live.corpus, rng, count=4)
    live.apply(changed(live.corpus, before))
    update_index(live.corpus, live.index_dir, procs=1)  # by hand: settles everything
    before = listing(live.corpus)
    mutate(live.corpus, rng, count=4)
    report = live.apply(changed(live.corpus, before))  # the warm records are stale: reread
    assert (report.added, report.updated, report.removed) == (4, 4, 4)
    live.settle(lambda: False)
    assert snapshot(live.index_dir) == clean_rebuild(live.corpus, tmp_path)


def test_a_folder_moved_in_and_out_is_one_path(live, tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    rng = make_corpus(tmp_path / "unused", files=1, seed=3)
    for n in range(3):
        write_digest(outside, f"wire-{n}.txt", rng)
    outside.rename(live.corpus / "wire")
    assert live.apply([live.corpus / "wire"]).added == 3
    (live.corpus / "wire").rename(outside)
    assert live.apply([live.corpus / "wire"]).removed == 3
    live.settle(lambda: False)
    assert snapshot(live.index_dir) == clean_rebuild(live.corpus, tmp_path)


def test_a_gazetteer_edit_finds_the_names_again(live, tmp_path):
    (live.corpus / "entities.toml").write_text(  # one organisation under two names
        '[[entity]]\nname = "NCRI"\ntype = "org"\naliases = ["PMOI"]\n'
    )
    pmoi, ncri = found(live.index_dir, "entity:PMOI"), found(live.index_dir, "entity:NCRI")
    assert not set(pmoi) <= set(ncri)
    report = live.apply([live.corpus / "entities.toml"])
    assert not live.unsettled  # names found again: settled in the same run
    assert report.clippings_retagged > 0
    assert set(found(live.index_dir, "entity:PMOI")) <= set(found(live.index_dir, "entity:NCRI"))
    assert report.clippings_total == store.open_index(live.index_dir).doc_count()
    assert snapshot(live.index_dir) == clean_rebuild(live.corpus, tmp_path)


def test_a_corpus_folder_gone_removes_nothing(live, tmp_path):
    total = store.open_index(live.index_dir).doc_count()
    shutil.move(live.corpus, tmp_path / "elsewhere")
    report = live.apply([live.corpus / "d0001.txt"])
    assert report.removed == 0
    assert store.open_index(live.index_dir).doc_count() == total


def test_settling_merges_the_small_segments_of_quick_commits(live):
    def segments() -> int:
        return len(index_segments(store.open_index(live.index_dir)))

    before = segments()
    for n in range(12):
        path = live.corpus / f"quick-{n}.txt"
        path.write_text(f"Title: Quick {n}\n\nA clipping saved in a hurry.\n")
        live.apply([path])
    assert segments() >= before + 12  # a quick commit merges nothing
    live.settle(lambda: False)
    assert segments() <= max(before, 2)
    assert len(found(live.index_dir, "hurry")) == 12


def test_a_commit_without_a_new_entity_table_keeps_the_table_and_its_spellings(live):
    engine = SearchEngine(live.index_dir, refresh_seconds=0)
    try:
        engine.search("Mujahedin")
        first = engine._searchers.current()
        path = live.corpus / "quick.txt"
        path.write_text("Title: Quick\n\nA clipping saved in a hurry.\n")
        live.apply([path])
        second = engine._searchers.current()
        assert second is not first and second.table is first.table
        assert second.table_memo is first.table_memo  # name spellings not made again
        assert engine.search("hurry").total == 1
        live.settle(lambda: False)  # a new table file: read again
        assert engine._searchers.current().table is not first.table
    finally:
        engine.close()


def test_a_busy_index_keeps_the_warm_state(live):
    path = live.corpus / "quick.txt"
    path.write_text("Title: Quick\n\nA clipping saved in a hurry.\n")
    live.apply([path])
    with store.writer_lock(live.index_dir), pytest.raises(store.IndexBusy):
        live.settle(lambda: False)  # `clippings index` running in another terminal
    assert live.unsettled
    assert live.settle(lambda: False) is not None and not live.unsettled


def test_clippings_check_says_the_watcher_has_not_settled_yet(live):
    from indexer.check import check_index

    path = live.corpus / "quick.txt"
    path.write_text("Title: Quick\n\nA clipping saved in a hurry.\n")
    live.apply([path])
    problems = check_index(live.corpus, live.index_dir).problems
    assert [p.detail for p in problems if p.kind == "manifest"] == [
        f"not saved yet by the watcher (process {os.getpid()}), which saves it when changes "
        "pause; "
        "files without clippings cannot be told skipped from missing"
    ]
    live.settle(lambda: False)
    assert not (live.index_dir / store.UNSETTLED).exists()
    assert check_index(live.corpus, live.index_dir).problems == []
