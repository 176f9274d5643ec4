"""One hit per near-duplicate group (indexer/collapse.py) in every front end: the engine, the
page, the JSON API, the exports and the CLI; totals count clippings, pages count hits."""

from __future__ import annotations

import csv
import io
import json

import pytest
from click.testing import CliRunner

from clippings.cli import main
from indexer.search import SearchEngine
from indexer.update import update_index
from tests.conftest import FIXTURES, copy_corpus
from webui.app import create_app

WIRE = {"wire-original.txt#1", "wire-reprint-daily.txt#1", "wire-reprint-herald.txt#1"}


@pytest.fixture(scope="module")
def duplicates_index(tmp_path_factory):
    root = tmp_path_factory.mktemp("duplicates")
    corpus = copy_corpus(FIXTURES / "duplicates", root / "corpus")
    update_index(corpus, root / "index")
    return root / "index"


@pytest.fixture(scope="module")
def dup_engine(duplicates_index):
    engine = SearchEngine(duplicates_index)
    yield engine
    engine.close()


@pytest.fixture()
def dup_client(duplicates_index):
    return create_app({"INDEX_DIR": str(duplicates_index), "TESTING": True}).test_client()


def test_a_reprinted_story_is_one_hit_listing_its_copies(dup_engine):
    results = dup_engine.search("flood")
    assert (results.total, results.distinct, results.pages, len(results.hits)) == (3, 1, 1, 1)
    hit = results.hits[0]
    assert {hit.id, *(m.id for m in hit.similar)} == WIRE
    assert [m.date for m in hit.similar] == sorted(m.date for m in hit.similar)  # oldest first
    assert hit.group in WIRE and results.grouped


def test_the_switch_shows_every_clipping(dup_engine):
    results = dup_engine.search("flood", group=False)
    assert {h.id for h in results.hits} == WIRE and results.total == results.distinct == 3
    assert all(not h.similar and h.group for h in results.hits) and not results.grouped


def test_facets_count_clippings_and_pages_count_hits(dup_engine):
    grouped, every = dup_engine.search("", pagelen=2), dup_engine.search("", pagelen=2, group=0)
    assert grouped.facets == every.facets and grouped.total == every.total == 5
    assert (grouped.distinct, grouped.pages, every.pages) == (3, 2, 3)
    second = dup_engine.search("", pagelen=2, page=2)
    shown = [h.id for page in (grouped, second) for h in page.hits]
    copies = [m.id for page in (grouped, second) for h in page.hits for m in h.similar]
    assert (
        len(shown) == 3
        and sorted(shown + copies) == sorted({*shown, *copies})
        and (len(shown + copies) == 5)
    )


def test_the_sample_archive_pair_is_one_hit_with_one_similar_clipping(sample_index):
    engine = SearchEngine(sample_index)
    try:
        hits = engine.search("families members").hits
        pair = [h for h in hits if "members’ families" in h.title]
        assert len(pair) == 1
        assert len(pair[0].similar) == 1
        titles = {pair[0].title, pair[0].similar[0].title}
        assert titles == {"MKO against members’ families", "MKO Violence against members’ families"}
    finally:
        engine.close()


def test_the_page_expands_the_group_in_place_without_javascript(dup_client):
    page = dup_client.get("/?q=flood").get_data(as_text=True)
    assert page.count('<li class="hit">') == 1
    assert "<summary>2 similar clippings</summary>" in page
    assert "/clipping/wire-reprint-herald.txt%231" in page or "wire-reprint-herald.txt#1" in page
    assert "show every clipping" in page and "group=0" in page
    every = dup_client.get("/?q=flood&group=0").get_data(as_text=True)
    assert every.count('<li class="hit">') == 3 and '<details class="similar"' not in every
    assert "group near-duplicates" in every
    assert "group=0" in dup_client.get("/?q=&group=0").get_data(as_text=True)  # links keep it


def test_json_api_carries_the_group(dup_client):
    data = dup_client.get("/api/search?q=flood").get_json()
    (hit,) = data["hits"]
    assert {hit["id"], *(m["id"] for m in hit["similar"])} == WIRE
    assert hit["group"] in WIRE and data["total"] == 3 and data["distinct"] == 1
    every = dup_client.get("/api/search?q=flood&group=0").get_json()
    assert len(every["hits"]) == 3 and {h["group"] for h in every["hits"]} == {hit["group"]}


@pytest.mark.parametrize("kind", ["csv", "json"])
def test_exports_list_every_clipping_with_its_group(dup_client, kind):
    text = dup_client.get(f"/export.{kind}?q=flood").get_data(as_text=True)
    rows = list(csv.DictReader(io.StringIO(text))) if kind == "csv" else json.loads(text)["hits"]
    assert {r["id"] for r in rows} == WIRE and len({r["group"] for r in rows}) == 1
    others = dup_client.get(f"/export.{kind}?q=market").get_data(as_text=True)
    assert "herald-market.txt#1" in others


def test_cli_lists_the_copies_and_all_copies_shows_each(duplicates_index):
    runner = CliRunner()
    shown = runner.invoke(main, ["search", "--index", str(duplicates_index), "flood"])
    assert shown.exit_code == 0 and "2 similar clippings: " in shown.output
    every = runner.invoke(
        main, ["search", "--index", str(duplicates_index), "--all-copies", "--json", "flood"]
    )
    assert {h["id"] for h in json.loads(every.output)["hits"]} == WIRE


def _story(number: int) -> str:
    """A flood story of its own words: no two stories are near-duplicates of each other."""
    words = " ".join(f"river{number}word{i}" for i in range(80))
    return f"Flood waters cut the road. {words}."


@pytest.fixture(scope="module")
def reprints_engine(tmp_path_factory):
    """Nine flood stories, each reprinted by five papers on different days, and ten clippings
    about other things: many more copies than a page holds."""
    root = tmp_path_factory.mktemp("reprints")
    corpus = root / "corpus"
    corpus.mkdir()
    for story in range(9):
        for paper in range(5):
            day = f"2011-03-{story + paper + 1:02d}"
            header = f"Flood story {story}\nDate: {day}\nSource: Paper {paper}\n\n"
            (corpus / f"story{story}-{paper}.txt").write_text(header + _story(story))
    for number in range(10):
        header = f"Market report {number}\nDate: 2011-04-{number + 1:02d}\n\n"
        (corpus / f"market-{number}.txt").write_text(header + _story(100 + number))
    update_index(corpus, root / "index")
    engine = SearchEngine(root / "index")
    yield engine
    engine.close()


@pytest.mark.parametrize("sort", ["relevance", "newest", "oldest"])
@pytest.mark.parametrize("query", ["flood", "", "date:2011-03"])
def test_pages_ranked_a_few_at_a_time_are_those_of_ranking_every_match(
    reprints_engine, monkeypatch, sort, query
):
    def pages(engine):
        first = engine.search(query, 1, sort, pagelen=2)
        assert first.distinct < first.total  # copies collapse away
        return [
            [(h.id, h.score, [m.id for m in h.similar]) for h in
             engine.search(query, page, sort, pagelen=2).hits]
            for page in range(1, first.pages + 2)  # and one page past the last
        ]  # fmt: skip

    monkeypatch.setattr("indexer.search.RANKED_AHEAD", 0)
    few = pages(reprints_engine)
    monkeypatch.setattr("indexer.search.RANKED_AHEAD", 10**9)
    assert few == pages(reprints_engine)
    assert len(few) > 5 and few[-1] == []
