"""Entities across the corpus: which names are one entity, what it is called, of what type.

Names join one entity when the gazetteer lists them together, when their `variant_key`s agree
(transliterations, hyphens, apostrophes, ezafe, Arabic articles, accents), when a clipping
defines an acronym ("Mojahedin-e Khalq Organization (MKO)"), or when a clipping names a person
in full and then by surname. The gazetteer wins: its entities never merge with each other, and
an entry's `distinct` names never join it.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from indexer.clipping import EntityMention, Mention
from indexer.names import ENTITY_TYPES
from indexer.names.gazetteer import Entity, Gazetteer
from indexer.names.keys import is_acronym, name_key, variant_key
from indexer.names.places import place_names


@dataclass(eq=False)
class Cluster:
    """One entity: its names with how many clippings use each, and its type votes."""

    aliases: Counter = field(default_factory=Counter)
    votes: Counter = field(default_factory=Counter)
    gazetteer: Entity | None = None
    long_form: str | None = None  # from an acronym definition
    blocked: set[str] = field(default_factory=set)
    in_gazetteer: bool = False  # when loaded from a saved table
    merged_into: Cluster | None = None
    _name: str | None = None  # cached; cleared when aliases or votes change

    @property
    def name(self) -> str:
        if self._name is None:
            self._name = self._best_name()
        return self._name

    def _best_name(self) -> str:
        if self.gazetteer:
            return self.gazetteer.name
        if self.long_form:
            return self.long_form
        used = [a for a, n in self.aliases.items() if n > 0] or list(self.aliases) or ["?"]
        full = [a for a in used if not is_acronym(a)] or used
        best = min(full, key=lambda a: (-self.aliases[a], -len(a), a))
        return best.title() if _shouted(best, self.votes) else best

    @property
    def type(self) -> str:
        if self.gazetteer:
            return self.gazetteer.type
        return min(ENTITY_TYPES, key=lambda t: (-self.votes[t], ENTITY_TYPES.index(t)))

    @property
    def names(self) -> list[str]:
        """Every name of the entity, the most used first (gazetteer aliases included); of
        spellings that differ only in case or apostrophes, the most used one."""
        names = Counter(self.aliases)
        for alias in self.gazetteer.names if self.gazetteer else []:
            names.setdefault(alias, 0)
        by_key: dict[str, str] = {name_key(self.name): self.name}
        for alias in sorted(names, key=lambda a: (-names[a], a)):
            by_key.setdefault(name_key(alias), alias)
        return list(by_key.values())


class EntityTable:
    """Resolves any name to its entity; built from the gazetteer and every clipping's mentions.

    It is saved beside the index with its counts and reloaded by the next run, which removes
    the mentions of changed and deleted files and adds those of new ones; `changed_names`
    then says which indexed entity names no longer stand for the same entity.
    """

    def __init__(self, gazetteer: Gazetteer):
        self._exact: dict[str, Cluster] = {}
        self._variant: dict[str, Cluster] = {}
        self._clusters: list[Cluster] = []
        self._by_gazetteer: dict[str, Cluster] = {}
        self._before: dict[int, tuple[Cluster, str, str]] = {}  # touched clusters, as they were
        for entity in gazetteer.entities:
            cluster = self._new(Cluster(gazetteer=entity))
            cluster.blocked = {variant_key(n) for n in entity.distinct}
            self._by_gazetteer[entity.name] = cluster
            for name in entity.names:
                self._register(cluster, name)

    def add(self, mentions: list[Mention], acronyms: list[tuple[str, str]]) -> None:
        """Count one clipping's mentions and join the acronyms it defines."""
        for mention, surface in _with_full_names(mentions):
            cluster = self._touch(self._cluster_for(mention, surface))
            cluster.aliases[mention.surface] += 1
            cluster.votes[mention.type] += 1
            self._register(cluster, mention.surface)
        for long_form, acronym in acronyms:
            self._join_acronym(long_form, acronym)

    def remove(self, mentions: list[Mention]) -> None:
        """Forget one clipping's mentions (its file changed or was deleted).

        Joins it caused stay: an acronym once defined keeps its long form until a rebuild.
        """
        for mention, surface in _with_full_names(mentions):
            cluster = self._resolve(mention, surface)
            if cluster is None:
                continue
            self._touch(cluster)
            cluster.aliases[mention.surface] = max(0, cluster.aliases[mention.surface] - 1)
            cluster.votes[mention.type] = max(0, cluster.votes[mention.type] - 1)

    def changed_names(self) -> set[str]:
        """Entity names, as indexed before this run's changes, whose entity is now named or
        typed differently (renamed, re-typed or joined to another)."""
        return {
            name
            for cluster, name, kind in self._before.values()
            if (_root(cluster).name, _root(cluster).type) != (name, kind)
        }

    def join_initials(self) -> None:
        """Join an undefined acronym to the one entity whose name it abbreviates (US and United
        States, AP and Associated Press), when exactly one entity of the corpus fits."""
        clusters = self.clusters()
        lonely = _lonely_acronyms(clusters)
        if not lonely:
            return
        by_initials = _by_initials(clusters)
        for cluster in lonely:
            letters = {re.sub(r"[^A-Z]", "", n) for n in cluster.aliases}
            fits = {id(_root(c)): _root(c) for x in letters for c in by_initials.get(x, [])}
            fits.pop(id(_root(cluster)), None)
            if len(fits) == 1:
                self._merge(fits.popitem()[1], _root(cluster), None)

    def lookup(self, name: str) -> Cluster | None:
        """The entity a name stands for: exact spelling first, then transliteration variants."""
        cluster = self._exact.get(name_key(name))
        if cluster is None:
            key = variant_key(name)
            cluster = self._variant.get(key)
            if cluster is not None and key in _root(cluster).blocked:
                return None
        return _root(cluster) if cluster else None

    def entities_for(self, mentions: list[Mention]) -> list[EntityMention]:
        """A clipping's entities under their canonical names, in order of first mention."""
        found: dict[str, EntityMention] = {}
        for mention, surface in _with_full_names(mentions):
            cluster = self._resolve(mention, surface)
            if cluster is None:
                continue
            entity = found.setdefault(cluster.name, EntityMention(cluster.name, cluster.type, []))
            if mention.surface not in entity.mentions:
                entity.mentions.append(mention.surface)
        return list(found.values())

    def clusters(self) -> list[Cluster]:
        return [c for c in self._clusters if c.merged_into is None]

    def to_json(self) -> dict:
        """The whole table with its counts and lookup keys (saved beside the index)."""
        clusters = self.clusters()
        number = {id(c): n for n, c in enumerate(clusters)}
        return {
            "entities": [
                {
                    "name": c.name,
                    "type": c.type,
                    "aliases": _all_aliases(c),
                    "votes": dict(c.votes),
                    "long_form": c.long_form,
                    "in_gazetteer": c.gazetteer is not None or c.in_gazetteer,
                    "blocked": sorted(c.blocked),
                }
                for c in clusters
            ],
            "exact": {k: number[id(_root(c))] for k, c in self._exact.items()},
            "variant": {k: number[id(_root(c))] for k, c in self._variant.items()},
        }

    @classmethod
    def from_json(cls, data: dict, gazetteer: Gazetteer | None = None) -> EntityTable:
        """A saved table; with the gazetteer it was built with, ready to take more mentions."""
        table = cls(gazetteer or Gazetteer([]))
        loaded = []
        for item in data.get("entities", []):
            cluster = table._by_gazetteer.get(item["name"]) if item["in_gazetteer"] else None
            if cluster is None:
                cluster = table._new(Cluster(long_form=item.get("long_form")))
                cluster.votes.update(item.get("votes") or {item["type"]: 1})
                cluster.in_gazetteer = item["in_gazetteer"]
                cluster.blocked = set(item.get("blocked", []))
                if cluster.in_gazetteer or not item.get("votes"):
                    cluster._name = item["name"]  # the name it was saved under
            for alias, count in item["aliases"].items():
                cluster.aliases[alias] += count
            loaded.append(cluster)
        for keys, target in (("exact", table._exact), ("variant", table._variant)):
            for key, number in data.get(keys, {}).items():
                target.setdefault(key, loaded[number])
        if "exact" not in data:  # an older file: register every name
            for cluster, item in zip(loaded, data.get("entities", []), strict=True):
                for alias in [item["name"], *item["aliases"]]:
                    table._register(cluster, alias)
        return table

    def _new(self, cluster: Cluster) -> Cluster:
        self._clusters.append(cluster)
        return cluster

    def _touch(self, cluster: Cluster) -> Cluster:
        """Note how a cluster was named before this run changes it, and clear its cached name."""
        if (cluster.aliases or cluster.gazetteer) and id(cluster) not in self._before:
            self._before[id(cluster)] = (cluster, cluster.name, cluster.type)
        cluster._name = None
        return cluster

    def _register(self, cluster: Cluster, name: str) -> None:
        self._exact.setdefault(name_key(name), cluster)
        key = variant_key(name)
        if key not in cluster.blocked:
            self._variant.setdefault(key, cluster)

    def _resolve(self, mention: Mention, surface: str) -> Cluster | None:
        cluster = self._by_gazetteer.get(mention.entity) if mention.entity else None
        return _root(cluster) if cluster else self.lookup(surface)

    def _cluster_for(self, mention: Mention, surface: str) -> Cluster:
        if mention.entity and mention.entity in self._by_gazetteer:
            return self._by_gazetteer[mention.entity]
        cluster = self.lookup(surface)
        if cluster and name_key(surface) not in self._exact and _other_place(surface, cluster):
            cluster = None  # China and Chennai look alike but are two places of the list
        return cluster or self._new(Cluster())

    def _join_acronym(self, long_form: str, acronym: str) -> None:
        long_cluster = self.lookup(long_form) or self._new(Cluster(aliases=Counter({long_form: 0})))
        short_cluster = self.lookup(acronym) or self._new(Cluster(aliases=Counter({acronym: 0})))
        self._register(long_cluster, long_form)
        self._register(short_cluster, acronym)
        self._merge(long_cluster, short_cluster, long_form)

    def _merge(self, long_cluster: Cluster, short_cluster: Cluster, long_form: str | None) -> None:
        """One entity from two, unless the gazetteer keeps them apart."""
        if long_cluster is short_cluster:
            return
        if long_cluster.gazetteer and short_cluster.gazetteer:
            return  # the gazetteer says they are different
        if any(variant_key(n) in long_cluster.blocked for n in short_cluster.aliases) or any(
            variant_key(n) in short_cluster.blocked for n in long_cluster.aliases
        ):
            return
        keep, gone = (
            (short_cluster, long_cluster)
            if short_cluster.gazetteer
            else (long_cluster, short_cluster)
        )
        self._touch(keep)
        self._touch(gone)
        keep.aliases.update(gone.aliases)
        keep.votes.update(gone.votes)
        if not keep.gazetteer and long_form:
            keep.long_form = keep.long_form or long_form
        gone.merged_into = keep


