"""Ranking quality on SciFact: our default query path beside a standard BM25, in the same run.

Run: .venv/bin/python bench/relevance.py [--split test|train] [--json out.json]

SciFact (../shared/corpora/scifact-beir: 5,183 abstracts, claims with human relevance
judgments) is written as one text clipping per abstract (title line, blank line, text) and
indexed by `clippings index`'s own code; each claim is typed into `SearchEngine.search` exactly
as it is, on the default path (relaxation, name expansion, duplicate groups; a group's copies
count at its place). Beside it, the same claims against:

- bm25s (k1 1.2, b 0.75, Lucene idf, title and text as one field, English stop words and
  Snowball stemming): the "plain BM25" every search engine ships;
- ours, strict: every word required (the `--strict` switch), as Whoosh's default AND;
- ours, OR without tiers: what the issue measured before this change, for reference, is in
  the README.

Scores: nDCG@10 (trec_eval's ndcg_cut.10: gain = judgment, log2 discount, ideal from the
judgments) and Recall@100, averaged over the split's claims; a claim with nothing relevant
retrieved scores 0. Tune on `--split train`; report `--split test`.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import json
import math
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.dates import shared_dir  # noqa: E402

TOP = 100


def scifact_dir() -> Path:
    return shared_dir() / "corpora" / "scifact-beir"


def load(split: str) -> tuple[dict[str, tuple[str, str]], dict[str, str], dict[str, dict]]:
    """SciFact's corpus (id → (title, text)), the split's claims (id → text) and judgments."""
    root = scifact_dir()
    corpus = {}
    with gzip.open(root / "corpus.jsonl.gz", "rt", encoding="utf-8") as f:
        for line in f:
            doc = json.loads(line)
            corpus[doc["_id"]] = (doc["title"], doc["text"])
    qrels: dict[str, dict[str, int]] = defaultdict(dict)
    with open(root / "qrels" / f"{split}.tsv", encoding="utf-8") as f:
        for row in csv.DictReader(f, delimiter="\t"):
            qrels[row["query-id"]][row["corpus-id"]] = int(row["score"])
    queries = {}
    with open(root / "queries.jsonl", encoding="utf-8") as f:
        for line in f:
            claim = json.loads(line)
            if claim["_id"] in qrels:
                queries[claim["_id"]] = claim["text"]
    return corpus, queries, dict(qrels)


def ndcg_at(ranked: list[str], judged: dict[str, int], k: int = 10) -> float:
    gains = sum(judged.get(d, 0) / math.log2(i + 2) for i, d in enumerate(ranked[:k]))
    ideal = sorted(judged.values(), reverse=True)[:k]
    best = sum(g / math.log2(i + 2) for i, g in enumerate(ideal))
    return gains / best if best else 0.0


def recall_at(ranked: list[str], judged: dict[str, int], k: int = TOP) -> float:
    return len(set(ranked[:k]) & set(judged)) / len(judged)


def scored(runs: dict[str, list[str]], seconds: list[float], qrels: dict[str, dict]) -> dict:
    """The averages of one system's runs (claim id → ranked document ids)."""
    return {
        "ndcg@10": round(statistics.mean(ndcg_at(runs[q], qrels[q]) for q in qrels), 4),
        "recall@100": round(statistics.mean(recall_at(runs[q], qrels[q]) for q in qrels), 4),
        "empty": sum(1 for q in qrels if not runs[q]),
        "median_ms": round(statistics.median(seconds) * 1000, 1) if seconds else None,
    }


def write_corpus(corpus: dict[str, tuple[str, str]], folder: Path) -> None:
    """One text clipping per abstract: its title, a blank line, its text."""
    folder.mkdir(parents=True, exist_ok=True)
    for doc_id, (title, text) in corpus.items():
        body = text.strip() or title
        (folder / f"{doc_id}.txt").write_text(f"{title.strip()}\n\n{body}\n", encoding="utf-8")


def ours(index_dir: Path, queries: dict[str, str], **options) -> tuple[dict, list[float]]:
    """Each claim's top 100 document ids from our engine, and the time of each search call."""
    from indexer.search import SearchEngine

    engine = SearchEngine(index_dir)
    runs, seconds = {}, []
    for qid, text in queries.items():
        start = time.perf_counter()
        results = engine.search(text, pagelen=TOP, **options)
        seconds.append(time.perf_counter() - start)
        ranked = []
        for hit in results.hits:
            ranked += [hit.path, *(copy.path for copy in hit.similar)]
        runs[qid] = [Path(path).stem for path in ranked][:TOP]
    engine.close()
    return runs, seconds


def bm25s_runs(corpus: dict[str, tuple[str, str]], queries: dict[str, str]):
    """Each claim's top 100 from bm25s over title and text as one field."""
    import bm25s
    import Stemmer

    stemmer = Stemmer.Stemmer("english")
    ids = list(corpus)
    texts = [f"{title} {text}" for title, text in corpus.values()]
    retriever = bm25s.BM25(k1=1.2, b=0.75, method="lucene")
    retriever.index(bm25s.tokenize(texts, stopwords="en", stemmer=stemmer, show_progress=False),
                    show_progress=False)  # fmt: skip
    runs, seconds = {}, []
    for qid, text in queries.items():
        start = time.perf_counter()
        tokens = bm25s.tokenize([text], stopwords="en", stemmer=stemmer, show_progress=False)
        found, scores = retriever.retrieve(tokens, k=TOP, show_progress=False)
        seconds.append(time.perf_counter() - start)
        runs[qid] = [ids[i] for i, s in zip(found[0], scores[0], strict=True) if s > 0]
    return runs, seconds


def measure(split: str, index_dir: Path | None = None) -> dict:
    """The table: each system's nDCG@10 and Recall@100 on one split."""
    from indexer.update import update_index

    corpus, queries, qrels = load(split)
    with tempfile.TemporaryDirectory(prefix="scifact-") as tmp:
        folder = Path(tmp) / "corpus"
        write_corpus(corpus, folder)
        index_dir = index_dir or Path(tmp) / "index"
        start = time.perf_counter()
        update_index(folder, index_dir, rebuild=True)
        indexed = time.perf_counter() - start
        table = {
            "ours (default)": scored(*(ours(index_dir, queries)), qrels),
            "ours (--strict)": scored(*(ours(index_dir, queries, strict=True)), qrels),
            "bm25s": scored(*(bm25s_runs(corpus, queries)), qrels),
        }
    return {"split": split, "claims": len(queries), "documents": len(corpus),
            "index_seconds": round(indexed, 1), "systems": table}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", choices=("test", "train"), default="test")
    parser.add_argument("--json", type=Path, help="also write the table as JSON here")
    args = parser.parse_args()
    result = measure(args.split)
    print(f"SciFact {result['split']}: {result['claims']} claims, {result['documents']} "
          f"abstracts (indexed in {result['index_seconds']} s)")  # fmt: skip
    print(f"{'system':<18} {'nDCG@10':>8} {'R@100':>7} {'empty':>6} {'median ms':>10}")
    for name, row in result["systems"].items():
        print(f"{name:<18} {row['ndcg@10']:>8.4f} {row['recall@100']:>7.4f} {row['empty']:>6} "
              f"{row['median_ms']:>10}")  # fmt: skip
    if args.json:
        args.json.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
