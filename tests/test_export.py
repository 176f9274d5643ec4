"""Streamed exports: rows joined into chunks so the server writes a large export in a few
hundred writes, not one per row (webui/export.py)."""

from __future__ import annotations

import pytest

from webui.export import in_chunks


@pytest.mark.parametrize(
    "pieces, size, expected",
    [
        ([], 10, []),
        (["abc"], 10, ["abc"]),
        (["abcd", "efgh", "ij", "k"], 5, ["abcdefgh", "ijk"]),
        (["abcde", "fghij"], 5, ["abcde", "fghij"]),
        (["a" * 12, "b"], 5, ["a" * 12, "b"]),
        (["", "", "x"], 1, ["x"]),
    ],
)
def test_pieces_are_joined_into_chunks_of_at_least_the_size(pieces, size, expected):
    assert list(in_chunks(pieces, size)) == expected


def test_a_long_export_arrives_whole_in_few_chunks():
    rows = [f"{n},row number {n},2011-04-0{n % 9 + 1}\r\n" for n in range(20_000)]
    chunks = list(in_chunks(iter(rows)))
    assert "".join(chunks) == "".join(rows)
    assert len(chunks) < len(rows) / 100
    assert all(len(chunk) >= 64 * 1024 for chunk in chunks[:-1])
