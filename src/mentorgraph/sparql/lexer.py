"""The SPARQL 1.1 terminals (https://www.w3.org/TR/sparql11-query/#terminals), exactly.

Codepoint escapes (\\uXXXX, \\UXXXXXXXX) are replaced in one pass before tokenizing, as section
19.2 says, so `\\u0053ERVICE` is the keyword SERVICE and an escape cannot produce another escape.
Comments run from `#` to the next LF or CR (EOL ::= [#xA#xD]); white space is space, tab, CR and LF
only, so a form feed, NEL or U+2028 is neither white space nor a line end. Keywords are matched
without regard to case, except `a`. Tokens are two parallel lists (kind, value): cheap to build
and to index. Positions are found again only when a message needs one, and are reported in the
text as written, before escapes.

Speed: the regex engine does the scanning (`findall` over one alternation, in C); Python then tells
the terminals apart by their first character. This costs about 0.5 microseconds a token.
"""

from __future__ import annotations

import bisect
import re
from itertools import accumulate, compress, repeat
from operator import not_

from .errors import DEFAULT_LIMITS, Limits, Refused, SparqlSyntaxError

_KEYWORD_LIST = """BASE PREFIX SELECT DISTINCT REDUCED AS CONSTRUCT WHERE DESCRIBE ASK FROM NAMED GROUP BY HAVING
    ORDER ASC DESC LIMIT OFFSET VALUES UNDEF OPTIONAL MINUS UNION GRAPH SERVICE SILENT FILTER BIND
    EXISTS NOT IN TRUE FALSE STR LANG LANGMATCHES DATATYPE BOUND IRI URI BNODE RAND ABS CEIL FLOOR
    ROUND CONCAT STRLEN UCASE LCASE ENCODE_FOR_URI CONTAINS STRSTARTS STRENDS STRBEFORE STRAFTER YEAR
    MONTH DAY HOURS MINUTES SECONDS TIMEZONE TZ NOW UUID STRUUID MD5 SHA1 SHA256 SHA384 SHA512
    COALESCE IF STRLANG STRDT SAMETERM ISIRI ISURI ISBLANK ISLITERAL ISNUMERIC REGEX SUBSTR REPLACE
    COUNT SUM MIN MAX AVG SAMPLE GROUP_CONCAT SEPARATOR
    LOAD CLEAR DROP CREATE ADD MOVE COPY INSERT DELETE DATA WITH USING DEFAULT ALL INTO TO""".split()
# Upper-cased word -> the one interned kind string.
KEYWORDS = {k: k for k in _KEYWORD_LIST}

# The non-ASCII parts of the grammar's name characters: PN_CHARS_BASE's, and what PN_CHARS and
# VARNAME add to PN_CHARS_U.
_NON_ASCII_BASE = (
    "\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u02ff\u0370-\u037d\u037f-\u1fff\u200c-\u200d"
    "\u2070-\u218f\u2c00-\u2fef\u3001-\ud7ff\uf900-\ufdcf\ufdf0-\ufffd\U00010000-\U000effff"
)
_NON_ASCII_EXTRA = "\u00b7\u0300-\u036f\u203f-\u2040"
_PLX = r"%[0-9A-Fa-f]{2}|\\[_~.\-!$&'()*+,;=/?#@%]"
_ECHAR = r"\\[tbnrf\\\"']"
_WS = "[ \t\r\n]"
_SKIP = "[ \t\r\n]*(?:#[^\r\n]*[ \t\r\n]*)*"  # white space and comments, as one unambiguous run


