"""The corpus-wide entity table: joining names, choosing the canonical name, the gazetteer wins."""

import pytest

from indexer.clipping import Mention
from indexer.names.aliases import Join
from indexer.names.gazetteer import Entity, Gazetteer
from indexer.names.table import EntityTable

MEK = "People's Mojahedin Organization of Iran"


def gazetteer(*entities):
    return Gazetteer(list(entities))


def names(table, mentions):
    return [(e.name, e.type, e.mentions) for e in table.entities_for(mentions)]


def test_gazetteer_aliases_resolve_to_the_canonical_name():
    table = EntityTable(gazetteer(Entity(MEK, "org", ["MEK", "MKO"])))
    mentions = [Mention("MKO", "org", MEK), Mention("MEK", "org", MEK)]
    table.add(mentions, [])
    assert names(table, mentions) == [(MEK, "org", ["MKO", "MEK"])]
    assert table.lookup("mek").name == MEK


def test_transliterations_join_a_gazetteer_entity():
    table = EntityTable(gazetteer(Entity(MEK, "org", ["Mojahedin-e Khalq"])))
    table.add([Mention("Mujahideen-e-Khalq", "org")], [])
    assert table.lookup("Mujahedeen e Khalq").name == MEK


def test_discovered_spellings_join_and_the_most_used_names_the_entity():
    table = EntityTable(gazetteer())
    for surface in ["Ahlam al-Maliki", "Ahlam Al Maliki", "Ahlam al-Maliki", "Ahlam Maliki"]:
        table.add([Mention(surface, "person")], [])
    entity = table.lookup("ahlam el-maliki")
    assert entity.name == "Ahlam al-Maliki"
    assert entity.type == "person"
    assert entity.names == ["Ahlam al-Maliki", "Ahlam Maliki"]  # "Al Maliki" differs by case only


def test_an_all_capitals_name_is_shown_in_title_case():
    table = EntityTable(gazetteer())
    table.add([Mention("GENEVA", "place")], [])
    assert table.lookup("Geneva").name == "Geneva"


def test_an_acronym_definition_joins_the_long_form_across_clippings():
    table = EntityTable(gazetteer())
    table.add([Mention("MKO", "org")], [])
    table.add(
        [Mention("Mojahedin-e Khalq Organization", "org")],
        [("Mojahedin-e Khalq Organization", "MKO")],
    )
    assert table.lookup("MKO").name == "Mojahedin-e Khalq Organization"
    assert names(table, [Mention("MKO", "org")]) == [
        ("Mojahedin-e Khalq Organization", "org", ["MKO"])
    ]


def test_gazetteer_entities_never_merge_with_each_other():
    table = EntityTable(
        gazetteer(Entity("United Nations", "org", ["UN"]), Entity("Ukraine", "place", ["UA"]))
    )
    table.add([], [("United Nations", "UA")])
    assert table.lookup("UA").name == "Ukraine"


def test_distinct_names_never_join():
    table = EntityTable(
        gazetteer(Entity(MEK, "org", ["Mojahedin-e Khalq"], distinct=["Mujahideen"]))
    )
    table.add([Mention("Mujahideen", "org")], [])
    assert table.lookup("Mujahideen").name == "Mujahideen"


def test_a_surname_resolves_to_the_full_name_in_the_same_clipping():
    table = EntityTable(gazetteer())
    mentions = [Mention("James Jeffrey", "person"), Mention("Jeffrey", "person")]
    table.add(mentions, [])
    assert names(table, mentions) == [("James Jeffrey", "person", ["James Jeffrey", "Jeffrey"])]


def test_type_is_the_majority_vote():
    table = EntityTable(gazetteer())
    table.add([Mention("Jordan", "place")], [])
    table.add([Mention("Jordan", "place")], [])
    table.add([Mention("Jordan", "person")], [])
    assert table.lookup("Jordan").type == "place"


def test_the_saved_table_resolves_the_same_way():
    table = EntityTable(gazetteer(Entity(MEK, "org", ["MEK"], distinct=["Mujahideen"])))
    table.add([Mention("MEK", "org", MEK)], [("Mojahedin-e Khalq Organization", "MEK")])
    table.add([Mention("Anne Singleton", "person")], [])
    loaded = EntityTable.from_json(table.to_json())
    assert loaded.lookup("Mojahedin e Khalq Organization").name == MEK
    assert loaded.lookup("Anne Singleton").type == "person"
    assert loaded.lookup("Mujahideen") is None
    assert {c.name for c in loaded.clusters() if c.in_gazetteer} == {MEK}


def test_two_places_of_the_place_list_never_join_by_spelling():
    table = EntityTable(gazetteer())
    table.add([Mention("China", "place")], [])
    table.add([Mention("Chennai", "place")], [])
    table.add([Mention("Teheran", "place")], [])
    table.add([Mention("Tehran", "place")], [])
    assert table.lookup("Chennai").name == "Chennai"
    assert table.lookup("China").name == "China"
    assert table.lookup("Tehran") is table.lookup("Teheran")  # only one of them is on the list


