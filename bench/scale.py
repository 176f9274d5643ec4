"""Scaling benchmark: how index time, memory and search latency grow with the number of clippings.

Run (from the repository root):

    .venv/bin/python bench/scale.py --n 10000 100000 300000 [--seed 2004] [--queries 200]
                                    [--rounds 3] [--search-only] [--work DIR] [--repo DIR]
                                    [--json out.json]

For each N, in the order given, with the steps of `bench/run.py` (its functions, not a copy):

1. Builds the folder of N clippings with `bench/corpus.py` under `--work` (default `bench/out/`),
   or reuses the one an earlier run (of this script or of `bench/run.py`) built for N and seed.
2. `clippings index --rebuild --quiet` in a subprocess: wall time, clippings/s, CPU seconds, peak
   RSS of the process tree (sampled every 0.1 s with psutil), index size on disk; then a no-op
   `clippings index`.
3. The seeded query mix of `bench/run.py` (same kinds, shares and seed, so the same queries as
   its run on the same N): words drawn from every clipping as our parser reads it (parsed once
   per corpus and cached in the work folder as `parsed-N-sSEED.json.gz`: delete it after
   changing the parser), entity names from the index. Each query through
   `SearchEngine.search` (top 10, as the results page asks) in `--rounds` passes (3), each in a
   new process with its own warm-up pass; a query's time is its median over the passes, and
   p50/p95 per kind and overall are taken over those medians (each pass's p50 is kept too).
   `--search-only` skips indexing and searches the indexes an earlier run left.

Then growth between successive N: the N ratio, the index-time ratio beside it (and the time per
clipping: 1.00 is linear), memory, index size and the latency ratios, each also as the exponent
of a power law (time ∝ N^k), and where the last two N point: the N at which search p95 would reach
the issue's 10 ms target. That is an extrapolation from two points, not a measurement.

`--repo DIR` measures another checkout: its `DIR/.venv/bin/clippings` indexes, and the queries
run in a subprocess of `DIR/.venv/bin/python` (the engine of DIR, checked by its file path).
By default, this repository with the Python running this script. The load average of the
machine is recorded at every step (`load` in the JSON): figures taken on a busy machine are
slower, and a step whose load average exceeds the number of cores shared them with others.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import math
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
WORKER_FLAG = "--engine-worker"
PARSED_VERSION = 1


def bench():
    """`bench/run.py` (with `corpus.py` and `baselines.py` beside it), imported on first use:
    this file also runs as the engine worker under another checkout's Python, where the
    benchmark's imports of this checkout's engine need not resolve."""
    import run

    return run


# --- a checkout, and its engine in a subprocess --------------------------------------------------


@dataclass
class Checkout:
    """The code measured: a repository folder, its Python and its `clippings` script."""

    root: Path
    python: str
    cli: str

    def describe(self) -> dict:
        changed = _git(self.root, "status", "--porcelain", "--untracked-files=no")
        return {
            "root": str(self.root),
            "python": self.python,
            "cli": self.cli,
            "git_commit": _git(self.root, "rev-parse", "HEAD"),
            "git_changed_files": None if changed is None else len(changed.splitlines()),
            "code_fingerprint": code_fingerprint(self.root),
        }


def checkout(folder: Path | None) -> Checkout:
    """`folder`'s own venv (`.venv/bin/python` and `clippings`); this repository without one
    runs with the Python running this script."""
    root = (folder or ROOT).resolve()
    venv = root / ".venv" / "bin"
    if (venv / "python").exists():
        python = str(venv / "python")
    elif root == ROOT:
        python = sys.executable
    else:
        raise SystemExit(f"{root}: no .venv/bin/python (make one: python3 -m venv .venv && "
                         ".venv/bin/pip install -e '.[test]')")  # fmt: skip
    cli = Path(python).parent / "clippings"
    if not cli.exists():
        raise SystemExit(f"{cli} not found: install the checkout into its venv (pip install -e .)")
    return Checkout(root, python, str(cli))


def code_fingerprint(root: Path) -> str:
    """A hash of a checkout's product code (indexer/, clippings/, webui/ Python files)."""
    digest = hashlib.sha256()
    files = [p for d in ("indexer", "clippings", "webui") for p in (root / d).glob("**/*.py")]
    for path in sorted(files):
        digest.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


