"""mentorgraph.sparql's parser: the trees it builds for the SPARQL 1.1 grammar's tricky corners,
its syntax errors (where, what, what was expected), the update forms it refuses, and the rules the
grammar states in words (sections 18.2 and 11, 4.1.4). Expected trees are written from the grammar
(https://www.w3.org/TR/sparql11-query/#grammar), not from the parser's output."""

from __future__ import annotations

import re
import sys

import pytest

from mentorgraph.iris import PREFIXES
from mentorgraph.sparql import Refused, SparqlSyntaxError, parse
from mentorgraph.sparql import tree as t

EX = "http://example.org/"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
XSD = "http://www.w3.org/2001/XMLSchema#"


def where(text: str, **kw) -> tuple:
    """The items of the WHERE group of `text`."""
    return parse(text, prefixes={"ex": EX}, **kw).where.items


def expr_of(expression: str):
    """The tree of an expression, read from SELECT (expression AS ?r) {}."""
    (proj,) = parse(f"SELECT ({expression} AS ?r) {{}}", prefixes={"ex": EX}).projection
    return proj.expr


def V(name):
    return t.Var(name)


def iri(local):
    return t.IRI(EX + local)


def N(lexical, dt="integer"):
    return t.Literal(lexical, None, XSD + dt)


# --- terms and prologue ----------------------------------------------------------------------


def test_prefixed_names_expand_and_local_escapes_are_removed():
    (block,) = where("SELECT * { ex:a ex:b\\.c ex:d\\~e , ex:%41 , ex: }")
    (triple,) = block.triples
    assert triple.subject == iri("a")
    ((verb, objects),) = triple.props
    assert verb == iri("b.c")
    assert objects == (iri("d~e"), iri("%41"), iri(""))  # PERCENT stays as written (rule [171])


def test_predeclared_prefixes_are_overridden_by_the_query():
    q = parse("PREFIX mg: <http://other/> SELECT * { mg:x ?p ?o }", prefixes=PREFIXES)
    assert q.where.items[0].triples[0].subject == t.IRI("http://other/x")
    q = parse("SELECT * { mg:x ?p ?o }", prefixes=PREFIXES)
    assert q.where.items[0].triples[0].subject == t.IRI(PREFIXES["mg"] + "x")


def test_base_resolves_relative_iris_and_prefixes_per_rfc_3986():
    q = parse("BASE <http://a/b/c/d;p?q> PREFIX x: <../x/> SELECT * { <g> <../g> x:y . <//h/i> <?y> <#s> }")
    s1, s2 = q.where.items[0].triples
    assert s1.subject == t.IRI("http://a/b/c/g")  # RFC 3986 section 5.4.1 examples
    assert s1.props[0][0] == t.IRI("http://a/b/g")
    assert s1.props[0][1] == (t.IRI("http://a/b/x/y"),)
    assert s2.subject == t.IRI("http://h/i")
    assert s2.props[0] == (t.IRI("http://a/b/c/d;p?y"), (t.IRI("http://a/b/c/d;p?q#s"),))
    assert q.base == "http://a/b/c/d;p?q"


def test_a_second_base_is_resolved_against_the_first():
    q = parse("BASE <http://a/b/> BASE <c/> SELECT * { <d> ?p ?o }")
    assert q.where.items[0].triples[0].subject == t.IRI("http://a/b/c/d")


def test_an_absolute_iri_is_kept_exactly():
    q = parse("BASE <http://a/> SELECT * { <http://x/./y/../z> ?p ?o }")
    assert q.where.items[0].triples[0].subject == t.IRI("http://x/./y/../z")


def test_literals():
    (values,) = where(
        'SELECT * { VALUES ?x { \'a\' "b"@en-GB "c"^^ex:t 1 -2.5 +3e0 true false '
        '"1"^^<http://www.w3.org/2001/XMLSchema#integer> } }'
    )
    assert [row[0] for row in values.rows] == [
        t.Literal("a"),
        t.Literal("b", "en-GB"),
        t.Literal("c", None, EX + "t"),
        N("1"),
        N("-2.5", "decimal"),
        N("+3e0", "double"),
        t.Literal("true", None, XSD + "boolean"),
        t.Literal("false", None, XSD + "boolean"),
        N("1"),  # the same RDF term as the bare 1
    ]


