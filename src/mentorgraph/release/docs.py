"""HTML documentation of the mentorgraph ontology, with examples from the built graph.

One self-contained page (no scripts, no external styles): the ontology header (version, licence,
creators, source article), then every class, object property and data property with its label,
definition, IRI, domain and range, super- and sub-terms, inverse, property chain, characteristics,
alignments to other vocabularies, how often the built graph uses it and a few examples; then every
SKOS concept scheme of the data with its concepts; the named graphs; the prefixes.

Each term's section has the term's local name as its id, so https://w3id.org/mentorgraph/ontology#X
lands on term X when the page is served at the ontology IRI. The standard library writes the HTML
(html.escape); the output is deterministic (sorted, no timestamps).

pyLODE, the field's tool, was tried: 3.4.1 (the newest that installs on Python 3.11) fails at import
(its version.py opens a pyproject.toml the wheel does not ship); 3.3.4 runs but documents the
ontology alone, without examples from the data or the data's SKOS concept schemes.
"""

from __future__ import annotations

from collections import Counter
from html import escape
from pathlib import Path

from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS

from .. import iris, layout
from ..namespaces import GRAPH, GRAPH_ROLES, ONTOLOGY_IRI

EXAMPLES = 5  # examples shown per term
CHARACTERISTICS = {
    OWL.FunctionalProperty: "functional",
    OWL.InverseFunctionalProperty: "inverse functional",
    OWL.TransitiveProperty: "transitive",
    OWL.SymmetricProperty: "symmetric",
    OWL.AsymmetricProperty: "asymmetric",
    OWL.ReflexiveProperty: "reflexive",
    OWL.IrreflexiveProperty: "irreflexive",
}
MAPPINGS = (
    OWL.equivalentClass,
    OWL.equivalentProperty,
    SKOS.exactMatch,
    SKOS.closeMatch,
    SKOS.broadMatch,
    SKOS.narrowMatch,
    SKOS.relatedMatch,
)
ASSERTED = ("article", "curation")

STYLE = """
body{font:16px/1.5 system-ui,sans-serif;max-width:62rem;margin:0 auto;padding:0 1rem 4rem;color:#1b1b1b}
h1{margin-bottom:.2rem}h2{border-bottom:2px solid #ccd;margin-top:3rem}
section.term{border-left:4px solid #7a8cc2;padding:.1rem 0 .1rem 1rem;margin:1.6rem 0}
section.term:target{background:#f3f5fb}
h3 code,.iri{font-size:.85em;color:#555}code{font-family:ui-monospace,monospace}
dl{display:grid;grid-template-columns:11rem 1fr;gap:.2rem 1rem;margin:.4rem 0}dt{font-weight:600;color:#444}
dd{margin:0}.deprecated{color:#a00;font-weight:600}.inferred{color:#666;font-size:.85em}
nav ul{columns:3;list-style:none;padding:0}table{border-collapse:collapse}
td,th{border:1px solid #ccd;padding:.2rem .5rem;text-align:left;vertical-align:top}
"""


