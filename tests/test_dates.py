"""Dates from metadata and headers: a real day or nothing."""

from datetime import date

import pytest

from indexer.dates import parse_date

TODAY = date(2026, 11, 29)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("2011-04-08", "2011-04-08"),
        ("2011-04-08T10:15:00+03:00", "2011-04-08"),
        ("20110408", "2011-04-08"),
        ("8 April 2011", "2011-04-08"),
        ("April 8, 2011", "2011-04-08"),
        ("Fri, 08 Apr 2011 10:00:00 GMT", "2011-04-08"),
        ("Friday, April 8th, 2011", "2011-04-08"),
        ("Fri, 08 Apr 2011 10:00:00 EST", "2011-04-08"),
    ],
)
def test_days_are_normalised(text, expected):
    assert parse_date(text, today=TODAY) == expected


@pytest.mark.parametrize(
    "text",
    ["", None, "April 2011", "2011", "2011-02-30", "1899-12-31", "2027-01-01", "soon", "x" * 100],
)
def test_no_single_plausible_day_gives_none(text):
    assert parse_date(text, today=TODAY) is None
