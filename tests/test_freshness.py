"""A long-lived engine answers exactly what a fresh process answers after every kind of commit."""

from __future__ import annotations

import subprocess
import sys
import threading
from pathlib import Path

import pytest
from whoosh import index as whoosh_index

from indexer import store
from indexer.search import SearchEngine
from indexer.update import Run, update_index


def _write(corpus: Path, name: str, words: str) -> None:
    (corpus / name).write_text(f"{name} title\n\nA clipping about {words}.\n", encoding="utf-8")


def _answers(engine: SearchEngine, queries: list[str]) -> dict:
    """What a user sees for each query: ids in order, total, facets, timeline; plus entities."""
    seen = {}
    for q in queries:
        results = engine.search(q, pagelen=1000, expand=False)
        seen[q] = (
            [h.id for h in results.hits],
            results.total,
            results.facets,
            results.timeline,
        )
    seen["entities"] = [(e.name, e.count) for e in engine.entities()]
    return seen


QUERIES = ["", "quokka", "wombat", "oil", "quokka OR wombat", "title:c3", "NOT oil"]


@pytest.fixture()
def corpus(tmp_path) -> Path:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for n in range(12):
        _write(corpus, f"c{n}.txt", "oil and quokka" if n % 3 == 0 else "oil and wombat")
    return corpus


def _cycle_steps(corpus: Path, index: Path):
    """Add, change, delete, touch, merge and rebuild, one commit each."""
    yield "add", lambda: _write(corpus, "new.txt", "a quokka in Perth")
    yield "change", lambda: _write(corpus, "c0.txt", "oil and quokka and more quokka")
    yield "delete", lambda: (corpus / "c3.txt").unlink()
    yield "delete two", lambda: [(corpus / f"c{n}.txt").unlink() for n in (4, 5)]
    yield "merge", lambda: whoosh_index.open_dir(str(index), indexname=store.INDEX_NAME).optimize()
    yield "change after merge", lambda: _write(corpus, "c6.txt", "wombat only")


@pytest.mark.parametrize("refresh_seconds", [0])
def test_long_lived_engine_agrees_with_a_fresh_one_after_every_commit(
    corpus, tmp_path, refresh_seconds
):
    index = tmp_path / "index"
    update_index(corpus, index)
    engine = SearchEngine(index, refresh_seconds=refresh_seconds)
    assert _answers(engine, QUERIES) == _answers(SearchEngine(index), QUERIES)
    for step, change in _cycle_steps(corpus, index):
        change()
        if step != "merge":
            update_index(corpus, index)
        fresh = SearchEngine(index)
        assert _answers(engine, QUERIES) == _answers(fresh, QUERIES), step
    update_index(corpus, index, rebuild=True)
    assert _answers(engine, QUERIES) == _answers(SearchEngine(index), QUERIES)


def test_a_changed_clipping_is_shown_once_and_a_deleted_one_never(corpus, tmp_path):
    index = tmp_path / "index"
    update_index(corpus, index)
    engine = SearchEngine(index, refresh_seconds=0)
    assert [h.id for h in engine.search("quokka", pagelen=100).hits].count("c0.txt#1") == 1
    with open(corpus / "c0.txt", "a", encoding="utf-8") as handle:
        handle.write("One more line.\n")
    update_index(corpus, index)
    ids = [h.id for h in engine.search("quokka", pagelen=100).hits]
    assert ids.count("c0.txt#1") == 1
    assert engine.search("").total == 12
    (corpus / "c9.txt").unlink()
    update_index(corpus, index)
    assert "c9.txt#1" not in [h.id for h in engine.search("quokka", pagelen=100).hits]
    assert engine.search("").total == 11
    assert engine.clipping("c9.txt#1") is None


def test_an_empty_index_answers_with_nothing(tmp_path):
    (tmp_path / "empty").mkdir()
    update_index(tmp_path / "empty", tmp_path / "index")
    engine = SearchEngine(tmp_path / "index")
    results = engine.search("oil")
    assert (results.total, results.hits) == (0, [])
    assert engine.search("").total == 0
    assert engine.entities() == []
    assert engine.clipping("x.txt#1") is None
    assert list(engine.export("oil")) == []


def test_searchers_keep_the_settled_commit_until_the_run_saves_its_table(
    corpus, tmp_path, monkeypatch
):
    """Between a run's commits and the saving of its entity table and groups, an answer would
    pair the new clippings with the old table: the engine keeps the last settled state."""
    index = tmp_path / "index"
    update_index(corpus, index)
    engine = SearchEngine(index, refresh_seconds=0)
    before, generation = _answers(engine, QUERIES), store.open_index(index).latest_generation()
    committed, go_on = threading.Event(), threading.Event()
    save = Run._save

    def paused(run, final):
        committed.set()
        go_on.wait(60)
        save(run, final)

    monkeypatch.setattr(Run, "_save", paused)
    _write(corpus, "new.txt", "a quokka in Perth")
    (corpus / "c3.txt").unlink()
    worker = threading.Thread(target=update_index, args=(corpus, index))
    worker.start()
    try:
        assert committed.wait(60)
        assert store.open_index(index).latest_generation() > generation  # committed, unsaved
        assert store.settling_by(index) is not None
        assert _answers(engine, QUERIES) == before
    finally:
        go_on.set()
        worker.join()
    assert store.settling_by(index) is None
    after = _answers(engine, QUERIES)
    assert after == _answers(SearchEngine(index), QUERIES) and after != before


def test_a_dead_runs_settling_file_holds_no_searcher_back(corpus, tmp_path):
    index = tmp_path / "index"
    update_index(corpus, index)
    engine = SearchEngine(index, refresh_seconds=0)
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)  # fmt: skip
    (index / store.SETTLING).write_text(dead.stdout.strip(), encoding="utf-8")
    assert store.settling_by(index) is None
    ix = store.open_index(index)
    writer = ix.writer()
    writer.delete_by_term("path", "c0.txt")
    writer.commit()
    assert "c0.txt#1" not in [h.id for h in engine.search("quokka", pagelen=100).hits]
    update_index(corpus, index)  # a run starts by clearing what dead runs left
    assert not (index / store.SETTLING).exists()
