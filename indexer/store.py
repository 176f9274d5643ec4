"""The index directory: the Whoosh index, the file manifest, the alias table, and the writer lock.

The manifest (`files.json`) records each corpus file's size, mtime and hash so that an
incremental run re-reads only what changed. It is written after the Whoosh commit and names
the generation it belongs to; if the two ever disagree the manifest is rebuilt from the index.
The near-duplicate groups (`groups.json`) and the entity table (`entities.json`) are saved
between the two, stamped with the generation too.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import pickle
import shutil
import struct
import time
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.filedb.filestore import FileStorage
from whoosh.index import Index
from whoosh.searching import Searcher

from indexer.schema import clipping_schema
from indexer.whoosh_adapter import index_segments, toc_files

INDEX_NAME = "clippings"
MANIFEST = "files.json"
ENTITIES = "entities.json"
GROUPS = "groups.json"
LOCK = "indexing.lock"
# Written by watch mode with its process id while it holds quick commits not yet settled.
UNSETTLED = "unsettled.pid"
# Written by a run with its process id from its first commit until its entity table is saved.
SETTLING = "settling.pid"


class IndexBusy(RuntimeError):
    """Another `clippings index` is writing to this index."""


class IndexMissing(RuntimeError):
    """There is no index yet in the directory."""


class IndexOutdated(IndexMissing):
    """The index was written by an older version of the program, with other fields."""

    def __init__(self, index_dir: Path):
        super().__init__(
            f"the index in {index_dir} was written by an older version of clippings: "
            "run `clippings index` to rebuild it"
        )


class IndexDamaged(RuntimeError):
    """A file of the index is missing, truncated or garbled; the message names the fix."""

    def __init__(self, index_dir: Path, error: BaseException):
        detail = " ".join(str(error).split())[:160] or "no detail"
        self.detail = f"{type(error).__name__}: {detail}"
        super().__init__(
            f"the index in {index_dir} is damaged ({type(error).__name__}: {detail}); "
            "run `clippings index --rebuild` to rebuild it from the corpus"
        )


class EntityTableDamaged(IndexDamaged):
    """The saved entity table cannot be read: names are not expanded until a rebuild."""

    def __init__(self, path: Path, error: BaseException):
        self.path = path
        self.detail = f"{type(error).__name__}: {' '.join(str(error).split())[:160] or 'no detail'}"
        RuntimeError.__init__(
            self,
            f"the entity table {path} cannot be read ({self.detail}); "
            "run `clippings index --rebuild` to rebuild it from the corpus",
        )


class IndexWriteFailed(RuntimeError):
    """The run could not write the index (a full disk, no permission); the last commit stands."""

    def __init__(self, index_dir: Path, error: OSError):
        super().__init__(
            f"could not write the index in {index_dir} ({error.strerror or error}); "
            "the index still holds its last complete run"
        )


# What reading a truncated, garbled or half-deleted Whoosh file raises.
DAMAGE_ERRORS = (
    OSError,
    EOFError,
    struct.error,
    pickle.UnpicklingError,
    zlib.error,
    ValueError,
    IndexError,
    KeyError,
    TypeError,
    AttributeError,
    whoosh_index.IndexError,  # Whoosh's own, raised for a garbled table of contents
)
# What a file damaged after opening raises while a query reads it (narrower, so that a bug in
# the engine is not reported as damage).
READ_ERRORS = (OSError, EOFError, struct.error, pickle.UnpicklingError, zlib.error)


@dataclass(slots=True)
class FileRecord:
    """What the last run saw of one corpus file.

    A run holds one for every file of the archive, so the names and signatures of its
    clippings are kept as the JSON text the manifest saves (records of 20,000 clippings: 16.5
    MB, against 43.6 MB as lists); `names()` and `duplicates()` read them, `set_names` and
    `set_duplicates` replace them.
    """

    size: int
    mtime_ns: int
    sha256: str
    clippings: int = 0
    skipped: str | None = None  # the reason, when the file was skipped
    # Per clipping, [number, mentions, joins, tagged]: the names found in its text and the
    # entities it was written with, from which every run rebuilds the corpus-wide entity table.
    names_json: str = "[]"
    # Per clipping, [number, signature]: its near-duplicate signature, from which every run
    # rebuilds the groups (duplicates.py) and saves them in groups.json.
    duplicates_json: str = "[]"
    # Why the file is skipped now while its last good version's clippings stay indexed (size
    # and mtime are then the bad version's, so the next run does not read it again).
    kept: str | None = None

    def names(self) -> list:
        return json.loads(self.names_json)

    def set_names(self, entries: list) -> None:
        self.names_json = _compact_json(entries)

    def duplicates(self) -> list:
        return json.loads(self.duplicates_json)

    def set_duplicates(self, entries: list) -> None:
        self.duplicates_json = _compact_json(entries)


def _compact_json(value) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def exists(index_dir: Path) -> bool:
    """Whether the folder holds an index (a table of contents), readable or not."""
    return index_dir.is_dir() and bool(toc_files(index_dir, INDEX_NAME))


def has_current_schema(schema) -> bool:
    """Whether an index's schema has exactly the fields, of the same kinds, this version
    writes (an index from an older version is rebuilt, never half-read)."""
    current = clipping_schema()
    return sorted(schema.names()) == sorted(current.names()) and all(
        type(schema[name]) is type(current[name]) for name in current.names()
    )


def is_outdated(index_dir: Path) -> bool:
    """Whether the folder holds a readable index written by an older version."""
    try:
        return not has_current_schema(open_index(index_dir).schema)
    except (IndexMissing, IndexDamaged):
        return False


def open_index(index_dir: Path, *, mapped: bool = True) -> Index:
    """Open an existing index for reading or writing; IndexDamaged if its table of contents
    cannot be read. `mapped=False` reads segment files with plain reads instead of memory maps
    (the indexer: a run that re-tags or merges reads most of the index, and mapped pages count
    in its resident memory)."""
    if not exists(index_dir):
        raise IndexMissing(f"no index in {index_dir}: run `clippings index` first")
    try:
        return FileStorage(str(index_dir), supports_mmap=mapped).open_index(INDEX_NAME)
    except DAMAGE_ERRORS as error:
        raise IndexDamaged(index_dir, error) from error


@contextlib.contextmanager
def reading(index_dir: Path) -> Iterator[None]:
    """Report a file of the index that fails while being read as IndexDamaged."""
    try:
        yield
    except READ_ERRORS as error:
        raise IndexDamaged(index_dir, error) from error


def open_searcher(index_dir: Path) -> Searcher:
    """A searcher of the latest commit, every segment read afresh; IndexDamaged if a file of it
    is missing or unreadable.

    A commit landing meanwhile may delete the segment files of the generation being opened, so
    a missing file is retried on the newer generation before it counts as damage.
    """
    for attempt in range(5):
        try:
            return open_index(index_dir).searcher()
        except FileNotFoundError as error:
            if attempt == 4:
                raise IndexDamaged(index_dir, error) from error
            time.sleep(0.02 * (attempt + 1))
        except DAMAGE_ERRORS as error:
            raise IndexDamaged(index_dir, error) from error
    raise AssertionError("unreachable")


def create_index(index_dir: Path, *, mapped: bool = True) -> Index:
    """A new, empty index (replacing any old one only when the first commit lands)."""
    index_dir.mkdir(parents=True, exist_ok=True)
    storage = FileStorage(str(index_dir), supports_mmap=mapped)
    return storage.create_index(clipping_schema(), indexname=INDEX_NAME)


@contextlib.contextmanager
def writer_lock(index_dir: Path) -> Iterator[None]:
    """Hold the directory's indexing lock, or raise IndexBusy at once if another run holds it.

    The lock is the kernel's (`flock`): a run that dies, even by `kill -9`, leaves no lock
    behind, and the next run takes over. Its parse workers are started afresh (not forked)
    and inherit no descriptor, so a stray worker cannot keep a dead run's lock alive.
    """
    index_dir.mkdir(parents=True, exist_ok=True)
    with open(index_dir / LOCK, "a+") as handle:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip()
            by = f" (process {holder})" if holder.isdigit() else ""
            raise IndexBusy(
                f"the index in {index_dir} is busy: another `clippings index` is running{by}"
            ) from None
        handle.truncate(0)
        handle.write(str(os.getpid()))
        handle.flush()
        try:
            yield
        finally:
            handle.truncate(0)
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


def read_manifest(index_dir: Path, generation: int) -> dict[str, FileRecord] | None:
    """The file records of `generation`, or None if missing or written for another generation."""
    return manifest_records(manifest_data(index_dir), generation)


def manifest_data(index_dir: Path) -> dict:
    """The manifest as saved ({} if missing or unreadable), read once by a run that needs both
    its records and its run-level facts (tens of MB at 100,000 files)."""
    try:
        data = json.loads((index_dir / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def manifest_records(data: dict, generation: int) -> dict[str, FileRecord] | None:
    """The file records of a manifest's data, None unless written for `generation`."""
    if data.get("generation") != generation or not isinstance(data.get("files"), list):
        return None
    return {
        row[0]: FileRecord(*row[1:6], *map(_json_text, row[6:8]), *row[8:]) for row in data["files"]
    }


