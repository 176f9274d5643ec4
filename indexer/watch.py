"""Watch mode: the corpus folder watched with watchfiles, and each batch of changes indexed by
the incremental run, so a clipping saved, changed, moved or deleted is searchable without
running a command.

watchfiles groups the events of a burst (a folder copied in) into one batch; a batch is one
`update_index` run, with all its guarantees (one commit, crash-safe, the lock). Editors'
temporary and partial files never start a run. A run started by hand meanwhile holds the lock:
the watcher says so and tries again. When the folder disappears (moved, unmounted) the watcher
says so, waits for it to come back, and catches up with one run.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from watchfiles import Change, watch

from indexer.names.gazetteer import GAZETTEER_NAME
from indexer.scan import ignored
from indexer.settings import Settings
from indexer.store import IndexBusy
from indexer.update import UpdateReport, update_index

# Files that are still being written: downloads and editors' saves land under these names and
# are renamed when complete (the rename is the change that counts).
PARTIAL_SUFFIXES = (".part", ".partial", ".crdownload", ".download", ".tmp", ".swp", ".swx")
DEBOUNCE_MS = 1_000  # the longest a batch keeps gathering events of a burst
QUIET_MS = 50  # a batch closes after this long without a new event
RETRY_SECONDS = 1.0  # waiting for a busy index, or for the folder to come back


@dataclass
class WatchEvent:
    """What the watcher did, for the front end to say: "indexed" (with the run's report),
    "busy" (another run holds the index), "gone" (the folder disappeared) or "back"."""

    kind: str
    changes: int = 0
    report: UpdateReport | None = None
    message: str = ""


def watched(corpus: Path, index_dir: Path) -> Callable[[Change, str], bool]:
    """The filter of events worth a run: not in a hidden folder, not an editor's temporary or
    partial file, not inside the index folder (should the index live in the corpus); the
    gazetteer (entities.toml) counts."""
    corpus, index_dir = corpus.resolve(), index_dir.resolve()

    def keep(change: Change, path: str) -> bool:
        where = Path(path)
        if where == index_dir or index_dir in where.parents:
            return False
        try:
            parts = where.relative_to(corpus).parts
        except ValueError:
            return False
        if parts == (GAZETTEER_NAME,):
            return True  # not a clipping, but a run finds the names again when it changes
        if not parts or any(ignored(part) for part in parts):
            return False
        return not where.name.lower().endswith(PARTIAL_SUFFIXES)

    return keep


def watch_and_index(
    corpus: Path,
    index_dir: Path,
    settings: Settings,
    said: Callable[[WatchEvent], None],
    stop: threading.Event,
) -> None:
    """Index each batch of changes in `corpus` until `stop` is set; what happens goes to `said`.
    The caller has brought the index up to date before; runs here are incremental."""
    keep = watched(corpus, index_dir)
    while not stop.is_set():
        if not corpus.is_dir():
            said(WatchEvent("gone", message=f"the corpus folder {corpus} is gone; waiting for it"))
            while not corpus.is_dir() and not stop.wait(RETRY_SECONDS):
                pass
            if stop.is_set():
                return
            said(WatchEvent("back", message=f"the corpus folder {corpus} is back; catching up"))
            _index(corpus, index_dir, settings, said, stop, 0)
        for batch in watch(
            corpus,
            watch_filter=keep,
            debounce=DEBOUNCE_MS,
            step=QUIET_MS,
            stop_event=stop,
            rust_timeout=int(RETRY_SECONDS * 1000),
            yield_on_timeout=True,
            raise_interrupt=False,
        ):
            if batch:
                _index(corpus, index_dir, settings, said, stop, len(batch))
            if not corpus.is_dir():
                break  # the watch of a folder that went away: wait for it above


def _index(corpus, index_dir, settings, said, stop: threading.Event, changes: int) -> None:
    """One incremental run; a busy index (a run started by hand) is tried again until free."""
    while not stop.is_set():
        try:
            report = update_index(corpus, index_dir, settings=settings)
        except IndexBusy as error:
            said(WatchEvent("busy", changes, message=f"{error}; trying again"))
            time.sleep(RETRY_SECONDS)
            continue
        said(WatchEvent("indexed", changes, report))
        return
