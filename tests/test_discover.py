"""Entity discovery: names that are not in the gazetteer, found and typed by rules.

The sentences here are written for these tests. The quality floors at the end score the sample
archive against its hand-made gold list and, when the shared corpus is present, the CoNLL-2003
development split, with the scorer of bench/entities.py (so the floors and the benchmark's
figures measure the same thing).
"""

import importlib.util
from pathlib import Path

import pytest

from indexer.clipping import Clipping
from indexer.names import discover as discover_module
from indexer.names.discover import Found, acronym_definitions, discover, fits_acronym, merge_spans
from indexer.names.gazetteer import Gazetteer
from indexer.names.places import country_names, is_demonym, place_names
from indexer.names.tagging import tag

REPO = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).parent / "fixtures" / "entities"


def load_bench():
    """bench/entities.py is a script, not a package: load it by path."""
    spec = importlib.util.spec_from_file_location("bench_entities", REPO / "bench" / "entities.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


bench = load_bench()


def pairs(text: str) -> list[tuple[str, str]]:
    return [(found.surface, found.type) for found in discover(text)]


def assert_finds(text: str, expected: list[tuple[str, str]]) -> None:
    found = pairs(text)
    for item in expected:
        assert item in found, f"{item} not in {found}"


# --- families of names -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Ambassador James Jeffrey said on Saturday that talks would resume.",
         [("James Jeffrey", "person")]),
        ("The claim by Defense Ministry spokesman Gen. Mohammed al-Askari was denied.",
         [("Defense Ministry", "org"), ("Mohammed al-Askari", "person")]),
        ("The charity, headed by Mrs Ahlam al-Maliki, gives food to widows.",
         [("Ahlam al-Maliki", "person")]),
        ("Prime Minister Nouri al-Maliki met Senator John McCain in the capital.",
         [("Nouri al-Maliki", "person"), ("John McCain", "person")]),
        ("Dr. Sara Klein and Prof. Omar Haddad wrote the report.",
         [("Sara Klein", "person"), ("Omar Haddad", "person")]),
        ("Lt. Col. Peter Grant commands the base.", [("Peter Grant", "person")]),
        ("Ayatollah Ali Khamenei answered the letter.", [("Ali Khamenei", "person")]),
        ("Secretary of State Hillary Clinton arrived late.", [("Hillary Clinton", "person")]),
        ("Iraqi Foreign Minister Hoshyar Zebari said the camp would close.",
         [("Hoshyar Zebari", "person")]),
        ("Iran-Interlink representative Anne Singleton traveled to Iraq in April.",
         [("Iran-Interlink", "org"), ("Anne Singleton", "person"), ("Iraq", "place")]),
    ],
)  # fmt: skip
def test_a_title_or_role_before_a_name_makes_a_person(text, expected):
    assert_finds(text, expected)
    titles = {"Ambassador", "Gen", "Mrs", "Prime", "Minister", "Senator", "Dr", "Lt", "Col"}
    assert not any(surface.split()[0].rstrip(".") in titles for surface, _ in pairs(text))


@pytest.mark.parametrize(
    "text, name",
    [
        ("Analysts say Osama bin Laden inspired the attack.", "Osama bin Laden"),
        ("The orchestra played Ludwig van Beethoven all night.", "Ludwig van Beethoven"),
        ("The charity, headed by Ahlam al-Maliki, gives food.", "Ahlam al-Maliki"),
        ("Jasmin Ramsey wrote a long article on the push to de-list the group.", "Jasmin Ramsey"),
        ("The talks were chaired by Abu Bakr al-Sayed and Omar el-Fassi.", "Abu Bakr al-Sayed"),
    ],
)  # fmt: skip
def test_names_with_particles_are_one_person(text, name):
    assert_finds(text, [(name, "person")])


