"""The canonical text is the query that runs: it parses back to the same tree, pyoxigraph answers it
as it answers the original on the built graph, and rdflib gives it the same algebra, for every
canned query (queries/*.rq) and every query of tests/fixtures/sparql_corpus.yaml. Strings that the
two engines would read differently if written naively read the same in the canonical text."""

from __future__ import annotations

import re
from pathlib import Path

import pyoxigraph as ox
import pytest
import yaml
from sparql_support import rdflib_algebra

from mentorgraph.iris import GRAPH, GRAPH_NAMES, PREFIXES, sparql_prologue
from mentorgraph.sparql import check, clear_caches, parse, serialize
from mentorgraph.sparql import tree as t
from mentorgraph.sparql.lexer import expand_escapes, master, tokenize

ROOT = Path(__file__).resolve().parents[1]
CANNED = sorted((ROOT / "queries").glob("*.rq"))
CORPUS = yaml.safe_load((ROOT / "tests" / "fixtures" / "sparql_corpus.yaml").read_text(encoding="utf-8"))
OWN_GRAPHS = frozenset(GRAPH + g for g in GRAPH_NAMES)
ENTRIES = [(p.stem, p.read_text(encoding="utf-8"), {}) for p in CANNED] + [(e["name"], e["query"], e) for e in CORPUS]
CASES = [pytest.param(text, id=name) for name, text, _ in ENTRIES]
# Queries that pyoxigraph can run here, and queries that rdflib reads as the grammar does (the
# corpus says why each other one is left out).
RUN = [pytest.param(text, id=name) for name, text, e in ENTRIES if e.get("run", True)]
RDFLIB = [pytest.param(text, id=name) for name, text, e in ENTRIES if e.get("rdflib", True)]


@pytest.fixture(scope="module")
def store(built) -> ox.Store:
    store = ox.Store()
    store.bulk_load(path=str(built / "mentorgraph.nq"), format=ox.RdfFormat.N_QUADS)
    return store


def answers(store: ox.Store, text: str):
    """pyoxigraph's answer, comparable across runs (blank nodes made anonymous), in order."""
    res = store.query(text, use_default_graph_as_union=True)
    if isinstance(res, ox.QueryBoolean):
        return bool(res)

    def plain(term):
        return "_:b" if isinstance(term, ox.BlankNode) else None if term is None else str(term)

    if isinstance(res, ox.QuerySolutions):
        names = [v.value for v in res.variables]
        return names, [tuple(plain(s[n]) for n in names) for s in res]
    return sorted(tuple(plain(x) for x in (q.subject, q.predicate, q.object)) for q in res)


def test_every_left_out_query_says_why():
    for name, _, entry in ENTRIES:
        if not (entry.get("run", True) and entry.get("rdflib", True)):
            assert entry.get("reason"), name


@pytest.mark.parametrize("text", CASES)
def test_the_canonical_text_parses_to_the_same_tree(text):
    tree = parse(text, prefixes=PREFIXES)
    canonical = serialize(tree)
    assert parse(canonical) == tree
    assert serialize(parse(canonical)) == canonical  # and it is a fixed point


@pytest.mark.parametrize("text", RUN)
def test_pyoxigraph_answers_the_canonical_text_as_the_original(store, text):
    checked = check(text, prefixes=PREFIXES, allowed_graphs=OWN_GRAPHS)
    expected = answers(store, sparql_prologue() + text)
    got = answers(store, checked.text)
    if isinstance(expected, tuple):
        # GROUP_CONCAT joins its values in no defined order (SPARQL 1.1 section 18.5.1.7): compared
        # as the multiset of its parts.
        concat = _concat_columns(text, expected[0])
        expected, got = _parts(expected, concat), _parts(got, concat)
        # The same rows; and where ORDER BY sorts on variables, the same sequence of sort keys. Rows
        # with equal keys may come in any order (SPARQL 1.1 section 15.1 leaves ties unordered).
        keys = _order_keys(parse(text, prefixes=PREFIXES), expected[0])
        if keys:
            assert [[r[i] for i in keys] for r in got[1]] == [[r[i] for i in keys] for r in expected[1]]
        expected, got = (expected[0], sorted(expected[1], key=repr)), (got[0], sorted(got[1], key=repr))
    assert got == expected


