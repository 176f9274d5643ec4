"""A saved page's publication day, and the kind of evidence it came from (`date_source`).

Two kinds of evidence live in a page's bytes, trusted in this order:

- `metadata`: the publication stamps parse_html collects (JSON-LD `datePublished`,
  `article:published_time`, date metas, the article's `<time datetime>`), the first that names
  a day. A stamp stated in UTC names the UTC day, often not the publisher's: it gives way to the
  same moment stated in another zone elsewhere in the metadata, or, as a `byline`, to the
  neighbouring day a byline marked as the date writes.
- `byline`: htmldate's two readings of the page, its fast reading of the markup (without what
  dates something else) and then its extensive search of the whole page, then our own reading
  of the lines marked as a date. A day is kept only where the page writes it in a place that
  dates the article itself: a date meta (`metadata` then), a short line marked as a date
  (class, id or itemprop; `<time>`), a line that is a date or says it dates a publication
  ("Posted on …", "Veröffentlicht am …"). A day written only in a box of other stories, a
  comment, the site's header, footer or sidebar, a caption, a quoted post, an image path, a
  script, an "updated" stamp or a sentence of the text dates something else, and the page is
  left to the URL path and the dateline (parse_html).

htmldate only proposes; `_Page` says where the page writes a day. Nothing here knows a site.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from functools import cached_property
from typing import NamedTuple

import lxml.etree
import lxml.html
from htmldate import find_date

from indexer.dates import (
    _spellings,
    dateline_date,
    day_in_line,
    in_utc,
    parse_date,
    spells_out,
    stamp_time,
)

# --- what htmldate's fast reading must not see (each dates something else than the article) ----
# URL and image metadata (the URL path is parse_html's own later step), update times (htmldate
# falls back on a modified time when it finds no published one), scripts other than JSON
# (build times), page chrome and captions, paragraphs without a date cue (events in the text).
_URL_METAS = ("og:url", "og:image", "twitter:url", "twitter:image")
_UPDATE_METAS = re.compile(r"modif|updated|lastmod|last-mod|revis", re.IGNORECASE)
_JSON_SCRIPTS = ("application/ld+json", "application/settings+json")
_CHROME_TAGS = ("aside", "nav", "figure", "figcaption")
_SITE_TAGS = ("header", "footer")  # chrome outside <article> and <main>
_TEXT_TAGS = ("p", "blockquote")  # text unless a class, id or itemprop names a date
_BOX_TAGS = ("div", "span")  # kept unless named a caption
_CAPTION = re.compile(r"caption", re.IGNORECASE)
_CAPTION_CHARS = 500  # a "caption" box longer than this is a wrapper, not a caption
_DATE_CUE = re.compile(r"dat|time|publi|posted|byline|meta|author|info|fecha", re.IGNORECASE)

# --- where a page writes a day ----------------------------------------------------------------
_SKIPPED = frozenset(["script", "style", "noscript", "template", "select", "svg"])
_LINE_TAGS = frozenset(
    "address article aside blockquote br dd div dl dt figcaption figure footer h1 h2 h3 h4 h5 "
    "h6 header hr li main nav ol p pre section summary table td th tr ul".split()
)
_CHROME_ROLES = frozenset(["navigation", "banner", "contentinfo", "complementary", "menu"])
# Class or id words of boxes that hold other stories, reader comments, or captions.
_TEASER_BOX = re.compile(
    r"related|recommend|teaser|popular|trending|most-?read|most-?viewed|sidebar|promo|sponsor|"
    r"outbrain|taboola|read-?next|more-?(?:stories|news|articles)",
    re.IGNORECASE,
)
_COMMENT_BOX = re.compile(  # "comment-list", "replies", not "commentary"
    r"(?:^|\s)(?:comments?|commentlist|repl(?:y|ies)|disqus)(?:$|[-_\s])", re.IGNORECASE
)
_DATE_META = re.compile(r"date|time|publi|created|issued", re.IGNORECASE)
_JSON_DATE = re.compile(r'"(\w*(?:date|publi|created|issued)\w*)"\s*:\s*"([^"]{6,60})"', re.I)
_UPDATED = re.compile(
    r"updat|modifi|aktualisiert|geändert|mis à jour|actualiza|aggiornat|bijgewerkt|edited",
    re.IGNORECASE,
)
_PUBLISHED = re.compile(
    r"publi|posted|veröffentlicht|erschienen|publié|publicado|pubblicato", re.IGNORECASE
)
_BYLINE_CUE = re.compile(rf"{_PUBLISHED.pattern}|\bby\b|\bvon\b|\bpor\b|\bpar\b", re.I)
_LEAD_CHARS = 50  # an "Updated" cue stands this close before its date
_BYLINE_CHARS = 160  # a byline is a short line ...
_BYLINE_WORDS = 8  # ... with few words beside its date ("By Jane Doe, 8 April 2011")
_DATE_LINE_WORDS = 3  # a line that is little more than a date ("News24 13 Jan 2020, 22:11 GMT")
_WORD = re.compile(r"[^\W\d_]{2,}")
_DATE_MARK = re.compile(r"date|time|publi|posted|byline|datum|fecha|zeit", re.IGNORECASE)
# Kinds of place that date the article, best first: a date meta, a byline (a short line marked
# as a date), a line that is a date or says it dates a publication. The rest date something
# else: "text" (a sentence), "updated", "dateline" (parse_html's own later step), "url" and
# "other" metas, and the boxes of _box (chrome, teaser, comment, caption, quote).
_TRUSTED = ("metadata", "byline", "line")


def page_date(
    html: str, stamps: list[str], title: str, day_first: bool = True
) -> tuple[str | None, str | None]:
    """The page's publication day and its kind of evidence: its stamps, else a byline day."""
    page = _Page(html, title, day_first)
    day, source = _stamps_date(page, stamps)
    if day:
        return day, source
    for extensive in (False, True):
        day = _htmldate(page.markup_tree() if not extensive else page.tree, extensive)
        kind = page.trusted_kind(day) if day else None
        if kind:
            return day, "metadata" if kind == "metadata" else "byline"
    day = page.marked_line_day()
    return (day, "byline") if day else (None, None)


