"""The `clippings` command: thin wrappers over the engine in `indexer/` and the app in `webui/`.

This is an edge: the environment is read here (folders, and `Settings` once per run in the
group), and the commands call library functions, never one another.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
from dataclasses import asdict
from pathlib import Path

import click

from indexer import store
from indexer.clipping import BadFile
from indexer.names import ENTITY_TYPES
from indexer.names.gazetteer import GAZETTEER_NAME, Gazetteer
from indexer.query import SYNTAX_HINT, QueryError
from indexer.results import SORTS, Marked, RelaxedWords
from indexer.settings import Settings
from indexer.wording import counted

# Commands import the heavy parts of the engine (parsers, searcher) when they run, so that
# `clippings index` with nothing to do, or `--help`, starts at once.

corpus_option = click.option(
    "--corpus",
    type=click.Path(file_okay=False, path_type=Path),
    default="corpus",
    envvar="CLIPPINGS_CORPUS",
    show_default=True,
    help="Folder of clippings (env CLIPPINGS_CORPUS).",
)
index_option = click.option(
    "--index",
    "index_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default="index",
    envvar="CLIPPINGS_INDEX",
    show_default=True,
    help="Index folder (env CLIPPINGS_INDEX).",
)
json_option = click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text.")
# The settings the group read from the environment, for a command that passes them on.
pass_settings = click.make_pass_decorator(Settings)


class UsageError(click.ClickException):
    """Bad usage or a malformed query: one line on stderr, exit code 2."""

    exit_code = 2


def _fail(message: str) -> None:
    click.echo(f"Error: {message}", err=True)
    sys.exit(1)


class _Commands(click.Group):
    """The command group: an index that is missing, busy, damaged or cannot be written, and a
    gazetteer that cannot be read, are one line on stderr and exit code 1, never a traceback
    (nor click's bare "Aborted!")."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except (
            store.IndexMissing,
            store.IndexBusy,
            store.IndexDamaged,
            store.IndexWriteFailed,
            BadFile,
        ) as error:
            _fail(str(error))


@click.group(cls=_Commands, context_settings={"help_option_names": ["-h", "--help"]})
@click.pass_context
def main(ctx: click.Context) -> None:
    """Search a folder of news clippings: index it, query it, serve a search page."""
    ctx.obj = Settings.from_environment()


@main.command("index")
@corpus_option
@index_option
@click.option("--rebuild", is_flag=True, help="Re-read every file and replace the whole index.")
@click.option("--quiet", is_flag=True, help="No progress bar.")
@click.option(
    "--watch",
    is_flag=True,
    help="Then keep watching the corpus folder and index what changes, until Ctrl+C.",
)
@pass_settings
def index_command(
    settings: Settings, corpus: Path, index_dir: Path, rebuild: bool, quiet: bool, watch: bool
) -> None:
    """Build or update the index (incremental: only new, changed and deleted files)."""
    if not corpus.is_dir():
        raise UsageError(f"corpus folder {corpus} does not exist")
    summary = _summary(_update(corpus, index_dir, settings, rebuild=rebuild, quiet=quiet))
    click.echo(summary)
    if watch:
        _watch(corpus, index_dir, settings, set(summary.splitlines()))


def _watch(corpus: Path, index_dir: Path, settings: Settings, told: set[str]) -> None:
    """Index each batch of changes to the corpus folder until interrupted, a line each; lines
    of a batch's summary already `told` (a bad file's skip line) are not repeated."""
    import signal
    import threading
    import time

    from indexer.watch import watch_and_index

    stop = threading.Event()
    # Ctrl+C and SIGTERM end the watch after the run in progress (watchfiles would swallow a
    # KeyboardInterrupt and the watch would go on).
    signal.signal(signal.SIGTERM, lambda signum, frame: stop.set())
    signal.signal(signal.SIGINT, lambda signum, frame: stop.set())

    def said(event) -> None:
        when = time.strftime("%H:%M:%S")
        if event.kind == "indexed":
            changes = counted(event.changes, "change") if event.changes else "caught up"
            lines = _summary(event.report).splitlines()
            click.echo(f"{when} {changes}: " + "; ".join(lines[:2]))
            for line in lines[2:]:
                if line not in told:
                    click.echo(line)
                told.add(line)
        elif event.kind == "settled":
            if event.report.clippings_retagged:
                retagged = counted(event.report.clippings_retagged, "clipping")
                click.echo(f"{when} {retagged} re-tagged with names found in other clippings")
        elif event.kind == "watching":
            click.echo(event.message)
        else:
            click.echo(f"{when} {event.message}")

    watch_and_index(corpus, index_dir, settings, said, stop)
    click.echo("Stopped watching.")


