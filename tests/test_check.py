"""`clippings check`: index, corpus and manifest compared, each problem made for real."""

import json
import os
import shutil

import pytest
from click.testing import CliRunner

from clippings.cli import main
from indexer import store
from tests.conftest import FIXTURES

CLEAN = "index matches the corpus: 6 clippings from 5 files\n"
INDEX_FIXES = "run `clippings index` to fix"
REBUILD_FIXES = "run `clippings index --rebuild` to fix"


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


@pytest.fixture(scope="module")
def indexed(tmp_path_factory):
    """The search corpus and its index, built once; tests work on copies."""
    root = tmp_path_factory.mktemp("checked")
    shutil.copytree(FIXTURES / "search_corpus", root / "corpus")
    assert (
        run("index", "--quiet", "--corpus", root / "corpus", "--index", root / "index").exit_code
        == 0
    )
    return root


@pytest.fixture()
def folders(indexed, tmp_path):
    """A fresh copy of the corpus and its index (file times kept) for one test."""
    for name in ("corpus", "index"):
        shutil.copytree(indexed / name, tmp_path / name)
    return tmp_path / "corpus", tmp_path / "index"


def check(folders, *options):
    corpus, index = folders
    return run("check", "--corpus", corpus, "--index", index, *options)


def reindex(folders, *options):
    corpus, index = folders
    assert run("index", "--quiet", "--corpus", corpus, "--index", index, *options).exit_code == 0


def add_file(corpus, index):
    (corpus / "new.txt").write_text(
        "New clipping\nDate: 2011-05-01\n\nRefugees crossed the border.\n"
    )


def edit_file(corpus, index):
    path = corpus / "refugees-body.txt"
    path.write_text(path.read_text() + "More refugees arrived on Friday.\n")


def delete_file(corpus, index):
    (corpus / "undated-note.txt").unlink()


def break_file(corpus, index):
    path = corpus / "undated-note.txt"
    path.unlink()
    path.symlink_to(corpus / "nowhere.txt")


def drop_manifest(corpus, index):
    (index / store.MANIFEST).unlink()


def age_manifest(corpus, index):
    edit_manifest(index, lambda data: data.update(generation=data["generation"] - 1))


CORPUS_CHANGES = [
    (add_file, "missing: new.txt: not indexed (new since the last `clippings index`)"),
    (
        edit_file,
        "stale: refugees-body.txt: changed since its clippings were indexed (163 → 196 bytes)",
    ),
    (
        delete_file,
        "orphaned: undated-note.txt: 1 clipping of a file that is no longer in the corpus",
    ),
    (
        break_file,
        "orphaned: undated-note.txt: 1 clipping of a file that is now skipped "
        "(broken symbolic link)",
    ),
    (
        drop_manifest,
        "manifest: files.json: not found (a run was interrupted, or it was deleted); "
        "files without clippings cannot be told skipped from missing",
    ),
    (
        age_manifest,
        "manifest: files.json: written for another generation of the index (a run was "
        "interrupted); files without clippings cannot be told skipped from missing",
    ),
]


def test_a_fresh_index_is_clean(folders):
    result = check(folders)
    assert (result.exit_code, result.output) == (0, CLEAN)


@pytest.mark.parametrize("change, line", CORPUS_CHANGES, ids=lambda c: getattr(c, "__name__", ""))
def test_corpus_changes_are_problems_until_the_next_index_run(folders, change, line):
    change(*folders)
    result = check(folders)
    assert result.exit_code == 1
    kind = line.split(":")[0]
    assert result.output == f"{line}\n1 problem: 1 {kind}; {INDEX_FIXES}\n"
    reindex(folders)
    assert check(folders).exit_code == 0


@pytest.mark.parametrize("reindexed", [False, True], ids=["touched", "touched-and-reindexed"])
def test_a_file_touched_but_not_changed_is_no_problem(folders, reindexed):
    path = folders[0] / "mek-digest.txt"
    later = path.stat().st_mtime_ns + 5_000_000_000
    os.utime(path, ns=(later, later))
    if reindexed:
        reindex(folders)
    result = check(folders)
    assert (result.exit_code, result.output) == (0, CLEAN)


