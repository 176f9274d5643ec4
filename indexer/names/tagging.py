"""Names in one clipping: the gazetteer's matches first, then discovered names around them."""

from __future__ import annotations

from indexer.clipping import Clipping, Mention
from indexer.names.discover import acronym_definitions, discover
from indexer.names.gazetteer import Gazetteer


def tag(clipping: Clipping, gazetteer: Gazetteer, model: str | None = None) -> Clipping:
    """Set the clipping's raw mentions and acronym definitions (the gazetteer wins overlaps).

    `model` is the spaCy model discovery merges in (`Settings.names_model`); None runs the
    rules alone (see `indexer.names.discover.model_status` for why a model is not in use)."""
    text = f"{clipping.title}\n\n{clipping.body}"
    spans = gazetteer.spans(text)
    placed = [(s.start, Mention(s.surface, s.entity.type, s.entity.name)) for s in spans]
    taken = [(s.start, s.end) for s in spans]
    for found in discover(text, model=model):
        if not any(found.start < end and start < found.end for start, end in taken):
            placed.append((found.start, Mention(found.surface, found.type)))
    clipping.mentions = list(dict.fromkeys(m for _, m in sorted(placed, key=lambda p: p[0])))
    clipping.acronyms = acronym_definitions(text)
    return clipping