@pytest.mark.parametrize(
    "text, name",
    [
        ("He spoke at the National Iranian American Council on Thursday.",
         "National Iranian American Council"),
        ("Staff at the Baladiyeh Foundation counted the boxes.", "Baladiyeh Foundation"),
        ("It would be a mistake to take the group off the State Department list.",
         "State Department"),
        ("They were registered by the U.N. High Commission for Refugees.But many refused.",
         "U.N. High Commission for Refugees"),
        ("Officials of the Ministry of Foreign Affairs declined to comment.",
         "Ministry of Foreign Affairs"),
        ("The Bank of England raised rates.", "Bank of England"),
        ("The People's Mujahedeen Organization of Iran runs the camp.",
         "People's Mujahedeen Organization of Iran"),
        ("The Paris-based leadership of the People’s Mujahedeen of Iran said no.",
         "People’s Mujahedeen of Iran"),
        ("Shares of Barnett Banks Inc. rose.", "Barnett Banks Inc."),
        ("The Camp Ashraf and the Mojahedin Khalq report was late.", "Mojahedin Khalq"),
    ],
)  # fmt: skip
def test_organisation_words_make_an_organisation(text, name):
    assert_finds(text, [(name, "org")])


def test_an_acronym_in_the_text_that_spells_a_name_makes_it_an_organisation():
    text = "Mojahedin Khalq and Camp Ashraf\n\nThe MEK said its members would stay."
    assert pairs(text) == [("Mojahedin Khalq", "org"), ("Camp Ashraf", "place"), ("MEK", "org")]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("The anti-Iran terrorist Mojahedin-e Khalq Organization (MKO) met.",
         [("Mojahedin-e Khalq Organization", "MKO")]),
        ("The People's Mojahedin Organization of Iran (PMOI) is listed.",
         [("People's Mojahedin Organization of Iran", "PMOI")]),
        ("The People’s Mojahedin Organization of Iran (PMOI) is listed.",
         [("People’s Mojahedin Organization of Iran", "PMOI")]),
        ("They registered with the U.N. High Commission for Refugees (UNHCR) in Geneva.",
         [("U.N. High Commission for Refugees", "UNHCR")]),
        ("The MKO (Mojahedin-e Khalq Organization) denied it.",
         [("Mojahedin-e Khalq Organization", "MKO")]),
        ("The Organization of Petroleum Exporting Countries (OPEC) met. Later, the\n"
         "International Committee of the Red Cross (ICRC) asked for access.",
         [("Organization of Petroleum Exporting Countries", "OPEC"),
          ("International Committee of the Red Cross", "ICRC")]),
        ("She spoke (in Paris) about the group (MEK) and its Camp Ashraf base (CAB).", []),
        ("The Baladiyeh Foundation (UNHCR) was founded in 2003.", []),
    ],
)  # fmt: skip
def test_acronym_definitions_in_both_orders(text, expected):
    assert acronym_definitions(text) == expected


@pytest.mark.parametrize(
    "acronym, words, fits",
    [
        ("MKO", ["Mojahedin-e", "Khalq", "Organization"], True),
        ("PMOI", ["People's", "Mojahedin", "Organization", "of", "Iran"], True),
        ("UNHCR", ["U.N.", "High", "Commission", "for", "Refugees"], True),
        ("MEK", ["Mojahedin", "Khalq"], True),
        ("MKO", ["Mojahedin", "Khalq"], False),
        ("NIAC", ["National", "Council"], False),
        ("NCRI", ["the", "National", "Council"], False),
    ],
)  # fmt: skip
def test_acronym_letters_must_fit_the_initials(acronym, words, fits):
    assert fits_acronym(acronym, words) is fits


