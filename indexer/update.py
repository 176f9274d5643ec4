"""Build or update the index from the corpus folder: incremental by default, never corrupt.

Unchanged files (same size and mtime, or same hash) are not re-parsed; changed files have
their old clippings replaced; deleted files' clippings are removed. Parsing and tagging run in
a process pool while this process writes. Names are resolved across the whole corpus (see
`aliases.py`): clippings whose entities change because of another file — an acronym defined
elsewhere, an edited gazetteer — are re-tagged from their stored text, without reading their
files again. A failure before the commit leaves the previous index as it was.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import os
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from whoosh import query
from whoosh.writing import CLEAR

from indexer import store
from indexer.aliases import EntityTable
from indexer.clipping import BadFile, Clipping, Skipped
from indexer.entities import GAZETTEER_NAME, Gazetteer
from indexer.scan import FileEntry, scan_files
from indexer.schema import clipping_schema
from indexer.store import FileRecord

# Memory the Whoosh writer fills before it writes a segment to disk (peak RSS vs. merge work).
WRITER_MB = 64
# Below this many files to parse, a process pool costs more than it saves.
POOL_THRESHOLD = 16


@dataclass
class UpdateReport:
    """The summary `clippings index` prints."""

    files_seen: int = 0
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    removed: int = 0
    skipped: list[Skipped] = field(default_factory=list)
    clippings_indexed: int = 0
    clippings_retagged: int = 0
    clippings_total: int = 0
    seconds: float = 0.0


@dataclass
class _Parsed:
    rel: str
    record: FileRecord
    clippings: list[Clipping]


Progress = Callable[[int], None]


def update_index(
    corpus: Path,
    index_dir: Path,
    *,
    rebuild: bool = False,
    progress: Callable[[int], Progress] | None = None,
    procs: int | None = None,
) -> UpdateReport:
    """Bring the index in line with the corpus folder.

    Raises IndexBusy when another run holds the index, BadFile for a malformed gazetteer.
    """
    started = time.perf_counter()
    with store.writer_lock(index_dir):
        gazetteer = Gazetteer.load(corpus / GAZETTEER_NAME)
        report = _Run(corpus, index_dir, gazetteer, rebuild).update(progress, procs)
    report.seconds = time.perf_counter() - started
    return report


class _Run:
    """One indexing run: the old file records, the new ones, and the corpus-wide entity table."""

    def __init__(self, corpus: Path, index_dir: Path, gazetteer: Gazetteer, rebuild: bool):
        self.corpus, self.index_dir, self.gazetteer = corpus, index_dir, gazetteer
        self.rebuild = rebuild
        self.report = UpdateReport()
        self.ix, self.old, self.manifest_rebuilt = _index_and_records(index_dir, rebuild)
        self.records: dict[str, FileRecord] = {}
        self.gazetteer_hash = _gazetteer_hash(corpus / GAZETTEER_NAME)
        saved = store.manifest_extra(index_dir).get("gazetteer")
        self.gazetteer_changed = bool(self.old) and saved != self.gazetteer_hash
        self._table: EntityTable | None = None
        self._old_mentions: dict[str, list[Clipping]] = {}  # previous versions of changed files
        self._retag_everything = False  # set when the gazetteer changed

    @property
    def table(self) -> EntityTable:
        """The entity table as the last run left it (loaded only when something changed)."""
        if self._table is None:
            saved = {} if self.rebuild or not self.old else store.read_entities(self.index_dir)
            self._table = EntityTable.from_json(saved, self.gazetteer)
        return self._table

    def update(self, progress, procs) -> UpdateReport:
        files = {entry.rel: entry for entry in scan_files(self.corpus)}
        self.report.files_seen = len(files)
        todo = [
            (rel, Path(entry.path)) for rel, entry in files.items() if not self._unchanged(entry)
        ]
        deleted = sorted(set(self.old) - set(files))
        if not todo and not deleted and not self.gazetteer_changed:
            self.report.clippings_total = self.ix.doc_count()
            if self.manifest_rebuilt:  # save it, or every later run rebuilds it again
                extra = {"gazetteer": self.gazetteer_hash}
                store.write_manifest(
                    self.index_dir, self.ix.latest_generation(), self.records, extra
                )
            return self.report  # nothing to do: no commit, searchers stay as they are
        if self.gazetteer_changed:
            self._table = EntityTable(self.gazetteer)
            self._retag_all_texts()
        else:
            self._forget_old_mentions([rel for rel, _ in todo] + deleted)
        tick = progress(len(todo)) if progress and todo else (lambda n: None)
        writer = self.ix.writer(limitmb=WRITER_MB)
        try:
            for parsed in _parse_all(todo, self.gazetteer, procs):
                tick(1)
                self._write_file(writer, parsed)
            for rel in deleted:
                writer.delete_by_term("path", rel)
                self.report.removed += 1
            if self.rebuild:
                writer.commit(mergetype=CLEAR)
            else:
                writer.commit()
        except BaseException:
            writer.cancel()
            raise
        self.table.join_initials()
        self._retag_changed_names()
        self._save()
        return self.report

    def _unchanged(self, entry: FileEntry) -> bool:
        rel, record = entry.rel, self.old.get(entry.rel)
        if (
            self.rebuild
            or record is None
            or (record.size, record.mtime_ns) != (entry.size, entry.mtime_ns)
        ):
            return False
        self.records[rel] = record
        if record.skipped:
            self.report.skipped.append(Skipped(rel, record.skipped))
        else:
            self.report.unchanged += 1
        return True

    def _write_file(self, writer, parsed: _Parsed) -> None:
        rel, record, previous = parsed.rel, parsed.record, self.old.get(parsed.rel)
        if record.skipped:
            self.report.skipped.append(Skipped(rel, record.skipped))
            keep = previous and previous.clippings and not self.rebuild
            if keep:  # keep what was indexed from the file's last good version
                kept = f" (kept its {previous.clippings} clippings from before)"
                self.report.skipped[-1].reason += kept
                self._restore_mentions(rel)
            self.records[rel] = previous if keep else record
            return
        same = previous and previous.sha256 == record.sha256 and not self.gazetteer_changed
        if same and not self.rebuild:
            previous.size, previous.mtime_ns = record.size, record.mtime_ns  # touched, not changed
            self.records[rel] = previous
            self._restore_mentions(rel)
            self.report.unchanged += 1
            return
        if not self.rebuild:
            writer.delete_by_term("path", rel)
        if previous and not self.rebuild:
            self.report.updated += 1
        else:
            self.report.added += 1
        for clipping in parsed.clippings:
            self.table.add(clipping.mentions, clipping.acronyms)
            clipping.entities = self.table.entities_for(clipping.mentions)
            writer.add_document(**document_fields(clipping, record))
        record.clippings = len(parsed.clippings)
        self.report.clippings_indexed += len(parsed.clippings)
        self.records[rel] = record

    def _stored_clippings(self, searcher, rel: str) -> list[Clipping]:
        """A file's clippings as the index holds them, with their names found again."""
        from indexer.tagging import tag

        hits = searcher.search(query.Term("path", rel), limit=None)
        return [tag(_clipping_from_fields(hit.fields()), self.gazetteer) for hit in hits]

    def _forget_old_mentions(self, paths: list[str]) -> None:
        """Take the previous versions of changed and deleted files out of the entity table."""
        with self.ix.searcher() as searcher:
            for rel in paths:
                if rel in self.old and self.old[rel].clippings:
                    clippings = self._stored_clippings(searcher, rel)
                    self._old_mentions[rel] = clippings
                    for clipping in clippings:
                        self.table.remove(clipping.mentions)

    def _restore_mentions(self, rel: str) -> None:
        """A file thought changed kept its clippings after all: count their mentions again."""
        for clipping in self._old_mentions.pop(rel, []):
            self.table.add(clipping.mentions, clipping.acronyms)

    def _retag_all_texts(self) -> None:
        """The gazetteer changed: find names again in every unchanged clipping's stored text."""
        from indexer.tagging import tag

        with self.ix.searcher() as searcher:
            for fields in searcher.all_stored_fields():
                if fields["path"] in self.records:
                    clipping = tag(_clipping_from_fields(fields), self.gazetteer)
                    self.table.add(clipping.mentions, clipping.acronyms)
        self._retag_everything = True

    def _retag_changed_names(self) -> None:
        """Rewrite the clippings whose entities, resolved with the final table, changed."""
        ix = store.open_index(self.index_dir)
        everything = self._retag_everything
        names = self.table.changed_names()
        if not everything and not names:
            return
        writer = ix.writer(limitmb=WRITER_MB)
        try:
            with ix.searcher() as searcher:
                if everything:
                    docs = searcher.all_stored_fields()
                else:
                    wanted = query.Or([query.Term("entities", name) for name in names])
                    docs = (hit.fields() for hit in searcher.search(wanted, limit=None))
                for fields in docs:
                    self._retag(writer, fields)
            writer.commit()
        except BaseException:
            writer.cancel()
            raise

    def _retag(self, writer, fields: dict) -> None:
        from indexer.tagging import tag

        clipping = tag(_clipping_from_fields(fields), self.gazetteer)
        clipping.entities = self.table.entities_for(clipping.mentions)
        if _written(clipping.entities) != fields.get("tagged"):
            record = self.records.get(clipping.path)
            if record is not None:
                writer.update_document(**document_fields(clipping, record))
                self.report.clippings_retagged += 1

    def _save(self) -> None:
        ix = store.open_index(self.index_dir)
        extra = {"gazetteer": self.gazetteer_hash}
        store.write_manifest(self.index_dir, ix.latest_generation(), self.records, extra)
        store.write_entities(self.index_dir, self.table.to_json())
        self.report.clippings_total = ix.doc_count()


