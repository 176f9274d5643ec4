"""The engine against Whoosh itself: same matches, same BM25F ranking, on a generated archive.

The engine finds and ranks with numpy over decoded posting lists (indexer/docsets.py,
indexer/ranking.py) instead of Whoosh's matchers. Here every query form runs both ways on the
same parsed query and the same index: the engine's search call and Whoosh's own
`searcher.search(q, limit=None)` with its `BM25F`. They must find the same clippings, and rank
them the same, except where the README documents a difference:

- names are expanded and the words as typed rank first: compared with expansion off;
- filters (`date:`, `entity:`, `undated:`, `NOT …`) beside the words only narrow: Whoosh adds
  the same constant to every match for them, so the engine's scores are Whoosh's less that
  constant and the order is the same;
- a query of filters alone lists the newest first: compared with Whoosh's matches by date.

The reference works around three things in Whoosh itself (see `whoosh_scores_every_or` and
`whoosh_scores`): on indexes under 5,000 documents its OR scores a wildcard's expansions as 1
each, boost ignored (on larger ones it adds their BM25F, as the engine always does); its
`AndNotMatcher` keeps the first document of `a` even when `b` has it; its
`DisjunctionMaxMatcher` takes scores from parts standing on other documents.

Each check runs on a fresh index, after an incremental update that changes, deletes and adds
files (a new engine, and one that was open before and refreshes), and after a merge.
"""

from __future__ import annotations

import os
import random
import shutil
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pytest
from whoosh import query

from indexer import store
from indexer.docsets import ColumnBuilder, PostingCache, docset
from indexer.query import parse_query
from indexer.ranking import Scorer
from indexer.schema import text_analyzer
from indexer.search import SearchEngine
from indexer.update import update_index
from indexer.whoosh_adapter import decoded_postings

TODAY = date.today()
CLIPPINGS = 250  # single-clipping files; "report" is in more than 128 of them (several blocks)
DIGESTS = 8  # files of three clippings each
POOL = """village border council refugee water convoy election protest militia hostage
families ceasefire harvest bridge drought clinic teacher market pipeline airport ministry
embassy treaty parliament river mountain winter festival factory railway""".split()
# Words that occur in exactly one clipping each (the smallest posting lists).
RARE = """zephyrine quillwort bramblefinch corvinite mossgarden tallowmere fernbrake
vellichor""".split()
SOURCES = ["Example Wire", "Other Paper", "Daily Ledger", "Wire Review", None]
NAMES = [
    "The MKO said",
    "a PMOI statement said",
    "officials in Baghdad said",
    "at Camp Ashraf residents said",
    "Maryam Rajavi said",
    "the People's Mujahedeen of Iran said",
]
GAZETTEER = """
[[entity]]
name = "People's Mojahedin Organization of Iran"
type = "org"
aliases = ["MEK", "MKO", "PMOI", "People's Mujahedeen of Iran"]

[[entity]]
name = "Camp Ashraf"
type = "place"
aliases = ["Ashraf"]

[[entity]]
name = "Baghdad"
type = "place"

[[entity]]
name = "Maryam Rajavi"
type = "person"
aliases = ["Rajavi"]
"""

