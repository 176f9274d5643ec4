"""The one module that reads Whoosh's internals: its version check; nothing else reads them."""

from __future__ import annotations

import ast
import importlib
import importlib.metadata
import importlib.util
import inspect
import pkgutil
import random
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from whoosh import fields, query
from whoosh.filedb.filestore import FileStorage, RamStorage
from whoosh.matching import ListMatcher, WrappingMatcher

import clippings
import indexer
import webui
from indexer import whoosh_adapter
from indexer.clipping import Clipping
from indexer.docsets import ColumnBuilder, PostingCache, docset
from indexer.schema import clipping_schema
from indexer.store import FileRecord
from indexer.update import document_fields, text_fields

REPO = Path(__file__).resolve().parents[1]
ADAPTER = REPO / "indexer" / "whoosh_adapter.py"
# Private attributes read on objects that are ours, not Whoosh's (file, attribute).
OURS = {
    ("indexer/names/table.py", "_by_gazetteer"),
    ("indexer/names/table.py", "_exact"),
    ("indexer/names/table.py", "_variant"),
    ("indexer/names/table.py", "_new"),
    ("indexer/names/table.py", "_register"),
    ("indexer/names/table.py", "_name"),
    ("indexer/names/table.py", "_reasons"),
}
# Standard-library modules whose private-looking names are public API (os._exit).
STDLIB = ("os", "sys")


def _sources() -> list[Path]:
    files = [
        *(REPO / "indexer").rglob("*.py"),
        *(REPO / "webui").glob("*.py"),
        *(REPO / "clippings").glob("*.py"),
    ]
    return sorted(f for f in files if f != ADAPTER)


def _private_reads(path: Path) -> set[tuple[str, str]]:
    """`x._name` (x not self, cls, os or sys) and getattr/hasattr(x, "_name") in one source file."""
    found = set()
    rel = path.relative_to(REPO).as_posix()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        name = None
        if isinstance(node, ast.Attribute):
            owner = node.value
            if not (isinstance(owner, ast.Name) and owner.id in ("self", "cls", *STDLIB)):
                name = node.attr
        elif isinstance(node, ast.Call) and getattr(node.func, "id", "") in ("getattr", "hasattr"):
            if len(node.args) > 1 and isinstance(node.args[1], ast.Constant):
                name = str(node.args[1].value)
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("whoosh"):
            names = [*node.module.split("."), *(a.name for a in node.names)]
            found |= {(rel, n) for n in names if n.startswith("_")}
        if name and name.startswith("_") and not name.startswith("__"):
            found.add((rel, name))
    return found


def test_only_the_adapter_reads_whoosh_internals():
    reads = set().union(*(_private_reads(path) for path in _sources()))
    assert reads - OURS == set()


def _our_classes():
    for package in (indexer, webui, clippings):
        for info in pkgutil.walk_packages(package.__path__, f"{package.__name__}."):
            name = info.name
            if name in (whoosh_adapter.__name__, "webui.serve", "clippings.__main__"):
                continue
            module = importlib.import_module(name)
            for cls in vars(module).values():
                if inspect.isclass(cls) and cls.__module__ == name:
                    yield cls


def test_no_class_of_ours_overrides_a_private_whoosh_method():
    overridden = set()
    for cls in _our_classes():
        for name in dir(cls):
            if not name.startswith("_") or name.startswith("__"):
                continue
            owners = [k for k in cls.__mro__ if name in vars(k)]
            owner = owners[0].__module__
            ours = (
                owner.startswith(("indexer.", "webui.", "clippings."))
                and owner != whoosh_adapter.__name__
            )
            if ours and any(k.__module__.startswith("whoosh.") for k in owners[1:]):
                overridden.add((owners[0].__module__, name))
    assert overridden == set()


def test_adapter_is_pinned_to_the_version_pyproject_pins():
    pin = re.search(r'"whoosh-reloaded==([^"]+)"', (REPO / "pyproject.toml").read_text())
    assert pin and pin.group(1) == whoosh_adapter.PINNED == whoosh_adapter.installed_version()


def _import_adapter_afresh():
    spec = importlib.util.spec_from_file_location("adapter_under_test", ADAPTER)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("found", ["2.7.4", "2.7.6", "3.0.0"])
def test_import_fails_clearly_on_another_whoosh(monkeypatch, found):
    monkeypatch.setattr(importlib.metadata, "version", lambda name: found)
    with pytest.raises(ImportError) as raised:
        _import_adapter_afresh()
    assert str(raised.value) == (
        "clippings needs whoosh-reloaded 2.7.5 (its internals are read by "
        f"indexer/whoosh_adapter.py); found {found}"
    )


