"""Searching: one long-lived Whoosh searcher, refreshed after commits, turning queries into results.

Every front end (CLI, search page, JSON API) calls `SearchEngine.search` and renders the
`SearchResults` it returns; none of them builds its own query or snippet.
"""

from __future__ import annotations

import bisect
import contextlib
import html
import math
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
from whoosh import highlight, query
from whoosh.searching import Searcher

from indexer import store
from indexer.docsets import ColumnBuilder, PostingCache, docset
from indexer.expand import SpellingVariants, expand_names, without_verbatim_marks
from indexer.names.table import Cluster, EntityTable
from indexer.query import MAX_PAGE, parse_query, without_filters
from indexer.ranking import Scorer
from indexer.results import (
    SORTS,
    ClippingDetail,
    EntityCount,
    FacetValue,
    Hit,
    Period,
    SearchResults,
)
from indexer.schema import text_analyzer
from indexer.whoosh_adapter import EscapingFormatter

PAGE_SIZE = 10
EXPORT_BATCH = 500
FACET_LIMIT = 12
SNIPPET_CHARS = 240


class MarkFormatter(EscapingFormatter):
    """Escaped clipping text with <mark> around matched words; fragments joined by an ellipsis."""

    def escape(self, text: str) -> str:
        return html.escape(text, quote=False)

    def format_token(self, text, token, replace=False):
        return f"<mark>{html.escape(highlight.get_text(text, token, replace), quote=False)}</mark>"

    def format(self, fragments, replace=False):
        """Fragments in text order, with one ellipsis wherever text was left out."""
        parts = []
        for fragment in sorted(fragments, key=lambda f: f.startchar):
            if fragment.startchar > 0:
                parts.append("…")
            parts.append(self.format_fragment(fragment, replace).strip())
        if fragments and max(f.endchar for f in fragments) < len(fragments[0].text):
            parts.append("…")
        text = " ".join(parts)
        while "… …" in text:
            text = text.replace("… …", "…")
        return text


_ANALYZER = text_analyzer()
_PINPOINT = highlight.PinpointFragmenter(maxchars=SNIPPET_CHARS, surround=90, autotrim=True)


