"""Did you mean: which words get a suggestion, which do not, and the query around them kept as
typed (indexer/spelling.py), on a generated archive whose word counts are known; then the
engine's use of it on the sample archive."""

from __future__ import annotations

import pytest

from indexer import store
from indexer.names.table import EntityTable
from indexer.query import parse_query
from indexer.search import SearchEngine
from indexer.spelling import Speller, distance
from indexer.update import update_index

# Words and in how many of the archive's 30 clippings each stands.
COUNTS = {
    "government": 30,
    "minister": 30,
    "law": 25,
    "current": 25,
    "refugees": 12,
    "cameo": 12,
    "ballot": 10,
    "camp": 8,
    "village": 5,
    "Mojahedin Khalq": 4,
    "ballet": 3,
}
CLIPPINGS = 30
# Correct words the archive uses once each, all close to a frequent word.
RARE = ["lawn", "Minster", "torrent", "mister"]
GAZETTEER = """
[[entity]]
name = "Mojahedin Khalq"
type = "org"
aliases = ["MKO"]

[[entity]]
name = "Minster"
type = "place"
"""


@pytest.fixture(scope="module")
def archive(tmp_path_factory):
    """The archive's index folder, reader and entity table."""
    root = tmp_path_factory.mktemp("spelling")
    corpus = root / "corpus"
    corpus.mkdir()
    (corpus / "entities.toml").write_text(GAZETTEER, encoding="utf-8")
    for number in range(CLIPPINGS):
        words = [word for word, count in COUNTS.items() if number < count]
        words += [RARE[number]] if number < len(RARE) else []
        body = f"Dispatch {number} reports on {', '.join(words)}, and not more."
        (corpus / f"clip-{number:02d}.txt").write_text(f"Dispatch {number}\n\n{body}\n")
    update_index(corpus, root / "index", procs=1)
    ix = store.open_index(root / "index")
    ix.optimize()  # word counts include re-tagged clippings' old copies until a merge
    table = EntityTable.from_json(store.read_entities(root / "index"))
    with ix.searcher() as searcher:
        yield root / "index", searcher.reader(), table


def suggested(archive, text: str) -> str | None:
    _, reader, table = archive
    parse = parse_query(text, reader.schema, lambda name: name)
    found = Speller(table).suggestion(parse, reader)
    return found.text if found else None


def test_the_archive_has_the_counts_it_was_written_with(archive):
    _, reader, _ = archive
    assert reader.doc_count() == CLIPPINGS
    assert reader.doc_frequency("spelling", "refugees") == 12
    assert reader.doc_frequency("spelling", "minster") == 1


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        # one or two edits, counted on the word as written
        ("refugess", "refugees"),
        ("refugeees", "refugees"),
        ("govenment", "government"),
        ("govermnent", "government"),
        ("villagr", "village"),
        ("ministr", "minister"),
        # transpositions count half an edit
        ("cmap", "camp"),
        ("govrenment", "government"),
        # a key next to the one meant counts half: camp before the more frequent cameo
        ("camo", "camp"),
        ("refugeea", "refugees"),
        # a stop word, which the index leaves out
        ("teh camp", "the camp"),
        # equally close: the more frequent
        ("ballxt", "ballot"),
        # another transliteration of a name word, however many edits away
        ("Mujahideen", "Mojahedin"),
        ("mujahedeen", "mojahedin"),
        # the typed case is kept
        ("Refugess", "Refugees"),
        ("REFUGESS", "REFUGEES"),
    ],
)
def test_a_misspelled_word_gets_the_close_frequent_word(archive, typed, expected):
    assert suggested(archive, typed) == expected


