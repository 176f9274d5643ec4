"""Publication-date quality: our dates beside htmldate alone, as correct / wrong / missing.

Run: .venv/bin/python bench/dates.py [--json out.json] [--errors]

Four sets of pages:
- htmldate-mediacloud: 200 real news pages with hand-set dates (NaN: the page has no date), read
  from the page bytes only; ours is what `clippings parse --json` gives the page file (its first
  clipping), htmldate alone is `find_date(bytes, extensive_search=True, original_date=True)`;
  scored as accuracy (right answers, "no date" included, over all pages), answered, precision;
- Readability's test pages whose expected-metadata.json has a publishedTime (gold: the calendar
  day of that ISO string as the page states it, i.e. its date part);
- our own fixtures, tests/fixtures/dates (HTML pages and text clippings; gold in expected.json,
  null where the clipping states no publication date and must stay undated);
- the URL-dated pages of the article-extraction benchmark, a silver set for the htmldate step
  (silver: the day the URL path spells out; the methods scored there never see the URL).

A wrong date is worse than a missing one, so the two are counted apart; on undated gold a date
is "invented". The tests import `fixture_tallies`, `readability_tallies` and `mediacloud_scores`
for their floors.
"""

from __future__ import annotations

import argparse
import gzip
import json
import math
import os
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures" / "dates"
OUTCOMES = ("correct", "wrong", "missing", "kept undated", "invented")

if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def shared_dir() -> Path:
    """The shared corpora folder: $CLIPPINGS_SHARED, else ../shared beside the repository."""
    return Path(os.environ.get("CLIPPINGS_SHARED") or ROOT / ".." / "shared")


def outcome(predicted: str | None, gold: str | None) -> str:
    """How one predicted day compares with the gold day (None: the clipping is undated)."""
    if gold is None:
        return "kept undated" if predicted is None else "invented"
    if predicted is None:
        return "missing"
    return "correct" if predicted == gold else "wrong"


def gunzip(path: Path) -> str:
    with gzip.open(path) as file:
        return file.read().decode("utf-8", "replace")


# --- methods: one page in, one day out ---------------------------------------------------------


def date_of_parse_html(html: str) -> str | None:
    """Our date of the page: the first clipping's (a listing page has one per item)."""
    from indexer.clipping import BadFile
    from indexer.parse_html import parse_html

    try:
        return parse_html(html, "page.html")[0].date
    except BadFile:
        return None


def date_of_htmldate(**settings) -> Callable[[str], str | None]:
    """htmldate alone with these settings (the page's own canonical URL included)."""

    def find(html: str) -> str | None:
        import lxml.html
        from htmldate import find_date

        # A tree, not the string: find_date downloads a string that looks like a URL.
        return find_date(lxml.html.document_fromstring(html.encode("utf-8")), **settings)

    return find


def date_of_markup_step(*, extensive_search: bool) -> Callable[[str], str | None]:
    """htmldate on the pruned markup (no metadata, no URL), guarded by the page writing the day."""

    def find(html: str) -> str | None:
        from indexer.html_dates import markup_date

        return markup_date(html, extensive_search=extensive_search)

    return find


def date_of_page_evidence(html: str) -> str | None:
    """Our page evidence without the URL or dateline steps: stamps, then located bylines."""
    from bs4 import BeautifulSoup

    from indexer.html_dates import page_date
    from indexer.parse_html import _date_candidates, _Document, _jsonld_documents, _page_title

    doc = _Document(BeautifulSoup(html, "lxml"))
    jsonld = _jsonld_documents(doc)
    return page_date(html, list(_date_candidates(doc, jsonld)), _page_title(doc, jsonld))[0]


def date_of_metadata(html: str) -> str | None:
    """Our metadata step alone."""
    from bs4 import BeautifulSoup

    from indexer.parse_html import _Document, _jsonld_documents, _metadata_date

    doc = _Document(BeautifulSoup(html, "lxml"))
    return _metadata_date(doc, _jsonld_documents(doc))


