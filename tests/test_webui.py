"""The search page, the clipping page and the JSON API through Flask's test client."""

import csv
import io
import json
import shutil

import feedparser
import pytest
from flask import url_for
from hypothesis import given, settings
from hypothesis import strategies as st

from indexer.update import update_index
from tests.conftest import FIXTURES
from webui.app import create_app
from webui.views import clipping_url, entity_url


def test_search_page_lists_ranked_highlighted_results(client):
    page = client.get("/?q=refugees").get_data(as_text=True)
    assert "2 clippings match <strong>refugees</strong>" in page
    assert page.index("<mark>Refugees</mark> leave the camp") < page.index(
        "Border crossing reopens"
    )
    assert 'value="refugees"' in page
    assert "<mark>refugees</mark> could cross" in page


def test_empty_query_lists_newest(client):
    page = client.get("/").get_data(as_text=True)
    assert "6 clippings, newest first" in page
    assert page.index("MKO members protest in Paris") < page.index("Refugees leave the camp")
    assert page.count('class="date">undated<') == 2


def test_zero_results_says_so_and_shows_help(client):
    page = client.get("/?q=zanzibar").get_data(as_text=True)
    assert "No clippings match <strong>zanzibar</strong>" in page
    assert "Query syntax" in page


@pytest.mark.parametrize("query", ['"unclosed', "author:x", "date:2011-13"])
def test_malformed_query_gets_a_message_not_a_500(client, query):
    response = client.get("/", query_string={"q": query})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Could not read that query" in page
    assert "Query syntax" in page


def test_pagination_links(app, client):
    app.config["PAGE_SIZE"] = 4
    page = client.get("/?q=&sort=oldest").get_data(as_text=True)
    assert 'href="/?q=&amp;sort=oldest&amp;page=2"' in page
    second = client.get("/?q=&sort=oldest&page=2").get_data(as_text=True)
    assert '<strong aria-current="page">2</strong>' in second
    assert "A note without a date" in second and "MKO members protest in Paris" not in second


def test_sort_links_keep_the_query(client):
    page = client.get("/?q=camp").get_data(as_text=True)
    assert 'href="/?q=camp&amp;sort=newest"' in page


def test_facets_link_to_narrowed_searches(client):
    page = client.get("/?q=").get_data(as_text=True)
    assert 'People&#39;s Mojahedin Organization of Iran</a> <span class="count">3</span>' in page
    assert "/?q=entity%3A%22Camp+Ashraf%22" in page


def test_markup_in_clippings_is_shown_as_text(client):
    page = client.get("/?q=markup").get_data(as_text=True)
    assert "<script>alert" not in page
    assert (
        "&lt;script&gt;alert(&#34;title&#34;)&lt;/script&gt;" in page
        or '&lt;script&gt;alert("title")&lt;/script&gt;' in page
    )
    assert "<img src=x" not in page
    detail = client.get("/clipping/markup.html%231?q=markup").get_data(as_text=True)
    assert "<script>alert" not in detail and "<img src=x" not in detail
    assert "&lt;img src=x onerror=alert(1)&gt;" in detail


def test_clipping_page_shows_text_metadata_and_original_link(client):
    response = client.get("/clipping/refugees-body.txt%231?q=refugees")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert page.count("<mark>refugees</mark>") == 2
    assert "Other Paper" in page and "2011-06-30" in page
    markup = client.get("/clipping/markup.html%231").get_data(as_text=True)
    assert 'href="https://example.org/markup-report"' in markup


def test_missing_clipping_is_404(client):
    response = client.get("/clipping/nope.txt%231")
    assert response.status_code == 404
    assert "Clipping nope.txt#1 doesn&#39;t exist." in response.get_data(as_text=True)


def test_api_expansion(client):
    data = client.get("/api/search?q=PMOI").get_json()
    assert data["total"] == 3
    assert data["expanded"][0]["term"] == "PMOI"
    assert "MKO" in data["expanded"][0]["also"]
    assert data["hits"][0]["title"] == "PMOI statement on Ashraf"  # the word as typed first
    assert client.get("/api/search?q=PMOI&expand=0").get_json()["total"] == 1


