"""Discovery of named entities that are not in the gazetteer: people, organisations, places.

`discover(text)` finds and types the names in one clipping (title, blank line, body) by rules,
fast enough for a whole archive and with no model needed:

- Runs of capitalised words, joined across name particles ("Ahlam al-Maliki", "Osama bin
  Laden") and, inside organisation names, across "of", "for", "&" ("U.N. High Commission for
  Refugees", "Government of Iraq").
- A title or role in front makes a person ("Defense Ministry spokesman Gen. Mohammed
  al-Askari"); an organisation word makes an organisation ("Baladiyeh Foundation", "the State
  Department"); a name from the place list (`indexer.names.places`, GeoNames data), "Camp X" or
  "X Province" makes a place. Other runs of two or three words are people, unless an acronym in
  the text spells them (MEK for "Mojahedin Khalq"), "the" comes before them or they hold a place
  name ("Real Madrid"); then they are organisations.
- Acronyms in capitals are organisations when the text defines them ("... Organization (MKO)"),
  uses them twice, puts them in its title or in a list ("MKO/MEK/PMOI"), unless they are common
  abbreviations (TV, CEO, NGO); "US", "UK", "U.S." are places.
- A single capitalised word is a name only with evidence: the place list, "X said", "X, who",
  "spokesman X", "X representative", "told X", a "She"/"He" starting the next sentence, or the
  full name earlier in the text ("Hoshyar Zebari" ... "Zebari").
- The text is its own dictionary: a word it writes in lower case elsewhere is a common word, so
  a capital at the start of a sentence, in a headline-case title or in a line of capitals
  proves nothing, and names found elsewhere in the text are matched there in a second pass.
- In a text that reports games ("Chicago 5 Houston 3", "2-1", standings tables), a city or an
  unknown name that beats, loses to or scores against another is a team: an organisation.

When spaCy and a model (`en_core_web_sm`, or $CLIPPINGS_SPACY_MODEL) are installed, the model's
names are merged in: they replace the rules' bare guesses on the same words and fill gaps; rules
with strong evidence win. Nothing is downloaded; without spaCy the rules run alone.
"""

from __future__ import annotations

import os
import re
from collections import Counter
from dataclasses import dataclass
from functools import cache

from indexer.names.places import SHORT_FORMS, country_names, is_demonym, place_names


