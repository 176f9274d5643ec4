"""bench/lighthouse.py's scoring and table, on a report shaped like Lighthouse 12's (no npm)."""

import importlib.util
import io
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[1] / "bench"
sys.path.insert(0, str(BENCH))
spec = importlib.util.spec_from_file_location("bench_lighthouse", BENCH / "lighthouse.py")
lighthouse = importlib.util.module_from_spec(spec)
spec.loader.exec_module(lighthouse)


def report(**scores: float) -> dict:
    """A Lighthouse JSON report with one weighted audit per category, failing below 1."""
    categories, audits = {}, {}
    for name in lighthouse.CATEGORIES:
        score = scores.get(name.replace("-", "_"), 1.0)
        categories[name] = {"score": score, "auditRefs": [{"id": f"{name}-audit", "weight": 1},
                                                          {"id": "info", "weight": 0}]}  # fmt: skip
        audits[f"{name}-audit"] = {"score": score, "title": f"{name} title"}
    audits["info"] = {"score": 0, "title": "informative, weight 0"}
    return {"categories": categories, "audits": audits}


def test_scores_are_percent_and_lost_points_name_the_audit():
    got = report(seo=0.9, best_practices=0.96)
    assert lighthouse.scores(got) == {"performance": 100, "accessibility": 100,
                                      "best-practices": 96, "seo": 90}  # fmt: skip
    assert lighthouse.lost_points(got) == [
        "best-practices: best-practices-audit: best-practices title",
        "seo: seo-audit: seo title",
    ]


def test_the_median_of_runs_counts():
    runs = [lighthouse.scores(report(performance=p)) for p in (0.98, 1.0, 0.91)]
    assert lighthouse.median_scores(runs)["performance"] == 98


def test_the_table_is_markdown_with_a_row_per_page():
    perfect = dict.fromkeys(lighthouse.CATEGORIES, 100)
    text = lighthouse.table({"home": perfect, "results": {**perfect, "seo": 90}})
    assert text.splitlines() == [
        "| page | performance | accessibility | best-practices | seo |",
        "|---|---|---|---|---|",
        "| home | 100 | 100 | 100 | 100 |",
        "| results | 100 | 100 | 100 | 90 |",
    ]


def test_no_chromium_is_a_one_line_setup_error(monkeypatch, capsys):
    monkeypatch.setenv("CHROME_PATH", "/nonexistent/chromium")
    assert lighthouse.main(["--runs", "1"]) == 2
    assert capsys.readouterr().err == (
        "bench/lighthouse.py: no Chromium at /nonexistent/chromium"
        " (apt-get install chromium, or CHROME_PATH)\n"
    )


@pytest.mark.parametrize("name", ["home", "results", "zero results", "clipping", "names", "entity"])
def test_every_page_type_is_audited(sample_index, monkeypatch, name):
    from webui.app import create_app

    client = create_app({"INDEX_DIR": str(sample_index)}).test_client()
    served = lambda address: io.BytesIO(client.get(address.removeprefix("http://x")).data)  # noqa: E731
    monkeypatch.setattr(lighthouse, "urlopen", served)
    pages = lighthouse.page_types("http://x")
    assert client.get(pages[name]).status_code == 200
