"""The `clippings` command line: outputs, JSON contracts and exit codes."""

import ast
import csv
import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from clippings.cli import _progress_bar, _terminal, main
from indexer import store
from indexer.results import Marked
from tests.conftest import FIXTURES, REPO, SEED_TITLES
from webui import serve

MEK = "People's Mojahedin Organization of Iran"


def run(*args, env=None):
    return CliRunner().invoke(main, [str(a) for a in args], env=env, catch_exceptions=False)


@pytest.fixture()
def corpus(tmp_path):
    return shutil.copytree(FIXTURES / "search_corpus", tmp_path / "corpus")


def test_index_prints_a_summary(corpus, tmp_path):
    result = run("index", "--corpus", corpus, "--index", tmp_path / "index")
    assert result.exit_code == 0
    assert "5 files seen: 5 added, 0 updated, 0 unchanged, 0 removed, 0 skipped" in result.output
    assert "6 clippings indexed; 6 in the index" in result.output


def test_index_lists_skipped_files_with_reasons(corpus, tmp_path):
    (corpus / "empty.txt").write_bytes(b"")
    result = run("index", "--corpus", corpus, "--index", tmp_path / "index")
    assert result.exit_code == 0
    assert "1 skipped" in result.output
    assert "skipped empty.txt: empty file" in result.output


def test_index_reads_folders_from_the_environment(corpus, tmp_path):
    env = {"CLIPPINGS_CORPUS": str(corpus), "CLIPPINGS_INDEX": str(tmp_path / "env-index")}
    assert run("index", env=env).exit_code == 0
    assert store.exists(tmp_path / "env-index")


def test_busy_index_exits_1(corpus, tmp_path):
    with store.writer_lock(tmp_path / "index"):
        result = run("index", "--corpus", corpus, "--index", tmp_path / "index")
    assert result.exit_code == 1
    assert "busy" in result.output


def test_sample_corpus_entity_search_finds_every_name_of_the_group(sample_index):
    result = run(
        "search", "--json", "--index", sample_index, "--limit", 50, "--all-copies", "entity:PMOI"
    )
    assert result.exit_code == 0
    data = json.loads(result.output)
    seed_hits = {h["title"] for h in data["hits"] if h["path"] == "mek-camp-ashraf.txt"}
    assert seed_hits == set(SEED_TITLES) - {"What to do about Camp Ashraf"}
    assert all(MEK in h["entities"] for h in data["hits"])
    assert {h["path"] for h in data["hits"]} >= {
        "pages/ashraf-raid-2011-04-08.html",
        "pages/ashraf-press-roundup.html",
    }


def test_search_text_output(search_index):
    result = run("search", "--index", search_index, "refugees")
    assert result.exit_code == 0
    assert result.output.startswith("2 clippings match 'refugees' (page 1 of 1)")
    assert "1. Refugees leave the camp" in result.output
    assert "2011-04-08 · Example Wire" in result.output


def test_search_pages_and_sort(search_index):
    data = json.loads(
        run(
            "search",
            "--json",
            "--index",
            search_index,
            "--sort",
            "oldest",
            "--limit",
            2,
            "--page",
            2,
            "",
        ).output
    )
    assert (data["page"], data["pages"], data["sort"]) == (2, 3, "oldest")
    assert [h["date"] for h in data["hits"]] == ["2011-06-30", "2012-02-01"]


@pytest.mark.parametrize("query", ['"unclosed', "author:x", "date:2011-13", "(a"])
def test_malformed_query_exits_2_with_one_line(search_index, query):
    result = CliRunner().invoke(main, ["search", "--index", str(search_index), query])
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert lines[-1].startswith("Error: ")
    assert "Traceback" not in result.output


def test_search_without_index_exits_1(tmp_path):
    result = run("search", "--index", tmp_path / "none", "x")
    assert result.exit_code == 1
    assert "run `clippings index` first" in result.output


def test_stats(search_index):
    data = json.loads(run("stats", "--json", "--index", search_index).output)
    assert data["clippings"] == 6
    assert data["files"] == 5
    assert data["dates"] == {"first": "2010-12-01", "last": "2012-02-01"}
    assert data["undated"] == 2
    assert data["entities"] == 4  # three in the gazetteer, Paris discovered
    assert data["size_bytes"] > 0
    text = run("stats", "--index", search_index).output
    assert "6 clippings from 5 files" in text
    assert "names model: " in text  # which one the last run used, or why none
    assert "problem" not in text


