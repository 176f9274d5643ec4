"""Marked spans and passages: text and offsets, never markup, whatever the clipping holds."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from indexer.highlighting import ELLIPSIS, SNIPPET_CHARS, _collapsed, best_passages, lead
from indexer.results import Marked


def shown(text: Marked) -> str:
    return "".join(f"[{piece}]" if hit else piece for piece, hit in text.parts())


@pytest.mark.parametrize(
    ("text", "marks", "expected"),
    [
        ("camp near Baghdad", ((0, 4),), "[camp] near Baghdad"),
        ("camp near Baghdad", ((10, 17),), "camp near [Baghdad]"),
        ("camp near Baghdad", ((0, 4), (5, 9)), "[camp] [near] Baghdad"),
        ("camp", ((0, 4),), "[camp]"),
        ("camp", (), "camp"),
        ("", (), ""),
    ],
)
def test_parts_cover_the_text_in_order(text, marks, expected):
    marked = Marked(text, marks)
    assert shown(marked) == expected
    assert "".join(piece for piece, _ in marked.parts()) == text


def test_a_passage_in_the_middle_has_an_ellipsis_on_both_sides():
    body = "word " * 200 + "refugees crossed the border " + "word " * 200
    start = body.index("refugees")
    snippet = best_passages(body, [(start, start + len("refugees"))])
    assert snippet.text.startswith(ELLIPSIS + " ") and snippet.text.endswith(" " + ELLIPSIS)
    assert [snippet.text[s:e] for s, e in snippet.marks] == ["refugees"]
    assert len(snippet.text) <= SNIPPET_CHARS + 10


def test_two_passages_are_joined_by_one_ellipsis_and_whitespace_is_collapsed():
    body = "Refugees\n\n  left the camp. " + "filler " * 100 + "More\trefugees came later."
    spans = [(0, 8), (body.index("refugees"), body.index("refugees") + 8)]
    snippet = best_passages(body, spans)
    assert [snippet.text[s:e] for s, e in snippet.marks] == ["Refugees", "refugees"]
    assert snippet.text.startswith("Refugees left the camp.")
    assert f" {ELLIPSIS} " in snippet.text
    assert "\n" not in snippet.text and "\t" not in snippet.text and "  " not in snippet.text


def test_nothing_marked_gives_no_passage_and_the_lead_is_the_start_of_the_body():
    body = "Officials said " + "more words " * 50
    assert best_passages(body, []) is None
    start = lead(body)
    assert start.text.startswith("Officials said") and start.text.endswith(ELLIPSIS)
    assert start.marks == ()
    assert lead("Short body.\n") == Marked("Short body.")


def test_markup_in_the_text_stays_text():
    body = "<img src=x onerror=alert(1)> and <b>bold</b> words"
    start = body.index("onerror")
    snippet = best_passages(body, [(start, start + 7)])
    assert snippet.text == body
    assert [snippet.text[s:e] for s, e in snippet.marks] == ["onerror"]


def test_overlapping_passages_are_shown_once():
    body = "start " * 40 + "MKO and MEK met " + "filler " * 3 + "PMOI spoke " + "end " * 40
    spans = [(body.index(w), body.index(w) + len(w)) for w in ("MKO", "MEK", "PMOI")]
    snippet = best_passages(body, spans)
    assert snippet.text.count("filler filler filler") == 1
    assert [snippet.text[s:e] for s, e in snippet.marks] == ["MKO", "MEK", "PMOI"]


def test_a_page_of_hits_reads_the_same_positions_as_each_hit_alone(tmp_path):
    """A page's positions are read with one walk of each word's postings; every hit's marks
    equal those read for the hit alone, over two segments and lists of many posting blocks."""
    from whoosh.filedb.filestore import FileStorage

    from indexer.docsets import PostingCache
    from indexer.highlighting import Marker, Wanted
    from indexer.schema import clipping_schema

    ix = FileStorage(str(tmp_path)).create_index(clipping_schema())
    for segment in range(2):
        writer = ix.writer()
        for n in range(400):
            body = "camp " * (n % 3) + f"word{n} refugees crossed" + " camp ashraf" * (n % 5 == 0)
            writer.add_document(id=f"{segment}-{n}", title="Camp", body=body)
        writer.commit(merge=False)
    with ix.searcher() as searcher:
        marker = Marker(list(searcher.reader().leaf_readers()), PostingCache())
        wanted = Wanted({"camp", "refuge", "absent"}, {("camp", "ashraf")})  # indexed stems
        page = [799, 3, 402, 0, 5, 401, 650, 130]
        known = marker.positions(page, "body", wanted)
        for docnum in page:
            assert marker.spans(docnum, "body", wanted, known) == marker.spans(
                docnum, "body", wanted
            )
        assert marker.spans(5, "body", wanted, known) == [(0, 4), (5, 9), (16, 24), (33, 37),
                                                          (38, 44)]  # fmt: skip


@settings(max_examples=2000, deadline=None)
@given(st.text(alphabet=st.sampled_from("ab \t\n\u00a0\u2003\u3000\r\x0b\x1cé"), max_size=40))
def test_a_lead_collapses_whitespace_as_the_walk_that_moves_spans_does(text):
    """With no spans, _collapsed takes a quicker path (str.split): the text must be what its
    character walk, which spans take, makes of it."""
    walked = _collapsed(text, [(0, 0)]).text
    assert _collapsed(text, []) == Marked(walked, ())
