"""Clippings from one saved HTML page: an article page gives one clipping, a listing one per item.

Titles follow Mozilla Readability (metadata first, then the cleaned `<title>`); bodies come from
trafilatura with a BeautifulSoup fallback. Dates come from the page's metadata, then htmldate's
reading of the markup (never of the body text), then the URL path, then a wire-style dateline
atop the text; never a guess.
"""

from __future__ import annotations

import json
import re
import statistics
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import NamedTuple
from urllib.parse import urljoin, urlsplit

import trafilatura
from bs4 import BeautifulSoup, NavigableString, SoupStrainer, Tag

from indexer.clipping import BadFile, Clipping
from indexer.dates import date_in_url, dateline_date, day_in_line, parse_date
from indexer.html_dates import metadata_date, page_date, stamps_date

# Never main text: page chrome, code, widgets.
_DROP_TAGS = frozenset(
    [
        "nav",
        "header",
        "footer",
        "aside",
        "script",
        "style",
        "noscript",
        "form",
        "iframe",
        "template",
        "svg",
        "button",
        "select",
        "textarea",
        "object",
        "embed",
        "dialog",
    ]
)
_DROP_ROLES = frozenset({"navigation", "banner", "contentinfo", "complementary", "menu", "dialog"})
# Elements that start a new paragraph in extracted text.
_BLOCK_TAGS = frozenset(
    [
        "address",
        "article",
        "aside",
        "blockquote",
        "br",
        "dd",
        "details",
        "div",
        "dl",
        "dt",
        "fieldset",
        "figcaption",
        "figure",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "hr",
        "li",
        "main",
        "ol",
        "p",
        "pre",
        "section",
        "summary",
        "table",
        "tbody",
        "td",
        "th",
        "thead",
        "tr",
        "ul",
    ]
)
_HEADINGS = ["h1", "h2", "h3", "h4", "h5", "h6"]
_READ_MORE = re.compile(
    r"^\W*(read\s+more|continue\s+reading|read\s+the\s+rest|(read\s+(the\s+)?)?full\s+"
    r"(story|article))\b",
    re.IGNORECASE,
)
# Class or id names (a prefix of one token) of boxes whose <article>s are not listing items.
_NOT_AN_ITEM = re.compile(r"^(comment|repl(y|ies)|related|sidebar|widget|promo|sponsor)", re.I)
_COMMENT_BOX = re.compile(r"^comments?($|[-_])", re.IGNORECASE)  # reader comments, not "commentary"
_DATE_PROPERTIES = ("article:published_time", "og:published_time", "og:article:published_time")
_DATE_NAMES = frozenset(
    [
        "date",
        "pubdate",
        "publishdate",
        "publish-date",
        "publish_date",
        "publication_date",
        "published_date",
        "datepublished",
        "date_published",
        "dc.date",
        "dc.date.issued",
        "dc.date.created",
        "dcterms.date",
        "dcterms.created",
        "dcterms.issued",
        "sailthru.date",
        "parsely-pub-date",
        "article.published",
        "article_date_original",
        "original-publish-date",
        "citation_publication_date",
        "citation_date",
        "pub_date",
        # More publication-date names from htmldate's list, read here at no extra cost.
        "article:publicationdate",
        "article:published",
        "article:post_date",
        "dc.date.publication",
        "og:pubdate",
        "publish_time",
        "published-date",
        "originalpublicationdate",
        "rnews:datepublished",
        "pdate",
    ]
)
# Readability's list of schema.org Article types (same loose anchoring as Readability.js).
_ARTICLE_TYPES = re.compile(
    r"^Article|AdvertiserContentArticle|NewsArticle|AnalysisNewsArticle|AskPublicNewsArticle|"
    r"BackgroundNewsArticle|OpinionNewsArticle|ReportageNewsArticle|ReviewNewsArticle|Report|"
    r"SatiricalArticle|ScholarlyArticle|MedicalScholarlyArticle|SocialMediaPosting|BlogPosting|"
    r"LiveBlogPosting|DiscussionForumPosting|TechArticle|APIReference$"
)
_META_PROPERTY = re.compile(
    r"\s*(article|dc|dcterm|og|twitter)\s*:\s*"
    r"(author|creator|description|published_time|title|site_name)\s*",
    re.IGNORECASE,
)
_META_NAME = re.compile(
    r"^\s*(?:(dc|dcterm|og|twitter|parsely|weibo:(article|webpage))\s*[-.:]\s*)?"
    r"(author|creator|pub-date|description|title|site_name)\s*$",
    re.IGNORECASE,
)
_TITLE_KEYS = [
    "dc:title",
    "dcterm:title",
    "og:title",
    "weibo:article:title",
    "weibo:webpage:title",
    "title",
    "twitter:title",
    "parsely-title",
]
# Readability 0.6 title separators: | - – — \ / > », with white space on both sides.
_TITLE_SEPARATOR = re.compile(r"\s[\\/|\-–—>»]\s")
_HIERARCHICAL_SEPARATOR = re.compile(r"\s[\\/>»]\s")
_LEADING_TITLE_PART = re.compile(r"^[^\\/|\-–—>»]*[\\/|\-–—>»]")
_SITE_SUFFIX_SEPARATORS = (" | ", " - ", " – ", " — ", " :: ", " » ", " · ", " : ")
_ENTITY = re.compile(r"&(quot|amp|apos|lt|gt);|&#(?:x([0-9a-f]+)|([0-9]+));", re.IGNORECASE)
_ENTITY_CHARS = {"quot": '"', "amp": "&", "apos": "'", "lt": "<", "gt": ">"}
_TINY_PAGE_CHARS = 10_000  # hand-made pages: trust our own cleaning when trafilatura keeps little
_LISTING_COVERAGE = 0.5  # a listing's items hold at least this share of the page's main text
_TEASER_SHARE = 1 / 3  # a teaser is shorter than this share of the main text
_TEASER_WORDS = 80  # ... and than this many words
_ARTICLE_DOMINANCE = 3  # one item this many times the median item is the article, the rest teasers
# A listing item's own dated line: a short element, not a sentence ("Posted on 8 April 2011 by
# Jane Doe"; month words count, so eight words leave room for a weekday and a byline).
_ITEM_DATE_TAGS = ["time", "p", "div", "span", "small", "li", "dd"]
_DATED_LINE_CHARS = 120
_DATED_LINE_WORDS = 8