PAGE_METHODS: dict[str, Callable[[str], str | None]] = {
    "parse_html": date_of_parse_html,
    "htmldate default": date_of_htmldate(),
    "htmldate original_date": date_of_htmldate(original_date=True),
    "our htmldate step": date_of_markup_step(extensive_search=False),
    "our step, extensive": date_of_markup_step(extensive_search=True),
}
SILVER_METHODS: dict[str, Callable[[str], str | None]] = {
    "our page evidence": date_of_page_evidence,
    "our metadata step": date_of_metadata,
    "our htmldate step": date_of_markup_step(extensive_search=False),
    "our step, extensive": date_of_markup_step(extensive_search=True),
    "htmldate fast, raw page": date_of_htmldate(
        extensive_search=False, original_date=True, url="", min_date="1900-01-01"
    ),
}


def date_of_page_bytes(name: str, data: bytes) -> tuple[str | None, str | None]:
    """What `clippings parse --json` gives a page file: its first clipping's date and source."""
    from indexer.clipping import BadFile
    from indexer.parse import parse_bytes

    try:
        clipping = parse_bytes(data, name, name)[0]  # read as the indexer reads: sniff, decode
    except BadFile:
        return None, None
    return clipping.date, clipping.date_source


def date_of_htmldate_bytes(**settings) -> Callable[[str, bytes], tuple[str | None, None]]:
    """htmldate alone on the page bytes, as the corpus README's reference figures run it."""

    def find(name: str, data: bytes) -> tuple[str | None, None]:
        from htmldate import find_date

        return find_date(data, **settings), None

    return find


MEDIACLOUD_METHODS: dict[str, Callable[[str, bytes], tuple[str | None, str | None]]] = {
    "clippings parse --json": date_of_page_bytes,
    "htmldate extensive, original": date_of_htmldate_bytes(
        extensive_search=True, original_date=True
    ),
    "htmldate fast, original": date_of_htmldate_bytes(extensive_search=False, original_date=True),
}


# --- the page sets -----------------------------------------------------------------------------


def mediacloud_pages() -> list[tuple[str, bytes, str | None]]:
    """(file, page bytes, gold day; None where the page has no date) of htmldate-mediacloud."""
    root = shared_dir() / "corpora" / "htmldate-mediacloud"
    if not (root / "gold.json").is_file():
        return []
    gold = json.loads((root / "gold.json").read_text(encoding="utf-8"))  # NaN: no date
    pages = []
    for entry in sorted(gold.values(), key=lambda entry: entry["file"]):
        with gzip.open(root / "pages" / f"{entry['file']}.gz") as file:
            data = file.read()
        day = entry["date"]
        pages.append(
            (entry["file"], data, None if isinstance(day, float) and math.isnan(day) else day)
        )
    return pages


def readability_pages() -> list[tuple[str, str, str]]:
    """(name, html, gold day) of Readability's test pages that have a publishedTime."""
    root = shared_dir() / "corpora" / "readability-test-pages" / "pages"
    pages = []
    for folder in sorted(root.iterdir()) if root.is_dir() else []:
        meta = json.loads((folder / "expected-metadata.json").read_text(encoding="utf-8"))
        if meta.get("publishedTime"):
            pages.append(
                (folder.name, gunzip(folder / "source.html.gz"), meta["publishedTime"][:10])
            )
    return pages


def silver_pages() -> list[tuple[str, str, str]]:
    """(url, html, the URL's day) of the article-extraction benchmark pages with a dated URL."""
    from indexer.dates import date_in_url

    root = shared_dir() / "corpora" / "article-extraction-benchmark"
    if not (root / "ground-truth.json").is_file():
        return []
    gold = json.loads((root / "ground-truth.json").read_text(encoding="utf-8"))
    pages = []
    for doc_id, entry in sorted(gold.items()):
        day = date_in_url(entry["url"])
        if day:
            pages.append((entry["url"], gunzip(root / "html" / f"{doc_id}.html.gz"), day))
    return pages


def fixture_clippings() -> list[tuple[str, str | None, str | None, str | None, str | None]]:
    """(clipping id, gold day, gold source, our day, our source) of every fixture clipping."""
    from indexer.parse import parse_file  # the indexer's own path: read, sniff, decode, parse

    expected = json.loads((FIXTURES / "expected.json").read_text(encoding="utf-8"))["clippings"]
    rows = []
    for name, gold in sorted(expected.items()):
        clippings = parse_file(FIXTURES / name, name, None).clippings
        for n, (day, source) in enumerate(gold):
            ours = clippings[n] if n < len(clippings) else None
            rows.append(
                (f"{name}#{n + 1}", day, source, ours and ours.date, ours and ours.date_source)
            )
    return rows


