"""Publication dates: turn the date a clipping states into YYYY-MM-DD, or None.

A clipping's date is evidence, never a guess: strings without a full day, dates before 1900
and dates in the future are rejected rather than completed or clamped. Three places state a
date: a date string (metadata, a header line), the URL path (`/2011/04/08/`) and a wire-style
dateline at the start of the body ("BAGHDAD, April 8, 2011 (Reuters) -").

All-numeric days such as "08/04/2011" are read day first (8 April) unless the caller passes
`day_first=False` (4 August; `Settings.day_first`, which a front end reads from
CLIPPINGS_DATE_ORDER); "25/12/2011" and "2011/04/08" are the same under both orders.
"""

from __future__ import annotations

import functools
import re
import warnings
from datetime import date, datetime, timedelta
from urllib.parse import urlsplit

from dateutil import parser as dateutil_parser

_EARLIEST = date(1900, 1, 1)
_ISO = re.compile(r"^\s*(\d{4})([-/.])(\d{1,2})\2(\d{1,2})(?:[T\s]|$)")  # year first: Y-M-D
_COMPACT = re.compile(r"^\s*(\d{4})(\d{2})(\d{2})(?:T|\s|$)")
_CLOCK = re.compile(r"\d{1,2}:\d{2}")  # a time of day: 02:15

# --- a written date: the strict shape datelines and "Posted on" lines must have -------------
# Each month's name or abbreviation ("April", "Apr.", "Sept."), January first.
_MONTH_NAMES = [
    rf"(?:{name}|{name[:4]}\.?|{name[:3]}\.?)"
    for name in (
        "january february march april may june july august september october november december"
    ).split()
]
_MONTH = "(?:" + "|".join(_MONTH_NAMES) + ")"
_WEEKDAY = (
    r"(?:(?:mon|tues|wednes|thurs|fri|satur|sun)day|mon|tue|tues|wed|thu|thurs|fri|sat|sun)"
    r"\b\.?,?\s+"
)
_DAY = r"\d{1,2}(?:st|nd|rd|th)?"
_TIME = r"(?:,?\s+(?:at\s+)?\d{1,2}[:.]\d{2}(?:\s*[ap]\.?m\.?)?(?:\s+[a-z]{2,5})?)?"
_WRITTEN = (
    rf"(?:{_WEEKDAY})?(?:{_DAY}\s+(?:of\s+)?{_MONTH},?\s+\d{{4}}"  # 8 April 2011
    rf"|{_MONTH}\s+{_DAY},?\s+\d{{4}}"  # April 8, 2011
    r"|\d{4}-\d{2}-\d{2}"  # 2011-04-08
    r"|\d{1,2}[/.]\d{1,2}[/.]\d{4})"  # 08/04/2011
    rf"{_TIME}"
)
_WRITTEN_DATE = re.compile(rf"\s*({_WRITTEN})\s*", re.IGNORECASE)
# Month words in English, French, German, Spanish, Portuguese and Italian, January first: enough
# to confirm a day another tool read from a page (dateutil itself reads English only).
_MONTH_WORDS = [
    "january|jan|janvier|janv|januar|jänner|jän|enero|ene|janeiro|gennaio|gen",
    "february|feb|février|fevrier|févr|fevr|februar|febrero|fevereiro|fev|febbraio",
    "march|mar|mars|märz|mär|marz|marzo|março|marco",
    "april|apr|avril|avr|abril|abr|aprile",
    "may|mai|mayo|maio|maggio|mag",
    "june|jun|juin|juni|junio|junho|giugno|giu",
    "july|jul|juillet|juil|juli|julio|julho|luglio|lug",
    "august|aug|août|aout|agosto|ago",
    "september|sept|sep|septembre|septiembre|setembro|settembre|set",
    "october|oct|octobre|oktober|okt|octubre|outubro|out|ottobre|ott",
    "november|nov|novembre|noviembre|novembro",
    "december|dec|décembre|decembre|déc|dezember|dez|diciembre|dic|dezembro|dicembre",
]

