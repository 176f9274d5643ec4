"""Every entry of a corpus is indexed or skipped with a one-line reason, whatever its name, type
or content; a bad entry never stops a run or hides the good files (issue 8).

Odd names and special files cannot be committed to git, so they are made here at test time;
small odd contents live in tests/fixtures/bad_files.
"""

from __future__ import annotations

import html
import json
import os
import re
import socket
import stat
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import pytest
from click.testing import CliRunner

import indexer.update
from clippings.cli import main
from indexer.read import MAX_BYTES
from tests.conftest import FIXTURES
from webui.app import create_app

BAD = FIXTURES / "bad_files"
GOOD = ("good.txt", "Good clipping", "The refugees crossed the border at dawn.")
TEXT = b"%s\n\nThe convoy crossed the border at dawn, officials said.\n"
AS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0
NO_TEXT = "no text: the page holds no article or listing text"


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


def at(corpus: Path, name: bytes) -> bytes:
    """The real (bytes) path of `name` in `corpus`."""
    return os.path.join(os.fsencode(corpus), name)


def write(name: bytes, data: bytes) -> Callable[[Path], None]:
    """Maker of one file with a bytes name (folders made as needed)."""

    def make(corpus: Path) -> None:
        path = at(corpus, name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as handle:
            handle.write(data)

    return make


def titled(name: bytes, title: str) -> Callable[[Path], None]:
    return write(name, TEXT % title.encode())


def fixture(name: str, as_name: str | None = None) -> Callable[[Path], None]:
    return write((as_name or name).encode(), (BAD / name).read_bytes())


def symlink(name: str, target: str) -> Callable[[Path], None]:
    return lambda corpus: os.symlink(target, corpus / name)


def fifo(corpus: Path) -> None:
    os.mkfifo(corpus / "pipe.txt")


def unix_socket(corpus: Path) -> None:
    here = os.getcwd()
    os.chdir(corpus)  # a socket's path must fit in 108 bytes: bind a relative one
    try:
        with socket.socket(socket.AF_UNIX) as listener:
            listener.bind("listener.txt")
    finally:
        os.chdir(here)


def unreadable(corpus: Path) -> None:
    (corpus / "locked.txt").write_bytes(TEXT % b"Locked")
    (corpus / "locked.txt").chmod(0)


def huge(corpus: Path) -> None:
    with open(corpus / "huge.txt", "wb") as handle:
        handle.truncate(MAX_BYTES + 1024 * 1024)  # sparse: cheap to make, 21 MB to read


def clash(corpus: Path) -> None:
    """Two real names shown the same way: Latin-1 bytes, and the escape typed literally."""
    write(b"na\xefve.txt", TEXT % b"Latin-1 name")(corpus)
    write(b"na\\xefve.txt", TEXT % b"Literal name")(corpus)


def deep_folders(corpus: Path, top: bytes, total: int) -> None:
    """Nested 200-byte folder names until the corpus-relative folder path is about `total`
    bytes long, made relative to open folders so the full path may pass PATH_MAX."""
    part = b"d" * 200
    os.mkdir(at(corpus, top))
    fd = os.open(at(corpus, top), os.O_RDONLY | os.O_DIRECTORY)
    rel = top + b"/"
    try:
        while len(rel) + len(part) + 1 < total:
            os.mkdir(part, dir_fd=fd)
            fd, old = os.open(part, os.O_RDONLY | os.O_DIRECTORY, dir_fd=fd), fd
            os.close(old)
            rel += part + b"/"
        with open(os.open("deep.txt", os.O_WRONLY | os.O_CREAT, 0o644, dir_fd=fd), "wb") as f:
            f.write(TEXT % b"Deep down")
    finally:
        os.close(fd)


NEAR = 3600  # corpus-relative bytes: under PATH_MAX (4096) below a corpus path of < 400 bytes
DEEP_NEAR = "near/" + ("d" * 200 + "/") * ((NEAR - 5) // 201) + "deep.txt"


def near_path_max(corpus: Path) -> None:
    assert len(os.fsencode(corpus)) < 4096 - NEAR - len("deep.txt")
    deep_folders(corpus, b"near", NEAR)


def beyond_path_max(corpus: Path) -> None:
    deep_folders(corpus, b"far", 4300)


@dataclass(frozen=True)
class Kind:
    """One kind of corpus entry and what a user sees of it: its clipping, or its skip line."""

    label: str
    make: Callable[[Path], None]
    shown: str  # the corpus-relative path as the index and the summary show it
    title: str | None = None  # indexed: the clipping's title
    reason: str | None = None  # skipped: the one-line reason
    pattern: bool = False  # `shown` is a regular expression (the depth depends on tmp_path)


LONG = "n" * 251 + ".txt"  # NAME_MAX is 255 bytes
KINDS = [
    # Names
    Kind("latin-1 name", titled(b"caf\xe9.txt", "Latin-1 name"), r"caf\xe9.txt", "Latin-1 name"),
    Kind("latin-1 folder", titled(b"r\xe9sum\xe9/a.txt", "In a Latin-1 folder"),
         r"r\xe9sum\xe9/a.txt", "In a Latin-1 folder"),
    Kind("newline in name", titled(b"two\nlines.txt", "Newline name"), r"two\nlines.txt",
         "Newline name"),
    Kind("controls in name", titled(b"tab\tesc\x1bdel\x7f.txt", "Control name"),
         r"tab\tesc\x1bdel\x7f.txt", "Control name"),
    Kind("C1 control in name", titled("nel\x85.txt".encode(), "C1 name"), r"nel\u0085.txt",
         "C1 name"),
    Kind("bidi override in name", titled("evil\u202eexe.txt".encode(), "Bidi name"),
         r"evil\u202eexe.txt", "Bidi name"),
    Kind("newline in folder", titled(b"new\nfolder/b.txt", "Newline folder"),
         r"new\nfolder/b.txt", "Newline folder"),
    Kind("URL characters and backslash", titled(b"50% off? #1 a\\b.txt", "URL name"),
         "50% off? #1 a\\b.txt", "URL name"),
    Kind("Persian with ZWNJ", titled("می\u200cخواهم.txt".encode(), "Persian name"),
         "می\u200cخواهم.txt", "Persian name"),
    Kind("255-byte name", titled(LONG.encode(), "Long name"), LONG, "Long name"),
    Kind("255 undecodable bytes", titled(b"\xff" * 251 + b".txt", "Undecodable name"),
         r"\xff" * 251 + ".txt", "Undecodable name"),
    Kind("path near PATH_MAX", near_path_max, DEEP_NEAR, "Deep down"),
    Kind("path beyond PATH_MAX", beyond_path_max, "far/(d{200}/)+",
         reason="cannot list folder: file name too long", pattern=True),
    Kind("names shown alike", clash, r"na\xefve.txt", "Literal name",
         "another file is shown under the same name; rename one of them"),
    Kind("uppercase suffix", titled(b"SHOUT.TXT", "Upper suffix"), "SHOUT.TXT", "Upper suffix"),
    Kind("no suffix", titled(b"Statement 08.04.2011", "No suffix"), "Statement 08.04.2011",
         "No suffix"),
    # Special entries
    Kind("unreadable file", unreadable, "locked.txt", reason="unreadable: permission denied"),
    Kind("broken symlink", symlink("broken.txt", "missing.txt"), "broken.txt",
         reason="broken symbolic link"),
    Kind("symlink loop", symlink("loop.txt", "loop.txt"), "loop.txt",
         reason="symbolic link loop"),
    Kind("symlink to a file", symlink("link.txt", "good.txt"), "link.txt", "Good clipping"),
    Kind("symlink to a folder", symlink("elsewhere", "."), "elsewhere",
         reason="link to a folder (not followed)"),
    Kind("FIFO", fifo, "pipe.txt", reason="not a regular file (FIFO)"),
    Kind("socket", unix_socket, "listener.txt", reason="not a regular file (socket)"),
    Kind("device", symlink("zero.txt", "/dev/zero"), "zero.txt",
         reason="not a regular file (character device)"),
    # Contents
    Kind("zero bytes", write(b"empty.txt", b""), "empty.txt", reason="empty file"),
    Kind("only whitespace", write(b"blank.txt", b" \n\t\r\n  \n"), "blank.txt",
         reason="empty file"),
    Kind("huge", huge, "huge.txt", reason="too large (21 MB; limit 20 MB)"),
    Kind("PNG", fixture("image.png"), "image.png", reason="unsupported file type .png"),
    Kind("PDF", fixture("report.pdf"), "report.pdf", reason="unsupported file type .pdf"),
    Kind("PDF named .txt", fixture("report.pdf", "report.txt"), "report.txt",
         reason="binary file (looks like PDF)"),
    Kind("ZIP named .html", fixture("archive.zip", "archive.html"), "archive.html",
         reason="binary file (looks like ZIP)"),
    Kind("ELF without suffix", fixture("program.elf", "program"), "program",
         reason="binary file (looks like ELF)"),
    Kind("stray NUL byte", fixture("stray-nul.txt"), "stray-nul.txt",
         "A clipping with a stray NUL"),
    Kind("mostly NUL bytes", fixture("mostly-nul.txt"), "mostly-nul.txt", reason="binary file"),
    Kind("mixed encodings", fixture("mixed-encodings.txt"), "mixed-encodings.txt",
         "Mixed encodings"),
    Kind("UTF-8 BOM", fixture("utf8-bom.txt"), "utf8-bom.txt", "A clipping behind a BOM"),
    Kind("UTF-16 with BOM", fixture("utf16-bom.txt"), "utf16-bom.txt", "A clipping in UTF-16"),
    Kind("Windows-1252", fixture("cp1252.txt"), "cp1252.txt", "Windows quotes"),
    Kind("HTML without body", fixture("no-body.html"), "no-body.html", reason=NO_TEXT),
    Kind("HTML of scripts only", fixture("only-scripts.html"), "only-scripts.html",
         reason=NO_TEXT),
    Kind("malformed HTML", fixture("malformed.html"), "malformed.html", "Broken page"),
    Kind("10,000 nested divs",
         write(b"nested.html", b"<html><head><title>Deep nesting</title></head><body>"
               + b"<div>" * 10_000 + b"<p>The convoy crossed the border at dawn.</p>"
               + b"</div>" * 10_000 + b"</body></html>"),
         "nested.html", "Deep nesting"),
    Kind("2 MB line", write(b"long-line.txt", b"One long line\n\n" + b"convoy " * 300_000),
         "long-line.txt", "One long line"),
    Kind("HTML named .txt", fixture("html-in-txt.txt"), "html-in-txt.txt",
         "A page saved as text"),
    Kind("text named .html", fixture("text-in-html.html"), "text-in-html.html",
         "A text saved as a page"),
]  # fmt: skip


def make_corpus(root: Path, makers: list[Callable[[Path], None]]) -> Path:
    """A corpus of the good file and whatever `makers` put beside it."""
    corpus = root / "corpus"
    corpus.mkdir()
    name, title, body = GOOD
    (corpus / name).write_text(f"{title}\n\n{body}\n")
    for make in makers:
        make(corpus)
    return corpus


def index(corpus: Path, index_dir: Path) -> tuple[int, list[str]]:
    result = run("index", "--corpus", corpus, "--index", index_dir, "--quiet")
    return result.exit_code, result.output.splitlines()


def clippings(index_dir: Path) -> dict[str, str]:
    """Every clipping a user finds with `clippings search` (copies of one file too): id → title."""
    result = run("search", "--json", "--limit", 1000, "--all-copies", "--index", index_dir, "")
    assert result.exit_code == 0, result.output
    return {hit["id"]: hit["title"] for hit in json.loads(result.output)["hits"]}


def skip_lines(lines: list[str]) -> list[str]:
    return [line for line in lines if line.startswith("  skipped ")]


def expected_skip(kind: Kind) -> str:
    shown = kind.shown if kind.pattern else re.escape(kind.shown)
    return f"  skipped {shown}: {re.escape(kind.reason)}"


def needs(kind: Kind) -> None:
    if kind.label == "unreadable file" and AS_ROOT:
        pytest.skip("root reads files whatever their permissions")


@pytest.mark.parametrize("kind", KINDS, ids=[kind.label for kind in KINDS])
def test_each_kind_is_indexed_or_skipped_with_its_reason(kind, tmp_path):
    needs(kind)
    corpus = make_corpus(tmp_path, [kind.make])

    code, lines = index(corpus, tmp_path / "index")

    assert code == 0
    assert all(line.isprintable() for line in lines)
    skips = 1 if kind.reason else 0
    assert lines[0].endswith(f" removed, {skips} skipped"), lines
    if kind.reason:
        skipped = skip_lines(lines)
        assert len(skipped) == 1 and re.fullmatch(expected_skip(kind), skipped[0]), skipped
    found = {"good.txt#1": "Good clipping"}
    if kind.title:
        found[f"{kind.shown}#1"] = kind.title
    assert clippings(tmp_path / "index") == found


def test_every_kind_in_one_corpus_then_incremental_runs_know_them_again(tmp_path):
    kinds = [kind for kind in KINDS if not (AS_ROOT and kind.label == "unreadable file")]
    corpus = make_corpus(tmp_path, [kind.make for kind in kinds])
    index_dir = tmp_path / "index"
    skipped = sum(1 for kind in kinds if kind.reason)
    indexed = {f"{kind.shown}#1": kind.title for kind in kinds if kind.title}

    code, lines = index(corpus, index_dir)
    assert code == 0
    assert f", 0 removed, {skipped} skipped" in lines[0]
    assert len(skip_lines(lines)) == skipped
    assert clippings(index_dir) == {"good.txt#1": "Good clipping", **indexed}

    code, lines = index(corpus, index_dir)
    assert (code, lines[0].split(": ", 1)[1]) == (
        0,
        f"0 added, 0 updated, {len(indexed) + 1} unchanged, 0 removed, {skipped} skipped",
    )

    os.unlink(at(corpus, b"two\nlines.txt"))
    with open(at(corpus, b"caf\xe9.txt"), "ab") as handle:
        handle.write(b"More about the convoy.\n")
    code, lines = index(corpus, index_dir)
    assert (code, lines[0].split(": ", 1)[1]) == (
        0,
        f"0 added, 1 updated, {len(indexed) - 1} unchanged, 1 removed, {skipped} skipped",
    )
    assert r"two\nlines.txt#1" not in clippings(index_dir)
    assert clippings(index_dir)[r"caf\xe9.txt#1"] == "Latin-1 name"


def test_a_file_that_vanishes_between_scan_and_read_is_skipped(tmp_path, monkeypatch):
    corpus = make_corpus(tmp_path, [titled(b"gone.txt", "Gone")])
    scan = indexer.update.scan_corpus

    def scan_then_delete(folder):
        found = scan(folder)
        (corpus / "gone.txt").unlink()
        return found

    monkeypatch.setattr(indexer.update, "scan_corpus", scan_then_delete)
    code, lines = index(corpus, tmp_path / "index")
    assert code == 0
    assert skip_lines(lines) == ["  skipped gone.txt: vanished before it could be read"]
    assert clippings(tmp_path / "index") == {"good.txt#1": "Good clipping"}


@pytest.mark.skipif(AS_ROOT, reason="root lists folders whatever their permissions")
def test_a_folder_that_cannot_be_listed_is_skipped_and_its_clippings_kept(tmp_path):
    corpus = make_corpus(tmp_path, [titled(b"closed/inside.txt", "Inside")])
    index(corpus, tmp_path / "index")
    (corpus / "closed").chmod(0)
    try:
        code, lines = index(corpus, tmp_path / "index")
    finally:
        (corpus / "closed").chmod(stat.S_IRWXU)
    assert code == 0
    assert skip_lines(lines) == ["  skipped closed/: cannot list folder: permission denied"]
    assert clippings(tmp_path / "index")["closed/inside.txt#1"] == "Inside"


def test_a_folder_moved_past_path_max_keeps_its_clippings_while_it_cannot_be_listed(tmp_path):
    corpus = make_corpus(tmp_path, [near_path_max])
    index_dir = tmp_path / "index"
    index(corpus, index_dir)
    longer = tmp_path / ("x" * 250) / ("y" * 250) / ("z" * 250)
    longer.parent.mkdir(parents=True)
    os.rename(corpus, longer)  # the same corpus under a longer path: its deep folders fail

    code, lines = index(longer, index_dir)

    assert code == 0
    assert "0 removed, 1 skipped" in lines[0]
    assert re.fullmatch(r"  skipped near/(d{200}/)+: cannot list folder: file name too long",
                        skip_lines(lines)[0])  # fmt: skip
    assert clippings(index_dir)[DEEP_NEAR + "#1"] == "Deep down"


# --- the web UI with odd ids ------------------------------------------------------------------

WEB_NAMES = {
    b"50% off? #1.txt": "Percent question hash",
    b"a\\b c.txt": "Backslash and space",
    b"caf\xe9.txt": "Undecodable byte",
    b"two\nlines.txt": "Escaped newline",
    "Ашраф/می\u200cخواهم.txt".encode(): "Non-ASCII",
}


@pytest.fixture(scope="module")
def odd_client(tmp_path_factory):
    root = tmp_path_factory.mktemp("odd")
    corpus = make_corpus(root, [titled(name, title) for name, title in WEB_NAMES.items()])
    code, _ = index(corpus, root / "index")
    assert code == 0
    return create_app({"INDEX_DIR": str(root / "index"), "TESTING": True}).test_client()


def test_results_link_to_each_odd_clipping_page(odd_client):
    page = odd_client.get("/?q=convoy&group=0").get_data(as_text=True)
    links = [html.unescape(href) for href in re.findall(r'<h3><a href="([^"]+)"', page)]
    assert len(links) == len(WEB_NAMES)
    titles = set()
    for link in links:
        response = odd_client.get(link)
        assert response.status_code == 200, link
        titles.add(re.search(r"<h1>(.*?)</h1>", response.get_data(as_text=True)).group(1))
    assert titles == set(WEB_NAMES.values())


def test_api_ids_of_odd_names_open_their_clipping_pages(odd_client):
    hits = odd_client.get("/api/search?q=convoy&group=0").get_json()["hits"]
    ids = {hit["id"]: hit["title"] for hit in hits}
    assert ids == {
        "50% off? #1.txt#1": "Percent question hash",
        "a\\b c.txt#1": "Backslash and space",
        r"caf\xe9.txt#1": "Undecodable byte",
        r"two\nlines.txt#1": "Escaped newline",
        "Ашраф/می\u200cخواهم.txt#1": "Non-ASCII",
    }
    for clipping_id in ids:
        page = odd_client.get("/clipping/" + quote(clipping_id, safe="/"))
        assert page.status_code == 200, clipping_id
        assert f"<dd>{html.escape(clipping_id, quote=False)}</dd>" in page.get_data(as_text=True)
