"""BM25F scores for a whole document set at once, the way Whoosh scores one document at a time.

Same formula, statistics and defaults as Whoosh's `BM25F` (B 0.75, K1 1.2, idf
log(N / (df + 1)) + 1, the field's average length), and the same way of combining them as
Whoosh's matchers: AND and OR add their parts' scores (an OR only those of the parts a
document matches), a phrase scores as the sum of its words, a wildcard or fuzzy word as the sum
of the words it expands to, a filter (`date:`, `NOT …`) as a constant, a word of a field that
is not scored (`entity:`) as its count. Computed with numpy over decoded posting lists instead
of a matcher per document; tests/test_parity.py checks it against Whoosh's own search.
"""

from __future__ import annotations

import numpy as np
from whoosh import query

from indexer import bm25f
from indexer.bm25f import CombinedFields
from indexer.docsets import LENGTH_FIELDS, Columns, PostingCache, docset
from indexer.whoosh_adapter import multiterm_texts

B, K1 = 0.75, 1.2


class Scorer:
    """Scores documents of one index generation against a query."""

    def __init__(self, searcher, columns: Columns, cache: PostingCache):
        self.searcher = searcher
        self.reader = searcher.reader()
        self.columns = columns
        self.cache = cache
        # An index written before a field existed has none of it (it is rebuilt at the next run).
        self._average = {
            f: searcher.avg_field_length(f) or 1.0 for f in LENGTH_FIELDS if f in searcher.schema
        }

    def scores(self, q: query.Query, docs: np.ndarray) -> np.ndarray:
        """Each document's score, for documents (sorted) that match `q`."""
        if isinstance(q, query.Term):
            return self._term(q.fieldname, q.text, docs) * q.boost
        if isinstance(q, CombinedFields):
            return self._combined_fields(q, docs)
        if isinstance(q, query.Phrase):
            words = [self._term(q.fieldname, w, docs) for w in q.words]
            return np.sum(words, axis=0) * q.boost if words else np.zeros(len(docs))
        if isinstance(q, query.MultiTerm):
            return self._expanded(q, docs)
        if isinstance(q, query.ConstantScoreQuery):
            return np.full(len(docs), float(q.score))
        if isinstance(q, query.Not):
            return np.ones(len(docs))  # Whoosh scores the documents a NOT matches 1
        if isinstance(q, query.Every):
            return np.full(len(docs), float(q.boost))
        if isinstance(q, query.CompoundQuery) and len(q.subqueries) == 1:
            return self.scores(q.subqueries[0], docs)  # Whoosh ignores a lone child's wrapper
        if isinstance(q, query.And | query.Or | query.DisjunctionMax):
            return self._boosted(self._combined(q, docs), q)
        if isinstance(q, query.AndMaybe):
            return self.scores(q.a, docs) + self._where_matched(q.b, docs)
        if isinstance(q, query.Require | query.AndNot):
            return self.scores(q.a, docs)
        if isinstance(q, query.WrappingQuery):
            return self.scores(q.child, docs)
        return np.zeros(len(docs))

    def _combined(self, q: query.CompoundQuery, docs: np.ndarray) -> np.ndarray:
        """AND adds its parts' scores; OR those of the parts a document matches; DisMax takes
        the best of those."""
        if not q.subqueries:
            return np.zeros(len(docs))
        if isinstance(q, query.And):
            return np.sum([self.scores(sub, docs) for sub in q.subqueries], axis=0)
        parts = [self._where_matched(sub, docs) for sub in q.subqueries]
        return (
            np.max(parts, axis=0) if isinstance(q, query.DisjunctionMax) else np.sum(parts, axis=0)
        )

    def top(self, q, docs: np.ndarray, count: int, tiers: list[np.ndarray] = ()):
        """The `count` best (docnum, score) pairs; the documents of each tier before all
        others (the first tier first), and by score within a tier."""
        if not len(docs):
            return []
        scores = self.scores(q, docs)
        outside = [~np.isin(docs, tier) for tier in reversed(tiers)]
        order = np.lexsort((docs, -scores, *outside))[:count]
        return [(int(docs[i]), float(scores[i])) for i in order]

    def _where_matched(self, q: query.Query, docs: np.ndarray) -> np.ndarray:
        """Scores of a part that only some of `docs` match (an OR's), zero where it does not."""
        if isinstance(q, query.Term) or (isinstance(q, CombinedFields) and q.is_word()):
            return self.scores(q, docs)  # zero exactly where the word is absent
        matched = docset(q, self.reader, self.columns, self.cache, self.searcher)
        inside = np.isin(docs, matched, assume_unique=True)
        out = np.zeros(len(docs))
        out[inside] = self.scores(q, docs[inside])
        return out

    def _expanded(self, q: query.MultiTerm, docs: np.ndarray) -> np.ndarray:
        """A prefix, wildcard or fuzzy word: the sum of its words' scores, boosted; a single word
        scores as that word alone, unboosted (as Whoosh does)."""
        texts = multiterm_texts(q, self.reader) or []
        parts = [self._term(q.fieldname, text, docs) for text in texts]
        if len(parts) == 1:
            return parts[0]
        return np.sum(parts, axis=0) * q.boost if parts else np.zeros(len(docs))

    def _combined_fields(self, q: CombinedFields, docs: np.ndarray) -> np.ndarray:
        """A word or phrase over several fields as BM25F (indexer/bm25f.py), for every document
        at once: each word's pseudo-frequency across the fields, saturated once."""
        out = np.zeros(len(docs))
        for word in q.words():
            pseudo = np.zeros(len(docs))
            for field, weight in q.fields():
                if field not in self._average:
                    continue
                lengths, average = self.columns.lengths[field], self._average[field]
                for where, tf in self._postings_within(field, word, docs):
                    pseudo[where] += weight * bm25f.normalised(tf, lengths[docs[where]], average)
            having = len(self._docset(q.word_terms(word)))
            out += bm25f.saturated(pseudo, bm25f.idf(self.searcher.doc_count(), having))
        if not q.is_word():  # a phrase: only where a copy matches
            out[~np.isin(docs, self._docset(q), assume_unique=True)] = 0.0
        return out * q.boost

    def _docset(self, q: query.Query) -> np.ndarray:
        return docset(q, self.reader, self.columns, self.cache, self.searcher)

    def _postings_within(self, fieldname: str, text: str, docs: np.ndarray):
        """A word's postings among `docs`, per segment: (where in `docs`, frequency)."""
        for segment_reader, offset in self.reader.leaf_readers():
            ids, tf = self.cache.postings(segment_reader, fieldname, text)
            if not len(ids):
                continue
            ids = ids + offset
            where = np.searchsorted(docs, ids)
            hit = where < len(docs)
            hit[hit] = docs[where[hit]] == ids[hit]
            yield where[hit], tf[hit]

    def _boosted(self, scores: np.ndarray, q: query.Query) -> np.ndarray:
        return scores * q.boost if q.boost != 1.0 else scores

    def _term(self, fieldname: str, text: str, docs: np.ndarray) -> np.ndarray:
        """BM25F for a word of a scored text field; a word's count in a field that is not scored."""
        out = np.zeros(len(docs))
        if fieldname not in self.searcher.schema or not len(docs):
            return out
        scored = self.searcher.schema[fieldname].scorable and fieldname in self.columns.lengths
        if scored:
            idf = self.searcher.idf(fieldname, text)
            lengths = self.columns.lengths[fieldname]
        for segment_reader, offset in self.reader.leaf_readers():
            ids, tf = self.cache.postings(segment_reader, fieldname, text)
            if not len(ids):
                continue
            ids = ids + offset
            where = np.searchsorted(docs, ids)
            hit = where < len(docs)
            hit[hit] = docs[where[hit]] == ids[hit]
            if not scored:
                out[where[hit]] += tf[hit]
                continue
            norm = K1 * ((1 - B) + B * lengths[ids[hit]] / self._average[fieldname])
            out[where[hit]] += idf * (tf[hit] * (K1 + 1)) / (tf[hit] + norm)
        return out
