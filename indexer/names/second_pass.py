"""The second pass: the text is its own dictionary. Names already found are met again where a
capital proved nothing (a sentence start, a headline, a line in capitals); a surname alone
after the full name ("Hoshyar Zebari" ... "Zebari") is the person."""

from __future__ import annotations

import re

from indexer.names.page import Names, Page
from indexer.names.places import upper_place_lengths, upper_places
from indexer.names.words import STOP_WORDS

_DATE = re.compile(r"\d{4}(?:-\d\d-\d\d)?")


def second_pass(page: Page, names: Names, team_names: dict[str, str]) -> None:
    """Match the names found (and the teams) wherever the text repeats them, then let a single
    name typed only by its context yield to the type of the full name."""
    known, surnames = _known_names(page, names, team_names)
    _match_known(page, names, known)
    for first, (last, kind, strong) in list(names.found.items()):
        if (
            first == last
            and not strong
            and kind != "person"
            and page.tokens[first].text in surnames
        ):
            names.retype(first, "person")


def _known_names(
    page: Page, names: Names, team_names: dict[str, str]
) -> tuple[dict[str, str], set[str]]:
    """Every name found, as written -> its type (teams are organisations, surnames people),
    and the surnames (and first names) of the people found in full."""
    known: dict[str, str] = {}
    surnames: set[str] = set()
    for first, (last, kind, _strong) in names.found.items():
        words = page.words(first, last)
        known.setdefault(" ".join(words), kind)
        if kind == "person" and len(words) >= 2:
            surnames.add(words[-1])
            if page.tokens[first].kind == "word":
                surnames.add(words[0])
    for name in list(known):
        if name.upper() in team_names:
            known[name] = "org"
    for name in team_names.values():
        known.setdefault(name, "org")
    for name in surnames:
        if name.lower() not in STOP_WORDS and len(name) > 1:
            known[name] = "person"  # a surname alone is the person, even if a town has it
    return known, surnames


def _match_known(page: Page, names: Names, known: dict[str, str]) -> None:
    """Add the longest known name (or, in capitals, place name) starting at each capitalised
    word no name covers yet."""
    tokens = page.tokens
    covered = names.covered()
    upper = {name.upper(): kind for name, kind in known.items()}
    lengths: dict[str, int] = {}  # first word -> most words in a known name
    for name in known:
        words = name.split()
        lengths[words[0]] = max(lengths.get(words[0], 0), len(words))
        lengths[words[0].upper()] = max(lengths.get(words[0].upper(), 0), len(words))
    place_lengths = upper_place_lengths()
    i, n = 0, len(tokens)
    while i < n:
        token = tokens[i]
        longest = lengths.get(token.text, 0)
        if token.shout:
            longest = max(longest, place_lengths.get(token.text, 0))
        if not longest or i in covered or not token.cap or token.text.lower() in STOP_WORDS:
            i += 1
            continue
        best = _known_at(page, i, longest, upper if token.shout else known, covered)
        if best is None:
            i += 1
            continue
        j, kind = best
        if kind == "org" and token.shout and _dateline_after(page, j):
            kind = "place"  # "NEW YORK 1996-08-31": the dateline names the city
        names.add(i, j, kind, rule="second-pass", strong=False)
        covered.update(range(i, j + 1))
        i = j + 1


def _known_at(
    page: Page, i: int, longest: int, known: dict[str, str], covered: set[int]
) -> tuple[int, str] | None:
    """The longest known name starting at token `i` within one line: (last token, type)."""
    tokens = page.tokens
    shout = tokens[i].shout
    for j in range(min(len(tokens) - 1, i + longest - 1), i - 1, -1):
        if any(k in covered or tokens[k].newline_before for k in range(i + 1, j + 1)):
            continue
        words = " ".join(page.words(i, j))
        kind = known.get(words)
        if kind is None and shout and _shouted_place(page, words, i, j):
            kind = "place"
        if kind is not None:
            return j, kind
    return None


def _shouted_place(page: Page, words: str, i: int, j: int) -> bool:
    """A place name in capitals ("NEW YORK", "JAPAN") the text does not write in lower case."""
    return (
        words in upper_places()
        and words.lower() not in page.lower_seen
        and (j > i or len(words) >= 4)
    )


def _dateline_after(page: Page, index: int) -> bool:
    """The rest of the line is a dateline's: ", England 1996-08-31" or " 1996-08-31"."""
    for token in page.tokens[index + 1 :]:
        if token.newline_before:
            return False
        if token.kind == "num":
            return _DATE.fullmatch(token.text) is not None
        if token.kind == "punct" and token.text != ",":
            return False
    return False