@dataclass(frozen=True)
class Found:
    """One mention: the text as written (whitespace collapsed), its type and offsets."""

    surface: str
    type: str  # person | org | place
    start: int
    end: int


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Words that are capitalised only because they start a sentence or a headline.
STOP_WORDS = _words(
    """a about above according across after afterwards against ago all almost along already
    also although always am amid among an and another any anyone anything are around as at
    back be because been before behind being below beside besides between beyond both but by
    can cannot could despite did do does doing done down during each earlier either else even
    ever every except few finally first following for former from further furthermore had has
    have having he hence her here hers herself him himself his how however i if in including
    indeed inside instead into is it its itself just last later latest least less let like
    many may maybe me meanwhile might mine more moreover most much must my myself near
    neither never nevertheless next no none nonetheless nor not nothing now of off often on
    once one only onto or other others otherwise our ours ourselves out outside over own
    per perhaps please quite rather read recently regarding same second several shall she
    should since so some someone something sometimes soon still such than that the their
    theirs them themselves then there therefore these they third this those though through
    throughout thus to today together tomorrow tonight too toward towards under unless unlike
    until up upon us very via was we well were what whatever when whenever where whereas
    wherever whether which while who whoever whom whose why will with within without would
    yes yesterday yet you your yours yourself yourselves
    two three four five six seven eight nine ten eleven twelve twenty hundred thousand million
    january february march april june july august september october november december
    jan feb mar apr jun jul aug sep sept oct nov dec
    monday tuesday wednesday thursday friday saturday sunday"""
)
# Never a name however they are written (May is kept apart: "Theresa May").
MONTHS_AND_DAYS = _words(
    """January February March April June July August September October November December
    Monday Tuesday Wednesday Thursday Friday Saturday Sunday"""
)
# Titles and honorifics that put a person's name after them ("Gen.", "Mrs", "President").
TITLES = _words(
    """Mr Mrs Ms Miss Mister Madam Mme Dr Doctor Prof Professor Sir Dame Lord Lady
    Gen General Col Colonel Lt Lieutenant Capt Captain Maj Major Sgt Sergeant Cpl Corporal
    Adm Admiral Brig Brigadier Cmdr Commander Cdr Marshal Ambassador Envoy Minister President
    Premier Chancellor Secretary Senator Sen Rep Representative Congressman Congresswoman
    Governor Gov Mayor Judge Justice Sheikh Shaikh Sheik Ayatollah Ayatullah Imam Mullah
    Hojatoleslam King Queen Prince Princess Emir Amir Sultan Pope Cardinal Bishop Archbishop
    Reverend Rev Father Rabbi Chairman Chairwoman Chief Spokesman Spokeswoman Spokesperson
    Deputy Coach Manager Director Hajj Haji Mufti Saint Democrat Republican"""
)
# Second words of a minister's portfolio ("Minister of Foreign Affairs ...").
PORTFOLIO_TAILS = _words("Affairs Security Development Relations Defence Defense")
# Abbreviated titles written with a full stop that does not end the sentence.
TITLE_ABBREVIATIONS = _words(
    """Mr Mrs Ms Dr Prof Gen Col Lt Capt Maj Sgt Cpl Adm Brig Cmdr Cdr Sen Rep Gov Rev
    Jr Sr St Mt Ft No Gens Messrs Hon Pres Supt Insp Det"""
)
# Lower-case nouns that put a person's name right after them ("representative Anne Singleton").
ROLE_NOUNS = _words(
    """spokesman spokeswoman spokesperson representative envoy ambassador minister president
    premier chancellor secretary senator governor mayor judge leader chairman chairwoman chief
    director coach manager captain striker midfielder defender goalkeeper forward winger
    batsman bowler pitcher player champion seed driver rider runner sprinter boxer colleague
    teammate compatriot countryman opponent rival candidate challenger official officer
    commander general colonel analyst economist strategist lawyer attorney prosecutor
    professor author writer journalist correspondent editor columnist reporter photographer
    actor actress singer star veteran newcomer rookie wife husband son daughter father mother
    brother sister widow dissident activist cleric aide adviser advisor negotiator mediator
    founder owner boss executive banker scientist researcher doctor suspect defendant witness
    dr mr mrs ms"""
)
# Lower-case nouns that make the single name right before them an organisation.
MEMBER_NOUNS = _words(
    """spokesman spokeswoman spokesperson representative official member leader leadership
    chairman chief director founder shares stock shareholders headquarters subsidiary
    chief-executive secretary-general newspaper daily weekly magazine agency news company firm
    group team club movement airline carrier conglomerate consortium brokerage chain retailer
    maker manufacturer insurer lender broadcaster network"""
)
# Verbs after a name that make a single unknown name a person ("Zebari said").
PERSON_VERBS = _words(
    """said says told added wrote asked explained stated argued insisted noted warned claimed
    replied recalled admitted acknowledged conceded suggested urged complained predicted
    testified commented remarked observed believes thinks hopes feels knows smiled laughed
    who whose"""
)
# Heads of organisation names.
ORG_WORDS = _words(
    """Foundation Foundations Council Ministry Organization Organisation Committee Agency
    Department Commission Party Union Association Institute Institution University College
    School Academy Bank Corporation Corp Inc Incorporated Ltd Limited Plc PLC LLC Co Company
    Companies Group Army Navy Forces Front Movement League Court Parliament Congress Senate
    Assembly Office Fund Network Society Federation Authority Service Services Press News
    Times Post Journal Herald Tribune Gazette Telegraph Guardian Observer Daily Radio
    Television Broadcasting Agency Airlines Airways Railways Motors Industries Holdings
    Bureau Board Cabinet Government Administration Directorate Secretariat Alliance
    Coalition Brigade Brigades Regiment Battalion Division Police Guard Guards Tribunal
    Center Centre Trust Partners Bancorp Securities Exchange Club United Rovers
    Wanderers Athletic Olympic Commerce Chamber Church Mission Consulate Embassy Mujahedeen
    Mojahedin Mujahideen Hezbollah Taliban Brotherhood Council Caucus Conference Syndicate
    Cooperative Consortium Institute Laboratories Labs Systems Technologies Enterprises Inc.
    Corp. Co. Cos. Ltd. Bros. Plc. Assn. Dept. Bros Cos Electric Electronics Chemical Chemicals
    Medical Mining Foods Pharmaceutical Communications Telecom Telecommunications Software
    Cement Textiles Shipping Capital Ventures Investments Financial Bancshares Savings Realty
    Properties Hospitality Hotels Resorts Media Publishing Entertainment Studios Pictures
    Records Newsroom Newsdesk International Insurance Energy Petroleum Oil Steel
    Pharmaceuticals Treasury Reserve"""
)
# Heads of the names of events, laws and the like, which are none of the three types.
EVENT_WORDS = _words(
    """Cup Open Classic Championship Championships Games Olympics Olympiad Series Trophy Tour
    Prix Prize Award Awards Festival Day Days War Marathon Masters Tournament Act Treaty Accord
    Accords Agreement Index Amendment Declaration Bowl Stakes Expo Summit Week"""
)
# Abbreviated organisation words written with their full stop ("Barnett Banks Inc.").
ORG_ABBREVIATIONS = _words("Inc Corp Co Cos Ltd Bros Plc Inc Assn Dept")
# Place-name heads: "Camp Ashraf", "Anbar Province", "Balad Air Base".
PLACE_PREFIXES = _words("Camp Fort Mount Mt Lake Cape Port Gulf Isle Bay")
PLACE_SUFFIXES = _words(
    """Province Governorate District County Region Prefecture Valley River Island Islands
    Mountains Mountain Hills Street Square Avenue Road Airport Base Bay Sea Ocean Gulf Strait
    Peninsula Desert Lake Canal Coast Heights Plain Plateau Basin Delta Oblast Territory
    Territories Emirate Emirates Republic Kingdom State States Strip Bank Park Stadium Course
    Prison Bridge Palace Hotel Motel Falls"""
)
# Natural features named by one capitalised word after "the": "the Gulf", "the Channel".
FEATURES = _words("Gulf Sea Ocean Bay Strait Straits Peninsula Desert Valley Delta Channel")
# Heads of place names with "of": "Republic of Ireland", "Gulf of Aden", "Isle of Man".
PLACE_HEADS = _words(
    "Republic Kingdom Gulf Bay Isle Cape Sea Strait Straits Sultanate Emirate Principality"
)
DIRECTIONS = _words(
    """North South East West Northern Southern Eastern Western Central Northeast Northwest
    Southeast Southwest Northeastern Northwestern Southeastern Southwestern Upper Lower Middle
    Far Near"""
)
# Words around a place's name that make it a team ("Surrey beat Kent", "lost to Chicago").
COMPETE_AFTER = _words(
    """beat beats defeated drew lost won edged routed thrashed crushed hammered trounced downed
    topped blanked swept rallied clinched overcame outplayed eliminated ousted"""
)
COMPETE_BEFORE = _words("beat beating defeated defeating against v v. vs vs. versus")
COMPETE_PAIRS = frozenset(
    [("lost", "to"), ("drew", "with"), ("draw", "with"), ("win", "over"), ("victory", "over"),
     ("loss", "to"), ("defeat", "by"), ("beaten", "by"), ("lose", "to")]
)  # fmt: skip
_SCORE = re.compile(r"\d{1,3}(?:-\d{1,3})?")
_DATE = re.compile(r"\d{4}(?:-\d\d-\d\d)?")
_RESULT = re.compile(r"\d{1,3}-\d{1,3}")
# Lower-case particles inside personal names ("Osama bin Laden", "Charles de Gaulle").
NAME_PARTICLES = _words(
    "al el bin ibn abu ben bint de del della der den di da dos das du la le van von ter ten y"
)
# The same joined by a hyphen ("al-Maliki", "Mojahedin-e Khalq").
HYPHEN_PARTICLES = NAME_PARTICLES | _words("ul ad as ash at az ud e i o")
# Hyphen prefixes in front of a name that are not part of it ("anti-Iran", "ex-England").
HYPHEN_PREFIXES = _words("anti pro ex non post pre mid neo pan trans former")
# Words joining the parts of an organisation's name.
ORG_CONNECTORS = _words("of for & and")
# Possessives that stay inside a name ("People's Mujahedeen of Iran", "Women's League").
NAME_POSSESSIVES = _words("People Peoples Women Children Men Workers Citizens Martyrs")
# Common abbreviations in capitals that name nothing.
COMMON_ABBREVIATIONS = _words(
    """TV AM PM FM GMT UTC EST EDT PST CET BC AD CE BCE OK ID PC IT PR HQ UFO USB CD CDs DVD
    DNA HIV AIDS SARS GDP GNP CPI VAT CEO CFO COO CTO MP MPs VIP NGO NGOs FAQ ASAP RSVP ATM
    SUV PhD MBA BA MA BSc MSc RPG IED IEDs WMD ICBM AK KM KG MM CM MPH GB MB TB KB HTML PDF
    URL WWW USD EUR GBP JPY IPO PS NB AKA FYI ETA RIP LOL OMG TNT SOS ERA RBI ATP WTA NFL"""
)
# Roman numerals ("World War II") are not acronyms.
_ROMAN = re.compile(r"[IVXLC]+")
_APOSTROPHES = "'’"
_HYPHENS = "-‐‑"

_TOKEN = re.compile(
    r"(?P<abbr>(?:[^\W\d_]\.){2,})"  # U.S., U.N.
    r"|(?P<initial>[A-Z]\.)(?=[ \t]+[A-Z])"  # the W. of "W. Athey"
    r"|(?P<word>[^\W\d_](?:\w|['’‐‑-](?=\w))*)"  # words with inner apostrophes and hyphens
    r"|(?P<num>\d(?:\w|[.,:/-](?=\d))*)"
    r"|(?P<punct>\S)"
)
_SENTENCE_ENDS = frozenset(".!?:;…•–—|")
_OPENERS = frozenset("\"“”‘'(«[")
_LEFT_OPEN = frozenset("\"“‘'(«[")


@cache
def _places() -> frozenset[str]:
    return place_names()


@cache
def _automaton():
    """Aho-Corasick automaton over the place names, built once."""
    import ahocorasick

    automaton = ahocorasick.Automaton()
    for name in _places():
        automaton.add_word(name, name)
    automaton.make_automaton()
    return automaton


