"""The query language: Whoosh's parser over title and body, plus `entity:` and `date:` fields.

`entity:X` resolves X through the alias table to the canonical name the index stores;
`date:` takes a year, a month, a day or a range of them. Malformed queries raise QueryError
with a one-line message that says how to fix them, and so do queries beyond the bounds below,
which keep any one query well under a second of server time at 100,000 clippings.
"""

from __future__ import annotations

import calendar
import copy
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from itertools import islice

from whoosh import query
from whoosh.codec.base import Automata
from whoosh.fields import Schema
from whoosh.qparser import (
    AndGroup,
    FuzzyTermPlugin,
    MultifieldPlugin,
    QueryParser,
)
from whoosh.qparser.plugins import TaggingPlugin
from whoosh.qparser.syntax import GroupNode, SyntaxNode

from indexer.schema import FREE_TEXT_FIELDS, QUERY_FIELDS
from indexer.whoosh_adapter import ExpansionHook, wildcard_prefix

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
# The fields whose values the parser reads whole (a date range, a quoted name), as filters.
_NARROWING = "|".join(name for name, f in QUERY_FIELDS.items() if f.narrows)

# Bounds on the work one query may cause. Whoosh's parser takes time growing with the square of
# a word's length, and wildcards, fuzzy words and ranges read every word they match.
MAX_QUERY_CHARS = 1_000
MAX_WORD_CHARS = 100
MAX_WORDS = 50
MAX_DEPTH = 32  # brackets within brackets
MAX_PATTERNS = 8  # wildcard, fuzzy and range words in one query
MAX_EXPANSION = 500  # indexed words those may match in all (title and body counted apart)
MAX_EDITS = 2
MAX_FUZZY_LETTERS = 20
MAX_PAGE = 1_000_000  # pages past this are read as this one


class QueryError(ValueError):
    """A query the user must fix; str(error) is a one-line message."""


# An entity resolver maps what the user typed after `entity:` to the canonical indexed name.
EntityResolver = Callable[[str], str]


class FreeText(GroupNode):
    """A word or phrase typed without a field name, as the copies of it that search each
    free-text field (OR'ed). Not an OrGroup, so an OR around it never merges it: later steps
    (name expansion) find what the user typed as one node."""

    qclass = query.Or
    merging = False


@dataclass(frozen=True)
class Filter:
    """A narrowing clause of the query (`date:2011`, `entity:MKO`) and where it stands in the
    text as typed, so that a front end can offer the query without it."""

    field: str
    value: str
    start: int
    end: int


@dataclass
class Parsed:
    """A query parsed once: the syntax tree Whoosh's parser built, and what it says."""

    typed: str  # the query as the user typed it
    syntax: GroupNode  # the parser's syntax tree of the text it read (see `_normalise_syntax`)
    parser: QueryParser
    text: str  # the text the parser read
    filters: list[Filter] = field(default_factory=list)

    def query(self, syntax: GroupNode | None = None) -> query.Query:
        """The Whoosh query of this parse's syntax tree, or of a tree made from it (names
        expanded), bounded in the work it may cause."""
        built = (syntax or self.syntax).query(self.parser) or query.NullQuery
        return _bounded(built.normalize())

    def without(self, fieldname: str) -> str:
        """The query as typed with every `fieldname:` clause taken out."""
        kept, at = [], 0
        for clause in self.filters:
            if clause.field == fieldname:
                kept.append(self.typed[at : clause.start])
                at = clause.end
        return _tidied("".join(kept) + self.typed[at:])

    def chips(self) -> list[tuple[Filter, str]]:
        """Each narrowing clause with the query as typed without it."""
        return [
            (clause, _tidied(self.typed[: clause.start] + self.typed[clause.end :]))
            for clause in self.filters
        ]


def _tidied(text: str) -> str:
    """A query with a clause cut out: whitespace collapsed, no operator left dangling at
    either end ("oil AND" → "oil")."""
    words = text.split()
    while words and words[-1] in _OPERATOR:
        words.pop()
    while words and words[0] in _OPERATOR - {"NOT"}:
        words.pop(0)
    return " ".join(words)