# Each month word to its number, and one pattern for any of them (longest first, so "märz" wins
# over "mar").
_MONTH_NUMBERS = {
    word: number for number, words in enumerate(_MONTH_WORDS, 1) for word in words.split("|")
}
_ANY_MONTH = "|".join(sorted(map(re.escape, _MONTH_NUMBERS), key=len, reverse=True))
# A whole day written in a short line, in any of the languages above: "8 April 2011",
# "8. April 2011", "3. März 2021", "17 de marzo de 2020", "April 8, 2011", "2011-04-08",
# "08.04.2011", "2011年4月8日"; the groups are named so that one reader serves every form.
_DAY_IN_LINE = re.compile(
    rf"(?<![\w.])(?P<d1>\d{{1,2}})(?:st|nd|rd|th|er|º)?\.?\s+(?:of\s+|de\s+)?"
    rf"(?P<m1>{_ANY_MONTH})\.?,?\s+(?:de\s+)?(?P<y1>\d{{4}})(?!\d)"
    rf"|\b(?P<m2>{_ANY_MONTH})\.?\s+(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<y2>\d{{4}})(?!\d)"
    r"|(?<![\d.])(?P<y3>\d{4})(?P<s3>[-/.])(?P<m3>\d{1,2})(?P=s3)(?P<d3>\d{1,2})(?![\d.])"
    r"|(?<![\w.])(?P<a4>\d{1,2})(?P<s4>[-/.])(?P<b4>\d{1,2})(?P=s4)(?P<y4>\d{4})(?!\.?\d)"
    r"|(?<!\d)(?P<y5>\d{4})\s*[年년]\s*(?P<m5>\d{1,2})\s*[月월]\s*(?P<d5>\d{1,2})\s*[日일]",
    re.IGNORECASE,
)

# --- datelines ----------------------------------------------------------------------------------
_REACH = 40  # every whole-day spelling lies within this many characters of its year
_MAX_PIECES = 2000
_DATELINE_REACH = 200  # a dateline starts within this many characters of the body
_PLACE = r"[A-ZÀ-ÖØ-Þ][\w'’.\-]*(?:[ /][A-ZÀ-ÖØ-Þ][\w'’.\-]*){0,3}"  # BAGHDAD, New York, Ill.
_AGENCY = r"(?:\([^()\n]{1,40}\)|/[^/\n]{1,40}/)"  # (Reuters), /PRNewswire/
_DASH = r"(?:--?|[–—]|:)"
_GAP = r"[ \t]*"  # datelines never run across lines
_DATELINE_FORMS = [
    # BAGHDAD, April 8, 2011 (Reuters) -   GENEVA, 13 September 2011 —   SPRINGFIELD, Ill., ...
    rf"{_PLACE}(?:{_GAP}{_AGENCY})?(?:,{_GAP}{_PLACE})?,{_GAP}(?P<date>{_WRITTEN})"
    rf"{_GAP}(?:{_AGENCY}{_GAP})?{_DASH}",
    # WASHINGTON (AP) — Friday, April 8, 2011 —   (the date stands alone between dashes)
    rf"{_PLACE}{_GAP}(?:{_AGENCY}{_GAP})?{_DASH}{_GAP}(?P<date>{_WRITTEN}){_GAP}(?:{_DASH}|$)",
    # 8 April 2011 — GENEVA —   April 8, 2011 (AP) -   or a first line that is only a date
    rf"(?P<date>{_WRITTEN}){_GAP}(?:,{_GAP}{_PLACE}{_GAP})?(?:{_AGENCY}{_GAP})?(?:{_DASH}|$)",
]
_DATELINES = [re.compile(form, re.IGNORECASE | re.MULTILINE) for form in _DATELINE_FORMS]
_PLACE_CASE = re.compile(_PLACE)  # places are capitalised even though the rest ignores case
_UPDATE_WORDS = re.compile(
    r"updated|modified|aktualisiert|geändert|mis à jour|actualizado|aggiornato", re.IGNORECASE
)

# --- dates in URL paths -------------------------------------------------------------------------
_URL_MONTHS = {
    name: number
    for number, name in enumerate("jan feb mar apr may jun jul aug sep oct nov dec".split(), 1)
}
_URL_DAYS = [
    # /2011/04/08/  /2011/4/8  /2019/jan/03/
    re.compile(r"/(\d{4})/(\d{1,2}|[a-z]{3})/(\d{1,2})(?=$|[/._-])", re.IGNORECASE),
    # /2011-04-08/  /story/2019-11-19/slug  /slug-2011-04-08.html
    re.compile(r"(?:^|[/_-])(\d{4})-(\d{2})-(\d{2})(?=$|[/._-])"),
    # /20110408/  /20110408-slug
    re.compile(r"(?:^|[/_-])(\d{4})(\d{2})(\d{2})(?=$|[/._-])"),
]


