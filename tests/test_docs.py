"""Every command and query field is documented: in --help and in the README."""

import re
from pathlib import Path

import pytest

from clippings.cli import main
from indexer.query import QUERY_FIELDS

REPO = Path(__file__).resolve().parents[1]
README = (REPO / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", sorted(main.commands))
def test_every_command_has_help_and_is_in_the_readme(name):
    command = main.commands[name]
    assert command.help, f"{name} has no help text"
    assert f"clippings {name}" in README
    for option in command.params:
        for flag in option.opts:
            if flag.startswith("--"):
                assert flag in README, f"{name} {flag} is not documented"


@pytest.mark.parametrize("field", sorted(set(QUERY_FIELDS) - {"entities"}))
def test_every_query_field_is_in_the_readme(field):
    assert f"`{field}:" in README or f" {field}:" in README


def _layout() -> dict[str, set[str]]:
    """The README's Layout section: each folder and the modules it names."""
    layout = README.split("\n## Layout\n", 1)[1].split("\n## ", 1)[0]
    named = {}
    for bullet in layout.split("\n- ")[1:]:
        folder = re.match(r"`([\w/]+/)`", bullet).group(1)
        named[folder] = set(re.findall(r"`(\w+\.py)`", bullet))
    return named


def test_the_layout_names_modules_that_exist():
    for folder, modules in _layout().items():
        for module in modules:
            assert (REPO / folder / module).is_file(), f"{folder}{module} does not exist"


@pytest.mark.parametrize("folder", ["indexer/", "indexer/names/", "webui/", "clippings/"])
def test_the_layout_names_every_module(folder):
    # Discovery's rule modules are listed (indented under discover.py) by indexer/names/.
    names_doc = (REPO / "indexer" / "names" / "__init__.py").read_text(encoding="utf-8")
    rules = set(re.findall(r"^  (\w+\.py) ", names_doc, re.MULTILINE))
    skip = {"__init__.py", "__main__.py"} | (rules if folder == "indexer/names/" else set())
    missing = {p.name for p in (REPO / folder).glob("*.py")} - skip - _layout()[folder]
    assert not missing, f"not in the README's Layout: {sorted(missing)}"


def test_the_readme_links_only_documents_that_exist():
    for document in set(re.findall(r"`?([A-Z]+\.md)`?", README)):
        assert (REPO / document).is_file(), f"the README cites {document}, which is missing"


def test_the_architecture_names_every_module():
    text = (REPO / "ARCHITECTURE.md").read_text(encoding="utf-8")
    packages = ["indexer", "indexer/names", "webui", "clippings", "bench"]
    modules = [p for package in packages for p in sorted((REPO / package).glob("*.py"))]
    unnamed = [p for p in modules if p.name != "__init__.py" and p.name not in text]
    assert [str(p.relative_to(REPO)) for p in unnamed] == []
