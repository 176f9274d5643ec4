"""Every use of Whoosh's private parts, in one place, for the one Whoosh version it was written for.

The fast path (indexer/docsets.py, indexer/ranking.py) decodes posting blocks itself and the
highlighter escapes text through a private hook; those read attributes Whoosh may rename in
any release. Importing this module fails at once, with a message that says so, when the
installed Whoosh is not the pinned one; tests/test_parity.py checks the fast path against
Whoosh's own search.
"""

from __future__ import annotations

import importlib.metadata
import pickle
from collections.abc import Iterator
from pathlib import Path

import numpy as np
from whoosh import highlight, query
from whoosh.codec.whoosh3 import W3PerDocReader
from whoosh.matching.wrappers import WrappingMatcher
from whoosh.writing import PostingPool

# Must equal the pin in pyproject.toml (tests/test_whoosh_adapter.py checks that it does).
PINNED = "2.7.5"
DISTRIBUTION = "whoosh-reloaded"

_EMPTY = np.zeros(0, dtype=np.int64)
_EMPTY_F = np.zeros(0, dtype=np.float64)


def installed_version() -> str:
    """The installed Whoosh distribution's version ("none" if it is not installed)."""
    try:
        return importlib.metadata.version(DISTRIBUTION)
    except importlib.metadata.PackageNotFoundError:
        return "none"


def check_version(found: str) -> None:
    """Raise ImportError unless `found` is the Whoosh version this module was written for."""
    if found != PINNED:
        raise ImportError(
            f"clippings needs {DISTRIBUTION} {PINNED} (its internals are read by "
            f"indexer/whoosh_adapter.py); found {found}"
        )


check_version(installed_version())


def decoded_postings(segment_reader, fieldname: str, text: str) -> tuple[np.ndarray, np.ndarray]:
    """A term's document numbers (sorted, local to the segment) and frequencies in one segment,
    deleted documents included.

    Whoosh decodes a block's delta-coded numbers in a Python loop; here numpy sums them, reading
    the block's raw data tuple (ids, weights, values) of the W3 codec's leaf matcher.
    """
    if (fieldname, text) not in segment_reader:
        return _EMPTY, _EMPTY_F
    matcher = segment_reader.postings(fieldname, text)
    while isinstance(matcher, WrappingMatcher):  # deletions are masked separately
        matcher = matcher.child
    if not hasattr(matcher, "_read_data"):  # postings kept inline with the term: few of them
        return _walked(matcher)
    ids, weights = [], []
    while matcher.is_active():
        if matcher._data is None:
            matcher._read_data()
        raw_ids, raw_weights = matcher._data[0], matcher._data[1]
        block = np.asarray(raw_ids, dtype=np.int64)
        ids.append(block if matcher._byteids else np.cumsum(block))
        if raw_weights is None or isinstance(raw_weights, float):
            weights.append(np.full(len(block), raw_weights or 1.0))
        else:
            weights.append(np.asarray(raw_weights, dtype=np.float64))
        matcher._next_block()
    if not ids:
        return _EMPTY, _EMPTY_F
    return np.concatenate(ids), np.concatenate(weights)


def _walked(matcher) -> tuple[np.ndarray, np.ndarray]:
    ids, weights = [], []
    while matcher.is_active():
        ids.append(matcher.id())
        weights.append(matcher.weight())
        matcher.next()
    return np.array(ids, dtype=np.int64), np.array(weights, dtype=np.float64)


def multiterm_texts(q: query.Query, reader) -> list[str] | None:
    """The indexed words a prefix, wildcard, fuzzy or range query stands for, or None for a query
    that does not expand to words.

    Empty words are left out, as Whoosh's own matcher leaves them out.
    """
    if not isinstance(q, query.MultiTerm) or not hasattr(q, "_btexts"):
        return None
    texts = (t.decode("utf-8") if isinstance(t, bytes) else t for t in q._btexts(reader))
    return [t for t in texts if t]


def toc_files(index_dir: Path, indexname: str, temporary: bool = False) -> list[Path]:
    """The table-of-contents files of an index's generations (one per commit still on disk), or
    with `temporary` the half-written ones a dead run left."""
    pattern = f"_{indexname}_*.toc.*" if temporary else f"_{indexname}_*.toc"
    return list(Path(index_dir).glob(pattern))


def index_segments(ix) -> list:
    """The segments of an index's latest generation (what `whoosh.index.clean_files` keeps)."""
    return ix._segments()


def wildcard_prefix(q: query.Wildcard) -> str:
    """The literal start of a wildcard pattern before its first `*` or `?` ("" if it has none)."""
    return q._find_prefix(q.text)


