"""The index schema and its text analysis."""

import pytest

from indexer.schema import clipping_schema, text_analyzer

CONTRACT_FIELDS = {"id", "path", "title", "body", "date", "entities", "source", "url", "collection"}


def test_schema_has_the_design_fields():
    schema = clipping_schema()
    assert set(schema.names()) >= CONTRACT_FIELDS
    assert schema["id"].unique
    assert schema["url"].stored and not schema["url"].indexed


@pytest.mark.parametrize("field", ["title", "body"])
def test_text_fields_store_character_positions_for_highlighting(field):
    schema = clipping_schema()
    assert schema[field].stored
    assert schema[field].supports("characters")
    assert schema[field].supports("positions")


@pytest.mark.parametrize(
    "text, terms",
    [
        ("Refugees", ["refuge"]),
        ("refugee", ["refuge"]),
        ("Café Ré", ["cafe", "re"]),
        ("The camp of the group", ["camp", "group"]),
        ("U.S. and U.N.", ["u.", "u.n"]),
        ("3,000-plus", ["3,000", "plus"]),
        ("refugees.But", ["refuge", "but"]),
        ("Mojahedin-e Khalq", ["mojahedin", "e", "khalq"]),
    ],
)
def test_analysis_lowercases_folds_accents_drops_stop_words_and_stems(text, terms):
    assert [t.text for t in text_analyzer()(text)] == terms


def test_query_and_index_analysis_agree():
    analyzer = text_analyzer()
    for word in ["Refugees", "running", "Ashraf", "naïve"]:
        assert [t.text for t in analyzer(word, mode="query")] == [t.text for t in analyzer(word)]
