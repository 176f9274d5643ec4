"""Did you mean: a query word that matches nothing or very little, and is close to a word the
archive uses far more often, is offered that word, in the whole query as typed with only the
misspelled words replaced (`title:refugess "camp ashraff" date:2011` → `title:refugees "camp
ashraf" date:2011`).

Closeness is counted on the words as written (`vocabulary.py`), never on stems: insertions,
deletions, substitutions and transpositions, at most one edit for words of three to five
letters and two for longer ones (one for a word the archive uses, rarely: "mister" is not
"minister" misspelled); the commonest typos, a key next to the one meant on a QWERTY keyboard
and two letters swapped, count half. Stop words, which the index leaves out, are candidates
too ("teh" is "the"). A name word of the entity table also stands close to its other
transliterations (`names/keys.py`: Mujahideen, Mojahedin), whatever their edit distance. Of
the words close enough, the closest wins, then the most used. A word is left alone when it is
a number, a name the archive uses, a wildcard or fuzzy word, a `=name`, or in a field without
words as written (`source:`, `entity:`, `date:`). Word counts are Whoosh's document
frequencies, which count a replaced clipping's old copy until segments merge. A word's
suggestion is found once per index generation (paging and sorting ask again).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from whoosh.qparser import syntax
from whoosh.qparser.plugins import PhrasePlugin

from indexer.names.keys import variant_key
from indexer.names.table import EntityTable
from indexer.query import Parsed
from indexer.results import Marked
from indexer.schema import SPELLED_FIELDS, STOP_WORDS, spelling_analyzer
from indexer.vocabulary import indexed_term, uses, words_within

# A word matches "very little" when at most this share of the clippings (and at least one)
# use it; a suggestion must be used by MIN_USES clippings and CLEARLY_MORE times as many as
# the typed word matches.
LITTLE_SHARE = 0.001
MIN_USES = 2
CLEARLY_MORE = 20
# A word this short or shorter is corrected only when it matches nothing at all ("lawn" is a
# word one edit from "law").
SHORT_WORD = 4
# The commonest typos count half an edit: a key next to the one meant, two letters swapped.
KEY_NEIGHBOUR_COST = 0.5
SWAP_COST = 0.5
TRANSLITERATION_COST = 1.0  # another transliteration of a name word (Mujahideen, Mojahedin)
_NAME_WORD_LETTERS = 5

_ROWS = ("qwertyuiop", "asdfghjkl", "zxcvbnm")
_ROW_SHIFT = (0.0, 0.25, 0.75)  # how far each row of keys stands to the right of the one above
_KEY_AT = {key: (row, col + _ROW_SHIFT[row]) for row, keys in enumerate(_ROWS) for col, key in
           enumerate(keys)}  # fmt: skip
_AS_WRITTEN = spelling_analyzer()
_OPERATORS = {"AND", "OR", "NOT", "ANDNOT", "ANDMAYBE", "REQUIRE"}


@dataclass(frozen=True)
class _Typed:
    """A word of the query as the user typed it, where it stands, and as written in the index."""

    start: int
    end: int
    written: str


class Speller:
    """Suggestions for one index generation: its words as written, and the other spellings of
    the entity table's name words."""

    def __init__(self, table: EntityTable):
        self._table = table
        self._keyed: dict[str, set[str]] | None = None  # made when a word first needs it
        self._found: dict[tuple[str, str], str | None] = {}  # for paging and sorting again

    def _spellings(self, word: str) -> set[str]:
        """The entity table's name words that share the word's transliteration key."""
        if self._keyed is None:
            self._keyed = {}
            for cluster in self._table.clusters():
                for name in cluster.names:
                    for token in _AS_WRITTEN(name):
                        if len(token.text) >= _NAME_WORD_LETTERS and token.text.isalpha():
                            self._keyed.setdefault(variant_key(token.text), set()).add(token.text)
        return self._keyed.get(variant_key(word), set())

    def suggestion(self, parse: Parsed | None, reader) -> Marked | None:
        """The query as typed with each misspelled word replaced, the replacements marked; None
        when no word needs one."""
        if parse is None:
            return None
        corrections = []
        for typed in _typed_words(parse):
            better = self._better(typed, parse.typed[typed.start : typed.end], reader)
            if better:
                corrections.append((typed, _cased(parse.typed[typed.start : typed.end], better)))
        return _rewritten(parse.typed, corrections) if corrections else None

    def _better(self, typed: _Typed, surface: str, reader) -> str | None:
        """The word to suggest instead of a typed one, or None (found once per generation)."""
        key = (typed.written, surface.casefold())
        if key not in self._found:
            self._found[key] = self._best(typed.written, surface, reader)
        return self._found[key]

    def _best(self, word: str, surface: str, reader) -> str | None:
        if _allowed_edits(word) == 0 or not word.isalpha():
            return None
        matched = max(reader.doc_frequency(field, indexed_term(word)) for field in SPELLED_FIELDS)
        if matched and (
            len(word) <= SHORT_WORD
            or matched > max(1, LITTLE_SHARE * reader.doc_count())
            or self._table.lookup(surface)  # a name the archive uses, however rarely
        ):
            return None
        needed = max(MIN_USES, CLEARLY_MORE * matched)
        allowed = 1 if matched else _allowed_edits(word)  # a word in use: a typo, not a cousin
        # The first letter is rarely the one mistyped, and keeping it makes the search for
        # close words several times faster: words with another first letter only if need be.
        ranked = self._ranked(word, allowed, 1, needed, reader)
        ranked = ranked or self._ranked(word, 1, 0, needed, reader)
        return min(ranked)[2] if ranked else None

    def _ranked(self, word: str, allowed: int, kept: int, needed: int, reader) -> list:
        """(edits, -uses, word) of the words used by at least `needed` clippings and at most
        `allowed` edits from `word` keeping its first `kept` letters, or transliterations."""
        ranked = []
        for candidate, cost in self._candidates(word, allowed, kept, reader).items():
            used = reader.doc_count() if candidate in STOP_WORDS else uses(reader, candidate)
            if used >= needed and indexed_term(candidate) != indexed_term(word):
                ranked.append((cost, -used, candidate))
        return ranked

    def _candidates(self, word: str, allowed: int, kept: int, reader) -> dict[str, float]:
        """Words as written at most `allowed` edits from `word` and keeping its first `kept`
        letters, stop words (which the index leaves out: "teh" is "the"), and other
        transliterations of a name word, with how far they are."""
        near = set(words_within(reader, word, allowed, kept))
        near.update(w for w in _transposed(word) if uses(reader, w) or w in STOP_WORDS)
        near.update(w for w in STOP_WORDS if len(w) > 2 and w[:kept] == word[:kept])
        costs = {w: distance(word, w) for w in near if w != word and w.isalpha()}
        costs = {w: cost for w, cost in costs.items() if cost <= allowed}
        for spelling in self._spellings(word) - {word}:
            costs[spelling] = min(costs.get(spelling, TRANSLITERATION_COST), TRANSLITERATION_COST)
        return costs


