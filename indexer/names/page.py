"""One text as discovery reads it: its tokens, where each sits (sentence start, headline, a
line in capitals), the text's own evidence about its words, and the names found so far.

`Page` is read-only once built; the rules only add to `Names`.
"""

from __future__ import annotations

import re
from collections import Counter

from indexer.names.acronyms import acronym_definitions
from indexer.names.places import place_automaton, place_names
from indexer.names.words import (
    APOSTROPHES,
    HYPHEN_PARTICLES,
    HYPHEN_PREFIXES,
    HYPHENS,
    MONTHS_AND_DAYS,
    ORG_ABBREVIATIONS,
    STOP_WORDS,
    TITLE_ABBREVIATIONS,
    TITLES,
)

_TOKEN = re.compile(
    r"(?P<abbr>(?:[^\W\d_]\.){2,})"  # U.S., U.N.
    r"|(?P<initial>[A-Z]\.)(?=[ \t]+[A-Z])"  # the W. of "W. Athey"
    r"|(?P<word>[^\W\d_](?:\w|['’‐‑-](?=\w))*)"  # words with inner apostrophes and hyphens
    r"|(?P<num>\d(?:\w|[.,:/-](?=\d))*)"
    r"|(?P<punct>\S)"
)
_SENTENCE_ENDS = frozenset(".!?:;…•–—|")
_OPENERS = frozenset("\"“”‘'(«[")
# Roman numerals ("World War II") are not acronyms.
_ROMAN = re.compile(r"[IVXLC]+")
_UPPER_LETTER = re.compile(r"[A-ZÀ-ÖØ-Þ]")
_LOWER_LETTER = re.compile(r"[a-zß-öø-ÿ]")
_TWO_CAPITALS = re.compile(r"[A-Z]{2}")


class Token:
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


def tokenize(text: str) -> list[Token]:
    """The text's tokens; "Inc." keeps its full stop, a possessive 's is set apart, and
    hyphenated words are split as names are (see `_hyphenated`)."""
    tokens: list[Token] = []
    append, find, token_class = tokens.append, text.find, Token
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
        if len(word) > 2 and word[-2] in APOSTROPHES and word[-1] in "sS":
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


def _hyphenated(word: str, start: int, end: int) -> list[Token]:
    """A hyphenated word as name tokens: "anti-Iran" -> Iran, "Paris-based" -> Paris,
    "US-Iran" -> US, Iran; "al-Maliki", "Iran-Interlink", "Mojahedin-e" stay whole."""
    pieces = re.split(f"[{HYPHENS}]", word)
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
            return [Token(start, start + length, word[:length], "word", cut=True)]
        places = place_names()
        if len(pieces) > 1 and all(piece in places for piece in pieces):
            return _place_pair(word, pieces, start)
    return [Token(start, end, word, "word")]


def _place_pair(word: str, pieces: list[str], start: int) -> list[Token]:
    """ "US-Iran" as US, the hyphen, Iran: each place a name of its own."""
    tokens, offset = [], start
    for i, piece in enumerate(pieces):
        if i:
            tokens.append(Token(offset - 1, offset, word[offset - start - 1], "punct"))
        tokens.append(Token(offset, offset + len(piece), piece, "word"))
        offset += len(piece) + 1
    return tokens


def is_title(text: str) -> bool:
    """ "Gen", "President", and hyphenated ranks such as "Major-General"."""
    if text in TITLES:
        return True
    return "-" in text and all(part.capitalize() in TITLES for part in text.split("-"))


def caps(text: str) -> bool:
    """A word in capitals ("MEK", "JAPAN"); one letter is not enough."""
    return len(text) >= 2 and text.isupper() and text.isalpha()


def is_acronym(token: Token) -> bool:
    """A short word in capitals that is no Roman numeral ("MKO"), or a dotted one ("U.N.")."""
    if token.caps:
        return len(token.text) <= 6 and not _ROMAN.fullmatch(token.text)
    return token.kind == "abbr" and token.cap


def is_name_token(token: Token) -> bool:
    """A token that may be part of a name: capitalised (not a month or weekday), an initial,
    or "al-Maliki"; never a word of a line in capitals."""
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


def _shouting(line: str) -> bool:
    """A line written in capitals (four letters in five or more)."""
    if not _TWO_CAPITALS.search(line):
        return False
    upper = len(_UPPER_LETTER.findall(line))
    lower = len(_LOWER_LETTER.findall(line))
    return upper + lower >= 3 and upper >= 4 * lower


