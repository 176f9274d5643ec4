"""Searching: matching and ranking, over the latest index generation, into `SearchResults`.

Every front end (CLI, search page, JSON API) calls `SearchEngine.search` and renders the
`SearchResults` it returns; none of them builds its own query or snippet. The engine's other
rooms: `searcher.py` (which commit is read, caches), `highlighting.py` (marked spans and
passages), `facets.py` (facets and timeline), `ranking.py` and `docsets.py` (BM25F and
matching document sets over numpy arrays).
"""

from __future__ import annotations

import contextlib
import itertools
import math
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import NamedTuple

import numpy as np
from whoosh import query

from indexer import collapse, similar, store
from indexer.expand import SpellingVariants, expand_names
from indexer.facets import entity_type_codes, facet_counts, timeline
from indexer.highlighting import (
    Positions,
    Wanted,
    best_passages,
    lead,
    nothing_wanted,
    query_terms,
)
from indexer.names.table import Cluster
from indexer.query import MAX_PAGE, Parsed, parse_query, undated_instead_of_dates
from indexer.ranking import Scorer
from indexer.relax import relaxed
from indexer.results import (
    SORTS,
    ClippingDetail,
    EntityCount,
    EntityExplanation,
    FilterChip,
    Hit,
    Marked,
    RelaxedWords,
    SearchResults,
    SimilarClippings,
)
from indexer.schema import RANKING_FIELDS, text_analyzer
from indexer.searcher import Generation, Searchers
from indexer.spelling import Speller

PAGE_SIZE = 10
EXPORT_BATCH = 500
RANKED_AHEAD = 50  # matches ranked beyond a page's two lengths, for copies that collapse away

_ANALYZER = text_analyzer()


