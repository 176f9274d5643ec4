"""Query expansion by names: a name typed in free text also finds the entity's other names.

`PMOI` also searches "MEK", "MKO", "People's Mujahedeen of Iran", … (from the entity table),
and `Mujahedin` also searches the spellings the archive uses (Mojahedin, Mujahedeen). Clippings
with the words as typed rank first. `=PMOI` or `="People's Mujahedeen"` turns expansion off for
one name; the search call's `expand=False` for the whole query.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from whoosh import query

from indexer.names.keys import variant_key
from indexer.names.table import Cluster, EntityTable
from indexer.results import Expansion
from indexer.schema import text_analyzer

MAX_ALTERNATIVES = 12
ALTERNATIVE_BOOST = 0.5
# A word in more than this share of clippings is taken as an ordinary word, not a spelling.
COMMON_SHARE, COMMON_MIN = 0.01, 20
_MAX_NAME_WORDS = 6
# Quoted phrases, field clauses, operators and brackets pass through; bare words may be names.
_TOKEN = re.compile(
    r'(?P<verbatim>="[^"]*"|=[^\s()"]+)'
    r'|(?P<phrase>"[^"]*")'
    r'|(?P<field>[A-Za-z_]\w*:(?:"[^"]*"|\[[^\]]*\]?|\{[^}]*\}?|\([^)]*\)?|[^\s()]*))'
    r"|(?P<op>\b(?:AND|OR|NOT|ANDNOT|ANDMAYBE)\b|[()])"
    r'|(?P<word>[^\s()"]+)'
)


class ExpandedText(str):
    """Query text written by `expand_names`; `typed` is the text the user typed, which is what
    the query's size bounds measure (other names can make the written text far longer)."""

    typed: str

    def __new__(cls, text: str, typed: str) -> ExpandedText:
        written = super().__new__(cls, text)
        written.typed = typed
        return written


def without_verbatim_marks(text: str) -> str:
    """The query with `=name` marks removed (what runs when expansion is off)."""
    return re.sub(r'(?<![\w:=])=(?=["\w])', "", text)


def expand_names(
    text: str, table: EntityTable, worth: Callable[[str, Cluster], bool] = lambda s, c: True
) -> tuple[ExpandedText, list[Expansion]]:
    """The query text with each known name replaced by (name OR its other names).

    `worth(span, entity)` can refuse an expansion (an ordinary word that is also some name).
    """
    out: list[str] = []
    expansions: list[Expansion] = []
    words: list[str] = []

    def flush() -> None:
        out.extend(_expand_words(words, table, expansions, worth))
        words.clear()

    for match in _TOKEN.finditer(text):
        kind, value = match.lastgroup, match.group(0)
        if kind == "word" and not value.startswith(("-", "+")):
            words.append(value)
            continue
        flush()
        if kind == "verbatim":
            out.append(value[1:])
        elif kind == "phrase":
            out.append(_expand_span(value[1:-1], value, table, expansions))
        else:
            out.append(value)
    flush()
    return ExpandedText(" ".join(out), text), expansions


def _expand_words(
    words: list[str], table: EntityTable, expansions: list[Expansion], worth
) -> list[str]:
    out, i = [], 0
    while i < len(words):
        for size in range(min(_MAX_NAME_WORDS, len(words) - i), 0, -1):
            span = " ".join(words[i : i + size])
            cluster = _name_cluster(span, table)
            if cluster and worth(span, cluster):
                original = f'"{span}"' if size > 1 else span
                out.append(_alternatives(span, original, cluster, expansions))
                i += size
                break
        else:
            out.append(words[i])
            i += 1
    return out


def _expand_span(span: str, original: str, table: EntityTable, expansions) -> str:
    cluster = _name_cluster(span, table)
    return _alternatives(span, original, cluster, expansions) if cluster else original


def _name_cluster(span: str, table: EntityTable) -> Cluster | None:
    """The entity a span of the query names, if it has other names to search."""
    letters = re.sub(r"\W", "", span)
    if len(letters) < 2 or span.upper() in {"AND", "OR", "NOT"}:
        return None
    cluster = table.lookup(span)
    return cluster if cluster and len(cluster.names) > 1 else None


def _alternatives(span: str, original: str, cluster: Cluster, expansions: list[Expansion]) -> str:
    typed = variant_key(span)
    others = [n for n in cluster.names if variant_key(n) != typed][:MAX_ALTERNATIVES]
    if not others:
        return original
    expansions.append(Expansion(span, others))
    quoted = " OR ".join(f'"{n.replace(chr(34), "")}"^{ALTERNATIVE_BOOST}' for n in others)
    return f"({original} OR {quoted})"


class SpellingVariants:
    """The words of entity names grouped by transliteration key (Mojahedin, Mujahedeen, …).

    Only name words take part, and a typed word is expanded only if it is a name word itself or
    absent from the index, so an ordinary word never picks up look-alikes (better, butter).
    """

    def __init__(self, table: EntityTable):
        analyzer = text_analyzer()
        self._groups: dict[str, set[str]] = {}
        for cluster in table.clusters():
            for name in cluster.names:
                for token in analyzer(name):
                    if len(token.text) >= 6 and token.text.isalpha():
                        self._groups.setdefault(variant_key(token.text), set()).add(token.text)

    def expand(self, parsed: query.Query, reader, expansions: list[Expansion]) -> query.Query:
        """`parsed` with each title/body term ORed with the other spellings the index holds."""
        if isinstance(parsed, query.Term) and parsed.fieldname in ("title", "body"):
            group = self._groups.get(variant_key(parsed.text), set())
            uses = reader.doc_frequency(parsed.fieldname, parsed.text)
            common = uses > max(COMMON_MIN, reader.doc_count() * COMMON_SHARE)
            if uses and (parsed.text not in group or common):
                return parsed  # an ordinary word, or too common to be a rare spelling
            others = sorted(
                t for t in group if t != parsed.text and reader.doc_frequency(parsed.fieldname, t)
            )
            if not others:
                return parsed
            _note(expansions, parsed.text, others)
            boost = parsed.boost * ALTERNATIVE_BOOST
            alternatives = [query.Term(parsed.fieldname, t, boost=boost) for t in others]
            return query.Or([parsed, *alternatives])
        if isinstance(parsed, query.Phrase | query.Ordered) or parsed.is_leaf():
            return parsed
        return parsed.apply(lambda q: self.expand(q, reader, expansions))


def _note(expansions: list[Expansion], term: str, others: list[str]) -> None:
    """Record what a term also searched (the title and body fields may add different spellings)."""
    for expansion in expansions:
        if expansion.term == term:
            expansion.also = sorted({*expansion.also, *others})
            return
    expansions.append(Expansion(term, others))
