"""One parse, then tree transforms: the parser reads a query's text once per search, its plugins
hold all of the query language, and nothing reads the text with a regular expression after it.
"""

import ast
from pathlib import Path

import pytest
from whoosh.qparser import QueryParser

from indexer.clipping import Mention
from indexer.expand import expand_names
from indexer.names.gazetteer import Entity, Gazetteer
from indexer.names.table import EntityTable
from indexer.query import QueryError, parse_query, undated_instead_of_dates, without_dates
from indexer.schema import QUERY_FIELDS, clipping_schema

REPO = Path(__file__).resolve().parents[1]
SCHEMA = clipping_schema()
MEK = "People's Mojahedin Organization of Iran"


@pytest.fixture
def reads(monkeypatch):
    """How many times a QueryParser read query text (tagging it) or was asked to parse."""
    counted = {"tag": 0, "parse": 0}
    tag, parse = QueryParser.tag, QueryParser.parse

    def counting_tag(self, *args, **kwargs):
        counted["tag"] += 1
        return tag(self, *args, **kwargs)

    def counting_parse(self, *args, **kwargs):
        counted["parse"] += 1
        return parse(self, *args, **kwargs)

    monkeypatch.setattr(QueryParser, "tag", counting_tag)
    monkeypatch.setattr(QueryParser, "parse", counting_parse)
    return counted


def test_a_search_with_names_and_a_date_filter_reads_the_text_once(engine, reads):
    results = engine.search("PMOI Ashraf date:[2010 to 2012]")
    assert results.expanded and results.undated_left_out is not None and results.filters
    assert reads == {"tag": 1, "parse": 0}  # expansion, undated count and chips: the tree


@pytest.mark.parametrize(
    "call",
    [
        lambda engine: list(engine.export("PMOI date:2011")),
        lambda engine: engine.clipping("mek-digest.txt#1", "PMOI date:2012"),
        lambda engine: engine.search("", sort="oldest"),
    ],
)
def test_exports_and_clipping_pages_read_the_text_at_most_once(engine, reads, call):
    call(engine)
    assert reads["tag"] <= 1 and reads["parse"] == 0


@pytest.fixture(scope="module")
def table():
    table = EntityTable(Gazetteer([Entity(MEK, "org", ["MEK", "PMOI", "Mojahedin Khalq"])]))
    table.add([Mention("Camp Ashraf", "place")], [])
    return table


def expanded(text: str, table) -> list[str]:
    parsed = parse_query(text, SCHEMA, str)
    return [e.term for e in expand_names(parsed, table)[1]]


@pytest.mark.parametrize(
    "text, terms",
    [
        ("PMOI camp", ["PMOI"]),
        ("mojahedin khalq refugees", ["mojahedin khalq"]),  # a run of bare words, one name
        ("Mojahedin   Khalq", ["Mojahedin Khalq"]),
        ('"Mojahedin Khalq" PMOI', ["Mojahedin Khalq", "PMOI"]),
        ("=PMOI MEK", ["MEK"]),  # `=`: that name only
        ('="Mojahedin Khalq" PMOI', ["PMOI"]),
        ("camp ashraf", []),  # a name with no other names
        ("mojahedin AND khalq", []),  # an operator between the words: not one name
        ("title:PMOI entity:PMOI", []),
        ("(PMOI OR iraq) -camp", ["PMOI"]),
    ],
)
def test_names_expand_on_the_tree(table, text, terms):
    assert expanded(text, table) == terms


def test_a_stop_word_inside_a_name_does_not_break_it():
    table = EntityTable(Gazetteer([Entity("Mojahedin of Iran", "org", ["MEK"])]))
    assert expanded("Mojahedin of Iran said", table) == ["Mojahedin of Iran"]


@pytest.mark.parametrize(
    "text, filters, undated",
    [
        ("refugees date:2011", [("date", "2011", "refugees")], "refugees undated:yes"),
        (
            "Source:Reuters ENTITY:MKO",
            [("source", "Reuters", "ENTITY:MKO"), ("entity", "MKO", "Source:Reuters")],
            "Source:Reuters ENTITY:MKO undated:yes",
        ),
        ('camp date:[2010 to 2011-06] date:"last 30 days"', None, "camp undated:yes"),
        ("camp", [], "camp undated:yes"),
    ],
)
def test_filter_chips_cut_the_clause_out_by_the_parsers_positions(text, filters, undated):
    parsed = parse_query(text, SCHEMA, str)
    if filters is not None:
        assert [(f.field, f.value, rest) for f, rest in parsed.chips()] == filters
    assert f"{parsed.without('date')} undated:yes" == undated


@pytest.mark.parametrize(
    "text, rest",
    [
        ("oil date:2011", "(title:oil^2.5 OR body:oil)"),
        ("oil (gas* OR date:2011)", "((title:oil^2.5 OR body:oil) AND (title:gas* OR body:gas*))"),
        ("oil undated:no", None),
        ("date:2011", "<_NullQuery>"),
        ("oil AND (date:2011 OR date:2012)", "(title:oil^2.5 OR body:oil)"),
        ("oil NOT date:2011", "(title:oil^2.5 OR body:oil)"),
    ],
)
def test_the_undated_count_is_a_tree_transform(text, rest):
    found = without_dates(parse_query(text, SCHEMA, str).query())
    assert (None if found is None else str(found)) == rest