def test_defined_acronyms_are_organisations_wherever_they_appear():
    text = "The National Council of Resistance of Iran (NCRI) met. NCRI leaders left."
    assert pairs(text) == [
        ("National Council of Resistance of Iran", "org"), ("NCRI", "org"), ("NCRI", "org"),
    ]  # fmt: skip


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Protesters marched from Tehran to Baghdad and on to Damascus.",
         [("Tehran", "place"), ("Baghdad", "place"), ("Damascus", "place")]),
        ("Delegates from France, Germany and Japan met in Geneva and later in New York.",
         [("France", "place"), ("Germany", "place"), ("Japan", "place"), ("Geneva", "place"),
          ("New York", "place")]),
        ("The governor of Texas and the mayor of Chicago disagreed.",
         [("Texas", "place"), ("Chicago", "place")]),
        ("The inhabitants of Camp Ashraf were moved to Camp Liberty in Anbar Province.",
         [("Camp Ashraf", "place"), ("Camp Liberty", "place"), ("Anbar Province", "place")]),
        ("The fragile US-Iran relations worsened while the Paris-based leadership waited.",
         [("US", "place"), ("Iran", "place"), ("Paris", "place")]),
        ("The anti-Iran group was based in Northern Iraq.", [("Iran", "place"), ("Iraq", "place")]),
        ("The U.S. and the UK voted against; the U.K. later changed its mind.",
         [("U.S.", "place"), ("UK", "place"), ("U.K.", "place")]),
        ("Ships were seen in the Gulf and off the coast of the Republic of Ireland.",
         [("Gulf", "place"), ("Republic of Ireland", "place")]),
        ("JAPAN - Bond yields fell on Monday.", [("JAPAN", "place")]),
    ],
)  # fmt: skip
def test_places_from_the_place_list_and_camp_names(text, expected):
    assert pairs(text) == expected


def test_the_place_list_comes_from_geonames_data():
    places = place_names()
    assert {"Iraq", "Iran", "Baghdad", "Tehran", "Washington", "Paris", "Texas"} <= places
    assert {"Europe", "Korea", "Bosnia", "The Hague", "Hague", "St Louis", "Córdoba"} <= places
    assert "Cordoba" in places  # unaccented forms too
    assert {"nice", "reading", "Douglas"}.isdisjoint(places)  # lower case; micro-state capital
    assert "Iraq" in country_names() and "Baghdad" not in country_names()


@pytest.mark.parametrize(
    "word, demonym",
    [("Iraqi", True), ("Iranians", True), ("German", True), ("Chinese", True),
     ("Turkish", True), ("Afghan", True), ("Americans", True), ("Rajavi", False),
     ("Francis", False), ("Iran", False), ("Bahari", False)],
)  # fmt: skip
def test_demonyms_are_derived_from_region_names(word, demonym):
    assert is_demonym(word) is demonym


@pytest.mark.parametrize(
    "text",
    [
        "The ceasefire held. But nobody believed it. Every day was the same.",
        "Once armed by the regime, they now live in a country that does not want them.",
        "Fighting resumed on Monday, and again on Thursday, in March and in December.",
        "They said He would come. She did. It rained. We left.",
        "Iranian dissidents and Iraqi officials met European diplomats and Americans.",
        "Read more",
        "Read more\n\nContinue reading",
        "He said it was nice, and she was reading the paper.",
        "Families have lodged a complaint. Witnesses said the men fled.",
        "The NGO and TV crews arrived with the CEO of the firm.",
        "Hostages Flee Camp After Night Raid\n\nEleven hostages fled the camp after a night raid.",
        "Talks Resume as Leaders Meet\n\nThe leaders met and the talks resumed.",
        "Every year the World Cup and the Labor Day parade draw crowds.",
    ],
)
def test_common_capitalised_words_are_not_names(text):
    assert discover(text) == []


def test_a_headline_case_title_keeps_only_names_with_evidence():
    text = (
        "MKO Ringleaders Readying to Open Fight with Iraqi Forces\n\n"
        "The ringleaders of the group met Iraqi forces near the border."
    )
    assert pairs(text) == [("MKO", "org")]


def test_a_sentence_start_is_a_name_when_the_text_says_so_elsewhere():
    text = "Zebari said the committee would meet. Later, Hoshyar Zebari left for Geneva."
    assert pairs(text) == [
        ("Zebari", "person"), ("Hoshyar Zebari", "person"), ("Geneva", "place"),
    ]  # fmt: skip
    assert pairs("Nice is crowded in August; the nice weather helps.") == []
    assert pairs("We met them in Nice last year.") == [("Nice", "place")]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Zebari said the committee would meet.", [("Zebari", "person")]),
        ("But Rajavi refuses to allow visits. She also won't allow interviews.",
         [("Rajavi", "person")]),
        ("… Bahari, speaking at a conference in Washington, expressed sympathy.",
         [("Bahari", "person"), ("Washington", "place")]),
        ("The prize went to John Smith. Smith thanked his wife.",
         [("John Smith", "person"), ("Smith", "person")]),
        ("The Iraq, Iran, ICRI joint committee met.",
         [("Iraq", "place"), ("Iran", "place")]),
        ("Iraq, Iran, ICRI joint committee to meet\n\nThe committee met on Sunday.",
         [("Iraq", "place"), ("Iran", "place"), ("ICRI", "org")]),
        ("The U.S. declared the MEK/MKO/PMOI a terrorist organization.",
         [("U.S.", "place"), ("MEK", "org"), ("MKO", "org"), ("PMOI", "org")]),
        ("Surrey beat Kent by six wickets.\nKent 214-8\nSurrey 215-4",
         [("Surrey", "org"), ("Kent", "org"), ("Kent", "org"), ("Surrey", "org")]),
    ],
)  # fmt: skip
def test_single_names_need_evidence_from_their_context(text, expected):
    assert pairs(text) == expected