def _json_text(value) -> str:
    """A record's names or signatures as JSON text (a manifest before 2026-12-05 held lists)."""
    return value if isinstance(value, str) else _compact_json(value)


def write_manifest(
    index_dir: Path, generation: int, files: dict[str, FileRecord], extra: dict
) -> None:
    """Save the records a row at a time: at 100,000 files the whole text would be 50 MB."""
    # One row per file, [path, size, mtime_ns, sha256, clippings, skipped, names, duplicates,
    # kept]: lists load faster than objects, which matters at 100,000 files.
    head = _compact_json({"generation": generation, **extra})
    rows = (_compact_json(_record_row(p, r)) for p, r in sorted(files.items()))
    _write_atomically(index_dir / MANIFEST, head[:-1], ',"files":[', _joined(rows), "]}")


def _joined(rows: Iterator[str]) -> Iterator[str]:
    for n, row in enumerate(rows):
        yield f",\n{row}" if n else row


def _record_row(path: str, record: FileRecord) -> list:
    return [
        path,
        record.size,
        record.mtime_ns,
        record.sha256,
        record.clippings,
        record.skipped,
        record.names_json,
        record.duplicates_json,
        record.kept,
    ]


def manifest_extra(index_dir: Path) -> dict:
    """Run-level facts kept beside the file records (e.g. the gazetteer's hash)."""
    return manifest_facts(manifest_data(index_dir))


