"""The query language: Whoosh's parser with our plugins, read once into a `Parsed` query.

Words search title and body; `title:`, `source:` … (declared in `indexer/schema.py`) one
field; `entity:X` resolves X through the alias table to the canonical name the index stores;
`date:` takes a year, a month, a day, a range of them or a relative span; `=name` is a name as
typed. Everything after the parse (name expansion, the undated count, filter chips) is a
function of its tree. Malformed queries raise QueryError with a one-line message that says how
to fix them, and so do queries beyond the bounds below, which keep any one query well under a
second of server time at 100,000 clippings.
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
    FieldsPlugin,
    FuzzyTermPlugin,
    GroupPlugin,
    MultifieldPlugin,
    PhrasePlugin,
    QueryParser,
    WildcardPlugin,
    syntax,
)
from whoosh.qparser.plugins import Plugin, TaggingPlugin
from whoosh.qparser.syntax import GroupNode, SyntaxNode
from whoosh.qparser.taggers import RegexTagger

from indexer.bm25f import combined
from indexer.schema import FREE_TEXT_FIELDS, QUERY_FIELDS, SPELLED_FIELDS, QueryField
from indexer.vocabulary import as_written, indexed_term, words_within
from indexer.whoosh_adapter import ExpansionHook, wildcard_prefix


def _one_name_each() -> list[QueryField]:
    """The declared fields, one name for each index field (`entity:`, not also `entities:`)."""
    named: dict[str, QueryField] = {}
    for declared in QUERY_FIELDS.values():
        named.setdefault(declared.index_field, declared)
    return list(named.values())


_FIELD_NAMES = " ".join(f"{f.name}:" for f in _one_name_each())
SYNTAX_HINT = (
    'words (clippings with all of them first), +required, "exact phrase", OR, NOT, (groups), '
    "wild*, fuzzy~, "
    + " ".join(f"{f.name}:" for f in _one_name_each() if f.kind in ("text", "entity"))
    + ' date:2011 date:2011-04 date:[2011-01-01 to 2011-06-30] date:"last 30 days" '
    + " ".join(f.example for f in _one_name_each() if f.kind == "flag")
)
EARLIEST_DATE = date(1900, 1, 1)
_DATE = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?$")
_OPERATOR = {"AND", "OR", "NOT", "ANDNOT", "ANDMAYBE"}

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
    """A query the user must fix; str(error) is a one-line message (a line break typed in the
    query is shown as a space)."""

    def __init__(self, message: str):
        super().__init__(" ".join(str(message).split()))


# An entity resolver maps what the user typed after `entity:` to the canonical indexed name.
EntityResolver = Callable[[str], str]


class FreeText(GroupNode):
    """A word or phrase typed without a field name, as the copies of it that search each
    free-text field (OR'ed). Not an OrGroup, so an OR around it never merges it: later steps
    (name expansion) find what the user typed as one node."""

    qclass = query.Or
    merging = False

    def query(self, parser):
        return syntax.attach(combined(super().query(parser)), self)


@dataclass(frozen=True)
class Filter:
    """A narrowing clause of the query (`date:2011`, `entity:MKO`) and where it stands in the
    text as typed, so that a front end can offer the query without it."""

    field: str
    value: str
    start: int
    end: int
    narrows: bool = True  # the whole query: reached through ANDs alone, not in OR, NOT, (…)


@dataclass
class Parsed:
    """A query parsed once: the syntax tree Whoosh's parser built, and what it says."""

    typed: str  # the query as the user typed it, which the parser read as it is
    syntax: GroupNode  # the parser's syntax tree of it; nodes know their place in `typed`
    parser: QueryParser
    filters: list[Filter] = field(default_factory=list)
    _as_typed: query.Query | None = field(default=None, init=False, repr=False, compare=False)

    def query(self, syntax: GroupNode | None = None) -> query.Query:
        """The Whoosh query of this parse's syntax tree (built once), or of a tree made from
        it (names expanded), bounded in the work it may cause."""
        if syntax is None and self._as_typed is not None:
            return self._as_typed
        built = (syntax or self.syntax).query(self.parser) or query.NullQuery
        bounded = _bounded(built.normalize())
        if syntax is None:
            self._as_typed = bounded
        return bounded

    def without(self, fieldname: str) -> str:
        """The query as typed with every `fieldname:` clause taken out."""
        kept, at = [], 0
        for clause in self.filters:
            if clause.field == fieldname:
                kept.append(self.typed[at : clause.start])
                at = clause.end
        return _tidied("".join(kept) + self.typed[at:])

    def chips(self) -> list[tuple[Filter, str]]:
        """Each clause that narrows the whole query, with the query as typed without it."""
        return [
            (clause, _tidied(self.typed[: clause.start] + self.typed[clause.end :]))
            for clause in self.filters
            if clause.narrows
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

    All of the query language is in the parser's plugins (`_plugins`): field names in any case,
    `-word` and `+word`, `=name`, the filter fields' values, and the checks that refuse a
    malformed query. Raises QueryError with a one-line message for a malformed query or one
    beyond the bounds. Everything later (name expansion, the undated count, filter chips) works
    on the tree.
    """
    _check_size(text)
    if not text.strip():
        return None
    parser = QueryParser("body", schema, group=AndGroup)
    clauses: list[tuple[str, int, int, int]] = []
    for plugin_class in (FieldsPlugin, PhrasePlugin, MultifieldPlugin, WildcardPlugin):
        parser.remove_plugin_class(plugin_class)
    parser.add_plugins(_plugins(resolve_entity, clauses))
    tree = parser.process(text)
    narrowing = _narrowing_ends(tree)
    filters = [
        Filter(name, text[value_start:end].strip('"'), start, end, end in narrowing)
        for name, start, value_start, end in sorted(clauses, key=lambda clause: clause[1])
    ]
    parsed = Parsed(text, tree, parser, filters)
    parsed.query()  # refuses now what it would refuse later (too many wildcard words, …)
    return parsed


def _narrowing_ends(group: GroupNode) -> set[int]:
    """Where the clauses end that narrow the whole query: those the top of the syntax tree
    reaches through ANDs alone (not inside an OR, a NOT or a field's brackets)."""
    ends = set()
    for node in group:
        if isinstance(node, AndGroup):
            ends |= _narrowing_ends(node)
        elif not isinstance(node, GroupNode):
            ends.add(node.endchar)
    return ends


def _plugins(resolve_entity: EntityResolver, clauses: list) -> list[Plugin]:
    """The parser's plugins besides Whoosh's own (words, operators, brackets, wildcards,
    boosts, ranges); `clauses` collects each filter clause's name and place in the text."""
    return [
        MultifieldPlugin(list(FREE_TEXT_FIELDS), fieldboosts=FREE_TEXT_FIELDS, group=FreeText),
        _FuzzyPlugin(),
        _WildcardPlugin(),
        # As Whoosh's own, but a phrase may run over a line break.
        PhrasePlugin(r'(?s)"(?P<text>.*?)"(~(?P<slop>[1-9][0-9]*))?'),
        _StrayQuotePlugin(),
        _FilterFieldPlugin(resolve_entity, clauses),
        _FieldNamePlugin(clauses),
        _PrefixOperatorPlugin(),
        _VerbatimPlugin(),
        _ChecksPlugin(),
    ]


_SEPARATORS = str.maketrans('()"', "   ")


def _check_size(text: str) -> None:
    """Refuse a query too long, with too long a word, too many words or brackets too deep.

    Cheap bounds on the raw text before the parser reads it (its time grows with the square of
    a word's length): lengths, a split and a count, no pattern matching.
    """
    if len(text) > MAX_QUERY_CHARS:
        raise QueryError(
            f"the query is {len(text):,} characters long: the limit is {MAX_QUERY_CHARS:,}"
        )
    words = text.translate(_SEPARATORS).split()
    longest = max(words, key=len, default="")
    if len(longest) > MAX_WORD_CHARS:
        raise QueryError(
            f"a word of {len(longest):,} characters ({longest[:20]}…): "
            f"the limit is {MAX_WORD_CHARS}"
        )
    count = sum(1 for word in words if word not in _OPERATOR)
    if count > MAX_WORDS:
        raise QueryError(f"the query has {count} words: the limit is {MAX_WORDS}")
    depth = _depth(text)
    if depth > MAX_DEPTH:
        raise QueryError(f"brackets nested {depth} deep: the limit is {MAX_DEPTH}")


def _depth(text: str) -> int:
    """How deep brackets stand within brackets (outside quotes)."""
    depth = deepest = 0
    quoted = False
    for char in text:
        if char == '"':
            quoted = not quoted
        elif not quoted and char in "()":
            depth += 1 if char == "(" else -1
            deepest = max(deepest, depth)
    return deepest


# What a refusal is about, in the order a user would fix them: the first kind found is named.
_QUOTES, _BRACKETS, _FIELD, _NO_VALUE, _OPERATORS, _NEGATIONS, _VALUE = range(7)


class _Refusal(SyntaxNode):
    """Text the parser cannot read, tagged where it stands; `_ChecksPlugin` refuses the query
    with the first refusal of the first kind."""

    def __init__(self, kind: int, message: str):
        self.kind = kind
        self.message = message

    def r(self):
        return f"refused {self.message!r}"


class _StrayQuotePlugin(TaggingPlugin):
    """A `"` that no phrase closes (the phrase tagger, tried first, takes the closed ones)."""

    expr = '"'
    priority = 1

    def create(self, parser, match):
        return _Refusal(_QUOTES, 'unbalanced quotes: close the phrase with another " or remove it')


class _FilterFieldPlugin(TaggingPlugin):
    """The values of the narrowing fields (`entity:`, `date:`, `undated:`) read whole (a date
    range, a quoted name), in any case of the field name, before Whoosh's own field handling;
    each clause is recorded with its place in the text."""

    priority = -2
    expr = (
        r"(?<![\w:])(?P<field>(?i:"
        + "|".join(name for name, declared in QUERY_FIELDS.items() if declared.narrows)
        + r')):(?P<value>"[^"]*"|\[[^\]]*\]?|\{[^}]*\}?|[^\s()"]+)'
    )

    def __init__(self, resolve_entity: EntityResolver, clauses: list):
        super().__init__(self.expr)
        self.resolve_entity = resolve_entity
        self.clauses = clauses

    def create(self, parser, match):
        name = match.group("field").lower()
        value = match.group("value")
        try:
            built = self.built(name, value)
        except QueryError as error:
            return _Refusal(_VALUE, str(error))
        self.clauses.append((name, match.start(), match.start("value"), match.end()))
        return _QueryNode(built)

    def built(self, name: str, value: str) -> query.Query:
        kind = QUERY_FIELDS[name].kind
        if kind == "date":
            return date_query(value)
        if kind == "flag":
            return undated_query(value)
        entity = value[1:-1] if value.startswith('"') else value
        return query.Term(QUERY_FIELDS[name].index_field, self.resolve_entity(entity))


class _FieldNamePlugin(FieldsPlugin):
    """`title:`, `Title:`, `source:` …: the declared fields, in any case, search their index
    field. Another name before a colon is refused, and so is a field with no value; a URL
    (`http://`) and a number (`2011:`) are words."""

    class FieldTagger(RegexTagger):
        def __init__(self, expr, clauses: list):
            super().__init__(expr)
            self.clauses = clauses

        def create(self, parser, match):
            name = match.group("name")
            after = match.string[match.end() : match.end() + 1]
            declared = QUERY_FIELDS.get(name.lower())
            if after in ("", ")") or after.isspace():
                example = declared.example if declared else f"{name}:word"
                return _Refusal(
                    _NO_VALUE, f"{name}: needs a value right after the colon, e.g. {example}"
                )
            if after == "/":
                return None  # a URL's scheme
            if declared and declared.narrows:
                return _Refusal(
                    _FIELD, f"{name}: takes one value, e.g. {declared.example}; join more with OR"
                )
            if declared:
                return _FieldName(declared.name, declared.index_field, match.group(0))
            if name[0] == "_" or (name[0].isascii() and name[0].isalpha()):
                return _Refusal(
                    _FIELD,
                    f"unknown field {name}: — use {_FIELD_NAMES}, "
                    "or put the words in quotes to search for them as text",
                )
            return None

    def __init__(self, clauses: list):
        super().__init__(r"(?<![\w:\\])(?P<name>\w+):")
        self.clauses = clauses

    def taggers(self, parser):
        return [(self.FieldTagger(self.expr, self.clauses), 0)]

    def do_fieldnames(self, parser, group):
        """Records the clauses of fields shown as filters (`source:reuters`), then applies
        each field name to the node after it, as Whoosh does."""
        self._record(group)
        return super().do_fieldnames(parser, group)

    def _record(self, group) -> None:
        nodes = list(group)  # nested groups: Whoosh's do_fieldnames calls this one for each
        for node, value in zip(nodes, nodes[1:], strict=False):
            if isinstance(node, _FieldName) and QUERY_FIELDS[node.name].chip and value.has_text:
                self.clauses.append((node.name, node.startchar, node.endchar, value.endchar))


class _FieldName(syntax.FieldnameNode):
    """A declared field's name as typed (`Source:`), naming its index field."""

    def __init__(self, name: str, index_field: str, original: str):
        super().__init__(index_field, original)
        self.name = name


class _FuzzyWord(FuzzyTermPlugin.FuzzyTermNode):
    """`refugess~`: in title and body the word keeps its letters as typed (lowercased, accents
    folded, not stemmed), so that edits are counted on the word as written."""

    def query(self, parser):
        built = super().query(parser)
        written = as_written(self.text)
        if isinstance(built, query.FuzzyTerm) and built.fieldname in SPELLED_FIELDS and written:
            built.text = written
        return built


class _WildcardPlugin(WildcardPlugin):
    """As Whoosh's, but a question mark that ends a word is punctuation, not a wildcard: people
    type questions ("… in April 2011?"). `wom?n` and `refug*` are still wildcards."""

    expr = r"(?P<text>\*|[?\u055E\u061F\u1367](?=[^\s)\"]))"


class _FuzzyPlugin(FuzzyTermPlugin):
    FuzzyTermNode = _FuzzyWord


class _Minus(syntax.PrefixOperator):
    """`-word`: as `NOT word`."""

    def __init__(self):
        super().__init__("-", syntax.NotGroup)


class _Plus(syntax.Whitespace):
    """`+word`: the word (phrase, bracket) is marked `required`, which relaxation never drops;
    the sign itself is dropped with the spaces."""


class _PrefixOperatorPlugin(TaggingPlugin):
    """`-` and `+` before a word, a phrase or a bracket, at the start or after a space or `(`;
    a hyphen inside a word ("3,000-plus") is part of the word, and a sign before a number is
    the number's ("-3", "+1 nucleosomes")."""

    expr = r'(?:^|(?<=[\s(]))(?P<sign>[-+])(?=[^\W\d]|["(])'

    def create(self, parser, match):
        return _Minus() if match.group("sign") == "-" else _Plus()

    def filters(self, parser):
        return [(self.mark, 10)]  # after brackets make groups, before fields and wildcards

    def mark(self, parser, group):
        """Marks the word or phrase right after a `+`, or every one in the bracket after it,
        as required (later filters rebuild groups, but keep their words)."""
        after_plus = False
        for node in group:
            if isinstance(node, GroupNode):
                self.mark(parser, node)
            if after_plus:
                _mark_required(node)
            after_plus = isinstance(node, _Plus)
        return group


def _mark_required(node) -> None:
    if isinstance(node, GroupNode):
        for inner in node:
            _mark_required(inner)
    else:
        node.required = True


class _Verbatim(syntax.MarkerNode):
    """`=` right before a word or phrase: that name only, as typed."""


class _VerbatimPlugin(TaggingPlugin):
    """`=PMOI`, `="People's Mujahedeen"`: the word or phrase is marked `verbatim`, which name
    expansion leaves alone; the mark itself searches nothing."""

    expr = r'(?<![\w:=])=(?=["\w])'
    nodetype = _Verbatim

    def filters(self, parser):
        return [(self.mark, 10)]  # after brackets make groups, before fields and wildcards

    def mark(self, parser, group):
        kept = group.empty_copy()
        marked = False
        for node in group:
            if isinstance(node, _Verbatim):
                marked = True
                continue
            if isinstance(node, GroupNode):
                node = self.mark(parser, node)
            elif marked and node.has_text:
                node.verbatim = True
            marked = False
            kept.append(node)
        return kept


class _ChecksPlugin(Plugin):
    """Refuses a malformed query with a one-line message, reading the parser's first, flat
    list of tagged nodes: refusals tagged in it, unbalanced brackets, an operator with no term
    on one side or two in a row, and `NOT NOT`."""

    def filters(self, parser):
        return [(self.check, -100)]  # before brackets make groups

    def check(self, parser, group):
        nodes = list(group)
        refused = [node for node in nodes if isinstance(node, _Refusal)]

        def first(kind: int) -> str | None:
            return next((node.message for node in refused if node.kind == kind), None)

        message = (
            first(_QUOTES)
            or _bracket_refusal(nodes)
            or first(_FIELD)
            or first(_NO_VALUE)
            or _operator_refusal(nodes)
            or _negation_refusal(nodes)
            or first(_VALUE)
        )
        if message:
            raise QueryError(message)
        return group


def _bracket_refusal(nodes: list) -> str | None:
    depth = 0
    for node in nodes:
        if isinstance(node, GroupPlugin.OpenBracket):
            depth += 1
        elif isinstance(node, GroupPlugin.CloseBracket):
            depth -= 1
            if depth < 0:
                return "unbalanced parentheses: a ) has no matching ("
    return "unbalanced parentheses: a ( is never closed" if depth else None


def _words(nodes: list) -> list[list]:
    """The tagged nodes as the words the user typed: runs of nodes between spaces, each
    bracket a word of its own (`refug*` is a word node and a wildcard node)."""
    words, word = [], []
    for node in nodes:
        bracket = isinstance(node, GroupPlugin.OpenBracket | GroupPlugin.CloseBracket)
        if node.is_ws() or bracket:
            if word:
                words.append(word)
            word = []
            if bracket:
                words.append([node])
        else:
            word.append(node)
    if word:
        words.append(word)
    return words


def _operator(word: list) -> str | None:
    """The operator a word is (AND, OR, NOT …), whether or not Whoosh tagged it as one."""
    if len(word) != 1 or not isinstance(word[0], syntax.Operator | syntax.WordNode):
        return None
    return word[0].text if word[0].text in _OPERATOR else None


def _operator_refusal(nodes: list) -> str | None:
    words = [
        word
        for word in _words(nodes)
        if not isinstance(word[0], GroupPlugin.OpenBracket | GroupPlugin.CloseBracket)
    ]
    operators = [_operator(word) for word in words]
    if operators and (operators[-1] or operators[0] in _OPERATOR - {"NOT"}):
        return f"{operators[-1] or operators[0]} needs a term on both sides"
    for left, right in zip(operators, operators[1:], strict=False):
        if left and right and right != "NOT":
            return f"{left} {right}: two operators in a row need a term between them"
    return None


def _negation_refusal(nodes: list) -> str | None:
    """`NOT NOT x` (or `NOT -x`) is refused: Whoosh's parser cannot read it."""
    negations = []
    for word in _words(nodes):
        if isinstance(word[0], _Minus):
            negations.append(True)
            word = word[1:]
        if word:
            negations.append(_operator(word) == "NOT")
    if any(left and right for left, right in zip(negations, negations[1:], strict=False)):
        return "NOT twice in a row (NOT NOT, or NOT -word): write it once"
    return None


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
    return UndatedFilter(query.Term(QUERY_FIELDS["undated"].index_field, flag), 1.0)


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


def undated_instead_of_dates(q: query.Query) -> query.Query | None:
    """The query that finds the undated clippings its date clauses leave out: the query with
    them taken out and `undated:yes` in their place; None when it has no date clause."""
    rest = without_dates(q)
    if rest is None:
        return None
    return query.And([rest, undated_query("yes")]).normalize()


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


def is_filter_clause(node: SyntaxNode) -> bool:
    """Whether a node of the syntax tree is a filter clause (`date:`, `entity:`, `undated:`)."""
    return isinstance(node, _QueryNode)


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
    written = str(q).split(":", 1)[-1]
    word, caret, boost = written.rpartition("^")
    return word if caret and boost and all(c.isdigit() or c == "." for c in boost) else written


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

    def __deepcopy__(self, memo) -> _Capped:
        """A copy sharing the budget and the words found (Whoosh's `normalize` copies a query's
        words when it merges groups; the words found hold the index reader)."""
        return copy.copy(self)

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
        """The indexed terms within `maxdist` edits. In title and body the edits are counted on
        the words as written (`vocabulary.py`), each found word standing for its stemmed term;
        elsewhere on the field's own terms, found by one Levenshtein automaton that skips
        through each segment's sorted words, as Whoosh does for a single segment (its way for
        several segments computes the distance to every word in Python)."""
        if self.fieldname in SPELLED_FIELDS:
            yield from self._terms_of_words(reader)
            return
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

    def _terms_of_words(self, reader) -> Iterator[str]:
        """The stemmed terms in this field of the words as written within reach, each once."""
        seen: set[str] = set()
        for word in words_within(reader, self.text, self.maxdist, self.prefixlength):
            term = indexed_term(word)
            if term not in seen and (self.fieldname, term) in reader:
                seen.add(term)
                yield term


class _CappedTermRange(_Capped, query.TermRange):
    pass


_CAPPED = {
    query.Prefix: _CappedPrefix,
    query.Wildcard: _CappedWildcard,
    query.FuzzyTerm: _CappedFuzzyTerm,
    query.TermRange: _CappedTermRange,
}