def _update(corpus: Path, index_dir: Path, settings: Settings, *, rebuild: bool, quiet: bool):
    """Run `update_index`, with a progress bar on a terminal unless `quiet`."""
    from indexer.update import update_index

    with _progress_bar(quiet) as progress:
        return update_index(
            corpus, index_dir, rebuild=rebuild, progress=progress, settings=settings
        )


@contextlib.contextmanager
def _progress_bar(quiet: bool):
    """The `progress` callback for `update_index`, None when `quiet` or when stderr is not a
    terminal (a log or a pipe gets the summary only). Given the number of files to parse, it
    opens a progress bar that this block closes, however the run ends."""
    if quiet or not sys.stderr.isatty():
        yield None
        return
    with contextlib.ExitStack() as bars:

        def start(total: int):
            bar = bars.enter_context(
                click.progressbar(length=total, label="Parsing", file=sys.stderr)
            )
            return bar.update

        yield start


def _summary(report) -> str:
    gone = f"; {counted(report.forgotten, 'skipped file')} gone" if report.forgotten else ""
    lines = [
        f"{counted(report.files_seen, 'file')} seen: {report.added} added, {report.updated} "
        f"updated, {report.unchanged} unchanged, {report.removed} removed, "
        f"{len(report.skipped)} skipped{gone}",
        f"{counted(report.clippings_indexed, 'clipping')} indexed; {report.clippings_total} in "
        f"the index; {report.seconds:.2f} s",
    ]
    if report.moved_aside:
        lines.append(f"the damaged index was moved aside to {report.moved_aside}")
    if report.repaired:
        lines.append("finished what an interrupted run had left undone")
    lines += [f"  skipped {s.path}: {s.reason}" for s in report.skipped]
    return "\n".join(lines)


@main.command("search")
@click.argument("query")
@index_option
@click.option(
    "--limit", default=10, show_default=True, type=click.IntRange(1, 1000), help="Hits per page."
)
@click.option("--page", default=1, show_default=True, type=click.IntRange(1), help="Page number.")
@click.option("--sort", type=click.Choice(SORTS), default="relevance", show_default=True)
@click.option(
    "--no-expand",
    is_flag=True,
    help="Search names only as typed, not also their other names and spellings.",
)
@click.option(
    "--all-copies",
    is_flag=True,
    help="Show every clipping, not one hit per group of near-duplicates (reprints).",
)
@click.option(
    "--no-spell",
    is_flag=True,
    help="When the query finds nothing, do not show its spelling suggestion's matches instead.",
)
@click.option(
    "--strict",
    is_flag=True,
    help="Require every word; by default, when fewer than a page of clippings hold all the "
    "words, clippings holding some of them follow.",
)
@json_option
@click.option("--csv", "as_csv", is_flag=True, help="Print every match (all pages) as CSV.")
def search_command(
    query: str,
    index_dir: Path,
    limit: int,
    page: int,
    sort: str,
    no_expand: bool,
    all_copies: bool,
    no_spell: bool,
    strict: bool,
    as_json: bool,
    as_csv: bool,
) -> None:
    """Search the index; QUERY uses the syntax of the search page."""
    from webui.export import csv_lines

    with _engine(index_dir) as engine:
        try:
            results = engine.search(
                query,
                page=page,
                sort=sort,
                pagelen=limit,
                expand=not no_expand,
                group=not all_copies,
                spell=not no_spell,
                strict=strict,
            )
            if as_csv:
                matches = engine.export(query, sort, expand=not no_expand, strict=strict)
                for line in csv_lines(matches):
                    click.echo(line, nl=False)
                return
        except QueryError as error:
            raise UsageError(f"{error}. Syntax: {SYNTAX_HINT}") from None
    if as_json:
        click.echo(json.dumps(results.to_json(), ensure_ascii=False, indent=2))
        return
    shown = results.suggestion.text if results.showing_suggestion else query
    if results.showing_suggestion:
        click.echo(f"No clippings match {query!r}; showing results for {shown!r} (--no-spell: not)")
    match = "matches" if results.total == 1 else "match"
    click.echo(
        f"{counted(results.total, 'clipping')} {match} {shown!r} "
        f"(page {results.page} of {results.pages})"
    )
    if results.suggestion and not results.showing_suggestion:
        click.echo(f"Did you mean {results.suggestion.text!r}?")
    for expansion in results.expanded:
        click.echo(f"also searched for {expansion.term}: {', '.join(expansion.also)}")
    if results.relaxed:
        click.echo(_relaxed_line(results.relaxed))
    if results.undated_left_out:
        one = results.undated_left_out == 1
        click.echo(
            f"{counted(results.undated_left_out, 'undated clipping')} "
            f"{'matches' if one else 'match'} the rest of the query (the date filter left "
            f"{'it' if one else 'them'} out; add undated:yes to see {'it' if one else 'them'})"
        )
    first = (results.page - 1) * limit
    for number, hit in enumerate(results.hits, start=first + 1):
        meta = " · ".join(filter(None, [hit.date or "undated", hit.source, hit.id]))
        title, snippet = _terminal(hit.marked_title), _terminal(hit.snippet)
        click.echo(f"\n{number}. {title}\n   {meta}\n   {snippet}")
        if hit.missing:
            click.echo(f"   missing: {_printable(', '.join(hit.missing))}")
        if hit.similar:
            copies = ", ".join(member.id for member in hit.similar)
            click.echo(f"   {_similar_count(len(hit.similar))}: {_printable(copies)}")


