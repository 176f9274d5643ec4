"""Quality and speed of entity discovery (`indexer.names.discover`): CoNLL-2003, the seed, and
which names are one entity.

Run: .venv/bin/python bench/entities.py [--json out.json] [--errors N] [--rules]
     [--only conll|sample|aliases]

1. CoNLL-2003 English development split (../shared/corpora/conll2003-dev/valid.txt.gz, read at
   run time and never copied: Reuters text under a research licence). Each article's text is
   rebuilt from its tokens (spaces between tokens, a newline between sentences). Gold is the set
   of (surface, type) per article for PER -> person, ORG -> org, LOC -> place (MISC ignored);
   the prediction is the same set from `discover(article)`. Surfaces are compared with
   whitespace collapsed and case folded. Micro precision, recall and F1 per type and overall,
   an untyped variant (surface only), and milliseconds per 1,000 characters.
2. The sample archive (../shared/seeds/mek-camp-ashraf.txt), split with `parse_text`, against
   the hand-made gold list tests/fixtures/entities/mek-camp-ashraf.gold.json.
3. Alias clustering with an empty gazetteer: the sample archive, the clippings written for this
   benchmark (bench/aliases/corpus/) and both together are each indexed into a temporary folder
   with no entities.toml, through `update_index` and the engine's entity list (what
   `clippings entities --json` prints). Against the hand-made gold list bench/aliases/gold.toml
   (every name of the texts with the entity it refers to, and hard negatives that must stay
   apart), pairwise precision and recall of "same entity" over every pair of gold names that
   the section's clippings contain: a name's predicted entity is the one whose name or aliases
   hold it (case folded, whitespace collapsed, apostrophes straight); a gold name no entity
   lists is a singleton, counted as unlisted (and as found when discovery finds it in the
   clippings all the same, resolved to another name there). An acronym that names two
   entities in different clippings is in both: two names are one entity when a cluster holds
   both. Also the recall over pairs of listed names, and the hard negatives joined.

`--errors N` lists the commonest wrong and missed names (and the N largest wrong and missed
joins of each alias section, every joined hard negative and the names not found); `--rules`
scores each rule of `indexer.names.discover` on CoNLL mentions (exact span and type), to see
which rule errs; `--only` runs one section.

The statistical model is the front ends' (`Settings.from_environment().names_model`:
$CLIPPINGS_SPACY_MODEL, else en_core_web_sm), merged in only when spaCy loads it; the tests'
quality floors call `bench_conll` and `sample_scores` with the rules alone.

The shared folder is $CLIPPINGS_SHARED, else ../shared beside the repository. The tests import
`conll_articles`, `score` and `sample_scores` from here for their quality floors, and
tests/test_bench_aliases.py checks the alias metric by hand and runs it on two files.
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


# --- alias clustering ------------------------------------------------------------------------

ALIASES = ROOT / "bench" / "aliases"
ALIAS_GOLD = ALIASES / "gold.toml"
ALIAS_CORPUS = ALIASES / "corpus"
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'"})


def name_unit(name: str) -> str:
    """A name as the clustering compares it: whitespace collapsed, case folded, apostrophes
    straight."""
    return normalise(name.translate(_APOSTROPHES))


def alias_gold(path: Path = ALIAS_GOLD) -> dict:
    """The gold list (bench/aliases/gold.toml), checked: ids unique, a name in two entities
    only when it is listed as ambiguous, every name of an [[apart]] set in a different entity."""
    import tomllib

    gold = tomllib.loads(path.read_text(encoding="utf-8"))
    ambiguous = {name_unit(n) for n in gold.get("ambiguous", [])}
    owners: dict[str, list[str]] = {}
    ids = [entity["id"] for entity in gold["entity"]]
    if len(set(ids)) != len(ids):
        raise ValueError(f"{path}: an entity id is used twice")
    for entity in gold["entity"]:
        units = [name_unit(n) for n in entity["names"]]
        if len(set(units)) != len(units):
            raise ValueError(f"{path}: {entity['id']} lists a name twice")
        for unit in units:
            owners.setdefault(unit, []).append(entity["id"])
    for unit, where in owners.items():
        if len(where) > 1 and unit not in ambiguous:
            raise ValueError(f"{path}: {unit!r} is in {where}; list it as ambiguous")
    for group in gold.get("apart", []):
        for name in group["names"]:
            if name_unit(name) not in owners:
                raise ValueError(f"{path}: apart name {name!r} is in no entity")
        ids_apart = [tuple(owners[name_unit(n)]) for n in group["names"]]
        if len(set(ids_apart)) != len(ids_apart):
            raise ValueError(f"{path}: apart names {group['names']} share an entity")
    return gold


def clipping_texts(paths: Iterable[Path]) -> list[str]:
    """Title and body of every clipping in the plain-text files, as discovery reads them."""
    from indexer.parse_text import parse_text

    texts = []
    for path in paths:
        for clipping in parse_text(path.read_text(encoding="utf-8"), path.name):
            texts.append(f"{clipping.title}\n\n{clipping.body}")
    return texts


def _names_in(text: str, names: list[str]) -> set[str]:
    """The gold names that occur in `text` as whole words (as written or in capitals), not
    counting occurrences inside a longer gold name's occurrence."""
    import re

    text = text.translate(_APOSTROPHES)
    spans = []
    for name in names:
        written = name.translate(_APOSTROPHES)
        for form in {written, written.upper()}:
            pattern = rf"(?<!\w){re.escape(form)}(?!\w)"
            spans += [(m.start(), m.end(), name) for m in re.finditer(pattern, text)]
    return {
        name
        for start, end, name in spans
        if not any(s <= start and end <= e and e - s > end - start for s, e, _ in spans)
    }


