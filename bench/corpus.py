"""A reproducible clippings folder of any size, built from AG News, for the speed benchmark.

    build_corpus(Path("bench/out/corpus-100000"), n=100_000, seed=2004) -> CorpusInfo

AG News (`../shared/corpora/agnews`, see its README) holds 17,600 real news items (title and
description). N items up to 17,600 are a seeded sample of them; beyond that, every real item
is used once and the rest are recombined: the title of one real item with the description of
another, drawn from `random.Random(seed)`. The folder then looks like a researcher's archive:

- about 68% HTML article pages, each wrapped in a few hundred words of site chrome (navigation,
  header, aside, footer, scripts, a search form) that varies per site, with
  `article:published_time`, `og:site_name`, `og:title` and `<link rel=canonical>`;
- about 30% plain-text clippings with `Date:` and `Source:` header lines;
- about 2% HTML listing pages holding 5 items each, as repeated `<article>` blocks with
  `<time datetime>`.

Dates are drawn from the seed over 2004-2005 (AG's era); about 4% of the items are undated.
Files sit in sub-folders of at most 1,000 files. A hidden marker file records N, the seed and
what was built; a folder whose marker matches is used as it is.
"""

from __future__ import annotations

import csv
import gzip
import html
import json
import os
import random
import re
import shutil
import time
from dataclasses import asdict, dataclass
from datetime import date, timedelta
from pathlib import Path

GENERATOR_VERSION = 1
MARKER = ".bench-corpus.json"
FILES_PER_FOLDER = 1000
LISTING_SHARE = 0.02
TEXT_SHARE = 0.30
LISTING_ITEMS = 5
UNDATED_SHARE = 0.04
FIRST_DAY = date(2004, 1, 1)
DAYS = (date(2005, 12, 31) - FIRST_DAY).days + 1


@dataclass(frozen=True)
class Item:
    """One news item: AG's title and description, escapes undone."""

    title: str
    description: str


@dataclass
class CorpusInfo:
    """What the folder holds, and whether this run built it."""

    path: str
    n_items: int
    seed: int
    files: int
    real_items: int
    recombined_items: int
    html_articles: int
    text_clippings: int
    listing_pages: int
    listing_items: int
    undated_items: int
    built: bool = False
    build_seconds: float = 0.0
    generator_version: int = GENERATOR_VERSION


def shared_dir() -> Path:
    """The shared folder: $CLIPPINGS_SHARED, else ../shared beside the repository."""
    default = Path(__file__).resolve().parents[1] / ".." / "shared"
    return Path(os.environ.get("CLIPPINGS_SHARED") or default)


def agnews_dir() -> Path:
    return shared_dir() / "corpora" / "agnews"


# --- AG News ----------------------------------------------------------------------------------

_CP1252_NUMBER = re.compile(r"#(\d{2,5});")
_NAMED = re.compile(r" (quot|amp|nbsp|hellip|lt|gt|apos);")


def clean_ag(text: str) -> str:
    """AG's text as written: backslash line breaks, `#39;` and ` quot;` leftovers undone."""
    text = text.replace("\\$", "$")
    text = re.sub(r"\\+", "\n", text)
    text = _NAMED.sub(lambda m: html.unescape(f"&{m.group(1)};"), text)
    text = _CP1252_NUMBER.sub(lambda m: _character(int(m.group(1))), text)
    text = html.unescape(text)
    return " ".join(text.split())


def _character(number: int) -> str:
    if 128 <= number < 160:  # AG's numbers in this range are Windows-1252 (#151; is an em dash)
        return bytes([number]).decode("cp1252", errors="replace")
    return chr(number)


