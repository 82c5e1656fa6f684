"""Values cleaned at the door: one check per kind of value, the same for every reader and every field.

Every contributed value (CSV cells and headers, YAML values, RDF and JSON-LD literals and IRIs,
mappings included) is checked here by its kind (`KINDS`), before anything is resolved or stored:

- its length (each kind has its limit: docs/contributing.md, "Limits");
- its characters: NUL, C0 controls (tab always allowed; line breaks only in multi-line text), DEL
  and C1 controls (ESC included), lone surrogates, noncharacters, bidirectional controls (overrides,
  embeddings, isolates, marks: the "Trojan Source" characters) and invisible characters (Unicode's
  Default_Ignorable_Code_Point: zero-width space, joiners, soft hyphen, word joiner, tag
  characters, fillers). Zero-width joiners are kept where a script needs them (RFC 5892,
  Appendix A.1-A.2: after a virama, or ZWNJ between joining letters), variation selectors after a
  visible character;
- IRIs by the parser that the store uses (pyoxigraph), so that what passes here can be written.

Look-alike names (Unicode confusables) are compared by `skeleton`, the UTS #39 skeleton of ICU's
SpoofChecker (PyICU from the pyicu-wheels wheel, which bundles ICU: no compiler, no system ICU).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from .. import iris

# -- the kinds of value and their limits -----------------------------------------------------------


@dataclass(frozen=True)
class Kind:
    """One kind of value: its name in messages, its length limit and whether line breaks are allowed."""

    name: str
    max_chars: int
    multiline: bool = False


NAME = Kind("name", 500)  # labels, alternative names, acronyms, names of linked entities, contributor
TEXT = Kind("text", 2000, multiline=True)  # notes and quotes
IRI = Kind("IRI", 2000)  # websites, mapping targets
SOURCE = Kind("source", 2000)  # a URL (then an IRI) or a citation in words
WORD = Kind("keyword", 100)  # mapping predicates, evidence kinds, classes, ids
KINDS = {"name": NAME, "text": TEXT, "iri": IRI, "source": SOURCE, "word": WORD}
# Items of one list value (sponsors, populations, alternative names, ...) and mappings of one record.
MAX_ITEMS = 50
MAX_MAPPINGS = 20

# Record keys by kind (every key of schema.INITIATIVE / ORGANIZATION and of a mapping).
_KEY_KINDS = {
    "note": TEXT,
    "quote": TEXT,
    "website": IRI,
    "iri": IRI,
    "source": SOURCE,
    "id": WORD,
    "class": WORD,
    "evidence": WORD,
    "predicate": WORD,
}


def kind_of_key(key: str) -> Kind:
    """The kind of the values of a record key (names unless said otherwise)."""
    return _KEY_KINDS.get(key, NAME)


# -- characters -----------------------------------------------------------------------------------
_BIDI = {
    0x061C: "ARABIC LETTER MARK",
    0x200E: "LEFT-TO-RIGHT MARK",
    0x200F: "RIGHT-TO-LEFT MARK",
    **{c: unicodedata.name(chr(c)) for c in range(0x202A, 0x202F)},  # embeddings and overrides
    **{c: unicodedata.name(chr(c)) for c in range(0x2066, 0x206A)},  # isolates
}
_ZWNJ, _ZWJ = 0x200C, 0x200D
# ICU's UJoiningType values (uchar.h): which letters a ZWNJ may stand between (RFC 5892, A.1).
_JT_DUAL, _JT_LEFT, _JT_RIGHT, _JT_TRANSPARENT = 2, 3, 4, 5
_VIRAMA = 9  # canonical combining class of a virama


@dataclass(frozen=True)
class Finding:
    """What is wrong with one value: words, the 0-based offset of the character, a cleaned value."""

    message: str
    what: str  # "length", "character" or "iri"
    offset: int | None = None
    suggestion: str | None = None


def _icu():
    import icu  # PyICU, from the pyicu-wheels wheel (ICU bundled)

    return icu


@lru_cache(maxsize=4096)
def _ignorable(c: str) -> bool:
    icu = _icu()
    return bool(icu.Char.hasBinaryProperty(c, icu.UProperty.DEFAULT_IGNORABLE_CODE_POINT))


def _joining(c: str) -> int:
    icu = _icu()
    return int(icu.Char.getIntPropertyValue(c, icu.UProperty.JOINING_TYPE))


def _joiner_allowed(text: str, i: int) -> bool:
    """RFC 5892 CONTEXTJ: ZWJ/ZWNJ after a virama; ZWNJ between a left- and a right-joining letter."""
    if i > 0 and unicodedata.combining(text[i - 1]) == _VIRAMA:
        return True
    if ord(text[i]) != _ZWNJ:
        return False
    j = i - 1
    while j >= 0 and _joining(text[j]) == _JT_TRANSPARENT:
        j -= 1
    k = i + 1
    while k < len(text) and _joining(text[k]) == _JT_TRANSPARENT:
        k += 1
    return (
        j >= 0
        and k < len(text)
        and _joining(text[j]) in (_JT_DUAL, _JT_LEFT)
        and _joining(text[k]) in (_JT_DUAL, _JT_RIGHT)
    )


def _describe(c: str) -> str:
    o = ord(c)
    name = unicodedata.name(c, "")
    return f"U+{o:04X}" + (f" {name}" if name else "")


_ASCII_CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")
_ASCII_CONTROL_MULTILINE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def bad_character(text: str, multiline: bool) -> tuple[int, str] | None:
    """The first character `text` may not hold and why, or None."""
    if text.isascii() and not (_ASCII_CONTROL_MULTILINE if multiline else _ASCII_CONTROL).search(text):
        return None  # the common case, decided without a loop in Python
    for i, c in enumerate(text):
        o = ord(c)
        if c == "\t" or (multiline and c in "\n\r"):
            continue
        if 0x20 <= o < 0x7F:
            continue
        if o == 0:
            return i, "a NUL character"
        if 0xD800 <= o <= 0xDFFF:
            return i, f"a lone surrogate U+{o:04X}"
        if c in "\n\r\u2028\u2029" or o == 0x85:
            return i, f"a line break ({_describe(c)}; names are one line)"
        if o < 0x20 or 0x7F <= o < 0xA0:
            return i, f"the control character U+{o:04X}" + (
                " (ESC, which starts terminal escape codes)" if o == 0x1B else ""
            )
        if 0xFDD0 <= o <= 0xFDEF or (o & 0xFFFE) == 0xFFFE:
            return i, f"the noncharacter U+{o:04X}"
        if o in _BIDI:
            return i, f"the bidirectional control {_describe(c)}, which reorders how text is displayed"
        if o < 0x80:
            continue
        if _ignorable(c):
            if (o in (_ZWNJ, _ZWJ) and _joiner_allowed(text, i)) or (
                unicodedata.category(c) == "Mn" and i > 0 and not _ignorable(text[i - 1])
            ):
                continue  # a joiner a script needs; a variation selector after a visible character
            return i, f"the invisible character {_describe(c)}"
    return None


def _cleaned(text: str, multiline: bool) -> str:
    """`text` without the characters `bad_character` refuses (the suggestion of a refusal)."""
    out = text
    for _ in range(len(text)):
        found = bad_character(out, multiline)
        if found is None:
            break
        out = out[: found[0]] + out[found[0] + 1 :]
    return " ".join(out.split()) if not multiline else out


# -- values ---------------------------------------------------------------------------------------
def check(value: str, kind: Kind) -> Finding | None:
    """What is wrong with one text value of `kind`, or None (length, characters, and IRI syntax)."""
    if len(value) > kind.max_chars:
        return Finding(f"value of {len(value)} characters is too long", "length")
    found = bad_character(value, kind.multiline)
    if found is not None:
        offset, why = found
        cleaned = _cleaned(value, kind.multiline)
        return Finding(f"value contains, at position {offset + 1}, {why}", "character", offset, cleaned or None)
    if kind is IRI or (kind is SOURCE and value.startswith(("http://", "https://"))):
        why = iri_problem(value)
        if why:
            return Finding(why, "iri")
    return None


IRI_FORBIDDEN = set(' <>"{}|^`\\')


def iri_problem(value: str) -> str | None:
    """Why `value` is not an absolute http(s) IRI that the store accepts, or None."""
    import pyoxigraph

    if not value.startswith(("http://", "https://")):
        return "not an http(s) IRI"
    bad = sorted({c for c in value if c in IRI_FORBIDDEN or ord(c) <= 0x20 or 0x7F <= ord(c) < 0xA0})
    if bad:
        return "contains " + ", ".join(repr(c) for c in bad)
    if len(value.split("//", 1)[1].split("/", 1)[0]) == 0:
        return "has no host"
    try:
        pyoxigraph.NamedNode(value)
    except ValueError as exc:
        return str(exc)
    return None


def in_project(iri: str) -> bool:
    """Whether an http(s) IRI names something of mentorgraph itself, however it is spelt.

    Decided on the parsed IRI (RFC 3986, 6.2.2: scheme and host compared without case, percent-encoded
    unreserved characters decoded, dot segments removed; http and https alike), not on its text.
    """
    from urllib.parse import unquote, urlsplit

    def norm(u: str) -> tuple[str, str]:
        parts = urlsplit(u.strip())
        host = (parts.hostname or "").rstrip(".")
        segments: list[str] = []
        for seg in unquote(parts.path).split("/"):
            if seg == "..":
                segments = segments[:-1]
            elif seg != ".":
                segments.append(seg)
        return host, "/".join(segments)

    host, path = norm(iri)
    base_host, base_path = norm(iris.BASE)
    return host == base_host and (path + "/").startswith(base_path.rstrip("/") + "/")


# -- look-alikes ----------------------------------------------------------------------------------
@lru_cache(maxsize=1)
def _spoof_checker():
    return _icu().SpoofChecker()


@lru_cache(maxsize=65536)
def skeleton(text: str) -> str:
    """The UTS #39 skeleton of `text` (section 4): two names that look alike have the same skeleton."""
    return _spoof_checker().getSkeleton(0, text)
