"""Routes: the search page, a clipping's page and the JSON API. They render; the engine searches."""

from __future__ import annotations

from urllib.parse import urlencode

from flask import Blueprint, abort, current_app, render_template, request

from indexer.query import SYNTAX_HINT, QueryError
from indexer.results import SearchResults
from indexer.search import SORTS
from indexer.store import IndexMissing
from webui.app import engine

bp = Blueprint("search", __name__)


def _search() -> tuple[str, str, SearchResults | None, str | None]:
    """The request's query, sort, results and, for a malformed query, the error message."""
    text = request.args.get("q", "")
    sort = request.args.get("sort", "relevance")
    sort = sort if sort in SORTS else "relevance"
    try:
        page = max(1, int(request.args.get("page", "1")))
    except ValueError:
        page = 1
    try:
        engine = _engine()
        return text, sort, engine.search(text, page, sort, current_app.config["PAGE_SIZE"]), None
    except QueryError as error:
        return text, sort, None, str(error)


def _engine():
    try:
        return engine(current_app)
    except IndexMissing as error:
        abort(503, f"{error}.")


@bp.get("/")
def search_page():
    text, sort, results, error = _search()
    page = render_template("search.html", q=text, sort=sort, results=results, error=error)
    return page, 400 if error else 200


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


@bp.get("/api/search")
def api_search():
    _, _, results, error = _search()
    if error:
        return {"error": error}, 400
    return results.to_json()


@bp.app_template_global()
def search_url(q: str, **params) -> str:
    """A link to the search page for query `q`, keeping only non-default parameters."""
    values = {"q": q, **{k: v for k, v in params.items() if v not in (None, "", 1, "relevance")}}
    return "/?" + urlencode(values)


@bp.app_template_global()
def narrow(q: str, clause: str) -> str:
    """The query `q` narrowed by one more clause (used by facet links)."""
    return f"{q} {clause}".strip() if clause not in q else q


@bp.app_context_processor
def syntax_help() -> dict:
    return {"syntax_hint": SYNTAX_HINT}
