"""The main flow in a real browser: Playwright driving Debian's Chromium against `clippings serve`.

Skipped when /usr/bin/chromium is missing, unless CLIPPINGS_REQUIRE_BROWSER is set (as in CI).
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.request import urlopen

import pytest

CHROMIUM = Path(os.environ.get("CLIPPINGS_CHROMIUM", "/usr/bin/chromium"))

pytestmark = pytest.mark.browser

if not CHROMIUM.exists():
    if os.environ.get("CLIPPINGS_REQUIRE_BROWSER"):
        raise RuntimeError(
            f"{CHROMIUM} is missing: install Debian's chromium (apt-get install chromium)"
        )
    pytest.skip(f"{CHROMIUM} is missing (apt-get install chromium)", allow_module_level=True)

from playwright.sync_api import expect, sync_playwright  # noqa: E402


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def serving(index: Path) -> Iterator[str]:
    """`clippings serve` in a subprocess, exactly as a user starts it; yields its address."""
    port = free_port()
    script = Path(sys.executable).with_name("clippings")
    process = subprocess.Popen(
        [script, "serve", "--index", str(index), "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            urlopen(url + "/api/search?q=", timeout=1).read()
            break
        except OSError:
            if time.monotonic() > deadline or process.poll() is not None:
                process.kill()
                raise RuntimeError(process.stdout.read().decode()) from None
            time.sleep(0.2)
    yield url
    process.terminate()
    process.wait(timeout=10)
    process.stdout.close()


@pytest.fixture(scope="module")
def server(search_index):
    with serving(search_index) as url:
        yield url


@pytest.fixture(scope="module")
def sample_server(sample_index):
    """The server over the sample archive, whose reposted pair is a near-duplicate group."""
    with serving(sample_index) as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"],
        )  # fmt: skip
        yield browser
        browser.close()


def test_typing_a_query_shows_highlighted_results(server, browser):
    page = browser.new_page()
    page.goto(server + "/")
    page.get_by_label("Query").fill("refugees")
    page.get_by_role("button", name="Search").click()
    expect(page.locator(".bar .count")).to_contain_text("2 clippings match refugees")
    first = page.locator(".hit").first
    expect(first.locator("h3")).to_have_text("Refugees leave the camp")
    expect(first.locator("h3 mark")).to_have_text("Refugees")
    expect(page.locator(".hit").nth(1).locator(".snippet mark").first).to_have_text("refugees")
    expect(page.get_by_label("Query")).to_have_value("refugees")
    page.close()


def test_a_question_with_no_clipping_holding_every_word_lands_on_its_answer(sample_server, browser):
    page = browser.new_page()
    page.goto(sample_server + "/")
    question = "What happened to the residents of Camp Ashraf after the Iraqi raid in April 2011?"
    page.get_by_label("Query").fill(question)
    page.get_by_role("button", name="Search").click()
    expect(page.locator(".relaxed")).to_contain_text("none has all of them")
    expect(page.locator(".relaxed")).to_contain_text("Not searched: What, after")
    first = page.locator(".hit").first
    expect(first.locator("h3")).to_have_text(
        "Iraqi troops raid Camp Ashraf; residents report deaths"
    )
    expect(first.locator(".missing")).to_have_text("Missing: happened")
    page.locator(".relaxed").get_by_role("link", name="Require every word").click()
    expect(page.locator("p.count")).to_contain_text("No clippings match")
    expect(page.get_by_label("every word")).to_be_checked()
    page.close()


def test_a_misspelled_query_shows_the_suggestion_and_follows_it(server, browser):
    page = browser.new_page()
    page.goto(server + "/")
    page.get_by_label("Query").fill("refugess")
    page.get_by_role("button", name="Search").click()
    suggestion = page.locator(".suggestion")
    expect(suggestion).to_contain_text("Showing results for refugees — search instead for refugess")
    expect(page.locator(".bar .count")).to_contain_text("2 clippings match refugees")
    expect(page.locator(".hit").first.locator("h3 mark")).to_have_text("Refugees")
    suggestion.get_by_role("link", name="refugess").click()  # as typed: not corrected again
    expect(page.locator("p.count")).to_contain_text("No clippings match refugess")
    expect(page.get_by_label("Query")).to_have_value("refugess")
    expect(page.locator(".suggestion")).to_have_text("Did you mean refugees?")
    page.locator(".suggestion").get_by_role("link", name="refugees").click()
    expect(page.locator(".bar .count")).to_contain_text("2 clippings match refugees")
    expect(page.locator(".suggestion")).to_have_count(0)
    expect(page.get_by_label("Query")).to_have_value("refugees")
    page.close()


def test_entity_search_and_clipping_page(server, browser):
    page = browser.new_page()
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(server + "/?q=entity:PMOI")
    expect(page.locator(".hit")).to_have_count(3)
    page.goto(server + "/?q=markup")
    page.locator(".hit h3 a").first.click()
    expect(page.locator("article.clipping h1")).to_contain_text('<script>alert("title")</script>')
    expect(page.locator(".body")).to_contain_text("<img src=x onerror=alert(1)>")
    expect(page.locator(".body mark").first).to_have_text("markup")
    assert dialogs == []  # nothing in the clipping ran
    page.close()


def test_facets_filters_and_entity_pages(server, browser):
    page = browser.new_page()
    page.goto(server + "/?q=PMOI")
    expect(page.locator(".expanded")).to_contain_text("PMOI → ")
    expect(page.locator(".hit")).to_have_count(3)
    page.locator('[data-facet="places"] a', has_text="Camp Ashraf").click()
    expect(page.locator(".chips")).to_contain_text("entity: Camp Ashraf")
    expect(page.locator(".hit")).to_have_count(1)
    page.locator(".filter a").click()  # remove the filter again
    expect(page.locator(".hit")).to_have_count(3)
    page.get_by_label("also other names").uncheck()
    page.get_by_role("button", name="Search").click()
    expect(page.locator(".hit")).to_have_count(1)
    page.get_by_role("link", name="Names").click()
    page.get_by_role("link", name="People's Mojahedin Organization of Iran").click()
    expect(page.locator("h1")).to_contain_text("People's Mojahedin Organization of Iran")
    expect(page.locator(".hit")).to_have_count(3)
    expect(page.locator(".related")).to_contain_text("Camp Ashraf")
    page.close()


def test_timeline_feed_and_exports(server, browser):
    page = browser.new_page()
    page.goto(server + "/")
    bars = page.locator(".timeline a.bar")
    expect(bars).to_have_count(3)
    expect(bars.nth(1).locator("title")).to_have_text("2011: 2 clippings")
    bars.nth(1).click()
    expect(page.locator(".chips")).to_contain_text("date: 2011")
    expect(page.locator(".hit")).to_have_count(2)
    expect(page.locator(".undated-note")).to_contain_text("2 undated clippings")
    feed_href = page.get_by_role("link", name="Atom feed").get_attribute("href")
    feed = page.request.get(server + feed_href)
    assert feed.headers["content-type"].startswith("application/atom+xml")
    assert "<title>Refugees leave the camp</title>" in feed.text()
    with page.expect_download() as download:
        page.get_by_role("link", name="CSV").click()
    lines = Path(download.value.path()).read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("id,title,date")
    assert len(lines) == 3  # header and the two matches of date:2011
    page.close()


# Reports every Content-Security-Policy violation as a console error the test can see.
REPORT_CSP_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  console.error(`CSP violation: ${event.violatedDirective} blocked ${event.blockedURI}`);
});
"""