def _relaxed_line(relaxed: RelaxedWords) -> str:
    """What the CLI says of a relaxed query: how many words the matches have (--strict: all)."""
    words = len(relaxed.words)
    if words == 1:
        have = "has" if relaxed.complete == 1 else "have"
        said = (
            f"{relaxed.complete} {have} {relaxed.words[0]!r} too; then clippings without it"
            if relaxed.complete
            else f"none has {relaxed.words[0]!r} with the rest; showing those without it"
        )
    elif relaxed.complete:
        have = "has" if relaxed.complete == 1 else "have"
        said = f"{relaxed.complete} of them {have} all {words} words; then clippings with some"
    else:
        said = f"showing clippings with up to {relaxed.most} of {words} words; none has all"
    required = f"; always required: {', '.join(relaxed.required)}" if relaxed.required else ""
    ignored = f"; not searched: {', '.join(relaxed.ignored)}" if relaxed.ignored else ""
    return _printable(f"{said}{required}{ignored} (--strict: every word required)")


def _similar_count(count: int) -> str:
    return counted(count, "similar clipping")


def _terminal(text: Marked) -> str:
    """Marked text for the terminal: matches in bold yellow when stdout is a terminal and NO_COLOR
    is not set (no-color.org), plain otherwise; control characters from the clipping shown
    escaped, never sent to the terminal."""
    bold = sys.stdout.isatty() and not os.environ.get("NO_COLOR")
    return "".join(
        click.style(_printable(piece), fg="yellow", bold=True)
        if hit and bold
        else _printable(piece)
        for piece, hit in text.parts()
    )


def _printable(text: str) -> str:
    """`text` with whitespace as spaces and other control characters as \\xNN escapes."""
    return "".join(
        c if c.isprintable() else " " if c.isspace() else f"\\x{ord(c):02x}" for c in text
    )