_MINOR_WORDS = {"of", "the", "for", "and", "de", "du", "des", "la", "le", "al", "el", "e", "&"}


def _initials(name: str) -> str | None:
    """The capitals an acronym of this name would have ("United States" -> "US")."""
    words = [w for w in re.split(r"[\s\-‐]+", name) if w and w.lower() not in _MINOR_WORDS]
    if len(words) < 2 or is_acronym(name) or not all(w[:1].isupper() for w in words):
        return None
    return "".join(w[0] for w in words)


def _other_place(surface: str, cluster: Cluster) -> bool:
    """Whether a name and an entity are different places of the place list."""
    places = place_names()
    return _as_place(surface) in places and any(_as_place(a) in places for a in cluster.names)


def _as_place(name: str) -> str:
    return name.title() if name.isupper() and len(name) > 3 else name


def _shouted(name: str, votes: Counter) -> bool:
    """A name in capitals from a dateline or headline (GENEVA), not an acronym (NATO, UNHCR)."""
    letters = sum(c.isalpha() for c in name)
    if not name.isupper() or letters <= 3:
        return False
    return " " in name or not is_acronym(name) or votes["org"] < votes["place"] + votes["person"]


def _all_aliases(cluster: Cluster) -> dict[str, int]:
    """Every name of a cluster with its count, gazetteer aliases included (for saving)."""
    names = dict(cluster.aliases)
    for alias in cluster.gazetteer.names if cluster.gazetteer else []:
        names.setdefault(alias, 0)
    return names


