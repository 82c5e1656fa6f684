"""The parse tree of a SPARQL 1.1 query: small frozen dataclasses, one per grammar construct.

IRIs are always absolute (prefixed names expanded, relative references resolved against BASE), so
the tree no longer depends on the prologue. `tok` fields (the index of the token a node came from)
and other positions are not part of equality: two trees are equal when they mean the same query
text, wherever it was written. Expressions keep the grammar's n-ary chains (`a + b - c` is one
Add), as rdflib's algebra does, so a chain and a bracketed chain stay distinguishable.
"""

from __future__ import annotations

from dataclasses import dataclass, field

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
XSD = "http://www.w3.org/2001/XMLSchema#"
XSD_INTEGER, XSD_DECIMAL, XSD_DOUBLE, XSD_BOOLEAN = (XSD + n for n in ("integer", "decimal", "double", "boolean"))

_node = dataclass(frozen=True, slots=True)


def _pos() -> int | None:
    return field(default=None, compare=False, repr=False)


# --- terms ------------------------------------------------------------------------------------


@_node
class IRI:
    """An IRI, always absolute: prefixed names expanded, relative references resolved against BASE."""

    value: str
    tok: int | None = _pos()


@_node
class Literal:
    """An RDF literal: `datatype` None for a simple literal (no xsd:string is added), `lang` as
    written. `bare` records that a number or boolean was written as such (1, 2.5, true) rather than
    as "1"^^xsd:integer: the same term, but rdflib normalises the lexical form of the first only,
    so the serializer keeps the form to keep rdflib's reading."""

    value: str
    lang: str | None = None
    datatype: str | None = None
    tok: int | None = _pos()
    bare: bool = field(default=False, compare=False, repr=False)


@_node
class Var:
    """A variable (`?name` or `$name`); `name` is without the sigil."""

    name: str
    tok: int | None = _pos()


@_node
class BNode:
    """A labelled blank node, `_:label`."""

    label: str
    tok: int | None = _pos()


@_node
class Anon:
    """`[]`: a fresh blank node."""


@_node
class Undef:
    """UNDEF in a VALUES row."""


UNDEF = Undef()
RDF_TYPE = IRI(RDF + "type")
RDF_NIL = IRI(RDF + "nil")

Term = IRI | Literal | Var | BNode | Anon

# --- triples and paths ------------------------------------------------------------------------


@_node
class BNodePropertyList:
    """`[ verb objects ; ... ]`; props is ((verb, (object, ...)), ...)."""

    props: tuple


@_node
class Collection:
    """`( item ... )`, an RDF list."""

    items: tuple


@_node
class Triples:
    """TriplesSameSubject(Path): one subject, its (verb, objects) pairs; props may be empty only for a
    blank-node property list or collection subject."""

    subject: object
    props: tuple


@_node
class PathAlt:
    """A property path alternative `p | q | ...` (two or more items)."""

    items: tuple


@_node
class PathSeq:
    """A property path sequence `p / q / ...` (two or more items)."""

    items: tuple


@_node
class PathInv:
    """An inverse property path, `^path`."""

    path: object


@_node
class PathMod:
    """A property path with a modifier: `path?`, `path*` or `path+`."""

    path: object
    mod: str  # '?', '*' or '+'


@_node
class PathNeg:
    """`!(iri | ^iri ...)`; items are IRI or PathInv(IRI)."""

    items: tuple


# --- graph patterns ---------------------------------------------------------------------------


@_node
class Group:
    """`{ ... }`: items in order (TriplesBlock, Filter, Bind, Values, OptionalPattern, ...), or a
    single Select for a subquery."""

    items: tuple


@_node
class TriplesBlock:
    """Consecutive triple patterns in a group: a tuple of Triples."""

    triples: tuple


@_node
class OptionalPattern:
    """`OPTIONAL { ... }`."""

    group: Group


@_node
class MinusPattern:
    """`MINUS { ... }`."""

    group: Group


@_node
class UnionPattern:
    """`{ ... } UNION { ... } ...`: two or more groups."""

    groups: tuple


@_node
class GraphPattern:
    """`GRAPH name { ... }`: the group matched in the named graph `name` (an IRI or a variable)."""

    name: IRI | Var
    group: Group


@_node
class ServicePattern:
    """`SERVICE [SILENT] endpoint { ... }`, kept in the tree so the policy finds it wherever it is
    nested; `tok` is the SERVICE keyword's token."""

    endpoint: IRI | Var
    group: Group
    silent: bool = False
    tok: int | None = _pos()


@_node
class Filter:
    """`FILTER constraint`; `expr` is the constraint's expression."""

    expr: object


@_node
class Bind:
    """`BIND (expr AS ?var)`."""

    expr: object
    var: Var


@_node
class Values:
    """VALUES: vars and rows of terms (UNDEF where unbound)."""

    vars: tuple
    rows: tuple


# --- expressions ------------------------------------------------------------------------------