def test_import_fails_clearly_without_whoosh_reloaded(monkeypatch):
    def missing(name):
        raise importlib.metadata.PackageNotFoundError(name)

    monkeypatch.setattr(importlib.metadata, "version", missing)
    with pytest.raises(ImportError, match="found none$"):
        _import_adapter_afresh()


def test_import_succeeds_on_the_pinned_whoosh():
    assert _import_adapter_afresh().PINNED == "2.7.5"


class _InlineReader:
    """A segment reader whose postings are a plain list, as Whoosh returns postings kept inline
    with the term. The pinned Whoosh never writes those: its writer inlines lists shorter than
    `inlinelimit`, 1 by default, and a larger limit fails on a misspelt method (`set_inline`)."""

    def __contains__(self, term):
        return term == ("body", "rare")

    def postings(self, fieldname, text):
        return WrappingMatcher(ListMatcher([3, 5, 9], weights=[1.0, 2.0, 1.0]))


def test_postings_that_are_not_in_blocks_are_walked():
    ids, weights = whoosh_adapter.decoded_postings(_InlineReader(), "body", "rare")
    assert ids.tolist() == [3, 5, 9]
    assert weights.tolist() == [1.0, 2.0, 1.0]
    ids, weights = whoosh_adapter.decoded_postings(_InlineReader(), "body", "absent")
    assert ids.tolist() == [] and weights.tolist() == []


@pytest.fixture()
def tiny_index():
    ix = RamStorage().create_index(fields.Schema(body=fields.TEXT(stored=True)))
    with ix.writer() as writer:
        for text in ["refugee camp", "refugees", "refuge", "camp"]:
            writer.add_document(body=text)
    return ix


@pytest.mark.parametrize(
    "built, words",
    [
        (query.Prefix("body", "refug"), ["refuge", "refugee", "refugees"]),
        (query.Wildcard("body", "c?mp"), ["camp"]),
        (query.FuzzyTerm("body", "refugee", maxdist=1), ["refuge", "refugee", "refugees"]),
        (query.Term("body", "camp"), None),
    ],
)
def test_multiterm_texts_are_the_words_whoosh_expands_to(tiny_index, built, words):
    with tiny_index.searcher() as searcher:
        texts = whoosh_adapter.multiterm_texts(built, searcher.reader())
    assert (sorted(texts) if texts is not None else None) == words


def test_expansion_hook_bounds_what_the_engine_and_whoosh_match(tiny_index):
    class FirstWordOnly(whoosh_adapter.ExpansionHook, query.Prefix):
        def expansion(self, reader, words):
            return iter(list(words)[:1])

    bounded = FirstWordOnly("body", "refug")
    with tiny_index.searcher() as searcher:
        cache = PostingCache()
        columns = ColumnBuilder(cache).columns(searcher.reader())
        ours = docset(bounded, searcher.reader(), columns, cache, searcher)
        theirs = sorted(hit.docnum for hit in searcher.search(bounded, limit=None))
    assert ours.tolist() == theirs == [2]


def test_wildcard_prefix():
    assert whoosh_adapter.wildcard_prefix(query.Wildcard("body", "refug*s")) == "refug"
    assert whoosh_adapter.wildcard_prefix(query.Wildcard("body", "*ugee")) == ""


def test_toc_files_and_segments(tmp_path):
    from whoosh import index

    ix = index.create_in(str(tmp_path), fields.Schema(body=fields.TEXT), indexname="clippings")
    with ix.writer() as writer:
        writer.add_document(body="camp")
    assert [p.name for p in whoosh_adapter.toc_files(tmp_path, "clippings")] == ["_clippings_1.toc"]
    assert whoosh_adapter.toc_files(tmp_path, "clippings", temporary=True) == []
    assert len(whoosh_adapter.index_segments(index.open_dir(str(tmp_path), "clippings"))) == 1


def test_escaping_formatter_escapes_text_between_marks():
    from whoosh import highlight

    class Shouting(whoosh_adapter.EscapingFormatter):
        def escape(self, text):
            return text.upper()

        def format_token(self, text, token, replace=False):
            return f"[{highlight.get_text(text, token, replace)}]"

    text = "a camp here"
    token = highlight.Token(startchar=2, endchar=6, text="camp", matched=True)
    assert Shouting().format([highlight.Fragment(text, [token])]) == "A [camp] HERE"


# --- postings analysed in a parse worker --------------------------------------------------------


def _clipping(n: int, title: str, body: str, date=None, source=None) -> Clipping:
    return Clipping(f"pages/{n}.html", 1, title, body, date, "metadata", source, collection=None)