class SearchEngine:
    """Answers queries over one index directory; safe to share between threads."""

    def __init__(self, index_dir: Path, refresh_seconds: float = 0.5):
        self.index_dir = Path(index_dir)
        self.refresh_seconds = refresh_seconds
        self._lock = threading.RLock()
        self._searcher: Searcher = self._latest_searcher()
        self._checked = time.monotonic()
        self._postings = PostingCache()
        self._column_builder = ColumnBuilder(self._postings)
        self._load_tables()

    def _load_tables(self) -> None:
        """What each index generation needs beside the searcher (after opening or a refresh)."""
        self._leaves = list(self._searcher.reader().leaf_readers())
        self._offsets = [offset for _, offset in self._leaves]
        self._columns = self._column_builder.columns(self._searcher.reader())
        self._load_entity_table()

    def _load_entity_table(self) -> None:
        """The saved entity table, and what depends on it. The indexer saves it after its
        commits, so a searcher that opened a commit before the table was saved loads the
        table again once the file changes (see `_fresh_searcher`)."""
        self._table_stamp = store.entities_stamp(self.index_dir)
        self._table = EntityTable.from_json(store.read_entities(self.index_dir))
        self._types = None
        self._docsets: dict[str, object] = {}
        self._count_cache: dict[str, tuple] = {}
        self._variants: SpellingVariants | None = None
        self._entity_counts: dict[str, int] | None = None  # per index generation

    @contextlib.contextmanager
    def _reading(self) -> Iterator[None]:
        """Hold the lock while reading the index; a file of it that cannot be read (truncated,
        garbled, deleted) is reported as IndexDamaged, not as a crash."""
        with self._lock, store.reading(self.index_dir):
            yield

    def close(self) -> None:
        with self._lock:
            self._searcher.close()

    def search(
        self,
        text: str,
        page: int = 1,
        sort: str = "relevance",
        pagelen: int = PAGE_SIZE,
        expand: bool = True,
    ) -> SearchResults:
        """One page of results for `text` plus totals and facets over all matches.

        Names in the query also search the entity's other names and spellings unless `expand`
        is off. Raises QueryError for a malformed query; an empty query lists the newest first.
        """
        page = min(max(1, page), MAX_PAGE)
        first = (page - 1) * pagelen
        with self._reading():
            parsed, docs, sort, expansions, ranked = self._matches(
                text, sort, expand, lambda docs: first + pagelen
            )
            terms = self._query_terms(parsed)
            hits = [self._page_hit(docnum, score, terms) for docnum, score in ranked[first:]]
            facets, periods = self._counts(parsed, docs)
            return SearchResults(
                query=text,
                total=len(docs),
                page=page,
                pages=max(1, math.ceil(len(docs) / pagelen)),
                sort=sort,
                hits=hits,
                facets=facets,
                expanded=expansions,
                timeline=periods,
                undated_left_out=self._undated_left_out(text, expand),
            )

    def _matches(self, text: str, sort: str, expand: bool, count):
        """Parse, expand, match and order: (query, documents, sort, expansions, the first
        `count(documents)` in order). Call with the lock held."""
        sort = sort if sort in SORTS else "relevance"
        self._fresh_searcher()
        parsed, exact, expansions = self._parse(text, expand)
        if parsed is None:
            parsed, sort = query.Every(), "newest" if sort == "relevance" else sort
        docs = self._docset(parsed)
        typed = exact if expansions else None
        ranked = self._ranked(parsed, typed, docs, sort, count(docs))
        return parsed, docs, sort, expansions, ranked

    def _docset(self, parsed: query.Query):
        """The matching documents (numpy array), phrase results kept for this generation."""
        key = repr(parsed)
        found = self._docsets.get(key)
        if found is None:
            found = docset(
                parsed, self._searcher.reader(), self._columns, self._postings, self._searcher
            )
            if len(self._docsets) > 512:
                self._docsets.pop(next(iter(self._docsets)))
            self._docsets[key] = found
        return found

    def _ranked(self, parsed, exact, docs, sort: str, count: int) -> list[tuple[int, float | None]]:
        """The first `count` matches in order: by score (the words as typed first), or by date.

        Filters (dates, entities, undated) were applied in `docs`; only the words are scored,
        among those documents. A query of filters alone lists the newest first.
        """
        scoring = _scoring_part(parsed)
        if sort != "relevance" or scoring is None:
            ordered = self._columns.newest_first(docs, newest=sort != "oldest")
            return [(int(d), None) for d in ordered[:count]]
        scorer = Scorer(self._searcher, self._columns, self._postings)
        typed = self._docset(exact) if exact is not None else None
        return scorer.top(scoring, docs, count, first=typed)

    def _counts(self, parsed: query.Query, docs):
        """Facets and timeline of a document set; those of the whole archive (the landing page,
        the newest clippings) are kept for the index generation."""
        key = repr(parsed)
        if key in self._count_cache:
            return self._count_cache[key]
        years, months = self._columns.year.counts(docs), self._columns.month.counts(docs)
        counts = (self._facet_counts(docs), timeline(years, months))
        if isinstance(parsed, query.Every):
            self._count_cache[key] = counts
        return counts

    def _facet_counts(self, docs) -> dict[str, list[FacetValue]]:
        entities = self._columns.entities
        counted = entities.count_array(docs)
        types = self._entity_types()
        everyone = np.arange(len(entities.labels))

        def top(among) -> list[FacetValue]:
            return [FacetValue(name, n) for name, n in entities.top(counted, among, FACET_LIMIT)]

        return {
            "entities": top(everyone),
            "people": top(np.flatnonzero(types == 0)),
            "orgs": top(np.flatnonzero(types == 1)),
            "places": top(np.flatnonzero(types == 2)),
            "sources": _facet(self._columns.source.counts(docs)),
            "years": _facet(self._columns.year.counts(docs), by_value=True),
        }

    def _entity_types(self):
        """Each entity label's type as a number (person 0, org 1, place 2, unknown -1)."""
        if self._types is None:
            codes = {"person": 0, "org": 1, "place": 2}
            self._types = np.array(
                [codes.get(self._entity_type(name), -1) for name in self._columns.entities.labels]
                or [-1]
            )[: len(self._columns.entities.labels)]
        return self._types

    def _entity_type(self, name: str) -> str | None:
        cluster = self._table.lookup(name)
        return cluster.type if cluster else None

    def _query_terms(self, parsed: query.Query) -> dict[str, Wanted]:
        """The indexed words and phrases the query looks for, per text field, for marking them.

        (Whoosh's own `existing_terms` reuses its field argument as a loop variable and so
        drops every field after the first.)
        """
        wanted = {"title": Wanted(set(), set()), "body": Wanted(set(), set())}
        reader = self._searcher.reader()
        for leaf in parsed.leaves():
            if leaf.field() not in wanted:
                continue
            if isinstance(leaf, query.Phrase):
                wanted[leaf.field()].phrases.add(tuple(leaf.words))
                continue
            for fieldname, text in leaf.expanded_terms(reader, phrases=True):
                word = text.decode("utf-8") if isinstance(text, bytes) else text
                if (fieldname, word) in reader:
                    wanted[fieldname].words.add(word)
        return wanted

    def _page_hit(self, docnum: int, score: float | None, terms: dict[str, Wanted]) -> Hit:
        fields = self._searcher.stored_fields(docnum)
        body = fields.get("body", "")
        title = fields.get("title", "")
        body_marks = self._marks(docnum, "body", terms["body"])
        title_marks = self._marks(docnum, "title", terms["title"].joined(terms["body"]))
        snippet = _best_passages(body, body_marks) or _lead(body)
        title_html = MarkFormatter().format([highlight.Fragment(title, title_marks)])
        return _hit_from_fields(fields, _score(score), snippet, title_html if title_marks else "")

    def _marks(self, docnum: int, fieldname: str, wanted: Wanted) -> list[highlight.Token]:
        """Where the wanted words, and the words of wanted phrases where they stand together,
        occur in one document's field, from the positions stored at indexing."""
        found = {
            word: self._positions(docnum, fieldname, word)
            for word in wanted.words | {w for phrase in wanted.phrases for w in phrase}
        }
        tokens = [token for word in wanted.words for token in found[word]]
        for phrase in wanted.phrases:
            at = [{t.pos: t for t in found[word]} for word in phrase]
            for start in at[0] if all(at) else ():
                if all(start + i in at[i] for i in range(1, len(phrase))):
                    tokens.extend(at[i][start + i] for i in range(len(phrase)))
        unique = {(t.startchar, t.endchar): t for t in tokens}
        return sorted(unique.values(), key=lambda t: t.startchar)

    def _positions(self, docnum: int, fieldname: str, word: str) -> list[highlight.Token]:
        index = bisect.bisect_right(self._offsets, docnum) - 1
        segment_reader, offset = self._leaves[index]
        local = docnum - offset
        ids = self._postings.ids(segment_reader, fieldname, word)
        at = np.searchsorted(ids, local)
        if at >= len(ids) or ids[at] != local:
            return []  # the word is not in this document: no need to read its positions
        postings = segment_reader.postings(fieldname, word)
        postings.skip_to(local)
        if not (postings.is_active() and postings.id() == local):
            return []
        return [
            highlight.Token(text=word, pos=pos, startchar=start, endchar=end, matched=True)
            for pos, start, end in postings.value_as("characters")
        ]

    def _undated_left_out(self, text: str, expand: bool) -> int | None:
        """How many undated clippings match the query once its date filters are taken away."""
        rest = without_filters(text, "date")
        if rest == " ".join(text.split()):
            return None
        parsed, _, _ = self._parse(f"{rest} undated:yes", expand)
        return len(self._docset(parsed))

    def export(self, text: str, sort: str = "relevance", expand: bool = True) -> Iterator[Hit]:
        """Every match of the query in order, one at a time, for CSV and JSON exports.

        The order is fixed at the start; rows are read in batches, each under the lock, from the
        searcher of that moment, which stays valid even if the index changes meanwhile.
        Snippets are the start of the body.
        """
        with self._reading():
            _, _, _, _, ranked = self._matches(text, sort, expand, len)
            searcher = self._searcher
        for start in range(0, len(ranked), EXPORT_BATCH):
            with self._reading():
                batch = [
                    (searcher.stored_fields(docnum), score)
                    for docnum, score in ranked[start : start + EXPORT_BATCH]
                ]
            for fields, score in batch:
                yield _hit_from_fields(fields, _score(score), _lead(fields.get("body", "")), "")

    def _parse(self, text: str, expand: bool):
        """The query to run, the query as typed (to rank exact matches first), the expansions."""
        schema = self._searcher.schema
        exact = parse_query(without_verbatim_marks(text), schema, self.resolve_entity)
        if not expand or exact is None:
            return exact, exact, []
        expanded_text, expansions = expand_names(text, self._table, self._names_a_thing)
        parsed = parse_query(expanded_text, schema, self.resolve_entity)
        parsed = self._spellings().expand(parsed, self._searcher.reader(), expansions)
        return parsed, exact, expansions

    def updated(self) -> datetime:
        """When the index last changed: the moment a feed of its results was last updated."""
        return datetime.fromtimestamp(store.last_commit(self.index_dir), tz=UTC)

    def _names_a_thing(self, span: str, cluster: Cluster) -> bool:
        """Whether a word typed in the query stands for the entity rather than being an ordinary
        word: most clippings that use it are tagged with the entity ("PMOI" yes, "stocks" no)."""
        words = [t.text for t in _ANALYZER(span)]
        if len(words) != 1:
            return True  # a phrase that is a known name
        uses = self._searcher.reader().doc_frequency("body", words[0])
        counts = self._entity_counts_now()
        return counts.get(cluster.name, 0) * 2 >= uses

    def _entity_counts_now(self) -> dict[str, int]:
        if self._entity_counts is None:
            self._entity_counts = self._columns.entities.counts(self._docset(query.Every()))
        return self._entity_counts

    def entity(self, name: str) -> Cluster | None:
        """The entity a name or alias stands for, with all its names."""
        with self._reading():
            self._fresh_searcher()
            return self._table.lookup(name)

    def entities(self) -> list[EntityCount]:
        """Every entity in the index with its clipping count, the most frequent first."""
        with self._reading():
            self._fresh_searcher()
            counts = self._entity_counts_now()
            counted = [
                EntityCount(c.name, c.type, c.names, counts.get(c.name, 0),
                            c.gazetteer is not None or c.in_gazetteer)
                for c in self._table.clusters()
            ]  # fmt: skip
        return sorted((e for e in counted if e.count), key=lambda e: (-e.count, e.name))

    def clipping(self, clipping_id: str, text: str = "") -> ClippingDetail | None:
        """A whole clipping with the query's matches (and its names' other names) marked in its
        title and body, or None. Raises QueryError for a malformed query."""
        with self._reading():
            self._fresh_searcher()
            found = self._docset(query.Term("id", clipping_id))
            if not len(found):
                return None
            docnum = int(found[0])
            parsed = self._parse(text, True)[0] if text.strip() else None
            nothing = {"title": Wanted(set(), set()), "body": Wanted(set(), set())}
            terms = self._query_terms(parsed) if parsed else nothing
            hit = self._page_hit(docnum, None, terms)
            body = self._searcher.stored_fields(docnum).get("body", "")
            marks = self._marks(docnum, "body", terms["body"])
            return ClippingDetail(
                hit=hit, body_html=MarkFormatter().format([highlight.Fragment(body, marks)])
            )

    def resolve_entity(self, name: str) -> str:
        """The canonical indexed name for an entity name or alias typed by the user."""
        cluster = self._table.lookup(name)
        return cluster.name if cluster else name

    def _spellings(self) -> SpellingVariants:
        if self._variants is None:
            self._variants = SpellingVariants(self._table)
        return self._variants

    def _fresh_searcher(self) -> Searcher:
        """The searcher of the latest commit, checked at most every `refresh_seconds`.

        A new searcher reads every segment afresh: Whoosh's `Searcher.refresh()` reuses the
        readers of unchanged segments with their old deleted-document sets, so it would keep
        showing deleted and replaced clippings. The old searcher is not closed: an export may
        still be reading from it, and it is released when nothing refers to it.
        """
        now = time.monotonic()
        if now - self._checked >= self.refresh_seconds:
            self._checked = now
            if not self._searcher.up_to_date():
                self._searcher = self._latest_searcher()
                self._load_tables()
            elif store.entities_stamp(self.index_dir) != self._table_stamp:
                self._load_entity_table()
        return self._searcher

    def _latest_searcher(self) -> Searcher:
        return store.open_searcher(self.index_dir)


