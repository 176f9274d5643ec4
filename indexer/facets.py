"""Facet counts over multi-valued fields (entities by type) without re-reading the index per query.

Whoosh's overlapping facets rebuild a document-to-values table for every search by walking
every term's postings; here that table is built once per index segment and kept until the
segment goes away.
"""

from __future__ import annotations

from whoosh import sorting


class SegmentListCache:
    """Per segment and field: for each document number, the field's values."""

    def __init__(self):
        self._lists: dict[tuple[str, str], list[list[str]]] = {}

    def lists(self, segment_reader, fieldname: str) -> list[list[str]]:
        key = (segment_reader.segment().segment_id(), fieldname)
        if key not in self._lists:
            self._lists[key] = _document_values(segment_reader, fieldname)
        return self._lists[key]

    def keep_only(self, searcher) -> None:
        """Forget segments the searcher no longer uses (after a refresh)."""
        live = {reader.segment().segment_id() for reader, _ in searcher.reader().leaf_readers()}
        self._lists = {key: value for key, value in self._lists.items() if key[0] in live}


class CachedOverlapFacet(sorting.FacetType):
    """Group by every value of a multi-valued field (a clipping counts under each entity)."""

    def __init__(self, fieldname: str, cache: SegmentListCache):
        self.fieldname = fieldname
        self.cache = cache
        self.maptype = None
        self.allow_overlap = True

    def categorizer(self, global_searcher):
        return _ListCategorizer(self.fieldname, self.cache)


class _ListCategorizer(sorting.Categorizer):
    allow_overlap = True

    def __init__(self, fieldname: str, cache: SegmentListCache):
        self.fieldname = fieldname
        self.cache = cache
        self._lists: list[list[str]] = []

    def set_searcher(self, segment_searcher, docoffset):
        self._lists = self.cache.lists(segment_searcher.reader(), self.fieldname)

    def keys_for(self, matcher, docid):
        return self._lists[docid] or [None]

    def key_for(self, matcher, docid):
        values = self._lists[docid]
        return values[0] if values else None


def _document_values(reader, fieldname: str) -> list[list[str]]:
    values: list[list[str]] = [[] for _ in range(reader.doc_count_all())]
    if fieldname not in reader.indexed_field_names():
        return values
    for term in reader.field_terms(fieldname):
        for docid in reader.postings(fieldname, term).all_ids():
            values[docid].append(term)
    return values
