"""Query expansion by names: other names of an entity, other spellings of a name word."""

import pytest

from indexer.clipping import Mention
from indexer.expand import SpellingVariants, expand_names, without_verbatim_marks
from indexer.names.gazetteer import Entity, Gazetteer
from indexer.names.table import EntityTable
from indexer.query import parse_query
from indexer.schema import clipping_schema

MEK = "People's Mojahedin Organization of Iran"


@pytest.fixture(scope="module")
def table():
    table = EntityTable(Gazetteer([Entity(MEK, "org", ["MEK", "PMOI", "Mojahedin Khalq"])]))
    table.add([Mention("Camp Ashraf", "place")], [])
    return table


def test_a_known_alias_is_ored_with_the_other_names(table):
    text, expansions = expand_names("PMOI camp", table)
    assert text == f'(PMOI OR "{MEK}"^0.5 OR "MEK"^0.5 OR "Mojahedin Khalq"^0.5) camp'
    assert [(e.term, e.also) for e in expansions] == [("PMOI", [MEK, "MEK", "Mojahedin Khalq"])]


def test_multiword_names_are_found_unquoted_and_quoted(table):
    assert expand_names("mojahedin khalq", table)[0].startswith(f'("mojahedin khalq" OR "{MEK}"')
    assert expand_names('"Mojahedin Khalq"', table)[0].startswith(f'("Mojahedin Khalq" OR "{MEK}"')


@pytest.mark.parametrize(
    "text", ["=PMOI", "entity:PMOI", "title:PMOI", "camp ashraf", "NOT iraq", "date:2011"]
)
def test_what_is_not_expanded(table, text):
    expanded, expansions = expand_names(text, table)
    assert expansions == [] and expanded == without_verbatim_marks(text)


def test_expanded_queries_still_parse(table):
    text, _ = expand_names("(PMOI OR iraq) -camp", table)
    assert parse_query(text, clipping_schema(), str) is not None


class Reader:
    """Stands in for an index reader: which terms the index holds."""

    def __init__(self, *terms):
        self.terms = set(terms)

    def doc_frequency(self, fieldname, text):
        return int(text in self.terms)

    def doc_count(self):
        return 1000


def test_spelling_variants_are_only_for_name_words():
    table = EntityTable(Gazetteer([Entity("Mojahedin", "org", ["Mujahedeen", "Mujahideen Front"])]))
    table.add([Mention("Butter Ltd", "org")], [])
    variants = SpellingVariants(table)
    reader = Reader("mojahedin", "mujahedeen", "better", "butter")
    expansions = []
    parsed = parse_query("mujahedin better butter", clipping_schema(), str)
    query = str(variants.expand(parsed, reader, expansions))
    assert "body:mojahedin" in query and "body:mujahedeen" in query
    assert "mujahideen" not in query  # not in the index
    assert "body:better OR" not in query  # "better" is an ordinary word of the index
    assert [(e.term, e.also) for e in expansions] == [("mujahedin", ["mojahedin", "mujahedeen"])]
