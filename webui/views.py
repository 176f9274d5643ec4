"""Routes: search, clipping and entity pages, and the JSON API. They render; the engine searches."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from flask import Blueprint, abort, current_app, render_template, request

from indexer.entities import ENTITY_TYPES
from indexer.query import SYNTAX_HINT, QueryError, active_filters
from indexer.results import SearchResults
from indexer.search import SORTS
from indexer.store import IndexMissing
from webui.app import engine

bp = Blueprint("search", __name__)
ENTITY_SORTS = ("count", "name")


@dataclass
class SearchRequest:
    """A search as the request asks for it, and its outcome (results, or the query's error)."""

    q: str
    sort: str
    page: int
    expand: bool
    results: SearchResults | None = None
    error: str | None = None


def _search() -> SearchRequest:
    args = request.args
    sort = args.get("sort", "relevance")
    try:
        page = max(1, int(args.get("page", "1")))
    except ValueError:
        page = 1
    # The form sends expand=0 from a hidden field and expand=1 from the checked box: last wins.
    expand = (args.getlist("expand") or ["1"])[-1] != "0"
    wanted = SearchRequest(args.get("q", ""), sort if sort in SORTS else "relevance", page, expand)
    search_engine = _engine()
    try:
        wanted.results = search_engine.search(
            wanted.q, wanted.page, wanted.sort, current_app.config["PAGE_SIZE"], expand=expand
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
    filters = active_filters(wanted.q) if not wanted.error else []
    page = render_template("search.html", s=wanted, q=wanted.q, sort=wanted.sort, filters=filters)
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
    return render_template("clipping.html", q=text, detail=detail)


@bp.get("/entities")
def entities_page():
    kind = request.args.get("type", "")
    needle = request.args.get("filter", "").strip().casefold()
    order = request.args.get("sort", "count")
    listed = [
        e
        for e in _engine().entities()
        if (kind not in ENTITY_TYPES or e.type == kind)
        and (not needle or any(needle in name.casefold() for name in e.aliases + [e.name]))
    ]
    if order == "name":
        listed.sort(key=lambda e: e.name.casefold())
    return render_template(
        "entities.html", entities=listed, kind=kind, needle=needle, order=order, types=ENTITY_TYPES
    )


@bp.get("/entity/<path:name>")
def entity_page(name: str):
    search_engine = _engine()
    cluster = search_engine.entity(name)
    if cluster is None:
        abort(404, f"No entity called {name}.")
    clause = f'entity:"{cluster.name}"'
    try:
        page = max(1, int(request.args.get("page", "1")))
    except ValueError:
        page = 1
    results = search_engine.search(clause, page, "newest", current_app.config["PAGE_SIZE"])
    related = [f for f in results.facets["entities"] if f.value != cluster.name]
    return render_template(
        "entity.html", entity=cluster, results=results, related=related, clause=clause
    )


@bp.get("/api/search")
def api_search():
    wanted = _search()
    if wanted.error:
        return {"error": wanted.error}, 400
    return wanted.results.to_json()


@bp.app_template_global()
def search_url(q: str, **params) -> str:
    """A link to the search page for query `q`, keeping only non-default parameters."""
    defaults = {"page": 1, "sort": "relevance", "expand": True}
    values = {"q": q}
    for key, value in params.items():
        if value is not None and value != "" and value != defaults.get(key):
            values[key] = 0 if value is False else value
    return "/?" + urlencode(values)


@bp.app_template_global()
def narrow(q: str, clause: str) -> str:
    """The query `q` narrowed by one more clause (used by facet links)."""
    return f"{q} {clause}".strip() if clause not in q else q


@bp.app_context_processor
def syntax_help() -> dict:
    return {"syntax_hint": SYNTAX_HINT, "entity_types": ENTITY_TYPES}
