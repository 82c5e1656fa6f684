"""The SPARQL 1.1 terminals (https://www.w3.org/TR/sparql11-query/#terminals), exactly.

Codepoint escapes (\\uXXXX, \\UXXXXXXXX) are replaced in one pass before tokenizing, as section
19.2 says, so `\\u0053ERVICE` is the keyword SERVICE and an escape cannot produce another escape.
Comments run from `#` to the next LF or CR (EOL ::= [#xA#xD]); white space is space, tab, CR and LF
only, so a form feed, NEL or U+2028 is neither white space nor a line end. Keywords are matched
without regard to case, except `a`. Tokens are three parallel lists (kind, value, offset): cheap
to build and to index. Positions are reported in the text as written, before escapes.
"""

from __future__ import annotations

import bisect
import re

from .errors import DEFAULT_LIMITS, Limits, Refused, SparqlSyntaxError

_KEYWORD_LIST = """BASE PREFIX SELECT DISTINCT REDUCED AS CONSTRUCT WHERE DESCRIBE ASK FROM NAMED GROUP BY HAVING
    ORDER ASC DESC LIMIT OFFSET VALUES UNDEF OPTIONAL MINUS UNION GRAPH SERVICE SILENT FILTER BIND
    EXISTS NOT IN TRUE FALSE STR LANG LANGMATCHES DATATYPE BOUND IRI URI BNODE RAND ABS CEIL FLOOR
    ROUND CONCAT STRLEN UCASE LCASE ENCODE_FOR_URI CONTAINS STRSTARTS STRENDS STRBEFORE STRAFTER YEAR
    MONTH DAY HOURS MINUTES SECONDS TIMEZONE TZ NOW UUID STRUUID MD5 SHA1 SHA256 SHA384 SHA512
    COALESCE IF STRLANG STRDT SAMETERM ISIRI ISURI ISBLANK ISLITERAL ISNUMERIC REGEX SUBSTR REPLACE
    COUNT SUM MIN MAX AVG SAMPLE GROUP_CONCAT SEPARATOR
    LOAD CLEAR DROP CREATE ADD MOVE COPY INSERT DELETE DATA WITH USING DEFAULT ALL INTO TO""".split()
# Upper-cased word -> the one interned kind string, so the parser's comparisons are identity checks.
KEYWORDS = {k: k for k in _KEYWORD_LIST}
_PUNCT = {p: p for p in "^^ <= >= != && || { } ( ) [ ] ; , . + - * / ? ! = < > ^ |".split()}

_PN_CHARS_BASE = (
    "A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u02ff\u0370-\u037d\u037f-\u1fff\u200c-\u200d"
    "\u2070-\u218f\u2c00-\u2fef\u3001-\ud7ff\uf900-\ufdcf\ufdf0-\ufffd\U00010000-\U000effff"
)
_PN_CHARS_U = _PN_CHARS_BASE + "_"
_PN_CHARS = _PN_CHARS_U + "\\-0-9\u00b7\u0300-\u036f\u203f-\u2040"
_PN_PREFIX = f"[{_PN_CHARS_BASE}](?:[{_PN_CHARS}.]*[{_PN_CHARS}])?"
_PLX = r"%[0-9A-Fa-f]{2}|\\[_~.\-!$&'()*+,;=/?#@%]"
_PN_LOCAL = f"(?:[{_PN_CHARS_U}:0-9]|{_PLX})(?:(?:[{_PN_CHARS}.:]|{_PLX})*(?:[{_PN_CHARS}:]|{_PLX}))?"
_VARNAME = f"[{_PN_CHARS_U}0-9][{_PN_CHARS_U}0-9\u00b7\u0300-\u036f\u203f-\u2040]*"
_ECHAR = r"\\[tbnrf\\\"']"
_WS = "[ \t\r\n]"
_SKIP = "[ \t\r\n]*(?:#[^\r\n]*[ \t\r\n]*)*"  # white space and comments, as one unambiguous run
_PN_NON_ASCII_BASE = _PN_CHARS_BASE.replace("A-Za-z", "")

