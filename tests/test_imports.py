"""Clean edges: every module imports, no two of our modules import each other (directly or round
a longer loop, counting imports inside functions), and the engine imports no front end."""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import pytest

from tests.conftest import REPO

PACKAGES = ("indexer", "webui", "clippings")
FRONT_ENDS = {"flask", "werkzeug", "jinja2", "click", "waitress", "webui", "clippings"}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(REPO).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES = {
    _module_name(path): path
    for package in PACKAGES
    for path in sorted((REPO / package).rglob("*.py"))
}


def _imported(name: str, path: Path) -> set[str]:
    """Every module `name` imports anywhere in its file (top level, functions, TYPE_CHECKING):
    `from a.b import c` counts as a.b.c when that is a module, else as a.b."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(anchor + ([base] if base else []))
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
    return found


def _edges(name: str) -> set[str]:
    """Our modules that importing `name` runs: each module it imports and that module's
    packages (their __init__ runs first); a package's __init__ that imported a module of its
    own that imports the package back is a loop too."""
    ours = set()
    for imported in _imported(name, MODULES[name]):
        parts = imported.split(".")
        ours.update(".".join(parts[:n]) for n in range(1, len(parts) + 1))
    return (ours & MODULES.keys()) - {name}


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import loop in `graph` as the modules round it, or None when it has none."""
    state: dict[str, str] = {}
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node], _ = "open", path.append(node)
        for target in sorted(graph[node]):
            if state.get(target) == "open":
                return path[path.index(target) :] + [target]
            if target not in state and (loop := visit(target)):
                return loop
        state[node], _ = "done", path.pop()
        return None

    for node in sorted(graph):
        if node not in state and (loop := visit(node)):
            return loop
    return None


def test_the_graph_sees_every_package_and_module():
    assert {"indexer.search", "indexer.names.table", "webui.app", "clippings.cli"} <= set(MODULES)
    assert "webui.views" in _edges("webui.app")
    assert "indexer.names" in _edges("indexer.names.table")


@pytest.mark.parametrize("name", sorted(MODULES))
def test_every_module_imports(name):
    importlib.import_module(name)


def test_our_modules_import_in_no_loop():
    graph = {name: _edges(name) for name in MODULES}
    loop = _cycle(graph)
    assert loop is None, "import loop: " + " -> ".join(loop)


def test_a_loop_would_be_found():
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert _cycle({"a": {"b"}, "b": set(), "c": {"a", "b"}}) is None


@pytest.mark.parametrize("name", sorted(n for n in MODULES if n.split(".")[0] == "indexer"))
def test_the_engine_imports_no_front_end(name):
    tops = {imported.split(".")[0] for imported in _imported(name, MODULES[name])}
    assert not tops & FRONT_ENDS, f"{name} imports {sorted(tops & FRONT_ENDS)}"


# Configuration is read at the edges: the web app's factory and the command line, through
# `Settings.from_environment` (which they alone call).
READS_ENVIRONMENT = {"webui.app", "clippings.cli", "indexer.settings"}


def _reads_environment(path: Path) -> bool:
    """Whether the file reads os.environ or os.getenv (or imports either from os)."""
    readers = {"environ", "getenv", "environb"}
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Attribute) and node.attr in readers:
            return True
        imported = {a.name for a in node.names} if isinstance(node, ast.ImportFrom) else ()
        if getattr(node, "module", None) == "os" and readers.intersection(imported):
            return True
    return False


@pytest.mark.parametrize("name", sorted(MODULES))
def test_only_the_edges_read_the_environment(name):
    assert name in READS_ENVIRONMENT or not _reads_environment(MODULES[name])
