"""RDF terms, both ways: read from the tokens (prefixed names expanded, relative IRIs resolved
against BASE, literals with their language or datatype) and written as canonical text.

Strings are written "..." with ECHAR escapes for \\t \\b \\n \\r \\f \\" \\\\ and \\UXXXXXXXX for
other control and invisible formatting characters. The eight-digit form is used because rdflib
expands \\u escapes in the whole text before parsing, greedily taking up to eight hex digits, so
"\\u0001beef" would mean something else to it; for the same reason a 'u' or 'U' right after an
escaped backslash is itself written as an escape (\\\\u0041 would read as \\A to rdflib and as
\\u0041 to pyoxigraph). A string therefore reads the same to this parser, to rdflib and to
pyoxigraph.

The render_* functions rebuild one term's canonical text straight from the tokens of a text,
for the plan cache (policy.py); they give what term() gives for the tree built from the same tokens.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from . import tree as t
from .errors import SparqlSyntaxError
from .lexer import NUMBER_KINDS, Tokens
from .rfc3986 import is_absolute, resolve

_LOCAL_ESCAPE = re.compile(r"\\(.)")
# Characters written as \UXXXXXXXX in strings: C0 and C1 controls, DEL, line and paragraph
# separators, bidirectional controls, zero-width characters and the byte-order mark.
_ESCAPED = re.compile('[\\\\"\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]|(?<=\\\\)[uU]')
_ECHARS = {"\t": "\\t", "\b": "\\b", "\n": "\\n", "\r": "\\r", "\f": "\\f", '"': '\\"', "\\": "\\\\"}
_LEXICAL = {
    t.XSD_INTEGER: re.compile(r"[+-]?[0-9]+\Z"),
    t.XSD_DECIMAL: re.compile(r"[+-]?[0-9]*\.[0-9]+\Z"),
    t.XSD_DOUBLE: re.compile(r"[+-]?(?:[0-9]+\.[0-9]*|\.?[0-9]+)[eE][+-]?[0-9]+\Z"),
}


# --- reading ---------------------------------------------------------------------------------


class Prologue:
    """BASE and the prefix map in force for the query body."""

    __slots__ = ("prefixes", "base")

    def __init__(self, prefixes: Mapping[str, str], base: str | None):
        self.prefixes = prefixes
        self.base = base


def syntax_error(toks: Tokens, i: int, message: str, expected: str = "") -> SparqlSyntaxError:
    """A SparqlSyntaxError at token i: `message` with the token's line and column, the token as
    written, and what was expected there."""
    line, col = toks.position(i)
    found = toks.shown(i)
    return SparqlSyntaxError(f"{message} at line {line}, column {col}", line, col, found, expected)


def iri_value(toks: Tokens, i: int, pro: Prologue) -> str:
    """The IRI written by token i (an IRIREF or a prefixed name), made absolute."""
    value = toks.values[i]
    if toks.kinds[i] == "IRIREF":
        if not is_absolute(value):
            if pro.base is None:
                raise syntax_error(toks, i, f"The relative IRI <{value}> needs a BASE (or write the IRI in full)")
            value = resolve(value, pro.base)
        return value
    colon = value.find(":")
    ns = pro.prefixes.get(value[:colon])
    if ns is None:
        prefix = value[:colon]
        raise syntax_error(
            toks, i, f"The prefix {prefix}: is not declared (add PREFIX {prefix}: <...>)", "a declared prefix"
        )
    local = value[colon + 1 :]
    if "\\" in local:
        local = _LOCAL_ESCAPE.sub(r"\1", local)
    return ns + local


MAX_COUNT = 2**63 - 1  # what engines hold a LIMIT or OFFSET in


def count_at(toks: Tokens, i: int) -> int:
    """The LIMIT or OFFSET written by token i (an unsigned INTEGER), at most MAX_COUNT."""
    value = toks.values[i]
    if len(value) > 19 or int(value) > MAX_COUNT:  # int() of a huge string is slow, even refused
        shown = value if len(value) <= 20 else value[:20] + "..."
        raise syntax_error(toks, i, f"{shown} is too large for LIMIT or OFFSET", f"at most {MAX_COUNT:,}")
    return int(value)


def iri_at(toks: Tokens, i: int, pro: Prologue) -> t.IRI:
    """The IRI node for token i (made absolute as iri_value does), remembering the token."""
    return t.IRI(iri_value(toks, i, pro), i)


def literal_at(toks: Tokens, i: int, pro: Prologue) -> t.Literal:
    """The literal starting at token i: a string (with its @lang or ^^datatype) or a number."""
    kind = toks.kinds[i]
    if kind == "STRING":
        after = toks.kinds[i + 1]
        if after == "LANGTAG":
            return t.Literal(toks.values[i], toks.values[i + 1], None, i)
        if after == "^^":
            if toks.kinds[i + 2] not in ("IRIREF", "PNAME"):
                raise syntax_error(toks, i + 2, "A datatype IRI must follow ^^", "an IRI or a prefixed name")
            return t.Literal(toks.values[i], None, iri_value(toks, i + 2, pro), i)
        return t.Literal(toks.values[i], None, None, i)
    return t.Literal(toks.values[i], None, NUMBER_KINDS[kind], i, True)


# --- writing ---------------------------------------------------------------------------------


def _escape_char(m: re.Match) -> str:
    c = m.group()
    if c in ("u", "U"):  # after an escaped backslash (see the module docstring)
        return f"\\U{ord(c):08X}"
    return _ECHARS.get(c) or f"\\U{ord(c):08X}"


def string(value: str) -> str:
    """A SPARQL string literal for `value`."""
    if _ESCAPED.search(value) is None:
        return '"' + value + '"'
    return '"' + _ESCAPED.sub(_escape_char, value) + '"'


def literal(value: str, lang: str | None, datatype: str | None, bare: bool) -> str:
    """The text of a literal; a number or boolean that was written bare is written bare again."""
    if datatype is None:
        return string(value) if lang is None else string(value) + "@" + lang
    if bare:
        lexical = _LEXICAL.get(datatype)
        if lexical is not None and lexical.match(value):
            return value
        if datatype == t.XSD_BOOLEAN and value in ("true", "false"):
            return value
    return string(value) + "^^<" + datatype + ">"


def term(node) -> str:
    """The text of an RDF term or variable."""
    cls = type(node)
    if cls is t.IRI:
        return "<" + node.value + ">"
    if cls is t.Var:
        return "?" + node.name
    if cls is t.Literal:
        return literal(node.value, node.lang, node.datatype, node.bare)
    if cls is t.BNode:
        return "_:" + node.label
    if cls is t.Anon:
        return "[]"
    if cls is t.Undef:
        return "UNDEF"
    raise TypeError(f"not a term: {node!r}")


# --- from tokens straight to text (the plan cache) -------------------------------------------


def render_iri(toks, i, pro) -> str:
    """`<iri>` for the IRI written by token i: the text term() writes for iri_at's node."""
    return "<" + iri_value(toks, i, pro) + ">"


