"""The corpus folder as the indexer sees it: every file's corpus-relative path, size and mtime.

One `os.scandir` walk, no per-file `Path` objects: an incremental run over 100,000 files spends
its time here, so it is kept cheap. This is the one walk of the corpus and `ignored` the one
ignore list: hidden files and folders, the gazetteer, and editors' temporary files
(`notes.txt~`, `#notes.txt#`, `~$report.docx`) are left out; symbolic links to folders are not
followed. Every other entry that is no readable regular file (a broken link, a FIFO, a folder
that cannot be listed) is reported with its reason.

A file is known by its *shown* path (`safe_name`): printable, valid UTF-8 and the same on
every run, so the index, the manifest and the web pages can hold any name the disk gives;
the real path (undecodable bytes kept as `os.scandir` gives them) is used to read the file.
"""

from __future__ import annotations

import errno
import os
import re
import stat
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from indexer.clipping import Skipped
from indexer.names.gazetteer import GAZETTEER_NAME

# Escaped in shown names: C0 and C1 controls and DEL, line and paragraph separators, the
# bidirectional overrides that reorder how a name reads, and undecodable bytes (which
# os.fsdecode turns into lone surrogates U+DC80..U+DCFF).
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
_SHORT_ESCAPES = {"\t": "\\t", "\n": "\\n", "\r": "\\r"}
_CLASH = "another file is shown under the same name; rename one of them"


@dataclass(frozen=True, slots=True)
class FileEntry:
    rel: str  # corpus-relative, "/" separated, as shown (see `safe_name`)
    path: str  # the real path to open
    size: int
    mtime_ns: int


@dataclass
class Scan:
    """The files of a corpus, the entries skipped with their reasons, and the folders that
    could not be listed (their files are not known to be gone)."""

    files: list[FileEntry] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    unlisted: list[str] = field(default_factory=list)  # shown folder paths, ending in "/"
    # What a scan of some paths (`scan_paths`) speaks for: shown file paths and folder paths
    # ending in "/". None: the whole corpus.
    only: set[str] | None = None

    def hides(self, rel: str) -> bool:
        """Whether `rel` lies in a folder that could not be listed."""
        return any(rel.startswith(folder) for folder in self.unlisted)

    def covered(self, rels: Iterable[str]) -> set[str]:
        """Those of `rels` this scan speaks for (one prefix test each, not `covers`)."""
        rels = set(rels)
        if self.only is None:
            return rels
        folders = tuple(path for path in self.only if path.endswith("/"))
        return (self.only & rels) | {rel for rel in rels if folders and rel.startswith(folders)}

    def covers(self, rel: str) -> bool:
        """Whether this scan speaks for `rel`: a file it does not list there is gone."""
        if self.only is None or rel in self.only:
            return True
        cut = rel.find("/")
        while cut >= 0:
            if rel[: cut + 1] in self.only:
                return True
            cut = rel.find("/", cut + 1)
        return False


def safe_name(name: str) -> str:
    r"""A file name or path as shown and indexed: printable, valid UTF-8, one line.

    Undecodable bytes become `\xe9` (always \x80 or above), control characters `\n`, `\t`,
    `\r`, `\x1b` (below \x80) or `\u0085`, so no two escapes look alike; only a name that
    holds such an escape typed literally can be shown like another (see `scan_corpus`).

    >>> safe_name(os.fsdecode(b"caf\xe9\n.txt"))
    'caf\\xe9\\n.txt'
    """
    return _UNSAFE.sub(_escape, name) if _UNSAFE.search(name) else name


def _escape(match: re.Match) -> str:
    char = match.group()
    code = ord(char)
    if 0xDC80 <= code <= 0xDCFF:
        return f"\\x{code - 0xDC00:02x}"
    if char in _SHORT_ESCAPES:
        return _SHORT_ESCAPES[char]
    return f"\\x{code:02x}" if code < 0x80 else f"\\u{code:04x}"


def ignored(name: str) -> bool:
    """Whether the walk leaves an entry out: hidden, the gazetteer, or an editor's temporary
    file (a backup ending in "~", an Emacs auto-save "#…#", an Office lock file "~$…")."""
    return (
        name.startswith((".", "~$"))
        or name.endswith("~")
        or (len(name) > 1 and name[0] == name[-1] == "#")
        or name == GAZETTEER_NAME
    )


def scan_files(corpus: Path) -> list[FileEntry]:
    """Every candidate clipping file under `corpus`, sorted by shown relative path."""
    return scan_corpus(corpus).files


