"""Typing a run of name tokens: person, organisation, place, or not a name.

Each rule is a small function named for what it decides. `type_run` trims a run and finds
titles inside it; `type_core` tries the rules on the words themselves (an event, a place head,
an organisation word, a direction), then the evidence around them (a person's context, "the",
an acronym that spells them, a place inside); `type_single` types a single word, which needs
evidence of its own; `type_acronym` an acronym in capitals.
"""

from __future__ import annotations

from indexer.names.acronyms import acronym_letters
from indexer.names.aliases import named_as
from indexer.names.context import acronym_link, context_type, person_evidence
from indexer.names.page import Names, Page, caps, is_acronym, is_title
from indexer.names.places import is_demonym, place_names, upper_places
from indexer.names.words import (
    COMMON_ABBREVIATIONS,
    DIRECTIONS,
    EVENT_WORDS,
    FEATURES,
    MEMBER_NOUNS,
    ORG_CONNECTORS,
    ORG_WORDS,
    PLACE_HEADS,
    PLACE_PREFIXES,
    PLACE_SUFFIXES,
    PORTFOLIO_TAILS,
    STOP_WORDS,
    TITLES,
)

# --- a run: trimming, titles, acronyms inside ------------------------------------------------


def type_run(page: Page, names: Names, first: int, last: int, *, person: bool = True) -> None:
    """Type one run; `person=False` for the words before a title ("Iraqi Foreign")."""
    tokens = page.tokens
    first = _skip_common_start(page, first, last)
    if first > last:
        return
    if tokens[first].headline:
        type_headline_run(page, names, first, last)
        return
    if first >= 2 and tokens[first - 1].text == "of" and is_title(tokens[first - 2].text):
        _type_after_portfolio(page, names, first, last)
        return
    if _split_at_acronym(page, names, first, last):
        return
    title = None
    for i in range(first, last):
        if is_title(tokens[i].text) and tokens[i + 1].text not in ORG_CONNECTORS:
            title = i
    if title is not None and not any(w in ORG_WORDS for w in page.words(title + 1, last)):
        _type_after_title(page, names, first, title, last)
        return
    type_core(page, names, first, last, person=person)


def _skip_common_start(page: Page, first: int, last: int) -> int:
    """The run's first token after leading function words ("The", "But") and, at a sentence
    start or in a headline, words the text writes in lower case ("Every", "Families")."""
    tokens = page.tokens
    while first <= last:
        token = tokens[first]
        lowered = token.text.lower()
        seen = (token.initial or token.headline) and lowered in page.lower_seen
        if first in page.place_spans and not seen:
            break  # "The Hague" mid-sentence
        if seen or lowered in STOP_WORDS or token.text in COMMON_ABBREVIATIONS:
            first += 1
        else:
            break
    return first


def _type_after_portfolio(page: Page, names: Names, first: int, last: int) -> None:
    """ "Secretary of State John Kornblum": the portfolio, then the person."""
    name_first = first + 1
    if name_first <= last and page.tokens[name_first].text in PORTFOLIO_TAILS:
        name_first += 1  # "Minister of Foreign Affairs Ali Velayati"
    if last > name_first and looks_like_name(page, name_first, last):
        names.add(name_first, last, "person", rule="title", strong=True)


def _split_at_acronym(page: Page, names: Names, first: int, last: int) -> bool:
    """Split a run at an acronym that is not part of an organisation name ("MKO Violence");
    True when it did."""
    tokens = page.tokens
    if last == first or any(w in ORG_WORDS for w in page.words(first + 1, last)):
        return False
    for i in range(first, last + 1):
        if tokens[i].kind == "word" and is_acronym(tokens[i]):
            if i > first:
                type_run(page, names, first, i - 1)
            type_single(page, names, i)
            if i < last:
                type_run(page, names, i + 1, last)
            return True
    return False