def _terminals(non_ascii: bool) -> list[tuple[str, str]]:
    """The terminals as regular expressions, in the order the alternation tries them.

    The alternation takes the first branch that matches, so a terminal that can begin like another
    comes first (a variable before '?', an IRI before '<', a number before '+' '-' '.', NIL/ANON
    before '(' '[', a long string before a short one); otherwise frequent ones come first. A word
    may run on into a prefixed name (`select:x` is one), so one branch reads both. BAD takes any
    other character, so the scan never skips one.

    Without `non_ascii` the name characters are their ASCII part only: the very same terminals for
    a text that is all ASCII, in a pattern that compiles in a fraction of the time (compiling the
    non-ASCII ranges is what costs), so a process that only sees ASCII queries never builds the
    full pattern.
    """
    base = "A-Za-z" + (_NON_ASCII_BASE if non_ascii else "")
    extra = _NON_ASCII_EXTRA if non_ascii else ""
    pn_chars_u = base + "_"
    pn_chars = pn_chars_u + "\\-0-9" + extra
    pn_local = f"(?:[{pn_chars_u}:0-9]|{_PLX})(?:(?:[{pn_chars}.:]|{_PLX})*(?:[{pn_chars}:]|{_PLX}))?"
    varname = f"[{pn_chars_u}0-9][{pn_chars_u}0-9{extra}]*"
    # A prefix that starts with an ASCII letter is read by WORD; PNAME reads the others.
    other_prefix = f"(?:[{_NON_ASCII_BASE}](?:[{pn_chars}.]*[{pn_chars}])?)?" if non_ascii else ""
    string = (
        f'"""(?:(?:"|"")?(?:[^"\\\\]|{_ECHAR}))*"""|"(?:[^"\\\\\n\r]|{_ECHAR})*"'
        f"|'''(?:(?:'|'')?(?:[^'\\\\]|{_ECHAR}))*'''|'(?:[^'\\\\\n\r]|{_ECHAR})*'"
    )
    return [
        ("VAR", f"[?$]{varname}"),
        ("WORD", f"[A-Za-z][A-Za-z0-9_]*(?:(?:[{pn_chars}.]*[{pn_chars}])?:(?:{pn_local})?)?"),
        ("CLOSE", r"[})\]]"),
        ("SEP", r"[;,]"),
        ("IRIREF", r"<[^<>\"{}|^`\\\x00-\x20]*>"),
        # INTEGER, DECIMAL and DOUBLE (signed or not) in one branch; the kind is read from the text.
        # "1." is INTEGER then '.', as the grammar says (DECIMAL needs a digit after the point).
        (
            "NUMBER",
            r"[+-]?(?:[0-9]+(?:\.[0-9]*[eE][+-]?[0-9]+|\.[0-9]+(?:[eE][+-]?[0-9]+)?|[eE][+-]?[0-9]+)?"
            r"|\.[0-9]+(?:[eE][+-]?[0-9]+)?)",
        ),
        ("NIL", rf"\((?:{_WS}|#[^\r\n]*)*\)|\[(?:{_WS}|#[^\r\n]*)*\]"),  # and ANON
        ("OPEN", r"[{(\[]"),
        ("OPERATOR", r"\^\^|<=|>=|!=|&&|\|\||[.+\-*/?!=<>^|]"),
        ("STRING", string),
        (  # and BLANK_NODE_LABEL, LANGTAG
            "PNAME",
            f"{other_prefix}:(?:{pn_local})?"
            f"|_:[{pn_chars_u}0-9](?:[{pn_chars}.]*[{pn_chars}])?|@[a-zA-Z]+(?:-[a-zA-Z0-9]+)*",
        ),
        ("EOF", r"\Z"),
        ("BAD", r"."),
    ]


def _compile(non_ascii: bool) -> re.Pattern:
    return re.compile(_SKIP + "(" + "|".join(f"(?:{p})" for _, p in _terminals(non_ascii)) + ")", re.S)


_ASCII_MASTER = _compile(False)
_FULL_MASTER: list[re.Pattern] = []


def master(text: str) -> re.Pattern:
    """The scanning pattern for `text`: the ASCII one for an all-ASCII text (isascii() is O(1)),
    else the full one, compiled on first use."""
    if text.isascii():
        return _ASCII_MASTER
    if not _FULL_MASTER:
        _FULL_MASTER.append(_compile(True))
    return _FULL_MASTER[0]


