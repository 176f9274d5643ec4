"""A clipping file's bytes and their text, or the reason the file cannot be used.

Reading and decoding are the first and third of the steps `indexer.parse.parse_file` takes,
each raising `BadFile` with the reason shown to the user:

    data, stat = read_file(path)                 # "unreadable: permission denied", "too large …"
    kind = kinds.kind_of(path, data)             # html, text …; "unsupported file type .pdf"
    text = decode(data, html=kind.markup)        # "empty file", "binary file (looks like PDF)"

Which files there are is `indexer.scan`'s business (`scan_corpus`, the one corpus walk).
"""

from __future__ import annotations

import codecs
import math
import os
import re
import stat
import unicodedata
from functools import partial
from pathlib import Path

import charset_normalizer

from indexer.clipping import BadFile

MAX_BYTES = 20 * 1024 * 1024  # "20 MB"; a news page saved with its inline images stays far below
_MB = 1024 * 1024

# Leading bytes of the binary formats people drop into a press archive by mistake.
_MAGIC = (
    (b"%PDF-", "PDF"),
    (b"PK\x03\x04", "ZIP"),  # also .docx, .odt, .epub
    (b"PK\x05\x06", "ZIP"),
    (b"\x89PNG\r\n\x1a\n", "PNG"),
    (b"\xff\xd8\xff", "JPEG"),
    (b"GIF87a", "GIF"),
    (b"GIF89a", "GIF"),
    (b"\x1f\x8b", "gzip"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "MS Office"),  # .doc, .xls before 2007
    (b"\x7fELF", "ELF"),  # a program
)

# Longest first: the UTF-32 LE BOM starts with the UTF-16 LE one.
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

_DECLARATION_BYTES = 8192
_META_CHARSET = re.compile(rb"<meta\b[^>]*?charset\s*=\s*[\"']?\s*([a-z0-9_:.\-]+)", re.I)
_XML_ENCODING = re.compile(rb"<\?xml\b[^>]*?encoding\s*=\s*[\"']([a-z0-9_.\-]+)", re.I)

# Declared names that browsers read as a superset (WHATWG Encoding Standard), so do we.
_DECLARED_ALIASES = {
    "ascii": "cp1252",
    "iso8859_1": "cp1252",
    "iso8859_9": "cp1254",
    "iso8859_11": "cp874",
    "tis_620": "cp874",
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "shift_jis": "cp932",
    "euc_kr": "cp949",
}

# Below this charset-normalizer coherence the language was not recognised: the guess is weak.
_MIN_COHERENCE = 0.2
_WINDOWS_CODE_PAGES = [f"cp{n}" for n in range(1250, 1259)]
# The Windows code page of each language charset-normalizer names that is not written in
# Windows-1252; the Latin-script ones are the languages Windows-1252 text can be mistaken for.
_LANGUAGE_CODE_PAGES = {
    **dict.fromkeys(
        ["Croatian", "Czech", "Hungarian", "Polish", "Romanian", "Slovak", "Slovene"], "cp1250"
    ),
    **dict.fromkeys(["Bulgarian", "Kazakh", "Russian", "Serbian", "Ukrainian"], "cp1251"),
    "Greek": "cp1253",
    "Turkish": "cp1254",
    "Hebrew": "cp1255",
    "Arabic": "cp1256",
    "Farsi": "cp1256",
    "Estonian": "cp1257",
    "Lithuanian": "cp1257",
    "Vietnamese": "cp1258",
}
_LATIN_LANGUAGES = frozenset(
    language
    for language, page in _LANGUAGE_CODE_PAGES.items()
    if page in ("cp1250", "cp1254", "cp1257", "cp1258")
)
_NON_ASCII_WORD = re.compile(r"(?<![^\W\d_])[^\W\d_a-zA-Z]{3,}(?![^\W\d_])")
_WORD_INNER_SYMBOL = re.compile(r"(?<=[A-Za-z])[^\x00-\x7f](?=[A-Za-z])")
# Control characters text files do hold: ESC and Ctrl-Z (DOS end of file) turn up in old ones.
_ALLOWED_CONTROLS = frozenset("\t\n\r\f\v\x1a\x1b")
_STRAY_CONTROLS = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")
_MAX_CONTROL_SHARE = 0.02
# The only characters worth a category look-up: printable ASCII and the allowed controls never
# count as binary.
_NOT_PRINTABLE_ASCII = re.compile(r"[^\x20-\x7e\t\n\r\f\v\x1a\x1b]")
_SAMPLE_CHARS = 65536  # per-character checks look at the start of a long file only
_CONTROL_BYTES = bytes(sorted(set(range(0x20)) - set(map(ord, _ALLOWED_CONTROLS)))) + b"\x7f"
# C1 controls in decoded text are Windows-1252 punctuation that went through Latin-1.
_C1 = re.compile("[\x80-\x9f]")
_C1_AS_CP1252 = {
    chr(code): bytes([code]).decode("cp1252")
    for code in range(0x80, 0xA0)
    if code not in (0x81, 0x8D, 0x8F, 0x90, 0x9D)
}


