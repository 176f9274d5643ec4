"""Runs of name tokens: capitalised words side by side, joined across an abbreviation's full
stop ("Gen. Mohammed"), name particles ("Osama bin Laden") and, inside organisation names,
across "of", "for", "and", "&" ("U.N. High Commission for Refugees", "Government of Iraq")."""

from __future__ import annotations

from indexer.names.page import Page, caps, is_name_token
from indexer.names.words import (
    MONTHS_AND_DAYS,
    NAME_PARTICLES,
    NAME_POSSESSIVES,
    ORG_ABBREVIATIONS,
    ORG_CONNECTORS,
    ORG_WORDS,
    PLACE_HEADS,
    TITLE_ABBREVIATIONS,
    TITLES,
)


def name_runs(page: Page) -> list[tuple[int, int]]:
    """Maximal runs of name tokens as (first, last) token indices, in text order."""
    tokens, runs, i, n = page.tokens, [], 0, len(page.tokens)
    while i < n:
        if not is_name_token(tokens[i]):
            i += 1
            continue
        first = last = i
        while joined := _run_goes_on(page, first, last):
            last = joined
        runs.append((first, last))
        i = last + 1
    return runs


def _run_goes_on(page: Page, first: int, last: int) -> int:
    """The run's new last token when it goes on past `last`, else 0."""
    tokens, n = page.tokens, len(page.tokens)
    if tokens[last].possessive and tokens[last].text not in NAME_POSSESSIVES:
        return 0
    if tokens[last].cut:
        return 0
    j = last + 1
    if j >= n or tokens[j].newline_before:
        return 0
    if is_name_token(tokens[j]) and page.adjacent(last, j):
        return j
    if _abbreviation_joins(page, last, j) or _particle_joins(page, j):
        return j + 1
    if tokens[j].text in ORG_CONNECTORS:
        return org_join(page, first, last, j)
    return 0


def _abbreviation_joins(page: Page, last: int, j: int) -> bool:
    """ "Gen. Mohammed", "St. Louis": the full stop of an abbreviation inside a name."""
    tokens = page.tokens
    return (
        tokens[j].text == "."
        and tokens[last].text in TITLE_ABBREVIATIONS
        and tokens[j].start == tokens[last].stop
        and j + 1 < len(tokens)
        and is_name_token(tokens[j + 1])
        and page.adjacent(last, j + 1)
    )


def _particle_joins(page: Page, j: int) -> bool:
    """ "bin", "de", "van": a particle between two name tokens."""
    tokens = page.tokens
    return (
        tokens[j].text in NAME_PARTICLES
        and j + 1 < len(tokens)
        and is_name_token(tokens[j + 1])
        and not tokens[j + 1].newline_before
        and not caps(tokens[j + 1].text)
    )


def org_join(page: Page, first: int, last: int, j: int) -> int:
    """The last token of "of X"/"for X"/"& X" when it continues an organisation name, else 0.

    After an organisation word ("Ministry of Culture"), always; "and" only inside "X of Y"
    before another organisation word. "Republic of Ireland" joins a place; "the Government of
    Iraq" an unknown name after "the"; any connector inside a long form the page defines
    an acronym for.
    """
    tokens = page.tokens
    connector = tokens[j].text
    k = _after_connector(page, j)
    if not k:
        return 0
    if connector == "&" or _defines_acronym(page, first, k):
        return k
    nxt = tokens[k].text
    if nxt in TITLES or nxt in MONTHS_AND_DAYS:
        return 0
    left = page.words(first, last)
    org_at = max((i for i, w in enumerate(left) if w in ORG_WORDS), default=-1)
    title_at = max((i for i, w in enumerate(left) if w in TITLES), default=-1)
    if org_at >= 0 and title_at < org_at:
        return _org_name_goes_on(page, left, connector, k)
    if connector == "of" and left[-1] in PLACE_HEADS and k in page.place_spans:
        return page.place_spans[k]  # "Republic of Ireland", "Gulf of Aden"
    if connector != "of" or left[0] in TITLES or org_at >= 0 or title_at >= 0:
        return 0
    return k if page.after_the(first) and not page.common(tokens[first]) else 0


def _defines_acronym(page: Page, first: int, k: int) -> bool:
    """Whether the page defines an acronym for a long form from `first` through token `k`:
    "Liberation Tigers of Tamil Eelam (LTTE)" is one name wherever the page writes it."""
    through = page.tokens[k].end
    return any(
        len(long) >= through - token.start and page.text.startswith(long, token.start)
        for token in page.tokens[first:k]
        for long in page.defined.values()
    )


def _after_connector(page: Page, j: int) -> int:
    """The name token after the connector at `j` (skipping "the" but after "&"), else 0."""
    tokens = page.tokens
    k = j + 1
    if k < len(tokens) and tokens[k].text == "the" and tokens[j].text != "&":
        k += 1
    if k >= len(tokens) or not is_name_token(tokens[k]) or tokens[k].newline_before:
        return 0
    return k


def _org_name_goes_on(page: Page, left: list[str], connector: str, k: int) -> int:
    """After an organisation word: "Ministry of Culture and Tourism", but not "Johnson
    Controls Inc and Lear Corp" nor "Kia Motor Corp of South Korea"."""
    if left[-1].rstrip(".") in ORG_ABBREVIATIONS:
        return 0  # the company's name has ended
    if connector == "and":
        inside = "of" in left or "for" in left
        return k if inside and left[-1] not in ORG_WORDS and _org_ahead(page, k) else 0
    return k


def _org_ahead(page: Page, k: int) -> bool:
    """An organisation word among the next few name tokens."""
    for token in page.tokens[k : k + 4]:
        if not is_name_token(token):
            return False
        if token.text in ORG_WORDS:
            return True
    return False