# The master pattern: white space, then one terminal in a capturing group whose number (m.lastindex)
# says which; terminals that Python tells apart by their first character share a group, because
# every group costs time on every token. Alternation takes the first branch that matches, so a
# terminal that can begin like another comes first: a variable before '?', an IRI before '<', a
# number before '+' '-' '.', NIL/ANON before '(' '[', a long string before a short one. A word may
# run on into a prefixed name (`select:x` is one), so one branch reads both.
_TERMINALS = [
    ("VAR", f"[?$]{_VARNAME}"),
    ("WORD", f"[A-Za-z][A-Za-z0-9_]*(?:(?:[{_PN_CHARS}.]*[{_PN_CHARS}])?:(?:{_PN_LOCAL})?)?"),
    ("PUNCT", r"[{};,)]"),
    ("IRIREF", r"<[^<>\"{}|^`\\\x00-\x20]*>"),
    # INTEGER, DECIMAL and DOUBLE (signed or not) in one branch; the kind is read from the text.
    # "1." is INTEGER then '.', as the grammar says (DECIMAL needs a digit after the point).
    (
        "NUMBER",
        r"[+-]?(?:[0-9]+(?:\.[0-9]*[eE][+-]?[0-9]+|\.[0-9]+(?:[eE][+-]?[0-9]+)?|[eE][+-]?[0-9]+)?"
        r"|\.[0-9]+(?:[eE][+-]?[0-9]+)?)",
    ),
    ("NIL", rf"\((?:{_WS}|#[^\r\n]*)*\)|\[(?:{_WS}|#[^\r\n]*)*\]"),  # and ANON
    ("PUNCT", r"\^\^|<=|>=|!=|&&|\|\||[(\[\].+\-*/?!=<>^|]"),
    (
        "STRING",
        f'"""(?:(?:"|"")?(?:[^"\\\\]|{_ECHAR}))*"""|"(?:[^"\\\\\n\r]|{_ECHAR})*"'
        f"|'''(?:(?:'|'')?(?:[^'\\\\]|{_ECHAR}))*'''|'(?:[^'\\\\\n\r]|{_ECHAR})*'",
    ),
    (  # and BLANK_NODE_LABEL, LANGTAG
        "PNAME",
        f"(?:[{_PN_NON_ASCII_BASE}](?:[{_PN_CHARS}.]*[{_PN_CHARS}])?)?:(?:{_PN_LOCAL})?"
        f"|_:[{_PN_CHARS_U}0-9](?:[{_PN_CHARS}.]*[{_PN_CHARS}])?|@[a-zA-Z]+(?:-[a-zA-Z0-9]+)*",
    ),
    ("EOF", r"\Z"),
    ("BAD", r"."),
]
_MASTER = re.compile(_SKIP + "(?:" + "|".join(f"({p})" for _, p in _TERMINALS) + ")", re.S)
_GROUP = [None] + [name for name, _ in _TERMINALS]
# Number token kinds (the sign is part of the kind) and their datatypes.
_XSD = "http://www.w3.org/2001/XMLSchema#"
NUMBER_KINDS = {k + s: _XSD + k.lower() for k in ("INTEGER", "DECIMAL", "DOUBLE") for s in ("", "+", "-")}
SIGNED_KINDS = frozenset(k for k in NUMBER_KINDS if k[-1] in "+-")
_OPEN = frozenset("{([")
_CLOSE = frozenset("})]")
_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
_ECHAR_VALUES = {"t": "\t", "b": "\b", "n": "\n", "r": "\r", "f": "\f", "\\": "\\", '"': '"', "'": "'"}
_ECHAR_RE = re.compile(r"\\(.)", re.S)
_SURROGATE = re.compile("[\ud800-\udfff]")