def test_api_search(client):
    data = client.get("/api/search?q=entity:MKO&sort=newest").get_json()
    assert data["total"] == 3 and data["sort"] == "newest"
    assert data["hits"][0]["title"] == "MKO members protest in Paris"
    assert data["hits"][0]["snippet"]
    assert data["facets"]["entities"][0]["value"] == "People's Mojahedin Organization of Iran"


def test_api_malformed_query_is_400_json(client):
    response = client.get("/api/search", query_string={"q": "(camp"})
    assert response.status_code == 400
    assert response.get_json() == {"error": "unbalanced parentheses: a ( is never closed"}


def test_api_bad_page_number_falls_back_to_page_1(client):
    assert client.get("/api/search?q=camp&page=zero").get_json()["page"] == 1


def test_missing_index_is_a_clear_503(tmp_path):
    from webui.app import create_app

    client = create_app({"INDEX_DIR": str(tmp_path / "none")}).test_client()
    response = client.get("/")
    assert response.status_code == 503
    assert "run `clippings index` first" in response.get_data(as_text=True)
    assert client.get("/api/search?q=x").get_json()["error"].startswith("no index")


def test_timeline_is_a_chart_of_all_matches_with_counts_and_links(client):
    page = client.get("/?q=").get_data(as_text=True)
    chart = page[page.index('<section class="timeline"') : page.index("</section>")]
    assert chart.count('<a class="bar') == 3
    assert 'aria-label="2011: 2 clippings"' in chart
    assert 'href="/?q=date%3A2011"' in chart
    assert chart.count('tabindex="-1"') == 2  # one Tab stop
    assert "Clippings per year, 2010 to 2012" in chart


def test_undated_clippings_left_out_by_a_date_filter_are_announced(client):
    page = client.get("/?q=date:2011").get_data(as_text=True)
    assert "2 undated clippings match the rest of the query but have no date" in page
    assert 'href="/?q=undated%3Ayes"' in page


def test_results_page_links_its_feed_and_exports(client):
    page = client.get("/?q=refugees").get_data(as_text=True)
    assert '<link rel="alternate" type="application/atom+xml"' in page
    assert 'href="/feed.atom?q=refugees"' in page
    assert 'href="/export.csv?q=refugees&amp;sort=relevance"' in page


def test_feed_is_valid_atom_with_the_newest_matches(client):
    response = client.get("/feed.atom?q=entity:MKO")
    assert response.mimetype == "application/atom+xml"
    feed = feedparser.parse(response.get_data())
    assert feed.bozo == 0, feed.get("bozo_exception")
    assert feed.version == "atom10"
    assert feed.feed.title == "Clippings: entity:MKO"
    titles = [entry.title for entry in feed.entries]
    assert titles[0] == "MKO members protest in Paris"  # newest first, undated last
    assert len(titles) == 3
    assert feed.entries[0].link == "/clipping/mek-digest.txt%231"  # relative: no Host trusted
    assert feed.entries[0].published.startswith("2012-02-01")


def test_feed_escapes_clipping_markup(client):
    body = client.get("/feed.atom?q=markup").get_data(as_text=True)
    assert "<script>" not in body and "<img" not in body
    entry = feedparser.parse(body).entries[0]
    assert entry.title == 'Camp <script>alert("title")</script> report'


def test_feed_of_a_malformed_query_is_400(client):
    assert client.get("/feed.atom?q=(camp").status_code == 400


def test_csv_export_has_every_match_with_filters_and_sort(client):
    response = client.get("/export.csv?q=undated:no&sort=oldest")
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert [r["date"] for r in rows] == ["2010-12-01", "2011-04-08", "2011-06-30", "2012-02-01"]
    assert rows[0]["title"] == 'Camp <script>alert("title")</script> report'
    assert rows[1]["date_source"] == "header"


def test_json_export_streams_a_valid_document(client):
    data = json.loads(client.get("/export.json?q=refugees").get_data(as_text=True))
    assert data["query"] == "refugees"
    assert [h["title"] for h in data["hits"]] == [
        "Refugees leave the camp",
        "Border crossing reopens",
    ]


