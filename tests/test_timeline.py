"""The timeline chart's layout (webui/timeline.py) and how the page draws it."""

import pytest

from indexer.results import Period
from webui.timeline import chart, height, scale_top


def months(start: str, counts: list[int]) -> list[Period]:
    year, month = int(start[:4]), int(start[5:])
    periods = []
    for count in counts:
        periods.append(Period(f"{year:04d}-{month:02d}", count))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return periods


@pytest.mark.parametrize(
    ("most", "top", "middle"),
    [(1, 1, None), (2, 2, 1), (3, 4, 2), (5, 6, 3), (13, 20, 10), (61, 80, 40), (100, 100, 50),
     (101, 200, 100), (9_999, 10_000, 5_000)],
)  # fmt: skip
def test_the_scale_is_round_and_halves_whole(most, top, middle):
    assert scale_top(most) == top
    laid = chart([Period("2011", most)])
    assert (laid.top, laid.middle) == (top, middle)


@pytest.mark.parametrize(
    ("count", "top", "percent"), [(0, 10, 0), (1, 100, 5), (5, 10, 50), (10, 10, 100), (7, 20, 35)]
)
def test_bar_heights_come_in_steps_of_five_and_a_match_stays_visible(count, top, percent):
    assert height(count, top) == percent


def test_one_period_is_one_labelled_bar():
    laid = chart([Period("2014-05", 3)])
    (bar,) = laid.bars
    assert (bar.tick, bar.year, bar.label) == ("May", "2014", "May 2014: 3 clippings")
    assert laid.span == "May 2014" and laid.unit == "month"


def test_months_are_labelled_on_the_calendar_with_years_under_january():
    laid = chart(months("2011-04", [1] * 18))  # April 2011 to September 2012
    ticks = {bar.period: bar.tick for bar in laid.bars if bar.tick}
    assert ticks == {"2011-04": "Apr", "2011-07": "Jul", "2011-10": "Oct", "2012-01": "Jan",
                     "2012-04": "Apr", "2012-07": "Jul"}  # fmt: skip
    assert {bar.period: bar.year for bar in laid.bars if bar.year} == {
        "2011-04": "2011", "2012-01": "2012"}  # fmt: skip
    assert laid.span == "April 2011 to September 2012"


def test_the_first_month_is_not_labelled_right_beside_the_next_label():
    laid = chart(months("2011-12", [1] * 20))  # a step of 6: January is one bar away
    assert laid.bars[0].tick == "" and laid.bars[0].year == "2011"
    assert laid.bars[1].tick == "Jan" and laid.bars[1].year == "2012"


@pytest.mark.parametrize("first", [1990, 1995, 2003])
def test_years_are_labelled_round_and_at_most_six(first):
    periods = [Period(str(year), 1) for year in range(first, 2027)]
    ticks = [bar.tick for bar in chart(periods).bars if bar.tick]
    assert 2 <= len(ticks) <= 6
    step = int(ticks[1]) - int(ticks[0])
    assert all(int(tick) % step == 0 for tick in ticks)


def test_empty_periods_are_gaps_and_the_first_match_takes_the_tab_stop():
    laid = chart([Period("2009", 0), Period("2010", 4), Period("2011", 0), Period("2012", 1)])
    assert [bar.height for bar in laid.bars] == [0, 100, 0, 25]
    assert laid.focused == "2010"
    assert laid.bars[1].label == "2010: 4 clippings" and laid.bars[3].label == "2012: 1 clipping"


def test_no_dated_match_no_chart():
    assert chart([]) is None
    assert chart([Period("2011", 0)]) is None


def test_the_page_draws_one_tab_stop_and_hides_gaps_from_screen_readers(client):
    page = client.get("/?q=date:[2010 to 2012]").get_data(as_text=True)
    chart_html = page[page.index('<section class="timeline"') : page.index("</section>")]
    links = chart_html.count('<a class="bar')
    assert links >= 2
    assert chart_html.count('tabindex="-1"') == links - 1
    assert 'aria-label="Clippings per year, 2010 to 2012"' in chart_html


def test_a_single_month_reads_as_one_month(client):
    page = client.get("/?q=date:2011-04").get_data(as_text=True)
    assert "Clippings per month, April 2011." in page
    assert "…" not in page[page.index('<section class="timeline"') :]