# --- scoring -----------------------------------------------------------------------------------


def tally(pairs: list[tuple[str | None, str | None]]) -> dict[str, int]:
    """Counts of each outcome over (predicted, gold) pairs."""
    counts = Counter(outcome(predicted, gold) for predicted, gold in pairs)
    return {name: counts[name] for name in OUTCOMES if counts[name] or name in OUTCOMES[:3]}


def bench_pages(pages: list[tuple[str, str, str | None]], methods: dict) -> dict:
    """Outcome counts and mean milliseconds per method, plus our misses."""
    report, misses = {}, []
    for name, method in methods.items():
        pairs, times = [], []
        for page, html, gold in pages:
            start = time.perf_counter()
            predicted = method(html)
            times.append((time.perf_counter() - start) * 1000)
            pairs.append((predicted, gold))
            if name == next(iter(methods)) and predicted != gold:
                misses.append({"page": page, "got": predicted, "expected": gold})
        report[name] = {**tally(pairs), "mean_ms": round(statistics.fmean(times), 1)}
    return {"pages": len(pages), "methods": report, "misses": misses}


def scores(pairs: list[tuple[str | None, str | None]]) -> dict:
    """Accuracy (right answers, "no date" included, over all pages), answered, precision (right
    among the pages given a date), and the outcome counts, over (predicted, gold) pairs."""
    answered = [(predicted, gold) for predicted, gold in pairs if predicted]
    right = sum(predicted == gold for predicted, gold in pairs)
    right_days = sum(predicted == gold for predicted, gold in answered)
    return {
        "accuracy": round(right / len(pairs), 3) if pairs else 0.0,
        "answered": len(answered),
        "precision": round(right_days / len(answered), 3) if answered else 0.0,
        **tally(pairs),
    }


def bench_mediacloud(pages: list[tuple[str, bytes, str | None]]) -> dict:
    """Each method's scores and mean milliseconds, our sources, and every page we get wrong."""
    report, answers = {}, {}
    golds = [gold for _, _, gold in pages]
    for name, method in MEDIACLOUD_METHODS.items():
        start = time.perf_counter()
        answers[name] = [method(page, data) for page, data, _ in pages]
        elapsed = (time.perf_counter() - start) * 1000 / max(len(pages), 1)
        pairs = [(day, gold) for (day, _), gold in zip(answers[name], golds, strict=True)]
        report[name] = {**scores(pairs), "mean_ms": round(elapsed, 1)}
    ours, *others = answers
    errors = [
        {
            "page": page,
            "expected": gold,
            "got": answers[ours][n][0],
            "source": answers[ours][n][1],
            **{name: answers[name][n][0] for name in others},
        }
        for n, (page, _, gold) in enumerate(pages)
        if answers[ours][n][0] != gold
    ]
    sources = Counter(source for day, source in answers[ours] if day)
    return {"pages": len(pages), "methods": report, "sources": dict(sources), "errors": errors}


def mediacloud_scores() -> dict | None:
    """Our scores on htmldate-mediacloud (the tests' floor), or None when the corpus is absent."""
    pages = mediacloud_pages()
    if not pages:
        return None
    return scores([(date_of_page_bytes(page, data)[0], gold) for page, data, gold in pages])


def readability_tallies() -> dict[str, int] | None:
    """parse_html's outcome counts on the Readability pages, or None when the corpus is absent."""
    pages = readability_pages()
    if not pages:
        return None
    return tally([(date_of_parse_html(html), gold) for _, html, gold in pages])


def fixture_tallies() -> dict[str, dict[str, int]]:
    """Outcome counts of our dates on the fixtures, and of exact (day, source) agreement."""
    rows = fixture_clippings()
    return {
        "dates": tally([(ours, gold) for _, gold, _, ours, _ in rows]),
        "sources": {
            "right": sum(
                (day, source) == (ours, our_source) for _, day, source, ours, our_source in rows
            ),
            "clippings": len(rows),
        },
    }


