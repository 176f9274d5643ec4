"""The index's words as written: the `spelling` field holds the words of every clipping's title
and body lowercased and accent-folded but not stemmed, with how many clippings use each.

Edit distance means something only on words as written ("refugess" is one edit from
"refugees", three from the stem "refuge"), so fuzzy words (`refugess~`) and spelling
suggestions find their words here, then search the stemmed term each stands for.
"""

from __future__ import annotations

from collections.abc import Iterator

from whoosh.codec.base import Automata

from indexer.schema import SPELLING_FIELD, spelling_analyzer, text_analyzer

_AS_WRITTEN = spelling_analyzer()
_INDEXED = text_analyzer()


def as_written(text: str) -> str | None:
    """A typed word as the `spelling` field holds it (lowercased, accents folded, not stemmed),
    or None when it is not one word."""
    words = [token.text for token in _AS_WRITTEN(text, removestops=False)]
    return words[0] if len(words) == 1 else None


def indexed_term(word: str) -> str:
    """The term a word as written is searched by in the stemmed text fields."""
    terms = [token.text for token in _INDEXED(word, removestops=False)]
    return terms[0] if terms else word


def uses(reader, word: str) -> int:
    """How many clippings use the word as written (in title or body)."""
    return reader.doc_frequency(SPELLING_FIELD, word)


def words_within(reader, word: str, maxdist: int, prefix: int) -> Iterator[str]:
    """The words as written at most `maxdist` edits (insert, delete, substitute) from `word`,
    sharing its first `prefix` letters; each once, in no set order.

    One Levenshtein automaton skips through each segment's sorted words (Whoosh's own way for
    several segments computes the distance to every word in Python).
    """
    dfa = Automata.levenshtein_dfa(word, maxdist, prefix)
    seen: set[str] = set()
    for segment_reader, _ in reader.leaf_readers():
        if SPELLING_FIELD not in segment_reader.indexed_field_names():
            continue
        for found in Automata.find_matches(dfa, segment_reader.cursor(SPELLING_FIELD)):
            if found not in seen:
                seen.add(found)
                yield found
