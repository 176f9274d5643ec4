"""The query language: Whoosh's parser over title and body, plus `entity:` and `date:` fields.

`entity:X` resolves X through the alias table to the canonical name the index stores;
`date:` takes a year, a month, a day or a range of them. Malformed queries raise QueryError
with a one-line message that says how to fix them.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable
from datetime import date, timedelta

from whoosh import query
from whoosh.fields import Schema
from whoosh.qparser import (
    AndGroup,
    FuzzyTermPlugin,
    MultifieldPlugin,
    QueryParser,
)
from whoosh.qparser.plugins import TaggingPlugin
from whoosh.qparser.syntax import SyntaxNode

from indexer.schema import TITLE_BOOST

# The fields a user may name, and the index field each one searches.
QUERY_FIELDS = {
    "title": "title",
    "body": "body",
    "entity": "entities",
    "entities": "entities",
    "source": "source",
    "date": "date",
    "undated": "undated",
}
SYNTAX_HINT = (
    'words (AND by default), "exact phrase", OR, NOT, (groups), wild*, fuzzy~, '
    "title: body: entity: source: date:2011 date:2011-04 date:[2011-01-01 to 2011-06-30] "
    'date:"last 30 days" undated:yes'
)
EARLIEST_DATE = date(1900, 1, 1)
_DATE = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?$")
# A field name before a colon, not a URL scheme ("http://").
_FIELD_REF = re.compile(r"(?<![\w:\\])([A-Za-z_]\w*):(?=[^\s/])")
_OPERATOR = {"AND", "OR", "NOT", "ANDNOT", "ANDMAYBE"}


class QueryError(ValueError):
    """A query the user must fix; str(error) is a one-line message."""


# An entity resolver maps what the user typed after `entity:` to the canonical indexed name.
EntityResolver = Callable[[str], str]


def parse_query(text: str, schema: Schema, resolve_entity: EntityResolver) -> query.Query | None:
    """The Whoosh query for the user's text, or None for an empty query (list everything)."""
    text = text.strip()
    if not text:
        return None
    _check_syntax(text)
    text = _normalise_syntax(text)
    parser = QueryParser("body", schema, group=AndGroup)
    parser.remove_plugin_class(MultifieldPlugin)
    parser.add_plugin(MultifieldPlugin(["title", "body"], fieldboosts={"title": TITLE_BOOST}))
    parser.add_plugin(FuzzyTermPlugin())
    parser.add_plugin(_SpecialFieldPlugin(resolve_entity))
    return parser.parse(text)


_PREFIX_OPERATOR = re.compile(r'("[^"]*")|(?:(?<=[\s(])|^)([-+])(?=[\w"(])')


def _normalise_syntax(text: str) -> str:
    """`Title:` works like `title:`, `-word` like `NOT word`, `+word` like `word`.

    Quoted text is left alone, and so are hyphens inside words ("3,000-plus").
    """
    parts = re.split(r'("[^"]*")', text)
    text = "".join(
        part if part.startswith('"') else _FIELD_REF.sub(lambda m: m.group(1).lower() + ":", part)
        for part in parts
    )
    return _PREFIX_OPERATOR.sub(lambda m: m.group(1) or ("NOT " if m.group(2) == "-" else ""), text)


_FILTER = re.compile(
    r"(?:(?<=\s)|^)(?P<field>entity|entities|source|date|undated):"
    r'(?P<value>"[^"]*"|\[[^\]]*\]|[^\s()"]+)',
    re.IGNORECASE,
)


def active_filters(text: str) -> list[tuple[str, str, str]]:
    """The narrowing clauses in a query, each as (field, value, the query without it)."""
    filters = []
    for match in _FILTER.finditer(text):
        rest = (text[: match.start()] + text[match.end() :]).strip()
        value = match.group("value").strip('"')
        filters.append((match.group("field").lower(), value, " ".join(rest.split())))
    return filters


def without_filters(text: str, field: str) -> str:
    """The query with every `field:` clause taken out (e.g. the date filters)."""
    kept = text
    for match in reversed(list(_FILTER.finditer(text))):
        if match.group("field").lower() == field:
            kept = kept[: match.start()] + kept[match.end() :]
    return " ".join(kept.split())