def test_an_undefined_acronym_joins_the_one_entity_it_abbreviates():
    table = EntityTable(gazetteer())
    table.add([Mention("United States", "place"), Mention("U.S.", "place")], [])
    table.add([Mention("Associated Press", "org"), Mention("AP", "org")], [], "a.txt#1")
    table.add([Mention("AP", "org"), Mention("US", "place")], [])
    table.join_initials()
    assert table.lookup("US").name == "United States"
    assert table.lookup("U.S.").name == "United States"
    assert table.lookup("AP").name == "Associated Press"


def test_an_ambiguous_acronym_stays_alone():
    table = EntityTable(gazetteer())
    table.add([Mention("Associated Press", "org"), Mention("Arab Party", "org")], [])
    table.add([Mention("AP", "org")], [])
    table.join_initials()
    assert table.lookup("AP").name == "AP"


def joins(*rows):
    return [Join(*row) for row in rows]


def test_names_that_differ_by_a_generic_word_join():
    table = EntityTable(gazetteer())
    table.add([Mention("People's Mujahedeen Organization of Iran", "org")], [])
    table.add([Mention("People's Mujahedeen of Iran", "org")], [])
    table.add([Mention("Mojahedin-e Khalq Organization", "org")], [])
    table.add([Mention("Mojahedin Khalq", "org")], [])  # and the ezafe
    table.finish()
    assert table.lookup("People's Mujahedeen of Iran") is table.lookup(
        "People's Mujahedeen Organization of Iran"
    )
    assert table.lookup("Mojahedin Khalq") is table.lookup("Mojahedin-e Khalq Organization")
    assert table.lookup("Mojahedin Khalq") is not table.lookup("People's Mujahedeen of Iran")


@pytest.mark.parametrize(
    ("first", "second"),
    [
        # both lose a different generic word: they share "Democratic of Kurdistan", no name
        ("Democratic Party of Kurdistan", "Democratic Movement of Kurdistan"),
        ("Labour Party", "Labour"),  # one word left is not a name to join on
        ("Socialist Party", "Socialist Movement"),
        ("Corus Group PLC", "Cruises"),  # a company suffix is no second word
    ],
)
def test_a_shared_generic_word_joins_nothing(first, second):
    table = EntityTable(gazetteer())
    table.add([Mention(first, "org"), Mention(second, "org")], [])
    table.finish()
    assert table.lookup(first) is not table.lookup(second)


def test_an_acronym_joins_the_one_entity_whose_initials_it_is():
    table = EntityTable(gazetteer())
    table.add([Mention("People’s Mujahedeen Organization of Iran", "org")], [])
    table.add([Mention("Mojahedin-e Khalq", "org"), Mention("MEK", "org")], [])  # together
    table.add([Mention("PMOI", "org"), Mention("MEK", "org")], [])
    table.finish()
    assert table.lookup("PMOI").name == "People’s Mujahedeen Organization of Iran"
    assert table.lookup("MEK").name == "Mojahedin-e Khalq"  # the ezafe gives the E


@pytest.mark.parametrize(
    ("acronym", "name"),
    [
        ("FSB", "Fresno St. Blows"),  # a headline taken for a name: no organisation word
        ("DE", "Department of Energy"),  # two letters, not a place: too many things
    ],
)
def test_an_acronym_joins_a_name_of_its_initials_elsewhere_only_if_it_looks_like_one(acronym, name):
    table = EntityTable(gazetteer())
    table.add([Mention(name, "org")], [])
    table.add([Mention(acronym, "org")], [])
    table.finish()
    assert table.lookup(acronym).name == acronym


def test_an_acronym_beside_a_name_of_its_initials_joins_it_with_that_clipping_as_evidence():
    table = EntityTable(gazetteer())
    table.add([Mention("Delta Air Lines", "org"), Mention("DAL", "org")], [], "a.txt#1")
    table.add([Mention("DAL", "org")], [], "b.txt#1")
    table.finish()
    assert [r.sentence() for r in table.explain("DAL")[1]] == [
        "DAL = Delta Air Lines: same initials in a.txt#1"
    ]


def test_an_acronym_listed_with_others_still_joins_its_own_long_form():
    table = EntityTable(gazetteer())
    table.add([Mention("MKO", "org"), Mention("PMOI", "org")], joins(("MKO", "PMOI", "listed", "")))
    table.add([Mention("Mojahedin-e Khalq Organization", "org")], [])
    table.add([Mention("People's Mujahedeen Organization of Iran", "org")], [])
    table.finish()
    assert table.lookup("Mojahedin-e Khalq Organization") is table.lookup(
        "People's Mujahedeen Organization of Iran"
    )