def read_clipping_bytes(path: Path, *, limit: int = MAX_BYTES) -> bytes:
    """The bytes of one file, refusing unreadable files and files over `limit` bytes."""
    return read_file(path, limit=limit)[0]


def read_file(path: Path | str, *, limit: int = MAX_BYTES) -> tuple[bytes, os.stat_result]:
    """The bytes of one regular file and its stat, taken from the one open handle.

    Opened without blocking, so a FIFO put where a file was is refused, not waited on;
    raises BadFile("unreadable: permission denied"), "too large …", "not a regular file …",
    "vanished before it could be read".
    """
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    except FileNotFoundError as error:
        raise BadFile("vanished before it could be read") from error
    except OSError as error:
        raise BadFile(_unreadable(error)) from error
    info = os.fstat(fd)
    if not stat.S_ISREG(info.st_mode):  # a folder, or a FIFO or device put where a file was
        os.close(fd)
        raise BadFile("not a regular file")
    with open(fd, "rb") as handle:
        try:
            data = handle.read(limit + 1)
        except OSError as error:
            raise BadFile(_unreadable(error)) from error
    if len(data) > limit:
        size = max(info.st_size, len(data))
        raise BadFile(f"too large ({_megabytes(size)} MB; limit {_megabytes(limit)} MB)")
    return data, info


def _unreadable(error: OSError) -> str:
    reason = error.strerror or str(error) or type(error).__name__
    return f"unreadable: {reason[:1].lower()}{reason[1:]}"


def _megabytes(size: int) -> int:
    return math.ceil(size / _MB)


def decode(data: bytes, *, html: bool = False) -> str:
    """The text of a clipping file, with "\\n" newlines and no BOM.

    Order of evidence: a BOM; UTF-16 without a BOM (NUL bytes on alternate positions); strict
    UTF-8; for HTML, a declared `<meta charset>` that decodes cleanly; else detection with
    charset-normalizer, preferring Windows-1252 for Western text it cannot place.

    >>> decode("“Quoted” …".encode("cp1252"))
    '“Quoted” …'
    """
    if not data:
        raise BadFile("empty file")
    magic = binary_format(data)
    if magic:
        raise BadFile(f"binary file (looks like {magic})")
    text = _decode_unicode(data)
    if text is None and b"\x00" in data:
        text = _try_decode(data, "utf-8")  # a stray NUL in UTF-8 text; _clean judges the share
    if text is None:
        controls = len(data) - len(data.translate(None, _CONTROL_BYTES))
        if b"\x00" in data or controls > _MAX_CONTROL_SHARE * len(data):
            raise BadFile("binary file")
        text = _decode_legacy(data, html=html)
    return _clean(text)


def binary_format(data: bytes) -> str | None:
    """The binary format the bytes start with ("PDF", "PNG" …), or None."""
    for magic, kind in _MAGIC:
        if data.startswith(magic):
            return kind
    return None


