"""Progressive relaxation: which words a query's matches may lack, and what the results say."""

import pytest

from indexer.query import parse_query
from indexer.relax import relaxed
from indexer.schema import clipping_schema

SCHEMA = clipping_schema()


def split(text: str):
    parsed = parse_query(text, SCHEMA, str)
    found = relaxed(parsed, parsed.syntax)
    return None if found is None else ([w.typed for w in found.words], found.required_typed())


@pytest.mark.parametrize(
    "text, words, required",
    [
        ("camp ashraf refugees", ["camp", "ashraf", "refugees"], []),
        # Quoted phrases, fields, NOT and +words are always required.
        ('camp "raid on" ashraf', ["camp", "ashraf"], ['"raid on"']),
        ("camp title:raid ashraf", ["camp", "ashraf"], ["title:raid"]),
        ("camp ashraf -refugees", ["camp", "ashraf"], ["-refugees"]),
        ("+raid camp ashraf", ["camp", "ashraf"], ["+raid"]),
        # One free word beside a required clause may be dropped; alone (or with filters) not.
        ('"camp ashraf" raid', ["raid"], ['"camp ashraf"']),
        # Filters are required too, but shown as the page's filter chips, not listed here.
        ("camp ashraf date:2011", ["camp", "ashraf"], []),
        # Brackets of ANDed words are an aside in prose, not a group: their words are free.
        ("virus (ComYMV) genome", ["virus", "ComYMV", "genome"], []),
        ("+(camp ashraf) refugees iraq", ["refugees", "iraq"], ["camp", "ashraf"]),
        # Wildcards and fuzzy words are free words; punctuation around a word is not shown.
        ("refug* camp rajavy~", ["refug*", "camp", "rajavy~"], []),
        ("raid in April 2011?", ["raid", "April", "2011"], []),
        # An explicit OR is the user's own grouping: required as a whole.
        ("iraq OR iran refugees", None, None),
        ("camp ashraf NOT refugees", ["camp", "ashraf"], ["NOT refugees"]),
        # Fewer than two free words and nothing else ranking: nothing to relax.
        ("the refugees", None, None),
        ("refugees date:2011", None, None),
        ("refugees -camp", None, None),
        ('"camp ashraf"', None, None),
    ],
)
def test_what_a_match_may_lack(text, words, required):
    found = split(text)
    if words is None:
        assert found is None
    else:
        assert found == (words, required)


def test_a_question_s_function_words_are_not_searched():
    parsed = parse_query("What happened to the residents after the raid?", SCHEMA, str)
    found = relaxed(parsed, parsed.syntax)
    assert [w.typed for w in found.words] == ["happened", "residents", "raid"]
    assert found.ignored == ["What", "after"]


def test_function_words_alone_are_still_searched():
    parsed = parse_query("what about which", SCHEMA, str)
    found = relaxed(parsed, parsed.syntax)
    assert [w.typed for w in found.words] == ["what", "about", "which"]


def titles(results):
    return [hit.title for hit in results.hits]


def test_no_clipping_with_every_word_still_finds_those_with_some(engine):
    results = engine.search("refugees Paris")
    assert results.relaxed.words == ["refugees", "Paris"]
    assert results.relaxed.complete == 0 and results.relaxed.most == 1
    assert set(titles(results)) == {
        "Refugees leave the camp",
        "Border crossing reopens",
        "MKO members protest in Paris",
    }
    missing = {hit.title: hit.missing for hit in results.hits}
    assert missing["MKO members protest in Paris"] == ["refugees"]
    assert missing["Refugees leave the camp"] == ["Paris"]


def test_strict_requires_every_word(engine):
    results = engine.search("refugees Paris", strict=True)
    assert results.total == 0 and results.relaxed is None


def test_clippings_with_every_word_come_first(engine):
    # "camp" is in two clippings, "refugees" in two: only one clipping has both.
    results = engine.search("refugees camp border")
    assert results.relaxed.complete >= 1
    complete = [hit for hit in results.hits if not hit.missing]
    assert results.hits[: len(complete)] == complete
    assert all(hit.missing for hit in results.hits[len(complete) :])


@pytest.mark.parametrize(
    "text, expected",
    [
        ("+refugees Paris", {"Refugees leave the camp", "Border crossing reopens"}),
        ('"camp near Baghdad" Paris', {"Border crossing reopens"}),
        ("refugees Paris -border", {"MKO members protest in Paris"}),
        ("refugees Paris date:2012", {"MKO members protest in Paris"}),
        ("title:refugees Paris", {"Refugees leave the camp"}),
    ],
)
def test_phrases_fields_filters_not_and_plus_are_never_dropped(engine, text, expected):
    assert set(titles(engine.search(text))) == expected


def test_a_year_or_month_also_finds_what_was_published_then(engine):
    # "Refugees leave the camp" is dated 2011-04-08; its text says neither April nor 2011.
    assert titles(engine.search("buses April", strict=True)) == ["Refugees leave the camp"]
    assert titles(engine.search("buses 2011", strict=True)) == ["Refugees leave the camp"]
    assert engine.search("buses 2012", strict=True).total == 0
    # March and May are common words too: they only match the words.
    assert engine.search("buses May", strict=True).total == 0


def test_the_long_camp_ashraf_question_lands_on_the_raid_article(sample_index):
    from indexer.search import SearchEngine

    engine = SearchEngine(sample_index)
    question = "What happened to the residents of Camp Ashraf after the Iraqi raid in April 2011?"
    results = engine.search(question)
    engine.close()
    assert results.hits[0].title == "Iraqi troops raid Camp Ashraf; residents report deaths"
    assert results.relaxed.complete == 0 and results.relaxed.ignored == ["What", "after"]
    # A stop word next to a name is not part of the name.
    assert [e.term for e in results.expanded] == ["Camp Ashraf"]
    assert results.total > 1


@pytest.mark.parametrize(
    "text, words",
    [
        # In prose a hyphenated compound is two words; each may be missing on its own.
        (
            "Tirasemtiv targets fast-twitch muscle.",
            ["Tirasemtiv", "targets", "fast", "twitch", "muscle"],
        ),
        ("state-of-the-art camp", ["state", "art", "camp"]),
        ("3,000-plus camp", ["3,000", "plus", "camp"]),
    ],
)
def test_a_split_word_s_parts_are_words_of_their_own(text, words):
    assert split(text) == (words, [])


def test_a_match_may_lack_part_of_a_compound(engine):
    results = engine.search("border-crossing reopens")
    assert results.relaxed.words == ["border", "crossing", "reopens"]
    assert results.relaxed.complete == 1  # "Border crossing reopens" has every part
    assert titles(results)[0] == "Border crossing reopens" and results.hits[0].missing == []
    assert results.hits[1].missing == ["crossing", "reopens"]


def test_a_quoted_name_with_its_other_names_lets_a_free_word_be_dropped(sample_index):
    from indexer.search import SearchEngine

    engine = SearchEngine(sample_index)
    results = engine.search('"camp ashraf" convoy')
    engine.close()
    assert results.relaxed.words == ["convoy"] and results.relaxed.required == ['"camp ashraf"']
    assert results.hits[0].missing == [] and results.total > results.relaxed.complete
