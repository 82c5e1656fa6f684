"""The SPARQL 1.1 terminals as mentorgraph.sparql.lexer reads them, against the grammar's own
definitions (https://www.w3.org/TR/sparql11-query/#terminals, section 19.8) and section 19.2
(codepoint escapes), 19.4 (comments) and 19.3 (white space)."""

from __future__ import annotations

import re

import pytest

from mentorgraph.sparql import Limits, Refused, SparqlSyntaxError
from mentorgraph.sparql.lexer import tokenize


def kinds_values(text: str) -> list[tuple[str, str]]:
    toks = tokenize(text)
    return list(zip(toks.kinds, toks.values, strict=True))[:-1]  # without EOF


@pytest.mark.parametrize(
    "text, kind, value",
    [
        ("<http://example.org/a>", "IRIREF", "http://example.org/a"),  # [139]
        ("<>", "IRIREF", ""),  # IRIREF may be empty (a reference to the base)
        ("ex:", "PNAME", "ex:"),  # [140] PNAME_NS
        (":", "PNAME", ":"),  # the empty prefix
        ("ex:local", "PNAME", "ex:local"),  # [141] PNAME_LN
        (":local", "PNAME", ":local"),
        ("ex:a.b", "PNAME", "ex:a.b"),  # a dot inside a local name
        ("ex:a:b", "PNAME", "ex:a:b"),  # ':' is allowed in PN_LOCAL
        ("ex:1st", "PNAME", "ex:1st"),  # PN_LOCAL may start with a digit
        ("ex:%41b", "PNAME", "ex:%41b"),  # [171] PERCENT
        ("ex:a\\~b", "PNAME", "ex:a\\~b"),  # [173] PN_LOCAL_ESC, kept for the parser to resolve
        ("select:x", "PNAME", "select:x"),  # a keyword followed by ':' is a prefix
        ("é:x", "PNAME", "é:x"),  # PN_CHARS_BASE beyond ASCII
        ("_:b1", "BLANK", "b1"),  # [142]
        ("_:1", "BLANK", "1"),
        ("?x", "VAR", "x"),  # [143]
        ("$x", "VAR", "x"),  # [144]
        ("?1a", "VAR", "1a"),  # VARNAME may start with a digit
        ("?café", "VAR", "café"),
        ("@en", "LANGTAG", "en"),  # [145]
        ("@en-GB-oed", "LANGTAG", "en-GB-oed"),
        ("12", "INTEGER", "12"),  # [146]
        (".5", "DECIMAL", ".5"),  # [147]
        ("1.5", "DECIMAL", "1.5"),
        ("1.5e3", "DOUBLE", "1.5e3"),  # [148]
        ("1.e3", "DOUBLE", "1.e3"),
        (".5E-3", "DOUBLE", ".5E-3"),
        ("1e+3", "DOUBLE", "1e+3"),
        ("+12", "INTEGER+", "+12"),  # [149]
        ("-.5", "DECIMAL-", "-.5"),  # [153]
        ("+1E1", "DOUBLE+", "+1E1"),  # [151]
        ("'a'", "STRING", "a"),  # [156]
        ('"a"', "STRING", "a"),  # [157]
        ("'''a'b''c'''", "STRING", "a'b''c"),  # [158]
        ('"""a"b""c\nd"""', "STRING", 'a"b""c\nd'),  # [159], a line break allowed
        ('""', "STRING", ""),
        ('""""""', "STRING", ""),  # the empty long string
        ('"\\t\\b\\n\\r\\f\\"\\\'\\\\"', "STRING", "\t\b\n\r\f\"'\\"),  # [160] ECHAR
        ("()", "NIL", "()"),  # [161]
        ("( \t\r\n)", "NIL", "( \t\r\n)"),
        ("[]", "ANON", "[]"),  # [163]
        ("[ ]", "ANON", "[ ]"),
        ("a", "a", "a"),
    ],
)
def test_each_terminal(text, kind, value):
    assert kinds_values(text) == [(kind, value)]