class Tokens:
    """The token stream of one query text: kinds, values and offsets (in the expanded text), and a
    shape key (the kinds, with variable names and blank node labels) for the plan cache."""

    __slots__ = ("kinds", "values", "offsets", "source", "_marks", "key")

    def __init__(self, source: str, marks: list[tuple[int, int]] | None):
        self.kinds: list[str] = []
        self.values: list[str] = []
        self.offsets: list[int] = []
        self.source = source
        self._marks = marks
        self.key = ""

    def position(self, index: int) -> tuple[int, int]:
        """(line, column) of token `index`, 1-based, in the text as written."""
        return locate(self.source, self.original_offset(self.offsets[min(index, len(self.offsets) - 1)]))

    def original_offset(self, offset: int) -> int:
        if not self._marks:
            return offset
        i = bisect.bisect_right(self._marks, (offset, float("inf"))) - 1
        return offset if i < 0 else offset + self._marks[i][1]

    def shown(self, index: int) -> str:
        """Token `index` as the user would recognise it in a message."""
        kind = self.kinds[index]
        if kind == "EOF":
            return "end of query"
        text = self.values[index]
        if kind == "VAR":
            text = "?" + text
        elif kind == "IRIREF":
            text = f"<{text}>"
        elif kind == "STRING":
            text = '"' + text + '"'
        elif kind == "LANGTAG":
            text = "@" + text
        return repr(text if len(text) <= 40 else text[:37] + "...")


def locate(source: str, offset: int) -> tuple[int, int]:
    """(line, column) of `offset` in `source`; LF, CR and CRLF each end a line."""
    head = source[:offset]
    line = 1 + head.count("\n") + head.count("\r") - head.count("\r\n")
    start = max(head.rfind("\n"), head.rfind("\r")) + 1
    return line, offset - start + 1


def _syntax(source: str, offset: int, message: str, token: str = "", expected: str = "") -> SparqlSyntaxError:
    line, col = locate(source, offset)
    return SparqlSyntaxError(f"{message} at line {line}, column {col}", line, col, token, expected)


def expand_escapes(source: str) -> tuple[str, list[tuple[int, int]] | None]:
    """The text with codepoint escapes replaced (one pass, SPARQL 1.1 section 19.2), and the marks
    that map an offset in it back to the source: (offset after a replaced character, shift)."""
    if "\\u" not in source and "\\U" not in source:
        return source, None
    parts, marks = [], []
    last = shift = length = 0
    for m in _ESCAPE.finditer(source):
        code = int(m.group(1) or m.group(2), 16)
        if 0xD800 <= code <= 0xDFFF or code > 0x10FFFF:
            raise _syntax(
                source,
                m.start(),
                f"{m.group(0)} is not a Unicode character (a surrogate or beyond U+10FFFF; write a character "
                "above U+FFFF as \\UXXXXXXXX)",
                m.group(0),
                "a Unicode scalar value",
            )
        parts.append(source[last : m.start()])
        parts.append(chr(code))
        length += m.start() - last + 1
        shift += m.end() - m.start() - 1
        marks.append((length, shift))
        last = m.end()
    parts.append(source[last:])
    return "".join(parts), marks


