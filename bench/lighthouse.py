"""Lighthouse scores of every page type, in Lighthouse's default mobile run against
`clippings serve` on the sample corpus.

Run: .venv/bin/python bench/lighthouse.py [--runs 3] [--json out.json]

Needs Node.js 20 and npm (installs `lighthouse@12.2.3` into bench/node/ on first run, from the
npm registry) and Chromium (/usr/bin/chromium, or CHROME_PATH). Indexes the sample corpus into
a temporary folder and serves it with `clippings serve` (bench/serving.py), then audits home,
results, zero results, a clipping, Names and an entity page, each --runs times: the table shows
the median score (0-100) per category, and every audit that cost points is listed by id and
title. Exit code 0 when every score is 100, 1 when one is not, 2 when it cannot run.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from urllib.parse import quote
from urllib.request import urlopen

sys.path.insert(0, str(Path(__file__).resolve().parent))

from serving import sample_server  # noqa: E402

NODE = Path(__file__).resolve().parent / "node"
LIGHTHOUSE = NODE / "node_modules" / ".bin" / "lighthouse"
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
CHROME_FLAGS = ("--headless=new --no-sandbox --disable-gpu --disable-background-networking "
                "--disable-component-update --disable-sync --no-first-run")  # fmt: skip


class SetupError(RuntimeError):
    """Lighthouse cannot run here (no Node, npm, Chromium or server): exit code 2."""


def page_types(url: str) -> dict[str, str]:
    """The address of each page type on the running server; the clipping and the entity are
    the first ones the sample archive lists."""
    hits = json.load(urlopen(url + "/api/search?q=camp+ashraf"))["hits"]
    names = urlopen(url + "/entities").read().decode()
    entity = re.search(r'href="(/entity/[^"]+)"', names)
    if not hits or entity is None:
        raise SetupError("the sample archive has no clipping or no name to audit")
    return {
        "home": "/",
        "results": "/?q=camp+ashraf",
        "zero results": "/?q=zanzibar+volcano",
        "clipping": "/clipping/" + quote(hits[0]["id"]),
        "names": "/entities",
        "entity": entity.group(1),
    }


def installed_lighthouse() -> Path:
    """The pinned Lighthouse in bench/node, installed with npm if it is not there yet."""
    if LIGHTHOUSE.exists():
        return LIGHTHOUSE
    if shutil.which("npm") is None or shutil.which("node") is None:
        raise SetupError("Node.js and npm are needed (apt-get install nodejs npm)")
    done = subprocess.run(["npm", "install", "--no-audit", "--no-fund"], cwd=NODE,
                          capture_output=True, text=True)  # fmt: skip
    if done.returncode != 0 or not LIGHTHOUSE.exists():
        raise SetupError(f"npm install of lighthouse failed: {done.stderr.strip()[-300:]}")
    return LIGHTHOUSE


def audit(lighthouse: Path, address: str, chrome: str) -> dict:
    """One Lighthouse run (mobile, the default) of one page: its JSON report."""
    with tempfile.TemporaryDirectory() as folder:
        report = Path(folder) / "report.json"
        done = subprocess.run(
            [lighthouse, address, "--quiet", "--output=json", f"--output-path={report}",
             f"--only-categories={','.join(CATEGORIES)}", f"--chrome-flags={CHROME_FLAGS}"],
            env={**os.environ, "CHROME_PATH": chrome}, capture_output=True, text=True,
            timeout=300,
        )  # fmt: skip
        if done.returncode != 0 or not report.exists():
            raise SetupError(f"lighthouse failed on {address}: {done.stderr.strip()[-300:]}")
        return json.loads(report.read_text(encoding="utf-8"))


def scores(report: dict) -> dict[str, int]:
    """Each category's score, 0-100."""
    return {name: round(report["categories"][name]["score"] * 100) for name in CATEGORIES}


def lost_points(report: dict) -> list[str]:
    """The audits that cost a category points: "category: id: title"."""
    lost = []
    for name in CATEGORIES:
        for ref in report["categories"][name]["auditRefs"]:
            found = report["audits"][ref["id"]]
            if ref["weight"] > 0 and found["score"] is not None and found["score"] < 1:
                lost.append(f"{name}: {ref['id']}: {found['title']}")
    return lost


def median_scores(runs: list[dict[str, int]]) -> dict[str, int]:
    """The median score of each category over several runs of one page."""
    return {name: round(statistics.median(run[name] for run in runs)) for name in CATEGORIES}


def table(results: dict[str, dict[str, int]]) -> str:
    """Page types by categories, as a Markdown table (the README's)."""
    lines = ["| page | " + " | ".join(CATEGORIES) + " |", "|---" * (len(CATEGORIES) + 1) + "|"]
    for page, got in results.items():
        lines.append(f"| {page} | " + " | ".join(str(got[name]) for name in CATEGORIES) + " |")
    return "\n".join(lines)


def run(runs: int, chrome: str) -> dict:
    lighthouse = installed_lighthouse()
    with sample_server() as url:
        pages = page_types(url)
        medians, lost, every = {}, {}, {}
        for page, path in pages.items():
            reports = [audit(lighthouse, url + path, chrome) for _ in range(runs)]
            every[page] = [scores(report) for report in reports]
            medians[page] = median_scores(every[page])
            lost[page] = sorted({line for report in reports for line in lost_points(report)})
    return {"pages": pages, "median": medians, "runs": every, "lost": lost}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3, help="runs per page; the median counts")
    parser.add_argument("--json", type=Path, help="write scores and lost audits to this file")
    args = parser.parse_args(argv)
    chrome = os.environ.get("CHROME_PATH", "/usr/bin/chromium")
    try:
        if not Path(chrome).exists():
            raise SetupError(f"no Chromium at {chrome} (apt-get install chromium, or CHROME_PATH)")
        result = run(args.runs, chrome)
    except (SetupError, RuntimeError, OSError) as error:
        print(f"bench/lighthouse.py: {error}", file=sys.stderr)
        return 2
    print(table(result["median"]))
    for page, lines in result["lost"].items():
        for line in lines:
            print(f"{page}: {line}")
    if args.json:
        args.json.write_text(json.dumps(result, indent=2), encoding="utf-8")
    perfect = all(score == 100 for got in result["median"].values() for score in got.values())
    return 0 if perfect else 1


if __name__ == "__main__":
    sys.exit(main())