def section_gold(gold: dict, texts: list[str]) -> list[tuple[str, set[str]]]:
    """(entity id, its names that occur in the texts) for every entity the texts name; an
    ambiguous name stays with the entities named beside it in some clipping (with all of its
    entities when none is)."""
    entities = gold["entity"]
    every_name = sorted({n for e in entities for n in e["names"]})
    ambiguous = {name_unit(n) for n in gold.get("ambiguous", [])}
    found_in = [_names_in(text, every_name) for text in texts]
    present = set().union(*found_in)
    keep: dict[str, list[dict]] = {}  # an ambiguous name -> the entities that keep it
    for name in {n for n in present if name_unit(n) in ambiguous}:
        holders = [e for e in entities if name in e["names"]]
        beside = [
            e
            for e in holders
            if any(name in found and found & (set(e["names"]) - {name}) for found in found_in)
        ]
        keep[name] = beside or holders
    clusters = []
    for entity in entities:
        names = {
            n
            for n in entity["names"]
            if n in present and (n not in keep or any(e is entity for e in keep[n]))
        }
        if names:
            clusters.append((entity["id"], {name_unit(n) for n in names}))
    return clusters


def _pairs(clusters: Iterable[set[str]]) -> set[tuple[str, str]]:
    from itertools import combinations

    return {pair for cluster in clusters for pair in combinations(sorted(cluster), 2)}