def bench_fixtures() -> dict:
    """Our dates on every fixture clipping, and htmldate alone on the fixture pages."""
    rows = fixture_clippings()
    pages = [
        (name, (FIXTURES / name.split("#")[0]).read_text(encoding="utf-8"), gold)
        for name, gold, _, _, _ in rows
        if name.endswith(".html#1")
    ]
    return {
        "clippings": len(rows),
        "ours": fixture_tallies(),
        "wrong_rows": [
            {"clipping": name, "got": [ours, our_source], "expected": [day, source]}
            for name, day, source, ours, our_source in rows
            if (day, source) != (ours, our_source)
        ],
        "pages": bench_pages(pages, PAGE_METHODS),
    }


# --- output ------------------------------------------------------------------------------------


def print_table(title: str, result: dict) -> None:
    print(f"\n{title}, {result['pages']} pages")
    print(f"{'method':<26}{'correct':>8}{'wrong':>7}{'missing':>9}{'invented':>10}{'mean ms':>9}")
    for name, row in result["methods"].items():
        print(
            f"{name:<26}{row['correct']:>8}{row['wrong']:>7}{row['missing']:>9}"
            f"{row.get('invented', 0):>10}{row['mean_ms']:>9.1f}"
        )


def print_mediacloud(result: dict, errors: bool) -> None:
    """The mediacloud table: each method's accuracy, answered and precision side by side."""
    print(f"\nhtmldate-mediacloud, {result['pages']} real news pages, page bytes only")
    print(
        f"{'method':<31}{'accuracy':>9}{'answered':>9}{'precision':>10}{'right':>7}"
        f"{'wrong':>7}{'missing':>8}{'invented':>9}{'mean ms':>8}"
    )
    for name, row in result["methods"].items():
        right = row["correct"] + row.get("kept undated", 0)
        print(
            f"{name:<31}{row['accuracy']:>9.3f}{row['answered']:>9}{row['precision']:>10.3f}"
            f"{right:>7}{row['wrong']:>7}{row['missing']:>8}{row.get('invented', 0):>9}"
            f"{row['mean_ms']:>8.1f}"
        )
    sources = ", ".join(f"{name} {count}" for name, count in sorted(result["sources"].items()))
    print(f"  date_source of our answers: {sources}")
    for row in result["errors"] if errors else []:
        others = ", ".join(f"{name} {row[name]}" for name in list(result["methods"])[1:])
        print(
            f"  {row['page']}: expected {row['expected']}, got {row['got']} ({row['source']});"
            f" {others}"
        )


def main(argv: list[str] | None = None) -> int:
    """Score the page sets, print the tables, optionally save everything as JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", type=Path, help="also write the full results to this file")
    parser.add_argument(
        "--errors", action="store_true", help="list every mediacloud page we get wrong"
    )
    args = parser.parse_args(argv)
    results = {}
    mediacloud = mediacloud_pages()
    if mediacloud:
        results["mediacloud"] = bench_mediacloud(mediacloud)
        print_mediacloud(results["mediacloud"], args.errors)
    else:
        print(f"htmldate-mediacloud: not found under {shared_dir()} (set CLIPPINGS_SHARED)")
    results["fixtures"] = bench_fixtures()
    fixtures = results["fixtures"]
    dates, sources = fixtures["ours"]["dates"], fixtures["ours"]["sources"]
    print(
        f"\nFixtures (tests/fixtures/dates), {fixtures['clippings']} clippings,"
        " parse_html/parse_text"
    )
    print("  " + ", ".join(f"{name} {count}" for name, count in dates.items()))
    print(f"  day and date_source both right: {sources['right']}/{sources['clippings']}")
    for row in fixtures["wrong_rows"]:
        print(f"  off {row['clipping']}: got {row['got']}, expected {row['expected']}")
    print_table("Fixture pages, page date (first clipping)", fixtures["pages"])
    readability = readability_pages()
    if readability:
        results["readability"] = bench_pages(readability, PAGE_METHODS)
        print_table("Readability test pages with a publishedTime", results["readability"])
        for miss in results["readability"]["misses"]:
            print(f"  parse_html {miss['page']}: got {miss['got']}, expected {miss['expected']}")
    else:
        print(f"\nReadability test pages: not found under {shared_dir()} (set CLIPPINGS_SHARED)")
    silver = silver_pages()
    if silver:
        results["silver"] = bench_pages(silver, SILVER_METHODS)
        print_table(
            "Extraction-benchmark pages with a dated URL (silver: the URL's day)", results["silver"]
        )
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
