"""bench/watch.py: write-to-found latency of watch mode, on a small folder."""

import importlib.util
from pathlib import Path

from indexer.update import update_index

BENCH = Path(__file__).resolve().parents[1] / "bench" / "watch.py"
spec = importlib.util.spec_from_file_location("bench_watch", BENCH)
bench_watch = importlib.util.module_from_spec(spec)
spec.loader.exec_module(bench_watch)


def test_each_edit_is_timed_until_found_and_the_folder_is_left_as_it_was(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "camp.txt").write_text("Title: Camp news\n\nThe camp reopened.\n")
    update_index(corpus, tmp_path / "index")
    result = bench_watch.run(corpus, tmp_path / "index", edits=2, seed=1)
    assert len(result["saved"]) == 2 and len(result["deleted"]) == 1
    assert all(0 < seconds < bench_watch.TIMEOUT_S for seconds in result["saved"])
    assert [p.name for p in corpus.iterdir()] == ["camp.txt"]