def test_a_join_keeps_its_evidence_and_explain_says_why():
    table = EntityTable(gazetteer())
    listed = ("MKO", "MEK", "listed", "MKO/MEK/PMOI")
    table.add([Mention("MKO", "org"), Mention("MEK", "org")], joins(listed), "digest.txt#3")
    table.add([Mention("MKO", "org"), Mention("MEK", "org")], joins(listed), "digest.txt#10")
    table.add([Mention("Mojahedin-e Khalq Organization", "org")], [], "other.txt#1")
    table.finish()
    entity, reasons = EntityTable.from_json(table.to_json()).explain("mek")
    assert entity.name == "Mojahedin-e Khalq Organization"
    assert [r.sentence() for r in reasons] == [
        "MKO = MEK: listed together as MKO/MEK/PMOI in digest.txt#3 and 1 more",
        "MKO = Mojahedin-e Khalq Organization: same initials",
    ]


def test_explain_names_spellings_and_the_gazetteer():
    table = EntityTable(gazetteer(Entity(MEK, "org", ["PMOI"])))
    table.add([Mention("Ahlam al-Maliki", "person"), Mention("Ahlam Maliki", "person")], [])
    assert [r.sentence() for r in table.explain("Ahlam Maliki")[1]] == [
        "Ahlam al-Maliki = Ahlam Maliki: same name key"
    ]
    assert [r.sentence() for r in table.explain("PMOI")[1]] == [
        f"{MEK} = PMOI: listed together in the gazetteer"
    ]
    assert table.explain("nobody") is None


def test_a_listed_join_never_merges_what_the_gazetteer_keeps_distinct():
    table = EntityTable(gazetteer(Entity(MEK, "org", ["MEK"], distinct=["NCRI"])))
    table.add(
        [Mention("MEK", "org", MEK), Mention("NCRI", "org")],
        joins(("MEK", "NCRI", "listed", "MEK/NCRI/PMOI")),
    )
    table.finish()
    assert table.lookup("NCRI").name == "NCRI"
    assert table.explain("NCRI")[1] == []


def test_a_shortened_organisation_name_is_the_full_one_named_before_it():
    table = EntityTable(gazetteer())
    mentions = [
        Mention("National Council of Resistance of Iran", "org"),
        Mention("National Council", "org"),
    ]
    table.add(mentions, [], "a.txt#1")
    assert names(table, mentions) == [
        (
            "National Council of Resistance of Iran",
            "org",
            ["National Council of Resistance of Iran", "National Council"],
        )
    ]
    assert [r.rule for r in table.explain("National Council")[1]] == ["short form"]


def test_of_two_entities_an_acronym_fits_the_one_of_its_type_joins():
    table = EntityTable(gazetteer())
    table.add([Mention("United States", "place"), Mention("Union Station", "org")], [])
    table.add([Mention("US", "place")], [])
    table.finish()
    assert table.lookup("US").name == "United States"


def test_a_short_name_with_its_own_acronym_is_another_organisation():
    table = EntityTable(gazetteer())
    mentions = [
        Mention("Kurdistan Democratic Party of Iran", "org"),
        Mention("KDPI", "org"),
        Mention("Kurdistan Democratic Party", "org"),
        Mention("KDP", "org"),
    ]
    joins_said = joins(
        ("Kurdistan Democratic Party of Iran", "KDPI", "acronym", ""),
        ("Kurdistan Democratic Party", "KDP", "acronym", ""),
    )
    table.add(mentions, joins_said, "a.txt#1")
    table.finish()
    assert table.lookup("KDP") is not table.lookup("KDPI")


def test_a_surname_in_the_headline_before_the_full_name_is_that_person():
    table = EntityTable(gazetteer())
    mentions = [Mention("Nasrallah", "person"), Mention("Hassan Nasrallah", "person")]
    table.add(mentions, [])
    assert table.lookup("Nasrallah") is table.lookup("Hassan Nasrallah")
    assert table.lookup("Nasrallah").names == ["Hassan Nasrallah", "Nasrallah"]


def test_an_acronym_defined_as_two_organisations_joins_neither_to_the_other():
    table = EntityTable(gazetteer())
    state = [Mention("Islamic State of Iraq", "org"), Mention("ISI", "org")]
    spies = [Mention("Inter-Services Intelligence", "org"), Mention("ISI", "org")]
    state_said = joins(("Islamic State of Iraq", "ISI", "acronym", ""))
    spies_said = joins(("Inter-Services Intelligence", "ISI", "acronym", ""))
    table.add(state, state_said, "iraq.txt#1")
    table.add(spies, spies_said, "pakistan.txt#1")
    table.finish()
    assert table.lookup("Islamic State of Iraq") is not table.lookup("Inter-Services Intelligence")
    assert table.entities_for(spies, spies_said)[0].name == "Inter-Services Intelligence"
    assert table.entities_for(state, state_said)[0].name == "Islamic State of Iraq"


def test_a_surname_two_people_of_the_clipping_share_is_neither():
    table = EntityTable(gazetteer())
    mentions = [
        Mention("Muammar Gaddafi", "person"),
        Mention("Saif al-Islam Gaddafi", "person"),
        Mention("Gaddafi", "person"),
    ]
    table.add(mentions, [])
    assert [e.name for e in table.entities_for(mentions)] == [
        "Muammar Gaddafi",
        "Saif al-Islam Gaddafi",
        "Gaddafi",
    ]
