"""The dataset description: DCAT 3 and VoID metadata about a built mentorgraph.

`describe()` returns an rdflib Graph: what the dataset is and where it comes from (the article as
dcterms:source, CC BY 4.0), its version, a distribution per export file with media type, byte size and
SHA-256, a VoID subset per named graph with its triple count, the vocabularies it uses, the canned
questions of queries/ as example queries (the sh:SPARQLExecutable convention of the SIB SPARQL examples)
and, when a server knows its own address, the SPARQL endpoint and download URLs.

Facts are stated once elsewhere and read from there: title, abstract and authors from CITATION.cff;
licence, source article and its citation from the ontology header (ontology/mentorgraph.ttl); the
version from pyproject.toml; each named graph's role from namespaces.GRAPH_ROLES.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import yaml
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, FOAF, OWL, RDF, RDFS, VOID, XSD

from .. import iris, layout, mediatypes
from ..pipeline.export import DATA_GRAPHS, EXPORTS
from ..namespaces import GRAPH_ROLES, ONTOLOGY_IRI
from . import project_version

# The dataset's own IRI, in the project's namespace beside ontology/ and id/; its parts (distributions,
# example queries) are fragments of it, so the description mints no blank nodes.
DATASET_IRI = iris.BASE + "dataset"
CC_BY_4 = URIRef("https://creativecommons.org/licenses/by/4.0/")
# DCAT 3 (rdflib's closed DCAT namespace predates dcat:version).
DCAT = Namespace("http://www.w3.org/ns/dcat#")
SH = Namespace("http://www.w3.org/ns/shacl#")
SCHEMA = Namespace(iris.PREFIXES["schema"])
SPDX = Namespace("http://spdx.org/rdf/terms#")
SPARQL_PROTOCOL = URIRef("https://www.w3.org/TR/sparql11-protocol/")
IANA = "https://www.iana.org/assignments/media-types/"
# The files that carry the dataset itself (the rest of a release describes or checks it).
DISTRIBUTED = (
    layout.TURTLE,
    layout.NTRIPLES,
    layout.JSONLD,
    layout.TRIG,
    layout.NQUADS,
    layout.ONTOLOGY,
    "ontology.owl",
    layout.CONTEXT,
)


def media_type(name: str) -> str | None:
    """The IANA media type of a file of a build or release (DCAT 3 dcat:mediaType)."""
    return mediatypes.of_file(name)


_DATA_GRAPH_IRIS = {iris.GRAPH + name for name in DATA_GRAPHS}


def _counts(nquads: Path) -> dict:
    """VoID statistics of an N-Quads export: triples per named graph and over the data graphs."""
    import pyoxigraph

    per_graph: dict[str, int] = {}
    data: set = set()
    for q in pyoxigraph.parse(path=str(nquads), format=pyoxigraph.RdfFormat.N_QUADS):
        name = q.graph_name.value if isinstance(q.graph_name, pyoxigraph.NamedNode) else ""
        per_graph[name] = per_graph.get(name, 0) + 1
        if name in _DATA_GRAPH_IRIS:  # the knowledge graph itself: not the ontology, nor its alignments
            data.add((q.subject, q.predicate, q.object))
    rdf_type = pyoxigraph.NamedNode(str(RDF.type))
    subjects = {s for s, _p, _o in data}

    def instances(cls: str) -> list[str]:
        node = pyoxigraph.NamedNode(cls)
        return sorted(s.value for s, p, o in data if p == rdf_type and o == node)

    return {
        "graphs": per_graph,
        "triples": len(data),
        "subjects": len(subjects),
        "objects": len({o for _s, _p, o in data}),
        "properties": sorted({p.value for _s, p, _o in data}),
        "classes": sorted({o.value for _s, p, o in data if p == rdf_type}),
        "entities": len({s for s in subjects if isinstance(s, pyoxigraph.NamedNode) and s.value.startswith(iris.MG)}),
        "tables": instances(iris.MGO + "Table"),
        "examples": instances(iris.MGO + "MentoringModelType"),
    }


def _vocabulary(term: str) -> str | None:
    """The namespace a term belongs to, if it is one of the project's declared prefixes."""
    for ns in sorted(iris.PREFIXES.values(), key=len, reverse=True):
        if term.startswith(ns):
            return ns
    return None


