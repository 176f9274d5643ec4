"""Results as files: CSV and JSON exports streamed row by row, and Atom feeds."""

from __future__ import annotations

import csv
import io
import itertools
import json
import uuid
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from xml.etree import ElementTree as ET

from indexer.results import Hit

CSV_COLUMNS = ["id", "title", "date", "date_source", "source", "url", "path", "collection",
               "entities", "score", "excerpt", "group"]  # fmt: skip
ATOM = "http://www.w3.org/2005/Atom"


def csv_row(hit: Hit) -> list:
    """The hit's CSV cells, each text cell made safe to open in a spreadsheet."""
    return [neutral(cell) for cell in _row(hit)]


# Cells starting with these are formulas to Excel, LibreOffice and Google Sheets (OWASP, "CSV
# Injection"); a leading ' makes the spreadsheet read the cell as text.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutral(cell: str | float) -> str | float:
    """A CSV cell that no spreadsheet reads as a formula: text starting like one gets a '."""
    return "'" + cell if isinstance(cell, str) and cell.startswith(FORMULA_STARTS) else cell


def _row(hit: Hit) -> list:
    return [hit.id, hit.title, hit.date or "", hit.date_source or "", hit.source or "",
            hit.url or "", hit.path, hit.collection or "", "; ".join(hit.entities),
            "" if hit.score is None else hit.score, hit.snippet.text, hit.group or ""]  # fmt: skip


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
        record = {column: value for column, value in zip(CSV_COLUMNS, _row(hit), strict=True)}
        record["entities"] = hit.entities
        record["score"] = hit.score
        record["group"] = hit.group
        yield ("," if number else "") + "\n" + json.dumps(record, ensure_ascii=False)
    yield "\n]}\n"


CHUNK = 64 * 1024  # characters per piece of a streamed export


def in_chunks(pieces: Iterable[str], size: int = CHUNK) -> Iterator[str]:
    """The pieces joined into chunks of at least `size` characters (the last may be shorter):
    the server writes an export in a few hundred writes, not one per row."""
    chunk: list[str] = []
    length = 0
    for piece in pieces:
        chunk.append(piece)
        length += len(piece)
        if length >= size:
            yield "".join(chunk)
            chunk, length = [], 0
    if chunk:
        yield "".join(chunk)


def atom_id(path: str) -> str:
    """A feed's or entry's Atom id from its page's path: the same whatever host serves it."""
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, 'clippings:' + path)}"


def atom_feed(
    *, title: str, self_url: str, page_url: str, feed_id: str, updated: datetime,
    entries: list[tuple[Hit, str, str]],
) -> bytes:  # fmt: skip
    """An Atom 1.0 feed; `entries` pairs each hit with the URL and the id of its clipping page.

    An entry is updated when its clipping was published, else when it entered the archive, so
    the same index gives the same feed on every poll."""
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed")
    _text(feed, "title", title)
    _text(feed, "id", feed_id)
    _text(feed, "updated", _stamp(updated))
    ET.SubElement(feed, f"{{{ATOM}}}link", rel="self", href=self_url, type="application/atom+xml")
    ET.SubElement(feed, f"{{{ATOM}}}link", rel="alternate", href=page_url, type="text/html")
    author = ET.SubElement(feed, f"{{{ATOM}}}author")
    _text(author, "name", "Clippings search")
    _text(feed, "generator", "Clippings search")
    for hit, url, entry_id in entries:
        entry = ET.SubElement(feed, f"{{{ATOM}}}entry")
        _text(entry, "title", hit.title or hit.id)
        _text(entry, "id", entry_id)
        _text(entry, "updated", _stamp(_day(hit.date) or _moment(hit.added) or updated))
        if hit.date:
            _text(entry, "published", _stamp(_day(hit.date)))
        ET.SubElement(entry, f"{{{ATOM}}}link", rel="alternate", href=url, type="text/html")
        if hit.link:
            ET.SubElement(entry, f"{{{ATOM}}}link", rel="related", href=hit.link)
        if hit.source:
            _text(ET.SubElement(entry, f"{{{ATOM}}}author"), "name", hit.source)
        _text(entry, "summary", hit.snippet.text)
        for name in hit.entities:
            ET.SubElement(entry, f"{{{ATOM}}}category", term=name)
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True)


def _text(parent: ET.Element, tag: str, text: str) -> ET.Element:
    element = ET.SubElement(parent, f"{{{ATOM}}}{tag}")
    element.text = text
    return element


def _day(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value).replace(tzinfo=UTC) if value else None


def _moment(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
