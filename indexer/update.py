"""Build or update the index from the corpus folder: incremental by default, never corrupt.

Unchanged files (same size and mtime, or same hash) are not re-parsed; changed files have
their old clippings replaced; deleted files' clippings are removed. Parsing and tagging run in
a process pool while this process writes. Names are resolved across the whole corpus (see
`names/table.py`): clippings whose entities change because of another file — an acronym defined
elsewhere, an edited gazetteer — are re-tagged from their stored text, without reading their
files again. A failure before the commit leaves the previous index as it was.

The settings a run used are kept in the manifest: a changed gazetteer or names model finds the
names in every stored clipping again; a changed day order re-parses every file (dates are read
from the files, which the index does not keep).
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import hashlib
import importlib.util
import multiprocessing
import os
import signal
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from whoosh.writing import CLEAR

from indexer import store
from indexer.clipping import Clipping, Mention, Skipped
from indexer.duplicates import duplicate_groups
from indexer.names import RULES_VERSION
from indexer.names.gazetteer import GAZETTEER_NAME, Gazetteer
from indexer.names.table import EntityTable
from indexer.scan import FileEntry, Scan, scan_corpus
from indexer.schema import clipping_schema, when_words
from indexer.settings import Settings
from indexer.store import FileRecord
from indexer.whoosh_adapter import add_analysed, analysed
from indexer.wording import counted

if TYPE_CHECKING:
    from indexer.parse import ParsedFile

# Postings the Whoosh writer sorts in memory before it writes a run to disk, by Whoosh's own
# estimate (real memory is higher). 32: rebuild of 20,000 clippings, main process 182 -> 148 MB
# than at 64, as fast; at 16, more than 128 runs at 100,000 would cost a second merge pass.
WRITER_MB = 32
# Below this many files to parse, a process pool costs more than it saves.
POOL_THRESHOLD = 16
# Segments below this many documents are merged into one when watch mode settles.
SMALL_SEGMENT = 2_000


@dataclass
class UpdateReport:
    """The summary `clippings index` prints."""

    files_seen: int = 0
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    removed: int = 0  # deleted files whose clippings left the index
    skipped: list[Skipped] = field(default_factory=list)
    forgotten: int = 0  # deleted files that had been skipped: no clipping to remove
    clippings_indexed: int = 0
    clippings_retagged: int = 0
    clippings_total: int = 0
    seconds: float = 0.0
    moved_aside: Path | None = None  # where a damaged index went before a rebuild
    repaired: bool = False  # a run that died after its commit was finished


Progress = Callable[[int], None]

# Writing errors that end a run with a one-line message and the last commit intact.
_WRITE_ERRNOS = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EROFS}


def update_index(
    corpus: Path,
    index_dir: Path,
    *,
    rebuild: bool = False,
    progress: Callable[[int], Progress] | None = None,
    procs: int | None = None,
    settings: Settings | None = None,
) -> UpdateReport:
    """Bring the index in line with the corpus folder, parsing with `settings` (day order,
    names model; None: the defaults).

    Raises IndexBusy when another run holds the index, BadFile for a malformed gazetteer,
    IndexDamaged when the index cannot be read (a rebuild moves it aside instead), and
    IndexWriteFailed when the disk is full (the last commit stays as it was).
    """
    started = time.perf_counter()
    with running(corpus, index_dir, settings or Settings(), rebuild=rebuild) as run:
        report = run.update(progress, procs)
    report.seconds = time.perf_counter() - started
    return report


@contextlib.contextmanager
def running(
    corpus: Path,
    index_dir: Path,
    settings: Settings,
    *,
    rebuild: bool = False,
    warm: Warm | None = None,
) -> Iterator[Run]:
    """A run holding the index's lock (IndexBusy if another holds it), from the `warm` state
    of the last run in this process when it is still the index's; a full disk ends it with
    IndexWriteFailed and the last commit intact."""
    with store.writer_lock(index_dir):
        store.remove_leftovers(index_dir)
        gazetteer = Gazetteer.load(corpus / GAZETTEER_NAME)
        try:
            yield Run(corpus, index_dir, gazetteer, rebuild, settings, warm)
        except OSError as error:
            if error.errno not in _WRITE_ERRNOS:
                raise
            store.remove_leftovers(index_dir)
            raise store.IndexWriteFailed(index_dir, error) from error


@dataclass
class Warm:
    """What a run leaves for the next one in the same process (watch mode): the file records
    and run-level facts of index `generation`, so the next run reads no manifest; `unsettled`
    when that commit's entity table, groups and manifest are not saved yet."""

    generation: int
    records: dict[str, FileRecord]
    saved: dict
    unsettled: bool = False


