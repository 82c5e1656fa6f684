"""The rules the SPARQL 1.1 grammar states in words rather than productions, checked on the tree.

- BIND (section 18.2.1): the variable must not be in scope before it in its group.
- SELECT (section 18.2.4.1): an (expression AS ?v) may not name a variable in scope in the WHERE
  clause or already projected.
- Aggregates (section 11): only in SELECT, HAVING and ORDER BY, never nested; in a grouped query,
  SELECT * is not allowed and a projected variable must be grouped (or an earlier alias).
- Blank node labels (section 4.1.4): a label may not be used in two basic graph patterns.
Also in-scope variables (section 18.2.1), which give the columns of SELECT *.
"""

from __future__ import annotations

from . import tree as t
from .lexer import Tokens


class _Checker:
    def __init__(self, toks: Tokens | None):
        self.toks = toks
        self.bgp_of: dict[str, int] = {}
        self.bgps = 0

    def fail(self, node, message: str):
        from .parser import syntax_error
        from .errors import SparqlSyntaxError

        tok = getattr(node, "tok", None)
        if self.toks is None or tok is None:
            raise SparqlSyntaxError(message, None, None)
        raise syntax_error(self.toks, tok, message)

    # --- patterns ---------------------------------------------------------------------------

    def group(self, group: t.Group) -> dict[str, None]:
        """The variables in scope after `group`, checking BIND scope and blank node labels."""
        items = group.items
        if len(items) == 1 and isinstance(items[0], t.Select):
            return self.select(items[0])
        scope: dict[str, None] = {}
        bgp = None
        for item in items:
            if isinstance(item, t.TriplesBlock):
                if bgp is None:
                    self.bgps += 1
                    bgp = self.bgps
                for triple in item.triples:
                    self.node(triple.subject, bgp, scope)
                    self.props(triple.props, bgp, scope)
                continue
            if isinstance(item, t.Filter):  # a FILTER does not end a basic graph pattern
                self.plain_expr(item.expr)
                continue
            bgp = None
            if isinstance(item, t.Bind):
                self.plain_expr(item.expr)
                if item.var.name in scope:
                    self.fail(item.var, f"BIND assigns ?{item.var.name}, which is already in scope in this group")
                scope[item.var.name] = None
            elif isinstance(item, t.OptionalPattern):
                scope |= self.group(item.group)
            elif isinstance(item, t.MinusPattern):
                self.group(item.group)
            elif isinstance(item, t.UnionPattern):
                for g in item.groups:
                    scope |= self.group(g)
            elif isinstance(item, (t.GraphPattern, t.ServicePattern)):
                name = item.name if isinstance(item, t.GraphPattern) else item.endpoint
                if isinstance(name, t.Var):
                    scope[name.name] = None
                scope |= self.group(item.group)
            elif isinstance(item, t.Group):
                scope |= self.group(item)
            elif isinstance(item, t.Values):
                scope.update(dict.fromkeys(v.name for v in item.vars))
        return scope

    def props(self, props: tuple, bgp: int, scope: dict[str, None]) -> None:
        for verb, objects in props:
            if isinstance(verb, t.Var):
                scope[verb.name] = None
            for obj in objects:
                self.node(obj, bgp, scope)

    def node(self, node, bgp: int, scope: dict[str, None]) -> None:
        if isinstance(node, t.Var):
            scope[node.name] = None
        elif isinstance(node, t.BNode):
            owner = self.bgp_of.setdefault(node.label, bgp)
            if owner != bgp:
                self.fail(node, f"The blank node label _:{node.label} is used in two basic graph patterns")
        elif isinstance(node, t.BNodePropertyList):
            self.props(node.props, bgp, scope)
        elif isinstance(node, t.Collection):
            for item in node.items:
                self.node(item, bgp, scope)

    # --- expressions ------------------------------------------------------------------------

    def plain_expr(self, expr) -> None:
        """An expression where aggregates are not allowed (FILTER, BIND, GROUP BY); EXISTS checked."""
        if type(expr) is t.Var or type(expr) is t.Literal:
            return
        for node in _outside_exists(expr):
            if isinstance(node, t.Aggregate):
                self.fail(node, f"{node.name} is an aggregate, allowed only in SELECT, HAVING and ORDER BY")
        for group in _exists_groups(expr):
            self.group(group)

    def aggregate_expr(self, expr, keys: dict[str, None] | None) -> bool:
        """Check an expression of SELECT, HAVING or ORDER BY; True if it holds an aggregate. With
        `keys` (a grouped query), variables outside aggregates must be among them."""
        found = False
        for node in _outside_exists(expr):
            if isinstance(node, t.Aggregate):
                found = True
                for arg in node.args:
                    for inner in _outside_exists(arg):
                        if isinstance(inner, t.Aggregate):
                            self.fail(inner, "Aggregates cannot be nested")
        for group in _exists_groups(expr):
            self.group(group)
        if keys is not None:
            for var in _vars_outside_aggregates(expr):
                if var.name not in keys:
                    self.fail(var, f"?{var.name} is neither grouped (GROUP BY) nor inside an aggregate")
        return found

    # --- queries ----------------------------------------------------------------------------

    def select(self, q: t.Select) -> dict[str, None]:
        """Check a SELECT (query or subquery); return the variables it projects."""
        scope = self.group(q.where)
        mods = q.modifiers
        keys: dict[str, None] = {}
        for cond in mods.group_by:
            if isinstance(cond, t.Projection):
                self.plain_expr(cond.expr)
                if cond.var is not None:
                    keys[cond.var.name] = None
                elif type(cond.expr) is t.Var:  # GROUP BY (?x) groups by ?x
                    keys[cond.expr.name] = None
            else:
                self.plain_expr(cond)
                if isinstance(cond, t.Var):
                    keys[cond.name] = None
        exprs = [c for c in mods.having] + [c.expr for c in mods.order_by]
        if q.projection != "*":
            exprs += [p.expr for p in q.projection if isinstance(p, t.Projection)]
        grouped = bool(mods.group_by) or any(self.aggregate_expr(e, None) for e in exprs)
        if q.projection == "*":
            if grouped:
                first = mods.group_by[0] if mods.group_by else None
                self.fail(first, "SELECT * is not allowed in a query with GROUP BY or aggregates")
            return scope
        projected: dict[str, None] = {}
        for item in q.projection:
            if isinstance(item, t.Var):
                if grouped and item.name not in keys and item.name not in projected:
                    self.fail(item, f"?{item.name} is projected but neither grouped (GROUP BY) nor aggregated")
                projected[item.name] = None
                continue
            name = item.var.name
            if name in scope or name in projected:
                self.fail(item.var, f"(... AS ?{name}) names a variable already in scope or projected")
            self.aggregate_expr(item.expr, (keys | projected) if grouped else None)
            projected[name] = None
        if grouped:
            for expr in mods.having:
                self.aggregate_expr(expr, keys | projected)
        return projected

    def query(self, q: t.Query) -> dict[str, None]:
        if isinstance(q, t.Select):
            return self.select(q)
        if q.where is not None:
            self.group(q.where)
        for expr in list(q.modifiers.having) + [c.expr for c in q.modifiers.order_by]:
            self.aggregate_expr(expr, None)
        return {}


