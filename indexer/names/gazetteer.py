"""The user's gazetteer (`corpus/entities.toml`): canonical names, types, aliases, found in text.

Each entry has a canonical name, a type (person, org, place), aliases, and optionally names it
must never be merged with. Matching is case-insensitive on word boundaries, except for aliases
written in capitals of up to five letters (acronyms such as "MEK" or "US"), which match only in
capitals so that "us" is not the United States. Where aliases overlap, the longest wins.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from indexer.clipping import BadFile
from indexer.names import ENTITY_TYPES
from indexer.names.keys import APOSTROPHES, name_key

GAZETTEER_NAME = "entities.toml"
_DASH_CLASS = r"\-‐‑–—"  # inside a regex character class


@dataclass
class Entity:
    name: str
    type: str
    aliases: list[str] = field(default_factory=list)
    distinct: list[str] = field(default_factory=list)  # names that must never join this entity

    @property
    def names(self) -> list[str]:
        return [self.name, *self.aliases]


@dataclass(frozen=True)
class Span:
    """One gazetteer match in a text."""

    start: int
    end: int
    surface: str
    entity: Entity


def _is_acronym(alias: str) -> bool:
    letters = re.sub(r"[^\w]", "", alias)
    return alias.upper() == alias and 1 < len(letters) <= 5


def _alias_pattern(alias: str) -> str:
    """A regex for one alias that tolerates curly apostrophes and hyphen-or-space between words."""
    apostrophes = re.escape(APOSTROPHES)
    parts = []
    for char in alias.strip():
        if char in APOSTROPHES:
            parts.append(f"[{apostrophes}]?")
        elif char in "-‐‑–—" or char.isspace():
            parts.append(rf"[\s{_DASH_CLASS}]+")
        else:
            parts.append(re.escape(char))
    pattern = "".join(parts)
    return rf"(?<![\w{_DASH_CLASS}]){pattern}(?![\w]|[{apostrophes}]?\w)"


class Gazetteer:
    """The user's entity list, compiled for matching text."""

    def __init__(self, entities: list[Entity]):
        self.entities = entities
        self._by_key: dict[str, Entity] = {}
        for entity in entities:
            for name in entity.names:
                self._by_key.setdefault(name_key(name), entity)
        self._matchers = self._compile()

    @classmethod
    def load(cls, path: Path) -> Gazetteer:
        """Read a gazetteer; a missing file is an empty gazetteer, a malformed one a BadFile."""
        if not path.exists():
            return cls([])
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
            raise BadFile(f"{path}: {error}") from None
        return cls([_entity_from_toml(path, item) for item in data.get("entity", [])])

    def _compile(self) -> list[tuple[re.Pattern, dict[str, Entity]]]:
        folded: dict[str, Entity] = {}
        exact: dict[str, Entity] = {}
        for entity in self.entities:
            for name in entity.names:
                (exact if _is_acronym(name) else folded).setdefault(name, entity)
        matchers = []
        for names, flags in ((folded, re.IGNORECASE), (exact, 0)):
            if names:
                ordered = sorted(names, key=len, reverse=True)  # longest alias wins at a position
                regex = re.compile("|".join(_alias_pattern(n) for n in ordered), flags)
                matchers.append((regex, {name_key(n): names[n] for n in ordered}))
        return matchers

    def resolve(self, name: str) -> Entity | None:
        """The entity that `name` (canonical or alias, any case or apostrophe) stands for."""
        return self._by_key.get(name_key(name))

    def spans(self, text: str) -> list[Span]:
        """Non-overlapping gazetteer matches in `text`, in text order, the longest at each place."""
        matches = []
        for regex, entities in self._matchers:
            for match in regex.finditer(text):
                entity = entities.get(name_key(match.group(0)))
                if entity is not None:
                    surface = " ".join(match.group(0).split())
                    matches.append(Span(match.start(), match.end(), surface, entity))
        kept: list[Span] = []
        for span in sorted(matches, key=lambda s: (s.start, -s.end)):
            if not kept or span.start >= kept[-1].end:
                kept.append(span)
        return kept


def _entity_from_toml(path: Path, item: dict) -> Entity:
    name = item.get("name")
    kind = item.get("type")
    if not isinstance(name, str) or not name.strip():
        raise BadFile(f"{path}: an [[entity]] has no name")
    if kind not in ENTITY_TYPES:
        raise BadFile(
            f"{path}: entity {name!r} has type {kind!r}; use one of {', '.join(ENTITY_TYPES)}"
        )
    lists = {}
    for key in ("aliases", "distinct"):
        value = item.get(key, [])
        if not isinstance(value, list) or not all(isinstance(a, str) for a in value):
            raise BadFile(f"{path}: entity {name!r}: {key} must be a list of strings")
        lists[key] = [a.strip() for a in value if a.strip()]
    return Entity(name.strip(), kind, lists["aliases"], lists["distinct"])