def _concat_columns(text: str, names: list[str]) -> list[int]:
    """The result columns bound to a GROUP_CONCAT (`(GROUP_CONCAT(...; separator="; ") AS ?x)`)."""
    bound = re.findall(r"GROUP_CONCAT\s*\((?:[^()]|\([^()]*\))*\)\s*AS\s*\?(\w+)", text, re.IGNORECASE)
    return [names.index(n) for n in bound if n in names]


def _parts(answer: tuple, columns: list[int]) -> tuple:
    """An answer whose GROUP_CONCAT cells are the sorted parts of their text ("; " separated)."""
    names, rows = answer

    def cell(i, v):
        if i not in columns or v is None or not (v.startswith('"') and v.endswith('"')):
            return v
        return "; ".join(sorted(v[1:-1].split("; ")))

    return names, [tuple(cell(i, v) for i, v in enumerate(row)) for row in rows]


def _order_keys(tree, names: list[str]) -> list[int]:
    """The result columns of a query's top-level ORDER BY when each condition is a plain variable."""
    conditions = getattr(tree.modifiers, "order_by", ())
    exprs = [c.expr if isinstance(c, t.OrderCondition) else c for c in conditions]
    if not exprs or not all(isinstance(e, t.Var) and e.name in names for e in exprs):
        return []
    return [names.index(e.name) for e in exprs]


@pytest.mark.parametrize("text", RDFLIB)
def test_rdflib_gives_the_canonical_text_the_same_algebra(text):
    checked = check(text, prefixes=PREFIXES, allowed_graphs=OWN_GRAPHS)
    assert rdflib_algebra(checked.text) == rdflib_algebra(sparql_prologue() + text)


@pytest.mark.parametrize("text", CASES)
def test_the_canonical_text_is_plain(text):
    canonical = check(text, prefixes=PREFIXES, allowed_graphs=OWN_GRAPHS).text
    outside_strings = re.sub(r'"(?:[^"\\]|\\.)*"', '""', canonical)
    assert "PREFIX" not in outside_strings.upper().split()
    assert "#" not in re.sub(r"<[^>]*>", "<>", outside_strings)  # no comment
    assert "\\" not in outside_strings  # no escape outside a string
    assert not re.search(r"[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029]", canonical)
    for prefixed in re.findall(r"(?<![<\w\"])[A-Za-z][\w.-]*:[\w.-]+(?![^<]*>)", outside_strings):
        pytest.fail(f"prefixed name {prefixed!r} left in the canonical text")


def depth(text: str) -> int:
    level = deepest = 0
    for kind in tokenize(text).kinds:
        level += {"{": 1, "(": 1, "[": 1, "}": -1, ")": -1, "]": -1}.get(kind, 0)
        deepest = max(deepest, level)
    return deepest


@pytest.mark.parametrize("text", CASES)
def test_the_canonical_text_nests_no_deeper_than_the_original(text):
    # So a canonical text can be checked again under the same limits.
    assert depth(check(text, prefixes=PREFIXES, allowed_graphs=OWN_GRAPHS).text) <= depth(text)


def test_a_query_at_the_depth_limit_checks_again_as_canonical_text():
    text = (
        "SELECT * { ?s !<http://a/p>*/(<http://a/q>)+ ?o FILTER STR(" + "STR(" * 62 + "?s" + ")" * 62 + ") "
        "FILTER EXISTS { ?s ?p ?o } }"
    )
    assert depth(text) == 64
    canonical = check(text, prefixes={}, allowed_graphs=frozenset()).text
    assert check(canonical, prefixes={}, allowed_graphs=frozenset()).text == canonical


def test_the_plan_cache_gives_what_a_fresh_parse_gives():
    # A second text of the same shape (other IRIs, strings, numbers, language tags) is checked from
    # the first one's plan; the result must be what parsing it afresh gives.
    first = (
        'PREFIX x: <http://a/> SELECT ?s (1 AS ?one) { ?s x:p "one"@en , 1.5 , "t"^^x:dt ; <http://a/q> ?o '
        "FILTER (?o -1 > 2) } LIMIT 3"
    )
    second = (
        'PREFIX x: <http://b/> SELECT ?s (7 AS ?one) { ?s x:r "zwei"@de , 2.5 , "u"^^x:du ; <http://b/q> ?o '
        "FILTER (?o -4 > 5) } LIMIT 9"
    )
    clear_caches()
    check(first, prefixes={}, allowed_graphs=frozenset())
    cached = check(second, prefixes={}, allowed_graphs=frozenset())
    assert cached.text == serialize(parse(second))
    assert cached.limit == 9
    assert "?o - 4 > 5" in cached.text