def _decode_unicode(data: bytes) -> str | None:
    """Text from a BOM or from BOM-less UTF-16; None when the bytes carry neither."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            # A BOM is the strongest evidence there is: decode by it even if a byte is damaged.
            return data[len(bom) :].decode(encoding, errors="replace")
    encoding = _utf16_without_bom(data)
    if encoding:
        return data[: len(data) // 2 * 2].decode(encoding)
    return None


def _utf16_without_bom(data: bytes) -> str | None:
    """The UTF-16 codec when the NUL bytes sit on alternate positions, as the high bytes of
    ASCII characters do; else None."""
    if len(data) < 4:
        return None
    even, odd = data[0::2].count(0), data[1::2].count(0)
    nuls, pairs = even + odd, len(data) // 2
    if not nuls or max(even, odd) < 0.95 * nuls or max(even, odd) < 0.05 * pairs:
        return None
    encoding = "utf-16-le" if odd > even else "utf-16-be"
    try:
        text = data[: pairs * 2].decode(encoding)
    except UnicodeDecodeError:
        return None
    return encoding if not _mostly_controls(text) else None


def _decode_legacy(data: bytes, *, html: bool) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    if html:
        declared = _declared_encoding(data)
        if declared:
            text = _try_decode(data, declared)
            if text is not None:
                return text
    return _detect(data)


def _declared_encoding(data: bytes) -> str | None:
    """The Python codec for a page's `<meta charset>`, http-equiv or XML declaration."""
    head = data[:_DECLARATION_BYTES]
    match = _META_CHARSET.search(head) or _XML_ENCODING.search(head)
    if not match:
        return None
    try:
        name = codecs.lookup(match.group(1).decode("ascii")).name.replace("-", "_")
    except LookupError:
        return None
    if name.startswith(("utf_16", "utf_32")):
        return None  # the bytes are ASCII-compatible or the declaration could not be read
    return _DECLARED_ALIASES.get(name, name)


def _try_decode(data: bytes, encoding: str) -> str | None:
    try:
        return data.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return None


def _detect(data: bytes) -> str:
    """Decode bytes that are neither Unicode nor declared, by charset detection.

    charset-normalizer recognises the language of a text better than its code page: it names
    Windows-1250 for English and often finds no language in a few lines. So Western-looking
    Windows-1252 wins unless the language found is written in another Latin code page
    (Turkish, Czech), and then the code page of that language goes first; a weak guess is
    checked against the Windows code pages, which legacy clippings use; and a decoding with
    symbols inside words ("Rz¹d") is the last resort.
    """
    matches = list(charset_normalizer.from_bytes(data))
    language = matches[0].language if matches and matches[0].coherence >= _MIN_COHERENCE else None
    western = _try_decode(data, "cp1252")
    if western is not None and _looks_western(western) and language not in _LATIN_LANGUAGES:
        return western
    if language is None:
        windows = charset_normalizer.from_bytes(data, cp_isolation=_WINDOWS_CODE_PAGES)
        matches = [*windows, *matches]
    encodings = [match.encoding for match in matches if "cp1252" not in match.could_be_from_charset]
    if language in _LATIN_LANGUAGES:  # the language is right more often than the code page
        encodings.insert(0, _LANGUAGE_CODE_PAGES[language])
    texts = [text for text in map(partial(_try_decode, data), encodings) if text is not None]
    for text in texts:
        if not _symbol_in_word(text):
            return text
    if texts:
        return texts[0]
    if western is not None:
        return western
    raise BadFile("cannot detect the text encoding")


def _looks_western(text: str) -> bool:
    """Whether Windows-1252 text reads as a Western language rather than the mojibake of
    another code page: few non-ASCII letters, no word spelt with them alone (Arabic read as
    Windows-1252: "ãÌÇåÏí") and no symbols inside words (Polish read as Windows-1252: "Rz¹d")."""
    letters = [char for char in text[:_SAMPLE_CHARS] if char.isalpha()]
    foreign = sum(1 for char in letters if not char.isascii())
    if not letters or foreign > 0.3 * len(letters):
        return False
    return not _NON_ASCII_WORD.search(text) and not _symbol_in_word(text)


def _symbol_in_word(text: str) -> bool:
    """Whether a symbol or digit sits inside a word, as in Polish read as Windows-1252."""
    for match in _WORD_INNER_SYMBOL.finditer(text):
        char = match.group()
        if char in "¿¡" or (not char.isalpha() and unicodedata.category(char)[0] in "SN"):
            return True
    return False


def _mostly_controls(text: str) -> bool:
    """Whether control or unassigned characters betray binary data (judged on the start)."""
    sample = text[:_SAMPLE_CHARS]
    controls = sum(
        1
        for char in _NOT_PRINTABLE_ASCII.findall(sample)
        if unicodedata.category(char) in ("Cc", "Cs", "Cn")
    )
    return controls > _MAX_CONTROL_SHARE * len(sample)


def _clean(text: str) -> str:
    """Strip a BOM, unify newlines, refuse empty or binary text, drop stray control bytes."""
    text = _C1.sub(lambda match: _C1_AS_CP1252.get(match[0], ""), text.removeprefix("\ufeff"))
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n").replace("\v", "\n")
    if not text.strip():
        raise BadFile("empty file")
    if _mostly_controls(text):
        raise BadFile("binary file")
    return _STRAY_CONTROLS.sub("", text)
