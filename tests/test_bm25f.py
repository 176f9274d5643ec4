"""A free word or phrase as one BM25F query over title and body: its shape, formula and parity."""

import math

import numpy as np
import pytest
from whoosh import query

from indexer import bm25f
from indexer.bm25f import CombinedFields
from indexer.docsets import docset
from indexer.query import parse_query
from indexer.ranking import Scorer
from indexer.schema import clipping_schema

SCHEMA = clipping_schema()


def built(text: str) -> query.Query:
    return parse_query(text, SCHEMA, str).query()


def test_a_free_word_is_one_bm25f_term():
    q = built("refugees")
    assert isinstance(q, CombinedFields)
    assert q.words() == ["refuge"] and q.fields() == [("title", 2.5), ("body", 1.0)]


def test_a_word_the_analyzer_splits_is_one_term_per_part():
    q = built("caspase-11")
    assert isinstance(q, query.And)
    assert [part.words() for part in q.subqueries] == [["caspas"], ["11"]]


def test_a_phrase_is_one_bm25f_query_of_its_words():
    q = built('"camp near Baghdad"')
    assert isinstance(q, CombinedFields) and not q.is_word()
    assert q.words() == ["camp", "near", "baghdad"]


def test_a_year_also_searches_the_publication_dates():
    assert built("2011").fields() == [("title", 2.5), ("body", 1.0), ("when", 1.0)]
    assert built("may").fields() == [("title", 2.5), ("body", 1.0)]


@pytest.mark.parametrize("text", ["refug*", "baghdat~", "title:refugees", '""'])
def test_other_forms_are_left_as_they_were(text):
    assert not isinstance(built(text), CombinedFields)


def test_a_word_in_title_and_body_saturates_once():
    # One pseudo-frequency (title weighted 2.5, body 1) saturated once, not two BM25 scores.
    one = bm25f.saturated(2.5 + 1.0, 1.0)
    assert one == pytest.approx(3.5 * 2.2 / (3.5 + 1.2))
    assert one < bm25f.saturated(2.5, 1.0) * 1 + bm25f.saturated(1.0, 1.0)
    assert bm25f.idf(100, 10) == pytest.approx(math.log(1 + 90.5 / 10.5))


PARITY = [
    "refugees",
    "camp",
    '"camp near Baghdad"',
    "refugees camp",
    "refugees OR paris",
    "caspase-11 camp",
    "buses 2011",
    "(refugees OR camp) paris",
    "camp ANDMAYBE refugees",
]


@pytest.mark.parametrize("text", PARITY)
def test_the_numpy_scores_are_whoosh_s_own(engine, text):
    with engine._reading() as gen:
        q = parse_query(text, gen.searcher.schema, str).query()
        theirs = {hit.docnum: hit.score for hit in gen.searcher.search(q, limit=None)}
        docs = docset(q, gen.reader, gen.columns, gen.postings, gen.searcher)
        ours = Scorer(gen.searcher, gen.columns, gen.postings).scores(q, docs)
    assert sorted(theirs) == docs.tolist()
    assert np.allclose(ours, [theirs[d] for d in docs.tolist()])
