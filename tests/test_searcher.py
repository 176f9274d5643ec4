"""The searcher lifecycle: a damaged entity table is reported, never silently empty."""

import logging
import shutil

import pytest

from indexer import store
from indexer.search import SearchEngine


@pytest.fixture
def damaged_table(search_index, tmp_path):
    copy = tmp_path / "index"
    shutil.copytree(search_index, copy)
    (copy / store.ENTITIES).write_text('{"clusters": [', encoding="utf-8")
    return copy


def test_an_unreadable_entity_table_is_logged_and_reported(damaged_table, caplog):
    with caplog.at_level(logging.WARNING, logger="indexer.searcher"):
        engine = SearchEngine(damaged_table)
    try:
        problems = engine.problems()
        assert len(problems) == 1 and problems[0].startswith("entity table unreadable")
        assert "searched only as typed" in problems[0]
        assert "entity table unreadable" in caplog.text
        results = engine.search("PMOI")  # still searches, the name as typed
        assert results.total == 1 and results.expanded == []
    finally:
        engine.close()


def test_a_readable_entity_table_reports_no_problem(engine):
    assert engine.problems() == []
    assert engine.search("PMOI").expanded


@pytest.fixture
def outdated(tmp_path):
    """An index written by an older version: the same fields but one (no `when`)."""
    from whoosh import index as whoosh_index

    from indexer.schema import clipping_schema

    schema = clipping_schema()
    schema.remove("when")
    folder = tmp_path / "index"
    folder.mkdir()
    ix = whoosh_index.create_in(str(folder), schema, indexname=store.INDEX_NAME)
    with ix.writer() as writer:
        writer.add_document(id="a.txt#1", path="a.txt", title="Old", body="refugees")
    return folder


def test_an_index_from_an_older_version_is_refused_with_the_fix(outdated, client_for):
    with pytest.raises(store.IndexOutdated, match="older version of clippings: run `clippings"):
        SearchEngine(outdated)
    assert store.is_outdated(outdated)
    response = client_for(outdated).get("/?q=refugess")
    assert response.status_code == 503
    assert "run `clippings index` to rebuild it" in response.get_data(as_text=True)


def test_clippings_index_rebuilds_an_index_from_an_older_version(outdated, tmp_path):
    from indexer.update import update_index

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "new.txt").write_text("New title\n\nRefugees came back.\n", encoding="utf-8")
    update_index(corpus, outdated)
    assert not store.is_outdated(outdated)
    assert [hit.title for hit in SearchEngine(outdated).search("refugees").hits] == ["New title"]


@pytest.fixture
def client_for():
    from webui.app import create_app

    return lambda index: create_app({"INDEX_DIR": str(index), "TESTING": True}).test_client()
