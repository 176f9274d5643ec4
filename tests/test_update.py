"""Incremental indexing: add, change, delete, unchanged, rebuild, bad files, the busy lock."""

import json
import os
import shutil

import pytest

from indexer import store
from indexer.check import check_index
from indexer.names import RULES_VERSION
from indexer.search import SearchEngine
from indexer.update import update_index
from tests.conftest import FIXTURES, REPO


@pytest.fixture()
def corpus(tmp_path):
    corpus = tmp_path / "corpus"
    shutil.copytree(FIXTURES / "search_corpus", corpus)
    return corpus


def titles(index_dir, query=""):
    engine = SearchEngine(index_dir)
    try:
        return sorted(h.title for h in engine.search(query, pagelen=100).hits)
    finally:
        engine.close()


def test_first_run_adds_every_file(corpus, tmp_path):
    report = update_index(corpus, tmp_path / "index")
    assert (report.files_seen, report.added, report.updated, report.removed) == (5, 5, 0, 0)
    assert report.clippings_indexed == report.clippings_total == 6
    assert report.skipped == []


def test_second_run_skips_unchanged_files(corpus, tmp_path):
    update_index(corpus, tmp_path / "index")
    report = update_index(corpus, tmp_path / "index")
    assert (report.added, report.updated, report.unchanged, report.clippings_indexed) == (
        0,
        0,
        5,
        0,
    )
    assert report.clippings_total == 6


def test_touched_but_identical_file_is_not_reindexed(corpus, tmp_path):
    update_index(corpus, tmp_path / "index")
    os.utime(corpus / "refugees-title.txt", ns=(1, 1))
    report = update_index(corpus, tmp_path / "index")
    assert (report.updated, report.unchanged, report.clippings_indexed) == (0, 5, 0)


def test_changed_file_replaces_its_clippings(corpus, tmp_path):
    index = tmp_path / "index"
    update_index(corpus, index)
    (corpus / "mek-digest.txt").write_text("Only one item now\n\nAbout the Paris march.\n")
    report = update_index(corpus, index)
    assert (report.updated, report.clippings_indexed, report.clippings_total) == (1, 1, 5)
    assert "MKO members protest in Paris" not in titles(index)
    assert "Only one item now" in titles(index)


def test_new_and_deleted_files(corpus, tmp_path):
    index = tmp_path / "index"
    update_index(corpus, index)
    (corpus / "refugees-title.txt").unlink()
    (corpus / "sub").mkdir()
    (corpus / "sub" / "new.txt").write_text(
        "A brand new clipping\n\nWith a body about dromedaries.\n"
    )
    report = update_index(corpus, index)
    assert (report.added, report.removed) == (1, 1)
    assert titles(index, "dromedaries") == ["A brand new clipping"]
    assert titles(index, "title:refugees") == []
    assert SearchEngine(index).search("dromedaries").hits[0].id == "sub/new.txt#1"


def test_rebuild_starts_over(corpus, tmp_path):
    index = tmp_path / "index"
    update_index(corpus, index)
    report = update_index(corpus, index, rebuild=True)
    assert (report.added, report.unchanged, report.clippings_total) == (5, 0, 6)


@pytest.mark.parametrize(
    "name, content, reason",
    [
        ("empty.txt", b"", "empty file"),
        ("blank.txt", b"   \n\n  ", "empty file"),
        ("image.png", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4, "unsupported file type .png"),
        ("photo.txt", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4, "binary file (looks like PNG)"),
        ("nul.txt", b"abc\x00\x01\x02\x00def\x00" * 50, "binary"),
        ("empty-page.html", b"<html><body><nav>Home</nav></body></html>", "no text"),
    ],
)
def test_bad_files_are_skipped_with_a_reason(corpus, tmp_path, name, content, reason):
    (corpus / name).write_bytes(content)
    report = update_index(corpus, tmp_path / "index")
    assert [s.path for s in report.skipped] == [name]
    assert reason in report.skipped[0].reason
    assert report.clippings_total == 6


