"""bench/footprint.py counts disk use as `du` does (the README's install size comes from it)."""

from __future__ import annotations

import os
import subprocess
import sys

from tests.conftest import REPO

sys.path.insert(0, str(REPO))

from bench.footprint import VENV_TOOLS, _key, disk_usage  # noqa: E402


def test_disk_usage_counts_blocks_as_du_does_and_a_hard_link_once(tmp_path):
    (tmp_path / "package").mkdir()
    (tmp_path / "package" / "data.bin").write_bytes(os.urandom(100_000))
    (tmp_path / "small.txt").write_text("x", "utf-8")
    os.link(tmp_path / "package" / "data.bin", tmp_path / "linked.bin")
    du = subprocess.run(["du", "-sk", str(tmp_path)], capture_output=True, text=True, check=True)
    assert disk_usage(tmp_path) == int(du.stdout.split()[0]) * 1024


def test_distribution_names_compare_as_pip_normalises_them():
    assert _key("Whoosh_Reloaded") == _key("whoosh-reloaded") == "whoosh-reloaded"
    assert _key("Setuptools") in VENV_TOOLS and _key("pip") in VENV_TOOLS