class SearchEngine:
    """Answers queries over one index directory; safe to share between threads."""

    def __init__(self, index_dir: Path, refresh_seconds: float = 0.1):
        self.index_dir = Path(index_dir)
        self._lock = threading.RLock()
        self._searchers = Searchers(self.index_dir, refresh_seconds)

    @contextlib.contextmanager
    def _reading(self) -> Iterator[Generation]:
        """The latest generation, read under the lock; a file of the index that cannot be read
        (truncated, garbled, deleted) is reported as IndexDamaged, not as a crash."""
        with self._lock, store.reading(self.index_dir):
            yield self._searchers.current()

    def close(self) -> None:
        with self._lock:
            self._searchers.close()

    def problems(self) -> list[str]:
        """Features that are off and why, one line each (an unreadable entity table)."""
        with self._reading():
            return [self._searchers.problem] if self._searchers.problem else []

    def search(
        self,
        text: str,
        page: int = 1,
        sort: str = "relevance",
        pagelen: int = PAGE_SIZE,
        expand: bool = True,
        group: bool = True,
        spell: bool = True,
        strict: bool = False,
    ) -> SearchResults:
        """One page of results for `text` plus totals and facets over all matches.

        Names in the query also search the entity's other names and spellings unless `expand`
        is off; near-duplicates are one hit per group unless `group` is off. Raises QueryError
        for a malformed query; an empty query lists the newest first. A query with misspelled
        words gets a suggestion, whose results are shown instead when the query as typed finds
        nothing and it finds something (unless `spell` is off). When fewer than a page of
        clippings hold all the query's free words, the results go on with clippings that hold
        some of them (indexer/relax.py), unless `strict`.
        """
        page = min(max(1, page), MAX_PAGE)
        first = (page - 1) * pagelen
        with self._reading() as gen:
            codes = collapse.group_codes(gen) if group else None
            matches, suggestion, corrected = self._spelled(gen, text, sort, expand, spell, strict)
            parse, parsed, docs, sort, expansions, _, relaxed = matches
            terms = query_terms(parsed, gen.reader)
            shown = _page(gen, matches, codes, first, pagelen)
            known = _page_positions(gen, [docnum for docnum, _ in shown.page], terms)
            hits = [_page_hit(gen, docnum, score, terms, known) for docnum, score in shown.page]
            for hit, (docnum, _) in zip(hits, shown.page, strict=True):
                hit.similar = collapse.members(gen, shown.copies.get(docnum, ()))
                hit.missing = relaxed.missing(docnum) if relaxed else []
            facets, periods = _counts(gen, parsed, docs)
            return SearchResults(
                query=text,
                total=len(docs),
                page=page,
                pages=max(1, math.ceil(shown.distinct / pagelen)),
                sort=sort,
                hits=hits,
                facets=facets,
                expanded=expansions,
                timeline=periods,
                undated_left_out=_undated_left_out(gen, parsed),
                filters=[FilterChip(f.field, f.value, rest) for f, rest in parse.chips()]
                if parse
                else [],
                undated_query=f"{parse.without('date')} undated:yes".strip() if parse else "",
                grouped=group,
                distinct=shown.distinct,
                suggestion=suggestion,
                showing_suggestion=corrected,
                relaxed=relaxed.summary(docs) if relaxed else None,
            )

    def _spelled(
        self, gen: Generation, text: str, sort: str, expand: bool, spell: bool, strict: bool
    ):
        """`_matches` of the query as typed, its spelling suggestion, and whether the matches
        are the suggestion's instead: when `spell` is on, the query as typed finds nothing and
        the suggestion finds something."""
        matches = self._matches(gen, text, sort, expand, strict)
        suggestion = _speller(gen).suggestion(matches[0], gen.reader)
        if spell and suggestion is not None and not len(matches[2]):
            instead = self._matches(gen, suggestion.text, sort, expand, strict)
            if len(instead[2]):
                return instead, suggestion, True
        return matches, suggestion, False

    def _matches(
        self, gen: Generation, text: str, sort: str, expand: bool, strict: bool = False
    ) -> Matches:
        """Parse once, expand, relax and match; the order is `_ranked`'s."""
        sort = sort if sort in SORTS else "relevance"
        parse = parse_query(text, gen.searcher.schema, _resolver(gen))
        parsed, exact, expansions, tree = _expanded(gen, parse, expand)
        if parsed is None:
            parsed = query.Every()
        docs = gen.docset(parsed)
        tiers = [gen.docset(exact)] if expansions else []
        relaxing = None
        if len(docs) < PAGE_SIZE and parse is not None and not strict:
            relaxing = _relaxing(gen, parse, tree, docs, expand)
        if relaxing is not None:
            parsed, tiers = relaxing.query, [*tiers, docs]
            docs = gen.docset(parsed)
        if sort == "relevance" and _scoring_part(parsed) is None:
            sort = "newest"  # filters alone rank nothing: say the order the list is in
        return Matches(parse, parsed, docs, sort, expansions, tiers, relaxing)

    def export(
        self, text: str, sort: str = "relevance", expand: bool = True, strict: bool = False
    ) -> Iterator[Hit]:
        """Every match of the query in order, one at a time, for CSV and JSON exports.

        The order is fixed at the start; rows are read in batches, each under the lock, from the
        generation of that moment, which stays valid even if the index changes meanwhile.
        Snippets are the start of the body.
        """
        with self._reading() as gen:
            matches = self._matches(gen, text, sort, expand, strict)
            ranked = _ranked(gen, *matches.ordering(), len(matches.docs))
        for start in range(0, len(ranked), EXPORT_BATCH):
            with self._lock, store.reading(self.index_dir):
                batch = [
                    (gen.searcher.stored_fields(docnum), score)
                    for docnum, score in ranked[start : start + EXPORT_BATCH]
                ]
            for fields, score in batch:
                group = gen.groups.get(fields["id"])
                yield _hit_from_fields(fields, score, lead(fields.get("body", "")), (), group)

    def updated(self) -> datetime:
        """When the index last changed: the moment a feed of its results was last updated."""
        return datetime.fromtimestamp(store.last_commit(self.index_dir), tz=UTC)

    def entity(self, name: str) -> Cluster | None:
        """The entity a name or alias stands for, with all its names."""
        with self._reading() as gen:
            return gen.table.lookup(name)

    def explain_entity(self, name: str) -> EntityExplanation | None:
        """The entity a name stands for, with why each of its names is one of its names."""
        with self._reading() as gen:
            found = gen.table.explain(name)
            if found is None:
                return None
            cluster, reasons = found
            count = gen.entity_counts().get(cluster.name, 0)
        in_gazetteer = cluster.gazetteer is not None or cluster.in_gazetteer
        entity = EntityCount(cluster.name, cluster.type, cluster.names, count, in_gazetteer)
        return EntityExplanation(entity, reasons)

    def entities(
        self,
        kind: str | None = None,
        containing: str = "",
        discovered: bool = False,
        order: str = "count",
    ) -> list[EntityCount]:
        """The entities in the index with their clipping counts, the most frequent first (or by
        name): of one type, with a name containing some text (any case), or only those found
        in the text and not in the gazetteer."""
        needle = containing.strip().casefold()
        with self._reading() as gen:
            counts = gen.entity_counts()
            counted = [
                EntityCount(c.name, c.type, c.names, counts.get(c.name, 0),
                            c.gazetteer is not None or c.in_gazetteer)
                for c in gen.table.clusters()
                if kind in (None, c.type) and (not needle or _names_contain(c, needle))
            ]  # fmt: skip
        listed = [e for e in counted if e.count and not (discovered and e.in_gazetteer)]
        if order == "name":
            return sorted(listed, key=lambda e: e.name.casefold())
        return sorted(listed, key=lambda e: (-e.count, e.name))

    def clipping(self, clipping_id: str, text: str = "") -> ClippingDetail | None:
        """A whole clipping with the query's matches (and its names' other names) marked in its
        title and body, or None. Raises QueryError for a malformed query."""
        with self._reading() as gen:
            found = gen.docset(query.Term("id", clipping_id))
            if not len(found):
                return None
            docnum = int(found[0])
            parse = parse_query(text, gen.searcher.schema, _resolver(gen))
            parsed = _expanded(gen, parse, True)[0]
            terms = query_terms(parsed, gen.reader) if parsed else nothing_wanted()
            hit = _page_hit(gen, docnum, None, terms)
            body = gen.searcher.stored_fields(docnum).get("body", "")
            marks = gen.marker.spans(docnum, "body", terms["body"])
            return ClippingDetail(hit=hit, body=Marked(body, tuple(marks)))

    def similar(self, clipping_id: str, count: int = 5) -> SimilarClippings | None:
        """The `count` clippings most like this one, outside its group of near-duplicates, with
        the search of its key words; None for an unknown id."""
        with self._reading() as gen:
            found = gen.docset(query.Term("id", clipping_id))
            if not len(found):
                return None
            docnum = int(found[0])
            terms = similar.key_terms(gen, docnum)
            same = similar.same_group(collapse.group_codes(gen), docnum)
            best = similar.most_similar(gen, terms, same, count)
            hits = []
            for other, score in best:
                fields = gen.searcher.stored_fields(other)
                snippet, group = lead(fields.get("body", "")), gen.groups.get(fields["id"])
                hits.append(_hit_from_fields(fields, score, snippet, (), group))
            return SimilarClippings(clipping_id, similar.search_text(terms), hits)

    def resolve_entity(self, name: str) -> str:
        """The canonical indexed name for an entity name or alias typed by the user."""
        with self._reading() as gen:
            return _resolver(gen)(name)


