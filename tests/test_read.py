"""Reading clipping files and decoding bytes the way users' archives
hold them (fixtures in tests/fixtures/encodings, written by make_fixtures.py there)."""

from __future__ import annotations

import codecs
import os
from pathlib import Path

import pytest

import indexer.read
from indexer.clipping import BadFile
from indexer.read import decode, read_clipping_bytes, read_file

ENCODINGS = Path(__file__).parent / "fixtures" / "encodings"

UNICODE = "Camp Ashraf — “معسكر أشرف” — Лагерь Ашраф\nThe camp’s residents …\n"
WESTERN = (
    "Families wait at the gate of Camp Ashraf\n"
    "\n"
    "“We only want to talk to them,” one mother said… The camp’s leadership — "
    "based in Paris — says the visits are staged.\n"
)


def fixture(name: str) -> bytes:
    return (ENCODINGS / name).read_bytes()


# --- decode: encodings ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name,expected",
    [
        ("utf8.txt", UNICODE),
        ("utf8-bom.txt", UNICODE),
        ("utf16le-bom.txt", UNICODE),
        ("utf16be-bom.txt", UNICODE),
        ("utf16le-nobom.txt", UNICODE),
        ("utf16be-nobom.txt", UNICODE),
        ("utf32le-bom.txt", UNICODE),
        ("cp1252-crlf.txt", WESTERN),
        ("cp1252-short.txt", "“Yes” — he said…\n"),
        (
            "cp1252-french.txt",
            "Le ministre a déclaré à la presse : « la délégation arrivera à Bagdad vendredi ».\n",
        ),
        ("cp1256.txt", "معسكر أشرف في العراق\nقالت الحكومة العراقية إن السكان سيغادرون المعسكر.\n"),
        ("cp1256-short.txt", "معسكر أشرف\n"),
        ("cp1251.txt", "Лагерь Ашраф в Ираке, сообщает правительство.\n"),
        ("cp1250.txt", "Rząd iracki poinformował, że mieszkańcy obozu zostaną przeniesieni.\n"),
    ],
)
def test_decode_text_files(name, expected):
    assert decode(fixture(name)) == expected


def test_windows_1252_punctuation_comes_through_exactly():
    text = decode(fixture("cp1252-crlf.txt"))
    assert "“We only want to talk to them,”" in text
    assert "said…" in text
    assert " — based in Paris — " in text
    assert "camp’s" in text
    assert "\r" not in text


@pytest.mark.parametrize(
    "name,title,paragraph",
    [
        ("cp1252-meta.html", "The camp’s gate", "“We only want to talk to them,” one mother said…"),
        ("latin1-http-equiv.html", "Café — “quoted”", "Déjà vu…"),
        ("cp1256-meta.html", "معسكر أشرف", "قالت الحكومة العراقية"),
        # Declares UTF-8 but is Windows-1252: the declaration does not decode, detection does.
        (
            "mislabelled-utf8.html",
            "The camp’s gate",
            "“We only want to talk to them,” one mother said…",
        ),
    ],
)
def test_decode_html_declaring_a_charset(name, title, paragraph):
    text = decode(fixture(name), html=True)
    assert f"<title>{title}</title>" in text
    assert f"<p>{paragraph}</p>" in text


def test_valid_utf8_wins_over_a_declared_charset():
    page = '<meta charset="windows-1252"><p>“Quoted” …</p>'
    assert decode(page.encode("utf-8"), html=True) == page


def test_an_unknown_declared_charset_is_ignored():
    page = '<meta charset="x-no-such-charset"><p>“Quoted” … — the camp’s gate</p>'
    assert decode(page.encode("cp1252"), html=True) == page


@pytest.mark.parametrize(
    "data,expected",
    [
        (b"Camp\r\nAshraf\rcloses\n", "Camp\nAshraf\ncloses\n"),
        (b"Page one\fPage two", "Page one\nPage two"),
        # Windows-1252 punctuation that went through Latin-1 into UTF-8 (U+0093, U+0094, U+0085).
        ("\u0093Quoted\u0094 \u0085".encode(), "“Quoted” …"),
        (b"Camp Ashraf\x07 closes after a long standoff with the Iraqi forces.\x1a", None),
    ],
)
def test_decode_cleans_text(data, expected):
    expected = expected or "Camp Ashraf closes after a long standoff with the Iraqi forces."
    assert decode(data) == expected


