"""Serving the app with waitress in several processes that share one listening socket.

Whoosh and the search code are pure Python, so one process uses one core however many threads
it has; on a machine with two cores, two processes answer twice the requests. Each process opens
its own searcher (after the fork) and refreshes it when `clippings index` commits.

By default each process runs the app in one thread, requests in arrival order, while waitress's
own thread reads requests and writes responses for every connection. A search holds the
engine's lock anyway, so more threads only interleaved the pages' rendering, and cost CPU: at
100,000 clippings with 8 clients, four threads took 8.3 ms of CPU a page against 6.8 ms with
one, with a longer tail (bench/run.py's HTTP step).
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable

import waitress

# A response waiting for a slow reader is spooled to a temporary file (past waitress's 1 MB in
# memory) rather than holding the app's one thread: an export of the whole archive is tens of MB.
OUTPUT_BUFFERED = 1 << 30


def serve(
    make_app: Callable,
    host: str,
    port: int,
    workers: int,
    beside: list[str] | None = None,
    threads: int = 1,
) -> None:
    """Serve until interrupted; with `workers` > 1, fork that many waitress processes, each
    running the app in `threads` threads. `beside` is a command kept running next to the server
    (the watcher), started after the forks, started again if it dies, and stopped with the
    server."""
    listener = socket.create_server((host, port), backlog=1024)
    if workers <= 1:
        if beside:  # SIGTERM ends the server by SystemExit, so the command is stopped too
            signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(0))
        with _supervised(beside):
            _run(make_app, listener, threads)
        return
    children = []
    for _ in range(workers):
        pid = os.fork()
        if pid == 0:  # the child serves until told to stop
            signal.signal(signal.SIGINT, signal.SIG_DFL)
            signal.signal(signal.SIGTERM, signal.SIG_DFL)
            try:
                _run(make_app, listener, threads)
            finally:
                os._exit(0)
        children.append(pid)

    def stop(signum, frame):
        for pid in children:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGTERM)
        sys.exit(0)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    with _supervised(beside):
        while children:  # only the servers are waited for: the command beside has its own
            for pid in list(children):
                with contextlib.suppress(ChildProcessError):
                    if os.waitpid(pid, os.WNOHANG)[0] == 0:
                        continue
                children.remove(pid)
            time.sleep(0.5)


class Supervisor:
    """A command run beside the server in a thread's care: started again when it stops (after
    a pause, saying so), given up after FAILURES quick exits in a row, stopped with `stop`."""

    FAILURES = 3
    QUICK = 5.0  # seconds: an exit sooner than this after a start counts as a failure
    PAUSE = 1.0
    SETTLING = 60  # seconds a stopping watcher gets to finish its corpus-wide work

    def __init__(self, command: list[str], say: Callable[[str], None]):
        self.command, self.say = command, say
        self.process: subprocess.Popen | None = None
        self.stopping = threading.Event()
        # Starting the command and stopping are one step each: a stop that comes while the
        # command is started again stops the new process, never only the one that had ended.
        self._starting = threading.Lock()
        self.thread = threading.Thread(target=self._keep_running, daemon=True)

    def start(self) -> None:
        self.thread.start()

    def stop(self) -> None:
        with self._starting:
            self.stopping.set()
            process = self.process
        if process is not None and process.poll() is None:
            process.terminate()  # it settles its last quick commits, then stops
            try:
                process.wait(timeout=self.SETTLING)
            except subprocess.TimeoutExpired:
                process.kill()  # the next run completes what it left (see update.py)
        self.thread.join(timeout=self.SETTLING + 5)

    def _keep_running(self) -> None:
        failures = 0
        while True:
            with self._starting:
                if self.stopping.is_set():
                    return
                started = time.monotonic()
                self.process = subprocess.Popen(self.command)
            code = self.process.wait()
            if self.stopping.wait(self.PAUSE):
                return
            failures = failures + 1 if time.monotonic() - started < self.QUICK else 0
            if failures >= self.FAILURES:
                self.say(f"the watcher keeps stopping (exit code {code}): serving without it")
                return
            self.say(f"the watcher stopped (exit code {code}): starting it again")


@contextlib.contextmanager
def _supervised(command: list[str] | None):
    if not command:
        yield None
        return
    supervisor = Supervisor(command, lambda line: print(line, flush=True))
    supervisor.start()
    try:
        yield supervisor
    finally:
        supervisor.stop()


def _run(make_app: Callable, listener: socket.socket, threads: int) -> None:
    # waitress warns "Task queue depth is N" whenever a request waits for the app's thread,
    # which a burst of results-as-you-type requests does in normal use; it is answered all the
    # same. Its errors still show.
    logging.getLogger("waitress.queue").setLevel(logging.ERROR)
    waitress.serve(
        make_app(),
        sockets=[listener],
        threads=threads,
        outbuf_high_watermark=OUTPUT_BUFFERED,
        ident="clippings",
    )