def test_a_file_that_turns_bad_keeps_its_old_clippings(corpus, tmp_path):
    index = tmp_path / "index"
    update_index(corpus, index)
    (corpus / "refugees-title.txt").write_bytes(b"")
    report = update_index(corpus, index)
    assert report.skipped[0].reason == "empty file (kept its 1 clipping from before)"
    assert titles(index, "title:refugees") == ["Refugees leave the camp"]


def test_a_file_kept_from_before_is_not_read_again_until_it_changes(corpus, tmp_path, monkeypatch):
    """A file that turned bad used to be parsed again by every run, and every run then rebuilt
    the entity table, groups and manifest: 18 s for a no-op at 100,000 clippings."""
    import indexer.update as update

    index = tmp_path / "index"
    update_index(corpus, index)
    good = (corpus / "refugees-title.txt").read_bytes()
    (corpus / "refugees-title.txt").write_bytes(b"")
    update_index(corpus, index)
    generation = store.open_index(index).latest_generation()
    monkeypatch.setattr(update, "_parse_all", lambda *args: pytest.fail("a file was parsed"))
    again = update_index(corpus, index)  # nothing changed: nothing read, nothing committed
    assert again.skipped[0].reason == "empty file (kept its 1 clipping from before)"
    assert store.open_index(index).latest_generation() == generation
    assert check_index(corpus, index).clean  # what the index holds is what it means to hold
    monkeypatch.undo()
    (corpus / "refugees-title.txt").write_bytes(good)  # good again, as it was
    restored = update_index(corpus, index)
    assert restored.skipped == [] and restored.unchanged == 5
    assert update_index(corpus, index).skipped == []
    assert titles(index, "title:refugees") == ["Refugees leave the camp"]


def test_gazetteer_change_retags_clippings_without_reading_their_files(
    corpus, tmp_path, monkeypatch
):
    index = tmp_path / "index"
    update_index(corpus, index)
    with open(corpus / "entities.toml", "a") as handle:
        handle.write('\n[[entity]]\nname = "City of Light"\ntype = "place"\naliases = ["Paris"]\n')

    def no_reading(path, **kwargs):
        raise AssertionError(f"{path} was read again")

    monkeypatch.setattr("indexer.parse.read_file", no_reading)
    report = update_index(corpus, index)
    assert report.unchanged == 5 and report.clippings_retagged >= 1
    assert titles(index, 'entity:"City of Light"') == ["MKO members protest in Paris"]
    assert titles(index, "entity:paris") == ["MKO members protest in Paris"]


def test_an_acronym_defined_in_a_new_file_retags_older_clippings(corpus, tmp_path):
    index = tmp_path / "index"
    (corpus / "old.txt").write_text(
        "Old note\n\nThe GCHQ said little about the matter. GCHQ staff declined to comment.\n"
    )
    update_index(corpus, index)
    (corpus / "new.txt").write_text(
        "New note\n\nThe Government Communications Headquarters (GCHQ) published a report.\n"
    )
    report = update_index(corpus, index)
    assert report.added == 1 and report.clippings_retagged == 1
    assert titles(index, 'entity:"Government Communications Headquarters"') == [
        "New note",
        "Old note",
    ]


def test_second_writer_is_told_the_index_is_busy(corpus, tmp_path):
    index = tmp_path / "index"
    with store.writer_lock(index), pytest.raises(store.IndexBusy, match="busy"):
        update_index(corpus, index)


