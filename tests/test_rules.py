"""The discovery rules one by one (indexer/names/{page,runs,rules,teams,second_pass}.py), for
the cases tests/test_discover.py does not pin: each case names the rule that decides it."""

import pytest

from indexer.names.discover import discover, traced
from indexer.names.page import Page
from indexer.names.runs import name_runs


def found(text: str) -> list[tuple[str, str]]:
    return [(f.surface, f.type) for f in discover(text)]


def rules(text: str) -> list[str]:
    return [rule for *_, rule in traced(text)]


def test_tokens_split_hyphens_and_keep_the_stop_of_inc():
    page = Page("The Paris-based Barnett Banks Inc. and US-Iran anti-Iran People’s Mujahedeen")
    tokens = [(t.text, t.kind) for t in page.tokens]
    assert tokens[1:5] == [
        ("Paris", "word"),
        ("Barnett", "word"),
        ("Banks", "word"),
        ("Inc.", "word"),
    ]
    assert page.tokens[1].cut  # "Paris-based": the run ends at Paris
    assert tokens[6:10] == [("US", "word"), ("-", "punct"), ("Iran", "word"), ("Iran", "word")]
    assert page.tokens[10].text == "People" and page.tokens[10].possessive


def test_runs_join_particles_abbreviation_stops_and_organisation_connectors():
    text = "Osama bin Laden met Gen. Mohammed al-Askari and the U.N. High Commission for Refugees."
    page = Page(text)
    runs = [" ".join(page.words(first, last)) for first, last in name_runs(page)]
    assert runs == [
        "Osama bin Laden", "Gen . Mohammed al-Askari", "U.N. High Commission for Refugees",
    ]  # fmt: skip


@pytest.mark.parametrize(
    "text,expected,decided_by",
    [
        ("Secretary of State John Kornblum met Minister of Foreign Affairs Ali Velayati.",
         [("John Kornblum", "person"), ("Ali Velayati", "person")], ["title", "title"]),
        ("President Tono Eitel of Germany spoke.",
         [("Tono Eitel", "person"), ("Germany", "place")], ["title", "place-exact"]),
        ("Johnson Controls Inc and Lear Corp signed.",
         [("Johnson Controls Inc", "org"), ("Lear Corp", "org")], ["org-word", "org-word"]),
        ("Spokesman Ali Saleh said the Kia Motor Corp of South Korea would grow.",
         [("Ali Saleh", "person"), ("Kia Motor Corp", "org"), ("South Korea", "place")],
         ["title", "org-word", "place-exact"]),
        ("Officials of the Government of Iraq met.", [("Government of Iraq", "org")],
         ["org-word"]),
        ("Troops in N. Korea and the Middle East waited.",
         [("N. Korea", "place"), ("Middle East", "place")], ["initial-place", "direction"]),
        ("The group, called MKO/MEK/PMOI by its foes, met.",
         [("MKO", "org"), ("MEK", "org"), ("PMOI", "org")], ["acr-once"] * 3),
    ],
)  # fmt: skip
def test_typing_rules(text, expected, decided_by):
    assert found(text) == expected
    assert rules(text) == decided_by


def test_teams_in_score_lines_are_organisations_but_the_venue_stays_a_place():
    text = (
        "BASEBALL - RESULTS\n\nChicago 5 Houston 3\nSeattle 7 Boston 2\n"
        "In Philadelphia, the Phillies lost to Atlanta."
    )
    assert found(text) == [
        ("Chicago", "org"), ("Houston", "org"), ("Seattle", "org"), ("Boston", "org"),
        ("Philadelphia", "place"), ("Phillies", "org"), ("Atlanta", "org"),
    ]  # fmt: skip


def test_a_standings_table_of_four_rows_or_more_names_teams():
    rows = ["SEATTLE 70 63 .526 5", "TEXAS 68 65 .511 7", "BOSTON 66 67 .496 9"]
    text = "STANDINGS\n\n" + "\n".join(rows)
    assert found(text)[0] == ("SEATTLE", "place")  # three rows are a few figures, not a table
    text += "\nDETROIT 60 73 .451 15"
    assert found(text) == [
        ("SEATTLE", "org"),
        ("TEXAS", "org"),
        ("BOSTON", "org"),
        ("DETROIT", "org"),
    ]
    assert set(rules(text)) == {"team"}


def test_without_results_a_city_stays_a_place():
    assert found("Officials from Chicago met officials from Houston.") == [
        ("Chicago", "place"), ("Houston", "place"),
    ]  # fmt: skip


def test_second_pass_a_dateline_in_capitals_names_the_city():
    text = "NEW YORK 1996-08-31\n\nThe New York Yankees beat Baltimore 5-3. New York leads."
    assert found(text)[0] == ("NEW YORK", "place")
    assert rules(text)[0] == "second-pass"


def test_second_pass_a_surname_alone_is_the_person():
    text = "Foreign Minister Hoshyar Zebari spoke. Zebari, 62, left. Later Zebari said no."
    assert ("Zebari", "person") in found(text)
    assert found(text).count(("Zebari", "person")) == 2