def parse_date(
    text: str | None, *, today: date | None = None, day_first: bool = True
) -> str | None:
    """Return the day `text` names as YYYY-MM-DD, or None when it names no single plausible day."""
    if not text:
        return None
    text = text.strip()
    if not text or len(text) > 80:
        return None
    return _checked(_iso_day(text) or _prose_day(text, day_first), today)


def written_date(
    text: str | None, *, today: date | None = None, day_first: bool = True
) -> str | None:
    """The day when `text` is nothing but a written date ("Friday, April 8, 2011 10:15 BST")."""
    match = _WRITTEN_DATE.fullmatch(text or "")
    return parse_date(match.group(1), today=today, day_first=day_first) if match else None


def day_in_line(
    text: str | None, *, today: date | None = None, day_first: bool = True
) -> str | None:
    """The first whole day a short line writes, with month names in six languages ("3. März
    2021", "17 de marzo de 2020"): how bylines and listing items date themselves."""
    for match in _DAY_IN_LINE.finditer(text or ""):
        day = _checked(_line_day(match.groupdict(), day_first), today)
        if day:
            return day
    return None


def dateline_date(
    body: str | None, *, today: date | None = None, day_first: bool = True
) -> str | None:
    """The day a wire-style dateline states at the start of a line near the top of the body."""
    window = (body or "")[: _DATELINE_REACH * 2]
    for start in _line_starts(window):
        for pattern in _DATELINES:
            match = pattern.match(window, start)
            if match and _capitalised_place(match) and not _says_updated(match):
                day = parse_date(match.group("date"), today=today, day_first=day_first)
                if day:
                    return day
    return None


def date_in_url(url: str | None, *, today: date | None = None) -> str | None:
    """The day a URL path spells out: /2011/04/08/, /2011-04-08, /20110408/ (never year-month)."""
    if not url:
        return None
    path = urlsplit(url.strip()).path
    for pattern in _URL_DAYS:
        for match in pattern.finditer(path):
            day = _checked(_url_day(*match.groups()), today)
            if day:
                return day
    return None


def stamp_time(text: str | None) -> datetime | None:
    """The moment a date stamp states with its time of day ("2011-04-08T02:15:00Z"), aware when
    it names its zone; None without a time of day."""
    text = (text or "").strip()
    if not _CLOCK.search(text) or len(text) > 80:
        return None
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        pass
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", dateutil_parser.UnknownTimezoneWarning)
            return dateutil_parser.parse(text)
    except (ValueError, OverflowError, TypeError):
        return None


def in_utc(moment: datetime | None) -> bool:
    """Whether a stamp's moment is stated in UTC, which often is not the publisher's own day."""
    return moment is not None and moment.utcoffset() == timedelta(0)


def spells_out(text: str, day: str, *, day_first: bool = True) -> bool:
    """Whether `text` writes `day` (YYYY-MM-DD) out whole: in digits, or "8 April 2011" in words."""
    around_years = _around(text, (day[:4], *(mark + day[2:4] for mark in "/.-")))
    return any(form.search(around_years) for form in _spellings(day, day_first))


def _checked(day: date | None, today: date | None) -> str | None:
    """The day as YYYY-MM-DD when it lies between 1900 and today."""
    if day is None or day < _EARLIEST or day > (today or date.today()):
        return None
    return day.isoformat()


def _iso_day(text: str) -> date | None:
    """The day of a year-first (2011-04-08, 2011/04/08) or compact (20110408) date string."""
    match = _ISO.match(text) or _COMPACT.match(text)
    if not match:
        return None
    year, month, day = (part for part in match.groups() if part.isdigit())
    try:
        return date(int(year), int(month), int(day))
    except ValueError:
        return None


def _prose_day(text: str, day_first: bool) -> date | None:
    """The day of a written date, when the text gives its year, month and day."""
    # Parse twice with different defaults: a field that differs was not in the text.
    try:
        with warnings.catch_warnings():
            # "10:00 EST": the zone is unknown to dateutil, but the day is all we keep.
            warnings.simplefilter("ignore", dateutil_parser.UnknownTimezoneWarning)
            first, second = (
                dateutil_parser.parse(text, default=default, fuzzy=True, dayfirst=day_first)
                for default in (datetime(1901, 1, 1), datetime(1902, 2, 2))
            )
    except (ValueError, OverflowError, TypeError):
        return None
    if (first.year, first.month, first.day) != (second.year, second.month, second.day):
        return None
    return first.date()