# --- decode: refusals -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name,reason",
    [
        ("empty.txt", "empty file"),
        ("whitespace.txt", "empty file"),
        ("bom-only.txt", "empty file"),
        ("image.png", "binary file (looks like PNG)"),
        ("document.pdf", "binary file (looks like PDF)"),
        ("random.bin", "binary file"),
    ],
)
def test_decode_refuses_files(name, reason):
    with pytest.raises(BadFile) as caught:
        decode(fixture(name))
    assert str(caught.value) == reason


@pytest.mark.parametrize(
    "data,reason",
    [
        (b"PK\x03\x04\x14\x00\x06\x00", "binary file (looks like ZIP)"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", "binary file (looks like JPEG)"),
        (b"GIF87a\x01\x00", "binary file (looks like GIF)"),
        (b"GIF89a\x01\x00", "binary file (looks like GIF)"),
        (b"\x1f\x8b\x08\x00", "binary file (looks like gzip)"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1\x00", "binary file (looks like MS Office)"),
        (b"\x7fELF\x02\x01\x01\x00" + bytes(56), "binary file (looks like ELF)"),
        (b"\x00" * 200 + b"abc" + b"\x00" * 200, "binary file"),
        (codecs.BOM_UTF16_LE + " \n\t".encode("utf-16-le"), "empty file"),
        (b"\x00\x00\x00\x00", "binary file"),
        (b"Camp Ashraf\x01\x02\x03\x04\x05 closes", "binary file"),
        (bytes(range(0x80, 0x100)) * 4, "cannot detect the text encoding"),
    ],
)
def test_decode_refuses_bytes(data, reason):
    with pytest.raises(BadFile) as caught:
        decode(data)
    assert str(caught.value) == reason


# --- read_clipping_bytes ----------------------------------------------------------------------


def test_read_clipping_bytes(tmp_path):
    path = tmp_path / "clip.txt"
    path.write_bytes(b"Camp Ashraf\n")
    assert read_clipping_bytes(path) == b"Camp Ashraf\n"
    assert read_clipping_bytes(path, limit=12) == b"Camp Ashraf\n"


def test_a_file_over_the_limit_is_too_large(tmp_path):
    path = tmp_path / "huge.html"
    with open(path, "wb") as handle:
        handle.truncate(25 * 1024 * 1024)  # sparse: no 25 MB written
    with pytest.raises(BadFile) as caught:
        read_clipping_bytes(path)
    assert str(caught.value) == "too large (25 MB; limit 20 MB)"


@pytest.mark.parametrize(
    "make,reason",
    [
        (lambda tmp: tmp, "not a regular file"),
        (lambda tmp: tmp / "gone.txt", "vanished before it could be read"),
    ],
)
def test_unreadable_paths(tmp_path, make, reason):
    with pytest.raises(BadFile) as caught:
        read_clipping_bytes(make(tmp_path))
    assert str(caught.value) == reason


def test_permission_denied_is_reported(tmp_path, monkeypatch):
    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(indexer.read.os, "open", refuse)
    with pytest.raises(BadFile) as caught:
        read_clipping_bytes(tmp_path / "locked.txt")
    assert str(caught.value) == "unreadable: permission denied"


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root reads any file")
def test_a_file_without_read_permission(tmp_path):
    path = tmp_path / "locked.txt"
    path.write_text("Camp Ashraf")
    path.chmod(0)
    try:
        with pytest.raises(BadFile) as caught:
            read_clipping_bytes(path)
    finally:
        path.chmod(0o644)
    assert str(caught.value) == "unreadable: permission denied"


def test_a_stray_nul_in_utf8_text_is_dropped():
    text = "The caf\u00e9 reopened on Monday, officials said at noon.\n"
    assert decode(text.replace("on ", "on \x00").encode()) == text


def test_a_fifo_is_refused_without_waiting_for_a_writer(tmp_path):
    os.mkfifo(tmp_path / "pipe.txt")
    with pytest.raises(BadFile) as caught:
        read_clipping_bytes(tmp_path / "pipe.txt")  # a blocking open would hang here
    assert str(caught.value) == "not a regular file"


def test_read_file_gives_the_stat_of_what_it_read(tmp_path):
    path = tmp_path / "clip.txt"
    path.write_bytes(b"Camp Ashraf\n")
    data, info = read_file(path)
    assert (data, info.st_size, info.st_mtime_ns) == (b"Camp Ashraf\n", 12, path.stat().st_mtime_ns)