# --- offsets, order, overlap -----------------------------------------------------------------


def fixture_texts() -> list[str]:
    texts = [(FIXTURES / "camp-raid.txt").read_text(encoding="utf-8")]
    seed = bench.shared_dir() / "seeds" / "mek-camp-ashraf.txt"
    if seed.exists():
        texts += [text for _title, text in bench.sample_clippings()]
    return texts


@pytest.mark.parametrize("text", fixture_texts())
def test_offsets_order_and_no_overlap(text):
    found = discover(text)
    assert found, "the fixture names people, organisations and places"
    for mention in found:
        assert " ".join(text[mention.start : mention.end].split()) == mention.surface
        assert mention.type in ("person", "org", "place")
        assert mention.surface == mention.surface.strip() and mention.surface
    for before, after in zip(found, found[1:], strict=False):
        assert before.end <= after.start


def test_a_whole_clipping():
    text = (FIXTURES / "camp-raid.txt").read_text(encoding="utf-8")
    found = set(pairs(text))
    assert found >= {
        ("Camp Ashraf", "place"), ("BAGHDAD", "place"), ("Baghdad", "place"), ("Paris", "place"),
        ("National Council of Resistance of Iran", "org"), ("NCRI", "org"),
        ("United Nations", "org"), ("Shahin Gobadi", "person"), ("Gobadi", "person"),
        ("U.S.", "place"), ("Defense Ministry", "org"), ("Mohammed al-Askari", "person"),
        ("Hoshyar Zebari", "person"), ("Washington", "place"), ("Ahlam al-Maliki", "person"),
        ("Baladiyeh Foundation", "org"),
    }  # fmt: skip
    surfaces = {surface for surface, _ in found}
    assert surfaces.isdisjoint({"Exiles", "Fear", "New Raid", "Every", "Once", "Read", "April"})


def test_empty_text():
    assert discover("") == []
    assert discover("  \n\n ") == []


# --- the optional statistical model ----------------------------------------------------------


class FakeEntity:
    def __init__(self, text: str, phrase: str, label: str):
        self.start_char = text.index(phrase)
        self.end_char = self.start_char + len(phrase)
        self.text = phrase
        self.label_ = label


class FakeModel:
    """Stands in for a spaCy pipeline: returns the spans it was given."""

    meta = {"lang": "en", "name": "fake"}

    def __init__(self, spans: list[tuple[str, str]]):
        self.spans = spans

    def __call__(self, text: str):
        doc = type("Doc", (), {})()
        doc.ents = [FakeEntity(text, phrase, label) for phrase, label in self.spans]
        return doc


@pytest.fixture
def fresh_models():
    """Models are loaded once per name and process: forget them around each test."""
    discover_module._load_model.cache_clear()
    yield
    discover_module._load_model.cache_clear()


def fake_spacy(load):
    return type("FakeSpacy", (), {"load": staticmethod(load)})


def test_without_a_model_discovery_runs_on_rules_alone(monkeypatch, fresh_models):
    def no_load(name, **kwargs):
        raise AssertionError("no model was asked for")

    monkeypatch.setattr(discover_module, "_import_spacy", lambda: fake_spacy(no_load))
    assert discover_module.model_status(None) == (None, None)
    assert discover_module.model_name(None) is None
    assert ("Baghdad", "place") in pairs("Officials met in Baghdad on Monday.")