def parse_query(text: str, schema: Schema, resolve_entity: EntityResolver) -> Parsed | None:
    """The user's text parsed once, or None for an empty query (list everything).

    Raises QueryError with a one-line message for a malformed query or one beyond the bounds.
    Everything later (name expansion, the undated count, filter chips) works on the tree.
    """
    _check_size(text)
    if not text.strip():
        return None
    _check_syntax(text)
    normalised, positions = _normalise_syntax(text)
    _check_negations(normalised)
    parser = QueryParser("body", schema, group=AndGroup)
    parser.remove_plugin_class(MultifieldPlugin)
    parser.add_plugin(
        MultifieldPlugin(list(FREE_TEXT_FIELDS), fieldboosts=FREE_TEXT_FIELDS, group=FreeText)
    )
    parser.add_plugin(FuzzyTermPlugin())
    special = _SpecialFieldPlugin(resolve_entity)
    parser.add_plugin(special)
    syntax = parser.process(normalised)
    filters = [
        Filter(name, value, positions[start], positions[end])
        for name, value, start, end in special.found
    ]
    parsed = Parsed(text, syntax, parser, normalised, filters)
    parsed.query()  # refuses now what it would refuse later (too many wildcard words, …)
    return parsed


def _check_size(text: str) -> None:
    """Refuse a query too long, with too long a word, too many words or brackets too deep.

    The length is checked before any regular expression reads the text.
    """
    if len(text) > MAX_QUERY_CHARS:
        raise QueryError(
            f"the query is {len(text):,} characters long: the limit is {MAX_QUERY_CHARS:,}"
        )
    words = re.split(r'[\s()"]+', text)
    longest = max(words, key=len)
    if len(longest) > MAX_WORD_CHARS:
        raise QueryError(
            f"a word of {len(longest):,} characters ({longest[:20]}…): "
            f"the limit is {MAX_WORD_CHARS}"
        )
    count = sum(1 for word in words if word and word not in _OPERATOR)
    if count > MAX_WORDS:
        raise QueryError(f"the query has {count} words: the limit is {MAX_WORDS}")
    depth = _depth(re.sub(r'"[^"]*"', "", text))
    if depth > MAX_DEPTH:
        raise QueryError(f"brackets nested {depth} deep: the limit is {MAX_DEPTH}")


def _depth(text: str) -> int:
    """How deep brackets stand within brackets."""
    depth = deepest = 0
    for char in text:
        depth += {"(": 1, ")": -1}.get(char, 0)
        deepest = max(deepest, depth)
    return deepest


def _check_negations(text: str) -> None:
    """`NOT NOT x` (or `NOT -x`) is refused: Whoosh's parser cannot read it."""
    words = re.findall(r'"[^"]*"|[()]|[^\s()"]+', text)
    if any(left == right == "NOT" for left, right in zip(words, words[1:], strict=False)):
        raise QueryError("NOT twice in a row (NOT NOT, or NOT -word): write it once")


_PREFIX_OPERATOR = re.compile(r'("[^"]*")|(?:(?<=[\s(])|^)([-+])(?=[\w"(])')


def _normalise_syntax(text: str) -> tuple[str, list[int]]:
    """`Title:` works like `title:`, `-word` like `NOT word`, `+word` like `word`; with, for
    each position of the text returned (and its end), the position in `text` it comes from.

    Quoted text is left alone, and so are hyphens inside words ("3,000-plus").
    """
    parts = re.split(r'("[^"]*")', text)
    text = "".join(
        part if part.startswith('"') else _FIELD_REF.sub(lambda m: m.group(1).lower() + ":", part)
        for part in parts
    )  # the same length: field names change case only
    out: list[str] = []
    positions: list[int] = []
    at = 0
    for match in _PREFIX_OPERATOR.finditer(text):
        if match.group(1):
            continue  # a quoted phrase
        out.append(text[at : match.start()])
        positions.extend(range(at, match.start()))
        written = "NOT " if match.group(2) == "-" else ""
        out.append(written)
        positions.extend([match.start()] * len(written))
        at = match.end()
    out.append(text[at:])
    positions.extend(range(at, len(text) + 1))
    return "".join(out), positions


