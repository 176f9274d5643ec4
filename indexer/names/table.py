"""Entities across the corpus: which names are one entity, what it is called, of what type.

Names join one entity only on evidence, each kind a rule with a name that `explain` reports:
the gazetteer lists them together; their `variant_key`s agree ("same name key":
transliterations, hyphens, apostrophes, ezafe, Arabic articles, accents); a clipping defines an
acronym or lists the names as one (`aliases.py`); an acronym is the initials of one entity's
name and of no other's ("same initials", function words, possessives and the ezafe optional);
two organisation names differ only by a generic word ("generic word": People's Mujahedeen
Organization of Iran, People's Mujahedeen of Iran). Inside one clipping a bare surname is the
person named in full and a shortened organisation name ("the National Council") the full one
named before it. The gazetteer wins: its entities never merge with each other, and an entry's
`distinct` names never join it. The table is rebuilt from the stored evidence after every run,
so a join whose only clipping is gone is undone.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field, replace
from functools import lru_cache

from indexer.clipping import EntityMention, Mention
from indexer.names import ENTITY_TYPES
from indexer.names.aliases import as_join
from indexer.names.gazetteer import Entity, Gazetteer
from indexer.names.keys import COMPANY_SUFFIXES, is_acronym, name_key, variant_key
from indexer.names.places import place_names
from indexer.names.words import HYPHEN_PARTICLES, ORG_CONNECTORS, ORG_WORDS

# Words an organisation's name may carry or drop and stay the same organisation.
GENERIC_WORDS = frozenset("organization organisation group movement party".split())
# What each rule of a join says, for `explain`.
RULES = {
    "acronym": "acronym defined",
    "listed": "listed together",
    "initials": "same initials",
    "generic word": "same name but for a generic word",
    "short form": "shortened after the full name",
    "same name key": "same name key",
    "gazetteer": "listed together in the gazetteer",
}


@dataclass(frozen=True)
class Reason:
    """Why two names are one entity: a rule, the words as written, and where it was seen
    (clipping ids; none for a rule over the whole corpus)."""

    a: str
    b: str
    rule: str
    shown: str = ""
    where: tuple[str, ...] = ()
    seen: int = 0  # clippings that state it (`where` keeps the first few)

    def sentence(self) -> str:
        """One line for a person: "MKO = PMOI: listed together as MKO/MEK/PMOI in x.txt#3"."""
        said = RULES.get(self.rule, self.rule)
        if self.shown:
            said += f" as {self.shown}"
        if self.where:
            more = self.seen - 1
            said += f" in {self.where[0]}" + (f" and {more} more" if more > 0 else "")
        return f"{self.a} = {self.b}: {said}"


@dataclass(eq=False, slots=True)
class Cluster:
    """One entity: its names with how many clippings use each, and its type votes.

    A run holds one per entity of the archive (tens of thousands), hence slots and no set
    of its own for `blocked` unless the gazetteer gives one."""

    aliases: Counter = field(default_factory=Counter)
    votes: Counter = field(default_factory=Counter)
    gazetteer: Entity | None = None
    long_form: str | None = None  # from an acronym definition
    blocked: frozenset[str] | set[str] = frozenset()  # variant keys the gazetteer keeps apart
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

    Every run that changes the index builds it anew from the mentions and joins stored for
    every clipping (`finish` adds the joins over the corpus) and re-tags the clippings whose
    entities differ; it is saved beside the index, with each join's evidence, for searching.
    """

    def __init__(self, gazetteer: Gazetteer):
        self._exact: dict[str, Cluster] = {}
        self._variant: dict[str, Cluster] = {}
        self._clusters: list[Cluster] = []
        self._by_gazetteer: dict[str, Cluster] = {}
        self._reasons: dict[tuple[str, str, str], Reason] = {}  # the joins made, with evidence
        # an acronym's letters -> names of those initials -> the first clipping naming both
        self._initials_seen: dict[str, dict[str, str | None]] = {}
        for entity in gazetteer.entities:
            cluster = self._new(Cluster(gazetteer=entity))
            cluster.blocked = {variant_key(n) for n in entity.distinct}
            self._by_gazetteer[entity.name] = cluster
            for name in entity.names:
                self._register(cluster, name)

    def add(self, mentions: list[Mention], joins: list, where: str | None = None) -> None:
        """Count one clipping's mentions and make the joins its text states (`aliases.Join`s,
        or (long form, acronym) pairs); `where` (its id) is kept as their evidence."""
        for mention, surface in _with_full_names(mentions, joins):
            cluster = self._touch(self._cluster_for(mention, surface))
            cluster.aliases[mention.surface] += 1
            cluster.votes[mention.type] += 1
            self._register(cluster, mention.surface)
            self._register(cluster, surface)  # the full name may come later ("Nasrallah: …")
            if surface != mention.surface and is_acronym(mention.surface):
                shown = f"{surface} ({mention.surface})"
                self._note(Reason(surface, mention.surface, "acronym", shown), where)
            elif surface != mention.surface and mention.type == "org":
                self._note(Reason(mention.surface, surface, "short form"), where)
        for letters, name in _initials_together(mentions):
            self._initials_seen.setdefault(letters, {}).setdefault(name, where)
        for join in map(as_join, joins):
            self._join_names(join.a, join.b, join.rule == "acronym")
            if self.lookup(join.a) is self.lookup(join.b) is not None:
                self._note(Reason(join.a, join.b, join.rule, join.shown), where)

    def finish(self) -> None:
        """The joins over the whole corpus, once every clipping is added: names that differ
        by a generic word, then acronyms that are the initials of one entity's name."""
        self.join_generic()
        self.join_initials()

    def join_generic(self) -> None:
        """Join an organisation name to the same name without its generic words
        ("Mojahedin-e Khalq Organization" and "Mojahedin Khalq"), when that name is used."""
        for cluster in self.clusters():
            for alias in list(cluster.aliases):
                shorter = _without_generic(alias)
                other = self._variant.get(variant_key(shorter)) if shorter else None
                if other is None or _root(other) is _root(cluster):
                    continue
                if _root(other).type == "person" and _root(cluster).type == "person":
                    continue
                target = _alias_with_key(_root(other), variant_key(shorter))
                if self._merge(_root(cluster), _root(other), None):
                    self._note(Reason(alias, target, "generic word"), None)

    def join_initials(self) -> None:
        """Join an acronym to the one entity whose name it abbreviates (US and United States,
        PMOI and People's Mujahedeen Organization of Iran, MEK and Mojahedin-e Khalq).

        A name of those initials in the same clipping is evidence enough; otherwise the name
        must look like an organisation's or a place's (an organisation word, the place list;
        not a headline's "Canada Nips Finland"), the acronym have three letters or stand for a
        place, and no other entity of the corpus (or of its type) fit."""
        clusters = self.clusters()
        by_initials = _by_initials(clusters)
        for cluster in clusters:
            for acronym in [a for a in cluster.aliases if is_acronym(a) and cluster.aliases[a]]:
                fits = self._fits(acronym, by_initials)
                if not fits:
                    continue
                target, long_form, where = fits
                if target.type != "person" and self._merge(target, _root(cluster), None):
                    self._note(Reason(acronym, long_form, "initials"), where)

    def _fits(self, acronym: str, by_initials: dict) -> tuple[Cluster, str, str | None] | None:
        """The one entity an acronym abbreviates, the name it abbreviates and the clipping
        naming both (None when found over the corpus), or None."""
        found = self.lookup(acronym)
        if found is None:
            return None
        own = _root(found)
        letters = re.sub(r"[^A-Z]", "", acronym)
        together = {
            id(_root(c)): (_root(c), long, where)
            for long, where in self._initials_seen.get(letters, {}).items()
            if (c := self.lookup(long)) is not None
        }
        if together:
            return next(iter(together.values())) if len(together) == 1 else None
        fits = {
            id(_root(c)): (_root(c), long, None)
            for c, long in by_initials.get(letters, [])
            if _name_like(long) and (len(letters) >= 3 or long in place_names())
        }
        if id(own) in fits:
            return None
        if len(fits) > 1:  # US: the place United States, not a union of that name
            fits = {k: fit for k, fit in fits.items() if fit[0].type == own.type}
        return next(iter(fits.values())) if len(fits) == 1 else None

    def explain(self, name: str) -> tuple[Cluster, list[Reason]] | None:
        """The entity a name stands for and why each of its names belongs to it: the joins
        made with their evidence, then names that share a name key."""
        cluster = self.lookup(name)
        if cluster is None:
            return None
        reasons = [r for r in self._reasons.values() if self.lookup(r.a) is cluster]
        by_key: dict[str, list[str]] = {}
        for alias in cluster.names:
            by_key.setdefault(variant_key(alias), []).append(alias)
        for same in by_key.values():
            reasons.extend(Reason(same[0], other, "same name key") for other in same[1:])
        if cluster.gazetteer:
            gazetteer = [n for n in cluster.gazetteer.names if n != cluster.name]
            reasons.extend(Reason(cluster.name, n, "gazetteer") for n in gazetteer)
        return cluster, reasons

    def lookup(self, name: str) -> Cluster | None:
        """The entity a name stands for: exact spelling first, then transliteration variants."""
        cluster = self._exact.get(name_key(name))
        if cluster is None:
            key = variant_key(name)
            cluster = self._variant.get(key)
            if cluster is not None and key in _root(cluster).blocked:
                return None
        return _root(cluster) if cluster else None

    def entities_for(self, mentions: list[Mention], joins: list = ()) -> list[EntityMention]:
        """A clipping's entities under their canonical names, in order of first mention (an
        acronym the clipping defines is the entity it defines it as)."""
        found: dict[str, EntityMention] = {}
        for mention, surface in _with_full_names(mentions, joins):
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
            "reasons": [
                [r.a, r.b, r.rule, r.shown, list(r.where), r.seen] for r in self._reasons.values()
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
        for a, b, rule, shown, where, seen in data.get("reasons", []):
            table._reasons[(*sorted((a, b)), rule)] = Reason(a, b, rule, shown, tuple(where), seen)
        if "exact" not in data:  # an older file: register every name
            for cluster, item in zip(loaded, data.get("entities", []), strict=True):
                for alias in [item["name"], *item["aliases"]]:
                    table._register(cluster, alias)
        return table

    def _new(self, cluster: Cluster) -> Cluster:
        self._clusters.append(cluster)
        return cluster

    def _touch(self, cluster: Cluster) -> Cluster:
        """Clear a cluster's cached name: its names or votes are about to change."""
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
        new_name = cluster and name_key(surface) not in self._exact and not is_acronym(surface)
        if new_name and _other_place(surface, cluster):
            cluster = None  # China and Chennai look alike but are two places of the list
        return cluster or self._new(Cluster())

    def _join_names(self, first: str, second: str, acronym: bool) -> None:
        """Join two names a clipping says are one; the first is an acronym's long form. An
        acronym already defined as another entity keeps it: "ISI" defined as the Islamic State
        of Iraq in one clipping and Inter-Services Intelligence in another joins neither to the
        other (each clipping still names its own, see `_with_full_names`)."""
        first_cluster = self.lookup(first) or self._new(Cluster(aliases=Counter({first: 0})))
        second_cluster = self.lookup(second) or self._new(Cluster(aliases=Counter({second: 0})))
        self._register(first_cluster, first)
        self._register(second_cluster, second)
        if acronym and _stands_for_another(_root(second_cluster), _root(first_cluster), second):
            return
        self._merge(first_cluster, second_cluster, first if acronym else None)

    def _note(self, reason: Reason, where: str | None) -> None:
        """Keep a join's evidence: the first few clippings that state it and how many do."""
        key = (*sorted((reason.a, reason.b)), reason.rule)
        known = self._reasons.get(key, reason)
        if where is None:
            self._reasons[key] = known
            return
        full = len(known.where) >= 3 or where in known.where
        kept = known.where if full else (*known.where, where)
        self._reasons[key] = replace(known, where=kept, seen=known.seen + 1)

    def _merge(self, long_cluster: Cluster, short_cluster: Cluster, long_form: str | None) -> bool:
        """One entity from two, unless the gazetteer keeps them apart; whether they are one."""
        if long_cluster is short_cluster:
            return True
        if long_cluster.gazetteer and short_cluster.gazetteer:
            return False  # the gazetteer says they are different
        if any(variant_key(n) in long_cluster.blocked for n in short_cluster.aliases) or any(
            variant_key(n) in short_cluster.blocked for n in long_cluster.aliases
        ):
            return False
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
        return True


_OPTIONAL_WORDS = frozenset("of the for and & de du des la le".split()) | HYPHEN_PARTICLES
_MINOR_OR_SUFFIX = _OPTIONAL_WORDS | COMPANY_SUFFIXES


def _initials(name: str) -> set[str]:
    """The capitals an acronym of this name may have: "United States" -> US, "Mojahedin-e
    Khalq" -> MK or MEK (function words, particles and the ezafe may give a letter or not),
    "People's Mujahedeen Organization of Iran" -> PMOI or PMOOI."""
    words = [w for w in re.split(r"[\s\-‐/]+", name) if w]
    optional = [w.lower() in _OPTIONAL_WORDS for w in words]
    if sum(not o for o in optional) < 2 or is_acronym(name) or optional[0] or len(words) > 10:
        return set()
    if not all(w[:1].isupper() for w, o in zip(words, optional, strict=True) if not o):
        return set()
    found = {""}
    for word, maybe in zip(words, optional, strict=True):
        letter = word[0].upper()
        found = {f + letter for f in found} | (found if maybe else set())
    return found


@lru_cache(maxsize=50_000)
def _all_initials(name: str) -> frozenset[str]:
    """The initials of a name and of its form without generic words."""
    shorter = _without_generic(name)
    return frozenset(_initials(name) | (_initials(shorter) if shorter else set()))


@lru_cache(maxsize=50_000)
def _without_generic(name: str) -> str | None:
    """The name without its generic words ("Mojahedin-e Khalq Organization" -> "Mojahedin-e
    Khalq"), when it had some and keeps two words that are neither function words nor
    company suffixes."""
    words = name.split()
    lowered = [w.lower().rstrip(".") for w in words]
    if GENERIC_WORDS.isdisjoint(lowered) or is_acronym(name):
        return None
    kept = [w for w, low in zip(words, lowered, strict=True) if low not in GENERIC_WORDS]
    if sum(w.lower().rstrip(".") not in _MINOR_OR_SUFFIX for w in kept) < 2:
        return None
    while kept and kept[-1].lower() in _OPTIONAL_WORDS:
        kept.pop()  # "Party of" left by "Party of God" is no name
    return " ".join(kept)


def _alias_with_key(cluster: Cluster, key: str) -> str:
    """The cluster's most used name with this variant key (for explaining a join)."""
    return next((a for a in cluster.names if variant_key(a) == key), cluster.name)


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


def _with_full_names(mentions: list[Mention], joins: list = ()) -> list[tuple[Mention, str]]:
    """Pair each mention with the name to resolve: a bare surname resolves to the full name
    used in the same clipping ("James Jeffrey … Jeffrey said") when no other person of the
    clipping has that surname, and an organisation's name cut
    before "of" or "for" to the full name written before it ("the National Council of
    Resistance of Iran … the National Council"), unless the clipping uses the short name's
    own acronym: then it is another organisation ("the Kurdistan Democratic Party of Iran
    (KDPI) … the Kurdistan Democratic Party (KDP)"); an acronym the clipping defines (one of
    its `joins`) to its long form."""
    people: dict[str, set[str]] = {}
    for mention in mentions:
        words = mention.surface.split()
        if mention.type == "person" and len(words) > 1:
            people.setdefault(name_key(words[-1]), set()).add(mention.surface)
    # a surname two people of the clipping share is neither ("Muammar and Saif al-Islam Gaddafi")
    surnames = {key: full.pop() for key, full in people.items() if len(full) == 1}
    shortened = {name_key(j.b): j.a for j in map(as_join, joins) if j.rule == "acronym"}
    acronyms = {re.sub(r"[^A-Z]", "", m.surface) for m in mentions if is_acronym(m.surface)}
    paired = []
    for mention in mentions:
        single = mention.type == "person" and len(mention.surface.split()) == 1
        full = surnames.get(name_key(mention.surface)) if single and not mention.entity else None
        if mention.type == "org" and not mention.entity:
            full = full or shortened.get(name_key(mention.surface))
            for short in _shortened(mention.surface):
                if not _all_initials(short) & acronyms:  # "Kurdistan Democratic Party (KDP)"
                    shortened.setdefault(name_key(short), mention.surface)
        paired.append((mention, full or mention.surface))
    return paired


def _shortened(name: str) -> list[str]:
    """The short forms of an organisation's name: cut before "of" or "for", ending on an
    organisation word ("National Council" of "National Council of Resistance of Iran")."""
    words = name.split()
    return [
        " ".join(words[:i])
        for i in range(2, len(words))
        if words[i] in ORG_CONNECTORS and words[i - 1] in ORG_WORDS
    ]


def _stands_for_another(cluster: Cluster, other: Cluster, acronym: str) -> bool:
    """Whether an acronym's entity has a name of its initials and is not `other`."""
    letters = re.sub(r"[^A-Z]", "", acronym)
    return cluster is not other and any(letters in _all_initials(a) for a in cluster.aliases)


def _initials_together(mentions: list[Mention]) -> list[tuple[str, str]]:
    """(letters, name) pairs of one clipping where an acronym of those letters is the name's
    initials."""
    letters = {re.sub(r"[^A-Z]", "", m.surface) for m in mentions if is_acronym(m.surface)}
    if not letters:
        return []
    names = {m.surface for m in mentions if not is_acronym(m.surface)}
    return [(initials, name) for name in names for initials in _all_initials(name) & letters]


def _name_like(name: str) -> bool:
    """Whether a name is built as an organisation's is, its organisation word last or before
    "of" ("Associated Press", "People's Mujahedeen Organization of Iran"; not a headline's
    "Forces Bomb Iraq"), or is on the place list."""
    words = re.split(r"[\s\-‐]+", name)
    heads = [
        w for w, after in zip(words, [*words[1:], "of"], strict=True) if after in ORG_CONNECTORS
    ]
    return any(w in ORG_WORDS for w in heads) or name in place_names()


def _by_initials(clusters: list[Cluster]) -> dict[str, list[tuple[Cluster, str]]]:
    """The initials of every name and of its form without generic words -> the entities with
    such a name, and the name."""
    by_initials: dict[str, list[tuple[Cluster, str]]] = {}
    for cluster in clusters:
        for name in cluster.aliases:
            for initials in _all_initials(name):
                fits = by_initials.setdefault(initials, [])
                if all(c is not cluster for c, _ in fits):
                    fits.append((cluster, name))
    return by_initials
