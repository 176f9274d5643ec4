"""Names in one clipping: the gazetteer's matches first, then discovered names around them."""

from __future__ import annotations

from indexer.clipping import Clipping, Mention
from indexer.names.aliases import Named, joins_in
from indexer.names.discover import Found, discover
from indexer.names.gazetteer import Gazetteer, Span


def tag(clipping: Clipping, gazetteer: Gazetteer, model: str | None = None) -> Clipping:
    """Set the clipping's raw mentions and the joins its text states (the gazetteer wins
    overlaps, except inside a longer organisation name, which is kept whole).

    `model` is the spaCy model discovery merges in (`Settings.names_model`); None runs the
    rules alone (see `indexer.names.discover.model_status` for why a model is not in use)."""
    text = f"{clipping.title}\n\n{clipping.body}"
    found = discover(text, model=model)
    spans = [s for s in gazetteer.spans(text) if not _inside_longer_org(s, found, gazetteer)]
    named = [Named(s.start, s.end, s.surface, s.entity.type) for s in spans]
    placed = [(s.start, Mention(s.surface, s.entity.type, s.entity.name)) for s in spans]
    for f in found:
        if not any(f.start < s.end and s.start < f.end for s in spans):
            named.append(Named(f.start, f.end, f.surface, f.type))
            placed.append((f.start, Mention(f.surface, f.type)))
    clipping.mentions = list(dict.fromkeys(m for _, m in sorted(placed, key=lambda p: p[0])))
    clipping.joins = joins_in(text, sorted(named))
    return clipping


def _inside_longer_org(span: Span, found: list[Found], gazetteer: Gazetteer) -> bool:
    """Whether a gazetteer match is part of a longer organisation name the gazetteer does not
    know ("United Nations" and "Iraq" in "United Nations Assistance Mission for Iraq")."""
    return any(
        f.type == "org"
        and f.start <= span.start
        and span.end <= f.end
        and f.end - f.start > span.end - span.start
        and gazetteer.resolve(f.surface) is None
        for f in found
    )
