"""`parse_file` and `parse_paths`: one path from file to clippings, with the index's ids."""

from __future__ import annotations

import hashlib
import shutil

import pytest

from indexer import kinds, store
from indexer.names.gazetteer import GAZETTEER_NAME, Gazetteer
from indexer.parse import parse_file, parse_paths
from indexer.update import update_index
from tests.conftest import FIXTURES


@pytest.fixture()
def corpus(tmp_path):
    corpus = tmp_path / "corpus"
    shutil.copytree(FIXTURES / "search_corpus", corpus / "pages")
    (corpus / "pages" / GAZETTEER_NAME).rename(corpus / GAZETTEER_NAME)
    (corpus / "top.txt").write_text("On top\n\nThe convoy crossed the border at dawn.\n")
    return corpus


def indexed_ids(corpus, index) -> list[str]:
    update_index(corpus, index, procs=1)
    with store.open_searcher(index) as searcher:
        return sorted(fields["id"] for fields in searcher.all_stored_fields())


def test_ids_of_files_and_folders_inside_the_corpus_are_the_index_ids(corpus, tmp_path):
    gazetteer = Gazetteer.load(corpus / GAZETTEER_NAME)
    ids = indexed_ids(corpus, tmp_path / "index")
    assert "pages/markup.html#1" in ids

    whole = parse_paths([corpus], gazetteer, corpus=corpus)
    assert sorted(c.id for c in whole.clippings) == ids
    folder = parse_paths([corpus / "pages"], gazetteer, corpus=corpus)
    assert sorted(c.id for c in folder.clippings) == [i for i in ids if i.startswith("pages/")]
    one = parse_paths([corpus / "pages" / "markup.html"], gazetteer, corpus=corpus)
    assert [c.id for c in one.clippings] == ["pages/markup.html#1"]


def test_a_relative_corpus_and_an_absolute_file_agree(corpus, monkeypatch):
    monkeypatch.chdir(corpus.parent)
    report = parse_paths([corpus / "pages" / "markup.html"], Gazetteer([]), corpus=corpus.name)
    assert [c.id for c in report.clippings] == ["pages/markup.html#1"]


def test_outside_the_corpus_ids_are_relative_to_the_path_given(corpus, tmp_path):
    elsewhere = tmp_path / "elsewhere"
    shutil.copytree(corpus / "pages", elsewhere / "sub")
    report = parse_paths(
        [elsewhere, elsewhere / "sub" / "markup.html"], Gazetteer([]), corpus=corpus
    )
    ids = [c.id for c in report.clippings]
    assert "sub/markup.html#1" in ids and ids[-1] == "markup.html#1"
    assert parse_paths([corpus / "top.txt"], Gazetteer([])).clippings[0].id == "top.txt#1"


def test_skipped_entries_of_a_folder_in_the_corpus_are_shown_from_the_root(corpus):
    (corpus / "pages" / "scan.pdf").write_bytes(b"%PDF-1.4\n")
    report = parse_paths([corpus / "pages"], Gazetteer([]), corpus=corpus)
    assert [(s.path, s.reason) for s in report.skipped] == [
        ("pages/scan.pdf", "unsupported file type .pdf")
    ]


def test_parse_file_keeps_the_fingerprint_of_what_it_read(tmp_path):
    path = tmp_path / "a.txt"
    path.write_bytes(b"Title\n\nBody text here.\n")
    parsed = parse_file(path, "a.txt", None)
    stat = path.stat()
    assert (parsed.size, parsed.mtime_ns, parsed.skipped) == (stat.st_size, stat.st_mtime_ns, None)
    assert parsed.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()


def test_parse_file_skips_bad_files_and_parser_bugs_with_one_line(tmp_path, monkeypatch):
    (tmp_path / "gone.txt").symlink_to(tmp_path / "missing")
    assert parse_file(tmp_path / "gone.txt", "gone.txt", None).skipped == (
        "vanished before it could be read"
    )
    (tmp_path / "a.bug").write_text("Title\n\nBody.\n")

    def broken(text, rel, *, day_first):
        raise ValueError("bad\nthing")

    kinds.register(kinds.Kind("bug", {".bug"}, broken))
    try:
        parsed = parse_file(tmp_path / "a.bug", "a.bug", None)
    finally:
        kinds.unregister("bug")
    assert (parsed.clippings, parsed.skipped) == ([], "could not parse: ValueError: bad thing")
    assert parsed.size > 0  # the fingerprint of a file that failed to parse is kept
