"""The corpus walk: shown names for any name the disk gives, and every entry accounted for."""

from __future__ import annotations

import json
import os
import unicodedata

import pytest
from click.testing import CliRunner

from clippings.cli import main
from indexer.scan import safe_name, scan_corpus, scan_paths


@pytest.mark.parametrize(
    "real, shown",
    [
        (b"plain name.txt", "plain name.txt"),
        (b"50% off? #1 a\\b.txt", "50% off? #1 a\\b.txt"),  # printable: shown as it is
        ("Ашраф می\u200cخواهم.txt".encode(), "Ашраф می\u200cخواهم.txt"),  # ZWNJ is a letter joiner
        (b"caf\xe9.txt", r"caf\xe9.txt"),  # an undecodable byte
        (b"\xff\xfe", r"\xff\xfe"),
        (b"two\nlines\r\tx", r"two\nlines\r\tx"),
        (b"esc\x1bdel\x7f", r"esc\x1bdel\x7f"),
        ("nel\x85".encode(), r"nel\u0085"),  # a C1 control is a character, not a byte
        ("evil\u202eexe.txt".encode(), r"evil\u202eexe.txt"),  # a bidi override
        ("line\u2028sep".encode(), r"line\u2028sep"),
        (b"\xed\xb2\x80", r"\xed\xb2\x80"),  # an encoded surrogate is three bad bytes
    ],
)
def test_safe_name_is_one_valid_line_and_tells_bytes_from_characters(real, shown):
    assert safe_name(os.fsdecode(real)) == shown
    assert not any(unicodedata.category(char) in ("Cc", "Cs", "Zl", "Zp") for char in shown)
    shown.encode("utf-8")


