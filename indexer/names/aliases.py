"""What one clipping says about two names being one entity, each join with its rule.

A clipping is evidence when it defines an acronym ("Mojahedin-e Khalq Organization (MKO)",
"MKO (Mojahedin-e Khalq Organization)") or lists names as one: "the MKO/MEK/PMOI", "X, also
known as Y", "X, a.k.a. Y", "Y, formerly X", "known variously as the MEK, MKO or PMOI", "the
Islamic State, or ISIS,". A plain comma list ("Iran, Iraq and Syria") names several things and
is no evidence. The corpus-wide table (`table.py`) keeps a join only while a clipping that
states it is indexed, and `clippings entities --explain` shows the words as written.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from indexer.names.acronyms import acronym_definitions
from indexer.names.keys import is_acronym


class Join(NamedTuple):
    """Two names one clipping says are one entity, the rule that says so and its words."""

    a: str
    b: str
    rule: str  # acronym | listed
    shown: str  # the words as written: "Mojahedin-e Khalq Organization (MKO)", "MKO/MEK/PMOI"


class Named(NamedTuple):
    """A name found in the text, with its place and type."""

    start: int
    end: int
    surface: str
    type: str


def as_join(row) -> Join:
    """A join from its stored row; a pair is an acronym definition (older manifests)."""
    if len(row) == 2:
        return Join(row[0], row[1], "acronym", f"{row[0]} ({row[1]})")
    return Join(*row)


def joins_in(text: str, names: list[Named]) -> list[Join]:
    """Every join the text states: acronym definitions, then lists of names, in text order."""
    joins = [Join(a, b, "acronym", f"{a} ({b})") for a, b in acronym_definitions(text)]
    for group in _slash_lists(text, names) + _named_as(text, names):
        shown = " ".join(text[group[0].start : group[-1].end].split())[:120]
        first = group[0].surface
        others = [n.surface for n in group[1:] if n.surface != first]
        joins.extend(Join(first, other, "listed", shown) for other in others)
    return list(dict.fromkeys(joins))


# "X, also known as Y", "X (a.k.a. Y)", "X, formerly Y", "X, or ABC,": the words between.
# A verb alone ("called", "formerly") needs a comma or bracket before it: "the Defense
# Department called the agency" is a telephone call.
_AS = re.compile(
    r"\s*,?\s*\(?\s*(?:(?:also|variously|better|widely|commonly|previously|formerly)\s+)?"
    r"(?:known|referred\s+to)\s+(?:variously\s+|also\s+)?as\s+(?:the\s+)?"
    r"|\s*,?\s*\(?\s*(?:also\s+)(?:called|spelled|spelt|written)\s+(?:the\s+)?"
    r"|\s*[,(]\s*(?:called|spelled|spelt|written|formerly|previously)\s+(?:the\s+)?"
    r"|\s*,?\s*\(?\s*(?:a\.k\.a\.?|aka)\s+(?:the\s+)?",
    re.IGNORECASE,
)
_AS_TAIL = re.compile(f"(?:{_AS.pattern})$", re.IGNORECASE)
# The names a list after "known as" has so far: "the MEK, MKO or ".
_NAME = r"[A-Z][\w.’'-]*(?:\s+[A-Z][\w.’'-]*)*"
_SO_FAR = rf"(?:{_NAME}(?:\s*/\s*|\s*,\s*|\s+(?:or|and)\s+)(?:the\s+)?)*"
_AS_LIST_TAIL = re.compile(f"(?i:{_AS.pattern}){_SO_FAR}$")
_OR_TAIL = re.compile(r"\w,\s*or\s+(?:the\s+)?$")
_OR = re.compile(r"\s*,\s*or\s+(?:the\s+)?")
# Between the items of a list after "known as": "the MEK, MKO or PMOI", "MEK/MKO".
_NEXT = re.compile(r"\s*(?:/|,\s*(?:or\s+|and\s+)?|\s(?:or|and)\s+)(?:the\s+)?")
_SLASH = re.compile(r"\s?/\s?")
_POSSESSIVE = re.compile(r"^[’']s?\b")
_GLUED = re.compile(r"[A-Z][\w’'-]*\s+(?:of|for|&)\s+$")
_DETERMINER = re.compile(r"\b(?:the|a|an|this|that|its|their|his|her)\s+$", re.IGNORECASE)


def named_as(before: str, after: str) -> bool:
    """Whether a word stands where a list of names is expected: after "known as" and the names
    listed so far ("known as the MEK, MKO or "), or in ", or ABC," after a name."""
    return bool(_AS_LIST_TAIL.search(before[-100:])) or (
        bool(_OR_TAIL.search(before[-10:])) and after[:1] in (",", ")", ";")
    )


def _slash_lists(text: str, names: list[Named]) -> list[list[Named]]:
    """Three or more organisations written with slashes after a determiner, as one noun
    phrase ("the MKO/MEK/PMOI"). Two names with a slash are as often a pair ("the NATO/EU
    mission"), and a credit line ("AFP/Reuters/AP") has no determiner."""
    lists = []
    for run in _runs(text, names, _SLASH):
        before = text[max(0, run[0].start - 20) : run[0].start]
        if len(run) >= 3 and _DETERMINER.search(before) and all(n.type == "org" for n in run):
            lists.append(run)
    return lists


def _named_as(text: str, names: list[Named]) -> list[list[Named]]:
    """Names after "known as" (a.k.a., formerly), with the name right before the words if
    there is one ("X, also known as Y"; "the group, known as the MEK, MKO or PMOI"); a name
    and ", or ABC," ("the Islamic State, or ISIS, said")."""
    lists = []
    for i, name in enumerate(names):
        before = text[names[i - 1].end if i else 0 : name.start]
        if _AS_TAIL.search(before[-80:]):
            whole = i and _AS.fullmatch(before) and _whole(text, names[i - 1])
            lead = names[i - 1 : i] if whole else []
            group = [*lead, *_list_from(text, names, i)]
        elif i and _OR.fullmatch(before) and is_acronym(name.surface) and _ends_aside(text, name):
            group = [names[i - 1], name]
        else:
            continue
        if len(group) > 1 and _one_kind(group) and not any(_possessive(text, n) for n in group):
            lists.append(group)
    return lists


def _whole(text: str, name: Named) -> bool:
    """Whether a name is all of the capitalised words there: not the end of a longer name the
    rules did not find whole ("Tamil Eelam" in "Liberation Tigers of Tamil Eelam")."""
    return not _GLUED.search(text[max(0, name.start - 40) : name.start])


def _possessive(text: str, name: Named) -> bool:
    """Whether the name is followed by 's ("known as the MEK's leader")."""
    return bool(_POSSESSIVE.match(text[name.end : name.end + 3]))


def _list_from(text: str, names: list[Named], first: int) -> list[Named]:
    """The names from `first` on that a list joins ("the MEK, MKO or PMOI")."""
    group = [names[first]]
    for name in names[first + 1 :]:
        if not _NEXT.fullmatch(text[group[-1].end : name.start]):
            break
        group.append(name)
    return group


def _runs(text: str, names: list[Named], between: re.Pattern) -> list[list[Named]]:
    """Names next to each other with only `between` between them, in runs of two or more."""
    runs: list[list[Named]] = []
    for name in names:
        if runs and between.fullmatch(text[runs[-1][-1].end : name.start]):
            runs[-1].append(name)
        else:
            runs.append([name])
    return [run for run in runs if len(run) > 1]


def _ends_aside(text: str, name: Named) -> bool:
    """Whether a name closes an aside: "the Islamic State, or ISIS, said"."""
    return text[name.end : name.end + 1] in (",", ")", ";", "")


def _one_kind(group: list[Named]) -> bool:
    """Names of one entity are all places or none is ("Myanmar, formerly Burma"); an acronym's
    type is a guess and does not count ("the Islamic State, or ISIS")."""
    places = [n.type == "place" for n in group if not is_acronym(n.surface)]
    return all(places) or not any(places)
