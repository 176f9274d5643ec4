"""Near-duplicate signatures and groups (indexer/duplicates.py), and groups kept exactly right
by incremental runs."""

from __future__ import annotations

import os
import shutil

import pytest

from indexer import store
from indexer.duplicates import duplicate_groups, estimated_jaccard, signature
from indexer.update import update_index
from tests.conftest import FIXTURES

DUPLICATES = FIXTURES / "duplicates"
WIRE = {"wire-original.txt#1", "wire-reprint-daily.txt#1", "wire-reprint-herald.txt#1"}
STORY = " ".join(f"word{n} and another{n % 7} said the officials" for n in range(40))


def _text(name: str) -> tuple[str, str]:
    """A fixture text clipping's title and body (the lines after the header)."""
    lines = (DUPLICATES / name).read_text(encoding="utf-8").split("\n")
    return lines[0], " ".join(line for line in lines[1:] if ":" not in line[:8])


def test_a_signature_is_compact_text_and_the_same_every_time():
    first = signature("Title", STORY)
    assert first == signature("Another title", STORY)  # the body alone is shingled
    assert len(first) < 200 and first.isascii()
    assert estimated_jaccard(first, signature("T", STORY)) == 1.0


@pytest.mark.parametrize(
    ("a", "b", "together"),
    [
        ("wire-original.txt", "wire-reprint-daily.txt", True),  # other headline, boilerplate
        ("wire-original.txt", "wire-reprint-herald.txt", True),  # cut short, a word changed
        ("herald-market.txt", "herald-library.txt", False),  # one site's template, two stories
        ("wire-reprint-herald.txt", "herald-market.txt", False),
    ],
)
def test_copies_group_and_near_misses_stay_apart(a, b, together):
    groups = duplicate_groups([(a, signature(*_text(a))), (b, signature(*_text(b)))])
    assert (groups.get(a) is not None and groups.get(a) == groups.get(b)) is together


def test_an_excerpt_groups_with_the_story_it_starts():
    excerpt = " ".join(STORY.split()[:60])
    groups = duplicate_groups([("full", signature("", STORY)), ("part", signature("", excerpt))])
    assert groups == {"full": "full", "part": "full"}


def test_groups_are_led_not_chained():
    words = [f"w{n}" for n in range(350)]
    texts = {name: " ".join(words[50 * n : 50 * n + 200]) for n, name in enumerate("abcd")}
    groups = duplicate_groups([(name, signature("", text)) for name, text in texts.items()])
    # Each window shares 150 of its 200 words with the next (Jaccard 0.6) and 100 with the
    # one after (0.33): connected components would chain all four; b leads its own copies.
    assert groups == {"a": "b", "b": "b", "c": "b"}


def test_groups_do_not_depend_on_the_order_given():
    signed = [(name, signature(*_text(name))) for name in sorted(os.listdir(DUPLICATES))]
    assert duplicate_groups(signed) == duplicate_groups(signed[::-1])
    assert duplicate_groups([]) == {} and duplicate_groups(signed[:1]) == {}


def _groups(index) -> dict[str, str]:
    with store.open_searcher(index) as searcher:
        return {f["id"]: f.get("group") for f in searcher.all_stored_fields()}


def _rebuilt(corpus, tmp_path) -> dict[str, str]:
    fresh = tmp_path / "fresh"
    shutil.rmtree(fresh, ignore_errors=True)
    update_index(corpus, fresh)
    return _groups(fresh)


def test_incremental_runs_regroup_exactly_as_a_rebuild(tmp_path):
    corpus = tmp_path / "corpus"
    shutil.copytree(DUPLICATES, corpus)
    index = tmp_path / "index"
    update_index(corpus, index)
    groups = _groups(index)
    assert {k for k, v in groups.items() if v} == WIRE
    assert len({groups[k] for k in WIRE}) == 1

    steps = [
        lambda: (corpus / "wire-reprint-daily.txt").write_text(
            "Another story\n\n" + (DUPLICATES / "herald-market.txt").read_text(), "utf-8"
        ),  # edited into another story's copy: it leaves the wire group for that one
        lambda: (corpus / "wire-original.txt").unlink(),  # the rest still group
        lambda: shutil.copy(DUPLICATES / "wire-original.txt", corpus / "again.txt"),  # added
        lambda: (corpus / "wire-reprint-herald.txt").unlink(),
    ]
    for step in steps:
        step()
        update_index(corpus, index)
        assert _groups(index) == _rebuilt(corpus, tmp_path)
    final = _groups(index)  # the edited file now reprints the market story; the wire is alone
    assert final["again.txt#1"] is None
    assert final["wire-reprint-daily.txt#1"] == final["herald-market.txt#1"] is not None


def test_a_manifest_rebuilt_from_the_index_keeps_the_signatures(tmp_path):
    corpus = shutil.copytree(DUPLICATES, tmp_path / "corpus")
    index = tmp_path / "index"
    update_index(corpus, index)
    (index / store.MANIFEST).unlink()  # as after a run killed before it saved the manifest
    update_index(corpus, index)
    records = store.read_manifest(index, store.open_index(index).latest_generation())
    assert all(entry[1] for record in records.values() for entry in record.duplicates)
    assert _groups(index) == _rebuilt(corpus, tmp_path)
