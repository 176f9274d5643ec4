"""Results as files: CSV and JSON exports streamed row by row, and Atom feeds."""

from __future__ import annotations

import csv
import html
import io
import itertools
import json
import re
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from xml.etree import ElementTree as ET

from indexer.results import Hit

CSV_COLUMNS = ["id", "title", "date", "date_source", "source", "url", "path", "collection",
               "entities", "score", "excerpt"]  # fmt: skip
ATOM = "http://www.w3.org/2005/Atom"


def plain(snippet: str) -> str:
    """A snippet as plain text: marks dropped, entities unescaped, whitespace collapsed."""
    return " ".join(html.unescape(re.sub(r"</?mark>", "", snippet)).split())


def csv_row(hit: Hit) -> list:
    return [hit.id, hit.title, hit.date or "", hit.date_source or "", hit.source or "",
            hit.url or "", hit.path, hit.collection or "", "; ".join(hit.entities),
            "" if hit.score is None else hit.score, plain(hit.snippet)]  # fmt: skip


def csv_lines(hits: Iterable[Hit]) -> Iterator[str]:
    """The CSV file, one line at a time (header first), so any number of rows streams."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for fields in itertools.chain([CSV_COLUMNS], map(csv_row, hits)):
        writer.writerow(fields)
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()


def json_chunks(query: str, sort: str, hits: Iterable[Hit]) -> Iterator[str]:
    """A JSON document {"query", "sort", "hits": [...]} written hit by hit."""
    yield json.dumps({"query": query, "sort": sort}, ensure_ascii=False)[:-1] + ', "hits": ['
    for number, hit in enumerate(hits):
        record = {column: value for column, value in zip(CSV_COLUMNS, csv_row(hit), strict=True)}
        record["entities"] = hit.entities
        record["score"] = hit.score
        yield ("," if number else "") + "\n" + json.dumps(record, ensure_ascii=False)
    yield "\n]}\n"


def atom_feed(
    *, title: str, self_url: str, page_url: str, updated: datetime, entries: list[tuple[Hit, str]]
) -> bytes:
    """An Atom 1.0 feed; `entries` pairs each hit with the absolute URL of its clipping page."""
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed")
    _text(feed, "title", title)
    _text(feed, "id", self_url)
    _text(feed, "updated", _stamp(updated))
    ET.SubElement(feed, f"{{{ATOM}}}link", rel="self", href=self_url, type="application/atom+xml")
    ET.SubElement(feed, f"{{{ATOM}}}link", rel="alternate", href=page_url, type="text/html")
    author = ET.SubElement(feed, f"{{{ATOM}}}author")
    _text(author, "name", "Clippings search")
    _text(feed, "generator", "Clippings search")
    for hit, url in entries:
        entry = ET.SubElement(feed, f"{{{ATOM}}}entry")
        _text(entry, "title", hit.title or hit.id)
        _text(entry, "id", url)
        stamp = _stamp(_day(hit.date) or updated)
        _text(entry, "updated", stamp)
        if hit.date:
            _text(entry, "published", stamp)
        ET.SubElement(entry, f"{{{ATOM}}}link", rel="alternate", href=url, type="text/html")
        if hit.url:
            ET.SubElement(entry, f"{{{ATOM}}}link", rel="related", href=hit.url)
        if hit.source:
            _text(ET.SubElement(entry, f"{{{ATOM}}}author"), "name", hit.source)
        summary = _text(entry, "summary", hit.snippet)
        summary.set("type", "html")
        for name in hit.entities:
            ET.SubElement(entry, f"{{{ATOM}}}category", term=name)
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True)


def _text(parent: ET.Element, tag: str, text: str) -> ET.Element:
    element = ET.SubElement(parent, f"{{{ATOM}}}{tag}")
    element.text = text
    return element


def _day(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value).replace(tzinfo=UTC) if value else None


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
