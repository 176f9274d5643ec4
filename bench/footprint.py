"""Disk footprint of a runtime install: `pip install .` (no extras) into a fresh venv.

Run: .venv/bin/python bench/footprint.py [--python python3] [--top 15] [--json out.json]

Clones the repository's HEAD (the committed files, what a user gets) into a temporary folder,
makes a venv with `PYTHON -m venv`, installs the clone with pip's defaults (bytecode compiled, as
a user's install is) and prints the venv's size as `du -sh` counts it (disk blocks), the same
without pip and setuptools (which `venv` puts in every venv; Python 3.12 and later leave
setuptools out), and the largest distributions installed (their RECORD files, bytecode
included) with the distributions that require them. The README's figure is the first line.
Needs the package index pip uses (the network or a local mirror).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
VENV_TOOLS = {"pip", "setuptools", "wheel"}  # what `python -m venv` installs, not the project
MB = 1024 * 1024

# Run by the new venv's Python: each distribution's name, size on disk, and requirements.
_DISTRIBUTIONS = r"""
import json, os, re
from importlib import metadata
out = {}
for dist in metadata.distributions():
    size = 0
    for file in dist.files or []:
        path = dist.locate_file(file)
        if os.path.isfile(path):
            size += os.stat(path).st_blocks * 512
    requires = []
    for requirement in dist.requires or []:
        if "extra ==" not in requirement:
            requires.append(re.split(r"[ ;<>=!~\[(]", requirement, maxsplit=1)[0])
    out[dist.metadata["Name"]] = {"bytes": size, "requires": requires}
print(json.dumps(out))
"""


def disk_usage(path: Path) -> int:
    """Bytes of disk blocks under `path`, as `du` counts them (each hard link once)."""
    seen: set[tuple[int, int]] = set()
    total = 0
    for folder, dirs, files in os.walk(path):
        for name in [*dirs, *files]:
            stat = os.lstat(os.path.join(folder, name))
            if (stat.st_dev, stat.st_ino) not in seen:
                seen.add((stat.st_dev, stat.st_ino))
                total += stat.st_blocks * 512
    return total + os.lstat(path).st_blocks * 512


def _key(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def measure(python: str, work: Path) -> dict:
    """Clone, make the venv, install, and measure; returns the figures."""
    source, venv = work / "src", work / "venv"
    subprocess.run(["git", "clone", "-q", str(ROOT), str(source)], check=True)
    subprocess.run([python, "-m", "venv", str(venv)], check=True)
    pip = [str(venv / "bin" / "python"), "-m", "pip"]
    subprocess.run([*pip, "install", "-q", "--disable-pip-version-check", str(source)], check=True)
    listing = subprocess.run(
        [str(venv / "bin" / "python"), "-c", _DISTRIBUTIONS],
        check=True,
        capture_output=True,
        text=True,
    )
    dists = json.loads(listing.stdout)
    required_by: dict[str, list[str]] = {}
    for name, dist in dists.items():
        for requirement in dist["requires"]:
            required_by.setdefault(_key(requirement), []).append(name)
    version = subprocess.run(
        [str(venv / "bin" / "python"), "-c", "import sys; print(sys.version.split()[0])"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    total = disk_usage(venv)
    tools = sum(d["bytes"] for n, d in dists.items() if _key(n) in VENV_TOOLS)
    return {
        "python": version,
        "venv_bytes": total,
        "venv_tools_bytes": tools,
        "without_venv_tools_bytes": total - tools,
        "distributions": {
            name: {"bytes": d["bytes"], "required_by": sorted(required_by.get(_key(name), []))}
            for name, d in sorted(dists.items(), key=lambda item: -item[1]["bytes"])
        },
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--python", default="python3", help="the Python that makes the venv")
    parser.add_argument("--top", type=int, default=15, help="list the N largest distributions")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="clippings-footprint-") as work:
        figures = measure(args.python, Path(work))
    tools = ", ".join(sorted(VENV_TOOLS))
    print(f"fresh venv, Python {figures['python']}, pip install . (no extras)")
    print(f"  {figures['venv_bytes'] / MB:6.1f} MB  the venv (disk blocks, as du counts them)")
    print(f"  {figures['without_venv_tools_bytes'] / MB:6.1f} MB  without {tools}")
    print(f"largest distributions (RECORD files on disk, bytecode included; top {args.top}):")
    for name, dist in list(figures["distributions"].items())[: args.top]:
        by = ", ".join(dist["required_by"]) or "-"
        print(f"  {dist['bytes'] / MB:6.1f} MB  {name:<22} required by {by}")
    if args.json:
        args.json.write_text(json.dumps(figures, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
