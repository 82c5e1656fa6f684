"""Check a contribution where it can break: SHACL and OWL RL on its neighbourhood, not the whole graph.

Validating a contribution used to re-run OWL RL and SHACL over the whole graph plus the
contribution (issue 12: 500 rows 11.5 s, 2,000 rows 128 s). The graph without the contribution was
validated when it was built, and a contribution can only add triples about its own entities (the
resolver refuses anything about an existing one), so a new problem must involve the contributed
entities. What is checked instead:

- SHACL (pyshacl, the validator of record, with the project's shapes unchanged) on the
  neighbourhood: the ontology; every asserted triple about a contributed entity; the evidence
  statements (reified rdf:Statement) about those triples; and the classes and names of every entity
  they point at (what sh:class and the evidence checks' SPARQL look up). A result is kept when its
  focus node or its value is a contributed entity or one of its statements; results about the
  neighbours themselves (whose descriptions are partial here) are dropped. tests/test_contrib_scope.py
  shows on a corpus of bad contributions that this finds every violation whole-graph validation
  finds, and no other.
- OWL RL (owlrl, the reasoner of record) on the asserted graph without the contribution plus one
  probe node per distinct class and per distinct (property, target) pair the contribution uses, then
  once more on the classes each contributed entity collects from its probes. Every rule of OWL RL
  that can make this ontology inconsistent concerns one node's classes (disjoint classes), and a
  node's classes follow from its own class and from each of its (property, target) pairs
  separately (domains, ranges, inverses, sub-properties, property chains through the target), so
  the probes decide consistency as the whole-graph closure would, at the cost of the base graph
  plus a few hundred probes instead of thousands of entities. A target nothing but the probed
  entities mentions (a website) is probed by a stand-in, one per set of properties pointing at
  such targets (`_Fresh`), as a literal is probed by its datatype and language.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import islice

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SKOS

from .. import iris
from ..pipeline.load import Sources
from ..pipeline.validate import Report

# What a neighbour contributes to the neighbourhood: its classes and its names.
_NEIGHBOUR_PREDICATES = (RDF.type, RDFS.label, SKOS.prefLabel)
_ASSERTED = ("article", "curation")


@dataclass
class Neighbourhood:
    """The graph SHACL validates for a contribution, and the nodes whose results count."""

    graph: Graph
    kept: set  # contributed entities and their evidence statements


def _is_entity(term) -> bool:
    return isinstance(term, URIRef) and str(term).startswith(iris.MG)


def neighbourhood(sources: Sources, contributed: Iterable[URIRef]) -> Neighbourhood:
    """The ontology, the contributed entities, their evidence and their neighbours' classes and names."""
    from ..pipeline.validate import shapes_data_graph

    entities = set(contributed)
    g = shapes_data_graph()
    # The class hierarchy is what sh:class and the targets need of the ontology.
    for t in sources.graph("ontology").triples((None, RDFS.subClassOf, None)):
        g.add(t)
    asserted = [sources.graph(name) for name in _ASSERTED]
    evidence = sources.graph("evidence")
    neighbours: set = set()
    statements: set = set()
    for e in entities:
        for graph in asserted:
            for _, p, o in graph.triples((e, None, None)):
                g.add((e, p, o))
                if _is_entity(o) and o not in entities:
                    neighbours.add(o)
        for st in evidence.subjects(RDF.subject, e):
            statements.add(st)
    for st in statements:
        for _, p, o in evidence.triples((st, None, None)):
            g.add((st, p, o))
            if _is_entity(o) and o not in entities:
                neighbours.add(o)
    for n in neighbours:
        for graph in (*asserted, evidence):
            for p in _NEIGHBOUR_PREDICATES:
                for o in graph.objects(n, p):
                    g.add((n, p, o))
    return Neighbourhood(g, entities | statements)


def validate_contribution(sources: Sources, contributed: Iterable[URIRef], shapes: Graph) -> Report:
    """SHACL on the contribution's neighbourhood; only results about the contribution are reported.

    The violations are in a total order (ties of validate's order broken by value and shape), so that
    a contribution validated in parts (`Shacl`) is reported exactly as one validated whole.
    """
    from ..pipeline.validate import validate

    hood = neighbourhood(sources, contributed)
    with bound_aware_joins():
        report = validate(hood.graph, shapes, sources.origins, keep=lambda f, v: f in hood.kept or v in hood.kept)
    report.violations.sort(key=_order)
    return report


def _order(v) -> tuple:
    return (v.source, v.focus, v.path, v.message, v.value, v.shape)


# Below this many entities a part costs more than it saves (each part validates the shapes' own
# fixed work again: ~0.2 s).
_PART_SIZE = 200