WORD_QUERIES = [
    # terms: frequent (several posting blocks), middling, stemmed, one clipping only
    "report",
    "camp",
    "refugees",
    "zephyrine",
    "vellichor",
    # AND, OR, groups
    "camp border",
    "camp AND village",
    "report village council",
    "camp OR village",
    "zephyrine OR quillwort OR village",
    "(camp OR village) border",
    "(camp OR zephyrine) (border OR water)",
    "village OR (camp border)",
    "village OR (camp NOT border)",
    "((camp OR river) AND (water OR winter)) OR festival",
    # phrases, with and without slop, and beside other words
    '"border camp"',
    '"camp near border"~3',
    '"border camp" OR village',
    'water "border camp"',
    # wildcards and fuzzy words
    "refug*",
    "bord*",
    "zephyr*",
    "c?mp",
    "vilage~",
    "councel~2",
    # fuzzy words count edits on the words as written ("electiom" is one edit from
    # "election", three from its stem "elect") and search the stemmed terms they stand for
    "electiom~",
    "refugeees~2",
    "title:festivall~",
    "Electiom~ OR zephyrin~",
    "source:wyre~",  # no words as written for source: its own terms
    "camp OR mountai*",
    # fields
    "title:camp",
    "body:camp",
    "title:village OR body:water",
    "source:wire",
    'source:"other paper"',
    "camp source:wire",
    'title:"border camp"',
    # operators Whoosh's parser knows beyond AND, OR, NOT
    "camp ANDMAYBE village",
    "camp ANDNOT border",
    "camp REQUIRE village",
    # filters inside an OR are scored as Whoosh scores them
    "camp OR entity:MKO",
    "village OR date:2011",
    "festival OR undated:yes",
    "festival OR NOT camp",
]
FILTERED_QUERIES = [
    "camp NOT border",
    "camp -village",
    "report entity:MKO",
    "camp date:2011",
    "village date:[2010 to 2012]",
    "report undated:yes",
    "report undated:no",
    "camp source:wire date:[2009 to]",
    "(camp OR village) entity:Baghdad date:[to 2012]",
]
FILTER_QUERIES = [
    "entity:MKO",
    "entity:PMOI",
    'entity:"Camp Ashraf"',
    "entity:Baghdad",
    "entity:Rajavi",
    "date:2011",
    "date:2011-04",
    "date:2011-04-08",
    "date:[2010 to 2012]",
    "date:[2011-04-08 to 2012-02-15]",
    "date:[2011-04 to]",
    "date:[to 2010]",
    'date:"last 30 days"',
    'date:"last 6 months"',
    'date:"past 2 weeks"',
    'date:"this year"',
    'date:"this month"',
    "date:today",
    "date:yesterday",
    "undated:yes",
    "undated:no",
    "NOT camp",
    "entity:MKO date:[2010 to]",
    "entity:Baghdad undated:yes",
]
QUERIES = WORD_QUERIES + FILTERED_QUERIES + FILTER_QUERIES
STATES = ["fresh", "updated", "refreshed", "merged"]
RELATIVE = 1e-9


def _clipping_text(rng: random.Random, number: int, day: date | None) -> str:
    """One clipping: a title line, optional Date and Source headers, a body of pool words."""
    title = " ".join(rng.sample(POOL, rng.randint(2, 5)) + (["camp"] if number % 4 == 0 else []))
    words = [rng.choice(POOL) for _ in range(rng.randint(6, 60))]
    if rng.random() < 0.95:
        words[rng.randrange(len(words))] = "report"
    if rng.random() < 0.55:
        words.insert(rng.randrange(len(words)), rng.choice(["camp", "camp", "border camp"]))
    if rng.random() < 0.15:
        words.insert(rng.randrange(len(words)), "camp near the border")
    if number < len(RARE):
        words.append(RARE[number])
    sentence = " ".join(words)
    names = f" {rng.choice(NAMES)} more." if rng.random() < 0.35 else ""
    headers = f"Date: {day.isoformat()}\n" if day else ""
    source = rng.choice(SOURCES)
    headers += f"Source: {source}\n" if source else ""
    return f"{title.capitalize()}\n{headers}\n{sentence.capitalize()}.{names}\n"


def _day(rng: random.Random, number: int) -> date | None:
    if number % 7 == 3:
        return None
    if number % 23 == 5:
        return date(2011, 4, 8)
    if number % 17 == 2:
        return TODAY - timedelta(days=rng.randint(0, 40))
    return date(2008, 1, 1) + timedelta(days=rng.randint(0, 7 * 365))