def test_a_and_nil():
    (block,) = where("SELECT * { ?s a () }")
    assert block.triples[0].props == ((t.IRI(RDF + "type"), (t.IRI(RDF + "nil"),)),)


# --- triples and paths -----------------------------------------------------------------------


def test_property_and_object_lists():
    (block,) = where("SELECT * { ?s ex:p 1, 2 ; ex:q ?o ; ; . ?t ?v ?w }")
    first, second = block.triples
    assert first == t.Triples(V("s"), ((iri("p"), (N("1"), N("2"))), (iri("q"), (V("o"),))))
    assert second == t.Triples(V("t"), ((V("v"), (V("w"),)),))


def test_blank_node_property_lists_and_collections():
    (block,) = where("SELECT * { [ ex:p ?o ] . ( 1 [] _:b ) ex:q [ ex:r ( ) ] }")
    first, second = block.triples
    assert first == t.Triples(t.BNodePropertyList(((iri("p"), (V("o"),)),)), ())
    assert second.subject == t.Collection((N("1"), t.Anon(), t.BNode("b")))
    assert second.props == ((iri("q"), (t.BNodePropertyList(((iri("r"), (t.IRI(RDF + "nil"),)),)),)),)


def test_path_precedence():
    # Path ::= alternatives of sequences of (inverse) elements, each with an optional modifier.
    (block,) = where("SELECT * { ?s ex:a/^ex:b*|!(ex:c|^a)/(ex:d|ex:e)+ ?o }")
    ((path, _),) = block.triples[0].props
    assert path == t.PathAlt(
        (
            t.PathSeq((iri("a"), t.PathInv(t.PathMod(iri("b"), "*")))),
            t.PathSeq(
                (
                    t.PathNeg((iri("c"), t.PathInv(t.IRI(RDF + "type")))),
                    t.PathMod(t.PathAlt((iri("d"), iri("e"))), "+"),
                )
            ),
        )
    )


def test_a_is_a_path_element_too():
    # PathPrimary ::= iri | 'a' | ... : `a` takes modifiers and sequences like any IRI.
    (block,) = where("SELECT * { ?s a* ?o . ?s a/ex:p ?o . ?s a ?o }")
    first, second, third = (tr.props[0][0] for tr in block.triples)
    rdf_type = t.IRI(RDF + "type")
    assert (first, second, third) == (t.PathMod(rdf_type, "*"), t.PathSeq((rdf_type, iri("p"))), rdf_type)


def test_a_path_modifier_question_mark_is_not_a_variable():
    (block,) = where("SELECT * { ?s ex:p? ?o }")
    assert block.triples[0].props[0][0] == t.PathMod(iri("p"), "?")


def test_a_plus_and_number_after_a_predicate_is_a_signed_object():
    # The tokenizer takes the longest match, so `<b>+11` is <b> then INTEGER_POSITIVE +11 (W3C
    # syntax-general-04).
    (block,) = where("SELECT * { ex:a ex:b+11 }")
    assert block.triples[0].props == ((iri("b"), (N("+11"),)),)


# --- expressions -----------------------------------------------------------------------------


def test_precedence_and_chains():
    assert expr_of("1 + 2 * 3 - 4") == t.Add(N("1"), (("+", t.Mul(N("2"), (("*", N("3")),))), ("-", N("4"))))
    assert expr_of("(1 + 2) + 3") == t.Add(t.Add(N("1"), (("+", N("2")),)), (("+", N("3")),))
    assert expr_of("?a || ?b && ?c || ?d") == t.Or((V("a"), t.And((V("b"), V("c"))), V("d")))
    assert expr_of("!?a = -?b") == t.Compare("=", t.Unary("!", V("a")), t.Unary("-", V("b")))