def _hit_from_fields(fields: dict, score: float | None, snippet: str, title_html: str) -> Hit:
    fingerprint = fields.get("fingerprint")  # (size, mtime_ns, sha256) of the clipping's file
    added = fingerprint and datetime.fromtimestamp(fingerprint[1] // 10**9, tz=UTC)
    return Hit(
        id=fields["id"],
        title=fields.get("title", ""),
        date=fields.get("date"),
        source=fields.get("source"),
        url=fields.get("url"),
        path=fields["path"],
        collection=fields.get("collection"),
        entities=[e for e in fields.get("entities", "").split(",") if e],
        score=score,
        snippet=snippet,
        date_source=fields.get("date_source"),
        title_html=title_html or html.escape(fields.get("title", ""), quote=False),
        added=added.strftime("%Y-%m-%dT%H:%M:%SZ") if added else None,
    )


def timeline(years: dict, months: dict) -> list[Period]:
    """Matches per month when they fall within two years, per year otherwise; gaps count 0."""
    years = {y: n for y, n in years.items() if y}
    if not years:
        return []
    first, last = int(min(years)), int(max(years))
    if last - first >= 2:
        return [Period(str(y), years.get(str(y), 0)) for y in range(first, last + 1)]
    months = {m: n for m, n in months.items() if m}
    start, end = min(months), max(months)
    periods = []
    year, month = int(start[:4]), int(start[5:7])
    while f"{year:04d}-{month:02d}" <= end:
        key = f"{year:04d}-{month:02d}"
        periods.append(Period(key, months.get(key, 0)))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return periods


def _scoring_part(parsed: query.Query) -> query.Query | None:
    """The part of a query that ranks (its words), without the filters that only narrow."""
    if _is_filter(parsed):
        return None
    if isinstance(parsed, query.And):
        kept = [q for q in parsed.subqueries if not _is_filter(q)]
        return kept[0] if len(kept) == 1 else query.And(kept)
    return parsed


def _is_filter(q: query.Query) -> bool:
    if isinstance(q, query.ConstantScoreQuery | query.Not | query.Every):
        return True
    if isinstance(q, query.Term):
        return q.fieldname not in ("title", "body", "source")
    if isinstance(q, query.And):
        return all(_is_filter(s) for s in q.subqueries)
    return False


@dataclass
class Wanted:
    """What to mark in a field: single words, and phrases (marked only where they stand whole)."""

    words: set[str]
    phrases: set[tuple[str, ...]]

    def joined(self, other: Wanted) -> Wanted:
        return Wanted(self.words | other.words, self.phrases | other.phrases)


def _best_passages(body: str, tokens: list[highlight.Token]) -> str:
    """The body's two best passages around the marked words, escaped."""
    if not tokens:
        return ""
    fragments = _PINPOINT.fragment_matches(body, tokens)
    best = highlight.top_fragments(fragments, 2, highlight.BasicFragmentScorer(), highlight.FIRST)
    return MarkFormatter().format(best)


def _score(score: float | None) -> float | None:
    return None if score is None else round(score, 4)


def _facet(groups: dict, by_value: bool = False) -> list[FacetValue]:
    values = [
        FacetValue(str(value), count) for value, count in groups.items() if value not in (None, "")
    ]
    if by_value:
        return sorted(values, key=lambda v: v.value)
    return sorted(values, key=lambda v: (-v.count, v.value))[:FACET_LIMIT]


def _lead(body: str) -> str:
    """The start of the body, escaped, cut at a word boundary, for hits with no body match."""
    if len(body) <= SNIPPET_CHARS:
        return html.escape(body, quote=False)
    cut = body[:SNIPPET_CHARS].rsplit(" ", 1)[0]
    return html.escape(cut, quote=False) + " …"