def _type_after_title(page: Page, names: Names, first: int, title: int, last: int) -> None:
    """A title inside the run: the name after it is a person's ("Gen. Mohammed al-Askari");
    "President Tono Eitel of Germany" ends the person at "of"."""
    tokens = page.tokens
    name_first, name_last = title + 1, last
    if tokens[name_first].kind == "punct":  # the full stop of "Gen."
        name_first += 1
    for i in range(name_first, last + 1):
        if tokens[i].text in ORG_CONNECTORS:
            name_last = i - 1
            if i + 1 <= last:
                type_run(page, names, i + 1, last)
            break
    if title > first:
        type_run(page, names, first, title - 1, person=False)
    if name_first <= name_last and looks_like_name(page, name_first, name_last):
        names.add(name_first, name_last, "person", rule="title", strong=True)


def looks_like_name(page: Page, first: int, last: int) -> bool:
    """Up to four words, no organisation word, not only demonyms, directions and titles."""
    words = page.words(first, last)
    if len(words) > 4 or any(w in ORG_WORDS for w in words):
        return False
    return not all(is_demonym(w) or w in DIRECTIONS or w in TITLES for w in words)


# --- a headline-case title -------------------------------------------------------------------


def type_headline_run(page: Page, names: Names, first: int, last: int) -> None:
    """Runs in a headline-case title count only with evidence of their own."""
    for a, b in _headline_pieces(page, first, last):
        if _headline_evidence(page, a, b):
            type_core(page, names, a, b)


def _headline_pieces(page: Page, first: int, last: int) -> list[tuple[int, int]]:
    """The run cut at words the text writes in lower case, connectors trimmed at both ends."""
    tokens = page.tokens
    pieces, start = [], first
    for i in range(first, last + 1):
        if page.common(tokens[i]) and tokens[i].text not in ORG_CONNECTORS:
            if start < i:
                pieces.append((start, i - 1))
            start = i + 1
    if start <= last:
        pieces.append((start, last))
    trimmed = []
    for a, b in pieces:
        while a <= b and tokens[a].text in ORG_CONNECTORS:
            a += 1
        while b >= a and tokens[b].text in ORG_CONNECTORS:
            b -= 1
        if a <= b:
            trimmed.append((a, b))
    return trimmed


def _headline_evidence(page: Page, a: int, b: int) -> bool:
    """A place name, an organisation word or title, a place prefix, "the", an acronym that
    spells the words, or an acronym alone."""
    words = page.words(a, b)
    return (
        a in page.place_spans
        or any(w in ORG_WORDS or w in TITLES for w in words)
        or words[0] in PLACE_PREFIXES
        or page.after_the(a)
        or acronym_link(page, a, b)
        or (a == b and is_acronym(page.tokens[a]))
    )


# --- the words of a run ----------------------------------------------------------------------


def type_core(page: Page, names: Names, first: int, last: int, *, person: bool = True) -> None:
    """Type a trimmed run with no title in it: by its own words first, then by evidence."""
    tokens = page.tokens
    if page.place_spans.get(first) == last:
        names.add(first, last, "place", rule="place-exact", strong=True)
        return
    if first == last:
        if person or is_acronym(tokens[first]) or first in page.place_spans:
            type_single(page, names, first)
        return
    if _typed_by_head(page, names, first, last):
        return
    if tokens[first].kind == "initial" and _typed_after_initials(page, names, first, last):
        return
    # leading demonyms and directions describe the name: "Australian Tom Moody",
    # "Northern Iraq"
    while (
        first < last
        and first not in page.place_spans
        and (is_demonym(tokens[first].text) or tokens[first].text in DIRECTIONS)
    ):
        first += 1
    if first == last or page.place_spans.get(first) == last:
        type_core(page, names, first, last, person=person)
        return
    _type_by_evidence(page, names, first, last, person=person)


def _is_event(words: list[str]) -> bool:
    """ "World Cup", "U.S. Open", "Labor Day", "Battle of the Bulge": events are none of the
    three types."""
    of = words.index("of") if "of" in words else len(words)
    return (
        words[-1] in EVENT_WORDS
        or (len(words) > 2 and words[-2] in EVENT_WORDS)
        or (of < len(words) and any(w in EVENT_WORDS for w in words[:of]))
    )