class Interrupted(Exception):
    """Settling gave way to new changes; nothing of it was written."""


class Run:
    """One indexing run: the old file records, the new ones, and the corpus-wide entity table.

    Every run that changes anything ends by rebuilding the entity table from the names stored
    for every clipping, in clipping order, and re-writing the clippings whose entities differ,
    so incremental runs and runs that finish what a killed run began end exactly where a
    rebuild would.
    """

    def __init__(
        self,
        corpus: Path,
        index_dir: Path,
        gazetteer: Gazetteer,
        rebuild: bool,
        settings: Settings,
        warm: Warm | None = None,
    ):
        self.corpus, self.index_dir, self.gazetteer = corpus, index_dir, gazetteer
        self.rebuild, self.settings = rebuild, settings
        self.report = UpdateReport()
        self.warm = _still_warm(index_dir, warm) if not rebuild else None
        if self.warm:
            self.ix, self.old = store.open_index(index_dir, mapped=False), self.warm.records
            self.manifest_rebuilt, self.saved = False, self.warm.saved
        else:
            manifest = store.manifest_data(index_dir)  # read once: records and run-level facts
            self.ix, self.old, self.manifest_rebuilt, self.report.moved_aside = _index_and_records(
                index_dir, rebuild, manifest
            )
            self.saved = store.manifest_facts(manifest)
            del manifest
        self.records: dict[str, FileRecord] = {}
        # Whether the index has commits whose table, groups and manifest are not saved yet.
        self.unsettled = bool(self.warm and self.warm.unsettled)
        self.interrupted: Callable[[], bool] = lambda: False
        self.gazetteer_hash = _gazetteer_hash(corpus / GAZETTEER_NAME)
        # Names found another way: the gazetteer, the names model or the rules changed since
        # the last run.
        self.names_model = _names_model_key(settings.names_model)
        saved_model = (self.saved.get("names_model") or {}).get("key")
        self.names_changed = bool(self.old) and (
            self.saved.get("gazetteer") != self.gazetteer_hash
            or saved_model != self.names_model
            or self.saved.get("names_rules") != RULES_VERSION
        )
        # Dates read another way: every file is parsed again.
        saved_order = self.saved.get("day_first")
        self.reparse = bool(self.old) and saved_order not in (None, settings.day_first)
        self._model_status: dict | None = None
        # Clippings to write again: their names were found again.
        self._rewrite: set[str] = set()
        # The near-duplicate groups of the whole corpus (clipping id → leader), saved beside
        # the index (store.write_groups), never in its documents.
        self.groups: dict[str, str] = {}

    def update(
        self, progress=None, procs=None, *, scan: Scan | None = None, settle: bool = True
    ) -> UpdateReport:
        """Index what changed in the corpus, or at the paths of a partial `scan`; then, unless
        not `settle` (watch mode, which settles when changes pause), the corpus-wide work."""
        scan = scan or scan_corpus(self.corpus)
        files = {entry.rel: entry for entry in scan.files}
        self.report.files_seen = len(files) + len(scan.skipped)
        self.report.skipped += scan.skipped
        covered = scan.covered(self.old)
        if scan.only is not None:
            self.records = dict(self.old)
            for rel in covered:
                del self.records[rel]
        todo = [(rel, entry.path) for rel, entry in files.items() if not self._unchanged(entry)]
        deleted = self._gone(scan, files, covered)
        unfinished = self._unfinished()
        # Quick commits of watch mode that a settling run takes on.
        pending = settle and self.warm is not None and self.warm.unsettled
        if not (todo or deleted or self.names_changed or unfinished or pending):
            self.report.clippings_total = self.ix.doc_count()
            return self.report  # nothing to do: no commit, searchers stay as they are
        self.report.repaired = unfinished and not (todo or deleted or self.rebuild)
        settles = settle or self.names_changed or unfinished
        # Searchers keep the last settled commit until this run's table is saved.
        with store.settling(self.index_dir) if settles else contextlib.nullcontext():
            if self.names_changed:
                self._find_names_again()
            if todo or deleted or self.rebuild:
                self._write(todo, deleted, progress, procs, merge=settle)
            if settles:
                self.settle()
            else:
                self.report.clippings_total = store.open_index(self.index_dir).doc_count()
        return self.report

    def settle(self, interrupted: Callable[[], bool] = lambda: False) -> UpdateReport:
        """The corpus-wide work after the files' commits: the entity table, the near-duplicate
        groups, re-tagging, then saving. Raises Interrupted, having written nothing, when
        `interrupted()` says new changes are waiting."""
        self.interrupted = interrupted
        final = self._final_table()
        self._check()
        self._regroup()
        self._check()
        said = store.settling_by(self.index_dir) == os.getpid()  # by `update`, around it all
        with contextlib.nullcontext() if said else store.settling(self.index_dir):
            self._retag(final)
            self._save(final)
        self.unsettled = False
        return self.report

    def settle_last(self, interrupted: Callable[[], bool]) -> UpdateReport:
        """Settle the quick commits of the runs before this one (watch mode)."""
        self.records = dict(self.old)
        return self.settle(interrupted)

    def _check(self) -> None:
        if self.interrupted():
            raise Interrupted

    def warm_state(self) -> Warm:
        """What the next run in this process starts from: this run's records, of the index's
        latest commit."""
        generation = store.open_index(self.index_dir).latest_generation()
        return Warm(generation, self.records, self.saved, self.unsettled)

    def _gone(self, scan: Scan, files: dict[str, FileEntry], covered: set[str]) -> list[str]:
        """The files of the last run not found now where the scan looked (`covered`); those in
        a folder that could not be listed are not known to be gone and keep their records and
        clippings."""
        gone = []
        for rel in covered - files.keys():
            if scan.hides(rel):
                self.records[rel] = self.old[rel]
            else:
                gone.append(rel)
        return sorted(gone)

    def _unfinished(self) -> bool:
        """Whether the last run died after a commit, before it saved its manifest and table.

        The groups and the table are saved just before the manifest, so a manifest of the
        index's generation says those of that generation were saved too: only one deleted since
        is missing. (Reading them to check their generation would cost every no-op run.)
        """
        if self.warm:
            return False  # watch mode's quick commits: settled when its changes pause
        if self.rebuild or not self.old and not self.manifest_rebuilt:
            return False
        return (
            self.manifest_rebuilt
            or store.entities_stamp(self.index_dir) is None
            or not store.groups_saved(self.index_dir)
        )

    def _write(self, todo, deleted: list[str], progress, procs, merge: bool = True) -> None:
        """Index new and changed files and remove deleted ones, in one commit (merging no
        segments when not `merge`: watch mode's quick commits leave that to settling)."""
        tick = progress(len(todo)) if progress and todo else (lambda n: None)
        if todo:
            self._names_model_status()  # whether the names model loads, for the manifest
        writer = self.ix.writer(limitmb=WRITER_MB)
        same_analysis = _analyses_as_workers(writer.schema)
        # Names as this run's clippings are written; settling's final table replaces it.
        table = EntityTable(self.gazetteer)
        try:
            for parsed in _parse_all(todo, self.gazetteer, self.settings, procs):
                tick(1)
                if not same_analysis:
                    parsed.postings = [{} for _ in parsed.postings]  # analysed by the writer
                self._write_file(writer, parsed, table)
            for rel in deleted:
                writer.delete_by_term("path", rel)
                if self.old[rel].skipped is None:
                    self.report.removed += 1
                else:
                    self.report.forgotten += 1
            if self.rebuild:
                writer.commit(mergetype=CLEAR)
            else:
                writer.commit(merge=merge)
        except BaseException:
            writer.cancel()
            raise
        if not merge and not self.unsettled:
            store.mark_unsettled(self.index_dir, True)
        self.unsettled = self.unsettled or not merge

    def _unchanged(self, entry: FileEntry) -> bool:
        rel, record = entry.rel, self.old.get(entry.rel)
        if (
            self.rebuild
            or self.reparse
            or record is None
            or (record.size, record.mtime_ns) != (entry.size, entry.mtime_ns)
        ):
            return False
        self.records[rel] = record
        if record.skipped or record.kept:
            self.report.skipped.append(Skipped(rel, record.skipped or _kept(record)))
        else:
            self.report.unchanged += 1
        return True

    def _write_file(self, writer, parsed: ParsedFile, table: EntityTable) -> None:
        rel, previous = parsed.rel, self.old.get(parsed.rel)
        record = FileRecord(parsed.size, parsed.mtime_ns, parsed.sha256, skipped=parsed.skipped)
        if record.skipped:
            keep = previous and previous.clippings and not self.rebuild
            if keep:  # keep what was indexed from the file's last good version
                previous.size, previous.mtime_ns = record.size, record.mtime_ns
                previous.kept = record.skipped  # not read again until it changes
            self.records[rel] = previous if keep else record
            self.report.skipped.append(Skipped(rel, _kept(previous) if keep else record.skipped))
            return
        same = previous and previous.sha256 == record.sha256
        if same and not (self.rebuild or self.names_changed or self.reparse):
            previous.size, previous.mtime_ns = record.size, record.mtime_ns  # touched, not changed
            previous.kept = None  # good again, as it was
            self.records[rel] = previous
            self.report.unchanged += 1
            return
        if previous and not self.rebuild:
            writer.delete_by_term("path", rel)
        if previous and not self.rebuild:
            self.report.updated += 1
        else:
            self.report.added += 1
        names, duplicates = [], []
        documents = zip(parsed.clippings, parsed.signatures, parsed.postings, strict=True)
        for clipping, signature, postings in documents:
            duplicates.append([clipping.number, signature])  # grouped at the end
            table.add(clipping.mentions, clipping.joins, clipping.id)
            clipping.entities = table.entities_for(clipping.mentions, clipping.joins)
            add_analysed(writer, document_fields(clipping, record, signature), postings)
            names.append(_names_entry(clipping))
        record.set_names(names)
        record.set_duplicates(duplicates)
        record.clippings = len(parsed.clippings)
        self.report.clippings_indexed += len(parsed.clippings)
        self.records[rel] = record

    def _find_names_again(self) -> None:
        """The gazetteer or the names model changed: find names again in every unchanged
        clipping's stored text."""
        from indexer.names.tagging import tag

        model = self.settings.names_model
        self._names_model_status()
        with self.ix.searcher() as searcher:
            for fields in searcher.all_stored_fields():
                record = self.records.get(fields["path"])
                if record is None:
                    continue
                clipping = tag(_clipping_from_fields(fields), self.gazetteer, model=model)
                entries = record.names()
                for entry in entries:
                    if entry[0] == clipping.number:
                        found = _names_entry(clipping)[:3]
                        if entry[:3] != found:
                            entry[1:3] = found[1:3]
                            self._rewrite.add(clipping.id)
                            record.set_names(entries)

    def _names_model_status(self, *, finding: bool = True) -> dict:
        """The names model this run asked for, the one in use (None: the rules alone) and why
        none is, kept in the manifest for `clippings stats` (which never loads spaCy).

        A run that finds names (`finding`) loads the model to know; one that found none keeps
        the last run's record when it asked for the same model."""
        if self._model_status is None:
            saved = self.saved.get("names_model")
            asked = self.settings.names_model
            if not finding and isinstance(saved, dict) and saved.get("asked") == asked:
                self._model_status = saved
            else:
                from indexer.names.discover import model_status

                used, problem = model_status(asked)
                self._model_status = {
                    "asked": asked,
                    "key": self.names_model,
                    "used": used,
                    "problem": problem,
                }
        return self._model_status

    def _final_table(self) -> EntityTable:
        """The entity table of the whole corpus as a rebuild makes it: every clipping's names
        added in clipping order with the joins they state, then the joins over the whole corpus
        (`EntityTable.finish`). A join whose clippings are all gone is not made again."""
        table = EntityTable(self.gazetteer)
        for n, rel in enumerate(sorted(self.records)):
            if n % 1024 == 0:
                self._check()
            for number, mentions, joins, _ in self.records[rel].names():
                table.add(_mentions(mentions), joins, f"{rel}#{number}")
        table.finish()
        return table

    def _regroup(self) -> None:
        """Rebuild the near-duplicate groups from every clipping's signature, as a rebuild
        does; `_save` saves them beside the index, so no clipping is written again for them."""
        signatures = (
            (f"{rel}#{entry[0]}", entry[1])
            for rel, record in self.records.items()
            for entry in record.duplicates()
        )
        self.groups = duplicate_groups(signatures, self._check)

    def _retag(self, final: EntityTable) -> None:
        """Re-write, in one commit, the clippings whose entities under the final table differ
        from those they were written with (or whose names were found again). Watch mode's
        quick commits are merged here too. The records learn the new entities only once the
        commit is made."""
        stale = []
        for n, (rel, record) in enumerate(self.records.items()):
            if n % 1024 == 0:
                self._check()
            for entry in record.names():
                tagged = _written(final.entities_for(_mentions(entry[1]), entry[2]))
                clipping_id = f"{rel}#{entry[0]}"
                if tagged != entry[3] or clipping_id in self._rewrite:
                    stale.append((clipping_id, entry, record, tagged))
        if not stale and not (self.warm and self.warm.unsettled):
            return
        ix = store.open_index(self.index_dir, mapped=False)
        writer = ix.writer(limitmb=WRITER_MB)
        try:
            with ix.searcher() as searcher:
                for n, (clipping_id, entry, record, _) in enumerate(stale):
                    if n % 256 == 0:
                        self._check()
                    fields = searcher.document(id=clipping_id)
                    if fields is None:
                        continue
                    clipping = _clipping_from_fields(fields)
                    clipping.mentions = _mentions(entry[1])
                    clipping.joins = [tuple(j) for j in entry[2]]
                    clipping.entities = final.entities_for(clipping.mentions, clipping.joins)
                    signature = _signature(record, clipping.number)
                    writer.update_document(**document_fields(clipping, record, signature))
                    self.report.clippings_retagged += 1
            self._check()
            writer.commit(mergetype=merge_small_segments if self.unsettled else None)
        except BaseException:
            writer.cancel()
            raise
        _learn_tags(stale)

    def _save(self, final: EntityTable) -> None:
        """Save the groups, the entity table, then the manifest: a manifest of the index's
        generation says the run finished. (Searchers reload the groups with the table, whose
        file changes last.)"""
        ix = store.open_index(self.index_dir)
        generation = ix.latest_generation()
        store.write_groups(self.index_dir, self.groups, generation)
        store.write_entities(self.index_dir, final.to_json(), generation)
        extra = {
            "gazetteer": self.gazetteer_hash,
            "day_first": self.settings.day_first,
            "names_model": self._names_model_status(finding=False),
            "names_rules": RULES_VERSION,
        }
        store.write_manifest(self.index_dir, generation, self.records, extra)
        store.mark_unsettled(self.index_dir, False)
        self.saved = {**self.saved, **extra}
        self.report.clippings_total = ix.doc_count()


