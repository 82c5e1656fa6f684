"""ontology/alignments.sssom.tsv: the ontology's SKOS alignments, read into the named graph `alignments`.

The file is SSSOM TSV (https://mapping-commons.github.io/sssom/): a YAML metadata block in `#` lines
(curie_map, mapping_set_id, licence, ...), then one mapping per row. Only skos:closeMatch,
skos:broadMatch and skos:narrowMatch are accepted, each with a mapping justification (a semapv: term),
the ontology the object comes from (object_source), the file it was checked in (see_also) and a
comment saying why. Mappings, never subclass axioms: OWL RL draws nothing from them, and the graph is
not given to the reasoner at all.

In RDF each row is the mapping triple itself, so SPARQL users follow `?term skos:closeMatch ?vivo`,
plus its SSSOM record as an owl:Axiom (SSSOM's own RDF form: owl:annotatedSource, owl:annotatedProperty,
owl:annotatedTarget, sssom: slots), named from a hash of the triple so the graph has no blank nodes.
"""

from __future__ import annotations

import csv
import hashlib
import io
from dataclasses import dataclass
from pathlib import Path

import yaml
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS

from .. import iris
from ..problems import InputError, Problem

ALIGNMENTS_FILE = "ontology/alignments.sssom.tsv"
SSSOM = Namespace(iris.PREFIXES["sssom"])
PREDICATES = {SKOS.closeMatch, SKOS.broadMatch, SKOS.narrowMatch}
REQUIRED = (
    "subject_id",
    "subject_label",
    "predicate_id",
    "object_id",
    "object_label",
    "mapping_justification",
    "object_source",
    "see_also",
    "comment",
)
SEMAPV = "https://w3id.org/semapv/vocab/"


@dataclass(frozen=True)
class Alignment:
    """One row of the mapping file, CURIEs expanded to IRIs."""

    line: int
    subject: str
    subject_label: str
    predicate: str
    object: str
    object_label: str
    justification: str
    object_source: str
    object_source_version: str
    see_also: str
    comment: str


@dataclass
class MappingSet:
    """The file's metadata block and its rows."""

    meta: dict
    rows: list[Alignment]


def read_alignments(root: Path) -> MappingSet:
    """Parse and check the mapping file; InputError naming each bad row (file:line) otherwise."""
    import curies

    path = root / ALIGNMENTS_FILE
    text = path.read_text(encoding="utf-8")
    header = [line[1:].removeprefix(" ") for line in text.splitlines() if line.startswith("#")]
    body = "\n".join(line for line in text.splitlines() if not line.startswith("#"))
    problems: list[Problem] = []
    try:
        meta = yaml.safe_load("\n".join(header)) or {}
    except yaml.YAMLError as exc:
        raise InputError([Problem(ALIGNMENTS_FILE, f"the metadata block is not YAML: {exc}")]) from None
    for key in ("curie_map", "mapping_set_id", "license"):
        if key not in meta:
            problems.append(Problem(ALIGNMENTS_FILE, f"metadata block lacks {key!r}", expected="SSSOM metadata"))
    if problems:
        raise InputError(problems)
    conv = curies.Converter.from_prefix_map(meta["curie_map"])
    reader = csv.DictReader(io.StringIO(body), delimiter="\t", quoting=csv.QUOTE_NONE)
    missing = [c for c in REQUIRED if c not in (reader.fieldnames or [])]
    if missing:
        raise InputError(
            [Problem(ALIGNMENTS_FILE, "missing columns: " + ", ".join(missing), expected="\t".join(REQUIRED))]
        )
    first = len(header) + 2  # the line of the first row (after the metadata and the column names)
    rows = []
    for n, rec in enumerate(reader, start=first):

        def bad(message: str, value: str = "", expected: str | None = None, line: int = n) -> None:
            problems.append(Problem(ALIGNMENTS_FILE, message, line=line, value=value, expected=expected))

        if any(not (rec.get(c) or "").strip() for c in REQUIRED):
            bad("a row needs a value in every column", expected=", ".join(REQUIRED))
            continue
        expanded = {}
        for col in ("subject_id", "predicate_id", "object_id", "mapping_justification"):
            iri = conv.expand(rec[col])
            if iri is None:
                bad(f"{col} {rec[col]!r} is not a CURIE of the curie_map", rec[col], ", ".join(meta["curie_map"]))
            expanded[col] = iri
        if None in expanded.values():
            continue
        if URIRef(expanded["predicate_id"]) not in PREDICATES:
            bad(
                "only close, broad and narrow matches are alignments",
                rec["predicate_id"],
                "skos:closeMatch, skos:broadMatch or skos:narrowMatch",
            )
            continue
        if not expanded["mapping_justification"].startswith(SEMAPV):
            bad("the justification is not a semapv term", rec["mapping_justification"], "semapv:ManualMappingCuration")
            continue
        for col in ("object_source", "see_also"):
            if not rec[col].startswith(("http://", "https://")):
                bad(f"{col} must be an http(s) IRI", rec[col])
        rows.append(
            Alignment(
                n,
                expanded["subject_id"],
                rec["subject_label"],
                expanded["predicate_id"],
                expanded["object_id"],
                rec["object_label"],
                expanded["mapping_justification"],
                rec["object_source"],
                rec.get("object_source_version") or "",
                rec["see_also"],
                rec["comment"],
            )
        )
    if problems:
        raise InputError(problems)
    return MappingSet(meta, rows)


def alignment_graph(mappings: MappingSet) -> Graph:
    """The mappings as RDF: each mapping triple and its SSSOM record (an owl:Axiom), and the mapping set."""
    g = Graph()
    mset = URIRef(mappings.meta["mapping_set_id"])
    g.add((mset, RDF.type, SSSOM.MappingSet))
    g.add((mset, DCTERMS.license, URIRef(mappings.meta["license"])))
    for key, prop in (("mapping_set_title", DCTERMS.title), ("mapping_set_description", DCTERMS.description)):
        if mappings.meta.get(key):
            g.add((mset, prop, Literal(mappings.meta[key])))
    for m in mappings.rows:
        s, p, o = URIRef(m.subject), URIRef(m.predicate), URIRef(m.object)
        g.add((s, p, o))
        key = f"{s.n3()} {p.n3()} {o.n3()}".encode()
        axiom = URIRef(f"{iris.MAPPINGS}alignments/{hashlib.sha256(key).hexdigest()[:16]}")
        g.add((mset, SSSOM.mappings, axiom))
        g.add((axiom, RDF.type, OWL.Axiom))
        g.add((axiom, OWL.annotatedSource, s))
        g.add((axiom, OWL.annotatedProperty, p))
        g.add((axiom, OWL.annotatedTarget, o))
        g.add((axiom, SSSOM.subject_label, Literal(m.subject_label)))
        g.add((axiom, SSSOM.object_label, Literal(m.object_label)))
        g.add((axiom, SSSOM.mapping_justification, URIRef(m.justification)))
        g.add((axiom, SSSOM.object_source, URIRef(m.object_source)))
        if m.object_source_version:
            g.add((axiom, SSSOM.object_source_version, Literal(m.object_source_version)))
        g.add((axiom, RDFS.seeAlso, URIRef(m.see_also)))
        g.add((axiom, RDFS.comment, Literal(m.comment)))
    return g


def load_alignments(root: Path) -> Graph:
    """The named graph `alignments` of a build: ontology/alignments.sssom.tsv as RDF (InputError if bad)."""
    return alignment_graph(read_alignments(root))
