"""Acronyms and their long forms: "Mojahedin-e Khalq Organization (MKO)", and whether an
acronym's letters spell a run of words ("MEK" for "Mojahedin Khalq")."""

from __future__ import annotations

import re
from functools import cache

from indexer.names.words import HYPHEN_PARTICLES, HYPHENS, words

_DEFINED = re.compile(r"\(\s*(?:the\s+)?([A-Z][A-Za-z.&]{1,11}?)(?:[’']?s)?\s*\)")
_REVERSE = re.compile(r"\b([A-Z][A-Z.&]{1,10}[A-Z.])\s*\(\s*(?:the\s+)?([A-Z][^()\n]{3,120}?)\s*\)")
_FUNCTION_WORDS = words("of the for and & in on at to a an by with from against de du des")
_LONG_FORM_STOP = re.compile(r"[,;:.!?()\[\]\"“”\n]")


def acronym_letters(acronym: str) -> str:
    """The letters of an acronym, without its full stops: "U.N." -> "UN"."""
    return "".join(c for c in acronym if c.isalpha())


def _split_long_form(words: list[str]) -> list[tuple[str, bool]]:
    """Words of a long form as (word, optional): hyphen parts and dotted letters count apart."""
    parts: list[tuple[str, bool]] = []
    for word in words:
        if re.fullmatch(r"(?:[^\W\d_]\.)+", word):
            parts.extend((letter, False) for letter in word.split(".") if letter)
            continue
        for piece in re.split(f"[{HYPHENS}/]", word):
            if not piece:
                continue
            optional = piece.lower() in _FUNCTION_WORDS or piece.lower() in HYPHEN_PARTICLES
            parts.append((piece, optional or not piece[:1].isalpha()))
    return parts


def fits_acronym(acronym: str, words: list[str]) -> bool:
    """True when the acronym's letters are the initials of `words`, in order.

    Function words and particles ("of", "the", "-e", "al-") may be skipped or used; every other
    word gives its first letter, and one word may give one more letter from inside it
    ("Mojahedin Khalq" fits "MEK"; "National Council" does not fit "NIAC").
    """
    letters = acronym_letters(acronym).lower()
    parts = _split_long_form(words)
    if not letters or not parts or parts[0][1]:
        return False
    lowered = [(word.lower().rstrip("'’s") or word.lower(), optional) for word, optional in parts]

    @cache
    def match(i: int, j: int, inner_left: bool) -> bool:
        if j == len(lowered):
            return i == len(letters)
        word, optional = lowered[j]
        if optional and match(i, j + 1, inner_left):
            return True
        if i == len(letters) or word[0] != letters[i]:
            return False
        if match(i + 1, j + 1, inner_left):
            return True
        # the word's first letter and one letter from inside it
        return (
            inner_left
            and i + 1 < len(letters)
            and letters[i + 1] in word[1:]
            and match(i + 2, j + 1, False)
        )

    return match(0, 0, True)


def acronym_definitions(text: str) -> list[tuple[str, str]]:
    """(long form, acronym) pairs defined in the text, in order.

    "Mojahedin-e Khalq Organization (MKO)" -> ("Mojahedin-e Khalq Organization", "MKO"); also
    "the U.N. High Commission for Refugees (UNHCR)" and the reverse form "MKO (Mojahedin-e Khalq
    Organization)". The acronym's letters must match the initials of the long form's words
    (see `fits_acronym`).
    """
    found: list[tuple[int, str, str]] = []
    for match in _DEFINED.finditer(text):
        acronym = match.group(1).rstrip(".") if "." not in match.group(1)[:-1] else match.group(1)
        letters = acronym_letters(acronym)
        if sum(c.isupper() for c in letters) < 2 or len(letters) > 10:
            continue
        words = _words_before(text, match.start())[-(len(letters) + 6) :]
        long_form = _shortest_long_form(acronym, words)
        if long_form:
            found.append((match.start(), long_form, acronym))
    for match in _REVERSE.finditer(text):
        acronym, inner = match.group(1), match.group(2)
        words = inner.split()
        if fits_acronym(acronym, words) and _capitalised(words):
            found.append((match.start(), " ".join(words), acronym))
    return [(long_form, acronym) for _, long_form, acronym in sorted(found)]


def _words_before(text: str, start: int) -> list[str]:
    """The words a long form may take before "(ABC)": after the last comma, stop or bracket
    (a full stop that ends an abbreviation such as "U.N." does not count)."""
    before = text[max(0, start - 200) : start]
    stops = list(_LONG_FORM_STOP.finditer(before))
    if stops:
        stop = stops[-1]
        abbreviation = re.search(r"(?:[^\W\d_]\.)+$", before[: stop.end()])
        if stop.group() != "." or abbreviation is None:
            before = before[stop.end() :]
    return before.split()


def _shortest_long_form(acronym: str, words: list[str]) -> str | None:
    first = acronym_letters(acronym)[:1].lower()
    for start in range(len(words) - 1, -1, -1):
        word = words[start]
        if word[:1].lower() != first or not _capitalised(words[start:]):
            continue
        if fits_acronym(acronym, words[start:]):
            return " ".join(words[start:])
    return None


def _capitalised(words: list[str]) -> bool:
    """Every word of a name capitalised but its function words and particles ("of", "-e")."""
    return all(piece[:1].isupper() or optional for piece, optional in _split_long_form(words))