@dataclass
class _Page:
    """What every clipping of one page shares."""

    title: str
    source: str | None
    url: str | None
    base: str | None  # what relative item links resolve against
    day_first: bool = True  # the configured order of all-numeric days (Settings.day_first)


class _Document:
    """One parsed page and its elements by tag name, found in one walk: the passes over a page
    ask for its metas, scripts, links, times and articles again and again, and each of
    BeautifulSoup's own searches from the top walks the whole tree."""

    def __init__(self, soup: BeautifulSoup):
        self.soup = soup
        self._elements = [node for node in soup.descendants if isinstance(node, Tag)]
        self._by_name: dict[str, list[Tag]] = {}
        for element in self._elements:
            self._by_name.setdefault(element.name, []).append(element)

    def find_all(self, name: str | list[str] | None = None, **attrs: object) -> list[Tag]:
        """What `soup.find_all(name, **attrs)` finds, by BeautifulSoup's own matching rules."""
        if isinstance(name, str):
            candidates = self._by_name.get(name, [])
        elif name is None:
            candidates = self._elements
        else:
            candidates = [element for element in self._elements if element.name in name]
        if all(value is True or isinstance(value, str) for value in attrs.values()):
            # Such a rule matches only an element that has the attribute.
            candidates = [c for c in candidates if all(key in c.attrs for key in attrs)]
        strainer = SoupStrainer(name, **attrs)
        return [element for element in candidates if strainer.match(element)]

    def find(self, name: str | list[str] | None = None, **attrs: object) -> Tag | None:
        """What `soup.find(name, **attrs)` finds: the first match in document order."""
        return next(iter(self.find_all(name, **attrs)), None)


class _Item(NamedTuple):
    """One item of a listing page (or a teaser beside an article)."""

    title: str
    body: str
    url: str | None
    date: str | None
    date_source: str | None  # "metadata" (its <time datetime>) or "byline" (its dated line)


def parse_html(html: str, path: str, *, day_first: bool = True) -> list[Clipping]:
    """Clippings in one decoded HTML file; path is the corpus-relative path (goes into
    Clipping.path); `day_first` the order of all-numeric days when the page does not say."""
    doc = _Document(BeautifulSoup(html, "lxml"))
    jsonld = _jsonld_documents(doc)
    page = _page(doc, jsonld, path, day_first)
    main_text = _main_text(html, doc)
    items = _items(doc, page)
    if _is_listing(items, main_text):
        items = [_dated_by_page(item, html, doc, jsonld, page) for item in items]
        clippings = [_item_clipping(item, n, page, path) for n, item in enumerate(items, 1)]
    else:
        body = _article_body(main_text, page.title, _teasers(items, main_text))
        date, date_source = _page_date(html, doc, jsonld, page, body)
        clippings = [Clipping(path, 1, page.title, body, date, date_source, page.source, page.url)]
    if not any(clipping.body for clipping in clippings):
        raise BadFile("no text: the page holds no article or listing text")
    return clippings


