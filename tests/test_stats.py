"""`index_stats`: the figures, the names model the last run used, and every feature a problem
turned off (`problems`), read without loading spaCy; the entity table is never silently empty."""

from __future__ import annotations

import json
import shutil

import pytest

import indexer.names.discover
from indexer import store
from indexer.settings import Settings
from indexer.stats import index_stats
from indexer.update import update_index
from tests.conftest import FIXTURES


@pytest.fixture()
def corpus(tmp_path):
    corpus = tmp_path / "corpus"
    shutil.copytree(FIXTURES / "search_corpus", corpus)
    return corpus


def no_spacy_here(model):
    raise AssertionError("stats loaded the names model")


@pytest.mark.parametrize(
    "asked, status, shown, problems",
    [
        ("en_core_web_sm", ("en_core_web_sm", None), "en_core_web_sm", []),
        ("en_core_web_sm", (None, "spaCy is not installed"), "none (spaCy is not installed)", []),
        (None, (None, None), "none (the rules alone, as configured)", []),
        (
            "en_core_web_xx",
            (None, "model en_core_web_xx failed to load: [E050] Can't find model"),
            "none (model en_core_web_xx failed to load: [E050] Can't find model)",
            [
                "names model en_core_web_xx failed to load: [E050] Can't find model: "
                "names are found by the rules alone"
            ],
        ),
    ],
)
def test_stats_show_the_names_model_of_the_last_run(
    corpus, tmp_path, monkeypatch, asked, status, shown, problems
):
    monkeypatch.setattr(indexer.names.discover, "model_status", lambda model: status)
    update_index(corpus, tmp_path / "index", settings=Settings(names_model=asked), procs=1)
    monkeypatch.setattr(indexer.names.discover, "model_status", no_spacy_here)
    figures = index_stats(tmp_path / "index")
    assert (figures["names_model"], figures["problems"]) == (shown, problems)
    assert figures["clippings"] == 6


def test_a_run_that_finds_no_names_keeps_the_recorded_model(corpus, tmp_path, monkeypatch):
    failed = (None, "model en_core_web_xx failed to load: broken")
    monkeypatch.setattr(indexer.names.discover, "model_status", lambda model: failed)
    settings = Settings(names_model="en_core_web_xx")
    update_index(corpus, tmp_path / "index", settings=settings, procs=1)
    (corpus / "undated-note.txt").unlink()  # a run that only removes: nothing parsed
    monkeypatch.setattr(indexer.names.discover, "model_status", no_spacy_here)
    assert update_index(corpus, tmp_path / "index", settings=settings).removed == 1
    assert index_stats(tmp_path / "index")["names_model"].startswith("none (model en_core_web_xx")


def test_an_index_from_before_the_record_says_so(corpus, tmp_path):
    update_index(corpus, tmp_path / "index", procs=1)
    manifest = tmp_path / "index" / store.MANIFEST
    data = json.loads(manifest.read_text())
    del data["names_model"]
    manifest.write_text(json.dumps(data))
    assert index_stats(tmp_path / "index")["names_model"] == "not recorded (run `clippings index`)"


@pytest.mark.parametrize("damage", ["garbled", "emptied", "a list", "no table"])
def test_an_unreadable_entity_table_is_a_problem_with_its_fix(corpus, tmp_path, damage):
    index = tmp_path / "index"
    update_index(corpus, index, procs=1)
    assert index_stats(index)["problems"] == []
    text = {
        "garbled": '{"entities": [',
        "emptied": "",
        "a list": "[]",
        "no table": '{"entities": [{"name": "x"}]}',
    }[damage]
    (index / store.ENTITIES).write_text(text)
    [problem] = index_stats(index)["problems"]
    assert problem.startswith(f"entity table unreadable ({index / store.ENTITIES}: ")
    assert problem.endswith("names are not expanded; run `clippings index --rebuild`")
    assert "\n" not in problem


def test_a_missing_entity_table_is_a_problem(corpus, tmp_path):
    index = tmp_path / "index"
    update_index(corpus, index, procs=1)
    (index / store.ENTITIES).unlink()
    [problem] = index_stats(index)["problems"]
    assert problem.startswith("entity table missing") and "clippings index" in problem


@pytest.mark.parametrize("text", ['{"groups": {', "", "[]", '{"generation": 1}'])
def test_unreadable_duplicate_groups_are_a_problem_with_their_fix(corpus, tmp_path, text):
    index = tmp_path / "index"
    update_index(corpus, index, procs=1)
    (index / store.GROUPS).write_text(text)
    [problem] = index_stats(index)["problems"]
    assert problem.startswith(f"near-duplicate groups unreadable ({index / store.GROUPS}: ")
    assert problem.endswith("every clipping is its own hit; run `clippings index --rebuild`")
    assert "\n" not in problem


def test_missing_duplicate_groups_are_a_problem(corpus, tmp_path):
    index = tmp_path / "index"
    update_index(corpus, index, procs=1)
    (index / store.GROUPS).unlink()
    assert index_stats(index)["problems"] == [
        f"near-duplicate groups missing ({index / store.GROUPS}): every clipping is its own "
        "hit; run `clippings index` to finish the last run"
    ]


# --- store.read_entities: {} only when there is no table yet -----------------------------------


def test_read_entities_of_a_new_index_is_empty(tmp_path):
    assert store.read_entities(tmp_path) == {}
    assert store.entities_generation(tmp_path) is None


@pytest.mark.parametrize("text", ['{"entities": [', "", "[1, 2]", "\x00\x00"])
def test_read_entities_raises_for_a_damaged_table(tmp_path, text):
    (tmp_path / store.ENTITIES).write_text(text)
    with pytest.raises(store.EntityTableDamaged) as caught:
        store.read_entities(tmp_path)
    message = str(caught.value)
    assert isinstance(caught.value, store.IndexDamaged)
    assert str(tmp_path / store.ENTITIES) in message and "clippings index --rebuild" in message
    assert "\n" not in message


def test_read_entities_raises_for_an_unreadable_table(tmp_path):
    (tmp_path / store.ENTITIES).mkdir()  # reading a folder fails as an unreadable file does
    with pytest.raises(store.EntityTableDamaged, match="IsADirectoryError"):
        store.read_entities(tmp_path)
