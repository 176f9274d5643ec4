"""A real `clippings serve`, with one and two workers, checked over HTTP: after every kind of
commit each worker answers what a fresh process answers, and while `clippings index` rewrites
hundreds of files every answer comes from one whole commit."""

from __future__ import annotations

import contextlib
import http.client
import inspect
import json
import os
import random
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from subprocess import PIPE
from urllib.parse import urlencode

import psutil
import pytest
from whoosh import index as whoosh_index

from indexer import store
from indexer.results import SORTS
from indexer.search import SearchEngine
from indexer.update import update_index

pytestmark = pytest.mark.server

CLI = str(Path(sys.executable).parent / "clippings")
PAGE_SIZE = 10  # the app's page size
# A little more than the engine's refresh interval: by then every worker has seen the commit.
REFRESH = inspect.signature(SearchEngine).parameters["refresh_seconds"].default
SETTLED = REFRESH + 0.3
ROUNDS = 10  # of every page twice: two workers sharing the port both answer long before


class Server:
    """`clippings serve` as a subprocess on a free port of 127.0.0.1."""

    def __init__(self, corpus: Path, index: Path, workers: int, log: Path):
        self.port = _free_port()
        command = [
            CLI, "serve", "--corpus", str(corpus), "--index", str(index),
            "--host", "127.0.0.1", "--port", str(self.port), "--workers", str(workers),
        ]  # fmt: skip
        self.log = log
        with open(log, "wb") as out:
            self.process = subprocess.Popen(
                command, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
            )

    def get(self, path: str) -> tuple[int, dict]:
        """Status and JSON of one request, on a new connection (so any worker may answer)."""
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            conn.request("GET", path)
            response = conn.getresponse()
            return response.status, json.loads(response.read())
        finally:
            conn.close()

    def wait_until_serving(self, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.process.poll() is None, self.log.read_text(errors="replace")
            with contextlib.suppress(OSError, http.client.HTTPException, ValueError):
                if self.get("/api/search?q=")[0] == 200:
                    return
            time.sleep(0.1)
        raise AssertionError(f"clippings serve did not answer in {timeout} s")

    def every_worker_reads(self, index: Path) -> bool:
        """Whether each serving process has every segment file of the index open: it has
        answered from the latest commit (a worker opens a commit only to answer a request)."""
        parent = psutil.Process(self.process.pid)
        workers = parent.children() or [parent]
        segments = {str(path) for path in index.glob("*.seg")}
        return all(segments <= {f.path for f in worker.open_files()} for worker in workers)

    def stop(self) -> None:
        """SIGTERM (the parent stops its workers), then SIGKILL to the group it started."""
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture()
def serve(tmp_path):
    """Start `clippings serve` on an index; every server started is stopped at the end."""
    servers = []

    def start(corpus: Path, index: Path, workers: int) -> Server:
        server = Server(corpus, index, workers, tmp_path / f"serve-{len(servers)}.log")
        servers.append(server)
        server.wait_until_serving()
        return server

    yield start
    for server in servers:
        server.stop()


def api(q: str, page: int = 1, sort: str = "relevance") -> str:
    """A page of every clipping (group=0: the generated clippings are near-duplicates)."""
    return "/api/search?" + urlencode({"q": q, "page": page, "sort": sort, "group": 0})


# --- (a) exactly current after every kind of commit ---------------------------------------------


def _write(corpus: Path, name: str, day: int, words: str) -> None:
    text = f"{name} title\n\nBAGHDAD, April {day}, 2011 - A clipping about {words}.\n"
    (corpus / name).write_text(text, encoding="utf-8")


@pytest.fixture()
def small_corpus(tmp_path) -> Path:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for n in range(14):
        words = "oil and quokka" if n % 3 == 0 else "oil and wombat"
        _write(corpus, f"c{n}.txt", 1 + n, words)
    return corpus


QUERIES = [
    ("", "relevance"),
    ("quokka", "relevance"),
    ("wombat", "newest"),
    ("oil", "oldest"),
    ("quokka OR wombat", "relevance"),
    ("NOT quokka", "newest"),
]


def _commits(corpus: Path, index: Path):
    """Add, change, delete, merge and rebuild: one commit each (`clippings index` or a merge)."""
    yield "add", lambda: _write(corpus, "new.txt", 20, "a quokka in Perth")
    yield "change", lambda: _write(corpus, "c0.txt", 21, "oil and quokka and more quokka")
    yield "delete", lambda: (corpus / "c3.txt").unlink()
    yield "delete two", lambda: [(corpus / f"c{n}.txt").unlink() for n in (4, 5)]
    yield "merge", lambda: _merge(index)
    yield "change after merge", lambda: _write(corpus, "c6.txt", 22, "wombat only")
    yield "rebuild", lambda: update_index(corpus, index, rebuild=True)


def _merge(index: Path) -> None:
    """Merge every segment into one, as Whoosh's optimize does, without `clippings index`."""
    whoosh_index.open_dir(str(index), indexname=store.INDEX_NAME).optimize()


def _fresh_pages(index: Path) -> dict[str, dict]:
    """Every page of every query as a fresh engine answers it, keyed by its API path."""
    engine = SearchEngine(index)
    try:
        expected = {}
        for q, sort in QUERIES:
            first = engine.search(q, 1, sort, PAGE_SIZE, group=False)
            for page in range(1, first.pages + 1):
                results = engine.search(q, page, sort, PAGE_SIZE, group=False)
                expected[api(q, page, sort)] = json.loads(json.dumps(results.to_json()))
        return expected
    finally:
        engine.close()


def _check_every_worker(server: Server, index: Path, step: str, ready_at: float) -> None:
    """From `ready_at` on, each page of each query, asked until every worker has opened the
    latest commit, is exactly what a fresh process answers; the pages of the empty query list
    each clipping once, as many as `clippings stats` counts."""
    stats = subprocess.Popen([CLI, "stats", "--index", str(index), "--json"], stdout=PIPE)
    expected = _fresh_pages(index)
    time.sleep(max(0.0, ready_at - time.monotonic()))
    paths = list(expected) * 2
    for _ in range(ROUNDS):
        with ThreadPoolExecutor(4) as pool:
            answers = list(pool.map(server.get, paths))
        for path, (status, answer) in zip(paths, answers, strict=True):
            assert status == 200, (step, path, answer)
            assert answer == expected[path], (step, path)
        if server.every_worker_reads(index):
            break
    else:
        raise AssertionError(f"{step}: a worker never answered from the latest commit")
    ids = [hit["id"] for page in _pages(expected, "", "relevance") for hit in page["hits"]]
    clippings = json.loads(stats.communicate()[0])["clippings"]
    assert len(set(ids)) == len(ids) == expected[api("")]["total"] == clippings, step


def _pages(expected: dict, q: str, sort: str) -> list[dict]:
    pages = expected[api(q, 1, sort)]["pages"]
    return [expected[api(q, page, sort)] for page in range(1, pages + 1)]


@pytest.mark.parametrize("workers", [1, 2])
def test_every_worker_answers_like_a_fresh_process_after_every_commit(
    small_corpus, tmp_path, serve, workers
):
    index = tmp_path / "index"
    update_index(small_corpus, index)
    server = serve(small_corpus, index, workers)
    _check_every_worker(server, index, "start", time.monotonic())
    for step, change in _commits(small_corpus, index):
        change()
        if step not in ("merge", "rebuild"):
            update_index(small_corpus, index)
        _check_every_worker(server, index, step, time.monotonic() + SETTLED)


# --- (b) one whole commit or the next while `clippings index` runs -----------------------------

CLIENTS = 4
KEPT, DELETED, CHANGED, ADDED = range(200, 300), range(0, 100), range(100, 200), range(150)


def _ids(names) -> set[str]:
    return {f"{name}.txt#1" for name in names}


# What each query finds before and after the run: every total differs between the two.
BEFORE = {"alpha": _ids(f"f{n:03}" for n in range(300)), "beta": set()}
AFTER = {
    "alpha": _ids(f"f{n:03}" for n in KEPT),
    "beta": _ids([f"f{n:03}" for n in CHANGED] + [f"g{n:03}" for n in ADDED]),
}
for state in (BEFORE, AFTER):
    state[""] = state["alpha"] | state["beta"]


def _clipping(corpus: Path, name: str, version: int, word: str) -> None:
    text = f"{name} version {version}\n\nA clipping about {word}, number {name}.\n"
    (corpus / f"{name}.txt").write_text(text, encoding="utf-8")


def _edit(corpus: Path) -> None:
    """Delete 100 files, change 100 (alpha becomes beta) and add 150 (beta)."""
    for n in DELETED:
        (corpus / f"f{n:03}.txt").unlink()
    for n in CHANGED:
        _clipping(corpus, f"f{n:03}", 2, "beta")
    for n in ADDED:
        _clipping(corpus, f"g{n:03}", 1, "beta")


@contextlib.contextmanager
def _clients(server: Server, count: int):
    """`count` threads asking random pages of the three queries until the block ends; yields
    the list their answers go to: (query, page, time asked, status, JSON or error)."""
    answers: list[tuple] = []
    stop = threading.Event()

    def ask(rng: random.Random) -> None:
        while not stop.is_set():
            q, page = rng.choice(list(BEFORE)), rng.randint(1, 12)
            asked = time.monotonic()
            try:
                answers.append((q, page, asked, *server.get(api(q, page, rng.choice(SORTS)))))
            except (OSError, http.client.HTTPException, ValueError) as error:
                answers.append((q, page, asked, None, repr(error)))

    threads = [threading.Thread(target=ask, args=(random.Random(n),)) for n in range(count)]
    for thread in threads:
        thread.start()
    try:
        yield answers
    finally:
        stop.set()
        for thread in threads:
            thread.join()


def _state(q: str, page: int, answer: dict) -> str | None:
    """Which state a page belongs to: its total is that state's and its hits are that state's
    clippings, each once, as many as the page should hold; None if neither."""
    ids = [hit["id"] for hit in answer["hits"]]
    wanted = max(0, min(PAGE_SIZE, answer["total"] - (page - 1) * PAGE_SIZE))
    for name, state in (("before", BEFORE), ("after", AFTER)):
        whole = answer["total"] == len(state[q]) and set(ids) <= state[q]
        if whole and len(set(ids)) == len(ids) == wanted:
            return name
    return None


@pytest.mark.parametrize("workers", [1, 2])
def test_while_indexing_every_answer_is_from_one_whole_commit(tmp_path, serve, workers):
    corpus, index = tmp_path / "corpus", tmp_path / "index"
    corpus.mkdir()
    for n in range(300):
        _clipping(corpus, f"f{n:03}", 1, "alpha")
    update_index(corpus, index)
    server = serve(corpus, index, workers)
    with _clients(server, CLIENTS) as answers:
        time.sleep(SETTLED)
        _edit(corpus)
        run = [CLI, "index", "--corpus", str(corpus), "--index", str(index), "--quiet"]
        subprocess.run(run, check=True, capture_output=True)
        indexed = time.monotonic()
        time.sleep(2 * SETTLED)
    failed = [a for a in answers if a[3] != 200]
    assert not failed, failed[:5]
    states = [(asked, _state(q, page, answer)) for q, page, asked, _, answer in answers]
    mixed = [a for a, (_, state) in zip(answers, states, strict=True) if state is None]
    assert not mixed, mixed[:3]
    assert {state for _, state in states} == {"before", "after"}
    assert {state for asked, state in states if asked > indexed + SETTLED} == {"after"}
    assert server.every_worker_reads(index), "every worker answered from the last commit"


# --- a commit seen before its entity table is saved ----------------------------------------------


def _index_paused_after_commit(corpus: Path, index: Path, pause: Callable[[], None]) -> bool:
    """Run `clippings index`, stopping it for `pause()` just after its commit, before it saves
    the entity table (as a slow or large run is); False if the moment was missed."""
    toc = index / f"_{store.INDEX_NAME}_{store.entities_generation(index) + 1}.toc"
    run = [CLI, "index", "--corpus", str(corpus), "--index", str(index), "--quiet"]
    process = subprocess.Popen(run, stdout=subprocess.DEVNULL)
    while not toc.exists() and process.poll() is None:
        pass
    process.send_signal(signal.SIGSTOP)
    caught = store.entities_generation(index) != _generation(toc)
    if caught:
        pause()
    process.send_signal(signal.SIGCONT)
    assert process.wait() == 0
    return caught


def _generation(toc: Path) -> int:
    """The generation a table of contents belongs to (`_clippings_7.toc` → 7)."""
    return int(toc.name.rsplit("_", 1)[1].split(".")[0])


def test_a_worker_that_looks_between_commit_and_entity_table_shows_the_new_entities(
    tmp_path, serve
):
    corpus, index = tmp_path / "corpus", tmp_path / "index"
    corpus.mkdir()
    for n in range(300):
        _clipping(corpus, f"f{n:03}", 1, "alpha")
    update_index(corpus, index)
    server = serve(corpus, index, 1)

    def look() -> None:
        """The worker opens the new commit while the entity table is not yet saved."""
        time.sleep(SETTLED)
        server.get(api(""))

    for attempt in range(3):
        text = f"Nouri al-Maliki met Massoud Barzani in Erbil about alpha, take {attempt}.\n"
        (corpus / f"maliki{attempt}.txt").write_text(f"Talks\n\n{text}", encoding="utf-8")
        if _index_paused_after_commit(corpus, index, look):
            break
    else:
        pytest.skip("never caught `clippings index` between its commit and its entity table")
    time.sleep(SETTLED)
    expected = _fresh_pages(index)[api("")]
    assert expected["facets"]["people"], "the fresh answer names the people"
    assert server.get(api(""))[1]["facets"] == expected["facets"]