def edit_manifest(index, change) -> None:
    """Change files.json as a run that went wrong would leave it."""
    path = index / store.MANIFEST
    data = json.loads(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(json.dumps(data), encoding="utf-8")


def behind_the_manifest(index, write) -> None:
    """Commit `write(writer, searcher)` to the index and stamp files.json with the new
    generation, so that only what the write did differs."""
    ix = store.open_index(index)
    with ix.searcher() as searcher:
        writer = ix.writer()
        write(writer, searcher)
        writer.commit()
    generation = store.open_index(index).latest_generation()
    edit_manifest(index, lambda data: data.update(generation=generation))


def duplicate_clipping(writer, searcher):
    writer.add_document(**searcher.document(id="mek-digest.txt#2"))


def delete_clipping(writer, searcher):
    writer.delete_by_term("id", "mek-digest.txt#2")


def row(data, path):
    return next(r for r in data["files"] if r[0] == path)


def other_hash(data):
    row(data, "refugees-title.txt")[3] = "0" * 64


def other_tags(data):
    """The manifest keeps each file's names as JSON text."""
    names = json.loads(row(data, "mek-digest.txt")[6])
    names[0][3] = [["Somebody Else", "person"]]
    row(data, "mek-digest.txt")[6] = json.dumps(names)


INDEX_DISAGREEMENTS = [
    (duplicate_clipping, None, "duplicate: mek-digest.txt#2: held by 2 documents"),
    (
        delete_clipping,
        None,
        "missing: mek-digest.txt: files.json records 2 clippings, the index holds 1",
    ),
    (
        None,
        other_hash,
        "manifest: refugees-title.txt: files.json records another version of the file than was "
        "indexed",
    ),
    (
        None,
        other_tags,
        "tags: mek-digest.txt#1: entity tags differ from those files.json records for it",
    ),
]


@pytest.mark.parametrize(
    "write, manifest_change, line",
    INDEX_DISAGREEMENTS,
    ids=["duplicate", "count", "hash", "tags"],
)
def test_index_and_manifest_disagreeing_need_a_rebuild(folders, write, manifest_change, line):
    _, index = folders
    if write:
        behind_the_manifest(index, write)
    if manifest_change:
        edit_manifest(index, manifest_change)
    kind = line.split(":")[0]
    expected = f"{line}\n1 problem: 1 {kind}; {REBUILD_FIXES}\n"
    assert (check(folders).exit_code, check(folders).output) == (1, expected)
    reindex(folders)  # the incremental run trusts the manifest: the problem stays
    assert check(folders).output == expected
    reindex(folders, "--rebuild")
    assert (check(folders).exit_code, check(folders).output) == (0, CLEAN)


def test_several_problems_are_listed_by_path_and_counted_by_kind(folders):
    corpus, _ = folders
    add_file(*folders)
    delete_file(*folders)
    (corpus / "markup.html").unlink()
    result = check(folders)
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        "orphaned: markup.html: 1 clipping of a file that is no longer in the corpus",
        "missing: new.txt: not indexed (new since the last `clippings index`)",
        "orphaned: undated-note.txt: 1 clipping of a file that is no longer in the corpus",
        f"3 problems: 1 missing, 2 orphaned; {INDEX_FIXES}",
    ]


def test_json_lists_problems_with_kind_path_detail_and_fix(folders):
    delete_file(*folders)
    result = check(folders, "--json")
    assert result.exit_code == 1
    assert json.loads(result.output) == {
        "clean": False,
        "clippings": 6,
        "files": 5,
        "counts": {"orphaned": 1},
        "fix": "clippings index",
        "problems": [
            {
                "kind": "orphaned",
                "path": "undated-note.txt",
                "id": None,
                "detail": "1 clipping of a file that is no longer in the corpus",
                "fix": "clippings index",
            }
        ],
        "summary": f"1 problem: 1 orphaned; {INDEX_FIXES}",
    }


def test_json_of_a_clean_index(folders):
    result = check(folders, "--json")
    assert result.exit_code == 0
    data = json.loads(result.output)
    assert (data["clean"], data["problems"], data["fix"]) == (True, [], None)


def test_no_index_is_one_line_and_exit_1(folders, tmp_path):
    result = run("check", "--corpus", folders[0], "--index", tmp_path / "nothing")
    assert result.exit_code == 1
    assert (
        result.output == f"Error: no index in {tmp_path / 'nothing'}: run `clippings index` first\n"
    )