def _headline_case(title: list[Token]) -> bool:
    """A title that capitalises every content word ("Readying to Open Fight with ...")."""
    words = [t for t in title[1:] if t.kind == "word"]
    if any(t.text.lower() in STOP_WORDS and t.cap for t in words):
        return True
    content = [t for t in words if t.text.lower() not in STOP_WORDS]
    return len(content) >= 3 and all(t.cap for t in content)


class Page:
    """One text's tokens, where each sits, and the text's own evidence about its words: the
    words it writes in lower case, the acronyms it uses and defines, the place names in it."""

    def __init__(self, text: str):
        self.text = text
        self.tokens = tokenize(text)
        self.lower_seen = {t.text for t in self.tokens if t.text.islower()}  # not "al-Maliki"
        self.line_starts: list[int] = []  # index of each line's first token
        self.title_end = 0  # where the title ends, when the text starts with one
        self._mark_lines()
        self._mark_shouting_pairs()
        self._mark_title()
        self._mark_sentences()
        self.acronyms = Counter(
            t.text
            for t in self.tokens
            if (t.caps or t.kind == "abbr") and not t.shout and is_acronym(t)
        )
        self.defined = {acronym: long for long, acronym in acronym_definitions(text)}
        self.place_spans = self._place_spans()  # first token -> last token of a place name

    # -- marking positions --

    def _mark_lines(self) -> None:
        """Each token's line; every token of a line written in capitals shouts."""
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

    def _mark_shouting_pairs(self) -> None:
        """Two or more words in capitals side by side shout too ("UNITED STATES - Prices ...")."""
        tokens = self.tokens
        for j in range(len(tokens) - 1):
            a, b = tokens[j], tokens[j + 1]
            if a.caps and b.caps and len(a.text) + len(b.text) > 6:
                a.shout = b.shout = True

    def _mark_title(self) -> None:
        """A one-line title before a blank line; in headline case, its capitals prove nothing."""
        head, sep, rest = self.text.partition("\n\n")
        if sep and "\n" not in head.strip() and rest.strip():
            self.title_end = len(head)
            title = [t for t in self.tokens if t.start < len(head)]
            if _headline_case(title):
                for token in title:
                    token.headline = True

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

    def _place_spans(self) -> dict[int, int]:
        """Place-name matches on token boundaries: first token -> last token (longest)."""
        starts, ends = {}, {}
        for i, t in enumerate(self.tokens):
            if t.kind == "word" or t.kind == "abbr":
                starts[t.start] = i
                ends[t.end] = i
        spans: dict[int, int] = {}
        for end, name in place_automaton().iter(self.text):
            first, last = starts.get(end - len(name) + 1), ends.get(end + 1)
            if first is not None and last is not None and spans.get(first, -1) < last:
                spans[first] = last
        return spans

    # -- what the text says about a word --

    def words(self, first: int, last: int) -> list[str]:
        """The tokens' texts from `first` to `last`, both included."""
        return [t.text for t in self.tokens[first : last + 1]]

    def common(self, token: Token) -> bool:
        """A word the text itself writes in lower case, or a function word."""
        lowered = token.text.lower()
        return lowered in STOP_WORDS or lowered in self.lower_seen

    def after_the(self, first: int) -> bool:
        """ "the" or "The" comes right before this token."""
        return first > 0 and self.tokens[first - 1].text in ("the", "The")

    def adjacent(self, last: int, j: int) -> bool:
        """Two name tokens with only spaces between them (and no month or weekday)."""
        a, b = self.tokens[last], self.tokens[j]
        between = self.text[a.stop : b.start]
        if between[:1] == "." and a.text in TITLE_ABBREVIATIONS:
            between = between[1:]  # "Gen. Mohammed", "St. Louis"
        return between == " " or between.isspace()


class Names:
    """The names found so far: first token -> (last token, type, strong evidence), and, for
    the benchmark, the rule that typed each."""

    def __init__(self, trace: bool = False):
        self.found: dict[int, tuple[int, str, bool]] = {}
        self.trace: dict[int, str] | None = {} if trace else None

    def add(self, first: int, last: int, kind: str, *, strong: bool, rule: str = "") -> None:
        self.found[first] = (last, kind, strong)
        if self.trace is not None:
            self.trace[first] = rule

    def retype(self, first: int, kind: str) -> None:
        """Change a name's type, its span and rule kept; the evidence is no longer strong."""
        last = self.found[first][0]
        self.found[first] = (last, kind, False)

    def covered(self) -> set[int]:
        """Every token inside a name found so far."""
        covered: set[int] = set()
        for first, (last, _kind, _strong) in self.found.items():
            covered.update(range(first, last + 1))
        return covered