def write_corpus(corpus: Path, seed: int = 8) -> None:
    """The generated archive: single clippings, digests of three, the gazetteer."""
    rng = random.Random(seed)
    corpus.mkdir(parents=True)
    (corpus / "entities.toml").write_text(GAZETTEER, encoding="utf-8")
    for number in range(CLIPPINGS):
        text = _clipping_text(rng, number, _day(rng, number))
        (corpus / f"clip-{number:03d}.txt").write_text(text, encoding="utf-8")
    for number in range(DIGESTS):
        items = [
            _clipping_text(rng, 1000 + 3 * number + i, _day(rng, 1000 + 3 * number + i))
            for i in range(3)
        ]
        digest = f"Digest {number}\n\n" + "\nRead more\n\n".join(items)
        (corpus / f"digest-{number}.txt").write_text(digest, encoding="utf-8")


def change_corpus(corpus: Path, seed: int = 9) -> None:
    """An incremental update's worth of edits: changed, deleted and new files."""
    rng = random.Random(seed)
    for number in range(0, 60, 3):  # changed (a rare word among them moves)
        path = corpus / f"clip-{number:03d}.txt"
        path.write_text(_clipping_text(rng, number + 1, _day(rng, number)), encoding="utf-8")
        os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 10**9))
    for number in range(1, 60, 4):  # deleted
        (corpus / f"clip-{number:03d}.txt").unlink()
    (corpus / "digest-1.txt").unlink()
    for number in range(CLIPPINGS, CLIPPINGS + 12):  # added
        text = _clipping_text(rng, number, _day(rng, number))
        (corpus / f"clip-{number:03d}.txt").write_text(text, encoding="utf-8")


def _copy(source: Path, target: Path) -> Path:
    shutil.copytree(source / "corpus", target / "corpus")  # copy2 keeps modification times
    shutil.copytree(source / "index", target / "index")
    return target


@pytest.fixture(scope="module")
def archives(tmp_path_factory):
    """The index directory of each state, and a long-lived engine refreshed across the update."""
    root = tmp_path_factory.mktemp("parity")
    fresh = root / "fresh"
    write_corpus(fresh / "corpus")
    update_index(fresh / "corpus", fresh / "index", procs=1)
    updated = _copy(fresh, root / "updated")
    long_lived = SearchEngine(updated / "index", refresh_seconds=0)
    long_lived.search("camp")  # it has read the old generation
    change_corpus(updated / "corpus")
    update_index(updated / "corpus", updated / "index", procs=1)
    merged = _copy(updated, root / "merged")
    store.open_index(merged / "index").optimize()
    engines = {
        "fresh": SearchEngine(fresh / "index"),
        "updated": SearchEngine(updated / "index"),
        "refreshed": long_lived,
        "merged": SearchEngine(merged / "index"),
    }
    dirs = {"fresh": fresh, "updated": updated, "refreshed": updated, "merged": merged}
    searchers = {state: store.open_index(d / "index").searcher() for state, d in dirs.items()}
    yield {state: (engines[state], searchers[state]) for state in STATES}
    for engine in engines.values():
        engine.close()
    for searcher in searchers.values():
        searcher.close()


@pytest.fixture(autouse=True, scope="module")
def whoosh_scores_every_or():
    """Whoosh's OR as it runs on archives of more than 5,000 clippings, in the reference too.

    On smaller indexes Whoosh preloads an OR of three or more parts that no parent needs
    positioned, and then scores a wildcard's or fuzzy word's expansions as 1 each, boost ignored;
    on larger ones it adds the expanded words' BM25F, as the engine does at every size.
    """
    before = query.Or.matcher_type
    query.Or.matcher_type = query.Or.DEFAULT_MATCHER
    yield
    query.Or.matcher_type = before