def same_shape_variant(text: str) -> str:
    """`text` with every absolute IRI, string and unsigned integer changed, and nothing else."""
    expanded, _ = expand_escapes(text)
    out, last = [], 0
    for m in master(expanded).finditer(expanded):
        token, start = m.group(1), m.start(1)
        if token.startswith("<") and ":" in token:
            out.append(expanded[last : m.end(1) - 1] + "v>")
        elif token and token[0] in "\"'":
            quote = 3 if len(token) >= 6 and token[:3] in ('"""', "'''") else 1
            out.append(expanded[last : start + quote] + "v" + token[quote:])
        elif token.isdigit():
            out.append(expanded[last:start] + token + "0")
        else:
            out.append(expanded[last : m.end(1)])
        last = m.end(1)
    return "".join(out) + expanded[last:]


@pytest.mark.parametrize("text", CASES)
def test_every_query_checked_through_a_plan_made_from_another_text(text):
    # Check the text (filling the plan cache), then a variant of the same shape: it must come out
    # exactly as a fresh parse of the variant does.
    variant = same_shape_variant(text)
    assert variant != text or "<" not in text
    clear_caches()
    check(text, prefixes=PREFIXES, allowed_graphs=OWN_GRAPHS)
    expected = serialize(parse(variant, prefixes=PREFIXES))
    assert check(variant, prefixes=PREFIXES, allowed_graphs=OWN_GRAPHS).text == expected


# --- strings ---------------------------------------------------------------------------------

TRICKY = [
    "plain",
    "quote \" and apostrophe '",
    "backslash \\ alone",
    "backslash then u: \\u0041 and \\U00000041",
    "tab\tnew\nline\rreturn\bback\fform",
    "nul \x00 bell \x07 escape \x1b delete \x7f c1 \x85",
    "line separator \u2028 paragraph \u2029",
    "bidi \u202e override \u2066 isolate, zero width \u200b joiner \u200d, bom \ufeff",
    "emoji \U0001f600 and \u00e9",
    "escape then hex: \x01beef",
    "#not a comment",
    "}) SERVICE <http://x/> {",
]


@pytest.mark.parametrize("value", TRICKY)
def test_a_string_reads_the_same_to_all_three_parsers(value):
    query = t.Select(
        (t.Var("x"),), t.Group((t.Bind(t.Literal(value), t.Var("x")),)), dataset=(), modifiers=t.Modifiers()
    )
    canonical = serialize(query)
    assert parse(canonical) == query  # this parser
    (row,) = ox.Store().query(canonical)
    assert row["x"].value == value  # pyoxigraph
    algebra = rdflib_algebra(canonical)
    assert repr(("Literal", value, None, None)) in repr(algebra)  # rdflib


def test_a_number_keeps_the_form_it_was_written_in():
    # rdflib normalises the lexical form of a bare number but not of a typed literal; keeping the
    # form keeps its reading (pyoxigraph compares values either way).
    canonical = serialize(parse('SELECT * { ?s ?p 001 , "001"^^<http://www.w3.org/2001/XMLSchema#integer> }'))
    assert '?p 001 , "001"^^<http://www.w3.org/2001/XMLSchema#integer>' in canonical


def test_pyoxigraph_reads_escapes_in_strings_differently_and_the_canonical_text_settles_it():
    # SPARQL expands \u escapes before tokenizing (section 19.2): "\u005C\u005C" is one backslash
    # (an ECHAR). pyoxigraph expands them inside the string instead and reads two backslashes.
    original = 'SELECT ?x { BIND ("\\u005C\\u005C" AS ?x) }'
    ((bind,),) = [parse(original).where.items]
    assert bind.expr == t.Literal("\\")
    (row,) = ox.Store().query(original)
    assert row["x"].value == "\\\\"  # pyoxigraph's reading of the original
    (row,) = ox.Store().query(serialize(parse(original)))
    assert row["x"].value == "\\"  # the canonical text: the grammar's reading, for pyoxigraph too


def test_base_is_kept_for_iri_functions():
    canonical = serialize(parse("BASE <http://a/b/> SELECT (IRI('c') AS ?i) { }"))
    assert canonical.startswith("BASE <http://a/b/> SELECT")
    (row,) = ox.Store().query(canonical)
    assert row["i"] == ox.NamedNode("http://a/b/c")
