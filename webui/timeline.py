"""The timeline chart's layout: bar heights on a round count scale, the periods that get a tick
label, and each bar's name as a screen reader says it, from the engine's periods
(`SearchResults.timeline`: years, or months within two years, gaps included)."""

from __future__ import annotations

import math
from dataclasses import dataclass

from indexer.results import Period

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")  # fmt: skip
MAX_TICKS = 6  # labels under the bars: they fit in the side panel's 17rem, and on a 320 px phone
YEAR_STEPS = (1, 2, 5, 10, 20, 25, 50, 100)
MONTH_STEPS = (1, 2, 3, 6, 12)


@dataclass
class Bar:
    """One period: its query value ("2011-04"), count, height in percent (a multiple of 5, at
    least 5 when the count is not 0), its name ("April 2011") and its tick labels."""

    period: str
    count: int
    height: int
    name: str
    tick: str = ""  # under the bar: a year, or a month's short name
    year: str = ""  # a second line under a month: the year, at January and the first period
    end: bool = False  # in the chart's last third: labels hang to the left, not off the edge

    @property
    def label(self) -> str:
        """What a screen reader says of the bar: "April 2011: 3 clippings"."""
        return f"{self.name}: {self.count} clipping{'' if self.count == 1 else 's'}"


@dataclass
class Chart:
    """The bars, the count at the top of the scale and at its middle line (None unless whole),
    "year" or "month", and the span in words."""

    bars: list[Bar]
    top: int
    middle: int | None
    unit: str
    span: str

    @property
    def focused(self) -> str:
        """The period whose bar takes the Tab stop: the first one with clippings."""
        return next(bar.period for bar in self.bars if bar.count)


def chart(periods: list[Period]) -> Chart | None:
    """The chart of a timeline, or None when no match has a date."""
    if not periods or not any(p.count for p in periods):
        return None
    top = scale_top(max(p.count for p in periods))
    monthly = len(periods[0].period) == 7
    last_third = len(periods) * 2 / 3
    bars = [
        Bar(p.period, p.count, height(p.count, top), period_name(p.period), end=i >= last_third)
        for i, p in enumerate(periods)
    ]
    (month_ticks if monthly else year_ticks)(bars)
    span = bars[0].name if len(bars) == 1 else f"{bars[0].name} to {bars[-1].name}"
    middle = top // 2 if top % 2 == 0 else None
    return Chart(bars, top, middle, "month" if monthly else "year", span)


def scale_top(most: int) -> int:
    """A round count at least `most`, whose half is whole from 2 up: 1, 2, 4, 6, 8, 10, 20, 40…"""
    if most <= 1:
        return 1
    magnitude = 10 ** int(math.log10(most))
    for step in (1, 2, 4, 6, 8, 10):
        if step * magnitude >= most:
            return step * magnitude
    return 10 * magnitude


def height(count: int, top: int) -> int:
    """The bar's height in percent of the scale, in steps of 5; a count above 0 stays visible."""
    if count == 0:
        return 0
    return max(5, round(count / top * 20) * 5)


def period_name(period: str) -> str:
    """ "2011" → "2011"; "2011-04" → "April 2011"."""
    if len(period) == 7:
        return f"{MONTHS[int(period[5:7]) - 1]} {period[:4]}"
    return period


def year_ticks(bars: list[Bar]) -> None:
    """Label round years (every 1, 2, 5, 10 … years) so that at most MAX_TICKS show."""
    step = next((s for s in YEAR_STEPS if math.ceil(len(bars) / s) <= MAX_TICKS), YEAR_STEPS[-1])
    for bar in bars:
        if int(bar.period) % step == 0 or len(bars) == 1:
            bar.tick = bar.period


def month_ticks(bars: list[Bar]) -> None:
    """Label every 1st, 2nd, 3rd, 6th or 12th month of the calendar (so January always: Jan,
    Apr, Jul, Oct …), at most MAX_TICKS, the first month too when a full step from the next
    label; the year goes under each January and under the first month."""
    step = next((s for s in MONTH_STEPS if math.ceil(len(bars) / s) <= MAX_TICKS), 12)
    months = [int(bar.period[5:7]) for bar in bars]
    aligned = [i for i, month in enumerate(months) if (month - 1) % step == 0]
    for i, (bar, month) in enumerate(zip(bars, months, strict=True)):
        first = i == 0 and (not aligned or aligned[0] >= step)
        if i in aligned or first:
            bar.tick = MONTHS[month - 1][:3]
        if month == 1 or i == 0:
            bar.year = bar.period[:4]
