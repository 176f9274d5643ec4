"""webui/serve.py: the command kept running beside the server (the watcher of `serve --watch`)
is started again when it dies, given up when it keeps failing, and stopped with the server."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.request import urlopen

import psutil
import pytest

from webui.serve import Supervisor

WAIT = 30


class Quick(Supervisor):
    QUICK = 2.0
    PAUSE = 0.1


def test_a_command_that_dies_is_started_again_and_stopped_with_the_server():
    said = []
    supervisor = Quick([sys.executable, "-c", "import time; time.sleep(60)"], said.append)
    supervisor.start()
    deadline = time.monotonic() + WAIT
    while supervisor.process is None:
        assert time.monotonic() < deadline
        time.sleep(0.05)
    first = supervisor.process
    first.kill()
    while supervisor.process is first:
        assert time.monotonic() < deadline
        time.sleep(0.05)
    assert said == [f"the watcher stopped (exit code {-signal.SIGKILL}): starting it again"]
    second = supervisor.process
    supervisor.stop()
    assert second.poll() is not None  # stopped with the server
    assert not supervisor.thread.is_alive()


def test_a_stop_that_comes_while_the_command_is_started_again_stops_the_new_one(monkeypatch):
    """The server may take a moment to act on Ctrl+C, long enough for the watcher it killed to
    be started again: the stop must end that new watcher, not wait on it."""
    supervisor = Quick([sys.executable, "-c", "import time; time.sleep(60)"], lambda line: None)
    started = []
    popen = subprocess.Popen

    def slow_start(command):
        if started:  # the restart: the stop arrives while the new process is being started
            stopper = threading.Thread(target=supervisor.stop)
            stopper.start()
            time.sleep(0.3)
        started.append(popen(command))
        return started[-1]

    monkeypatch.setattr("webui.serve.subprocess.Popen", slow_start)
    supervisor.start()
    deadline = time.monotonic() + WAIT
    while not started:
        assert time.monotonic() < deadline
        time.sleep(0.05)
    started[0].kill()
    supervisor.thread.join(timeout=WAIT)
    assert not supervisor.thread.is_alive()
    assert all(process.wait(timeout=WAIT) is not None for process in started)


def test_a_command_that_keeps_failing_is_given_up_with_a_message():
    said = []
    supervisor = Quick([sys.executable, "-c", "raise SystemExit(3)"], said.append)
    supervisor.start()
    supervisor.thread.join(timeout=WAIT)
    assert said[-1] == "the watcher keeps stopping (exit code 3): serving without it"
    assert len(said) == Quick.FAILURES


def serve_watching(corpus: Path, index: Path, workers: int, **popen) -> tuple:
    """`clippings serve --watch` on a new corpus folder of one clipping, on a free port: the
    process (started with `popen` options) and its address."""
    corpus.mkdir()
    (corpus / "camp.txt").write_text("Title: Camp news\n\nThe camp reopened.\n")
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    cli = Path(sys.executable).with_name("clippings")
    command = [cli, "serve", "--watch", "--corpus", corpus, "--index", index,
               "--port", str(port), "--workers", str(workers)]  # fmt: skip
    # As from a terminal: a run in the background of a script (CI's, say) ignores SIGINT, and a
    # process started with it ignored keeps ignoring it.
    process = subprocess.Popen(
        command, stderr=subprocess.STDOUT, preexec_fn=_interruptible, **popen
    )
    return process, f"http://127.0.0.1:{port}"


def _interruptible() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _serving(url: str) -> bool:
    try:
        return urlopen(url + "/api/search?q=", timeout=2).status == 200
    except OSError:
        return False


def _watchers(server: psutil.Process) -> list[psutil.Process]:
    """The live `clippings index --watch` among the server's children (its workers say
    `serve --watch`); a process that just ended is not one."""
    found = []
    for child in server.children(recursive=True):
        try:
            if "index" in child.cmdline()[:5] and child.status() != psutil.STATUS_ZOMBIE:
                found.append(child)
        except psutil.Error:
            continue
    return found


@pytest.mark.parametrize("workers", [1, 2])
def test_serve_watch_outlives_its_watcher_and_takes_it_down_when_stopped(tmp_path, workers):
    corpus = tmp_path / "corpus"
    process, url = serve_watching(corpus, tmp_path / "index", workers, stdout=subprocess.DEVNULL)
    server = psutil.Process(process.pid)
    try:
        deadline = time.monotonic() + WAIT
        while not (_serving(url) and _watchers(server)):
            assert time.monotonic() < deadline and process.poll() is None
            time.sleep(0.2)
        (first,) = _watchers(server)
        first.kill()  # the watcher dies
        while [w.pid for w in _watchers(server)] in ([], [first.pid]):
            assert time.monotonic() < deadline, "the watcher was not started again"
            time.sleep(0.2)
        assert process.poll() is None and _serving(url)  # the server never noticed
        time.sleep(1)
        (corpus / "zebra.txt").write_text("Title: Zebra crossing opens\n\nA zebra.\n")
        while "Zebra" not in urlopen(url + "/api/search?q=zebra").read().decode():
            assert time.monotonic() < deadline, "the new watcher does not index"
            time.sleep(0.2)
        survivors = [server, *server.children(recursive=True)]
    finally:
        process.terminate()
        process.wait(timeout=WAIT)
    gone, alive = psutil.wait_procs(survivors, timeout=WAIT)
    assert alive == []  # no orphaned watcher or worker


@pytest.mark.parametrize("workers", [1, 2])
def test_ctrl_c_stops_the_server_and_its_watcher_together(tmp_path, workers):
    process, url = serve_watching(
        tmp_path / "corpus", tmp_path / "index", workers, stdout=subprocess.PIPE, text=True,
        start_new_session=True,
    )  # fmt: skip
    server = psutil.Process(process.pid)
    lines = []
    while not lines or not lines[-1].startswith("Watching"):  # the watcher has started
        lines.append(process.stdout.readline())
        assert lines[-1], "".join(lines)
    while not _serving(url):
        time.sleep(0.2)
    everyone = [server, *server.children(recursive=True)]
    os.killpg(process.pid, signal.SIGINT)  # Ctrl+C reaches the terminal's whole process group
    gone, alive = psutil.wait_procs(everyone, timeout=WAIT)
    rest = process.communicate(timeout=WAIT)[0]
    assert alive == []
    assert rest.endswith("Stopped watching.\n")
    assert "Traceback" not in rest