_CLIPPINGS = [
    _clipping(1, "Iraqi troops raid Camp Ashraf", "Troops raided the camp; the camp's residents…",
              "2011-04-08", "Reuters"),
    _clipping(2, "Mojahedin-e Khalq", "Mujahedin-e-Khalq (MEK), Mojahedin, PMOI. Über café", None),
    _clipping(3, "Numbers 3,000 and 2.5", "U.S. and U.N.: 3,000 people; 2.5 per cent",
              "2004-05-31"),
    _clipping(4, "Empty body", "", "2005-12-31", ""),
    _clipping(5, "A a a the of", "the the the of of a", None, "BBC News"),
]  # fmt: skip


def _index_dump(ix) -> tuple:
    """Everything a search reads: stored fields, field lengths, and every posting with its
    weight and encoded positions."""
    with ix.searcher() as searcher:
        reader = searcher.reader()
        stored = list(reader.iter_docs())
        lengths = [
            (docnum, name, reader.doc_field_length(docnum, name))
            for docnum, _ in stored
            for name in reader.schema.scorable_names()
        ]
        postings = {}
        for fieldname, text in reader.all_terms():
            matcher = reader.postings(fieldname, text)
            items = []
            while matcher.is_active():
                items.append((matcher.id(), matcher.weight(), matcher.value()))
                matcher.next()
            postings[fieldname, text] = items
        return stored, lengths, postings


def _written(clippings: list[Clipping], *, analysed_first: bool) -> tuple:
    ix = RamStorage().create_index(clipping_schema())
    writer = ix.writer()
    for clipping in clippings:
        fields = document_fields(clipping, FileRecord(10, 20, "ab"), "sig")
        if analysed_first:
            postings = whoosh_adapter.analysed(clipping_schema(), text_fields(clipping))
            whoosh_adapter.add_analysed(writer, fields, postings)
        else:
            writer.add_document(**fields)
    writer.commit()
    return _index_dump(ix)


def test_postings_analysed_in_a_worker_write_the_index_whoosh_writes():
    assert _written(_CLIPPINGS, analysed_first=True) == _written(_CLIPPINGS, analysed_first=False)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.text(max_size=60), st.text(max_size=200)), min_size=1, max_size=4))
def test_any_text_analysed_in_a_worker_writes_the_index_whoosh_writes(texts):
    clippings = [_clipping(n, title, body) for n, (title, body) in enumerate(texts)]
    assert _written(clippings, analysed_first=True) == _written(clippings, analysed_first=False)


def test_add_analysed_refuses_what_it_does_not_mirror():
    writer = RamStorage().create_index(clipping_schema()).writer()
    with pytest.raises(ValueError, match="boosts or unknown fields"):
        whoosh_adapter.add_analysed(writer, {"id": "x", "_boost": 2.0}, {})
    writer.cancel()


def test_a_segment_is_written_with_one_look_for_each_missing_lengths_column(tmp_path):
    """Fields that keep no lengths (ids, the spelling field) no longer cost a look at the disk
    for every posting when a segment is written."""
    ix = FileStorage(str(tmp_path)).create_index(clipping_schema())
    writer = ix.writer()
    for clipping in _CLIPPINGS:
        writer.add_document(**document_fields(clipping, FileRecord(10, 20, "ab"), "sig"))
    looks = []
    original = FileStorage.file_exists
    FileStorage.file_exists = lambda self, name: looks.append(name) or original(self, name)
    try:
        writer.commit()
    finally:
        FileStorage.file_exists = original
    assert len(looks) == len(set(looks))


def test_postings_spilled_to_many_run_files_write_the_same_index():
    """The writer's pool spills sorted runs of postings to disk (in pickled chunks) and merges
    them at the commit, in rounds when there are more than 128 runs; what it writes equals the
    index written from memory alone."""
    words = "camp ashraf raid troops iraq residents refugees mujahedin khalq geneva".split()
    rng = random.Random(7)
    clippings = [
        _clipping(n, " ".join(rng.choices(words, k=4)), " ".join(rng.choices(words, k=60)))
        for n in range(300)
    ]

    def written(limitmb: float) -> tuple:
        ix = RamStorage().create_index(clipping_schema())
        writer = ix.writer(limitmb=limitmb)
        for clipping in clippings:
            writer.add_document(**document_fields(clipping, FileRecord(10, 20, "ab"), "sig"))
        runs = len(writer.pool.runs)
        writer.commit()
        return runs, _index_dump(ix)

    spilled_runs, spilled = written(0.01)
    in_memory_runs, in_memory = written(256)
    assert spilled_runs > 128 and in_memory_runs == 0
    assert spilled == in_memory