def _operands(e) -> tuple:
    """The direct sub-expressions of an expression (none for a term; an EXISTS has a group)."""
    cls = type(e)
    if cls is t.Call or cls is t.Function or cls is t.Or or cls is t.And or cls is t.Aggregate:
        return e.args
    if cls is t.Add or cls is t.Mul:
        return (e.first, *(x for _, x in e.rest))
    if cls is t.Compare:
        return (e.left, e.right)
    if cls is t.In:
        return (e.expr, *e.items)
    if cls is t.Unary:
        return (e.expr,)
    return ()


def _outside_exists(expr):
    """The nodes of an expression, not descending into EXISTS groups."""
    stack = [expr]
    while stack:
        node = stack.pop()
        yield node
        stack.extend(_operands(node))


def _exists_groups(expr) -> list:
    return [n.group for n in _outside_exists(expr) if type(n) is t.Exists]


def _vars_outside_aggregates(expr):
    stack = [expr]
    while stack:
        node = stack.pop()
        if type(node) is t.Var:
            yield node
        elif type(node) is not t.Aggregate:
            stack.extend(_operands(node))


def check_semantics(query: t.Query, toks: Tokens | None = None) -> dict[str, None]:
    """Raise SparqlSyntaxError where `query` breaks a rule above; return its projected variables
    (for SELECT; SELECT * gives the in-scope variables of its WHERE clause)."""
    return _Checker(toks).query(query)
