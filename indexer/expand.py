"""Query expansion by names: a name typed in free text also finds the entity's other names.

`PMOI` also searches "MEK", "MKO", "People's Mujahedeen of Iran", … (from the entity table),
and `Mujahedin` also searches the spellings the archive uses (Mojahedin, Mujahedeen). Clippings
with the words as typed rank first. `=PMOI` or `="People's Mujahedeen"` turns expansion off for
one name; the search call's `expand=False` for the whole query. Both work on the query's one
parse: names on its syntax tree (`expand_names`), spellings on its query tree
(`SpellingVariants.expand`).
"""

from __future__ import annotations

import copy
from collections.abc import Callable

from whoosh import query
from whoosh.qparser import syntax
from whoosh.qparser.plugins import PhrasePlugin

from indexer.bm25f import CombinedFields
from indexer.names.keys import variant_key
from indexer.names.table import Cluster, EntityTable
from indexer.query import FreeText, Parsed
from indexer.results import Expansion
from indexer.schema import FREE_TEXT_FIELDS, STOP_WORDS, text_analyzer

MAX_ALTERNATIVES = 12
ALTERNATIVE_BOOST = 0.5
# A word in more than this share of clippings is taken as an ordinary word, not a spelling.
COMMON_SHARE, COMMON_MIN = 0.01, 20
_MAX_NAME_WORDS = 6
_OPERATOR_WORDS = {"AND", "OR", "NOT"}
_ANALYZER = text_analyzer()
_PUNCTUATION = "?!,;:.\"'()[]"

Worth = Callable[[str, Cluster], bool]


class Alternatives(syntax.OrGroup):
    """A name as typed OR its other names, in the place of the name in the syntax tree; a
    clipping scores as its best-matching name (a name counts once, however many of its forms a
    clipping uses)."""

    qclass = query.DisjunctionMax


def expand_names(
    parsed: Parsed, table: EntityTable, worth: Worth = lambda span, cluster: True
) -> tuple[syntax.GroupNode, list[Expansion]]:
    """The parse's syntax tree with each known name replaced by (name OR its other names),
    and what was expanded; the parse itself is left as it was.

    Runs of free words (no field name) are matched longest first, up to six words, and so are
    quoted phrases; a name marked `=` is left alone. `worth(span, entity)` can refuse a word
    that is also some name (an ordinary word).
    """
    expansions: list[Expansion] = []
    return _expanded(parsed.syntax, parsed.typed, table, worth, expansions), expansions


def _expanded(group, text: str, table: EntityTable, worth: Worth, expansions) -> syntax.GroupNode:
    out, words = [], []

    def flush() -> None:
        out.extend(_expanded_words(words, table, worth, expansions))
        words.clear()

    for node in group.nodes:
        if _is_free(node, syntax.WordNode) and not _verbatim(node):
            if words and not text[words[-1].endchar : node.startchar].isspace():
                flush()  # not the next word of a run: something stands between them
            words.append(node)
            continue
        flush()
        if _is_free(node, PhrasePlugin.PhraseNode) and not _verbatim(node):
            out.append(_expanded_phrase(node, table, expansions))
        elif isinstance(node, syntax.NotGroup):
            out.append(node)  # what is left out stays as typed
        elif isinstance(node, syntax.AndNotGroup):
            kept = _expanded(_regrouped(node, node.nodes[:1]), text, table, worth, expansions)
            out.append(_regrouped(node, [*kept.nodes, *node.nodes[1:]]))
        elif isinstance(node, syntax.GroupNode):
            out.append(_expanded(node, text, table, worth, expansions))
        else:
            out.append(node)
    flush()
    return _regrouped(group, out)


def _regrouped(group: syntax.GroupNode, nodes: list) -> syntax.GroupNode:
    """A copy of `group` holding `nodes` (the parse's own tree is never changed)."""
    made = copy.copy(group)
    made.nodes = nodes
    return made


def _is_free(node, kind: type) -> bool:
    """Whether `node` is a word (or phrase) typed without a field name: the group of its copies
    for each free-text field that the parser made."""
    return isinstance(node, FreeText) and all(type(n) is kind for n in node.nodes)


def _verbatim(node) -> bool:
    """Whether the user marked the word or phrase `=` (that name only, as typed)."""
    return getattr(node.nodes[0], "verbatim", False)


def _free_text(node) -> str | None:
    return node.nodes[0].text if _is_free(node, syntax.WordNode) else None