@cache
def _upper_place_lengths() -> dict[str, int]:
    """First word of each place name in capitals -> the most words a name starting so has."""
    lengths: dict[str, int] = {}
    for name in _upper_places():
        words = name.split()
        lengths[words[0]] = max(lengths.get(words[0], 0), len(words))
    return lengths


@cache
def _upper_countries() -> frozenset[str]:
    return frozenset(name.upper() for name in country_names())


@cache
def _upper_places() -> dict[str, str]:
    """Place names by their capitals form, for headlines written in capitals."""
    return {name.upper(): name for name in _places() if len(name) >= 4 or name in SHORT_FORMS}


def discover(text: str) -> list[Found]:
    """Named entities in `text` (title + "\\n\\n" + body of one clipping), in text order,
    non-overlapping."""
    if not text or not text.strip():
        return []
    return _Discovery(text).run()


# --- acronyms --------------------------------------------------------------------------------

_DEFINED = re.compile(r"\(\s*(?:the\s+)?([A-Z][A-Za-z.&]{1,11}?)(?:[’']?s)?\s*\)")
_REVERSE = re.compile(r"\b([A-Z][A-Z.&]{1,10}[A-Z.])\s*\(\s*(?:the\s+)?([A-Z][^()\n]{3,120}?)\s*\)")
_FUNCTION_WORDS = _words("of the for and & in on at to a an by with from against de du des")
_LONG_FORM_STOP = re.compile(r"[,;:.!?()\[\]\"“”\n]")


def _acronym_letters(acronym: str) -> str:
    return "".join(c for c in acronym if c.isalpha())


def _split_long_form(words: list[str]) -> list[tuple[str, bool]]:
    """Words of a long form as (word, optional): hyphen parts and dotted letters count apart."""
    parts: list[tuple[str, bool]] = []
    for word in words:
        if re.fullmatch(r"(?:[^\W\d_]\.)+", word):
            parts.extend((letter, False) for letter in word.split(".") if letter)
            continue
        for piece in re.split(f"[{_HYPHENS}/]", word):
            if not piece:
                continue
            optional = piece.lower() in _FUNCTION_WORDS or piece.lower() in HYPHEN_PARTICLES
            parts.append((piece, optional or not piece[:1].isalpha()))
    return parts


def fits_acronym(acronym: str, words: list[str]) -> bool:
    """True when the acronym's letters are the initials of `words`, in order.

    Function words and particles ("of", "the", "-e", "al-") may be skipped or used; every other
    word gives its first letter, and one word may give one more letter from inside it
    ("Mojahedin Khalq" fits "MEK"; "National Council" does not fit "NIAC").
    """
    letters = _acronym_letters(acronym).lower()
    parts = _split_long_form(words)
    if not letters or not parts or parts[0][1]:
        return False
    lowered = [(word.lower().rstrip("'’s") or word.lower(), optional) for word, optional in parts]

    @cache
    def match(i: int, j: int, inner_left: bool) -> bool:
        if j == len(lowered):
            return i == len(letters)
        word, optional = lowered[j]
        if optional and match(i, j + 1, inner_left):
            return True
        if i == len(letters) or word[0] != letters[i]:
            return False
        if match(i + 1, j + 1, inner_left):
            return True
        # the word's first letter and one letter from inside it
        return (
            inner_left
            and i + 1 < len(letters)
            and letters[i + 1] in word[1:]
            and match(i + 2, j + 1, False)
        )

    return match(0, 0, True)


def acronym_definitions(text: str) -> list[tuple[str, str]]:
    """(long form, acronym) pairs defined in the text, in order.

    "Mojahedin-e Khalq Organization (MKO)" -> ("Mojahedin-e Khalq Organization", "MKO"); also
    "the U.N. High Commission for Refugees (UNHCR)" and the reverse form "MKO (Mojahedin-e Khalq
    Organization)". The acronym's letters must match the initials of the long form's words
    (see `fits_acronym`).
    """
    found: list[tuple[int, str, str]] = []
    for match in _DEFINED.finditer(text):
        acronym = match.group(1).rstrip(".") if "." not in match.group(1)[:-1] else match.group(1)
        letters = _acronym_letters(acronym)
        if sum(c.isupper() for c in letters) < 2 or len(letters) > 10:
            continue
        before = text[max(0, match.start() - 200) : match.start()]
        stops = list(_LONG_FORM_STOP.finditer(before))
        if stops:  # the long form starts after the last comma, stop or bracket ...
            stop = stops[-1]
            abbreviation = re.search(r"(?:[^\W\d_]\.)+$", before[: stop.end()])
            if stop.group() != "." or abbreviation is None:
                before = before[stop.end() :]
        words = before.split()[-(len(letters) + 6) :]
        long_form = _shortest_long_form(acronym, words)
        if long_form:
            found.append((match.start(), long_form, acronym))
    for match in _REVERSE.finditer(text):
        acronym, inner = match.group(1), match.group(2)
        words = inner.split()
        if fits_acronym(acronym, words) and _capitalised(words):
            found.append((match.start(), " ".join(words), acronym))
    return [(long_form, acronym) for _, long_form, acronym in sorted(found)]


def _shortest_long_form(acronym: str, words: list[str]) -> str | None:
    first = _acronym_letters(acronym)[:1].lower()
    for start in range(len(words) - 1, -1, -1):
        word = words[start]
        if word[:1].lower() != first or not _capitalised(words[start:]):
            continue
        if fits_acronym(acronym, words[start:]):
            return " ".join(words[start:])
    return None


def _capitalised(words: list[str]) -> bool:
    """Every word of a name capitalised but its function words and particles ("of", "-e")."""
    return all(piece[:1].isupper() or optional for piece, optional in _split_long_form(words))


# --- the rules -------------------------------------------------------------------------------


class _Token:
    """One word, number or punctuation mark, with what discovery learns about its position."""

    __slots__ = (
        "start", "end", "text", "kind", "possessive", "newline_before", "stop", "cut", "cap",
        "caps", "initial", "shout", "headline", "line",
    )  # fmt: skip

    def __init__(
        self,
        start: int,
        end: int,
        text: str,
        kind: str,
        possessive: bool = False,
        newline_before: bool = False,
        stop: int = -1,
        cut: bool = False,
    ):
        self.start = start
        self.end = end  # without a possessive 's
        self.text = text  # as written, possessive 's removed
        self.kind = kind  # word | abbr | initial | num | punct
        self.possessive = possessive
        self.newline_before = newline_before
        self.stop = stop  # where the word ends in the text, possessive 's included
        self.cut = cut  # a hyphenated word cut short ("Paris" of "Paris-based"): the run ends
        self.cap = kind != "num" and kind != "punct" and text[:1].isupper()
        self.caps = kind == "word" and len(text) >= 2 and text.isupper() and text.isalpha()
        self.initial = False  # first of a sentence: a capital there proves nothing
        self.shout = False  # in a line (or a stretch) written in capitals
        self.headline = False  # in a headline-case title
        self.line = 0


