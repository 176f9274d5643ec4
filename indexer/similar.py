"""More like this: the clippings most like one clipping, outside its group of near-duplicates.

A clipping's key terms are the words of its title and body that weigh most by tf-idf (its own
count times the archive's idf, as BM25F computes it), leaving out words no other clipping has.
The other clippings are ranked by BM25F over those terms (title boosted as in a search), with
the numpy scorer over document sets (`ranking.py`): a handful of posting lists, so it stays
fast where Whoosh's `more_like` would score document by document. The same words, joined by
OR, are the "more like this" search the page links to.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass

import numpy as np
from whoosh import query

from indexer.docsets import docset
from indexer.ranking import Scorer
from indexer.schema import TITLE_BOOST, text_analyzer
from indexer.searcher import Generation

KEY_TERMS = 12  # words scored
QUERY_TERMS = 8  # of those, the words of the "more like this" search
_ANALYZER = text_analyzer()


@dataclass(frozen=True)
class KeyTerm:
    """A word of the clipping as indexed (stemmed), the form it is written in, and its weight."""

    term: str
    word: str
    weight: float


def key_terms(gen: Generation, docnum: int, count: int = KEY_TERMS) -> list[KeyTerm]:
    """The clipping's `count` heaviest words by tf-idf that at least one other clipping and at
    most half the archive use."""
    fields = gen.searcher.stored_fields(docnum)
    text = f"{fields.get('title', '')}\n{fields.get('body', '')}"
    counts: Counter[str] = Counter()
    written: dict[str, Counter[str]] = {}
    for token in _ANALYZER(text, chars=True, mode="index"):
        counts[token.text] += 1
        word = text[token.startchar : token.endchar].lower()
        written.setdefault(token.text, Counter())[word] += 1
    total = max(gen.reader.doc_count(), 1)
    weighted = []
    for term, tf in counts.items():
        df = gen.reader.doc_frequency("body", term)
        if df < 2:  # a word of the title alone
            df = max(df, gen.reader.doc_frequency("title", term))
        if df < 2 or df > total // 2 or len(term) < 3 or term.isdigit():
            continue
        weight = tf * (math.log(total / (df + 1)) + 1)
        weighted.append(KeyTerm(term, written[term].most_common(1)[0][0], weight))
    weighted.sort(key=lambda k: (-k.weight, k.term))
    return weighted[:count]


def terms_query(terms: list[KeyTerm]) -> query.Query:
    """The key terms as one OR over title (boosted) and body, as a search scores free words."""
    words = [query.Term("body", k.term) for k in terms]
    words += [query.Term("title", k.term, boost=TITLE_BOOST) for k in terms]
    return query.Or(words)


def search_text(terms: list[KeyTerm]) -> str:
    """The "more like this" search: the heaviest words as written, joined by OR."""
    return " OR ".join(k.word for k in terms[:QUERY_TERMS])


def same_group(codes: np.ndarray, docnum: int) -> np.ndarray:
    """The clipping and its near-duplicates (sorted docnums), which similar clippings leave out."""
    group = codes[docnum]
    return np.flatnonzero(codes == group) if group >= 0 else np.array([docnum])


def most_similar(
    gen: Generation, terms: list[KeyTerm], left_out: np.ndarray, count: int
) -> list[tuple[int, float]]:
    """The `count` best (docnum, score) over the key terms, leaving out `left_out` (sorted)."""
    if not terms:
        return []
    wanted = terms_query(terms)
    docs = docset(wanted, gen.reader, gen.columns, gen.postings, gen.searcher)
    docs = docs[~np.isin(docs, left_out)]
    scorer = Scorer(gen.searcher, gen.columns, gen.postings)
    return scorer.top(wanted, docs, count)