def _dated_by_page(
    item: _Item, html: str, doc: _Document, jsonld: list[object], page: _Page
) -> _Item:
    """An undated item that links to the page's own address is the page's article (more stories
    follow it): the page's stamps date it. Other items keep only their own evidence."""
    if item.date or not _same_address(item.url, page.url):
        return item
    day_first = _page_day_first(doc, page.day_first)
    stamps = list(_date_candidates(doc, jsonld))
    day, source = stamps_date(html, stamps, page.title, day_first)
    return _Item(item.title, item.body, item.url, day, source)


def _same_address(url: str | None, other: str | None) -> bool:
    """Two web addresses of one page (scheme, "www.", a final slash and a #part aside)."""
    if not url or not other:
        return False
    keys = [urlsplit(u) for u in (url, other)]
    a, b = ((k.netloc.lower().removeprefix("www."), k.path.rstrip("/"), k.query) for k in keys)
    return a == b


def _item_clipping(item: _Item, number: int, page: _Page, path: str) -> Clipping:
    """One listing item as a clipping of the listing's collection."""
    date, date_source = _item_date_and_source(item, page.day_first)
    return Clipping(
        path,
        number,
        item.title,
        item.body,
        date,
        date_source,
        page.source,
        item.url,
        collection=page.title,
    )


# --- page facts -------------------------------------------------------------------------------


def _page(doc: _Document, jsonld: list[object], path: str, day_first: bool) -> _Page:
    """Title, source, canonical URL and link base of a page."""
    url = _canonical_url(doc)
    title = _page_title(doc, jsonld) or _first_heading(doc) or PurePosixPath(path).stem
    return _Page(title, _source(doc, jsonld, url), url, _base_url(doc, url), day_first)


def _meta_values(doc: _Document) -> dict[str, str]:
    """Readability's view of <meta>: lower-cased `og:title`-style keys to their last content."""
    values: dict[str, str] = {}
    for meta in doc.find_all("meta"):
        content = meta.get("content")
        if not content:
            continue
        match = _META_PROPERTY.search(meta.get("property") or "")
        if match:
            values[re.sub(r"\s", "", match.group(0).lower())] = content.strip()
            continue
        name = meta.get("name") or ""
        if _META_NAME.match(name):
            values[re.sub(r"\s", "", name.lower()).replace(".", ":")] = content.strip()
    return values


def _jsonld_documents(doc: _Document) -> list[object]:
    """The parsed value of every JSON-LD script on the page, in page order."""
    documents = []
    for script in doc.find_all("script", type="application/ld+json"):
        text = re.sub(r"^\s*<!\[CDATA\[|\]\]>\s*$", "", script.get_text())
        try:
            documents.append(json.loads(text))
        except (ValueError, RecursionError):
            continue  # broken JSON-LD is common; the rest of the page still counts
    return documents


def _jsonld_objects(documents: list[object]) -> Iterator[dict]:
    """Every JSON-LD object, flattened out of lists and `@graph`, top level first."""
    for data in documents:
        if isinstance(data, list):
            yield from _jsonld_objects(data)
        elif isinstance(data, dict):
            yield data
            yield from _jsonld_objects([data.get("@graph")])


def _jsonld_article(documents: list[object]) -> dict | None:
    """The schema.org Article object Readability would read: first such script wins."""
    for data in documents:
        if isinstance(data, list):
            data = next((item for item in data if _is_article(item)), None)
        if not isinstance(data, dict) or not _is_schema_org(data.get("@context")):
            continue
        if "@type" not in data and isinstance(data.get("@graph"), list):
            data = next((item for item in data["@graph"] if _is_article(item)), None)
        if _is_article(data):
            return data
    return None


def _is_article(data: object) -> bool:
    """A JSON-LD object typed (as one string) as an Article or a subtype."""
    return (
        isinstance(data, dict)
        and isinstance(data.get("@type"), str)
        and bool(_ARTICLE_TYPES.search(data["@type"]))
    )