def test_stats_shows_each_feature_that_is_off_on_its_own_line(search_index, monkeypatch):
    from indexer import stats

    figures = stats.index_stats(search_index)
    problems = ["entity table unreadable: names are not expanded", "names model failed to load"]
    monkeypatch.setattr(stats, "index_stats", lambda index_dir: figures | {"problems": problems})
    text = run("stats", "--index", search_index).output.splitlines()
    assert text[-2:] == [f"problem: {p}" for p in problems]
    data = json.loads(run("stats", "--json", "--index", search_index).output)
    assert data["problems"] == problems


def test_parse_shows_the_ids_the_index_gives(tmp_path):
    corpus = tmp_path / "corpus"
    (corpus / "pages").mkdir(parents=True)
    shutil.copy(FIXTURES / "search_corpus" / "refugees-body.txt", corpus / "pages" / "a.txt")
    index = tmp_path / "index"
    run("index", "--quiet", "--corpus", corpus, "--index", index)
    indexed = json.loads(run("search", "--json", "--index", index, "").output)["hits"]
    parsed = json.loads(
        run("parse", "--json", "--corpus", corpus, corpus / "pages" / "a.txt").output
    )["clippings"]
    assert [c["id"] for c in parsed] == [h["id"] for h in indexed] == ["pages/a.txt#1"]


def test_parse_json_contract_on_the_seed():
    result = run(
        "parse", "--json", "--corpus", REPO / "corpus", REPO / "corpus" / "mek-camp-ashraf.txt"
    )
    data = json.loads(result.output)
    assert [c["title"] for c in data["clippings"]] == SEED_TITLES
    assert {c["collection"] for c in data["clippings"]} == {"MEK Camp Ashraf"}
    assert data["clippings"][2]["id"] == "mek-camp-ashraf.txt#3"
    mek = next(e for e in data["clippings"][2]["entities"] if e["name"] == MEK)
    assert mek["type"] == "org"
    assert set(mek["mentions"]) >= {"MKO", "MEK", "PMOI", "Mojahedin-e Khalq Organization"}
    assert data["skipped"] == []


def test_parse_reports_skipped_files_and_touches_no_index(tmp_path):
    (tmp_path / "bad.txt").write_bytes(b"")
    (tmp_path / "good.txt").write_text("Title\n\nSome body text.\n")
    data = json.loads(run("parse", "--json", tmp_path).output)
    assert [c["title"] for c in data["clippings"]] == ["Title"]
    assert data["skipped"] == [{"path": "bad.txt", "reason": "empty file"}]
    assert not (tmp_path / "index").exists()


def test_console_script_is_installed(search_index):
    script = Path(sys.executable).with_name("clippings")
    done = subprocess.run(
        [script, "search", "--index", search_index, "date:[x"], capture_output=True, text=True
    )
    assert done.returncode == 2
    assert len(done.stderr.strip().splitlines()) == 1


def test_malformed_gazetteer_stops_indexing_with_exit_1(corpus, tmp_path):
    (corpus / "entities.toml").write_text("[[entity]]\nname = 'X'\ntype = 'planet'\n")
    result = run("index", "--corpus", corpus, "--index", tmp_path / "index")
    assert result.exit_code == 1
    assert "entity 'X' has type 'planet'; use one of person, org, place" in result.output
    assert not store.exists(tmp_path / "index")


def test_missing_corpus_is_a_usage_error(tmp_path):
    result = CliRunner().invoke(main, ["index", "--corpus", str(tmp_path / "nope")])
    assert result.exit_code == 2
    assert "corpus folder" in result.output


def test_second_index_process_exits_1_while_the_first_holds_the_index(corpus, tmp_path):
    script = Path(sys.executable).with_name("clippings")
    with store.writer_lock(tmp_path / "index"):
        done = subprocess.run(
            [script, "index", "--corpus", corpus, "--index", tmp_path / "index"],
            capture_output=True,
            text=True,
        )
    assert done.returncode == 1
    assert done.stderr.strip() == (
        f"Error: the index in {tmp_path / 'index'} is busy: another `clippings index` is running"
        f" (process {os.getpid()})"
    )


