"""The two baselines of the speed benchmark, fed by our own parser: SQLite FTS5 and naive Whoosh.

Both index the same clippings: every corpus file parsed once with `indexer.parse.parse_file`
(BeautifulSoup, lxml, trafilatura, exactly as `clippings index` parses) in a pool of 2
processes, as our indexer uses both cores. Parse time and index-write time are measured apart.

- FTS5: an ordinary table `clip(id, title, body, date, source)` with an index on `date`, and an
  FTS5 index over its title, body and source (`tokenize='porter unicode61 remove_diacritics 2'`)
  that uses the table as its content. A query answers the top 10 by `bm25()` (title weighted
  2.5, as ours) with `snippet()`, plus `COUNT(*)` for the total; date filters are `WHERE` clauses
  on the date column; newest-first sorts `ORDER BY date`. Entities have no equivalent.
- Naive Whoosh: the schema any tutorial writes (`TEXT(stored=True)` title and body, `ID`
  date and source, the default analyzer), one writer, one commit. A query opens a new searcher,
  parses with `MultifieldParser(["title", "body"])`, takes `len(results)` for the total and
  `hit.highlights("body")` for each of the top 10. Dates are ID terms: a month or a year is a
  prefix (`date:2004-06*`), a range a term range. Entities have no equivalent.

A query of the mix is a `BenchQuery` (its parts, not a string); each system writes it in its
own syntax, so the three answer the same question.
"""

from __future__ import annotations

import multiprocessing
import shutil
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from indexer.parse import parse_file
from indexer.scan import scan_files

TOP = 10


class Doc(NamedTuple):
    """What both baselines index of one clipping."""

    title: str
    body: str
    date: str | None
    source: str | None


@dataclass
class ParsedCorpus:
    """Every clipping of the corpus as our parser sees it, and what parsing cost."""

    docs: list[Doc]
    files: int
    skipped: int
    seconds: float
    procs: int


@dataclass(frozen=True)
class DateSpan:
    """A date filter: our syntax, naive Whoosh's, and the half-open ISO interval it covers."""

    ours: str  # date:2004-06
    whoosh: str  # date:2004-06*
    start: str  # 2004-06-01
    end: str  # 2004-07-01 (excluded)


@dataclass(frozen=True)
class BenchQuery:
    """One query of the benchmark mix, by its parts; every system writes it its own way."""

    kind: str
    words: tuple[str, ...] = ()  # free words, all required
    phrase: tuple[str, ...] = ()
    title_word: str | None = None
    entity: str | None = None
    span: DateSpan | None = None
    sort: str = "relevance"  # or "newest"
    # A question or half-remembered sentence as typed (`words` are its searched words, which
    # the baselines join by OR: our engine relaxes it to any of them, ranked by how many).
    typed: str | None = None

    def ours(self) -> str:
        """The query as a user types it into the search box."""
        if self.typed is not None:
            return self.typed
        parts = list(self.words)
        if self.phrase:
            parts.append('"' + " ".join(self.phrase) + '"')
        if self.title_word:
            parts.append(f"title:{self.title_word}")
        if self.entity:
            parts.append(
                f'entity:"{self.entity}"' if " " in self.entity else f"entity:{self.entity}"
            )
        if self.span:
            parts.append(self.span.ours)
        return " ".join(parts)


@dataclass
class BaselineBuild:
    """Writing one baseline's index from parsed clippings."""

    name: str
    docs: int
    write_seconds: float | None  # None: left out
    size_bytes: int | None


# --- parsing, shared by both baselines ----------------------------------------------------------


def parsed_corpus(corpus: Path, procs: int = 2) -> ParsedCorpus:
    """Parse every file of the corpus with our parser in a pool of `procs`, in file order."""
    started = time.perf_counter()
    todo = [(entry.path, entry.rel) for entry in scan_files(corpus)]
    docs: list[Doc] = []
    skipped = 0
    context = multiprocessing.get_context("fork")
    with context.Pool(procs) as pool:
        for found in pool.imap(_parse_file, todo, chunksize=16):
            if found is None:
                skipped += 1
            else:
                docs.extend(found)
    return ParsedCorpus(docs, len(todo), skipped, time.perf_counter() - started, procs)


def _parse_file(item: tuple[str, str]) -> list[Doc] | None:
    """One file's clippings, or None when our indexer would skip it."""
    path, rel = item
    parsed = parse_file(path, rel, None)  # as the indexer does: a bad file or parser bug skips
    if parsed.skipped:
        return None
    return [Doc(c.title, c.body, c.date, c.source) for c in parsed.clippings]


def folder_size(path: Path) -> int:
    """Bytes on disk of a file, or of every file under a folder."""
    if path.is_file():
        return path.stat().st_size
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


# --- SQLite FTS5 --------------------------------------------------------------------------------


