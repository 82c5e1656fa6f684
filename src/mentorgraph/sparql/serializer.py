"""The canonical text of a parse tree: the query the engines run, so the query that runs is the one
that was checked.

Every IRI is written in full as <...>; there is no prologue, no comment and no codepoint escape
outside string literals; tokens are separated by one space; expressions carry brackets exactly
where the tree's structure needs them (a chain inside a chain of the same or a looser operator).
Terms are written by terms.py (strings escaped so they read the same to this parser, rdflib and
pyoxigraph). A few fragments keep two tokens together because an engine needs it: a built-in's
name and its bracket (`COALESCE(`), a path modifier and its bracket (`)+`), a literal and its
language tag or datatype.

`Writer` also records, for the plan cache, which output fragments come from which token (`slots`)
and where each `VALUES ?x { UNDEF }` stands (`params`), so a query can be re-rendered or bound
without parsing.
"""

from __future__ import annotations

from . import tree as t
from .errors import on_fresh_stack
from .terms import string, term

_UNDEF = t.UNDEF

# Expression precedence: an operand needs brackets if its level is not above what its parent needs.
_OR, _AND, _REL, _ADD, _MUL, _UNARY, _PRIMARY = range(1, 8)
_LEVEL = {t.Or: _OR, t.And: _AND, t.Compare: _REL, t.In: _REL, t.Add: _ADD, t.Mul: _MUL, t.Unary: _UNARY}
_PATH_LEVEL = {t.PathAlt: 1, t.PathSeq: 2, t.PathInv: 3, t.PathMod: 4}  # else 5: a primary
_CALLS = (t.Call, t.Function, t.Aggregate, t.Exists)