def merge_small_segments(writer, segments: list) -> list:
    """Whoosh merge policy of a settling commit: every segment under `SMALL_SEGMENT` documents,
    or holding more than a tenth of deleted ones, merged into one, which drops the deleted.
    Watch mode's quick commits add a small segment each, which Whoosh's default policy merges
    only a few at a time; each segment costs every search a little, and deleted documents still
    count in the words' statistics, so the ranking drifts from a rebuild's."""
    from whoosh.reading import SegmentReader

    def due(segment) -> bool:
        size = segment.doc_count_all()
        return size < SMALL_SEGMENT or segment.deleted_count() * 10 > size

    merged = [segment for segment in segments if due(segment)]
    if len(merged) < 2 and not any(segment.deleted_count() for segment in merged):
        return segments
    for segment in merged:
        reader = SegmentReader(writer.storage, writer.schema, segment)
        writer.add_reader(reader)
        reader.close()
    return [segment for segment in segments if not due(segment)]


def _kept(record: FileRecord) -> str:
    """Why a file that turned bad is skipped, and that its last good version stays indexed."""
    return f"{record.kept} (kept its {counted(record.clippings, 'clipping')} from before)"


def _learn_tags(stale: list) -> None:
    """Each record of the re-written clippings learns the entities they were written with."""
    by_record: dict[int, tuple[FileRecord, dict]] = {}
    for _, entry, record, tagged in stale:
        by_record.setdefault(id(record), (record, {}))[1][entry[0]] = tagged
    for record, tags in by_record.values():
        record.set_names([[*entry[:3], tags.get(entry[0], entry[3])] for entry in record.names()])