def _root(cluster: Cluster) -> Cluster:
    while cluster.merged_into is not None:
        cluster = cluster.merged_into
    return cluster


def _with_full_names(mentions: list[Mention]) -> list[tuple[Mention, str]]:
    """Pair each mention with the name to resolve: a bare surname resolves to the full name
    used in the same clipping ("James Jeffrey … Jeffrey said")."""
    full_names = {}
    for mention in mentions:
        words = mention.surface.split()
        if mention.type == "person" and len(words) > 1:
            full_names.setdefault(name_key(words[-1]), mention.surface)
    paired = []
    for mention in mentions:
        single = mention.type == "person" and len(mention.surface.split()) == 1
        full = full_names.get(name_key(mention.surface)) if single and not mention.entity else None
        paired.append((mention, full or mention.surface))
    return paired


def _lonely_acronyms(clusters: list[Cluster]) -> list[Cluster]:
    """Entities known only by acronyms (every alias still in use is one), not the gazetteer's."""
    lonely = [c for c in clusters if all(is_acronym(n) for n in c.aliases if c.aliases[n])]
    return [c for c in lonely if c.aliases and not c.gazetteer]


def _by_initials(clusters: list[Cluster]) -> dict[str, list[Cluster]]:
    """The initials of every alias ("United States" -> "US") -> the entities with that alias."""
    by_initials: dict[str, list[Cluster]] = {}
    for cluster in clusters:
        for name in cluster.aliases:
            initials = _initials(name)
            if initials and cluster not in by_initials.get(initials, []):
                by_initials.setdefault(initials, []).append(cluster)
    return by_initials
