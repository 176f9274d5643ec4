"""A long-lived engine answers exactly what a fresh process answers after every kind of commit."""

from __future__ import annotations

from pathlib import Path

import pytest
from whoosh import index as whoosh_index

from indexer import store
from indexer.search import SearchEngine
from indexer.update import update_index


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
