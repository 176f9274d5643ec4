"""Document sets as sorted numpy arrays: totals, facets, timelines and date order in vectors.

Whoosh walks matches one document at a time in Python; counting every match of a frequent word
for facets that way costs tens of milliseconds. Here a query's matching documents are computed
as a set algebra over decoded posting lists (kept per segment, so unchanged segments are never
decoded twice), and the per-document values that facets and sorting need (year, month, source,
entities, date) are arrays built once per segment. Ties (equal scores, equal dates) are broken
by clipping id (`Columns.id_order`), never by document number, so that an index updated
incrementally and a clean rebuild of the same clippings list them in the same order.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from datetime import date

import numpy as np
from whoosh import query

from indexer.bm25f import CombinedFields
from indexer.whoosh_adapter import decoded_postings, multiterm_texts

_EMPTY = np.zeros(0, dtype=np.int64)
_EPOCH = date(1900, 1, 1).toordinal()
# The text fields whose words BM25F scores (with the field's length), as Whoosh does.
LENGTH_FIELDS = ("title", "body", "source", "when")
# Decoded posting lists kept in memory (ids, summed over all cached terms).
CACHE_IDS = 20_000_000
# Document sets of phrases and words over several fields kept per generation (ids, summed).
PARTS_IDS = 4_000_000


def segment_id(segment_reader) -> str:
    """The segment's id; an index without segments has one empty reader and no segment."""
    segment = segment_reader.segment()
    return segment.segment_id() if segment is not None else ""


class PostingCache:
    """Decoded posting lists per (segment, field, term): document numbers and term frequencies,
    least recently used dropped first."""

    def __init__(self, limit: int = CACHE_IDS):
        self.limit = limit
        self._lists: OrderedDict[tuple, tuple[np.ndarray, np.ndarray]] = OrderedDict()
        self._size = 0

    def postings(self, segment_reader, fieldname: str, text: str) -> tuple[np.ndarray, np.ndarray]:
        key = (segment_id(segment_reader), fieldname, text)
        found = self._lists.get(key)
        if found is not None:
            self._lists.move_to_end(key)
            return found
        found = decoded_postings(segment_reader, fieldname, text)
        self._lists[key] = found
        self._size += len(found[0])
        while self._size > self.limit and len(self._lists) > 1:
            _, (dropped, _) = self._lists.popitem(last=False)
            self._size -= len(dropped)
        return found

    def ids(self, segment_reader, fieldname: str, text: str) -> np.ndarray:
        return self.postings(segment_reader, fieldname, text)[0]

    def keep_only(self, live_segments: set[str]) -> None:
        for key in [k for k in self._lists if k[0] not in live_segments]:
            self._size -= len(self._lists.pop(key)[0])


@dataclass
class Labelled:
    """A single-valued field as numbers: `codes[doc]` indexes `labels`, -1 for none."""

    codes: np.ndarray
    labels: list[str]

    def counts(self, docs: np.ndarray) -> dict[str, int]:
        codes = self.codes[docs]
        codes = codes[codes >= 0]
        counted = np.bincount(codes, minlength=len(self.labels))
        return {self.labels[i]: int(counted[i]) for i in np.flatnonzero(counted)}


@dataclass
class MultiLabelled:
    """A multi-valued field as a compressed row table: doc d has `values[starts[d]:starts[d+1]]`."""

    starts: np.ndarray
    values: np.ndarray
    labels: list[str]

    def count_array(self, docs: np.ndarray) -> np.ndarray:
        """How many of `docs` have each label (indexed like `labels`)."""
        lengths = self.starts[docs + 1] - self.starts[docs]
        total = int(lengths.sum())
        if not total:
            return np.zeros(len(self.labels), dtype=np.int64)
        firsts = np.repeat(self.starts[docs] - np.cumsum(lengths) + lengths, lengths)
        picked = self.values[firsts + np.arange(total)]
        return np.bincount(picked, minlength=len(self.labels))

    def counts(self, docs: np.ndarray) -> dict[str, int]:
        counted = self.count_array(docs)
        return {self.labels[i]: int(counted[i]) for i in np.flatnonzero(counted)}

    def top(self, counted: np.ndarray, among: np.ndarray, n: int) -> list[tuple[str, int]]:
        """The `n` labels with the highest counts among the label numbers `among`."""
        among = among[counted[among] > 0]
        if len(among) > n:
            among = among[np.argpartition(-counted[among], n - 1)[:n]]
        ordered = sorted(among.tolist(), key=lambda i: (-counted[i], self.labels[i]))
        return [(self.labels[i], int(counted[i])) for i in ordered]