def _is_schema_org(context: object) -> bool:
    """Readability reads only schema.org JSON-LD (`@context` or its `@vocab`)."""
    if isinstance(context, dict):
        context = context.get("@vocab")
    return isinstance(context, str) and bool(re.match(r"^https?://schema\.org/?$", context))


def _canonical_url(doc: _Document) -> str | None:
    """The page's own absolute http(s) address: <link rel=canonical>, else og:url."""
    link = doc.find("link", rel=lambda rel: rel and "canonical" in rel, href=True)
    og_url = doc.find("meta", property="og:url", content=True)
    for candidate in (link and link["href"], og_url and og_url["content"]):
        if candidate and _is_absolute_http(candidate.strip()):
            return candidate.strip()
    return None


def _base_url(doc: _Document, canonical: str | None) -> str | None:
    """What relative links resolve against: <base href> (made absolute), else the canonical URL."""
    base = doc.find("base", href=True)
    if base:
        href = urljoin(canonical or "", base["href"].strip())
        if _is_absolute_http(href):
            return href
    return canonical


def _is_absolute_http(url: str) -> bool:
    """Only absolute web addresses identify a page."""
    parts = urlsplit(url)
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def _source(doc: _Document, jsonld: list[object], url: str | None) -> str | None:
    """The publication: og:site_name, else the JSON-LD publisher, else the canonical host."""
    site_name = _clean(_unescape(_meta_values(doc).get("og:site_name") or ""))
    if site_name and not _is_absolute_http(site_name):
        return site_name
    for obj in _jsonld_objects(jsonld):
        publisher = obj.get("publisher")
        publisher = publisher[0] if isinstance(publisher, list) and publisher else publisher
        if isinstance(publisher, dict) and isinstance(publisher.get("name"), str):
            return _clean(publisher["name"]) or None
    host = urlsplit(url or site_name).hostname or ""
    return host.removeprefix("www.") or None


# --- titles (after Readability's _getArticleMetadata and _getArticleTitle) -------------------


def _page_title(doc: _Document, jsonld: list[object]) -> str:
    """The page's headline: metadata first, else the cleaned <title>; minus a site-name suffix."""
    values = _meta_values(doc)
    title = _jsonld_title(doc, jsonld) or next(
        (values[key] for key in _TITLE_KEYS if values.get(key)), ""
    )
    title = _clean(_unescape(title)) if title else _document_title_cleaned(doc)
    return _without_site_name(title, values.get("og:site_name"))


def _jsonld_title(doc: _Document, jsonld: list[object]) -> str | None:
    """Readability's JSON-LD title: `name` or `headline`, whichever matches the <title> better."""
    article = _jsonld_article(jsonld)
    if not article:
        return None
    name, headline = article.get("name"), article.get("headline")
    if isinstance(name, str) and isinstance(headline, str) and name != headline:
        title = _document_title_cleaned(doc)
        name_matches = _text_similarity(name, title) > 0.75
        headline_matches = _text_similarity(headline, title) > 0.75
        return headline if headline_matches and not name_matches else name
    for value in (name, headline):
        if isinstance(value, str):
            return value.strip()
    return None


def _text_similarity(text_a: str, text_b: str) -> float:
    """Share of text_b (by characters of its words) that also occurs in text_a; 1.0 is same."""
    tokens_a = [t for t in re.split(r"\W+", text_a.lower(), flags=re.ASCII) if t]
    tokens_b = [t for t in re.split(r"\W+", text_b.lower(), flags=re.ASCII) if t]
    if not tokens_a or not tokens_b:
        return 0.0
    unique_b = [t for t in tokens_b if t not in tokens_a]
    return 1 - len(" ".join(unique_b)) / len(" ".join(tokens_b))


def _document_title(doc: _Document) -> str:
    """What `document.title` gives: the first <title> outside SVG, whitespace collapsed."""
    for tag in doc.find_all("title"):
        if not tag.find_parent("svg"):
            return _clean(tag.get_text())
    return ""


def _document_title_cleaned(doc: _Document) -> str:
    """Readability's _getArticleTitle: the <title> without site-name parts, or an <h1>."""
    original = _document_title(doc)
    hierarchical = False
    if _TITLE_SEPARATOR.search(original):
        hierarchical = bool(_HIERARCHICAL_SEPARATOR.search(original))
        title = _title_before_separator(original)
    elif ": " in original:
        title = _title_after_colon(doc, original)
    elif len(original) > 150 or len(original) < 15:
        h1s = doc.find_all("h1")
        title = _inner_text(h1s[0]) if len(h1s) == 1 else original
    else:
        title = original
    title = re.sub(r"\s{2,}", " ", title.strip())
    words = _word_count(title)
    if words <= 4 and (
        not hierarchical or words != _word_count(_TITLE_SEPARATOR.sub("", original)) - 1
    ):
        return original
    return title


