"""No query can hurt the server: generated queries and parameters, through the engine and the
HTTP API, are answered with results or a one-line message, never a traceback.

10,000 generated queries in all (6,000 through the engine, 4,000 through the API).
"""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from indexer.query import QueryError
from webui.app import create_app

SYNTAX = "()[]{}\"'*?~^+-:!/\\= "
FIELDS = ["title:", "body:", "source:", "entity:", "date:", "undated:", "id:", "Title:"]
OPERATORS = [" AND ", " OR ", " NOT ", " TO ", " to ", "NOT ", "-", "+"]
PIECES = st.one_of(
    st.text(alphabet=SYNTAX + "abcxyzMEK0129", min_size=1, max_size=12),
    st.sampled_from(FIELDS + OPERATORS),
    st.sampled_from(["camp", "refugees", "Ashraf", "MKO", "PMOI", "Mujahedin", "iraq", "café"]),
    st.sampled_from(["2011", "2011-04", "2011-04-08", "9999", "0000", "[to 9999]", "[1 to]"]),
    st.sampled_from(['"last 5000 years"', '"this year"', "yes", "no", "today"]),
    st.integers(min_value=0, max_value=99).map(str),
    st.text(min_size=1, max_size=8),  # any unicode
    st.builds(lambda c, n: c * n, st.sampled_from('a("*~[ -'), st.integers(1, 1_200)),
)
QUERIES = st.lists(PIECES, max_size=12).map("".join)
PAGES = st.one_of(
    st.integers(min_value=-(10**40), max_value=10**40), st.integers(min_value=-3, max_value=5)
)
SORTS = st.one_of(st.sampled_from(["relevance", "newest", "oldest"]), st.text(max_size=10))
ENGINE_EXAMPLES = 6_000
HTTP_EXAMPLES = 4_000


def one_line(message: str) -> bool:
    return bool(message) and "\n" not in message and "Traceback" not in message


@settings(max_examples=ENGINE_EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=QUERIES, page=PAGES, sort=SORTS, expand=st.booleans())
def test_the_engine_answers_or_explains_in_one_line(engine, text, page, sort, expand):
    try:
        results = engine.search(text, page, sort, 10, expand)
    except QueryError as error:
        assert one_line(str(error))
    else:
        assert results.total >= 0 and results.page >= 1


HTTP_PARAMS = st.fixed_dictionaries(
    {"q": QUERIES},
    optional={
        "page": st.one_of(PAGES.map(str), st.text(max_size=8)),
        "sort": SORTS,
        "expand": st.one_of(st.sampled_from(["0", "1", ""]), st.text(max_size=4)),
    },
)


@pytest.fixture(scope="module")
def api(search_index):
    """One app for all the examples (the function-scoped `client` would be built 4,000 times)."""
    return create_app({"INDEX_DIR": str(search_index), "TESTING": True}).test_client()


@settings(max_examples=HTTP_EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(params=HTTP_PARAMS)
def test_the_api_answers_200_or_a_one_line_400(api, params):
    response = api.get("/api/search", query_string=params)
    assert response.status_code in (200, 400), params
    if response.status_code == 400:
        assert one_line(response.json["error"])
    else:
        assert response.json["total"] >= 0
