"""Serving the app with waitress in several processes that share one listening socket.

Whoosh and the search code are pure Python, so one process uses one core however many threads
it has; on a machine with two cores, two processes answer twice the requests. Each process opens
its own searcher (after the fork) and refreshes it when `clippings index` commits.
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import socket
import sys
from collections.abc import Callable

import waitress

THREADS = 4


def serve(make_app: Callable, host: str, port: int, workers: int) -> None:
    """Serve until interrupted; with `workers` > 1, fork that many waitress processes."""
    listener = socket.create_server((host, port), backlog=1024)
    if workers <= 1:
        _run(make_app, listener)
        return
    children = []
    for _ in range(workers):
        pid = os.fork()
        if pid == 0:  # the child serves until told to stop
            signal.signal(signal.SIGINT, signal.SIG_DFL)
            signal.signal(signal.SIGTERM, signal.SIG_DFL)
            try:
                _run(make_app, listener)
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
    try:
        while children:
            pid, _ = os.wait()
            children.remove(pid)
    except ChildProcessError:
        pass


def _run(make_app: Callable, listener: socket.socket) -> None:
    # waitress warns "Task queue depth is N" whenever a request waits for a free thread, which
    # a burst of results-as-you-type requests does in normal use; it is answered all the same.
    # Its errors still show.
    logging.getLogger("waitress.queue").setLevel(logging.ERROR)
    waitress.serve(make_app(), sockets=[listener], threads=THREADS, ident="clippings")