def _names_contain(cluster: Cluster, needle: str) -> bool:
    return any(needle in name.casefold() for name in [cluster.name, *cluster.names])


def _resolver(gen: Generation):
    """Maps a name typed after `entity:` to the canonical name the index stores."""

    def resolve(name: str) -> str:
        cluster = gen.table.lookup(name)
        return cluster.name if cluster else name

    return resolve


def _expanded(gen: Generation, parse: Parsed | None, expand: bool):
    """From one parse: the query to run, the query as typed (to rank exact matches first),
    the names and spellings it also searched, and the syntax tree with the names expanded."""
    if parse is None:
        return None, None, [], None
    exact = parse.query()
    if not expand:
        return exact, exact, [], parse.syntax
    worth = lambda span, cluster: _names_a_thing(gen, span, cluster)  # noqa: E731
    tree, expansions = expand_names(parse, gen.table, worth)
    parsed = _spellings(gen).expand(parse.query(tree), gen.reader, expansions)
    return parsed, exact, expansions, tree


class Matches(NamedTuple):
    """What a query matched: its parse, the query run, the documents, the sort used, the names
    it also searched, the documents ranked first (the words as typed, then all the words, when
    names were expanded or words relaxed), and the words it let matches lack."""

    parse: Parsed | None
    parsed: query.Query
    docs: np.ndarray
    sort: str
    expansions: list
    tiers: list[np.ndarray]
    relaxed: Relaxing | None

    def ordering(self) -> tuple:
        """What `_ranked` orders the matches by."""
        return self.parsed, self.tiers, self.docs, self.sort


