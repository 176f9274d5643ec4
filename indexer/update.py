"""Build or update the index from the corpus folder: incremental by default, atomic always.

Unchanged files (same size and mtime, or same hash) are not re-parsed; changed files have
their old clippings replaced; deleted files' clippings are removed. Parsing runs in a process
pool while this process writes; nothing is visible to searchers until the single commit, and
a failure before it leaves the previous index as it was.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import os
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from whoosh.writing import CLEAR

from indexer import store
from indexer.clipping import BadFile, Clipping
from indexer.entities import GAZETTEER_NAME, Gazetteer
from indexer.parse import Skipped, parse_bytes
from indexer.read import find_files, read_clipping_bytes
from indexer.schema import clipping_schema
from indexer.store import FileRecord

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
    clippings_total: int = 0
    seconds: float = 0.0
    rebuilt: bool = False


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
        report = _update_locked(corpus, index_dir, gazetteer, rebuild, progress, procs)
    report.seconds = time.perf_counter() - started
    return report


def _update_locked(corpus, index_dir, gazetteer, rebuild, progress, procs) -> UpdateReport:
    report = UpdateReport()
    ix, old = _index_and_records(index_dir, rebuild)
    report.rebuilt = rebuild or not old
    gazetteer_hash = _gazetteer_hash(corpus / GAZETTEER_NAME)
    if store.manifest_extra(index_dir).get("gazetteer") != gazetteer_hash:
        old = {rel: _forget_hash(r) for rel, r in old.items()}  # re-tag every file
    files = {path.relative_to(corpus).as_posix(): path for path in find_files(corpus)}
    report.files_seen = len(files)
    new_records: dict[str, FileRecord] = {}
    todo = []
    for rel, path in files.items():
        record = old.get(rel)
        stat = path.stat()
        if (
            record
            and not rebuild
            and (record.size, record.mtime_ns) == (stat.st_size, stat.st_mtime_ns)
        ):
            new_records[rel] = record
            _count_unchanged(report, rel, record)
        else:
            todo.append((rel, path))
    tick = progress(len(todo)) if progress and todo else (lambda n: None)
    writer = ix.writer(limitmb=256)
    try:
        for parsed in _parse_all(todo, gazetteer, procs):
            tick(1)
            _write_file(writer, report, parsed, old.get(parsed.rel), new_records, rebuild)
        for rel in set(old) - set(files):
            writer.delete_by_term("path", rel)
            report.removed += 1
        if rebuild:
            writer.commit(mergetype=CLEAR)
        else:
            writer.commit()
    except BaseException:
        writer.cancel()
        raise
    ix = store.open_index(index_dir)
    store.write_manifest(
        index_dir, ix.latest_generation(), new_records, {"gazetteer": gazetteer_hash}
    )
    store.write_aliases(index_dir, gazetteer.alias_table())
    report.clippings_total = ix.doc_count()
    return report


def _index_and_records(index_dir: Path, rebuild: bool):
    if store.exists(index_dir):
        ix = store.open_index(index_dir)
        if _same_schema(ix):
            if rebuild:
                return ix, {}
            records = store.read_manifest(index_dir, ix.latest_generation())
            return ix, records if records is not None else store.records_from_index(ix)
    return store.create_index(index_dir), {}


def _same_schema(ix) -> bool:
    current = clipping_schema()
    stored = ix.schema
    return sorted(stored.names()) == sorted(current.names()) and all(
        type(stored[name]) is type(current[name]) for name in current.names()
    )


def _count_unchanged(report: UpdateReport, rel: str, record: FileRecord) -> None:
    if record.skipped:
        report.skipped.append(Skipped(rel, record.skipped))
    else:
        report.unchanged += 1


def _write_file(
    writer, report, parsed: _Parsed, previous: FileRecord | None, records, rebuild
) -> None:
    rel, record = parsed.rel, parsed.record
    if record.skipped:
        report.skipped.append(Skipped(rel, record.skipped))
        if previous and previous.clippings and not rebuild:
            # Keep what was indexed from the file's last good version.
            records[rel] = previous
            report.skipped[-1].reason += f" (kept its {previous.clippings} clippings from before)"
        else:
            records[rel] = record
        return
    if previous and previous.sha256 == record.sha256 and not rebuild:
        records[rel] = record  # touched, not changed
        report.unchanged += 1
        return
    if previous and not rebuild:
        writer.delete_by_term("path", rel)
        report.updated += 1
    else:
        report.added += 1
    for clipping in parsed.clippings:
        writer.add_document(**document_fields(clipping, record))
    record.clippings = len(parsed.clippings)
    report.clippings_indexed += len(parsed.clippings)
    records[rel] = record


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
        "entities": ",".join(e.name.replace(",", " ") for e in clipping.entities) or None,
        "source": clipping.source,
        "source_exact": clipping.source,
        "url": clipping.url,
        "collection": clipping.collection,
        "fingerprint": (record.size, record.mtime_ns, record.sha256),
    }
    return {name: value for name, value in fields.items() if value is not None}


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
    rel, path = item
    try:
        stat = path.stat()
        data = read_clipping_bytes(path)
    except (BadFile, OSError) as error:
        return _Parsed(rel, FileRecord(0, 0, "", skipped=_reason(error)), [])
    record = FileRecord(stat.st_size, stat.st_mtime_ns, hashlib.sha256(data).hexdigest())
    try:
        clippings = parse_bytes(data, path, rel)
    except BadFile as error:
        record.skipped = str(error)
        return _Parsed(rel, record, [])
    except Exception as error:  # a parser bug must not abort the whole run
        record.skipped = f"could not parse: {type(error).__name__}: {error}"
        return _Parsed(rel, record, [])
    return _Parsed(rel, record, [_worker_gazetteer.annotate(c) for c in clippings])


def _reason(error: Exception) -> str:
    return str(error) if isinstance(error, BadFile) else f"unreadable: {error.strerror or error}"


def _forget_hash(record: FileRecord) -> FileRecord:
    return FileRecord(record.size, -1, "", record.clippings, record.skipped)


def _gazetteer_hash(path: Path) -> str:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return ""