def _check_syntax(text: str) -> None:
    outside_quotes = re.sub(r'"[^"]*"', '""', text)
    if text.count('"') % 2:
        raise QueryError('unbalanced quotes: close the phrase with another " or remove it')
    depth = 0
    for char in outside_quotes:
        depth += {"(": 1, ")": -1}.get(char, 0)
        if depth < 0:
            raise QueryError("unbalanced parentheses: a ) has no matching (")
    if depth:
        raise QueryError("unbalanced parentheses: a ( is never closed")
    for match in _FIELD_REF.finditer(outside_quotes):
        if match.group(1).lower() not in QUERY_FIELDS:
            raise QueryError(
                f"unknown field {match.group(1)}: — use title: body: entity: source: date:, "
                "or put the words in quotes to search for them as text"
            )
    if re.search(r"(?<![\w:\\])\w+:(\s|$|\))", outside_quotes):
        field = re.search(r"(?<![\w:\\])(\w+):(\s|$|\))", outside_quotes).group(1)
        raise QueryError(f"{field}: needs a value right after the colon, e.g. {field}:word")
    words = re.sub(r"[()]", " ", outside_quotes).split()
    if words and (words[-1] in _OPERATOR or words[0] in _OPERATOR - {"NOT"}):
        raise QueryError(
            f"{words[-1] if words[-1] in _OPERATOR else words[0]} needs a term on both sides"
        )
    for left, right in zip(words, words[1:], strict=False):
        if left in _OPERATOR and right in _OPERATOR - {"NOT"}:
            raise QueryError(f"{left} {right}: two operators in a row need a term between them")


def date_query(value: str, today: date | None = None) -> query.Query:
    """`date:` values: 2011, 2011-04, 2011-04-08, or a range [from to until] with open ends.

    Ranges become a few terms on the coarsest fields that cover them (whole years, then whole
    months, then days), which Whoosh answers far faster than a range over day terms. Every
    date clause scores the same for every match, so it filters without changing the ranking.
    """
    value = value.strip()
    today = today or date.today()
    if value[:1] in "[{":
        first, last = _date_range(value, today)
    elif not _DATE.match(value.strip('"')):
        first, last = _relative_span(value.strip('"'), today)
    else:
        first, last = _date_span(_date_prefix(value))
    return query.ConstantScoreQuery(_covering_terms(first, last), 1.0)


def undated_query(value: str) -> query.Query:
    """`undated:yes` finds clippings without a date, `undated:no` those with one."""
    answer = value.strip('"').lower()
    if answer not in ("yes", "no", "true", "false"):
        raise QueryError(f"undated:{value} — write undated:yes or undated:no")
    flag = "1" if answer in ("yes", "true") else "0"
    return query.ConstantScoreQuery(query.Term("undated", flag), 1.0)


_RELATIVE = re.compile(
    r"^(?:(?P<which>last|past|this)\s+)?(?:(?P<count>\d{1,4})\s+)?"
    r"(?P<unit>day|week|month|year)s?$|^(?P<word>today|yesterday)$",
    re.IGNORECASE,
)


def _relative_span(value: str, today: date) -> tuple[date, date]:
    """`last 30 days`, `past 2 weeks`, `last 6 months`, `this year`, `today`, `yesterday`."""
    match = _RELATIVE.match(" ".join(value.split()))
    if not match or (match["unit"] and not match["which"]):
        raise QueryError(
            f'bad date {value!r}: use date:"last 30 days", "last 6 months", "this year", '
            '"today" or "yesterday"'
        )
    if match["word"]:
        day = today if match["word"].lower() == "today" else today - timedelta(days=1)
        return day, day
    unit, count = match["unit"].lower(), int(match["count"] or 1)
    if match["which"].lower() == "this":
        if count != 1 or match["count"]:
            raise QueryError(f'bad date {value!r}: write "this week", "this month" or "this year"')
        starts = {
            "day": today,
            "week": today - timedelta(days=today.weekday()),
            "month": today.replace(day=1),
            "year": today.replace(month=1, day=1),
        }
        return starts[unit], today
    days = {"day": 1, "week": 7, "month": 30, "year": 365}[unit] * count
    return max(EARLIEST_DATE, today - timedelta(days=days - 1)), today