def _tokens(text: str) -> list[_Token]:
    tokens: list[_Token] = []
    append, find, token_class = tokens.append, text.find, _Token
    previous_end = 0
    for match in _TOKEN.finditer(text):
        start, end = match.span()
        if start < previous_end:
            continue  # the full stop already taken into "Inc."
        kind = match.lastgroup
        word = match.group()
        newline = find("\n", previous_end, start) >= 0
        previous_end = end
        if kind != "word":
            append(token_class(start, end, word, kind, False, newline, end))
            continue
        possessive = False
        if len(word) > 2 and word[-2] in _APOSTROPHES and word[-1] in "sS":
            word, possessive = word[:-2], True
        if "-" in word or "‐" in word or "‑" in word:
            for token in _hyphenated(word, start, start + len(word)):
                token.stop = token.end
                token.newline_before = newline
                newline = False
                append(token)
            if not tokens[-1].cut:
                tokens[-1].possessive, tokens[-1].stop = possessive, end
            continue
        if word in ORG_ABBREVIATIONS and text[end : end + 1] == "." and not possessive:
            end += 1  # "Inc.", "Corp.": the full stop belongs to the name
            word += "."
            previous_end = end
        append(token_class(start, start + len(word), word, kind, possessive, newline, end))
    return tokens


def _hyphenated(word: str, start: int, end: int) -> list[_Token]:
    """A hyphenated word as name tokens: "anti-Iran" -> Iran, "Paris-based" -> Paris,
    "US-Iran" -> US, Iran; "al-Maliki", "Iran-Interlink", "Mojahedin-e" stay whole."""
    pieces = re.split(f"[{_HYPHENS}]", word)
    if pieces[0].lower() in HYPHEN_PREFIXES and pieces[1][:1].isupper():
        cut = len(pieces[0]) + 1
        return _hyphenated(word[cut:], start + cut, end)
    if pieces[0][:1].isupper():
        # drop a lower-case tail that is not a particle: "Paris-based", "Iraqi-led"
        keep = len(pieces)
        while (
            keep > 1 and pieces[keep - 1][:1].islower() and pieces[keep - 1] not in HYPHEN_PARTICLES
        ):
            keep -= 1
        if keep < len(pieces):
            length = sum(len(p) for p in pieces[:keep]) + keep - 1
            return [_Token(start, start + length, word[:length], "word", cut=True)]
        places = _places()
        if len(pieces) > 1 and all(piece in places for piece in pieces):
            tokens, offset = [], start
            for i, piece in enumerate(pieces):
                if i:
                    tokens.append(_Token(offset - 1, offset, word[offset - start - 1], "punct"))
                tokens.append(_Token(offset, offset + len(piece), piece, "word"))
                offset += len(piece) + 1
            return tokens
    return [_Token(start, end, word, "word")]


def _is_title(text: str) -> bool:
    """ "Gen", "President", and hyphenated ranks such as "Major-General"."""
    if text in TITLES:
        return True
    return "-" in text and all(part.capitalize() in TITLES for part in text.split("-"))


def _caps(text: str) -> bool:
    """A word in capitals ("MEK", "JAPAN"); one letter is not enough."""
    return len(text) >= 2 and text.isupper() and text.isalpha()


def _is_acronym(token: _Token) -> bool:
    if token.caps:
        return len(token.text) <= 6 and not _ROMAN.fullmatch(token.text)
    return token.kind == "abbr" and token.cap


_UPPER_LETTER = re.compile(r"[A-ZÀ-ÖØ-Þ]")
_LOWER_LETTER = re.compile(r"[a-zß-öø-ÿ]")
_TWO_CAPITALS = re.compile(r"[A-Z]{2}")


def _shouting(line: str) -> bool:
    """A line written in capitals (four letters in five or more)."""
    if not _TWO_CAPITALS.search(line):
        return False
    upper = len(_UPPER_LETTER.findall(line))
    lower = len(_LOWER_LETTER.findall(line))
    return upper + lower >= 3 and upper >= 4 * lower