def text_fields(clipping: Clipping) -> dict:
    """The fields of a clipping's Whoosh document whose words are analysed (tokenised, stemmed):
    a parse worker analyses them (`whoosh_adapter.analysed`)."""
    return {
        "title": clipping.title,
        "body": clipping.body,
        "spelling": f"{clipping.title}\n{clipping.body}",
        "when": when_words(clipping.date),
        "source": clipping.source,
    }


def document_fields(clipping: Clipping, record: FileRecord, signature: str | None) -> dict:
    """The Whoosh document for one clipping; fields without a value are left out."""
    fields = {
        **text_fields(clipping),
        "id": clipping.id,
        "path": clipping.path,
        "date": clipping.date,
        "undated": "0" if clipping.date else "1",
        "year": clipping.date[:4] if clipping.date else None,
        "month": clipping.date[:7] if clipping.date else None,
        "date_source": clipping.date_source,
        "entities": _keywords(e.name for e in clipping.entities),
        "source_exact": clipping.source,
        "url": clipping.url,
        "collection": clipping.collection,
        "fingerprint": (record.size, record.mtime_ns, record.sha256),
        "names": tuple(_names_entry(clipping)[1:3]),
        "tagged": _written(clipping.entities),
        "signature": signature or None,
    }
    return {name: value for name, value in fields.items() if value is not None}


