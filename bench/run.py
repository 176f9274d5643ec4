"""Speed benchmark "Fast at 100,000 clippings": our product against SQLite FTS5 and naive Whoosh.

Run (from the repository root):

    .venv/bin/python bench/run.py [--n 100000] [--seed 2004] [--corpus DIR] [--work DIR]
                                  [--json out.json] [--queries 200] [--skip-http] [--skip-naive]
                                  [--http-requests 400] [--http-seconds 60] [--live-seconds 60]

One run does everything on one folder:

1. Builds a reproducible folder of N clippings from `../shared/corpora/agnews` (`bench/corpus.py`;
   env CLIPPINGS_SHARED moves the shared folder) under `--work` (default `bench/out/`), unless
   `--corpus DIR` is given (used as it is) or the work folder already holds the folder built for
   the same N and seed.
2. Indexes it as a user does, each command a subprocess of the installed CLI:
   `clippings index --rebuild --quiet` (wall time, clippings/s, peak RSS of the whole process
   tree sampled every 0.1 s with psutil, the largest single process, CPU seconds, index size),
   then a no-op `clippings index`.
3. Parses every file with our parser (2 processes) and builds the two baselines from the same
   clippings (`bench/baselines.py`): SQLite FTS5 and Whoosh used naively; parse time and write
   time apart.
4. Runs a seeded mix of queries (200 by default; kinds: single terms of rare, medium and
   frequent document frequency, two-term AND, phrases from titles, `title:` terms, `entity:`
   names from the index, date filters alone, a term with a date filter, newest-first term
   queries) through `SearchEngine.search`, FTS5 and naive Whoosh, after one warm-up pass each;
   then hostile queries at the bounds of `indexer/query.py` (longest word and query, most
   wildcards, fuzzy long words, deepest nesting, widest dates), shown among the slowest kinds.
   Kinds a baseline cannot express are left out for it, and each ratio compares the same
   queries. Then through `clippings serve` on 127.0.0.1 and a free port (`GET /?q=…`, the
   results page) with 1, 8 and 32 concurrent keep-alive clients in a load process of their
   own (`bench/load.py`: in this process, which holds the parsed corpus, they stalled in its
   garbage collector), each setting bounded by --http-requests and --http-seconds, after a
   warm-up pass with 8 clients; with the server processes' CPU time per request. Then
   serving while indexing: 8 clients on the JSON API for --live-seconds while `clippings
   index` runs back to back, each after 1% of the files changed; errors, p50/p95, and
   "mixed" answers, whose total fits no state of the index (a fresh engine's totals before
   and after each run) of their time.
5. Changes one file and runs `clippings index`, polling from this process an
   `indexer.search.SearchEngine(index, refresh_seconds=0)` for a new word written into the
   file: "searchable after" counts from the start of `clippings index`. Then changes 1% of
   the files and reindexes. Edited files are put back as they were at the end of the run (or
   at the start of the next one, if a run was interrupted).
6. Prints a table: every figure, its ratio to the baselines, and the issue's targets with
   met/missed; `--json` writes all of it, per-query latencies and totals, and machine info.

Reading the figures: "full index" is compared with each baseline's parse + write time (same
parser, same 2 cores); our indexer also finds entities and resolves their aliases, which the
baselines do not. Query ratios compare our latencies over exactly the queries the baseline ran.
The work folder keeps `corpus-N-sSEED/`, `index-…/`, `fts5-….sqlite`, `whoosh-naive-…/` and
`logs-…/` (each command's output, `serve.log`). Whatever else the machine does shows in the
figures: run it on a quiet machine.
"""

from __future__ import annotations

import argparse
import calendar
import hashlib
import http.client
import itertools
import json
import math
import os
import platform
import random
import re
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlencode

import psutil
import watch as watch_bench  # bench/watch.py
from baselines import (
    BaselineBuild,
    BenchQuery,
    DateSpan,
    Doc,
    Fts5Baseline,
    NaiveWhooshBaseline,
    ParsedCorpus,
    folder_size,
    parsed_corpus,
)
from memory import Sampling, process_tree, tree_rss

from corpus import CorpusInfo, build_corpus, read_marker
from indexer.scan import scan_files
from indexer.schema import STOP_WORDS
from indexer.search import SearchEngine

ROOT = Path(__file__).resolve().parents[1]
MB = 1024 * 1024

# The targets.
SEARCH_P95_MS = 10.0
HTTP_1_P95_MS = 25.0
HTTP_8_P95_MS = 60.0
INDEX_VS_FTS5 = 1.2
PEAK_RSS_MB = 600.0
NOOP_SECONDS = 2.0
SEARCHABLE_SECONDS = 1.0
FULL_INDEX_S_PER_100K = 225.0

# The query mix: kind -> share of the queries.
QUERY_KINDS = {
    "term_rare": 0.10,
    "term_medium": 0.10,
    "term_frequent": 0.10,
    "and": 0.12,
    "phrase": 0.12,
    "title": 0.10,
    "entity": 0.08,
    "date": 0.10,
    "term_date": 0.08,
    "newest": 0.10,
}
TERM_KINDS = ("term_rare", "term_medium", "term_frequent")
# Long natural-language questions (8-20 words), drawn after the mix, reported as their own
# kind with their own target: most have no clipping holding all their words, so the engine
# relaxes them; the baselines run their words joined by OR.
LONG_KIND = "long"
LONG_QUERIES = 100
LONG_P95_MS = 25.0
SIMILAR_P95_MS = 30.0
MIX_KINDS = (*QUERY_KINDS, LONG_KIND)
SAMPLE_SECONDS = 0.1
SEARCHABLE_WAIT_AFTER_EXIT = 5.0
POLL_SECONDS = 0.025  # between searches for the changed file: light on 2 cores, fine enough


# --- results ------------------------------------------------------------------------------------


@dataclass
class Latency:
    """Latency figures of a set of timed requests, in milliseconds."""

    n: int
    p50_ms: float | None
    p95_ms: float | None
    mean_ms: float | None
    max_ms: float | None


@dataclass
class IndexRun:
    """One `clippings index` subprocess."""

    label: str
    command: list[str]
    seconds: float
    exit_code: int
    cpu_seconds: float  # user + system of the whole process tree
    peak_rss_tree_mb: float  # largest sum of RSS over the process and its children
    peak_rss_largest_mb: float  # largest RSS of any one process of the tree
    peak_pss_tree_mb: float | None  # sampled each second as PSS: shared pages counted once
    files_seen: int | None = None
    added: int | None = None
    updated: int | None = None
    clippings_indexed: int | None = None
    clippings_total: int | None = None
    clippings_per_second: float | None = None
    index_size_mb: float | None = None
    files_changed: int = 0
    searchable_after_seconds: float | None = None  # one changed file: found by a search after
    output: str = ""


@dataclass
class QueryRun:
    """One system answering the query mix: per-query seconds (None = not run) and totals."""

    system: str
    seconds: list[float | None]
    totals: list[int | None]
    errors: list[str] = field(default_factory=list)

    def latency(self, indexes: list[int] | None = None) -> Latency:
        chosen = range(len(self.seconds)) if indexes is None else indexes
        return latency([self.seconds[i] for i in chosen if self.seconds[i] is not None])


@dataclass
class HttpRun:
    """The results page under `clients` concurrent clients."""

    clients: int
    requests: int
    errors: int
    seconds: float
    requests_per_second: float
    latency: Latency
    server_rss_mb: float | None  # the server's processes together
    server_cpu_ms_per_request: float | None = None


@dataclass
class Row:
    """A line of the printed table."""

    figure: str
    value: str
    fts5: str = ""
    whoosh: str = ""
    target: str = ""
    verdict: str = ""


@dataclass
class Target:
    """One of the issue's targets, our figure, and whether it is met (None: not measured)."""

    name: str
    target: str
    value: float | None
    met: bool | None