def _typed_words(parse: Parsed) -> Iterator[_Typed]:
    """The query's words that may be misspelled: plain words and the words of phrases in title
    and body, each once (the parser copies a free word for each field)."""
    seen: set[int] = set()
    for node in _nodes(parse.syntax):
        if getattr(node, "verbatim", False) or node.fieldname not in SPELLED_FIELDS:
            continue
        text = parse.typed[node.startchar : node.endchar]
        for token in _AS_WRITTEN(text, chars=True):
            start = node.startchar + token.startchar
            if start not in seen:
                seen.add(start)
                yield _Typed(start, node.startchar + token.endchar, token.text)


def _nodes(group) -> Iterator:
    """The word and phrase nodes of a syntax tree (not wildcard, fuzzy or filter nodes)."""
    for node in group:
        if type(node) in (syntax.WordNode, PhrasePlugin.PhraseNode):
            yield node
        elif isinstance(node, syntax.GroupNode):
            yield from _nodes(node)


def _allowed_edits(word: str) -> int:
    """How many edits a suggestion may be from the typed word: more for longer words."""
    return 0 if len(word) < 3 else 1 if len(word) <= 5 else 2


def _transposed(word: str) -> Iterator[str]:
    for i in range(len(word) - 1):
        if word[i] != word[i + 1]:
            yield word[:i] + word[i + 1] + word[i] + word[i + 2 :]


def distance(typed: str, word: str) -> float:
    """Edits from `typed` to `word` (optimal string alignment: insertions, deletions,
    substitutions, transpositions of neighbouring letters), a substitution by a key next to the
    typed one counting KEY_NEIGHBOUR_COST and a transposition SWAP_COST."""
    before = None
    row = [float(j) for j in range(len(word) + 1)]
    for i, a in enumerate(typed, 1):
        current = [float(i)] + [0.0] * len(word)
        for j, b in enumerate(word, 1):
            substitution = 0.0 if a == b else KEY_NEIGHBOUR_COST if _neighbours(a, b) else 1.0
            current[j] = min(row[j] + 1, current[j - 1] + 1, row[j - 1] + substitution)
            if before and i > 1 and j > 1 and a == word[j - 2] and typed[i - 2] == b:
                current[j] = min(current[j], before[j - 2] + SWAP_COST)
        before, row = row, current
    return row[-1]


def _neighbours(a: str, b: str) -> bool:
    if a not in _KEY_AT or b not in _KEY_AT:
        return False
    (row_a, x_a), (row_b, x_b) = _KEY_AT[a], _KEY_AT[b]
    return abs(row_a - row_b) <= 1 and abs(x_a - x_b) <= 1


def _cased(surface: str, word: str) -> str:
    """The suggested word in the typed word's case (REFUGEES, Refugees, refugees), never in
    capitals that the parser would read as an operator (NOT)."""
    if len(surface) > 1 and surface.isupper() and word.upper() not in _OPERATORS:
        return word.upper()
    return word[:1].upper() + word[1:] if surface[:1].isupper() else word


def _rewritten(text: str, corrections: list[tuple[_Typed, str]]) -> Marked:
    """The query with each corrected word replaced, the replacements marked."""
    pieces, marks, at, length = [], [], 0, 0
    for typed, word in sorted(corrections, key=lambda c: c[0].start):
        pieces.append(text[at : typed.start])
        length += typed.start - at
        marks.append((length, length + len(word)))
        pieces.append(word)
        length += len(word)
        at = typed.end
    pieces.append(text[at:])
    return Marked("".join(pieces), tuple(marks))
