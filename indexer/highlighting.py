"""Highlighting: which words of a query to mark, where they stand in a clipping, and passages.

The engine returns text with marked spans (character offsets), never HTML: each front end
renders the spans its own way (the page wraps them in <mark> after escaping the text, the CLI
in bold on a terminal, exports drop them).
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
from whoosh import highlight, query

from indexer.docsets import PostingCache
from indexer.results import Marked

SNIPPET_CHARS = 240
ELLIPSIS = "…"

# Whoosh's own `autotrim` drops the first and last word even at the start and end of the text.
_PINPOINT = highlight.PinpointFragmenter(maxchars=SNIPPET_CHARS, surround=90)


@dataclass
class Wanted:
    """What to mark in a field: single words, and phrases (marked only where they stand whole)."""

    words: set[str]
    phrases: set[tuple[str, ...]]

    def joined(self, other: Wanted) -> Wanted:
        return Wanted(self.words | other.words, self.phrases | other.phrases)

    def every_word(self) -> set[str]:
        """The words to find: the single words and the words of the phrases."""
        return self.words | {word for phrase in self.phrases for word in phrase}


# Positions of wanted words in documents' fields, keyed by (docnum, field, word).
Positions = dict[tuple[int, str, str], list[tuple[int, tuple[int, int]]]]


def nothing_wanted() -> dict[str, Wanted]:
    return {"title": Wanted(set(), set()), "body": Wanted(set(), set())}


def query_terms(parsed: query.Query | None, reader) -> dict[str, Wanted]:
    """The indexed words and phrases the query looks for, per text field, for marking them.

    (Whoosh's own `existing_terms` reuses its field argument as a loop variable and so drops
    every field after the first.)
    """
    wanted = nothing_wanted()
    for leaf in parsed.leaves() if parsed is not None else ():
        if leaf.field() not in wanted:
            continue
        if isinstance(leaf, query.Phrase):
            wanted[leaf.field()].phrases.add(tuple(leaf.words))
            continue
        for fieldname, text in leaf.expanded_terms(reader, phrases=True):
            word = text.decode("utf-8") if isinstance(text, bytes) else text
            if (fieldname, word) in reader:
                wanted[fieldname].words.add(word)
    return wanted


class Marker:
    """Finds where wanted words stand in one index generation's documents, from the character
    positions stored at indexing (no re-analysis of the text)."""

    def __init__(self, leaves: list, postings: PostingCache):
        self._leaves = leaves
        self._offsets = [offset for _, offset in leaves]
        self._postings = postings

    def spans(
        self, docnum: int, fieldname: str, wanted: Wanted, known: Positions | None = None
    ) -> list[tuple[int, int]]:
        """Where the wanted words, and the words of wanted phrases where they stand together,
        occur in one document's field: sorted (start, end) character offsets. `known` holds
        positions `positions` read beforehand for a page of documents."""
        known = known if known is not None else self.positions([docnum], fieldname, wanted)
        found = {word: known[docnum, fieldname, word] for word in wanted.every_word()}
        spans = {span for word in wanted.words for _, span in found[word]}
        for phrase in wanted.phrases:
            spans.update(_phrase_spans([dict(found[word]) for word in phrase]))
        return sorted(spans)

    def positions(
        self, docnums: Iterable[int], fieldname: str, wanted: Wanted, into: Positions | None = None
    ) -> Positions:
        """(word position, (start, end)) of each occurrence of each wanted word in each of the
        documents' field, keyed by (docnum, field, word). Each word's postings are walked once,
        in document order, for a whole page of hits (a posting list is read block by block
        from its start, so one walk per hit re-read the same blocks)."""
        found = into if into is not None else {}
        ordered = sorted(set(docnums))
        for word in wanted.every_word():
            matchers: dict[int, object] = {}
            for docnum in ordered:
                found[docnum, fieldname, word] = self._read(matchers, docnum, fieldname, word)
        return found

    def _read(self, matchers: dict, docnum: int, fieldname: str, word: str) -> list:
        """The word's positions in one document, reading on with its segment's open matcher
        (`matchers`, by segment: documents come in ascending order)."""
        index = bisect.bisect_right(self._offsets, docnum) - 1
        segment_reader, offset = self._leaves[index]
        local = docnum - offset
        ids = self._postings.ids(segment_reader, fieldname, word)
        at = np.searchsorted(ids, local)
        if at >= len(ids) or ids[at] != local:
            return []  # the word is not in this document: no need to read its positions
        if index not in matchers:
            matchers[index] = segment_reader.postings(fieldname, word)
        postings = matchers[index]
        postings.skip_to(local)
        if not (postings.is_active() and postings.id() == local):
            return []
        return [(pos, (start, end)) for pos, start, end in postings.value_as("characters")]


def _phrase_spans(at: list[dict[int, tuple]]) -> Iterable[tuple[int, int]]:
    """The spans of every word of a phrase wherever its words stand one after another."""
    if not all(at):
        return
    for start in at[0]:
        if all(start + i in at[i] for i in range(1, len(at))):
            yield from (at[i][start + i] for i in range(len(at)))


def best_passages(body: str, spans: list[tuple[int, int]]) -> Marked | None:
    """The body's two best passages around the marked words, in text order, with an ellipsis
    wherever text was left out; None when nothing is marked."""
    if not spans:
        return None
    tokens = [highlight.Token(startchar=s, endchar=e, matched=True) for s, e in spans]
    fragments = _PINPOINT.fragment_matches(body, tokens)
    best = highlight.top_fragments(fragments, 2, highlight.BasicFragmentScorer(), highlight.FIRST)
    pieces = sorted(_whole_words(body, f, spans) for f in best)
    return _joined(body, _merged(pieces), spans)


def _merged(pieces: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Sorted passages with those that overlap or touch made one (never the same text twice)."""
    merged: list[tuple[int, int]] = []
    for start, end in pieces:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _whole_words(body: str, fragment, spans: list[tuple[int, int]]) -> tuple[int, int]:
    """A passage's bounds moved inwards to whole words where they cut one, never past a mark."""
    start, end = fragment.startchar, fragment.endchar
    inside = [(s, e) for s, e in spans if s >= start and e <= end]
    if start > 0 and not body[start - 1].isspace():
        space = body.find(" ", start, end)
        start = space + 1 if space >= 0 else start
    if end < len(body) and not body[end].isspace():
        space = body.rfind(" ", start, end)
        end = space if space > start else end
    if inside:
        start, end = min(start, inside[0][0]), max(end, inside[-1][1])
    return start, end