def latency(seconds: list[float]) -> Latency:
    """p50 (statistics.median), p95 (nearest rank), mean and max, in ms."""
    if not seconds:
        return Latency(0, None, None, None, None)
    ms = sorted(s * 1000 for s in seconds)
    p95 = ms[max(0, math.ceil(0.95 * len(ms)) - 1)]
    return Latency(
        len(ms),
        round(statistics.median(ms), 3),
        round(p95, 3),
        round(statistics.fmean(ms), 3),
        round(ms[-1], 3),
    )


# --- the machine and the command ----------------------------------------------------------------


def machine_info() -> dict:
    """What the figures were measured on."""
    return {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "cpu_count": os.cpu_count(),
        "memory_gb": round(psutil.virtual_memory().total / 1024**3, 1),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "sqlite": __import__("sqlite3").sqlite_version,
        "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
        "git_commit": _git("rev-parse", "HEAD"),
        "git_changed_files": len((_git("status", "--porcelain") or "").splitlines()),
        "product_fingerprint_at_start": product_fingerprint(),
    }


def product_fingerprint() -> str:
    """A hash of the product's code (indexer/, webui/), to tell whether it changed mid-run."""
    digest = hashlib.sha256()
    for path in sorted([*ROOT.glob("indexer/**/*.py"), *ROOT.glob("webui/**/*.py")]):
        digest.update(path.relative_to(ROOT).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


def _git(*args: str) -> str | None:
    try:
        done = subprocess.run(
            ["git", "-C", str(ROOT), *args], capture_output=True, text=True, timeout=10
        )
    except OSError:
        return None
    return done.stdout.strip() if done.returncode == 0 else None


def clippings_cli() -> str:
    """The installed `clippings` console script beside this Python, else the one on PATH."""
    beside = Path(sys.executable).parent / "clippings"
    return str(beside) if beside.exists() else (shutil.which("clippings") or "clippings")


# --- process-tree sampling ----------------------------------------------------------------------


class TreeSampler(Sampling):
    """Samples the RSS of a process and its descendants every 0.1 s; keeps the peaks.

    Cheap enough not to slow what it measures on 2 cores: RSS every 0.1 s, the list of
    descendants every 0.5 s, PSS (shared pages counted once; reads smaps) every second.
    """

    every = SAMPLE_SECONDS

    def __init__(self, pid: int):
        super().__init__()
        self.root = psutil.Process(pid)
        self.peak_rss = self.peak_largest = self.peak_pss = 0
        self._procs = [self.root]
        self._ticks = itertools.count()

    def sample(self) -> None:
        tick = next(self._ticks)
        if tick % 5 == 0:
            self._refresh()
        self._sample(pss=tick % 10 == 0)

    def _refresh(self) -> None:
        self._procs = process_tree(self.root) or self._procs

    def _sample(self, pss: bool) -> None:
        total = shared_once = 0
        for proc in self._procs:
            try:
                rss = proc.memory_info().rss
                shared_once += proc.memory_full_info().pss if pss else 0
            except psutil.Error:  # exited since the last refresh
                continue
            total += rss
            self.peak_largest = max(self.peak_largest, rss)
        self.peak_rss = max(self.peak_rss, total)
        self.peak_pss = max(self.peak_pss, shared_once)


# --- indexing -----------------------------------------------------------------------------------

_SEEN = re.compile(
    r"(\d+) files? seen: (\d+) added, (\d+) updated, (\d+) unchanged, (\d+) removed, (\d+) skipped"
)
_INDEXED = re.compile(r"(\d+) clippings? indexed; (\d+) in the index")


def index_run(
    label: str,
    corpus: Path,
    index: Path,
    work: Path,
    *,
    rebuild: bool = False,
    while_running: Callable[[subprocess.Popen, float], float | None] | None = None,
    cli: str | None = None,
) -> IndexRun:
    """Run `clippings index` in a subprocess, sampling its process tree until it exits.

    `while_running(process, started)` is called once the process has started and may return
    the seconds after which something was observed (the searchable-change poll). `cli` is
    another checkout's `clippings` script (bench/scale.py, bench/compare.py); default ours.
    """
    command = [cli or clippings_cli(), "index", "--corpus", str(corpus), "--index", str(index)]
    command.append("--quiet")
    if rebuild:
        command.insert(2, "--rebuild")
    log = work / f"index-{label}.log"
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    observed = None
    with open(log, "wb") as out:
        started = time.perf_counter()
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT)
        with TreeSampler(process.pid) as sampler:
            if while_running:
                observed = while_running(process, started)
            exit_code = process.wait()
            seconds = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    output = log.read_text(encoding="utf-8", errors="replace")
    run = IndexRun(
        label=label,
        command=command,
        seconds=round(seconds, 3),
        exit_code=exit_code,
        cpu_seconds=round(
            (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime), 2
        ),
        peak_rss_tree_mb=round(sampler.peak_rss / MB, 1),
        peak_rss_largest_mb=round(sampler.peak_largest / MB, 1),
        peak_pss_tree_mb=round(sampler.peak_pss / MB, 1) if sampler.peak_pss else None,
        index_size_mb=round(folder_size(index) / MB, 1),
        searchable_after_seconds=None if observed is None else round(observed, 3),
        output=output[-4000:],
    )
    if seen := _SEEN.search(output):
        run.files_seen, run.added, run.updated = (int(seen.group(i)) for i in (1, 2, 3))
    if indexed := _INDEXED.search(output):
        run.clippings_indexed, run.clippings_total = int(indexed.group(1)), int(indexed.group(2))
        run.clippings_per_second = round(run.clippings_indexed / seconds, 1)
    if exit_code != 0:
        raise RuntimeError(f"{' '.join(command)} failed ({exit_code}):\n{output[-2000:]}")
    return run


def full_index(corpus: Path, index: Path, work: Path) -> IndexRun:
    return index_run("full", corpus, index, work, rebuild=True)


def noop_reindex(corpus: Path, index: Path, work: Path) -> IndexRun:
    return index_run("noop", corpus, index, work)


class CorpusEdits:
    """Edits to corpus files, each original saved first so that `restore` puts it back."""

    def __init__(self, corpus: Path, originals: Path):
        self.corpus, self.originals = corpus, originals

    def add_sentence(self, path: Path, sentence: str) -> None:
        saved = self.originals / path.relative_to(self.corpus)
        data = path.read_bytes()
        if not saved.exists():
            saved.parent.mkdir(parents=True, exist_ok=True)
            saved.write_bytes(data)
        path.write_bytes(with_sentence(data, path.suffix, sentence))

    def restore(self) -> int:
        """Put every edited file back; returns how many."""
        if not self.originals.exists():
            return 0
        restored = 0
        for saved in self.originals.rglob("*"):
            if saved.is_file():
                shutil.copyfile(saved, self.corpus / saved.relative_to(self.originals))
                restored += 1
        shutil.rmtree(self.originals)
        return restored


def with_sentence(data: bytes, suffix: str, sentence: str) -> bytes:
    """A file's bytes with one sentence added to its main text."""
    text = data.decode("utf-8", errors="surrogateescape")
    if suffix == ".txt":
        text = text.rstrip("\n") + f"\n\n{sentence}\n"
    else:
        start = max(text.find('class="article-body"'), text.find("<article"), 0)
        end = text.find("</p>", start)
        if end >= 0:
            text = f"{text[:end]} {sentence}{text[end:]}"
        else:
            text = text.replace("</body>", f"<p>{sentence}</p></body>", 1)
    return text.encode("utf-8", errors="surrogateescape")


def _corpus_files(corpus: Path) -> list[Path]:
    """The real paths of the files the indexer's walk finds."""
    return [Path(entry.path) for entry in scan_files(corpus)]


def new_word(rng: random.Random) -> str:
    """A word no clipping holds."""
    return "zq" + "".join(rng.choice("bcdfghjklmnpqrstvwxz") for _ in range(9))