def _title_before_separator(original: str) -> str:
    """`Headline | Site` -> `Headline`; `Site | Headline` when the first part is too short."""
    last = list(_TITLE_SEPARATOR.finditer(original))[-1]
    title = original[: last.start()]
    if _word_count(title) < 3:
        title = _LEADING_TITLE_PART.sub("", original)
    return title


def _title_after_colon(doc: _Document, original: str) -> str:
    """`Site: Headline` -> `Headline`, unless a heading holds the whole title."""
    if any(h.get_text().strip() == original for h in doc.find_all(["h1", "h2"])):
        return original
    title = original[original.rfind(":") + 1 :]
    if _word_count(title) < 3:
        return original[original.find(":") + 1 :]
    if _word_count(original[: original.find(":")]) > 5:
        return original
    return title


def _word_count(text: str) -> int:
    """Words as Readability counts them (JavaScript `split(/\\s+/)`)."""
    return len(re.split(r"\s+", text))


def _without_site_name(title: str, site_name: str | None) -> str:
    """Drop a trailing ` | Site name` when it repeats og:site_name."""
    site = _clean(_unescape(site_name or ""))
    for separator in _SITE_SUFFIX_SEPARATORS:
        suffix = separator + site
        if site and title.lower().endswith(suffix.lower()) and len(title) > len(suffix):
            return title[: -len(suffix)].strip()
    return title


def _unescape(text: str) -> str:
    """Readability's unescaping of metadata values, which sites often escape twice."""

    def replace(match: re.Match) -> str:
        if match.group(1):
            return _ENTITY_CHARS[match.group(1).lower()]
        number = int(match.group(2), 16) if match.group(2) else int(match.group(3))
        return (
            chr(number) if 0 < number <= 0x10FFFF and not 0xD800 <= number <= 0xDFFF else "\ufffd"
        )

    return _ENTITY.sub(replace, text)


def _first_heading(doc: _Document) -> str:
    """The first non-empty <h1>, for pages without any title."""
    for heading in doc.find_all("h1"):
        text = _inner_text(heading)
        if text:
            return text
    return ""


# --- dates ------------------------------------------------------------------------------------


def _page_date(
    html: str, doc: _Document, jsonld: list[object], page: _Page, body: str
) -> tuple[str | None, str | None]:
    """The publication day and its source: the page's stamps or byline (html_dates), else the
    URL path, else a dateline atop the text."""
    day_first = _page_day_first(doc, page.day_first)
    stamps = list(_date_candidates(doc, jsonld))
    day, source = page_date(html, stamps, page.title, day_first)
    if day:
        return day, source
    return _url_or_dateline_date(page.url, body, day_first)


def _item_date_and_source(item: _Item, day_first: bool) -> tuple[str | None, str | None]:
    """A listing item's day: its own <time>, else its link's URL path, else its dateline."""
    if item.date:
        return item.date, item.date_source
    return _url_or_dateline_date(item.url, item.body, day_first)


def _url_or_dateline_date(
    url: str | None, body: str, day_first: bool
) -> tuple[str | None, str | None]:
    """The day the URL path spells out, else the one a dateline atop the text states."""
    day = date_in_url(url)
    if day:
        return day, "url"
    day = dateline_date(body, day_first=day_first)
    return day, "dateline" if day else None


def _page_day_first(doc: _Document, configured: bool = True) -> bool:
    """How the page orders 08/04/2011: by its <html lang> (en-US month first, others day first);
    `configured` when the language does not tell."""
    lang = (doc.soup.html.get("lang") if doc.soup.html else None) or ""
    lang = lang.strip().lower().replace("_", "-")
    if lang.endswith("-us"):
        return False
    if not lang or lang == "en" or lang.startswith(("en-ca", "en-ph")):
        return configured  # no telling: the configured order (Settings.day_first)
    return True


def _metadata_date(doc: _Document, jsonld: list[object], day_first: bool = True) -> str | None:
    """The publication day the page's metadata states, as YYYY-MM-DD; None when it states none."""
    return metadata_date(list(_date_candidates(doc, jsonld)), day_first)


