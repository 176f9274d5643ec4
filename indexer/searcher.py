"""The searcher lifecycle: which commit of the index the engine reads, and what it derives from it.

A `Generation` is one commit as the engine reads it (Whoosh searcher, per-segment arrays, the
entity table and the near-duplicate groups saved with it, and caches valid for exactly that
set). `Searchers` hands out the
latest generation, checking for a new commit at most every `refresh_seconds`.
"""

from __future__ import annotations

import logging
import time
from pathlib import Path

import numpy as np
from whoosh import query
from whoosh.searching import Searcher

from indexer import store
from indexer.docsets import ColumnBuilder, PostingCache, docset
from indexer.highlighting import Marker
from indexer.names.table import EntityTable

log = logging.getLogger(__name__)

DOCSET_CACHE = 512  # matching document sets kept per generation, keyed by query


class Generation:
    """One commit of the index and one saved entity table, with the caches that depend on both.

    Never changes once made: a new commit or a new entity table makes a new generation, so a
    reader holding this one (an export in progress) keeps a consistent view.
    """

    def __init__(
        self,
        searcher: Searcher,
        builder: ColumnBuilder,
        table: EntityTable,
        columns=None,
        groups: dict[str, str] | None = None,
        table_memo: dict | None = None,
    ):
        self.searcher = searcher
        self.reader = searcher.reader()
        self.postings = builder.cache
        self.columns = columns or builder.columns(self.reader)
        self.marker = Marker(list(self.reader.leaf_readers()), self.postings)
        self.table = table
        self.groups = groups or {}  # clipping id → its group's leader (clippings with copies)
        self._docsets: dict[str, np.ndarray] = {}
        self.counts: dict[str, tuple] = {}  # facets and timelines of whole-archive queries
        self.memo: dict[str, object] = {}  # derived once per generation (counts, speller)
        # Derived from the entity table alone (name spellings), kept by the generations of the
        # commits that come with no new table (watch mode's quick commits).
        self.table_memo: dict[str, object] = {} if table_memo is None else table_memo

    def with_table(
        self, table: EntityTable, builder: ColumnBuilder, groups: dict[str, str]
    ) -> Generation:
        """The same commit with another entity table and groups (saved just after it)."""
        return Generation(self.searcher, builder, table, self.columns, groups)

    def docset(self, parsed: query.Query) -> np.ndarray:
        """The documents matching `parsed` (sorted numbers), kept for this generation."""
        key = repr(parsed)
        found = self._docsets.get(key)
        if found is None:
            found = docset(parsed, self.reader, self.columns, self.postings, self.searcher)
            if len(self._docsets) >= DOCSET_CACHE:
                self._docsets.pop(next(iter(self._docsets)))
            self._docsets[key] = found
        return found

    def entity_counts(self) -> dict[str, int]:
        """How many clippings name each entity, over the whole index."""
        if "entity_counts" not in self.memo:
            everything = self.docset(query.Every())
            self.memo["entity_counts"] = self.columns.entities.counts(everything)
        return self.memo["entity_counts"]


class Searchers:
    """The latest generation of one index directory; call `current()` with the engine's lock."""

    def __init__(self, index_dir: Path, refresh_seconds: float):
        self.index_dir = Path(index_dir)
        self.refresh_seconds = refresh_seconds
        self._builder = ColumnBuilder(PostingCache())
        self.problem: str | None = None  # why a feature is off (an unreadable entity table)
        self._table_stamp = store.entities_stamp(self.index_dir)
        searcher = store.open_searcher(self.index_dir)
        if not store.has_current_schema(searcher.schema):
            searcher.close()
            raise store.IndexOutdated(self.index_dir)
        self.generation = Generation(
            searcher, self._builder, self._load_table(), groups=self._load_groups()
        )
        self._checked = time.monotonic()

    def current(self) -> Generation:
        """The generation of the latest commit and entity table.

        A new commit gets a new searcher that reads every segment afresh: Whoosh's
        `Searcher.refresh()` reuses the readers of unchanged segments with their old
        deleted-document sets, so it would keep showing deleted and replaced clippings. The
        old searcher is not closed: an export may still be reading from it, and it is released
        when nothing refers to it. The indexer saves the groups, then the entity table, after
        its commits; while it says it is settling, the generation stays as it is, so that no
        answer pairs its new clippings with the old table (or the old ones with the new).
        """
        now = time.monotonic()
        if now - self._checked < self.refresh_seconds:
            return self.generation
        self._checked = now
        if store.settling_by(self.index_dir) is not None:
            return self.generation
        if not self.generation.searcher.up_to_date():
            old, stamp = self.generation, store.entities_stamp(self.index_dir)
            searcher = store.open_searcher(self.index_dir)
            if stamp == self._table_stamp and stamp is not None:  # a commit, the same table
                self.generation = Generation(
                    searcher, self._builder, old.table, groups=old.groups,
                    table_memo=old.table_memo,
                )  # fmt: skip
            else:
                self._table_stamp = stamp
                self.generation = Generation(
                    searcher, self._builder, self._load_table(), groups=self._load_groups()
                )
        elif (stamp := store.entities_stamp(self.index_dir)) != self._table_stamp:
            self._table_stamp = stamp
            self.generation = self.generation.with_table(
                self._load_table(), self._builder, self._load_groups()
            )
        return self.generation

    def _load_table(self) -> EntityTable:
        """The saved entity table; an unreadable one is logged and kept as the engine's
        problem (names then search only as typed), never silently empty."""
        try:
            table = EntityTable.from_json(store.read_entities(self.index_dir))
        except (store.IndexDamaged, KeyError, TypeError, ValueError) as error:
            self.problem = f"entity table unreadable ({error}): names are searched only as typed"
            log.warning("%s: %s", self.index_dir, self.problem)
            return EntityTable.from_json({})
        self.problem = None
        return table

    def _load_groups(self) -> dict[str, str]:
        """The saved near-duplicate groups; unreadable ones are logged and every clipping is
        then its own hit (nothing is hidden)."""
        try:
            return store.read_groups(self.index_dir)
        except store.IndexDamaged as error:
            log.warning("%s: near-duplicate groups unreadable: %s", self.index_dir, error)
            return {}

    def close(self) -> None:
        self.generation.searcher.close()