@dataclass
class Columns:
    """Per-document values of the whole index (all segments, one generation)."""

    live: np.ndarray  # bool per document number
    dates: np.ndarray  # days since 1900-01-01, -1 when undated
    year: Labelled
    month: Labelled
    source: Labelled
    entities: MultiLabelled
    lengths: dict[str, np.ndarray]  # words per document in each text field
    # Builds `id_order` when first needed (from the segments' `id` terms, kept per segment).
    id_order_of: Callable[[], np.ndarray] | None = dataclass_field(default=None, repr=False)
    # Per segment: its id, its clipping ids (sorted) with the document of each, and its
    # offset; read once per segment and kept while the segment lives, across commits.
    ids_of: Callable[[], list[tuple[str, np.ndarray, list[str], int]]] | None = dataclass_field(
        default=None, repr=False
    )
    _id_order: np.ndarray | None = dataclass_field(default=None, repr=False)
    # The document sets of a query's costly parts (phrases, a word's copies in several
    # fields), which a relaxed query computes for the whole query, each word and the words
    # joined: repr → documents (deleted ones included), least recently used dropped first.
    parts: OrderedDict = dataclass_field(default_factory=OrderedDict, repr=False)
    _parts_size: int = dataclass_field(default=0, repr=False)

    def kept_part(self, key: str, make: Callable[[], np.ndarray]) -> np.ndarray:
        """The documents of a costly part of a query, computed once per generation."""
        found = self.parts.get(key)
        if found is not None:
            self.parts.move_to_end(key)
            return found
        found = make()
        self.parts[key] = found
        self._parts_size += len(found)
        while self._parts_size > PARTS_IDS and len(self.parts) > 1:
            _, dropped = self.parts.popitem(last=False)
            self._parts_size -= len(dropped)
        return found

    @property
    def id_order(self) -> np.ndarray:
        """Each document's rank by clipping id (unique per document number): the tie-breaker
        of every order, the same in an incremental index and a rebuild."""
        if self._id_order is None:
            built = self.id_order_of() if self.id_order_of else None
            self._id_order = built if built is not None else np.arange(len(self.live))
        return self._id_order

    def newest_first(self, docs: np.ndarray, newest: bool, count: int | None = None) -> np.ndarray:
        """Documents by date, newest or oldest first, undated last, ties by clipping id; only
        the first `count` when given, sorting only the documents that can be among them."""
        days = self.dates[docs]
        key = np.where(days < 0, np.iinfo(np.int64).max, -days if newest else days)
        if count is not None and count < len(docs):
            if count <= 0:
                return docs[:0]
            within = key <= np.partition(key, count - 1)[count - 1]  # ties at the edge too
            docs, key = docs[within], key[within]
        return docs[np.lexsort((self.id_order[docs], key))][:count]


class ColumnBuilder:
    """Builds `Columns` for a searcher, reusing what it built for segments it has seen."""

    def __init__(self, cache: PostingCache):
        self.cache = cache
        self._segments: dict[str, dict] = {}

    def columns(self, reader) -> Columns:
        leaves = list(reader.leaf_readers())
        live_segments = {segment_id(r) for r, _ in leaves}
        self._segments = {k: v for k, v in self._segments.items() if k in live_segments}
        self.cache.keep_only(live_segments)
        parts = []
        for segment_reader, _ in leaves:
            key = segment_id(segment_reader)
            if key not in self._segments:
                self._segments[key] = self._segment_values(segment_reader)
            parts.append((segment_reader, self._segments[key]))
        joined = _joined(parts)
        joined.id_order_of = lambda: _id_order([(r, self._ids(r, v)) for r, v in parts])
        offsets = np.cumsum([0] + [r.doc_count_all() for r, _ in parts]).tolist()
        joined.ids_of = lambda: [
            (segment_id(r), *self._ids(r, v), offset)
            for (r, v), offset in zip(parts, offsets, strict=False)
        ]
        return joined

    def _ids(self, segment_reader, values: dict) -> tuple[np.ndarray, list[str]]:
        """The segment's clipping ids (sorted) and the document holding each, read once."""
        if "ids" not in values:
            values["ids"] = segment_ids(segment_reader, self.cache)
        return values["ids"]

    def _segment_values(self, segment_reader) -> dict:
        size = segment_reader.doc_count_all()
        values = {}
        for field in ("year", "month", "source_exact"):
            values[field] = self._single(segment_reader, field, size)
        values["date"] = self._dates(segment_reader, size)
        values["entities"] = self._multi(segment_reader, "entities", size)
        for field in LENGTH_FIELDS:
            values[f"{field}_length"] = np.fromiter(
                (segment_reader.doc_field_length(d, field, 0) or 0 for d in range(size)),
                dtype=np.float64,
                count=size,
            )
        return values

    def _terms(self, segment_reader, field: str) -> list[str]:
        if field not in segment_reader.indexed_field_names():
            return []
        return list(segment_reader.field_terms(field))

    def _single(self, segment_reader, field: str, size: int) -> tuple[np.ndarray, list[str]]:
        codes = np.full(size, -1, dtype=np.int32)
        labels = self._terms(segment_reader, field)
        for number, label in enumerate(labels):
            codes[self.cache.ids(segment_reader, field, label)] = number
        return codes, labels

    def _dates(self, segment_reader, size: int) -> np.ndarray:
        days = np.full(size, -1, dtype=np.int64)
        for label in self._terms(segment_reader, "date"):
            try:
                day = date.fromisoformat(label).toordinal() - _EPOCH
            except ValueError:
                continue
            days[self.cache.ids(segment_reader, "date", label)] = day
        return days

    def _multi(self, segment_reader, field: str, size: int):
        labels = self._terms(segment_reader, field)
        pairs = [
            (decoded_postings(segment_reader, field, label)[0], number)
            for number, label in enumerate(labels)
        ]
        docs = np.concatenate([ids for ids, _ in pairs]) if pairs else _EMPTY
        codes = np.concatenate([np.full(len(ids), n) for ids, n in pairs]) if pairs else _EMPTY
        order = np.argsort(docs, kind="stable")
        starts = np.zeros(size + 1, dtype=np.int64)
        np.add.at(starts, docs + 1, 1)
        return np.cumsum(starts), codes[order].astype(np.int64), labels