_FIELD_NAMES = " ".join(f"{name}:" for name in QUERY_FIELDS if name != "entities")


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
                f"unknown field {match.group(1)}: — use {_FIELD_NAMES}, "
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
    return DateFilter(_covering_terms(first, last, today), 1.0)


def undated_query(value: str) -> query.Query:
    """`undated:yes` finds clippings without a date, `undated:no` those with one."""
    answer = value.strip('"').lower()
    if answer not in ("yes", "no", "true", "false"):
        raise QueryError(f"undated:{value} — write undated:yes or undated:no")
    flag = "1" if answer in ("yes", "true") else "0"
    return UndatedFilter(query.Term("undated", flag), 1.0)


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
    if days > (today - EARLIEST_DATE).days:
        return EARLIEST_DATE, today  # the archive's first day; earlier days have no clippings
    return today - timedelta(days=days - 1), today


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
    if first > last and end is None:
        raise QueryError(f"date range {value} starts after this year: no clipping is that new")
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


class DateFilter(query.ConstantScoreQuery):
    """A `date:` clause: narrows without scoring (its boost: see `whoosh_adapter`)."""


class UndatedFilter(query.ConstantScoreQuery):
    """An `undated:` clause: narrows without scoring."""


def without_dates(q: query.Query) -> query.Query | None:
    """The query with its date clauses taken out, or None when it has none."""
    if not any(isinstance(part, DateFilter) for part in _parts(q)):
        return None
    return _dropped(q, DateFilter).normalize()


def _parts(q: query.Query) -> Iterator[query.Query]:
    yield q
    for child in q.children():
        yield from _parts(child)


def _dropped(q: query.Query, kind: type) -> query.Query:
    if isinstance(q, kind):
        return query.NullQuery
    return q if q.is_leaf() else q.apply(lambda child: _dropped(child, kind))


def _covering_terms(first: date, last: date, today: date) -> query.Query:
    """The fewest year, month and day terms that cover the days from `first` to `last`.

    Only the archive's days count (1900 to the end of this year): a range beyond it needs no
    terms for the centuries before or after, and one wholly outside it matches nothing.
    """
    outside = query.Term("date", first.isoformat())  # a day no clipping has
    first, last = max(first, EARLIEST_DATE), min(last, date(today.year, 12, 31))
    if first > last:
        return outside
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
    """Parses the values of the narrowing fields (`entity:`, `date:`, `undated:`) whole, before
    Whoosh's own field handling, and records each clause with its place in the text."""

    priority = -2
    expr = (
        rf"(?<![\w:])(?P<field>{_NARROWING}):"
        r'(?P<value>"[^"]*"|\[[^\]]*\]?|\{[^}]*\}?|[^\s()"]+)'
    )

    def __init__(self, resolve_entity: EntityResolver):
        super().__init__(self.expr)
        self.resolve_entity = resolve_entity
        self.found: list[tuple[str, str, int, int]] = []

    def create(self, parser, match):
        name = match.group("field").lower()
        value = match.group("value")
        self.found.append((name, value.strip('"'), match.start(), match.end()))
        if name == "date":
            return _QueryNode(date_query(value))
        if name == "undated":
            return _QueryNode(undated_query(value))
        entity = value[1:-1] if value.startswith('"') else value
        index_field = QUERY_FIELDS[name].index_field
        return _QueryNode(query.Term(index_field, self.resolve_entity(entity)))


class _QueryNode(SyntaxNode):
    """A syntax node whose query was built when it was tagged."""

    def __init__(self, built: query.Query):
        self.built = built

    def r(self):
        return repr(self.built)

    def query(self, parser):
        return self.built