@dataclass
class Relaxing:
    """A query relaxed: the query run (every required clause, and any of the words or, beside
    a required word or phrase, the words only ranking), its words with the documents holding
    each, the documents holding all of them, and what the page says of the rest."""

    query: query.Query
    words: list[tuple[str, np.ndarray]]
    complete: np.ndarray
    required: list[str]
    ignored: list[str]

    def summary(self, docs: np.ndarray) -> RelaxedWords:
        """What the page says of the matches `docs`: the words a match may lack, how many
        clippings have all of them, and the most of them any match has."""
        held = np.zeros(int(docs.max()) + 1 if len(docs) else 0, dtype=np.int32)
        for _, having in self.words:
            held[having[having < len(held)]] += 1
        most = int(held[docs].max()) if len(docs) else 0
        words = [typed for typed, _ in self.words]
        return RelaxedWords(words, len(self.complete), most, self.required, self.ignored)

    def missing(self, docnum: int) -> list[str]:
        """The words one clipping lacks, as typed."""
        return [typed for typed, docs in self.words if not _holds(docs, docnum)]


def _holds(docs: np.ndarray, docnum: int) -> bool:
    at = int(np.searchsorted(docs, docnum))
    return at < len(docs) and int(docs[at]) == docnum


def _relaxing(gen: Generation, parse: Parsed, tree, complete: np.ndarray, expand: bool):
    """The query with its free words made optional (indexer/relax.py), or None when there is
    nothing to relax."""
    split = relaxed(parse, tree)
    if split is None:
        return None
    spell = (lambda q: _spellings(gen).expand(q, gen.reader, [])) if expand else (lambda q: q)
    words = [(w.typed, gen.docset(spell(w.query))) for w in split.words]
    run = spell(parse.query(split.tree(tree)))
    return Relaxing(run, words, complete, split.required_typed(), split.ignored)


def _undated_left_out(gen: Generation, parsed: query.Query) -> int | None:
    """How many undated clippings match the query once its date filters are taken away."""
    undated = undated_instead_of_dates(parsed)
    return None if undated is None else len(gen.docset(undated))


def _names_a_thing(gen: Generation, span: str, cluster: Cluster) -> bool:
    """Whether a word typed in the query stands for the entity rather than being an ordinary
    word: most clippings that use it are tagged with the entity ("PMOI" yes, "stocks" no)."""
    words = [t.text for t in _ANALYZER(span)]
    if len(words) != 1:
        return True  # a phrase that is a known name
    uses = gen.reader.doc_frequency("body", words[0])
    return gen.entity_counts().get(cluster.name, 0) * 2 >= uses


def _speller(gen: Generation) -> Speller:
    if "speller" not in gen.memo:
        gen.memo["speller"] = Speller(gen.table)
    return gen.memo["speller"]


def _spellings(gen: Generation) -> SpellingVariants:
    if "spellings" not in gen.table_memo:
        gen.table_memo["spellings"] = SpellingVariants(gen.table)
    return gen.table_memo["spellings"]