def manifest_facts(data: dict) -> dict:
    """The run-level facts of a manifest's data."""
    return {k: v for k, v in data.items() if k not in ("generation", "files")}


def records_from_index(ix: Index) -> dict[str, FileRecord]:
    """Rebuild the manifest from fingerprints stored on the clippings (skipped files are lost)."""
    files: dict[str, FileRecord] = {}
    names: dict[str, list] = {}
    duplicates: dict[str, list] = {}
    with ix.searcher() as searcher:
        for fields in searcher.all_stored_fields():
            size, mtime_ns, sha = fields["fingerprint"]
            record = files.setdefault(fields["path"], FileRecord(size, mtime_ns, sha))
            record.clippings += 1
            mentions, joins = fields.get("names", ([], []))
            number = int(fields["id"].rsplit("#", 1)[1])
            names.setdefault(fields["path"], []).append(
                [number, mentions, joins, fields.get("tagged", [])]
            )
            duplicates.setdefault(fields["path"], []).append([number, fields.get("signature", "")])
    for path, record in files.items():
        record.set_names(sorted(names[path], key=lambda entry: entry[0]))
        record.set_duplicates(sorted(duplicates[path], key=lambda entry: entry[0]))
    return files


def last_commit(index_dir: Path) -> float:
    """When the index last changed (seconds since the epoch), from its table of contents."""
    tocs = toc_files(index_dir, INDEX_NAME)
    return max((toc.stat().st_mtime for toc in tocs), default=0.0)


def write_entities(index_dir: Path, table: dict, generation: int) -> None:
    """Save the entity table (names, types, aliases) of index `generation`, for queries."""
    data = {**table, "generation": generation}
    _write_atomically(index_dir / ENTITIES, json.dumps(data, ensure_ascii=False))


def write_groups(index_dir: Path, groups: dict[str, str], generation: int) -> None:
    """Save the near-duplicate groups of index `generation` (clipping id → its group's leader,
    clippings with copies only): kept out of the Whoosh documents, so that a clipping whose
    group changes is not written again."""
    data = {"generation": generation, "groups": groups}
    _write_atomically(index_dir / GROUPS, json.dumps(data, ensure_ascii=False))