def _git(root: Path, *args: str) -> str | None:
    try:
        done = subprocess.run(
            ["git", "-C", str(root), *args], capture_output=True, text=True, timeout=10
        )
    except OSError:
        return None
    return done.stdout.strip() if done.returncode == 0 else None


class EngineFailed(RuntimeError):
    """The engine worker could not open the index or answer at all."""


def run_engine(repo: Checkout, index: Path, queries: list[dict], *, entities: bool = False) -> dict:
    """Run `queries` (`{"kind", "text", "sort"}`) through `repo`'s SearchEngine on `index`, in a
    subprocess of its Python: a warm-up pass, then each query timed once. Returns the worker's
    answer: `results` (per query `ms`, `total`, `ids` of the top 10, or `error`), and with
    `entities` the index's entity names as `bench/run.py` picks them."""
    with tempfile.TemporaryDirectory(prefix="bench-engine-") as folder:
        request, answer = Path(folder) / "request.json", Path(folder) / "answer.json"
        request.write_text(
            json.dumps({"index": str(index), "queries": queries, "entities": entities}),
            encoding="utf-8",
        )
        command = [repo.python, str(Path(__file__).resolve()), WORKER_FLAG, str(request)]
        command.append(str(answer))
        done = subprocess.run(command, cwd=repo.root, capture_output=True, text=True)
        if done.returncode != 0 or not answer.exists():
            raise EngineFailed(
                f"engine of {repo.root} on {index} failed ({done.returncode}):\n"
                f"{done.stderr[-2000:]}"
            )
        result = json.loads(answer.read_text(encoding="utf-8"))
    engine_file = Path(result["engine_file"]).resolve()
    if not engine_file.is_relative_to(repo.root):
        raise EngineFailed(f"{repo.python} imports the engine from {engine_file}, not {repo.root}")
    return result


def engine_worker(request_path: str, answer_path: str) -> int:
    """The worker: runs in the measured checkout's Python and imports only its engine."""
    from indexer.search import SearchEngine

    request = json.loads(Path(request_path).read_text(encoding="utf-8"))
    engine = SearchEngine(Path(request["index"]))
    answer: dict = {"engine_file": sys.modules[SearchEngine.__module__].__file__}
    try:
        if request["entities"]:
            # As bench/run.py's entity_names: named in 2+ clippings, no quote in the name.
            listed = [(e.name, e.count) for e in engine.entities() if '"' not in e.name]
            answer["entities"] = [n for n, c in listed if c >= 2] or [n for n, _ in listed]
        queries = request["queries"]
        for query in queries:  # warm-up pass
            _search(engine, query)
        answer["results"] = [_search(engine, query) for query in queries]
    finally:
        engine.close()
    Path(answer_path).write_text(json.dumps(answer), encoding="utf-8")
    return 0


def _search(engine, query: dict) -> dict:
    """One search call as the results page makes it (page 1, top 10), timed."""
    started = time.perf_counter()
    try:
        found = engine.search(query["text"], sort=query["sort"])
    except Exception as error:  # a refusal or a crash is an answer to compare too
        ms = (time.perf_counter() - started) * 1000
        return {"ms": round(ms, 3), "error": f"{type(error).__name__}: {error}"}
    ms = (time.perf_counter() - started) * 1000
    return {"ms": round(ms, 3), "total": found.total, "ids": [hit.id for hit in found.hits]}


# --- the query mix --------------------------------------------------------------------------