def describe(
    out: Path,
    root: Path,
    *,
    version: str | None = None,
    endpoint: str | None = None,
    base_url: str | None = None,
    extra_files: dict[str, str] | None = None,
) -> Graph:
    """DCAT 3 + VoID description of the build in `out` (a dist/ or release directory).

    `endpoint`: the SPARQL endpoint's URL, when one serves this data (`mentorgraph serve`).
    `base_url`: where the files of `out` can be downloaded, giving each distribution a dcat:downloadURL.
    `extra_files`: further files of `out` to list as distributions, name -> description.
    """
    version = version or project_version(root)
    ontology = Graph().parse(root / layout.ONTOLOGY_FILE, format="turtle")
    header = ONTOLOGY_IRI
    ds = URIRef(DATASET_IRI)
    g = Graph()
    for prefix, ns in iris.PREFIXES.items():
        g.bind(prefix, ns)
    for prefix, ns in (("dcat", DCAT), ("void", VOID), ("sh", SH), ("spdx", SPDX)):
        g.bind(prefix, ns)

    def part(name: str) -> URIRef:
        return URIRef(f"{DATASET_IRI}#{name}")

    g.add((ds, RDF.type, DCAT.Dataset))
    g.add((ds, RDF.type, VOID.Dataset))
    citation = _citation(root, ontology)
    g.add((ds, DCTERMS.title, Literal(citation["title"], lang="en")))
    g.add((ds, DCTERMS.description, Literal(" ".join(citation["abstract"].split()), lang="en")))
    for p in (DCTERMS.source, DCTERMS.license):
        for o in ontology.objects(header, p):
            g.add((ds, p, o))
    for o in ontology.objects(header, DCTERMS.source):
        for text in ontology.objects(header, DCTERMS.bibliographicCitation):
            g.add((o, DCTERMS.bibliographicCitation, text))
    if (ds, DCTERMS.license, None) not in g:
        g.add((ds, DCTERMS.license, CC_BY_4))
    for i, author in enumerate(citation["authors"], start=1):
        agent = part(f"creator-{i}")
        name = author.get("name") or f"{author.get('given-names', '')} {author['family-names']}".strip()
        g.add((ds, DCTERMS.creator, agent))
        g.add((agent, RDF.type, FOAF.Agent))
        g.add((agent, FOAF.name, Literal(name)))
    g.add((ds, DCAT.version, Literal(version)))
    g.add((ds, OWL.versionInfo, Literal(version)))
    g.add((ds, DCTERMS.conformsTo, ONTOLOGY_IRI))
    for v in ontology.objects(header, OWL.versionIRI):
        g.add((ds, DCTERMS.conformsTo, v))
    g.add((ds, VOID.uriSpace, Literal(iris.MG)))

    stats = _counts(out / layout.NQUADS)
    g.add((ds, VOID.triples, Literal(stats["triples"], datatype=XSD.integer)))
    g.add((ds, VOID.entities, Literal(stats["entities"], datatype=XSD.integer)))
    g.add((ds, VOID.distinctSubjects, Literal(stats["subjects"], datatype=XSD.integer)))
    g.add((ds, VOID.distinctObjects, Literal(stats["objects"], datatype=XSD.integer)))
    g.add((ds, VOID.properties, Literal(len(stats["properties"]), datatype=XSD.integer)))
    g.add((ds, VOID.classes, Literal(len(stats["classes"]), datatype=XSD.integer)))
    for term in stats["properties"] + stats["classes"]:
        if (ns := _vocabulary(term)) is not None and ns not in (iris.MG, iris.STATEMENT, iris.GRAPH):
            g.add((ds, VOID.vocabulary, URIRef(ns)))
    for graph_iri, role in GRAPH_ROLES.items():
        g.add((ds, VOID.subset, graph_iri))
        g.add((graph_iri, RDF.type, VOID.Dataset))
        g.add((graph_iri, DCTERMS.description, Literal(role, lang="en")))
        g.add((graph_iri, VOID.triples, Literal(stats["graphs"].get(str(graph_iri), 0), datatype=XSD.integer)))
    # The source table is where the data starts; its rows (the model types) are typical entities.
    for iri in stats["tables"]:
        g.add((ds, VOID.rootResource, URIRef(iri)))
    for iri in stats["examples"]:
        g.add((ds, VOID.exampleResource, URIRef(iri)))

    described = {**{n: d for n, d in EXPORTS.items() if n in DISTRIBUTED}, **(extra_files or {})}
    for name in sorted(described):
        path = out / name
        if not path.is_file():
            continue
        dist = part("distribution-" + name)
        data = path.read_bytes()
        g.add((ds, DCAT.distribution, dist))
        g.add((dist, RDF.type, DCAT.Distribution))
        g.add((dist, DCTERMS.title, Literal(name)))
        g.add((dist, DCTERMS.description, Literal(described[name], lang="en")))
        g.add((dist, DCTERMS.license, CC_BY_4))
        if (mt := media_type(name)) is not None:
            g.add((dist, DCAT.mediaType, URIRef(IANA + mt)))
        g.add((dist, DCAT.byteSize, Literal(len(data), datatype=XSD.nonNegativeInteger)))
        checksum = part("checksum-" + name)
        g.add((dist, SPDX.checksum, checksum))
        g.add((checksum, RDF.type, SPDX.Checksum))
        g.add((checksum, SPDX.algorithm, SPDX.checksumAlgorithm_sha256))
        g.add((checksum, SPDX.checksumValue, Literal(hashlib.sha256(data).hexdigest(), datatype=XSD.hexBinary)))
        if base_url:
            url = URIRef(base_url.rstrip("/") + "/" + name)
            g.add((dist, DCAT.downloadURL, url))
            g.add((dist, DCAT.accessURL, url))
            if name == "mentorgraph.nt":
                g.add((ds, VOID.dataDump, url))

    if endpoint:
        service = part("sparql-service")
        g.add((ds, VOID.sparqlEndpoint, URIRef(endpoint)))
        g.add((service, RDF.type, DCAT.DataService))
        g.add((service, DCAT.endpointURL, URIRef(endpoint)))
        g.add((service, DCAT.servesDataset, ds))
        g.add((service, DCTERMS.conformsTo, SPARQL_PROTOCOL))
        g.add((service, DCTERMS.title, Literal("mentorgraph SPARQL endpoint", lang="en")))
        dist = part("distribution-sparql")
        g.add((ds, DCAT.distribution, dist))
        g.add((dist, RDF.type, DCAT.Distribution))
        g.add((dist, DCAT.accessURL, URIRef(endpoint)))
        g.add((dist, DCAT.accessService, service))
        g.add((dist, DCTERMS.license, CC_BY_4))

    _add_examples(g, ds, root, endpoint, part)
    return g


