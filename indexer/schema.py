"""The Whoosh schema and the text analysis shared by indexing and querying."""

from __future__ import annotations

from dataclasses import dataclass

from whoosh.analysis import CharsetFilter, LowercaseFilter, RegexTokenizer, StemFilter, StopFilter
from whoosh.analysis.analyzers import Analyzer
from whoosh.fields import ID, KEYWORD, STORED, TEXT, FieldType, Schema
from whoosh.formats import Existence
from whoosh.lang.porter2 import stem
from whoosh.support.charset import accent_map

# English stop words plus the "s" and "t" left over when a tokenizer splits "group's" or "don't".
STOP_WORDS = frozenset(
    """a an and are as at be by for from has have if in into is it its of on or such that the
    their then there these they this to was will with s t""".split()
)

# Field weights for free words: a word in the title counts this much more than one in the body.
TITLE_BOOST = 2.5
# The fields a word without a field name searches, and their weights.
FREE_TEXT_FIELDS = {"title": TITLE_BOOST, "body": 1.0}
# The publication month and year as words ("april 2011"): a free word that names a year or a
# month also finds the clippings published then ("raid April 2011" finds a raid article dated
# 2011-04-08 that never writes the year). Months that are also common words (March, May) are
# left out.
WHEN_FIELD, WHEN_WEIGHT = "when", 1.0
MONTHS = (None, "January", "February", None, "April", None, "June", "July", "August",
          "September", "October", "November", "December")  # fmt: skip


@dataclass(frozen=True)
class QueryField:
    """A field name users may type before a colon, the index field it searches, and its kind:
    `text` (words that also rank the matches), or a filter that only narrows them (same score
    for every match): `entity` (a name resolved through the alias table), `date`, `flag`."""

    name: str
    index_field: str
    kind: str
    example: str  # for error messages: `date:2011`
    chip: bool = True  # shown above the results as a filter the user can take out

    @property
    def narrows(self) -> bool:
        return self.kind != "text"


# Every field of the query language, declared once: the parser, its error messages, the
# filter chips and the engine's ranking read them from here.
QUERY_FIELDS = {
    field.name: field
    for field in (
        QueryField("title", "title", "text", "title:refugees", chip=False),
        QueryField("body", "body", "text", "body:camp", chip=False),
        QueryField("source", "source", "text", "source:reuters"),
        QueryField("entity", "entities", "entity", "entity:MKO"),
        QueryField("entities", "entities", "entity", "entities:MKO"),
        QueryField("date", "date", "date", "date:2011"),
        QueryField("undated", "undated", "flag", "undated:yes"),
    )
}
# The index field of unstemmed words, and the fields whose words it holds.
SPELLING_FIELD = "spelling"
SPELLED_FIELDS = ("title", "body")
# Index fields whose words rank the matches.
RANKING_FIELDS = frozenset(f.index_field for f in QUERY_FIELDS.values() if not f.narrows)


def when_words(day: str | None) -> str | None:
    """The words a clipping's date puts in the `when` field: its year and month name."""
    if not day:
        return None
    month = MONTHS[int(day[5:7])] if len(day) >= 7 else None
    return f"{month or ''} {day[:4]}".strip()


def is_when_word(word: str) -> bool:
    """Whether an indexed word could stand in the `when` field: a year or a month name."""
    return (word.isdigit() and len(word) == 4 and "1000" <= word <= "2999") or word in _MONTH_STEMS


def text_analyzer() -> Analyzer:
    """Tokenise, lowercase, drop stop words, fold accents, stem (Snowball English).

    The same analyzer runs at index and at query time.
    """
    return spelling_analyzer() | StemFilter(stemfn=stem, cachesize=100_000)


def word_tokenizer() -> RegexTokenizer:
    """Splits text into words as the analyzers do, keeping each word as written."""
    # Initialisms (U.S., U.N.) and numbers (3,000; 2.5) stay whole; "refugees.But" splits.
    return RegexTokenizer(r"[^\W\d_](?:\.[^\W\d_])+|\d+(?:[.,]\d+)+|\w+")


def spelling_analyzer() -> Analyzer:
    """The text analyzer without its stemmer: the words as written (lowercased, stop words
    dropped, accents folded), which fuzzy words and spelling suggestions compare with."""
    return (
        word_tokenizer()
        | LowercaseFilter()
        | StopFilter(stoplist=STOP_WORDS, minsize=1)
        | CharsetFilter(accent_map)
    )


def clipping_schema() -> Schema:
    """The clipping's fields (ARCHITECTURE.md, "The index folder") plus the few derived fields
    that make sorting and faceting cheap."""
    analyzer = text_analyzer()
    return Schema(
        id=ID(stored=True, unique=True),
        path=ID(stored=True),
        title=TEXT(analyzer=analyzer, stored=True, chars=True, spelling=False),
        body=TEXT(analyzer=analyzer, stored=True, chars=True),
        # The words of title and body unstemmed, with how many clippings use each (no
        # positions): fuzzy words and "Did you mean" measure edits against these.
        spelling=FieldType(Existence(), spelling_analyzer()),
        # Sorting, facets and timelines read these fields' postings into arrays once per
        # segment (indexer/docsets.py), so none of them needs a Whoosh sort column.
        date=ID(stored=True),
        when=TEXT(analyzer=analyzer),
        undated=ID(),  # "1" or "0", for undated:yes
        # Coarser copies of the date: date queries and histograms use a few terms, not ranges.
        year=ID(),
        month=ID(),
        date_source=STORED,
        entities=KEYWORD(stored=True, commas=True, lowercase=False, scorable=False),
        source=TEXT(analyzer=analyzer, stored=True),
        source_exact=ID(),
        url=STORED,
        collection=ID(stored=True),
        fingerprint=STORED,
        # The names found in the text, ([[surface, type, gazetteer name], …], [[long form,
        # acronym], …]): every run rebuilds the corpus-wide entity table from them.
        names=STORED,
        # [[name, type], …] as last written, to tell when re-tagging changes anything.
        tagged=STORED,
        # Near-duplicates (indexer/duplicates.py): the clipping's MinHash signature, from which
        # a lost manifest is rebuilt. Groups change with other clippings, so they are kept out
        # of the documents, in the index folder's groups.json (store.write_groups).
        signature=STORED,
    )


_MONTH_STEMS = frozenset(t.text for m in MONTHS if m for t in text_analyzer()(m))