def render_literal(toks, i, pro) -> str:
    """The canonical text of the literal starting at token i; a number is written bare, as it was."""
    value = toks.values[i]
    kind = toks.kinds[i]
    if kind != "STRING":  # a number, written as it was
        return literal(value, None, NUMBER_KINDS[kind], True)
    after = toks.kinds[i + 1]
    if after == "LANGTAG":
        return literal(value, toks.values[i + 1], None, False)
    if after == "^^":
        return literal(value, None, iri_value(toks, i + 2, pro), False)
    return string(value)


def render_unsigned(toks, i, pro) -> str:
    """A signed number token written without its sign, as the operand it is in `?x -1`."""
    # `?x -1` is `?x - 1`: the literal is the number without its sign (grammar rule [116]).
    return literal(toks.values[i][1:], None, NUMBER_KINDS[toks.kinds[i]], True)


def render_base(toks, i, pro) -> str:
    """`BASE <...>` if the prologue set a BASE, else '' (the first fragment of every canonical text)."""
    return f"BASE <{pro.base}>" if pro.base else ""


def render_int(toks, i, pro) -> str:
    """The LIMIT or OFFSET of token i as digits; a SparqlSyntaxError above MAX_COUNT."""
    return str(count_at(toks, i))


def render_string(toks, i, pro) -> str:
    """Token i's string value as a canonical string literal (a GROUP_CONCAT separator)."""
    return string(toks.values[i])