def _signature(record: FileRecord, number: int) -> str | None:
    """The clipping's near-duplicate signature, as its file's record holds it."""
    for entry in record.duplicates():
        if entry[0] == number:
            return entry[1] or None
    return None


def _names_entry(clipping: Clipping) -> list:
    """[number, mentions, joins, tagged] of a clipping, as the manifest keeps them."""
    mentions = [[m.surface, m.type, m.entity] for m in clipping.mentions]
    joins = [list(j) for j in clipping.joins]
    return [clipping.number, mentions, joins, _written(clipping.entities)]


def _mentions(rows: list) -> list[Mention]:
    return [Mention(*row) for row in rows]


def _keywords(names) -> str | None:
    return ",".join(name.replace(",", " ") for name in names) or None


def _clipping_from_fields(fields: dict) -> Clipping:
    """A clipping rebuilt from the index's stored fields, for re-tagging without the file."""
    number = fields["id"].rsplit("#", 1)[1]
    return Clipping(
        path=fields["path"],
        number=int(number),
        title=fields.get("title", ""),
        body=fields.get("body", ""),
        date=fields.get("date"),
        date_source=fields.get("date_source"),
        source=fields.get("source"),
        url=fields.get("url"),
        collection=fields.get("collection"),
    )


def _written(entities: list) -> list[list[str]]:
    """What the index holds of a clipping's entities: names and types."""
    return [[e.name, e.type] for e in entities]


