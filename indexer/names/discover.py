"""Discovery of named entities that are not in the gazetteer: people, organisations, places.

`discover(text)` finds and types the names in one clipping (title, blank line, body) by rules,
fast enough for a whole archive and with no model needed:

- Runs of capitalised words, joined across name particles ("Ahlam al-Maliki", "Osama bin
  Laden") and, inside organisation names, across "of", "for", "&" ("U.N. High Commission for
  Refugees", "Government of Iraq").
- A title or role in front makes a person ("Defense Ministry spokesman Gen. Mohammed
  al-Askari"); an organisation word makes an organisation ("Baladiyeh Foundation", "the State
  Department"); a name from the place list (`indexer.names.places`, GeoNames data), "Camp X" or
  "X Province" makes a place. Other runs of two or three words are people, unless an acronym in
  the text spells them (MEK for "Mojahedin Khalq"), "the" comes before them or they hold a place
  name ("Real Madrid"); then they are organisations.
- Acronyms in capitals are organisations when the text defines them ("... Organization (MKO)"),
  uses them twice, puts them in its title or in a list ("MKO/MEK/PMOI"), unless they are common
  abbreviations (TV, CEO, NGO); "US", "UK", "U.S." are places.
- A single capitalised word is a name only with evidence: the place list, "X said", "X, who",
  "spokesman X", "X representative", "told X", a "She"/"He" starting the next sentence, or the
  full name earlier in the text ("Hoshyar Zebari" ... "Zebari").
- The text is its own dictionary: a word it writes in lower case elsewhere is a common word, so
  a capital at the start of a sentence, in a headline-case title or in a line of capitals
  proves nothing, and names found elsewhere in the text are matched there in a second pass.
- In a text that reports games ("Chicago 5 Houston 3", "2-1", standings tables), a city or an
  unknown name that beats, loses to or scores against another is a team: an organisation.

Given a spaCy model's name (`discover(text, model="en_core_web_sm")`, from
`Settings.names_model`) and spaCy installed, the model's names are merged in: they replace the
rules' bare guesses on the same words and fill gaps; rules with strong evidence win. Nothing is
downloaded; without spaCy, or with `model=None`, the rules run alone. A named model that fails
to load is logged once and reported by `model_status`.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from functools import cache

from indexer.names.acronyms import acronym_definitions, fits_acronym
from indexer.names.page import Names, Page
from indexer.names.rules import type_run
from indexer.names.runs import name_runs
from indexer.names.second_pass import second_pass
from indexer.names.teams import find_teams

__all__ = [
    "Found",
    "acronym_definitions",
    "discover",
    "fits_acronym",
    "merge_spans",
    "model_name",
    "model_spans",
    "model_status",
    "traced",
]


@dataclass(frozen=True)
class Found:
    """One mention: the text as written (whitespace collapsed), its type and offsets."""

    surface: str
    type: str  # person | org | place
    start: int
    end: int


def discover(text: str, *, model: str | None = None) -> list[Found]:
    """Named entities in `text` (title + "\\n\\n" + body of one clipping), in text order,
    non-overlapping. `model` names a spaCy model (a package name or a path) whose names are
    merged with the rules'; None, or spaCy not installed, runs the rules alone."""
    if not text or not text.strip():
        return []
    page = Page(text)
    found = _rule_mentions(page, _find_names(page))
    nlp = _load_model(model)[0] if model else None
    if nlp is None:
        return [mention for mention, _ in found]
    return merge_spans(found, model_spans(nlp, text))


def traced(text: str) -> list[tuple[int, int, str, bool, str]]:
    """Every name the rules typed, overlaps included, as (start, end, type, strong, rule), in
    text order: for the benchmark's per-rule scores."""
    if not text or not text.strip():
        return []
    page = Page(text)
    names = _find_names(page, trace=True)
    tokens, trace = page.tokens, names.trace or {}
    return sorted(
        (tokens[first].start, tokens[last].end, kind, strong, trace.get(first, "?"))
        for first, (last, kind, strong) in names.found.items()
    )


def _find_names(page: Page, *, trace: bool = False) -> Names:
    """The rules in order: runs typed one by one, teams, then the second pass."""
    names = Names(trace=trace)
    for first, last in name_runs(page):
        type_run(page, names, first, last)
    team_names = find_teams(page, names)
    second_pass(page, names, team_names)
    return names


