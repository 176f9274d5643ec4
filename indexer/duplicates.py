"""Near-duplicate clippings: a MinHash signature per clipping, and groups of clippings that are
copies of one story (a wire story reprinted under other headlines, an excerpt reposted).

The signature is built where the clipping is parsed (the indexer's worker processes) from the
set of its body's 4-word shingles: 64 MinHash values (datasketch), kept as their low 16 bits
(b-bit MinHash), plus the number of shingles and a key of the body's first 12 words. The
manifest keeps every clipping's signature, so each run rebuilds all groups from them, as a
rebuild would, without reading a clipping again.

Two clippings are copies when their estimated Jaccard similarity is at least `JACCARD`, or when
the shorter one (at least `MIN_CONTAINED` shingles) lies at least `CONTAINED` inside the longer
one (an excerpt, or a story cut short by a reprint). Candidates come from LSH banding (21 bands
of 3 values: a pair at Jaccard 0.5 shares a band with probability 0.94, at 0.7 with 0.999) and
from equal lead keys (excerpts share their first words, not their Jaccard); every candidate is
then checked against the estimate.

Groups are led, not chained: clippings are taken longest first (then by id), each one not yet
in a group leads a new group, and only the candidates that are copies of the leader itself join
it. A story that resembles a copy but not the leader stays out, so unrelated stories never end
up together through a chain of resemblances, and the result depends only on the signatures.
"""

from __future__ import annotations

import base64
import re
import zlib
from collections.abc import Iterable

import numpy as np

PERMUTATIONS = 64
SHINGLE_WORDS = 4
LEAD_WORDS = 12
SEED = 1
JACCARD = 0.5
CONTAINED = 0.8
MIN_CONTAINED = 20
BANDS, ROWS = 21, 3
# A bucket this large is shared boilerplate, not copies: its lead key or band is not used.
MAX_BUCKET = 5000

_WORD = re.compile(r"\w+")
_HEADER = np.dtype([("size", "<u4"), ("lead", "<u4")])


def signature(title: str, body: str) -> str:
    """The clipping's near-duplicate signature as compact text (base64), for the manifest.

    The body alone is shingled, so a copy under another headline keeps its signature; a body
    too short to shingle falls back to the title and body together.
    """
    from datasketch import MinHash  # imported by the workers that parse, not by searchers

    words = _WORD.findall(body.casefold())
    if len(words) < 2 * SHINGLE_WORDS:
        words = _WORD.findall(f"{title} {body}".casefold())
    shingles = {
        " ".join(words[i : i + SHINGLE_WORDS]) for i in range(len(words) - SHINGLE_WORDS + 1)
    }
    shingles = shingles or {" ".join(words)}
    minhash = MinHash(num_perm=PERMUTATIONS, seed=SEED)
    minhash.update_batch([s.encode("utf-8") for s in sorted(shingles)])
    lead = _lead_key(words)
    header = np.array([(len(shingles), lead)], dtype=_HEADER).tobytes()
    values = (minhash.hashvalues & 0xFFFF).astype("<u2").tobytes()
    return base64.b64encode(header + values).decode("ascii")


def _lead_key(words: list[str]) -> int:
    """A key of the first words (0: too short to have one), shared by excerpts of a story."""
    if len(words) < LEAD_WORDS:
        return 0
    return zlib.crc32(" ".join(words[:LEAD_WORDS]).encode("utf-8")) or 1


def duplicate_groups(signatures: Iterable[tuple[str, str]]) -> dict[str, str]:
    """Each clipping that has copies → its group's leader (a clipping id); clippings without a
    copy are left out. `signatures` pairs clipping ids with their signatures."""
    ids, sizes, leads, values = _decoded(signatures)
    if len(ids) < 2:
        return {}
    buckets, of_doc = _buckets(leads, values)
    groups: dict[str, str] = {}
    taken = np.zeros(len(ids), dtype=bool)
    for leader in sorted(of_doc, key=lambda i: (-int(sizes[i]), ids[i])):
        if taken[leader]:
            continue
        found = np.unique(np.concatenate([buckets[b] for b in of_doc[leader]]))
        found = found[~taken[found] & (found != leader)]
        copies = found[_copies(values, sizes, leader, found)]
        if len(copies):
            taken[copies] = taken[leader] = True
            for member in (leader, *copies.tolist()):
                groups[ids[member]] = ids[leader]
    return groups


