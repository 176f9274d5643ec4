"""Searching the fixture index: ranking, highlighting, fields, dates, sorting, facets, escaping."""

import pytest

from indexer.query import QueryError
from indexer.results import Marked


def titles(results):
    return [hit.title for hit in results.hits]


def shown(text: Marked) -> str:
    """Marked text with its marks written as <mark>…</mark>, to assert on what is marked."""
    return "".join(f"<mark>{piece}</mark>" if hit else piece for piece, hit in text.parts())


def test_title_match_ranks_above_body_match(engine):
    results = engine.search("refugees")
    assert titles(results)[:2] == ["Refugees leave the camp", "Border crossing reopens"]
    assert results.total == 2


def test_stemmed_matches_are_marked(engine):
    hit = engine.search("refugee").hits[1]
    assert "<mark>refugees</mark> could cross" in shown(hit.snippet)
    assert shown(hit.snippet).count("<mark>") == 2


def test_phrase_words_are_marked(engine):
    hit = engine.search('"camp near Baghdad"').hits[0]
    assert hit.title == "Border crossing reopens"
    assert "<mark>camp</mark> <mark>near</mark> <mark>Baghdad</mark>" in shown(hit.snippet)


def test_title_is_marked_for_the_page(engine):
    hit = engine.search("refugees").hits[0]
    assert shown(hit.marked_title) == "<mark>Refugees</mark> leave the camp"


@pytest.mark.parametrize(
    "alias", ["PMOI", "MKO", "MEK", '"mojahedin khalq"', '"People\'s Mujahedeen of Iran"']
)
def test_entity_query_finds_every_alias(engine, alias):
    results = engine.search(f"entity:{alias}")
    assert sorted(titles(results)) == [
        "A note without a date",
        "MKO members protest in Paris",
        "PMOI statement on Ashraf",
    ]
    assert all("People's Mojahedin Organization of Iran" in hit.entities for hit in results.hits)


def test_unknown_entity_finds_nothing(engine):
    assert engine.search("entity:Hezbollah").total == 0


@pytest.mark.parametrize(
    "query, expected",
    [
        ("date:2011", ["Border crossing reopens", "Refugees leave the camp"]),
        ("date:2011-04", ["Refugees leave the camp"]),
        ("date:2011-04-08", ["Refugees leave the camp"]),
        ("date:[2011-01-01 to 2011-06-30]", ["Border crossing reopens", "Refugees leave the camp"]),
        ("date:[2011-05 to]", ["Border crossing reopens", "MKO members protest in Paris"]),
        (
            "date:[to 2011-04]",
            ['Camp <script>alert("title")</script> report', "Refugees leave the camp"],
        ),
        ("date:2009", []),
    ],
)
def test_date_queries(engine, query, expected):
    assert sorted(titles(engine.search(query, pagelen=50))) == sorted(expected)


@pytest.mark.parametrize(
    "query, expected",
    [
        ("title:refugees", ["Refugees leave the camp"]),
        ("body:refugees", ["Border crossing reopens"]),
        ("source:wire", ["Refugees leave the camp", "A note without a date"]),
        (
            "refugees OR paris",
            ["Refugees leave the camp", "Border crossing reopens", "MKO members protest in Paris"],
        ),
        (
            "camp NOT baghdad",
            ["Refugees leave the camp", 'Camp <script>alert("title")</script> report'],
        ),
        ("(paris OR baghdad) refugees", ["Border crossing reopens"]),
        ("refug*", ["Refugees leave the camp", "Border crossing reopens"]),
        ("baghdat~", ["Border crossing reopens"]),
    ],
)
def test_query_forms_find_the_right_clippings(engine, query, expected):
    assert sorted(titles(engine.search(query, pagelen=50))) == sorted(expected)


def test_newest_and_oldest_put_undated_last(engine):
    newest = engine.search("", sort="newest", pagelen=50)
    assert [h.date for h in newest.hits] == [
        "2012-02-01", "2011-06-30", "2011-04-08", "2010-12-01", None, None,
    ]  # fmt: skip
    oldest = engine.search("", sort="oldest", pagelen=50)
    assert [h.date for h in oldest.hits] == [
        "2010-12-01", "2011-04-08", "2011-06-30", "2012-02-01", None, None,
    ]  # fmt: skip