class _Discovery:
    """One text's tokens, its own evidence about words, and the entities found so far."""

    def __init__(self, text: str):
        self.text = text
        self.tokens = _tokens(text)
        self.lower_seen = {t.text for t in self.tokens if t.text.islower()}  # not "al-Maliki"
        self.line_starts: list[int] = []  # index of each line's first token
        self.title_end = 0  # where the title ends, when the text starts with one
        self._mark_lines()
        self._mark_sentences()
        self.acronyms = Counter(
            t.text
            for t in self.tokens
            if (t.caps or t.kind == "abbr") and not t.shout and _is_acronym(t)
        )
        self.defined: dict[str, str] = {}  # acronym -> long form
        self.found: dict[int, tuple[int, str, bool]] = {}  # first token -> (last, type, strong)
        self.place_spans: dict[int, int] = {}
        self.trace: dict[int, str] | None = None  # rule that typed each name, for the benchmark

    # -- marking positions --

    def _mark_lines(self) -> None:
        tokens, text = self.tokens, self.text
        i, n, line_start = 0, len(tokens), 0
        for number, line in enumerate(text.split("\n")):
            line_end = line_start + len(line)
            first = i
            self.line_starts.append(i)
            while i < n and tokens[i].start < line_end:
                tokens[i].line = number
                i += 1
            if first < i and _shouting(line):
                for token in tokens[first:i]:
                    token.shout = True
            line_start = line_end + 1
        # two or more words in capitals side by side shout too ("UNITED STATES - Prices ...")
        for j in range(n - 1):
            a, b = tokens[j], tokens[j + 1]
            if a.caps and b.caps and len(a.text) + len(b.text) > 6:
                a.shout = b.shout = True
        head, sep, rest = text.partition("\n\n")
        if sep and "\n" not in head.strip() and rest.strip():
            self.title_end = len(head)
            title = [t for t in tokens if t.start < len(head)]
            if self._headline_case(title):
                for token in title:
                    token.headline = True

    def _headline_case(self, title: list[_Token]) -> bool:
        """A title that capitalises every content word ("Readying to Open Fight with ...")."""
        words = [t for t in title[1:] if t.kind == "word"]
        if any(t.text.lower() in STOP_WORDS and t.cap for t in words):
            return True
        content = [t for t in words if t.text.lower() not in STOP_WORDS]
        return len(content) >= 3 and all(t.cap for t in content)

    def _mark_sentences(self) -> None:
        tokens = self.tokens
        expect = True  # the next word starts a sentence
        for i, token in enumerate(tokens):
            if token.newline_before:
                expect = True
            if token.kind == "punct":
                if token.text in _SENTENCE_ENDS:
                    expect = expect or token.text != "." or not self._abbreviation_stop(i)
                elif token.text not in _OPENERS:
                    expect = False
                continue
            token.initial = expect
            expect = False

    def _abbreviation_stop(self, index: int) -> bool:
        """True when this full stop closes "Gen." rather than a sentence."""
        if index == 0:
            return False
        word = self.tokens[index - 1]
        return word.stop == self.tokens[index].start and word.text in TITLE_ABBREVIATIONS

    # -- main passes --

    def run(self) -> list[Found]:
        self.defined = {acronym: long for long, acronym in acronym_definitions(self.text)}
        self.place_spans = self._place_spans()
        for first, last in self._runs():
            self._type_run(first, last)
        self._teams()
        self._second_pass()
        return self._results()

    def _place_spans(self) -> dict[int, int]:
        """Place-name matches on token boundaries: first token -> last token (longest)."""
        starts, ends = {}, {}
        for i, t in enumerate(self.tokens):
            if t.kind == "word" or t.kind == "abbr":
                starts[t.start] = i
                ends[t.end] = i
        spans: dict[int, int] = {}
        for end, name in _automaton().iter(self.text):
            first, last = starts.get(end - len(name) + 1), ends.get(end + 1)
            if first is not None and last is not None and spans.get(first, -1) < last:
                spans[first] = last
        return spans

    def _name_token(self, token: _Token) -> bool:
        if token.shout:
            return False
        kind = token.kind
        if kind == "abbr" or kind == "initial":
            return token.text[:1].isupper()
        if kind != "word":
            return False
        text = token.text
        if text[:1].isupper():
            return text not in MONTHS_AND_DAYS
        # "al-Maliki": a lower-case particle joined to a capitalised name
        head, _, tail = text.partition("-")
        return bool(tail) and head in HYPHEN_PARTICLES and tail[:1].isupper()

    def _runs(self) -> list[tuple[int, int]]:
        """Maximal runs of name tokens, joined across particles and organisation connectors."""
        tokens, runs, i, n = self.tokens, [], 0, len(self.tokens)
        while i < n:
            if not self._name_token(tokens[i]):
                i += 1
                continue
            first = last = i
            while True:
                if tokens[last].possessive and tokens[last].text not in NAME_POSSESSIVES:
                    break
                if tokens[last].cut:
                    break
                j = last + 1
                if j >= n or tokens[j].newline_before:
                    break
                if self._name_token(tokens[j]) and self._adjacent(last, j):
                    last = j
                    continue
                # "Gen. Mohammed", "St. Louis": the full stop of an abbreviation
                if (
                    tokens[j].text == "."
                    and tokens[last].text in TITLE_ABBREVIATIONS
                    and tokens[j].start == tokens[last].stop
                    and j + 1 < n
                    and self._name_token(tokens[j + 1])
                    and self._adjacent(last, j + 1)
                ):
                    last = j + 1
                    continue
                # "bin", "de", "van": a particle between two name tokens
                if (
                    tokens[j].text in NAME_PARTICLES
                    and j + 1 < n
                    and self._name_token(tokens[j + 1])
                    and not tokens[j + 1].newline_before
                    and not _caps(tokens[j + 1].text)
                ):
                    last = j + 1
                    continue
                if tokens[j].text in ORG_CONNECTORS:
                    k = self._org_join(first, last, j)
                    if k:
                        last = k
                        continue
                break
            runs.append((first, last))
            i = last + 1
        return runs

    def _adjacent(self, last: int, j: int) -> bool:
        """Two name tokens with only spaces between them (and no month or weekday)."""
        a, b = self.tokens[last], self.tokens[j]
        between = self.text[a.stop : b.start]
        if between[:1] == "." and a.text in TITLE_ABBREVIATIONS:
            between = between[1:]  # "Gen. Mohammed", "St. Louis"
        return between == " " or between.isspace()

    def _org_join(self, first: int, last: int, j: int) -> int:
        """The last token of "of X"/"for X"/"& X" when it continues an organisation name."""
        tokens = self.tokens
        connector = tokens[j].text
        k = j + 1
        if k < len(tokens) and tokens[k].text == "the" and connector != "&":
            k += 1
        if k >= len(tokens) or not self._name_token(tokens[k]) or tokens[k].newline_before:
            return 0
        if connector == "&":
            return k
        nxt = tokens[k].text
        if nxt in TITLES or nxt in MONTHS_AND_DAYS:
            return 0
        left = [t.text for t in tokens[first : last + 1]]
        org_at = max((i for i, w in enumerate(left) if w in ORG_WORDS), default=-1)
        title_at = max((i for i, w in enumerate(left) if w in TITLES), default=-1)
        if org_at >= 0 and title_at < org_at:
            if left[-1].rstrip(".") in ORG_ABBREVIATIONS:
                return 0  # "Kia Motor Corp of South Korea": the company's name has ended
            if connector == "and":
                # "Ministry of Culture and Tourism", not "Johnson Controls Inc and Lear Corp"
                inside = "of" in left or "for" in left
                return k if inside and left[-1] not in ORG_WORDS and self._org_ahead(k) else 0
            return k
        if connector == "of" and left[-1] in PLACE_HEADS and k in self.place_spans:
            return self.place_spans[k]  # "Republic of Ireland", "Gulf of Aden"
        if connector != "of" or left[0] in TITLES or org_at >= 0 or title_at >= 0:
            return 0
        return k if self._the(first) and not self._common(tokens[first]) else 0

    def _org_ahead(self, k: int) -> bool:
        """An organisation word among the next few name tokens."""
        for token in self.tokens[k : k + 4]:
            if not self._name_token(token):
                return False
            if token.text in ORG_WORDS:
                return True
        return False

    def _common(self, token: _Token) -> bool:
        """A word the text itself writes in lower case, or a function word."""
        lowered = token.text.lower()
        return lowered in STOP_WORDS or lowered in self.lower_seen

    def _the(self, first: int) -> bool:
        return first > 0 and self.tokens[first - 1].text in ("the", "The")

    # -- typing a run --

    def _type_run(self, first: int, last: int, *, person: bool = True) -> None:
        """Type one run; `person=False` for the words before a title ("Iraqi Foreign")."""
        tokens = self.tokens
        # drop leading function words ("The", "But") and, at a sentence start or in a
        # headline, common words ("Every", "Families")
        while first <= last:
            token = tokens[first]
            lowered = token.text.lower()
            seen = (token.initial or token.headline) and lowered in self.lower_seen
            if first in self.place_spans and not seen:
                break  # "The Hague" mid-sentence
            if seen or lowered in STOP_WORDS or token.text in COMMON_ABBREVIATIONS:
                first += 1
            else:
                break
        if first > last:
            return
        if tokens[first].headline:
            self._type_headline_run(first, last)
            return
        if first >= 2 and tokens[first - 1].text == "of" and _is_title(tokens[first - 2].text):
            # "Secretary of State John Kornblum": the portfolio, then the person
            name_first = first + 1
            if name_first <= last and tokens[name_first].text in PORTFOLIO_TAILS:
                name_first += 1  # "Minister of Foreign Affairs Ali Velayati"
            if last > name_first and self._looks_like_name(name_first, last):
                self._add(name_first, last, "person", rule="title", strong=True)
            return
        words = [t.text for t in tokens[first : last + 1]]
        org_word = any(w in ORG_WORDS for w in words[1:])
        # split at an acronym that is not part of an organisation name ("MKO Violence")
        if not org_word and last > first:
            for i in range(first, last + 1):
                if tokens[i].kind == "word" and _is_acronym(tokens[i]):
                    if i > first:
                        self._type_run(first, i - 1)
                    self._type_single(i)
                    if i < last:
                        self._type_run(i + 1, last)
                    return
        # a title inside the run: the name after the last title is a person's
        title = None
        for i in range(first, last):
            if _is_title(tokens[i].text) and tokens[i + 1].text not in ORG_CONNECTORS:
                title = i
        if title is not None and not any(w in ORG_WORDS for w in words[title - first + 1 :]):
            name_first, name_last = title + 1, last
            if tokens[name_first].kind == "punct":  # the full stop of "Gen."
                name_first += 1
            for i in range(name_first, last + 1):
                if tokens[i].text in ORG_CONNECTORS:  # "President Tono Eitel of Germany"
                    name_last = i - 1
                    if i + 1 <= last:
                        self._type_run(i + 1, last)
                    break
            if title > first:
                self._type_run(first, title - 1, person=False)
            if name_first <= name_last and self._looks_like_name(name_first, name_last):
                self._add(name_first, name_last, "person", rule="title", strong=True)
            return
        self._type_core(first, last, person=person)

    def _looks_like_name(self, first: int, last: int) -> bool:
        words = [t.text for t in self.tokens[first : last + 1]]
        if len(words) > 4 or any(w in ORG_WORDS for w in words):
            return False
        return not all(is_demonym(w) or w in DIRECTIONS or w in TITLES for w in words)

    def _type_headline_run(self, first: int, last: int) -> None:
        """Runs in a headline-case title count only with evidence of their own."""
        tokens = self.tokens
        pieces, start = [], first
        for i in range(first, last + 1):
            if self._common(tokens[i]) and tokens[i].text not in ORG_CONNECTORS:
                if start < i:
                    pieces.append((start, i - 1))
                start = i + 1
        if start <= last:
            pieces.append((start, last))
        for a, b in pieces:
            while a <= b and tokens[a].text in ORG_CONNECTORS:
                a += 1
            while b >= a and tokens[b].text in ORG_CONNECTORS:
                b -= 1
            if a > b:
                continue
            words = [t.text for t in tokens[a : b + 1]]
            evidence = (
                a in self.place_spans
                or any(w in ORG_WORDS or w in TITLES for w in words)
                or words[0] in PLACE_PREFIXES
                or self._the(a)
                or self._acronym_link(a, b)
                or (a == b and _is_acronym(tokens[a]))
            )
            if evidence:
                self._type_core(a, b)

    def _type_core(self, first: int, last: int, *, person: bool = True) -> None:
        tokens = self.tokens
        if self.place_spans.get(first) == last:
            self._add(first, last, "place", rule="place-exact", strong=True)
            return
        words = [t.text for t in tokens[first : last + 1]]
        if first == last:
            if person or _is_acronym(tokens[first]) or first in self.place_spans:
                self._type_single(first)
            return
        org_word = any(w in ORG_WORDS for w in words[1:]) or (
            words[0] in ORG_WORDS and words[1] in ORG_CONNECTORS
        )
        of = words.index("of") if "of" in words else len(words)
        if (
            words[-1] in EVENT_WORDS
            or (len(words) > 2 and words[-2] in EVENT_WORDS)
            or (of < len(words) and any(w in EVENT_WORDS for w in words[:of]))
        ):
            # "World Cup", "U.S. Open", "Labor Day": events are none of the three types
            if first in self.place_spans and self.place_spans[first] < last - 1:
                self._add(first, self.place_spans[first], "place", rule="event-place", strong=True)
            return
        if not org_word and "of" in words and words[words.index("of") - 1] in PLACE_HEADS:
            self._add(first, last, "place", rule="place-of", strong=True)
            return
        if not org_word and (words[0] in PLACE_PREFIXES or words[-1] in PLACE_SUFFIXES):
            self._add(first, last, "place", rule="place-affix", strong=True)
            return
        if org_word:
            self._add(first, last, "org", rule="org-word", strong=True)
            return
        if (
            len(words) == 2
            and words[0] in DIRECTIONS
            and last not in self.place_spans
            and not is_demonym(words[1])
        ):
            self._add(
                first, last, "place", rule="direction", strong=True
            )  # "Middle East", "North Caucasus"
            return
        if tokens[first].kind == "initial":  # "N. Korea", "S. Korean"
            rest = first
            while rest < last and tokens[rest].kind == "initial":
                rest += 1
            if self.place_spans.get(rest) == last:
                self._add(first, last, "place", rule="initial-place", strong=True)
                return
            if all(is_demonym(t.text) for t in tokens[rest : last + 1]):
                return
        # leading demonyms and directions describe the name: "Australian Tom Moody",
        # "Northern Iraq"
        while (
            first < last
            and first not in self.place_spans
            and (is_demonym(tokens[first].text) or tokens[first].text in DIRECTIONS)
        ):
            first += 1
        if first == last or self.place_spans.get(first) == last:
            self._type_core(first, last, person=person)
            return
        words = [t.text for t in tokens[first : last + 1]]
        if all(is_demonym(w) for w in words):
            return
        if any(
            _is_acronym(tokens[i]) and tokens[i].text not in _places()
            for i in range(first, last + 1)
        ):
            self._add(first, last, "org", rule="has-acronym", strong=False)
            return
        if self._person_evidence(first, last):
            if person:
                self._add(first, last, "person", rule="person-evidence", strong=True)
            return
        if "&" in words:
            self._add(first, last, "org", rule="ampersand", strong=False)  # "Douglas & Lomason"
            return
        if self._the(first) or self._acronym_link(first, last) or "of" in words:
            self._add(first, last, "org", rule="the/acr-link/of", strong=False)
            return
        if any(i in self.place_spans for i in range(first, last + 1)):
            self._add(
                first, last, "org", rule="contains-place", strong=False
            )  # "Real Madrid", "Air France"
            return
        if any(self._common(tokens[i]) for i in range(first, last + 1)):
            return  # "Human Rights", "Goverment Bonds": words the text also writes in lower case
        if len(words) > 4 or any(len(t.text) < 2 for t in tokens[first : last + 1]):
            return  # "W D L G", "Net Income N": headings, not a name
        if person:
            self._add(first, last, "person", rule="person-default", strong=False)

    def _acronym_link(self, first: int, last: int) -> bool:
        """An acronym in the text spells these words: "MEK" for "Mojahedin Khalq"."""
        words = [t.text for t in self.tokens[first : last + 1]]
        initial = words[0][:1]
        return any(
            acronym[:1] == initial
            and len(_acronym_letters(acronym)) >= len(words)
            and fits_acronym(acronym, words)
            for acronym in self.acronyms
        )

    def _person_evidence(self, first: int, last: int) -> bool:
        tokens = self.tokens
        if any(tokens[i].kind == "initial" for i in range(first, last + 1)):
            return True
        if any(tokens[i].text in NAME_PARTICLES for i in range(first + 1, last)):
            return True
        return self._context(first, last) == "person"

    def _context(self, first: int, last: int) -> str | None:
        """What the words around a name say it is: "spokesman X", "X said" -> person;
        "X representative" -> org."""
        tokens = self.tokens
        before = tokens[first - 1].text if first > 0 else ""
        after = tokens[last + 1].text if last + 1 < len(tokens) else ""
        if after in MEMBER_NOUNS and not tokens[last].possessive:
            return "org"
        if before in ("a", "an", "the", "A", "An", "The") and first == last:
            return None  # "the Belgian, who": a noun, not a name
        if before in ROLE_NOUNS or _is_title(before) or after in PERSON_VERBS:
            return "person"
        if before == "told" and first == last and not tokens[first].possessive:
            return "org"  # "told Reuters": a person told would have been named in full
        if first == last and after[:1].islower() and self._pronoun_follows(last):
            return "person"  # "But Rajavi refuses ... She also won't allow"
        if after == "," and last + 2 < len(tokens):
            following = tokens[last + 2]
            if following.text in ("who", "whose") or following.kind == "num":
                return "person"
            text = following.text
            if following.kind == "word" and text.endswith("ing") and text[:1].islower():
                return "person"  # "Bahari, speaking at a conference"
        return None

    def _pronoun_follows(self, index: int) -> bool:
        """The next sentence starts with "He" or "She" and this sentence names no one else."""
        tokens = self.tokens
        for token in tokens[index + 1 : index + 60]:
            if token.initial:
                return token.text in ("He", "She")
            if token.cap and token.kind != "punct":
                return False
        return False

    def _type_single(self, index: int) -> None:
        token = self.tokens[index]
        text = token.text
        if self.place_spans.get(index) == index:
            if not (token.initial and self._common(token)):
                self._add(index, index, "place", rule="single-place", strong=True)
            return
        if _caps(text) and len(text) >= 4 and text in _upper_places():
            if text.lower() not in self.lower_seen:
                self._add(
                    index, index, "place", rule="caps-place", strong=True
                )  # "JAPAN - Yields fell"
            return
        if _is_acronym(token):
            self._add_acronym(index)
            return
        if token.kind != "word" or text.lower() in STOP_WORDS or is_demonym(text):
            return
        if text in ORG_WORDS and self._the(index) and not token.initial:
            self._add(
                index, index, "org", rule="the-orgword", strong=False
            )  # "the Treasury", "the Senate"
            return
        if text in FEATURES and self._the(index) and not token.initial:
            self._add(index, index, "place", rule="the-feature", strong=False)  # "the Gulf"
            return
        if _is_title(text) or text in ORG_WORDS or text in DIRECTIONS or text in EVENT_WORDS:
            return
        context = self._context(index, index)
        if token.initial or token.headline:
            # a capital proves nothing here; the second pass adds names seen elsewhere
            plural = text.endswith("s") and not text.endswith(("ss", "us", "is"))
            if context and not self._common(token) and not (context == "person" and plural):
                self._add(index, index, context, rule="single-context-initial", strong=False)
            return
        if context:
            self._add(index, index, context, rule="single-context", strong=False)

    def _add_acronym(self, index: int) -> None:
        text = self.tokens[index].text
        if text in _places():
            self._add(index, index, "place", rule="acr-place", strong=True)
            return
        if text in self.defined:
            kind = "place" if self.defined[text] in _places() else "org"  # "UAE" is a place
            self._add(index, index, kind, rule="acr-defined", strong=True)
            return
        if text in COMMON_ABBREVIATIONS or text.rstrip("s") in COMMON_ABBREVIATIONS:
            return
        if text.lower() in self.lower_seen:
            return  # a word in capitals for emphasis: "NOTE", "NOT"
        following = self.tokens[index + 1].text if index + 1 < len(self.tokens) else ""
        if following == ":" and self.acronyms[text] < 2:
            return  # a label: "ISSUER : ...", "NOTE :"
        letters = _acronym_letters(text)
        if self.acronyms[text] >= 2 or "." in text:
            self._add(index, index, "org", rule="acr", strong=len(letters) >= 3)
        elif len(letters) >= 3 and (
            self.tokens[index].start < self.title_end
            or self._the(index)
            or following in MEMBER_NOUNS
            or self._slash_list(index)
        ):
            # once only: in the title, "the PLO", "ICRI spokesman", "MKO/MEK/PMOI"
            self._add(index, index, "org", rule="acr-once", strong=True)

    def _slash_list(self, index: int) -> bool:
        """An acronym in a list of others: "MKO/MEK/PMOI" (one name written several ways)."""
        tokens, n = self.tokens, len(self.tokens)
        if index >= 2 and tokens[index - 1].text == "/" and _is_acronym(tokens[index - 2]):
            slash = tokens[index - 1]
            if tokens[index - 2].stop == slash.start and slash.end == tokens[index].start:
                return True
        if index + 2 < n and tokens[index + 1].text == "/" and _is_acronym(tokens[index + 2]):
            slash = tokens[index + 1]
            return tokens[index].stop == slash.start and slash.end == tokens[index + 2].start
        return False

    def _add(self, first: int, last: int, kind: str, *, strong: bool, rule: str = "") -> None:
        self.found[first] = (last, kind, strong)
        if self.trace is not None:
            self.trace[first] = rule

    # -- teams: places and unknown names in a game's result --

    def _teams(self) -> None:
        """Cities, counties and clubs that play: "Surrey beat Kent", "Chicago 5 Houston 3".

        Only in a text that reports games: lines with two "Name score" pairs, scores such as
        "2-1", or several names followed by a score. Countries stay places (a national side is
        the country); any other name seen in a result becomes an organisation, wherever the
        text names it.
        """
        tokens = self.tokens
        self.team_names: dict[str, str] = {}  # in capitals -> as first written
        scored, rows, pairs = self._score_lines()
        scores = sum(1 for t in tokens if t.kind == "num" and _RESULT.fullmatch(t.text))
        if not scored and scores < 2 and len(rows) < 4:
            if pairs < 3:
                return
            rows = set()  # a few figures, not a table of results
        countries = _upper_countries()
        candidates: list[tuple[int, int]] = []
        covered = set()
        for first, (last, kind, _strong) in self.found.items():
            covered.update(range(first, last + 1))
            if kind == "place":
                candidates.append((first, last))
        i, n = 0, len(tokens)
        while i < n:
            token = tokens[i]
            if i in covered or token.kind != "word" or not token.cap:
                i += 1
                continue
            last = i
            while last + 1 < n and tokens[last + 1].cap and tokens[last + 1].kind == "word":
                if last + 1 in covered or tokens[last + 1].newline_before:
                    break
                last += 1
            in_result = token.line in scored or token.line in rows
            if (
                (in_result or not (token.initial or token.shout or token.headline))
                and not any(self._common(t) or is_demonym(t.text) for t in tokens[i : last + 1])
                and token.text not in MONTHS_AND_DAYS
                and token.text not in TITLES
            ):
                candidates.append((i, last))
            i = last + 1
        for first, last in candidates:
            name = " ".join(t.text for t in tokens[first : last + 1])
            if name.upper() in countries or not self._competing(first, last, scored, rows):
                continue
            self.team_names.setdefault(name.upper(), name)
            if first not in self.found:
                self._add(first, last, "org", rule="team", strong=True)
        for first, (last, kind, _strong) in list(self.found.items()):
            name = " ".join(t.text for t in tokens[first : last + 1]).upper()
            if first and tokens[first - 1].text in ("In", "in") and not tokens[first].shout:
                continue  # "In Philadelphia, ...": where the game was played
            if kind == "place" and name in self.team_names:
                self._add(first, last, "org", rule="team-place", strong=True)

    def _score_lines(self) -> tuple[set[int], set[int], int]:
        """Lines with two or more "Name score" pairs ("Chicago 5 Houston 3"), table rows (a name
        then three or more numbers: "SEATTLE 70 63 .526 5"), and the number of "Name score"
        pairs."""
        tokens = self.tokens
        numbers = [i for i, t in enumerate(tokens) if t.kind == "num"]
        pairs = Counter(
            tokens[i].line
            for i in numbers
            if i and tokens[i - 1].cap and _SCORE.fullmatch(tokens[i].text)
        )
        scored = {line for line, count in pairs.items() if count >= 2}
        rows = set()
        for line, count in Counter(tokens[i].line for i in numbers).items():
            if count < 3:
                continue
            start = self.line_starts[line]
            end = self.line_starts[line + 1] if line + 1 < len(self.line_starts) else len(tokens)
            kinds = [t.kind for t in tokens[start:end] if t.kind != "punct"]
            if (
                kinds[0] == "word"
                and tokens[start].cap
                and "word" not in kinds[kinds.index("num") :]
                and all(t.cap for t in tokens[start:end] if t.kind == "word")
            ):
                rows.add(line)
        return scored, rows, sum(pairs.values())

    def _competing(self, first: int, last: int, scored: set[int], rows: set[int]) -> bool:
        tokens = self.tokens
        after = tokens[last + 1] if last + 1 < len(tokens) else None
        line = tokens[first].line
        if after is not None:
            if after.text in COMPETE_AFTER:
                return True
            if after.kind == "num" and (line in scored or line in rows):
                return _SCORE.fullmatch(after.text) is not None or line in rows
            if tokens[first].shout and after.text in ("AT", "VS", "V"):
                return True  # "BALTIMORE AT NEW YORK"
        before = [t.text for t in tokens[max(0, first - 3) : first]]
        if before and before[-1] == "the":
            before.pop()  # "beat the Angels"
        if before and before[-1] in COMPETE_BEFORE:
            return True
        if before and tokens[first].shout and before[-1] == "AT":
            return True
        return len(before) >= 2 and (before[-2], before[-1]) in COMPETE_PAIRS

    # -- second pass: evidence from the whole text --

    def _second_pass(self) -> None:
        """Names already found, met again where a capital proved nothing: at a sentence start,
        in a headline, in capitals; and a surname alone after the full name."""
        tokens = self.tokens
        known: dict[str, str] = {}
        surnames: set[str] = set()
        for first, (last, kind, _strong) in self.found.items():
            words = [t.text for t in tokens[first : last + 1]]
            known.setdefault(" ".join(words), kind)
            if kind == "person" and len(words) >= 2:
                surnames.add(words[-1])
                if tokens[first].kind == "word":
                    surnames.add(words[0])
        for name in list(known):
            if name.upper() in self.team_names:
                known[name] = "org"
        for name in self.team_names.values():
            known.setdefault(name, "org")
        for name in surnames:
            if name.lower() not in STOP_WORDS and len(name) > 1:
                known[name] = "person"  # a surname alone is the person, even if a town has it
        covered = set()
        for first, (last, _, _) in self.found.items():
            covered.update(range(first, last + 1))
        upper = {name.upper(): kind for name, kind in known.items()}
        lengths: dict[str, int] = {}  # first word -> most words in a known name
        for name in known:
            words = name.split()
            lengths[words[0]] = max(lengths.get(words[0], 0), len(words))
            lengths[words[0].upper()] = max(lengths.get(words[0].upper(), 0), len(words))
        place_lengths = _upper_place_lengths()
        i, n = 0, len(tokens)
        while i < n:
            token = tokens[i]
            longest = lengths.get(token.text, 0)
            if token.shout:
                longest = max(longest, place_lengths.get(token.text, 0))
            if not longest or i in covered or not token.cap or token.text.lower() in STOP_WORDS:
                i += 1
                continue
            best = None
            for j in range(min(n - 1, i + longest - 1), i - 1, -1):
                if any(k in covered or tokens[k].newline_before for k in range(i + 1, j + 1)):
                    continue
                words = " ".join(t.text for t in tokens[i : j + 1])
                kind = upper.get(words) if token.shout else known.get(words)
                if (
                    kind is None
                    and token.shout
                    and words in _upper_places()
                    and words.lower() not in self.lower_seen
                    and (j > i or len(words) >= 4)
                ):
                    kind = "place"
                if kind is not None:
                    best = (j, kind)
                    break
            if best is None:
                i += 1
                continue
            j, kind = best
            if kind == "org" and token.shout and self._dateline_after(j):
                kind = "place"  # "NEW YORK 1996-08-31": the dateline names the city
            self.found[i] = (j, kind, False)
            if self.trace is not None:
                self.trace[i] = "second-pass"
            covered.update(range(i, j + 1))
            i = j + 1
        # a single name typed by its context yields to the type of the full name
        for first, (last, kind, strong) in list(self.found.items()):
            if first == last and not strong and kind != "person" and tokens[first].text in surnames:
                self.found[first] = (last, "person", False)

    def _dateline_after(self, index: int) -> bool:
        """The rest of the line is a dateline's: ", England 1996-08-31" or " 1996-08-31"."""
        tokens = self.tokens
        for token in tokens[index + 1 :]:
            if token.newline_before:
                return False
            if token.kind == "num":
                return _DATE.fullmatch(token.text) is not None
            if token.kind == "punct" and token.text != ",":
                return False
        return False

    def _results(self) -> list[Found]:
        """The names found, in text order; with a model, merged with the model's names."""
        found: list[tuple[Found, bool]] = []
        text, covered_to = self.text, -1
        for first in sorted(self.found):
            last, kind, strong = self.found[first]
            start, end = self.tokens[first].start, self.tokens[last].end
            if start < covered_to:
                continue  # never two names over the same words
            covered_to = end
            found.append((Found(" ".join(text[start:end].split()), kind, start, end), strong))
        nlp = _spacy_model()
        if nlp is None:
            return [mention for mention, _ in found]
        return merge_spans(found, model_spans(nlp, text))