def _typed_by_head(page: Page, names: Names, first: int, last: int) -> bool:
    """The words say what the name is: an event word (none of the three; a place before it
    stays), "Republic of", "Camp X" or "X Province", an organisation word, "Middle East".
    True when the run is settled."""
    words = page.words(first, last)
    org_word = any(w in ORG_WORDS for w in words[1:]) or (
        words[0] in ORG_WORDS and words[1] in ORG_CONNECTORS
    )
    if _is_event(words):
        if first in page.place_spans and page.place_spans[first] < last - 1:
            names.add(first, page.place_spans[first], "place", rule="event-place", strong=True)
        return True
    if not org_word and "of" in words and words[words.index("of") - 1] in PLACE_HEADS:
        names.add(first, last, "place", rule="place-of", strong=True)
    elif not org_word and (words[0] in PLACE_PREFIXES or words[-1] in PLACE_SUFFIXES):
        names.add(first, last, "place", rule="place-affix", strong=True)
    elif org_word:
        names.add(first, last, "org", rule="org-word", strong=True)
    elif _direction_place(page, first, last, words):
        names.add(first, last, "place", rule="direction", strong=True)
    else:
        return False
    return True


def _direction_place(page: Page, first: int, last: int, words: list[str]) -> bool:
    """ "Middle East", "North Caucasus": a direction and a word that is no place or demonym."""
    return (
        len(words) == 2
        and words[0] in DIRECTIONS
        and last not in page.place_spans
        and not is_demonym(words[1])
    )


def _typed_after_initials(page: Page, names: Names, first: int, last: int) -> bool:
    """ "N. Korea" is a place; "S. Korean" is no name. True when the run is settled."""
    tokens = page.tokens
    rest = first
    while rest < last and tokens[rest].kind == "initial":
        rest += 1
    if page.place_spans.get(rest) == last:
        names.add(first, last, "place", rule="initial-place", strong=True)
        return True
    return all(is_demonym(t.text) for t in tokens[rest : last + 1])


def _type_by_evidence(page: Page, names: Names, first: int, last: int, *, person: bool) -> None:
    """Two or more words with no telling word: a person's context, "&", "the", an acronym
    that spells them, "of" or a place inside ("Real Madrid") decide; bare, they are a person."""
    tokens = page.tokens
    words = page.words(first, last)
    if all(is_demonym(w) for w in words):
        return
    places = place_names()
    if any(is_acronym(tokens[i]) and tokens[i].text not in places for i in range(first, last + 1)):
        names.add(first, last, "org", rule="has-acronym", strong=False)
    elif person_evidence(page, first, last):
        if person:
            names.add(first, last, "person", rule="person-evidence", strong=True)
    elif "&" in words:
        names.add(first, last, "org", rule="ampersand", strong=False)  # "Douglas & Lomason"
    elif page.after_the(first) or acronym_link(page, first, last) or "of" in words:
        names.add(first, last, "org", rule="the/acr-link/of", strong=False)
    elif any(i in page.place_spans for i in range(first, last + 1)):
        names.add(first, last, "org", rule="contains-place", strong=False)  # "Air France"
    elif _bare_person(page, first, last) and person:
        names.add(first, last, "person", rule="person-default", strong=False)


def _bare_person(page: Page, first: int, last: int) -> bool:
    """Two to four words, none the text also writes in lower case ("Human Rights") and none a
    single letter ("W D L G", "Net Income N": headings)."""
    tokens = page.tokens[first : last + 1]
    if any(page.common(token) for token in tokens):
        return False
    return len(tokens) <= 4 and all(len(t.text) >= 2 for t in tokens)


# --- a single word ---------------------------------------------------------------------------


def type_single(page: Page, names: Names, index: int) -> None:
    """One capitalised word: a place, an acronym, "the Treasury", "the Gulf", or a name its
    context types ("Zebari said", "spokesman Bahari")."""
    token = page.tokens[index]
    text = token.text
    if _typed_as_place(page, names, index):
        return
    if is_acronym(token):
        type_acronym(page, names, index)
        return
    if token.kind != "word" or text.lower() in STOP_WORDS or is_demonym(text):
        return
    if _typed_after_the(page, names, index):
        return
    if is_title(text) or text in ORG_WORDS or text in DIRECTIONS or text in EVENT_WORDS:
        return
    context = context_type(page, index, index)
    if token.initial or token.headline:
        # a capital proves nothing here; the second pass adds names seen elsewhere
        plural = text.endswith("s") and not text.endswith(("ss", "us", "is"))
        if context and not page.common(token) and not (context == "person" and plural):
            names.add(index, index, context, rule="single-context-initial", strong=False)
        return
    if context:
        names.add(index, index, context, rule="single-context", strong=False)