def mix_docs(corpus: Path, work: Path, name: str) -> tuple[list, dict]:
    """Every clipping of the corpus as our parser reads it (what `bench/run.py` draws its query
    words from), parsed once per corpus and cached in the work folder."""
    run = bench()
    cache = work / f"parsed-{name}.json.gz"
    marker = run.read_marker(corpus) or {}
    key = {k: marker.get(k) for k in ("n_items", "seed", "generator_version", "files")}
    key["version"] = PARSED_VERSION
    try:
        with gzip.open(cache, "rt", encoding="utf-8") as handle:
            saved = json.load(handle)
        if saved["key"] == key:
            docs = [run.Doc(*doc) for doc in saved["docs"]]
            return docs, {**saved["parse"], "cached": True}
    except (OSError, ValueError, KeyError, TypeError):
        pass
    parsed = run.parsed_corpus(corpus, procs=2)
    summary = {"seconds": round(parsed.seconds, 2), "files": parsed.files}
    summary.update(skipped=parsed.skipped, clippings=len(parsed.docs), procs=parsed.procs)
    with gzip.open(cache, "wt", encoding="utf-8", compresslevel=3) as handle:
        json.dump({"key": key, "parse": summary, "docs": [list(d) for d in parsed.docs]}, handle)
    return parsed.docs, {**summary, "cached": False}


def query_mix(
    docs: list, names: list[str], count: int, seed: int, long: int | None = None
) -> list[dict]:
    """`bench/run.py`'s mix for this seed (its first draw from `random.Random(seed)`), as text,
    with `long` long questions after it (bench/run.py's LONG_QUERIES unless given)."""
    run = bench()
    long = run.LONG_QUERIES if long is None else long
    mix = run.query_mix(docs, names, count, random.Random(seed), long)
    return [{"kind": q.kind, "text": q.ours(), "sort": q.sort} for q in mix]


def latencies(queries: list[dict], results: list[dict]) -> dict:
    """p50/p95 (and n, mean, max) in ms of the answered queries: overall (the mix without the
    long questions, which have their own target) and per kind."""
    run = bench()

    def of(kind: str | None) -> dict:
        chosen = [
            r["ms"] / 1000
            for q, r in zip(queries, results, strict=True)
            if "error" not in r and (q["kind"] == kind if kind else q["kind"] != run.LONG_KIND)
        ]
        return asdict(run.latency(chosen))

    return {"overall": of(None), "by_kind": {kind: of(kind) for kind in run.MIX_KINDS}}


def per_query_medians(rounds: list[list[dict]]) -> list[dict]:
    """Each query's answer of the first round with its median time over the rounds (`ms`)
    and every round's time (`ms_rounds`); a query that erred in any round counts as erring."""
    merged = []
    for answers in zip(*rounds, strict=True):
        times = [a["ms"] for a in answers]
        failed = next((a for a in answers if "error" in a), None)
        merged.append({**(failed or answers[0]), "ms": statistics.median(times)})
        merged[-1]["ms_rounds"] = times
    return merged


# --- one N ----------------------------------------------------------------------------------


def load_average() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def prepare_corpus(work: Path, n: int, seed: int) -> tuple[Path, str, dict]:
    """The corpus folder for N and seed (built or found), any benchmark edits put back."""
    run = bench()
    name = f"{n}-s{seed}"
    corpus = work / f"corpus-{name}"
    run.CorpusEdits(corpus, work / f"originals-{name}").restore()  # edits an interrupted run left
    step(f"corpus of {n} clippings in {corpus}")
    info = run.build_corpus(corpus, n, seed)
    return corpus, name, asdict(info)