def whoosh_scores(searcher, q: query.Query) -> dict[int, float]:
    """Whoosh's own matches and scores for a query, by document number.

    Two of Whoosh's matchers are worked around, each with Whoosh's own answers for the parts:
    `AndNotMatcher` never checks the first document of `a` against `b` (it returns that
    document even when `b` has it), and `DisjunctionMaxMatcher` takes the maximum score of its
    parts even when one of them stands on another document.
    """
    if isinstance(q, query.AndNot):
        excluded = whoosh_scores(searcher, q.b)
        return {d: s for d, s in whoosh_scores(searcher, q.a).items() if d not in excluded}
    if isinstance(q, query.DisjunctionMax):
        best: dict[int, float] = {}
        for part in q.subqueries:
            for docnum, score in whoosh_scores(searcher, part).items():
                best[docnum] = max(best.get(docnum, score), score)
        return {d: s * q.boost for d, s in best.items()}
    return {hit.docnum: hit.score for hit in searcher.search(q, limit=None)}


def whoosh_hits(searcher, q: query.Query) -> list[tuple[str, int, float, str | None]]:
    """Whoosh's answer: (clipping id, docnum, score, date), best first, ties by clipping id
    (the engine's tie-breaker, the same in an incremental index and a rebuild)."""
    scores = whoosh_scores(searcher, q)
    ids = {docnum: searcher.stored_fields(docnum)["id"] for docnum in scores}
    ranked = sorted(scores, key=lambda docnum: (-scores[docnum], ids[docnum]))
    fields = [searcher.stored_fields(docnum) for docnum in ranked]
    return [(f["id"], d, scores[d], f.get("date")) for f, d in zip(fields, ranked, strict=True)]


def by_date(hits: list, newest: bool) -> list[str]:
    """Whoosh's matches in date order, undated last, ties by clipping id."""
    dated = sorted((h for h in hits if h[3]), key=lambda h: h[0])
    dated.sort(key=lambda h: h[3], reverse=newest)
    undated = sorted((h for h in hits if not h[3]), key=lambda h: h[0])
    return [h[0] for h in dated + undated]


def parsed_query(engine: SearchEngine, searcher, text: str) -> query.Query:
    return parse_query(text, searcher.schema, engine.resolve_entity).query()


def test_generated_archive_exercises_the_paths(archives):
    """The corpus reaches multi-block posting lists, one-clipping words, and every state."""
    _, searcher = archives["fresh"]
    reader = searcher.reader()
    assert reader.doc_frequency("body", "report") > 128
    stems = [token.text for word in RARE for token in text_analyzer()(word)]
    assert [reader.doc_frequency("body", stem) for stem in stems] == [1] * len(RARE)
    assert searcher.doc_count() == CLIPPINGS + 3 * DIGESTS
    _, merged = archives["merged"]
    assert len(list(merged.reader().leaf_readers())) == 1
    _, updated = archives["updated"]
    assert updated.reader().has_deletions() or len(list(updated.reader().leaf_readers())) > 1


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("text", QUERIES)
def test_same_matches_as_whoosh(archives, state, text):
    engine, searcher = archives[state]
    expected = {h[0] for h in whoosh_hits(searcher, parsed_query(engine, searcher, text))}
    found = [hit.id for hit in engine.export(text, "relevance", expand=False)]
    assert set(found) == expected and len(found) == len(expected)
    assert engine.search(text, pagelen=1, expand=False).total == len(expected)


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("text", WORD_QUERIES + FILTERED_QUERIES)
def test_same_ranking_as_whoosh_bm25f(archives, state, text):
    """Same order and scores; filters beside the words shift every score by one constant."""
    engine, searcher = archives[state]
    hits = whoosh_hits(searcher, parsed_query(engine, searcher, text))
    ranked = [(hit.id, hit.score) for hit in engine.export(text, "relevance", expand=False)]
    assert [id_ for id_, _ in ranked] == [h[0] for h in hits]
    shifts = [whoosh - ours for (_, ours), (_, _, whoosh, _) in zip(ranked, hits, strict=True)]
    if text in WORD_QUERIES:
        assert shifts == pytest.approx([0.0] * len(shifts), abs=1e-4)
    else:
        assert max(shifts, default=0) - min(shifts, default=0) < 2e-4


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("sort", ["newest", "oldest"])
@pytest.mark.parametrize("text", ["camp", "village OR zephyrine", "entity:MKO", "report -camp"])
def test_date_order_as_whoosh_matches_sorted(archives, state, sort, text):
    engine, searcher = archives[state]
    hits = whoosh_hits(searcher, parsed_query(engine, searcher, text))
    ordered = [hit.id for hit in engine.export(text, sort, expand=False)]
    assert ordered == by_date(hits, newest=sort == "newest")


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("text", FILTER_QUERIES)
def test_filters_alone_list_whoosh_matches_newest_first(archives, state, text):
    engine, searcher = archives[state]
    hits = whoosh_hits(searcher, parsed_query(engine, searcher, text))
    assert [hit.id for hit in engine.export(text, "relevance", expand=False)] == by_date(
        hits, newest=True
    )


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize(
    ("fuzzy", "word"),
    [("electiom~", "election"), ("Festivall~", "festival"), ("refugeees~2", "refugees")],
)
def test_fuzzy_words_find_the_words_as_written(archives, state, fuzzy, word):
    """A misspelled word with `~` finds the clippings of the word it misspells: edits are
    counted on the word as written (`electiom` is three edits from the stem `elect`)."""
    engine, _ = archives[state]
    expected = {hit.id for hit in engine.export(word, "relevance", expand=False)}
    assert expected
    assert {hit.id for hit in engine.export(fuzzy, "relevance", expand=False)} == expected