def test_export_of_a_malformed_query_is_400(client):
    assert client.get("/export.csv?q=date:2011-13").status_code == 400


@pytest.mark.parametrize("page", ["x", "-3", "9" * 40])
def test_entity_page_reads_its_page_number_like_the_search_page(client, engine, page):
    name = engine.entities()[0].name
    assert client.get(f"/entity/{name}", query_string={"page": page}).status_code == 200


def test_a_misspelled_query_shows_the_suggestions_results_and_links_the_query_as_typed(client):
    page = client.get("/?q=refugess").get_data(as_text=True)
    assert (
        'Showing results for <a href="/?q=refugees"><mark>refugees</mark></a> — search instead '
        'for <a class="typed" href="/?q=refugess&amp;spell=0">refugess</a>'
    ) in page
    assert "2 clippings match <strong>refugees</strong>" in page
    assert 'value="refugees"' in page


def test_search_instead_does_not_correct_again_and_offers_the_link(client):
    page = client.get("/?q=refugess&spell=0").get_data(as_text=True)
    assert "No clippings match <strong>refugess</strong>" in page
    assert 'Did you mean <a href="/?q=refugees"><mark>refugees</mark></a>?' in page
    assert "Showing results for" not in page


def test_a_query_that_finds_something_gets_no_suggestion(client):
    page = client.get("/?q=refugees").get_data(as_text=True)
    assert 'class="suggestion"' not in page


@pytest.mark.parametrize(
    ("typed", "suggested"),
    [
        ("<b>refugess</b>", "&lt;b&gt;<mark>refugees</mark>&lt;/b&gt;"),
        ("refugess <&>", "<mark>refugees</mark> &lt;&amp;&gt;"),
    ],
)
def test_the_typed_query_is_escaped_in_the_suggestion(client, typed, suggested):
    page = client.get("/", query_string={"q": typed}).get_data(as_text=True)
    assert f"{suggested}</a>" in page
    assert "<b>" not in page and "<&>" not in page


def test_api_suggestion(client):
    data = client.get("/api/search?q=refugess").get_json()
    assert (data["suggestion"], data["showing_suggestion"], data["total"]) == ("refugees", True, 2)
    data = client.get("/api/search?q=refugess&spell=0").get_json()
    assert (data["suggestion"], data["showing_suggestion"], data["total"]) == ("refugees", False, 0)
    assert client.get("/api/search?q=refugees").get_json()["suggestion"] is None


def test_a_relaxed_search_says_which_words_matches_lack(client):
    page = client.get("/?q=refugees+Paris").get_data(as_text=True)
    assert "Showing clippings with up to 1 of 2 words; none has all of them." in page
    assert "Missing: <s>Paris</s>" in page and "Missing: <s>refugees</s>" in page
    assert 'href="/?q=refugees+Paris&amp;strict=1">Require every word</a>' in page


def test_strict_requires_every_word_and_its_links_stay_strict(client):
    page = client.get("/?q=refugees+Paris&strict=1").get_data(as_text=True)
    assert "No clippings match" in page
    assert 'href="/?q=refugees+Paris">Also show clippings with some of the words</a>' in page
    page = client.get("/?q=refugees+camp+border&strict=1").get_data(as_text=True)
    assert 'href="/?q=refugees+camp+border&amp;sort=newest&amp;strict=1"' in page
    assert 'name="strict" value="1" checked' in page


def test_the_api_says_what_was_relaxed(client):
    data = client.get("/api/search?q=refugees+Paris").get_json()
    assert data["relaxed"] == {
        "words": ["refugees", "Paris"], "complete": 0, "most": 1, "required": [], "ignored": [],
    }  # fmt: skip
    assert {tuple(hit["missing"]) for hit in data["hits"]} == {("Paris",), ("refugees",)}
    strict = client.get("/api/search?q=refugees+Paris&strict=1").get_json()
    assert strict["total"] == 0 and strict["relaxed"] is None


