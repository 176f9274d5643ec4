"""Near-duplicate clippings: a MinHash signature per clipping, and groups of clippings that are
copies of one story (a wire story reprinted under other headlines, an excerpt reposted).

The signature is built where the clipping is parsed (the indexer's worker processes) from the
set of its body's 4-word shingles: 64 MinHash values, kept as their low 16 bits (b-bit
MinHash), plus the number of shingles and a key of the body's first 12 words. The MinHash is
datasketch's (`MinHash(num_perm=64, seed=1, scheme="affine32")`: SHA-1, the MurmurHash3
finalizer, 64 affine permutations mod 2^32) computed here with numpy, value for value
(tests/test_duplicates.py checks it against datasketch): importing datasketch pulls in scipy,
half a second that a one-file run would pay, and its default scheme changed in 2.0, which
would have changed every signature. The manifest keeps every clipping's signature, so each
run rebuilds all groups from them, as a rebuild would, without reading a clipping again.

Two clippings are copies when their estimated Jaccard similarity is at least `JACCARD` (0.45:
the lowest threshold that joined no near-miss of `bench/duplicates.py`'s labelled set, whose
precision and recall the README reports), or when they start with the same 12 words and the
shorter one (at least `MIN_CONTAINED` shingles) lies at least `CONTAINED` inside the longer
(an excerpt, or a story cut short; the shared start keeps boilerplate shared by two short
clippings from counting as an excerpt). Candidates come from LSH banding (32 bands of 2
values: a pair at Jaccard 0.45 shares a band with probability 0.9998) and from equal lead
keys; each candidate pair is then checked against the estimate.

Groups are led, not chained: clippings with copies are taken by how many copies they have
(then the longest, then by id); each one not yet in a group leads a new group, which only its
own copies join. A clipping that resembles a copy but not the leader stays out, so unrelated
stories never end up together through a chain of resemblances, and the result depends only on
the signatures.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import re
import zlib
from collections.abc import Callable, Iterable

import numpy as np

PERMUTATIONS = 64
SHINGLE_WORDS = 4
LEAD_WORDS = 12
SEED = 1
JACCARD = 0.45
CONTAINED = 0.8
MIN_CONTAINED = 20
BANDS, ROWS = 32, 2
# A bucket this large is shared boilerplate, not copies: its band or lead key is not used.
MAX_BUCKET = 1000
MAX_LEAD_BUCKET = 50

_WORD = re.compile(r"\w+")
_HEADER = np.dtype([("size", "<u4"), ("lead", "<u4")])


def signature(title: str, body: str) -> str:
    """The clipping's near-duplicate signature as compact text (base64), for the manifest.

    The body alone is shingled, so a copy under another headline keeps its signature; a body
    too short to shingle falls back to the title and body together.
    """
    words = _WORD.findall(body.casefold())
    if len(words) < 2 * SHINGLE_WORDS:
        words = _WORD.findall(f"{title} {body}".casefold())
    shingles = {
        " ".join(words[i : i + SHINGLE_WORDS]) for i in range(len(words) - SHINGLE_WORDS + 1)
    }
    shingles = shingles or {" ".join(words)}
    lead = _lead_key(words)
    header = np.array([(len(shingles), lead)], dtype=_HEADER).tobytes()
    values = (minhash(shingles) & 0xFFFF).astype("<u2").tobytes()
    return base64.b64encode(header + values).decode("ascii")


def minhash(shingles: Iterable[str]) -> np.ndarray:
    """The `PERMUTATIONS` MinHash values (uint32) of a non-empty set of strings, as datasketch's
    `MinHash(num_perm=64, seed=1, scheme="affine32")` after `update_batch` of their UTF-8."""
    digests = b"".join(hashlib.sha1(s.encode("utf-8")).digest()[:4] for s in shingles)
    hashed = np.frombuffer(digests, dtype="<u4").astype(np.uint32).reshape(-1, 1)
    hashed ^= hashed >> np.uint32(16)  # MurmurHash3's finalizer (fmix32)
    hashed *= np.uint32(0x85EBCA6B)
    hashed ^= hashed >> np.uint32(13)
    hashed *= np.uint32(0xC2B2AE35)
    hashed ^= hashed >> np.uint32(16)
    a, b = _permutations()
    return (hashed * a + b).min(axis=0)  # uint32 arithmetic: wraps mod 2^32


@functools.cache
def _permutations() -> tuple[np.ndarray, np.ndarray]:
    """The odd multipliers and the offsets of the affine permutations, drawn as datasketch
    draws them (numpy's legacy RandomState, whose stream never changes)."""
    generator = np.random.RandomState(SEED)
    a = generator.randint(0, 1 << 31, PERMUTATIONS, dtype=np.uint32) * np.uint32(2) + np.uint32(1)
    b = generator.randint(0, 1 << 32, PERMUTATIONS, dtype=np.uint32)
    return a, b


def _lead_key(words: list[str]) -> int:
    """A key of the first words (0: too short to have one), shared by excerpts of a story."""
    if len(words) < LEAD_WORDS:
        return 0
    return zlib.crc32(" ".join(words[:LEAD_WORDS]).encode("utf-8")) or 1


def duplicate_groups(
    signatures: Iterable[tuple[str, str]], check: Callable[[], None] = lambda: None
) -> dict[str, str]:
    """Each clipping that has copies → its group's leader (a clipping id); clippings without a
    copy are left out. `signatures` pairs clipping ids with their signatures; `check` is
    called between steps (watch mode's settling raises there to give way to new changes)."""
    ids, sizes, leads, values = _decoded(signatures)
    if len(ids) < 2:
        return {}
    check()
    first, second = _candidates(leads, values, check)
    check()
    copies = _copies(first, second, sizes, leads, values)
    first, second = first[copies], second[copies]
    neighbours: dict[int, list[int]] = {}
    for a, b in zip(first.tolist(), second.tolist(), strict=True):
        neighbours.setdefault(a, []).append(b)
        neighbours.setdefault(b, []).append(a)
    check()
    groups: dict[str, str] = {}
    taken = set()
    order = sorted(neighbours, key=lambda i: (-len(neighbours[i]), -int(sizes[i]), ids[i]))
    for n, leader in enumerate(order):
        if n % 4096 == 0:
            check()
        if leader in taken:
            continue
        members = [m for m in neighbours[leader] if m not in taken]
        if members:
            taken.update(members, (leader,))
            for member in (leader, *members):
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


def _candidates(
    leads: np.ndarray, values: np.ndarray, check: Callable[[], None] = lambda: None
) -> tuple[np.ndarray, np.ndarray]:
    """Pairs of clippings (first < second) that share an LSH band or a lead key.

    One band at a time, merging the pairs found every few bands, so memory stays a few arrays
    of one value per clipping plus the distinct pairs (a pair of copies shares most bands)."""
    n = len(leads)
    pairs = np.zeros(0, dtype=np.int64)
    found = []
    for band in range(BANDS):
        low, high = values[:, band * ROWS], values[:, band * ROWS + 1]
        key = low.astype(np.uint32) | high.astype(np.uint32) << np.uint32(16)
        found.append(_bucket_pairs(key, np.arange(n), MAX_BUCKET, n))
        if len(found) == 8:
            pairs = _distinct(np.concatenate([pairs, *found]))
            found = []
            check()
    led = np.flatnonzero(leads > 0)  # 0: no lead key
    found.append(_bucket_pairs(leads[led], led, MAX_LEAD_BUCKET, n))
    pairs = _distinct(np.concatenate([pairs, *found]))
    return pairs // n, pairs % n


def _distinct(values: np.ndarray) -> np.ndarray:
    """The distinct values, sorted (np.unique's hashing is several times slower here)."""
    values = np.sort(values)
    return values[np.concatenate(([True], values[1:] != values[:-1]))] if len(values) else values


def _bucket_pairs(keys: np.ndarray, docs: np.ndarray, limit: int, n: int) -> np.ndarray:
    """Every pair of `docs` (ascending) with equal keys, coded first * n + second, from the
    buckets of 2 to `limit` documents (a larger one is shared boilerplate, not copies); each
    pair once, as a document is in one bucket."""
    order = np.argsort(keys, kind="stable")  # a bucket's documents stay in order
    keys, docs = keys[order], docs[order]
    starts = np.flatnonzero(np.diff(keys, prepend=keys[:1] ^ 1)) if len(keys) else order
    sizes = np.diff(starts, append=len(keys))
    codes = [np.zeros(0, dtype=np.int64)]
    for size in np.unique(sizes[(sizes >= 2) & (sizes <= limit)]).tolist():
        members = docs[starts[sizes == size][:, None] + np.arange(size)]
        first, second = np.triu_indices(size, 1)
        codes.append((members[:, first] * n + members[:, second]).ravel())
    return np.concatenate(codes)


def _copies(first, second, sizes, leads, values, chunk: int = 1 << 16) -> np.ndarray:
    """Which candidate pairs are copies (`is_copy`), a chunk of pairs at a time: their
    MinHash rows side by side take 256 bytes a pair."""
    copies = np.zeros(len(first), dtype=bool)
    for start in range(0, len(first), chunk):
        a, b = first[start : start + chunk], second[start : start + chunk]
        jaccard = (values[a] == values[b]).mean(axis=1)
        copies[start : start + chunk] = is_copy(jaccard, sizes[a], sizes[b], leads[a] == leads[b])
    return copies


def is_copy(jaccard, size_a, size_b, same_lead):
    """Whether two clippings are copies, from their estimated Jaccard similarity, shingle
    counts and whether they start alike: similar enough, or one starting as the other does and
    lying mostly inside it (an excerpt; boilerplate shared by short clippings is no excerpt)."""
    smaller = np.minimum(size_a, size_b)
    shared = jaccard * (size_a + size_b) / (1 + jaccard)
    contained = shared / np.maximum(smaller, 1)
    excerpt = same_lead & (contained >= CONTAINED) & (smaller >= MIN_CONTAINED)
    return (jaccard >= JACCARD) | excerpt


def estimated_jaccard(a: str, b: str) -> float:
    """The Jaccard similarity of two clippings' shingle sets, estimated from their signatures."""
    _, _, _, values = _decoded([("a", a), ("b", b)])
    return float((values[0] == values[1]).mean())
