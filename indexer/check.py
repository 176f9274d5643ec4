"""Does the index match the corpus? Missing, stale, duplicate and orphaned clippings, and a
manifest that disagrees with the index, for `clippings check`.

One walk of the corpus folder, one pass over the stored fields of the index, the manifest read
once; a file is hashed only when its size or modification time differs from those its
clippings were indexed with (a file touched but not changed is no problem).

Each problem says which run fixes it: `clippings index` for what an incremental run re-reads
(new, changed and deleted files, an interrupted run), `clippings index --rebuild` for an index
and manifest that disagree about a file the incremental run trusts as unchanged.
"""

from __future__ import annotations

import hashlib
import time
from collections import Counter, defaultdict
from dataclasses import asdict, dataclass, field
from pathlib import Path

from indexer import store
from indexer.scan import FileEntry, scan_corpus
from indexer.store import FileRecord
from indexer.wording import counted

KINDS = ("missing", "stale", "duplicate", "orphaned", "manifest", "tags")
INDEX = "clippings index"
REBUILD = "clippings index --rebuild"


@dataclass(frozen=True)
class Problem:
    """One way the index differs from the corpus: its kind, the file (and clipping) and why."""

    kind: str  # one of KINDS
    path: str  # corpus-relative path, or the index file at fault (files.json)
    detail: str
    id: str | None = None  # the clipping, for problems of one clipping
    fix: str = INDEX  # the run that fixes it

    def line(self) -> str:
        """The problem as `clippings check` prints it."""
        return f"{self.kind}: {self.id or self.path}: {self.detail}"


@dataclass
class CheckReport:
    """What `clippings check` found: the index's size and every problem, in corpus order."""

    clippings: int = 0
    files: int = 0
    problems: list[Problem] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def clean(self) -> bool:
        """Whether the index matches the corpus."""
        return not self.problems

    def counts(self) -> dict[str, int]:
        """Problems per kind, in the order of KINDS, kinds without problems left out."""
        found = Counter(problem.kind for problem in self.problems)
        return {kind: found[kind] for kind in KINDS if found[kind]}

    def fix(self) -> str | None:
        """The one run that fixes every problem (None when there is none)."""
        if not self.problems:
            return None
        return REBUILD if any(p.fix == REBUILD for p in self.problems) else INDEX

    def summary(self) -> str:
        """One line: what matches, or how many problems of each kind and the run that fixes them."""
        if self.clean:
            clippings, files = counted(self.clippings, "clipping"), counted(self.files, "file")
            return f"index matches the corpus: {clippings} from {files}"
        kinds = ", ".join(f"{n} {kind}" for kind, n in self.counts().items())
        return f"{counted(len(self.problems), 'problem')}: {kinds}; run `{self.fix()}` to fix"

    def to_json(self) -> dict:
        """The report for `clippings check --json`."""
        return {
            "clean": self.clean,
            "clippings": self.clippings,
            "files": self.files,
            "counts": self.counts(),
            "fix": self.fix(),
            "problems": [asdict(problem) for problem in self.problems],
            "summary": self.summary(),
        }


@dataclass
class _Held:
    """What the index holds of one file: its clippings' ids, numbers, fingerprints and tags."""

    ids: Counter = field(default_factory=Counter)
    numbers: dict[int, set[str]] = field(default_factory=lambda: defaultdict(set))
    fingerprints: set[tuple] = field(default_factory=set)
    tagged: dict[str, list] = field(default_factory=dict)


def check_index(corpus: Path, index_dir: Path) -> CheckReport:
    """Compare the index in `index_dir` with the folder `corpus` and its manifest.

    Raises IndexMissing or IndexDamaged when the index cannot be read.
    """
    started = time.perf_counter()
    scan = scan_corpus(corpus)
    with store.open_searcher(index_dir) as searcher, store.reading(index_dir):
        generation = searcher.reader().generation()
        held = _held_by_path(searcher.reader().all_stored_fields())
    manifest = store.read_manifest(index_dir, generation)
    report = CheckReport(clippings=sum(sum(h.ids.values()) for h in held.values()), files=len(held))
    report.problems += _duplicates(held)
    files = {entry.rel: entry for entry in scan.files}
    now_skipped = {skipped.path: skipped.reason for skipped in scan.skipped}
    for rel in sorted(set(held) - set(files)):
        if not scan.hides(rel):  # an unlistable folder's files are not known to be gone
            report.problems.append(_orphaned(rel, held[rel], now_skipped.get(rel)))
    for rel, entry in files.items():
        record = manifest.get(rel) if manifest is not None else None
        report.problems += _file_problems(entry, held.get(rel), record, manifest is not None)
    report.problems.sort(key=lambda p: (p.path, p.id or "", KINDS.index(p.kind)))
    if manifest is None:
        report.problems.insert(0, _manifest_unusable(index_dir))
    report.seconds = time.perf_counter() - started
    return report


def _held_by_path(all_fields) -> dict[str, _Held]:
    """The index's live clippings grouped by file, from one pass over the stored fields."""
    held: dict[str, _Held] = defaultdict(_Held)
    for fields in all_fields:
        clipping_id, path = fields["id"], fields["path"]
        entry = held[path]
        entry.ids[clipping_id] += 1
        entry.numbers[_number(clipping_id)].add(clipping_id)
        entry.fingerprints.add(tuple(fields["fingerprint"]))
        entry.tagged[clipping_id] = fields.get("tagged", [])
    return held


def _number(clipping_id: str) -> int:
    number = clipping_id.rsplit("#", 1)[-1]
    return int(number) if number.isdigit() else -1