@pytest.mark.parametrize(
    "text", ["camp (refug* OR date:2011)", "(camp* paris) OR (refug* date:2011)"]
)
def test_the_undated_count_of_wildcards_beside_dates(engine, text):
    """The transform reuses the searched tree's wildcard words (and what they matched)."""
    assert engine.search(text).undated_left_out is not None


@pytest.mark.parametrize(
    "text, message",
    [
        ('author:x "open', "unbalanced quotes"),  # quotes are named first, as before
        ("(author:x", "a ( is never closed"),
        ("author:x title:", "unknown field author:"),
        ("title: AND", "title: needs a value right after the colon, e.g. title:refugees"),
        ("date:2011-13 AND", "AND needs a term on both sides"),
        ("date:2011-13 NOT NOT x", "NOT twice in a row"),
        ("-NOT oil", "NOT twice in a row"),
        ("date:(2011 OR 2012)", "date: takes one value, e.g. date:2011"),
        ("Body:", "Body: needs a value"),
    ],
)
def test_the_checks_are_parser_plugins_in_the_old_order(text, message):
    with pytest.raises(QueryError) as raised:
        parse_query(text, SCHEMA, str)
    assert message in str(raised.value) and "\n" not in str(raised.value)


def test_every_declared_field_is_read_in_any_case():
    for name, declared in QUERY_FIELDS.items():
        value = "yes" if declared.kind == "flag" else "2011" if declared.kind == "date" else "x"
        parsed = parse_query(f"{name.upper()}:{value}", SCHEMA, str).query()
        assert {leaf.fieldname for leaf in parsed.leaves()} <= {
            declared.index_field,
            "year",
            "month",
        }


def test_the_unknown_field_message_lists_the_declared_fields():
    with pytest.raises(QueryError) as raised:
        parse_query("author:x", SCHEMA, str)
    for name in ("title:", "body:", "source:", "entity:", "date:", "undated:"):
        assert name in str(raised.value)


# Modules that handle query text (they import the query language) must not read it with
# regular expressions; the query modules use them only in parser plugins and value parsers.
QUERY_MODULES = {"indexer/query.py"}
ALLOWED_IN_QUERY_MODULES = {"date_query", "_date_range", "_date_prefix", "_relative_span"}


def _imports(tree: ast.Module) -> set[str]:
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            names |= {node.module or ""} | {alias.name for alias in node.names}
    return names


def _modules() -> dict[str, ast.Module]:
    paths = [*(REPO / "indexer").rglob("*.py"), *(REPO / "webui").rglob("*.py")]
    return {
        str(path.relative_to(REPO)): ast.parse(path.read_text(encoding="utf-8")) for path in paths
    }


def test_modules_that_handle_query_text_import_no_regular_expressions():
    handling = {
        name
        for name, tree in _modules().items()
        if {"indexer.query", "indexer.expand"} & _imports(tree) and name not in QUERY_MODULES
    }
    assert {"indexer/expand.py", "webui/views.py"} <= handling
    for name in handling:
        assert "re" not in _imports(_modules()[name]), name


def _plugin_class(node: ast.AST) -> bool:
    return isinstance(node, ast.ClassDef) and any(
        isinstance(base, ast.Name) and base.id.endswith(("Plugin", "Tagger")) for base in node.bases
    )


def test_the_query_module_uses_regular_expressions_only_in_plugins_and_value_parsers():
    for name in QUERY_MODULES:
        tree = ast.parse((REPO / name).read_text(encoding="utf-8"))
        patterns = {
            target.id
            for node in tree.body
            if isinstance(node, ast.Assign)
            and isinstance(node.value, ast.Call)
            and ast.unparse(node.value.func) == "re.compile"
            for target in node.targets
        }
        for top in tree.body:
            targets = {t.id for t in getattr(top, "targets", []) if isinstance(t, ast.Name)}
            if targets & patterns:
                continue  # a pattern's own definition
            allowed = _plugin_class(top) or getattr(top, "name", None) in ALLOWED_IN_QUERY_MODULES
            for node in ast.walk(top):
                uses = isinstance(node, ast.Name) and node.id in patterns | {"re"}
                assert allowed or not uses, f"{name}: {ast.unparse(top).splitlines()[0]}"


@pytest.mark.parametrize(
    "text, chips",
    [
        ("oil AND (date:2011 entity:MKO)", ["date", "entity"]),
        ("oil OR date:2011", []),
        ("oil NOT date:2011", []),
        ("oil -source:reuters", []),
        ("(source:reuters OR gas) date:2011", ["date"]),
    ],
)
def test_only_clauses_that_narrow_the_whole_query_are_chips(text, chips):
    parsed = parse_query(text, SCHEMA, str)
    assert [f.field for f, _ in parsed.chips()] == chips


@pytest.mark.parametrize(
    "text, undated",
    [
        ("oil date:2011", "((title:oil^2.5 OR body:oil) AND UndatedFilter(Term('undated', '1')))"),
        ('date:"last 30 days"', "UndatedFilter(Term('undated', '1'))"),
        ("oil", None),
    ],
)
def test_the_undated_clippings_a_date_leaves_out_are_found_by_a_tree_transform(text, undated):
    found = undated_instead_of_dates(parse_query(text, SCHEMA, str).query())
    assert (None if found is None else str(found)) == undated