def test_sample_corpus_pmoi_finds_the_nine_seed_clippings_with_other_names_marked(sample_index):
    result = run("search", "--json", "--index", sample_index, "--limit", 50, "PMOI")
    data = json.loads(result.output)
    seed = [h for h in data["hits"] if h["path"] == "mek-camp-ashraf.txt"]
    copies = {c["title"] for h in seed for c in h["similar"]}  # the reposted pair is one hit
    assert copies == {"MKO against members’ families"}
    titles = {h["title"] for h in seed} | copies
    assert titles == set(SEED_TITLES) - {"What to do about Camp Ashraf"}
    assert "MKO" in data["expanded"][0]["also"]
    marked = {h["snippet"][start:end] for h in seed for start, end in h["snippet_marks"]}
    assert {"MEK", "MKO", "PMOI", "Mojahedin"} <= marked


def test_sample_corpus_mujahedin_finds_the_other_spellings(sample_index):
    data = json.loads(run("search", "--json", "--index", sample_index, "Mujahedin").output)
    assert data["expanded"][0]["also"] == ["mojahedin", "mujahedeen"]
    text = " ".join(h["title"] + h["snippet"] for h in data["hits"])
    assert "Mojahedin" in text and "Mujahedeen" in text


def test_entities_command(sample_index):
    data = json.loads(run("entities", "--json", "--index", sample_index).output)
    first = data["entities"][0]
    assert set(first) == {"name", "type", "aliases", "count", "in_gazetteer"}
    places = json.loads(
        run("entities", "--json", "--type", "place", "--index", sample_index).output
    )
    assert {e["type"] for e in places["entities"]} == {"place"}
    discovered = run("entities", "--discovered", "--index", sample_index).output
    assert '[[entity]]\nname = "Camp Liberty"\ntype = "place"' in discovered
    assert "People's Mojahedin" not in discovered


def test_search_csv_prints_every_match(search_index):
    result = run("search", "--csv", "--index", search_index, "--sort", "newest", "--limit", 1, "")
    rows = list(csv.DictReader(io.StringIO(result.output)))
    assert len(rows) == 6
    assert [r["date"] for r in rows][:2] == ["2012-02-01", "2011-06-30"]
    assert rows[-1]["date"] == ""


def test_search_says_what_a_date_filter_left_out(search_index):
    result = run("search", "--index", search_index, "date:2011")
    assert "2 undated clippings match the rest of the query" in result.output


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_marks_are_bold_on_a_terminal_and_control_characters_never_reach_it(monkeypatch):
    text = Marked("MKO said\x1b[31m red", ((0, 3),))
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setattr(sys, "stdout", _Terminal())
    marked = click.style("MKO", fg="yellow", bold=True)
    assert _terminal(text) == marked + " said\\x1b[31m red"
    monkeypatch.setenv("NO_COLOR", "1")  # https://no-color.org
    assert _terminal(text) == "MKO said\\x1b[31m red"
    monkeypatch.delenv("NO_COLOR")
    monkeypatch.setattr(sys, "stdout", io.StringIO())
    assert _terminal(text) == "MKO said\\x1b[31m red"


def test_search_output_off_a_terminal_is_plain_text(sample_index):
    output = run("search", "--index", sample_index, "PMOI").output
    assert "PMOI" in output and "\x1b[" not in output and "<mark>" not in output


def test_no_command_calls_another_commands_callback():
    """Commands share library functions: no `command.callback(...)`, `ctx.invoke(command, ...)`
    nor `ctx.forward(command)` (only the group's own `super().invoke(ctx)`)."""
    source = (REPO / "clippings" / "cli.py").read_text(encoding="utf-8")
    uses = [node for node in ast.walk(ast.parse(source)) if isinstance(node, ast.Attribute)]
    assert not [u for u in uses if u.attr == "callback"]
    assert not [
        u for u in uses if u.attr in ("invoke", "forward") and ast.unparse(u.value) != "super()"
    ]


