"""The corpus folder as the indexer sees it: every file's corpus-relative path, size and mtime.

One `os.scandir` walk, no per-file `Path` objects: an incremental run over 100,000 files spends
its time here, so it is kept cheap. Hidden files and folders and the gazetteer are left out;
symbolic links to folders are not followed.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from indexer.entities import GAZETTEER_NAME


@dataclass(frozen=True)
class FileEntry:
    rel: str  # corpus-relative, "/" separated
    path: str
    size: int
    mtime_ns: int


def scan_files(corpus: Path) -> list[FileEntry]:
    """Every candidate clipping file under `corpus`, sorted by relative path."""
    entries = []
    folders = [("", os.fspath(corpus))]
    while folders:
        prefix, folder = folders.pop()
        with os.scandir(folder) as listing:
            for entry in listing:
                if entry.name.startswith(".") or entry.name == GAZETTEER_NAME:
                    continue
                if entry.is_dir(follow_symlinks=False):
                    folders.append((f"{prefix}{entry.name}/", entry.path))
                elif entry.is_file():
                    stat = entry.stat()
                    entries.append(
                        FileEntry(
                            f"{prefix}{entry.name}", entry.path, stat.st_size, stat.st_mtime_ns
                        )
                    )
    entries.sort(key=lambda e: e.rel)
    return entries
