"""The index directory: the Whoosh index, the file manifest, the alias table, and the writer lock.

The manifest (`files.json`) records each corpus file's size, mtime and hash so that an
incremental run re-reads only what changed. It is written after the Whoosh commit and names
the generation it belongs to; if the two ever disagree the manifest is rebuilt from the index.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.index import Index

from indexer.schema import clipping_schema

INDEX_NAME = "clippings"
MANIFEST = "files.json"
ENTITIES = "entities.json"
LOCK = "indexing.lock"


class IndexBusy(RuntimeError):
    """Another `clippings index` is writing to this index."""


class IndexMissing(RuntimeError):
    """There is no index yet in the directory."""


@dataclass
class FileRecord:
    """What the last run saw of one corpus file."""

    size: int
    mtime_ns: int
    sha256: str
    clippings: int = 0
    skipped: str | None = None  # the reason, when the file was skipped


def exists(index_dir: Path) -> bool:
    return index_dir.is_dir() and whoosh_index.exists_in(str(index_dir), indexname=INDEX_NAME)


def open_index(index_dir: Path) -> Index:
    """Open an existing index for reading or writing."""
    if not exists(index_dir):
        raise IndexMissing(f"no index in {index_dir}: run `clippings index` first")
    return whoosh_index.open_dir(str(index_dir), indexname=INDEX_NAME)


def create_index(index_dir: Path) -> Index:
    """A new, empty index (replacing any old one only when the first commit lands)."""
    index_dir.mkdir(parents=True, exist_ok=True)
    return whoosh_index.create_in(str(index_dir), clipping_schema(), indexname=INDEX_NAME)


@contextlib.contextmanager
def writer_lock(index_dir: Path) -> Iterator[None]:
    """Hold the directory's indexing lock, or raise IndexBusy at once if another run holds it."""
    index_dir.mkdir(parents=True, exist_ok=True)
    with open(index_dir / LOCK, "a+") as handle:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise IndexBusy(
                f"the index in {index_dir} is busy: another `clippings index` is running"
            ) from None
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


def read_manifest(index_dir: Path, generation: int) -> dict[str, FileRecord] | None:
    """The file records of `generation`, or None if missing or written for another generation."""
    try:
        data = json.loads((index_dir / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if data.get("generation") != generation or not isinstance(data.get("files"), list):
        return None
    return {row[0]: FileRecord(*row[1:]) for row in data["files"]}


def write_manifest(
    index_dir: Path, generation: int, files: dict[str, FileRecord], extra: dict
) -> None:
    data = {
        "generation": generation,
        **extra,
        # One row per file, [path, size, mtime_ns, sha256, clippings, skipped]: lists load
        # faster than objects, which matters at 100,000 files.
        "files": [_record_row(p, r) for p, r in sorted(files.items())],
    }
    _write_atomically(index_dir / MANIFEST, json.dumps(data, ensure_ascii=False))


def _record_row(path: str, record: FileRecord) -> list:
    return [path, record.size, record.mtime_ns, record.sha256, record.clippings, record.skipped]


def manifest_extra(index_dir: Path) -> dict:
    """Run-level facts kept beside the file records (e.g. the gazetteer's hash)."""
    try:
        data = json.loads((index_dir / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {k: v for k, v in data.items() if k not in ("generation", "files")}


def records_from_index(ix: Index) -> dict[str, FileRecord]:
    """Rebuild the manifest from fingerprints stored on the clippings (skipped files are lost)."""
    files: dict[str, FileRecord] = {}
    with ix.searcher() as searcher:
        for fields in searcher.all_stored_fields():
            size, mtime_ns, sha = fields["fingerprint"]
            record = files.setdefault(fields["path"], FileRecord(size, mtime_ns, sha))
            record.clippings += 1
    return files


def last_commit(index_dir: Path) -> float:
    """When the index last changed (seconds since the epoch), from its table of contents."""
    tocs = list(Path(index_dir).glob(f"_{INDEX_NAME}_*.toc"))
    return max((toc.stat().st_mtime for toc in tocs), default=0.0)


def write_entities(index_dir: Path, table: dict) -> None:
    """Save the entity table (names, types, aliases) the index was built with, for queries."""
    _write_atomically(index_dir / ENTITIES, json.dumps(table, ensure_ascii=False))


def read_entities(index_dir: Path) -> dict:
    try:
        return json.loads((index_dir / ENTITIES).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def _write_atomically(path: Path, text: str) -> None:
    temporary = path.with_suffix(path.suffix + ".tmp")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, path)
