"""Keys that make different spellings of one name compare equal.

`name_key` ignores case, accents, apostrophes and hyphen-versus-space: it is how a typed
alias finds its entity. `variant_key` goes further, for names transliterated from Persian
and Arabic in several spellings: it drops the Persian ezafe (Mojahedin-e Khalq), Arabic
article prefixes (al-Maliki, Al Maliki) and function words, and keeps only a consonant
skeleton of each word, marking where a vowel starts or ends it, so that Mojahedin, Mujahedin,
Mujahideen and Mujahedeen share a key while Malik and Maliki do not. Acronyms keep their
letters (U.N. and UN share a key; MEK and MKO do not).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

APOSTROPHES = "'’‘`´ʼʿʾ"
_DASHES = "-‐‑–—/"
_EZAFE = {"e", "ye", "i"}
_ARTICLES = {"al", "el", "ul", "ad", "ar", "as", "ash", "at", "az", "an", "ez"}
COMPANY_SUFFIXES = {"inc", "corp", "co", "ltd", "plc", "llc", "ag", "sa", "nv", "gmbh"}
_FUNCTION_WORDS = {"of", "the", "for", "and", "de", "la", "le", "du", "des", "van", "von", "der"}
_DIGRAPHS = [("dj", "j"), ("ph", "f"), ("ck", "k"), ("kh", "k"), ("gh", "g"), ("q", "k"),
             ("ou", "u"), ("w", "v"), ("z", "s"), ("x", "ks")]  # fmt: skip
_VOWELS = re.compile(r"[aeiouy]+")
_ACRONYM = re.compile(r"^(?:[A-Z]\.?){2,6}$|^(?:[A-Z]\.){1,5}[A-Z]?$")


def fold(text: str) -> str:
    """Lowercase, accents removed, apostrophes dropped, dashes and slashes as spaces."""
    folded = unicodedata.normalize("NFKD", text)
    folded = "".join(c for c in folded if not unicodedata.combining(c)).lower()
    folded = re.sub(f"[{re.escape(APOSTROPHES)}]", "", folded)
    return re.sub(f"[{re.escape(_DASHES)}]", " ", folded)


@lru_cache(maxsize=50_000)
def name_key(name: str) -> str:
    """A key insensitive to case, accents, apostrophes and hyphen-versus-space."""
    return " ".join(re.findall(r"\w+(?:\.\w+)*\.?", fold(name)))


def is_acronym(name: str) -> bool:
    """MEK, PMOI, U.N., U.S.A.: two to six capitals, dotted or not."""
    return bool(_ACRONYM.match(name.strip()))


@lru_cache(maxsize=50_000)
def variant_key(name: str) -> str:
    """A key shared by transliteration variants of one name (see the module docstring)."""
    if is_acronym(name):
        return "#" + re.sub(r"[^A-Z]", "", name)
    words = re.findall(r"\w+", fold(name))
    while len(words) > 1 and words[-1] in COMPANY_SUFFIXES:
        words.pop()  # Microsoft Corp. is Microsoft
    kept = [
        w
        for i, w in enumerate(words)
        if not (w in _FUNCTION_WORDS and len(words) > 1)
        and not (w in _EZAFE and 0 < i < len(words) - 1)
        and not (w in _ARTICLES and i < len(words) - 1)
    ]
    return " ".join(_skeleton(w) for w in kept or words)


def _skeleton(word: str) -> str:
    if word.isdigit():
        return word
    for old, new in _DIGRAPHS:
        word = word.replace(old, new)
    start = "_" if word[:1] in "aeiouy" else ""
    end = "_" if word[-1:] in "aeiouy" and len(word) > 1 else ""
    consonants = _VOWELS.sub("", word)
    collapsed = re.sub(r"(.)\1+", r"\1", consonants)
    return start + collapsed + end