def _date_candidates(doc: _Document, jsonld: list[object]) -> Iterator[str]:
    """Date strings from metadata, most trustworthy first (Readability's JSON-LD choice leads)."""
    article = _jsonld_article(jsonld) or {}
    if isinstance(article.get("datePublished"), str):
        yield article["datePublished"]
    metas = doc.find_all("meta", content=True)
    for meta in metas:
        if (meta.get("property") or meta.get("name") or "").strip().lower() in _DATE_PROPERTIES:
            yield meta["content"]
    for obj in _jsonld_objects(jsonld):
        if isinstance(obj.get("datePublished"), str):
            yield obj["datePublished"]
    for tag in doc.find_all(itemprop="datePublished"):
        yield tag.get("content") or tag.get("datetime") or ""
    for meta in metas:
        if (meta.get("name") or meta.get("property") or "").strip().lower() in _DATE_NAMES:
            yield meta["content"]
    time = _publication_time(doc)
    if time:
        yield time["datetime"]


def _publication_time(doc: _Document) -> Tag | None:
    """The <time datetime> dating the article: marked as such, in the article, or the only one."""
    times = [t for t in doc.find_all("time", datetime=True) if not _in_page_chrome(t)]
    marked = [t for t in times if t.has_attr("pubdate") or t.get("itemprop") == "datePublished"]
    in_article = [t for t in times if t.find_parent(["article", "main"])]
    for group in (marked, in_article):
        if group:
            return group[0]
    return times[0] if len(times) == 1 else None


def _in_page_chrome(tag: Tag) -> bool:
    """Inside navigation, a sidebar, a footer, or the site-wide header."""
    for parent in tag.parents:
        if parent.name in ("nav", "aside", "footer"):
            return True
        if parent.name == "header" and not parent.find_parent(["article", "main"]):
            return True
    return False


# --- main text --------------------------------------------------------------------------------


def _main_text(html: str, doc: _Document) -> str:
    """The page's main text, paragraphs separated by a blank line."""
    if len(html) >= _TINY_PAGE_CHARS:
        return _trafilatura_text(html) or _fallback_text(doc)[0]
    # A small hand-made page: trust its own <article>/<main> markup (without running
    # trafilatura at all), and our cleaning whenever trafilatura keeps too little of it.
    fallback, from_container = _fallback_text(doc)
    if not fallback or from_container:
        return fallback
    extracted = _trafilatura_text(html)
    return fallback if len(extracted.split()) < len(fallback.split()) / 2 else extracted


def _trafilatura_text(html: str) -> str:
    """trafilatura's main text (precision-leaning: the best F1 on the Zyte benchmark)."""
    text = trafilatura.extract(
        html, include_comments=False, include_tables=True, favor_precision=True
    )
    lines = (_clean(line) for line in (text or "").splitlines())
    return "\n\n".join(line for line in lines if line)


def _fallback_text(doc: _Document) -> tuple[str, bool]:
    """Visible text without page chrome, and whether an article-like container held it."""
    page_text = _paragraphs(doc.soup.body or doc.soup, _is_chrome)
    candidates = [*doc.find_all(itemprop="articleBody"), *doc.find_all(["article", "main"])]
    texts = [_paragraphs(candidate, _is_chrome) for candidate in _outermost(candidates)]
    best = max(texts, key=_length, default=[])
    if best and _length(best) >= _length(page_text) / 2:
        return "\n\n".join(best), True
    return "\n\n".join(page_text), False


def _outermost(tags: list[Tag]) -> list[Tag]:
    """The tags not inside another of them (an outer container holds all its inner text)."""
    chosen = {id(tag) for tag in tags}
    return [tag for tag in tags if not any(id(parent) in chosen for parent in tag.parents)]


def _length(paragraphs: list[str]) -> int:
    """Characters of text in a list of paragraphs."""
    return sum(len(paragraph) for paragraph in paragraphs)


def _is_chrome(tag: Tag) -> bool:
    """Elements that are never part of a clipping's text."""
    return (
        tag.name in _DROP_TAGS
        or tag.get("role") in _DROP_ROLES
        or tag.has_attr("hidden")
        or tag.get("aria-hidden") == "true"
        or any(
            _COMMENT_BOX.match(name) for name in [*(tag.get("class") or []), tag.get("id") or ""]
        )
    )