def measure(n: int, args: argparse.Namespace, repo: Checkout) -> dict:
    """Every figure of one N."""
    run = bench()
    load = {"start": load_average()}
    corpus, name, info = prepare_corpus(args.work, n, args.seed)
    load["corpus"] = load_average()
    index = args.work / f"index-{name}"
    if repo.root != ROOT:
        index = args.work / f"index-{name}-{repo.root.name}"
    logs = args.work / f"logs-{name}"
    logs.mkdir(exist_ok=True)

    index_runs = {}
    if args.search_only:
        if not index.exists():
            raise SystemExit(f"--search-only: no index {index}; run without it first")
    else:
        step(f"N={n}: full index (clippings index --rebuild) into {index}")
        full = run.index_run("full", corpus, index, logs, rebuild=True, cli=repo.cli)
        load["full_index"] = load_average()
        step(f"N={n}: no-op reindex")
        noop = run.index_run("noop", corpus, index, logs, cli=repo.cli)
        load["noop"] = load_average()
        for label, done in (("full", full), ("noop", noop)):
            index_runs[label] = {k: v for k, v in asdict(done).items() if k != "output"}

    step(f"N={n}: query words (our parser, cached)")
    docs, parse = mix_docs(corpus, args.work, name)
    load["parse"] = load_average()
    names = run_engine(repo, index, [], entities=True)["entities"]
    queries = query_mix(docs, names, args.queries, args.seed, args.long_queries)
    del docs
    rounds = []
    for number in range(args.rounds):
        step(f"N={n}: {len(queries)} queries, round {number + 1}/{args.rounds}, {repo.root}")
        rounds.append(run_engine(repo, index, queries)["results"])
    load["queries"] = load_average()
    results = per_query_medians(rounds)
    return {
        "n": n,
        "corpus": info,
        "index_path": str(index),
        "index": index_runs,
        "query_words": parse,
        "entity_names": len(names),
        "queries": {
            **latencies(queries, results),
            "errors": [
                {"kind": q["kind"], "query": q["text"], "error": r["error"]}
                for q, r in zip(queries, results, strict=True)
                if "error" in r
            ],
            "p50_ms_by_round": [latencies(queries, r)["overall"]["p50_ms"] for r in rounds],
            "each": [{**q, **r} for q, r in zip(queries, results, strict=True)],
        },
        "load": load,
    }


# --- growth ---------------------------------------------------------------------------------


def _ratio(after: float | None, before: float | None) -> float | None:
    if not after or not before:
        return None
    return round(after / before, 3)


def _exponent(ratio: float | None, n_ratio: float) -> float | None:
    """k in figure ∝ N^k, from two points."""
    if not ratio or n_ratio <= 1:
        return None
    return round(math.log(ratio) / math.log(n_ratio), 3)


def clippings_of(result: dict) -> int:
    return indexed(result, "full", "clippings_total") or result["n"]


def indexed(result: dict, run: str, key: str) -> float | None:
    """A figure of the `full` or `noop` index run of one N (None with --search-only)."""
    return result["index"].get(run, {}).get(key)


GROWN = {
    "index_seconds": lambda r: indexed(r, "full", "seconds"),
    "peak_rss_tree_mb": lambda r: indexed(r, "full", "peak_rss_tree_mb"),
    "index_size_mb": lambda r: indexed(r, "full", "index_size_mb"),
    "noop_seconds": lambda r: indexed(r, "noop", "seconds"),
    "search_p50_ms": lambda r: r["queries"]["overall"]["p50_ms"],
    "search_p95_ms": lambda r: r["queries"]["overall"]["p95_ms"],
}


def growth(results: list[dict]) -> list[dict]:
    """Ratios between successive N (each figure's ratio and its power-law exponent)."""
    steps = []
    for small, large in zip(results, results[1:], strict=False):
        n_ratio = clippings_of(large) / clippings_of(small)
        figures = {}
        for key, figure in GROWN.items():
            ratio = _ratio(figure(large), figure(small))
            figures[key] = {"ratio": ratio, "exponent": _exponent(ratio, n_ratio)}
        per_clipping = figures["index_seconds"]["ratio"]
        by_kind = {
            kind: {
                "p50_ratio": _ratio(f["p50_ms"], small["queries"]["by_kind"][kind]["p50_ms"]),
                "p95_ratio": _ratio(f["p95_ms"], small["queries"]["by_kind"][kind]["p95_ms"]),
            }
            for kind, f in large["queries"]["by_kind"].items()
        }
        steps.append(
            {
                "from_n": small["n"],
                "to_n": large["n"],
                "n_ratio": round(n_ratio, 3),
                "index_seconds_per_clipping_ratio": (
                    None if per_clipping is None else round(per_clipping / n_ratio, 3)
                ),
                **figures,
                "by_kind": by_kind,
            }
        )
    return steps


