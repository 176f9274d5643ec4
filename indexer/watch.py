"""Watch mode: the corpus folder watched with watchfiles, and each batch of changes indexed by
the incremental run, so a clipping saved, changed, moved or deleted is searchable without
running a command.

watchfiles groups the events of a burst (a folder copied in) into one batch; a batch is one
quick commit of a `LiveIndex` (live.py), with the guarantees of every run (one commit,
crash-safe, the lock), and the corpus-wide work follows when changes pause. Editors'
temporary and partial files never start a run. A run started by hand meanwhile holds the lock:
the watcher says so and tries again. When the folder disappears (moved, unmounted) the watcher
says so, waits for it to come back, and catches up with one run.
"""

from __future__ import annotations

import contextlib
import itertools
import queue
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from watchfiles import Change, watch

from indexer.live import LiveIndex
from indexer.names.gazetteer import GAZETTEER_NAME
from indexer.scan import ignored
from indexer.settings import Settings
from indexer.store import IndexBusy
from indexer.update import UpdateReport

# Files that are still being written: downloads and editors' saves land under these names and
# are renamed when complete (the rename is the change that counts).
PARTIAL_SUFFIXES = (".part", ".partial", ".crdownload", ".download", ".tmp", ".swp", ".swx")
DEBOUNCE_MS = 1_000  # the longest a batch keeps gathering events of a burst
QUIET_MS = 50  # a batch closes after this long without a new event
RETRY_SECONDS = 1.0  # waiting for a busy index, or for the folder to come back
SETTLE_AFTER = 1.0  # seconds without a change before the corpus-wide work runs
MISSED = "a change could not be read (a file name that is not valid text): catching up"


@dataclass
class WatchEvent:
    """What the watcher did, for the front end to say: "indexed" (a batch, with the run's
    report), "settled" (the corpus-wide work after a pause, with its report), "watching" (set
    up and caught up), "busy" (another run holds the index), "gone" (the folder disappeared),
    "back", or "missed" (watchfiles lost a change: a whole run follows)."""

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
    The caller has brought the index up to date before.

    A thread gathers watchfiles' batches while this one indexes them: each is a quick commit
    (`LiveIndex.apply`); once changes pause for `SETTLE_AFTER` seconds the corpus-wide work
    runs, and gives way to the next batch as soon as one is waiting. Stopping settles first."""
    live = LiveIndex(corpus, index_dir, settings)
    batches: queue.Queue = queue.Queue()
    gatherer = threading.Thread(
        target=_gather, args=(corpus, index_dir, batches, stop), name="watch", daemon=True
    )
    gatherer.start()
    live.warm_up()
    _index(live.catch_up, said, stop, 0, quiet=True)  # what changed before the watch began
    said(WatchEvent("watching", message=f"Watching {corpus}/ for changes (Ctrl+C to stop)"))
    while not stop.is_set():
        try:
            waiting = [batches.get(timeout=SETTLE_AFTER if live.unsettled else RETRY_SECONDS)]
        except queue.Empty:
            _settle(live, said, lambda: not batches.empty() or stop.is_set())
            continue
        with contextlib.suppress(queue.Empty):
            while True:  # batches that came in meanwhile: one commit
                waiting.append(batches.get_nowait())
        for event, items in itertools.groupby(waiting, key=lambda i: isinstance(i, WatchEvent)):
            if event:
                for item in items:  # the folder went away or came back, or a change was lost
                    said(item)
                    if item.kind in ("back", "missed"):
                        _index(live.catch_up, said, stop, 0)
            else:
                paths = sorted(set().union(*items))
                _index(lambda paths=paths: live.apply(paths), said, stop, len(paths))
    _settle(live, said, lambda: False)
    gatherer.join(timeout=2 * RETRY_SECONDS)


def _gather(corpus: Path, index_dir: Path, batches: queue.Queue, stop: threading.Event) -> None:
    """Put each batch of changed paths on `batches`, and a WatchEvent when the folder goes away
    ("gone") and when it is back ("back"), until `stop` is set."""
    keep = watched(corpus, index_dir)
    while not stop.is_set():
        if not corpus.is_dir():
            message = f"the corpus folder {corpus} is gone; waiting for it"
            batches.put(WatchEvent("gone", message=message))
            while not corpus.is_dir() and not stop.wait(RETRY_SECONDS):
                pass
            if stop.is_set():
                return
            message = f"the corpus folder {corpus} is back; catching up"
            batches.put(WatchEvent("back", message=message))
        try:
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
                    batches.put({Path(path) for _, path in batch})
                if not corpus.is_dir():
                    break  # the watch of a folder that went away: wait for it above
        except (RuntimeError, OSError):  # e.g. a name that is not UTF-8 stops watchfiles
            if corpus.is_dir():  # (a folder gone is said above)
                batches.put(WatchEvent("missed", message=MISSED))
            stop.wait(QUIET_MS / 1000)


def _index(
    work: Callable[[], UpdateReport], said, stop: threading.Event, changes: int, quiet=False
) -> None:
    """One run; a busy index (a run started by hand) is tried again until free. A `quiet` run
    says nothing when it found nothing to do."""
    while not stop.is_set():
        try:
            report = work()
        except IndexBusy as error:
            said(WatchEvent("busy", changes, message=f"{error}; trying again"))
            time.sleep(RETRY_SECONDS)
            continue
        if not quiet or report.added or report.updated or report.removed or report.forgotten:
            said(WatchEvent("indexed", changes, report))
        return


def _settle(live: LiveIndex, said, interrupted: Callable[[], bool]) -> None:
    """The corpus-wide work of the quick commits, unless interrupted; a busy index waits for
    the next pause (the run holding it settles everything itself)."""
    try:
        report = live.settle(interrupted)
    except IndexBusy:
        return
    if report is not None:
        said(WatchEvent("settled", report=report))