def test_a_signed_number_after_an_operand_is_an_addition():
    # Rule [116]: `?x -1` is ?x - 1, and a following * applies to the unsigned number.
    assert expr_of("?x -1") == t.Add(V("x"), (("-", N("1")),))
    assert expr_of("?x +1 * 2") == t.Add(V("x"), (("+", t.Mul(N("1"), (("*", N("2")),))),))
    assert expr_of("?x - -1") == t.Add(V("x"), (("-", N("-1")),))
    assert expr_of("-1") == N("-1")
    assert expr_of("- 1") == t.Unary("-", N("1"))


def test_in_and_not_in():
    assert expr_of("?x IN (1, 2)") == t.In(V("x"), (N("1"), N("2")))
    assert expr_of("?x NOT IN ()") == t.In(V("x"), (), True)


def test_relational_operators_do_not_chain():
    with pytest.raises(SparqlSyntaxError, match="found '='"):
        expr_of("1 = 2 = 3")


def test_builtins_aggregates_functions_exists():
    assert expr_of("REGEX(?x, 'a', 'i')") == t.Call("REGEX", (V("x"), t.Literal("a"), t.Literal("i")))
    assert expr_of("rand()") == t.Call("RAND", ())
    assert expr_of("BNODE()") == t.Call("BNODE", ())
    assert expr_of("BOUND(?x)") == t.Call("BOUND", (V("x"),))
    assert expr_of("COUNT(DISTINCT *)") == t.Aggregate("COUNT", (), True)
    assert expr_of("GROUP_CONCAT(?x; SEPARATOR=',')") == t.Aggregate("GROUP_CONCAT", (V("x"),), False, ",")
    assert expr_of("ex:f(DISTINCT ?x, 1)") == t.Function(iri("f"), (V("x"), N("1")), True)
    assert expr_of("ex:f()") == t.Function(iri("f"), ())
    assert expr_of("NOT EXISTS { ?s ?p ?o }") == t.Exists(
        t.Group((t.TriplesBlock((t.Triples(V("s"), ((V("p"), (V("o"),)),)),)),)), True
    )


@pytest.mark.parametrize(
    "call, message",
    [
        ("STR(1, 2)", "found ','"),  # STR takes one argument
        ("SUBSTR(?x)", "SUBSTR takes 2 arguments"),
        ("REPLACE(?x, 'a')", "REPLACE takes 3 arguments"),
        ("RAND(1)", "'()' after RAND"),
        ("BOUND(1)", "a variable"),
        ("COUNT()", "found '()' where '(' after COUNT was expected"),
    ],
)
def test_builtin_arity_is_checked(call, message):
    with pytest.raises(SparqlSyntaxError, match=re.escape(message)):
        expr_of(call)


# --- graph patterns and query forms ----------------------------------------------------------


def test_group_elements_in_order():
    items = where(
        "SELECT * { ?s ?p ?o . FILTER (?o) OPTIONAL { ?s ?q ?r } . MINUS { } { } UNION { } GRAPH ?g { } "
        "SERVICE SILENT ?e { } BIND (1 AS ?b) VALUES ?v { 1 UNDEF } { } ?t ?u ?w }"
    )
    assert [type(i).__name__ for i in items] == [
        "TriplesBlock",
        "Filter",
        "OptionalPattern",
        "MinusPattern",
        "UnionPattern",
        "GraphPattern",
        "ServicePattern",
        "Bind",
        "Values",
        "Group",
        "TriplesBlock",
    ]
    assert items[6].silent and items[6].endpoint == V("e")
    assert items[8] == t.Values((V("v"),), ((N("1"),), (t.UNDEF,)))


def test_subquery_and_trailing_values():
    q = parse("SELECT * { { SELECT ?x { } LIMIT 1 } } VALUES (?x ?y) { (1 UNDEF) }", prefixes={})
    (sub,) = q.where.items[0].items
    assert isinstance(sub, t.Select) and sub.modifiers.limit == 1
    with pytest.raises(SparqlSyntaxError, match="0 value"):
        parse("SELECT * { } VALUES (?x ?y) { () }")