def _joined(parts: list) -> Columns:
    """One generation's columns from its segments', with labels merged."""
    live = np.concatenate([_live(r) for r, _ in parts]) if parts else np.zeros(0, bool)
    return Columns(
        live=live,
        dates=_concat([v["date"] for _, v in parts]),
        year=_join_single([v["year"] for _, v in parts]),
        month=_join_single([v["month"] for _, v in parts]),
        source=_join_single([v["source_exact"] for _, v in parts]),
        entities=_join_multi([v["entities"] for _, v in parts]),
        lengths={f: _concat([v[f"{f}_length"] for _, v in parts]) for f in LENGTH_FIELDS},
    )


def segment_ids(segment_reader, cache: PostingCache) -> tuple[np.ndarray, list[str]]:
    """Each `id` term of a segment, sorted, with its document: an id has one document in a
    segment, inlined in its term info (no posting list to read); otherwise its postings."""
    if "id" not in segment_reader.indexed_field_names():
        return _EMPTY, []
    docs, labels = [], []
    for term, info in segment_reader.iter_field("id"):
        text = term.decode("utf-8") if isinstance(term, bytes) else term
        if info.doc_frequency() == 1:
            docs.append(info.min_id())
            labels.append(text)
            continue
        for docnum in cache.ids(segment_reader, "id", text).tolist():
            docs.append(docnum)
            labels.append(text)
    return np.array(docs, dtype=np.int64), labels


def _id_order(parts: list) -> np.ndarray:
    """Each document's rank by clipping id over all segments; a document without an id (none
    should exist) after every id, by document number."""
    size = sum(r.doc_count_all() for r, _ in parts)
    docs, labels, offset = [], [], 0
    for segment_reader, (segment_docs, segment_labels) in parts:
        docs.append(segment_docs + offset)
        labels.extend(segment_labels)
        offset += segment_reader.doc_count_all()
    order = np.arange(size, dtype=np.int64) + size  # unranked: after all ids, by docnum
    if labels:
        ranked = np.argsort(np.array(labels, dtype=object), kind="stable")
        docs_of = np.concatenate(docs)
        order[docs_of[ranked]] = np.arange(len(ranked), dtype=np.int64)
    return order


def _live(segment_reader) -> np.ndarray:
    size = segment_reader.doc_count_all()
    if not segment_reader.has_deletions():
        return np.ones(size, dtype=bool)
    live = np.ones(size, dtype=bool)
    live[np.fromiter(segment_reader.segment().deleted_docs(), dtype=np.int64)] = False
    return live


def _concat(arrays: list[np.ndarray]) -> np.ndarray:
    return np.concatenate(arrays) if arrays else _EMPTY


def _join_single(parts: list[tuple[np.ndarray, list[str]]]) -> Labelled:
    labels: dict[str, int] = {}
    joined = []
    for codes, segment_labels in parts:
        mapping = np.array([labels.setdefault(x, len(labels)) for x in segment_labels] + [-1])
        joined.append(mapping[codes])  # -1 indexes the appended -1
    return Labelled(_concat(joined).astype(np.int64), list(labels))


