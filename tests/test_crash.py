"""Crash safety: `kill -9` at any moment of `clippings index`, an interrupted re-tagging, a full
disk. The index always opens and serves its last commit, the next plain run finishes the job,
and every run ends exactly where a clean rebuild does: the same clippings, match sets and
entity tags."""

from __future__ import annotations

import os
import random
import resource
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

from indexer import store
from indexer.search import SearchEngine
from indexer.update import Run, update_index
from indexer.whoosh_adapter import index_segments
from tests.names_corpus import make_corpus, mutate

QUERIES = ["", "camp", "entity:PMOI", "entity:BFR", "entity:ICDF", "Rajavi", '"Red Cross"']


def snapshot(index_dir: Path) -> dict:
    """What the index holds as a user could see it: each clipping's entities, the ids that
    match each query, in order, and the near-duplicate groups with the hits they make."""
    ix = store.open_index(index_dir)
    with ix.searcher() as searcher:
        docs = [
            (f["id"], tuple(map(tuple, f.get("tagged", [])))) for f in searcher.all_stored_fields()
        ]
    ids = Counter(i for i, _ in docs)
    assert not [i for i, n in ids.items() if n > 1], "a clipping is in the index twice"
    engine = SearchEngine(index_dir)
    try:
        matches = {
            q: sorted(h.id for h in engine.search(q, pagelen=100_000, group=False).hits)
            for q in QUERIES
        }
        entities = sorted((e.name, e.type, e.count) for e in engine.entities())
        grouped = {  # the hits that stand for groups (the best-ranked copy: ties by id)
            q: sorted((h.id, len(h.similar)) for h in engine.search(q, pagelen=100_000).hits)
            for q in QUERIES
        }
    finally:
        engine.close()
    groups = store.read_groups(index_dir)
    return {"tags": dict(docs), "matches": matches, "entities": entities, "groups": groups,
            "grouped": grouped}  # fmt: skip


def clean_rebuild(corpus: Path, root: Path) -> dict:
    fresh = root / f"rebuild-{time.monotonic_ns()}"
    update_index(corpus, fresh, procs=1)
    return snapshot(fresh)


def assert_no_leftovers(index_dir: Path) -> None:
    names = {p.name for p in index_dir.iterdir()}
    assert f"{store.INDEX_NAME}.tmp" not in names
    assert not [n for n in names if ".toc." in n or n.endswith(".json.tmp")]
    ix = store.open_index(index_dir)
    live = {segment.segment_id() for segment in index_segments(ix)}
    segments = {n.split(".")[0] for n in names if n.startswith(f"{store.INDEX_NAME}_")}
    assert segments - {f"{store.INDEX_NAME}_WRITELOCK"} <= live, "segment files of no commit"


def cli(*args: str, **kwargs) -> subprocess.Popen:
    return subprocess.Popen(
        [str(Path(sys.executable).parent / "clippings"), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        **kwargs,
    )


@pytest.fixture(scope="module")
def trial_corpus(tmp_path_factory):
    root = tmp_path_factory.mktemp("crash")
    rng = make_corpus(root / "corpus", files=300)  # 1,500 clippings
    for name in sorted(p.name for p in (root / "corpus").glob("*.txt"))[::10]:
        text = (root / "corpus" / name).read_text(encoding="utf-8")  # reprinted: groups
        (root / "corpus" / f"reprint-{name}").write_text(text, encoding="utf-8")
    return root, rng


def test_kill_9_at_random_moments_never_loses_or_duplicates_anything(trial_corpus):
    root, rng = trial_corpus
    corpus, index = root / "corpus", root / "index"
    moments = random.Random(7)
    duration = 8.0  # seconds a run takes here, updated from the runs that finish
    for trial in range(12):
        if trial:
            mutate(corpus, rng, count=moments.choice([5, 20, 60]))
        args = ["index", "--corpus", str(corpus), "--index", str(index), "--quiet"]
        if trial % 5 == 4:
            args.append("--rebuild")
        run = cli(*args)
        time.sleep(moments.uniform(0.05, 1.0) * duration)
        run.send_signal(signal.SIGKILL)
        run.communicate()
        if store.exists(index):  # it opens and serves its last commit
            SearchEngine(index).search("camp")
        started = time.monotonic()
        finish = cli("index", "--corpus", str(corpus), "--index", str(index), "--quiet")
        out, err = finish.communicate(timeout=300)
        duration = max(1.0, time.monotonic() - started)
        assert finish.returncode == 0, err
        assert "busy" not in err
        assert_no_leftovers(index)
        if trial % 4 == 3 or trial == 11:
            assert snapshot(index) == clean_rebuild(corpus, root), f"trial {trial}"


def test_a_live_run_still_answers_busy(tmp_path):
    make_corpus(tmp_path / "corpus", files=200)
    run = cli("index", "--corpus", str(tmp_path / "corpus"), "--index", str(tmp_path / "ix"))
    deadline = time.monotonic() + 20
    while not (tmp_path / "ix" / store.LOCK).exists() and time.monotonic() < deadline:
        time.sleep(0.02)
    time.sleep(0.3)
    second = cli("index", "--corpus", str(tmp_path / "corpus"), "--index", str(tmp_path / "ix"))
    _, err = second.communicate(timeout=60)
    run.communicate(timeout=120)
    assert second.returncode == 1
    assert err.strip().count("\n") == 0 and "is busy" in err and f"process {run.pid}" in err


def test_a_run_killed_between_its_commits_is_finished_by_the_next(tmp_path, monkeypatch):
    corpus, index = tmp_path / "corpus", tmp_path / "index"
    rng = make_corpus(corpus, files=60)
    update_index(corpus, index, procs=1)
    for name in sorted(p.name for p in corpus.glob("*.txt"))[:20]:
        (corpus / name).unlink()  # names defined there now mean something else elsewhere
    mutate(corpus, rng, count=10)

    def killed(self, final):
        raise KeyboardInterrupt  # dies after the indexing commit, before re-tagging

    monkeypatch.setattr(Run, "_retag", killed)
    with pytest.raises(KeyboardInterrupt):
        update_index(corpus, index, procs=1)
    monkeypatch.undo()
    report = update_index(corpus, index, procs=1)
    assert report.repaired
    assert snapshot(index) == clean_rebuild(corpus, tmp_path)
    assert update_index(corpus, index, procs=1).clippings_retagged == 0  # and then stays still


def test_incremental_runs_never_drift_from_a_rebuild(tmp_path):
    corpus, index = tmp_path / "corpus", tmp_path / "index"
    rng = make_corpus(corpus, files=120)
    update_index(corpus, index, procs=1)
    for _ in range(5):
        mutate(corpus, rng, count=8)
        update_index(corpus, index, procs=1)
    assert snapshot(index) == clean_rebuild(corpus, tmp_path)


def _limited(max_bytes: int):
    def limit() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (max_bytes, max_bytes))

    return limit


