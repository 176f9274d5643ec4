"""Plain-text clippings: one article per file, or a digest of many articles in one file.

A clipping is a title line, optional header lines (`Date:`, `Published:`, `Posted on:`,
`Source:`, `URL:`, `Link:`, `Title:`, or a bare "Posted on April 8, 2011") just before or after
it, and a body. Its date comes from a date header, else a wire-style dateline at the top of the
body ("BAGHDAD, April 8, 2011 (Reuters) -"), else the URL path; never from elsewhere in the text.

Digest items are separated by "Read more" lines ("Read more »", "Continue reading", "Full
story") or by rules of three or more `-`, `*`, `=`, `_`, `~` or `#` ("---", "* * *", "###").
A digest's first line names its collection when it stands alone above the first item, e.g.
`seeds/mek-camp-ashraf.txt`:

    MEK Camp Ashraf                      <- collection

    What to do about Camp Ashraf         <- title of clipping 1

    The 3,000+ inhabitants there ...     <- its body

    Read more                            <- boundary

    Mojahedin Khalq and Camp Ashraf      <- title of clipping 2
    ...

Only a file that holds two or more items can have a collection line; in a one-item file the
first line is always the title. The body keeps its paragraphs (blank-line separated) and joins
the hard-wrapped lines of each with spaces. A "Read more: <url>" line gives its item the URL.

Decisions: a title with no text under it is not a clipping (a single-line file raises
"no text after the title"; in a digest, headline-only items such as a footer are dropped and
the others numbered 1, 2, 3 ...). A "title" longer than 200 characters is a paragraph: the
title becomes its first words and the paragraph stays in the body. "# " heading marks are
dropped from titles. In .md files a rule directly under a line is a heading underline, not a
separator, and a YAML front-matter block supplies the header lines. A scene break ("* * *")
inside one long article does split it: the format cannot tell the two apart.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from indexer.clipping import BadFile, Clipping
from indexer.dates import date_in_url, dateline_date, parse_date, written_date

_HEADER = re.compile(
    r"^\s*(title|date|published|posted(?:\s+on)?|source|url|link)\s*:\s*(.*?)\s*$", re.I
)
_HEADER_KEYS = {
    "title": "title",
    "date": "date",
    "published": "date",
    "posted": "date",
    "posted on": "date",
    "source": "source",
    "url": "url",
    "link": "url",
}
# "Posted on April 8, 2011" without a colon is a header line only when a date is all it holds.
_POSTED_ON = re.compile(r"^\s*(?:posted|published)\s+on\s+(.*?)\s*$", re.I)
_MAX_HEADER_LINE = 300
_READ_MORE = re.compile(r"^\W*(?:read\s+more|continue\s+reading|full\s+story)\b(.*)$", re.I)
_READ_MORE_TAIL = re.compile(r"^(?:\W*\b(?:at|on|here)\b)?\W*$", re.I)
_URL = re.compile(r"(?:https?://|www\.)\S+", re.I)
_RULE = re.compile(r"^\s*([-*=_~#—•])(?:[ \t]*\1){2,}\s*$")
_ATX_HEADING = re.compile(r"^#{1,6}\s+(.*?)(?:\s+#+)?$")
_FRONT_MATTER_LINE = re.compile(r"^(?:[A-Za-z_][\w -]*:(?:\s.*)?|\s.*|-(?:\s.*)?|#.*)$")
_SPACES = re.compile(r"[ \t]+")

_LONG_TITLE = 200  # longer than this, the first line is a paragraph, not a title
_SHORT_TITLE = 120  # the length a paragraph is cut to when it has to serve as the title
_COLLECTION_LENGTH = 80
_TITLE_LENGTH = 150


@dataclass
class _Draft:
    """One item before it becomes a Clipping."""

    title: str = ""
    title_alone: bool = False  # a blank line (or header lines) between title and body
    title_first: bool = False  # the title line comes before any header line
    after_title: list[str] = field(default_factory=list)  # the lines under the title line
    body: list[str] = field(default_factory=list)
    headers: dict[str, str] = field(default_factory=dict)
    url: str | None = None  # from a "Read more: <url>" line


def parse_text(text: str, path: str, *, day_first: bool = True) -> list[Clipping]:
    """The clippings in one plain-text file (`path` is the corpus-relative path; `day_first`
    the order of all-numeric days, `Settings.day_first`).

    Raises BadFile("no text") for a file without words and BadFile("no text after the title")
    when no item has a body.
    """
    lines = _lines(text)
    if not any(line.strip() for line in lines):
        raise BadFile("no text")
    chunks = _split(lines, markdown=path.lower().endswith(".md"))
    drafts = [draft for draft in (_draft(chunk, day_first) for chunk in chunks) if draft.title]
    if not drafts:
        raise BadFile("no text")
    items = [draft for draft in drafts if draft.body]
    if not items:
        raise BadFile("no text after the title")
    collection = None
    if len(items) >= 2:
        collection, first = _collection(items, day_first)
        if first is not None:
            items[0] = first
    return [
        _clipping(draft, path=path, number=number, collection=collection, day_first=day_first)
        for number, draft in enumerate(items, start=1)
    ]


def _lines(text: str) -> list[str]:
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    lines = [line.rstrip() for line in text.split("\n")]
    return _front_matter(lines)


def _front_matter(lines: list[str]) -> list[str]:
    """Replace a leading YAML block (between "---" lines) by the header lines it holds."""
    start = next((i for i, line in enumerate(lines) if line.strip()), None)
    if start is None or lines[start].strip() != "---":
        return lines
    end = next(
        (i for i in range(start + 1, min(len(lines), start + 60)) if lines[i] in ("---", "...")),
        None,
    )
    inner = lines[start + 1 : end]
    if end is None or not all(not line or _FRONT_MATTER_LINE.match(line) for line in inner):
        return lines
    headers = []
    for line in inner:
        match = _HEADER.match(line)
        if match:
            value = match.group(2).strip("\"'")
            headers.append(f"{match.group(1)}: {value}")
    if not headers:
        return lines  # "---" then "Talks: a new round" is a rule and an item, not front matter
    return [*headers, "", *lines[end + 1 :]]


def _split(lines: list[str], *, markdown: bool) -> list[tuple[list[str], str | None]]:
    """Cut the file at boundary lines; each chunk comes with the URL of its "Read more" line."""
    chunks: list[tuple[list[str], str | None]] = []
    current: list[str] = []
    for line in lines:
        rule = _RULE.match(line)
        if rule and markdown and rule.group(1) in "=-" and current and current[-1].strip():
            continue  # a setext heading underline: the line above is a heading
        read_more, url = _read_more(line)
        if rule or read_more:
            chunks.append((current, url))
            current = []
        else:
            current.append(line)
    chunks.append((current, None))
    return chunks


def _read_more(line: str) -> tuple[bool, str | None]:
    """Whether `line` is a "Read more" link line, and the URL it carries if any."""
    match = _READ_MORE.match(line)
    if not match:
        return False, None
    tail = match.group(1)
    url = _URL.search(tail)
    if url:
        tail = tail.replace(url.group(), " ")
    if not _READ_MORE_TAIL.match(tail):
        return False, None  # a sentence that starts with "Read more", not a link
    return True, url.group().rstrip(".,;)»>]") if url else None


def _draft(chunk: tuple[list[str], str | None], day_first: bool) -> _Draft:
    """Title, header lines and body of one chunk; the title is "" when the chunk has no words."""
    lines, url = chunk
    draft = _Draft(url=url)
    i = _take_headers(lines, 0, draft.headers, day_first)
    if "title" in draft.headers:
        draft.title = draft.headers["title"]
        draft.title_alone = True
    elif i < len(lines):
        draft.title = lines[i].strip()
        draft.title_first = not draft.headers
        draft.after_title = lines[i + 1 :]
        after = _take_headers(lines, i + 1, draft.headers, day_first)
        draft.title_alone = after > i + 1
        i = after
    draft.body = lines[i:]
    if not any(line.strip() for line in draft.body):
        draft.body = []
    title = _one_line(draft.title)
    heading = _ATX_HEADING.match(title)
    draft.title = heading.group(1) if heading else title
    if len(draft.title) > _LONG_TITLE:
        draft.body = [draft.title, "", *draft.body]
        draft.title = _shorten(draft.title)
    return draft


def _take_headers(lines: list[str], i: int, headers: dict[str, str], day_first: bool) -> int:
    """Consume blank and header lines from `i`; the first value of each header wins."""
    while i < len(lines):
        line = lines[i]
        match = _HEADER.match(line) if len(line) <= _MAX_HEADER_LINE else None
        if match and match.group(1).lower() in ("url", "link") and " " in match.group(2):
            match = None  # "Link: the missing piece" is a title, not a header
        posted = _posted_on(line, day_first) if not match else None
        if match:
            key = _HEADER_KEYS[_one_line(match.group(1).lower())]
            if match.group(2):
                headers.setdefault(key, _one_line(match.group(2)))
        elif posted:
            headers.setdefault("date", posted)
        elif line.strip():
            break
        i += 1
    return i


def _posted_on(line: str, day_first: bool) -> str | None:
    """The date of a "Posted on April 8, 2011" line, when the rest of the line is only that date."""
    match = _POSTED_ON.match(line) if len(line) <= _MAX_HEADER_LINE else None
    return match.group(1) if match and written_date(match.group(1), day_first=day_first) else None


def _collection(items: list[_Draft], day_first: bool) -> tuple[str | None, _Draft | None]:
    """The digest's collection name and the first item without it, or (None, None).

    The first item's title is the collection name when it is a short line standing alone and
    the item still has a title-like line and a body without it, laid out like the other items.
    """
    first = items[0]
    standalone = first.after_title and not first.after_title[0].strip()
    if not first.title_first or not standalone or len(first.title) > _COLLECTION_LENGTH:
        return None, None
    rest = _draft((first.after_title, first.url), day_first)
    if not rest.body or not _title_like(rest.title):
        return None, None
    others_alone = sum(item.title_alone for item in items[1:]) * 2 >= len(items) - 1
    if others_alone and not rest.title_alone:
        return None, None
    return first.title, rest


def _title_like(line: str) -> bool:
    """A line that reads as a headline rather than the first line of a paragraph."""
    if len(line) > _TITLE_LENGTH or line.endswith((",", ";", ":")):
        return False
    return not line.endswith(".") or line.endswith("...")


def _clipping(
    draft: _Draft, *, path: str, number: int, collection: str | None, day_first: bool
) -> Clipping:
    body = _paragraphs(draft.body)
    url = _url(draft.headers.get("url")) or draft.url
    date, date_source = _date_and_source(draft.headers.get("date"), body, url, day_first)
    return Clipping(
        path=path,
        number=number,
        title=draft.title,
        body=body,
        date=date,
        date_source=date_source,
        source=draft.headers.get("source") or None,
        url=url,
        collection=collection,
    )


def _date_and_source(
    header: str | None, body: str, url: str | None, day_first: bool
) -> tuple[str | None, str | None]:
    """The clipping's day and where it was found: a header line, the dateline, the URL path."""
    day = parse_date(header, day_first=day_first)
    if day:
        return day, "header"
    day = dateline_date(body, day_first=day_first)
    if day:
        return day, "dateline"
    day = date_in_url(url)
    return day, "url" if day else None


def _paragraphs(lines: list[str]) -> str:
    """Paragraphs split at blank lines; the hard-wrapped lines of a paragraph joined by spaces."""
    paragraphs, current = [], []
    for line in [*lines, ""]:
        if line.strip():
            current.append(line.strip())
        elif current:
            paragraphs.append(_one_line(" ".join(current)))
            current = []
    return "\n\n".join(paragraphs)


def _one_line(text: str) -> str:
    return _SPACES.sub(" ", text).strip()


def _shorten(text: str) -> str:
    cut = text[: _SHORT_TITLE + 1].rsplit(" ", 1)[0] if " " in text else text[:_SHORT_TITLE]
    return cut[:_SHORT_TITLE].rstrip(" ,;:.-") + "…"


def _url(value: str | None) -> str | None:
    """The header's value when it looks like a link ("n/a" does not)."""
    if value and " " not in value and ("://" in value or "." in value):
        return value
    return None