def test_empty_query_lists_newest_first(engine):
    results = engine.search("")
    assert results.sort == "newest"
    assert results.total == 6
    assert results.hits[0].title == "MKO members protest in Paris"


def test_pages(engine):
    first = engine.search("", pagelen=4)
    second = engine.search("", page=2, pagelen=4)
    assert (first.total, first.pages, second.page) == (6, 2, 2)
    assert len(first.hits) == 4 and len(second.hits) == 2
    assert not set(titles(first)) & set(titles(second))
    assert engine.search("", page=9, pagelen=4).hits == []


def test_facets_count_all_matches_not_just_the_page(engine):
    results = engine.search("", pagelen=1)
    entities = {f.value: f.count for f in results.facets["entities"]}
    assert entities["People's Mojahedin Organization of Iran"] == 3
    assert entities["Camp Ashraf"] == 1
    assert {f.value: f.count for f in results.facets["sources"]}["Example Wire"] == 2
    assert [(f.value, f.count) for f in results.facets["years"]] == [
        ("2010", 1), ("2011", 2), ("2012", 1),
    ]  # fmt: skip


def test_clipping_text_is_escaped_everywhere(engine):
    hit = engine.search("markup onerror").hits[0]
    assert hit.title == 'Camp <script>alert("title")</script> report'
    # The engine returns text and spans, never markup; the page escapes it (test_webui.py).
    assert "<img src=x <mark>onerror</mark>=alert(1)>" in shown(hit.snippet)
    assert {hit.snippet.text[s:e].lower() for s, e in hit.snippet.marks} == {"onerror", "markup"}


def test_hit_fields(engine):
    hit = engine.search("markup").hits[0]
    assert hit.id == "markup.html#1"
    assert (hit.date, hit.source, hit.url, hit.path) == (
        "2010-12-01", "Example & Sons", "https://example.org/markup-report", "markup.html",
    )  # fmt: skip
    digest = engine.search("title:paris").hits[0]
    assert digest.id == "mek-digest.txt#1"
    assert digest.collection == "Exile press digest"


def test_json_shape(engine):
    data = engine.search("refugees").to_json()
    assert set(data) == {
        "query", "total", "page", "pages", "sort", "hits", "facets", "expanded", "timeline",
        "undated_left_out", "grouped", "distinct", "suggestion", "showing_suggestion", "relaxed",
    }  # fmt: skip
    assert set(data["hits"][0]) == {
        "id", "title", "date", "source", "url", "path",
        "collection", "entities", "score", "snippet", "date_source", "snippet_marks",
        "title_marks", "group", "similar", "missing",
    }  # fmt: skip
    hit = data["hits"][0]
    assert hit["title"] == "Refugees leave the camp" and hit["title_marks"] == [[0, 8]]
    assert all(hit["snippet"][s:e].lower().startswith("refugee") for s, e in hit["snippet_marks"])
    assert set(data["facets"]) == {"entities", "people", "orgs", "places", "sources", "years"}


def test_clipping_detail_marks_all_matches(engine):
    detail = engine.clipping("refugees-body.txt#1", "refugees")
    assert shown(detail.body).count("<mark>refugees</mark>") == 2
    assert detail.hit.title == "Border crossing reopens"
    assert engine.clipping("refugees-body.txt#1").body.text.startswith("Officials said")
    assert engine.clipping("nope.txt#1") is None


def test_malformed_query_raises(engine):
    with pytest.raises(QueryError):
        engine.search('"unclosed')


def test_words_run_together_after_a_full_stop_are_still_found(engine):
    hit = engine.search("morning").hits[0]
    assert "Friday <mark>morning</mark>.Then" in shown(hit.snippet)


def test_a_name_finds_the_entitys_other_names_exact_words_first(engine):
    results = engine.search("PMOI")
    assert titles(results)[0] == "PMOI statement on Ashraf"
    assert sorted(titles(results)[1:]) == ["A note without a date", "MKO members protest in Paris"]
    assert "<mark>MKO</mark>" in shown(results.hits[1].snippet) + shown(results.hits[2].snippet)
    assert results.expanded[0].term == "PMOI"
    assert engine.search("PMOI", expand=False).total == 1
    assert engine.search("=PMOI").total == 1


def test_entity_listing(engine):
    listed = {e.name: e for e in engine.entities()}
    mek = listed["People's Mojahedin Organization of Iran"]
    assert (mek.type, mek.count, mek.in_gazetteer) == ("org", 3, True)
    assert {"MEK", "MKO", "PMOI"} <= set(mek.aliases)


