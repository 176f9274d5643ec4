"""Figures about an index for `clippings stats`."""

from __future__ import annotations

from pathlib import Path

from whoosh import query

from indexer import store


def index_stats(index_dir: Path) -> dict:
    """Clippings, files, entities, date span and size on disk of the index in `index_dir`."""
    ix = store.open_index(index_dir)
    with store.open_searcher(index_dir) as searcher, store.reading(index_dir):
        generation = searcher.reader().generation()
        records = store.read_manifest(index_dir, generation) or store.records_from_index(ix)
        reader = searcher.reader()
        dates = sorted(reader.field_terms("date")) if "date" in reader.indexed_field_names() else []
        undated = sum(1 for _ in searcher.docs_for_query(query.Term("undated", "1")))
        entities = sum(1 for _ in reader.field_terms("entities"))
        clippings = searcher.doc_count()
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
    }