@main.command("serve")
@corpus_option
@index_option
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=int)
@click.option(
    "--workers",
    default=min(os.cpu_count() or 1, 4),
    show_default="cores, at most 4",
    type=click.IntRange(1, 32),
    help="Server processes (each answers on its own core).",
)
@click.option(
    "--threads",
    default=1,
    show_default=True,
    type=click.IntRange(1, 64),
    help="Threads per process. One answers requests in turn at the least CPU a page; more let "
    "a long export of a whole archive run beside the searches instead of ahead of them.",
)
@click.option(
    "--base-url",
    default="",
    envvar="CLIPPINGS_BASE_URL",
    help="Address the pages are served at (https://…), for the absolute links of feeds and "
    "redirects; without it they are relative (env CLIPPINGS_BASE_URL).",
)
@click.option(
    "--watch",
    is_flag=True,
    help="Also watch the corpus folder and index what changes while serving.",
)
@pass_settings
def serve_command(
    settings: Settings,
    corpus: Path,
    index_dir: Path,
    host: str,
    port: int,
    workers: int,
    threads: int,
    base_url: str,
    watch: bool,
) -> None:
    """Serve the search page (builds the index first if there is none)."""
    from webui.app import checked_base_url, create_app
    from webui.serve import serve

    try:
        checked_base_url(base_url)
    except ValueError as error:
        raise UsageError(str(error)) from None
    if not store.exists(index_dir):
        if not corpus.is_dir():
            raise UsageError(
                f"no index in {index_dir} and no corpus folder {corpus} to build it from"
            )
        click.echo(f"First start: indexing the clippings in {corpus}/ into {index_dir}/ …")
        click.echo(_summary(_update(corpus, index_dir, settings, rebuild=False, quiet=True)))
    elif store.is_outdated(index_dir) and corpus.is_dir():
        click.echo(f"The index in {index_dir}/ was built by an older version: rebuilding it …")
        click.echo(_summary(_update(corpus, index_dir, settings, rebuild=False, quiet=True)))
    config = {
        "INDEX_DIR": str(index_dir),
        "CORPUS_DIR": str(corpus),
        "BASE_URL": base_url,
        "SERVED_AT": f"http://{host}:{port}",
        "SETTINGS": settings,
    }
    if watch and not corpus.is_dir():
        raise UsageError(f"corpus folder {corpus} does not exist: nothing to watch")
    click.echo(f"Serving clippings search on http://{host}:{port}/ (Ctrl+C to stop)")
    serve(
        lambda: create_app(config),
        host,
        port,
        workers,
        _watcher(corpus, index_dir) if watch else None,
        threads,
    )


def _watcher(corpus: Path, index_dir: Path) -> list[str]:
    """`clippings index --watch` as a command of its own, which `serve` keeps running beside the
    server (a process apart: no fork of a process with serving threads)."""
    return [sys.executable, "-m", "clippings", "index", "--watch", "--quiet",
            "--corpus", str(corpus), "--index", str(index_dir)]  # fmt: skip


@main.command("stats")
@index_option
@json_option
def stats_command(index_dir: Path, as_json: bool) -> None:
    """Clippings, files, entities, date span and size of the index, and any feature that is off
    (an unreadable entity table, a names model that failed to load), one line each."""
    from indexer.stats import index_stats

    stats = index_stats(index_dir)
    if as_json:
        click.echo(json.dumps(stats, ensure_ascii=False, indent=2))
        return
    span = stats["dates"]
    click.echo(
        f"{counted(stats['clippings'], 'clipping')} from {counted(stats['files'], 'file')} "
        f"({stats['skipped_files']} skipped)\n"
        f"{counted(stats['entities'], 'entity', 'entities')}\n"
        f"dates: {span['first'] or '-'} to {span['last'] or '-'} ({stats['undated']} undated)\n"
        f"index size: {stats['size_bytes'] / 1e6:.1f} MB in {stats['index']}"
    )
    click.echo(f"names model: {stats['names_model']}")
    for problem in stats["problems"]:
        click.echo(f"problem: {problem}")


@main.command("check")
@corpus_option
@index_option
@json_option
def check_command(corpus: Path, index_dir: Path, as_json: bool) -> None:
    """Compare the index with the corpus: missing, stale, duplicate or orphaned clippings."""
    from indexer.check import check_index

    if not corpus.is_dir():
        raise UsageError(f"corpus folder {corpus} does not exist")
    report = check_index(corpus, index_dir)
    if as_json:
        click.echo(json.dumps(report.to_json(), ensure_ascii=False, indent=2))
    else:
        for problem in report.problems:
            click.echo(problem.line())
        click.echo(report.summary())
    sys.exit(0 if report.clean else 1)