class Fts5Baseline:
    """SQLite FTS5 over a content table: the usual way to full-text search with the stdlib."""

    name = "FTS5"

    def __init__(self, path: Path):
        self.path = path
        self.conn: sqlite3.Connection | None = None

    @staticmethod
    def supports(query: BenchQuery) -> bool:
        return query.entity is None

    def build(self, docs: list[Doc]) -> BaselineBuild:
        """Write every clipping and the full-text index in one transaction, then optimize."""
        self.path.unlink(missing_ok=True)
        started = time.perf_counter()
        conn = sqlite3.connect(self.path, check_same_thread=False)
        with conn:
            conn.execute(
                "CREATE TABLE clip (id INTEGER PRIMARY KEY, title TEXT, body TEXT, date TEXT,"
                " source TEXT)"
            )
            conn.execute(
                "CREATE VIRTUAL TABLE clips USING fts5(title, body, source, content='clip',"
                " content_rowid='id', tokenize='porter unicode61 remove_diacritics 2')"
            )
            conn.executemany(
                "INSERT INTO clip (title, body, date, source) VALUES (?, ?, ?, ?)", docs
            )
            conn.execute(
                "INSERT INTO clips (rowid, title, body, source)"
                " SELECT id, title, body, coalesce(source, '') FROM clip"
            )
            conn.execute("CREATE INDEX clip_date ON clip (date)")
            conn.execute("INSERT INTO clips (clips) VALUES ('optimize')")
        seconds = time.perf_counter() - started
        self.conn = conn
        return BaselineBuild(self.name, len(docs), seconds, folder_size(self.path))

    def search(self, query: BenchQuery) -> int:
        """The top 10 with snippets, and the total; returns the total."""
        match = self.match(query)
        where, params = [], []
        if match:
            tables = "clips JOIN clip c ON c.id = clips.rowid"
            where.append("clips MATCH ?")
            params.append(match)
            snippet = "snippet(clips, 1, '<mark>', '</mark>', '…', 24)"
            order = "bm25(clips, 2.5, 1.0, 1.0)"
        else:
            tables, snippet, order = "clip c", "substr(c.body, 1, 240)", "c.date DESC"
        if query.span:
            where += ["c.date >= ?", "c.date < ?"]
            params += [query.span.start, query.span.end]
        if query.sort == "newest":
            order = "c.date IS NULL, c.date DESC"
        condition = " AND ".join(where) or "1"
        top = (
            f"SELECT c.id, c.title, c.date, c.source, {snippet} FROM {tables}"
            f" WHERE {condition} ORDER BY {order} LIMIT {TOP}"
        )
        self.conn.execute(top, params).fetchall()
        return self.conn.execute(
            f"SELECT count(*) FROM {tables} WHERE {condition}", params
        ).fetchone()[0]

    @staticmethod
    def match(query: BenchQuery) -> str:
        """The FTS5 MATCH expression for the query's words ('' when it has none)."""
        parts = [f'"{word}"' for word in query.words]
        if query.typed is not None:
            return " OR ".join(parts)
        if query.phrase:
            parts.append('"' + " ".join(query.phrase) + '"')
        if query.title_word:
            parts.append(f'title : "{query.title_word}"')
        return " AND ".join(parts)

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()


# --- Whoosh, used naively -----------------------------------------------------------------------


class NaiveWhooshBaseline:
    """Whoosh as a first tutorial uses it: default analyzer, a new searcher per query."""

    name = "naive Whoosh"

    def __init__(self, path: Path):
        self.path = path
        self.ix = None
        self.parser = None

    @staticmethod
    def supports(query: BenchQuery) -> bool:
        return query.entity is None

    def build(self, docs: list[Doc]) -> BaselineBuild:
        """One writer, every clipping, one commit."""
        from whoosh import index
        from whoosh.fields import ID, TEXT, Schema
        from whoosh.qparser import MultifieldParser

        if self.path.exists():
            shutil.rmtree(self.path)
        self.path.mkdir(parents=True)
        started = time.perf_counter()
        schema = Schema(
            title=TEXT(stored=True), body=TEXT(stored=True), date=ID(stored=True),
            source=ID(stored=True),
        )  # fmt: skip
        ix = index.create_in(str(self.path), schema)
        writer = ix.writer()
        for doc in docs:
            writer.add_document(**{k: v for k, v in doc._asdict().items() if v is not None})
        writer.commit()
        seconds = time.perf_counter() - started
        self.ix = ix
        self.parser = MultifieldParser(["title", "body"], ix.schema)
        return BaselineBuild(self.name, len(docs), seconds, folder_size(self.path))

    def search(self, query: BenchQuery) -> int:
        """A new searcher, the top 10 with highlights, len() for the total; returns the total."""
        parsed = self.parser.parse(self.text(query))
        newest = query.sort == "newest"
        with self.ix.searcher() as searcher:
            results = searcher.search(
                parsed, limit=TOP, sortedby="date" if newest else None, reverse=newest
            )
            total = len(results)
            for hit in results:
                hit.get("title")
                hit.highlights("body")
        return total

    @staticmethod
    def text(query: BenchQuery) -> str:
        """The query in Whoosh's default syntax."""
        if query.typed is not None:
            return " OR ".join(query.words)
        parts = list(query.words)
        if query.phrase:
            parts.append('"' + " ".join(query.phrase) + '"')
        if query.title_word:
            parts.append(f"title:{query.title_word}")
        if query.span:
            parts.append(query.span.whoosh)
        return " ".join(parts)

    def close(self) -> None:
        self.ix = None
