"""One hit per near-duplicate group: a step over the ranked matches, after ranking.

The indexer saves each clipping's group (the id of its leader, see `duplicates.py`) beside the
index, in `groups.json`, which a generation loads with its entity table; the generation turns
it once into an array, document number → group number (-1: no copies), through the segments'
`id` terms. A group's best-ranked match stands for it, at its rank, and lists the
group's other matches; clippings without copies pass unchanged. Totals and facets still count
clippings; pages are pages of these collapsed hits.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from indexer.results import GroupMember
from indexer.searcher import Generation


@dataclass
class Collapsed:
    """A page of collapsed hits: (docnum, score) in order, each one's other matching copies,
    and how many collapsed hits all the matches make."""

    page: list[tuple[int, float | None]]
    copies: dict[int, np.ndarray] = field(default_factory=dict)
    distinct: int = 0


def group_codes(gen: Generation) -> np.ndarray:
    """Each document's group number (-1: in no group), read once per generation from each
    segment's numbers, which are kept while the groups stay the same (across quick commits)."""
    if "group_codes" not in gen.memo:
        codes = np.full(gen.reader.doc_count_all(), -1, dtype=np.int64)
        numbers = gen.table_memo.setdefault("group_numbers", {})
        if not numbers and gen.groups:
            leaders: dict[str, int] = {}
            numbers.update({c: leaders.setdefault(g, len(leaders)) for c, g in gen.groups.items()})
        by_segment = gen.table_memo.setdefault("group_codes_by_segment", {})
        for key, docs, labels, offset in gen.columns.ids_of() if numbers else ():
            if key not in by_segment:
                found = np.array([numbers.get(label, -1) for label in labels], dtype=np.int64)
                by_segment[key] = (docs, found)
            docs, found = by_segment[key]
            codes[docs + offset] = found
        codes[~gen.columns.live] = -1  # a deleted document's id may still be in its segment
        gen.memo["group_codes"] = codes
    return gen.memo["group_codes"]


def distinct(codes: np.ndarray | None, docs: np.ndarray) -> int:
    """How many hits the documents make once each group is one hit."""
    if codes is None or not len(docs):
        return len(docs)
    found = codes[docs]
    grouped = found[found >= 0]
    groups = int(np.count_nonzero(np.bincount(grouped))) if len(grouped) else 0  # small codes
    return len(docs) - len(grouped) + groups


def needed(codes: np.ndarray | None, docs: np.ndarray, wanted: int) -> int:
    """How many ranked matches hold the first `wanted` collapsed hits: at most the copies that
    collapse away more than `wanted`."""
    return min(len(docs), wanted + len(docs) - distinct(codes, docs))


def collapsed(codes: np.ndarray | None, ranked: list, docs: np.ndarray, first: int, size: int):
    """The collapsed hits `first` to `first + size` of the ranked matches, with their copies."""
    if codes is None:
        return Collapsed(ranked[first : first + size], {}, len(docs))
    shown, seen = [], set()
    for docnum, score in ranked:
        group = int(codes[docnum])
        if group >= 0:
            if group in seen:
                continue
            seen.add(group)
        shown.append((docnum, score))
        if len(shown) >= first + size:
            break
    page = shown[first:]
    copies = {}
    grouped = codes[docs]
    for docnum, _ in page:
        group = codes[docnum]
        if group >= 0:
            members = docs[grouped == group]
            copies[docnum] = members[members != docnum]
    return Collapsed(page, copies, distinct(codes, docs))


def members(gen: Generation, docnums: np.ndarray) -> list[GroupMember]:
    """The copies a hit stands for, oldest first (undated last), as the page lists them."""
    listed = []
    if not len(docnums):
        return listed
    for docnum in gen.columns.newest_first(np.asarray(docnums), newest=False):
        fields = gen.searcher.stored_fields(int(docnum))
        title = fields.get("title", "")
        listed.append(GroupMember(fields["id"], title, fields.get("date"), fields.get("source")))
    return listed