def stamps_date(
    html: str, stamps: list[str], title: str, day_first: bool = True
) -> tuple[str | None, str | None]:
    """The day the page's stamps give (read in the publisher's zone), without htmldate: what
    dates the page's own article when the page is a listing of several."""
    return _stamps_date(_Page(html, title, day_first), stamps)


def metadata_date(stamps: list[str], day_first: bool = True) -> str | None:
    """The day the first stamp names that names one (no UTC reading): the bench's metadata step."""
    return _first_stamp(stamps, day_first)[1]


def markup_date(html: str, day_first: bool = True, *, extensive_search: bool = False) -> str | None:
    """htmldate's reading of the markup alone, when the page writes that day out: a bench step."""
    day = _htmldate(_markup_tree(html), extensive_search)
    return day if day and spells_out(html, day, day_first=day_first) else None


# --- stamps -----------------------------------------------------------------------------------


def _stamps_date(page: _Page, stamps: list[str]) -> tuple[str | None, str | None]:
    """The first stamp's day and source, None when no stamp names a day."""
    stamp, day = _first_stamp(stamps, page.day_first)
    return _stamp_day(page, stamp, stamps, day) if day else (None, None)


def _first_stamp(stamps: list[str], day_first: bool) -> tuple[str | None, str | None]:
    """The first stamp that names a day, with that day."""
    for stamp in stamps:
        day = parse_date(stamp, day_first=day_first)
        if day:
            return stamp, day
    return None, None