def parts(sources: Sources, contributed: list[URIRef], processes: int, size: int = _PART_SIZE) -> list[list[URIRef]]:
    """The contribution split into at most `processes` parts of about `size` entities or more.

    Entities linked to one another (a program part of another of the batch, a program of a
    contributed organization) stay in one part, so no triple links two parts: each part is then
    validated exactly as it is within the whole contribution (its neighbourhood is the same, less the
    other parts, which nothing of it mentions), and the parts' results are the whole contribution's,
    each exactly once (tests/test_contrib_scope.py compares them with whole-graph validation).
    """
    n = max(1, min(processes, len(contributed) // size))
    if n == 1:
        return [list(contributed)]
    entities = set(contributed)
    leader: dict[URIRef, URIRef] = {e: e for e in contributed}  # union-find over links within the batch

    def find(e: URIRef) -> URIRef:
        while leader[e] != e:
            leader[e] = leader[leader[e]]
            e = leader[e]
        return e

    for graph in (sources.graph(name) for name in _ASSERTED):
        for e in contributed:
            for o in graph.objects(e, None):
                if o in entities and o != e:
                    leader[find(o)] = find(e)
    groups: dict[URIRef, list[URIRef]] = {}
    for e in contributed:
        groups.setdefault(find(e), []).append(e)
    split: list[list[URIRef]] = [[] for _ in range(n)]
    for group in sorted(groups.values(), key=len, reverse=True):  # largest first, each to the smallest part
        min(split, key=len).extend(group)
    return [part for part in split if part]


class Shacl:
    """SHACL on a contribution, its parts validated at once in forked processes (pipeline/parallel.py)."""

    def __init__(self, sources: Sources, contributed: list[URIRef], shapes: Graph, processes: int | None = None):
        from ..pipeline import parallel

        self._stages = [
            parallel.Stage(validate_contribution, sources, part, shapes)
            for part in parts(sources, contributed, parallel.processes() if processes is None else processes)
        ]

    def result(self) -> Report:
        """The contribution's report: the parts' reports merged."""
        return merged([stage.result() for stage in self._stages])

    def close(self) -> None:
        """End every part still running."""
        for stage in self._stages:
            stage.close()


def merged(reports: list[Report]) -> Report:
    """One report of several parts' reports: every violation in the total order, one report node."""
    from rdflib import BNode
    from rdflib.namespace import SH

    if len(reports) == 1:
        return reports[0]
    conforms = all(r.conforms for r in reports)
    g = Graph()
    for prefix, ns in reports[0].graph.namespaces():
        g.bind(prefix, ns, override=True, replace=True)
    node = BNode()
    g.add((node, RDF.type, SH.ValidationReport))
    g.add((node, SH.conforms, Literal(conforms)))
    for r in reports:
        heads = set(r.graph.subjects(RDF.type, SH.ValidationReport))
        for s, p, o in r.graph:
            if s not in heads:
                g.add((s, p, o))
            elif p == SH.result:
                g.add((node, p, o))
    return Report(conforms, sorted((v for r in reports for v in r.violations), key=_order), g)


# -- OWL RL ---------------------------------------------------------------------------------------------
def inconsistencies(sources: Sources, contributed: Iterable[URIRef]) -> list[str]:
    """What OWL RL finds inconsistent once the contribution is added (empty when it is consistent).

    See the module docstring: the asserted graph without the contributed entities, plus one probe
    per class and per (property, target) pair they use; then each entity's collected classes.
    Entities linked to one another within the contribution are kept whole instead of probed.
    """
    from ..pipeline.reason import InconsistencyError, reason

    entities = set(contributed)
    asserted = [sources.graph(name) for name in ("ontology", *_ASSERTED)]
    linked_within = {e for e in entities for g in asserted[1:] for o in g.objects(e, None) if o in entities and o != e}
    linked_within |= {o for e in linked_within for g in asserted[1:] for o in g.objects(e, None) if o in entities}
    base = Graph()
    probes: dict[tuple, URIRef] = {}
    uses: dict[URIRef, set[URIRef]] = {}
    fresh = _Fresh(asserted, entities - linked_within)
    for g in asserted:
        for s, p, o in g:
            if s not in entities or s in linked_within:
                base.add((s, p, o))
                continue
            if isinstance(o, Literal):
                key = (p, o.datatype, o.language)
            else:
                stand_in = fresh.stand_in(o)
                o = o if stand_in is None else stand_in
                key = (p, o)
            probe = probes.get(key)
            if probe is None:
                probe = probes[key] = URIRef(f"{iris.MG}probe-{len(probes)}")
                base.add((probe, p, o))
            uses.setdefault(s, set()).add(probe)
    try:
        closure = reason(base).inferred
    except InconsistencyError as exc:
        return exc.messages
    type_sets: dict[frozenset, list[URIRef]] = {}
    for entity, used in uses.items():
        types = frozenset(t for probe in used for t in closure.objects(probe, RDF.type)) | frozenset(
            t for probe in used for t in base.objects(probe, RDF.type)
        )
        type_sets.setdefault(types, []).append(entity)
    together = Graph()
    for t in sources.graph("ontology"):
        together.add(t)
    for i, types in enumerate(type_sets):
        node = URIRef(f"{iris.MG}types-{i}")
        for t in types:
            together.add((node, RDF.type, t))
    try:
        reason(together)
    except InconsistencyError as exc:
        return exc.messages
    return []


class _Fresh:
    """Stand-ins for the IRIs only probed entities point at (a program's website): one per set of
    properties pointing at them, so that a thousand websites cost one probe, not a thousand.

    Such an IRI is the subject of nothing and is mentioned only as the object of those properties:
    under OWL RL all it can ever have is what their ranges give it, and what a probe's classes
    can owe it follows from those alone, the same for each IRI of one set (as literals are probed by
    datatype and language, not by value).
    """

    def __init__(self, graphs: list[Graph], probed: set):
        self._graphs, self._probed = graphs, probed
        self._stand_ins: dict[frozenset, URIRef] = {}
        self._seen: dict = {}

    def stand_in(self, o) -> URIRef | None:
        """The stand-in for `o`, or None when `o` is mentioned otherwise (then it is probed as itself)."""
        if o not in self._seen:
            self._seen[o] = self._find(o)
        return self._seen[o]

    def _find(self, o) -> URIRef | None:
        if not isinstance(o, URIRef) or o in self._probed:
            return None
        pointing = set()
        for g in self._graphs:
            if next(g.triples((o, None, None)), None) is not None or next(g.triples((None, o, None)), None) is not None:
                return None
            for s, p in g.subject_predicates(o):
                if s not in self._probed:
                    return None
                pointing.add(p)
        key = frozenset(pointing)
        if key not in self._stand_ins:
            self._stand_ins[key] = URIRef(f"{iris.MG}fresh-{len(self._stand_ins)}")
        return self._stand_ins[key]


# -- join order -----------------------------------------------------------------------------------------
@contextlib.contextmanager
def bound_aware_joins() -> Iterator[None]:
    """Evaluate rdflib's basic graph patterns in an order chosen with the bindings known at run time.

    rdflib orders a pattern's triples once, before evaluation; inside FILTER NOT EXISTS the
    variables bound from outside are not known then, and the shapes' evidence check (CuratedStatement:
    `?st rdf:subject ?value ; rdf:predicate $this ; rdf:object ?object`) scans every statement of
    a property for each value: quadratic in the contribution. Here each step takes the triple
    pattern with the fewest unbound terms, ties broken by a capped count of its matches. The
    solutions are the same (a join is commutative); only the work differs.
    """
    from rdflib.plugins.sparql import CUSTOM_EVALS

    CUSTOM_EVALS[_EVAL_NAME] = _custom_eval
    try:
        yield
    finally:
        CUSTOM_EVALS.pop(_EVAL_NAME, None)
        _COUNTS.clear()


_EVAL_NAME = "mentorgraph-bound-aware-bgp"
_PROBE = 32


def _custom_eval(ctx, part):
    if part.name == "BGP":
        return _eval_bgp(ctx, part.triples)
    raise NotImplementedError


def _unbound(ctx, triple) -> int:
    return sum(ctx[x] is None for x in triple)


# Match counts of patterns with their bindings, while one validation runs (nothing writes to its graph
# then): `?st rdf:predicate mgo:offeredBy` is counted once, not once per program.
_COUNTS: dict[tuple, int] = {}


def _matches(ctx, triple, cap: int) -> int:
    """How many triples match the pattern, counting no further than `cap` (_PROBE + 1 at most)."""
    pattern = tuple(ctx[x] for x in triple)
    key = (id(ctx.graph), pattern)
    n = _COUNTS.get(key)
    if n is None:
        n = sum(1 for _ in islice(ctx.graph.triples(pattern), _PROBE + 1))
        if n > _PROBE:  # only the many-matching patterns repeat; a cache of every pattern would grow with the graph
            _COUNTS[key] = n
    return min(n, cap)


def _next(ctx, bgp) -> int:
    """The pattern to match next: fewest unbound terms, then fewest matches (probed only on a tie).

    Each tied pattern is counted only up to the fewest matches found so far: a pattern with many
    matches (`?st rdf:predicate $this`) costs no more than the best one before it.
    """
    unbound = [_unbound(ctx, t) for t in bgp]
    fewest = min(unbound)
    tied = [i for i, n in enumerate(unbound) if n == fewest]
    if len(tied) == 1 or fewest == 0:
        return tied[0]
    best, cap = tied[0], _PROBE + 1
    for i in tied:
        n = _matches(ctx, bgp[i], cap)
        if n < cap:  # fewer than every earlier one (ties keep the earlier pattern, as min() did)
            best, cap = i, n
            if n == 0:
                break
    return best


def _eval_bgp(ctx, bgp):
    from rdflib.plugins.sparql.sparql import AlreadyBound

    if not bgp:
        yield ctx.solution()
        return
    i = _next(ctx, bgp) if len(bgp) > 1 else 0
    (s, p, o), rest = bgp[i], bgp[:i] + bgp[i + 1 :]
    _s, _p, _o = ctx[s], ctx[p], ctx[o]
    for ss, sp, so in ctx.graph.triples((_s, _p, _o)):
        c = ctx.push() if None in (_s, _p, _o) else ctx
        try:
            if _s is None:
                c[s] = ss
            if _p is None:
                c[p] = sp
            if _o is None:
                c[o] = so
        except AlreadyBound:
            continue
        yield from _eval_bgp(c, rest)