def _join_multi(parts: list) -> MultiLabelled:
    labels: dict[str, int] = {}
    starts, values, offset = [np.zeros(1, dtype=np.int64)], [], 0
    for segment_starts, segment_values, segment_labels in parts:
        mapping = np.array([labels.setdefault(x, len(labels)) for x in segment_labels] or [0])
        values.append(mapping[segment_values] if len(segment_values) else _EMPTY)
        starts.append(segment_starts[1:] + offset)
        offset += int(segment_starts[-1])
    return MultiLabelled(np.concatenate(starts), _concat(values).astype(np.int64), list(labels))


def docset(q: query.Query, reader, columns: Columns, cache: PostingCache, searcher) -> np.ndarray:
    """The sorted document numbers matching a query, deleted documents excluded."""
    docs = _docs(q, reader, columns, cache, searcher)
    return docs[columns.live[docs]] if len(docs) else docs


def _docs(q, reader, columns, cache, searcher) -> np.ndarray:
    if isinstance(q, query.Term):
        return _term_docs(q.fieldname, q.text, reader, cache)
    if isinstance(q, query.Every):
        return np.flatnonzero(columns.live)
    if q is query.NullQuery:
        return _EMPTY
    if isinstance(q, query.Not | query.AndNot | query.AndMaybe | query.Require):
        return _binary_docs(q, reader, columns, cache, searcher)
    if isinstance(q, query.ConstantScoreQuery | query.WrappingQuery):
        return _docs(q.child, reader, columns, cache, searcher)
    if isinstance(q, query.And):
        parts = [_docs(x, reader, columns, cache, searcher) for x in q.subqueries]
        return _intersect(parts)
    if isinstance(q, CombinedFields):
        return columns.kept_part(repr(q), lambda: _or_docs(q, reader, columns, cache, searcher))
    if isinstance(q, query.Or | query.DisjunctionMax):
        return _or_docs(q, reader, columns, cache, searcher)
    texts = multiterm_texts(q, reader) if isinstance(q, query.MultiTerm) else None
    if texts is not None:  # prefix, wildcard, fuzzy, ranges: their terms
        parts = [_term_docs(q.fieldname, t, reader, cache) for t in texts]
        return _union(parts, len(columns.live))
    # Phrases and anything else: Whoosh's own matcher (still only over candidate documents).
    return columns.kept_part(
        repr(q), lambda: np.fromiter(searcher.docs_for_query(q), dtype=np.int64)
    )


def _or_docs(q, reader, columns, cache, searcher) -> np.ndarray:
    parts = [_docs(x, reader, columns, cache, searcher) for x in q.subqueries]
    return _union(parts, len(columns.live))


def _binary_docs(q, reader, columns, cache, searcher) -> np.ndarray:
    """NOT b, a ANDNOT b, a ANDMAYBE b (the documents of a), a REQUIRE b."""
    if isinstance(q, query.Not):
        inner = _docs(q.query, reader, columns, cache, searcher)
        return np.setdiff1d(np.flatnonzero(columns.live), inner, assume_unique=True)
    a = _docs(q.a, reader, columns, cache, searcher)
    if isinstance(q, query.AndMaybe):
        return a
    b = _docs(q.b, reader, columns, cache, searcher)
    if isinstance(q, query.AndNot):
        return np.setdiff1d(a, b, assume_unique=True)
    return np.intersect1d(a, b, assume_unique=True)


def _term_docs(fieldname: str, text, reader, cache: PostingCache) -> np.ndarray:
    """A term's documents: each segment's (sorted) after the one before, so already sorted."""
    parts = [
        cache.ids(segment_reader, fieldname, text) + offset
        for segment_reader, offset in reader.leaf_readers()
    ]
    return np.concatenate(parts) if parts else _EMPTY


def _union(parts: list[np.ndarray], size: int) -> np.ndarray:
    """The sorted union of sorted document sets: marked in a mask of the index's size when
    they are large (linear), merged by sorting when they are small."""
    parts = [p for p in parts if len(p)]
    if len(parts) <= 1:
        return parts[0] if parts else _EMPTY
    if sum(len(p) for p in parts) * 16 < size:
        return np.unique(np.concatenate(parts))
    mask = np.zeros(size, dtype=bool)
    for part in parts:
        mask[part] = True
    return np.flatnonzero(mask)


def _intersect(parts: list[np.ndarray]) -> np.ndarray:
    if not parts:
        return _EMPTY
    parts = sorted(parts, key=len)
    result = parts[0]
    for part in parts[1:]:
        if not len(result):
            break
        result = np.intersect1d(result, part, assume_unique=True)
    return result
