"""Where `clippings index` holds its memory: the peak resident memory of the process tree and of
the main process, and the peak of each phase of the run (the indexer function the main thread
is in), sampled every 0.1 s.

    .venv/bin/python bench/memory.py --corpus DIR --index DIR [--rebuild]

The run is `clippings index` called in this process, so the main process is this one; the
parse workers and multiprocessing's resource tracker are its children.
"""

from __future__ import annotations

import argparse
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import psutil

from clippings.cli import main as clippings

MB = 1024 * 1024


@dataclass
class Phase:
    """A stretch of the run in one indexer function, with its peaks."""

    name: str
    started: float
    ended: float = 0.0
    main_mb: float = 0.0
    tree_mb: float = 0.0


class Sampling:
    """A thread that calls `sample()` every `every` seconds while the `with` block runs (and
    once before it stops)."""

    every = 0.1

    def __init__(self) -> None:
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        while True:
            self.sample()
            if self._stop.wait(self.every):
                return

    def sample(self) -> None:
        raise NotImplementedError


class Sampler(Sampling):
    """This process and its children; the phase the main thread is in."""

    def __init__(self) -> None:
        super().__init__()
        self.phases: list[Phase] = []
        self._main = threading.get_ident()
        self._process = psutil.Process()
        self._started = time.perf_counter()

    def sample(self) -> None:
        main = _rss(self._process) / MB
        tree = tree_rss(self._process) / MB
        name = self._phase_name()
        now = time.perf_counter() - self._started
        if not self.phases or self.phases[-1].name != name:
            self.phases.append(Phase(name, now))
        phase = self.phases[-1]
        phase.ended = now
        phase.main_mb, phase.tree_mb = max(phase.main_mb, main), max(phase.tree_mb, tree)

    def _phase_name(self) -> str:
        """The outermost three `indexer/update.py` functions the main thread is in."""
        frame = sys._current_frames().get(self._main)
        names = []
        while frame is not None:
            if frame.f_code.co_filename.endswith("indexer/update.py"):
                names.append(frame.f_code.co_name)
            frame = frame.f_back
        return " > ".join(reversed(names[-3:])) if names else "-"


def process_tree(process: psutil.Process) -> list[psutil.Process]:
    """The process and its descendants ([] once it has exited)."""
    try:
        return [process, *process.children(recursive=True)]
    except psutil.Error:
        return []


def tree_rss(process: psutil.Process) -> int:
    """Resident bytes of the process and its descendants together."""
    return sum(_rss(member) for member in process_tree(process))


def _rss(process: psutil.Process) -> int:
    try:
        return process.memory_info().rss
    except psutil.Error:
        return 0


def merged(phases: list[Phase]) -> list[Phase]:
    """Phases of the same name merged (a run goes back and forth between a few functions)."""
    by_name: dict[str, Phase] = {}
    for phase in phases:
        kept = by_name.setdefault(phase.name, Phase(phase.name, phase.started))
        kept.ended = phase.ended
        kept.main_mb = max(kept.main_mb, phase.main_mb)
        kept.tree_mb = max(kept.tree_mb, phase.tree_mb)
    return list(by_name.values())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, required=True)
    parser.add_argument("--index", type=Path, required=True)
    parser.add_argument("--rebuild", action="store_true")
    args = parser.parse_args(argv)
    command = ["index", "--quiet", "--corpus", str(args.corpus), "--index", str(args.index)]
    command += ["--rebuild"] if args.rebuild else []
    started = time.perf_counter()
    with Sampler() as sampler:
        try:
            code = clippings(command, standalone_mode=False)
        except SystemExit as exit:
            code = exit.code
    seconds = time.perf_counter() - started
    phases = merged(sampler.phases)
    if not phases:
        print("the run ended before the first sample")
        return 1
    peak_tree = max(phases, key=lambda p: p.tree_mb)
    peak_main = max(phases, key=lambda p: p.main_mb)
    print(f"clippings index: exit {code or 0}, {seconds:.1f} s")
    print(f"peak RSS of the process tree {peak_tree.tree_mb:.0f} MB, in {peak_tree.name}")
    print(f"peak RSS of the main process {peak_main.main_mb:.0f} MB, in {peak_main.name}")
    for phase in phases:
        print(
            f"  {phase.started:7.1f}-{phase.ended:7.1f} s  main ≤ {phase.main_mb:5.0f} MB  "
            f"tree ≤ {phase.tree_mb:5.0f} MB  {phase.name}"
        )
    return 0


if __name__ == "__main__":  # parse workers are spawned: they import this module, not run it
    sys.exit(main())
