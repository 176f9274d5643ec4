"""The kinds of input file the indexer reads: each one's suffixes, how its content is sniffed,
and its parser. `kind_of` picks a file's kind; `parse_file` (indexer/parse.py) runs its parser.

A kind is one row of the registry: a parser module plus a `register(Kind(...))` call. RSS feeds,
e-mail alerts or PDF press reviews would each be one more parser module, registered below
next to html and text (or by the module itself, for a kind a test or a plug-in adds)::

    register(Kind("eml", {".eml"}, "indexer.parse_eml:parse_eml", sniff=_looks_like_mail))

Parsers are named by import path and imported on first use, so that a process that parses no
HTML never loads BeautifulSoup. A parser is `parse(text, rel, *, day_first) -> list[Clipping]`:
`text` the decoded file, `rel` its shown corpus-relative path, `day_first` the configured
order of all-numeric days (`Settings.day_first`).

How a kind is picked (the first KB, NUL bytes dropped and lowercased, is what sniffs see):

1. A suffix no kind registered: a kind whose `sniff` recognises the content ("story.php" that
   holds a page), else BadFile("unsupported file type .pdf"). Known binary formats are refused
   by name: BadFile("binary file (looks like PNG)").
2. Another kind's `claims` wins over the suffix (a page saved as .txt is HTML).
3. The suffix's kind, if its `fits` accepts the content; else the fallback kind, text (a .html
   file with no markup is text saved under the wrong name).
4. No suffix: the first kind whose `sniff` recognises the content, else text.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from indexer.clipping import BadFile, Clipping
from indexer.read import binary_format

Parser = Callable[..., list[Clipping]]
Sniff = Callable[[bytes], bool]

FALLBACK = "text"  # the kind of a file nothing else recognises, when it has no suffix
SNIFF_BYTES = 1024

_SUFFIX = re.compile(r"^\.[a-z][a-z0-9]{0,7}$")


def _never(head: bytes) -> bool:
    return False


def _always(head: bytes) -> bool:
    return True


@dataclass(frozen=True)
class Kind:
    """One input kind. `parser` is a function or "module:function", imported when first used.

    `sniff(head)`: the content looks like this kind (for a file with no suffix, or one no kind
    registered). `claims(head)`: the content is surely this kind, whatever kind its suffix
    names. `fits(head)`: content named with one of `suffixes` really is this kind (else it is
    read as text). `markup`: decoding honours a charset the content declares (`<meta charset>`).
    """

    name: str
    suffixes: frozenset[str]
    parser: str | Parser
    sniff: Sniff = _never
    claims: Sniff = _never
    fits: Sniff = _always
    markup: bool = False
    _loaded: list = field(default_factory=list, compare=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "suffixes", frozenset(s.lower() for s in self.suffixes))

    def parse(self, text: str, rel: str, *, day_first: bool = True) -> list[Clipping]:
        """The clippings in one decoded file of this kind."""
        if not self._loaded:
            self._loaded.append(_load(self.parser))
        return self._loaded[0](text, rel, day_first=day_first)


def _load(parser: str | Parser) -> Parser:
    if callable(parser):
        return parser
    module, _, name = parser.partition(":")
    return getattr(importlib.import_module(module), name)


_KINDS: dict[str, Kind] = {}


def register(kind: Kind) -> Kind:
    """Add (or replace) a kind; its suffixes must not belong to another kind."""
    for other in _KINDS.values():
        taken = other.suffixes & kind.suffixes
        if other.name != kind.name and taken:
            raise ValueError(f"suffix {min(taken)} is already read as {other.name}")
    _KINDS[kind.name] = kind
    return kind


def unregister(name: str) -> Kind | None:
    """Remove a kind (the fallback cannot be removed); return it, or None if there was none."""
    if name == FALLBACK:
        raise ValueError(f"the fallback kind {FALLBACK} cannot be unregistered")
    return _KINDS.pop(name, None)


def kinds() -> Iterable[Kind]:
    """The registered kinds, in registration order."""
    return tuple(_KINDS.values())


def get(name: str) -> Kind:
    return _KINDS[name]


def suffixes() -> frozenset[str]:
    """Every suffix some kind reads."""
    return frozenset().union(*(kind.suffixes for kind in _KINDS.values()))


def kind_of(path: Path | str, data: bytes) -> Kind:
    """The kind of a file, from its suffix and its first KB (see the module docstring).

    Raises BadFile("unsupported file type .pdf") or BadFile("binary file (looks like PNG)").
    """
    suffix = _suffix(path)
    magic = binary_format(data)
    head = data[:SNIFF_BYTES].replace(b"\x00", b"").lower()
    named = next((kind for kind in _KINDS.values() if suffix in kind.suffixes), None)
    if suffix and named is None:
        found = None if magic else next((k for k in _KINDS.values() if k.sniff(head)), None)
        if found is None:
            raise BadFile(f"unsupported file type {suffix}")
        return found
    if magic:
        raise BadFile(f"binary file (looks like {magic})")
    for kind in _KINDS.values():
        if kind is not named and kind.claims(head):
            return kind
    if named is not None:
        return named if named.fits(head) else _KINDS[FALLBACK]
    return next((kind for kind in _KINDS.values() if kind.sniff(head)), _KINDS[FALLBACK])


def _suffix(path: Path | str) -> str:
    """The lowercase suffix, or "" when the part after the last dot is no file type."""
    suffix = Path(path).suffix.lower()
    return suffix if _SUFFIX.match(suffix) else ""


# --- the built-in kinds -----------------------------------------------------------------------

_HTML_MARKERS = (b"<!doctype html", b"<html", b"<head", b"<body")


def _looks_like_html(head: bytes) -> bool:
    return any(marker in head for marker in _HTML_MARKERS)


def _starts_as_html(head: bytes) -> bool:
    """A document that begins as a page does (after a BOM and blank space): a page saved as .txt."""
    return head.lstrip(b"\xef\xbb\xbf\xff\xfe \t\r\n").startswith((b"<!doctype html", b"<html"))


def _has_markup(head: bytes) -> bool:
    return b"<" in head


register(
    Kind(
        "html",
        {".html", ".htm", ".xhtml", ".shtml"},
        "indexer.parse_html:parse_html",
        sniff=_looks_like_html,
        claims=_starts_as_html,
        fits=_has_markup,
        markup=True,
    )
)
register(Kind("text", {".txt", ".text", ".md"}, "indexer.parse_text:parse_text"))