# What a token's first character says it is: W word or prefixed name, V variable, C closing
# bracket, O '{', P '(' or '[' (or NIL/ANON), S operator, L '<' (IRI or operator), D '.' '+' '-'
# (number or operator), N number, Q string, A language tag, B blank node label; anything else X
# (a prefixed name starting with ':' or a non-ASCII letter, or a bad character).
_FIRST = dict.fromkeys("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz", "W")
_FIRST.update(dict.fromkeys("0123456789", "N"))
_FIRST.update({"?": "V", "$": "V", "}": "C", ")": "C", "]": "C", "{": "O", "(": "P", "[": "P", "<": "L"})
_FIRST.update(dict.fromkeys(";,*/!=>^|&", "S"))
_FIRST.update({".": "D", "+": "D", "-": "D", '"': "Q", "'": "Q", "@": "A", "_": "B"})
# Tokens whose kind is their text (upper-cased): keywords in upper or lower case, and punctuation.
_PLAIN = {**KEYWORDS, **{k.lower(): k for k in KEYWORDS}, "a": "a"}
_PLAIN.update({p: p for p in "; , * / ! = != > >= < <= ^ ^^ | || && . + - ? { } ( ) [ ]".split()})
_DEPTH = {"{": 1, "(": 1, "[": 1, "}": -1, ")": -1, "]": -1}
# Number token kinds (the sign is part of the kind) and their datatypes.
_XSD = "http://www.w3.org/2001/XMLSchema#"
NUMBER_KINDS = {k + s: _XSD + k.lower() for k in ("INTEGER", "DECIMAL", "DOUBLE") for s in ("", "+", "-")}
SIGNED_KINDS = frozenset(k for k in NUMBER_KINDS if k[-1] in "+-")
_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
_ECHAR_VALUES = {"t": "\t", "b": "\b", "n": "\n", "r": "\r", "f": "\f", "\\": "\\", '"': '"', "'": "'"}
_ECHAR_RE = re.compile(r"\\(.)", re.S)
_SURROGATE = re.compile("[\ud800-\udfff]")