@pytest.mark.parametrize(
    "typed",
    [
        # words the archive uses, as typed or by their stem
        "refugees",
        "refugee",
        "Refugees",
        "villages",
        # correct words it uses rarely: short, two edits from a frequent word, or a known name
        "lawn",
        "torrent",
        "mister",
        "Minster",
        # nothing close enough, or too short to say
        "xylophone",
        "zq",
        "governmentalisation",
        # numbers
        "2011",
        "3rd",
        "30,000",
        # wildcards, fuzzy words, a name as typed, fields without words as written
        "refug*",
        "refugess~",
        "=Refugess",
        "source:refugess",
        "entity:Refugess",
        # stop words
        "the",
        "",
    ],
)
def test_no_suggestion(archive, typed):
    assert suggested(archive, typed) is None


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("title:refugess", "title:refugees"),
        ('"camp goverment"', '"camp government"'),
        ('"camp  goverment"~2', '"camp  government"~2'),
        ("refugess date:2011 entity:MKO", "refugees date:2011 entity:MKO"),
        ("refugess OR (cmap -govenment)", "refugees OR (camp -government)"),
        ("Body:refugess source:reuters", "Body:refugees source:reuters"),
        ("refugess refug* camp~", "refugees refug* camp~"),
        ("refugess  government", "refugees  government"),
    ],
)
def test_the_suggestion_keeps_the_query_as_typed_around_the_words_it_replaces(
    archive, typed, expected
):
    assert suggested(archive, typed) == expected


def test_the_replaced_words_are_marked(archive):
    _, reader, table = archive
    parse = parse_query('title:refugess "cmap" camp', reader.schema, lambda name: name)
    found = Speller(table).suggestion(parse, reader)
    assert [found.text[start:end] for start, end in found.marks] == ["refugees", "camp"]


def test_a_suggestion_never_reads_as_an_operator(archive):
    """A word typed in capitals keeps them, unless the parser would read the word as NOT."""
    assert suggested(archive, "CAMPP") == "CAMP"
    assert suggested(archive, "camp NOTT") == "camp Not"


@pytest.mark.parametrize(
    ("typed", "word", "edits"),
    [
        ("refugexs", "refugees", 1.0),
        ("refugess", "refugees", 0.5),  # s and e are neighbours on the keyboard
        ("cmap", "camp", 0.5),
        ("camo", "camp", 0.5),
        ("govrenment", "government", 0.5),
        ("teh", "the", 0.5),
        ("refugees", "refugees", 0.0),
        ("", "law", 3.0),
        ("mujahideen", "mojahedin", 3.5),  # ...e-e-n: e-i-n with a swap
    ],
)
def test_distance(typed, word, edits):
    assert distance(typed, word) == edits


@pytest.fixture(scope="module")
def sample(sample_index):
    engine = SearchEngine(sample_index)
    yield engine
    engine.close()


def test_the_sample_archive_offers_refugees_and_shows_its_results(sample):
    results = sample.search("refugess")
    assert results.suggestion.text == "refugees"
    assert results.showing_suggestion
    assert results.total == sample.search("refugees").total > 0
    assert results.query == "refugess"
    assert all(hit.snippet.marks or hit.title_marks for hit in results.hits)


def test_spell_off_keeps_the_query_as_typed_and_still_suggests(sample):
    results = sample.search("refugess", spell=False)
    assert (results.total, results.showing_suggestion) == (0, False)
    assert results.suggestion.text == "refugees"


def test_a_query_that_finds_something_only_gets_the_link(sample):
    results = sample.search("refugess OR camp")
    assert results.total > 0 and not results.showing_suggestion
    assert results.suggestion.text == "refugees OR camp"


def test_no_suggestion_for_words_the_archive_uses(sample):
    for text in ["refugees", "camp ashraf", "PMOI", "Mujahedeen", ""]:
        assert sample.search(text).suggestion is None, text


def test_json_has_the_suggestion_and_whose_results_they_are(sample):
    data = sample.search("refugess").to_json()
    assert (data["suggestion"], data["showing_suggestion"]) == ("refugees", True)
    data = sample.search("refugees").to_json()
    assert (data["suggestion"], data["showing_suggestion"]) == (None, False)


def test_fuzzy_word_finds_and_marks_the_words_as_written(sample):
    """`refugess~` is one edit from "refugees" (three from its stem "refuge")."""
    results = sample.search("refugess~")
    assert results.total == sample.search("refugees").total
    marked = {
        hit.snippet.text[start:end].lower()
        for hit in results.hits
        for start, end in hit.snippet.marks
    }
    assert "refugees" in marked