def one_file_change(
    corpus: Path, index: Path, work: Path, edits: CorpusEdits, rng: random.Random
) -> IndexRun:
    """Reindex after one file changed, and when a search first finds the change."""
    path = rng.choice(_corpus_files(corpus))
    word = new_word(rng)
    engine = SearchEngine(index, refresh_seconds=0)
    edits.add_sentence(path, f"The statement also mentioned {word} twice.")

    def poll(process: subprocess.Popen, started: float) -> float | None:
        exited_at = None
        while True:
            try:
                if engine.search(word).total > 0:
                    return time.perf_counter() - started
            except Exception:  # an index between commits: try again
                pass
            if exited_at is None and process.poll() is not None:
                exited_at = time.perf_counter()
            if (
                exited_at is not None
                and time.perf_counter() - exited_at > SEARCHABLE_WAIT_AFTER_EXIT
            ):
                return None
            time.sleep(POLL_SECONDS)

    try:
        run = index_run("one-file", corpus, index, work, while_running=poll)
    finally:
        engine.close()
    run.files_changed = 1
    return run


def one_percent_change(
    corpus: Path, index: Path, work: Path, edits: CorpusEdits, rng: random.Random
) -> IndexRun:
    """Reindex after 1% of the files changed."""
    files = _corpus_files(corpus)
    chosen = rng.sample(files, max(1, round(len(files) / 100)))
    for path in chosen:
        edits.add_sentence(path, f"Officials later added that {new_word(rng)} was expected.")
    run = index_run("one-percent", corpus, index, work)
    run.files_changed = len(chosen)
    return run


# --- the query mix ------------------------------------------------------------------------------

_WORD = re.compile(r"[a-z]+")


def doc_words(doc: Doc) -> set[str]:
    """The distinct plain words of a clipping worth searching for (4+ letters, no stop words)."""
    words = _WORD.findall(f"{doc.title} {doc.body}".lower())
    return {w for w in words if len(w) >= 4 and w not in STOP_WORDS}