def _line_day(parts: dict[str, str | None], day_first: bool) -> date | None:
    """The date of one `_DAY_IN_LINE` match, whichever of its forms matched."""
    for n in "1235":
        if parts[f"y{n}"]:
            month = parts[f"m{n}"] or ""
            number = _MONTH_NUMBERS.get(month.lower()) or (int(month) if month.isdigit() else 0)
            return _date_or_none(int(parts[f"y{n}"]), number, int(parts[f"d{n}"]))
    first, second = int(parts["a4"]), int(parts["b4"])
    if first > 12 or (day_first and second <= 12):
        first, second = second, first  # the day came first
    return _date_or_none(int(parts["y4"]), first, second)


def _date_or_none(year: int, month: int, day: int) -> date | None:
    """The date, or None when the numbers name no day."""
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _line_starts(text: str) -> list[int]:
    """Offsets of the lines that begin within the dateline reach."""
    starts = [0, *(m.end() for m in re.finditer(r"\n\s*", text))]
    return [start for start in starts if start < _DATELINE_REACH]


def _capitalised_place(match: re.Match) -> bool:
    """A dateline's place is capitalised ("BAGHDAD", "Geneva"), unlike a sentence's first words."""
    before = re.sub(_AGENCY, " ", match.string[match.start() : match.start("date")])
    words = re.findall(r"[^\W\d_][\w'’.\-]*", before)
    return all(_PLACE_CASE.match(word) for word in words)


def _says_updated(match: re.Match) -> bool:
    """A line that gives an update time ("Updated: 9 April 2011"), not where a story was filed."""
    return bool(_UPDATE_WORDS.search(match.string[match.start() : match.start("date")]))


def _url_day(year: str, month: str, day: str) -> date | None:
    """The date of a URL's year, month (number or "jan") and day parts."""
    number = _URL_MONTHS.get(month.lower()) or (int(month) if month.isdigit() else 0)
    try:
        return date(int(year), number, int(day))
    except ValueError:
        return None


@functools.lru_cache(maxsize=4096)  # an archive's days recur: compile each day's patterns once
def _spellings(day: str, day_first: bool) -> list[re.Pattern]:
    """Patterns for the whole-day spellings of `day`; d/m/y digits only in the order given."""
    year, month, number = (int(part) for part in day.split("-"))
    d, m, name = rf"0?{number}", rf"0?{month}", rf"(?:{_MONTH_WORDS[month - 1]})\b\.?"
    orders = [(d, m), (m, d)] if number > 12 else [(d, m) if day_first else (m, d)]
    forms = [
        rf"(?<!\d){year}(?P<sep>[-/.]){m}(?P=sep){d}(?!\d)",  # 2011-04-08, 2011/4/8
        rf"(?<!\d){year}{month:02}{number:02}",  # 20110408, 201104081015
        rf"\b{d}(?:st|nd|rd|th|er)?\.?\s+(?:of\s+|de\s+)?{name},?\s+(?:de\s+)?{year}\b",
        rf"\b{name}\s+{d}(?:st|nd|rd|th)?,?\s+{year}\b",  # April 8, 2011
        rf"(?<!\d){year}\s*[年년]\s*{m}\s*[月월]\s*{d}\s*[日일]",  # 2011年4月8日, 2011년 4월 8일
        *(
            rf"(?<![\d.]){a}(?P<sep>[/.-]){b}(?P=sep)(?:{year}|{year % 100:02})(?!\d)"
            for a, b in orders
        ),
    ]
    return [re.compile(form, re.IGNORECASE) for form in forms]


def _around(text: str, needles: tuple[str, ...]) -> str:
    """The stretches of text around each needle, so that patterns scan kilobytes, not megabytes."""
    pieces = []
    for needle in needles:
        start = text.find(needle)
        while start != -1 and len(pieces) < _MAX_PIECES:
            pieces.append(text[max(0, start - _REACH) : start + _REACH])
            start = text.find(needle, start + 1)
    return "\x00".join(pieces)