class _Docs:
    def __init__(self, ontology: Graph, ds: Dataset):
        self.o = ontology
        self.ds = ds
        self.data = Graph()
        self.asserted = Graph()
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

    # -- naming ---------------------------------------------------------------------------------
    @staticmethod
    def local(term) -> str | None:
        text = str(term)
        return text[len(iris.MGO) :] if isinstance(term, URIRef) and text.startswith(iris.MGO) else None

    @staticmethod
    def curie(term) -> str:
        text = str(term)
        for prefix, ns in sorted(iris.PREFIXES.items(), key=lambda kv: -len(kv[1])):
            if text.startswith(ns) and text != ns:
                return f"{prefix}:{text[len(ns) :]}"
        return text

    def label(self, term) -> str:
        for g in (self.o, self.data):
            for p in (RDFS.label, SKOS.prefLabel):
                value = g.value(term, p)
                if value is not None:
                    return str(value)
        return self.curie(term)

    def anchor(self, term) -> str | None:
        """The in-page id documenting `term`, if this page documents it."""
        if (name := self.local(term)) is not None:
            return name
        if isinstance(term, URIRef) and str(term).startswith(iris.MG):
            slug = str(term)[len(iris.MG) :]
            if (term, RDF.type, SKOS.ConceptScheme) in self.data:
                return "scheme-" + slug
            if (term, SKOS.inScheme, None) in self.data:
                return "concept-" + slug
        return None

    def link(self, term) -> str:
        if isinstance(term, Literal):
            return f"&ldquo;{escape(str(term))}&rdquo;"
        if isinstance(term, BNode):
            return self.expression(term)
        if (a := self.anchor(term)) is not None:
            return f'<a href="#{escape(a)}">{escape(self.label(term))}</a>'
        if isinstance(term, URIRef) and str(term).startswith(iris.MG):
            return f'{escape(self.label(term))} <code class="iri">{escape(self.curie(term))}</code>'
        return f'<a href="{escape(str(term))}"><code>{escape(self.curie(term))}</code></a>'

    def expression(self, node) -> str:
        """A class expression or list in Manchester-like words (the ontology's are all simple)."""
        for p, word in ((OWL.unionOf, " or "), (OWL.intersectionOf, " and ")):
            if (lst := self.o.value(node, p)) is not None:
                return "(" + word.join(self.link(m) for m in Collection(self.o, lst)) + ")"
        if (c := self.o.value(node, OWL.complementOf)) is not None:
            return "not " + self.link(c)
        if (prop := self.o.value(node, OWL.onProperty)) is not None:
            for p, word in (
                (OWL.someValuesFrom, "some"),
                (OWL.allValuesFrom, "only"),
                (OWL.hasValue, "value"),
            ):
                if (f := self.o.value(node, p)) is not None:
                    return f"({self.link(prop)} {word} {self.link(f)})"
        return "<code>[]</code>"

    def links(self, terms) -> str:
        items = sorted(set(terms), key=lambda t: (self.label(t).casefold(), str(t)))
        return ", ".join(self.link(t) for t in items)

    # -- sections ---------------------------------------------------------------------------------
    def rows(self, pairs: list[tuple[str, str]]) -> str:
        return "<dl>" + "".join(f"<dt>{escape(k)}</dt><dd>{v}</dd>" for k, v in pairs if v) + "</dl>"

    def term_head(self, term, kind: str) -> str:
        name = self.local(term)
        deprecated = (term, OWL.deprecated, Literal(True)) in self.o
        badge = ' <span class="deprecated">deprecated</span>' if deprecated else ""
        definition = self.o.value(term, SKOS.definition)
        comment = self.o.value(term, RDFS.comment)
        parts = [
            f'<section class="term" id="{escape(name)}">',
            f"<h3>{escape(self.label(term))} <code>mgo:{escape(name)}</code>{badge}</h3>",
            f'<p class="kind">{escape(kind)}</p>',
        ]
        if definition is not None:
            parts.append(f'<p class="definition">{escape(str(definition))}</p>')
        if comment is not None:
            parts.append(f"<p>{escape(str(comment))}</p>")
        return "".join(parts)

    def alignments(self, term, parents) -> str:
        external = [p for p in parents if isinstance(p, URIRef) and self.local(p) is None]
        mapped = [o for p in MAPPINGS for o in self.o.objects(term, p)]
        return self.links(external + mapped)

    def instances(self, cls) -> tuple[int, str]:
        members = sorted(set(self.data.subjects(RDF.type, cls)), key=lambda t: (self.label(t).casefold(), str(t)))
        shown = "; ".join(self.link(m) for m in members[:EXAMPLES])  # labels may hold commas
        if len(members) > EXAMPLES:
            shown += f"; &hellip; ({len(members) - EXAMPLES} more)"
        return len(members), shown

    def class_section(self, c) -> str:
        supers = list(self.o.objects(c, RDFS.subClassOf))
        disjoint = set(self.o.objects(c, OWL.disjointWith)) | set(self.o.subjects(OWL.disjointWith, c))
        for axiom in self.o.subjects(RDF.type, OWL.AllDisjointClasses):
            members = list(Collection(self.o, self.o.value(axiom, OWL.members)))
            if c in members:
                disjoint |= set(members) - {c}
        n, shown = self.instances(c)
        rows = [
            ("IRI", f'<code class="iri">{escape(str(c))}</code>'),
            ("Subclass of", self.links(p for p in supers if self.local(p) or isinstance(p, BNode))),
            ("Subclasses", self.links(self.o.subjects(RDFS.subClassOf, c))),
            ("Disjoint with", self.links(disjoint)),
            ("In domain of", self.links(self.o.subjects(RDFS.domain, c))),
            ("In range of", self.links(self.o.subjects(RDFS.range, c))),
            ("Alignments", self.alignments(c, supers)),
            ("Instances", f"{n} in the built graph" + (f": {shown}" if shown else "")),
            ("Defined by", self.links(self.o.objects(c, RDFS.isDefinedBy))),
        ]
        return self.term_head(c, "Class") + self.rows(rows) + "</section>"

    def usage(self, p) -> tuple[int, str]:
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
        shown = []
        for s, o in statements[:EXAMPLES]:
            note = ' <span class="inferred">(inferred)</span>' if self.graph_of.get((s, p, o)) == "inferred" else ""
            shown.append(f"<li>{self.link(s)} &rarr; {self.link(o)}{note}</li>")
        return len(statements), ("<ul>" + "".join(shown) + "</ul>") if shown else ""

    def property_section(self, p, kind: str) -> str:
        supers = list(self.o.objects(p, RDFS.subPropertyOf))
        inverse = set(self.o.objects(p, OWL.inverseOf)) | set(self.o.subjects(OWL.inverseOf, p))
        chains = [
            " &#8728; ".join(self.link(m) for m in Collection(self.o, lst)) + " &#8849; " + self.link(p)
            for lst in self.o.objects(p, OWL.propertyChainAxiom)
        ]
        traits = [w for t, w in CHARACTERISTICS.items() if (p, RDF.type, t) in self.o]
        n, shown = self.usage(p)
        rows = [
            ("IRI", f'<code class="iri">{escape(str(p))}</code>'),
            ("Characteristics", escape(", ".join(traits))),
            ("Domain", self.links(self.o.objects(p, RDFS.domain))),
            ("Range", self.links(self.o.objects(p, RDFS.range))),
            ("Sub-property of", self.links(s for s in supers if self.local(s))),
            ("Sub-properties", self.links(self.o.subjects(RDFS.subPropertyOf, p))),
            ("Inverse of", self.links(inverse)),
            ("Property chain", "<br>".join(chains)),
            ("Alignments", self.alignments(p, supers)),
            ("Usage", f"{n} statements in the built graph" + (f", for example:{shown}" if shown else "")),
            ("Defined by", self.links(self.o.objects(p, RDFS.isDefinedBy))),
        ]
        return self.term_head(p, kind) + self.rows(rows) + "</section>"

    def scheme_section(self, scheme) -> str:
        slug = self.anchor(scheme)
        concepts = sorted(
            set(self.data.subjects(SKOS.inScheme, scheme)),
            key=lambda t: (
                self.data.value(t, URIRef(iris.MGO + "tablePosition")) is None,
                int(self.data.value(t, URIRef(iris.MGO + "tablePosition")) or 0),
                self.label(t).casefold(),
                str(t),
            ),
        )
        broader = self._broader_properties()
        items = []
        for c in concepts:
            a = self.anchor(c)
            definition = self.data.value(c, SKOS.definition)
            parents = [o for b in broader for o in self.asserted.objects(c, b)]
            text = (
                f'<li id="{escape(a)}"><strong>{escape(self.label(c))}</strong> <code class="iri">'
                f"{escape(self.curie(c))}</code>"
            )
            if definition is not None:
                text += f": {escape(str(definition))}"
            if parents:
                text += f" <em>Broader:</em> {self.links(parents)}"
            items.append(text + "</li>")
        definition = self.data.value(scheme, SKOS.definition)
        return (
            f'<section class="term" id="{escape(slug)}"><h3>{escape(self.label(scheme))} '
            f'<code class="iri">{escape(self.curie(scheme))}</code></h3>'
            + (f'<p class="definition">{escape(str(definition))}</p>' if definition is not None else "")
            + f"<p>{len(concepts)} concepts:</p><ul>{''.join(items)}</ul></section>"
        )

    def _broader_properties(self) -> list:
        """skos:broader and the ontology's properties below skos:broader or skos:broaderTransitive."""
        found = {SKOS.broader}
        for p in self.o.subjects(RDFS.subPropertyOf, None):
            if set(self.o.transitive_objects(p, RDFS.subPropertyOf)) & {SKOS.broader, SKOS.broaderTransitive}:
                found.add(p)
        return sorted(found)

    # -- page -------------------------------------------------------------------------------------
    def header(self) -> str:
        o, h = self.o, ONTOLOGY_IRI
        title = o.value(h, DCTERMS.title) or o.value(h, RDFS.label) or "ontology"
        version = o.value(h, OWL.versionInfo)
        source = o.value(h, DCTERMS.source)
        citation = o.value(h, DCTERMS.bibliographicCitation)
        rows = [
            ("IRI", f'<code class="iri">{escape(str(h))}</code>'),
            ("Version", escape(str(version or ""))),
            ("Version IRI", self.links(o.objects(h, OWL.versionIRI))),
            ("Licence", self.links(o.objects(h, DCTERMS.license))),
            ("Creators", escape(", ".join(sorted(str(c) for c in o.objects(h, DCTERMS.creator))))),
            (
                "Source",
                (escape(str(citation)) + " " if citation else "") + (self.link(source) if source else ""),
            ),
            ("Prefix", f"<code>mgo: &lt;{escape(iris.MGO)}&gt;</code>"),
            ("Download", '<a href="ontology.ttl">Turtle</a>'),
        ]
        description = o.value(h, DCTERMS.description)
        return (
            f"<header><h1>{escape(str(title))}</h1>"
            + (f"<p>{escape(str(description))}</p>" if description else "")
            + self.rows(rows)
            + "</header>"
        )

    def nav(self, schemes) -> str:
        def block(heading: str, anchor: str, terms) -> str:
            lis = "".join(f'<li><a href="#{escape(self.anchor(t))}">{escape(self.label(t))}</a></li>' for t in terms)
            return f'<h3><a href="#{anchor}">{escape(heading)}</a></h3><ul>{lis}</ul>'

        return (
            "<nav><h2>Contents</h2>"
            + block("Classes", "classes", self.classes)
            + block("Object properties", "object-properties", self.object_props)
            + block("Data properties", "data-properties", self.data_props)
            + block("Concept schemes", "concept-schemes", schemes)
            + '<p><a href="#named-graphs">Named graphs</a> &middot; <a href="#namespaces">Namespaces</a></p>'
            + "</nav>"
        )

    def page(self) -> str:
        schemes = sorted(self.data.subjects(RDF.type, SKOS.ConceptScheme), key=lambda t: self.label(t).casefold())
        title = str(self.o.value(ONTOLOGY_IRI, RDFS.label) or "ontology")
        version = str(self.o.value(ONTOLOGY_IRI, OWL.versionInfo) or "")
        graphs = "".join(
            f"<tr><td><code>{escape(self.curie(g))}</code></td><td>{escape(role)}</td>"
            f"<td>{self.counts[str(g)[len(iris.GRAPH) :]]}</td></tr>"
            for g, role in GRAPH_ROLES.items()
        )
        used = Counter(self.curie(p).split(":")[0] for t in self.data for p in t if isinstance(p, URIRef))
        prefixes = "".join(
            f"<tr><td><code>{escape(p)}:</code></td><td><code>{escape(ns)}</code></td></tr>"
            for p, ns in iris.PREFIXES.items()
            if used[p] or p in ("mgo", "mg")
        )
        return "\n".join(
            [
                "<!DOCTYPE html>",
                '<html lang="en"><head><meta charset="utf-8">',
                f"<title>{escape(title)} {escape(version)}</title>",
                '<meta name="viewport" content="width=device-width, initial-scale=1">',
                '<link rel="alternate" type="text/turtle" href="ontology.ttl">',
                f"<style>{STYLE}</style></head><body>",
                self.header(),
                self.nav(schemes),
                '<section id="classes"><h2>Classes</h2>'
                + "".join(map(self.class_section, self.classes))
                + "</section>",
                '<section id="object-properties"><h2>Object properties</h2>'
                + "".join(self.property_section(p, "Object property") for p in self.object_props)
                + "</section>",
                '<section id="data-properties"><h2>Data properties</h2>'
                + "".join(self.property_section(p, "Data property") for p in self.data_props)
                + "</section>",
                '<section id="concept-schemes"><h2>Concept schemes</h2>'
                + "".join(map(self.scheme_section, schemes))
                + "</section>",
                (
                    '<section id="named-graphs"><h2>Named graphs</h2><table><tr><th>Graph</th><th>Holds</th>'
                    f"<th>Triples</th></tr>{graphs}</table></section>"
                ),
                (
                    '<section id="namespaces"><h2>Namespaces</h2>'
                    "<table><tr><th>Prefix</th><th>Namespace</th></tr>"
                    f"{prefixes}</table></section>"
                ),
                "</body></html>",
                "",
            ]
        )


def load_built(out: Path) -> Dataset:
    """The built dataset of `out` (its N-Quads export)."""
    path = out / layout.NQUADS
    if not path.is_file():
        raise FileNotFoundError(f"{path} not found: run `mentorgraph build --out {out}` first")
    ds = Dataset()
    ds.parse(path, format="nquads")
    return ds


def render_docs(root: Path, out: Path, ds: Dataset | None = None) -> bytes:
    """The HTML documentation of root/ontology/mentorgraph.ttl, with examples from the build in `out`."""
    ontology = Graph().parse(root / layout.ONTOLOGY_FILE, format="turtle")
    return _Docs(ontology, ds if ds is not None else load_built(out)).page().encode("utf-8")