def vocabulary_bands(docs: list[Doc]) -> dict[str, list[str]]:
    """Words by document frequency: frequent (top 1%), medium (5-15%), rare (last 30%)."""
    frequency = Counter(word for doc in docs for word in doc_words(doc))
    ranked = [w for w, n in sorted(frequency.items(), key=lambda x: (-x[1], x[0])) if n >= 2]
    if not ranked:
        ranked = sorted(frequency)
    size = len(ranked)
    return {
        "frequent": ranked[: max(20, size // 100)],
        "medium": ranked[size // 20 : max(size // 20 + 20, size * 15 // 100)],
        "rare": ranked[size * 70 // 100 :] or ranked[-20:],
    }


def date_span(rng: random.Random) -> DateSpan:
    """A month, a range of months, or a year within 2004-2005."""
    form = rng.choice(("month", "range", "year"))
    year = rng.choice((2004, 2005))
    if form == "year":
        return DateSpan(f"date:{year}", f"date:{year}*", f"{year}-01-01", f"{year + 1}-01-01")
    first = rng.randrange(1, 13)
    last = first if form == "month" else min(12, first + rng.randrange(1, 7))
    end_year, end_month = (year + 1, 1) if last == 12 else (year, last + 1)
    end = f"{end_year}-{end_month:02d}-01"
    start = f"{year}-{first:02d}-01"
    if form == "month":
        return DateSpan(f"date:{year}-{first:02d}", f"date:{year}-{first:02d}*", start, end)
    last_day = f"{year}-{last:02d}-{calendar.monthrange(year, last)[1]:02d}"
    return DateSpan(f"date:[{start} to {last_day}]", f"date:[{start} TO {last_day}]", start, end)


def title_phrase(rng: random.Random, docs: list[Doc]) -> tuple[str, ...]:
    """2-3 consecutive plain words of a real title, none of them a stop word."""
    for _ in range(1000):
        words = rng.choice(docs).title.split()
        length = rng.choice((2, 3))
        starts = [
            i
            for i in range(len(words) - length + 1)
            if all(w.isalpha() and w.lower() not in STOP_WORDS for w in words[i : i + length])
        ]
        if starts:
            start = rng.choice(starts)
            return tuple(w.lower() for w in words[start : start + length])
    return ("news", "report")


def query_mix(
    docs: list[Doc],
    entity_names: list[str],
    count: int,
    rng: random.Random,
    long: int = LONG_QUERIES,
) -> list[BenchQuery]:
    """`count` queries of every kind in QUERY_KINDS, in their shares, shuffled, then `long`
    long questions (`long_queries`)."""
    bands = vocabulary_bands(docs)
    searchable = [w for band in ("frequent", "medium") for w in bands[band]]
    known = {*searchable, *bands["rare"]}

    def two_words() -> tuple[str, ...]:
        for _ in range(100):
            words = sorted(doc_words(rng.choice(docs)) & known)
            if len(words) >= 2:
                return tuple(rng.sample(words, 2))
        return tuple(rng.sample(searchable, 2))

    def title_word() -> str:
        for _ in range(100):
            words = [w for w in _WORD.findall(rng.choice(docs).title.lower()) if len(w) >= 4]
            words = [w for w in words if w not in STOP_WORDS]
            if words:
                return rng.choice(words)
        return rng.choice(searchable)

    makers: dict[str, Callable[[], BenchQuery]] = {
        "term_rare": lambda: BenchQuery("term_rare", (rng.choice(bands["rare"]),)),
        "term_medium": lambda: BenchQuery("term_medium", (rng.choice(bands["medium"]),)),
        "term_frequent": lambda: BenchQuery("term_frequent", (rng.choice(bands["frequent"]),)),
        "and": lambda: BenchQuery("and", two_words()),
        "phrase": lambda: BenchQuery("phrase", phrase=title_phrase(rng, docs)),
        "title": lambda: BenchQuery("title", title_word=title_word()),
        "entity": lambda: BenchQuery("entity", entity=rng.choice(entity_names)),
        "date": lambda: BenchQuery("date", span=date_span(rng)),
        "term_date": lambda: BenchQuery(
            "term_date", (rng.choice(searchable),), span=date_span(rng)
        ),
        "newest": lambda: BenchQuery("newest", (rng.choice(searchable),), sort="newest"),
    }
    if not entity_names:
        makers["entity"] = makers["term_medium"]
    counts = {kind: max(1, round(count * share)) for kind, share in QUERY_KINDS.items()}
    counts["term_medium"] += count - sum(counts.values())
    queries = [makers[kind]() for kind, n in counts.items() for _ in range(max(0, n))]
    rng.shuffle(queries)
    # Drawn from their own generator, so that the mix above stays what it was.
    return queries + long_queries(docs, long, random.Random(rng.getrandbits(64)))


_SENTENCE = re.compile(r"[^.!?;]+")
_TOKEN = re.compile(r"[A-Za-z][A-Za-z0-9]*")
_QUESTIONS = (
    "What happened to", "Why did", "How did", "What about", "When did", "Who said",
    "What was said about", "Is it true that",
)  # fmt: skip
_OPERATORS = {"AND", "OR", "NOT", "TO", "ANDNOT", "ANDMAYBE"}


def long_queries(docs: list[Doc], count: int, rng: random.Random) -> list[BenchQuery]:
    """`count` questions and half-remembered sentences of 8-20 words, each from a sentence or
    title of a real clipping, perturbed as people misremember: words dropped, words replaced
    by other words of the archive, half of them asked as a question ("What happened to …?"),
    half typed in lower case. The replaced words make most of them match no clipping whole."""
    pool = [w for band in ("frequent", "medium") for w in vocabulary_bands(docs)[band]]
    found: list[BenchQuery] = []
    while len(found) < count:
        doc = rng.choice(docs)
        sentences = [x for x in _SENTENCE.findall(doc.body) if len(_TOKEN.findall(x)) >= 8]
        source = doc.title if rng.random() < 0.2 or not sentences else rng.choice(sentences)
        words = _TOKEN.findall(source)
        if len(words) < 6:
            continue
        start = rng.randrange(0, max(1, len(words) - 16))
        words = words[start : start + rng.randint(8, 17)]
        kept = [w for w in words if rng.random() > 0.15] or words
        kept = [rng.choice(pool) if rng.random() < 0.15 else w for w in kept]
        if rng.random() < 0.5:
            first = kept[0] if kept[0].isupper() else kept[0][:1].lower() + kept[0][1:]
            kept = [*rng.choice(_QUESTIONS).split(), first, *kept[1:]]
            kept[-1] += "?"
        kept = [w.lower() if w.strip("?") in _OPERATORS else w for w in kept]
        if rng.random() < 0.5:
            kept = [w.lower() for w in kept]
        if not 8 <= len(kept) <= 20:
            continue
        typed = " ".join(kept)
        searched = [w.lower() for w in _TOKEN.findall(typed)]
        searched = [w for w in dict.fromkeys(searched) if w not in STOP_WORDS and len(w) > 1]
        found.append(BenchQuery(LONG_KIND, tuple(searched), typed=typed))
    return found


def entity_names(index: Path) -> list[str]:
    """Entity names of the index (named in 2+ clippings), as `clippings entities` lists them."""
    engine = SearchEngine(index)
    try:
        listed = engine.entities()
    finally:
        engine.close()
    names = [e.name for e in listed if e.count >= 2 and '"' not in e.name]
    return names or [e.name for e in listed if '"' not in e.name]


# --- hostile queries: the largest each bound of indexer/query.py allows --------------------------

HOSTILE_KINDS = (
    "longest_word",
    "longest_query",
    "many_wildcards",
    "fuzzy_long_words",
    "deep_nesting",
    "wide_dates",
)
HOSTILE_EACH = 5  # queries of each hostile kind
SLOWEST_SHOWN = 8


@dataclass
class HostileQuery:
    """A query at a bound (or just past it: a refusal is server time too), as typed."""

    kind: str
    text: str
    sort: str = "relevance"

    def ours(self) -> str:
        return self.text


def hostile_queries(docs: list[Doc], rng: random.Random) -> list[HostileQuery]:
    """HOSTILE_EACH queries of every hostile kind, at the limits the query language sets."""
    from indexer import query as bounds

    words = [w for band in vocabulary_bands(docs).values() for w in band]

    def letters(n: int) -> str:
        return "".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(n))

    def longest_query() -> str:
        size = bounds.MAX_QUERY_CHARS // bounds.MAX_WORDS - 1
        return " ".join(letters(size) for _ in range(bounds.MAX_WORDS))

    def deep_or() -> str:
        chosen = rng.sample(words, bounds.MAX_DEPTH)
        return "".join(f"({w} OR " for w in chosen[:-1]) + chosen[-1] + ")" * (len(chosen) - 1)

    makers: dict[str, Callable[[], str]] = {
        "longest_word": lambda: letters(bounds.MAX_WORD_CHARS),
        "longest_query": longest_query,
        "many_wildcards": lambda: " ".join(
            w[:2] + "*" for w in rng.sample(words, bounds.MAX_PATTERNS)
        ),
        "fuzzy_long_words": lambda: " ".join(
            rng.choice(words)[:1] + letters(bounds.MAX_FUZZY_LETTERS - 1) + f"~{bounds.MAX_EDITS}"
            for _ in range(bounds.MAX_PATTERNS)
        ),
        "deep_nesting": deep_or,
        "wide_dates": lambda: (
            rng.choice(
                ["date:[to 9999]", 'date:"last 9999 years"', "date:[1900-01-02 to 9999-12-30]"]
            )
            + f" {rng.choice(words)}"
        ),
    }
    return [
        HostileQuery(kind, makers[kind]()) for kind in HOSTILE_KINDS for _ in range(HOSTILE_EACH)
    ]


def hostile_latencies(index: Path, queries: list[HostileQuery]) -> QueryRun:
    """Hostile queries timed like the mix; a refusal (QueryError) is an answer, timed too."""
    from indexer.query import QueryError

    engine = SearchEngine(index)

    def run(q: HostileQuery) -> int:
        try:
            return engine.search(q.text).total
        except QueryError:
            return -1

    try:
        return timed_queries("ours", queries, run)
    finally:
        engine.close()


def slowest_rows(result: dict) -> list[Row]:
    """The query kinds, of the mix and hostile, with the highest worst-case latency."""
    kinds = {**result["queries"]["by_kind"]["ours"], **result["hostile"]["by_kind"]}
    timed = [(kind, f) for kind, f in kinds.items() if f and f["n"]]
    timed.sort(key=lambda item: -item[1]["max_ms"])
    return [
        Row(
            f"{kind} ({f['n']})",
            f"{_ms(f['p50_ms'])} / {_ms(f['p95_ms'])} / {_ms(f['max_ms'])}",
            "hostile" if kind in HOSTILE_KINDS else "",
        )
        for kind, f in timed[:SLOWEST_SHOWN]
    ]


# --- timing queries -----------------------------------------------------------------------------


def timed_queries(
    system: str,
    queries: list[BenchQuery],
    run: Callable[[BenchQuery], int],
    supports: Callable[[BenchQuery], bool] = lambda q: True,
) -> QueryRun:
    """One warm-up pass, then each query timed once; unsupported kinds are left out."""
    chosen = [i for i, q in enumerate(queries) if supports(q)]
    errors = []
    for i in chosen:
        try:
            run(queries[i])
        except Exception as error:
            errors.append(f"{queries[i].kind}: {queries[i].ours()!r}: {error!r}")
    seconds: list[float | None] = [None] * len(queries)
    totals: list[int | None] = [None] * len(queries)
    for i in chosen:
        started = time.perf_counter()
        try:
            totals[i] = run(queries[i])
        except Exception:
            continue
        seconds[i] = time.perf_counter() - started
    return QueryRun(system, seconds, totals, errors[:20])


def engine_latencies(index: Path, queries: list[BenchQuery]) -> QueryRun:
    """Our engine as the search page calls it: one long-lived SearchEngine, `search(q)`."""
    engine = SearchEngine(index)
    try:
        return timed_queries("ours", queries, lambda q: engine.search(q.ours(), sort=q.sort).total)
    finally:
        engine.close()


def similar_latencies(index: Path, queries: list[BenchQuery]) -> QueryRun:
    """`SearchEngine.similar` as the clipping page calls it (five similar clippings), for the
    top hit of each long question: a clipping someone opened."""
    engine = SearchEngine(index)
    try:
        opened = []
        for q in queries:
            if q.kind == LONG_KIND and (hits := engine.search(q.ours()).hits):
                opened.append(BenchQuery("similar", typed=hits[0].id))
        return timed_queries("ours", opened, lambda q: len(engine.similar(q.typed).hits))
    finally:
        engine.close()


class SkippedBaseline:
    """A baseline left out (--skip-naive): it builds nothing and answers no query."""

    def __init__(self, name: str):
        self.name = name

    def build(self, docs: list[Doc]) -> BaselineBuild:
        return BaselineBuild(self.name, 0, None, None)

    @staticmethod
    def supports(query: BenchQuery) -> bool:
        return False

    def search(self, query: BenchQuery) -> int:
        raise NotImplementedError(self.name)

    def close(self) -> None:
        pass


def baseline_latencies(baseline, queries: list[BenchQuery]) -> QueryRun:
    return timed_queries(baseline.name, queries, baseline.search, baseline.supports)


# --- HTTP ---------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def served(corpus: Path, index: Path, work: Path) -> Iterator[tuple[int, psutil.Process]]:
    """`clippings serve` on 127.0.0.1 and a free port, ready to answer; stopped afterwards."""
    port = free_port()
    command = [
        clippings_cli(), "serve", "--corpus", str(corpus), "--index", str(index),
        "--host", "127.0.0.1", "--port", str(port),
    ]  # fmt: skip
    with open(work / "serve.log", "wb") as log:
        process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
        try:
            _wait_until_serving(port, process)
            yield port, psutil.Process(process.pid)
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _wait_until_serving(port: int, process: subprocess.Popen, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"clippings serve exited with {process.returncode}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/api/search?q=")
            if conn.getresponse().status == 200:
                conn.close()
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"clippings serve did not answer on port {port} in {timeout} s")


def page_path(query: BenchQuery) -> str:
    """The results page of a query, as the search form submits it."""
    params = {"q": query.ours()}
    if query.sort != "relevance":
        params["sort"] = query.sort
    return "/?" + urlencode(params)


def http_load(
    port: int, paths: list[str], clients: int, max_requests: int, max_seconds: float
) -> tuple[list[float], int, float]:
    """`clients` keep-alive clients requesting the paths in turn until either bound, from a
    process of their own (`bench/load.py`): latencies of the successful requests, errors, wall
    time."""
    done = subprocess.run(
        [sys.executable, str(Path(__file__).with_name("load.py")), str(port), str(clients),
         str(max_requests), str(max_seconds)],
        input=json.dumps(paths), capture_output=True, text=True, check=True,
    )  # fmt: skip
    answer = json.loads(done.stdout)
    return answer["latencies"], answer["errors"], answer["wall"]


HTTP_CLIENTS = (1, 8, 32)


def http_latencies(
    corpus: Path,
    index: Path,
    work: Path,
    queries: list[BenchQuery],
    max_requests: int,
    max_seconds: float,
) -> list[HttpRun]:
    """The results page with 1, 8 and 32 clients, after a warm-up pass with 8 (one client's
    keep-alive connection would warm one server process and leave the other cold, to pay its
    first loads inside the 8-client figures); the server tree's resident memory and CPU time
    per request with each."""
    paths = [page_path(q) for q in queries]
    runs = []
    with served(corpus, index, work) as (port, server):
        http_load(port, paths, 8, 2 * len(paths), max_seconds)
        for clients in HTTP_CLIENTS:
            cpu_before = _tree_cpu(server)
            seconds, errors, wall = http_load(port, paths, clients, max_requests, max_seconds)
            requests = len(seconds) + errors
            cpu = _tree_cpu(server) - cpu_before
            runs.append(
                HttpRun(
                    clients=clients,
                    requests=requests,
                    errors=errors,
                    seconds=round(wall, 2),
                    requests_per_second=round(requests / wall, 1) if wall else 0,
                    latency=latency(seconds),
                    server_rss_mb=_tree_rss_mb(server),
                    server_cpu_ms_per_request=round(cpu / requests * 1000, 2) if requests else None,
                )
            )
    return runs


def _tree_cpu(process: psutil.Process) -> float:
    total = 0.0
    for member in process_tree(process):
        with suppress(psutil.Error):
            times = member.cpu_times()
            total += times.user + times.system
    return total


def _tree_rss_mb(process: psutil.Process) -> float | None:
    total = tree_rss(process)
    return round(total / MB, 1) if total else None


# --- serving while indexing ---------------------------------------------------------------------

LIVE_CLIENTS = 8
# A worker checks for a newer commit at most every 0.5 s: until then it may answer from the
# commit before. An answer may come from any state current within this long of its request.
LIVE_SLACK_SECONDS = 1.0


@dataclass
class LiveState:
    """The index between two commits: each query's total, and when it may have been served."""

    totals: list[int | None]
    since: float
    until: float = math.inf


@dataclass
class LiveAnswer:
    """One answer of the JSON API while indexing."""

    query: int
    asked: float
    answered: float
    status: int | None
    total: int | None
    repeated_id: bool


@dataclass
class LiveRun:
    """The JSON API under `clients` clients while `clippings index` runs, back to back, each
    change 1% of the files; `mixed` answers fit no state of the index of their time."""

    clients: int
    seconds: float
    requests: int
    errors: int
    mixed: int
    requests_per_second: float
    latency: Latency
    index_runs: int
    files_changed: int
    index_seconds: list[float]
    examples: list[str]


def api_path(query: BenchQuery) -> str:
    """The JSON API's answer to a query (its total is checked against the index's states)."""
    params = {"q": query.ours()}
    if query.sort != "relevance":
        params["sort"] = query.sort
    return "/api/search?" + urlencode(params)


def state_totals(index: Path, queries: list[BenchQuery]) -> list[int | None]:
    """Each query's total as a fresh engine answers it now (None when it fails)."""
    engine = SearchEngine(index)
    totals: list[int | None] = []
    try:
        for query in queries:
            try:
                totals.append(engine.search(query.ours(), 1, query.sort, 1).total)
            except Exception:
                totals.append(None)
    finally:
        engine.close()
    return totals


def live_client(port: int, paths: list[str], seed: int, stop: threading.Event, answers: list):
    """One client asking the paths in a shuffled order, keep-alive, until `stop`."""
    order = list(range(len(paths)))
    random.Random(seed).shuffle(order)
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    for number in itertools.cycle(order):
        if stop.is_set():
            break
        asked = time.perf_counter()
        try:
            conn.request("GET", paths[number])
            response = conn.getresponse()
            status, body = response.status, response.read()
            data = json.loads(body) if status == 200 else None
        except (OSError, http.client.HTTPException, ValueError):
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            status, data = None, None
        ids = [hit["id"] for hit in data["hits"]] if data else []
        total = data["total"] if data else None
        answers.append(
            LiveAnswer(number, asked, time.perf_counter(), status, total, len(set(ids)) < len(ids))
        )
    conn.close()


def fits(answer: LiveAnswer, states: list[LiveState]) -> bool:
    """Whether an answer is whole: its total is that of a state current around its request."""
    return not answer.repeated_id and any(
        state.since <= answer.answered
        and state.until >= answer.asked
        and state.totals[answer.query] == answer.total
        for state in states
    )


def http_while_indexing(
    corpus: Path,
    index: Path,
    work: Path,
    queries: list[BenchQuery],
    edits: CorpusEdits,
    rng: random.Random,
    seconds: float,
) -> LiveRun:
    """8 clients on the JSON API for `seconds` while `clippings index` runs, back to back, each
    change 1% of the files; every answer's total is checked against the states before and
    after each run (a fresh engine's totals)."""
    totals = state_totals(index, queries)
    kept = [q for q, total in zip(queries, totals, strict=True) if total is not None]
    states = [LiveState([t for t in totals if t is not None], -math.inf)]
    paths = [api_path(q) for q in kept]
    files = _corpus_files(corpus)
    answers: list[LiveAnswer] = []
    runs: list[IndexRun] = []
    stop = threading.Event()
    with served(corpus, index, work) as (port, _):
        clients = [
            threading.Thread(target=live_client, args=(port, paths, n, stop, answers))
            for n in range(LIVE_CLIENTS)
        ]
        for client in clients:
            client.start()
        started = time.perf_counter()
        try:
            while time.perf_counter() - started < seconds:
                chosen = rng.sample(files, max(1, round(len(files) / 100)))
                for path in chosen:
                    edits.add_sentence(path, f"Officials later said {new_word(rng)} was seen.")
                begun = time.perf_counter()
                runs.append(index_run(f"live-{len(runs)}", corpus, index, work))
                runs[-1].files_changed = len(chosen)
                states[-1].until = time.perf_counter() + LIVE_SLACK_SECONDS
                states.append(LiveState(state_totals(index, kept), begun))
            time.sleep(LIVE_SLACK_SECONDS)
        finally:
            stop.set()
            for client in clients:
                client.join()
        wall = time.perf_counter() - started
    return live_run(answers, states, runs, paths, wall)


def live_run(
    answers: list[LiveAnswer],
    states: list[LiveState],
    runs: list[IndexRun],
    paths: list[str],
    wall: float,
) -> LiveRun:
    """The figures of a serving-while-indexing measurement, with a few failed answers."""
    failed = [a for a in answers if a.status != 200]
    mixed = [a for a in answers if a.status == 200 and not fits(a, states)]
    examples = [f"{paths[a.query]}: HTTP {a.status}" for a in failed[:3]] + [
        f"{paths[a.query]}: total {a.total}, states "
        f"{sorted({s.totals[a.query] for s in states})}"
        + (" (an id twice)" if a.repeated_id else "")
        for a in mixed[:3]
    ]
    return LiveRun(
        clients=LIVE_CLIENTS,
        seconds=round(wall, 2),
        requests=len(answers),
        errors=len(failed),
        mixed=len(mixed),
        requests_per_second=round(len(answers) / wall, 1) if wall else 0,
        latency=latency([a.answered - a.asked for a in answers if a.status == 200]),
        index_runs=len(runs),
        files_changed=sum(run.files_changed for run in runs),
        index_seconds=[run.seconds for run in runs],
        examples=examples,
    )


def live_rows(result: dict) -> list[Row]:
    """The serving-while-indexing line of the table (none when it was not measured)."""
    live = result.get("http_while_indexing")
    if not live:
        return []
    return [
        Row(
            f"HTTP API while indexing, {live['clients']} clients, {live['index_runs']} runs "
            f"of 1% ({live['files_changed']} files)",
            f"p50 {_ms(live['latency']['p50_ms'])}, p95 {_ms(live['latency']['p95_ms'])}, "
            f"{live['requests']} requests, {live['errors']} errors, {live['mixed']} mixed",
            target="0 errors, 0 mixed",
            verdict=_verdict(live["errors"] == 0 and live["mixed"] == 0),
        )
    ]


def live_notes(result: dict) -> list[str]:
    live = result.get("http_while_indexing")
    if not live or not (live["errors"] or live["mixed"]):
        return []
    return [
        f"HTTP while indexing: {live['errors']} failed and {live['mixed']} mixed answers, "
        f"e.g. {'; '.join(live['examples'])}"
    ]


# --- the report ---------------------------------------------------------------------------------


def _ms(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f} ms" if value >= 1 else f"{value:.2f} ms"


def _s(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f} s" if value < 10 else f"{value:.0f} s"


def _mb(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f} MB" if value < 10 else f"{value:.0f} MB"


def _ratio(ours: float | None, base: float | None, show: Callable[[float | None], str]) -> str:
    if ours is None or base is None or base == 0:
        return "-"
    return f"{ours / base:.2f} × ({show(base)})"


def _verdict(met: bool | None) -> str:
    return "" if met is None else "met" if met else "MISSED"


def targets(result: dict) -> list[Target]:
    """The issue's targets, each with our figure and whether it is met."""
    index, engine = result["index"], result["queries"]["ours"]
    fts5_total = result["baselines"]["fts5"]["total_seconds"]
    http = {run["clients"]: run["latency"]["p95_ms"] for run in result.get("http", [])}
    by_kind = result["queries"]["by_kind"]["ours"]
    term_p50 = result["queries"]["term_p50_ms"]
    date_p50 = (by_kind.get("date") or {}).get("p50_ms")
    full = index["full"]["seconds"]
    clippings = index["full"]["clippings_total"]
    searchable = index["one_file"]["searchable_after_seconds"]
    watch_p95 = (result.get("watch") or {}).get("saved_s", {}).get("p95")

    def at_most(value, limit):
        return None if value is None or limit is None else value <= limit

    long_p95 = (by_kind.get(LONG_KIND) or {}).get("p95_ms")
    similar_p95 = (result.get("similar") or {}).get("p95_ms")
    found = [
        Target("engine search p95", f"≤ {SEARCH_P95_MS:g} ms", engine["p95_ms"],
               at_most(engine["p95_ms"], SEARCH_P95_MS)),
        Target("long questions p95", f"≤ {LONG_P95_MS:g} ms", long_p95,
               at_most(long_p95, LONG_P95_MS)),
        Target("similar clippings p95", f"≤ {SIMILAR_P95_MS:g} ms", similar_p95,
               at_most(similar_p95, SIMILAR_P95_MS)),
        Target("HTTP p95, 1 client", f"≤ {HTTP_1_P95_MS:g} ms", http.get(1),
               at_most(http.get(1), HTTP_1_P95_MS)),
        Target("HTTP p95, 8 clients", f"≤ {HTTP_8_P95_MS:g} ms", http.get(8),
               at_most(http.get(8), HTTP_8_P95_MS)),
        Target("full index vs FTS5 (same parser)", f"≤ {INDEX_VS_FTS5:g} × FTS5",
               round(full / fts5_total, 3), at_most(full, INDEX_VS_FTS5 * fts5_total)),
        Target("peak RSS while indexing (tree)", f"≤ {PEAK_RSS_MB:g} MB",
               index["full"]["peak_rss_tree_mb"],
               at_most(index["full"]["peak_rss_tree_mb"], PEAK_RSS_MB)),
        Target("no-op reindex", f"≤ {NOOP_SECONDS:g} s", index["noop"]["seconds"],
               at_most(index["noop"]["seconds"], NOOP_SECONDS)),
        Target("one changed file searchable", f"≤ {SEARCHABLE_SECONDS:g} s", searchable,
               False if searchable is None else searchable <= SEARCHABLE_SECONDS),
        Target("watch: saved → searchable p95", f"≤ {SEARCHABLE_SECONDS:g} s", watch_p95,
               at_most(watch_p95, SEARCHABLE_SECONDS)),
        Target("full index time", f"≤ {FULL_INDEX_S_PER_100K:g} s per 100,000 clippings",
               full, at_most(full, FULL_INDEX_S_PER_100K * clippings / 100_000)),
        Target("date filter p50 / term p50", "≤ 1 ×",
               None if not (date_p50 and term_p50) else round(date_p50 / term_p50, 3),
               at_most(date_p50, term_p50)),
    ]  # fmt: skip
    if not http:
        found = [t for t in found if not t.name.startswith("HTTP")]
    if watch_p95 is None:
        found = [t for t in found if not t.name.startswith("watch")]
    return found


def report_rows(result: dict) -> list[Row]:
    """The printed table: each figure, its ratio to each baseline, and the target."""
    corpus, index, base = result["corpus"], result["index"], result["baselines"]
    queries = result["queries"]
    met = {t["name"]: t for t in result["targets"]}
    fts5, naive = base["fts5"], base["whoosh_naive"]
    full = index["full"]
    rows = [
        Row(
            "corpus",
            f"{full['clippings_total']} clippings in {corpus['files']} files "
            f"({corpus['real_items']} real items, {corpus['recombined_items']} recombined)",
        ),
        Row(
            "full index",
            f"{_s(full['seconds'])}, {full['clippings_per_second']:.0f} clippings/s",
            _ratio(full["seconds"], fts5["total_seconds"], _s),
            _ratio(full["seconds"], naive["total_seconds"], _s),
            f"≤ {INDEX_VS_FTS5:g} × FTS5",
            _verdict(met["full index vs FTS5 (same parser)"]["met"]),
        ),
        Row(
            "  baselines: parse (2 procs) + write",
            f"parse {_s(base['parse']['seconds'])}",
            f"write {_s(fts5['write_seconds'])}",
            f"write {_s(naive['write_seconds'])}",
        ),
        Row(
            "  CPU seconds of the index tree",
            f"{full['cpu_seconds']:.0f} s ({full['cpu_seconds'] / full['seconds']:.2f} cores)",
        ),
        Row(
            "peak RSS while indexing",
            f"{full['peak_rss_tree_mb']:.0f} MB tree (largest process "
            f"{full['peak_rss_largest_mb']:.0f} MB, PSS {full['peak_pss_tree_mb'] or 0:.0f} MB)",
            target=f"≤ {PEAK_RSS_MB:g} MB",
            verdict=_verdict(met["peak RSS while indexing (tree)"]["met"]),
        ),
        Row(
            "index size on disk",
            _mb(full["index_size_mb"]),
            _ratio(full["index_size_mb"], fts5["size_bytes"] / MB, _mb),
            _ratio(full["index_size_mb"], naive["size_bytes"] and naive["size_bytes"] / MB, _mb),
        ),
        Row(
            "no-op reindex",
            _s(index["noop"]["seconds"]),
            target=f"≤ {NOOP_SECONDS:g} s",
            verdict=_verdict(met["no-op reindex"]["met"]),
        ),
        Row(
            "one changed file: reindex",
            _s(index["one_file"]["seconds"]),
        ),
        Row(
            "  searchable after (from start)",
            _s(index["one_file"]["searchable_after_seconds"])
            if index["one_file"]["searchable_after_seconds"] is not None
            else "not found",
            target=f"≤ {SEARCHABLE_SECONDS:g} s",
            verdict=_verdict(met["one changed file searchable"]["met"]),
        ),
        Row(
            f"1% changed ({index['one_percent']['files_changed']} files): reindex",
            _s(index["one_percent"]["seconds"]),
        ),
    ]
    if "watch" in result:
        watched = result["watch"]
        rows += [
            Row(
                f"watch: saved → searchable p50 / p95 ({watched['edits']} files)",
                f"{_s(watched['saved_s']['p50'])} / {_s(watched['saved_s']['p95'])}",
                target=f"≤ {SEARCHABLE_SECONDS:g} s",
                verdict=_verdict(met["watch: saved → searchable p95"]["met"]),
            ),
            Row(
                "watch: deleted → gone p50 / p95",
                f"{_s(watched['deleted_s']['p50'])} / {_s(watched['deleted_s']['p95'])}",
            ),
        ]
    ours = queries["ours"]
    same = queries["ours_on_baseline_queries"]
    for label, key in (("p50", "p50_ms"), ("p95", "p95_ms"), ("mean", "mean_ms")):
        rows.append(
            Row(
                f"engine search {label} ({ours['n']} queries)",
                _ms(ours[key]),
                _ratio(same["FTS5"][key], queries["fts5"][key], _ms),
                _ratio(same["naive Whoosh"][key], queries["whoosh_naive"][key], _ms),
                f"≤ {SEARCH_P95_MS:g} ms" if label == "p95" else "",
                _verdict(met["engine search p95"]["met"]) if label == "p95" else "",
            )
        )
    long_kind = {system: queries["by_kind"][system].get(LONG_KIND) or {}
                 for system in ("ours", "FTS5", "naive Whoosh")}  # fmt: skip
    for label, key in (("p50", "p50_ms"), ("p95", "p95_ms")):
        rows.append(
            Row(
                f"long questions {label} ({long_kind['ours'].get('n', 0)}; baselines: OR)",
                _ms(long_kind["ours"].get(key)),
                _ratio(long_kind["ours"].get(key), long_kind["FTS5"].get(key), _ms),
                _ratio(long_kind["ours"].get(key), long_kind["naive Whoosh"].get(key), _ms),
                f"≤ {LONG_P95_MS:g} ms" if label == "p95" else "",
                _verdict(met["long questions p95"]["met"]) if label == "p95" else "",
            )
        )
    similar_run = result.get("similar") or {}
    rows.append(
        Row(
            f"similar clippings p50 / p95 ({similar_run.get('n', 0)})",
            f"{_ms(similar_run.get('p50_ms'))} / {_ms(similar_run.get('p95_ms'))}",
            target=f"p95 ≤ {SIMILAR_P95_MS:g} ms",
            verdict=_verdict(met["similar clippings p95"]["met"]),
        )
    )
    rows.append(
        Row(
            "date filter p50 vs single-term p50",
            f"{_ms((queries['by_kind']['ours'].get('date') or {}).get('p50_ms'))} vs "
            f"{_ms(queries['term_p50_ms'])}",
            target="≤ 1 ×",
            verdict=_verdict(met["date filter p50 / term p50"]["met"]),
        )
    )
    limits = {1: HTTP_1_P95_MS, 8: HTTP_8_P95_MS}
    for run in result.get("http", []):
        limit = limits.get(run["clients"])
        clients = f"{run['clients']} client" + ("s" if run["clients"] > 1 else "")
        cpu = run.get("server_cpu_ms_per_request")
        rows.append(
            Row(
                f"HTTP results page, {clients}",
                f"p50 {_ms(run['latency']['p50_ms'])}, p95 {_ms(run['latency']['p95_ms'])}, "
                f"{run['requests_per_second']:.0f} req/s, server CPU {_ms(cpu)}/request, "
                f"{run['errors']} errors",
                target=f"p95 ≤ {limit:g} ms" if limit else "",
                verdict=_verdict(met[f"HTTP p95, {clients}"]["met"]) if limit else "",
            )
        )
    return rows + live_rows(result)


def kind_rows(result: dict) -> list[Row]:
    """p50 / p95 per query kind for the three systems."""
    by_kind = result["queries"]["by_kind"]
    rows = []
    for kind in MIX_KINDS:
        ours = by_kind["ours"].get(kind)
        if not ours:
            continue
        cells = []
        for system in ("ours", "FTS5", "naive Whoosh"):
            figures = by_kind[system].get(kind)
            ran = any(f and f["n"] for f in by_kind[system].values())
            cells.append(
                f"{_ms(figures['p50_ms'])} / {_ms(figures['p95_ms'])}"
                if figures and figures["n"]
                else "no equivalent"
                if ran
                else "left out"
            )
        rows.append(Row(f"{kind} ({ours['n']})", *cells))
    return rows


def run_notes(result: dict) -> list[str]:
    """Why a figure may mislead: code changed mid-run, a full re-read, lost clippings, errors."""
    notes = []
    machine = result["machine"]
    if machine["product_fingerprint_at_start"] != machine["product_fingerprint_at_end"]:
        notes.append(
            "the product's code (indexer/, webui/) changed during the run: figures mix versions"
            " (in-process engine queries use the code as imported at the start; each CLI"
            " subprocess the code at its own start)"
        )
    index = result["index"]
    for label in ("one_file", "one_percent"):
        run = index[label]
        read = (run["added"] or 0) + (run["updated"] or 0)
        if run["files_changed"] and read > run["files_changed"]:
            notes.append(
                f"{label}: `clippings index` re-read {read} files for {run['files_changed']} "
                "changed (the index or manifest format changed since the full index?)"
            )
    corpus, full = result["corpus"], index["full"]
    if corpus.get("n_items") and full["clippings_total"] != corpus["n_items"]:
        notes.append(
            f"{corpus['n_items']} items written, {full['clippings_total']} clippings indexed "
            f"(our parser read {result['baselines']['parse']['clippings']}; see the index logs)"
        )
    for system, errors in result["queries"]["errors"].items():
        if errors:
            notes.append(f"{system}: {len(errors)} queries failed, e.g. {errors[0]}")
    for run in result.get("http", []):
        if run["errors"]:
            notes.append(f"HTTP with {run['clients']} clients: {run['errors']} failed requests")
    return notes + live_notes(result)


def print_table(rows: list[Row], header: Row) -> None:
    table = [header, *rows]
    widths = [max(len(getattr(r, f)) for r in table) for f in Row.__dataclass_fields__]
    for row in table:
        cells = [
            getattr(row, f).ljust(w) for f, w in zip(Row.__dataclass_fields__, widths, strict=True)
        ]
        print("  ".join(cells).rstrip())


# --- the run ------------------------------------------------------------------------------------


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--n", type=int, default=100_000, help="clippings to build (default 100000)"
    )
    parser.add_argument("--seed", type=int, default=2004, help="seed of the corpus and queries")
    parser.add_argument("--corpus", type=Path, help="use this folder as it is; build nothing")
    parser.add_argument("--work", type=Path, default=ROOT / "bench" / "out", help="work folder")
    parser.add_argument("--json", type=Path, help="write every figure to this JSON file")
    parser.add_argument("--queries", type=int, default=200, help="queries in the mix (200)")
    parser.add_argument(
        "--long-queries", type=int, default=LONG_QUERIES,
        help=f"long questions after the mix ({LONG_QUERIES})",
    )  # fmt: skip
    parser.add_argument("--skip-http", action="store_true", help="no `clippings serve` figures")
    parser.add_argument(
        "--skip-naive",
        action="store_true",
        help="no naive Whoosh baseline (at 300,000 it alone takes most of an hour)",
    )
    parser.add_argument(
        "--watch-edits", type=int, default=50, help="files saved under watch mode (50; 0: none)"
    )
    parser.add_argument("--http-requests", type=int, default=400, help="per setting (400)")
    parser.add_argument("--http-seconds", type=float, default=60, help="per setting (60)")
    parser.add_argument(
        "--live-seconds",
        type=float,
        help="serving while indexing: seconds of 8 clients (default: --http-seconds, 60)",
    )
    return parser.parse_args(argv)


def baseline_summary(parsed: ParsedCorpus, fts5: BaselineBuild, naive: BaselineBuild) -> dict:
    """Parse time (shared), each baseline's write time, and their sums."""
    return {
        "parse": {
            "seconds": round(parsed.seconds, 2),
            "files": parsed.files,
            "skipped": parsed.skipped,
            "clippings": len(parsed.docs),
            "procs": parsed.procs,
        },
        **{
            key: {
                **asdict(build),
                "total_seconds": None
                if build.write_seconds is None
                else round(parsed.seconds + build.write_seconds, 2),
            }
            for key, build in (("fts5", fts5), ("whoosh_naive", naive))
        },
    }


def given_corpus(folder: Path) -> CorpusInfo:
    """What is known of a folder given with --corpus: its marker if it has one, else its files."""
    marker = read_marker(folder) or {}
    known = {k: marker.get(k) for k in CorpusInfo.__dataclass_fields__ if k in marker}
    known.update(path=str(folder), built=False, build_seconds=0.0)
    known["files"] = len(_corpus_files(folder))
    for name in CorpusInfo.__dataclass_fields__:
        known.setdefault(name, None)
    return CorpusInfo(**known)


def query_summary(runs: dict[str, QueryRun], queries: list[BenchQuery]) -> dict:
    """Latencies overall (the mix without the long questions, which have their own figures),
    per kind, and ours restricted to the queries each baseline ran."""
    by_kind = {
        system: {
            kind: asdict(run.latency([i for i, q in enumerate(queries) if q.kind == kind]))
            for kind in MIX_KINDS
        }
        for system, run in runs.items()
    }
    ours = runs["ours"]
    terms = [i for i, q in enumerate(queries) if q.kind in TERM_KINDS]
    mix = [i for i, q in enumerate(queries) if q.kind != LONG_KIND]
    return {
        "ours": asdict(ours.latency(mix)),
        "fts5": asdict(runs["FTS5"].latency(mix)),
        "whoosh_naive": asdict(runs["naive Whoosh"].latency(mix)),
        "ours_on_baseline_queries": {
            name: asdict(ours.latency([i for i in mix if run.seconds[i] is not None]))
            for name, run in runs.items()
            if name != "ours"
        },
        "term_p50_ms": ours.latency(terms).p50_ms,
        "by_kind": by_kind,
        "skipped_kinds": {
            "FTS5": ["entity (no entities in FTS5)"],
            "naive Whoosh": ["entity (no entities in the naive schema)"],
        },
        "errors": {name: run.errors for name, run in runs.items()},
        "each": [
            {
                "kind": q.kind,
                "query": q.ours(),
                "sort": q.sort,
                "fts5_match": Fts5Baseline.match(q) if Fts5Baseline.supports(q) else None,
                "whoosh": NaiveWhooshBaseline.text(q) if NaiveWhooshBaseline.supports(q) else None,
                "ms": {
                    name: None if run.seconds[i] is None else round(run.seconds[i] * 1000, 3)
                    for name, run in runs.items()
                },
                "total": {name: run.totals[i] for name, run in runs.items()},
            }
            for i, q in enumerate(queries)
        ],
    }


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    work = args.work.resolve()
    work.mkdir(parents=True, exist_ok=True)
    result: dict = {"machine": machine_info(), "args": {k: str(v) for k, v in vars(args).items()}}
    rng = random.Random(args.seed)

    if args.corpus:
        corpus = args.corpus.resolve()
        name = corpus.name
        info = given_corpus(corpus)
    else:
        name = f"{args.n}-s{args.seed}"
        corpus = work / f"corpus-{name}"
        CorpusEdits(corpus, work / f"originals-{name}").restore()  # an interrupted run's edits
        print(f"corpus: building {args.n} clippings in {corpus} …", flush=True)
        info = build_corpus(corpus, args.n, args.seed)
    edits = CorpusEdits(corpus, work / f"originals-{name}")
    edits.restore()
    result["corpus"] = asdict(info)
    index = work / f"index-{name}"
    logs = work / f"logs-{name}"
    logs.mkdir(exist_ok=True)

    try:
        step("full index")
        runs = {"full": full_index(corpus, index, logs)}
        step("no-op reindex")
        runs["noop"] = noop_reindex(corpus, index, logs)

        step("parsing for the baselines")
        parsed = parsed_corpus(corpus, procs=2)
        fts5 = Fts5Baseline(work / f"fts5-{name}.sqlite")
        naive = (
            SkippedBaseline(NaiveWhooshBaseline.name)
            if args.skip_naive
            else NaiveWhooshBaseline(work / f"whoosh-naive-{name}")
        )
        step("FTS5 build")
        fts5_build = fts5.build(parsed.docs)
        step("naive Whoosh build")
        naive_build = naive.build(parsed.docs)
        result["baselines"] = baseline_summary(parsed, fts5_build, naive_build)

        queries = query_mix(parsed.docs, entity_names(index), args.queries, rng, args.long_queries)
        step(f"{len(queries)} queries: our engine")
        query_runs = {"ours": engine_latencies(index, queries)}
        step("queries: FTS5")
        query_runs["FTS5"] = baseline_latencies(fts5, queries)
        step("queries: naive Whoosh")
        query_runs["naive Whoosh"] = baseline_latencies(naive, queries)
        fts5.close()
        naive.close()
        result["queries"] = query_summary(query_runs, queries)
        step("similar clippings of each long question's top hit: our engine")
        result["similar"] = asdict(similar_latencies(index, queries).latency())
        hostile = hostile_queries(parsed.docs, random.Random(args.seed))  # mix's rng untouched
        step(f"{len(hostile)} hostile queries: our engine")
        hostile_run = hostile_latencies(index, hostile)
        result["hostile"] = {
            "by_kind": {
                kind: asdict(
                    hostile_run.latency([i for i, q in enumerate(hostile) if q.kind == kind])
                )
                for kind in HOSTILE_KINDS
            },
            "each": [
                {"kind": q.kind, "query": q.text, "ms": round(ms * 1000, 3), "total": total}
                for q, ms, total in zip(
                    hostile, hostile_run.seconds, hostile_run.totals, strict=True
                )
                if ms is not None
            ],
            "errors": hostile_run.errors,
        }

        if not args.skip_http:
            step("HTTP: clippings serve")
            mix = [q for q in queries if q.kind != LONG_KIND]  # the figures of earlier runs
            http_runs = http_latencies(
                corpus, index, logs, mix, args.http_requests, args.http_seconds
            )
            result["http"] = [asdict(run) for run in http_runs]
            step("HTTP while indexing (1% changed per run)")
            live = http_while_indexing(
                corpus, index, logs, queries, edits, random.Random(f"{args.seed}-live"),
                args.http_seconds if args.live_seconds is None else args.live_seconds,
            )  # fmt: skip
            result["http_while_indexing"] = asdict(live)

        step("one changed file")
        runs["one_file"] = one_file_change(corpus, index, logs, edits, rng)
        step("1% of the files changed")
        runs["one_percent"] = one_percent_change(corpus, index, logs, edits, rng)
        if args.watch_edits:
            step(f"watch mode: {args.watch_edits} files saved, half of them deleted again")
            result["watch"] = watch_bench.run(corpus, index, args.watch_edits, args.seed)
    finally:
        edits.restore()
    result["index"] = {label: asdict(run) for label, run in runs.items()}
    result["machine"]["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
    result["machine"]["product_fingerprint_at_end"] = product_fingerprint()
    result["targets"] = [asdict(t) for t in targets(result)]
    result["notes"] = run_notes(result)

    print()
    print_table(
        report_rows(result), Row("figure", "ours", "vs FTS5", "vs naive Whoosh", "target", "")
    )
    print()
    print_table(
        kind_rows(result),
        Row("query kind (n)", "ours p50 / p95", "FTS5 p50 / p95", "naive Whoosh p50 / p95"),
    )
    print()
    print_table(slowest_rows(result), Row("slowest query kinds (n)", "ours p50 / p95 / max", ""))
    for note in result["notes"]:
        print(f"note: {note}")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(result, indent=2, ensure_ascii=False), encoding="utf-8")
        print(f"\nwrote {args.json}")
    return 0


_STARTED = time.perf_counter()


def step(what: str) -> None:
    print(f"[{time.perf_counter() - _STARTED:7.1f} s] {what} …", file=sys.stderr, flush=True)


if __name__ == "__main__":
    sys.exit(main())
