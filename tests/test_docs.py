"""Every command and query field is documented: in --help and in the README."""

from pathlib import Path

import pytest

from clippings.cli import main
from indexer.query import QUERY_FIELDS

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")


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
