"""The query language: what each form parses to, and the message for each malformed query."""

from datetime import date

import pytest

from indexer.query import QueryError, parse_query
from indexer.schema import clipping_schema

SCHEMA = clipping_schema()


def parsed(text: str) -> str:
    return str(parse_query(text, SCHEMA, lambda name: f"<{name}>").query())


@pytest.mark.parametrize(
    "text, expected",
    [
        ("camps", "(title:camp^2.5 OR body:camp)"),
        ("Café", "(title:cafe^2.5 OR body:cafe)"),
        ('"camp ashraf"', '(title:"camp ashraf" OR body:"camp ashraf")'),
        ("title:refugees", "title:refuge"),
        ("body:camp", "body:camp"),
        ("source:Reuters", "source:reuter"),
        ("entity:MKO", "entities:<MKO>"),
        ('entity:"People\'s Mujahedeen"', "entities:<People's Mujahedeen>"),
        ("refug*", "(title:refug* OR body:refug*)"),
    ],
)
def test_query_forms(text, expected):
    assert parsed(text) == expected


def date_terms(text: str) -> list[tuple[str, str]]:
    return [(t.fieldname, t.text) for t in parse_query(text, SCHEMA, str).query().leaves()]


MONTHS_2011 = [("month", f"2011-{m:02d}") for m in range(1, 13)]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("date:2011", [("year", "2011")]),
        ("date:2011-4", [("month", "2011-04")]),
        ("date:2011-04-08", [("date", "2011-04-08")]),
        ("date:[2011-01-01 to 2011-06-30]", MONTHS_2011[:6]),
        ("date:[2011-01 to 2011-06]", MONTHS_2011[:6]),
        (
            "date:[2011-11-29 to 2012-01-02]",
            [("date", "2011-11-29"), ("date", "2011-11-30"), ("month", "2011-12")]
            + [("date", "2012-01-01"), ("date", "2012-01-02")],
        ),
        ("date:[2011-04 to 2013]", MONTHS_2011[3:] + [("year", "2012"), ("year", "2013")]),
    ],
)
def test_dates_become_the_fewest_covering_terms(text, expected):
    assert date_terms(text) == expected


def test_open_date_ranges_run_from_1900_or_to_this_year():
    assert date_terms("date:[2011-04 to]")[0] == ("month", "2011-04")
    assert date_terms("date:[2011-04 to]")[-1] == ("year", str(date.today().year))
    assert date_terms("date:[to 2011-06]")[0] == ("year", "1900")
    assert date_terms("date:[to 2011-06]")[-1] == ("month", "2011-06")


def test_words_are_anded_and_operators_work():
    assert (
        parsed("iraq iran") == "((title:iraq^2.5 OR body:iraq) AND (title:iran^2.5 OR body:iran))"
    )
    assert " OR " in parsed("iraq OR iran")
    assert "NOT" in parsed("iraq NOT iran")
    assert parsed("(iraq OR iran) camp").startswith("((")


@pytest.mark.parametrize("text", ["", "   "])
def test_empty_query_lists_everything(text):
    assert parse_query(text, SCHEMA, str) is None


@pytest.mark.parametrize(
    "text, message",
    [
        ('"camp ashraf', "unbalanced quotes"),
        ("(iraq OR iran", "a ( is never closed"),
        ("iraq)", "a ) has no matching ("),
        ("author:smith", "unknown field author:"),
        ("title:", "title: needs a value"),
        ("iraq AND", "AND needs a term on both sides"),
        ("OR iraq", "OR needs a term on both sides"),
        ("iraq AND OR iran", "two operators in a row"),
        ("date:2011-13", "bad date '2011-13'"),
        ("date:April", "bad date 'April'"),
        ("date:[2011-06 to 2011-01]", "ends before it starts"),
        ("date:[2011-01", "not closed"),
    ],
)
def test_malformed_queries_get_one_line_messages(text, message):
    with pytest.raises(QueryError) as raised:
        parse_query(text, SCHEMA, str)
    assert message in str(raised.value)
    assert "\n" not in str(raised.value)


def test_quoted_field_like_text_is_not_a_field():
    assert parsed('"note: camp"') == '(title:"note camp" OR body:"note camp")'


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Title:refugees", "title:refuge"),
        ("ENTITY:MKO", "entities:<MKO>"),
        ("iraq -iran", "((title:iraq^2.5 OR body:iraq) AND NOT (title:iran^2.5 OR body:iran))"),
        ('-"camp ashraf"', 'NOT (title:"camp ashraf" OR body:"camp ashraf")'),
        ("+iraq", "(title:iraq^2.5 OR body:iraq)"),
        # A sign before a number belongs to the number: "-3" is not NOT 3.
        ("-3", "(title:3^2.5 OR body:3)"),
        ("+1 nucleosomes", "((title:1^2.5 OR body:1) AND (title:nucleosom^2.5 OR body:nucleosom))"),
        # A word the analyzer splits: each part one BM25F word over title and body.
        ("3,000-plus", "((title:3,000^2.5 OR body:3,000) AND (title:plus^2.5 OR body:plus))"),
        (
            "http://example.org",
            "((title:http^2.5 OR body:http) AND (title:exampl^2.5 OR body:exampl)"
            " AND (title:org^2.5 OR body:org))",
        ),
    ],
)
def test_forgiving_syntax(text, expected):
    assert parsed(text) == expected


def test_filters_are_found_by_the_parse_with_the_query_without_each():
    typed = 'refugees  -camp Date:2011 entity:"Camp Ashraf" undated:no'
    parsed = parse_query(typed, SCHEMA, str)
    chips = [(f.field, f.value, rest) for f, rest in parsed.chips()]
    assert chips == [
        ("date", "2011", 'refugees -camp entity:"Camp Ashraf" undated:no'),
        ("entity", "Camp Ashraf", "refugees -camp Date:2011 undated:no"),
        ("undated", "no", 'refugees -camp Date:2011 entity:"Camp Ashraf"'),
    ]
    assert parsed.without("date") == 'refugees -camp entity:"Camp Ashraf" undated:no'
    assert parse_query('"date:2011" camp', SCHEMA, str).filters == []  # quoted: words
    chips = parse_query("MEK AND date:[2011-04 to]", SCHEMA, str).chips()
    assert [rest for _, rest in chips] == ["MEK"]  # no operator left dangling


def test_a_line_break_typed_in_the_query_stays_out_of_the_one_line_message():
    from indexer.query import QueryError

    assert str(QueryError('"?\n"?0: a wildcard cannot come first')) == (
        '"? "?0: a wildcard cannot come first'
    )
