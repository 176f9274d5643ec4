"""Query expansion by names: other names of an entity, other spellings of a name word."""

import pytest
from whoosh import query

from indexer.bm25f import CombinedFields
from indexer.clipping import Mention
from indexer.expand import SpellingVariants, expand_names
from indexer.names.gazetteer import Entity, Gazetteer
from indexer.names.table import EntityTable
from indexer.query import parse_query
from indexer.schema import clipping_schema

MEK = "People's Mojahedin Organization of Iran"
SCHEMA = clipping_schema()


@pytest.fixture(scope="module")
def table():
    table = EntityTable(Gazetteer([Entity(MEK, "org", ["MEK", "PMOI", "Mojahedin Khalq"])]))
    table.add([Mention("Camp Ashraf", "place")], [])
    return table


def expanded(text: str, table) -> tuple[str, list]:
    """The query run for `text` with names expanded, and the expansions."""
    parsed = parse_query(text, SCHEMA, str)
    tree, expansions = expand_names(parsed, table)
    return str(parsed.query(tree)), [(e.term, e.also) for e in expansions]


def as_typed(text: str) -> str:
    return str(parse_query(text, SCHEMA, str).query())


def best_of(text: str) -> str:
    """`as_typed(text)` with each OR scored as its best part: how a name's forms are searched
    (a name counts once, however many of its forms a clipping uses)."""

    def best(q: query.Query) -> query.Query:
        if isinstance(q, query.Or):
            return query.DisjunctionMax([best(part) for part in q.subqueries], boost=q.boost)
        return q if q.is_leaf() or isinstance(q, CombinedFields) else q.apply(best)

    return str(best(parse_query(text, SCHEMA, str).query()).normalize())


def test_a_known_alias_is_ored_with_the_other_names_at_half_weight(table):
    query, expansions = expanded("PMOI camp", table)
    assert expansions == [("PMOI", [MEK, "MEK", "Mojahedin Khalq"])]
    assert query == best_of(f'(PMOI OR "{MEK}"^0.5 OR "MEK"^0.5 OR "Mojahedin Khalq"^0.5) camp')


def test_multiword_names_are_found_unquoted_and_quoted(table):
    others = f'"{MEK}"^0.5 OR "MEK"^0.5 OR "PMOI"^0.5'
    assert expanded("mojahedin khalq", table)[0] == best_of(f'("mojahedin khalq" OR {others})')
    assert expanded('"Mojahedin Khalq"', table)[0] == best_of(f'("Mojahedin Khalq" OR {others})')


def test_names_inside_brackets_and_ors_are_expanded(table):
    query, expansions = expanded("(PMOI OR iraq) camp", table)
    assert [term for term, _ in expansions] == ["PMOI"] and "mojahedin" in query


@pytest.mark.parametrize(
    "text",
    ["=PMOI", '="Mojahedin Khalq"', "entity:PMOI", "title:PMOI", "camp ashraf", "NOT PMOI",
     "-PMOI", "iraq ANDNOT PMOI", "date:2011", "PMOI*"],
)  # fmt: skip
def test_what_is_not_expanded(table, text):
    query, expansions = expanded(text, table)
    assert expansions == [] and query == as_typed(text)


def test_expansion_leaves_the_parse_as_it_was(table):
    parsed = parse_query("PMOI camp", SCHEMA, str)
    before = str(parsed.query())
    expand_names(parsed, table)
    assert str(parsed.query()) == before


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
    parsed = parse_query("mujahedin better butter", SCHEMA, str).query()
    query = str(variants.expand(parsed, reader, expansions))
    assert "body:mojahedin" in query and "body:mujahedeen" in query
    assert "mujahideen" not in query  # not in the index
    assert "body:better OR" not in query  # "better" is an ordinary word of the index
    assert [(e.term, e.also) for e in expansions] == [("mujahedin", ["mojahedin", "mujahedeen"])]