def test_without_spacy_a_named_model_is_reported_not_logged(monkeypatch, fresh_models, caplog):
    def missing():
        raise ImportError("No module named 'spacy'")

    monkeypatch.setattr(discover_module, "_import_spacy", missing)
    text = "Officials met in Baghdad on Monday."
    assert discover(text, model="en_core_web_sm") == discover(text)
    assert discover_module.model_status("en_core_web_sm") == (None, "spaCy is not installed")
    assert not caplog.records  # the normal rules-only case


def test_a_model_that_fails_to_load_is_logged_once_and_reported(monkeypatch, fresh_models, caplog):
    def load(name, **kwargs):
        raise OSError(f"[E050] Can't find model '{name}'.\nIt doesn't seem to be a package.")

    monkeypatch.setattr(discover_module, "_import_spacy", lambda: fake_spacy(load))
    text = "Officials met in Baghdad on Monday."
    for _ in range(3):
        assert discover(text, model="en_core_web_xx") == discover(text)
    in_use, problem = discover_module.model_status("en_core_web_xx")
    assert in_use is None
    assert problem == (
        "model en_core_web_xx failed to load: [E050] Can't find model 'en_core_web_xx'. "
        "It doesn't seem to be a package."
    )
    warnings = [r for r in caplog.records if r.levelname == "WARNING"]
    assert len(warnings) == 1 and "en_core_web_xx failed to load" in warnings[0].getMessage()


def test_models_are_loaded_once_per_name(monkeypatch, fresh_models):
    loaded = []

    def load(name, **kwargs):
        loaded.append(name)
        return FakeModel([])

    monkeypatch.setattr(discover_module, "_import_spacy", lambda: fake_spacy(load))
    for name in ("en_a", "en_b", "en_a", "en_b"):
        discover("Officials met in Baghdad.", model=name)
    assert loaded == ["en_a", "en_b"]
    assert discover_module.model_status("en_a") == ("en_fake", None)


def test_a_model_adds_names_and_corrects_guesses_but_not_strong_rules(monkeypatch, fresh_models):
    text = "Gen. Ali Saleh met Iraqi aides in Baghdad. Lunar Tide sang. Vostok Ridge won."
    model = FakeModel(
        [("Ali Saleh", "ORG"), ("Iraqi", "NORP"), ("Baghdad", "PERSON"), ("Lunar Tide", "ORG"),
         ("Vostok", "ORG"), ("aides", "PERSON")]
    )  # fmt: skip
    monkeypatch.setattr(discover_module, "_import_spacy", lambda: fake_spacy(lambda n, **k: model))
    found = [(f.surface, f.type) for f in discover(text, model="en_fake")]
    assert ("Ali Saleh", "person") in found  # a title is strong evidence
    assert ("Baghdad", "place") in found  # so is the place list
    assert ("Lunar Tide", "org") in found  # a bare guess yields to the model
    assert ("Vostok Ridge", "person") in found  # the model's shorter name does not split it
    assert ("aides", "person") in found  # the model's names add to the rules'
    assert ("Iraqi", "place") not in found and ("Iraqi", "org") not in found
    assert ("Lunar Tide", "person") in pairs(text)  # without the model, the rules' guess
    assert discover_module.model_status("en_fake") == ("en_fake", None)


def test_tag_passes_the_model_down(monkeypatch, fresh_models):
    text = "The crowd heard Lunar Tide in Baghdad."
    model = FakeModel([("Lunar Tide", "ORG")])
    monkeypatch.setattr(discover_module, "_import_spacy", lambda: fake_spacy(lambda n, **k: model))
    gazetteer = Gazetteer([])
    with_model = tag(
        Clipping(path="a.txt", number=1, title="Concert", body=text), gazetteer, model="en_fake"
    )
    rules_only = tag(Clipping(path="a.txt", number=1, title="Concert", body=text), gazetteer)
    assert ("Lunar Tide", "org") in [(m.surface, m.type) for m in with_model.mentions]
    assert ("Lunar Tide", "person") in [(m.surface, m.type) for m in rules_only.mentions]