def pairwise(predicted: Iterable[set[str]], gold: Iterable[set[str]]) -> dict:
    """Pairwise precision and recall of "same entity" over the gold names.

    Two names are the same entity when some cluster holds both (clusters may overlap: an
    ambiguous acronym). Predicted names outside the gold are ignored; a gold name in no
    predicted cluster is a singleton there ("not_found"). Precision is None when nothing was
    joined, recall None when the gold joins nothing. `recall_listed` is the recall over the
    gold pairs whose two names some predicted cluster holds: how well the names found are
    joined, whatever discovery missed.
    """
    gold = [set(cluster) for cluster in gold]
    universe = set().union(*gold)
    predicted = [set(cluster) & universe for cluster in predicted]
    gold_pairs, predicted_pairs = _pairs(gold), _pairs(predicted)
    tp = len(gold_pairs & predicted_pairs)
    precision = tp / len(predicted_pairs) if predicted_pairs else None
    recall = tp / len(gold_pairs) if gold_pairs else None
    listed = set().union(*predicted)
    listed_pairs = {pair for pair in gold_pairs if pair[0] in listed and pair[1] in listed}
    recall_listed = tp / len(listed_pairs) if listed_pairs else None
    f1 = None
    if precision is not None and recall is not None:
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "precision": None if precision is None else round(precision, 3),
        "recall": None if recall is None else round(recall, 3),
        "f1": None if f1 is None else round(f1, 3),
        "recall_listed": None if recall_listed is None else round(recall_listed, 3),
        "tp": tp,
        "fp": len(predicted_pairs - gold_pairs),
        "fn": len(gold_pairs - predicted_pairs),
        "gold_pairs": len(gold_pairs),
        "predicted_pairs": len(predicted_pairs),
        "names": len(universe),
        "not_found": sorted(universe - listed),
    }


def indexed_entities(files: list[Path], work: Path, model: str | None = None) -> list[dict]:
    """Index copies of `files` into `work` with no gazetteer, through the product's own path
    (`update_index`, then the engine's entity list: `clippings entities --json`)."""
    import contextlib
    import shutil
    from dataclasses import asdict

    from indexer.search import SearchEngine
    from indexer.settings import Settings
    from indexer.update import update_index

    corpus, index = work / "corpus", work / "index"
    corpus.mkdir(parents=True)
    for path in files:
        shutil.copy(path, corpus / path.name)
    update_index(corpus, index, settings=Settings(names_model=model), procs=1)
    with contextlib.closing(SearchEngine(index)) as engine:
        return [asdict(entity) for entity in engine.entities()]


def alias_errors(
    entities: list[dict], gold_clusters: list[tuple[str, set[str]]], apart: list[dict]
) -> dict:
    """The pairs `pairwise` counts wrong, by entity: wrong joins (a predicted entity holding
    names of different gold entities, by gold entity), missed joins (a gold entity's names by
    the predicted entities holding them, "(not found)" for none), the most pairs first; and
    the hard negatives joined."""
    universe = {name for _, names in gold_clusters for name in names}
    gold_pairs = _pairs(names for _, names in gold_clusters)
    predicted = [
        (e["name"], {name_unit(n) for n in [e["name"], *e["aliases"]]} & universe) for e in entities
    ]
    predicted_pairs = _pairs(names for _, names in predicted)
    holders: dict[str, list[str]] = {}
    for entity_name, names in predicted:
        for name in names:
            holders.setdefault(name, []).append(entity_name)
    wrong = []
    for entity_name, names in predicted:
        bad = _pairs([names]) - gold_pairs
        if bad:
            by_gold = {
                entity_id: sorted(names & gold_names)
                for entity_id, gold_names in gold_clusters
                if names & gold_names
            }
            wrong.append({"predicted": entity_name, "pairs": len(bad), "gold": by_gold})
    missed = []
    for entity_id, names in gold_clusters:
        lost = _pairs([names]) - predicted_pairs
        if lost:
            parts: dict[str, list[str]] = {}
            for name in sorted(names):
                for holder in holders.get(name, ["(not found)"]):
                    parts.setdefault(holder, []).append(name)
            missed.append({"gold": entity_id, "pairs": len(lost), "predicted": parts})
    joined = []
    for group in apart:
        units = [name_unit(n) for n in group["names"] if name_unit(n) in universe]
        for i, first in enumerate(units):
            for second in units[i + 1 :]:
                shared = set(holders.get(first, [])) & set(holders.get(second, []))
                if shared:
                    joined.append({"names": [first, second], "in": sorted(shared)})
    wrong.sort(key=lambda e: (-e["pairs"], e["predicted"]))
    missed.sort(key=lambda e: (-e["pairs"], e["gold"]))
    return {"wrong_joins": wrong, "missed_joins": missed, "apart_joined": joined}


