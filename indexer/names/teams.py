"""Teams: in a text that reports games, a city or an unknown name that beats, loses to or
scores against another is a team, an organisation ("Surrey beat Kent", "Chicago 5 Houston 3").
Countries stay places (a national side is the country)."""

from __future__ import annotations

import re
from collections import Counter

from indexer.names.page import Names, Page
from indexer.names.places import is_demonym, upper_countries
from indexer.names.words import (
    COMPETE_AFTER,
    COMPETE_BEFORE,
    COMPETE_PAIRS,
    MONTHS_AND_DAYS,
    TITLES,
)

_SCORE = re.compile(r"\d{1,3}(?:-\d{1,3})?")
_RESULT = re.compile(r"\d{1,3}-\d{1,3}")


def find_teams(page: Page, names: Names) -> dict[str, str]:
    """Type the teams of a games report as organisations, wherever the text names them.

    Only in a text that reports games: lines with two "Name score" pairs, scores such as
    "2-1", or several names followed by a score. Returns the team names, in capitals -> as
    first written (empty for any other text).
    """
    team_names: dict[str, str] = {}  # in capitals -> as first written
    lines = _result_lines(page)
    if lines is None:
        return team_names
    scored, rows = lines
    tokens = page.tokens
    countries = upper_countries()
    for first, last in _team_candidates(page, names, scored, rows):
        name = " ".join(page.words(first, last))
        if name.upper() in countries or not _competing(page, first, last, scored, rows):
            continue
        team_names.setdefault(name.upper(), name)
        if first not in names.found:
            names.add(first, last, "org", rule="team", strong=True)
    for first, (last, kind, _strong) in list(names.found.items()):
        name = " ".join(page.words(first, last)).upper()
        if first and tokens[first - 1].text in ("In", "in") and not tokens[first].shout:
            continue  # "In Philadelphia, ...": where the game was played
        if kind == "place" and name in team_names:
            names.add(first, last, "org", rule="team-place", strong=True)
    return team_names


def _result_lines(page: Page) -> tuple[set[int], set[int]] | None:
    """The lines with results and the table rows, or None when the text reports no games."""
    scored, rows, pairs = _score_lines(page)
    scores = sum(1 for t in page.tokens if t.kind == "num" and _RESULT.fullmatch(t.text))
    if not scored and scores < 2 and len(rows) < 4:
        if pairs < 3:
            return None
        rows = set()  # a few figures, not a table of results
    return scored, rows


def _team_candidates(
    page: Page, names: Names, scored: set[int], rows: set[int]
) -> list[tuple[int, int]]:
    """Places found so far, then runs of capitalised words no rule typed: in a result line any
    such run, elsewhere only where a capital proves something."""
    candidates = [
        (first, last) for first, (last, kind, _) in names.found.items() if kind == "place"
    ]
    covered = names.covered()
    tokens = page.tokens
    i, n = 0, len(tokens)
    while i < n:
        token = tokens[i]
        if i in covered or token.kind != "word" or not token.cap:
            i += 1
            continue
        last = i
        while last + 1 < n and tokens[last + 1].cap and tokens[last + 1].kind == "word":
            if last + 1 in covered or tokens[last + 1].newline_before:
                break
            last += 1
        in_result = token.line in scored or token.line in rows
        if (in_result or not (token.initial or token.shout or token.headline)) and _may_be_team(
            page, i, last
        ):
            candidates.append((i, last))
        i = last + 1
    return candidates


def _may_be_team(page: Page, first: int, last: int) -> bool:
    """No common word or demonym in it, and not a month, weekday or title first."""
    tokens = page.tokens
    return (
        not any(page.common(t) or is_demonym(t.text) for t in tokens[first : last + 1])
        and tokens[first].text not in MONTHS_AND_DAYS
        and tokens[first].text not in TITLES
    )


def _score_lines(page: Page) -> tuple[set[int], set[int], int]:
    """Lines with two or more "Name score" pairs ("Chicago 5 Houston 3"), table rows, and the
    number of "Name score" pairs."""
    tokens = page.tokens
    numbers = [i for i, t in enumerate(tokens) if t.kind == "num"]
    pairs = Counter(
        tokens[i].line
        for i in numbers
        if i and tokens[i - 1].cap and _SCORE.fullmatch(tokens[i].text)
    )
    scored = {line for line, count in pairs.items() if count >= 2}
    return scored, _table_rows(page, numbers), sum(pairs.values())


def _table_rows(page: Page, numbers: list[int]) -> set[int]:
    """Lines that are a name then three or more numbers: "SEATTLE 70 63 .526 5"."""
    tokens = page.tokens
    rows = set()
    for line, count in Counter(tokens[i].line for i in numbers).items():
        if count < 3:
            continue
        start = page.line_starts[line]
        end = page.line_starts[line + 1] if line + 1 < len(page.line_starts) else len(tokens)
        kinds = [t.kind for t in tokens[start:end] if t.kind != "punct"]
        if (
            kinds[0] == "word"
            and tokens[start].cap
            and "word" not in kinds[kinds.index("num") :]
            and all(t.cap for t in tokens[start:end] if t.kind == "word")
        ):
            rows.add(line)
    return rows


def _competing(page: Page, first: int, last: int, scored: set[int], rows: set[int]) -> bool:
    """The words around the name show it playing: "beat Kent", "Chicago 5", "lost to Chicago",
    "BALTIMORE AT NEW YORK"."""
    tokens = page.tokens
    after = tokens[last + 1] if last + 1 < len(tokens) else None
    line = tokens[first].line
    if after is not None:
        if after.text in COMPETE_AFTER:
            return True
        if after.kind == "num" and (line in scored or line in rows):
            return _SCORE.fullmatch(after.text) is not None or line in rows
        if tokens[first].shout and after.text in ("AT", "VS", "V"):
            return True  # "BALTIMORE AT NEW YORK"
    before = [t.text for t in tokens[max(0, first - 3) : first]]
    if before and before[-1] == "the":
        before.pop()  # "beat the Angels"
    if before and before[-1] in COMPETE_BEFORE:
        return True
    if before and tokens[first].shout and before[-1] == "AT":
        return True
    return len(before) >= 2 and (before[-2], before[-1]) in COMPETE_PAIRS