_LAYERS: dict[int, tuple] = {}


def _numpy_layer(searcher):
    """The engine's per-document columns and posting cache for a searcher, built once."""
    if id(searcher) not in _LAYERS:
        cache = PostingCache()
        _LAYERS[id(searcher)] = (ColumnBuilder(cache).columns(searcher.reader()), cache, searcher)
    return _LAYERS[id(searcher)][:2]


# Query classes the parser rarely or never builds, constructed directly.
BUILT_QUERIES = [
    query.AndNot(query.Term("body", "camp"), query.Term("body", "border")),
    query.AndNot(query.Term("body", "camp"), query.Term("body", "report")),
    query.AndNot(
        query.Or([query.Term("body", "camp"), query.Term("title", "villag")]),
        query.Term("body", "report"),
    ),  # fmt: skip
    query.Require(query.Term("body", "camp"), query.Term("title", "villag")),
    query.Require(query.Term("title", "camp"), query.Not(query.Term("body", "border"))),
    query.AndMaybe(query.Term("body", "camp"), query.Term("body", "villag")),
    query.AndMaybe(query.Term("body", "report"), query.Phrase("body", ["border", "camp"])),
    query.Or([query.Term("body", "camp", boost=2.0), query.Term("title", "water")], boost=0.5),
    query.And([query.Term("body", "camp"), query.Term("body", "report")], boost=3.0),
    query.DisjunctionMax([query.Term("body", "camp"), query.Term("title", "camp")]),
    query.Prefix("body", "zephyr", boost=2.0),
    query.Wildcard("title", "c*", boost=0.5),
    query.FuzzyTerm("body", "vilage", maxdist=1, boost=3.0),
    query.ConstantScoreQuery(query.Term("body", "camp"), 2.5),
    query.Or([query.Term("entities", "Baghdad"), query.Term("undated", "1")]),
    query.Or([query.Term("year", "2011"), query.Term("month", "2012-02"), query.Every()]),
    query.Not(query.Term("body", "report")),
]


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("built", BUILT_QUERIES, ids=repr)
def test_numpy_layer_scores_whole_query_as_whoosh(archives, state, built):
    """Document sets and BM25F of the full query tree, filters included, to 1e-9 relative."""
    engine, searcher = archives[state]
    columns, cache = _numpy_layer(searcher)
    reader = searcher.reader()
    hits = whoosh_hits(searcher, built)
    docs = docset(built, reader, columns, cache, searcher)
    assert docs.tolist() == sorted(h[1] for h in hits)
    scores = dict(
        zip(docs.tolist(), Scorer(searcher, columns, cache).scores(built, docs), strict=True)
    )
    assert [scores[h[1]] for h in hits] == pytest.approx([h[2] for h in hits], rel=RELATIVE)


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("text", WORD_QUERIES + FILTERED_QUERIES)
def test_numpy_layer_scores_parsed_query_as_whoosh(archives, state, text):
    engine, searcher = archives[state]
    columns, cache = _numpy_layer(searcher)
    parsed = parsed_query(engine, searcher, text)
    hits = whoosh_hits(searcher, parsed)
    docs = docset(parsed, searcher.reader(), columns, cache, searcher)
    scores = dict(
        zip(docs.tolist(), Scorer(searcher, columns, cache).scores(parsed, docs), strict=True)
    )
    assert [scores[h[1]] for h in hits] == pytest.approx([h[2] for h in hits], rel=RELATIVE)


