"""Watch-mode latency: from a file written into the corpus folder to the first search that
finds it, with `clippings index --watch` running as a user runs it.

Run: .venv/bin/python bench/watch.py --corpus DIR --index DIR [--edits 50] [--pause S]
                                     [--json out.json]

The index must be up to date with the folder (run `clippings index` first; the watcher's own
first run then has nothing to do). The searcher in this process (refresh_seconds 0) answers one
query first, as a running server has. Each edit waits up to `--pause` seconds (random; 0: none,
so the watcher never pauses long enough to settle; 3: it settles and is interrupted), writes a
new clipping holding a word no other clipping has, then polls that searcher every 20 ms until
the word is found; half the edits then delete the file again and time until it is gone. The
files are removed at the end. Prints p50 and p95 of both, and the target (p95 <= 1 s).
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import string
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from indexer.search import SearchEngine  # noqa: E402

TARGET_S = 1.0
POLL_S = 0.02
TIMEOUT_S = 120.0


def new_word(rng: random.Random) -> str:
    return "zq" + "".join(rng.choice(string.ascii_lowercase) for _ in range(10))


def seconds_until(engine: SearchEngine, word: str, present: bool, since: float) -> float:
    """Seconds from `since` until a search for `word` finds it (or, `present` False, not)."""
    while (engine.search(word, strict=True).total > 0) != present:
        if time.perf_counter() - since > TIMEOUT_S:
            raise RuntimeError(f"{word} not {'found' if present else 'gone'} in {TIMEOUT_S} s")
        time.sleep(POLL_S)
    return time.perf_counter() - since


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def run(corpus: Path, index: Path, edits: int, seed: int, pause: float = 0.0) -> dict:
    rng = random.Random(seed)
    folder = corpus / "bench-watch"
    folder.mkdir(exist_ok=True)
    command = [sys.executable, "-m", "clippings", "index", "--watch", "--quiet",
               "--corpus", str(corpus), "--index", str(index)]  # fmt: skip
    watcher = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    engine = SearchEngine(index, refresh_seconds=0)
    saved, deleted = [], []
    try:
        while "Watching" not in watcher.stdout.readline():  # its first run is done
            if watcher.poll() is not None:
                raise RuntimeError("clippings index --watch stopped")
        engine.search("news")  # a server that has answered a query: its first-use work done
        time.sleep(1)
        for n in range(edits):
            time.sleep(rng.uniform(0, pause))  # lets the watcher settle, and interrupts it
            word = new_word(rng)
            path = folder / f"edit-{n:03d}.txt"
            start = time.perf_counter()
            path.write_text(f"Title: Edit {n} {word}\n\nA clipping saved to time watch mode.\n")
            saved.append(seconds_until(engine, word, True, start))
            if n % 2:
                start = time.perf_counter()
                path.unlink()
                deleted.append(seconds_until(engine, word, False, start))
    finally:
        watcher.terminate()
        watcher.communicate(timeout=60)
        engine.close()
        for path in folder.glob("*.txt"):
            path.unlink()
        folder.rmdir()
        subprocess.run([sys.executable, "-m", "clippings", "index", "--quiet", "--corpus",
                        str(corpus), "--index", str(index)], capture_output=True)  # fmt: skip
    return {"corpus": str(corpus), "edits": edits, "pause_s": pause,
            "saved_s": {"p50": statistics.median(saved), "p95": percentile(saved, 0.95)},
            "deleted_s": {"p50": statistics.median(deleted), "p95": percentile(deleted, 0.95)},
            "target_p95_s": TARGET_S, "saved": saved, "deleted": deleted}  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, required=True)
    parser.add_argument("--index", type=Path, required=True)
    parser.add_argument("--edits", type=int, default=50)
    parser.add_argument("--seed", type=int, default=3)
    parser.add_argument(
        "--pause", type=float, default=0.0, help="wait up to this many seconds before each edit"
    )
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    result = run(args.corpus, args.index, args.edits, args.seed, args.pause)
    for key, label in (("saved_s", "saved -> found"), ("deleted_s", "deleted -> gone")):
        got = result[key]
        verdict = "met" if got["p95"] <= TARGET_S else "missed"
        print(f"{label:16} p50 {got['p50']:.2f} s  p95 {got['p95']:.2f} s  "
              f"(target p95 <= {TARGET_S:.0f} s: {verdict})")  # fmt: skip
    if args.json:
        args.json.write_text(json.dumps(result, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