def _typed_as_place(page: Page, names: Names, index: int) -> bool:
    """A place name, or one in capitals ("JAPAN - Yields fell"), unless the text writes the
    word in lower case. True when the word is settled."""
    token = page.tokens[index]
    text = token.text
    if page.place_spans.get(index) == index:
        if not (token.initial and page.common(token)):
            names.add(index, index, "place", rule="single-place", strong=True)
        return True
    if caps(text) and len(text) >= 4 and text in upper_places():
        if text.lower() not in page.lower_seen:
            names.add(index, index, "place", rule="caps-place", strong=True)
        return True
    return False


def _typed_after_the(page: Page, names: Names, index: int) -> bool:
    """ "the Treasury", "the Senate" are organisations; "the Gulf" a place."""
    token = page.tokens[index]
    if not page.after_the(index) or token.initial:
        return False
    if token.text in ORG_WORDS:
        names.add(index, index, "org", rule="the-orgword", strong=False)
        return True
    if token.text in FEATURES:
        names.add(index, index, "place", rule="the-feature", strong=False)
        return True
    return False


# --- acronyms --------------------------------------------------------------------------------


def type_acronym(page: Page, names: Names, index: int) -> None:
    """An acronym is a place ("US"), defined ("... Organization (MKO)"), used twice, or used
    once in the title, after "the", before "spokesman" or in a list ("MKO/MEK/PMOI"); never a
    common abbreviation (TV, CEO), a word in capitals for emphasis or a label ("NOTE :")."""
    tokens = page.tokens
    text = tokens[index].text
    places = place_names()
    if text in places:
        names.add(index, index, "place", rule="acr-place", strong=True)
        return
    if text in page.defined:
        kind = "place" if page.defined[text] in places else "org"  # "UAE" is a place
        names.add(index, index, kind, rule="acr-defined", strong=True)
        return
    if text in COMMON_ABBREVIATIONS or text.rstrip("s") in COMMON_ABBREVIATIONS:
        return
    if text.lower() in page.lower_seen:
        return  # a word in capitals for emphasis: "NOTE", "NOT"
    following = tokens[index + 1].text if index + 1 < len(tokens) else ""
    if following == ":" and page.acronyms[text] < 2:
        return  # a label: "ISSUER : ...", "NOTE :"
    letters = acronym_letters(text)
    if page.acronyms[text] >= 2 or "." in text:
        names.add(index, index, "org", rule="acr", strong=len(letters) >= 3)
    elif len(letters) >= 3 and (
        tokens[index].start < page.title_end
        or page.after_the(index)
        or following in MEMBER_NOUNS
        or _slash_list(page, index)
        or _named_as(page, index)
    ):
        # once only: in the title, "the PLO", "ICRI spokesman", "MKO/MEK/PMOI", "known as MEK"
        names.add(index, index, "org", rule="acr-once", strong=True)


def _named_as(page: Page, index: int) -> bool:
    """An acronym where a list of names is expected: "known as the MEK, MKO or PMOI"."""
    start, end = page.tokens[index].start, page.tokens[index].end
    return named_as(page.text[max(0, start - 100) : start], page.text[end : end + 2])


def _slash_list(page: Page, index: int) -> bool:
    """An acronym in a list of others: "MKO/MEK/PMOI" (one name written several ways)."""
    tokens, n = page.tokens, len(page.tokens)
    if index >= 2 and tokens[index - 1].text == "/" and is_acronym(tokens[index - 2]):
        slash = tokens[index - 1]
        if tokens[index - 2].stop == slash.start and slash.end == tokens[index].start:
            return True
    if index + 2 < n and tokens[index + 1].text == "/" and is_acronym(tokens[index + 2]):
        slash = tokens[index + 1]
        return tokens[index].stop == slash.start and slash.end == tokens[index + 2].start
    return False
