"""Names one clipping says are one entity (names/aliases.py), as tagging finds them."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from indexer.clipping import Clipping
from indexer.names.aliases import Join, as_join, named_as
from indexer.names.gazetteer import Gazetteer
from indexer.names.tagging import tag


def joined(body: str) -> set[frozenset[str]]:
    """The pairs of names the text joins, whatever the order."""
    clipping = tag(Clipping(path="x.txt", number=1, title="A clipping", body=body), Gazetteer([]))
    return {frozenset((j.a, j.b)) for j in clipping.joins}


def rules(body: str) -> set[str]:
    clipping = tag(Clipping(path="x.txt", number=1, title="A clipping", body=body), Gazetteer([]))
    return {j.rule for j in clipping.joins}


@pytest.mark.parametrize(
    ("body", "pair"),
    [
        ("The MKO said the camp was raided, the MKO/MEK/PMOI gang claimed.", ("MKO", "MEK")),
        ("Officials met the MEK/MKO/PMOI leaders in Paris.", ("MEK", "PMOI")),
        (
            "The group, known variously as the MEK, MKO or PMOI, said it would stay.",
            ("MEK", "PMOI"),
        ),
        ("Myanmar, formerly Burma, held elections.", ("Myanmar", "Burma")),
        (
            "Rebels of the Kurdistan Workers Party, also known as the PKK, fought on.",
            ("Kurdistan Workers Party", "PKK"),
        ),
        ("Fighters of the Islamic State, or ISIS, took the town.", ("Islamic State", "ISIS")),
        (
            "The People's Mujahedin of Iran (PMOI) said the raid killed 34.",
            ("People's Mujahedin of Iran", "PMOI"),
        ),
        (
            "The PMOI (People's Mujahedin of Iran) said the raid killed 34.",
            ("People's Mujahedin of Iran", "PMOI"),
        ),
    ],
)
def test_a_clipping_that_lists_names_as_one_joins_them(body, pair):
    assert frozenset(pair) in joined(body)


@pytest.mark.parametrize(
    "body",
    [
        "Iran, Iraq and Syria signed the accord on Monday.",  # a plain list names several things
        "Photo: AP/Reuters/AFP. The camp was quiet on Monday.",  # a credit line
        "(AFP/Reuters/AP) Troops left the camp on Monday.",
        "The NATO/EU mission began on Monday. NATO and the EU said so.",  # two names: a pair
        "Maryam Rajavi, known as the MEK's leader, spoke in Paris.",  # a possessive
        "The camp, known as Camp Ashraf, was raided.",  # one name after "known as"
        # a name the rules found cut short ("Tamil Eelam", "Kurdistan Workers") is no evidence
        "The Kurdistan Workers' Party, also known as the PKK, fought on.",
        "The Liberation Tigers of Tamil Eelam, also known as the Tamil Tigers, fought on.",
    ],
)
def test_lists_that_name_several_things_join_nothing(body):
    assert joined(body) == set()


def test_each_join_names_its_rule_and_words():
    body = "Leaders of the MKO/MEK/PMOI met. The Islamic Republic News Agency (IRNA) said."
    clipping = tag(Clipping(path="x.txt", number=1, title="T", body=body), Gazetteer([]))
    assert Join("MKO", "MEK", "listed", "MKO/MEK/PMOI") in clipping.joins
    assert (
        Join(
            "Islamic Republic News Agency",
            "IRNA",
            "acronym",
            "Islamic Republic News Agency (IRNA)",
        )
        in clipping.joins
    )
    assert rules(body) == {"listed", "acronym"}


def test_an_older_manifest_pair_is_an_acronym_definition():
    assert as_join(["Mojahedin-e Khalq Organization", "MKO"]) == Join(
        "Mojahedin-e Khalq Organization", "MKO", "acronym", "Mojahedin-e Khalq Organization (MKO)"
    )


@pytest.mark.parametrize(
    ("before", "after", "expected"),
    [
        ("The group, known as the ", " said", True),
        ("The group, known variously as the MEK, ", " or", True),
        ("the Islamic State, or ", ", took", True),
        ("the Islamic State, or ", " took", False),
        ("He is the leader of the ", " group", False),
    ],
)
def test_a_word_in_a_list_of_names_is_a_name(before, after, expected):
    assert named_as(before, after) is expected


def test_acronyms_listed_once_are_found_as_organisations():
    body = "The group, known variously as the MEK, MKO or PMOI, said it would stay."
    clipping = tag(Clipping(path="x.txt", number=1, title="T", body=body), Gazetteer([]))
    assert {m.surface for m in clipping.mentions if m.type == "org"} >= {"MEK", "MKO", "PMOI"}


def test_a_long_organisation_name_is_kept_whole_over_the_gazetteer_names_inside_it(tmp_path):
    (tmp_path / "entities.toml").write_text(
        '[[entity]]\nname = "United Nations"\ntype = "org"\naliases = ["UN"]\n'
        '[[entity]]\nname = "Iraq"\ntype = "place"\n'
    )
    gazetteer = Gazetteer.load(tmp_path / "entities.toml")
    body = (
        "The United Nations Assistance Mission for Iraq (UNAMI) said on Friday that it was "
        "worried. The United Nations and Iraq agreed."
    )
    clipping = tag(Clipping(path="x.txt", number=1, title="T", body=body), gazetteer)
    found = [(m.surface, m.type, m.entity) for m in clipping.mentions]
    assert found[:2] == [
        ("United Nations Assistance Mission for Iraq", "org", None),
        ("UNAMI", "org", None),
    ]
    assert ("United Nations", "org", "United Nations") in found  # on its own it is the UN
    assert ("Iraq", "place", "Iraq") in found
    assert (
        Join(
            "United Nations Assistance Mission for Iraq",
            "UNAMI",
            "acronym",
            "United Nations Assistance Mission for Iraq (UNAMI)",
        )
        in clipping.joins
    )


@pytest.mark.parametrize(
    "body",
    [
        "The Defense Department called the National Geospatial-Intelligence Agency on Monday.",
        "The Pentagon formerly ran the camp.",
    ],
)
def test_a_verb_without_a_comma_is_no_list(body):
    assert joined(body) == set()


@pytest.mark.parametrize(
    ("body", "pair"),
    [
        ("Lenovo Group (formerly Legend Group) bought the unit.", ("Lenovo Group", "Legend Group")),
        (
            "Hynix Semiconductor, formerly Hyundai Electronics, said.",
            ("Hynix Semiconductor", "Hyundai Electronics"),
        ),
        (
            "Muammar Gaddafi, also spelled Muammar Qadhafi, spoke.",
            ("Muammar Gaddafi", "Muammar Qadhafi"),
        ),
    ],
)
def test_formerly_and_also_spelled_join(body, pair):
    assert frozenset(pair) in joined(body)


_PIECES = [
    *("the", "MEK", "MKO", "PMOI", "/", ", ", " or ", "also known as", "a.k.a.", "(", ")"),
    *("formerly", "Camp Ashraf", "People's Mujahedin of Iran", "said", ".", " ", "\n"),
]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=40))
def test_any_text_gives_joins_of_names_it_writes(pieces):
    body = " ".join(pieces)
    clipping = tag(Clipping(path="x.txt", number=1, title="T", body=body), Gazetteer([]))
    text = f"T\n\n{body}"
    for join in clipping.joins:
        assert join.a in text and join.b in text and join.a != join.b
        assert join.rule in ("acronym", "listed")