@pytest.mark.parametrize(
    "path",
    ["/", "/?q=camp", "/?q=(camp", "/clipping/markup.html%231?q=markup", "/entities",
     "/entity/Camp%20Ashraf", "/clipping/nope.txt%231"],
)  # fmt: skip
def test_pages_work_under_the_content_security_policy(server, browser, path):
    page = browser.new_page()
    page.add_init_script(REPORT_CSP_VIOLATIONS)
    errors = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    response = page.goto(server + path)
    assert "default-src 'none'" in response.headers["content-security-policy"]
    expect(page.locator("header.top")).to_be_visible()
    # The stylesheet applied: the header is laid out by style.css, not the browser's defaults.
    assert page.locator("header.top").evaluate("e => getComputedStyle(e).display") == "flex"
    page.wait_for_load_state("networkidle")
    assert [e for e in errors if "Content Security Policy" in e or "CSP" in e] == []
    page.close()


def test_a_near_duplicate_group_is_one_hit_that_expands_in_place(sample_server, browser):
    page = browser.new_page()
    page.goto(sample_server + "/?q=families")
    group = page.locator(".hit", has=page.locator("details.similar"))
    expect(group).to_have_count(1)
    summary = group.locator("summary")
    expect(summary).to_have_text("1 similar clipping")
    copy = group.locator("details.similar li a")
    expect(copy).to_be_hidden()
    summary.click()  # opens in place, no request
    expect(copy).to_be_visible()
    expect(copy).to_contain_text("members’ families")
    copy.click()
    expect(page.locator("article.clipping h1")).to_contain_text("members’ families")
    page.go_back()
    page.get_by_label("group near-duplicates").uncheck()
    page.get_by_role("button", name="Search").click()
    expect(page.locator("details.similar")).to_have_count(0)
    expect(page.locator(".hit h3", has_text="members’ families")).to_have_count(2)
    page.close()


def test_a_clipping_page_lists_similar_clippings_and_searches_more_like_it(sample_server, browser):
    page = browser.new_page()
    page.goto(sample_server + "/clipping/pages/ashraf-raid-2011-04-08.html%231")
    similar = page.locator(".more-like-this li a")
    expect(similar).to_have_count(5)
    first = similar.first.inner_text()
    page.get_by_role("link", name="More like this").click()
    expect(page.locator(".bar .count")).to_contain_text("clippings match")
    expect(page.locator(".hit h3", has_text=first).first).to_be_visible()
    page.close()
