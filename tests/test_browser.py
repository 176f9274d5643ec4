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
def serving(index: Path, *options: str) -> Iterator[str]:
    """`clippings serve` in a subprocess, exactly as a user starts it (with `options`, such as
    `--watch --corpus DIR`); yields its address."""
    port = free_port()
    script = Path(sys.executable).with_name("clippings")
    process = subprocess.Popen(
        [script, "serve", "--index", str(index), "--port", str(port), *options],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
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
    process.wait(timeout=20)
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
    page.get_by_label("names as typed").check()
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
    expect(bars.nth(1)).to_have_accessible_name("2011: 2 clippings")
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
    page.get_by_label("every repost").check()
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


# Every page type, on the sample archive: what the widths, axe and Lighthouse checks visit.
PAGE_TYPES = {
    "home": "/",
    "results": "/?q=camp+ashraf",
    "zero results": "/?q=zanzibar+volcano",
    "clipping": "/clipping/pages/ashraf-raid-2011-04-08.html%231?q=camp",
    "names": "/entities",
    "entity": "/entity/Camp%20Ashraf",
}


def open_filters(page) -> None:
    """Unfold the Filters disclosure where the screen is narrow enough to fold it."""
    summary = page.locator("details.filters > summary")
    if summary.count() and summary.is_visible():
        summary.click()


@pytest.mark.parametrize("width", [320, 360, 390, 1280, 1920])
def test_no_page_is_wider_than_the_screen(sample_server, browser, width):
    context = browser.new_context(viewport={"width": width, "height": 800})
    page = context.new_page()
    for name, path in PAGE_TYPES.items():
        page.goto(sample_server + path)
        open_filters(page)
        scroll, inner = page.evaluate("[document.documentElement.scrollWidth, innerWidth]")
        assert scroll <= inner, f"{name} at {width} px is {scroll} px wide"
    context.close()


def test_on_a_phone_the_filters_fold_above_the_results(sample_server, browser):
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    page = context.new_page()
    page.goto(sample_server + "/?q=camp+ashraf")
    summary = page.locator("details.filters > summary")
    expect(summary).to_have_text("Filters")
    expect(page.locator(".facets")).to_be_hidden()
    filters_top = summary.bounding_box()["y"]
    assert filters_top < page.locator(".hit").first.bounding_box()["y"]
    summary.click()
    expect(page.locator('[data-facet="places"]')).to_be_visible()
    page.goto(sample_server + "/entities")  # the Names table reads as a list of names
    first = page.locator("table.entities tbody tr").first
    assert first.evaluate("row => getComputedStyle(row).display") == "block"
    expect(first.locator("td.num")).to_be_visible()
    context.close()


def test_on_a_wide_screen_the_filters_sit_beside_the_results(sample_server, browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(sample_server + "/?q=camp+ashraf")
    expect(page.locator("details.filters > summary")).to_be_hidden()
    facets = page.locator('[data-facet="places"]')
    expect(facets).to_be_visible()
    assert facets.bounding_box()["x"] > page.locator(".hit").first.bounding_box()["x"] + 400
    context.close()


def axe_violations(page) -> list[str]:
    """axe-core's violations on the page as it is now, one line each (rule, impact, elements)."""
    from axe_playwright_python.base import AXE_SCRIPT

    page.evaluate(AXE_SCRIPT)
    result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{v['id']} ({v['impact']}): {v['help']}: {[n['target'] for n in v['nodes']][:5]}"
        for v in result["violations"]
    ]


@pytest.mark.parametrize("width", [390, 1280])
@pytest.mark.parametrize("name", list(PAGE_TYPES))
def test_every_page_type_passes_axe(sample_server, browser, name, width):
    context = browser.new_context(viewport={"width": width, "height": 800})
    page = context.new_page()
    page.goto(sample_server + PAGE_TYPES[name])
    open_filters(page)
    assert axe_violations(page) == []
    context.close()


def test_every_page_has_one_h1_and_a_skip_link_that_lands(sample_server, browser):
    page = browser.new_page()
    for name, path in PAGE_TYPES.items():
        page.goto(sample_server + path)
        expect(page.locator("h1"), name).to_have_count(1)
        skip = page.locator("a.skip")
        first = page.evaluate_handle("document.querySelector('a[href], button, input, select')")
        assert first.evaluate("e => e.classList.contains('skip')"), name  # first in Tab order
        assert skip.bounding_box()["y"] < 0  # out of sight until focused
        skip.focus()
        expect(skip).to_be_in_viewport()
        page.keyboard.press("Enter")
        target = skip.get_attribute("href")
        assert page.evaluate("location.hash") == target
        expect(page.locator(target)).to_be_focused()  # the page was not fetched again
    page.close()


def test_results_update_as_you_type(server, browser):
    page = browser.new_page()
    page.goto(server + "/")
    expect(page.locator(".bar .count")).to_contain_text("newest first")
    page.evaluate("window.samePage = true")  # gone if the browser loads a new page
    box = page.get_by_label("Query")
    box.click()
    for letter in "refugees":
        page.keyboard.type(letter)
        page.wait_for_timeout(60)
    expect(page.locator(".bar .count")).to_contain_text("2 clippings match refugees")
    expect(page.locator(".hit").first.locator("h3 mark")).to_have_text("Refugees")
    assert page.evaluate("window.samePage") is True
    assert page.url.endswith("/?q=refugees")
    expect(page).to_have_title("refugees – Clippings search")
    expect(box).to_be_focused()
    page.keyboard.press("Escape")  # clears the box, and the newest clippings come back
    expect(box).to_have_value("")
    expect(page.locator(".bar .count")).to_contain_text("newest first")
    page.go_back()
    expect(page.locator(".bar .count")).to_contain_text("2 clippings match refugees")
    expect(box).to_have_value("refugees")
    page.go_back()
    expect(page.locator(".bar .count")).to_contain_text("newest first")
    assert page.evaluate("window.samePage") is True
    page.close()


def test_slash_focuses_the_search_box(server, browser):
    page = browser.new_page()
    page.goto(server + "/?q=camp")
    box = page.get_by_label("Query")
    page.locator("h1").focus()
    page.locator("body").click(position={"x": 5, "y": 300})
    expect(box).not_to_be_focused()
    page.keyboard.press("/")
    expect(box).to_be_focused()
    expect(box).to_have_value("camp")  # the key was not typed into the box
    toggle = page.get_by_label("Keyboard shortcut")  # WCAG 2.1.4: it can be turned off
    expect(toggle).to_be_checked()
    toggle.uncheck()
    page.reload()  # the choice is kept in this browser
    expect(toggle).not_to_be_checked()
    page.locator("h1").focus()
    page.keyboard.press("/")
    expect(box).not_to_be_focused()
    page.close()


def test_the_form_works_without_javascript(server, browser):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(server + "/")
    page.get_by_label("Query").fill("refugees")
    page.get_by_role("button", name="Search").click()
    expect(page.locator(".bar .count")).to_contain_text("2 clippings match refugees")
    assert page.url.endswith("/?q=refugees")  # one parameter per option, none by default
    context.close()


@pytest.mark.parametrize("width", [320, 1280])
def test_the_timeline_is_one_tab_stop_and_arrow_keys_move_between_bars(server, browser, width):
    page = browser.new_page(viewport={"width": width, "height": 900})
    page.goto(server + "/")
    open_filters(page)
    chart = page.locator(".timeline")
    box = chart.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= width
    stops = []
    page.get_by_label("Query").focus()
    for _ in range(40):
        page.keyboard.press("Tab")
        stops.append(page.evaluate("document.activeElement.dataset.period || ''"))
    assert [stop for stop in stops if stop] == ["2010"]  # once, on the first bar
    page.locator('.timeline a[data-period="2010"]').focus()
    page.keyboard.press("ArrowRight")
    focused = page.locator(".timeline a.bar:focus")
    expect(focused).to_have_attribute("data-period", "2011")
    expect(focused).to_have_accessible_name("2011: 2 clippings")
    page.keyboard.press("End")
    expect(focused).to_have_attribute("data-period", "2012")
    page.keyboard.press("Home")
    expect(focused).to_have_attribute("data-period", "2010")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("Enter")  # narrows the search to that year
    expect(page.locator(".chips")).to_contain_text("date: 2011")
    expect(page.locator(".hit")).to_have_count(2)
    page.close()


def test_a_clipping_saved_into_the_watched_folder_appears_without_a_command(browser, tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "camp.txt").write_text("Title: Camp news\n\nThe camp reopened.\n")
    with serving(tmp_path / "index", "--watch", "--corpus", str(corpus), "--workers", "2") as url:
        page = browser.new_page()
        page.goto(url + "/")
        box = page.get_by_label("Query")
        box.fill("zebra")
        expect(page.locator("p.count")).to_contain_text("No clippings match zebra")
        time.sleep(1)  # the watcher is watching
        (corpus / "zebra.txt").write_text("Title: Zebra crossing opens\n\nA zebra crossing.\n")
        deadline = time.monotonic() + 20
        while page.locator(".hit h3", has_text="Zebra crossing opens").count() == 0:
            assert time.monotonic() < deadline, "the saved clipping never showed"
            page.reload()
        expect(page.locator(".hit h3 mark")).to_have_text("Zebra")
        page.close()
