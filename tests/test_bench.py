"""Smoke test of the speed benchmark: a tiny run of `bench/run.py` writes every figure."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("CLIPPINGS_SHARED") or REPO / ".." / "shared")
AGNEWS = SHARED / "corpora" / "agnews"
LIMIT_SECONDS = 60

needs_agnews = pytest.mark.skipif(
    not (AGNEWS / "test.csv.gz").exists(), reason=f"AG News corpus not found in {AGNEWS}"
)


@needs_agnews
def test_small_benchmark_run_writes_every_figure(tmp_path):
    pytest.importorskip("psutil", reason="the benchmark samples memory with psutil")
    out = tmp_path / "bench.json"
    command = [
        sys.executable, str(REPO / "bench" / "run.py"), "--n", "300", "--queries", "20",
        "--work", str(tmp_path / "work"), "--json", str(out),
        "--http-requests", "40", "--http-seconds", "3", "--long-queries", "10",
        "--watch-edits", "4",
    ]  # fmt: skip
    started = time.monotonic()
    done = subprocess.run(
        command, capture_output=True, text=True, timeout=LIMIT_SECONDS, cwd=tmp_path
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert time.monotonic() - started < LIMIT_SECONDS

    data = json.loads(out.read_text(encoding="utf-8"))
    corpus = data["corpus"]
    assert corpus["n_items"] == 300 and corpus["real_items"] + corpus["recombined_items"] == 300
    assert corpus["html_articles"] and corpus["text_clippings"] and corpus["listing_pages"]
    assert {"cpu_count", "python", "date"} <= set(data["machine"])

    index = data["index"]
    assert set(index) == {"full", "noop", "one_file", "one_percent"}
    full = index["full"]
    assert full["clippings_total"] >= 290  # a few parses may legitimately differ
    for key in ("seconds", "clippings_per_second", "peak_rss_tree_mb", "index_size_mb"):
        assert full[key] > 0, key
    assert full["peak_rss_largest_mb"] <= full["peak_rss_tree_mb"]
    assert index["noop"]["clippings_indexed"] == 0
    assert index["one_file"]["searchable_after_seconds"] is not None
    assert index["one_percent"]["files_changed"] >= 1

    baselines = data["baselines"]
    assert baselines["parse"]["clippings"] >= 290
    for name in ("fts5", "whoosh_naive"):
        assert baselines[name]["write_seconds"] > 0
        assert baselines[name]["total_seconds"] >= baselines["parse"]["seconds"]

    queries = data["queries"]
    assert len(queries["each"]) == 20 + 10
    assert queries["by_kind"]["ours"]["long"]["n"] == 10
    assert queries["by_kind"]["FTS5"]["long"]["n"] == 10  # as OR queries
    assert data["similar"]["n"] > 0
    for system in ("ours", "fts5", "whoosh_naive"):
        assert queries[system]["n"] > 0 and queries[system]["p95_ms"] > 0, system
    assert queries["by_kind"]["ours"]["date"]["n"] > 0
    assert queries["by_kind"]["FTS5"]["entity"]["n"] == 0  # no equivalent: left out
    assert not any(queries["errors"].values()), queries["errors"]

    http = {run["clients"]: run for run in data["http"]}
    assert set(http) == {1, 8, 32}
    for run in http.values():
        assert run["latency"]["n"] > 0 and run["errors"] == 0
        assert run["server_cpu_ms_per_request"] > 0 and run["server_rss_mb"] > 0

    watched = data["watch"]
    assert watched["edits"] == 4 and len(watched["saved"]) == 4 and len(watched["deleted"]) == 2
    assert 0 < watched["saved_s"]["p50"] <= watched["saved_s"]["p95"]

    targets = {t["name"]: t for t in data["targets"]}
    assert len(targets) == 12
    assert isinstance(data["notes"], list)
    assert all(t["met"] in (True, False) for t in targets.values()), targets


def test_corpus_edits_are_put_back(tmp_path):
    """The benchmark edits corpus files to time reindexing; they must come back byte for byte."""
    pytest.importorskip("psutil", reason="bench/run.py samples memory with psutil")
    sys.path.insert(0, str(REPO / "bench"))
    try:
        from run import CorpusEdits
    finally:
        sys.path.remove(str(REPO / "bench"))
    corpus = tmp_path / "corpus"
    (corpus / "000").mkdir(parents=True)
    page = corpus / "000" / "a.html"
    text = corpus / "000" / "b.txt"
    page.write_text('<article><div class="article-body"><p>Old text.</p></div></article>')
    text.write_text("Title\nSource: Wire\n\nBody.\n")
    before = {p: p.read_bytes() for p in (page, text)}
    edits = CorpusEdits(corpus, tmp_path / "originals")
    edits.add_sentence(page, "New zqword.")
    edits.add_sentence(text, "New zqword.")
    edits.add_sentence(text, "Again.")
    assert "Old text. New zqword.</p>" in page.read_text()
    assert text.read_text().endswith("New zqword.\n\nAgain.\n")
    assert edits.restore() == 2
    assert {p: p.read_bytes() for p in (page, text)} == before
    assert not (tmp_path / "originals").exists()