def _date_range(value: str, today: date) -> tuple[date, date]:
    inner = value[1:-1] if value[-1:] in "]}" else None
    if inner is None:
        raise QueryError(f"date range {value} is not closed with ]")
    parts = re.split(r"\s+to\s+|^to\s+|\s+to$|^to$", inner.strip(), flags=re.IGNORECASE)
    if len(parts) != 2:
        raise QueryError(
            f"date range {value}: write date:[2011-01-01 to 2011-06-30] "
            "(either end may be left out)"
        )
    start, end = (_date_prefix(p) if p.strip() else None for p in parts)
    if start is None and end is None:
        raise QueryError("a date range needs at least one end, e.g. date:[2011-04 to]")
    # Indexed dates are never before 1900 nor in the future, so those are the open ends.
    first = _date_span(start)[0] if start else EARLIEST_DATE
    last = _date_span(end)[1] if end else date(today.year, 12, 31)
    if first > last:
        raise QueryError(f"date range {value} ends before it starts")
    return first, last


def _date_span(prefix: str) -> tuple[date, date]:
    """The first and last day a year, month or day prefix names."""
    parts = [int(p) for p in prefix.split("-")]
    if len(parts) == 3:
        day = date(*parts)
        return day, day
    if len(parts) == 2:
        return date(parts[0], parts[1], 1), _month_end(parts[0], parts[1])
    return date(parts[0], 1, 1), date(parts[0], 12, 31)


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _covering_terms(first: date, last: date) -> query.Query:
    terms = []
    day = first
    while day <= last:
        if (day.month, day.day) == (1, 1) and date(day.year, 12, 31) <= last:
            terms.append(query.Term("year", str(day.year)))
            day = date(day.year + 1, 1, 1)
        elif day.day == 1 and _month_end(day.year, day.month) <= last:
            terms.append(query.Term("month", f"{day:%Y-%m}"))
            day = _month_end(day.year, day.month) + timedelta(days=1)
        else:
            terms.append(query.Term("date", day.isoformat()))
            day += timedelta(days=1)
    return terms[0] if len(terms) == 1 else query.Or(terms)


def _date_prefix(value: str) -> str:
    match = _DATE.match(value.strip().strip('"'))
    if not match:
        raise QueryError(f"bad date {value!r}: use 2011, 2011-04 or 2011-04-08")
    year, month, day = match.groups()
    try:
        date(int(year), int(month or 1), int(day or 1))
    except ValueError:
        raise QueryError(f"bad date {value!r}: no such month or day") from None
    parts = [year] + [f"{int(p):02d}" for p in (month, day) if p]
    return "-".join(parts)


class _SpecialFieldPlugin(TaggingPlugin):
    """Parses `entity:` and `date:` values whole, before Whoosh's own field handling."""

    priority = -2
    expr = (
        r"(?<![\w:])(?P<field>entity|entities|date|undated):"
        r'(?P<value>"[^"]*"|\[[^\]]*\]?|\{[^}]*\}?|[^\s()"]+)'
    )

    def __init__(self, resolve_entity: EntityResolver):
        super().__init__(self.expr)
        self.resolve_entity = resolve_entity

    def create(self, parser, match):
        field = match.group("field").lower()
        value = match.group("value")
        if field == "date":
            return _QueryNode(date_query(value), match.group(0))
        if field == "undated":
            return _QueryNode(undated_query(value), match.group(0))
        name = value[1:-1] if value.startswith('"') else value
        return _QueryNode(query.Term("entities", self.resolve_entity(name)), match.group(0))


class _QueryNode(SyntaxNode):
    """A syntax node whose query was built when it was tagged."""

    def __init__(self, built: query.Query, original: str):
        self.built = built
        self.original = original

    def r(self):
        return repr(self.built)

    def query(self, parser):
        return self.built