# --- the optional statistical model ----------------------------------------------------------

_SPACY_TYPES = {"PERSON": "person", "ORG": "org", "GPE": "place", "LOC": "place", "FAC": "place"}


@cache
def _spacy_model():
    """The spaCy pipeline when spaCy and a model are installed, else None (never downloads).

    The model is `en_core_web_sm` or the one named by $CLIPPINGS_SPACY_MODEL (a package name or
    a path); the environment is read once per process.
    """
    try:
        import spacy
    except ImportError:
        return None
    name = os.environ.get("CLIPPINGS_SPACY_MODEL") or "en_core_web_sm"
    try:
        return spacy.load(name, exclude=["lemmatizer", "textcat"])
    except Exception:  # noqa: BLE001 - a model that does not load means "no model"
        return None


def model_name() -> str | None:
    """The statistical model in use ("en_core_web_sm"), or None when only the rules run."""
    nlp = _spacy_model()
    if nlp is None:
        return None
    meta = getattr(nlp, "meta", None) or {}
    return f"{meta.get('lang', '')}_{meta.get('name', '')}".strip("_") or "spacy"


def model_spans(nlp, text: str) -> list[Found]:
    """The model's PERSON, ORG and GPE/LOC/FAC names as Found, trimmed of a leading "the",
    quotes and a possessive 's. NORP (nationalities, religions) is left out: a demonym is not
    a name by itself."""
    spans = []
    for ent in nlp(text).ents:
        kind = _SPACY_TYPES.get(ent.label_)
        if kind is None:
            continue
        start, end = ent.start_char, ent.end_char
        while start < end and (text[start].isspace() or text[start] in "\"“‘'("):
            start += 1
        if text[start : start + 4].lower() == "the ":
            start += 4
        while end > start and text[end - 1] in " \t\n\"”’'),.;:":
            end -= 1
        if text[end - 2 : end] in ("'s", "’s"):
            end -= 2
        if end > start:
            spans.append(Found(" ".join(text[start:end].split()), kind, start, end))
    return spans


def merge_spans(rules: list[tuple[Found, bool]], model: list[Found]) -> list[Found]:
    """Rule mentions (with whether strong evidence typed them) merged with a model's.

    A strong rule (title, organisation word, place list, defined acronym ...) wins; where a rule
    only guessed (two capitalised words taken for a person) and the model has the same words,
    the model's type wins; the model's other names are added where they overlap no rule's.
    """
    by_span = {(f.start, f.end): f for f in model}
    merged: list[Found] = []
    for mention, strong in rules:
        same = by_span.get((mention.start, mention.end))
        merged.append(same if same is not None and not strong else mention)
    taken = sorted((f.start, f.end) for f in merged)
    for span in model:
        if all(span.end <= start or span.start >= end for start, end in taken):
            merged.append(span)
            taken.append((span.start, span.end))
    return sorted(merged, key=lambda f: f.start)
