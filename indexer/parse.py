"""From a file on disk to Clipping records, the one way `clippings index`, `clippings parse` and
the benchmarks take: read, sniff the kind, decode, run the kind's parser, find the names.

    parsed = parse_file(path, "pages/x.html", gazetteer, settings)
    parsed.clippings        # [Clipping(id="pages/x.html#1", …)], [] when skipped
    parsed.skipped          # None, or the one-line reason ("binary file (looks like PDF)")
    parsed.size, parsed.mtime_ns, parsed.sha256   # the fingerprint, from the same read
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path

from indexer import kinds
from indexer.clipping import BadFile, Clipping, Skipped
from indexer.names.gazetteer import Gazetteer
from indexer.read import decode, read_file
from indexer.scan import safe_name, scan_corpus
from indexer.settings import Settings


@dataclass
class ParsedFile:
    """One file's clippings (names found, not yet resolved across the corpus), the fingerprint
    of the bytes they came from, and the reason the file was skipped, if it was."""

    rel: str
    clippings: list[Clipping] = field(default_factory=list)
    size: int = 0
    mtime_ns: int = 0
    sha256: str = ""
    skipped: str | None = None
    # Each clipping's near-duplicate signature, added by the indexer's workers (duplicates.py).
    signatures: list[str] = field(default_factory=list)
    # Each clipping's text fields as Whoosh postings, added by the indexer's workers
    # (whoosh_adapter.analysed), so that the process holding the writer need not analyse them.
    postings: list[dict] = field(default_factory=list)


def parse_bytes(
    data: bytes, path: Path | str, rel: str, *, day_first: bool = True
) -> list[Clipping]:
    """The clippings in one file's bytes (names not yet found); raises BadFile with the reason
    to skip it. `path` is the real path (its suffix picks the kind), `rel` the shown one."""
    kind = kinds.kind_of(path, data)
    text = decode(data, html=kind.markup)
    clippings = kind.parse(text, rel, day_first=day_first)
    if not clippings:
        raise BadFile("no clippings found")
    return clippings


def parse_file(
    path: Path | str, rel: str, gazetteer: Gazetteer | None, settings: Settings | None = None
) -> ParsedFile:
    """Read one file once and parse it; never raises for a bad file or a parser bug.

    A bad file is skipped with its BadFile reason; a parser (or tagger) bug with "could not
    parse: Type: message", so one odd file never stops a run. Names are found with `gazetteer`
    and `settings.names_model`; `gazetteer=None` leaves them out (the benchmarks).
    """
    settings = settings or Settings()
    try:
        data, stat = read_file(path)
    except BadFile as error:
        return ParsedFile(rel, skipped=str(error))
    parsed = ParsedFile(rel, [], stat.st_size, stat.st_mtime_ns, hashlib.sha256(data).hexdigest())
    try:
        clippings = parse_bytes(data, path, rel, day_first=settings.day_first)
        if gazetteer is not None:
            from indexer.names.tagging import tag

            clippings = [tag(c, gazetteer, model=settings.names_model) for c in clippings]
    except BadFile as error:
        parsed.skipped = str(error)
    except Exception as error:  # a parser bug must not abort the whole run
        message = safe_name(" ".join(str(error).split()))[:200]  # one line, printable
        parsed.skipped = f"could not parse: {type(error).__name__}: {message}"
    else:
        parsed.clippings = clippings
    return parsed


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


def parse_paths(
    paths: list[Path],
    gazetteer: Gazetteer,
    *,
    corpus: Path | None = None,
    settings: Settings | None = None,
) -> ParseReport:
    """Parse files and folders as the indexer would, without touching any index.

    A file or folder inside `corpus` is shown by its path from the corpus root, so its ids are
    the index's (`pages/x.html#1`); one outside, relative to the folder given (a file by its
    name). Names are resolved across the files given, as the index resolves them across the
    corpus.
    """
    report = ParseReport()
    for given in paths:
        prefix = _corpus_prefix(given, corpus)
        if given.is_dir():
            scan = scan_corpus(given)
            base = f"{prefix}/" if prefix else ""
            report.skipped.extend(Skipped(base + s.path, s.reason) for s in scan.skipped)
            targets = [(entry.path, base + entry.rel) for entry in scan.files]
        else:
            targets = [(given, prefix or safe_name(given.name))]
        for path, rel in targets:
            parsed = parse_file(path, rel, gazetteer, settings)
            if parsed.skipped:
                report.skipped.append(Skipped(rel, parsed.skipped))
            report.clippings.extend(parsed.clippings)
    _resolve_names(report.clippings, gazetteer)
    return report


def _corpus_prefix(given: Path, corpus: Path | None) -> str:
    """The shown path of `given` from the corpus root ("" for the root itself or a path outside
    the corpus)."""
    if corpus is None:
        return ""
    for resolve in (os.path.abspath, os.path.realpath):
        try:
            rel = Path(resolve(given)).relative_to(resolve(corpus))
        except ValueError:
            continue
        return safe_name(rel.as_posix()) if rel.parts else ""
    return ""


def _resolve_names(clippings: list[Clipping], gazetteer: Gazetteer) -> None:
    from indexer.names.table import EntityTable

    table = EntityTable(gazetteer)
    for clipping in clippings:
        table.add(clipping.mentions, clipping.joins, clipping.id)
    table.finish()
    for clipping in clippings:
        clipping.entities = table.entities_for(clipping.mentions, clipping.joins)