def _expanded_words(words: list, table: EntityTable, worth: Worth, expansions) -> list:
    out, i = [], 0
    while i < len(words):
        for size in range(min(_MAX_NAME_WORDS, len(words) - i), 0, -1):
            run = [_free_text(node) for node in words[i : i + size]]
            span = " ".join(run)
            if _stop_word_edge(run):
                continue  # "of Camp Ashraf" or "was" is not a name; "Camp Ashraf" or "WAS" may be
            cluster = _name_cluster(span, table)
            if cluster and worth(span, cluster):
                at = (words[i].startchar, words[i + size - 1].endchar)
                original = words[i] if size == 1 else _free_phrase(span, at)
                out.append(_alternatives(span, original, cluster, expansions))
                i += size
                break
        else:
            out.append(words[i])
            i += 1
    return out


def _stop_word_edge(run: list[str]) -> bool:
    """Whether a run of words starts or ends with a stop word; a stop word typed in capitals
    alone is an acronym ("WAS", "IS")."""
    if len(run) == 1 and run[0].isupper() and len(run[0]) > 1:
        return False
    return any(word.casefold().strip(_PUNCTUATION) in STOP_WORDS for word in (run[0], run[-1]))


def _expanded_phrase(node, table: EntityTable, expansions):
    span = node.nodes[0].text
    cluster = _name_cluster(span, table)
    return _alternatives(span, node, cluster, expansions) if cluster else node


def _name_cluster(span: str, table: EntityTable) -> Cluster | None:
    """The entity a span of the query names, if it has other names to search."""
    if sum(c.isalnum() for c in span) < 2 or span.upper() in _OPERATOR_WORDS:
        return None
    cluster = table.lookup(span)
    return cluster if cluster and len(cluster.names) > 1 else None


def _alternatives(span: str, original, cluster: Cluster, expansions: list[Expansion]):
    """(the name as typed OR each other name, those weighted ALTERNATIVE_BOOST)."""
    typed = variant_key(span)
    others = [n for n in cluster.names if variant_key(n) != typed and _searchable(n)]
    others = others[:MAX_ALTERNATIVES]
    if not others:
        return original
    expansions.append(Expansion(span, others))
    at = (original.startchar, original.endchar)
    alternatives = [_free_phrase(name.replace('"', ""), at) for name in others]
    for alternative in alternatives:
        alternative.set_boost(ALTERNATIVE_BOOST)
    return Alternatives([original, *alternatives])


def _searchable(name: str) -> bool:
    """Whether a name has a word the index keeps (not only stop words, like "WAS")."""
    return any(True for _ in _ANALYZER(name))


def _free_phrase(text: str, at: tuple[int, int]) -> syntax.OrGroup:
    """A quoted phrase searched in every free-text field, as the parser makes one; `at` is
    where the words it stands for are in the query."""
    phrase = PhrasePlugin.PhraseNode(text, 0).set_range(*at)
    copies = []
    for fieldname, boost in FREE_TEXT_FIELDS.items():
        made = copy.copy(phrase)
        made.set_fieldname(fieldname)
        made.set_boost(boost)
        copies.append(made)
    return FreeText(copies)


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
        """`parsed` with each title/body term or the other spellings the index holds (the best
        counting)."""
        if isinstance(parsed, CombinedFields):
            return self._combined(parsed, reader, expansions)
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
            return query.DisjunctionMax([parsed, *alternatives])
        if isinstance(parsed, query.Phrase | query.Ordered) or parsed.is_leaf():
            return parsed
        return parsed.apply(lambda q: self.expand(q, reader, expansions))

    def _combined(self, word: CombinedFields, reader, expansions: list[Expansion]) -> query.Query:
        """A word of several fields or its other spellings, each one BM25F word, the best
        counting."""
        if not word.is_word():
            return word  # a phrase keeps its words as typed
        spelled = [self.expand(term, reader, expansions) for term in word.subqueries]
        if all(isinstance(q, query.Term) for q in spelled):
            return word
        ors = [q for q in spelled if isinstance(q, query.DisjunctionMax)]
        others = sorted({t.text for q in ors for t in q.subqueries[1:]})
        alternatives = [
            CombinedFields([query.Term(t.fieldname, text, boost=t.boost) for t in word.subqueries],
                           boost=word.boost * ALTERNATIVE_BOOST)
            for text in others
        ]  # fmt: skip
        return query.DisjunctionMax([word, *alternatives])


def _note(expansions: list[Expansion], term: str, others: list[str]) -> None:
    """Record what a term also searched (the title and body fields may add different spellings)."""
    for expansion in expansions:
        if expansion.term == term:
            expansion.also = sorted({*expansion.also, *others})
            return
    expansions.append(Expansion(term, others))