def document_fields(clipping: Clipping, record: FileRecord) -> dict:
    """The Whoosh document for one clipping; fields without a value are left out."""
    fields = {
        "id": clipping.id,
        "path": clipping.path,
        "title": clipping.title,
        "body": clipping.body,
        "date": clipping.date,
        "undated": "0" if clipping.date else "1",
        "year": clipping.date[:4] if clipping.date else None,
        "month": clipping.date[:7] if clipping.date else None,
        "date_source": clipping.date_source,
        "entities": _keywords(e.name for e in clipping.entities),
        "source": clipping.source,
        "source_exact": clipping.source,
        "url": clipping.url,
        "collection": clipping.collection,
        "fingerprint": (record.size, record.mtime_ns, record.sha256),
        "tagged": _written(clipping.entities),
    }
    return {name: value for name, value in fields.items() if value is not None}


def _keywords(names) -> str | None:
    return ",".join(name.replace(",", " ") for name in names) or None


def _clipping_from_fields(fields: dict) -> Clipping:
    """A clipping rebuilt from the index's stored fields, for re-tagging without the file."""
    path, number = fields["id"].rsplit("#", 1)
    return Clipping(
        path=path,
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


def _index_and_records(index_dir: Path, rebuild: bool):
    """The index to update, its file records, and whether the records had to be rebuilt."""
    if store.exists(index_dir):
        ix = store.open_index(index_dir)
        if _same_schema(ix):
            if rebuild:
                return ix, {}, False
            records = store.read_manifest(index_dir, ix.latest_generation())
            if records is None:
                return ix, store.records_from_index(ix), True
            return ix, records, False
    return store.create_index(index_dir), {}, False


def _same_schema(ix) -> bool:
    current = clipping_schema()
    stored = ix.schema
    return sorted(stored.names()) == sorted(current.names()) and all(
        type(stored[name]) is type(current[name]) for name in current.names()
    )


def _parse_all(todo, gazetteer: Gazetteer, procs: int | None) -> Iterator[_Parsed]:
    procs = procs or os.cpu_count() or 1
    if procs < 2 or len(todo) < POOL_THRESHOLD:
        _init_worker(gazetteer)
        yield from map(_parse_one, todo)
        return
    context = multiprocessing.get_context("fork")
    with context.Pool(procs, initializer=_init_worker, initargs=(gazetteer,)) as pool:
        yield from pool.imap_unordered(_parse_one, todo, chunksize=8)


_worker_gazetteer: Gazetteer | None = None


def _init_worker(gazetteer: Gazetteer) -> None:
    global _worker_gazetteer
    _worker_gazetteer = gazetteer


def _parse_one(item: tuple[str, Path]) -> _Parsed:
    from indexer.parse import parse_bytes  # the parsers load only when a file needs them
    from indexer.read import read_clipping_bytes

    rel, path = item
    try:
        stat = path.stat()
        data = read_clipping_bytes(path)
    except (BadFile, OSError) as error:
        return _Parsed(rel, FileRecord(0, 0, "", skipped=_reason(error)), [])
    record = FileRecord(stat.st_size, stat.st_mtime_ns, hashlib.sha256(data).hexdigest())
    try:
        from indexer.tagging import tag

        clippings = [tag(c, _worker_gazetteer) for c in parse_bytes(data, path, rel)]
    except BadFile as error:
        record.skipped = str(error)
        return _Parsed(rel, record, [])
    except Exception as error:  # a parser bug must not abort the whole run
        record.skipped = f"could not parse: {type(error).__name__}: {error}"
        return _Parsed(rel, record, [])
    return _Parsed(rel, record, clippings)


def _reason(error: Exception) -> str:
    return str(error) if isinstance(error, BadFile) else f"unreadable: {error.strerror or error}"


def _gazetteer_hash(path: Path) -> str:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return ""