def test_serve_builds_a_missing_index_first(corpus, tmp_path, monkeypatch):
    served = []
    monkeypatch.setattr(serve, "serve", lambda make_app, *where: served.append(make_app()))
    result = run("serve", "--corpus", corpus, "--index", tmp_path / "index")
    assert result.exit_code == 0
    assert f"First start: indexing the clippings in {corpus}/ into {tmp_path / 'index'}/ …" in (
        result.output
    )
    assert "No index in" not in result.output
    assert "6 clippings indexed; 6 in the index" in result.output
    assert store.exists(tmp_path / "index")
    assert served[0].config["INDEX_DIR"] == str(tmp_path / "index")


class _Bar:
    """A stand-in for click's progress bar that records how it was used."""

    def __init__(self, log, length, **options):
        self.log, self.length = log, length

    def __enter__(self):
        self.log.append(("open", self.length))
        return self

    def __exit__(self, *exc):
        self.log.append(("closed",))

    def update(self, n):
        self.log.append(("tick", n))


def test_the_progress_bar_is_closed_however_the_run_ends(monkeypatch):
    log = []
    monkeypatch.setattr(click, "progressbar", lambda **options: _Bar(log, **options))
    monkeypatch.setattr(sys, "stderr", _Terminal())
    with pytest.raises(OSError), _progress_bar(quiet=False) as progress:
        tick = progress(3)
        tick(1)
        raise OSError("disk full")
    assert log == [("open", 3), ("tick", 1), ("closed",)]
    with _progress_bar(quiet=True) as progress:
        assert progress is None


def test_search_shows_the_suggestion(search_index):
    result = run("search", "--index", search_index, "refugess")
    assert result.output.startswith(
        "No clippings match 'refugess'; showing results for 'refugees' (--no-spell: not)\n"
        "2 clippings match 'refugees'"
    )
    result = run("search", "--index", search_index, "--no-spell", "refugess")
    assert result.output.startswith(
        "0 clippings match 'refugess' (page 1 of 1)\nDid you mean 'refugees'?"
    )
    data = json.loads(run("search", "--json", "--index", search_index, "refugess").output)
    assert (data["suggestion"], data["showing_suggestion"]) == ("refugees", True)


def test_search_says_which_words_were_dropped_and_strict_requires_all(search_index):
    relaxed = run("search", "--index", search_index, "refugees Paris")
    assert relaxed.exit_code == 0
    assert "showing clippings with up to 1 of 2 words; none has all" in relaxed.output
    assert "missing: Paris" in relaxed.output and "missing: refugees" in relaxed.output
    strict = run("search", "--index", search_index, "--strict", "refugees Paris")
    assert strict.exit_code == 0 and strict.output.startswith("0 clippings match")


def test_search_on_an_index_from_an_older_version_says_to_rebuild(tmp_path):
    from whoosh import index as whoosh_index

    from indexer import store
    from indexer.schema import clipping_schema

    schema = clipping_schema()
    schema.remove("when")
    (tmp_path / "index").mkdir()
    whoosh_index.create_in(str(tmp_path / "index"), schema, indexname=store.INDEX_NAME)
    result = CliRunner().invoke(main, ["search", "--index", str(tmp_path / "index"), "camp"])
    assert result.exit_code == 1
    assert "older version of clippings: run `clippings index` to rebuild it" in result.output


@pytest.fixture()
def tigers_index(tmp_path):
    corpus = shutil.copytree(FIXTURES / "aliases", tmp_path / "tigers")
    run("index", "--corpus", corpus, "--index", tmp_path / "index")
    return tmp_path / "index"


def test_entities_explain_says_why_names_are_one(tigers_index):
    result = run("entities", "--explain", "ltte", "--index", tigers_index)
    assert result.exit_code == 0
    assert result.output.splitlines() == [
        "Tamil Tigers [org], named in 3 clippings, discovered",
        "Names: Tamil Tigers, LTTE",
        "Why they are one:",
        "  LTTE = Tamil Tigers: listed together as LTTE, also known as the Tamil Tigers"
        " in tigers-named.txt#1",
    ]


def test_entities_explain_json(tigers_index):
    data = json.loads(
        run("entities", "--explain", "LTTE", "--json", "--index", tigers_index).output
    )
    assert data["entity"]["name"] == "Tamil Tigers" and data["entity"]["count"] == 3
    assert data["reasons"] == [
        {
            "a": "LTTE",
            "b": "Tamil Tigers",
            "rule": "listed",
            "shown": "LTTE, also known as the Tamil Tigers",
            "where": ["tigers-named.txt#1"],
            "seen": 1,
            "why": "LTTE = Tamil Tigers: listed together as LTTE, also known as the Tamil Tigers"
            " in tigers-named.txt#1",
        }
    ]


