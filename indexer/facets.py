"""Facets and the timeline: counts over a whole set of matching clippings, from per-segment arrays.

Facets list the names (all, people, groups, places), sources and years most frequent among the
matches; the timeline counts matches per month when they span under two years, else per year.
"""

from __future__ import annotations

import numpy as np

from indexer.docsets import Columns
from indexer.names import ENTITY_TYPES
from indexer.names.table import EntityTable
from indexer.results import FacetValue, Period

FACET_LIMIT = 12
# The facet that lists the entities of each type.
TYPE_FACETS = {"person": "people", "org": "orgs", "place": "places"}


def facet_counts(columns: Columns, docs: np.ndarray, types: np.ndarray) -> dict:
    """The facets of a document set: the most frequent names overall and of each type, the
    most frequent sources, and every year."""
    entities = columns.entities
    counted = entities.count_array(docs)

    def top(among) -> list[FacetValue]:
        return [FacetValue(name, n) for name, n in entities.top(counted, among, FACET_LIMIT)]

    facets = {"entities": top(np.arange(len(entities.labels)))}
    for code, kind in enumerate(ENTITY_TYPES):
        facets[TYPE_FACETS[kind]] = top(np.flatnonzero(types == code))
    facets["sources"] = _facet(columns.source.counts(docs))
    facets["years"] = _facet(columns.year.counts(docs), by_value=True)
    return facets


def entity_type_codes(
    labels: list[str], table: EntityTable, known: dict[str, int] | None = None
) -> np.ndarray:
    """Each entity label's type as its index in ENTITY_TYPES (-1 when unknown); `known` keeps
    the codes of labels already looked up in the same table."""
    codes = {kind: code for code, kind in enumerate(ENTITY_TYPES)}
    known = {} if known is None else known

    def code(name: str) -> int:
        if name not in known:
            cluster = table.lookup(name)
            known[name] = codes.get(cluster.type if cluster else None, -1)
        return known[name]

    return np.array([code(name) for name in labels], dtype=np.int64)


def timeline(years: dict, months: dict) -> list[Period]:
    """Matches per month when they fall within two years, per year otherwise; gaps count 0."""
    years = {y: n for y, n in years.items() if y}
    if not years:
        return []
    first, last = int(min(years)), int(max(years))
    if last - first >= 2:
        return [Period(str(y), years.get(str(y), 0)) for y in range(first, last + 1)]
    months = {m: n for m, n in months.items() if m}
    start, end = min(months), max(months)
    periods = []
    year, month = int(start[:4]), int(start[5:7])
    while f"{year:04d}-{month:02d}" <= end:
        key = f"{year:04d}-{month:02d}"
        periods.append(Period(key, months.get(key, 0)))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return periods


def _facet(groups: dict, by_value: bool = False) -> list[FacetValue]:
    values = [
        FacetValue(str(value), count) for value, count in groups.items() if value not in (None, "")
    ]
    if by_value:
        return sorted(values, key=lambda v: v.value)
    return sorted(values, key=lambda v: (-v.count, v.value))[:FACET_LIMIT]
