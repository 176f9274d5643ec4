"""Near-duplicate grouping: pairwise precision and recall on a labelled set, and what grouping
adds to a full index run.

Run: .venv/bin/python bench/duplicates.py [--stories 600] [--n 5000] [--json out.json]

The labelled set is built from AG News (`../shared/corpora/agnews`): each story is three real
descriptions run together (about 100 words, a short wire story), printed once as the original
and, for half the stories, reprinted one to four times the way outlets do: under another
headline, inside the outlet's boilerplate (a dateline, a byline, "Copyright … All rights
reserved", "Read more …"), with words changed, a sentence dropped, or cut short to an excerpt
of its first half. Near-misses that must stay apart: different stories in the same outlet's
boilerplate (one AG description each, so the template is a large share of the text), and
follow-ups that repeat a story's first sentence and go on with another. Pairs of clippings of
one story are the true pairs; precision and recall count the pairs the groups put together.

The index-time cost is measured on `bench/corpus.py`'s folder of N clippings: full runs of
`update_index` with grouping, and with signatures and grouping switched off, alternated.
"""

from __future__ import annotations

import argparse
import itertools
import json
import random
import shutil
import statistics
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from unittest import mock

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.corpus import build_corpus, load_agnews  # noqa: E402
from indexer import duplicates  # noqa: E402

OUTLETS = [
    ("Ledger Online", "Copyright 2005 Ledger Media Group. All rights reserved. This material may "
     "not be published, broadcast, rewritten or redistributed."),
    ("The Courier", "Read more stories like this at the Courier. Sign up for our morning "
     "newsletter and follow us on social media for breaking news."),
    ("Meridian Daily", "Reporting by our correspondents; editing by the Meridian news desk. Send "
     "tips and corrections to the newsroom."),
    ("Harbour Press", "Harbour Press wire service. Distributed under licence to member papers, "
     "not for resale. Contact the syndication desk for rights."),
]  # fmt: skip
THRESHOLDS = (0.3, 0.4, 0.45, 0.5, 0.6, 0.7)
STORY_ITEMS = 5  # AG descriptions run together into one story, about 170 words


@dataclass(frozen=True)
class Labelled:
    """A clipping of the labelled set and the story it tells (None: a story of its own)."""

    id: str
    title: str
    body: str
    story: str