class Tokens:
    """The token stream of one query text: kinds and values; the regex matches (for positions,
    computed only when a message needs one); and the shape key for the plan cache (the kinds, then
    the variable names and blank node labels in order)."""

    __slots__ = ("kinds", "values", "text", "source", "_marks", "_starts", "key")

    def __init__(self, text: str, source: str, marks: list[tuple[int, int]] | None):
        self.kinds: list[str] = []
        self.values: list[str] = []
        self.text = text  # after escapes
        self.source = source
        self._marks = marks
        self._starts: list[int] | None = None
        self.key = ""

    def offset(self, index: int) -> int:
        """Where token `index` starts in the text as written (found by scanning the text again)."""
        if self._starts is None:
            self._starts = [m.start(1) for m in master(self.text).finditer(self.text)]
        return self.original_offset(self._starts[min(index, len(self._starts) - 1)])

    def position(self, index: int) -> tuple[int, int]:
        """(line, column) of token `index`, 1-based, in the text as written."""
        return locate(self.source, self.offset(index))

    def original_offset(self, offset: int) -> int:
        """The offset in the text as written of `offset` in the escape-expanded text."""
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
    bad = None if source.isascii() else _SURROGATE.search(source)  # isascii() is a flag: O(1)
    if bad:
        raise _syntax(source, bad.start(), "A lone surrogate (invalid UTF-16) is not a character", repr(bad.group()))
    text, marks = expand_escapes(source)
    toks = Tokens(text, source, marks)
    tokens = master(text).findall(text)
    while tokens and not tokens[-1]:  # the end of the text matches as an empty token
        tokens.pop()
    if len(tokens) > limits.max_tokens:
        raise Refused("limit", f"The query has {len(tokens):,} tokens; the limit is {limits.max_tokens:,}.")
    # Bracket depth in C (a running sum); the place is looked for only when it is too deep.
    if tokens and max(accumulate(map(_DEPTH.get, tokens, repeat(0)))) > limits.max_depth:
        index = next(i for i, d in enumerate(accumulate(map(_DEPTH.get, tokens, repeat(0)))) if d > limits.max_depth)
        raise _too_deep(toks, index, limits.max_depth)
    # Keywords as usually written and punctuation get their kind from one dict lookup each, in C;
    # Python looks closer only at the other tokens.
    kinds = toks.kinds = list(map(_PLAIN.get, tokens))
    values = toks.values = tokens
    names = []
    add_name = names.append
    keywords, first = KEYWORDS, _FIRST
    for i in compress(range(len(tokens)), map(not_, kinds)):  # kinds are None or non-empty
        value = tokens[i]
        f = first.get(value[0], "X")
        if f == "V" and len(value) > 1:
            kinds[i] = "VAR"
            values[i] = value[1:]
            add_name(value)
        elif f == "W":
            if ":" in value:
                kinds[i] = "PNAME"
            else:
                kind = keywords.get(value.upper())
                if kind is None:
                    if value != "a":
                        raise _unknown_word(toks, i, value)
                    kind = "a"
                kinds[i] = kind
        elif f == "L" and len(value) > 1:  # '<' and '<=' alone are in _PLAIN
            kinds[i] = "IRIREF"
            values[i] = value[1:-1]
        elif f == "Q" and len(value) > 1:
            q = 3 if len(value) >= 6 and value[1] == value[0] == value[2] else 1
            value = value[q:-q]
            if "\\" in value:
                value = _ECHAR_RE.sub(_echar, value)
            kinds[i] = "STRING"
            values[i] = value
        elif f == "N" or f == "D":  # '.', '+' and '-' alone are in _PLAIN
            # a number; its sign is part of the kind, because it changes how an expression parses
            kind = "DOUBLE" if ("e" in value or "E" in value) else "DECIMAL" if "." in value else "INTEGER"
            kinds[i] = kind + value[0] if value[0] in "+-" else kind
        elif f == "P" and len(value) > 1:
            kinds[i] = "NIL" if value[0] == "(" else "ANON"
        elif f == "A" and len(value) > 1:
            kinds[i] = "LANGTAG"
            values[i] = value[1:]
        elif f == "B" and value[1:2] == ":":
            kinds[i] = "BLANK"
            values[i] = value[2:]
            add_name(value)
        elif f == "X" and ":" in value:
            kinds[i] = "PNAME"
        else:
            raise _bad_character(toks, i, value)
    kinds.append("EOF")
    values.append("")
    if max(map(len, values)) > limits.max_token_chars:  # in C: cheaper than a test per token
        index = next(i for i, v in enumerate(values) if len(v) > limits.max_token_chars)
        raise _too_long(toks, index, len(values[index]), limits.max_token_chars)
    toks.key = "\x1f".join(kinds) + "\x1e" + "\x1f".join(names)
    return toks


def _echar(m: re.Match) -> str:
    return _ECHAR_VALUES[m.group(1)]


def _too_long(toks: Tokens, index: int, length: int, limit: int) -> Refused:
    line, col = toks.position(index)
    return Refused(
        "limit", f"A token of {length:,} characters at line {line}, column {col}; the limit is {limit:,}.", line, col
    )


def _too_deep(toks: Tokens, index: int, limit: int) -> Refused:
    line, col = toks.position(index)
    return Refused(
        "limit", f"Brackets nest more than {limit} deep at line {line}, column {col}; the limit is {limit}.", line, col
    )


def _unknown_word(toks: Tokens, index: int, word: str) -> SparqlSyntaxError:
    return _syntax(
        toks.source,
        toks.offset(index),
        f"Unknown word {word!r} (not a SPARQL keyword; a prefixed name needs a ':')",
        word,
        "a keyword, a variable, an IRI or a prefixed name",
    )


def _bad_character(toks: Tokens, index: int, char: str) -> SparqlSyntaxError:
    what = f"U+{ord(char):04X}" if not char.isprintable() or char.isspace() else repr(char)
    hint = ""
    if char in "\"'":
        hint = (
            " (a string that is not closed, a one-quote string that runs past its line, or a backslash"
            " escape other than \\t \\b \\n \\r \\f \\\\ \\\" \\')"
        )
    elif char == "\\":
        hint = " (outside a string, a backslash may only escape a character of a prefixed name's local part)"
    elif char.isspace() or not char.isprintable():
        hint = " (SPARQL white space is space, tab, CR and LF only)"
    return _syntax(toks.source, toks.offset(index), f"Unexpected character {what}{hint}", char)