@pytest.mark.parametrize("state", ["fresh", "merged"])
@pytest.mark.parametrize("field", ["title", "body", "source", "entities", "date", "year"])
def test_decoded_postings_equal_whoosh_matchers(archives, state, field):
    """Every term's decoded document numbers and frequencies, block by block, as Whoosh reads
    them one posting at a time."""
    _, searcher = archives[state]
    for segment_reader, _ in searcher.reader().leaf_readers():
        for text in segment_reader.field_terms(field):
            ids, weights = decoded_postings(segment_reader, field, text)
            live = [not segment_reader.is_deleted(docnum) for docnum in ids.tolist()]
            matcher = segment_reader.postings(field, text)
            expected = []
            while matcher.is_active():
                expected.append((matcher.id(), matcher.weight()))
                matcher.next()
            assert ids[live].tolist() == [docnum for docnum, _ in expected], text
            assert np.allclose(weights[live], [weight for _, weight in expected]), text


# Relaxed queries (fewer than a page of clippings hold all their free words) with the query
# the engine runs instead, written out: the required clauses AND any of the words, or when a
# required clause is a word or phrase of its own, the words only rank (ANDMAYBE). A
# question's function words ("what") are not searched; stop words never are.
RELAXED_QUERIES = [
    ("zephyrine quillwort village", "zephyrine OR quillwort OR village"),
    ("camp border zephyrine tallowmere", "camp OR border OR zephyrine OR tallowmere"),
    ("What about the zephyrine festival drought?", "zephyrine OR festival OR drought"),
    (
        "refugees bramblefinch corvinite harvest clinic",
        "refugees OR bramblefinch OR corvinite OR harvest OR clinic",
    ),
    ('"border camp" zephyrine vellichor', '"border camp" ANDMAYBE (zephyrine OR vellichor)'),
    ("title:camp mossgarden fernbrake", "title:camp ANDMAYBE (mossgarden OR fernbrake)"),
    ("zephyrine vellichor date:[2008 to]", "(zephyrine OR vellichor) date:[2008 to]"),
]  # fmt: skip


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize(("text", "runs"), RELAXED_QUERIES)
def test_relaxed_ranking_as_whoosh_bm25f(archives, state, text, runs):
    """A relaxed query finds what Whoosh finds for `required AND (word OR word …)`, with its
    BM25F scores; the clippings holding every word come first, then by score, ties by id."""
    engine, searcher = archives[state]
    found = engine.search(text, expand=False)
    assert found.relaxed is not None
    complete = {hit.id for hit in engine.export(text, "relevance", expand=False, strict=True)}
    assert len(complete) < 10
    hits = whoosh_hits(searcher, parsed_query(engine, searcher, runs))
    expected = sorted(hits, key=lambda h: (h[0] not in complete, -h[2], h[0]))
    ranked = [(hit.id, hit.score) for hit in engine.export(text, "relevance", expand=False)]
    assert [id_ for id_, _ in ranked] == [h[0] for h in expected]
    shifts = [whoosh - ours for (_, ours), (_, _, whoosh, _) in zip(ranked, expected, strict=True)]
    if "date:" in runs:  # a filter beside the words: Whoosh adds one constant to every score
        assert max(shifts) - min(shifts) < 2e-4
    else:
        assert shifts == pytest.approx([0.0] * len(shifts), abs=1e-4)
    assert found.total == len(expected)
    assert [hit.id for hit in found.hits] == [h[0] for h in expected][: len(found.hits)]


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize(("text", "runs"), RELAXED_QUERIES)
def test_numpy_layer_scores_relaxed_query_as_whoosh(archives, state, text, runs):
    """The numpy scorer on the relaxed query, with the generation's document sets, to 1e-9."""
    engine, searcher = archives[state]
    columns, cache = _numpy_layer(searcher)
    parsed = parsed_query(engine, searcher, runs)
    hits = whoosh_hits(searcher, parsed)
    reader = searcher.reader()
    sets = lambda q: docset(q, reader, columns, cache, searcher)  # noqa: E731
    docs = sets(parsed)
    scorer = Scorer(searcher, columns, cache, sets)
    scores = dict(zip(docs.tolist(), scorer.scores(parsed, docs), strict=True))
    assert [scores[h[1]] for h in hits] == pytest.approx([h[2] for h in hits], rel=RELATIVE)
    best = scorer.top(parsed, docs, 5)
    assert [docnum for docnum, _ in best] == [h[1] for h in hits[:5]]


