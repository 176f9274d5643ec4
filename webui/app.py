"""The Flask app factory: configuration, one search engine per app, one error handler, and the
limits and headers every request and response gets."""

from __future__ import annotations

import hashlib
import os
from functools import cache
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from flask import (
    Flask,
    Response,
    abort,
    current_app,
    g,
    redirect,
    render_template,
    request,
    send_from_directory,
    url_for,
)
from flask_compress import Compress
from werkzeug.exceptions import HTTPException, ServiceUnavailable

from indexer.settings import Settings
from indexer.store import IndexDamaged, IndexMissing
from indexer.wording import counted
from webui import views
from webui.state import ENGINE

MAX_QUERY_STRING = 8_192  # bytes after the "?" of a URL (a query itself is bounded by the engine)
MAX_BODY = 64 * 1024  # bytes of a request body (no page posts anything)
STATIC = Path(__file__).parent / "static"
STATIC_MAX_AGE = 365 * 24 * 3600  # static links carry their content's hash (`static_url`)
# Scripts and styles only from this app's files, never inline, nothing from elsewhere; the
# scripts fetch only from here. Forms submit only here; no page may be framed.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'none'",
        "script-src 'self'",
        "connect-src 'self'",
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
    """Build the app. Configuration is read here once, the app's edge: each value comes from
    test_config, then the environment (CLIPPINGS_INDEX, CLIPPINGS_CORPUS, CLIPPINGS_BASE_URL,
    and `Settings.from_environment()` as SETTINGS), then the default (./index, ./corpus)."""
    app = Flask(__name__)
    app.config.from_mapping(
        INDEX_DIR=os.environ.get("CLIPPINGS_INDEX", "index"),
        CORPUS_DIR=os.environ.get("CLIPPINGS_CORPUS", "corpus"),
        BASE_URL=os.environ.get("CLIPPINGS_BASE_URL", ""),
        SERVED_AT="",  # http://host:port that `clippings serve` listens on, when it serves
        SETTINGS=Settings.from_environment(),
        PAGE_SIZE=10,
        MAX_CONTENT_LENGTH=MAX_BODY,
        MAX_FORM_MEMORY_SIZE=MAX_BODY,
        MAX_FORM_PARTS=100,
        SEND_FILE_MAX_AGE_DEFAULT=STATIC_MAX_AGE,
    )
    if test_config:
        app.config.update(test_config)
    app.config["BASE_URL"] = checked_base_url(app.config["BASE_URL"])
    app.extensions[ENGINE] = None
    app.register_blueprint(views.bp)
    app.register_error_handler(HTTPException, _error_page)
    app.register_error_handler(IndexDamaged, _index_unavailable)
    app.register_error_handler(IndexMissing, _index_unavailable)
    app.before_request(_bounded_request)
    app.after_request(_hardened)
    app.add_url_rule("/favicon.ico", "favicon", _favicon)
    app.add_template_global(static_url)
    app.add_template_global(counted)
    # after_request functions run last registered first: _whole_static, Compress, _hardened.
    Compress(app)  # gzip, Brotli or zstd, as the browser accepts
    app.after_request(_whole_static)
    return app


def _whole_static(response: Response) -> Response:
    """A static file (a few kB) read whole, so it is compressed in one piece and its file is
    closed with the response (Flask-Compress drops a streamed body's file unclosed)."""
    if request.endpoint in ("static", "favicon") and response.direct_passthrough:
        response.direct_passthrough = False
        response.make_sequence()
    return response


def static_url(filename: str) -> str:
    """The address of a static file with its content's hash, so browsers may keep it a year."""
    return url_for("static", filename=filename, v=_digest(filename))


@cache
def _digest(filename: str) -> str:
    return hashlib.sha256((STATIC / filename).read_bytes()).hexdigest()[:12]


def _favicon() -> Response:
    """Browsers ask for /favicon.ico whatever the page links; answer rather than 404."""
    return send_from_directory(STATIC, "favicon.ico", max_age=24 * 3600)


def checked_base_url(value: str) -> str:
    """The configured address the app is served at, without a trailing slash ("" for none)."""
    value = value.strip().rstrip("/")
    parts = urlsplit(value)
    if value and (parts.scheme not in ("http", "https") or not parts.netloc):
        raise ValueError(f"BASE_URL must be an http(s) address like https://example.org: {value}")
    return value


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


def _error_page(error: HTTPException):
    if request.path.startswith("/api/"):
        return {"error": error.description}, error.code
    g.error = error
    return render_template("error.html", error=error), error.code


def _index_unavailable(error: RuntimeError):
    """A damaged or missing index: a 503 page (or JSON error) naming the fix, no traceback."""
    return _error_page(ServiceUnavailable(f"{error}."))