def test_typed_words_in_the_relaxed_note_are_escaped(client):
    page = client.get("/?q=%3Cb%3Ebold%3C/b%3E+refugees+%22x%22").get_data(as_text=True)
    assert "<b>bold" not in page


def test_a_feed_lists_only_clippings_with_every_word(client):
    feed = feedparser.parse(client.get("/feed.atom?q=refugees+Paris").get_data())
    assert feed.entries == []
    feed = feedparser.parse(client.get("/feed.atom?q=refugees+camp").get_data())
    assert [entry.title for entry in feed.entries] == [
        "Border crossing reopens",
        "Refugees leave the camp",
    ]


def test_one_droppable_word_beside_a_phrase_is_named(client):
    page = client.get('/?q="camp+near+Baghdad"+Paris').get_data(as_text=True)
    assert "No clipping has <strong>Paris</strong> with the rest of the query" in page
    assert "Always required: <strong>&#34;camp near Baghdad&#34;</strong>" in page


def test_the_entity_page_says_why_its_names_are_one(tmp_path):
    corpus = shutil.copytree(FIXTURES / "aliases", tmp_path / "tigers")
    update_index(corpus, tmp_path / "index")
    client = create_app({"INDEX_DIR": str(tmp_path / "index"), "TESTING": True}).test_client()
    page = client.get("/entity/LTTE").get_data(as_text=True)
    assert "<h1>Tamil Tigers" in page
    assert "<summary>Why these names are one</summary>" in page
    assert (
        "<li>LTTE = Tamil Tigers: listed together as LTTE, also known as the Tamil Tigers"
        " in tigers-named.txt#1</li>"
    ) in page
    assert client.get("/entity/Nobody").status_code == 404


# Every page type as a browser and a search engine see it (issue 12).
PAGES = {
    "home": "/",
    "results": "/?q=refugees",
    "zero results": "/?q=zanzibar",
    "clipping": "/clipping/refugees-title.txt%231",
    "names": "/entities",
    "entity": "/entity/Camp%20Ashraf",
    "not found": "/clipping/nope.txt%231",
}


def meta_description(page: str) -> str:
    import re

    return re.search(r'<meta name="description" content="([^"]*)">', page).group(1)


@pytest.mark.parametrize("name", list(PAGES))
def test_every_page_has_one_h1_a_skip_link_a_description_and_its_icons(client, name):
    page = client.get(PAGES[name]).get_data(as_text=True)
    assert page.count("<h1") == 1
    assert '<a class="skip" href="#' in page
    assert len(meta_description(page)) > 40
    assert 'rel="icon" href="/static/favicon.svg?v=' in page
    assert '<link rel="search" type="application/opensearchdescription+xml"' in page


def test_descriptions_say_what_each_page_holds(client):
    assert meta_description(client.get("/?q=refugees").get_data(as_text=True)).startswith(
        "Clippings matching refugees"
    )
    clipping = meta_description(client.get(PAGES["clipping"]).get_data(as_text=True))
    assert clipping.startswith("Refugees leave the camp")
    entity = meta_description(client.get(PAGES["entity"]).get_data(as_text=True))
    assert entity.startswith("Camp Ashraf, place named in")


def test_the_description_escapes_the_query(client):
    page = client.get("/", query_string={"q": '"><script>x'}).get_data(as_text=True)
    assert "<script>x" not in page
    assert "&#34;&gt;&lt;script&gt;x" in meta_description(page)


def test_favicon_is_served_where_browsers_ask(client):
    with client.get("/favicon.ico") as response:
        assert response.status_code == 200
        assert response.data[:4] == b"\0\0\1\0"  # an ICO file
        assert "max-age=86400" in response.headers["Cache-Control"]


def test_static_files_are_cached_under_addresses_that_change_with_them(client):
    page = client.get("/").get_data(as_text=True)
    import re

    address = re.search(r'href="(/static/style\.css\?v=[0-9a-f]{12})"', page).group(1)
    with client.get(address) as response:
        assert response.status_code == 200
        assert "max-age=31536000" in response.headers["Cache-Control"]