def _stamp_day(
    page: _Page, stamp: str, stamps: list[str], day: str
) -> tuple[str | None, str | None]:
    """The stamp's day, read in the publisher's zone when the stamp is in UTC and the page says."""
    moment = stamp_time(stamp)
    if not in_utc(moment):
        return day, "metadata"
    local = _same_moment_elsewhere(moment, stamps)
    if local and local != day:
        return local, "metadata"
    written = _written_neighbour(page, moment, day)
    return (written, "byline") if written else (day, "metadata")


def _same_moment_elsewhere(moment: datetime.datetime, stamps: list[str]) -> str | None:
    """The day of another stamp stating the same moment in another zone (or in local time)."""
    for other in map(stamp_time, stamps):
        if other is None or in_utc(other):
            continue
        if other.tzinfo is not None:
            if other == moment:
                return other.date().isoformat()
            continue
        shift = other - moment.replace(tzinfo=None)  # local time: a whole zone's offset away
        if abs(shift) <= datetime.timedelta(hours=14) and shift.total_seconds() % 900 == 0:
            return other.date().isoformat()
    return None


def _written_neighbour(page: _Page, moment: datetime.datetime, day: str) -> str | None:
    """The day before or after a UTC stamp's that the byline writes, marked as the date, instead
    of the stamp's own: the publisher's day, when some zone (UTC-12 to UTC+14) puts the moment
    on it. Overruling a stamp takes a date the page marks as one, not any dated line."""
    stamp_day = datetime.date.fromisoformat(day)
    reachable = [(-1, moment.hour < 12), (1, moment.hour >= 10)]
    shifts = [shift for shift, possible in reachable if possible]
    neighbours = [(stamp_day + datetime.timedelta(days=shift)).isoformat() for shift in shifts]
    written = [neighbour for neighbour in neighbours if page.writes(neighbour)]
    if not written or page.trusted_kind(day, written_only=True):
        return None  # a page that nowhere writes a neighbour day is not read line by line
    return next((neighbour for neighbour in written if page.marks_as_date(neighbour)), None)


# --- htmldate ---------------------------------------------------------------------------------


def _htmldate(tree: lxml.html.HtmlElement | None, extensive: bool) -> str | None:
    """htmldate's original publication day of a tree (never its URL: the URL is our own step)."""
    if tree is None:
        return None
    return find_date(
        tree,  # a tree, never a string: find_date downloads a string that looks like a URL
        extensive_search=extensive,
        original_date=True,  # the first publication, not the last update
        url="",
        min_date="1900-01-01",
        max_date=datetime.date.today().isoformat(),
    )


def _parse(html: str) -> lxml.html.HtmlElement | None:
    """The page as an lxml tree, or None when lxml cannot read it."""
    try:
        parser = lxml.html.HTMLParser(encoding="utf-8")  # one per call: parsers are not shared
        return lxml.html.document_fromstring(html.encode("utf-8", "ignore"), parser=parser)
    except (ValueError, lxml.etree.LxmlError):
        return None


def _markup_tree(html: str) -> lxml.html.HtmlElement | None:
    """The page for htmldate's fast reading, without what dates something else."""
    tree = _parse(html)
    if tree is None:
        return None
    tags = ("meta", "script", *_CHROME_TAGS, *_SITE_TAGS, *_TEXT_TAGS, *_BOX_TAGS)
    for element in list(tree.iter(*tags)):
        if _dates_something_else(element):
            element.drop_tree()
    return tree


def _dates_something_else(element: lxml.html.HtmlElement) -> bool:
    """URL or image metadata, a script, page chrome, a caption, a paragraph without a date cue."""
    if element.tag == "meta":
        key = (element.get("property") or element.get("name") or "").strip().lower()
        return key.startswith(_URL_METAS) or bool(_UPDATE_METAS.search(key))
    if element.tag == "script":
        return (element.get("type") or "").strip().lower() not in _JSON_SCRIPTS
    if element.tag in _CHROME_TAGS:
        return True
    if element.tag in _SITE_TAGS:
        return next(element.iterancestors("article", "main"), None) is None
    marks = " ".join(element.get(name) or "" for name in ("class", "id", "itemprop"))
    if _CAPTION.search(marks) and len(element.text_content()) <= _CAPTION_CHARS:
        return True
    return element.tag in _TEXT_TAGS and not _DATE_CUE.search(marks)


