"""A recursive-descent parser for the whole SPARQL 1.1 Query grammar
(https://www.w3.org/TR/sparql11-query/#grammar): prologue, the four query forms, dataset clauses,
solution modifiers and VALUES here; graph patterns in patterns.py, expressions in expressions.py.

The prologue's prefixes start from a dict passed in (the project's predeclared prefixes, never
re-parsed as text); PREFIX in the query overrides them. SPARQL Update forms are recognised where a
query form is expected and refused with their position. Recursion grows only with bracket depth,
which the lexer has bounded.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from . import tree as t
from .errors import DEFAULT_LIMITS, Limits, Refused, SparqlSyntaxError, on_fresh_stack
from .expressions import ExpressionParser
from .lexer import NUMBER_KINDS, Tokens, tokenize
from .patterns import PatternParser
from .terms import Prologue, count_at, iri_at, iri_value, literal_at, syntax_error

UPDATE_WORDS = frozenset("INSERT DELETE LOAD CLEAR CREATE DROP COPY MOVE ADD WITH USING".split())


class Parser(PatternParser, ExpressionParser):
    """One parse of one token stream; `query()` returns the tree."""

    def __init__(self, toks: Tokens, prefixes: Mapping[str, str], base: str | None = None):
        self.toks = toks
        self.k = toks.kinds
        self.v = toks.values
        self.i = 0
        self.pro = Prologue(prefixes, base)

    # --- token helpers ------------------------------------------------------------------------

    def error(self, expected: str, at: int | None = None) -> SparqlSyntaxError:
        """A SparqlSyntaxError at token `at` (the current one by default): what was found where
        `expected` was expected."""
        i = self.i if at is None else at
        found = self.toks.shown(i)
        return syntax_error(self.toks, i, f"Syntax error: found {found} where {expected} was expected", expected)

    def expect(self, kind: str, expected: str | None = None) -> int:
        """Consume a token of `kind` and return its index; a syntax error naming `expected` otherwise."""
        i = self.i
        if self.k[i] != kind:
            raise self.error(expected or repr(kind))
        self.i = i + 1
        return i

    def iri(self) -> t.IRI:
        """Consume the IRIREF or prefixed name at the current token and return it as an absolute IRI."""
        i = self.i
        if self.k[i] not in ("IRIREF", "PNAME"):
            raise self.error("an IRI or a prefixed name")
        self.i = i + 1
        return iri_at(self.toks, i, self.pro)

    def var(self) -> t.Var:
        """Consume the variable at the current token and return it."""
        i = self.i
        if self.k[i] != "VAR":
            raise self.error("a variable")
        self.i = i + 1
        return t.Var(self.v[i], i)

    def var_or_iri(self) -> t.Var | t.IRI:
        """Consume a variable or an IRI at the current token and return it."""
        if self.k[self.i] == "VAR":
            return self.var()
        return self.iri()

    def literal(self) -> t.Literal:
        """RDFLiteral | NumericLiteral | BooleanLiteral at the current token."""
        i = self.i
        kind = self.k[i]
        if kind == "TRUE" or kind == "FALSE":
            self.i = i + 1
            return t.Literal(kind.lower(), None, t.XSD_BOOLEAN, None, True)
        lit = literal_at(self.toks, i, self.pro)
        after = self.k[i + 1] if kind == "STRING" else None
        self.i = i + (2 if after == "LANGTAG" else 3 if after == "^^" else 1)
        return lit

    # --- query --------------------------------------------------------------------------------

    def query(self) -> t.Query:
        """The whole query: prologue, one query form, a trailing VALUES, then the end of the text.

        An update form, first or after ';', is refused (Refused(update)) rather than reported as a
        syntax error."""
        self.prologue()
        kind = self.k[self.i]
        if kind == "SELECT":
            q = self.select_query(sub=False)
        elif kind == "CONSTRUCT":
            q = self.construct_query()
        elif kind == "ASK":
            self.i += 1
            dataset = self.dataset_clauses()
            where = self.where_clause()
            q = t.Ask(where, dataset=dataset, modifiers=self.solution_modifiers())
        elif kind == "DESCRIBE":
            q = self.describe_query()
        elif kind in UPDATE_WORDS:
            raise self.update_refused()
        else:
            raise self.error("SELECT, CONSTRUCT, ASK or DESCRIBE")
        if self.k[self.i] == "VALUES":
            q = replace(q, values=self.values_clause())
        if self.pro.base is not None:
            q = replace(q, base=self.pro.base)
        if self.k[self.i] != "EOF":
            if self.k[self.i] == ";" and self.k[self.i + 1] in UPDATE_WORDS | {"PREFIX", "BASE"}:
                self.i += 1
                while self.k[self.i] in ("PREFIX", "BASE"):
                    self.i += 3 if self.k[self.i] == "PREFIX" else 2
                raise self.update_refused()
            raise self.error("the end of the query")
        return q

    def update_refused(self) -> Refused:
        """Refused(update) for the update keyword at the current token, with its line and column and
        how to change data instead."""
        line, col = self.toks.position(self.i)
        word = self.k[self.i]
        return Refused(
            "update",
            f"SPARQL Update is not allowed: mentorgraph is read-only (found {word} at line {line}, column {col}). "
            "Change data by editing data/*.yaml or with `mentorgraph import`.",
            line,
            col,
        )

    def prologue(self) -> None:
        """Read BASE and PREFIX declarations into self.pro; a PREFIX overrides a predeclared prefix."""
        k = self.k
        declared = None
        while True:
            kind = k[self.i]
            if kind == "BASE":
                self.i += 1
                i = self.expect("IRIREF", "an IRI in <...> after BASE")
                self.pro.base = iri_value(self.toks, i, self.pro)
            elif kind == "PREFIX":
                self.i += 1
                i = self.i
                if k[i] != "PNAME" or not self.v[i].endswith(":") or self.v[i].count(":") != 1:
                    raise self.error("a prefix name ending in ':' after PREFIX")
                self.i += 1
                j = self.expect("IRIREF", "an IRI in <...> after the prefix name")
                if declared is None:  # copy on write: most queries declare nothing
                    declared = dict(self.pro.prefixes)
                    self.pro.prefixes = declared
                declared[self.v[i][:-1]] = iri_value(self.toks, j, self.pro)
            else:
                return

    def select_clause(self) -> tuple:
        """SELECT's modifier (DISTINCT, REDUCED or None) and projection ('*' or Var/Projection items)."""
        self.expect("SELECT")
        modifier = None
        if self.k[self.i] in ("DISTINCT", "REDUCED"):
            modifier = self.k[self.i]
            self.i += 1
        if self.k[self.i] == "*":
            self.i += 1
            return modifier, "*"
        items = []
        while True:
            kind = self.k[self.i]
            if kind == "VAR":
                items.append(self.var())
            elif kind == "(":
                self.i += 1
                expr = self.expression()
                self.expect("AS", "AS ?variable")
                items.append(t.Projection(expr, self.var()))
                self.expect(")")
            else:
                break
        if not items:
            raise self.error("'*', a variable or (expression AS ?variable) after SELECT")
        return modifier, tuple(items)

    def select_query(self, sub: bool) -> t.Select:
        """A SELECT query or, with `sub`, a subquery (no dataset clauses; VALUES of its own)."""
        modifier, projection = self.select_clause()
        dataset = () if sub else self.dataset_clauses()
        where = self.where_clause()
        modifiers = self.solution_modifiers()
        values = self.values_clause() if sub and self.k[self.i] == "VALUES" else None
        return t.Select(projection, where, modifier, dataset=dataset, modifiers=modifiers, values=values)

    def construct_query(self) -> t.Construct:
        """CONSTRUCT with a template, or the short form CONSTRUCT WHERE { triples } (template None)."""
        self.expect("CONSTRUCT")
        if self.k[self.i] == "{":
            self.i += 1
            template = self.triples_template("}")
            self.expect("}")
            dataset = self.dataset_clauses()
            where = self.where_clause()
            return t.Construct(template, where, dataset=dataset, modifiers=self.solution_modifiers())
        dataset = self.dataset_clauses()
        self.expect("WHERE", "'{' (a template) or WHERE")
        self.expect("{")
        triples = self.triples_template("}")
        self.expect("}")
        where = t.Group((t.TriplesBlock(triples),) if triples else ())
        return t.Construct(None, where, dataset=dataset, modifiers=self.solution_modifiers())

    def describe_query(self) -> t.Describe:
        """DESCRIBE * or DESCRIBE of variables and IRIs, with an optional WHERE clause."""
        self.expect("DESCRIBE")
        if self.k[self.i] == "*":
            self.i += 1
            targets = "*"
        else:
            items = []
            while self.k[self.i] in ("VAR", "IRIREF", "PNAME"):
                items.append(self.var_or_iri())
            if not items:
                raise self.error("'*', a variable or an IRI after DESCRIBE")
            targets = tuple(items)
        dataset = self.dataset_clauses()
        where = self.where_clause() if self.k[self.i] in ("WHERE", "{") else None
        return t.Describe(targets, where, dataset=dataset, modifiers=self.solution_modifiers())

    def dataset_clauses(self) -> tuple:
        """The FROM and FROM NAMED clauses, in order (parsed whatever they name; the policy decides)."""
        clauses = []
        while self.k[self.i] == "FROM":
            self.i += 1
            named = self.k[self.i] == "NAMED"
            if named:
                self.i += 1
            clauses.append(t.DatasetClause(self.iri(), named))
        return tuple(clauses)

    def where_clause(self) -> t.Group:
        """The WHERE clause's group graph pattern (the keyword WHERE itself is optional)."""
        if self.k[self.i] == "WHERE":
            self.i += 1
        if self.k[self.i] != "{":
            raise self.error("'{' (the WHERE clause)")
        return self.group()

    def solution_modifiers(self) -> t.Modifiers:
        """GROUP BY, HAVING and ORDER BY, then LIMIT and OFFSET in either order; NO_MODIFIERS if none."""
        k = self.k
        if k[self.i] not in ("GROUP", "HAVING", "ORDER", "LIMIT", "OFFSET"):
            return t.NO_MODIFIERS
        group_by, having, order_by = (), (), ()
        limit = offset = limit_tok = offset_tok = None
        if k[self.i] == "GROUP":
            self.i += 1
            self.expect("BY", "BY after GROUP")
            group_by = self.conditions(self.group_condition, "a GROUP BY condition")
        if k[self.i] == "HAVING":
            self.i += 1
            having = self.conditions(self.constraint, "a HAVING condition")
        if k[self.i] == "ORDER":
            self.i += 1
            self.expect("BY", "BY after ORDER")
            order_by = self.conditions(self.order_condition, "an ORDER BY condition")
        for _ in range(2):
            if k[self.i] == "LIMIT" and limit_tok is None:
                self.i += 1
                limit_tok = self.expect("INTEGER", "an unsigned integer after LIMIT")
                limit = count_at(self.toks, limit_tok)
            elif k[self.i] == "OFFSET" and offset_tok is None:
                self.i += 1
                offset_tok = self.expect("INTEGER", "an unsigned integer after OFFSET")
                offset = count_at(self.toks, offset_tok)
        return t.Modifiers(group_by, having, order_by, limit, offset, limit_tok, offset_tok)

    def conditions(self, parse_one, expected: str) -> tuple:
        """One or more conditions read by `parse_one`: the first is required (an error naming
        `expected`), the rest are read while one starts."""
        items = [parse_one(expected)]
        while True:
            item = parse_one(None)
            if item is None:
                return tuple(items)
            items.append(item)

    def group_condition(self, expected: str | None):
        """A GROUP BY condition: a variable, `(expr)` or `(expr AS ?var)`, or a call; None if none
        starts here and `expected` is None."""
        kind = self.k[self.i]
        if kind == "VAR":
            return self.var()
        if kind == "(":  # kept as written, bracketed, with or without AS: rdflib tells them apart
            self.i += 1
            expr = self.expression()
            var = None
            if self.k[self.i] == "AS":
                self.i += 1
                var = self.var()
            self.expect(")")
            return t.Projection(expr, var)
        call = self.call_or_none()
        if call is None and expected:
            raise self.error(expected)
        return call

    def order_condition(self, expected: str | None):
        """An ORDER BY condition: ASC(expr) or DESC(expr), a variable, or a constraint; None if none
        starts here and `expected` is None."""
        kind = self.k[self.i]
        if kind == "ASC" or kind == "DESC":
            self.i += 1
            if self.k[self.i] != "(":
                raise self.error("'(' after " + kind)
            return t.OrderCondition(self.bracketted(), kind)
        if kind == "VAR":
            return t.OrderCondition(self.var())
        expr = self.constraint(expected)
        return None if expr is None else t.OrderCondition(expr)

    def constraint(self, expected: str | None):
        """Constraint ::= BrackettedExpression | BuiltInCall | FunctionCall (None if absent)."""
        if self.k[self.i] == "(":
            return self.bracketted()
        call = self.call_or_none()
        if call is None and expected:
            raise self.error(expected)
        return call

    def values_clause(self) -> t.Values:
        """A trailing `VALUES` data block."""
        self.expect("VALUES")
        return self.data_block()

    def data_block(self) -> t.Values:
        """The variables and rows of a VALUES block, one-variable or full form; a row with the wrong
        number of values is a syntax error."""
        k = self.k
        if k[self.i] == "VAR":
            var = self.var()
            self.expect("{", "'{' after VALUES ?var")
            rows = []
            while k[self.i] != "}":
                rows.append((self.data_value(),))
            self.i += 1
            return t.Values((var,), tuple(rows))
        if k[self.i] == "NIL":
            self.i += 1
            names = ()
        else:
            self.expect("(", "a variable or '(' after VALUES")
            names = []
            while k[self.i] == "VAR":
                names.append(self.var())
            self.expect(")", "a variable or ')'")
            names = tuple(names)
        self.expect("{", "'{' after the VALUES variables")
        rows = []
        while k[self.i] != "}":
            start = self.i
            if k[self.i] == "NIL":
                self.i += 1
                row = ()
            else:
                self.expect("(", "'(' (a row of values) or '}'")
                row = []
                while k[self.i] != ")":
                    row.append(self.data_value())
                self.i += 1
                row = tuple(row)
            if len(row) != len(names):
                raise syntax_error(
                    self.toks,
                    start,
                    f"This VALUES row has {len(row)} value(s) for {len(names)} variable(s)",
                    f"{len(names)} value(s)",
                )
            rows.append(row)
        self.i += 1
        return t.Values(names, tuple(rows))

    def data_value(self):
        """One value of a VALUES row: UNDEF, an IRI or a literal."""
        kind = self.k[self.i]
        if kind == "UNDEF":
            self.i += 1
            return t.UNDEF
        if kind == "IRIREF" or kind == "PNAME":
            return self.iri()
        if kind == "STRING" or kind in NUMBER_KINDS or kind == "TRUE" or kind == "FALSE":
            return self.literal()
        raise self.error("an IRI, a literal or UNDEF in VALUES")


def parse_tokens(toks: Tokens, prefixes: Mapping[str, str], base: str | None = None) -> t.Query:
    """The tree of an already tokenized query (SparqlSyntaxError or Refused(update)), checked against
    the rules the grammar states in words."""
    return on_fresh_stack(_parse_and_check, toks, prefixes, base)


def _parse_and_check(toks: Tokens, prefixes: Mapping[str, str], base: str | None) -> t.Query:
    from .semantics import check_semantics

    query = Parser(toks, prefixes, base).query()
    check_semantics(query, toks)
    return query


def parse(
    text: str, *, prefixes: Mapping[str, str] | None = None, base: str | None = None, limits: Limits = DEFAULT_LIMITS
) -> t.Query:
    """The parse tree of a SPARQL 1.1 query text; raises SparqlSyntaxError or Refused."""
    return parse_tokens(tokenize(text, limits), prefixes or {}, base)