def _still_warm(index_dir: Path, warm: Warm | None) -> Warm | None:
    """`warm` if the index's latest commit is the one it describes (no run in another process
    came in between)."""
    if warm is None or not store.exists(index_dir):
        return None
    try:
        generation = store.open_index(index_dir).latest_generation()
    except store.IndexDamaged:
        return None
    return warm if generation == warm.generation else None


def _index_and_records(index_dir: Path, rebuild: bool, manifest: dict):
    """The index to update, its file records (from the `manifest` data, or the index), whether
    the records had to be rebuilt, and where a damaged index was moved (rebuilds only; other
    runs raise IndexDamaged)."""
    if not store.exists(index_dir):
        return store.create_index(index_dir, mapped=False), {}, False, None
    try:
        ix = store.open_index(index_dir, mapped=False)
        store.open_searcher(index_dir).close()
    except store.IndexDamaged:
        if not rebuild:
            raise
        moved = store.move_aside(index_dir)
        return store.create_index(index_dir, mapped=False), {}, False, moved
    if not store.has_current_schema(ix.schema):
        return store.create_index(index_dir, mapped=False), {}, False, None
    if rebuild:
        return ix, {}, False, None
    records = store.manifest_records(manifest, ix.latest_generation())
    if records is None:
        return ix, store.records_from_index(ix), True, None
    return ix, records, False, None