# --- where the page writes a day ----------------------------------------------------------------


@dataclass
class _Piece:
    """A run of text (or a datetime/title attribute) on one line of the page."""

    text: str
    line: int
    start: int  # where the run begins in its line's text
    box: str | None  # "chrome", "teaser", "comment", "caption": a box that dates something else
    marked: bool  # inside an element marked as a date (class, id or itemprop; <time>)
    attribute: bool = False


@dataclass
class _Page:
    """One page, read lazily: its trees and its text cut into lines, each run with its box."""

    html: str
    title: str
    day_first: bool
    _kinds: dict = field(default_factory=dict)

    @cached_property
    def tree(self) -> lxml.html.HtmlElement | None:
        """The whole page, which htmldate's extensive search reads (find_date copies it)."""
        return _parse(self.html)

    def markup_tree(self) -> lxml.html.HtmlElement | None:
        """A fresh pruned tree for htmldate's fast reading."""
        return _markup_tree(self.html)

    def marked_line_day(self) -> str | None:
        """The first day a short line marked as a date writes as a byline ("Published 11:11 PM
        EST Nov 19, 2019", "Veröffentlicht am 3. März 2021"): our own reading of the page."""
        lines = {piece.line for piece in self.pieces if piece.marked and not piece.box}
        for line in sorted(lines):
            text = " ".join(self.lines[line].split())
            day = (
                day_in_line(text, day_first=self.day_first) if len(text) <= _BYLINE_CHARS else None
            )
            if day and "byline" in self.kinds(day):
                return day
        return None

    def marks_as_date(self, day: str) -> bool:
        """Whether a byline marked as a date (a <time>, a date class or itemprop) writes `day`."""
        if not self.kinds(day) & {"byline"}:
            return False
        patterns = _spellings(day, self.day_first)
        for piece in self.pieces:
            match = piece.marked and next(
                filter(None, (p.search(piece.text) for p in patterns)), None
            )
            if match and self._piece_kind(piece, match) == "byline":
                return True
        return False

    def trusted_kind(self, day: str, *, written_only: bool = False) -> str | None:
        """ "metadata" or "byline" when the page writes `day` in a place that dates the article."""
        kinds = self.kinds(day)
        if written_only:
            kinds = kinds - {"metadata"}
        return next((kind for kind in _TRUSTED if kind in kinds), None)

    def writes(self, day: str) -> bool:
        """Whether the page writes `day` out anywhere (a cheap look before `kinds`)."""
        return spells_out(self.html, day, day_first=self.day_first)

    def kinds(self, day: str) -> set[str]:
        """Every kind of place the page writes `day` in (empty when nowhere)."""
        if day not in self._kinds:
            found = set()
            if self.writes(day):
                patterns = _spellings(day, self.day_first)
                found = self._meta_kinds(patterns) | self._line_kinds(patterns, day)
            self._kinds[day] = found
        return self._kinds[day]

    def _meta_kinds(self, patterns: list[re.Pattern]) -> set[str]:
        """Kinds of the metas and JSON-LD values that write the day."""
        kinds = set()
        for meta in self.tree.iter("meta") if self.tree is not None else ():
            if any(pattern.search(meta.get("content") or "") for pattern in patterns):
                kinds.add(_meta_kind(_meta_key(meta)))
        for script in self.json_scripts:
            for key, value in _JSON_DATE.findall(script):
                if any(pattern.search(value) for pattern in patterns):
                    kinds.add("updated" if _UPDATE_METAS.search(key) else "metadata")
        return kinds

    def _line_kinds(self, patterns: list[re.Pattern], day: str) -> set[str]:
        """Kinds of the lines of text that write the day."""
        kinds = set()
        needles = (day[:4], day[2:4])
        for piece in self.pieces:
            if not any(needle in piece.text for needle in needles):
                continue
            match = next(filter(None, (p.search(piece.text) for p in patterns)), None)
            if match:
                kinds.add(self._piece_kind(piece, match))
        return kinds

    def _piece_kind(self, piece: _Piece, match: re.Match) -> str:
        """What a day written in this run dates: its box, an update, a byline, or the text."""
        if piece.box:
            return piece.box
        line = self.lines[piece.line]
        lead = line[: piece.start] + ("" if piece.attribute else piece.text[: match.start()])
        if _is_update(lead[-_LEAD_CHARS:]):
            return "updated"
        words = _WORD.findall(line if piece.attribute else line.replace(match.group(0), " ", 1))
        if len(" ".join(line.split())) > _BYLINE_CHARS or len(words) > _BYLINE_WORDS:
            return "text"
        if len(words) > _DATE_LINE_WORDS and dateline_date(line, day_first=self.day_first):
            return "dateline"  # "GENEVA, 13 September 2011 — The agency said": parse_html's step
        if piece.marked:
            return "byline"
        # Unmarked, only a line that is a date or says it dates a publication, not a sentence
        # that names a day ("The licence was renewed on 2011-04-08").
        return "line" if len(words) <= _DATE_LINE_WORDS or _BYLINE_CUE.search(lead) else "text"

    @cached_property
    def json_scripts(self) -> list[str]:
        """The text of the page's JSON-LD scripts."""
        scripts = self.tree.iter("script") if self.tree is not None else ()
        return [s.text or "" for s in scripts if _is_json_ld(s)]

    @cached_property
    def pieces(self) -> list[_Piece]:
        """The page's text runs in document order, each on its line and in its box."""
        return self._text[0]

    @cached_property
    def lines(self) -> list[str]:
        """The page's lines of text, as the runs on each line join up."""
        return self._text[1]

    @cached_property
    def _text(self) -> tuple[list[_Piece], list[str]]:
        """Walk the body once (with a stack: saved pages nest thousands of elements deep)."""
        text = _Text()
        body = self.tree.find("body") if self.tree is not None else None
        if body is None:
            return text.pieces, text.lines
        article = _article(body, self.title)
        stack = [(body, iter(body), None, False)]
        while stack:
            element, children, box, marked = stack[-1]
            child = next(children, None)
            if child is None:
                stack.pop()
                text.close(element)
                if stack and element.tail:
                    text.add(element.tail, stack[-1][2], stack[-1][3])
            elif not isinstance(child.tag, str) or child.tag in _SKIPPED:
                if child.tail:  # a comment or a script dates no article; the text after it may
                    text.add(child.tail, box, marked)
            else:
                child_box = box or _box(child, article)
                child_marked = marked or _marked_as_date(child)
                text.open(child, child_box, child_marked)
                stack.append((child, iter(child), child_box, child_marked))
        return text.pieces, text.lines