def test_a_full_disk_is_one_line_and_the_last_commit_stays(tmp_path):
    """Writes beyond a file-size limit fail as on a full disk (EFBIG instead of ENOSPC)."""
    corpus, index = tmp_path / "corpus", tmp_path / "index"
    make_corpus(corpus, files=10)
    update_index(corpus, index, procs=1)
    before = snapshot(index)
    for number in range(40):
        (corpus / f"big{number}.txt").write_text((corpus / "d0001.txt").read_text() * 3)
    run = cli(
        "index", "--corpus", str(corpus), "--index", str(index), "--quiet",
        preexec_fn=_limited(60_000),
    )  # fmt: skip
    out, err = run.communicate(timeout=300)
    assert run.returncode == 1, (out, err)
    assert err.strip().count("\n") == 0 and "could not write the index" in err, err
    assert "last complete run" in err
    assert snapshot(index) == before
    assert_no_leftovers(index)
    finish = cli("index", "--corpus", str(corpus), "--index", str(index), "--quiet")
    _, err = finish.communicate(timeout=300)
    assert finish.returncode == 0, err
    assert snapshot(index) == clean_rebuild(corpus, tmp_path)


@pytest.mark.skipif(os.geteuid() != 0, reason="mounting a small file system needs root")
def test_a_really_full_disk(tmp_path):
    mount = tmp_path / "small"
    mount.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=600k", "tmpfs", str(mount)]).returncode:
        pytest.skip("cannot mount a tmpfs here")
    try:
        corpus, index = tmp_path / "corpus", mount / "index"
        rng = make_corpus(corpus, files=4)
        update_index(corpus, index, procs=1)
        before = snapshot(index)
        for number in range(200):
            (corpus / f"more{number}.txt").write_text((corpus / "d0001.txt").read_text() * 2)
        del rng
        run = cli("index", "--corpus", str(corpus), "--index", str(index), "--quiet")
        _, err = run.communicate(timeout=300)
        assert run.returncode == 1 and err.strip().count("\n") == 0, err
        assert "No space left on device" in err
        assert snapshot(index) == before
        assert_no_leftovers(index)
    finally:
        subprocess.run(["umount", str(mount)])


def test_a_join_whose_only_evidence_is_deleted_is_undone_as_in_a_rebuild(tmp_path):
    corpus, index = tmp_path / "corpus", tmp_path / "index"
    corpus.mkdir()
    (corpus / "defines.txt").write_text(
        "Relief arrives\n\nThe Kirkuk Displaced Families Fund (KDFF) sent tents to the camp.\n"
    )
    (corpus / "uses.txt").write_text("Tents\n\nThe KDFF said more tents would follow on Monday.\n")
    update_index(corpus, index, procs=1)
    assert snapshot(index)["tags"]["uses.txt#1"] == (("Kirkuk Displaced Families Fund", "org"),)
    (corpus / "defines.txt").unlink()
    update_index(corpus, index, procs=1)
    assert snapshot(index) == clean_rebuild(corpus, tmp_path)
    assert snapshot(index)["tags"]["uses.txt#1"] == (("KDFF", "org"),)