def _duplicates(held: dict[str, _Held]) -> list[Problem]:
    """Ids held by several live documents, and clipping numbers of a file held under several
    ids; an incremental run never rewrites an unchanged file, so only a rebuild removes them."""
    problems = []
    for rel, entry in held.items():
        for clipping_id, count in entry.ids.items():
            if count > 1:
                detail = f"held by {count} documents"
                problems.append(Problem("duplicate", rel, detail, clipping_id, REBUILD))
        for number, ids in entry.numbers.items():
            if len(ids) > 1:
                detail = f"clipping {number} of the file is held under {len(ids)} ids: "
                detail += ", ".join(sorted(ids))
                problems.append(Problem("duplicate", rel, detail, None, REBUILD))
    return problems


def _manifest_unusable(index_dir: Path) -> Problem:
    if (watcher := store.unsettled_by(index_dir)) is not None:
        state = (
            f"not saved yet by the watcher (process {watcher}), which saves it when changes pause"
        )
    elif (index_dir / store.MANIFEST).exists():
        state = "written for another generation of the index (a run was interrupted)"
    else:
        state = "not found (a run was interrupted, or it was deleted)"
    detail = f"{state}; files without clippings cannot be told skipped from missing"
    return Problem("manifest", store.MANIFEST, detail)


def _orphaned(rel: str, entry: _Held, skipped: str | None) -> Problem:
    where = f"is now skipped ({skipped})" if skipped else "is no longer in the corpus"
    return Problem("orphaned", rel, f"{_clippings(entry)} of a file that {where}")


def _file_problems(
    entry: FileEntry, held: _Held | None, record: FileRecord | None, have_manifest: bool
) -> list[Problem]:
    """What is wrong with one corpus file's clippings, its fingerprints and its record."""
    rel = entry.rel
    if held is None:
        if not have_manifest or record is not None and (record.skipped or not record.clippings):
            return []
        if record is None:
            return [Problem("missing", rel, "not indexed (new since the last `clippings index`)")]
        fix = _fix(entry, record)
        detail = f"files.json records {record.clippings} clippings, the index holds none"
        return [Problem("missing", rel, detail, None, fix)]
    if record is not None and record.skipped:
        detail = f"{_clippings(held)} still indexed, but files.json says it was skipped"
        return [Problem("orphaned", rel, f"{detail} ({record.skipped})", None, REBUILD)]
    problems = _stale(entry, held, record)
    if not have_manifest:
        return problems
    if record is None:
        detail = f"{_clippings(held)} indexed, but files.json has no record of the file"
        return [*problems, Problem("manifest", rel, detail)]
    if len(held.ids) != record.clippings:
        detail = f"files.json records {record.clippings} clippings, the index holds {len(held.ids)}"
        problems.append(Problem("missing", rel, detail, None, _fix(entry, record)))
    if not problems and record.sha256 not in {fingerprint[2] for fingerprint in held.fingerprints}:
        detail = "files.json records another version of the file than was indexed"
        problems.append(Problem("manifest", rel, detail, None, _fix(entry, record)))
    return problems + _tags(rel, held, record)


def _stale(entry: FileEntry, held: _Held, record: FileRecord | None) -> list[Problem]:
    """The file changed since its clippings were indexed: its size or mtime differ from their
    fingerprint (or from the manifest's, for a file touched and re-indexed unchanged) and so
    does its content. Only such files are hashed."""
    current = (entry.size, entry.mtime_ns)
    recorded = record is not None and (record.size, record.mtime_ns) == current
    digest = None
    for size, mtime_ns, sha256 in sorted(held.fingerprints):
        if (size, mtime_ns) == current or recorded and record.sha256 == sha256:
            continue
        if digest is None:
            digest = _sha256(entry.path)
        if digest != sha256:
            detail = _changed(size, entry.size)
            fix = REBUILD if recorded else INDEX  # files.json vouching for it hides the change
            if recorded:
                detail += ", but files.json records the new version"
            return [Problem("stale", entry.rel, detail, None, fix)]
    return []


def _changed(old_size: int, new_size: int) -> str:
    if old_size == new_size:
        return f"changed since its clippings were indexed (same size, {new_size} bytes)"
    return f"changed since its clippings were indexed ({old_size} → {new_size} bytes)"


def _tags(rel: str, held: _Held, record: FileRecord) -> list[Problem]:
    """Clippings whose entity tags differ from those files.json says they were written with."""
    recorded = {entry[0]: entry[3] for entry in record.names()}
    problems = []
    for clipping_id, tagged in sorted(held.tagged.items()):
        expected = recorded.get(_number(clipping_id))
        if expected is not None and list(map(list, tagged)) != expected:
            detail = "entity tags differ from those files.json records for it"
            problems.append(Problem("tags", rel, detail, clipping_id, REBUILD))
    return problems


def _fix(entry: FileEntry, record: FileRecord) -> str:
    """`clippings index` re-reads a file whose size or mtime differ from its record and
    re-writes it if its content differs; anything else it trusts."""
    if (record.size, record.mtime_ns) == (entry.size, entry.mtime_ns):
        return REBUILD
    return INDEX if _sha256(entry.path) != record.sha256 else REBUILD


def _clippings(held: _Held) -> str:
    count = sum(held.ids.values())
    return f"{count} clipping{'s' if count != 1 else ''}"


def _sha256(path: str) -> str:
    """The file's SHA-256 ('' if it cannot be read: then it counts as changed)."""
    digest = hashlib.sha256()
    try:
        with open(path, "rb") as handle:
            while chunk := handle.read(1 << 20):
                digest.update(chunk)
    except OSError:
        return ""
    return digest.hexdigest()