def test_one_dot_after_an_integer_is_not_a_decimal():
    # DECIMAL ::= [0-9]* '.' [0-9]+ needs a digit after the point, so "1." is INTEGER then '.'.
    assert kinds_values("1.") == [("INTEGER", "1"), (".", ".")]


def test_a_local_name_does_not_end_with_a_dot():
    # PN_LOCAL ends with PN_CHARS, ':' or PLX, never '.': the dot ends the triple.
    assert kinds_values("ex:a.") == [("PNAME", "ex:a"), (".", ".")]


def test_the_sign_of_a_number_is_part_of_the_token():
    # INTEGER_NEGATIVE ::= '-' INTEGER: no space between sign and digits, and the longest match wins.
    assert kinds_values("?x-1") == [("VAR", "x"), ("INTEGER-", "-1")]
    assert kinds_values("?x - 1") == [("VAR", "x"), ("-", "-"), ("INTEGER", "1")]


def test_keywords_ignore_case_except_a():
    assert [k for k, _ in kinds_values("select SeLeCt SELECT")] == ["SELECT"] * 3
    assert kinds_values("a") == [("a", "a")]
    with pytest.raises(SparqlSyntaxError, match="Unknown word 'A'"):
        tokenize("A")


def test_a_word_that_is_no_keyword_is_an_error_with_its_place():
    with pytest.raises(SparqlSyntaxError) as err:
        tokenize("SELECT *\nWHERE { ?s servic ?o }")
    assert (err.value.line, err.value.column, err.value.token) == (2, 12, "servic")


@pytest.mark.parametrize("end", ["\n", "\r", "\r\n"])
def test_a_comment_ends_at_lf_or_cr(end):
    # EOL ::= [#xA#xD] (section 19.4): whatever follows the line end is read.
    assert kinds_values(f"?a # comment{end}?b") == [("VAR", "a"), ("VAR", "b")]


@pytest.mark.parametrize("char", ["\f", "\v", "\x85", "\u2028", "\u2029", "\x1c"])
def test_no_other_character_ends_a_comment(char):
    # Python's str.splitlines() breaks at all of these; SPARQL at none of them.
    assert kinds_values(f"?a # comment{char}?b") == [("VAR", "a")]


@pytest.mark.parametrize("char", ["\f", "\v", "\x85", "\u2028", "\u00a0", "\u3000", "\x00"])
def test_only_space_tab_cr_lf_are_white_space(char):
    # WS ::= #x20 | #x9 | #xD | #xA (rule [162]). (U+FEFF is not in this list: it is in
    # PN_CHARS_BASE's range #xFDF0-#xFFFD, so `?a\ufeff` is a variable name.)
    with pytest.raises(SparqlSyntaxError, match="Unexpected character") as err:
        tokenize(f"?a{char}?b")
    assert (err.value.line, err.value.column) == (1, 3)


def test_a_comment_inside_nil_and_anon_is_white_space():
    assert kinds_values("( # empty\n )") == [("NIL", "( # empty\n )")]
    assert kinds_values("[ # empty\n ]") == [("ANON", "[ # empty\n ]")]


def test_hash_inside_iri_and_string_is_no_comment():
    assert kinds_values('<http://x/#a> "#b"') == [("IRIREF", "http://x/#a"), ("STRING", "#b")]


def test_codepoint_escapes_are_expanded_before_tokenizing():
    # Section 19.2: \u0053 is S, so this is the keyword SERVICE, and \u003C...\u003E is an IRI.
    assert kinds_values("\\u0053ERVICE \\u003Chttp://x/\\u003E") == [("SERVICE", "SERVICE"), ("IRIREF", "http://x/")]
    assert kinds_values("'\\U0001F600'") == [("STRING", "\U0001f600")]


def test_a_codepoint_escape_can_end_a_comment():
    assert kinds_values("?a # note \\u000A?b") == [("VAR", "a"), ("VAR", "b")]