def projections(results: list[dict], steps: list[dict]) -> list[str]:
    """Where the last two N point, by their power law: when search p95 reaches the target."""
    if not steps:
        return []
    run, last, step_ = bench(), results[-1], steps[-1]
    notes = []
    p95, k = last["queries"]["overall"]["p95_ms"], step_["search_p95_ms"]["exponent"]
    target = run.SEARCH_P95_MS
    if p95 is not None and p95 >= target:
        notes.append(
            f"search p95 is {p95:.1f} ms at N={last['n']:,}: over the {target:g} ms target"
        )
    elif p95 and k and k > 0:
        at = clippings_of(last) * (target / p95) ** (1 / k)
        notes.append(
            f"search p95 would reach the {target:g} ms target near N={at:,.0f} "
            f"(p95 ∝ N^{k:.2f} from N={step_['from_n']:,} to {step_['to_n']:,}; extrapolated)"
        )
    elif p95:
        notes.append(f"search p95 did not grow from N={step_['from_n']:,} to {step_['to_n']:,}")
    if rss := indexed(last, "full", "peak_rss_tree_mb"):
        notes.append(
            f"peak RSS while indexing {rss:,.0f} MB at N={last['n']:,} (target "
            f"{run.PEAK_RSS_MB:g} MB; ∝ N^{step_['peak_rss_tree_mb']['exponent']})"
        )
    return notes


# --- printing -------------------------------------------------------------------------------


def print_grid(header: list[str], rows: list[list[str]]) -> None:
    """A plain table: the first column left-aligned, the others right-aligned."""
    table = [header, *rows]
    widths = [max(len(row[i]) for row in table) for i in range(len(header))]
    for row in table:
        cells = [row[0].ljust(widths[0])] + [
            c.rjust(w) for c, w in zip(row[1:], widths[1:], strict=True)
        ]
        print("  ".join(cells).rstrip())


def _ms(value: float | None) -> str:
    return "–" if value is None else f"{value:.1f}" if value >= 10 else f"{value:.2f}"


def pair(figures: dict) -> str:
    return f"{_ms(figures['p50_ms'])} / {_ms(figures['p95_ms'])}"


def _x(value: float | None) -> str:
    return "–" if value is None else f"{value:.2f}×"


def scale_rows(results: list[dict]) -> list[list[str]]:
    def row(label: str, show) -> list[str]:
        return [label, *(show(r) for r in results)]

    def figure(run: str, key: str, form: str):
        def show(r: dict) -> str:
            value = indexed(r, run, key)
            return "–" if value is None else form.format(value)

        return show

    def cores(r: dict) -> str:
        cpu, wall = indexed(r, "full", "cpu_seconds"), indexed(r, "full", "seconds")
        return f"{cpu / wall:.2f}" if cpu and wall else "–"

    def load(at: str):
        return lambda r: f"{r['load'][at][0]:.2f}" if at in r["load"] else "–"

    rows = [
        row("clippings (files)", lambda r: f"{clippings_of(r):,} ({r['corpus']['files']:,})"),
        row("full index", figure("full", "seconds", "{:,.0f} s")),
        row("clippings/s", figure("full", "clippings_per_second", "{:,.0f}")),
        row("cores used (CPU s / wall s)", cores),
        row("peak RSS, process tree", figure("full", "peak_rss_tree_mb", "{:,.0f} MB")),
        row("peak RSS, largest process", figure("full", "peak_rss_largest_mb", "{:,.0f} MB")),
        row("index size on disk", figure("full", "index_size_mb", "{:,.0f} MB")),
        row("no-op reindex", figure("noop", "seconds", "{:.2f} s")),
        row("search p50 / p95 ms, all", lambda r: pair(r["queries"]["overall"])),
    ]  # fmt: skip
    for kind in bench().MIX_KINDS:
        rows.append(row(f"  {kind}", lambda r, k=kind: pair(r["queries"]["by_kind"][k])))
    rows.append(row("search p50 ms by round", lambda r: rounds_p50(r["queries"])))
    rows.append(row("load avg (1 min) at index end", load("full_index")))
    rows.append(row("load avg (1 min) after queries", load("queries")))
    return rows