def _paragraphs(root: Tag, skip: Callable[[Tag], bool]) -> list[str]:
    """Text under root, one string per block element, skipping elements `skip` rejects."""
    chunks: list[list[str]] = [[]]
    # An explicit stack, not recursion: saved pages can nest thousands of elements deep.
    stack: list[tuple[Iterator, bool]] = [(iter(root.children), False)]
    while stack:
        children, is_block = stack[-1]
        child = next(children, None)
        if child is None:
            stack.pop()
            if is_block:
                chunks.append([])
        elif isinstance(child, Tag) and not skip(child):
            is_block = child.name in _BLOCK_TAGS
            if is_block:
                chunks.append([])
            stack.append((iter(child.children), is_block))
        elif type(child) is NavigableString:
            chunks[-1].append(str(child))
    paragraphs = (_clean("".join(chunk)) for chunk in chunks)
    return [paragraph for paragraph in paragraphs if paragraph]


def _inner_text(tag: Tag) -> str:
    """An element's text content, white space collapsed."""
    return _clean(tag.get_text())


def _clean(text: str) -> str:
    """Whitespace collapsed to single spaces."""
    return " ".join(text.split())


# --- listings ---------------------------------------------------------------------------------


def _items(doc: _Document, page: _Page) -> list[_Item]:
    """Repeated item blocks: <article> teasers, else heading + excerpt + "Read more" items."""
    return _article_items(doc, page) or _read_more_items(doc, page)


def _is_listing(items: list[_Item], main_text: str) -> bool:
    """Whether the items are the page's content rather than teasers beside one article."""
    if len(items) < 2 or _dominant(items):
        return False  # a lone item, or the article itself among short teasers
    teaser_text = " ".join(item.body for item in items)
    return _coverage(main_text, teaser_text) >= _LISTING_COVERAGE


def _dominant(items: list[_Item]) -> _Item | None:
    """The item far longer than the typical one: the article, when the rest are its teasers."""
    if not items:
        return None
    longest = max(items, key=lambda item: len(item.body.split()))
    median = statistics.median(len(item.body.split()) for item in items)
    return longest if len(longest.body.split()) >= _ARTICLE_DOMINANCE * median else None


def _teasers(items: list[_Item], main_text: str) -> list[_Item]:
    """The items that are short next to the page's main text: teasers, not the article itself."""
    limit = min(len(main_text.split()) * _TEASER_SHARE, _TEASER_WORDS)
    return [item for item in items if len(item.body.split()) < limit]


def _article_body(main_text: str, title: str, teasers: list[_Item]) -> str:
    """The main text without a leading repeat of the title and without teaser lines."""
    unwanted = {_fold(part) for item in teasers for part in (item.title, *_split(item.body))}
    paragraphs = [p for p in _split(main_text) if _fold(p) not in unwanted]
    if paragraphs and _fold(paragraphs[0]) == _fold(title):
        paragraphs = paragraphs[1:]
    return "\n\n".join(paragraphs)


def _split(text: str) -> list[str]:
    """The paragraphs of a body."""
    return [paragraph for paragraph in text.split("\n\n") if paragraph]


def _fold(text: str) -> str:
    """A paragraph's comparison key: collapsed white space, case folded."""
    return _clean(text).casefold()


def _coverage(text: str, within: str) -> float:
    """Share of text's word trigrams that also occur in `within` (1.0 for an empty text)."""
    trigrams = _trigrams(text)
    return len(trigrams & _trigrams(within)) / len(trigrams) if trigrams else 1.0


def _trigrams(text: str) -> set[tuple[str, ...]]:
    """The set of lower-cased word trigrams of a text."""
    words = re.findall(r"\w+", text.lower())
    return {tuple(words[i : i + 3]) for i in range(len(words) - 2)}


def _article_items(doc: _Document, page: _Page) -> list[_Item]:
    """One item per innermost <article> that has a heading or link and some text of its own."""
    items = []
    for article in doc.find_all("article"):
        if article.find("article") or _is_teaser_box(article):
            continue
        item = _item(article, [article], page)
        if item:
            items.append(item)
    return items


def _is_teaser_box(tag: Tag) -> bool:
    """In a comment thread, a related-stories box or page chrome rather than a listing."""
    for node in [tag, *tag.parents]:
        if node.name in ("body", "html", "[document]"):
            return False
        if node.name in ("nav", "aside", "footer"):
            return True
        names = [*(node.get("class") or []), node.get("id") or ""]
        if any(_NOT_AN_ITEM.match(name) for name in names):
            return True
    return False


def _read_more_items(doc: _Document, page: _Page) -> list[_Item]:
    """One item per heading followed by an excerpt and a "Read more" link."""
    items, seen = [], set()
    for link in doc.find_all("a", href=True):
        if not _is_read_more(link):
            continue
        heading = link.find_previous(_HEADINGS)
        if heading is None or id(heading) in seen or _is_teaser_box(link):
            continue
        seen.add(id(heading))
        item = _item(heading, _span(heading, link), page, read_more=link)
        if item:
            items.append(item)
    return items


