"""`clippings serve` on a fresh index of the sample corpus, as a user starts it, for the scripts
that look at the pages in a browser (bench/lighthouse.py, bench/screenshots.py)."""

from __future__ import annotations

import contextlib
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.request import urlopen

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "corpus"
CLI = Path(sys.executable).with_name("clippings")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def sample_server(corpus: Path = SAMPLE) -> Iterator[str]:
    """Index `corpus` into a temporary folder with `clippings index`, serve it on 127.0.0.1 with
    `clippings serve`, and yield the address; the server stops and the index goes at the end."""
    with tempfile.TemporaryDirectory(prefix="clippings-pages-") as work:
        index = Path(work) / "index"
        built = subprocess.run(
            [CLI, "index", "--corpus", corpus, "--index", index, "--quiet"],
            capture_output=True,
            text=True,
        )
        if built.returncode != 0:
            raise RuntimeError(f"clippings index failed: {built.stderr.strip()}")
        port = free_port()
        command = [CLI, "serve", "--corpus", corpus, "--index", index, "--port", str(port)]
        server = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        url = f"http://127.0.0.1:{port}"
        try:
            _wait_until_serving(url, server)
            yield url
        finally:
            server.terminate()
            server.wait(timeout=10)
            server.stderr.close()


def _wait_until_serving(url: str, server: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            urlopen(url + "/api/search?q=", timeout=2).read()
            return
        except OSError:
            if server.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(
                    f"clippings serve did not start: {server.stderr.read()}"
                ) from None
            time.sleep(0.2)