def _citation(root: Path, ontology: Graph) -> dict:
    """CITATION.cff, or (in a checkout without one) the same facts from the ontology header."""
    path = root / "CITATION.cff"
    if path.is_file():
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    return {
        "title": str(ontology.value(ONTOLOGY_IRI, DCTERMS.title) or "mentorgraph"),
        "abstract": str(ontology.value(ONTOLOGY_IRI, DCTERMS.description) or ""),
        "authors": [{"name": str(c)} for c in sorted(ontology.objects(ONTOLOGY_IRI, DCTERMS.creator))],
    }


def _add_examples(g: Graph, ds: URIRef, root: Path, endpoint: str | None, part) -> None:
    """Every canned question of queries/ as an example query (read from disk: the catalogue grows)."""
    from ..query.catalogue import load_catalogue

    kinds = {
        "SELECT": (SH.SPARQLSelectExecutable, SH.select),
        "ASK": (SH.SPARQLAskExecutable, SH.ask),
        "CONSTRUCT": (SH.SPARQLConstructExecutable, SH.construct),
    }
    for name, query in load_catalogue(root / "queries").items():
        form = next((k for k in kinds if k in query.body.upper()), "SELECT")
        cls, prop = kinds[form]
        node = part("query-" + name)
        g.add((node, RDF.type, SH.SPARQLExecutable))
        g.add((node, RDF.type, cls))
        g.add((node, RDFS.label, Literal(name)))
        g.add((node, RDFS.comment, Literal(query.question, lang="en")))
        g.add((node, prop, Literal(query.text)))
        g.add((node, DCTERMS.isPartOf, ds))
        if endpoint:
            g.add((node, SCHEMA.target, URIRef(endpoint)))


def render(g: Graph, fmt: str = "turtle") -> bytes:
    """The description serialized deterministically (rdflib's Turtle writer sorts subjects)."""
    return g.serialize(format=fmt).encode("utf-8")
