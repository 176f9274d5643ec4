"""More like this (indexer/similar.py): key terms, the five most similar clippings outside the
clipping's near-duplicate group, the clipping page and /api/similar."""

from __future__ import annotations

import pytest

from indexer.search import SearchEngine
from webui.app import create_app

RAID = "pages/ashraf-raid-2011-04-08.html#1"
PAIR = ("mek-camp-ashraf.txt#8", "mek-camp-ashraf.txt#9")


@pytest.fixture(scope="module")
def sample_engine(sample_index):
    engine = SearchEngine(sample_index)
    yield engine
    engine.close()


@pytest.fixture()
def sample_client(sample_index):
    return create_app({"INDEX_DIR": str(sample_index), "TESTING": True}).test_client()


def test_five_similar_clippings_best_first_never_itself(sample_engine):
    like = sample_engine.similar(RAID)
    assert len(like.hits) == 5 and RAID not in {h.id for h in like.hits}
    scores = [h.score for h in like.hits]
    assert scores == sorted(scores, reverse=True) and all(s > 0 for s in scores)
    assert all(word == word.lower() for word in like.query.split(" OR ")) and " OR " in like.query
    assert len(sample_engine.similar(RAID, count=2).hits) == 2


@pytest.mark.parametrize("clipping", PAIR)
def test_similar_clippings_leave_out_the_duplicate_group(sample_engine, clipping):
    ids = {h.id for h in sample_engine.similar(clipping).hits}
    assert not ids & set(PAIR) and ids


def test_the_more_like_this_search_finds_the_similar_clippings(sample_engine):
    like = sample_engine.similar(RAID)
    found = {h.id for h in sample_engine.search(like.query, pagelen=50, group=False).hits}
    assert {h.id for h in like.hits} <= found


def test_an_unknown_clipping_has_no_similar_ones(sample_engine, sample_client):
    assert sample_engine.similar("nope.txt#1") is None
    response = sample_client.get("/api/similar/nope.txt%231")
    assert response.status_code == 404 and "nope.txt#1" in response.get_json()["error"]


def test_api_similar_is_json(sample_client):
    data = sample_client.get(f"/api/similar/{RAID.replace('#', '%23')}").get_json()
    assert data["id"] == RAID and len(data["hits"]) == 5 and data["query"]
    assert {"id", "title", "date", "source", "score", "snippet"} <= set(data["hits"][0])


def test_the_clipping_page_lists_similar_clippings_and_links_the_search(sample_client):
    page = sample_client.get(f"/clipping/{RAID.replace('#', '%23')}").get_data(as_text=True)
    assert "<h2>Similar clippings</h2>" in page
    assert page.count("/clipping/", page.index("Similar clippings")) >= 5
    assert 'class="more-like-this-search" href="/?q=' in page and "+OR+" in page
