"""The one record that flows from parsing through enrichment into the index."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field


@dataclass
class EntityMention:
    """A canonical entity found in one clipping, with the surface forms used there."""

    name: str
    type: str  # person | org | place
    mentions: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Mention:
    """A name as found in one clipping, before names are resolved across the corpus."""

    surface: str
    type: str  # person | org | place
    entity: str | None = None  # the gazetteer's canonical name, when the gazetteer matched it


@dataclass
class Clipping:
    """One news clipping: a saved page, one item of a listing, or one item of a text digest."""

    path: str  # corpus-relative file path, "/" separated
    number: int  # 1-based position of the item in its file
    title: str
    body: str
    date: str | None = None  # YYYY-MM-DD, never invented
    date_source: str | None = None  # metadata | byline | url | header | dateline | None
    source: str | None = None
    url: str | None = None
    collection: str | None = None
    entities: list[EntityMention] = field(default_factory=list)
    # Filled by tagging, resolved into `entities` by the corpus-wide alias table.
    mentions: list[Mention] = field(default_factory=list)
    # (name, name, rule, words as written): what the text says of two names being one entity
    # (`indexer.names.aliases.Join`).
    joins: list[tuple[str, str, str, str]] = field(default_factory=list)

    @property
    def id(self) -> str:
        return f"{self.path}#{self.number}"

    def to_json(self) -> dict:
        """The `clippings parse --json` shape (ARCHITECTURE.md, "Contracts")."""
        data = asdict(self)
        for internal in ("number", "mentions", "joins"):
            del data[internal]
        return {"path": self.path, "id": self.id, **data}


@dataclass
class Skipped:
    """A file left out of the index, with the one-line reason shown to the user."""

    path: str
    reason: str


class BadFile(Exception):
    """A clipping file that cannot be used; the message is the one-line reason shown to the user."""
