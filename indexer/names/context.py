"""What the words around a name say it is: "spokesman X", "X said", "X, who" make a person;
"X representative", "told X" an organisation; an acronym in the text that spells the name
("MEK" for "Mojahedin Khalq") makes an organisation."""

from __future__ import annotations

from indexer.names.acronyms import acronym_letters, fits_acronym
from indexer.names.page import Page, is_title
from indexer.names.words import MEMBER_NOUNS, NAME_PARTICLES, PERSON_VERBS, ROLE_NOUNS

_ARTICLES = ("a", "an", "the", "A", "An", "The")


def context_type(page: Page, first: int, last: int) -> str | None:
    """ "person", "org" or None, from the words right before and after the name."""
    tokens = page.tokens
    before = tokens[first - 1].text if first > 0 else ""
    after = tokens[last + 1].text if last + 1 < len(tokens) else ""
    if after in MEMBER_NOUNS and not tokens[last].possessive:
        return "org"
    if before in _ARTICLES and first == last:
        return None  # "the Belgian, who": a noun, not a name
    if before in ROLE_NOUNS or is_title(before) or after in PERSON_VERBS:
        return "person"
    if before == "told" and first == last and not tokens[first].possessive:
        return "org"  # "told Reuters": a person told would have been named in full
    return "person" if _person_follows(page, first, last, after) else None


def _person_follows(page: Page, first: int, last: int, after: str) -> bool:
    """What follows shows a person: "She"/"He" starts the next sentence, or ", who",
    ", 45," or ", speaking at ..." comes after the name."""
    tokens = page.tokens
    if first == last and after[:1].islower() and _pronoun_follows(page, last):
        return True  # "But Rajavi refuses ... She also won't allow"
    if after == "," and last + 2 < len(tokens):
        following = tokens[last + 2]
        if following.text in ("who", "whose") or following.kind == "num":
            return True
        text = following.text
        if following.kind == "word" and text.endswith("ing") and text[:1].islower():
            return True  # "Bahari, speaking at a conference"
    return False


def _pronoun_follows(page: Page, index: int) -> bool:
    """The next sentence starts with "He" or "She" and this sentence names no one else."""
    for token in page.tokens[index + 1 : index + 60]:
        if token.initial:
            return token.text in ("He", "She")
        if token.cap and token.kind != "punct":
            return False
    return False


def person_evidence(page: Page, first: int, last: int) -> bool:
    """An initial ("W. Athey"), a particle inside ("Osama bin Laden"), or a person's context."""
    tokens = page.tokens
    if any(tokens[i].kind == "initial" for i in range(first, last + 1)):
        return True
    if any(tokens[i].text in NAME_PARTICLES for i in range(first + 1, last)):
        return True
    return context_type(page, first, last) == "person"


def acronym_link(page: Page, first: int, last: int) -> bool:
    """An acronym in the text spells these words: "MEK" for "Mojahedin Khalq"."""
    words = page.words(first, last)
    initial = words[0][:1]
    return any(
        acronym[:1] == initial
        and len(acronym_letters(acronym)) >= len(words)
        and fits_acronym(acronym, words)
        for acronym in page.acronyms
    )