class Writer:
    """Writes one tree; `out` is the list of fragments, joined by spaces."""

    def __init__(self) -> None:
        self.out: list[str] = []
        self.slots: list[tuple[int, object]] = []  # (fragment index, node carrying a token)
        self.params: list[tuple[str, int]] = []  # (variable, fragment index of its UNDEF)
        self.glued: dict[int, str] = {}  # fragment index: text glued after its term
        # Every SERVICE and dataset clause written, wherever it is nested (the writer visits every
        # node of the tree: an unknown node is a TypeError, never skipped).
        self.services: list[t.ServicePattern] = []
        self.datasets: list[t.DatasetClause] = []

    def text(self) -> str:
        """The canonical text written so far: the fragments joined by single spaces."""
        return join(self.out)

    def term(self, node) -> None:
        """Write an RDF term or variable; an IRI or literal read from a token is recorded in `slots`."""
        if getattr(node, "tok", None) is not None and type(node) in (t.IRI, t.Literal):
            self.slots.append((len(self.out), node))
        self.out.append(term(node))

    def glue(self, text: str) -> None:
        """Append `text` to the last fragment, with no space (recorded for the plan cache)."""
        i = len(self.out) - 1
        self.out[i] += text
        self.glued[i] = self.glued.get(i, "") + text

    # --- queries ----------------------------------------------------------------------------

    def query(self, q) -> None:
        """A whole query. The first fragment is always its BASE (or empty): with every IRI written
        in full, BASE matters only to IRI() and URI(), which resolve against it at run time."""
        w = self.out.append
        self.slots.append((0, ("base", None)))
        w(f"BASE <{q.base}>" if q.base else "")
        cls = type(q)
        if cls is t.Select:
            self.select_head(q)
        elif cls is t.Construct:
            w("CONSTRUCT")
            if q.template is not None:
                w("{")
                self.triples(q.template)
                w("}")
        elif cls is t.Ask:
            w("ASK")
        elif cls is t.Describe:
            w("DESCRIBE")
            if q.targets == "*":
                w("*")
            else:
                for target in q.targets:
                    self.term(target)
        else:
            raise TypeError(f"not a query: {q!r}")
        self.body(q)

    def body(self, q) -> None:
        """Dataset clauses, WHERE, solution modifiers and VALUES: the same for every form."""
        self.dataset(q.dataset)
        if q.where is not None:
            self.out.append("WHERE")
            self.group(q.where)
        self.modifiers(q.modifiers)
        if q.values is not None:
            self.values(q.values)

    def select_head(self, q: t.Select) -> None:
        """SELECT, its DISTINCT or REDUCED, and its projection."""
        w = self.out.append
        w("SELECT")
        if q.modifier:
            w(q.modifier)
        if q.projection == "*":
            w("*")
            return
        for item in q.projection:
            if type(item) is t.Var:
                w("?" + item.name)
            else:
                self.projection(item)

    def projection(self, item: t.Projection) -> None:
        """`(expr AS ?var)`, or `(expr)` for a GROUP BY condition without a variable."""
        w = self.out.append
        w("(")
        self.expr(item.expr)
        if item.var is not None:
            w("AS")
            w("?" + item.var.name)
        w(")")

    def dataset(self, clauses: tuple) -> None:
        """The FROM and FROM NAMED clauses, each also recorded in `datasets`."""
        self.datasets.extend(clauses)
        for clause in clauses:
            self.out.append("FROM NAMED" if clause.named else "FROM")
            self.term(clause.iri)

    def modifiers(self, m: t.Modifiers) -> None:
        """GROUP BY, HAVING, ORDER BY, LIMIT and OFFSET, as present; nothing for NO_MODIFIERS."""
        if m is t.NO_MODIFIERS:
            return
        w = self.out.append
        if m.group_by:
            w("GROUP BY")
            for cond in m.group_by:
                if type(cond) is t.Projection:
                    self.projection(cond)
                else:
                    self.condition(cond)
        if m.having:
            w("HAVING")
            for cond in m.having:
                self.condition(cond, var=False)
        if m.order_by:
            w("ORDER BY")
            for cond in m.order_by:
                if cond.direction:
                    w(cond.direction + "(")
                    self.expr(cond.expr)
                    w(")")
                else:
                    self.condition(cond.expr)
        if m.limit is not None:
            w("LIMIT")
            if m.limit_tok is not None:
                self.slots.append((len(self.out), ("int", m.limit_tok)))
            w(str(m.limit))
        if m.offset is not None:
            w("OFFSET")
            if m.offset_tok is not None:
                self.slots.append((len(self.out), ("int", m.offset_tok)))
            w(str(m.offset))

    def condition(self, expr, var: bool = True) -> None:
        """A call, a bracketed expression, or (in GROUP BY and ORDER BY, not in FILTER or HAVING) a
        variable: never a bracket the grammar does not need, so the text nests no deeper than the
        original."""
        if var and type(expr) is t.Var or isinstance(expr, _CALLS):
            self.expr(expr)
        else:
            self.out.append("(")
            self.expr(expr)
            self.out.append(")")

    # --- patterns ---------------------------------------------------------------------------

    def group(self, g: t.Group) -> None:
        """A group graph pattern in braces, item by item; each SERVICE is also recorded in `services`,
        and an unknown item is a TypeError."""
        w = self.out.append
        w("{")
        for item in g.items:
            cls = type(item)
            if cls is t.TriplesBlock:
                self.triples(item.triples)
            elif cls is t.Filter:
                w("FILTER")
                self.condition(item.expr, var=False)
            elif cls is t.Bind:
                w("BIND")
                w("(")
                self.expr(item.expr)
                w("AS")
                w("?" + item.var.name)
                w(")")
            elif cls is t.OptionalPattern:
                w("OPTIONAL")
                self.group(item.group)
            elif cls is t.UnionPattern:
                for i, sub in enumerate(item.groups):
                    if i:
                        w("UNION")
                    self.group(sub)
            elif cls is t.GraphPattern:
                w("GRAPH")
                self.term(item.name)
                self.group(item.group)
            elif cls is t.ServicePattern:
                self.services.append(item)
                # On a new line: rdflib finds a SERVICE's text by searching the whole query with its
                # comment rule, which takes the '#' of an earlier IRI for a comment to the line end.
                w("\nSERVICE SILENT" if item.silent else "\nSERVICE")
                self.term(item.endpoint)
                self.group(item.group)
            elif cls is t.MinusPattern:
                w("MINUS")
                self.group(item.group)
            elif cls is t.Group:
                self.group(item)
            elif cls is t.Values:
                self.values(item)
            elif cls is t.Select:  # a subquery
                self.select_head(item)
                self.body(item)
            else:
                raise TypeError(f"not a graph pattern: {item!r}")
        w("}")

    def values(self, v: t.Values) -> None:
        """A VALUES block; the lone UNDEF of a one-variable, one-row block is recorded in `params`."""
        w = self.out.append
        w("VALUES")
        if len(v.vars) == 1:
            name = v.vars[0].name
            w("?" + name)
            w("{")
            for (value,) in v.rows:
                if value is _UNDEF and len(v.rows) == 1:
                    self.params.append((name, len(self.out)))
                self.term(value)
            w("}")
            return
        w("(")
        for var in v.vars:
            w("?" + var.name)
        w(")")
        w("{")
        for row in v.rows:
            w("(")
            for value in row:
                self.term(value)
            w(")")
        w("}")

    def triples(self, triples: tuple) -> None:
        """Triple patterns, each ended by '.'."""
        for triple in triples:
            self.node(triple.subject)
            self.props(triple.props)
            self.out.append(".")

    def props(self, props: tuple) -> None:
        """A property list: each verb (IRI, variable or path) with its objects, separated by ';' and ','."""
        w = self.out.append
        for i, (verb, objects) in enumerate(props):
            if i:
                w(";")
            if type(verb) in (t.IRI, t.Var):
                self.term(verb)
            else:
                self.path(verb, 0)
            for j, obj in enumerate(objects):
                if j:
                    w(",")
                self.node(obj)

    def node(self, node) -> None:
        """A graph node: a blank-node property list in [ ], a collection in ( ), or a term."""
        cls = type(node)
        if cls is t.BNodePropertyList:
            self.out.append("[")
            self.props(node.props)
            self.out.append("]")
        elif cls is t.Collection:
            self.out.append("(")
            for item in node.items:
                self.node(item)
            self.out.append(")")
        else:
            self.term(node)

    def path(self, p, need: int) -> None:
        """A property path; bracketed if its level is below `need` (the parent's requirement)."""
        cls = type(p)
        level = _PATH_LEVEL.get(cls, 5)
        if level < need:
            self.out.append("(")
            self.path(p, 0)
            self.out.append(")")
            return
        w = self.out.append
        if cls is t.IRI:
            self.term(p)
        elif cls is t.PathAlt:
            for i, item in enumerate(p.items):
                if i:
                    w("|")
                self.path(item, 2)
        elif cls is t.PathSeq:
            for i, item in enumerate(p.items):
                if i:
                    w("/")
                self.path(item, 3)
        elif cls is t.PathInv:
            w("^")
            self.path(p.path, 4)
        elif cls is t.PathMod:
            # The modifier is glued to what it modifies: rdflib reads `<p> +` as no path at all.
            self.path(p.path, 5)
            self.glue(p.mod)
        elif cls is t.PathNeg:
            w("!")
            if len(p.items) != 1:
                w("(")
            for i, item in enumerate(p.items):
                if i:
                    w("|")
                if type(item) is t.PathInv:
                    w("^")
                    self.term(item.path)
                else:
                    self.term(item)
            if len(p.items) != 1:
                w(")")
        else:
            raise TypeError(f"not a property path: {p!r}")

    # --- expressions ------------------------------------------------------------------------

    def operand(self, e, need: int) -> None:
        """An operand of an operator, bracketed if its own level is below `need`."""
        if _LEVEL.get(type(e), _PRIMARY) < need:
            self.out.append("(")
            self.expr(e)
            self.out.append(")")
        else:
            self.expr(e)

    def expr(self, e) -> None:
        """An expression, bracketed only where the tree's structure needs it; an unknown node is a TypeError."""
        w = self.out.append
        cls = type(e)
        if cls is t.Var:
            w("?" + e.name)
        elif cls is t.IRI or cls is t.Literal:
            self.term(e)
        elif cls is t.Call:
            # Name and bracket are one fragment: pyoxigraph 0.5 refuses `COALESCE (` and `CONCAT (`.
            if e.name in ("RAND", "NOW", "UUID", "STRUUID") or not e.args and e.name in ("BNODE", "CONCAT", "COALESCE"):
                w(e.name + "()")
            else:
                self.args(e.name + "(", e.args)
        elif cls is t.Function:
            self.term(e.iri)
            if not e.args:
                w("()")
            else:
                self.args("(", e.args, e.distinct)
        elif cls is t.And or cls is t.Or:
            op = "&&" if cls is t.And else "||"
            need = _LEVEL[cls] + 1
            for i, arg in enumerate(e.args):
                if i:
                    w(op)
                self.operand(arg, need)
        elif cls is t.Add or cls is t.Mul:
            need = _LEVEL[cls] + 1
            self.operand(e.first, need)
            for op, arg in e.rest:
                w(op)
                self.operand(arg, need)
        elif cls is t.Compare:
            self.operand(e.left, _ADD)
            w(e.op)
            self.operand(e.right, _ADD)
        elif cls is t.In:
            self.operand(e.expr, _ADD)
            w("NOT IN" if e.negated else "IN")
            if e.items:
                self.args("(", e.items)
            else:
                w("()")
        elif cls is t.Unary:
            w(e.op)
            self.operand(e.expr, _PRIMARY)
        elif cls is t.Aggregate:
            w(e.name + "(")
            if e.distinct:
                w("DISTINCT")
            if e.args:
                self.expr(e.args[0])
            else:
                w("*")
            if e.separator is not None:
                w(";")
                w("SEPARATOR")
                w("=")
                if e.separator_tok is not None:
                    self.slots.append((len(self.out), ("string", e.separator_tok)))
                w(string(e.separator))
            w(")")
        elif cls is t.Exists:
            w("NOT EXISTS" if e.negated else "EXISTS")
            self.group(e.group)
        else:
            raise TypeError(f"not an expression: {e!r}")

    def args(self, opening: str, args: tuple, distinct: bool = False) -> None:
        """An argument list: `opening` (a name with its bracket, or a bare bracket), DISTINCT if set, the
        arguments separated by ',', then ')'."""
        w = self.out.append
        w(opening)
        if distinct:
            w("DISTINCT")
        for i, arg in enumerate(args):
            if i:
                w(",")
            self.expr(arg)
        w(")")


def join(parts) -> str:
    """The text of a list of fragments (the first, the BASE, may be empty)."""
    return " ".join(parts) if parts[0] else " ".join(parts[1:])


def serialize(query) -> str:
    """The canonical text of a query tree."""
    return on_fresh_stack(_serialize, query)


def _serialize(query) -> str:
    writer = Writer()
    writer.query(query)
    return writer.text()
