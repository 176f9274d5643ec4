"""The Flask app factory: configuration, one search engine per app, one error handler, and the
limits and headers every request and response gets."""

from __future__ import annotations

import os
import threading
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from flask import Flask, Response, abort, current_app, g, redirect, render_template, request
from werkzeug.exceptions import HTTPException, ServiceUnavailable

from indexer.search import SearchEngine
from indexer.store import IndexDamaged, IndexMissing

MAX_QUERY_STRING = 8_192  # bytes after the "?" of a URL (a query itself is bounded by the engine)
MAX_BODY = 64 * 1024  # bytes of a request body (no page posts anything)
# No script, no inline style, nothing from elsewhere; the timeline is inline SVG, styled by
# style.css. Forms submit only here; no page may be framed.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'none'",
        "style-src 'self'",
        "img-src 'self'",
        "form-action 'self'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
    ]
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
}


def create_app(test_config: dict | None = None) -> Flask:
    """Build the app; INDEX_DIR comes from test_config, then CLIPPINGS_INDEX, then ./index."""
    app = Flask(__name__)
    app.config.from_mapping(
        INDEX_DIR=os.environ.get("CLIPPINGS_INDEX", "index"),
        CORPUS_DIR=os.environ.get("CLIPPINGS_CORPUS", "corpus"),
        BASE_URL=os.environ.get("CLIPPINGS_BASE_URL", ""),
        PAGE_SIZE=10,
        MAX_CONTENT_LENGTH=MAX_BODY,
        MAX_FORM_MEMORY_SIZE=MAX_BODY,
        MAX_FORM_PARTS=100,
    )
    if test_config:
        app.config.update(test_config)
    app.config["BASE_URL"] = checked_base_url(app.config["BASE_URL"])
    app.extensions["clippings_engine"] = None

    from webui import views

    app.register_blueprint(views.bp)
    app.register_error_handler(HTTPException, _error_page)
    app.register_error_handler(IndexDamaged, _index_unavailable)
    app.register_error_handler(IndexMissing, _index_unavailable)
    app.before_request(_bounded_request)
    app.after_request(_hardened)
    return app


def checked_base_url(value: str) -> str:
    """The configured address the app is served at, without a trailing slash ("" for none)."""
    value = value.strip().rstrip("/")
    parts = urlsplit(value)
    if value and (parts.scheme not in ("http", "https") or not parts.netloc):
        raise ValueError(f"BASE_URL must be an http(s) address like https://example.org: {value}")
    return value


def absolute(path: str) -> str:
    """A path of this app as a link for elsewhere: under BASE_URL if set, else left relative."""
    return current_app.config["BASE_URL"] + path


def _bounded_request() -> None:
    """Refuse a request body (413) or an address (400, like a query over the engine's limit)
    too long for any page of this app."""
    if (request.content_length or 0) > current_app.config["MAX_CONTENT_LENGTH"]:
        abort(413, f"a request may carry at most {MAX_BODY:,} bytes")
    if len(request.query_string) > MAX_QUERY_STRING:
        abort(400, f"the address is too long: at most {MAX_QUERY_STRING:,} bytes after the ?")


def _hardened(response: Response) -> Response:
    """Every response with the security headers, and a redirect never to the Host it was asked."""
    if response.location and _own_location(response.location) != response.location:
        response = redirect(_own_location(response.location), response.status_code)
    response.headers.update(SECURITY_HEADERS)
    return response


def _own_location(location: str) -> str:
    """A redirect to this app made relative (or under BASE_URL): the Host header is not ours."""
    parts = urlsplit(location)
    if parts.netloc and parts.netloc.lower() != request.host.lower():
        return location
    path = "/" + parts.path.lstrip("/\\")  # not //host nor /\host: those leave
    relative = urlunsplit(("", "", path, parts.query, parts.fragment))
    return current_app.config["BASE_URL"] + relative


_opening = threading.Lock()


def engine(app: Flask) -> SearchEngine:
    """The app's one search engine, opened on first use and kept (it refreshes after commits)."""
    with _opening:
        current = app.extensions.get("clippings_engine")
        if current is None:
            current = SearchEngine(Path(app.config["INDEX_DIR"]))
            app.extensions["clippings_engine"] = current
        return current


def _error_page(error: HTTPException):
    if request.path.startswith("/api/"):
        return {"error": error.description}, error.code
    g.error = error
    return render_template("error.html", error=error), error.code


def _index_unavailable(error: RuntimeError):
    """A damaged or missing index: a 503 page (or JSON error) naming the fix, no traceback."""
    return _error_page(ServiceUnavailable(f"{error}."))
