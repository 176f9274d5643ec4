"""The one module that reads Whoosh's internals: its version check; nothing else reads them."""

from __future__ import annotations

import ast
import importlib
import importlib.metadata
import importlib.util
import inspect
import pkgutil
import re
from pathlib import Path

import pytest
from whoosh import fields, query
from whoosh.filedb.filestore import RamStorage
from whoosh.matching import ListMatcher, WrappingMatcher

import clippings
import indexer
import webui
from indexer import whoosh_adapter
from indexer.docsets import ColumnBuilder, PostingCache, docset

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