def _parse_all(
    todo, gazetteer: Gazetteer, settings: Settings, procs: int | None
) -> Iterator[ParsedFile]:
    procs = procs or os.cpu_count() or 1
    if procs < 2 or len(todo) < POOL_THRESHOLD:
        _init_worker(gazetteer, settings)
        yield from map(_parse_one, todo)
        return
    # Workers start afresh, not as forks of this process: a fork's resident memory counts
    # this process's pages (the scan and records of a large archive) again in each worker.
    context = multiprocessing.get_context("spawn")
    with context.Pool(procs, initializer=_init_worker, initargs=(gazetteer, settings)) as pool:
        yield from pool.imap_unordered(_parse_one, todo, chunksize=8)


_worker_gazetteer: Gazetteer | None = None
_worker_settings: Settings = Settings()
_SCHEMA = clipping_schema()  # what a worker analyses the text fields with


def _analyses_as_workers(schema) -> bool:
    """Whether an index's text fields analyse words as the workers' schema does (an index
    written by a version with other analyzers keeps its own until it is rebuilt)."""
    fields = text_fields(Clipping("", 0, "", ""))
    return all(_same_analysis(schema, name) for name in fields)


def _same_analysis(schema, name: str) -> bool:
    """Whether the index's field `name` analyses as the workers' does (Whoosh's own field
    equality leaves the analyzer out)."""
    if name not in schema:
        return False
    theirs, ours = schema[name], _SCHEMA[name]
    return theirs == ours and theirs.analyzer == ours.analyzer  # == compares the format


def _init_worker(gazetteer: Gazetteer, settings: Settings) -> None:
    global _worker_gazetteer, _worker_settings
    if multiprocessing.parent_process() is not None:
        _die_with_parent()
    _worker_gazetteer, _worker_settings = gazetteer, settings


def _die_with_parent() -> None:
    """Ask Linux to kill this worker when the indexing process dies (even by `kill -9`): a
    worker left running would hold the dead run's Whoosh write lock and block the next run."""
    with contextlib.suppress(OSError, AttributeError):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    parent = multiprocessing.parent_process()
    if parent is not None and not parent.is_alive():
        os._exit(1)


_PR_SET_PDEATHSIG = 1


def _parse_one(item: tuple[str, str]) -> ParsedFile:
    """One file's clippings, from its real path `item[1]`, under its shown path `item[0]`."""
    from indexer.duplicates import signature
    from indexer.parse import parse_file  # the parsers load only when a file needs them

    rel, path = item
    parsed = parse_file(path, rel, _worker_gazetteer, _worker_settings)
    parsed.signatures = [signature(c.title, c.body) for c in parsed.clippings]
    parsed.postings = [analysed(_SCHEMA, text_fields(c)) for c in parsed.clippings]
    return parsed


def _names_model_key(model: str | None) -> str | None:
    """The names model as far as a run can tell without loading it: None when spaCy is not
    installed (the rules alone find the names whatever model is asked for)."""
    return model if model and importlib.util.find_spec("spacy") is not None else None


def _gazetteer_hash(path: Path) -> str:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return ""
