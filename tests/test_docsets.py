"""Per-document columns (indexer/docsets.py): the date order of a page of matches sorts only
the documents that can be on it, and gives what sorting all of them gives."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from indexer.docsets import Columns, Labelled, MultiLabelled


def _columns(dates: list[int], id_order: list[int]) -> Columns:
    size = len(dates)
    none = Labelled(np.full(size, -1), [])
    return Columns(
        live=np.ones(size, bool),
        dates=np.array(dates, dtype=np.int64),  # as the index reads them
        year=none,
        month=none,
        source=none,
        entities=MultiLabelled(np.zeros(size + 1, np.int64), np.zeros(0, np.int64), []),
        lengths={},
        _id_order=np.array(id_order),
    )


@st.composite
def _archives(draw):
    size = draw(st.integers(1, 60))
    # few distinct days, and undated (-1) documents: many ties for the clipping id to break
    dates = draw(st.lists(st.integers(-1, 5), min_size=size, max_size=size))
    id_order = draw(st.permutations(range(size)))
    docs = sorted(draw(st.sets(st.integers(0, size - 1), min_size=1)))
    return dates, id_order, np.array(docs), draw(st.integers(0, size + 2))


@settings(max_examples=500, deadline=None)
@given(_archives(), st.booleans())
def test_the_first_documents_by_date_are_those_of_the_whole_order(archive, newest):
    dates, id_order, docs, count = archive
    columns = _columns(dates, id_order)
    whole = columns.newest_first(docs, newest)
    assert columns.newest_first(docs, newest, count).tolist() == whole[:count].tolist()


def test_newest_first_puts_undated_last_and_breaks_ties_by_clipping_id():
    columns = _columns([3, -1, 5, 3, 5], [4, 0, 1, 3, 2])
    docs = np.arange(5)
    assert columns.newest_first(docs, True).tolist() == [2, 4, 3, 0, 1]
    assert columns.newest_first(docs, False).tolist() == [3, 0, 2, 4, 1]
    assert columns.newest_first(docs, True, 3).tolist() == [2, 4, 3]
