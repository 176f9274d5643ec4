"""BM25F scores for a whole document set at once, the way Whoosh scores one document at a time.

Same formula, statistics and defaults as Whoosh's `BM25F` (B 0.75, K1 1.2, idf
log(N / (df + 1)) + 1, the field's average length), and the same way of combining them as
Whoosh's matchers: AND and OR add their parts' scores (an OR only those of the parts a
document matches), a phrase scores as the sum of its words, a wildcard or fuzzy word as the sum
of the words it expands to, a filter (`date:`, `NOT …`) as a constant, a word of a field that
is not scored (`entity:`) as its count. Computed with numpy over decoded posting lists instead
of a matcher per document; tests/test_parity.py checks it against Whoosh's own search.

The cost is bounded by posting lists, not by matching documents: a word's postings are placed
among the scored documents through a map of the index's size (document number → place, built
once per document set), each word's document count comes from the generation's document sets
(computed once per generation, shared with relaxation), and the first page is picked with a
partial sort (`np.argpartition`), whole sorting only the few documents that can be on it. Ties
are broken by clipping id (`Columns.id_order`).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from whoosh import query

from indexer import bm25f
from indexer.bm25f import CombinedFields
from indexer.docsets import LENGTH_FIELDS, Columns, PostingCache, docset
from indexer.whoosh_adapter import multiterm_texts

B, K1 = 0.75, 1.2


class Scorer:
    """Scores documents of one index generation against a query."""

    def __init__(
        self,
        searcher,
        columns: Columns,
        cache: PostingCache,
        docsets: Callable[[query.Query], np.ndarray] | None = None,
    ):
        self.searcher = searcher
        self.reader = searcher.reader()
        self.columns = columns
        self.cache = cache
        # The generation's cached document sets (`Generation.docset`), or computed each time.
        self._docsets = docsets
        self._placed: tuple[np.ndarray, np.ndarray] | None = None
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
        others (the first tier first), by score within a tier, ties by clipping id."""
        if not len(docs) or count <= 0:
            return []
        scores = self.scores(q, docs)
        ties = self.columns.id_order[docs]
        # The tier of each document: 0 for the first tier, len(tiers) for none.
        rank = np.full(len(docs), len(tiers), dtype=np.int64)
        for number, tier in reversed(list(enumerate(tiers))):
            rank[self._inside(tier, docs)] = number
        chosen = []
        for number in range(len(tiers) + 1):
            wanted = count - sum(len(c) for c in chosen)
            if wanted <= 0:
                break
            within = np.flatnonzero(rank == number) if tiers else np.arange(len(docs))
            chosen.append(within[_best(scores[within], ties[within], wanted)])
        order = np.concatenate(chosen)
        return list(zip(docs[order].tolist(), scores[order].tolist(), strict=True))

    def _inside(self, tier: np.ndarray, docs: np.ndarray) -> np.ndarray:
        """Which of `docs` are in `tier` (both sorted document numbers)."""
        if len(tier) * 8 < len(docs):
            return np.isin(docs, tier, assume_unique=True)
        mask = np.zeros(len(self.columns.live), dtype=bool)
        mask[tier] = True
        return mask[docs]

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
            having = self._having(q.word_terms(word))
            out += bm25f.saturated(pseudo, bm25f.idf(self.searcher.doc_count(), having))
        if not q.is_word():  # a phrase: only where a copy matches
            out[~np.isin(docs, self._docset(q), assume_unique=True)] = 0.0
        return out * q.boost

    def _docset(self, q: query.Query) -> np.ndarray:
        if self._docsets is not None:
            return self._docsets(q)
        return docset(q, self.reader, self.columns, self.cache, self.searcher)

    def _having(self, q: query.Query) -> int:
        """How many live documents hold any copy of a word (its BM25F document frequency)."""
        return len(self._docset(q))

    def _places(self, docs: np.ndarray) -> np.ndarray:
        """Document number → place in `docs` (-1 outside), for the last `docs` asked about."""
        if self._placed is None or self._placed[0] is not docs:
            places = np.full(len(self.columns.live), -1, dtype=np.int64)
            places[docs] = np.arange(len(docs), dtype=np.int64)
            self._placed = (docs, places)
        return self._placed[1]

    def _postings_within(self, fieldname: str, text: str, docs: np.ndarray):
        """A word's postings among `docs`, per segment: (where in `docs`, frequency)."""
        places = self._places(docs)
        for segment_reader, offset in self.reader.leaf_readers():
            ids, tf = self.cache.postings(segment_reader, fieldname, text)
            if not len(ids):
                continue
            where = places[ids + offset]
            hit = where >= 0
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
        for where, tf in self._postings_within(fieldname, text, docs):
            if not scored:
                out[where] += tf
                continue
            norm = K1 * ((1 - B) + B * lengths[docs[where]] / self._average[fieldname])
            out[where] += idf * (tf * (K1 + 1)) / (tf + norm)
        return out


def _best(scores: np.ndarray, ties: np.ndarray, count: int) -> np.ndarray:
    """Places of the `count` highest scores, best first, ties by `ties` (ascending): a partial
    sort finds the count-th score, and only the documents scoring at least that are sorted."""
    if count < len(scores):
        kth = np.partition(scores, len(scores) - count)[len(scores) - count]
        within = np.flatnonzero(scores >= kth)
    else:
        within = np.arange(len(scores))
    order = np.lexsort((ties[within], -scores[within]))[:count]
    return within[order]