def lead(body: str) -> Marked:
    """The start of the body, cut at a word boundary, for hits with no body match."""
    if len(body) <= SNIPPET_CHARS:
        return _collapsed(body, [])
    cut = body[:SNIPPET_CHARS].rsplit(" ", 1)[0]
    text = _collapsed(cut, []).text
    return Marked(f"{text} {ELLIPSIS}", ())


def _joined(body: str, pieces: list[tuple[int, int]], spans: list[tuple[int, int]]) -> Marked:
    """Passages of `body` joined by ellipses, whitespace collapsed, spans moved to match."""
    texts, marks, length = [], [], 0
    if pieces and pieces[0][0] > 0:
        texts.append(ELLIPSIS)
        length = len(ELLIPSIS) + 1
    for start, end in pieces:
        inside = [(s - start, e - start) for s, e in spans if s >= start and e <= end]
        piece = _collapsed(body[start:end], inside)
        marks.extend((s + length, e + length) for s, e in piece.marks)
        texts.append(piece.text)
        length += len(piece.text) + len(ELLIPSIS) + 2
        texts.append(ELLIPSIS)
    if pieces and pieces[-1][1] >= len(body.rstrip()):
        texts.pop()
    return Marked(" ".join(texts), tuple(marks))


def _collapsed(text: str, spans: list[tuple[int, int]]) -> Marked:
    """`text` with each run of whitespace made one space and the ends trimmed; `spans` moved
    to the same characters."""
    if not spans:  # str.split() splits at the same whitespace and drops it at the ends
        return Marked(" ".join(text.split()), ())
    out: list[str] = []
    moved = [0] * (len(text) + 1)  # new offset of each old offset
    space = True  # drops leading whitespace
    for i, char in enumerate(text):
        moved[i] = len(out)
        if char.isspace():
            if not space:
                out.append(" ")
            space = True
        else:
            out.append(char)
            space = False
    moved[len(text)] = len(out)
    if out and out[-1] == " ":
        out.pop()
    end = len(out)
    return Marked("".join(out), tuple((moved[s], min(moved[e], end)) for s, e in spans))