@_node
class Or:
    """`a || b || ...`: one node for the whole chain."""

    args: tuple


@_node
class And:
    """`a && b && ...`: one node for the whole chain."""

    args: tuple


@_node
class Compare:
    """`left op right`, op one of = != < > <= >=."""

    op: str
    left: object
    right: object


@_node
class In:
    """`expr IN (items)` or, `negated`, `expr NOT IN (items)`."""

    expr: object
    items: tuple
    negated: bool = False


@_node
class Add:
    """first (op operand)*, op '+' or '-'."""

    first: object
    rest: tuple


@_node
class Mul:
    """first (op operand)*, op '*' or '/'."""

    first: object
    rest: tuple


@_node
class Unary:
    """A unary operator ('!', '+' or '-') applied to `expr`."""

    op: str  # '!', '+' or '-'
    expr: object


@_node
class Call:
    """A built-in call; name is the keyword upper-cased (STR, REGEX, ...)."""

    name: str
    args: tuple


@_node
class Exists:
    """`EXISTS { ... }` or, `negated`, `NOT EXISTS { ... }` (a filter expression)."""

    group: Group
    negated: bool = False


@_node
class Aggregate:
    """An aggregate call: `args` is () for COUNT(*); `separator` is GROUP_CONCAT's SEPARATOR."""

    name: str  # COUNT SUM MIN MAX AVG SAMPLE GROUP_CONCAT
    args: tuple  # () for COUNT(*)
    distinct: bool = False
    separator: str | None = None
    separator_tok: int | None = _pos()


@_node
class Function:
    """A call of a function named by an IRI (an extension function or a cast such as xsd:integer)."""

    iri: IRI
    args: tuple
    distinct: bool = False


# --- queries ----------------------------------------------------------------------------------


@_node
class Projection:
    """`(expr AS ?var)` in SELECT or GROUP BY; in GROUP BY also `(expr)`, with var None."""

    expr: object
    var: Var | None


@_node
class OrderCondition:
    """One ORDER BY condition: `expr` with ASC, DESC or no direction."""

    expr: object
    direction: str | None = None  # 'ASC', 'DESC' or None


@_node
class DatasetClause:
    """`FROM <iri>` or, `named`, `FROM NAMED <iri>`."""

    iri: IRI
    named: bool = False


@_node
class Modifiers:
    """Solution modifiers: GROUP BY, HAVING and ORDER BY conditions, LIMIT and OFFSET (the last two
    with the tokens they were read from, for the plan cache)."""

    group_by: tuple = ()
    having: tuple = ()
    order_by: tuple = ()
    limit: int | None = None
    offset: int | None = None
    limit_tok: int | None = _pos()
    offset_tok: int | None = _pos()


NO_MODIFIERS = Modifiers()


@dataclass(frozen=True, slots=True, kw_only=True)
class _Form:
    """What every query form has after its head: FROM clauses, solution modifiers, a trailing
    VALUES, and the BASE in force (with every IRI absolute, it matters only to IRI() and URI(),
    which resolve against it at run time)."""

    dataset: tuple = ()
    modifiers: Modifiers = NO_MODIFIERS
    values: Values | None = None
    base: str | None = None


@_node
class Select(_Form):
    """SELECT (also a subquery, with no dataset and no base): projection is '*' or a tuple of
    Var/Projection."""

    projection: object
    where: Group
    modifier: str | None = None  # 'DISTINCT' or 'REDUCED'


@_node
class Construct(_Form):
    """CONSTRUCT; template None for the short form CONSTRUCT WHERE { triples }."""

    template: tuple | None
    where: Group


@_node
class Ask(_Form):
    """ASK: whether the WHERE pattern has a solution."""

    where: Group


@_node
class Describe(_Form):
    """DESCRIBE; targets is '*' or a tuple of Var/IRI; where may be None."""

    targets: object
    where: Group | None = None


Query = Select | Construct | Ask | Describe


def children(node: object):
    """The direct sub-nodes of `node` (fields that are nodes or tuples of nodes, recursively through
    tuples), in field order: enough to walk any tree without knowing its node types."""
    if isinstance(node, tuple):
        for item in node:
            if isinstance(item, tuple):
                yield from children(item)
            elif hasattr(item, "__slots__"):
                yield item
        return
    for name in _FIELDS.get(type(node)) or _fields(type(node)):
        value = getattr(node, name)
        if isinstance(value, tuple):
            yield from children(value)
        elif hasattr(value, "__slots__"):
            yield value


_FIELDS: dict[type, tuple[str, ...]] = {}


def _fields(cls: type) -> tuple[str, ...]:
    from dataclasses import fields

    names = tuple(f.name for f in fields(cls) if f.compare)
    _FIELDS[cls] = names
    return names


def walk(node: object):
    """Every node of the tree under `node` (itself included), depth first, in document order."""
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        stack.extend(reversed(list(children(current))))