@pytest.mark.parametrize(
    "text, form",
    [
        ("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", t.Construct),
        ("CONSTRUCT WHERE { ?s ?p ?o }", t.Construct),
        ("ASK { }", t.Ask),
        ("DESCRIBE <http://x/>", t.Describe),
        ("DESCRIBE * WHERE { ?s ?p ?o }", t.Describe),
        ("SELECT * FROM <http://g/> FROM NAMED <http://h/> { }", t.Select),
    ],
)
def test_query_forms(text, form):
    assert type(parse(text)) is form


def test_construct_where_keeps_the_short_form():
    q = parse("CONSTRUCT WHERE { ?s ?p ?o }")
    assert q.template is None and q.where.items[0].triples[0].subject == V("s")


def test_solution_modifiers():
    q = parse(
        "SELECT ?s WHERE { ?s ?p ?o } GROUP BY ?s (STR(?o)) HAVING (COUNT(*) > 1) ORDER BY DESC(?s) ?o OFFSET 5 LIMIT 2"
    )
    m = q.modifiers
    assert m.group_by == (V("s"), t.Projection(t.Call("STR", (V("o"),)), None))
    assert m.order_by == (t.OrderCondition(V("s"), "DESC"), t.OrderCondition(V("o")))
    assert (m.limit, m.offset) == (2, 5)


# --- errors ----------------------------------------------------------------------------------


def test_syntax_errors_say_where_what_and_what_was_expected():
    with pytest.raises(SparqlSyntaxError) as err:
        parse("SELECT ?s\nWHERE { ?s ?p ?o\n  FILTER ?o }")
    e = err.value
    assert (e.line, e.column, e.token) == (3, 10, "'?o'")
    assert e.expected == "a bracketed expression or a function call after FILTER"
    assert str(e) == (
        "Syntax error: found '?o' where a bracketed expression or a function call after FILTER was expected "
        "at line 3, column 10"
    )


def test_an_error_names_the_token_as_written():
    with pytest.raises(SparqlSyntaxError) as err:
        parse("SELECT * WHERE { ?s ?p ?o } LIMIT ?x")
    assert err.value.token == "'?x'" and err.value.expected == "an unsigned integer after LIMIT"
    assert (err.value.line, err.value.column) == (1, 35)


def test_undeclared_prefix_and_relative_iri_without_base():
    with pytest.raises(SparqlSyntaxError, match="The prefix ex: is not declared") as err:
        parse("SELECT * { ?s ex:p ?o }")
    assert err.value.column == 15
    with pytest.raises(SparqlSyntaxError, match="relative IRI <p> needs a BASE"):
        parse("SELECT * { ?s <p> ?o }")


def test_end_of_query_is_named():
    with pytest.raises(SparqlSyntaxError, match="found end of query") as err:
        parse("SELECT * { ?s ?p ?o ")
    assert err.value.column == 21


@pytest.mark.parametrize(
    "text, word, column",
    [
        ("INSERT DATA { <http://a> <http://b> <http://c> }", "INSERT", 1),
        ("DELETE DATA { <http://a> <http://b> <http://c> }", "DELETE", 1),
        ("DELETE WHERE { ?s ?p ?o }", "DELETE", 1),
        ("PREFIX x: <http://x/> WITH <http://g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }", "WITH", 23),
        ("LOAD <http://x/>", "LOAD", 1),
        ("CLEAR DEFAULT", "CLEAR", 1),
        ("CREATE GRAPH <http://g>", "CREATE", 1),
        ("DROP NAMED", "DROP", 1),
        ("COPY <http://a> TO <http://b>", "COPY", 1),
        ("MOVE DEFAULT TO <http://b>", "MOVE", 1),
        ("ADD <http://a> TO DEFAULT", "ADD", 1),
        ("ASK { } ; CLEAR ALL", "CLEAR", 11),
        ("ASK { } ; PREFIX x: <http://x/> DROP ALL", "DROP", 33),
    ],
)
def test_update_forms_are_refused_with_their_place(text, word, column):
    with pytest.raises(Refused) as err:
        parse(text)
    assert err.value.kind == "update"
    assert (err.value.line, err.value.column) == (1, column)
    assert str(err.value).startswith(f"SPARQL Update is not allowed: mentorgraph is read-only (found {word} at line 1")


