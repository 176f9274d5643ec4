"""Server time per keystroke of results as you type: the results page for every prefix of a
typed query, against the same page for the whole query.

Run: .venv/bin/python bench/keystrokes.py --index DIR [--queries 40] [--seed 7] [--json out.json]

The queries are the first two to five words of the titles of randomly chosen clippings of the
index (what a researcher types to find a story again). Every prefix is requested, one per
keystroke, as if the page's 200 ms pause never held a request back: the worst case. Each
request is the results page (`GET /?q=…`) rendered by the app in this process through Flask's
test client, so the figure is server time without the network; the baseline is the same page
for the whole query, timed in the same run. The target is the results page's: p95 ≤ 25 ms.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from indexer.search import SearchEngine  # noqa: E402
from webui.app import create_app  # noqa: E402

TARGET_P95_MS = 25.0


def typed_queries(index: Path, count: int, seed: int) -> list[str]:
    """The first 2-5 words of the titles of `count` clippings chosen at random."""
    engine = SearchEngine(index)
    try:
        titles = [hit.title for hit in engine.export("", "newest") if hit.title]
    finally:
        engine.close()
    rng = random.Random(seed)
    chosen = rng.sample(titles, min(count, len(titles)))
    return [" ".join(title.split()[: rng.randint(2, 5)]) for title in chosen]


def prefixes(query: str) -> list[str]:
    """What the box holds after each keystroke, spaces included."""
    return [query[:end] for end in range(1, len(query) + 1)]


def page_ms(client, query: str) -> float:
    start = time.perf_counter()
    response = client.get("/", query_string={"q": query})
    response.get_data()
    elapsed = (time.perf_counter() - start) * 1000
    if response.status_code not in (200, 400):
        raise RuntimeError(f"{query!r}: HTTP {response.status_code}")
    return elapsed


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def summary(values: list[float]) -> dict:
    return {"n": len(values), "p50": statistics.median(values), "p95": percentile(values, 0.95)}


def run(index: Path, count: int, seed: int) -> dict:
    queries = typed_queries(index, count, seed)
    client = create_app({"INDEX_DIR": str(index)}).test_client()
    for query in queries[:5]:
        page_ms(client, query)  # warm-up: the searcher, caches, templates
    keystrokes = [page_ms(client, text) for query in queries for text in prefixes(query)]
    whole = [page_ms(client, query) for query in queries]
    return {"index": str(index), "queries": queries,
            "keystroke_ms": summary(keystrokes), "whole_query_ms": summary(whole),
            "target_p95_ms": TARGET_P95_MS}  # fmt: skip


def report(result: dict) -> str:
    keys, whole = result["keystroke_ms"], result["whole_query_ms"]
    verdict = "met" if keys["p95"] <= result["target_p95_ms"] else "missed"
    return "\n".join(
        [
            f"{len(result['queries'])} typed queries, {keys['n']} keystrokes,"
            f" index {result['index']}",
            f"results page per keystroke  p50 {keys['p50']:.1f} ms  p95 {keys['p95']:.1f} ms"
            f"  (target p95 <= {result['target_p95_ms']:.0f} ms: {verdict})",
            f"results page, whole query   p50 {whole['p50']:.1f} ms  p95 {whole['p95']:.1f} ms",
            f"ratio keystroke / whole     p50 {keys['p50'] / whole['p50']:.2f}x"
            f"  p95 {keys['p95'] / whole['p95']:.2f}x",
        ]
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--index", type=Path, required=True, help="an index built by `clippings index`"
    )
    parser.add_argument("--queries", type=int, default=40, help="typed queries (40)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--json", type=Path, help="write the figures to this file")
    args = parser.parse_args(argv)
    if not any(args.index.glob("*.toc")):
        print(f"bench/keystrokes.py: no index in {args.index}", file=sys.stderr)
        return 2
    result = run(args.index, args.queries, args.seed)
    print(report(result))
    if args.json:
        args.json.write_text(json.dumps(result, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
