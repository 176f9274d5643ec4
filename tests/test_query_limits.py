"""No query can hurt the server: each bound refuses with a one-line message naming the limit,
and dates beyond the archive are clamped to it."""

from datetime import date

import pytest
from click.testing import CliRunner

from clippings.cli import main
from indexer import query as query_module
from indexer.query import QueryError, parse_query
from indexer.schema import clipping_schema

SCHEMA = clipping_schema()
THIS_YEAR = str(date.today().year)


def refusal(text: str) -> str:
    """The message a query is refused with (asserted to be one line)."""
    with pytest.raises(QueryError) as raised:
        parse_query(text, SCHEMA, str)
    message = str(raised.value)
    assert message and "\n" not in message
    return message


def date_terms(text: str) -> list[tuple[str, str]]:
    return [(t.fieldname, t.text) for t in parse_query(text, SCHEMA, str).query().leaves()]


@pytest.mark.parametrize(
    "text, message",
    [
        ("a" * 70_000, "the query is 70,000 characters long: the limit is 1,000"),
        ("oi* el* " * 10_000, "the query is 80,000 characters long: the limit is 1,000"),
        ("(" * 1000 + "oil" + ")" * 1000, "the limit is 1,000"),
        ("a" * 101, "a word of 101 characters (aaaaaaaaaaaaaaaaaaaa…): the limit is 100"),
        ('"camp ' + "b" * 150 + '"', "a word of 150 characters"),
        (" ".join(["oil"] * 51), "51 words: the limit is 50"),
        ("(" * 33 + "oil" + ")" * 33, "brackets nested 33 deep: the limit is 32"),
        ("".join("(oil OR " for _ in range(40)) + "oil" + ")" * 40, "nested 40 deep"),
        ("a* b* c* d* e* f* g* h* i*", "9 wildcard, fuzzy and range words: the limit is 8"),
        ("market~9", "market~9: fuzzy words allow at most 2 edits"),
        ("*zq*", "*zq*: a wildcard cannot come first; start with a letter"),
        ("?amp", "a wildcard cannot come first"),
        ("a" * 21 + "~", "a fuzzy word may have at most 20 letters"),
        ("NOT NOT oil", "NOT twice in a row"),
        ("oil NOT -gas", "NOT twice in a row"),
    ],
)
def test_bounds_refuse_with_the_limit_named(text, message):
    assert message in refusal(text)


@pytest.mark.parametrize(
    "text",
    [
        "a" * 100,
        " ".join(["oil"] * 50),
        "(" * 32 + "oil" + ")" * 32,
        "a* b* c* d* e* f* g* h*",
        "market~2",
        "a" * 20 + "~",
        'date:"last 9999 days"',
    ],
)
def test_queries_at_the_limits_are_read(text):
    assert parse_query(text, SCHEMA, str) is not None


@pytest.mark.parametrize(
    "text, first, last",
    [
        ("date:[to 9999]", ("year", "1900"), ("year", THIS_YEAR)),
        ("date:[to 9999-12-31]", ("year", "1900"), ("year", THIS_YEAR)),
        ("date:[0001 to 1901]", ("year", "1900"), ("year", "1901")),
        ('date:"last 5000 years"', ("year", "1900"), None),
        ('date:"last 9999 years"', ("year", "1900"), None),
    ],
)
def test_dates_beyond_the_archive_are_clamped_to_it(text, first, last):
    terms = date_terms(text)
    assert terms[0] == first
    if last:
        assert terms[-1] == last


@pytest.mark.parametrize(
    "text", ["date:[9999-12-31 to 9999-12-31]", "date:9999", "date:0001", "date:[0001 to 0002]"]
)
def test_dates_outside_the_archive_match_nothing(engine, text):
    assert engine.search(text).total == 0


def test_an_open_range_starting_after_this_year_says_so():
    assert "starts after this year" in refusal("date:[9999 to]")


def test_a_wildcard_matching_too_many_words_is_refused(engine, monkeypatch):
    monkeypatch.setattr(query_module, "MAX_EXPANSION", 4)
    with pytest.raises(QueryError) as raised:
        engine.search("c*")
    assert str(raised.value).startswith("c*: the query's wildcard, fuzzy and range words match")
    assert engine.search("camp*").total > 0


def test_a_fuzzy_word_matches_only_words_of_its_first_letter(engine):
    assert engine.search("camp~").total == engine.search("camp").total
    assert engine.search("xamp~").total == 0


@pytest.mark.parametrize("page", [10**30, -5, 0])
@pytest.mark.parametrize("sort", ["relevance", "newest", "nonsense"])
def test_any_page_and_sort_give_results(engine, page, sort):
    results = engine.search("camp", page=page, sort=sort)
    assert 1 <= results.page <= query_module.MAX_PAGE
    assert results.sort in ("relevance", "newest")


@pytest.mark.parametrize(
    "params",
    [
        {"q": "a" * 70_000},
        {"q": "(" * 1000 + "oil" + ")" * 1000},
        {"q": "date:[to 9999]", "page": "1" * 40},
        {"q": '?[^+z\'}[!*^b["OR(}c*[}"NOT-z'},
        {"q": 'date:"last 5000 years"', "page": "-3", "sort": "sideways", "expand": "maybe"},
        {"q": "camp", "page": "1e30"},
        {"q": "camp", "page": "9" * 5000},
    ],
)
def test_the_api_answers_200_or_a_one_line_400(client, params):
    response = client.get("/api/search", query_string=params)
    assert response.status_code in (200, 400)
    if response.status_code == 400:
        assert response.json["error"] and "\n" not in response.json["error"]


def test_the_search_page_shows_the_limit(client):
    response = client.get("/", query_string={"q": "a" * 5000})
    assert response.status_code == 400
    assert "the limit is 1,000" in response.get_data(as_text=True)


def test_the_command_line_prints_the_limit_and_exits_2(search_index):
    result = CliRunner().invoke(main, ["search", "--index", str(search_index), "a" * 5000])
    assert result.exit_code == 2
    assert "the limit is 1,000" in result.output


@pytest.mark.parametrize("text", ["0~/2", "a~/2", "camp~1/5", "refugees~2/30"])
def test_a_fuzzy_prefix_longer_than_the_word_is_the_whole_word(engine, text):
    """Found by the property test: `0~/2` asked Whoosh for a 2-letter prefix of a 1-letter word."""
    assert engine.search(text).total >= 0


@pytest.mark.parametrize(
    "text", ["oil AND date:2011", "0 AND date:0001", "(camp AND undated:yes) AND camp"]
)
def test_a_filter_after_an_explicit_and_is_read(engine, text):
    """Found by the property test: Whoosh merging nested ANDs read a boost the filter lacked."""
    assert engine.search(text).total >= 0