# --- rules stated in words -------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, message",
    [
        ("SELECT * { ?s ?p ?o BIND (1 AS ?o) }", "BIND assigns ?o, which is already in scope"),  # 18.2.1
        ("SELECT * { { ?s ?p ?o } BIND (1 AS ?o) }", "already in scope"),
        ("SELECT * { VALUES ?o { 1 } BIND (1 AS ?o) }", "already in scope"),
        ("SELECT (1 AS ?x) (2 AS ?x) { }", "already in scope or projected"),  # 18.2.4.1
        ("SELECT (1 AS ?o) { ?s ?p ?o }", "already in scope or projected"),
        ("SELECT * { ?s ?p ?o } GROUP BY ?s", "SELECT * is not allowed"),  # 11.4 (W3C syn-bad-01)
        ("SELECT ?o { ?s ?p ?o } GROUP BY ?s", "?o is projected but neither grouped"),
        ("SELECT ?s (COUNT(?o) AS ?n) { ?s ?p ?o }", "?s is projected but neither grouped"),
        ("SELECT (?o + COUNT(*) AS ?n) { ?s ?p ?o }", "?o is neither grouped"),
        ("SELECT * { ?s ?p ?o FILTER (COUNT(?o) > 1) }", "COUNT is an aggregate"),
        ("SELECT * { ?s ?p ?o BIND (SUM(?o) AS ?x) }", "SUM is an aggregate"),
        ("SELECT (SUM(COUNT(?o)) AS ?n) { ?s ?p ?o }", "cannot be nested"),
        ("SELECT * { _:a ?p ?o . { _:a ?q ?r } }", "_:a is used in two basic graph patterns"),  # 4.1.4
        ("SELECT * { _:a ?p ?o OPTIONAL { ?s ?p ?o } _:a ?q ?r }", "two basic graph patterns"),
    ],
)
def test_rules_stated_in_words(text, message):
    with pytest.raises(SparqlSyntaxError, match=re.escape(message)):
        parse(text)


@pytest.mark.parametrize(
    "text",
    [
        "SELECT * { ?s ?p ?o BIND (?o AS ?x) BIND (?x AS ?y) }",
        "SELECT * { { ?s ?p ?o } UNION { BIND (1 AS ?o) } }",  # a BIND in its own group
        "SELECT * { ?s ?p ?o MINUS { ?s ?p ?m } BIND (1 AS ?m) }",  # MINUS binds nothing
        "SELECT * { ?s ?p ?o FILTER (EXISTS { ?x ?y ?z }) BIND (1 AS ?x) }",  # nor does EXISTS
        "SELECT ?s (COUNT(?o) AS ?n) (?n * 2 AS ?m) { ?s ?p ?o } GROUP BY ?s",  # an earlier alias
        "SELECT ?k (COUNT(*) AS ?n) { ?s ?p ?o } GROUP BY (STR(?o) AS ?k)",
        "SELECT * { _:a ?p ?o FILTER (true) _:a ?q ?r }",  # a FILTER does not end a basic graph pattern
        "SELECT (COUNT(*) AS ?n) { } HAVING (COUNT(*) > 0)",
    ],
)
def test_what_those_rules_allow(text):
    parse(text)


def test_deep_nesting_is_refused_before_parsing():
    with pytest.raises(Refused) as err:
        parse("SELECT * { FILTER (" + "(" * 100 + "1" + ")" * 100 + ") }")
    assert err.value.kind == "limit"
    parse("SELECT * { FILTER (" + "(" * 60 + "1" + ")" * 60 + ") }")  # within the limit of 64


def test_a_deep_caller_stack_gets_no_recursion_error():
    # 62 nested calls inside FILTER ( ... ) and { } (64 levels), parsed by a caller only 20 frames
    # short of Python's recursion limit: the parse moves to a fresh stack rather than failing.
    text = "SELECT * { FILTER (" + "STR(" * 62 + "1" + ")" * 62 + ") }"
    depth, frame = 0, sys._getframe()
    while frame is not None:
        depth, frame = depth + 1, frame.f_back

    def down(n: int):
        return parse(text) if n == 0 else down(n - 1)

    assert down(sys.getrecursionlimit() - depth - 20) == parse(text)
