"""A word or phrase typed without a field name, scored as BM25F over the fields it searches.

Whoosh scores `title:w OR body:w` as two BM25 terms added together, so a word in the title
and the body saturates twice and the title's weight multiplies a whole second score: on
SciFact that cost 0.07 nDCG@10 against a plain BM25 (0.613 against 0.679; README,
"Relevance"). Robertson's BM25F (as Elasticsearch's `combined_fields` does) weights each
field's frequency, normalised by that field's length, into one pseudo-frequency and saturates
it once:

    tf~ = sum over fields of  weight * tf / (1 - B + B * length / average length)
    score = idf * tf~ * (K1 + 1) / (tf~ + K1),  idf = ln(1 + (N - df + 0.5) / (df + 0.5))

with N the documents in the index and df those holding the word in any of the fields.
`CombinedFields` is a Whoosh query, so Whoosh's own search runs it (its matcher below is the
reference the numpy fast path in `ranking.py` is checked against, tests/test_parity.py).
"""

from __future__ import annotations

import math

from whoosh import query
from whoosh.matching import ListMatcher, NullMatcher

from indexer.schema import WHEN_FIELD, WHEN_WEIGHT, is_when_word

# Tuned on SciFact's train claims with bench/relevance.py; K1 and B are also Whoosh's defaults.
K1 = 1.2
B = 0.75


def idf(documents: int, having: int) -> float:
    """Robertson–Sparck Jones idf, never negative."""
    return math.log(1 + (documents - having + 0.5) / (having + 0.5))


def saturated(pseudo_frequency, word_idf: float):
    """The BM25 score of a pseudo-frequency (a number or a numpy array)."""
    return word_idf * pseudo_frequency * (K1 + 1) / (pseudo_frequency + K1)


def normalised(frequency, length, average: float):
    """A field's frequency divided by its length normalisation (numbers or numpy arrays)."""
    return frequency / ((1 - B) + B * length / average)


class CombinedFields(query.CompoundQuery):
    """One typed word or phrase in several text fields: its copies, one per field (`Term`s or
    `Phrase`s whose boosts are the fields' weights). Matches a document that any copy matches;
    scores as the sum, over its words, of each word's one BM25F term across the fields."""

    JOINT = " OR "
    intersect_merge = False

    def __init__(self, subqueries, boost: float = 1.0):
        super().__init__(subqueries, boost=boost)

    def words(self) -> list[str]:
        first = self.subqueries[0]
        return list(first.words) if isinstance(first, query.Phrase) else [first.text]

    def fields(self) -> list[tuple[str, float]]:
        """Each field searched, with its weight."""
        return [(copy.fieldname, copy.boost) for copy in self.subqueries]

    def is_word(self) -> bool:
        return all(type(copy) is query.Term for copy in self.subqueries)

    def word_terms(self, word: str) -> query.Or:
        """A document has `word` in any of the fields (its document frequency for the idf)."""
        return query.Or([query.Term(field, word) for field, _ in self.fields()])

    def normalize(self):
        """Its copies normalised (an empty phrase searches nothing, a one-word phrase is that
        word), still one BM25F query when they stay words or phrases; never merged into an
        enclosing OR, which would score each field apart."""
        copies = [copy.normalize() for copy in self.subqueries]
        if all(copy is query.NullQuery for copy in copies):
            return query.NullQuery
        kinds = {type(copy) for copy in copies}
        if kinds in ({query.Term}, {query.Phrase}):
            return CombinedFields(copies, boost=self.boost)
        return query.Or(copies, boost=self.boost).normalize()

    def estimate_size(self, ixreader) -> int:
        return sum(q.estimate_size(ixreader) for q in self.subqueries)

    def matcher(self, searcher, context=None):
        """Whoosh's matcher for one segment: every document a copy matches and its score,
        computed one document at a time from the segment's postings and field lengths."""
        parent, reader = searcher.get_parent(), searcher.reader()
        matched = sorted({d for copy in self.subqueries for d in searcher.docs_for_query(copy)})
        if not matched:
            return NullMatcher()
        scores = dict.fromkeys(matched, 0.0)
        for word in self.words():
            having = len(list(parent.docs_for_query(self.word_terms(word))))
            word_idf = idf(parent.doc_count(), having)
            pseudo = dict.fromkeys(matched, 0.0)
            for field, weight in self.fields():
                if (field, word) not in reader:
                    continue
                average = parent.avg_field_length(field) or 1.0
                postings = searcher.postings(field, word)
                while postings.is_active():
                    doc = postings.id()
                    if doc in pseudo:
                        length = reader.doc_field_length(doc, field)
                        pseudo[doc] += weight * normalised(postings.weight(), length, average)
                    postings.next()
            for doc in matched:
                scores[doc] += saturated(pseudo[doc], word_idf)
        return ListMatcher(matched, weights=[scores[d] * self.boost for d in matched])


def combined(q: query.Query) -> query.Query:
    """`q`, the copies of one typed word or phrase that search each free-text field (OR'ed), as
    one BM25F query; a word the analyzer splits ("caspase-11": each field's copy an AND of its
    parts) as an AND of one per part. Anything else (wildcards, fuzzy words) is left as it is."""
    copies = q.subqueries if isinstance(q, query.Or) else []
    if len(copies) < 2 or len({copy.field() for copy in copies}) != len(copies):
        return q
    if all(type(copy) is query.Phrase for copy in copies):
        same = len({(tuple(c.words), c.slop) for c in copies}) == 1
        return CombinedFields(list(copies), boost=q.boost) if same else q
    columns = [_words(copy) for copy in copies]
    if any(column is None for column in columns):
        return q
    if len({tuple(t.text for t in column) for column in columns}) != 1:
        return q
    words = [
        CombinedFields([*terms, *_when(terms[0].text)], boost=q.boost)
        for terms in zip(*columns, strict=True)
    ]
    return words[0] if len(words) == 1 else query.And(words)


def _when(word: str) -> list[query.Term]:
    """A year or month name also searches the clippings' publication dates."""
    return [query.Term(WHEN_FIELD, word, boost=WHEN_WEIGHT)] if is_when_word(word) else []


def _words(copy: query.Query) -> list[query.Term] | None:
    """The terms of one field's copy of a typed word (a word, or an AND of the parts the
    analyzer split it into), or None when the copy is anything else."""
    if type(copy) is query.Term:
        return [copy]
    if type(copy) is not query.And or not all(type(t) is query.Term for t in copy.subqueries):
        return None
    if len({t.fieldname for t in copy.subqueries}) != 1:
        return None
    return [query.Term(t.fieldname, t.text, boost=t.boost * copy.boost) for t in copy.subqueries]
