"""Progressive relaxation: a question's words need not all be in one clipping.

People type questions and half-remembered phrases; a clipping rarely holds every word of them.
Clippings with all the words come first; when fewer than a page of them exist, the results
continue with clippings that hold some of the words, ranked by BM25F (which weighs each word
by its rarity, so the rarest words count most), as Elasticsearch's `minimum_should_match` and
Meilisearch's "words" rule do. Only free words may be dropped: phrases in quotes, field
clauses, filters, NOT and words marked `+` are always required. A name the query expanded
(`Camp Ashraf` → its other names) is one word here.

The relaxed matches are not ordered by how many of the words they hold before BM25F: measured
on SciFact's train claims with the same BM25F, that order scored nDCG@10 0.618 against 0.704
for BM25F alone after the clippings holding every word, since it puts a clipping with three
common words above one with the two rarest. Nor is a minimum share of the words required: a
third already cost 0.04 (recall falls).
"""

from __future__ import annotations

from dataclasses import dataclass

from whoosh import query
from whoosh.qparser import syntax
from whoosh.qparser.plugins import FuzzyTermPlugin, PhrasePlugin, PrefixPlugin

from indexer.bm25f import CombinedFields
from indexer.expand import Alternatives
from indexer.query import FreeText, Parsed, is_filter_clause
from indexer.schema import text_analyzer, word_tokenizer

_AROUND = "?!,;:\"'()[]"
_ANALYZER = text_analyzer()
_TOKENS = word_tokenizer()
# Words a question is built with that say nothing of what it asks about. The index keeps them
# (a title may be "What to do about Camp Ashraf"), but a relaxed query does not search them,
# or on a small archive, where few clippings use "what", they would outweigh the question's
# subject. Negations stay. On SciFact (train) dropping them changes nDCG@10 by +0.001.
FUNCTION_WORDS = frozenset(
    """about above after again against all also am any because been
before being below between both but can could did do does doing done down during each even
ever every few further had has having he her here hers herself him himself his how however i
me more most much must my myself now off once only other our ours ourselves out over own same
shall she should so some still than those though through thus too under until up upon us very
we were what whatever when whenever where whereas wherever whether which while who whom whose
why would yet you your yours yourself yourselves""".split()
)


@dataclass
class Droppable:
    """A free word (or an expanded name) of the query: what the user typed, its syntax and
    the query it makes."""

    typed: str
    node: syntax.SyntaxNode
    query: query.Query


@dataclass
class Relaxed:
    """A query split into what every match must have and the words a match may lack."""

    required: list[syntax.SyntaxNode]
    words: list[Droppable]
    typed: str  # the whole query as typed
    ignored: list[str]  # the question's function words ("what", "after"), not searched

    def required_typed(self) -> list[str]:
        """The required clauses as typed, filters (`date:`, `entity:`) left out."""
        return [
            _clause(self.typed, node)
            for node in self.required
            if node.startchar is not None and not is_filter_clause(node)
        ]

    def tree(self, original: syntax.GroupNode) -> syntax.GroupNode:
        """The syntax tree of the relaxed query: every required clause and any of the words;
        when a required clause has words of its own (a phrase, `title:…`, `+word`), the free
        words only rank (`ANDMAYBE`)."""
        words = syntax.OrGroup([w.node for w in self.words])
        made = original.empty_copy()
        if not _ranking(self.required):
            made.nodes = [*self.required, words]
            return made
        made.nodes = list(self.required)
        return syntax.AndGroup([syntax.AndMaybeGroup([made, words])])


def relaxed(parsed: Parsed, tree: syntax.GroupNode) -> Relaxed | None:
    """The query's droppable words and required clauses, or None when there is nothing to
    relax: no free word, or one alone (or beside filters only), which is what the user asks."""
    if not isinstance(tree, syntax.AndGroup):
        return None
    required, words = [], []
    for node in _conjuncts(tree):
        typed = _droppable(node, parsed.typed)
        if typed is None:
            required.append(node)
            continue
        alone = parsed.query(syntax.AndGroup([node]))
        if alone is not query.NullQuery:  # a stop word searches nothing
            words.extend(_parts(Droppable(typed, node, alone)))
    if len(words) < 2 and not (words and _ranking(required)):
        return None  # one free word alone (or beside filters) is what the user asks for
    kept = [w for w in words if w.typed.casefold() not in FUNCTION_WORDS] or words
    ignored = [w.typed for w in words if w not in kept]
    return Relaxed(required, kept, parsed.typed, ignored)