def test_timeline_counts_all_matches_by_year_when_the_span_is_long(engine):
    results = engine.search("", pagelen=1)
    assert [(p.period, p.count) for p in results.timeline] == [
        ("2010", 1), ("2011", 2), ("2012", 1),
    ]  # fmt: skip


def test_timeline_is_by_month_within_two_years_with_empty_months(engine):
    results = engine.search("refugees")
    assert [(p.period, p.count) for p in results.timeline] == [
        ("2011-04", 1), ("2011-05", 0), ("2011-06", 1),
    ]  # fmt: skip


def test_undated_matches_left_out_by_a_date_filter_are_counted(engine):
    assert engine.search("date:2011").undated_left_out == 2
    assert engine.search("entity:MKO date:2012").undated_left_out == 2
    assert engine.search("refugees date:2011").undated_left_out == 0
    assert engine.search("refugees").undated_left_out is None


def test_undated_yes_and_no(engine):
    assert sorted(titles(engine.search("undated:yes"))) == [
        "A note without a date",
        "PMOI statement on Ashraf",
    ]
    assert engine.search("undated:no").total == 4


def test_relative_dates_find_nothing_old(engine):
    assert engine.search('date:"last 30 days"').total == 0
    assert engine.search('date:"last 20 years"').total == 4


def test_hits_say_where_their_date_came_from(engine):
    hits = {h.title: h for h in engine.search("", pagelen=10).hits}
    assert hits["Refugees leave the camp"].date_source == "header"
    assert hits['Camp <script>alert("title")</script> report'].date_source == "metadata"
    assert hits["A note without a date"].date_source is None


def test_export_streams_every_match_in_order(engine):
    rows = list(engine.export("", sort="oldest"))
    assert [r.date for r in rows] == [
        "2010-12-01",
        "2011-04-08",
        "2011-06-30",
        "2012-02-01",
        None,
        None,
    ]
    assert [r.title for r in engine.export("refugees")] == [
        "Refugees leave the camp",
        "Border crossing reopens",
    ]


def test_phrase_words_are_marked_only_where_the_phrase_stands(engine):
    hit = engine.search('"more refugees"').hits[0]
    assert "<mark>more</mark> <mark>refugees</mark>" in shown(hit.snippet)
    assert "said refugees could" in shown(hit.snippet)  # the same word outside the phrase: unmarked


def test_entities_of_one_type_containing_some_text_in_either_order(engine):
    everyone = engine.entities()
    assert [e.count for e in everyone] == sorted((e.count for e in everyone), reverse=True)
    orgs = engine.entities(kind="org")
    assert orgs and all(e.type == "org" for e in orgs)
    found = engine.entities(containing="mko")  # an alias, any case
    assert [e.name for e in found] == ["People's Mojahedin Organization of Iran"]
    by_name = engine.entities(order="name")
    assert [e.name.casefold() for e in by_name] == sorted(e.name.casefold() for e in by_name)
    assert all(not e.in_gazetteer for e in engine.entities(discovered=True))


def test_a_search_parses_its_query_once(engine, monkeypatch):
    from whoosh.qparser import QueryParser

    calls = []
    process = QueryParser.process
    monkeypatch.setattr(
        QueryParser,
        "process",
        lambda self, text, *a, **k: calls.append(text) or process(self, text, *a, **k),
    )
    results = engine.search("PMOI refugees date:[2010 to 2012]")
    assert len(calls) == 1  # name expansion and the undated count work on the tree
    assert results.expanded and results.undated_left_out is not None
    assert [chip.field for chip in results.filters] == ["date"]
    assert results.undated_query == "PMOI refugees undated:yes"


def test_no_engine_module_reads_query_text_with_regular_expressions():
    import ast
    from pathlib import Path

    engine = Path(__file__).resolve().parents[1] / "indexer"
    for name in ("search.py", "expand.py", "searcher.py", "highlighting.py", "facets.py"):
        tree = ast.parse((engine / name).read_text(encoding="utf-8"))
        imported = {
            alias.name
            for node in ast.walk(tree)
            if isinstance(node, ast.Import | ast.ImportFrom)
            for alias in node.names
        } | {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
        assert "re" not in imported, name