@main.command("entities")
@index_option
@click.option("--type", "kind", type=click.Choice(ENTITY_TYPES), help="Only this type.")
@click.option(
    "--discovered",
    is_flag=True,
    help="Only entities not in the gazetteer, as [[entity]] entries to paste into entities.toml.",
)
@click.option(
    "--explain",
    metavar="NAME",
    help="Why the names of the entity NAME (any of its names) are one entity.",
)
@json_option
def entities_command(
    index_dir: Path, kind: str | None, discovered: bool, explain: str | None, as_json: bool
) -> None:
    """List the people, organisations and places named, with their aliases and counts."""
    if explain is not None:
        _explain_entity(index_dir, explain, as_json)
        return
    with _engine(index_dir) as engine:
        listed = engine.entities(kind=kind, discovered=discovered)
    if as_json:
        click.echo(
            json.dumps({"entities": [asdict(e) for e in listed]}, ensure_ascii=False, indent=2)
        )
    elif discovered:
        click.echo("\n".join(_toml_entry(e) for e in listed))
    else:
        for e in listed:
            others = ", ".join(a for a in e.aliases if a != e.name)
            mark = "" if e.in_gazetteer else " (discovered)"
            click.echo(
                f"{e.count:6}  {e.name} [{e.type}]{mark}" + (f" — {others}" if others else "")
            )


def _explain_entity(index_dir: Path, name: str, as_json: bool) -> None:
    """Print an entity, its names and the evidence that makes them one."""
    with _engine(index_dir) as engine:
        explained = engine.explain_entity(name)
    if explained is None:
        _fail(f"No entity is called {name!r} in the index; `clippings entities` lists them.")
    if as_json:
        click.echo(json.dumps(explained.to_json(), ensure_ascii=False, indent=2))
        return
    e = explained.entity
    source = "the gazetteer" if e.in_gazetteer else "discovered"
    click.echo(f"{e.name} [{e.type}], named in {counted(e.count, 'clipping')}, {source}")
    click.echo("Names: " + ", ".join(e.aliases))
    if explained.reasons:
        click.echo("Why they are one:")
        for reason in explained.reasons:
            click.echo(f"  {reason.sentence()}")


def _toml_entry(entity) -> str:
    aliases = ", ".join(
        json.dumps(a, ensure_ascii=False) for a in entity.aliases if a != entity.name
    )
    name = json.dumps(entity.name, ensure_ascii=False)
    return (
        f"# in {counted(entity.count, 'clipping')}\n[[entity]]\nname = {name}\n"
        f'type = "{entity.type}"\naliases = [{aliases}]\n'
    )


@main.command("parse")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@corpus_option
@json_option
@pass_settings
def parse_command(settings: Settings, paths: tuple[Path, ...], corpus: Path, as_json: bool) -> None:
    """Show what the indexer sees in files or folders, with the ids the index gives them
    (files inside the corpus folder are named from its root); indexes nothing."""
    from indexer.parse import parse_paths

    gazetteer = Gazetteer.load(corpus / GAZETTEER_NAME)
    report = parse_paths(list(paths), gazetteer, corpus=corpus, settings=settings)
    if as_json:
        click.echo(json.dumps(report.to_json(), ensure_ascii=False, indent=2))
        return
    for clipping in report.clippings:
        click.echo(f"{clipping.id}\n  title: {clipping.title}")
        for label in ("date", "source", "url", "collection"):
            click.echo(f"  {label}: {getattr(clipping, label) or '-'}")
        names = ", ".join(f"{e.name} ({e.type})" for e in clipping.entities) or "-"
        click.echo(f"  entities: {names}\n  body: {len(clipping.body.split())} words\n")
    for skipped in report.skipped:
        click.echo(f"skipped {skipped.path}: {skipped.reason}")
    skipped = counted(len(report.skipped), "file") if report.skipped else "no files"
    click.echo(f"{counted(len(report.clippings), 'clipping')}, {skipped} skipped")


def _engine(index_dir: Path):
    """The index's search engine, closed when the block using it ends."""
    from indexer.search import SearchEngine

    return contextlib.closing(SearchEngine(index_dir))