def load_agnews(folder: Path | None = None) -> list[Item]:
    """The 17,600 real items: AG's test split, then NoisyAG's 10,000 train items."""
    folder = folder or agnews_dir()
    items = []
    with gzip.open(folder / "test.csv.gz", "rt", encoding="utf-8", newline="") as handle:
        for _class, title, description in csv.reader(handle):
            items.append(Item(clean_ag(title), clean_ag(description)))
    noisy = folder / "noisyag_samples10000valMed.csv.gz"
    with gzip.open(noisy, "rt", encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            title, _, description = row["text"].partition(" . ")
            items.append(Item(clean_ag(title), clean_ag(description)))
    return [item for item in items if item.title and item.description]


def items_for(n: int, rng: random.Random, real: list[Item]) -> tuple[list[Item], int]:
    """N items in a seeded order, and how many of them are real (the rest are recombined)."""
    if n <= len(real):
        return rng.sample(real, n), n
    chosen = list(real)
    for _ in range(n - len(real)):
        first, second = rng.randrange(len(real)), rng.randrange(len(real) - 1)
        second += second >= first  # never an item's own description
        chosen.append(Item(real[first].title, real[second].description))
    rng.shuffle(chosen)
    return chosen, len(real)


# --- sites and their chrome -------------------------------------------------------------------

SITE_NAMES = [
    ("The Daily Ledger", "dailyledger"),
    ("Northern Courier", "northern-courier"),
    ("Global Wire Review", "globalwire"),
    ("Metro Herald", "metroherald"),
    ("Capital Chronicle", "capitalchronicle"),
    ("Harbour Times", "harbourtimes"),
    ("Valley Gazette", "valleygazette"),
    ("Business Dispatch", "bizdispatch"),
    ("Tech Observer", "techobserver"),
    ("World Affairs Monitor", "worldmonitor"),
    ("The Evening Post", "eveningpost"),
    ("Sports Weekly Digest", "sportsweekly"),
]
WIRES = [
    "Reuters",
    "Associated Press",
    "Agence France-Presse",
    "Bloomberg",
    "Canadian Press",
    "Xinhua",
    "Kyodo News",
    "Deutsche Presse-Agentur",
    "Press Association",
    "United Press International",
]
SECTIONS = (
    "World Europe Americas Asia Africa Middle-East Business Markets Economy Technology Science "
    "Health Sports Football Tennis Golf Politics Opinion Editorials Culture Books Travel Weather "
    "Video Photos Podcasts Obituaries Local Education Environment Energy Autos Property Jobs"
).split()
CHROME_SENTENCES = [
    "{site} is published by {owner} and delivered to subscribers across the region every morning.",
    "All material on this site is protected by copyright and may not be reproduced, distributed "
    "or broadcast without the prior written permission of the publisher.",
    "Reader comments are moderated and may be edited for length, clarity and good taste.",
    "Subscription prices include applicable taxes; delivery charges may apply outside the "
    "metropolitan area and are billed monthly in advance.",
    "To report an error or request a correction, write to the standards editor, who answers "
    "every message within two working days.",
    "Our journalists follow the editors' code of practice, which is available on request and "
    "printed in full in the weekend edition.",
    "Advertising enquiries should be sent to the commercial department; rate cards and audience "
    "figures are updated every quarter.",
    "We use cookies to remember your preferences, to measure how the site is used and to show "
    "advertising that is relevant to you.",
    "You can change your cookie settings at any time from the link at the bottom of every page.",
    "Sign up for the morning briefing and get the day's top stories in your inbox before "
    "breakfast, free of charge.",
    "Download our app for breaking news alerts, the digital edition and the daily crossword.",
    "Follow us for live coverage of elections, storms, markets and every match of the season.",
    "Letters to the editor must include the writer's full name, address and daytime telephone "
    "number; we cannot publish anonymous letters.",
    "Photographs in this edition may be purchased as prints from the picture desk.",
    "The archive holds every edition since the paper was founded, searchable by date and "
    "keyword for registered readers.",
    "Terms of service, privacy policy and accessibility statement are linked below.",
    "Careers: we are hiring reporters, sub-editors, developers and sales staff in several offices.",
    "Classified advertisements appear daily and online for thirty days from the date of "
    "publication.",
    "Market data is delayed by at least fifteen minutes and is provided for information only.",
    "Weather forecasts are supplied by the national meteorological service and updated hourly.",
    "Contact the newsroom with tips, documents and story ideas; sources are protected.",
    "Event listings are free for charities and community groups that submit them a week ahead.",
    "Syndication and licensing requests are handled by our partner agency.",
    "Copyright {year} {owner}. All rights reserved. Registered as a newspaper at the post office.",
]
OWNERS = ["Ledger Media Group", "Courier Holdings", "Meridian Publishing", "Harbour Press Ltd"]


@dataclass(frozen=True)
class Site:
    """A news site: its name, host, and the chrome every page of it repeats."""

    name: str
    host: str
    nav: str
    header: str
    footer: str
    layout: int  # which of the page skeletons the site uses


def make_sites(seed: int) -> list[Site]:
    """The sites of the corpus, their chrome drawn from the seed (a different mix per site)."""
    sites = []
    for number, (name, slug) in enumerate(SITE_NAMES):
        rng = random.Random(f"{seed}-site-{number}")
        owner = rng.choice(OWNERS)
        sections = rng.sample(SECTIONS, rng.randint(8, 14))
        nav = "".join(
            f'<li><a href="/{s.lower()}/">{html.escape(s.replace("-", " "))}</a></li>'
            for s in sections
        )
        sentences = rng.sample(CHROME_SENTENCES, rng.randint(10, 14))
        footer = "".join(
            f"<p>{html.escape(s.format(site=name, owner=owner, year=2005))}</p>" for s in sentences
        )
        tagline = rng.choice(
            ["Independent since 1887", "News you can trust", "Your city, your paper", "Est. 1921"]
        )
        header = (
            f'<div class="brand"><a href="/">{html.escape(name)}</a> '
            f"<span>{tagline}</span></div>"
            '<form action="/search" role="search"><input name="q" placeholder="Search">'
            '<button>Go</button></form><a href="/login">Sign in</a> '
            '<a href="/subscribe">Subscribe</a>'
        )
        sites.append(Site(name, f"www.{slug}.example.com", nav, header, footer, number % 3))
    return sites


# --- pages ------------------------------------------------------------------------------------


def _esc(text: str) -> str:
    return html.escape(text, quote=True)


def _slug(title: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")[:48] or "item"


def _long_date(day: date) -> str:
    return f"{day.day} {day.strftime('%B')} {day.year}"


def _url(site: Site, day: date | None, number: int, title: str) -> str:
    where = f"{day:%Y/%m/%d}" if day else "news"
    return f"https://{site.host}/{where}/{number}-{_slug(title)}"


_SKELETONS = [
    # layout 0: header, nav, main with the article, aside, footer
    "<header class='site-header'>{header}</header><nav class='menu'><ul>{nav}</ul></nav>"
    "<main id='content'>{main}</main><aside class='sidebar'>{aside}</aside>"
    "<footer class='site-footer'>{footer}</footer>",
    # layout 1: masthead div, aside before the content, footer with its own nav
    "<div id='masthead'><header>{header}</header><nav id='primary'><ul>{nav}</ul></nav></div>"
    "<div class='columns'><aside id='rail'>{aside}</aside><div class='story-column'>{main}</div>"
    "</div><footer><nav class='footer-links'><ul>{nav}</ul></nav>{footer}</footer>",
    # layout 2: everything in a wrapper, the nav after the header
    "<div class='wrapper'><header id='top'>{header}</header><div role='main'>{main}</div>"
    "<nav class='sections'><ul>{nav}</ul></nav><aside class='related'>{aside}</aside>"
    "<footer id='bottom'>{footer}</footer></div>",
]


def _page(site: Site, title: str, head: str, main: str, aside: str) -> str:
    body = _SKELETONS[site.layout].format(
        header=site.header, nav=site.nav, main=main, aside=aside, footer=site.footer
    )
    return (
        '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{_esc(title)} | {_esc(site.name)}</title>"
        f'<meta property="og:site_name" content="{_esc(site.name)}">{head}'
        '<script>window.analytics=window.analytics||[];analytics.push(["page"]);</script>'
        f"</head><body>{body}"
        '<script src="/static/ads.js" async></script></body></html>\n'
    )


def _aside(rng: random.Random, real: list[Item]) -> str:
    """Most-read headlines (other real titles) and a newsletter box: different on every page."""
    links = "".join(
        f'<li><a href="/most-read/{rng.randrange(10**6)}">{_esc(item.title)}</a></li>'
        for item in rng.sample(real, 5)
    )
    return (
        f"<section class='most-read'><h3>Most read</h3><ol>{links}</ol></section>"
        "<section class='newsletter'><h3>Newsletters</h3><p>The morning briefing, the markets "
        "close and the weekend long read: sign up with your email address.</p></section>"
        "<div class='ad'>Advertisement</div>"
    )


def article_page(site: Site, item: Item, day: date | None, url: str, aside: str) -> str:
    """One article page; undated pages carry no date anywhere."""
    head = (
        f'<link rel="canonical" href="{_esc(url)}">'
        f'<meta property="og:title" content="{_esc(item.title)}">'
    )
    byline = ""
    if day:
        head += f'<meta property="article:published_time" content="{day}T09:30:00Z">'
        byline = f'<time datetime="{day}">{_long_date(day)}</time>'
    main = (
        f"<article><h1>{_esc(item.title)}</h1><div class='byline'>By staff writers {byline}</div>"
        f'<div class="article-body"><p>{_esc(item.description)}</p></div>'
        "<div class='share'>Share this article: email, print</div></article>"
    )
    return _page(site, item.title, head, main, aside)


def listing_page(
    site: Site, heading: str, entries: list[tuple[Item, date | None, str]], aside: str
) -> str:
    """A section page of teasers: one <article> per item, each with its own date and link."""
    blocks = []
    for item, day, url in entries:
        when = f'<time datetime="{day}">{_long_date(day)}</time>' if day else ""
        blocks.append(
            f'<article class="teaser"><h2><a href="{_esc(url)}">{_esc(item.title)}</a></h2>'
            f'{when}<p>{_esc(item.description)}</p><a href="{_esc(url)}">Read more</a></article>'
        )
    main = f"<h1>{_esc(heading)}</h1>{''.join(blocks)}"
    head = f'<link rel="canonical" href="https://{site.host}/{_slug(heading)}/">'
    return _page(site, heading, head, main, aside)


_TEXT_DATE_FORMATS = [
    lambda d: d.isoformat(),
    _long_date,
    lambda d: f"{d:%a, %d %b %Y} 09:30:00 GMT",
    lambda d: f"{d:%B} {d.day}, {d.year}",
]


def text_clipping(item: Item, day: date | None, source: str, rng: random.Random) -> str:
    """A clipping pasted from a wire service: title, header lines, a blank line, the text."""
    lines = [item.title]
    if day:
        lines.append(f"Date: {rng.choice(_TEXT_DATE_FORMATS)(day)}")
    lines += [f"Source: {source}", "", item.description, ""]
    return "\n".join(lines)


# --- the folder -------------------------------------------------------------------------------


def read_marker(folder: Path) -> dict | None:
    try:
        return json.loads((folder / MARKER).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def build_corpus(folder: Path, n: int, seed: int) -> CorpusInfo:
    """The folder of N items for this seed: built now, or found already built by an earlier run."""
    marker = read_marker(folder)
    if (
        marker
        and marker.get("n_items") == n
        and marker.get("seed") == seed
        and marker.get("generator_version") == GENERATOR_VERSION
    ):
        marker.update(built=False, build_seconds=0.0, path=str(folder))
        return CorpusInfo(**marker)
    started = time.perf_counter()
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    info = _write_corpus(folder, n, seed)
    info.built, info.build_seconds = True, round(time.perf_counter() - started, 2)
    (folder / MARKER).write_text(json.dumps(asdict(info), indent=2), encoding="utf-8")
    return info


def _write_corpus(folder: Path, n: int, seed: int) -> CorpusInfo:
    rng = random.Random(seed)
    real = load_agnews()
    items, real_count = items_for(n, rng, real)
    sites = make_sites(seed)
    info = CorpusInfo(str(folder), n, seed, 0, real_count, n - real_count, 0, 0, 0, 0, 0)
    position = 0
    while position < n:
        site = rng.choice(sites)
        roll = rng.random()
        take = LISTING_ITEMS if roll < LISTING_SHARE and n - position >= LISTING_ITEMS else 1
        chunk = items[position : position + take]
        days = [_draw_day(rng) for _ in chunk]
        info.undated_items += sum(day is None for day in days)
        number = info.files
        name = f"{number:06d}-{_slug(chunk[0].title)}"
        if take > 1:
            entries = [
                (item, day, _url(site, day, number * 10 + k, item.title))
                for k, (item, day) in enumerate(zip(chunk, days, strict=True))
            ]
            heading = f"{rng.choice(SECTIONS).replace('-', ' ')} news roundup"
            text, suffix = listing_page(site, heading, entries, _aside(rng, real)), ".html"
            info.listing_pages += 1
            info.listing_items += take
        elif roll < LISTING_SHARE + TEXT_SHARE:
            text, suffix = text_clipping(chunk[0], days[0], rng.choice(WIRES), rng), ".txt"
            info.text_clippings += 1
        else:
            url = _url(site, days[0], number, chunk[0].title)
            text = article_page(site, chunk[0], days[0], url, _aside(rng, real))
            suffix = ".html"
            info.html_articles += 1
        sub = folder / f"{number // FILES_PER_FOLDER:03d}"
        if number % FILES_PER_FOLDER == 0:
            sub.mkdir()
        with open(sub / (name + suffix), "w", encoding="utf-8") as handle:
            handle.write(text)
        info.files += 1
        position += take
    return info


def _draw_day(rng: random.Random) -> date | None:
    if rng.random() < UNDATED_SHARE:
        return None
    return FIRST_DAY + timedelta(days=rng.randrange(DAYS))