def _bounded(parsed: query.Query) -> query.Query:
    """The parsed query with its wildcard, fuzzy and range words bounded (see `_Capped`).

    Refuses more than MAX_PATTERNS such words, a wildcard first, and fuzzy words with too many
    edits or letters.
    """
    patterns: set[str] = set()
    budget = _Budget(MAX_EXPANSION)

    def bound(q: query.Query) -> query.Query:
        if not isinstance(q, query.MultiTerm):
            return q if q.is_leaf() else q.apply(bound)
        typed = _typed(q)
        patterns.add(typed)
        capped_class = _CAPPED.get(type(q))
        if capped_class is None:
            raise QueryError(f"{typed}: this kind of query is not supported")
        capped = copy.copy(q)
        capped.__class__ = capped_class
        capped.budget = budget
        if isinstance(q, query.Wildcard) and not wildcard_prefix(q):
            raise QueryError(f"{typed}: a wildcard cannot come first; start with a letter")
        if isinstance(q, query.FuzzyTerm):
            _check_fuzzy(q, typed)
            # At least the first letter; at most the whole word (`oil~1/5` asks for five).
            capped.prefixlength = min(max(1, q.prefixlength), len(q.text))
        return capped

    bounded = bound(parsed)
    if len(patterns) > MAX_PATTERNS:
        raise QueryError(
            f"the query has {len(patterns)} wildcard, fuzzy and range words: "
            f"the limit is {MAX_PATTERNS}"
        )
    return bounded


def _typed(q: query.Query) -> str:
    """A query word as the user wrote it, without its field or boost: `refug*`, `rajavy~2`."""
    return re.sub(r"\^[\d.]+$", "", str(q).split(":", 1)[-1])


def _check_fuzzy(q: query.FuzzyTerm, typed: str) -> None:
    if q.maxdist > MAX_EDITS:
        raise QueryError(f"{typed}: fuzzy words allow at most {MAX_EDITS} edits, e.g. word~2")
    if len(q.text) > MAX_FUZZY_LETTERS:
        raise QueryError(
            f"{q.text[:20]}…~: a fuzzy word may have at most {MAX_FUZZY_LETTERS} letters"
        )


class _Budget:
    """How many more indexed words the wildcard, fuzzy and range words of one query may match."""

    def __init__(self, words: int):
        self.left = words


class _Capped(ExpansionHook):
    """A wildcard, fuzzy or range word that draws the words it matches from its query's budget,
    refusing when that runs out, and finds them once per index reader however often the engine
    asks.

    Fuzzy words match only words with their first letter, which spares reading the whole
    vocabulary for each.
    """

    budget: _Budget

    def expansion(self, reader, words: Iterator) -> Iterator:
        """The words Whoosh expands the query to (a lazy iterator, read only the first time)."""
        kept = self.__dict__.get("kept")
        if kept is None or kept[0] is not reader:
            words = list(islice(words, self.budget.left + 1))
            if len(words) > self.budget.left:
                raise QueryError(
                    f"{_typed(self)}: the query's wildcard, fuzzy and range words match more "
                    f"than {MAX_EXPANSION:,} words, the limit; make them narrower"
                )
            self.budget.left -= len(words)
            kept = self.kept = (reader, words)
        return iter(kept[1])


class _CappedPrefix(_Capped, query.Prefix):
    pass


class _CappedWildcard(_Capped, query.Wildcard):
    pass


class _CappedFuzzyTerm(_Capped, query.FuzzyTerm):
    def expansion(self, reader, words: Iterator) -> Iterator:
        return super().expansion(reader, self.within(reader))

    def within(self, reader) -> Iterator[str]:
        """The words within `maxdist` edits, found by one Levenshtein automaton that skips
        through each segment's sorted words, as Whoosh does for a single segment (its way for
        several segments computes the distance to every word in Python)."""
        dfa = Automata.levenshtein_dfa(self.text, self.maxdist, self.prefixlength)
        spelled = reader.schema[self.fieldname].spelling_fieldname(self.fieldname)
        seen: set[str] = set()
        for segment_reader, _ in reader.leaf_readers():
            if spelled not in segment_reader.indexed_field_names():
                continue
            for word in Automata.find_matches(dfa, segment_reader.cursor(spelled)):
                if word not in seen:
                    seen.add(word)
                    yield word


class _CappedTermRange(_Capped, query.TermRange):
    pass


_CAPPED = {
    query.Prefix: _CappedPrefix,
    query.Wildcard: _CappedWildcard,
    query.FuzzyTerm: _CappedFuzzyTerm,
    query.TermRange: _CappedTermRange,
}
