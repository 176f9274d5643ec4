"""The Flask app factory: configuration, one search engine per app, one error handler."""

from __future__ import annotations

import os
import threading
from pathlib import Path

from flask import Flask, g, render_template, request
from werkzeug.exceptions import HTTPException, ServiceUnavailable

from indexer.search import SearchEngine
from indexer.store import IndexDamaged, IndexMissing


def create_app(test_config: dict | None = None) -> Flask:
    """Build the app; INDEX_DIR comes from test_config, then CLIPPINGS_INDEX, then ./index."""
    app = Flask(__name__)
    app.config.from_mapping(
        INDEX_DIR=os.environ.get("CLIPPINGS_INDEX", "index"),
        CORPUS_DIR=os.environ.get("CLIPPINGS_CORPUS", "corpus"),
        PAGE_SIZE=10,
    )
    if test_config:
        app.config.update(test_config)
    app.extensions["clippings_engine"] = None

    from webui import views

    app.register_blueprint(views.bp)
    app.register_error_handler(HTTPException, _error_page)
    app.register_error_handler(IndexDamaged, _index_unavailable)
    app.register_error_handler(IndexMissing, _index_unavailable)
    return app


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