def _parts(word: Droppable) -> list[Droppable]:
    """A word the analyzer splits ("fast-twitch", "E2f-1") as its parts, each a word a match
    may lack: in prose a hyphenated compound is two words. Anything else as it is."""
    if not isinstance(word.query, query.And) or isinstance(word.node, Alternatives):
        return [word]
    if not all(isinstance(part, CombinedFields) for part in word.query.subqueries):
        return [word]
    shown = [t.text for t in _TOKENS(word.typed) if any(True for _ in _ANALYZER(t.text))]
    if len(shown) != len(word.query.subqueries):
        shown = [" ".join(part.words()) for part in word.query.subqueries]
    return [
        Droppable(text, _Built(part, word.node), part)
        for text, part in zip(shown, word.query.subqueries, strict=True)
    ]


class _Built(syntax.SyntaxNode):
    """A syntax node standing for a query already built (one part of a split word)."""

    def __init__(self, built: query.Query, at: syntax.SyntaxNode):
        self.built = built
        self.startchar, self.endchar = at.startchar, at.endchar

    def r(self):
        return repr(self.built)

    def query(self, parser):
        return self.built


def _ranking(required: list) -> bool:
    """Whether a required clause is a word or phrase of its own (quoted, `+word`, `title:…`);
    a user's own OR or NOT is boolean logic, and a filter does not rank."""
    return any(
        isinstance(n, FreeText | Alternatives) or getattr(n, "fieldname", None) for n in required
    )


def _clause(typed: str, node) -> str:
    """A clause as typed, with the field name, sign or NOT that the parser left out of its
    place ("title:raid", "-refugees", "NOT refugees")."""
    start, end = node.startchar, node.endchar
    if start > 0 and typed[start - 1] == ":":
        start -= 1
        while start > 0 and typed[start - 1].isalnum():
            start -= 1
    if start > 0 and typed[start - 1] in "-+=":
        start -= 1
    elif isinstance(node, syntax.NotGroup) and typed[:start].rstrip().endswith("NOT"):
        start = typed[:start].rstrip().rfind("NOT")
    return typed[start:end].strip()


def _conjuncts(group: syntax.AndGroup) -> list[syntax.SyntaxNode]:
    """The clauses a match must all have, brackets of ANDed clauses opened: in prose,
    "virus (ComYMV)" is an aside, not a group of required words."""
    nodes = []
    for node in group.nodes:
        if isinstance(node, syntax.AndGroup) and not getattr(node, "required", False):
            nodes.extend(_conjuncts(node))
        else:
            nodes.append(node)
    return nodes


def _droppable(node, typed: str) -> str | None:
    """The word as typed when `node` is a free word the results may lack, else None."""
    if isinstance(node, Alternatives):
        return _droppable(node.nodes[0], typed)  # a name with its other names
    if not isinstance(node, FreeText) or not node.nodes:
        return None
    first = node.nodes[0]
    if getattr(first, "required", False):
        return None
    if isinstance(first, PhrasePlugin.PhraseNode):
        start = first.startchar
        quoted = start is not None and typed[start : start + 1] in ('"', "=")
        return None if quoted else first.text
    if isinstance(first, PrefixPlugin.PrefixNode):
        return f"{first.text}*"
    if isinstance(first, FuzzyTermPlugin.FuzzyTermNode):
        return f"{first.text}~"
    return _bare(getattr(first, "text", None))


def _bare(word: str | None) -> str | None:
    """A word as typed without the punctuation around it ("2011?" → "2011"; "U.S." stays)."""
    if word is None:
        return None
    bare = word.strip(_AROUND)
    return bare if "." in bare[:-1] or not bare.endswith(".") else bare.rstrip(".")