def tokenize(source: str, limits: Limits = DEFAULT_LIMITS) -> Tokens:
    """The tokens of `source`, ending with an EOF token; SparqlSyntaxError or Refused(limit)."""
    if source.startswith("\ufeff"):  # a byte-order mark left by an editor is not part of the query
        source = source[1:]
    if len(source) > limits.max_chars:
        raise Refused(
            "limit", f"The query is {len(source):,} characters long; the limit is {limits.max_chars:,} characters."
        )
    bad = _SURROGATE.search(source)
    if bad:
        raise _syntax(source, bad.start(), "A lone surrogate (invalid UTF-16) is not a character", repr(bad.group()))
    text, marks = expand_escapes(source)
    toks = Tokens(source, marks)
    kinds, values, offsets = toks.kinds, toks.values, toks.offsets
    shape: list[str] = []
    add_kind, add_value, add_offset, add_shape = kinds.append, values.append, offsets.append, shape.append
    depth = 0
    max_depth, max_len = limits.max_depth, limits.max_token_chars
    match = _MASTER.scanner(text).match
    group, keywords, punct, opening, closing = _GROUP, KEYWORDS, _PUNCT, _OPEN, _CLOSE
    while True:
        m = match()
        g = m.lastindex
        value = m.group(g)
        name = group[g]
        if len(value) > max_len:
            raise _too_long(toks, m.start(g), len(value), max_len)
        if name == "VAR":
            value = value[1:]
            kind = "VAR"
            add_shape("?" + value)
        elif name == "WORD":
            if ":" in value:
                kind = "PNAME"
            else:
                kind = keywords.get(value.upper())
                if kind is None:
                    if value != "a":
                        raise _unknown_word(toks, m.start(g), value)
                    kind = "a"
            add_shape(kind)
        elif name == "PUNCT":
            kind = punct[value]
            if kind in opening:
                depth += 1
                if depth > max_depth:
                    raise _too_deep(toks, m.start(g), max_depth)
            elif kind in closing:
                depth -= 1
            add_shape(kind)
        elif name == "IRIREF":
            kind = "IRIREF"
            value = value[1:-1]
            add_shape(kind)
        elif name == "STRING":
            kind = "STRING"
            q = 3 if len(value) >= 6 and value[1] == value[0] == value[2] else 1
            value = value[q:-q]
            if "\\" in value:
                value = _ECHAR_RE.sub(_echar, value)
            add_shape(kind)
        elif name == "NUMBER":  # the sign is part of the kind: it changes how an expression parses
            kind = "DOUBLE" if ("e" in value or "E" in value) else "DECIMAL" if "." in value else "INTEGER"
            if value[0] in "+-":
                kind += value[0]
            add_shape(kind)
        elif name == "NIL":
            kind = "NIL" if value[0] == "(" else "ANON"
            add_shape(kind)
        elif name == "PNAME":
            first = value[0]
            if first == "@":
                kind = "LANGTAG"
                value = value[1:]
                add_shape(kind)
            elif first == "_" and value[1:2] == ":":
                kind = "BLANK"
                value = value[2:]
                add_shape("_:" + value)
            else:
                kind = "PNAME"
                add_shape(kind)
        elif name == "EOF":
            add_kind("EOF")
            add_value("")
            add_offset(m.start(g))
            break
        else:
            raise _bad_character(toks, m.start(g), value)
        add_kind(kind)
        add_value(value)
        add_offset(m.start(g))
    if len(kinds) > limits.max_tokens:
        raise Refused("limit", f"The query has {len(kinds) - 1:,} tokens; the limit is {limits.max_tokens:,}.")
    toks.key = "\x1f".join(shape)
    return toks


def _echar(m: re.Match) -> str:
    return _ECHAR_VALUES[m.group(1)]


def _too_long(toks: Tokens, offset: int, length: int, limit: int) -> Refused:
    line, col = locate(toks.source, toks.original_offset(offset))
    return Refused(
        "limit", f"A token of {length:,} characters at line {line}, column {col}; the limit is {limit:,}.", line, col
    )


def _too_deep(toks: Tokens, offset: int, limit: int) -> Refused:
    line, col = locate(toks.source, toks.original_offset(offset))
    return Refused(
        "limit", f"Brackets nest more than {limit} deep at line {line}, column {col}; the limit is {limit}.", line, col
    )


def _unknown_word(toks: Tokens, offset: int, word: str) -> SparqlSyntaxError:
    return _syntax(
        toks.source,
        toks.original_offset(offset),
        f"Unknown word {word!r} (not a SPARQL keyword; a prefixed name needs a ':')",
        word,
        "a keyword, a variable, an IRI or a prefixed name",
    )


def _bad_character(toks: Tokens, offset: int, char: str) -> SparqlSyntaxError:
    what = f"U+{ord(char):04X}" if not char.isprintable() or char.isspace() else repr(char)
    hint = ""
    if char in "\"'":
        hint = " (a string not closed on its line, or a backslash escape other than \\t \\b \\n \\r \\f \\\\ \\\" \\')"
    elif char == "\\":
        hint = " (outside a string, a backslash may only escape a character of a prefixed name's local part)"
    elif char.isspace() or not char.isprintable():
        hint = " (SPARQL white space is space, tab, CR and LF only)"
    return _syntax(toks.source, toks.original_offset(offset), f"Unexpected character {what}{hint}", char)