def _span(first: Tag, last: Tag) -> list[Tag]:
    """The sibling subtrees from the one holding `first` to the one holding `last`."""
    last_chain = [last, *last.parents]
    for node in [first, *first.parents]:
        position = next((i for i, n in enumerate(last_chain) if n is node.parent), None)
        if position is not None:
            return _siblings_until(node, last_chain[position - 1])
    return [first]


def _siblings_until(start: Tag, end: Tag) -> list[Tag]:
    """start and its following element siblings, up to and including end."""
    span = [start]
    if start is end:
        return span
    for sibling in start.next_siblings:
        if isinstance(sibling, Tag):
            span.append(sibling)
        if sibling is end:
            break
    return span


def _item(anchor: Tag, span: list[Tag], page: _Page, read_more: Tag | None = None) -> _Item | None:
    """Title, excerpt, link and date of one listing item, or None when it has no excerpt."""
    heading = anchor if anchor.name in _HEADINGS else _headline(anchor)
    first_link = anchor.find("a", href=True)
    title_tag = heading or first_link
    if title_tag is None:
        return None
    skipped = {id(title_tag), id(read_more)}

    def skip(tag: Tag) -> bool:
        return (
            _is_chrome(tag)
            or id(tag) in skipped
            or tag.name in ("time", "figure", "figcaption")
            or _is_read_more(tag)
        )

    body = "\n\n".join(p for root in span for p in _paragraphs_of(root, skip))
    if not body or not _inner_text(title_tag):
        return None
    url = _item_url(title_tag, read_more or first_link, page)
    return _Item(_inner_text(title_tag), body, url, *_item_date(span, page.day_first))


def _headline(item: Tag) -> Tag | None:
    """The item's headline: the first heading that links somewhere, else its first heading."""
    headings = item.find_all(_HEADINGS)
    linked = (h for h in headings if h.find("a", href=True) or h.find_parent("a", href=True))
    return next(linked, headings[0] if headings else None)


def _paragraphs_of(root: Tag, skip: Callable[[Tag], bool]) -> list[str]:
    """Paragraphs of root itself, or nothing when root is skipped."""
    return [] if skip(root) else _paragraphs(root, skip)


def _is_read_more(tag: Tag) -> bool:
    """A short link saying Read more / Continue reading / Full story."""
    return (
        tag.name == "a" and len(tag.get_text()) <= 60 and bool(_READ_MORE.match(_inner_text(tag)))
    )


def _item_url(title_tag: Tag, other_link: Tag | None, page: _Page) -> str | None:
    """The item's own link (the heading's, else its "Read more"), made absolute when possible."""
    links = [
        title_tag if title_tag.name == "a" else title_tag.find("a", href=True),
        title_tag.find_parent("a", href=True),
        other_link,
    ]
    hrefs = [link["href"].strip() for link in links if link is not None and link.get("href")]
    href = next((h for h in hrefs if not h.startswith(("#", "javascript:", "mailto:"))), None)
    if href is None:
        return None
    return urljoin(page.base, href) if page.base else href


def _item_date(span: list[Tag], day_first: bool) -> tuple[str | None, str | None]:
    """The day the item itself states: a <time datetime> inside it, else its own dated line
    ("Posted on 3. März 2021", a date element); never the page's date."""
    for root in span:
        times = [root] if root.name == "time" else root.find_all("time", datetime=True)
        for time in times:
            day = parse_date(time.get("datetime"), day_first=day_first)
            if day:
                return day, "metadata"
    for root in span:
        for tag in [root, *root.find_all(_ITEM_DATE_TAGS)]:
            day = _dated_line(tag, day_first)
            if day:
                return day, "byline"
    return None, None


def _dated_line(tag: Tag, day_first: bool) -> str | None:
    """The day a short line writes when the line is a date or a byline, not a sentence."""
    if tag.name not in _ITEM_DATE_TAGS or tag.find(_HEADINGS) or tag.find_parent("blockquote"):
        return None  # a heading names an event, a quoted post dates itself
    text = _inner_text(tag)
    if len(text) > _DATED_LINE_CHARS:
        return None
    day = day_in_line(text, day_first=day_first)
    words = re.findall(r"[^\W\d_]{2,}", text)
    return day if day and len(words) <= _DATED_LINE_WORDS else None