def test_failed_run_leaves_the_index_as_it_was(corpus, tmp_path, monkeypatch):
    index = tmp_path / "index"
    update_index(corpus, index)
    (corpus / "new.txt").write_text("New clipping\n\nText.\n")

    def explode(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr("indexer.update.document_fields", explode)
    with pytest.raises(RuntimeError):
        update_index(corpus, index)
    monkeypatch.undo()
    assert len(titles(index)) == 6
    assert update_index(corpus, index).added == 1


def test_parsing_in_a_process_pool_gives_the_same_index(corpus, tmp_path, monkeypatch):
    for n in range(20):
        (corpus / f"extra-{n:02d}.txt").write_text(
            f"Extra clipping {n}\n\nNumber {n} of the pool test.\n"
        )
    monkeypatch.setattr("indexer.update.POOL_THRESHOLD", 1)
    report = update_index(corpus, tmp_path / "index", procs=2)
    assert (report.added, report.clippings_total) == (25, 26)


def test_open_searcher_sees_new_clippings_after_commit(corpus, tmp_path):
    index = tmp_path / "index"
    update_index(corpus, index)
    engine = SearchEngine(index, refresh_seconds=0)
    assert engine.search("dromedaries").total == 0
    (corpus / "new.txt").write_text("Camels and dromedaries\n\nA clipping added while serving.\n")
    update_index(corpus, index)
    assert [h.title for h in engine.search("dromedaries").hits] == ["Camels and dromedaries"]
    engine.close()


def test_feed_readers_see_new_clippings_after_a_reindex(corpus, tmp_path):
    from webui.app import create_app

    index = tmp_path / "index"
    update_index(corpus, index)
    app = create_app({"INDEX_DIR": str(index)})
    app.extensions["clippings_engine"] = SearchEngine(index, refresh_seconds=0)
    client = app.test_client()
    before = client.get("/feed.atom").get_data(as_text=True)
    assert "Camels arrive" not in before
    (corpus / "camels.txt").write_text("Camels arrive\nDate: 2013-05-05\n\nA new clipping.\n")
    update_index(corpus, index)
    after = client.get("/feed.atom").get_data(as_text=True)
    assert after.index("Camels arrive") < after.index("MKO members protest in Paris")


def test_a_run_with_nothing_to_do_commits_nothing(corpus, tmp_path):
    index = tmp_path / "index"
    update_index(corpus, index)
    generation = store.open_index(index).latest_generation()
    update_index(corpus, index)
    assert store.open_index(index).latest_generation() == generation


def test_a_changed_file_takes_its_old_names_out_of_the_entity_table(corpus, tmp_path):
    index = tmp_path / "index"
    (corpus / "zanzibar.txt").write_text("Zanzibar note\n\nOfficials in Zanzibar met on Monday.\n")
    update_index(corpus, index)
    engine = SearchEngine(index)
    assert "Zanzibar" in {e.name for e in engine.entities()}
    engine.close()
    (corpus / "zanzibar.txt").write_text("Quiet note\n\nNothing happened on Monday.\n")
    update_index(corpus, index)
    engine = SearchEngine(index)
    assert "Zanzibar" not in {e.name for e in engine.entities()}
    assert engine.entity("Zanzibar") is None  # as after a rebuild: no clipping names it
    engine.close()


def test_scan_lists_files_with_sizes_skipping_hidden_ones_and_the_gazetteer(corpus):
    from indexer.scan import scan_files

    (corpus / ".hidden").mkdir()
    (corpus / ".hidden" / "x.txt").write_text("no")
    (corpus / ".DS_Store").write_text("no")
    entries = scan_files(corpus)
    assert [e.rel for e in entries] == [
        "markup.html", "mek-digest.txt", "refugees-body.txt", "refugees-title.txt",
        "undated-note.txt",
    ]  # fmt: skip
    assert entries[0].size == (corpus / "markup.html").stat().st_size


def test_a_lost_manifest_is_rebuilt_from_the_index_and_saved(corpus, tmp_path):
    index = tmp_path / "index"
    update_index(corpus, index)
    (index / store.MANIFEST).unlink()
    report = update_index(corpus, index)
    assert (report.unchanged, report.added) == (5, 0)
    assert (index / store.MANIFEST).exists()


def test_a_manifest_holding_names_as_lists_is_read_as_before(corpus, tmp_path):
    """Manifests before 2026-12-05 held each file's names and signatures as JSON lists, not
    as JSON text; such an index is taken on without reading a file again."""
    index = tmp_path / "index"
    update_index(corpus, index)
    before = store.read_manifest(index, store.open_index(index).latest_generation())
    data = json.loads((index / store.MANIFEST).read_text(encoding="utf-8"))
    for row in data["files"]:
        row[6], row[7] = json.loads(row[6]), json.loads(row[7])
    (index / store.MANIFEST).write_text(json.dumps(data), encoding="utf-8")
    report = update_index(corpus, index)
    assert (report.unchanged, report.added, report.updated) == (5, 0, 0)
    after = store.read_manifest(index, store.open_index(index).latest_generation())
    assert {p: (r.names(), r.duplicates()) for p, r in after.items()} == {
        p: (r.names(), r.duplicates()) for p, r in before.items()
    }
    assert any(r.names() for r in after.values())


# --- settings: the day order and the names model come in; a change reaches every clipping -----


def dates(index_dir) -> dict[str, str | None]:
    with store.open_searcher(index_dir) as searcher:
        return {f["id"]: f.get("date") for f in searcher.all_stored_fields()}


def test_a_changed_day_order_parses_every_file_again(corpus, tmp_path):
    from indexer.settings import Settings

    index = tmp_path / "index"
    (corpus / "numeric.txt").write_text("Talks resume\nDate: 08/04/2011\n\nThe talks resumed.\n")
    update_index(corpus, index, settings=Settings(day_first=True))
    assert dates(index)["numeric.txt#1"] == "2011-04-08"
    report = update_index(corpus, index, settings=Settings(day_first=False))
    assert (report.updated, report.unchanged) == (6, 0)
    assert dates(index)["numeric.txt#1"] == "2011-08-04"
    assert store.manifest_extra(index)["day_first"] is False
    again = update_index(corpus, index, settings=Settings(day_first=False))
    assert (again.updated, again.unchanged) == (0, 6)


def test_a_changed_names_model_finds_names_again_without_reading_files(
    corpus, tmp_path, monkeypatch
):
    from indexer.settings import Settings

    index = tmp_path / "index"
    update_index(corpus, index, settings=Settings(names_model=None))
    asked = []

    def tag(clipping, gazetteer, model=None):
        asked.append(model)
        return clipping

    def no_reading(path, **kwargs):
        raise AssertionError(f"{path} was read again")

    # As if spaCy were installed, so that the model named makes a difference.
    monkeypatch.setattr("indexer.update._names_model_key", lambda model: model)
    monkeypatch.setattr("indexer.names.tagging.tag", tag)
    monkeypatch.setattr("indexer.parse.read_file", no_reading)
    report = update_index(corpus, index, settings=Settings(names_model="en_core_web_md"))
    assert report.unchanged == 5 and set(asked) == {"en_core_web_md"} and len(asked) == 6
    assert store.manifest_extra(index)["names_model"]["asked"] == "en_core_web_md"


def test_the_pool_workers_parse_with_the_settings_given(corpus, tmp_path, monkeypatch):
    from indexer.settings import Settings

    monkeypatch.setattr("indexer.update.POOL_THRESHOLD", 1)
    (corpus / "numeric.txt").write_text("Talks resume\nDate: 08/04/2011\n\nThe talks resumed.\n")
    update_index(corpus, tmp_path / "index", settings=Settings(day_first=False), procs=2)
    assert dates(tmp_path / "index")["numeric.txt#1"] == "2011-08-04"


@pytest.fixture()
def tigers(tmp_path):
    """Three clippings: one says the LTTE is the Tamil Tigers, one names each."""
    return shutil.copytree(FIXTURES / "aliases", tmp_path / "tigers")


def test_a_join_whose_only_evidence_is_deleted_is_undone(tigers, tmp_path):
    index = tmp_path / "index"
    update_index(tigers, index)
    assert titles(index, "entity:LTTE") == [
        "Army says rebels retreat",
        "Rebel statement on the ceasefire",
        "Talks in Oslo stall",
    ]
    (tigers / "tigers-named.txt").unlink()
    report = update_index(tigers, index)
    assert report.removed == 1 and report.clippings_retagged == 1  # the LTTE statement
    assert titles(index, "entity:LTTE") == ["Rebel statement on the ceasefire"]
    assert titles(index, 'entity:"Tamil Tigers"') == ["Army says rebels retreat"]
    engine = SearchEngine(index)
    try:
        assert engine.explain_entity("LTTE").reasons == []
    finally:
        engine.close()


def test_a_join_the_gazetteer_keeps_distinct_is_not_made(tigers, tmp_path):
    (tigers / "entities.toml").write_text(
        '[[entity]]\nname = "Tamil Tigers"\ntype = "org"\ndistinct = ["LTTE"]\n'
    )
    index = tmp_path / "index"
    update_index(tigers, index)
    assert titles(index, 'entity:"Tamil Tigers"') == [
        "Army says rebels retreat",
        "Talks in Oslo stall",
    ]
    assert titles(index, "entity:LTTE") == [
        "Rebel statement on the ceasefire",
        "Talks in Oslo stall",
    ]


def test_an_index_made_by_older_name_rules_finds_its_names_again(tigers, tmp_path, monkeypatch):
    index = tmp_path / "index"
    update_index(tigers, index)
    manifest = index / store.MANIFEST
    data = json.loads(manifest.read_text())
    del data["names_rules"]  # as written before the rules had a version
    manifest.write_text(json.dumps(data))

    def no_reading(path, **kwargs):
        raise AssertionError(f"{path} was read again")

    monkeypatch.setattr("indexer.parse.read_file", no_reading)
    report = update_index(tigers, index)
    assert report.unchanged == 3
    assert store.manifest_extra(index)["names_rules"] == RULES_VERSION
    assert update_index(tigers, index).clippings_retagged == 0  # and then nothing to do


def test_the_seed_digest_alone_is_one_organisation_under_seven_names(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(REPO / "corpus" / "mek-camp-ashraf.txt", corpus)  # no entities.toml
    index = tmp_path / "index"
    update_index(corpus, index)
    engine = SearchEngine(index)
    try:
        orgs = [e for e in engine.entities(kind="org") if "PMOI" in e.aliases]
        assert len(orgs) == 1 and orgs[0].count == 9
        assert set(orgs[0].aliases) >= {
            "MEK",
            "MKO",
            "PMOI",
            "Mojahedin Khalq",
            "Mojahedin-e Khalq Organization",
            "People’s Mujahedeen Organization of Iran",
            "People’s Mujahedeen of Iran",
        }
        assert engine.search("entity:PMOI").total == 9
        found = engine.search("PMOI", pagelen=20, group=False)
        assert found.total == 9
        marked = {
            hit.snippet.text[start:end] for hit in found.hits for start, end in hit.snippet.marks
        }
        assert {"MEK", "MKO", "Mojahedin", "Khalq", "PMOI"} <= marked
    finally:
        engine.close()


def test_an_index_with_other_analyzers_keeps_analysing_its_own_way(corpus, tmp_path):
    """Parse workers analyse the text fields with this version's schema; an index written with
    other analyzers (same field kinds, so no rebuild is forced) gets its own analysis instead,
    as Whoosh's writer would have given it."""
    from whoosh.analysis import StandardAnalyzer
    from whoosh.fields import TEXT
    from whoosh.filedb.filestore import FileStorage

    from indexer.schema import clipping_schema

    schema = clipping_schema()
    schema.remove("body")
    schema.add("body", TEXT(analyzer=StandardAnalyzer(), stored=True, chars=True))
    index = tmp_path / "index"
    index.mkdir()
    FileStorage(str(index)).create_index(schema, indexname=store.INDEX_NAME)
    update_index(corpus, index)
    with store.open_index(index).searcher() as searcher:
        words = {text.decode() for text in searcher.reader().lexicon("body")}
    assert "refugees" in words and "refuge" not in words  # not stemmed, as the index says