def test_entities_explain_an_unknown_name_exits_1_with_one_line(tigers_index):
    result = CliRunner().invoke(
        main, ["entities", "--explain", "Nobody", "--index", str(tigers_index)]
    )
    assert result.exit_code == 1
    assert result.output == (
        "Error: No entity is called 'Nobody' in the index; `clippings entities` lists them.\n"
    )


def test_counts_are_singular_for_one(corpus, tmp_path):
    one = tmp_path / "one"
    one.mkdir()
    shutil.copy(corpus / "refugees-title.txt", one)
    result = run("index", "--corpus", one, "--index", tmp_path / "index")
    assert result.output.splitlines()[0].startswith("1 file seen: 1 added")
    assert "1 clipping indexed; 1 in the index" in result.output
    stats = run("stats", "--index", tmp_path / "index").output
    assert stats.startswith("1 clipping from 1 file (0 skipped)")
    searched = run("search", "--index", tmp_path / "index", "refugees").output
    assert "1 clipping matches 'refugees'" in searched
    checked = run("check", "--corpus", one, "--index", tmp_path / "index").output
    assert "index matches the corpus: 1 clipping from 1 file" in checked
    parsed = run("parse", one / "refugees-title.txt", "--corpus", one).output
    assert parsed.rstrip().endswith("1 clipping, no files skipped")


def test_one_undated_clipping_left_out_is_one(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "dated.txt").write_text("Title: Flood in the valley\nDate: 2011-04-08\n\nFlood.\n")
    (corpus / "undated.txt").write_text("Title: Flood again\n\nAnother flood.\n")
    run("index", "--corpus", corpus, "--index", tmp_path / "index")
    result = run("search", "--index", tmp_path / "index", "flood date:2011")
    assert "1 undated clipping matches the rest of the query (the date filter left it out" in (
        result.output
    )


def test_deleting_skipped_files_removes_no_clippings(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "good.txt").write_text("Title: Camp news\n\nThe camp reopened.\n")
    (corpus / "empty-1.txt").write_text("")
    (corpus / "empty-2.txt").write_text("Title: only a title\n")
    first = run("index", "--corpus", corpus, "--index", tmp_path / "index").output
    assert ", 0 removed, 2 skipped" in first
    (corpus / "empty-1.txt").unlink()
    (corpus / "empty-2.txt").unlink()
    second = run("index", "--corpus", corpus, "--index", tmp_path / "index").output
    assert second.splitlines()[0] == (
        "1 file seen: 0 added, 0 updated, 1 unchanged, 0 removed, 0 skipped; 2 skipped files gone"
    )
    assert "0 clippings indexed; 1 in the index" in second


def test_progress_is_drawn_only_on_a_terminal(corpus, tmp_path):
    result = run("index", "--corpus", corpus, "--index", tmp_path / "index")  # stderr: a pipe
    assert "Parsing" not in result.output and "Parsing" not in (result.stderr or "")


def test_readme_and_help_agree_on_the_number_of_server_processes():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    help_text = run("serve", "--help").output
    assert "cores, at most 4" in " ".join(help_text.split())
    assert "one per core, at most 4" in " ".join(readme.split())


@pytest.mark.parametrize(("given", "threads"), [([], 1), (["--threads", "3"], 3)])
def test_serve_runs_one_app_thread_per_process_unless_told(corpus, tmp_path, monkeypatch, given,
                                                           threads):  # fmt: skip
    asked = []
    monkeypatch.setattr(serve, "serve", lambda *args: asked.append(args[-1]))
    result = run("serve", "--corpus", corpus, "--index", tmp_path / "index", *given)
    assert result.exit_code == 0 and asked == [threads]


def test_serve_refuses_a_thread_count_below_one(corpus, tmp_path):
    result = run("serve", "--corpus", corpus, "--index", tmp_path / "index", "--threads", "0")
    assert result.exit_code == 2
    assert "Invalid value for '--threads'" in result.output