def test_merge_adds_model_names_only_where_the_rules_found_nothing():
    rules = [(Found("Camp Ashraf", "place", 10, 21), True)]
    model = [Found("Ashraf", "person", 15, 21), Found("Tehran", "place", 30, 36)]
    assert merge_spans(rules, model) == [
        Found("Camp Ashraf", "place", 10, 21), Found("Tehran", "place", 30, 36),
    ]  # fmt: skip


# --- quality floors --------------------------------------------------------------------------

# Measured with bench/entities.py (rules only): sample archive P 1.000, R 0.969; CoNLL-2003 dev
# person P 0.899 R 0.911, org P 0.818 R 0.694, place P 0.927 R 0.814. Raise as quality improves.
SAMPLE_FLOOR = {"precision": 0.95, "recall": 0.93}
CONLL_FLOORS = {
    "person": {"precision": 0.87, "recall": 0.88},
    "org": {"precision": 0.80, "recall": 0.66},
    "place": {"precision": 0.90, "recall": 0.79},
}
# The names the sample archive must yield, each with its type (from the issue).
REQUIRED = [
    ("Rajavi", "person"), ("James Jeffrey", "person"), ("Anne Singleton", "person"),
    ("Ahlam al-Maliki", "person"), ("Mohammed al-Askari", "person"), ("Zebari", "person"),
    ("Jasmin Ramsey", "person"), ("Bahari", "person"), ("Saddam Hussein", "person"),
    ("National Iranian American Council", "org"), ("Baladiyeh Foundation", "org"),
    ("Iran-Interlink", "org"), ("U.N. High Commission for Refugees", "org"),
    ("State Department", "org"), ("MEK", "org"), ("MKO", "org"), ("PMOI", "org"),
    ("Mojahedin Khalq", "org"), ("Mojahedin-e Khalq Organization", "org"),
    ("People’s Mujahedeen of Iran", "org"), ("People’s Mujahedeen Organization of Iran", "org"),
    ("Defense Ministry", "org"), ("ICRI", "org"), ("United Nations", "org"),
    ("Iraq", "place"), ("Iran", "place"), ("Baghdad", "place"), ("Washington", "place"),
    ("Paris", "place"), ("Tehran", "place"), ("Camp Ashraf", "place"),
]  # fmt: skip

needs_seed = pytest.mark.skipif(
    not (bench.shared_dir() / "seeds" / "mek-camp-ashraf.txt").exists(),
    reason="the sample archive (../shared/seeds) is absent",
)


@needs_seed
def test_every_required_name_of_the_sample_archive_is_found_and_typed_right():
    found: dict[str, set[str]] = {}
    for _title, text in bench.sample_clippings():
        for mention in discover(text):
            found.setdefault(mention.surface, set()).add(mention.type)
    for name, kind in REQUIRED:
        assert found.get(name) == {kind}, f"{name}: {found.get(name)}"


@needs_seed
def test_quality_floor_on_the_sample_archive():
    scores = bench.sample_scores()["scores"]["all"]
    assert scores["precision"] >= SAMPLE_FLOOR["precision"]
    assert scores["recall"] >= SAMPLE_FLOOR["recall"]


@pytest.mark.skipif(not bench.conll_path().exists(), reason="CoNLL-2003 dev split is absent")
def test_quality_floor_on_conll2003_dev():
    report = bench.bench_conll(bench.conll_articles())
    for kind, floor in CONLL_FLOORS.items():
        row = report["scores"][kind]
        assert row["precision"] >= floor["precision"], (kind, row)
        assert row["recall"] >= floor["recall"], (kind, row)


def test_benchmark_scorer_counts_typed_and_untyped_matches():
    pred = {("iraq", "place"), ("mek", "person")}
    gold = {("iraq", "place"), ("mek", "org"), ("baghdad", "place")}
    scores = bench.score([(pred, gold)])
    assert scores["all"]["tp"] == 1 and scores["all"]["fp"] == 1 and scores["all"]["fn"] == 2
    assert scores["untyped"]["tp"] == 2 and scores["untyped"]["fn"] == 1
    assert scores["org"]["recall"] == 0.0 and scores["place"]["precision"] == 1.0