def labelled_set(stories: int = 600, seed: int = 10) -> list[Labelled]:
    """Originals, their reprints and the near-misses, each labelled with its story."""
    rng = random.Random(seed)
    items = load_agnews()
    rng.shuffle(items)
    pool = iter(items)
    clippings = []
    for number in range(stories):
        parts = [next(pool) for _ in range(STORY_ITEMS)]
        title, body = parts[0].title, " ".join(p.description for p in parts)
        story = f"story{number}"
        clippings.append(Labelled(f"{story}/original", title, body, story))
        if number % 2 == 0:
            for copy in range(rng.randint(1, 4)):
                headline = next(pool).title
                text = _reprinted(body, rng)
                clippings.append(Labelled(f"{story}/reprint{copy}", headline, text, story))
        elif number % 4 == 1:  # a follow-up: the story's first sentence, then another story
            first = body.split(". ")[0] + "."
            other = " ".join(next(pool).description for _ in range(STORY_ITEMS))
            clippings.append(Labelled(f"{story}/follow-up", title, f"{first} {other}", story + "f"))
    for number in range(stories // 2):  # one outlet's template around different short stories
        outlet, boilerplate = OUTLETS[number % len(OUTLETS)]
        item = next(pool)
        body = f"{outlet} staff. {item.description} {boilerplate}"
        clippings.append(Labelled(f"template{number}", item.title, body, f"template{number}"))
    return clippings


def _reprinted(body: str, rng: random.Random) -> str:
    """The story as another outlet prints it: its boilerplate, and one or two kinds of edit."""
    sentences = body.split(". ")
    edits = rng.sample(["words", "sentence", "excerpt", "none"], 2)
    if "sentence" in edits and len(sentences) > 3:
        del sentences[rng.randrange(1, len(sentences))]
    if "excerpt" in edits:
        sentences = sentences[: max(2, len(sentences) // 2)]
    words = ". ".join(sentences).split()
    if "words" in edits:
        for _ in range(max(1, len(words) // 20)):  # one word in twenty changed
            words[rng.randrange(len(words))] = rng.choice(["reportedly", "officials", "local"])
    outlet, boilerplate = rng.choice(OUTLETS)
    return f"By {outlet} staff. {' '.join(words)} {boilerplate}"


def pairwise(groups: dict[str, str], clippings: list[Labelled]) -> dict:
    """Precision, recall and F1 of the pairs put together, against the labelled stories."""
    by_id = {c.id: c for c in clippings}
    found = set()
    members: dict[str, list[str]] = {}
    for clipping_id, leader in groups.items():
        members.setdefault(leader, []).append(clipping_id)
    for group in members.values():
        found.update(frozenset(pair) for pair in itertools.combinations(sorted(group), 2))
    stories: dict[str, list[str]] = {}
    for clipping in clippings:
        stories.setdefault(clipping.story, []).append(clipping.id)
    true = {
        frozenset(pair)
        for group in stories.values()
        for pair in itertools.combinations(sorted(group), 2)
    }
    right = len(found & true)
    precision = right / len(found) if found else 1.0
    recall = right / len(true) if true else 1.0
    wrong = sorted(tuple(sorted(p)) for p in found - true)[:5]
    assert all(by_id.get(a) for a, _ in wrong)
    return {
        "true_pairs": len(true),
        "found_pairs": len(found),
        "precision": round(precision, 4),
        "recall": round(recall, 4),
        "f1": round(2 * precision * recall / (precision + recall or 1), 4),
        "wrong_examples": wrong,
    }


def quality(clippings: list[Labelled]) -> dict:
    """Grouping quality at the chosen threshold and around it, with the time it took."""
    started = time.perf_counter()
    signatures = [(c.id, duplicates.signature(c.title, c.body)) for c in clippings]
    signing = time.perf_counter() - started
    started = time.perf_counter()
    chosen = pairwise(duplicates.duplicate_groups(signatures), clippings)
    grouping = time.perf_counter() - started
    sweep = {}
    for threshold in THRESHOLDS:
        with mock.patch.object(duplicates, "JACCARD", threshold):
            scored = pairwise(duplicates.duplicate_groups(signatures), clippings)
        sweep[str(threshold)] = {k: scored[k] for k in ("precision", "recall", "f1")}
    return {
        "clippings": len(clippings),
        "jaccard": duplicates.JACCARD,
        "contained": duplicates.CONTAINED,
        "at_threshold": chosen,
        "by_jaccard_threshold": sweep,
        "signature_ms_per_clipping": round(1000 * signing / len(clippings), 3),
        "grouping_seconds": round(grouping, 3),
    }


@contextmanager
def _without_grouping():
    """Index with no signatures and no groups (the baseline of the cost)."""
    with (
        mock.patch.object(duplicates, "signature", lambda title, body: ""),
        mock.patch("indexer.update._Run._regroup", lambda self: None),
    ):
        yield


def index_cost(n: int, work: Path, rounds: int) -> dict:
    """Full index seconds with and without grouping on N clippings, alternated `rounds` times."""
    from indexer.update import update_index

    corpus = work / f"corpus-{n}"
    build_corpus(corpus, n=n, seed=2004)
    seconds: dict[str, list[float]] = {"with": [], "without": []}
    report = None
    for _ in range(rounds):
        for kind in ("without", "with"):
            index = work / f"index-{n}-{kind}"
            shutil.rmtree(index, ignore_errors=True)
            started = time.perf_counter()
            if kind == "with":
                report = update_index(corpus, index)
            else:
                with _without_grouping():
                    update_index(corpus, index)
            seconds[kind].append(time.perf_counter() - started)
    grouped = _grouped(work / f"index-{n}-with")
    best = {kind: min(values) for kind, values in seconds.items()}
    return {
        "n": n,
        "clippings": report.clippings_total if report else 0,
        "grouped_clippings": grouped,
        "seconds_with": [round(s, 1) for s in seconds["with"]],
        "seconds_without": [round(s, 1) for s in seconds["without"]],
        "added_share_best": round(best["with"] / best["without"] - 1, 4),
        "added_share_median": round(
            statistics.median(seconds["with"]) / statistics.median(seconds["without"]) - 1, 4
        ),
    }


def _grouped(index: Path) -> int:
    from indexer import store

    return len(store.read_groups(index))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--stories", type=int, default=600)
    parser.add_argument("--n", type=int, default=5000, help="clippings for the cost (0: skip)")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--work", type=Path, default=ROOT / "bench" / "out")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    result = {"quality": quality(labelled_set(args.stories))}
    print(json.dumps(result["quality"], indent=2))
    if args.n:
        result["index_cost"] = index_cost(args.n, args.work, args.rounds)
        print(json.dumps(result["index_cost"], indent=2))
    if args.json:
        args.json.write_text(json.dumps(result, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
