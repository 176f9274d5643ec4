"""Quality and speed of entity discovery (`indexer.names.discover`): CoNLL-2003 and the seed.

Run: .venv/bin/python bench/entities.py [--json out.json] [--errors N] [--rules]

1. CoNLL-2003 English development split (../shared/corpora/conll2003-dev/valid.txt.gz, read at
   run time and never copied: Reuters text under a research licence). Each article's text is
   rebuilt from its tokens (spaces between tokens, a newline between sentences). Gold is the set
   of (surface, type) per article for PER -> person, ORG -> org, LOC -> place (MISC ignored);
   the prediction is the same set from `discover(article)`. Surfaces are compared with
   whitespace collapsed and case folded. Micro precision, recall and F1 per type and overall,
   an untyped variant (surface only), and milliseconds per 1,000 characters.
2. The sample archive (../shared/seeds/mek-camp-ashraf.txt), split with `parse_text`, against
   the hand-made gold list tests/fixtures/entities/mek-camp-ashraf.gold.json.

`--errors N` lists the commonest wrong and missed names; `--rules` scores each rule of
`indexer.names.discover` on CoNLL mentions (exact span and type), to see which rule errs.

The statistical model is the front ends' (`Settings.from_environment().names_model`:
$CLIPPINGS_SPACY_MODEL, else en_core_web_sm), merged in only when spaCy loads it; the tests'
quality floors call `bench_conll` and `sample_scores` with the rules alone.

The shared folder is $CLIPPINGS_SHARED, else ../shared beside the repository. The tests import
`conll_articles`, `score` and `sample_scores` from here for their quality floors.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import sys
import time
from collections.abc import Callable, Iterable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

CONLL_TYPES = {"PER": "person", "ORG": "org", "LOC": "place"}
TYPES = ("person", "org", "place")
SAMPLE_GOLD = ROOT / "tests" / "fixtures" / "entities" / "mek-camp-ashraf.gold.json"

Entity = tuple[str, str]  # (normalised surface, type)


def shared_dir() -> Path:
    """The shared corpora folder: $CLIPPINGS_SHARED, else ../shared beside the repository."""
    return Path(os.environ.get("CLIPPINGS_SHARED") or ROOT / ".." / "shared")


def conll_path() -> Path:
    return shared_dir() / "corpora" / "conll2003-dev" / "valid.txt.gz"


def normalise(surface: str) -> str:
    """Whitespace collapsed, case folded: the unit of comparison."""
    return " ".join(surface.split()).casefold()


def read_conll(path: Path) -> list[list[list[tuple[str, str]]]]:
    """Articles as lists of sentences of (token, IOB2 tag), as the corpus README reads them."""
    docs: list[list[list[tuple[str, str]]]] = []
    sentences: list[list[tuple[str, str]]] = []
    sentence: list[tuple[str, str]] = []
    with gzip.open(path, "rt", encoding="utf-8") as lines:
        for line in lines:
            line = line.rstrip("\n")
            if line.startswith("-DOCSTART-"):
                if sentence:
                    sentences.append(sentence)
                    sentence = []
                if sentences:
                    docs.append(sentences)
                    sentences = []
            elif not line:
                if sentence:
                    sentences.append(sentence)
                    sentence = []
            else:
                token, _pos, _chunk, tag = line.split(" ")
                sentence.append((token, tag))
    if sentence:
        sentences.append(sentence)
    if sentences:
        docs.append(sentences)
    return docs


def _gold_entities(sentences: list[list[tuple[str, str]]]) -> set[Entity]:
    gold: set[Entity] = set()
    for sentence in sentences:
        current: tuple[str, list[str]] | None = None
        for token, tag in [*sentence, ("", "O")]:
            inside = tag.startswith("I-") and current is not None and current[0] == tag[2:]
            if inside:
                current[1].append(token)
                continue
            if current is not None and current[0] in CONLL_TYPES:
                gold.add((normalise(" ".join(current[1])), CONLL_TYPES[current[0]]))
            current = (tag[2:], [token]) if tag != "O" else None
    return gold


def conll_articles(path: Path | None = None) -> list[tuple[str, set[Entity]]]:
    """(article text, gold entities) for every article of the development split."""
    articles = []
    for sentences in read_conll(path or conll_path()):
        text = "\n".join(" ".join(token for token, _ in sentence) for sentence in sentences)
        articles.append((text, _gold_entities(sentences)))
    return articles


def predicted(text: str, discover: Callable | None = None) -> set[Entity]:
    if discover is None:
        from indexer.names.discover import discover
    return {(normalise(found.surface), found.type) for found in discover(text)}


def _prf(tp: int, fp: int, fn: int) -> dict:
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "precision": round(precision, 3),
        "recall": round(recall, 3),
        "f1": round(f1, 3),
        "tp": tp,
        "fp": fp,
        "fn": fn,
    }


def score(pairs: Iterable[tuple[set[Entity], set[Entity]]]) -> dict:
    """Micro P/R/F1 overall, per type and untyped over (predicted, gold) set pairs."""
    counts = {kind: [0, 0, 0] for kind in (*TYPES, "all", "untyped")}
    for pred, gold in pairs:
        for kind in TYPES:
            p = {e for e in pred if e[1] == kind}
            g = {e for e in gold if e[1] == kind}
            counts[kind][0] += len(p & g)
            counts[kind][1] += len(p - g)
            counts[kind][2] += len(g - p)
        counts["all"][0] += len(pred & gold)
        counts["all"][1] += len(pred - gold)
        counts["all"][2] += len(gold - pred)
        p_names, g_names = {e[0] for e in pred}, {e[0] for e in gold}
        counts["untyped"][0] += len(p_names & g_names)
        counts["untyped"][1] += len(p_names - g_names)
        counts["untyped"][2] += len(g_names - p_names)
    return {kind: _prf(*values) for kind, values in counts.items()}


def bench_conll(
    articles: list[tuple[str, set[Entity]]], errors: int = 0, model: str | None = None
) -> dict:
    """Scores and speed on CoNLL articles; `model` is the spaCy model to merge (None: rules)."""
    from indexer.names.discover import discover

    discover("Warm-up: build the place list in Paris before timing.", model=model)
    pairs, elapsed, chars = [], 0.0, 0
    for text, gold in articles:
        start = time.perf_counter()
        found = discover(text, model=model)
        elapsed += time.perf_counter() - start
        chars += len(text)
        pairs.append(({(normalise(f.surface), f.type) for f in found}, gold))
    report = {"articles": len(articles), "characters": chars, "scores": score(pairs)}
    report["ms_per_1000_chars"] = round(elapsed * 1000 / (chars / 1000), 3)
    if errors:
        report["errors"] = _errors(pairs, errors)
    return report


def _errors(pairs: list[tuple[set[Entity], set[Entity]]], limit: int) -> dict:
    from collections import Counter

    fp, fn = Counter(), Counter()
    for pred, gold in pairs:
        gold_names = {name: kind for name, kind in gold}
        for name, kind in pred - gold:
            fp[f"{name} ({kind}; gold {gold_names.get(name, '-')})"] += 1
        pred_names = {name: kind for name, kind in pred}
        for name, kind in gold - pred:
            fn[f"{name} ({kind}; got {pred_names.get(name, '-')})"] += 1
    return {"false_positives": fp.most_common(limit), "false_negatives": fn.most_common(limit)}


def rule_scores() -> dict:
    """Per rule of the discoverer: how often the mentions it typed match a CoNLL mention
    exactly ("ok"), with another type, or none ("partial" overlaps one, "none" does not)."""
    from collections import Counter, defaultdict

    from indexer.names.discover import traced

    names = {"PER": "person", "ORG": "org", "LOC": "place", "MISC": "misc"}
    table: dict[str, Counter] = defaultdict(Counter)
    for sentences in read_conll(conll_path()):
        text = "\n".join(" ".join(token for token, _ in sentence) for sentence in sentences)
        spans, position = {}, 0
        for sentence in sentences:
            current = None
            for token, tag in [*sentence, ("", "O")]:
                start = text.index(token, position) if token else position
                position = start + len(token)
                if tag.startswith("I-") and current and current[2] == tag[2:]:
                    current[1] = position
                    continue
                if current:
                    spans[(current[0], current[1])] = names[current[2]]
                current = [start, position, tag[2:]] if tag != "O" else None
        for start, end, kind, _strong, rule in traced(text):
            gold = spans.get((start, end))
            if gold:
                label = "ok" if gold == kind else f"is {gold}"
            else:
                overlaps = any(a < end and start < b for a, b in spans)
                label = "partial" if overlaps else "none"
            table[rule][label] += 1
    return {rule: dict(counts.most_common()) for rule, counts in table.items()}


def sample_clippings() -> list[tuple[str, str]]:
    """(title, title + blank line + body) of each clipping of the sample archive."""
    from indexer.parse_text import parse_text

    path = shared_dir() / "seeds" / "mek-camp-ashraf.txt"
    clippings = parse_text(path.read_text(encoding="utf-8"), path.name)
    return [(c.title, f"{c.title}\n\n{c.body}") for c in clippings]


def sample_gold() -> list[dict]:
    return json.loads(SAMPLE_GOLD.read_text(encoding="utf-8"))["clippings"]


def sample_scores(errors: bool = False, model: str | None = None) -> dict:
    """P/R/F1 on the sample archive against the hand-made gold list, plus the misses."""
    from indexer.names.discover import discover

    gold_items = sample_gold()
    clippings = sample_clippings()
    pairs, misses = [], []
    for (title, text), item in zip(clippings, gold_items, strict=True):
        if normalise(item["title"]) != normalise(title):
            raise ValueError(f"gold list out of step: {item['title']!r} vs {title!r}")
        gold = {(normalise(e["name"]), e["type"]) for e in item["entities"]}
        pred = {(normalise(f.surface), f.type) for f in discover(text, model=model)}
        pairs.append((pred, gold))
        if errors and pred != gold:
            misses.append(
                {"title": title, "missed": sorted(gold - pred), "extra": sorted(pred - gold)}
            )
    report = {"clippings": len(pairs), "scores": score(pairs)}
    if errors:
        report["errors"] = misses
    return report


def print_scores(title: str, scores: dict) -> None:
    print(title)
    print(f"{'type':<10}{'precision':>10}{'recall':>8}{'F1':>7}{'tp':>6}{'fp':>6}{'fn':>6}")
    for kind, row in scores.items():
        print(
            f"{kind:<10}{row['precision']:>10.3f}{row['recall']:>8.3f}{row['f1']:>7.3f}"
            f"{row['tp']:>6}{row['fp']:>6}{row['fn']:>6}"
        )


def main(argv: list[str] | None = None) -> int:
    """Run both benchmarks, print the tables, optionally save everything as JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", type=Path, help="also write the full results to this file")
    parser.add_argument("--errors", type=int, default=0, help="list the N commonest errors")
    parser.add_argument("--rules", action="store_true", help="score each rule on CoNLL")
    args = parser.parse_args(argv)
    from indexer.names.discover import model_status
    from indexer.settings import Settings

    model = Settings.from_environment().names_model
    in_use, problem = model_status(model)
    results: dict = {"model": in_use, "model_problem": problem}
    note = f" ({problem})" if problem else ""
    print(f"statistical model: {in_use or 'none (rules only)'}{note}")
    model = model if in_use else None
    if conll_path().exists():
        conll = bench_conll(conll_articles(), errors=args.errors, model=model)
        results["conll2003_dev"] = conll
        print_scores(
            f"\nCoNLL-2003 dev, {conll['articles']} articles, document-level typed entities",
            conll["scores"],
        )
        print(f"speed: {conll['ms_per_1000_chars']:.3f} ms per 1,000 characters")
        for kind in ("false_positives", "false_negatives"):
            for name, count in conll.get("errors", {}).get(kind, []):
                print(f"  {kind.replace('_', ' ')[:-1]} {count:>3} {name}")
        if args.rules:
            results["rules"] = rule_scores()
            print("\nmentions typed by each rule (CoNLL spans)")
            for rule, counts in sorted(results["rules"].items(), key=lambda r: -sum(r[1].values())):
                total = sum(counts.values())
                print(f"  {rule:<24}{total:>6}  ok {counts.get('ok', 0) / total:.2f}  {counts}")
    else:
        print(f"\nCoNLL-2003 dev: skipped, {conll_path()} is absent")
    if (shared_dir() / "seeds" / "mek-camp-ashraf.txt").exists():
        sample = sample_scores(errors=bool(args.errors), model=model)
        results["sample"] = sample
        print_scores(f"\nSample archive, {sample['clippings']} clippings", sample["scores"])
        for miss in sample.get("errors", []):
            print(f"  {miss['title']}: missed {miss['missed']}, extra {miss['extra']}")
    else:
        print("\nSample archive: skipped, seeds/mek-camp-ashraf.txt is absent")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
