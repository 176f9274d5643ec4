"""Input kinds: which kind a file is (by suffix and sniffed content), and the registry that
makes a new kind one parser plus one `register` call."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from indexer import kinds
from indexer.clipping import BadFile, Clipping
from indexer.kinds import Kind, kind_of
from indexer.names.gazetteer import Gazetteer
from indexer.parse import parse_file
from indexer.search import SearchEngine
from indexer.update import update_index

# --- kind_of ----------------------------------------------------------------------------------

PDF = b"%PDF-1.4\n1 0 obj\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF"


@pytest.mark.parametrize(
    "name,data,expected",
    [
        ("story.html", b"<p>Camp Ashraf</p>", "html"),
        ("STORY.HTM", b"<p>Camp Ashraf</p>", "html"),
        ("page.xhtml", b"<p>Camp Ashraf</p>", "html"),
        ("page.shtml", b"<b>plain</b> words", "html"),
        ("page.html", b"A title\n\nNo markup at all", "text"),  # a text saved as a page
        ("note.txt", b"Camp Ashraf\n\nBody", "text"),
        ("note.text", b"Camp Ashraf\n\nBody", "text"),
        ("note.md", b"# Camp Ashraf\n\nBody", "text"),
        ("note.txt", b"Talks on <html> tags and <body> language", "text"),
        ("saved.txt", b"\n  <!DOCTYPE html>\n<html><body>x</body></html>", "html"),
        ("saved.md", b"\xef\xbb\xbf<html><body>x</body></html>", "html"),
        ("README", b"Camp Ashraf\n\nBody", "text"),
        ("Statement 08.04.2011", b"Camp Ashraf\n\nBody", "text"),
        ("page", b"<html><head><title>x</title></head></html>", "html"),
        ("story.php", b"<!doctype html><html><body>x</body></html>", "html"),
        ("story.aspx", b"\n<head><title>x</title></head><body>x</body>", "html"),
        ("utf16-page", codecs.BOM_UTF16_LE + "<html><body>x".encode("utf-16-le"), "html"),
    ],
)
def test_kind_of(name, data, expected):
    assert kind_of(Path(name), data).name == expected


@pytest.mark.parametrize(
    "name,data,reason",
    [
        ("report.pdf", PDF, "unsupported file type .pdf"),
        ("REPORT.PDF", b"not even a PDF", "unsupported file type .pdf"),
        ("photo.jpg", JPEG, "unsupported file type .jpg"),
        ("article.docx", b"PK\x03\x04", "unsupported file type .docx"),
        ("data.csv", b"date,title\n2011-04-08,Raid\n", "unsupported file type .csv"),
        ("notes.txt", PNG, "binary file (looks like PNG)"),
        ("page.html", PDF, "binary file (looks like PDF)"),
        ("scan", JPEG, "binary file (looks like JPEG)"),
    ],
)
def test_kind_of_refuses(name, data, reason):
    with pytest.raises(BadFile) as caught:
        kind_of(Path(name), data)
    assert str(caught.value) == reason


def test_the_built_in_kinds_and_their_suffixes():
    assert [kind.name for kind in kinds.kinds()] == ["html", "text"]
    assert kinds.suffixes() == {".html", ".htm", ".xhtml", ".shtml", ".txt", ".text", ".md"}
    assert kinds.get("html").markup and not kinds.get("text").markup


def test_a_suffix_belongs_to_one_kind():
    with pytest.raises(ValueError, match="suffix .txt is already read as text"):
        kinds.register(Kind("notes", {".txt"}, lambda text, rel, day_first: []))


def test_the_fallback_kind_stays():
    with pytest.raises(ValueError, match="cannot be unregistered"):
        kinds.unregister("text")


# --- a new kind: one parser and one register call ---------------------------------------------


def parse_csv(text: str, rel: str, *, day_first: bool = True) -> list[Clipping]:
    """A toy kind: one clipping per "date,title,body" row after the header."""
    from indexer.dates import parse_date

    rows = [line.split(",", 2) for line in text.splitlines()[1:] if line.count(",") >= 2]
    return [
        Clipping(rel, n, title, body, parse_date(day, day_first=day_first), "header")
        for n, (day, title, body) in enumerate(rows, 1)
    ]


CSV = Kind("csv", {".csv"}, parse_csv, sniff=lambda head: head.startswith(b"date,title,body"))
ROWS = b"date,title,body\n08/04/2011,Raid on the camp,Troops entered the camp at dawn.\n"


@pytest.fixture()
def csv_kind():
    kinds.register(CSV)
    yield CSV
    kinds.unregister("csv")


def test_a_registered_kind_is_parsed_and_sniffed(csv_kind, tmp_path):
    (tmp_path / "alerts.csv").write_bytes(ROWS)
    (tmp_path / "alerts").write_bytes(ROWS)  # no suffix: sniffed
    for name in ("alerts.csv", "alerts"):
        parsed = parse_file(tmp_path / name, name, Gazetteer([]))
        assert parsed.skipped is None
        assert [(c.id, c.title, c.date) for c in parsed.clippings] == [
            (f"{name}#1", "Raid on the camp", "2011-04-08")
        ]
    assert kind_of("alerts.csv", ROWS) is csv_kind
    with pytest.raises(BadFile, match=r"binary file \(looks like PNG\)"):
        kind_of("alerts.csv", b"\x89PNG\r\n\x1a\n")


def test_the_indexer_takes_a_registered_kind_without_other_edits(csv_kind, tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "alerts.csv").write_bytes(ROWS)
    (corpus / "note.txt").write_text("A note\n\nThe convoy crossed the border at dawn.\n")
    report = update_index(corpus, tmp_path / "index", procs=1)
    assert (report.added, report.skipped) == (2, [])
    engine = SearchEngine(tmp_path / "index")
    try:
        hits = engine.search("raid").hits
    finally:
        engine.close()
    assert [(hit.id, hit.date) for hit in hits] == [("alerts.csv#1", "2011-04-08")]


def test_the_day_order_reaches_a_registered_parser(csv_kind, tmp_path):
    from indexer.settings import Settings

    (tmp_path / "alerts.csv").write_bytes(ROWS)
    parsed = parse_file(tmp_path / "alerts.csv", "alerts.csv", None, Settings(day_first=False))
    assert [c.date for c in parsed.clippings] == ["2011-08-04"]


def test_unregistering_a_kind_restores_the_old_behaviour(tmp_path):
    (tmp_path / "alerts.csv").write_bytes(ROWS)
    kinds.register(CSV)
    assert parse_file(tmp_path / "alerts.csv", "alerts.csv", None).clippings
    assert kinds.unregister("csv") is CSV
    parsed = parse_file(tmp_path / "alerts.csv", "alerts.csv", None)
    assert (parsed.clippings, parsed.skipped) == ([], "unsupported file type .csv")
    with pytest.raises(BadFile, match="unsupported file type .csv"):
        kind_of("alerts.csv", ROWS)
    assert kind_of("alerts", ROWS).name == "text"