class ExpansionHook:
    """A base to put before a Whoosh prefix, wildcard, fuzzy or range query class, so that
    `expansion(reader, words)` sees (and may bound) the words it expands to.

    Whoosh has no public hook for that: every expansion goes through its private `_btexts`.
    """

    def expansion(self, reader, words: Iterator) -> Iterator:
        return words

    def _btexts(self, reader) -> Iterator:
        return self.expansion(reader, super()._btexts(reader))


class EscapingFormatter(highlight.Formatter):
    """A highlight formatter whose unmarked text goes through `escape` (Whoosh's own hook for
    that, `_text`, is private)."""

    def escape(self, text: str) -> str:
        return text

    def _text(self, text: str) -> str:
        return self.escape(text)


# Whoosh merges nested ANDs by reading `boost` from every clause, and its wrapping queries
# (ConstantScoreQuery: our date and undated filters) have none: `(oil AND undated:yes) AND oil`
# raised AttributeError. A wrapper's boost is 1 unless set.
query.WrappingQuery.boost = 1.0


def _remembering_missing_columns(cached_reader):
    """Whoosh's per-document reader remembers a field's lengths column but not its absence: a
    field that keeps no lengths (ids, keywords, the spelling field) cost a stat() of the disk
    at every one of its postings when a segment is written (over half of all postings)."""

    def reader(self, fieldname, column):
        if fieldname not in self._readers:
            self._readers[fieldname] = cached_reader(self, fieldname, column)
        return self._readers[fieldname]

    return reader


W3PerDocReader._cached_reader = _remembering_missing_columns(W3PerDocReader._cached_reader)


def analysed(schema, fields: dict) -> dict[str, list[tuple]]:
    """The postings each field of `fields` gives, as Whoosh's writer works them out (term bytes,
    frequency, weight, encoded positions): a parse worker works them out, so that the one
    process holding the writer does not (`add_analysed`)."""
    return {name: list(schema[name].index(value)) for name, value in fields.items() if value}


def add_analysed(writer, fields: dict, postings: dict[str, list[tuple]]) -> None:
    """`writer.add_document(**fields)`, taking the postings of the fields in `postings` as
    `analysed` gave them instead of analysing their text again.

    Mirrors SegmentWriter.add_document of the pinned Whoosh for schemas without term vectors
    or separate spelling fields, and documents without boosts; tests/test_whoosh_adapter.py
    checks that the index it writes equals the one Whoosh writes.
    """
    writer._check_state()
    perdocwriter, schema, docnum = writer.perdocwriter, writer.schema, writer.docnum
    add_post = writer.pool.add
    perdocwriter.start_doc(docnum)
    try:
        for fieldname in sorted(fields):
            value = fields[fieldname]
            if fieldname.startswith("_") or fieldname not in schema:
                raise ValueError(f"add_analysed takes no boosts or unknown fields: {fieldname}")
            if value is None:
                continue
            field = schema[fieldname]
            if field.vector or field.separate_spelling():
                raise ValueError(f"add_analysed cannot write field {fieldname}")
            length = 0
            if field.indexed:
                items = postings[fieldname] if fieldname in postings else field.index(value)
                for tbytes, freq, weight, vbytes in items:
                    if field.scorable:
                        length += freq
                    add_post((fieldname, tbytes, docnum, weight * 1.0, vbytes))
            perdocwriter.add_field(fieldname, field, value if field.stored else None, length)
            if field.column_type:
                cv = field.to_column_value(value)
                perdocwriter.add_column_value(fieldname, field.column_type, cv)
    except Exception:
        perdocwriter.cancel_doc()
        raise
    perdocwriter.finish_doc()
    writer._added = True
    writer.docnum += 1


_RUN_CHUNK = 1024  # postings pickled together in a pool's run file


def _write_run_in_chunks(self, f, items) -> None:
    """Write a posting pool's sorted run as pickled chunks of postings: Whoosh pickles (and at
    commit unpickles) each posting alone, a Python call per posting of the whole archive."""
    chunk = []
    for item in items:
        chunk.append(item)
        if len(chunk) == _RUN_CHUNK:
            pickle.dump(chunk, f, pickle.HIGHEST_PROTOCOL)
            chunk = []
    if chunk:
        pickle.dump(chunk, f, pickle.HIGHEST_PROTOCOL)
    f.close()


def _read_run_in_chunks(self, path) -> Iterator:
    """The postings of a run `_write_run_in_chunks` wrote, in order; removes the run after."""
    f = self._open_run(path)
    try:
        while True:
            yield from pickle.load(f)
    except EOFError:
        return
    finally:
        f.close()
        self._remove_run(path)


PostingPool._write_run = _write_run_in_chunks
PostingPool._read_run = _read_run_in_chunks