def _rule_mentions(page: Page, names: Names) -> list[tuple[Found, bool]]:
    """The names found, in text order, each with whether strong evidence typed it; where two
    overlap, the first wins."""
    found: list[tuple[Found, bool]] = []
    text, tokens, covered_to = page.text, page.tokens, -1
    for first in sorted(names.found):
        last, kind, strong = names.found[first]
        start, end = tokens[first].start, tokens[last].end
        if start < covered_to:
            continue  # never two names over the same words
        covered_to = end
        found.append((Found(" ".join(text[start:end].split()), kind, start, end), strong))
    return found


# --- the optional statistical model ----------------------------------------------------------

_SPACY_TYPES = {"PERSON": "person", "ORG": "org", "GPE": "place", "LOC": "place", "FAC": "place"}


_log = logging.getLogger(__name__)


def _import_spacy():
    """The spaCy module; ImportError when it is not installed (the normal rules-only case)."""
    import spacy

    return spacy


@cache
def _load_model(name: str) -> tuple[object | None, str | None]:
    """(the spaCy pipeline, None), or (None, the problem in one line). Loaded once per name and
    process, never downloaded; a model that fails to load is logged once."""
    try:
        spacy = _import_spacy()
    except ImportError:
        return None, "spaCy is not installed"
    try:
        return spacy.load(name, exclude=["lemmatizer", "textcat"]), None
    except Exception as error:  # noqa: BLE001 - any failure loses the model: log and report it
        reason = " ".join(str(error).split()) or type(error).__name__
        problem = f"model {name} failed to load: {reason}"
        _log.warning("names: %s; discovery runs on the rules alone", problem)
        return None, problem


def model_status(model: str | None) -> tuple[str | None, str | None]:
    """(the statistical model in use, or None; the problem in one line, or None).

    `model_status(None)` is (None, None): the rules alone, as asked. Without spaCy it is
    (None, "spaCy is not installed"); a model that does not load gives (None, "model
    en_core_web_xx failed to load: <reason>"); a loaded one ("en_core_web_sm", None).
    """
    if not model:
        return None, None
    nlp, problem = _load_model(model)
    if nlp is None:
        return None, problem
    meta = getattr(nlp, "meta", None) or {}
    return f"{meta.get('lang', '')}_{meta.get('name', '')}".strip("_") or "spacy", None


def model_name(model: str | None) -> str | None:
    """The statistical model in use ("en_core_web_sm"), or None when only the rules run."""
    return model_status(model)[0]


def model_spans(nlp, text: str) -> list[Found]:
    """The model's PERSON, ORG and GPE/LOC/FAC names as Found, trimmed of a leading "the",
    quotes and a possessive 's. NORP (nationalities, religions) is left out: a demonym is not
    a name by itself."""
    spans = []
    for ent in nlp(text).ents:
        kind = _SPACY_TYPES.get(ent.label_)
        if kind is None:
            continue
        start, end = ent.start_char, ent.end_char
        while start < end and (text[start].isspace() or text[start] in "\"“‘'("):
            start += 1
        if text[start : start + 4].lower() == "the ":
            start += 4
        while end > start and text[end - 1] in " \t\n\"”’'),.;:":
            end -= 1
        if text[end - 2 : end] in ("'s", "’s"):
            end -= 2
        if end > start:
            spans.append(Found(" ".join(text[start:end].split()), kind, start, end))
    return spans


def merge_spans(rules: list[tuple[Found, bool]], model: list[Found]) -> list[Found]:
    """Rule mentions (with whether strong evidence typed them) merged with a model's.

    A strong rule (title, organisation word, place list, defined acronym ...) wins; where a rule
    only guessed (two capitalised words taken for a person) and the model has the same words,
    the model's type wins; the model's other names are added where they overlap no rule's.
    """
    by_span = {(f.start, f.end): f for f in model}
    merged: list[Found] = []
    for mention, strong in rules:
        same = by_span.get((mention.start, mention.end))
        merged.append(same if same is not None and not strong else mention)
    taken = sorted((f.start, f.end) for f in merged)
    for span in model:
        if all(span.end <= start or span.start >= end for start, end in taken):
            merged.append(span)
            taken.append((span.start, span.end))
    return sorted(merged, key=lambda f: f.start)
