"""What a user may configure, read once at the edge (the CLI, the web app) and passed in.

Library code never reads the environment: a front end builds `Settings.from_environment()`
once and hands it to `update_index`, `parse_paths` and the parsers, so that a test or another
front end can pass its own without touching `os.environ`.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

DAY_ORDER_VARIABLE = "CLIPPINGS_DATE_ORDER"
NAMES_MODEL_VARIABLE = "CLIPPINGS_SPACY_MODEL"
DEFAULT_NAMES_MODEL = "en_core_web_sm"


@dataclass(frozen=True)
class Settings:
    """`day_first`: all-numeric days such as 08/04/2011 read day first (8 April) unless the
    archive writes month first. `names_model`: the spaCy model discovery uses when spaCy is
    installed (a package name or a path); None runs the rules alone."""

    day_first: bool = True
    names_model: str | None = DEFAULT_NAMES_MODEL

    @classmethod
    def from_environment(cls, environ: Mapping[str, str] = os.environ) -> Settings:
        """CLIPPINGS_DATE_ORDER (`dmy`, the default, or `mdy`) and CLIPPINGS_SPACY_MODEL."""
        order = environ.get(DAY_ORDER_VARIABLE, "dmy").strip().lower()
        model = environ.get(NAMES_MODEL_VARIABLE, "").strip() or DEFAULT_NAMES_MODEL
        return cls(day_first=order != "mdy", names_model=model)
