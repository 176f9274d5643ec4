"""The one result type every front end renders: CLI text, CLI JSON, the search page and the API."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

SORTS = ("relevance", "newest", "oldest")


@dataclass
class Hit:
    """One ranked clipping. `snippet` is HTML-escaped text with <mark> around matched terms."""

    id: str
    title: str
    date: str | None
    source: str | None
    url: str | None
    path: str
    collection: str | None
    entities: list[str]
    score: float | None
    snippet: str
    date_source: str | None = None  # metadata | url | header | dateline, or None when undated
    title_html: str = ""  # escaped title with matches marked (not part of the JSON contract)


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
class Period:
    """One bar of the timeline: a year ("2011") or a month ("2011-04") and its matches."""

    period: str
    count: int


@dataclass
class SearchResults:
    """A page of hits plus counts over all matches (DESIGN.md, "Search results")."""

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

    def to_json(self) -> dict:
        data = asdict(self)
        for hit in data["hits"]:
            del hit["title_html"]
        return data


@dataclass
class ClippingDetail:
    """A whole clipping for its own page: metadata, and the full body with matches marked."""

    hit: Hit
    body_html: str  # escaped body, paragraphs separated by "\n\n", matches in <mark>