@dataclass
class _Text:
    """The runs and lines of a page's body as a walk meets them."""

    pieces: list[_Piece] = field(default_factory=list)
    lines: list[str] = field(default_factory=lambda: [""])

    def open(self, element: lxml.html.HtmlElement, box: str | None, marked: bool) -> None:
        """An element begins: a new line for a block, its date attributes, its own text."""
        if element.tag in _LINE_TAGS:
            self.lines.append("")
        for name in ("datetime", "title"):
            if element.get(name):
                line, start = len(self.lines) - 1, len(self.lines[-1])
                self.pieces.append(_Piece(element.get(name), line, start, box, marked, True))
        if element.text:
            self.add(element.text, box, marked)

    def close(self, element: lxml.html.HtmlElement) -> None:
        """An element ends: a block ends its line."""
        if element.tag in _LINE_TAGS:
            self.lines.append("")

    def add(self, text: str, box: str | None, marked: bool) -> None:
        """A run of text on the current line."""
        self.pieces.append(_Piece(text, len(self.lines) - 1, len(self.lines[-1]), box, marked))
        self.lines[-1] += text


def _is_json_ld(script: lxml.html.HtmlElement) -> bool:
    """A JSON-LD script, whose date keys say what each date is."""
    return (script.get("type") or "").strip().lower() == _JSON_SCRIPTS[0]


