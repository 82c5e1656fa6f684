"""The ontology's documentation as data: the header (version, licence, creators, source), every class,
object property and data property (label, definition, IRI, domain, range, super- and sub-terms,
inverse, property chain, characteristics, alignments, usage in the built graph with examples), every
SKOS concept scheme of the data, the named graphs and the prefixes.

Each term's section has the term's local name as its id, so https://w3id.org/mentorgraph/ontology#X
lands on term X where the page is served at the ontology IRI. Links are "refs" the templates draw:
{"kind": "anchor"|"entity"|"external"|"literal"|"expression", ...}. Deterministic: sorted, no
timestamps. templates/ontology.html shows it in the site; ontology-standalone.html is the
self-contained page a release ships (mentorgraph.release.docs).
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

from ... import iris, layout
from . import Page, Params, Source

EXAMPLES = 5  # examples shown per term
ASSERTED = ("article", "curation")


class OntologyDocs:
    """The ontology graph and the built data, read with rdflib, as documentation data."""

    def __init__(self, ontology, ds):
        from rdflib.namespace import OWL, RDF

        from ...namespaces import GRAPH

        self.o = ontology
        self.data, self.asserted = _graph(), _graph()
        self.graph_of: dict = {}
        for name in ("article", "curation", "inferred"):
            for t in ds.graph(GRAPH[name]):
                self.data.add(t)
                if name in ASSERTED:
                    self.asserted.add(t)
                self.graph_of.setdefault(t, name)
        self.counts = {name: len(ds.graph(GRAPH[name])) for name in iris.GRAPH_NAMES}
        self.classes = sorted(s for s in ontology.subjects(RDF.type, OWL.Class) if self.local(s))
        self.object_props = sorted(s for s in ontology.subjects(RDF.type, OWL.ObjectProperty) if self.local(s))
        self.data_props = sorted(s for s in ontology.subjects(RDF.type, OWL.DatatypeProperty) if self.local(s))

    # -- naming -----------------------------------------------------------------------------------
    @staticmethod
    def local(term) -> str | None:
        """The local name of an ontology term (mgo:X -> "X"), else None."""
        from rdflib import URIRef

        text = str(term)
        return text[len(iris.MGO) :] if isinstance(term, URIRef) and text.startswith(iris.MGO) else None

    @staticmethod
    def curie(term) -> str:
        """The term as a CURIE of the project's prefixes (the longest namespace that fits)."""
        text = str(term)
        for prefix, ns in sorted(iris.PREFIXES.items(), key=lambda kv: -len(kv[1])):
            if text.startswith(ns) and text != ns:
                return f"{prefix}:{text[len(ns) :]}"
        return text

    def label(self, term) -> str:
        """Its rdfs:label or skos:prefLabel (ontology first, then data), else its CURIE."""
        from rdflib.namespace import RDFS, SKOS

        for g in (self.o, self.data):
            for p in (RDFS.label, SKOS.prefLabel):
                value = g.value(term, p)
                if value is not None:
                    return str(value)
        return self.curie(term)

    def anchor(self, term) -> str | None:
        """The in-page id documenting `term`, if this page documents it."""
        from rdflib import URIRef
        from rdflib.namespace import RDF, SKOS

        if (name := self.local(term)) is not None:
            return name
        if isinstance(term, URIRef) and str(term).startswith(iris.MG):
            slug = str(term)[len(iris.MG) :]
            if (term, RDF.type, SKOS.ConceptScheme) in self.data:
                return "scheme-" + slug
            if (term, SKOS.inScheme, None) in self.data:
                return "concept-" + slug
        return None

    def ref(self, term) -> dict[str, Any]:
        """A term as a link the templates draw."""
        from rdflib import BNode, Literal, URIRef

        if isinstance(term, Literal):
            return {"kind": "literal", "text": str(term)}
        if isinstance(term, BNode):
            return self.expression(term)
        if (a := self.anchor(term)) is not None:
            return {"kind": "anchor", "anchor": a, "label": self.label(term)}
        if isinstance(term, URIRef) and str(term).startswith(iris.MG):
            return {"kind": "entity", "iri": str(term), "label": self.label(term), "curie": self.curie(term)}
        return {"kind": "external", "iri": str(term), "curie": self.curie(term)}

    def expression(self, node) -> dict[str, Any]:
        """A class expression in Manchester-like words (the ontology's are all simple)."""
        from rdflib.collection import Collection
        from rdflib.namespace import OWL

        for p, word in ((OWL.unionOf, "or"), (OWL.intersectionOf, "and")):
            if (lst := self.o.value(node, p)) is not None:
                return {"kind": "expression", "word": word, "parts": [self.ref(m) for m in Collection(self.o, lst)]}
        if (c := self.o.value(node, OWL.complementOf)) is not None:
            return {"kind": "expression", "word": "not", "parts": [self.ref(c)]}
        if (prop := self.o.value(node, OWL.onProperty)) is not None:
            for p, word in ((OWL.someValuesFrom, "some"), (OWL.allValuesFrom, "only"), (OWL.hasValue, "value")):
                if (f := self.o.value(node, p)) is not None:
                    return {"kind": "restriction", "word": word, "parts": [self.ref(prop), self.ref(f)]}
        return {"kind": "literal", "text": "[]"}

    def refs(self, terms) -> list[dict[str, Any]]:
        """Terms as refs, sorted by label."""
        items = sorted(set(terms), key=lambda t: (self.label(t).casefold(), str(t)))
        return [self.ref(t) for t in items]

    # -- sections ---------------------------------------------------------------------------------
    def head(self, term, kind: str) -> dict[str, Any]:
        """What every term's section opens with."""
        from rdflib import Literal
        from rdflib.namespace import OWL, RDFS, SKOS

        definition = self.o.value(term, SKOS.definition)
        comment = self.o.value(term, RDFS.comment)
        return {
            "id": self.local(term),
            "label": self.label(term),
            "kind": kind,
            "iri": str(term),
            "deprecated": (term, OWL.deprecated, Literal(True)) in self.o,
            "definition": str(definition) if definition is not None else None,
            "comment": str(comment) if comment is not None else None,
        }

    def alignments(self, term, parents) -> list[dict[str, Any]]:
        """External super-terms and mapped terms."""
        from rdflib import URIRef
        from rdflib.namespace import OWL, SKOS

        mappings = (
            OWL.equivalentClass,
            OWL.equivalentProperty,
            SKOS.exactMatch,
            SKOS.closeMatch,
            SKOS.broadMatch,
            SKOS.narrowMatch,
            SKOS.relatedMatch,
        )
        external = [p for p in parents if isinstance(p, URIRef) and self.local(p) is None]
        mapped = [o for p in mappings for o in self.o.objects(term, p)]
        return self.refs(external + mapped)

    def class_section(self, c) -> dict[str, Any]:
        """A class: its place in the hierarchy, where it is used, its instances."""
        from rdflib import BNode
        from rdflib.collection import Collection
        from rdflib.namespace import OWL, RDF, RDFS

        supers = list(self.o.objects(c, RDFS.subClassOf))
        disjoint = set(self.o.objects(c, OWL.disjointWith)) | set(self.o.subjects(OWL.disjointWith, c))
        for axiom in self.o.subjects(RDF.type, OWL.AllDisjointClasses):
            members = list(Collection(self.o, self.o.value(axiom, OWL.members)))
            if c in members:
                disjoint |= set(members) - {c}
        members = sorted(set(self.data.subjects(RDF.type, c)), key=lambda t: (self.label(t).casefold(), str(t)))
        rows = [
            ("Subclass of", self.refs(p for p in supers if self.local(p) or isinstance(p, BNode))),
            ("Subclasses", self.refs(self.o.subjects(RDFS.subClassOf, c))),
            ("Disjoint with", self.refs(disjoint)),
            ("In domain of", self.refs(self.o.subjects(RDFS.domain, c))),
            ("In range of", self.refs(self.o.subjects(RDFS.range, c))),
            ("Alignments", self.alignments(c, supers)),
        ]
        return {
            **self.head(c, "Class"),
            "rows": [{"name": n, "refs": r} for n, r in rows if r],
            "instances": {"count": len(members), "shown": [self.ref(m) for m in members[:EXAMPLES]]},
            "defined_by": self.refs(self.o.objects(c, RDFS.isDefinedBy)),
        }

    def property_section(self, p, kind: str) -> dict[str, Any]:
        """A property: domain, range, hierarchy, inverse, chains, characteristics, usage."""
        from rdflib.collection import Collection
        from rdflib.namespace import OWL, RDF, RDFS

        characteristics = {
            OWL.FunctionalProperty: "functional",
            OWL.InverseFunctionalProperty: "inverse functional",
            OWL.TransitiveProperty: "transitive",
            OWL.SymmetricProperty: "symmetric",
            OWL.AsymmetricProperty: "asymmetric",
            OWL.ReflexiveProperty: "reflexive",
            OWL.IrreflexiveProperty: "irreflexive",
        }
        supers = list(self.o.objects(p, RDFS.subPropertyOf))
        inverse = set(self.o.objects(p, OWL.inverseOf)) | set(self.o.subjects(OWL.inverseOf, p))
        chains = [[self.ref(m) for m in Collection(self.o, lst)] for lst in self.o.objects(p, OWL.propertyChainAxiom)]
        traits = [w for t, w in characteristics.items() if (p, RDF.type, t) in self.o]
        statements = sorted(
            self.data.subject_objects(p),
            key=lambda so: (
                self.graph_of.get((so[0], p, so[1])) != "article",
                self.graph_of.get((so[0], p, so[1])) == "inferred",
                self.label(so[0]).casefold(),
                str(so[0]),
                str(so[1]),
            ),
        )
        usage = [
            {"s": self.ref(s), "o": self.ref(o), "inferred": self.graph_of.get((s, p, o)) == "inferred"}
            for s, o in statements[:EXAMPLES]
        ]
        rows = [
            ("Domain", self.refs(self.o.objects(p, RDFS.domain))),
            ("Range", self.refs(self.o.objects(p, RDFS.range))),
            ("Sub-property of", self.refs(s for s in supers if self.local(s))),
            ("Sub-properties", self.refs(self.o.subjects(RDFS.subPropertyOf, p))),
            ("Inverse of", self.refs(inverse)),
            ("Alignments", self.alignments(p, supers)),
        ]
        return {
            **self.head(p, kind),
            "characteristics": traits,
            "rows": [{"name": n, "refs": r} for n, r in rows if r],
            "chains": [{"steps": c, "result": self.ref(p)} for c in chains],
            "usage": {"count": len(statements), "shown": usage},
            "defined_by": self.refs(self.o.objects(p, RDFS.isDefinedBy)),
        }

    def scheme_section(self, scheme) -> dict[str, Any]:
        """A SKOS concept scheme of the data and its concepts, in table order where they have one."""
        from rdflib import URIRef
        from rdflib.namespace import RDFS, SKOS

        position = URIRef(iris.MGO + "tablePosition")
        concepts = sorted(
            set(self.data.subjects(SKOS.inScheme, scheme)),
            key=lambda t: (
                self.data.value(t, position) is None,
                int(self.data.value(t, position) or 0),
                self.label(t).casefold(),
                str(t),
            ),
        )
        broader = {SKOS.broader}
        for q in self.o.subjects(RDFS.subPropertyOf, None):
            if set(self.o.transitive_objects(q, RDFS.subPropertyOf)) & {SKOS.broader, SKOS.broaderTransitive}:
                broader.add(q)
        items = []
        for c in concepts:
            definition = self.data.value(c, SKOS.definition)
            parents = [o for b in sorted(broader) for o in self.asserted.objects(c, b)]
            items.append(
                {
                    "id": self.anchor(c),
                    "iri": str(c),
                    "label": self.label(c),
                    "curie": self.curie(c),
                    "definition": str(definition) if definition is not None else None,
                    "broader": self.refs(parents),
                }
            )
        definition = self.data.value(scheme, SKOS.definition)
        return {
            "id": self.anchor(scheme),
            "label": self.label(scheme),
            "curie": self.curie(scheme),
            "iri": str(scheme),
            "definition": str(definition) if definition is not None else None,
            "concepts": items,
        }

    def header(self) -> dict[str, Any]:
        """The ontology header: title, version, licence, creators, source."""
        from rdflib.namespace import DCTERMS, OWL, RDFS

        from ...namespaces import ONTOLOGY_IRI as h

        o = self.o
        value = lambda p: o.value(h, p)  # noqa: E731
        citation, source = value(DCTERMS.bibliographicCitation), value(DCTERMS.source)
        return {
            "iri": str(h),
            "title": str(value(DCTERMS.title) or value(RDFS.label) or "ontology"),
            "label": str(value(RDFS.label) or "ontology"),
            "description": str(value(DCTERMS.description) or ""),
            "version": str(value(OWL.versionInfo) or ""),
            "version_iris": self.refs(o.objects(h, OWL.versionIRI)),
            "licenses": self.refs(o.objects(h, DCTERMS.license)),
            "creators": ", ".join(sorted(str(c) for c in o.objects(h, DCTERMS.creator))),
            "citation": str(citation) if citation else None,
            "source": self.ref(source) if source else None,
            "prefix": iris.MGO,
        }

    def context(self) -> dict[str, Any]:
        """Everything the documentation shows."""
        from rdflib import URIRef
        from rdflib.namespace import RDF, SKOS

        from ...namespaces import GRAPH_ROLES

        schemes = sorted(self.data.subjects(RDF.type, SKOS.ConceptScheme), key=lambda t: self.label(t).casefold())
        used = Counter(self.curie(p).split(":")[0] for t in self.data for p in t if isinstance(p, URIRef))
        return {
            "header": self.header(),
            "classes": [self.class_section(c) for c in self.classes],
            "object_properties": [self.property_section(p, "Object property") for p in self.object_props],
            "data_properties": [self.property_section(p, "Data property") for p in self.data_props],
            "schemes": [self.scheme_section(s) for s in schemes],
            "graphs": [
                {
                    "curie": self.curie(g),
                    "role": role,
                    "triples": self.counts[str(g)[len(iris.GRAPH) :]],
                    "name": str(g)[len(iris.GRAPH) :],
                }
                for g, role in GRAPH_ROLES.items()
            ],
            "prefixes": [(p, ns) for p, ns in iris.PREFIXES.items() if used[p] or p in ("mgo", "mg")],
        }


def _graph():
    from rdflib import Graph

    return Graph()


def load_built(out: Path):
    """The built dataset of `out` (its N-Quads export), as an rdflib Dataset."""
    from rdflib import Dataset

    path = out / layout.NQUADS
    if not path.is_file():
        raise FileNotFoundError(f"{path} not found: run `mentorgraph build --out {out}` first")
    ds = Dataset()
    ds.parse(path, format="nquads")
    return ds


def docs_context(root: Path, out: Path, ds=None) -> dict[str, Any]:
    """The documentation of root/ontology/mentorgraph.ttl with examples from the build in `out`
    (or from `ds`, the built dataset, when the caller has it)."""
    from rdflib import Graph

    ontology = Graph().parse(root / layout.ONTOLOGY_FILE, format="turtle")
    return OntologyDocs(ontology, ds if ds is not None else load_built(out)).context()


def ontology(source: Source, params: Params) -> Page:
    """/ontology (for a browser): the documentation in the site's layout."""
    context = source.once("docs", lambda: docs_context(source.root, source.out))
    header = context["header"]
    return Page("ontology.html", f"{header['title']}", {**context, "current": "ontology"})
