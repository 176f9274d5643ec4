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