def _is_update(lead: str) -> bool:
    """Whether the words just before a date say it is an update ("Updated: …", "aktualisiert
    am …") rather than a publication ("Published …, updated …" dates the first)."""
    updates = [m.end() for m in _UPDATED.finditer(lead)]
    published = [m.end() for m in _PUBLISHED.finditer(lead)]
    return bool(updates) and updates[-1] > max(published, default=-1)


def _meta_key(meta: lxml.html.HtmlElement) -> str:
    """A meta's name, property, itemprop or http-equiv, lower-cased."""
    names = ("property", "name", "itemprop", "http-equiv")
    return next((meta.get(n) for n in names if meta.get(n)), "").strip().lower()


def _meta_kind(key: str) -> str:
    """What a meta holding a day states: a publication date, an update, a URL, or other words."""
    if key.startswith(_URL_METAS) or "image" in key:
        return "url"
    if _UPDATE_METAS.search(key):
        return "updated"
    return "metadata" if _DATE_META.search(key) else "other"


class _Article(NamedTuple):
    """What a walk knows of the article: the headline with every element around it (none of
    them a box of other stories, however named), whether an <article> holds it, and half the
    body's text (a box named for comments or other stories holds less: more is a wrapper)."""

    around: set
    in_article: bool
    half_text: int


def _article(body: lxml.html.HtmlElement, title: str) -> _Article:
    """The article's place in the body, from its headline."""
    headline = _headline(body, title)
    around = {headline, *headline.iterancestors()} if headline is not None else set()
    in_article = any(element.tag == "article" for element in around)
    return _Article(around, in_article, len(body.text_content()) // 2)


def _headline(body: lxml.html.HtmlElement, title: str) -> lxml.html.HtmlElement | None:
    """The <h1> (else <h2>) holding most of the title's words, else the first <h1> with text:
    blogs title the site in an <h1> and each post in an <h2>."""
    words = set(_WORD.findall(title.lower()))
    for tag in ("h1", "h2"):
        for heading in body.iter(tag):
            shared = words & set(_WORD.findall(heading.text_content().lower()))
            if len(shared) * 2 > len(words):
                return heading
    return next((h for h in body.iter("h1") if h.text_content().strip()), None)


def _marked_as_date(element: lxml.html.HtmlElement) -> bool:
    """A <time>, or an element whose class, id or itemprop names a date."""
    if element.tag == "time":
        return True
    return bool(
        _DATE_MARK.search(" ".join(element.get(n) or "" for n in ("class", "id", "itemprop")))
    )


def _box(element: lxml.html.HtmlElement, article: _Article) -> str | None:
    """The kind of box an element is when it dates something else than the article."""
    if element.tag in ("figure", "figcaption"):
        return "caption"
    if element.tag == "blockquote":
        return "quote"  # a quoted or embedded post dates itself
    marks = " ".join(element.get(name) or "" for name in ("class", "id"))
    if _CAPTION.search(marks) and len(element.text_content()) <= _CAPTION_CHARS:
        return "caption"
    if element in article.around:
        return None
    if element.tag in ("nav", "aside", "footer") or element.get("role") in _CHROME_ROLES:
        return "chrome"
    if element.tag == "header" and next(element.iterancestors("article", "main"), None) is None:
        return "chrome"
    if element.tag == "article" and article.in_article:
        return "teaser"  # another story's <article> beside the one holding the headline
    kind = (
        "comment" if _COMMENT_BOX.search(marks) else "teaser" if _TEASER_BOX.search(marks) else None
    )
    return kind if kind and len(element.text_content()) <= article.half_text else None
