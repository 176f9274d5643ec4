"""Routes: search, clipping and entity pages, and the JSON API. They render; the engine searches."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote, urlencode

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    g,
    render_template,
    request,
    stream_with_context,
    url_for,
)

from indexer.names import ENTITY_TYPES
from indexer.query import MAX_PAGE, SYNTAX_HINT, QueryError
from indexer.results import SORTS, SearchResults
from indexer.store import IndexMissing
from webui.export import atom_feed, atom_id, csv_lines, in_chunks, json_chunks
from webui.state import absolute, absolute_url, engine
from webui.timeline import chart

bp = Blueprint("search", __name__)
ENTITY_SORTS = ("count", "name")


@dataclass
class SearchRequest:
    """A search as the request asks for it, and its outcome (results, or the query's error)."""

    q: str
    sort: str
    page: int
    expand: bool
    group: bool = True  # near-duplicates as one hit per group (group=0: every clipping)
    spell: bool = True  # a query finding nothing shows its suggestion's results (spell=0: not)
    strict: bool = False  # every free word required (strict=1), not relaxed when few match
    results: SearchResults | None = None
    error: str | None = None


def _search_args() -> SearchRequest:
    """The search the request asks for (query, sort, page, name expansion), not yet run."""
    args = request.args
    sort = args.get("sort", "relevance")
    page = _page_number()
    # The form sends expand=0 from a hidden field and expand=1 from the checked box: last wins.
    expand = (args.getlist("expand") or ["1"])[-1] != "0"
    group = (args.getlist("group") or ["1"])[-1] != "0"
    return SearchRequest(
        args.get("q", ""),
        sort if sort in SORTS else "relevance",
        page,
        expand,
        group,
        spell=args.get("spell", "1") != "0",
        strict=strict_request(),
    )


def strict_request() -> bool:
    """Whether the request asks for every free word to be required (strict=1); read once per
    request, since every link of a results page asks."""
    if "strict" not in g:
        g.strict = (request.args.getlist("strict") or ["0"])[-1] not in ("0", "")
    return g.strict


def _page_number() -> int:
    """The page the request asks for: 1 when it is not a number, at most MAX_PAGE."""
    try:
        return min(max(1, int(request.args.get("page", "1"))), MAX_PAGE)
    except ValueError:  # not a number, or too many digits to read as one
        return 1


def _search() -> SearchRequest:
    """The search the request asks for, run: results, or the query's error message."""
    wanted = _search_args()
    search_engine = _engine()
    try:
        size = current_app.config["PAGE_SIZE"]
        wanted.results = search_engine.search(
            wanted.q,
            wanted.page,
            wanted.sort,
            size,
            expand=wanted.expand,
            group=wanted.group,
            spell=wanted.spell,
            strict=wanted.strict,
        )
    except QueryError as error:
        wanted.error = str(error)
    return wanted


def _engine():
    try:
        return engine(current_app)
    except IndexMissing as error:
        abort(503, f"{error}.")


@bp.get("/")
def search_page():
    wanted = _search()
    results = wanted.results
    # The hits shown are the suggestion's: its text is the query the page's links carry.
    shown = results.suggestion.text if results and results.showing_suggestion else wanted.q
    page = render_template(
        "search.html",
        s=wanted,
        q=shown,
        sort=wanted.sort,
        filters=results.filters if results else [],
        undated_query=results.undated_query if results else "",
    )
    return page, 400 if wanted.error else 200


@bp.get("/clipping/<path:clipping_id>")
def clipping_page(clipping_id: str):
    text = request.args.get("q", "")
    try:
        detail = _engine().clipping(clipping_id, text)
    except QueryError:
        detail = _engine().clipping(clipping_id)
    if detail is None:
        abort(404, f"Clipping {clipping_id} doesn't exist.")
    like = _engine().similar(clipping_id)
    return render_template("clipping.html", q=text, detail=detail, like=like)


@bp.get("/api/similar/<path:clipping_id>")
def api_similar(clipping_id: str):
    """The clippings most like one clipping (outside its near-duplicates), as JSON."""
    like = _engine().similar(clipping_id)
    if like is None:
        return {"error": f"Clipping {clipping_id} doesn't exist."}, 404
    return like.to_json()


@bp.get("/entities")
def entities_page():
    kind = request.args.get("type", "")
    needle = request.args.get("filter", "").strip().casefold()
    order = request.args.get("sort", "count")
    typed = kind if kind in ENTITY_TYPES else None
    listed = _engine().entities(kind=typed, containing=needle, order=order)
    return render_template(
        "entities.html", entities=listed, kind=kind, needle=needle, order=order, types=ENTITY_TYPES
    )


@bp.get("/entity/<path:name>")
def entity_page(name: str):
    search_engine = _engine()
    explained = search_engine.explain_entity(name)
    if explained is None:
        abort(404, f"No entity called {name}.")
    entity = explained.entity
    clause = f'entity:"{entity.name}"'
    size = current_app.config["PAGE_SIZE"]
    results = search_engine.search(clause, _page_number(), "newest", size)
    related = [f for f in results.facets["entities"] if f.value != entity.name]
    return render_template(
        "entity.html",
        entity=entity,
        reasons=explained.reasons,
        results=results,
        related=related,
        clause=clause,
    )


@bp.get("/api/search")
def api_search():
    wanted = _search()
    if wanted.error:
        return {"error": wanted.error}, 400
    return wanted.results.to_json()


@bp.app_template_global()
def search_url(q: str, **params) -> str:
    """A link to the search page for query `q`, keeping only non-default parameters; a strict
    search's links stay strict unless told otherwise."""
    defaults = {"page": 1, "sort": "relevance", "expand": True, "group": True, "spell": True,
                "strict": False}  # fmt: skip
    params.setdefault("strict", strict_request())
    values = {"q": q}
    for key, value in params.items():
        if value is not None and value != "" and value != defaults.get(key):
            values[key] = 0 if value is False else 1 if value is True else value
    return "/?" + urlencode(values)


# What werkzeug's routing leaves unquoted in a path part (its path converter) and in a query
# string: the links below come out as url_for's, character for character (tests/test_webui.py).
PATH_SAFE = "!$&'()*+,/:;=@"
QUERY_SAFE = "!$'()*,/:;?@"


@bp.app_template_global()
def clipping_url(clipping_id: str, q: str | None = None) -> str:
    """The clipping page's address, its matches for `q` marked: url_for's, built directly, as
    a results page links dozens of clippings."""
    path = f"{request.script_root}/clipping/{quote(clipping_id, safe=PATH_SAFE)}"
    return f"{path}?{urlencode({'q': q}, safe=QUERY_SAFE)}" if q else path


@bp.app_template_global()
def entity_url(name: str) -> str:
    """The entity page's address: url_for's, built directly (see clipping_url)."""
    return f"{request.script_root}/entity/{quote(name, safe=PATH_SAFE)}"


@bp.app_template_global()
def timeline_chart(periods):
    """The timeline of a search laid out as a chart (webui/timeline.py), or None."""
    return chart(periods)


@bp.app_template_global()
def narrow(q: str, clause: str) -> str:
    """The query `q` narrowed by one more clause (used by facet links)."""
    return f"{q} {clause}".strip() if clause not in q else q


@bp.app_context_processor
def syntax_help() -> dict:
    return {"syntax_hint": SYNTAX_HINT, "entity_types": ENTITY_TYPES}


FEED_SIZE = 50


@bp.get("/feed.atom")
def feed():
    """The newest matches of a search as an Atom feed, for readers and alerts."""
    wanted = _search_args()
    try:
        # An alert lists clippings with every word: ones that merely share a word would flood it.
        results = _engine().search(
            wanted.q, 1, "newest", FEED_SIZE, expand=wanted.expand, strict=True
        )
    except QueryError as error:
        abort(400, str(error))
    title = f"Clippings: {wanted.q}" if wanted.q.strip() else "Clippings: newest"
    expand = None if wanted.expand else 0
    feed_path = url_for("search.feed", q=wanted.q or None, expand=expand)
    entries = []
    for hit in results.hits:
        path = clipping_url(hit.id)
        entries.append((hit, absolute(path), atom_id(path)))
    body = atom_feed(
        title=title,
        self_url=absolute(feed_path),
        page_url=absolute(url_for("search.search_page", q=wanted.q, expand=expand)),
        feed_id=atom_id(feed_path),
        updated=_engine().updated(),
        entries=entries,
    )
    return Response(body, mimetype="application/atom+xml")


@bp.get("/opensearch.xml")
def opensearch():
    """An OpenSearch description, so a browser can add this archive as a search engine."""
    body = render_template(
        "opensearch.xml",
        search=absolute_url("/") + "?q={searchTerms}",
        icon=absolute_url("/favicon.ico"),
    )
    return Response(body, mimetype="application/opensearchdescription+xml")


@bp.get("/export.csv")
def export_csv():
    return _export("csv")


@bp.get("/export.json")
def export_json():
    return _export("json")


def _export(kind: str):
    """Every match of the search, with its filters and sort, streamed as a file."""
    wanted = _search_args()
    search_engine = _engine()
    try:
        search_engine.search(wanted.q, 1, wanted.sort, 1, expand=wanted.expand)  # validates
    except QueryError as error:
        abort(400, str(error))
    hits = search_engine.export(wanted.q, wanted.sort, expand=wanted.expand, strict=wanted.strict)
    if kind == "csv":
        chunks, mimetype = csv_lines(hits), "text/csv"
    else:
        chunks, mimetype = json_chunks(wanted.q, wanted.sort, hits), "application/json"
    response = Response(stream_with_context(in_chunks(chunks)), mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="clippings.{kind}"'
    return response
