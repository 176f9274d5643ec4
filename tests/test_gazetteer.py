"""The gazetteer: loading, alias resolution, and finding names in text."""

from pathlib import Path

import pytest

from indexer.clipping import BadFile
from indexer.names.gazetteer import Entity, Gazetteer

CORPUS = Path(__file__).resolve().parents[1] / "corpus"
MEK = "People's Mojahedin Organization of Iran"


@pytest.fixture(scope="module")
def shipped() -> Gazetteer:
    return Gazetteer.load(CORPUS / "entities.toml")


@pytest.mark.parametrize(
    "alias",
    [
        "MEK", "MKO", "PMOI", "Mojahedin Khalq", "Mojahedin-e Khalq Organization",
        "People's Mujahedeen of Iran", "People’s Mujahedeen Organization of Iran", "mko",
    ],
)  # fmt: skip
def test_every_alias_resolves_to_the_canonical_name(shipped, alias):
    assert shipped.resolve(alias).name == MEK


def test_unknown_name_resolves_to_nothing(shipped):
    assert shipped.resolve("Hezbollah") is None


def test_spans_give_surface_forms_and_offsets_in_order(shipped):
    text = "The MKO/MEK/PMOI gang, also called the People’s Mujahedeen of Iran, left Camp Ashraf."
    spans = shipped.spans(text)
    assert [(s.surface, s.entity.name) for s in spans] == [
        ("MKO", MEK),
        ("MEK", MEK),
        ("PMOI", MEK),
        ("People’s Mujahedeen of Iran", MEK),
        ("Camp Ashraf", "Camp Ashraf"),
    ]
    assert all(text[s.start : s.end] == s.surface for s in spans)


def test_matching_is_on_word_boundaries_and_case_insensitive():
    gazetteer = Gazetteer([Entity("Baghdad", "place"), Entity("Iran", "place")])
    names = [s.entity.name for s in gazetteer.spans("BAGHDAD talks; Iranian officials; iran")]
    assert names == ["Baghdad", "Iran"]
    assert gazetteer.spans("Iranians") == []


def test_acronyms_match_only_in_capitals():
    gazetteer = Gazetteer([Entity("United States", "place", ["US"])])
    assert gazetteer.spans("let us know") == []
    assert [s.surface for s in gazetteer.spans("the US said")] == ["US"]


def test_longest_name_wins():
    gazetteer = Gazetteer(
        [Entity("US State Department", "org", ["State Department"]), Entity("Washington", "place")]
    )
    assert [s.entity.name for s in gazetteer.spans("the State Department in Washington")] == [
        "US State Department",
        "Washington",
    ]


def test_missing_gazetteer_is_empty(tmp_path):
    assert Gazetteer.load(tmp_path / "entities.toml").entities == []


@pytest.mark.parametrize(
    "text, message",
    [
        ("[[entity]]\nname = 'X'\ntype = 'thing'\n", "has type 'thing'"),
        ("[[entity]]\ntype = 'org'\n", "has no name"),
        ("[[entity]\n", "entities.toml"),
        ("[[entity]]\nname = 'X'\ntype = 'org'\naliases = 'Y'\n", "aliases must be a list"),
        ("[[entity]]\nname = 'X'\ntype = 'org'\ndistinct = [1]\n", "distinct must be a list"),
    ],
)
def test_malformed_gazetteer_is_a_clear_error(tmp_path, text, message):
    path = tmp_path / "entities.toml"
    path.write_text(text)
    with pytest.raises(BadFile, match=message):
        Gazetteer.load(path)
