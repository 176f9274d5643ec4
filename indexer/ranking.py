"""BM25F scores for a whole document set at once, the way Whoosh scores one document at a time.

Same formula, statistics and defaults as Whoosh's `BM25F` (B 0.75, K1 1.2, idf
log(N / (df + 1)) + 1, the field's average length), so word queries rank as Whoosh ranks them
(a phrase scores as the sum of its words, a wildcard as a constant); computed with numpy over
decoded posting lists instead of a matcher per document.
"""

from __future__ import annotations

import numpy as np
from whoosh import query

from indexer.docsets import Columns, PostingCache

B, K1 = 0.75, 1.2
SCORED_FIELDS = ("title", "body")


class Scorer:
    """Scores documents of one index generation against a query's words."""

    def __init__(self, searcher, columns: Columns, cache: PostingCache):
        self.searcher = searcher
        self.reader = searcher.reader()
        self.columns = columns
        self.cache = cache
        self._average = {f: searcher.avg_field_length(f) or 1.0 for f in SCORED_FIELDS}

    def scores(self, q: query.Query, docs: np.ndarray) -> np.ndarray:
        """Each document's score (docs sorted; zero where the query's words are absent)."""
        if isinstance(q, query.Term):
            return self._term(q.fieldname, q.text, docs) * q.boost
        if isinstance(q, query.Phrase):
            words = [self._term(q.fieldname, w, docs) for w in q.words]
            return np.sum(words, axis=0) * q.boost if words else np.zeros(len(docs))
        if isinstance(q, query.MultiTerm):  # prefix, wildcard, fuzzy: a constant, as Whoosh does
            matched = np.isin(docs, self._expansion_docs(q))
            return matched * q.boost
        if isinstance(q, query.And | query.Or):
            parts = [self.scores(sub, docs) for sub in q.subqueries]
            total = np.sum(parts, axis=0) if parts else np.zeros(len(docs))
            return total * q.boost
        if isinstance(q, query.DisjunctionMax):
            parts = [self.scores(sub, docs) for sub in q.subqueries]
            return np.max(parts, axis=0) * q.boost if parts else np.zeros(len(docs))
        if isinstance(q, query.AndMaybe):
            return self.scores(q.a, docs) + self.scores(q.b, docs)
        if isinstance(q, query.Require | query.AndNot):
            return self.scores(q.a, docs)
        return np.zeros(len(docs))

    def top(self, q, docs: np.ndarray, count: int, first: np.ndarray | None = None):
        """The `count` best (docnum, score) pairs; documents in `first` before all others."""
        if not len(docs):
            return []
        scores = self.scores(q, docs)
        tier = np.zeros(len(docs)) if first is None else ~np.isin(docs, first)
        order = np.lexsort((docs, -scores, tier))[:count]
        return [(int(docs[i]), float(scores[i])) for i in order]

    def _term(self, fieldname: str, text: str, docs: np.ndarray) -> np.ndarray:
        out = np.zeros(len(docs))
        if fieldname not in SCORED_FIELDS or not len(docs):
            return out
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
            norm = K1 * ((1 - B) + B * lengths[ids[hit]] / self._average[fieldname])
            out[where[hit]] += idf * (tf[hit] * (K1 + 1)) / (tf[hit] + norm)
        return out

    def _expansion_docs(self, q: query.MultiTerm) -> np.ndarray:
        parts = []
        for text in q._btexts(self.reader):
            word = text.decode("utf-8") if isinstance(text, bytes) else text
            for segment_reader, offset in self.reader.leaf_readers():
                parts.append(self.cache.ids(segment_reader, q.fieldname, word) + offset)
        return np.unique(np.concatenate(parts)) if parts else np.zeros(0, dtype=np.int64)
