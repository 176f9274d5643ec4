"""Figures about an index for `clippings stats`, and the features a problem has turned off."""

from __future__ import annotations

from pathlib import Path

from whoosh import query

from indexer import store


def index_stats(index_dir: Path) -> dict:
    """Clippings, files, entities, date span and size on disk of the index in `index_dir`; the
    names model the last indexing run used (`names_model`); and `problems`, one line for each
    feature that is off (an unreadable entity table, a names model that failed to load)."""
    ix = store.open_index(index_dir)
    with store.open_searcher(index_dir) as searcher, store.reading(index_dir):
        generation = searcher.reader().generation()
        records = store.read_manifest(index_dir, generation) or store.records_from_index(ix)
        reader = searcher.reader()
        dates = sorted(reader.field_terms("date")) if "date" in reader.indexed_field_names() else []
        undated = sum(1 for _ in searcher.docs_for_query(query.Term("undated", "1")))
        entities = sum(1 for _ in reader.field_terms("entities"))
        clippings = searcher.doc_count()
    extra = store.manifest_extra(index_dir)
    names_model, model_problem = _names_model(extra.get("names_model"))
    found = (_entity_table_problem(index_dir, clippings), _groups_problem(index_dir, clippings))
    problems = [p for p in (*found, model_problem) if p]
    size = sum(f.stat().st_size for f in Path(index_dir).iterdir() if f.is_file())
    return {
        "index": str(index_dir),
        "clippings": clippings,
        "files": sum(1 for r in records.values() if not r.skipped),
        "skipped_files": sum(1 for r in records.values() if r.skipped),
        "entities": entities,
        "dates": {"first": dates[0] if dates else None, "last": dates[-1] if dates else None},
        "undated": undated,
        "size_bytes": size,
        "names_model": names_model,
        "problems": problems,
    }


def _entity_table_problem(index_dir: Path, clippings: int) -> str | None:
    """Why names are not expanded in searches, or None when the entity table is fine."""
    from indexer.names.table import EntityTable

    try:
        data = store.read_entities(index_dir)
        EntityTable.from_json(data)
    except store.EntityTableDamaged as error:
        return f"entity table unreadable ({error.path}: {error.detail}): {_NOT_EXPANDED}"
    except (KeyError, TypeError, ValueError, IndexError, AttributeError) as error:
        detail = f"{type(error).__name__}: {' '.join(str(error).split())[:160]}"
        path = Path(index_dir) / store.ENTITIES
        return f"entity table unreadable ({path}: {detail}): {_NOT_EXPANDED}"
    if not data and clippings:
        return (
            f"entity table missing ({Path(index_dir) / store.ENTITIES}): names are not "
            "expanded; run `clippings index` to finish the last run"
        )
    return None


def _groups_problem(index_dir: Path, clippings: int) -> str | None:
    """Why near-duplicates are not grouped in results, or None when the groups are fine."""
    path = Path(index_dir) / store.GROUPS
    try:
        store.read_groups(index_dir)
    except store.IndexDamaged as error:
        return (
            f"near-duplicate groups unreadable ({path}: {error.detail}): every clipping is its "
            "own hit; run `clippings index --rebuild`"
        )
    if clippings and not store.groups_saved(index_dir):
        return (
            f"near-duplicate groups missing ({path}): every clipping is its own hit; run "
            "`clippings index` to finish the last run"
        )
    return None


_NOT_EXPANDED = "names are not expanded; run `clippings index --rebuild`"


def _names_model(status: object) -> tuple[str, str | None]:
    """How `clippings stats` shows the names model the last run used, and its problem if the
    model it asked for failed to load ("spaCy is not installed" is the rules-only case, not a
    problem)."""
    if not isinstance(status, dict):
        return "not recorded (run `clippings index`)", None
    if status.get("used"):
        return str(status["used"]), None
    problem = status.get("problem")
    if not status.get("asked"):
        return "none (the rules alone, as configured)", None
    if problem == "spaCy is not installed" or not problem:
        return f"none ({problem or 'not in use'})", None
    return f"none ({problem})", f"names {problem}: names are found by the rules alone"
