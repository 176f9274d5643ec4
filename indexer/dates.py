"""Publication dates: turn a date string from metadata or a header into YYYY-MM-DD, or None.

A clipping's date is evidence, never a guess: strings without a full day, dates before 1900
and dates in the future are rejected rather than completed or clamped.
"""

from __future__ import annotations

import re
import warnings
from datetime import date, datetime

from dateutil import parser as dateutil_parser

_ISO = re.compile(r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})(?:[T\s]|$)")
_COMPACT = re.compile(r"^\s*(\d{4})(\d{2})(\d{2})(?:T|\s|$)")
_EARLIEST = date(1900, 1, 1)


class _Sentinel:
    """Two different defaults reveal which parts dateutil filled in by itself."""


def parse_date(text: str | None, *, today: date | None = None) -> str | None:
    """Return the day `text` names as YYYY-MM-DD, or None when it names no single plausible day."""
    if not text:
        return None
    text = text.strip()
    if not text or len(text) > 80:
        return None
    day = _iso_day(text) or _prose_day(text)
    if day is None or day < _EARLIEST or day > (today or date.today()):
        return None
    return day.isoformat()


def _iso_day(text: str) -> date | None:
    match = _ISO.match(text) or _COMPACT.match(text)
    if not match:
        return None
    try:
        return date(*(int(part) for part in match.groups()))
    except ValueError:
        return None


def _prose_day(text: str) -> date | None:
    # Parse twice with different defaults: a field that differs was not in the text.
    try:
        with warnings.catch_warnings():
            # "10:00 EST": the zone is unknown to dateutil, but the day is all we keep.
            warnings.simplefilter("ignore", dateutil_parser.UnknownTimezoneWarning)
            first = dateutil_parser.parse(text, default=datetime(1901, 1, 1), fuzzy=True)
            second = dateutil_parser.parse(text, default=datetime(1902, 2, 2), fuzzy=True)
    except (ValueError, OverflowError, TypeError):
        return None
    if (first.year, first.month, first.day) != (second.year, second.month, second.day):
        return None
    return first.date()
