"""From a file on disk to Clipping records: read, decode, pick the parser, tag entities."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from indexer.clipping import BadFile, Clipping, Skipped
from indexer.names.gazetteer import Gazetteer
from indexer.names.table import EntityTable
from indexer.names.tagging import tag
from indexer.parse_html import parse_html
from indexer.parse_text import parse_text
from indexer.read import decode, kind_of, read_clipping_bytes
from indexer.scan import safe_name, scan_corpus


@dataclass
class ParseReport:
    """What `clippings parse` shows: the clippings found and the files skipped, with reasons."""

    clippings: list[Clipping] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)

    def to_json(self) -> dict:
        return {
            "clippings": [c.to_json() for c in self.clippings],
            "skipped": [{"path": s.path, "reason": s.reason} for s in self.skipped],
        }


def parse_bytes(data: bytes, path: Path | str, rel: str) -> list[Clipping]:
    """The clippings in one file's bytes; raises BadFile with the reason to skip it."""
    kind = kind_of(path, data)
    text = decode(data, html=kind == "html")
    clippings = parse_html(text, rel) if kind == "html" else parse_text(text, rel)
    if not clippings:
        raise BadFile("no clippings found")
    return clippings


def parse_file(path: Path | str, rel: str, gazetteer: Gazetteer) -> list[Clipping]:
    """Read and parse one file and find the names in each clipping."""
    clippings = parse_bytes(read_clipping_bytes(path), path, rel)
    return [tag(clipping, gazetteer) for clipping in clippings]


def parse_paths(paths: list[Path], gazetteer: Gazetteer) -> ParseReport:
    """Parse files and folders as the indexer would, without touching any index.

    Names are resolved across the files given, as the index resolves them across the corpus;
    files are shown by their safe names, relative to the folder given.
    """
    report = ParseReport()
    for given in paths:
        if given.is_dir():
            scan = scan_corpus(given)
            report.skipped.extend(scan.skipped)
            targets = [(entry.path, entry.rel) for entry in scan.files]
        else:
            targets = [(given, safe_name(given.name))]
        for path, rel in targets:
            try:
                report.clippings.extend(parse_file(path, rel, gazetteer))
            except BadFile as error:
                report.skipped.append(Skipped(rel, str(error)))
    table = EntityTable(gazetteer)
    for clipping in report.clippings:
        table.add(clipping.mentions, clipping.acronyms)
    table.join_initials()
    for clipping in report.clippings:
        clipping.entities = table.entities_for(clipping.mentions)
    return report