def alias_sections(seed: Path | None = None, corpus: Path = ALIAS_CORPUS) -> dict[str, list[Path]]:
    """The files of each section: the sample archive, the written clippings, both."""
    seed = seed or shared_dir() / "seeds" / "mek-camp-ashraf.txt"
    written = sorted(corpus.glob("*.txt"))
    sections = {}
    if seed.exists():
        sections["seed"] = [seed]
    sections["written"] = written
    if seed.exists():
        sections["combined"] = [seed, *written]
    return sections


def alias_scores(
    sections: dict[str, list[Path]] | None = None,
    gold: dict | None = None,
    model: str | None = None,
    errors: int = 0,
) -> dict:
    """Alias clustering with an empty gazetteer, per section: pairwise precision and recall of
    "same entity" over the gold names, the gold names no entity lists (and which of them
    discovery finds in the clippings all the same: resolved to another name there, as a
    surname to the full name), and the hard negatives joined (with `errors`, the wrong and
    missed joins, N of each)."""
    import tempfile

    from indexer.names.discover import discover

    gold = gold or alias_gold()
    sections = sections if sections is not None else alias_sections()
    report = {}
    for section, files in sections.items():
        texts = clipping_texts(files)
        clusters = section_gold(gold, texts)
        with tempfile.TemporaryDirectory(prefix="clippings-aliases-") as work:
            entities = indexed_entities(files, Path(work), model)
        predicted = [{name_unit(n) for n in [e["name"], *e["aliases"]]} for e in entities]
        scores = pairwise(predicted, [names for _, names in clusters])
        discovered = {name_unit(f.surface) for text in texts for f in discover(text, model=model)}
        found = alias_errors(entities, clusters, gold.get("apart", []))
        result = {
            "files": len(files),
            "entities": len(clusters),
            "multi_name_entities": sum(len(names) > 1 for _, names in clusters),
            "scores": scores,
            "not_found_but_discovered": [n for n in scores["not_found"] if n in discovered],
            "apart_joined": len(found["apart_joined"]),
        }
        if errors:
            result["errors"] = {
                "wrong_joins": found["wrong_joins"][:errors],
                "missed_joins": found["missed_joins"][:errors],
                "apart_joined": found["apart_joined"],
            }
        report[section] = result
    return report


def gold_summary(gold: dict) -> dict:
    """Entities, names and hard negatives of the gold list, and entities by kind and type."""
    from collections import Counter

    entities = gold["entity"]
    return {
        "entities": len(entities),
        "names": sum(len(e["names"]) for e in entities),
        "multi_name_entities": sum(len(e["names"]) > 1 for e in entities),
        "by_type": dict(Counter(e["type"] for e in entities)),
        "by_kind": dict(Counter(k for e in entities for k in e.get("kinds", [])).most_common()),
        "apart_sets": len(gold.get("apart", [])),
    }