def _decoded(signatures: Iterable[tuple[str, str]]):
    """Ids, shingle counts, lead keys and MinHash values (one row per clipping) as arrays."""
    ids, raw = [], []
    width = _HEADER.itemsize + 2 * PERMUTATIONS
    for clipping_id, text in signatures:
        data = base64.b64decode(text) if text else b""
        if len(data) == width:  # a clipping without one (an old manifest) is in no group
            ids.append(clipping_id)
            raw.append(data)
    block = np.frombuffer(b"".join(raw), dtype=np.uint8).reshape(len(raw), width)
    header = block[:, : _HEADER.itemsize].copy().view(_HEADER).ravel()
    values = block[:, _HEADER.itemsize :].copy().view("<u2")
    return ids, header["size"].astype(np.int64), header["lead"].astype(np.int64), values


def _buckets(leads: np.ndarray, values: np.ndarray):
    """Candidate buckets shared by at least two clippings: the bucket's members, and for each
    clipping in any such bucket, its buckets."""
    n = len(leads)
    bands = values[:, : BANDS * ROWS].astype(np.uint64).reshape(n, BANDS, ROWS)
    keys = bands[:, :, 0] | bands[:, :, 1] << np.uint64(16) | bands[:, :, 2] << np.uint64(32)
    keys |= np.arange(BANDS, dtype=np.uint64) << np.uint64(48)
    lead_keys = leads.astype(np.uint64) | np.uint64(BANDS) << np.uint64(48)
    keys = np.concatenate([keys, lead_keys[:, None]], axis=1).ravel()
    docs = np.repeat(np.arange(n), BANDS + 1)
    usable = np.ones(len(keys), dtype=bool)
    usable[BANDS :: BANDS + 1] = leads > 0
    keys, docs = keys[usable], docs[usable]
    _, inverse, counts = np.unique(keys, return_inverse=True, return_counts=True)
    shared = (counts[inverse] >= 2) & (counts[inverse] <= MAX_BUCKET)
    bucket_of, docs = inverse[shared], docs[shared]
    order = np.argsort(bucket_of, kind="stable")
    bucket_of, docs = bucket_of[order], docs[order]
    starts = np.flatnonzero(np.diff(bucket_of, prepend=-1))
    members = np.split(docs, starts[1:])
    of_doc: dict[int, list[int]] = {}
    for number, group in enumerate(members):
        for doc in group.tolist():
            of_doc.setdefault(doc, []).append(number)
    return members, of_doc


def _copies(values: np.ndarray, sizes: np.ndarray, leader: int, found: np.ndarray) -> np.ndarray:
    """Which of the clippings `found` are copies of `leader` (a boolean per clipping)."""
    jaccard = (values[found] == values[leader]).mean(axis=1)
    return is_copy(jaccard, sizes[leader], sizes[found])


def is_copy(jaccard, size_a, size_b):
    """Whether two clippings are copies, from their estimated Jaccard similarity and shingle
    counts: similar enough, or the shorter one mostly inside the longer one."""
    smaller = np.minimum(size_a, size_b)
    shared = jaccard * (size_a + size_b) / (1 + jaccard)
    contained = shared / np.maximum(smaller, 1)
    return (jaccard >= JACCARD) | ((contained >= CONTAINED) & (smaller >= MIN_CONTAINED))


def estimated_jaccard(a: str, b: str) -> float:
    """The Jaccard similarity of two clippings' shingle sets, estimated from their signatures."""
    _, _, _, values = _decoded([("a", a), ("b", b)])
    return float((values[0] == values[1]).mean())
