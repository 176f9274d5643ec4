"""Before/after search speed of two checkouts on one index, and whether they answer alike.

Run (from the repository root):

    .venv/bin/python bench/compare.py --before DIR --after DIR [--n 20000] [--seed 2004]
                                      [--queries 200] [--rounds 5] [--work DIR] [--json out.json]

Each DIR is a checkout with its own venv (`DIR/.venv/bin/python` and `clippings`; this
repository may go without one). What it does:

1. Builds (or reuses) the folder of N clippings of `bench/corpus.py` under `--work` (default
   `bench/out/`) and an index of it built by the AFTER checkout's `clippings index`, kept as
   `compare-index-N-sSEED-after/` and rebuilt when the AFTER code changed since (a stamp beside
   it holds the code fingerprint). The BEFORE engine is tried on that index with a few queries;
   if it cannot read it (it fails, or errs on every query the AFTER engine answers), the BEFORE
   checkout builds its own index (`…-before/`) and each engine searches its own.
2. Draws `bench/run.py`'s seeded query mix (the same as `bench/scale.py` and `bench/run.py` at
   this N and seed; entity names from the AFTER engine).
3. Runs the mix through each checkout's `SearchEngine.search` (top 10) in a fresh subprocess of
   its own Python, interleaved in rounds, the order alternating (before, after; after, before;
   …) so that whatever else the machine does hits both alike. Each run: a warm-up pass, then
   each query timed once.
4. Reports per query kind and overall the p50/p95 of each (medians over rounds) and the
   after/before ratio as the median of the rounds' ratios; below 1.00 the AFTER is faster.
5. Compares the answers query by query (round 1 of each): the same total, the same top-10 ids
   in the same order, or the same error. Every difference is printed (and kept in the JSON):
   a refactor must not change answers; a deliberate change of the query language shows here,
   query by query. Answers that differ between rounds of one checkout are reported too.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
from pathlib import Path

from scale import (
    ROOT,
    Checkout,
    EngineFailed,
    _ms,
    bench,
    checkout,
    code_fingerprint,
    latencies,
    load_average,
    mix_docs,
    prepare_corpus,
    print_grid,
    query_mix,
    run_engine,
    step,
    write_json,
)

PROBE_QUERIES = 10
SIDES = ("before", "after")


# --- the index ------------------------------------------------------------------------------


def ensure_index(repo: Checkout, corpus: Path, index: Path, logs: Path) -> dict:
    """`index` built from `corpus` by `repo`'s `clippings index`: brought up to date when the
    same code built it (a no-op when nothing changed), rebuilt otherwise or when that fails."""
    stamp_file = index.with_name(index.name + ".stamp.json")
    stamp = {"code_fingerprint": code_fingerprint(repo.root), "corpus": str(corpus)}
    try:
        same = json.loads(stamp_file.read_text(encoding="utf-8")) == stamp
    except (OSError, ValueError):
        same = False
    run = bench()
    label = index.name
    done = None
    if same and index.exists():
        step(f"index {index}: up to date? (clippings index of {repo.root})")
        try:
            done = run.index_run(f"{label}-update", corpus, index, logs, cli=repo.cli)
        except RuntimeError as error:
            print(f"note: updating {index} failed, rebuilding: {error}", file=sys.stderr)
    if done is None:
        step(f"index {index}: full build (clippings index --rebuild of {repo.root})")
        stamp_file.unlink(missing_ok=True)
        done = run.index_run(label, corpus, index, logs, rebuild=True, cli=repo.cli)
    stamp_file.write_text(json.dumps(stamp), encoding="utf-8")
    return {
        "path": str(index),
        "built_by": str(repo.root),
        "command": " ".join(done.command),
        "seconds": done.seconds,
        "clippings_indexed": done.clippings_indexed,
        "clippings_total": done.clippings_total,
    }


def reads_index(before: Checkout, after: Checkout, index: Path, queries: list[dict]) -> bool:
    """Whether the BEFORE engine answers on the AFTER checkout's index: it opens it and does
    not fail every probe query that the AFTER engine answers."""
    probe = queries[:PROBE_QUERIES]
    try:
        theirs = run_engine(before, index, probe)["results"]
    except EngineFailed as error:
        print(f"note: {error}", file=sys.stderr)
        return False
    ours = run_engine(after, index, probe)["results"]
    failed = [i for i, r in enumerate(theirs) if "error" in r]
    answered = [i for i, r in enumerate(ours) if "error" not in r]
    return not (answered and set(answered) <= set(failed))


# --- answers --------------------------------------------------------------------------------


def answer(result: dict) -> tuple:
    """What a query answered, for comparison: the error, or the total and top-10 ids."""
    if "error" in result:
        return ("error", result["error"])
    return ("hits", result["total"], tuple(result["ids"]))


def difference(before: dict, after: dict) -> str | None:
    """How two answers to one query differ, in a word, or None when they are the same."""
    a, b = answer(before), answer(after)
    if a == b:
        return None
    if a[0] != b[0] or a[0] == "error":
        return "error"
    if a[1] != b[1]:
        return "total"
    return "order" if sorted(a[2]) == sorted(b[2]) else "ids"


def differences(queries: list[dict], before: list[dict], after: list[dict]) -> list[dict]:
    found = []
    for i, (query, theirs, ours) in enumerate(zip(queries, before, after, strict=True)):
        if what := difference(theirs, ours):
            keep = ("total", "ids", "error")
            found.append(
                {
                    "i": i,
                    **query,
                    "differs_in": what,
                    "before": {k: theirs[k] for k in keep if k in theirs},
                    "after": {k: ours[k] for k in keep if k in ours},
                }
            )
    return found


def unstable(queries: list[dict], rounds: list[list[dict]]) -> list[dict]:
    """Queries one checkout answered differently from one round to another."""
    return [
        {"i": i, **query}
        for i, query in enumerate(queries)
        if len({answer(results[i]) for results in rounds}) > 1
    ]


def describe(found: dict) -> str:
    if "error" in found:
        return found["error"]
    ids = found["ids"]
    shown = ", ".join(ids[:3]) + (", …" if len(ids) > 3 else "")
    return f"{found['total']} [{shown}]"


# --- speed ----------------------------------------------------------------------------------


def speed(queries: list[dict], rounds: dict[str, list[list[dict]]]) -> dict:
    """Per kind and overall: each side's p50/p95 (median over rounds) and the after/before
    ratio (median of the rounds' ratios)."""
    figures = {side: [latencies(queries, results) for results in rounds[side]] for side in SIDES}

    def of(summary: dict, kind: str) -> dict:
        return summary["overall"] if kind == "overall" else summary["by_kind"][kind]

    table = {}
    for kind in ("overall", *bench().MIX_KINDS):
        row: dict = {"n": of(figures["after"][0], kind)["n"]}
        for stat in ("p50_ms", "p95_ms"):
            per_side = {side: [of(f, kind)[stat] for f in figures[side]] for side in SIDES}
            for side in SIDES:
                values = [v for v in per_side[side] if v is not None]
                row[f"{side}_{stat}"] = round(statistics.median(values), 3) if values else None
            ratios = [
                a / b for b, a in zip(per_side["before"], per_side["after"], strict=True) if a and b
            ]
            row[f"ratio_{stat}"] = round(statistics.median(ratios), 3) if ratios else None
            row[f"ratio_{stat}_rounds"] = [round(r, 3) for r in ratios]
        table[kind] = row
    return table


def speed_rows(table: dict) -> list[list[str]]:
    def ratio(value: float | None) -> str:
        return "–" if value is None else f"{value:.2f}"

    return [
        [
            f"{kind} ({row['n']})",
            f"{_ms(row['before_p50_ms'])} / {_ms(row['before_p95_ms'])}",
            f"{_ms(row['after_p50_ms'])} / {_ms(row['after_p95_ms'])}",
            ratio(row["ratio_p50_ms"]),
            ratio(row["ratio_p95_ms"]),
        ]
        for kind, row in table.items()
    ]


# --- the run --------------------------------------------------------------------------------


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--before", type=Path, required=True, help="checkout before the change")
    parser.add_argument("--after", type=Path, required=True, help="checkout after the change")
    parser.add_argument("--n", type=int, default=20_000, help="clippings (default 20000)")
    parser.add_argument("--seed", type=int, default=2004, help="seed of the corpus and queries")
    parser.add_argument("--queries", type=int, default=200, help="queries in the mix (200)")
    parser.add_argument(
        "--long-queries", type=int, help="long questions after the mix (bench/run.py's 100)"
    )
    parser.add_argument("--rounds", type=int, default=5, help="runs of each checkout (5)")
    parser.add_argument("--work", type=Path, default=ROOT / "bench" / "out", help="work folder")
    parser.add_argument("--json", type=Path, help="write every figure to this JSON file")
    parser.add_argument("--show", type=int, default=50, help="differences printed (50)")
    args = parser.parse_args(argv)
    args.work = args.work.resolve()
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    repos = {"before": checkout(args.before), "after": checkout(args.after)}
    args.work.mkdir(parents=True, exist_ok=True)
    result: dict = {
        "machine": bench().machine_info(),
        "args": {k: str(v) for k, v in vars(args).items()},
        "checkouts": {side: repo.describe() for side, repo in repos.items()},
        "load": {"start": load_average()},
    }
    corpus, name, result["corpus"] = prepare_corpus(args.work, args.n, args.seed)
    logs = args.work / f"logs-{name}"
    logs.mkdir(exist_ok=True)
    shared = args.work / f"compare-index-{name}-after"
    indexes = {"after": ensure_index(repos["after"], corpus, shared, logs)}
    result["load"]["index"] = load_average()

    step("query words (our parser, cached)")
    docs, result["query_words"] = mix_docs(corpus, args.work, name)
    names = run_engine(repos["after"], shared, [], entities=True)["entities"]
    queries = query_mix(docs, names, args.queries, args.seed, args.long_queries)
    del docs

    if reads_index(repos["before"], repos["after"], shared, queries):
        indexes["before"] = indexes["after"]
    else:
        print("note: the BEFORE engine cannot read the AFTER index: each searches its own")
        own = args.work / f"compare-index-{name}-before"
        indexes["before"] = ensure_index(repos["before"], corpus, own, logs)
    result["indexes"] = indexes
    result["one_index"] = indexes["before"] is indexes["after"]

    rounds: dict[str, list[list[dict]]] = {side: [] for side in SIDES}
    result["load"]["rounds"] = []
    for number in range(args.rounds):
        order = SIDES if number % 2 == 0 else SIDES[::-1]
        for side in order:
            step(f"round {number + 1}/{args.rounds}: {len(queries)} queries, {side}")
            found = run_engine(repos[side], Path(indexes[side]["path"]), queries)
            rounds[side].append(found["results"])
        result["load"]["rounds"].append(load_average())

    result["speed"] = speed(queries, rounds)
    result["differences"] = differences(queries, rounds["before"][0], rounds["after"][0])
    result["unstable"] = {side: unstable(queries, rounds[side]) for side in SIDES}
    result["queries"] = [
        {**query, **{side: [r[i] for r in rounds[side]] for side in SIDES}}
        for i, query in enumerate(queries)
    ]
    result["load"]["end"] = load_average()
    result["code_changed_during_run"] = {
        side: code_fingerprint(repo.root) != result["checkouts"][side]["code_fingerprint"]
        for side, repo in repos.items()
    }
    write_json(args.json, result)
    report(result, args)
    return 0


def report(result: dict, args: argparse.Namespace) -> None:
    before, after = (result["checkouts"][side] for side in SIDES)
    print()
    for side, repo in (("before", before), ("after", after)):
        commit = (repo["git_commit"] or "?")[:10]
        state = f"{commit}, {repo['git_changed_files']} changed files"
        print(f"{side}: {repo['root']} ({state}, code {repo['code_fingerprint']})")
    index = (
        "one index, built by the AFTER checkout" if result["one_index"] else "each its own index"
    )
    print(f"{len(result['queries'])} queries × {args.rounds} rounds; {index}")
    print()
    print_grid(
        ["query kind (n)", "before p50 / p95 ms", "after p50 / p95 ms", "after/before p50", "p95"],
        speed_rows(result["speed"]),
    )
    overall = result["speed"]["overall"]
    rounds = ", ".join(f"{r:.2f}" for r in overall["ratio_p50_ms_rounds"])
    print(f"after/before p50 by round: {rounds}")
    loads = ", ".join(f"{load[0]:.2f}" for load in result["load"]["rounds"])
    print(
        f"load average (1 min) after each round: {loads} on {result['machine']['cpu_count']} cores"
    )

    print()
    found = result["differences"]
    total = len(result["queries"])
    if not found:
        print(f"answers: all {total} queries identical (totals, top-10 ids and their order)")
    else:
        print(f"answers: {len(found)} of {total} queries differ:")
        for diff in found[: args.show]:
            print(f"  [{diff['kind']}] {diff['text']!r} ({diff['sort']}): {diff['differs_in']}")
            print(f"      before: {describe(diff['before'])}")
            print(f"      after:  {describe(diff['after'])}")
        if len(found) > args.show:
            print(f"  … {len(found) - args.show} more in the JSON")
        if not result["one_index"]:
            print("  (two indexes: a difference may come from indexing, not from searching)")
    for side in SIDES:
        if moved := len(result["unstable"][side]):
            print(f"note: {moved} queries answered differently from round to round by {side}")
        if result["code_changed_during_run"][side]:
            print(f"warning: the {side} code changed during the run")
    if args.json:
        print(f"\nwrote {args.json}")


if __name__ == "__main__":
    sys.exit(main())