def read_groups(index_dir: Path) -> dict[str, str]:
    """The saved groups (clipping id → leader); {} when none is saved yet. Raises IndexDamaged
    when the file is there but cannot be read or holds no groups."""
    try:
        data = json.loads((index_dir / GROUPS).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as error:
        raise IndexDamaged(index_dir, error) from error
    groups = data.get("groups") if isinstance(data, dict) else None
    if not isinstance(groups, dict):
        raise IndexDamaged(index_dir, TypeError(f"{GROUPS} holds no groups"))
    return groups


def groups_saved(index_dir: Path) -> bool:
    """Whether the groups are saved (a cheap test: the file is there)."""
    return (index_dir / GROUPS).is_file()


def entities_generation(index_dir: Path) -> int | None:
    """The index generation the saved entity table belongs to (None if none is saved);
    EntityTableDamaged if it cannot be read."""
    return read_entities(index_dir).get("generation")


def entities_stamp(index_dir: Path) -> tuple[int, int] | None:
    """When and how big the saved entity table was written: a cheap test that it changed."""
    try:
        stat = (index_dir / ENTITIES).stat()
    except OSError:
        return None
    return stat.st_mtime_ns, stat.st_size


def mark_unsettled(index_dir: Path, unsettled: bool) -> None:
    """Say (with this process's id) or stop saying that this process has made commits whose
    manifest, entity table and groups it saves later (watch mode), for `clippings check`."""
    path = index_dir / UNSETTLED
    if unsettled:
        path.write_text(str(os.getpid()), encoding="utf-8")
    else:
        path.unlink(missing_ok=True)


@contextlib.contextmanager
def settling(index_dir: Path) -> Iterator[None]:
    """While a run commits clippings whose entity table and groups it saves after them, say so
    (with this process's id): searchers keep the commit and table they have until it is over,
    so that no answer pairs the new clippings with the old table. A dead process's file says
    nothing (`settling_by`)."""
    path = index_dir / SETTLING
    path.write_text(str(os.getpid()), encoding="utf-8")
    try:
        yield
    finally:
        path.unlink(missing_ok=True)


def settling_by(index_dir: Path) -> int | None:
    """The live process whose commits wait for their entity table, if any."""
    return _live_pid(index_dir / SETTLING)


def unsettled_by(index_dir: Path) -> int | None:
    """The live process that has commits it has not settled yet, if any."""
    return _live_pid(index_dir / UNSETTLED)


def _live_pid(path: Path) -> int | None:
    """The process id a file names, if that process is alive."""
    try:
        pid = int(path.read_text(encoding="utf-8"))
        os.kill(pid, 0)
    except (OSError, ValueError):
        return None
    return pid


def remove_leftovers(index_dir: Path) -> None:
    """Delete what dead or failed runs left: Whoosh's temporary folder and table-of-contents
    files, segment files no commit refers to, and our half-written files.

    Call with the writer lock held, so that no live run's files are taken for leftovers.
    """
    shutil.rmtree(index_dir / f"{INDEX_NAME}.tmp", ignore_errors=True)
    for path in toc_files(index_dir, INDEX_NAME, temporary=True):
        path.unlink(missing_ok=True)
    for path in index_dir.glob("*.json.tmp"):
        path.unlink(missing_ok=True)
    (index_dir / SETTLING).unlink(missing_ok=True)
    if exists(index_dir):
        with contextlib.suppress(IndexDamaged, *DAMAGE_ERRORS):
            ix = open_index(index_dir)
            whoosh_index.clean_files(
                ix.storage, INDEX_NAME, ix.latest_generation(), index_segments(ix)
            )


def move_aside(index_dir: Path) -> Path:
    """Move a damaged index's files into a dated folder inside `index_dir`; return it."""
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    aside = index_dir / f"damaged-{stamp}"
    aside.mkdir(exist_ok=True)
    for path in index_dir.iterdir():
        if path.name == LOCK or path.name.startswith("damaged-"):
            continue
        path.rename(aside / path.name)
    return aside


def read_entities(index_dir: Path) -> dict:
    """The saved entity table; {} when none is saved yet (a new or empty index).

    Raises EntityTableDamaged when the file is there but cannot be read or is no table: a
    feature is lost, so the caller must say so rather than search without names.
    """
    path = index_dir / ENTITIES
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as error:
        raise EntityTableDamaged(path, error) from error
    if not isinstance(data, dict):
        raise EntityTableDamaged(path, TypeError(f"a JSON {type(data).__name__}, not a table"))
    return data


def _write_atomically(path: Path, *parts: str | Iterator[str]) -> None:
    """Write the text (strings, or iterators of strings written as they come) to a temporary
    file, then put it in place."""
    temporary = path.with_suffix(path.suffix + ".tmp")
    with open(temporary, "w", encoding="utf-8") as out:
        for part in parts:
            if isinstance(part, str):
                out.write(part)
            else:
                out.writelines(part)
    os.replace(temporary, path)