def print_alias_scores(report: dict) -> None:
    def figure(value: float | None) -> str:
        return "-" if value is None else f"{value:.3f}"

    print('\nAlias clustering, empty gazetteer: pairwise "same entity" over the gold names')
    print(
        f"{'section':<10}{'files':>6}{'names':>6}{'entities':>9}{'unlisted':>9}{'(found)':>8}"
        f"{'P':>7}{'R':>7}{'F1':>7}{'R listed':>9}{'tp':>5}{'fp':>5}{'fn':>5}{'apart':>6}"
    )
    for section, row in report.items():
        s = row["scores"]
        print(
            f"{section:<10}{row['files']:>6}{s['names']:>6}{row['entities']:>9}"
            f"{len(s['not_found']):>9}{len(row['not_found_but_discovered']):>8}"
            f"{figure(s['precision']):>7}{figure(s['recall']):>7}{figure(s['f1']):>7}"
            f"{figure(s['recall_listed']):>9}{s['tp']:>5}{s['fp']:>5}{s['fn']:>5}"
            f"{row['apart_joined']:>6}"
        )
    print(
        "unlisted: gold names no entity lists (singletons), (found): of which discovery finds\n"
        "in the clippings; R listed: recall over pairs of listed names; apart: hard negatives\n"
        "joined"
    )
    for section, row in report.items():
        found = row.get("errors")
        if not found:
            continue
        print(f"\n{section}: wrong joins (predicted entity: its names by gold entity)")
        for wrong in found["wrong_joins"]:
            parts = " + ".join(f"{k} {v}" for k, v in wrong["gold"].items())
            print(f"  {wrong['pairs']:>3} pairs  {wrong['predicted']}: {parts}")
        print(f"{section}: missed joins (gold entity: its names by predicted entity)")
        for miss in found["missed_joins"]:
            parts = " | ".join(f"{k} {v}" for k, v in miss["predicted"].items())
            print(f"  {miss['pairs']:>3} pairs  {miss['gold']}: {parts}")
        for pair in found["apart_joined"]:
            print(f"  hard negative joined: {pair['names']} in {pair['in']}")
        discovered = set(row["not_found_but_discovered"])
        print(f"{section}: unlisted, discovery finds them {sorted(discovered)}")
        rest = [n for n in row["scores"]["not_found"] if n not in discovered]
        print(f"{section}: unlisted, discovery misses them {rest}")


def print_scores(title: str, scores: dict) -> None:
    print(title)
    print(f"{'type':<10}{'precision':>10}{'recall':>8}{'F1':>7}{'tp':>6}{'fp':>6}{'fn':>6}")
    for kind, row in scores.items():
        print(
            f"{kind:<10}{row['precision']:>10.3f}{row['recall']:>8.3f}{row['f1']:>7.3f}"
            f"{row['tp']:>6}{row['fp']:>6}{row['fn']:>6}"
        )


def main(argv: list[str] | None = None) -> int:
    """Run the benchmarks, print the tables, optionally save everything as JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", type=Path, help="also write the full results to this file")
    parser.add_argument("--errors", type=int, default=0, help="list the N commonest errors")
    parser.add_argument("--rules", action="store_true", help="score each rule on CoNLL")
    parser.add_argument(
        "--only", choices=("conll", "sample", "aliases"), help="run this section alone"
    )
    args = parser.parse_args(argv)
    run = {args.only} if args.only else {"conll", "sample", "aliases"}
    from indexer.names.discover import model_status
    from indexer.settings import Settings

    model = Settings.from_environment().names_model
    in_use, problem = model_status(model)
    results: dict = {"model": in_use, "model_problem": problem}
    note = f" ({problem})" if problem else ""
    print(f"statistical model: {in_use or 'none (rules only)'}{note}")
    model = model if in_use else None
    if "conll" in run and conll_path().exists():
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
    elif "conll" in run:
        print(f"\nCoNLL-2003 dev: skipped, {conll_path()} is absent")
    if "sample" in run and (shared_dir() / "seeds" / "mek-camp-ashraf.txt").exists():
        sample = sample_scores(errors=bool(args.errors), model=model)
        results["sample"] = sample
        print_scores(f"\nSample archive, {sample['clippings']} clippings", sample["scores"])
        for miss in sample.get("errors", []):
            print(f"  {miss['title']}: missed {miss['missed']}, extra {miss['extra']}")
    elif "sample" in run:
        print("\nSample archive: skipped, seeds/mek-camp-ashraf.txt is absent")
    if "aliases" in run:
        gold = alias_gold()
        sections = alias_sections()
        if "seed" not in sections:
            print("\nAlias clustering: the sample archive is absent, written clippings only")
        aliases = alias_scores(sections, gold, model=model, errors=args.errors)
        results["aliases"] = {"gold": gold_summary(gold), "sections": aliases}
        print_alias_scores(aliases)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