def test_escapes_are_expanded_in_one_pass():
    # W3C syn-codepoint-escape-bad-04/05: an escape that yields a backslash starts no new escape.
    with pytest.raises(SparqlSyntaxError, match="Unexpected character"):
        tokenize("?s ?p \\u005cU00000031 .")
    with pytest.raises(SparqlSyntaxError, match="Unexpected character"):
        tokenize("?s ?p \\U0000005cu0031 .")


def test_an_escaped_quote_ends_a_string():
    # After expansion "a\u0022b" is "a"b": a string "a", then an unknown word b, then a quote.
    with pytest.raises(SparqlSyntaxError, match="Unknown word 'b'"):
        tokenize('"a\\u0022b"')


@pytest.mark.parametrize("escape", ["\\uD800", "\\uDFFF", "\\U0000DC00", "\\U00110000"])
def test_escapes_must_be_unicode_scalar_values(escape):
    with pytest.raises(SparqlSyntaxError, match="is not a Unicode character") as err:
        tokenize(f"?s ?p '{escape}'")
    assert err.value.column == 8


def test_a_lone_surrogate_in_the_text_is_refused():
    with pytest.raises(SparqlSyntaxError, match="lone surrogate") as err:
        tokenize("?s ?p '\ud800'")
    assert err.value.column == 8


def test_a_leading_byte_order_mark_is_ignored():
    assert kinds_values("\ufeffASK") == [("ASK", "ASK")]


def test_positions_are_in_the_text_as_written():
    # Lines end at LF, CR or CRLF; columns count characters of the original, escapes included.
    toks = tokenize("?a\r\n?b\r?c\n\\u0053ELECT ?d")
    assert [toks.position(i) for i in range(5)] == [(1, 1), (2, 1), (3, 1), (4, 1), (4, 13)]


def test_bad_characters_are_named():
    for text, shown in [("?a ~", "'~'"), ("?a \\", "'\\\\'"), ("?a &", "'&'"), ("?a $", "'$'")]:
        with pytest.raises(SparqlSyntaxError, match=re.escape(f"Unexpected character {shown}")) as err:
            tokenize(text)
        assert (err.value.line, err.value.column) == (1, 4)


def test_an_unclosed_string_is_named():
    with pytest.raises(SparqlSyntaxError, match="not closed") as err:
        tokenize('?a "open\n"')
    assert err.value.column == 4


def test_limits_are_checked_before_parsing():
    small = Limits(max_chars=50, max_tokens=5, max_token_chars=10, max_depth=3)
    with pytest.raises(Refused, match="51 characters long; the limit is 50") as err:
        tokenize("?" * 51, small)
    assert err.value.kind == "limit"
    with pytest.raises(Refused, match="6 tokens; the limit is 5"):
        tokenize("?a ?b ?c ?d ?e ?f", small)
    with pytest.raises(Refused, match="11 characters at line 1, column 4; the limit is 10"):
        tokenize("?a '12345678901'", small)  # the string's value has 11 characters
    with pytest.raises(Refused, match="more than 3 deep at line 1, column 4") as err:
        tokenize("{([{", small)
    assert (err.value.kind, err.value.line, err.value.column) == ("limit", 1, 4)
    assert tokenize("{([])}{([])}", Limits(max_depth=3)).kinds[-1] == "EOF"  # depth, not count


def test_the_default_depth_limit_stops_5000_nested_parentheses():
    with pytest.raises(Refused) as err:
        tokenize("(" * 5000 + ")" * 5000)
    assert err.value.kind == "limit" and err.value.column == 65


def test_the_shape_key_abstracts_terms_but_keeps_variables():
    a = tokenize('SELECT ?x { ?x <http://a/> "one" , 1 }').key
    b = tokenize('select ?x { ?x <http://b/> "two" , 2 }').key
    c = tokenize('SELECT ?y { ?y <http://a/> "one" , 1 }').key
    d = tokenize('SELECT ?x { ?x <http://a/> "one" , -1 }').key
    assert a == b
    assert a != c  # variable names decide scoping and projection
    assert a != d  # a sign changes how an expression parses
