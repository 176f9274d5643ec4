"""Screenshots of the results page on a phone (390 px) and a desktop (1280 px), for the README.

Run: .venv/bin/python bench/screenshots.py [--out docs/screenshots] [--query "camp ashraf"]

Serves the sample corpus with `clippings serve` (bench/serving.py), opens the results page in
Debian's Chromium driven by Playwright, and writes `results-390.png` (a phone-sized screen,
touch, mobile viewport) and `results-1280.png`, whole pages. On the phone the Filters disclosure is
opened first, so the picture shows the timeline and facets too. Prints each page's width
against the screen's; exit code 1 when a page is wider than its screen.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent))

from serving import ROOT, sample_server  # noqa: E402

CHROMIUM = os.environ.get("CLIPPINGS_CHROMIUM", "/usr/bin/chromium")
SCREENS = {
    390: {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 1, "is_mobile": True,
          "has_touch": True},
    1280: {"viewport": {"width": 1280, "height": 900}},
}  # fmt: skip


def shoot(url: str, query: str, out: Path) -> dict[int, tuple[int, int]]:
    """Write the screenshots; each width's (page width, screen width)."""
    from playwright.sync_api import sync_playwright

    out.mkdir(parents=True, exist_ok=True)
    widths = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        for width, screen in SCREENS.items():
            context = browser.new_context(**screen)
            page = context.new_page()
            page.goto(f"{url}/?{urlencode({'q': query})}")
            summary = page.locator("details.filters > summary")
            if summary.is_visible():
                summary.click()
            widths[width] = tuple(
                page.evaluate("[document.documentElement.scrollWidth, innerWidth]")
            )
            page.screenshot(path=out / f"results-{width}.png", full_page=True)
            context.close()
        browser.close()
    return widths


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    parser.add_argument("--query", default="camp ashraf")
    args = parser.parse_args(argv)
    with sample_server() as url:
        widths = shoot(url, args.query, args.out)
    for width, (page, screen) in widths.items():
        print(
            f"{width} px: page {page} px wide, screen {screen} px -> {args.out}/results-{width}.png"
        )
    return 0 if all(page <= screen for page, screen in widths.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
