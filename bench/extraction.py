"""Extraction quality of `parse_html`: article bodies (Zyte benchmark), titles (Readability pages).

Run: .venv/bin/python bench/extraction.py [--limit N] [--json out.json]

Bodies are scored as the Zyte article-extraction-benchmark scores them (4-token shingle
precision/recall per page, averaged over pages, F1 of the averages), beside whole-page
BeautifulSoup text and raw trafilatura. Titles are compared with Mozilla Readability's expected
titles (exact match after normalising whitespace and case, and token F1), beside og:title alone
and trafilatura's metadata title. The tests import `page_scores` from here for their quality floor.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import re
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MIN_REAL_PAGE_BYTES = 10_000  # the Readability fixtures under 4 KB are synthetic single-rule tests


def shared_dir() -> Path:
    """The shared corpora folder: $CLIPPINGS_SHARED, else ../shared beside the repository."""
    return Path(os.environ.get("CLIPPINGS_SHARED") or ROOT / ".." / "shared")


def shingles(text: str) -> Counter:
    """Multiset of 4-token shingles of `\\w+` tokens, case kept (the Zyte benchmark's unit)."""
    tokens = re.findall(r"\w+", text or "")
    return Counter(tuple(tokens[i : i + 4]) for i in range(len(tokens) - 3))


def page_scores(predicted: str, gold: str) -> tuple[float, float]:
    """Precision and recall of one page's predicted body against its gold body."""
    pred, true = shingles(predicted), shingles(gold)
    tp = sum((pred & true).values())
    fp = sum((pred - true).values())
    fn = sum((true - pred).values())
    if fp == 0 and fn == 0:
        return 1.0, 1.0
    # TP/FP/FN normalised by their sum (as the benchmark does) leaves these ratios unchanged.
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    return precision, recall


def f1(precision: float, recall: float) -> float:
    """Harmonic mean of precision and recall (0 when both are 0)."""
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def body_of_parse_html(html: str) -> str:
    """Our body; a page read as a listing scores the items' bodies joined."""
    from indexer.clipping import BadFile
    from indexer.parse_html import parse_html

    try:
        return "\n\n".join(clipping.body for clipping in parse_html(html, "page.html"))
    except BadFile:
        return ""


def body_of_beautifulsoup(html: str) -> str:
    """The floor: every text node of the page."""
    from bs4 import BeautifulSoup

    return BeautifulSoup(html, "lxml").get_text(" ")


def body_of_trafilatura(html: str) -> str:
    """trafilatura with its defaults, comments off."""
    import trafilatura

    return trafilatura.extract(html, include_comments=False) or ""


def title_of_parse_html(html: str) -> str:
    """Our page title: an article's title, or a listing's collection (the page's own title)."""
    from indexer.clipping import BadFile
    from indexer.parse_html import parse_html

    try:
        clippings = parse_html(html, "page.html")
    except BadFile:
        return ""
    return clippings[0].collection or clippings[0].title


def title_of_og(html: str) -> str:
    """og:title as the page gives it."""
    from bs4 import BeautifulSoup

    meta = BeautifulSoup(html, "lxml").find("meta", property="og:title", content=True)
    return meta["content"] if meta else ""


def title_of_trafilatura(html: str) -> str:
    """trafilatura's metadata title."""
    import trafilatura

    return trafilatura.extract_metadata(html).title or ""


BODY_EXTRACTORS: dict[str, Callable[[str], str]] = {
    "parse_html": body_of_parse_html,
    "beautifulsoup get_text": body_of_beautifulsoup,
    "trafilatura.extract": body_of_trafilatura,
}
TITLE_EXTRACTORS: dict[str, Callable[[str], str]] = {
    "parse_html": title_of_parse_html,
    "og:title only": title_of_og,
    "trafilatura metadata": title_of_trafilatura,
}


def timed(extract: Callable[[str], str], html: str) -> tuple[str, float]:
    start = time.perf_counter()
    result = extract(html)
    return result, (time.perf_counter() - start) * 1000


def gunzip(path: Path) -> bytes:
    with gzip.open(path) as file:
        return file.read()


def body_pages(limit: int | None) -> list[tuple[str, str, str]]:
    """(id, html, gold body) of the Zyte benchmark pages."""
    root = shared_dir() / "corpora" / "article-extraction-benchmark"
    gold = json.loads((root / "ground-truth.json").read_text(encoding="utf-8"))
    pages = []
    for doc_id in sorted(gold)[:limit]:
        html = gunzip(root / "html" / f"{doc_id}.html.gz").decode("utf-8")
        pages.append((doc_id, html, gold[doc_id]["articleBody"]))
    return pages


def title_pages(limit: int | None) -> list[tuple[str, str, str]]:
    """(name, html, expected title) of the real pages among Readability's test pages."""
    root = shared_dir() / "corpora" / "readability-test-pages" / "pages"
    pages = []
    for folder in sorted(root.iterdir()):
        raw = gunzip(folder / "source.html.gz")
        if len(raw) < MIN_REAL_PAGE_BYTES:
            continue
        meta = json.loads((folder / "expected-metadata.json").read_text(encoding="utf-8"))
        pages.append((folder.name, raw.decode("utf-8", "replace"), meta["title"]))
    return pages[:limit]


def bench_bodies(pages: list[tuple[str, str, str]]) -> dict:
    """P/R/F1 and median milliseconds per extractor, plus our per-page scores."""
    report, per_page = {}, {}
    for name, extract in BODY_EXTRACTORS.items():
        scores, times = [], []
        for doc_id, html, gold in pages:
            body, ms = timed(extract, html)
            scores.append(page_scores(body, gold))
            times.append(ms)
            if name == "parse_html":
                per_page[doc_id] = round(f1(*scores[-1]), 3)
        precision = statistics.fmean(p for p, _ in scores)
        recall = statistics.fmean(r for _, r in scores)
        report[name] = {
            "precision": round(precision, 3),
            "recall": round(recall, 3),
            "f1": round(f1(precision, recall), 3),
            "median_ms": round(statistics.median(times), 1),
        }
    return {"pages": len(pages), "extractors": report, "parse_html_pages": per_page}


def normalise_title(title: str) -> str:
    return " ".join((title or "").split()).lower()


def title_token_f1(predicted: str, expected: str) -> float:
    pred = Counter(re.findall(r"\w+", predicted.lower()))
    true = Counter(re.findall(r"\w+", expected.lower()))
    shared = sum((pred & true).values())
    if not pred and not true:
        return 1.0
    return f1(shared / sum(pred.values()), shared / sum(true.values())) if shared else 0.0


def bench_titles(pages: list[tuple[str, str, str]]) -> dict:
    """Exact-match share and mean token F1 per extractor, plus our misses."""
    report, misses = {}, []
    for name, extract in TITLE_EXTRACTORS.items():
        exact, token_f1 = 0, 0.0
        for page_name, html, expected in pages:
            title = extract(html)
            hit = normalise_title(title) == normalise_title(expected)
            exact += hit
            token_f1 += title_token_f1(title, expected)
            if name == "parse_html" and not hit:
                misses.append({"page": page_name, "got": title, "expected": expected})
        report[name] = {
            "exact": round(exact / len(pages), 3),
            "token_f1": round(token_f1 / len(pages), 3),
        }
    return {"pages": len(pages), "extractors": report, "parse_html_misses": misses}


def print_tables(bodies: dict, titles: dict) -> None:
    print(f"Body extraction, {bodies['pages']} pages (article-extraction-benchmark)")
    print(f"{'extractor':<24}{'precision':>10}{'recall':>8}{'F1':>7}{'median ms':>11}")
    for name, row in bodies["extractors"].items():
        print(
            f"{name:<24}{row['precision']:>10.3f}{row['recall']:>8.3f}{row['f1']:>7.3f}"
            f"{row['median_ms']:>11.1f}"
        )
    print(f"\nTitles, {titles['pages']} real pages (readability-test-pages)")
    print(f"{'extractor':<24}{'exact':>8}{'token F1':>10}")
    for name, row in titles["extractors"].items():
        print(f"{name:<24}{row['exact']:>8.1%}{row['token_f1']:>10.3f}")
    for miss in titles["parse_html_misses"]:
        print(f"  miss {miss['page']}: got {miss['got']!r}, expected {miss['expected']!r}")


def main(argv: list[str] | None = None) -> int:
    """Run both benchmarks, print the tables, optionally save everything as JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, help="score only the first N pages of each corpus")
    parser.add_argument("--json", type=Path, help="also write the full results to this file")
    args = parser.parse_args(argv)
    if not (shared_dir() / "corpora").is_dir():
        parser.error(f"no corpora under {shared_dir()}: set CLIPPINGS_SHARED to the shared folder")
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    bodies = bench_bodies(body_pages(args.limit))
    titles = bench_titles(title_pages(args.limit))
    print_tables(bodies, titles)
    if args.json:
        args.json.write_text(json.dumps({"bodies": bodies, "titles": titles}, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