def rounds_p50(queries: dict) -> str:
    return ", ".join(_ms(p50) for p50 in queries.get("p50_ms_by_round", []))


def growth_rows(steps: list[dict]) -> list[list[str]]:
    def cell(figure: dict) -> str:
        k = figure["exponent"]
        return f"{_x(figure['ratio'])} (N^{k:.2f})" if k is not None else _x(figure["ratio"])

    rows = []
    for s in steps:
        rows.append(
            [
                f"{s['from_n']:,} → {s['to_n']:,}",
                _x(s["n_ratio"]),
                cell(s["index_seconds"]),
                _x(s["index_seconds_per_clipping_ratio"]),
                cell(s["peak_rss_tree_mb"]),
                cell(s["index_size_mb"]),
                cell(s["search_p50_ms"]),
                cell(s["search_p95_ms"]),
            ]
        )
    return rows


def report(result: dict) -> None:
    results = result["runs"]
    print()
    print_grid(["N", *(f"{r['n']:,}" for r in results)], scale_rows(results))
    if result["growth"]:
        print()
        header = ["growth", "N", "index time", "per clipping", "peak RSS", "index size"]
        print_grid([*header, "search p50", "search p95"], growth_rows(result["growth"]))
    for note in result["notes"]:
        print(f"note: {note}")


# --- the run --------------------------------------------------------------------------------


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--n", type=int, nargs="+", default=[10_000, 100_000], help="clippings, one run each"
    )
    parser.add_argument("--seed", type=int, default=2004, help="seed of the corpus and queries")
    parser.add_argument("--queries", type=int, default=200, help="queries in the mix (200)")
    parser.add_argument(
        "--long-queries", type=int, help="long questions after the mix (bench/run.py's 100)"
    )
    parser.add_argument(
        "--rounds", type=int, default=3, help="query passes, each in a new process (3)"
    )
    parser.add_argument(
        "--search-only", action="store_true", help="search the indexes an earlier run built"
    )
    parser.add_argument("--work", type=Path, default=ROOT / "bench" / "out", help="work folder")
    parser.add_argument("--repo", type=Path, help="measure this checkout (default: this one)")
    parser.add_argument("--json", type=Path, help="write every figure to this JSON file")
    args = parser.parse_args(argv)
    args.work = args.work.resolve()
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    repo = checkout(args.repo)
    args.work.mkdir(parents=True, exist_ok=True)
    result: dict = {
        "machine": {**bench().machine_info(), "load_average_at_start": load_average()},
        "args": {k: str(v) for k, v in vars(args).items()},
        "repo": repo.describe(),
        "runs": [],
    }
    for n in args.n:
        result["runs"].append(measure(n, args, repo))
        result["growth"] = growth(result["runs"])
        result["notes"] = projections(result["runs"], result["growth"])
        write_json(args.json, result)  # after each N: a long run's figures come as they are
    result["machine"]["load_average_at_end"] = load_average()
    changed = code_fingerprint(repo.root) != result["repo"]["code_fingerprint"]
    result["repo_code_changed_during_run"] = changed
    write_json(args.json, result)
    report(result)
    if result["repo_code_changed_during_run"]:
        print(f"warning: the code of {repo.root} changed during the run")
    if args.json:
        print(f"\nwrote {args.json}")
    return 0


def write_json(path: Path | None, result: dict) -> None:
    if path:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(result, indent=2, ensure_ascii=False), encoding="utf-8")


_STARTED = time.perf_counter()


def step(what: str) -> None:
    print(f"[{time.perf_counter() - _STARTED:7.1f} s] {what} …", file=sys.stderr, flush=True)


if __name__ == "__main__":
    if sys.argv[1:2] == [WORKER_FLAG]:
        sys.exit(engine_worker(*sys.argv[2:4]))
    sys.exit(main())
