"""Smoke tests of `bench/scale.py` and `bench/compare.py`: tiny runs write every figure.

No timing is asserted: the figures are only checked to exist; what they say is for the runs at
full size (see the scripts' docstrings).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("CLIPPINGS_SHARED") or REPO / ".." / "shared")
AGNEWS = SHARED / "corpora" / "agnews"
TIMEOUT = 120  # seconds per script; each takes about 10 on the 2-core development machine

sys.path.insert(0, str(REPO / "bench"))
import compare  # noqa: E402  (bench/ is not a package)
import scale  # noqa: E402

needs_agnews = pytest.mark.skipif(
    not (AGNEWS / "test.csv.gz").exists(), reason=f"AG News corpus not found in {AGNEWS}"
)


@pytest.fixture(scope="module")
def work(tmp_path_factory):
    """One work folder for both scripts: the corpus and its parsed words are built once."""
    pytest.importorskip("psutil", reason="the benchmark samples memory with psutil")
    return tmp_path_factory.mktemp("bench-scale")


def run_script(name: str, *args: str, cwd: Path) -> None:
    command = [sys.executable, str(REPO / "bench" / name), *args]
    done = subprocess.run(command, capture_output=True, text=True, timeout=TIMEOUT, cwd=cwd)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-3000:]


@needs_agnews
def test_scale_run_writes_every_figure_and_growth(work):
    out = work / "scale.json"
    run_script(
        "scale.py", "--n", "120", "200", "--queries", "12", "--long-queries", "0", "--rounds", "2",
        "--repo", str(REPO), "--work", str(work), "--json", str(out), cwd=work,
    )  # fmt: skip

    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["repo"]["root"] == str(REPO)
    assert [r["n"] for r in data["runs"]] == [120, 200]
    for run in data["runs"]:
        full = run["index"]["full"]
        assert full["clippings_total"] >= run["n"] - 10
        for key in ("seconds", "clippings_per_second", "peak_rss_tree_mb", "index_size_mb"):
            assert full[key] > 0, key
        assert run["index"]["noop"]["clippings_indexed"] == 0
        queries = run["queries"]
        assert len(queries["each"]) == 12 and not queries["errors"]
        assert queries["overall"]["n"] == 12 and queries["overall"]["p95_ms"] > 0
        assert len(queries["p50_ms_by_round"]) == 2
        assert all(len(each["ms_rounds"]) == 2 for each in queries["each"])
        assert set(queries["by_kind"]) == set(scale.bench().MIX_KINDS)
        assert {"start", "full_index", "queries"} <= set(run["load"])
    (step,) = data["growth"]
    assert step["from_n"] == 120 and step["to_n"] == 200
    assert step["n_ratio"] > 1 and step["index_seconds"]["ratio"] > 0
    assert step["search_p50_ms"]["ratio"] > 0
    assert data["notes"]

    again = work / "scale-search-only.json"
    run_script(
        "scale.py", "--n", "200", "--queries", "12", "--long-queries", "0", "--rounds", "1",
        "--search-only",
        "--work", str(work), "--json", str(again), cwd=work,
    )  # fmt: skip
    (run,) = json.loads(again.read_text(encoding="utf-8"))["runs"]
    assert run["index"] == {} and run["queries"]["overall"]["n"] == 12


@needs_agnews
def test_compare_of_a_checkout_with_itself_finds_the_same_answers(work):
    out = work / "compare.json"
    run_script(
        "compare.py", "--before", str(REPO), "--after", str(REPO), "--n", "200",
        "--queries", "12", "--long-queries", "0", "--rounds", "2", "--work", str(work),
        "--json", str(out), cwd=work,
    )  # fmt: skip

    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["one_index"] is True
    assert data["differences"] == [] and data["unstable"] == {"before": [], "after": []}
    overall = data["speed"]["overall"]
    assert overall["n"] == 12
    assert overall["before_p50_ms"] > 0 and overall["after_p50_ms"] > 0
    assert len(overall["ratio_p50_ms_rounds"]) == 2 and overall["ratio_p50_ms"] > 0
    assert len(data["load"]["rounds"]) == 2
    each = data["queries"][0]
    assert len(each["before"]) == len(each["after"]) == 2
    assert {"ms", "total", "ids"} <= set(each["after"][0]) or "error" in each["after"][0]


@pytest.mark.parametrize(
    "before, after, expected",
    [
        ({"total": 3, "ids": ["a", "b"]}, {"total": 3, "ids": ["a", "b"]}, None),
        ({"total": 3, "ids": ["a", "b"]}, {"total": 4, "ids": ["a", "b"]}, "total"),
        ({"total": 3, "ids": ["a", "b"]}, {"total": 3, "ids": ["b", "a"]}, "order"),
        ({"total": 3, "ids": ["a", "b"]}, {"total": 3, "ids": ["a", "c"]}, "ids"),
        ({"total": 3, "ids": ["a"]}, {"error": "QueryError: bad"}, "error"),
        ({"error": "QueryError: bad"}, {"error": "QueryError: worse"}, "error"),
        ({"error": "QueryError: bad"}, {"error": "QueryError: bad"}, None),
    ],
)
def test_answers_differ_in(before, after, expected):
    timed = {"ms": 1.0}
    assert compare.difference({**timed, **before}, {**timed, **after}) == expected
