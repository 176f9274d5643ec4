"""The query language: what each form parses to, and the message for each malformed query."""

import pytest

from indexer.query import QueryError, parse_query
from indexer.schema import clipping_schema

SCHEMA = clipping_schema()


def parsed(text: str) -> str:
    return str(parse_query(text, SCHEMA, lambda name: f"<{name}>"))


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
        ("date:2011", "date:2011*"),
        ("date:2011-4", "date:2011-04*"),
        ("date:2011-04-08", "date:2011-04-08"),
        ("date:[2011-01-01 to 2011-06-30]", "date:[2011-01-01 TO 2011-06-30]"),
        ("date:[2011-04 to]", "date:[2011-04 TO ]"),
        ("date:[to 2011-06]", "date:[ TO 2011-06-99]"),
        ("refug*", "(title:refug* OR body:refug*)"),
    ],
)
def test_query_forms(text, expected):
    assert parsed(text) == expected


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
