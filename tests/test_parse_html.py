"""HTML clippings as a user sees them: titles, clean bodies, dates, sources, links, listings.

Fixture pages are in tests/fixtures/html; `*.gold.txt` beside a page is its hand-checked body.
The shingle scorer is the benchmark's own (bench/extraction.py), so the floor here and the
figures the benchmark prints measure the same thing.
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import lxml.html
import pytest

import indexer.html_dates as html_dates_module
from indexer.clipping import BadFile
from indexer.parse_html import parse_html

REPO = Path(__file__).resolve().parents[1]
PAGES = Path(__file__).parent / "fixtures" / "html"


def load_bench():
    """bench/extraction.py is a script, not a package: load it by path."""
    spec = importlib.util.spec_from_file_location(
        "bench_extraction", REPO / "bench" / "extraction.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


bench = load_bench()


def parse(name: str):
    return parse_html((PAGES / name).read_text(encoding="utf-8"), f"pages/{name}")


def one(name: str):
    clippings = parse(name)
    assert len(clippings) == 1
    return clippings[0]


def page(head: str = "", body: str = "") -> str:
    return f"<!DOCTYPE html><html><head>{head}</head><body>{body}</body></html>"


FERRY_TEXT = (
    "<p>The harbour ferry resumed its northern crossing on Friday morning after a winter of "
    "repairs, carrying more than two hundred passengers across the bay.</p>"
)


# --- an article page ----------------------------------------------------------------------------


def test_article_page_is_one_clipping_with_its_metadata():
    clipping = one("article_boilerplate.html")
    assert clipping.path == "pages/article_boilerplate.html"
    assert clipping.number == 1
    assert clipping.id == "pages/article_boilerplate.html#1"
    assert clipping.title == "Harbour Ferry Returns to the Northern Route"
    assert clipping.date == "2011-04-08"
    assert clipping.date_source == "metadata"
    assert clipping.source == "Coastal Daily Wire"
    assert clipping.url == "https://www.coastaldailywire.example/2011/04/08/ferry-northern-route"
    assert clipping.collection is None
    assert clipping.entities == []


@pytest.mark.parametrize(
    "boilerplate",
    [
        "Your trusted source",  # site header
        "Weather",  # navigation
        "Most read",  # aside
        "Sandstorm closes the airport",  # aside links
        "Newsletter signup",  # form
        "Subscribe now",  # form button
        "Copyright",  # footer
        "Privacy policy",  # footer link
        "trackingPixel",  # script
        "analytics-beacon",  # script string
        "font-family",  # style
        "advertising slot",  # HTML comment
        "must never reach the body",  # HTML comment inside the article
    ],
)
def test_article_body_leaves_out_page_furniture(boilerplate):
    assert boilerplate not in one("article_boilerplate.html").body


def test_article_body_keeps_every_paragraph_separated_by_a_blank_line():
    paragraphs = one("article_boilerplate.html").body.split("\n\n")
    assert len(paragraphs) == 5
    assert paragraphs[0].startswith("The harbour ferry resumed its northern crossing")
    assert paragraphs[-1].endswith("approve the repairs to its hull.")
    assert all(paragraph == paragraph.strip() for paragraph in paragraphs)


def test_article_body_does_not_repeat_the_title():
    assert "Harbour Ferry Returns" not in one("article_boilerplate.html").body


# --- titles -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name,title",
    [
        # JSON-LD headline wins over an og:title carrying the site name.
        ("article_boilerplate.html", "Harbour Ferry Returns to the Northern Route"),
        # og:title minus " - Site" when Site is og:site_name.
        ("dated_by_time.html", "Library Reopens After Flood Repairs"),
        # <title> minus " | Site" (Readability's rule, no metadata at all).
        ("dated_by_meta_date.html", "Orchard Growers Report an Early Blossom Season"),
        ("undated.html", "Notes on the old mill restoration"),
        ("article_related_sidebar.html", "City Council Approves the New Tram Line"),
        ("markup_as_text.html", "Why <script>alert(1)</script> Stays Plain Text in Archives"),
    ],
)
def test_titles_of_fixture_pages(name, title):
    assert one(name).title == title


@pytest.mark.parametrize(
    "head,body,title",
    [
        # "Site: headline" keeps the part after the colon ...
        (
            "<title>Coastal Wire: Ferry strike ends after three days</title>",
            "",
            "Ferry strike ends after three days",
        ),
        # ... unless a heading holds the whole title.
        (
            "<title>Ferry strike: what the deal means</title>",
            "<h1>Ferry strike: what the deal means</h1>",
            "Ferry strike: what the deal means",
        ),
        # Too few words left after cutting the suffix: keep the whole title.
        ("<title>Ferry strike | Coastal Wire</title>", "", "Ferry strike | Coastal Wire"),
        # An en dash separates a site name too.
        (
            "<title>Night trains return to the coast line – Rail Times</title>",
            "",
            "Night trains return to the coast line",
        ),
        # A too-short <title> gives way to the page's only <h1>.
        (
            "<title>Home</title>",
            "<h1>Night trains return to the coast line</h1>",
            "Night trains return to the coast line",
        ),
        # Metadata wins over <title>; twice-escaped entities come out as characters.
        (
            '<title>Ignored</title><meta property="og:title" '
            'content="Fish &amp;amp; chips: prices rise &#8212; again">',
            "",
            "Fish & chips: prices rise — again",
        ),
        # White space inside a title collapses.
        (
            "<title>\n  Ferry   strike\n ends after three days  </title>",
            "",
            "Ferry strike ends after three days",
        ),
    ],
)
def test_title_rules(head, body, title):
    (clipping,) = parse_html(page(head, body + FERRY_TEXT), "t.html")
    assert clipping.title == title


def test_jsonld_headline_is_used_when_its_name_is_the_site_name():
    head = (
        "<title>West Ham threaten the giants | Sport Daily</title>"
        '<script type="application/ld+json">{"@context": "https://schema.org", '
        '"@type": "NewsArticle", "name": "Sport Daily", '
        '"headline": "West Ham threaten the giants"}</script>'
    )
    (clipping,) = parse_html(page(head, FERRY_TEXT), "t.html")
    assert clipping.title == "West Ham threaten the giants"


def test_a_page_without_any_title_is_named_after_its_file():
    (clipping,) = parse_html(page("", FERRY_TEXT), "wire/ferry-2011-04-08.html")
    assert clipping.title == "ferry-2011-04-08"


# --- dates --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name,date,date_source",
    [
        ("article_boilerplate.html", "2011-04-08", "metadata"),  # JSON-LD / article:published_time
        ("dated_by_time.html", "2011-04-08", "metadata"),  # the article's <time>, not the header's
        ("dated_by_meta_date.html", "2011-04-08", "metadata"),  # <meta name="date">, prose form
        ("undated.html", None, None),
        ("markup_as_text.html", None, None),
    ],
)
def test_dates_come_from_page_metadata(name, date, date_source):
    clipping = one(name)
    assert (clipping.date, clipping.date_source) == (date, date_source)


@pytest.mark.parametrize(
    "head,body,date",
    [
        (
            '<script type="application/ld+json">{"@context": "https://schema.org", "@graph": ['
            '{"@type": "WebSite", "name": "Wire"}, '
            '{"@type": "NewsArticle", "datePublished": "2012-02-18T06:00:00Z"}]}</script>',
            "",
            "2012-02-18",
        ),
        ('<meta itemprop="datePublished" content="2012-09-28">', "", "2012-09-28"),
        ('<meta name="dc.date.issued" content="2011-12-26">', "", "2011-12-26"),
        ('<meta name="sailthru.date" content="2011-12-26 10:00:00">', "", "2011-12-26"),
        # A zone name dateutil cannot place still gives the day (and no warning).
        ('<meta name="date" content="Fri, 08 Apr 2011 10:00:00 EST">', "", "2011-04-08"),
        ("", '<time pubdate datetime="2011-04-08">Friday</time>', "2011-04-08"),
        # Metadata without a full day is not completed.
        ('<meta property="article:published_time" content="2011-04">', "", None),
        # A <time> in a sidebar dates something else.
        ("", '<aside><time datetime="2011-05-01">1 May</time></aside>', None),
    ],
)
def test_date_sources(head, body, date):
    (clipping,) = parse_html(page(head, body + FERRY_TEXT), "t.html")
    assert clipping.date == date
    assert clipping.date_source == ("metadata" if date else None)


DATE_FIXTURES = Path(__file__).parent / "fixtures" / "dates"
EXPECTED_DATES = json.loads((DATE_FIXTURES / "expected.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    "name",
    sorted(name for name in EXPECTED_DATES["clippings"] if name.startswith("pages/")),
)
def test_date_fixture_pages(name):
    clippings = parse_html((DATE_FIXTURES / name).read_text(encoding="utf-8"), name)
    expected = [tuple(pair) for pair in EXPECTED_DATES["clippings"][name]]
    assert [(c.date, c.date_source) for c in clippings] == expected


@pytest.mark.parametrize(
    "head,body,date,date_source",
    [
        # htmldate reads markup our metadata pass does not: a dated byline, abbr, a <time> list;
        # the page writes that day in a byline, so it is kept, as a byline.
        (
            "",
            '<div class="byline">By Jane Doe, <span class="date">8 April 2011</span></div>',
            "2011-04-08",
            "byline",
        ),
        (
            "",
            '<p class="meta">Posted <abbr class="published" title="2011-04-08T10:00:00">'
            "Friday</abbr></p>",
            "2011-04-08",
            "byline",
        ),
        # A line that says it dates the publication is a byline, wherever it stands ...
        ("", "<p>Published on 8 April 2011 by the wire desk.</p>", "2011-04-08", "byline"),
        (
            '<meta name="article:publicationdate" content="Fri Apr 08 21:30:09 EST 2011">',
            "",
            "2011-04-08",
            "metadata",
        ),
        # The URL path when the markup names no day.
        (
            '<link rel="canonical" href="https://news.example.com/2011/04/08/ferry">',
            "",
            "2011-04-08",
            "url",
        ),
        (
            '<meta property="og:url" content="https://news.example.com/2011-04-08/ferry">',
            "",
            "2011-04-08",
            "url",
        ),
        # Metadata wins over the URL path.
        (
            '<meta property="article:published_time" content="2011-04-07T22:00:00Z">'
            '<link rel="canonical" href="https://news.example.com/2011/04/08/ferry">',
            "",
            "2011-04-07",
            "metadata",
        ),
        # A wire-style dateline atop the text, when neither markup nor URL names a day.
        ("", "<p>GENEVA, 13 September 2011 — The agency said.</p>", "2011-09-13", "dateline"),
        (
            '<link rel="canonical" href="https://news.example.com/2011/09/14/ferry">',
            "<p>GENEVA, 13 September 2011 — The agency said.</p>",
            "2011-09-14",
            "url",
        ),
        # Nothing htmldate would guess: an image's upload day, a modified time, a copyright year,
        # a month, a photo caption, a date in the running text, the site header's today.
        (
            '<meta property="og:image" content="https://cdn.example.com/2016/04/05/a.jpg">',
            "",
            None,
            None,
        ),
        (
            '<meta property="article:modified_time" content="2025-01-07T09:08:22+00:00">',
            "",
            None,
            None,
        ),
        ("", "<footer>&copy; 2011 Coastal Wire</footer>", None, None),
        ("", '<div class="date">April 2011</div>', None, None),
        ('<meta property="article:published_time" content="2011-04">', "", None, None),
        (
            "",
            "<figure><figcaption>A file photo of 28 March 2009.</figcaption></figure>",
            None,
            None,
        ),
        # ... a sentence naming a day is not.
        ("", "<p>The licence was renewed on 2011-04-08 after a debate.</p>", None, None),
        ("", '<header><span class="date">Friday, 8 April 2011</span></header>', None, None),
        ("", '<script>var build = {"date": "2011-04-08 10:00:00"};</script>', None, None),
    ],
)
def test_dates_beyond_our_metadata(head, body, date, date_source):
    (clipping,) = parse_html(page(head, body + FERRY_TEXT), "t.html")
    assert (clipping.date, clipping.date_source) == (date, date_source)


@pytest.mark.parametrize(
    "lang,order,date",
    [
        ("en-US", "dmy", "2014-05-08"),  # the page's own locale decides: month first
        ("en-us", "dmy", "2014-05-08"),
        ("en-GB", "mdy", "2014-08-05"),
        ("fr", "mdy", "2014-08-05"),
        ("en", "dmy", "2014-08-05"),  # no region: the configured order
        ("en", "mdy", "2014-05-08"),
        (None, "mdy", "2014-05-08"),
    ],
)
def test_numeric_metadata_dates_follow_the_page_language(lang, order, date):
    html = page('<meta name="publish_date" content="05/08/2014 07:01:00">', FERRY_TEXT)
    if lang:
        html = html.replace("<html>", f'<html lang="{lang}">')
    (clipping,) = parse_html(html, "t.html", day_first=order == "dmy")
    assert (clipping.date, clipping.date_source) == (date, "metadata")


def test_htmldate_reads_a_month_first_byline_only_in_a_month_first_page():
    body = '<div class="byline"><span class="date">3/09/15 8:00am</span></div>' + FERRY_TEXT
    html = page("", body).replace("<html>", '<html lang="en-US">')
    (clipping,) = parse_html(html, "t.html")
    # htmldate reads 3/09/15 day first (3 September); the page is US English: no day rather
    # than a wrong one.
    assert clipping.date is None


def test_htmldate_runs_only_when_the_metadata_names_no_day(monkeypatch):
    calls = []

    def fake_find_date(tree, **settings):
        calls.append((tree, settings))
        return None

    monkeypatch.setattr(html_dates_module, "find_date", fake_find_date)
    parse_html(page('<meta name="date" content="2011-04-08">', FERRY_TEXT), "t.html")
    assert calls == []
    parse_html(page("", FERRY_TEXT), "t.html")
    # Two readings, each of a parsed lxml tree, never the page string (find_date fetches a
    # string that looks like a URL): the fast one of the pruned markup, then the extensive
    # search of the whole page; the first publication, never the URL (our own step).
    assert [settings["extensive_search"] for _, settings in calls] == [False, True]
    for tree, settings in calls:
        assert isinstance(tree, lxml.html.HtmlElement)
        assert settings["original_date"] is True
        assert settings["url"] == ""


HEADLINE = "<h1>Ferry resumes the northern route</h1>"


@pytest.mark.parametrize(
    "head,body,date_source",
    [
        # htmldate proposes 8 April 2011; the page decides by where it writes that day.
        ("", '<p class="byline">By Jane Doe, 8 April 2011</p>', "byline"),  # by the headline
        ("", '<div class="meta">8. April 2011</div>', "byline"),
        ("", "<p>Published on Friday, April 8, 2011</p>", "byline"),
        ('<meta name="bt:pubDate" content="2011-04-08T10:00:00Z">', "", "metadata"),
        ('<meta name="description" content="News of 2011-04-08">', "", None),
        ('<meta property="og:image" content="https://cdn.example.com/2011/04/08/a.jpg">', "", None),
        ('<meta property="article:modified_time" content="2011-04-08T10:00:00Z">', "", None),
        ("", '<p class="meta">Updated: 8 April 2011</p>', None),
        ("", '<div id="comments"><p class="date">8 April 2011</p></div>', None),
        ("", '<div class="commentary-byline">By Jane Doe, 8 April 2011</div>', "byline"),
        ("", '<div class="related-posts"><span class="date">8 April 2011</span></div>', None),
        ("", "<aside><span>8 April 2011</span></aside>", None),
        ("", "<blockquote><p>@harbourwatch, April 8, 2011</p></blockquote>", None),
        ("", "<figure><figcaption>The pier, 8 April 2011.</figcaption></figure>", None),
        ("", '<img src="/uploads/2011/04/08/ferry.jpg" alt="">', None),
        ("", "<script>var built = '2011-04-08';</script>", None),
        ("", "<p>The licence was renewed on 8 April 2011 after a long debate.</p>", None),
        ("", "", None),  # nowhere at all
    ],
)
def test_htmldate_proposes_and_the_page_decides(monkeypatch, head, body, date_source):
    monkeypatch.setattr(html_dates_module, "find_date", lambda tree, **settings: "2011-04-08")
    html = page(head, HEADLINE + body + FERRY_TEXT)
    (clipping,) = parse_html(html, "t.html")
    expected = ("2011-04-08", date_source) if date_source else (None, None)
    assert (clipping.date, clipping.date_source) == expected


@pytest.mark.parametrize(
    "stamp,byline,expected",
    [
        # A UTC stamp whose moment falls on the day before somewhere west: the marked byline's
        # day, the publisher's own.
        ("2011-04-09T02:30:00Z", "Friday, April 8, 2011", ("2011-04-08", "byline")),
        # Not reachable from 14:00 UTC (no zone is 14 hours behind): the stamp stands.
        ("2011-04-09T14:30:00Z", "Friday, April 8, 2011", ("2011-04-09", "metadata")),
        # A stamp with its own zone names the publisher's day already.
        ("2011-04-09T02:30:00+02:00", "Friday, April 8, 2011", ("2011-04-09", "metadata")),
        # The byline writes the stamp's own day too: nothing to overrule.
        (
            "2011-04-09T02:30:00Z",
            "April 8, 2011 (print), April 9, 2011",
            ("2011-04-09", "metadata"),
        ),
    ],
)
def test_a_utc_stamp_gives_way_to_the_marked_byline_day(stamp, byline, expected):
    head = f'<meta property="article:published_time" content="{stamp}">'
    body = f'{HEADLINE}<p class="date">{byline}</p>{FERRY_TEXT}'
    (clipping,) = parse_html(page(head, body), "t.html")
    assert (clipping.date, clipping.date_source) == expected


def test_listing_items_are_dated_by_their_own_evidence_never_the_page():
    clippings = parse_html(
        (DATE_FIXTURES / "pages" / "listing-bylines.html").read_text(encoding="utf-8"), "l.html"
    )
    assert [(c.date, c.date_source) for c in clippings] == [
        ("2021-03-03", "byline"),  # "Veröffentlicht am 3. März 2021"
        ("2021-03-02", "byline"),  # "Von Jan Berg, 02.03.2021"
        (None, None),  # a day in its sentence is an event; the page's stamp is not its date
        ("2021-03-05", "metadata"),  # it links to the page's own address: the page's stamp
    ]


# --- source and url -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name,source,url",
    [
        # og:site_name, not the JSON-LD publisher's legal name.
        (
            "article_boilerplate.html",
            "Coastal Daily Wire",
            "https://www.coastaldailywire.example/2011/04/08/ferry-northern-route",
        ),
        # og:url when there is no canonical link.
        (
            "dated_by_time.html",
            "The Evening Courier",
            "https://eveningcourier.example/news/library-reopens",
        ),
        # No site name: the canonical host without "www.".
        (
            "dated_by_meta_date.html",
            "riversidegazette.example",
            "https://www.riversidegazette.example/farming/early-blossom",
        ),
        ("undated.html", None, None),
    ],
)
def test_source_and_url(name, source, url):
    clipping = one(name)
    assert (clipping.source, clipping.url) == (source, url)


def test_source_from_jsonld_publisher():
    head = (
        '<script type="application/ld+json">{"@context": "https://schema.org", '
        '"@type": "NewsArticle", "publisher": {"@type": "Organization", '
        '"name": "Gulf Wire Review"}}</script>'
    )
    (clipping,) = parse_html(page(head, FERRY_TEXT), "t.html")
    assert clipping.source == "Gulf Wire Review"


@pytest.mark.parametrize("href", ["/2011/04/08/ferry", "ftp://example.org/ferry", "javascript:x"])
def test_only_absolute_web_addresses_become_the_url(href):
    (clipping,) = parse_html(page(f'<link rel="canonical" href="{href}">', FERRY_TEXT), "t.html")
    assert clipping.url is None
    assert clipping.source is None


# --- listing pages ------------------------------------------------------------------------------


def test_listing_of_article_blocks_gives_one_clipping_per_item():
    clippings = parse("listing_articles.html")
    assert [c.number for c in clippings] == [1, 2, 3]
    assert [c.id for c in clippings] == [f"pages/listing_articles.html#{n}" for n in (1, 2, 3)]
    assert [c.title for c in clippings] == [
        "Engineers publish the long-awaited dam safety report",
        "Farmers question the new irrigation quotas",
        "Coastal towns weigh a shared desalination plant",
    ]
    assert [c.url for c in clippings] == [
        "https://clippings.example.net/2011/04/08/dam-report.html",
        "https://clippings.example.net/digests/water-policy/irrigation-quotas.html",
        "https://other.example.org/desalination",
    ]
    assert [c.date for c in clippings] == ["2011-04-08", "2011-04-06", None]
    assert [c.date_source for c in clippings] == ["metadata", "metadata", None]
    assert {c.collection for c in clippings} == {"Weekly press digest on regional water policy"}
    assert {c.source for c in clippings} == {"Clippings Desk"}


def test_listing_item_body_is_its_excerpt_only():
    bodies = [c.body for c in parse("listing_articles.html")]
    assert bodies[0] == (
        "The report finds that the spillway needs strengthening before next winter and "
        "recommends a second inspection of the tunnels under the north abutment."
    )
    for unwanted in ("dam safety report", "8 April 2011", "All digests", "Copyright"):
        assert all(unwanted not in body for body in bodies)


def test_listing_of_read_more_items():
    clippings = parse("listing_read_more.html")
    assert [c.title for c in clippings] == [
        "Ferry service resumes on the northern route",
        "Bus lane on the harbour road opens early",
        "Night trains return to the coast line",
    ]
    # Relative links resolve against <base href>.
    assert [c.url for c in clippings] == [
        "https://archive.example.org/digest/stories/ferry.html",
        "https://archive.example.org/digest/stories/bus-lane.html",
        "https://archive.example.org/digest/stories/night-trains.html",
    ]
    assert {c.collection for c in clippings} == {"Harbour and transport news roundup for April"}
    assert clippings[1].body.startswith("The council opened the new bus lane")
    for unwanted in ("Read more", "Continue reading", "Full story", "Archive home", "Night"):
        assert unwanted not in clippings[1].body
    assert all(c.date is None for c in clippings)


def test_listing_links_stay_relative_when_nothing_to_resolve_against():
    items = "".join(
        f"<h2>{title}</h2><p>{title} was reported by the wire in some detail.</p>"
        f'<p><a href="stories/{n}.html">Read more</a></p>'
        for n, title in enumerate(["Ferry strike ends", "Bus lane opens"], 1)
    )
    clippings = parse_html(page("<title>Transport news roundup</title>", items), "t.html")
    assert [c.url for c in clippings] == ["stories/1.html", "stories/2.html"]


@pytest.mark.parametrize("story_tag", ["div", "article"])
def test_article_with_related_stories_is_not_a_listing(story_tag):
    html = (PAGES / "article_related_sidebar.html").read_text(encoding="utf-8")
    html = html.replace('<div class="story-body">', f'<{story_tag} class="story-body">')
    html = html.replace("</div><!-- end story -->", f"</{story_tag}>")
    (clipping,) = parse_html(html, "t.html")
    assert clipping.title == "City Council Approves the New Tram Line"
    assert clipping.collection is None
    assert clipping.body.startswith("The city council voted on Thursday night")
    assert clipping.body.endswith("businesses along the route.")
    for teaser in ("Parking fees", "Drivers will pay more", "More from Metro Ledger"):
        assert teaser not in clipping.body


def test_page_wide_classes_do_not_hide_a_listing():
    html = (PAGES / "listing_articles.html").read_text(encoding="utf-8")
    html = html.replace("<body>", '<body class="blog has-sidebar comments-open">')
    assert len(parse_html(html, "t.html")) == 3


def test_comments_marked_up_as_articles_are_not_a_listing():
    comments = "".join(
        f'<article class="comment"><footer><a href="/u/{n}">reader{n}</a></footer>'
        f"<p>Comment number {n}: the ferry was late again this morning and nobody told us "
        f"why, which is the third time this month on the northern route.</p></article>"
        for n in range(1, 5)
    )
    html = page(
        "<title>Harbour Ferry Returns to the Northern Route</title>",
        f'<article class="post">{FERRY_TEXT * 3}</article><section id="comments">{comments}'
        "</section>",
    )
    (clipping,) = parse_html(html, "t.html")
    assert clipping.title == "Harbour Ferry Returns to the Northern Route"
    assert clipping.body.startswith("The harbour ferry resumed")
    assert "Comment number" not in clipping.body


# --- text is text -------------------------------------------------------------------------------


def test_markup_like_text_comes_out_as_literal_text():
    clipping = one("markup_as_text.html")
    assert clipping.title == "Why <script>alert(1)</script> Stays Plain Text in Archives"
    assert "find the string <script>alert(1)</script> in reader comments" in clipping.body
    assert "AT&T stays AT&T." in clipping.body


# --- bad files ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "html",
    [
        (PAGES / "empty.html").read_text(encoding="utf-8"),
        "",
        "   \n",
        "<html><head><title>Only a title</title></head><body></body></html>",
        page("<style>p { color: red }</style>", "<nav><a href='/'>Home</a></nav><!-- gone -->"),
    ],
)
def test_page_without_text_is_a_bad_file(html):
    with pytest.raises(BadFile) as error:
        parse_html(html, "t.html")
    assert "no text" in str(error.value)
    assert "\n" not in str(error.value)


# --- quality floors -----------------------------------------------------------------------------

BODY_F1_FLOOR = 0.9


@pytest.mark.parametrize("gold", sorted(PAGES.glob("*.gold.txt")), ids=lambda p: p.name)
def test_body_quality_floor_on_fixture_pages(gold):
    html_name = gold.name.replace(".gold.txt", ".html")
    body = one(html_name).body
    precision, recall = bench.page_scores(body, gold.read_text(encoding="utf-8"))
    assert bench.f1(precision, recall) >= BODY_F1_FLOOR


def test_benchmark_scorer_counts_shingles_as_the_zyte_benchmark_does():
    assert bench.page_scores("one two three four five", "one two three four five") == (1.0, 1.0)
    assert bench.page_scores("", "") == (1.0, 1.0)
    # 2 predicted shingles, 1 shared with the 3 gold ones.
    precision, recall = bench.page_scores("a b c d x", "a b c d e f")
    assert (round(precision, 3), round(recall, 3)) == (0.5, 0.333)


# The pinned public benchmarks (bench/extraction.py prints the full tables). Skipped when the
# shared corpora are not beside the repository (set CLIPPINGS_SHARED to point at them).
BENCH_BODY_F1_FLOOR = 0.95  # measured 0.966 on the 181 Zyte pages
BENCH_TITLE_EXACT_FLOOR = 0.90  # measured 0.926 on the 94 real Readability pages
needs_corpora = pytest.mark.skipif(
    not (bench.shared_dir() / "corpora" / "article-extraction-benchmark").is_dir(),
    reason="shared benchmark corpora not found",
)


@needs_corpora
def test_body_f1_on_the_zyte_benchmark_stays_above_its_floor():
    scores = [
        bench.page_scores(bench.body_of_parse_html(html), gold)
        for _, html, gold in bench.body_pages(None)
    ]
    precision = sum(p for p, _ in scores) / len(scores)
    recall = sum(r for _, r in scores) / len(scores)
    assert bench.f1(precision, recall) >= BENCH_BODY_F1_FLOOR


@needs_corpora
def test_title_exact_match_on_readability_pages_stays_above_its_floor():
    pages = bench.title_pages(None)
    exact = sum(
        bench.normalise_title(bench.title_of_parse_html(html)) == bench.normalise_title(title)
        for _, html, title in pages
    )
    assert exact / len(pages) >= BENCH_TITLE_EXACT_FLOOR


# --- one walk finds what BeautifulSoup's own searches find ------------------------------------

_SEARCHES = [
    ("meta", {}),
    ("meta", {"content": True}),
    ("meta", {"property": "og:url", "content": True}),
    ("script", {"type": "application/ld+json"}),
    ("link", {"rel": lambda rel: rel and "canonical" in rel, "href": True}),
    ("base", {"href": True}),
    ("title", {}),
    (["h1", "h2"], {}),
    (None, {"itemprop": "datePublished"}),
    (None, {"itemprop": "articleBody"}),
    (["article", "main"], {}),
    ("time", {"datetime": True}),
    ("a", {"href": True}),
    ("div", {"class": "byline"}),
]
_ODD_PAGE = """<html><head><link rel="Canonical alternate" href="/x"><link rel=canonical>
<meta content="2011-04-08" itemprop="datePublished"><meta property="og:url" content="">
<script type="APPLICATION/LD+JSON">{}</script><base href></head><body>
<div class="byline extra" itemprop="articleBody datePublished"><time datetime>8 April</time>
<article><main><a href="">x</a><h2>y</h2><a>z</a></main></article></div></body></html>"""


@pytest.mark.parametrize("page", [*sorted(p.name for p in PAGES.glob("*.html")), "odd"])
def test_the_pages_elements_are_found_as_beautifulsoup_finds_them(page):
    from bs4 import BeautifulSoup

    from indexer.parse_html import _Document

    html = _ODD_PAGE if page == "odd" else (PAGES / page).read_text(encoding="utf-8")
    soup = BeautifulSoup(html, "lxml")
    doc = _Document(soup)
    for name, attrs in _SEARCHES:
        found = [id(tag) for tag in doc.find_all(name, **attrs)]
        assert found == [id(tag) for tag in soup.find_all(name, **attrs)], (name, attrs)
        assert doc.find(name, **attrs) is soup.find(name, **attrs), (name, attrs)
