"""The one result type every front end renders: CLI text, CLI JSON, the search page and the API."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field

from indexer.names.table import Reason

SORTS = ("relevance", "newest", "oldest")
WEB_SCHEMES = ("http", "https")
# What a browser drops before reading a URL's scheme: C0 controls and spaces at either end, and
# tabs and newlines anywhere (WHATWG URL standard), so "\x01java\tscript:" is still a script.
_URL_EDGES = "".join(map(chr, range(0x21)))
_URL_TABS_AND_NEWLINES = re.compile(r"[\t\n\r]")


def web_link(url: str | None) -> str | None:
    """`url` as a browser reads it when its scheme is http or https, else None (not a link)."""
    cleaned = _URL_TABS_AND_NEWLINES.sub("", (url or "").strip(_URL_EDGES))
    scheme, colon, _ = cleaned.partition(":")
    return cleaned if colon and scheme.lower() in WEB_SCHEMES else None


@dataclass(frozen=True)
class Marked:
    """Text with spans to mark: (start, end) character offsets, sorted, not overlapping.

    Clipping text is never HTML here; each front end renders the spans its own way.
    """

    text: str
    marks: tuple[tuple[int, int], ...] = ()

    def parts(self) -> Iterator[tuple[str, bool]]:
        """The text in pieces, each with whether it is marked, in order; no empty pieces."""
        at = 0
        for start, end in self.marks:
            if start > at:
                yield self.text[at:start], False
            if end > start:
                yield self.text[start:end], True
            at = max(at, end)
        if at < len(self.text):
            yield self.text[at:], False


@dataclass
class GroupMember:
    """A near-duplicate of a hit (the same story reprinted), as the hit lists it."""

    id: str
    title: str
    date: str | None
    source: str | None


@dataclass
class Hit:
    """One ranked clipping: plain text fields, with the query's matches as marked spans."""

    id: str
    title: str
    date: str | None
    source: str | None
    url: str | None
    path: str
    collection: str | None
    entities: list[str]
    score: float | None
    snippet: Marked
    date_source: str | None = None  # metadata | byline | url | header | dateline | None (undated)
    title_marks: tuple[tuple[int, int], ...] = ()  # the query's matches in the title
    # When the clipping entered the archive (its file's mtime, ISO 8601 UTC; not in the contract).
    added: str | None = None
    # Its near-duplicate group (the leader's id, None: no copies) and, when the results show
    # one hit per group, the group's other matches it stands for.
    group: str | None = None
    similar: list[GroupMember] = field(default_factory=list)
    # The query's words this clipping lacks, as typed, when the query was relaxed.
    missing: list[str] = field(default_factory=list)

    @property
    def marked_title(self) -> Marked:
        return Marked(self.title, self.title_marks)

    def to_json(self) -> dict:
        """The JSON contract: plain-text title and snippet, the marks as [start, end] lists."""
        data = asdict(self)
        del data["added"]
        data["snippet"] = self.snippet.text
        data["snippet_marks"] = [list(span) for span in self.snippet.marks]
        data["title_marks"] = [list(span) for span in self.title_marks]
        return data

    @property
    def link(self) -> str | None:
        """The original's URL when it is safe to make a live link of it (http or https only)."""
        return web_link(self.url)


@dataclass
class FacetValue:
    value: str
    count: int


@dataclass
class Expansion:
    """A name in the query and the other names or spellings it also searched."""

    term: str
    also: list[str]


@dataclass
class EntityCount:
    """An entity of the index with its names and the number of clippings naming it."""

    name: str
    type: str
    aliases: list[str]
    count: int
    in_gazetteer: bool


@dataclass
class EntityExplanation:
    """An entity with why each of its names belongs to it (`clippings entities --explain`,
    the entity page): the joins with their rule and evidence (`names.table.Reason`)."""

    entity: EntityCount
    reasons: list[Reason]

    def to_json(self) -> dict:
        reasons = [{**asdict(r), "where": list(r.where), "why": r.sentence()} for r in self.reasons]
        return {"entity": asdict(self.entity), "reasons": reasons}


@dataclass
class Period:
    """One bar of the timeline: a year ("2011") or a month ("2011-04") and its matches."""

    period: str
    count: int


@dataclass
class FilterChip:
    """A narrowing clause of the query (`date:2011`) and the query as typed without it."""

    field: str
    value: str
    without: str


@dataclass
class RelaxedWords:
    """Fewer than a page of clippings hold all the query's free words, so the results go on
    with clippings that hold some of them: the words as typed, how many clippings hold all of
    them, the most of them any match holds, and the clauses every match has (phrases, fields,
    `+word`, NOT; filters are the page's filter chips)."""

    words: list[str]
    complete: int
    most: int
    required: list[str] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)  # function words not searched ("what")


@dataclass
class SearchResults:
    """A page of hits plus counts over all matches (ARCHITECTURE.md, "Search results")."""

    query: str
    total: int
    page: int
    pages: int
    sort: str
    hits: list[Hit]
    facets: dict[str, list[FacetValue]] = field(default_factory=dict)
    expanded: list[Expansion] = field(default_factory=list)
    timeline: list[Period] = field(default_factory=list)
    # Clippings a date filter left out for having no date (None when the query has no date filter).
    undated_left_out: int | None = None
    # For the page (not part of the JSON contract): the query's filters, each with the query
    # without it, and the query that lists the undated clippings a date filter leaves out.
    filters: list[FilterChip] = field(default_factory=list)
    undated_query: str = ""
    # "Did you mean": the query as typed with its misspelled words replaced (marked), None when
    # no word needs it; whether the hits are the suggestion's, the query as typed finding none.
    suggestion: Marked | None = None
    showing_suggestion: bool = False
    # The query's free words when the results include clippings that lack some (None when
    # every match holds all of them).
    relaxed: RelaxedWords | None = None
    # Whether near-duplicates are shown as one hit per group, and how many hits all the
    # matches make then (`total` counts clippings either way; `pages` counts these hits).
    grouped: bool = False
    distinct: int = 0

    def to_json(self) -> dict:
        data = asdict(self)
        data["hits"] = [hit.to_json() for hit in self.hits]
        data["suggestion"] = self.suggestion.text if self.suggestion else None
        del data["filters"], data["undated_query"]
        return data


@dataclass
class ClippingDetail:
    """A whole clipping for its own page: metadata, and the full body with matches marked."""

    hit: Hit
    body: Marked  # the whole body, paragraphs separated by "\n\n", with the matches


@dataclass
class SimilarClippings:
    """The clippings most like one clipping (outside its near-duplicate group), best first,
    and the search of its key words that the page links to as "more like this"."""

    id: str
    query: str
    hits: list[Hit]

    def to_json(self) -> dict:
        return {"id": self.id, "query": self.query, "hits": [h.to_json() for h in self.hits]}
