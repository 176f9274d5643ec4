"""Watch mode (indexer/watch.py, `clippings index --watch`, `clippings serve --watch`): what is
saved, changed, moved or deleted in the corpus folder is found without running a command."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from watchfiles import Change

from indexer import store
from indexer.search import SearchEngine
from indexer.settings import Settings
from indexer.update import update_index
from indexer.watch import WatchEvent, watch_and_index, watched
from tests.test_crash import clean_rebuild, snapshot

WAIT = 20  # seconds: generous for a loaded CI machine; a change usually shows in well under 1


def clipping(title: str, body: str) -> str:
    return f"Title: {title}\n\n{body}\n"


@pytest.mark.parametrize(
    ("relative", "kept"),
    [
        ("report.txt", True),
        ("sub/folder/page.html", True),
        ("notes.txt~", False),  # an editor's backup
        ("#notes.txt#", False),  # Emacs auto-save
        ("~$report.docx", False),  # an Office lock file
        (".notes.txt.swp", False),  # Vim's swap file, hidden
        (".hidden/page.html", False),  # inside a hidden folder
        ("page.html.part", False),  # Firefox download in progress
        ("page.html.crdownload", False),  # Chromium download in progress
        ("save.TMP", False),
        ("index/_clippings_1.toc", False),  # the index, should it live in the corpus
        ("entities.toml", True),  # the gazetteer: not a clipping, but names change with it
        ("sub/entities.toml", False),  # the scan leaves out every file of that name
    ],
)
def test_the_watch_skips_temporary_and_partial_files(tmp_path, relative, kept):
    keep = watched(tmp_path, tmp_path / "index")
    assert keep(Change.added, str(tmp_path / relative)) is kept


class Watching:
    """`watch_and_index` in a thread, as `clippings index --watch` runs it, with what it said."""

    def __init__(self, corpus: Path, index: Path):
        self.corpus, self.index = corpus, index
        self.events: list[WatchEvent] = []
        self.stop = threading.Event()
        self.thread = threading.Thread(
            target=watch_and_index,
            args=(corpus, index, Settings(), self.events.append, self.stop),
            daemon=True,
        )

    def __enter__(self) -> Watching:
        self.thread.start()
        eventually(lambda: "watching" in self.kinds())  # set up and caught up
        return self

    def __exit__(self, *exc) -> None:
        self.stop.set()
        self.thread.join(timeout=WAIT)
        assert not self.thread.is_alive()

    def kinds(self) -> list[str]:
        return [event.kind for event in self.events]


def found(index: Path, query: str) -> list[str]:
    engine = SearchEngine(index, refresh_seconds=0)
    try:
        return [hit.title for hit in engine.search(query, strict=True).hits]
    finally:
        engine.close()


def eventually(check, seconds: float = WAIT) -> None:
    deadline = time.monotonic() + seconds
    while not check():
        assert time.monotonic() < deadline, "not seen in time"
        time.sleep(0.1)


@pytest.fixture()
def corpus(tmp_path) -> Path:
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "camp.txt").write_text(clipping("Camp news", "The camp reopened."))
    update_index(folder, tmp_path / "index")
    return folder


def test_saved_changed_moved_and_deleted_clippings_are_found_without_a_command(corpus, tmp_path):
    index = tmp_path / "index"
    with Watching(corpus, index) as watching:
        (corpus / "zebra.txt").write_text(clipping("Zebra crossing opens", "A zebra crossing."))
        eventually(lambda: found(index, "zebra") == ["Zebra crossing opens"])
        (corpus / "zebra.txt").write_text(clipping("Zebra crossing closes", "Closed again."))
        eventually(lambda: found(index, "zebra") == ["Zebra crossing closes"])
        (corpus / "sub").mkdir()
        (corpus / "zebra.txt").rename(corpus / "sub" / "zebra.txt")
        eventually(lambda: SearchEngine(index).search("zebra").hits[0].id == "sub/zebra.txt#1")
        (corpus / "sub" / "zebra.txt").unlink()
        eventually(lambda: found(index, "zebra") == [])
    assert set(watching.kinds()) <= {"watching", "indexed", "settled"}
    assert found(index, "camp") == ["Camp news"]
    assert snapshot(index) == clean_rebuild(corpus, tmp_path)  # stopping settled everything


def test_temporary_files_start_no_run(corpus, tmp_path):
    with Watching(corpus, tmp_path / "index") as watching:
        (corpus / "camp.txt~").write_text("an editor's backup")
        (corpus / ".camp.txt.swp").write_text("swap")
        (corpus / "page.html.part").write_text("<html>half a download")
        time.sleep(2.5)  # longer than a batch gathers
    assert watching.kinds() == ["watching"]


def test_a_burst_of_files_is_one_batch_not_one_run_each(corpus, tmp_path):
    index = tmp_path / "index"
    with Watching(corpus, index) as watching:
        burst = tmp_path / "burst"
        burst.mkdir()
        for n in range(60):
            (burst / f"wire-{n:02d}.txt").write_text(clipping(f"Wire story {n}", "Storm hits."))
        burst.rename(corpus / "burst")  # a folder copied in at once
        eventually(lambda: SearchEngine(index).search("storm").total == 60)
    runs = [event for event in watching.events if event.kind == "indexed"]
    assert len(runs) <= 3
    assert sum(event.report.added for event in runs) == 60


def test_a_run_started_by_hand_makes_the_watch_wait_its_turn(corpus, tmp_path):
    index = tmp_path / "index"
    with Watching(corpus, index) as watching:
        with store.writer_lock(index):  # `clippings index` running in another terminal
            (corpus / "zebra.txt").write_text(clipping("Zebra crossing opens", "A zebra."))
            eventually(lambda: "busy" in watching.kinds())
        eventually(lambda: found(index, "zebra") == ["Zebra crossing opens"])
    busy = next(event for event in watching.events if event.kind == "busy")
    assert busy.message.startswith(f"the index in {index} is busy")
    assert busy.message.endswith("; trying again")


def test_a_folder_that_goes_away_is_waited_for_and_caught_up_with(corpus, tmp_path):
    index = tmp_path / "index"
    elsewhere = tmp_path / "unmounted"
    with Watching(corpus, index) as watching:
        corpus.rename(elsewhere)  # moved away, or unmounted
        eventually(lambda: "gone" in watching.kinds())
        (elsewhere / "zebra.txt").write_text(clipping("Zebra crossing opens", "A zebra."))
        elsewhere.rename(corpus)  # back
        eventually(lambda: found(index, "zebra") == ["Zebra crossing opens"])
        (corpus / "lion.txt").write_text(clipping("Lion escapes", "A lion got out."))
        eventually(lambda: found(index, "lion") == ["Lion escapes"])  # watching again
    kinds = watching.kinds()
    assert kinds.index("gone") < kinds.index("back")
    gone = watching.events[kinds.index("gone")]
    assert gone.message == f"the corpus folder {corpus} is gone; waiting for it"


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGINT])
def test_clippings_index_watch_indexes_changes_and_stops_cleanly(corpus, tmp_path, stop):
    index = tmp_path / "index"
    command = [sys.executable, "-m", "clippings", "index", "--watch", "--quiet",
               "--corpus", str(corpus), "--index", str(index)]  # fmt: skip
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        first = process.stdout.readline() + process.stdout.readline()
        assert first.startswith("1 file seen: 0 added, 0 updated, 1 unchanged, 0 removed")
        assert "0 clippings indexed; 1 in the index" in first
        assert process.stdout.readline() == f"Watching {corpus}/ for changes (Ctrl+C to stop)\n"
        time.sleep(0.5)
        (corpus / "zebra.txt").write_text(clipping("Zebra crossing opens", "A zebra."))
        line = process.stdout.readline()
        assert " 1 change: 1 file seen: 1 added, " in line  # the batch, not the folder
        assert "1 clipping indexed; 2 in the index" in line
    finally:
        process.send_signal(stop)  # SIGINT: Ctrl+C
        rest, _ = process.communicate(timeout=WAIT)
    assert process.returncode == 0
    assert rest.endswith("Stopped watching.\n")


def test_an_edited_gazetteer_joins_names_without_a_command(corpus, tmp_path):
    index = tmp_path / "index"
    (corpus / "mko.txt").write_text(clipping("MKO statement", "The MKO said so."))
    (corpus / "pmoi.txt").write_text(clipping("PMOI statement", "The PMOI said so too."))
    update_index(corpus, index)
    assert found(index, "entity:MKO") == ["MKO statement"]
    with Watching(corpus, index):
        (corpus / "entities.toml").write_text(
            '[[entity]]\nname = "MEK"\ntype = "org"\naliases = ["MKO", "PMOI"]\n'
        )
        eventually(
            lambda: sorted(found(index, "entity:MKO")) == ["MKO statement", "PMOI statement"]
        )


def test_a_bad_file_is_reported_once_not_with_every_batch(corpus, tmp_path):
    (corpus / "empty.txt").write_text("")
    index = tmp_path / "index"
    command = [sys.executable, "-m", "clippings", "index", "--watch", "--quiet",
               "--corpus", str(corpus), "--index", str(index)]  # fmt: skip
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        lines = [process.stdout.readline() for _ in range(4)]
        assert lines[2] == "  skipped empty.txt: empty file\n", lines
        assert lines[3].startswith("Watching")
        for name in ("one", "two"):
            time.sleep(0.5)
            (corpus / f"{name}.txt").write_text(clipping(f"Story {name}", "Some news."))
            assert " 1 change: " in process.stdout.readline()
    finally:
        process.send_signal(signal.SIGTERM)
        rest, _ = process.communicate(timeout=WAIT)
    assert rest == "Stopped watching.\n"  # no skip line repeated after the batches


def test_a_file_name_that_is_not_utf8_is_caught_up_with_and_the_watch_goes_on(corpus, tmp_path):
    index = tmp_path / "index"
    with Watching(corpus, index) as watching:
        odd = os.fsencode(corpus) + b"/caf\xe9 \nzebra.txt"  # watchfiles cannot report this name
        Path(os.fsdecode(odd)).write_text(clipping("Zebra crossing opens", "A zebra."))
        eventually(lambda: found(index, "zebra") == ["Zebra crossing opens"])
        (corpus / "lion.txt").write_text(clipping("Lion escapes", "A lion got out."))
        eventually(lambda: found(index, "lion") == ["Lion escapes"])  # still watching
    assert "missed" in watching.kinds()
    assert snapshot(index) == clean_rebuild(corpus, tmp_path)
