"""Shared fixtures: throw-away indexes built from small corpora written for the tests."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from indexer.search import SearchEngine
from indexer.update import update_index
from webui.app import create_app

FIXTURES = Path(__file__).parent / "fixtures"
REPO = Path(__file__).resolve().parents[1]

# The ten clippings of the seed digest, in order (../shared/seeds/mek-camp-ashraf.txt).
SEED_TITLES = [
    "What to do about Camp Ashraf",
    "Mojahedin Khalq and Camp Ashraf",
    "MKO Ringleaders Readying to Open Fight with Iraqi Forces",
    "Iranian dissidents in Iraq want refuge in 3rd country",
    "Four more hostages have escaped from Camp Ashraf",
    "Camp Ashraf and the Mojahedin Khalq",
    "Iraq, Iran, ICRI joint committee to facilitate the dismantlement of Camp Ashraf",
    "MKO against members’ families",
    "MKO Violence against members’ families",
    "US seeks to keep Mojahedin Khalq in Iraq",
]


def copy_corpus(source: Path, target: Path) -> Path:
    shutil.copytree(source, target)
    return target


@pytest.fixture(scope="session")
def search_index(tmp_path_factory) -> Path:
    """An index of tests/fixtures/search_corpus, built once per session (read-only for tests)."""
    root = tmp_path_factory.mktemp("search")
    corpus = copy_corpus(FIXTURES / "search_corpus", root / "corpus")
    update_index(corpus, root / "index")
    return root / "index"


@pytest.fixture(scope="session")
def engine(search_index) -> SearchEngine:
    engine = SearchEngine(search_index)
    yield engine
    engine.close()


@pytest.fixture(scope="session")
def sample_index(tmp_path_factory) -> Path:
    """An index of the shipped sample corpus (the seed digest plus the HTML and text examples)."""
    root = tmp_path_factory.mktemp("sample")
    update_index(REPO / "corpus", root / "index")
    return root / "index"


@pytest.fixture()
def app(search_index):
    return create_app({"INDEX_DIR": str(search_index), "TESTING": True})


@pytest.fixture()
def client(app):
    return app.test_client()