@pytest.mark.parametrize("path", ["/?q=camp", "/api/search?q=camp", "/static/style.css"])
def test_responses_are_compressed_for_browsers_that_accept_it(client, path):
    import brotli

    with client.get(path) as response:
        plain = response.data
    with client.get(path, headers={"Accept-Encoding": "gzip, deflate, br"}) as response:
        assert response.headers["Content-Encoding"] == "br"
        assert "Accept-Encoding" in response.headers["Vary"]
        assert brotli.decompress(response.data) == plain
        assert len(response.data) < len(plain) / 2


@pytest.mark.parametrize(
    ("config", "address"),
    [({"SERVED_AT": "http://127.0.0.1:8000"}, "http://127.0.0.1:8000/"),
     ({"SERVED_AT": "http://127.0.0.1:8000", "BASE_URL": "https://clips.example.org"},
      "https://clips.example.org/")],
)  # fmt: skip
def test_opensearch_description_points_at_the_search_page(search_index, config, address):
    client = create_app({"INDEX_DIR": str(search_index), **config}).test_client()
    response = client.get("/opensearch.xml", headers={"Host": "evil.example"})
    assert response.mimetype == "application/opensearchdescription+xml"
    text = response.get_data(as_text=True)
    assert f'<Url type="text/html" method="get" template="{address}?q={{searchTerms}}"/>' in text
    assert "evil.example" not in text  # never the request's Host header
    assert "<ShortName>Clippings</ShortName>" in text


def test_the_form_sends_each_option_once_and_only_when_it_differs(client):
    page = client.get("/?q=camp").get_data(as_text=True)
    assert page.count('name="expand"') == 1 and page.count('name="group"') == 1
    assert 'name="expand" value="0" >' in page  # "names as typed", unchecked by default
    checked = client.get("/?q=camp&expand=0&group=0&strict=1").get_data(as_text=True)
    form = checked[checked.index('<form class="search"') : checked.index("</form>")]
    assert form.count(" checked>") == 3


@pytest.mark.parametrize(
    ("query", "order"), [("entity:MKO", "newest"), ("", "newest"), ("camp", "relevance")]
)
def test_the_sort_control_shows_the_order_used(client, query, order):
    page = client.get("/", query_string={"q": query}).get_data(as_text=True)
    assert f'<strong aria-current="true">{order}</strong>' in page
    assert client.get("/api/search", query_string={"q": query}).get_json()["sort"] == order


def test_one_match_is_one_clipping(client):
    page = client.get("/?q=protest").get_data(as_text=True)
    assert "1 clipping matches <strong>protest</strong>" in page


def test_the_syntax_help_lists_every_field_the_parser_knows(client):
    from indexer.schema import QUERY_FIELDS

    page = client.get("/?q=zanzibar").get_data(as_text=True)
    help_table = page[page.index('<section class="help"') :]
    first_names = {f.index_field: f.name for f in reversed(QUERY_FIELDS.values())}
    for name in first_names.values():  # entity:, not also its synonym entities:
        assert f"<code>{name}:" in help_table, name


def test_csv_export_streams_in_chunks_not_a_write_per_row(client):
    response = client.get("/export.csv?q=")
    chunks = list(response.iter_encoded())
    rows = list(csv.reader(io.StringIO(b"".join(chunks).decode("utf-8"))))
    assert len(rows) > 2 and len(chunks) == 1  # a small archive's export is one write


@settings(max_examples=300, deadline=None)
@given(
    name=st.text(min_size=1, max_size=30),
    q=st.text(max_size=30),
    root=st.sampled_from(["", "/archive", "/a b/ü"]),
)
def test_clipping_and_entity_links_are_url_for_s_character_for_character(name, q, root):
    app = create_app({"INDEX_DIR": "no-index", "TESTING": True})  # links need no index
    with app.test_request_context("/", base_url=f"http://localhost{root}/"):
        assert clipping_url(name, q) == url_for(
            "search.clipping_page", clipping_id=name, q=q or None
        )
        assert clipping_url(name) == url_for("search.clipping_page", clipping_id=name)
        assert entity_url(name) == url_for("search.entity_page", name=name)