def scan_corpus(corpus: Path, under: str = "") -> Scan:
    """The files under `corpus` (or its folder `under`, a shown path ending in "/") sorted by
    shown path, and every entry skipped, with reasons.

    Of two real names shown alike the one shown as it is wins, else the first in byte order.
    """
    scan = Scan()
    found: list[tuple[str, bool, bytes, FileEntry]] = []
    folders = [(under, os.path.join(os.fspath(corpus), under))]
    while folders:
        prefix, folder = folders.pop()
        try:
            with os.scandir(folder) as listing:
                for entry in listing:
                    if ignored(entry.name):
                        continue
                    rel = prefix + safe_name(entry.name)
                    try:
                        if entry.is_dir(follow_symlinks=False):
                            folders.append((f"{rel}/", entry.path))
                            continue
                        info = _file_stat(entry)
                    except OSError as error:
                        reason = _not_a_file(error, entry.is_symlink())
                        scan.skipped.append(Skipped(rel, reason))
                        continue
                    real = prefix + entry.name
                    file = FileEntry(rel, entry.path, info.st_size, info.st_mtime_ns)
                    found.append((rel, rel != real, os.fsencode(real), file))
        except OSError as error:
            scan.skipped.append(Skipped(prefix or "./", f"cannot list folder: {_lower(error)}"))
            scan.unlisted.append(prefix)
    found.sort(key=lambda item: item[:3])
    for rel, _, _, file in found:
        if scan.files and scan.files[-1].rel == rel:
            scan.skipped.append(Skipped(rel, _CLASH))
        else:
            scan.files.append(file)
    scan.skipped.sort(key=lambda skipped: skipped.path)
    return scan


def scan_paths(corpus: Path, paths: Iterable[Path]) -> Scan | None:
    """What is now at `paths` (files or folders under `corpus`, as a watcher reports changes):
    the files there, with `only` naming what the scan speaks for, so a file recorded there
    and not listed is gone. None when a path needs the whole walk: a name shown otherwise than
    it is written (escaped) may clash with another, which only the whole walk can settle.
    """
    scan = Scan(only=set())
    roots = (Path(os.path.abspath(corpus)), Path(corpus).resolve())  # as a watcher names it
    for path in paths:
        parts = _parts_under(roots, Path(os.path.abspath(path)))
        if parts is None:
            continue
        if not parts or any(ignored(part) for part in parts):
            continue
        rel = "/".join(parts)
        if safe_name(rel) != rel:
            return None
        try:
            info = os.lstat(path)
        except FileNotFoundError:
            scan.only.update((rel, f"{rel}/"))  # gone: a file, or a folder with its files
            continue
        except OSError:
            return None
        if stat.S_ISDIR(info.st_mode):
            folder = scan_corpus(corpus, f"{rel}/")
            scan.files += folder.files
            scan.skipped += folder.skipped
            scan.unlisted += folder.unlisted
            scan.only.update((rel, f"{rel}/"))  # a file there before is gone
            continue
        scan.only.add(rel)
        try:
            info = _regular(os.stat(path))
        except OSError as error:
            scan.skipped.append(Skipped(rel, _not_a_file(error, stat.S_ISLNK(info.st_mode))))
            continue
        scan.files.append(FileEntry(rel, os.fspath(path), info.st_size, info.st_mtime_ns))
    scan.files = sorted({file.rel: file for file in scan.files}.values(), key=lambda f: f.rel)
    scan.skipped.sort(key=lambda skipped: skipped.path)
    return scan


def _parts_under(roots: tuple[Path, ...], path: Path) -> tuple[str, ...] | None:
    for root in roots:
        try:
            return path.relative_to(root).parts
        except ValueError:
            continue
    return None


def _file_stat(entry: os.DirEntry) -> os.stat_result:
    """The stat of a regular file (followed through a link); OSError says why it is none."""
    return _regular(entry.stat())  # follows links: a broken one raises FileNotFoundError


def _regular(info: os.stat_result) -> os.stat_result:
    if stat.S_ISREG(info.st_mode):
        return info
    if stat.S_ISDIR(info.st_mode):
        raise OSError("link to a folder (not followed)")
    raise OSError(f"not a regular file ({_kind(info.st_mode)})")


def _kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "FIFO"
    if stat.S_ISSOCK(mode):
        return "socket"
    if stat.S_ISCHR(mode):
        return "character device"
    if stat.S_ISBLK(mode):
        return "block device"
    return "unknown type"


def _not_a_file(error: OSError, link: bool) -> str:
    if error.errno == errno.ENOENT:
        return "broken symbolic link" if link else "vanished before it could be read"
    if error.errno == errno.ELOOP:
        return "symbolic link loop"
    if error.errno is None:
        return str(error)
    return f"unreadable: {_lower(error)}"


def _lower(error: OSError) -> str:
    reason = error.strerror or type(error).__name__
    return reason[:1].lower() + reason[1:]