def _page(
    gen: Generation, matches: Matches, codes: np.ndarray | None, first: int, size: int
) -> collapse.Collapsed:
    """The page of collapsed hits from `first`, ranking only as many matches as it takes: a few
    pages' worth, four times more while copies leave the page short, at most all it could take.
    The first n of a ranking are the first n of a longer one, so the page is the same."""
    bound = collapse.needed(codes, matches.docs, first + size)
    count = min(bound, 2 * (first + size) + RANKED_AHEAD)
    while True:
        ranked = _ranked(gen, *matches.ordering(), count)
        shown = collapse.collapsed(codes, ranked, matches.docs, first, size)
        if len(shown.page) == size or count >= bound:
            return shown
        count = min(bound, 4 * count)


def _ranked(gen: Generation, parsed, tiers: list[np.ndarray], docs, sort: str, count: int):
    """The first `count` matches in order: by score, or by date, the documents of each tier
    (the words as typed, all the words) before the others.

    Filters (dates, entities, undated) were applied in `docs`; only the words are scored,
    among those documents. A query of filters alone lists the newest first.
    """
    scoring = _scoring_part(parsed)
    if sort != "relevance" or scoring is None:
        newest = sort != "oldest"
        if not tiers:
            ordered = gen.columns.newest_first(docs, newest, count)
            return list(zip(ordered.tolist(), itertools.repeat(None)))
        ordered = gen.columns.newest_first(docs, newest)
        outside = [~np.isin(ordered, tier) for tier in reversed(tiers)]
        ordered = ordered[np.lexsort((np.arange(len(ordered)), *outside))]
        return list(zip(ordered[:count].tolist(), itertools.repeat(None)))
    scorer = Scorer(gen.searcher, gen.columns, gen.postings, gen.docset)
    return scorer.top(scoring, docs, count, tiers)


def _counts(gen: Generation, parsed: query.Query, docs):
    """Facets and timeline of a document set; those of the whole archive (the landing page,
    the newest clippings) are kept for the generation."""
    key = repr(parsed)
    if key in gen.counts:
        return gen.counts[key]
    if "types" not in gen.memo:
        known = gen.table_memo.setdefault("entity_types", {})
        gen.memo["types"] = entity_type_codes(gen.columns.entities.labels, gen.table, known)
    years, months = gen.columns.year.counts(docs), gen.columns.month.counts(docs)
    counts = (facet_counts(gen.columns, docs, gen.memo["types"]), timeline(years, months))
    if isinstance(parsed, query.Every):
        gen.counts[key] = counts
    return counts


def _page_positions(gen: Generation, docnums: list[int], terms: dict[str, Wanted]) -> Positions:
    """Where the words `_page_hit` marks stand in a page of hits, read for the page at once."""
    known = gen.marker.positions(docnums, "body", terms["body"])
    return gen.marker.positions(docnums, "title", _title_wanted(terms), into=known)


def _title_wanted(terms: dict[str, Wanted]) -> Wanted:
    """A title marks the body's words too (a free word searches both)."""
    return terms["title"].joined(terms["body"])


def _page_hit(
    gen: Generation,
    docnum: int,
    score: float | None,
    terms: dict[str, Wanted],
    known: Positions | None = None,
) -> Hit:
    """A hit with its title's matches and the body's best passages marked (from `known`
    positions when the page's were read at once)."""
    fields = gen.searcher.stored_fields(docnum)
    body = fields.get("body", "")
    body_marks = gen.marker.spans(docnum, "body", terms["body"], known)
    title_marks = gen.marker.spans(docnum, "title", _title_wanted(terms), known)
    snippet = best_passages(body, body_marks) or lead(body)
    group = gen.groups.get(fields["id"])
    return _hit_from_fields(fields, score, snippet, tuple(title_marks), group)


def _hit_from_fields(
    fields: dict, score: float | None, snippet: Marked, title_marks: tuple, group: str | None
) -> Hit:
    """A hit from a clipping's stored fields and its near-duplicate group (its leader's id)."""
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
        score=None if score is None else round(score, 4),
        snippet=snippet,
        date_source=fields.get("date_source"),
        title_marks=title_marks,
        added=added.strftime("%Y-%m-%dT%H:%M:%SZ") if added else None,
        group=group,
    )


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
        return q.fieldname not in RANKING_FIELDS
    if isinstance(q, query.And):
        return all(_is_filter(s) for s in q.subqueries)
    return False
