"""What every part of the app shares: its one search engine and the address it is served at.

Kept apart from the app factory (`webui/app.py`) so that the views and the factory both import
this module and neither imports the other.
"""

from __future__ import annotations

import threading
from pathlib import Path

from flask import Flask, current_app

from indexer.search import SearchEngine

ENGINE = "clippings_engine"  # the key of the app's engine in `app.extensions`

_opening = threading.Lock()


def engine(app: Flask) -> SearchEngine:
    """The app's one search engine, opened on first use and kept (it refreshes after commits)."""
    with _opening:
        current = app.extensions.get(ENGINE)
        if current is None:
            current = SearchEngine(Path(app.config["INDEX_DIR"]))
            app.extensions[ENGINE] = current
        return current


def absolute(path: str) -> str:
    """A path of this app as a link for elsewhere: under BASE_URL if set, else left relative."""
    return current_app.config["BASE_URL"] + path


def absolute_url(path: str) -> str:
    """A path of this app as a full address, for documents that need one (OpenSearch): under
    BASE_URL if set, else the address `clippings serve` listens on (SERVED_AT); never from the
    request's Host header. Relative when neither is known."""
    return (current_app.config["BASE_URL"] or current_app.config["SERVED_AT"]) + path
