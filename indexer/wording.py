"""Plain words for counts, shared by every front end: "1 clipping", "2 clippings"."""

from __future__ import annotations


def counted(count: int, noun: str, plural: str | None = None) -> str:
    """The count with its noun in the right number ("1 file", "0 files", "3 entities")."""
    return f"{count} {noun if count == 1 else plural or noun + 's'}"
