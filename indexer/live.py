"""The index as watch mode keeps it between batches of changes.

A batch is one quick commit: only the changed paths are looked at (`scan_paths`), the file
records of the last run stay in memory (no manifest is read) and no segment is merged, so a
clipping saved into a folder of 100,000 is searchable within a second. The corpus-wide work,
the entity table, the near-duplicate groups, re-tagging and saving the manifest, waits until
changes pause (`settle`) and gives way as soon as new ones arrive. Until then a new clipping is
found by its words and by the names it states itself, and is its own hit. A crash before
settling leaves commits without their manifest, which the next run completes, as after any
interrupted run; a run started by hand in between takes the lock and settles everything, and
the next batch here starts again from the manifest it saved.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Iterable
from pathlib import Path

from indexer.clipping import BadFile
from indexer.names.gazetteer import GAZETTEER_NAME, Gazetteer
from indexer.scan import scan_paths
from indexer.settings import Settings
from indexer.store import IndexBusy
from indexer.update import Interrupted, Run, UpdateReport, Warm, running


class LiveIndex:
    """One corpus folder's index, updated batch by batch from the same process."""

    def __init__(self, corpus: Path, index_dir: Path, settings: Settings):
        self.corpus, self.index_dir, self.settings = corpus, index_dir, settings
        self._warm: Warm | None = None

    @property
    def unsettled(self) -> bool:
        """Whether quick commits wait for the corpus-wide work."""
        return bool(self._warm and self._warm.unsettled)

    def warm_up(self) -> None:
        """Import the parsers and the name finder before the first change arrives (a second or
        more the first time), so that the first clipping saved is as quick as the rest."""
        from indexer.names.tagging import tag
        from indexer.parse import parse_bytes

        gazetteer = Gazetteer.load(self.corpus / GAZETTEER_NAME)
        page = b"<html><head><title>Warm</title></head><body><article><p>A page.</p></article>"
        for data, name in ((page, "warm.html"), (b"Title: Warm\n\nA clipping.\n", "warm.txt")):
            with contextlib.suppress(BadFile):
                for clipping in parse_bytes(data, name, name, day_first=self.settings.day_first):
                    tag(clipping, gazetteer, model=self.settings.names_model)

    def catch_up(self) -> UpdateReport:
        """A whole run, as `clippings index` makes it, settled."""
        return self._run(lambda run: run.update())

    def apply(self, paths: Iterable[Path]) -> UpdateReport:
        """Index what changed at `paths` (files or folders) in one quick commit. A path whose
        name is shown escaped makes it a whole walk, which alone can settle name clashes; so
        does a corpus folder that is gone (whose files are then not known to be gone)."""
        scan = scan_paths(self.corpus, paths) if self.corpus.is_dir() else None
        return self._run(lambda run: run.update(scan=scan, settle=False))

    def settle(self, interrupted: Callable[[], bool]) -> UpdateReport | None:
        """The corpus-wide work of the quick commits so far, unless `interrupted()` says new
        changes wait first (then None, nothing written, and the work is done later)."""
        if not self.unsettled:
            return None
        warm = self._warm
        try:
            return self._run(lambda run: run.settle_last(interrupted))
        except Interrupted:
            self._warm = warm  # nothing was written: still the index's state
            return None

    def _run(self, work: Callable[[Run], UpdateReport]) -> UpdateReport:
        started = time.perf_counter()
        warm, self._warm = self._warm, None  # a run that fails leaves no warm state behind
        try:
            with running(self.corpus, self.index_dir, self.settings, warm=warm) as run:
                report = work(run)
                self._warm = run.warm_state()
        except IndexBusy:
            self._warm = warm  # nothing was read or written (the next run checks it again)
            raise
        report.seconds = time.perf_counter() - started
        return report
