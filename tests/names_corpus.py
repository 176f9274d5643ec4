"""A generated digest corpus whose names interact across files (acronyms defined in one file and
used alone in others, surnames after full names), for crash and convergence trials."""

from __future__ import annotations

import random
from pathlib import Path

ORGS = [
    ("People's Mujahedin Organization of Iran", "PMOI"),
    ("United Nations Assistance Mission for Iraq", "UNAMI"),
    ("International Committee of the Red Cross", "ICRC"),
    ("Human Rights Watch", "HRW"),
    ("National Council of Resistance of Iran", "NCRI"),
    ("World Food Programme", "WFP"),
]
# Defined in one file or two at most: deleting or changing that file changes how every file
# that uses the acronym alone is tagged.
RARE_ORGS = [
    ("Baladiyeh Foundation for Relief", "BFR"),
    ("Iraqi Committee for Displaced Families", "ICDF"),
    ("Association of Iranian Exiles", "AIE"),
]
PEOPLE = ["Maryam Rajavi", "Nouri al-Maliki", "Moqtada al-Sadr", "James Jeffrey", "Martin Kobler"]
PLACES = ["Baghdad", "Tehran", "Paris", "Geneva", "Washington", "Amman", "Basra"]
WORDS = "camp residents raid refugees talks relocation council report army protest aid".split()


def _sentence(rng: random.Random, rare: bool) -> str:
    kind = rng.random()
    if rare and kind < 0.5:
        name, acronym = rng.choice(RARE_ORGS)
        return f"The {name} ({acronym}) sent {rng.choice(WORDS)} to {rng.choice(PLACES)}."
    if kind < 0.15:
        name, acronym = rng.choice(ORGS)
        return f"The {name} ({acronym}) said the {rng.choice(WORDS)} would continue."
    if kind < 0.35:
        acronym = rng.choice([a for _, a in ORGS + RARE_ORGS])
        return (
            f"Officials of the {acronym} met in {rng.choice(PLACES)} about the {rng.choice(WORDS)}."
        )
    if kind < 0.55:
        person = rng.choice(PEOPLE)
        surname = person.split()[-1]
        return f"{person} spoke on Monday. {surname} said the {rng.choice(WORDS)} was over."
    return " ".join(rng.choice(WORDS) for _ in range(10)).capitalize() + "."


def _clipping(rng: random.Random, label: str, rare: bool) -> str:
    title = f"{rng.choice(WORDS).title()} {rng.choice(WORDS)} in {rng.choice(PLACES)} {label}"
    date = f"Date: 20{rng.randint(5, 15):02d}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
    body = " ".join(_sentence(rng, rare) for _ in range(rng.randint(3, 7)))
    return f"{title}\n{date}\n\n{body}\n"


def write_digest(corpus: Path, name: str, rng: random.Random, per_file: int = 5) -> None:
    """One digest file of `per_file` clippings; about one file in twenty defines a rare name."""
    rare = rng.random() < 0.05
    items = [_clipping(rng, f"{name} {i}", rare) for i in range(per_file)]
    (corpus / name).write_text("Digest\n\n" + "\nRead more\n\n".join(items), encoding="utf-8")


def make_corpus(corpus: Path, files: int, seed: int = 1) -> random.Random:
    corpus.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    for number in range(files):
        write_digest(corpus, f"d{number:04d}.txt", rng)
    return rng


def mutate(corpus: Path, rng: random.Random, count: int) -> None:
    """Add, change and delete `count` files each (new names never reuse old ones)."""
    names = sorted(p.name for p in corpus.glob("*.txt"))
    for name in rng.sample(names, min(count, len(names))):
        (corpus / name).unlink()
    names = sorted(p.name for p in corpus.glob("*.txt"))
    for name in rng.sample(names, min(count, len(names))):
        write_digest(corpus, name, rng)
    for _ in range(count):
        write_digest(corpus, f"n{rng.getrandbits(40):010x}.txt", rng)
