"""bench/memory.py: the peak memory of `clippings index`, its process tree and its phases."""

import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parents[1] / "bench" / "memory.py"


def test_a_rebuild_reports_its_peaks_with_the_parse_workers_counted(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for n in range(40):  # enough files for the process pool (update.POOL_THRESHOLD)
        body = " ".join(f"word{n * 7 + k} of the camp report" for k in range(200))
        (corpus / f"clipping-{n:02d}.txt").write_text(f"Title: Camp report {n}\n\n{body}\n")
    done = subprocess.run(
        [sys.executable, BENCH, "--corpus", corpus, "--index", tmp_path / "index", "--rebuild"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert "40 clippings indexed" in done.stdout
    tree = next(line for line in lines if line.startswith("peak RSS of the process tree"))
    main = next(line for line in lines if line.startswith("peak RSS of the main process"))
    tree_mb, main_mb = (float(line.split(" MB")[0].rsplit(" ", 1)[1]) for line in (tree, main))
    assert tree_mb > main_mb  # the spawned parse workers are counted
    assert any("_write" in line and "tree ≤" in line for line in lines)


def test_a_missing_corpus_is_a_usage_error(tmp_path):
    done = subprocess.run(
        [sys.executable, BENCH, "--index", tmp_path / "index"], capture_output=True, text=True
    )
    assert done.returncode == 2 and "--corpus" in done.stderr
