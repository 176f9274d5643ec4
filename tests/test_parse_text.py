"""Plain-text clippings and digests (fixtures in tests/fixtures/text)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from indexer.clipping import BadFile, Clipping
from indexer.parse_text import parse_text
from indexer.read import decode
from tests.conftest import SEED_TITLES

TEXT = Path(__file__).parent / "fixtures" / "text"


def parse(name: str) -> list[Clipping]:
    """Parse a fixture the way the indexer does: bytes, decode, parse."""
    return parse_text(decode((TEXT / name).read_bytes()), name)


# --- the seed digest --------------------------------------------------------------------------


def test_seed_digest_titles_and_collection():
    clippings = parse("mek-camp-ashraf.txt")

    assert [c.title for c in clippings] == SEED_TITLES
    assert [c.id for c in clippings] == [f"mek-camp-ashraf.txt#{n}" for n in range(1, 11)]
    assert {c.collection for c in clippings} == {"MEK Camp Ashraf"}
    # The seed carries no dates, sources or links: none are invented.
    assert {(c.date, c.date_source, c.source, c.url) for c in clippings} == {(None,) * 4}


def test_seed_digest_bodies_keep_the_text_as_written():
    clippings = parse("mek-camp-ashraf.txt")

    assert clippings[0].body.startswith("The 3,000+ inhabitants there face a serious threat")
    assert "She also won’t allow the members" in clippings[0].body
    assert clippings[1].body.startswith("… Bahari, speaking at a conference")
    assert clippings[1].body.endswith("the issues of de-listing …")
    assert "a”non-starter”and said" in clippings[3].body
    assert clippings[9].body.endswith("reintegrate them into Iranian society,..")
    assert all("Read more" not in c.body and "\n" not in c.body for c in clippings)
    assert all(c.title not in c.body for c in clippings)


# --- single clippings -------------------------------------------------------------------------


def test_single_clipping_with_header_lines_after_the_title():
    assert parse("single.txt") == [
        Clipping(
            path="single.txt",
            number=1,
            title="Iraq sets a deadline for Camp Ashraf",
            body=(
                "BAGHDAD — Iraq’s government said on Friday that the camp would be closed by"
                " the end of the year, and that its residents should prepare to leave.\n\n"
                "A spokesman said talks with the United Nations would continue."
            ),
            date="2011-04-08",
            date_source="header",
            source="Example Wire",
            url="https://wire.example.com/2011/04/08/ashraf",
        )
    ]


def test_header_lines_before_the_title():
    assert parse("headers-before.txt") == [
        Clipping(
            path="headers-before.txt",
            number=1,
            title="Families wait at the gate",
            body="Relatives say they have waited for weeks to see sons and daughters.",
            date="2011-07-02",
            date_source="header",
            source="Regional Weekly",
            url="www.weekly.example.com/families",
        )
    ]


def test_windows_line_endings():
    raw = (TEXT / "crlf.txt").read_bytes().decode("utf-8")
    assert "\r\n" in raw
    [clipping] = parse_text(raw, "crlf.txt")
    assert (clipping.title, clipping.date, clipping.body) == (
        "Talks on the camp",
        "2011-04-08",
        "First line wrapped.\n\nSecond.",
    )


@pytest.mark.parametrize(
    "text,title,body",
    [
        # A header whose value is no date is still a header line: no date, not in the body.
        ("Talks resume\nDate: sometime last spring\n\nBody.", "Talks resume", "Body."),
        ("title: Talks resume\n\nBody.", "Talks resume", "Body."),
        ("# Talks resume\n\nBody.", "Talks resume", "Body."),
        ("   Talks   resume  \n\n  Body   text.  ", "Talks resume", "Body text."),
        ("\n\n\nTalks resume\nBody on the next line.", "Talks resume", "Body on the next line."),
        # "Link:" followed by words is a title, not a header line.
        ("Link: the missing piece\n\nBody.", "Link: the missing piece", "Body."),
        # A single clipping whose second paragraph is short is not a digest with a collection.
        ("Talks resume\n\nBy John Smith\n\nBody.", "Talks resume", "By John Smith\n\nBody."),
    ],
)
def test_single_clipping_shapes(text, title, body):
    [clipping] = parse_text(text, "clip.txt")
    assert (clipping.title, clipping.body, clipping.date, clipping.collection) == (
        title,
        body,
        None,
        None,
    )


def test_a_first_line_too_long_for_a_title_stays_in_the_body():
    paragraph = (
        "The Iraqi government said on Friday that the camp would be closed by the end of the"
        " year and that its residents, who have lived there since the 1980s, should prepare to"
        " leave for a temporary site near Baghdad airport."
    )
    [clipping] = parse_text(paragraph + "\n\nSecond paragraph.", "clip.txt")
    assert clipping.title == (
        "The Iraqi government said on Friday that the camp would be closed by the end of the"
        " year and that its residents, who…"
    )
    assert clipping.body == paragraph + "\n\nSecond paragraph."


# --- markdown ---------------------------------------------------------------------------------


def test_markdown_front_matter_gives_the_header_lines():
    assert parse("front-matter.md") == [
        Clipping(
            path="front-matter.md",
            number=1,
            title="Residents moved to Camp Liberty",
            body="The fourth group of residents arrived on Saturday.\n\n"
            "A UN monitor travelled with the convoy.",
            date="2012-02-18",
            date_source="header",
            source="Example Wire",
        )
    ]


def test_markdown_heading_underlines_are_not_separators():
    [clipping] = parse("headings.md")
    assert clipping.title == "Convoy reaches Camp Liberty"
    assert clipping.body == (
        "The convoy arrived after a six-hour drive.\n\nResidents unpacked\n\n"
        "Tents were assigned by the UN."
    )


# --- digests ----------------------------------------------------------------------------------


def test_digest_with_read_more_lines_and_a_collection_line():
    clippings = parse("digest-read-more.txt")

    assert [(c.number, c.title, c.body) for c in clippings] == [
        (1, "Iraqi troops enter Camp Ashraf", "Iraqi forces entered the camp at dawn."),
        (
            2,
            "UN calls for restraint",
            "The UN envoy urged both sides to avoid violence. He spoke in Baghdad.",
        ),
        (3, "Families gather at the gate", "Relatives waited outside."),
        (
            4,
            "Talks on relocation stall",
            # A sentence that starts with "Read more" is text, not a boundary.
            "Negotiators failed to agree.\n\nRead more about the camp in our archive.",
        ),
        # The headline-only footer after the last "Full story" is no clipping.
    ]
    assert {c.collection for c in clippings} == {"Ashraf press digest, 2011"}
    assert (clippings[0].date, clippings[0].source) == ("2011-04-08", "Example Wire")
    assert clippings[1].date is None
    assert [c.url for c in clippings] == [
        None,
        None,
        "https://news.example.com/families-gate",
        None,
    ]


def test_digest_with_separator_lines_and_no_collection_line():
    clippings = parse("digest-rules.txt")

    assert [(c.id, c.title, c.body, c.date, c.source, c.collection) for c in clippings] == [
        (
            "digest-rules.txt#1",
            "UN agency calls Ashraf residents asylum seekers",
            "The UN refugee agency said it would examine each claim.",
            "2011-09-13",
            "Wire service",
            None,
        ),
        (
            "digest-rules.txt#2",
            "Iraq extends the deadline",
            "Officials agreed to a six-month extension.",
            None,
            "Daily Example",
            None,
        ),
        (
            "digest-rules.txt#3",
            "Residents begin moving to Camp Liberty",
            "The first buses left on Friday.",
            None,
            None,
            None,
        ),
    ]


def test_digest_whose_first_item_has_several_paragraphs_has_no_collection():
    clippings = parse("digest-no-collection.txt")
    assert [(c.title, c.body, c.collection) for c in clippings] == [
        (
            "Camp Ashraf residents protest",
            "Hundreds of residents marched inside the camp.\n\n"
            "They carried photographs of relatives.",
            None,
        ),
        ("Iraq rejects the protest", "A government spokesman called the march staged.", None),
    ]


@pytest.mark.parametrize(
    "text,collection,titles",
    [
        (
            "Weekly digest\n\nDate: 2011-04-08\nFirst title\nBody one.\n---\n"
            "Date: 2011-04-09\nSecond title\nBody two.\n",
            "Weekly digest",
            ["First title", "Second title"],
        ),
        (
            "Weekly digest\n\nFirst title\nBody one.\n---\nSecond title\nBody two.\n",
            "Weekly digest",
            ["First title", "Second title"],
        ),
        (
            "First title\nDate: 2011-04-08\n\nBody one.\n---\nSecond title\n\nBody two.\n",
            None,
            ["First title", "Second title"],
        ),
        (
            "First title\n\nBody one is a sentence.\n---\nSecond title\n\nBody two.\n",
            None,
            ["First title", "Second title"],
        ),
        # One item only: no digest, so the first line is the title.
        ("Weekly digest\n\nFirst title\n\nBody.\n", None, ["Weekly digest"]),
    ],
)
def test_collection_line(text, collection, titles):
    clippings = parse_text(text, "digest.txt")
    assert [c.title for c in clippings] == titles
    assert {c.collection for c in clippings} == {collection}


@pytest.mark.parametrize(
    "boundary",
    [
        "Read more",
        "Read more »",
        "Read more...",
        "Read more…",
        "READ MORE",
        "[Read more]",
        "Continue reading",
        "Continue reading →",
        "Full story",
        "---",
        "***",
        "===",
        "- - -",
        "* * *",
        "__________",
        "~~~",
        "###",
    ],
)
def test_item_boundaries(boundary):
    text = f"First title\nFirst body.\n{boundary}\nSecond title\nSecond body.\n"
    clippings = parse_text(text, "digest.txt")
    assert [(c.number, c.title, c.body) for c in clippings] == [
        (1, "First title", "First body."),
        (2, "Second title", "Second body."),
    ]


@pytest.mark.parametrize("line", ["Read more about the camp", "-- signed", "**Bold**", "== x =="])
def test_lines_that_are_not_boundaries(line):
    [clipping] = parse_text(f"Title\nFirst body.\n{line}\nMore body.\n", "clip.txt")
    assert clipping.body == f"First body. {line} More body."


def test_read_more_line_with_a_link_gives_the_item_its_url():
    text = "First title\nBody.\nRead more: https://example.com/a/1.\nSecond title\nBody.\n"
    clippings = parse_text(text, "digest.txt")
    assert [c.url for c in clippings] == ["https://example.com/a/1", None]


def test_empty_and_headline_only_items_are_dropped_and_numbering_stays_dense():
    text = (
        "---\nFirst title\nBody one.\n---\n\n---\nA lone headline\n---\nThird title\nBody three.\n"
    )
    clippings = parse_text(text, "digest.txt")
    assert [(c.id, c.title) for c in clippings] == [
        ("digest.txt#1", "First title"),
        ("digest.txt#2", "Third title"),
    ]


# --- files that give no clipping --------------------------------------------------------------


@pytest.mark.parametrize(
    "text,reason",
    [
        ("", "no text"),
        ("  \n\n\t\n", "no text"),
        ("---\n***\n===\n", "no text"),
        ("Date: 2011-04-08\nSource: Example Wire\n", "no text"),
        ("Iraq closes the camp\n", "no text after the title"),
        ("Read more\n\nHeadline one\n\nRead more\n\nHeadline two\n", "no text after the title"),
    ],
)
def test_no_clipping(text, reason):
    with pytest.raises(BadFile) as caught:
        parse_text(text, "clip.txt")
    assert str(caught.value) == reason


def test_title_only_file():
    with pytest.raises(BadFile) as caught:
        parse("title-only.txt")
    assert str(caught.value) == "no text after the title"


# --- dates ------------------------------------------------------------------------------------

DATE_FIXTURES = Path(__file__).parent / "fixtures" / "dates"
EXPECTED_DATES = json.loads((DATE_FIXTURES / "expected.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    "name", sorted(name for name in EXPECTED_DATES["clippings"] if name.startswith("text/"))
)
def test_date_fixture_clippings(name):
    clippings = parse_text((DATE_FIXTURES / name).read_text(encoding="utf-8"), name)
    expected = [tuple(pair) for pair in EXPECTED_DATES["clippings"][name]]
    assert [(c.date, c.date_source) for c in clippings] == expected


@pytest.mark.parametrize(
    "header",
    [
        "Date: 2011-04-08",
        "Date: 8 April 2011",
        "date: April 8, 2011",
        "Date: Friday, April 8, 2011",
        "Date: Fri 8 Apr 2011 10:15 BST",
        "Date: 08/04/2011",
        "Published: 8 April 2011",
        "Published: Fri, 08 Apr 2011 10:00:00 GMT",
        "Posted: April 8, 2011",
        "Posted on: Friday 8 April 2011",
        "Posted on April 8, 2011",
        "Posted on Friday, 8 April 2011 at 10:15 am",
        "Published on 8 April 2011",
    ],
)
def test_date_header_lines(header):
    for text in (f"Talks resume\n{header}\n\nBody.", f"{header}\nTalks resume\n\nBody."):
        [clipping] = parse_text(text, "clip.txt")
        assert (clipping.title, clipping.body) == ("Talks resume", "Body.")
        assert (clipping.date, clipping.date_source) == ("2011-04-08", "header")


@pytest.mark.parametrize(
    "line",
    [
        "Posted on the wall of the camp were the names of the missing.",
        "Posted on April 8, 2011 by Jane Doe",  # more than a date: a body line
        "Published on a Friday, the report surprised nobody.",
    ],
)
def test_lines_that_only_look_like_posted_on_headers_stay_in_the_body(line):
    [clipping] = parse_text(f"Talks resume\n{line}\n\nBody.", "clip.txt")
    assert clipping.body == f"{line}\n\nBody."
    assert (clipping.date, clipping.date_source) == (None, None)


@pytest.mark.parametrize(
    "body, date",
    [
        ("BAGHDAD, April 8, 2011 (Reuters) - Iraq said the camp would close.", "2011-04-08"),
        (
            "GENEVA, 13 September 2011 — The UN agency said it would examine each claim.",
            "2011-09-13",
        ),
        ("WASHINGTON (AP) — Friday, April 8, 2011 — The Senate voted.", "2011-04-08"),
        ("8 April 2011 — BAGHDAD — Iraq said the camp would close.", "2011-04-08"),
        ("Friday, April 8, 2011\n\nIraq said the camp would close.", "2011-04-08"),
    ],
)
def test_dateline_dates(body, date):
    [clipping] = parse_text(f"Iraq sets a deadline\n\n{body}\n", "clip.txt")
    assert (clipping.date, clipping.date_source) == (date, "dateline")
    assert clipping.body.startswith(body.split("\n")[0])  # the dateline stays in the body


@pytest.mark.parametrize(
    "lines, date, source",
    [
        # A header line beats the dateline, the dateline beats the URL.
        (
            ["Date: 2011-04-09", "", "BAGHDAD, April 8, 2011 (Reuters) - Text."],
            "2011-04-09",
            "header",
        ),
        (
            [
                "URL: https://wire.example.com/2011/04/07/a",
                "",
                "BAGHDAD, April 8, 2011 (Reuters) - T.",
            ],
            "2011-04-08",
            "dateline",
        ),
        (
            ["URL: https://wire.example.com/2011/04/07/a", "", "BAGHDAD - Text."],
            "2011-04-07",
            "url",
        ),
        (
            ["Link: https://wire.example.com/news/20110407-camp.html", "", "Text."],
            "2011-04-07",
            "url",
        ),
        # A header that names no day falls through to the next source.
        (
            ["Date: April 2011", "", "BAGHDAD, April 8, 2011 (Reuters) - Text."],
            "2011-04-08",
            "dateline",
        ),
        (
            ["Date: 2031-04-08", "URL: https://wire.example.com/2011/04/07/a", "", "Text."],
            "2011-04-07",
            "url",
        ),
        # Nothing to go on: undated, never today, never a number from the text.
        (["Date: sometime last spring", "", "Flight 447 carried 228 people in 2011."], None, None),
        (["URL: https://wire.example.com/2011/04/camp", "", "Text of 12/34/5678."], None, None),
    ],
)
def test_date_sources_in_order(lines, date, source):
    [clipping] = parse_text("\n".join(["Iraq sets a deadline", *lines]), "clip.txt")
    assert (clipping.date, clipping.date_source) == (date, source)


def test_read_more_links_date_their_item():
    text = "First title\nBody.\nRead more: https://example.com/2011/04/08/a\nSecond title\nBody.\n"
    clippings = parse_text(text, "digest.txt")
    assert [(c.date, c.date_source) for c in clippings] == [("2011-04-08", "url"), (None, None)]


def test_a_date_late_in_the_body_is_not_the_clippings_date():
    body = "The camp has stood for decades and its residents refuse to leave. " * 4
    [clipping] = parse_text(f"Talks resume\n\n{body}\n\nOn 8 April 2011 — talks failed.", "c.txt")
    assert (clipping.date, clipping.date_source) == (None, None)


@pytest.mark.parametrize("day_first, date", [(True, "2011-04-08"), (False, "2011-08-04")])
def test_numeric_header_dates_follow_the_configured_order(day_first, date):
    text = "Talks resume\nDate: 08/04/2011\n\nBody."
    [clipping] = parse_text(text, "clip.txt", day_first=day_first)
    assert clipping.date == date
    [posted] = parse_text("Talks resume\nPosted on 04/25/2011\n\nBody.", "c.txt", day_first=False)
    assert (posted.title, posted.date) == ("Talks resume", "2011-04-25")
