"""Named entities from the user's gazetteer (`corpus/entities.toml`): find them, resolve aliases.

Each entry has a canonical name, a type (person, org, place) and aliases. Matching is
case-insensitive on word boundaries, except for aliases written in capitals of up to five
letters (acronyms such as "MEK" or "US"), which match only in capitals so that "us" is not
the United States.
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from indexer.clipping import BadFile, Clipping, EntityMention

ENTITY_TYPES = ("person", "org", "place")
GAZETTEER_NAME = "entities.toml"
_APOSTROPHES = "'’‘`´"
_DASHES = r"\-‐‑–—"  # for use inside a regex character class


@dataclass
class Entity:
    name: str
    type: str
    aliases: list[str] = field(default_factory=list)

    @property
    def names(self) -> list[str]:
        return [self.name, *self.aliases]


def name_key(name: str) -> str:
    """A spelling-insensitive key: ignores accents, case, apostrophes, hyphen-versus-space."""
    folded = unicodedata.normalize("NFKD", name)
    folded = "".join(c for c in folded if not unicodedata.combining(c))
    folded = re.sub(f"[{_APOSTROPHES}]", "", folded.lower())
    folded = re.sub(f"[{_DASHES}/]", " ", folded)
    return " ".join(re.findall(r"\w+(?:\.\w+)*\.?", folded))


def _is_acronym(alias: str) -> bool:
    letters = re.sub(r"[^\w]", "", alias)
    return alias.upper() == alias and 1 < len(letters) <= 5


def _alias_pattern(alias: str) -> str:
    """A regex for one alias that tolerates curly apostrophes and hyphen-or-space between words."""
    parts = []
    for char in alias.strip():
        if char in _APOSTROPHES:
            parts.append(f"[{_APOSTROPHES}]?")
        elif char in "-‐‑–—" or char.isspace():
            parts.append(rf"[\s{_DASHES}]+")
        else:
            parts.append(re.escape(char))
    pattern = "".join(parts)
    return rf"(?<![\w{_DASHES}]){pattern}(?![\w]|[{_APOSTROPHES}]?\w)"


class Gazetteer:
    """The user's entity list, compiled for matching text and resolving `entity:` queries."""

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
        folded: dict[str, str] = {}
        exact: dict[str, str] = {}
        for entity in self.entities:
            for name in entity.names:
                target = exact if _is_acronym(name) else folded
                target.setdefault(name, entity.name)
        by_name = {entity.name: entity for entity in self.entities}
        matchers = []
        for names, flags in ((folded, re.IGNORECASE), (exact, 0)):
            if not names:
                continue
            ordered = sorted(names, key=len, reverse=True)  # longest alias wins at a position
            regex = re.compile("|".join(_alias_pattern(n) for n in ordered), flags)
            matchers.append((regex, {name_key(n): by_name[names[n]] for n in ordered}))
        return matchers

    def resolve(self, name: str) -> Entity | None:
        """The entity that `name` (canonical or alias, any case or apostrophe) stands for."""
        return self._by_key.get(name_key(name))

    def alias_table(self) -> dict[str, str]:
        """Every known name's key mapped to its canonical name (saved beside the index)."""
        return {key: entity.name for key, entity in self._by_key.items()}

    def mentions(self, text: str) -> list[EntityMention]:
        """Entities named in `text`, in order of first mention, with the surface forms used."""
        matches = []
        for regex, entities in self._matchers:
            for match in regex.finditer(text):
                entity = entities.get(name_key(match.group(0)))
                if entity is not None:
                    matches.append((match.start(), -match.end(), match.group(0), entity))
        found: dict[str, EntityMention] = {}
        covered_to = -1
        for start, neg_end, surface, entity in sorted(matches, key=lambda m: m[:2]):
            if start < covered_to:  # inside a longer name already taken
                continue
            covered_to = -neg_end
            mention = found.setdefault(entity.name, EntityMention(entity.name, entity.type, []))
            surface = " ".join(surface.split())
            if surface not in mention.mentions:
                mention.mentions.append(surface)
        return list(found.values())

    def annotate(self, clipping: Clipping) -> Clipping:
        """Set the clipping's entities from its title and body."""
        clipping.entities = self.mentions(f"{clipping.title}\n\n{clipping.body}")
        return clipping


def _entity_from_toml(path: Path, item: dict) -> Entity:
    name = item.get("name")
    kind = item.get("type")
    aliases = item.get("aliases", [])
    if not isinstance(name, str) or not name.strip():
        raise BadFile(f"{path}: an [[entity]] has no name")
    if kind not in ENTITY_TYPES:
        raise BadFile(
            f"{path}: entity {name!r} has type {kind!r}; use one of {', '.join(ENTITY_TYPES)}"
        )
    if not isinstance(aliases, list) or not all(isinstance(a, str) for a in aliases):
        raise BadFile(f"{path}: entity {name!r}: aliases must be a list of strings")
    return Entity(name.strip(), kind, [a.strip() for a in aliases if a.strip()])