# Queries whose results have ties: equal scores (a title word in titles of one length) or equal
# dates (one day, undated clippings). Only orders that the statistics cannot change: Whoosh's
# average field lengths count deleted clippings until a merge, so the scores of several words
# may differ slightly between an incremental index and a rebuild (their ties do not).
TIE_QUERIES = [
    ("title:camp", "relevance"),
    ("title:village", "relevance"),
    ("undated:yes", "relevance"),
    ("date:2011-04-08", "relevance"),
    ("NOT camp", "relevance"),
    ("entity:MKO", "newest"),
    ("camp", "newest"),
    ("report", "oldest"),
]


@pytest.fixture(scope="module")
def rebuilt(archives, tmp_path_factory):
    """A clean rebuild of the updated archive's folder (the same clippings, new numbers)."""
    engine, _ = archives["updated"]
    root = tmp_path_factory.mktemp("rebuilt")
    shutil.copytree(engine.index_dir.parent / "corpus", root / "corpus")
    update_index(root / "corpus", root / "index", procs=1)
    rebuilt_engine = SearchEngine(root / "index")
    yield rebuilt_engine
    rebuilt_engine.close()


@pytest.mark.parametrize("state", ["updated", "refreshed"])
@pytest.mark.parametrize(("text", "sort"), TIE_QUERIES)
def test_ties_broken_by_id_alike_in_incremental_index_and_rebuild(
    archives, rebuilt, state, text, sort
):
    """Ties are broken by clipping id, so an index updated incrementally (whose changed and
    added clippings have new document numbers) lists them as a clean rebuild does."""
    engine, _ = archives[state]
    incremental = list(engine.export(text, sort, expand=False))
    clean = list(rebuilt.export(text, sort, expand=False))
    assert [h.id for h in incremental] == [h.id for h in clean]
    for grouped in (True, False):
        page = engine.search(text, sort=sort, expand=False, group=grouped, pagelen=20)
        again = rebuilt.search(text, sort=sort, expand=False, group=grouped, pagelen=20)
        assert [h.id for h in page.hits] == [h.id for h in again.hits]
        assert [[m.id for m in h.similar] for h in page.hits] == [
            [m.id for m in h.similar] for h in again.hits
        ]


def test_tie_queries_have_ties(archives):
    """The tie queries above do tie: some neighbours in their order share a score or a day."""
    engine, _ = archives["updated"]
    for text, sort in TIE_QUERIES:
        hits = list(engine.export(text, sort, expand=False))
        keys = [h.date if sort != "relevance" or h.score is None else h.score for h in hits]
        assert any(a == b for a, b in zip(keys, keys[1:], strict=False)), text