def test_scan_is_sorted_by_shown_path_and_the_same_on_every_run(tmp_path):
    for name in [b"b.txt", b"caf\xe9.txt", b"a\nb.txt", b"sub\xff/x.txt"]:
        path = os.path.join(os.fsencode(tmp_path), name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        open(path, "wb").close()
    first, second = scan_corpus(tmp_path), scan_corpus(tmp_path)
    assert [e.rel for e in first.files] == [r"a\nb.txt", "b.txt", r"caf\xe9.txt", r"sub\xff/x.txt"]
    assert first == second
    assert all(os.path.exists(e.path) for e in first.files)  # the real paths still open


def test_of_two_names_shown_alike_the_one_shown_as_it_is_wins(tmp_path):
    root = os.fsencode(tmp_path)
    for name in [b"na\xefve.txt", b"na\\xefve.txt"]:
        open(os.path.join(root, name), "wb").close()
    scan = scan_corpus(tmp_path)
    assert [(e.rel, os.fsencode(e.path)) for e in scan.files] == [
        (r"na\xefve.txt", os.path.join(root, b"na\\xefve.txt"))
    ]
    assert [(s.path, s.reason) for s in scan.skipped] == [
        (r"na\xefve.txt", "another file is shown under the same name; rename one of them")
    ]


def test_special_entries_are_skipped_with_reasons(tmp_path):
    os.symlink("missing", tmp_path / "broken")
    os.symlink("loop", tmp_path / "loop")
    os.symlink(".", tmp_path / "here")
    os.mkfifo(tmp_path / "pipe")
    os.symlink("/dev/null", tmp_path / "null")
    (tmp_path / ".hidden-pipe").symlink_to("missing")  # hidden: not listed at all
    scan = scan_corpus(tmp_path)
    assert scan.files == []
    assert [(s.path, s.reason) for s in scan.skipped] == [
        ("broken", "broken symbolic link"),
        ("here", "link to a folder (not followed)"),
        ("loop", "symbolic link loop"),
        ("null", "not a regular file (character device)"),
        ("pipe", "not a regular file (FIFO)"),
    ]


def test_a_folder_that_cannot_be_listed_hides_what_it_held(tmp_path, monkeypatch):
    (tmp_path / "open").mkdir()
    (tmp_path / "open" / "a.txt").write_text("x")
    (tmp_path / "shut").mkdir()
    (tmp_path / "shut" / "b.txt").write_text("x")
    real_scandir = os.scandir

    def scandir(path):
        if os.path.basename(path) == "shut":
            raise PermissionError(13, "Permission denied")
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    scan = scan_corpus(tmp_path)
    assert [e.rel for e in scan.files] == ["open/a.txt"]
    assert [(s.path, s.reason) for s in scan.skipped] == [
        ("shut/", "cannot list folder: permission denied")
    ]
    assert scan.hides("shut/b.txt") and not scan.hides("open/b.txt")


def test_parse_command_shows_odd_names_safely(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    text = b"A clipping\n\nThe convoy crossed the border at dawn.\n"
    for name in [b"caf\xe9.txt", b"two\nlines.txt"]:
        with open(os.path.join(os.fsencode(corpus), name), "wb") as handle:
            handle.write(text)
    os.symlink("missing", corpus / "broken.txt")
    result = CliRunner().invoke(main, ["parse", "--json", str(corpus)], catch_exceptions=False)
    assert result.exit_code == 0
    report = json.loads(result.output)
    assert [c["id"] for c in report["clippings"]] == [r"caf\xe9.txt#1", r"two\nlines.txt#1"]
    assert report["skipped"] == [{"path": "broken.txt", "reason": "broken symbolic link"}]


def test_the_one_walk_lists_every_visible_file_with_any_suffix(tmp_path):
    for name in [
        "a.txt",
        "b/c.html",
        "b/.hidden.txt",
        ".git/config",
        ".git/objects/ab/cdef",
        ".DS_Store",
        "entities.toml",
        "sub/entities.toml",
        "notes.pdf",
        "Z upper.HTM",
        "a.txt~",  # editors' temporary files
        "#a.txt#",
        "~$report.docx",
        "b/.a.txt.swp",
    ]:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x")
    scan = scan_corpus(tmp_path)
    assert [entry.rel for entry in scan.files] == [
        "Z upper.HTM",
        "a.txt",
        "b/c.html",
        "notes.pdf",  # listed so that the indexer reports it as skipped
    ]
    assert scan.skipped == []


def test_a_missing_corpus_folder_is_one_skipped_entry(tmp_path):
    scan = scan_corpus(tmp_path / "missing")
    assert scan.files == [] and [s.path for s in scan.skipped] == ["./"]


def test_a_scan_of_changed_paths_lists_them_and_speaks_only_for_them(tmp_path):
    (tmp_path / "kept.txt").write_text("x")
    (tmp_path / "new").mkdir()
    (tmp_path / "new" / "a.txt").write_text("a")
    (tmp_path / "new" / ".hidden.txt").write_text("h")
    (tmp_path / "dangling.txt").symlink_to(tmp_path / "nowhere")
    os.mkfifo(tmp_path / "pipe")
    paths = ["new", "gone.txt", "old-folder", "dangling.txt", "pipe", ".notes.swp", "entities.toml"]
    scan = scan_paths(tmp_path, [tmp_path / p for p in paths])
    assert [f.rel for f in scan.files] == ["new/a.txt"]
    assert [(s.path, s.reason) for s in scan.skipped] == [
        ("dangling.txt", "broken symbolic link"),
        ("pipe", "not a regular file (FIFO)"),
    ]
    assert scan.covers("gone.txt") and scan.covers("old-folder/sub/b.txt")
    assert scan.covers("new/b.txt")  # a file of the folder not listed now: gone
    assert not scan.covers("kept.txt") and not scan.covers("newer.txt")
    assert not scan.covers("old-folder.txt")


def test_a_changed_path_shown_escaped_needs_the_whole_walk(tmp_path):
    odd = os.fsdecode(b"caf\xe9.txt")
    (tmp_path / odd).write_text("x")
    assert scan_paths(tmp_path, [tmp_path / odd]) is None
    assert scan_paths(tmp_path, [tmp_path / "plain.txt"]) is not None
