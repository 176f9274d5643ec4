"""The timeline as a keyboard, screen-reader and phone user meets it, in Debian's Chromium.

The years chart's Tab stop and arrow keys are in test_browser.py; these cover a chart by month
with an empty month between two matches, one period, text size, contrast and no JavaScript.
Skipped with test_browser.py when /usr/bin/chromium is missing.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests import test_browser

pytestmark = pytest.mark.browser

# The server over tests/fixtures/search_corpus and the browser, as test_browser.py starts them.
server = test_browser.server
browser = test_browser.browser
open_filters = test_browser.open_filters

# "refugees" matches April and June 2011: a chart by month with an empty May between.
MONTHS_QUERY = "/?q=refugees"

# The WCAG relative luminance of a computed `rgb(r, g, b)` colour, and a contrast ratio.
CONTRAST = """([fg, bg]) => {
    const luminance = (css) => {
        const [r, g, b] = css.match(/\\d+(\\.\\d+)?/g).slice(0, 3).map(Number).map((v) => {
            v /= 255;
            return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
        });
        return 0.2126 * r + 0.7152 * g + 0.0722 * b;
    };
    const [a, b] = [luminance(fg), luminance(bg)].sort((x, y) => y - x);
    return (a + 0.05) / (b + 0.05);
}"""

# The colour a bar is drawn on: the first ancestor with an opaque background.
BACKDROP = """(bar) => {
    for (let el = bar.parentElement; el; el = el.parentElement) {
        const colour = getComputedStyle(el).backgroundColor;
        if (colour !== "transparent" && !colour.startsWith("rgba(0, 0, 0, 0)")) return colour;
    }
    return "rgb(255, 255, 255)";
}"""


def tab_stops(page) -> list[str]:
    """The periods of the bars Tab lands on, from the query box to the end of the page."""
    page.get_by_label("Query").focus()
    stops = []
    for _ in range(200):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement === document.body"):
            break
        stops.append(page.evaluate("document.activeElement.dataset.period || ''"))
    return [stop for stop in stops if stop]


@pytest.mark.parametrize("width", [320, 1280])
def test_a_chart_by_month_skips_the_empty_month_and_narrows_to_a_month(server, browser, width):
    page = browser.new_page(viewport={"width": width, "height": 900})
    page.goto(server + MONTHS_QUERY)
    open_filters(page)
    chart = page.locator(".timeline")
    box = chart.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= width
    assert page.evaluate("document.documentElement.scrollWidth <= innerWidth")
    expect(page.get_by_role("heading", name="Over time")).to_be_visible()
    expect(
        page.get_by_role("list", name="Clippings per month, April 2011 to June 2011")
    ).to_be_visible()
    bars = chart.get_by_role("link")
    expect(bars).to_have_count(2)  # May has no clipping: a gap, not a link
    expect(bars.nth(0)).to_have_accessible_name("April 2011: 1 clipping")
    expect(bars.nth(1)).to_have_accessible_name("June 2011: 1 clipping")
    expect(chart.locator(".tick")).to_have_text(["Apr2011", "May", "Jun"])  # year under Apr
    assert tab_stops(page) == ["2011-04"]  # one Tab stop, on the first month with clippings
    page.locator('.timeline a[data-period="2011-04"]').focus()
    page.keyboard.press("ArrowRight")  # over the empty May
    focused = page.locator(".timeline a.bar:focus")
    expect(focused).to_have_attribute("data-period", "2011-06")
    expect(focused).to_have_accessible_name("June 2011: 1 clipping")
    page.keyboard.press("ArrowLeft")
    expect(focused).to_have_attribute("data-period", "2011-04")
    page.keyboard.press("End")
    page.keyboard.press("Enter")
    expect(page.locator(".chips")).to_contain_text("date: 2011-06")
    expect(page.locator(".hit")).to_have_count(1)
    page.close()


@pytest.mark.parametrize("width", [320, 1920])
def test_one_period_is_one_narrow_labelled_bar_and_text_keeps_its_size(server, browser, width):
    page = browser.new_page(viewport={"width": width, "height": 900})
    page.goto(server + "/?q=date:2011-04")
    open_filters(page)
    chart = page.locator(".timeline")
    bar = chart.locator("a.bar")
    expect(bar).to_have_count(1)
    expect(bar).to_have_accessible_name("April 2011: 1 clipping")
    expect(chart.locator(".tick")).to_have_text("Apr2011")
    assert "…" not in chart.inner_text()
    assert bar.bounding_box()["width"] <= 48  # a bar, not the chart's whole width
    sizes = chart.locator(".tick, .scale span").evaluate_all(
        "els => els.map(el => parseFloat(getComputedStyle(el).fontSize))"
    )
    assert sizes and all(11 <= size <= 13 for size in sizes)  # .75rem at every width
    page.close()


def test_bars_stand_out_from_the_page_at_three_to_one(server, browser):
    for width in (360, 1280):  # on a phone the chart sits in the white Filters box
        page = browser.new_page(viewport={"width": width, "height": 900})
        page.goto(server + "/")
        open_filters(page)
        for bar in page.locator(".timeline a.bar").all():
            colour = bar.evaluate("el => getComputedStyle(el).backgroundColor")
            ratio = page.evaluate(CONTRAST, [colour, bar.evaluate(BACKDROP)])
            assert ratio >= 3, (width, colour, ratio)
        page.close()


def test_a_bar_narrows_the_search_without_javascript(server, browser):
    context = browser.new_context(java_script_enabled=False, viewport={"width": 360, "height": 900})
    page = context.new_page()
    page.goto(server + MONTHS_QUERY)
    open_filters(page)
    page.get_by_role("link", name="June 2011: 1 clipping").click()
    expect(page.locator(".chips")).to_contain_text("date: 2011-06")
    assert "date%3A2011-06" in page.url
    context.close()
