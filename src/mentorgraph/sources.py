"""Load stage: read the curated sources (ontology/ and data/*.yaml) into named graphs.

The YAML files are the single source of truth for facts; this module only knows their *shape*
(which keys a record has and which ontology property each key stands for). What Table 1 says goes
into the article graph; what curators add goes into the curation graph, and the evidence for each
curated triple goes into the evidence graph as a reified rdf:Statement.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, SKOS

from .namespaces import ARTICLE_DOI, GRAPH, MG, MGO, ONTOLOGY_TERMS, SCHEMA, STATEMENT
from .problems import InputError, Problem, closest

# Files of data/, in load order. Each is described in data/README.md.
DATA_FILES = (
    "table1.yaml",
    "vocabularies.yaml",
    "populations.yaml",
    "organizations.yaml",
    "entities.yaml",
    "curation.yaml",
    "contributions.yaml",
)
# SKOS concept schemes: which scheme each kind of concept belongs to (slugs in vocabularies.yaml).
SCHEME_OF_CLASS = {
    "MentoringModelType": "mentoring-model-types",
    "Strength": "strengths",
    "Weakness": "weaknesses",
    "Population": "populations",
    "DeliveryMode": "delivery-modes",
    "EvidenceKind": "evidence-kinds",
}

# Keys of a curated statement whose value names an entity (object) or is text (value).
STATEMENT_KEYS = {"subject", "predicate", "object", "value", "iri", "evidence", "quote", "source", "note"}
# Mapping predicates to other datasets (issue: links to ROR, Wikidata, MeSH, funders). Never owl:sameAs:
# under OWL RL equality would copy every statement onto the external IRI.
MAPPING_PREDICATES = {
    "exactMatch": SKOS.exactMatch,
    "closeMatch": SKOS.closeMatch,
    "broadMatch": SKOS.broadMatch,
    "narrowMatch": SKOS.narrowMatch,
    "relatedMatch": SKOS.relatedMatch,
    "sameAs": SCHEMA.sameAs,
}
MAPPING_KEYS = {"predicate", "iri", "evidence", "quote", "source", "note"}
EVIDENCE_KEYS = {"evidence", "quote", "source", "note"}
# Files that may be absent (a fresh checkout has no contributions yet).
OPTIONAL_FILES = {"contributions.yaml"}

# Keys of a contributed initiative (data/contributions.yaml, written by `mentorgraph import`).
INITIATIVE_KEYS = {
    "id",
    "class",
    "label",
    "altLabels",
    "acronyms",
    "modelType",
    "partOf",
    "offeredBy",
    "fundedBy",
    "affiliatedWith",
    "targetPopulation",
    "deliveryMode",
    "hostedOn",
    "website",
    "contributor",
    "mappings",
} | EVIDENCE_KEYS
# Which of those name other entities, and the ontology property each stands for.
INITIATIVE_LINKS = {
    "modelType": "modelType",
    "partOf": "partOf",
    "offeredBy": "offeredBy",
    "fundedBy": "fundedBy",
    "affiliatedWith": "affiliatedWith",
    "targetPopulation": "targetPopulation",
    "deliveryMode": "deliveryMode",
    "hostedOn": "hostedOn",
}

CLASSES = sorted(t for t in ONTOLOGY_TERMS if t[0].isupper())
PROPERTIES = sorted(t for t in ONTOLOGY_TERMS if t[0].islower())


class LocatedDict(dict):
    """A YAML mapping that remembers the line and column it started on (1-based)."""

    line: int = 0
    column: int = 0
    key_lines: dict


class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # libyaml's parser when available: ~5x faster
    """A SafeLoader whose mappings remember where they are (for error messages)."""


def _located_mapping(loader: _Loader, node: yaml.MappingNode) -> LocatedDict:
    mapping = LocatedDict(loader.construct_mapping(node, deep=True))
    mapping.line = node.start_mark.line + 1
    mapping.column = node.start_mark.column + 1
    mapping.key_lines = {k.value: k.start_mark.line + 1 for k, _ in node.value if hasattr(k, "value")}
    return mapping


_Loader.add_constructor("tag:yaml.org,2002:map", _located_mapping)


def read_yaml(path: Path, display: str | None = None) -> Any:
    """Parse one YAML file, turning a syntax error into a Problem with line and column."""
    name = display or str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(
            [Problem(name, f"not UTF-8 text ({exc.reason} at byte {exc.start})", expected="a UTF-8 encoded YAML file")]
        ) from None
    try:
        return yaml.load(text, Loader=_Loader)  # noqa: S506 - _Loader is a SafeLoader
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        raise InputError(
            [
                Problem(
                    name,
                    f"YAML syntax error: {exc.problem}",
                    line=mark.line + 1 if mark else None,
                    column=mark.column + 1 if mark else None,
                    expected="valid YAML",
                )
            ]
        ) from None


@dataclass
class Sources:
    """The loaded sources: a dataset of named graphs and where each entity was defined."""

    dataset: Dataset
    origins: dict[URIRef, str] = field(default_factory=dict)

    def graph(self, name: str) -> Graph:
        return self.dataset.graph(GRAPH[name])


def statement_iri(s: URIRef, p: URIRef, o) -> URIRef:
    """A stable IRI for the reified statement (s, p, o): a hash of its N-Triples form."""
    key = f"{s.n3()} {p.n3()} {o.n3()}".encode()
    return STATEMENT[hashlib.sha256(key).hexdigest()[:16]]


class _Builder:
    """Turns YAML records into triples, collecting every problem before raising."""

    def __init__(self, dataset: Dataset):
        self.ds = dataset
        self.article = dataset.graph(GRAPH.article)
        self.curation = dataset.graph(GRAPH.curation)
        self.evidence = dataset.graph(GRAPH.evidence)
        self.problems: list[Problem] = []
        self.origins: dict[URIRef, str] = {}
        self.ids: dict[str, str] = {}  # slug -> where defined
        self.evidence_kinds: set[str] = set()

    # -- helpers -----------------------------------------------------------------------------
    def problem(self, file: str, rec: Any, message: str, key: str | None = None, **kw) -> None:
        line = getattr(rec, "key_lines", {}).get(key) if key else None
        line = line or getattr(rec, "line", None)
        self.problems.append(Problem(file, message, line=line, column=getattr(rec, "column", None), **kw))

    def define(self, file: str, rec: Any, slug: Any) -> URIRef | None:
        if not isinstance(slug, str) or not slug or slug != slug.strip() or not _is_slug(slug):
            self.problem(
                file,
                rec,
                f"invalid id {slug!r}",
                "id",
                value=str(slug),
                expected="a kebab-case slug of lowercase letters, digits and hyphens",
            )
            return None
        where = f"{file}:{getattr(rec, 'line', '?')}"
        if slug in self.ids:
            self.problem(
                file,
                rec,
                f"duplicate id {slug!r}, already defined at {self.ids[slug]}",
                "id",
                value=slug,
                expected="an id used once across data/",
            )
            return None
        self.ids[slug] = where
        iri = MG[slug]
        self.origins[iri] = where
        return iri

    def cls(self, file: str, rec: Any, name: Any, allowed: list[str] | None = None) -> URIRef | None:
        allowed = allowed or CLASSES
        if name not in allowed:
            hint = closest(str(name), allowed)
            self.problem(
                file,
                rec,
                f"unknown class {name!r}",
                "class",
                value=str(name),
                expected="one of " + ", ".join(allowed),
                suggestion=hint[0] if hint else None,
            )
            return None
        return MGO[name]

    def keys(self, file: str, rec: Any, allowed: set[str], required: set[str]) -> bool:
        if not isinstance(rec, dict):
            self.problem(file, rec, f"expected a mapping, got {type(rec).__name__}", value=str(rec)[:80])
            return False
        ok = True
        for k in rec:
            if k not in allowed:
                hint = closest(str(k), allowed)
                self.problem(
                    file,
                    rec,
                    f"unknown key {k!r}",
                    k,
                    value=str(k),
                    expected="one of " + ", ".join(sorted(allowed)),
                    suggestion=hint[0] if hint else None,
                )
                ok = False
        for k in sorted(required - set(rec)):
            self.problem(file, rec, f"missing key {k!r}", expected=f"a value for {k!r}")
            ok = False
        return ok

    def text(self, file: str, rec: Any, key: str) -> Literal | None:
        value = rec.get(key)
        if not isinstance(value, str) or not value.strip():
            self.problem(file, rec, f"{key!r} must be non-empty text", key, value=repr(value))
            return None
        return Literal(value)

    def texts(self, file: str, rec: Any, key: str) -> list[Literal]:
        values = rec.get(key, [])
        if not isinstance(values, list) or not all(isinstance(v, str) and v.strip() for v in values):
            self.problem(file, rec, f"{key!r} must be a list of non-empty texts", key, value=repr(values))
            return []
        return [Literal(v) for v in values]

    def curate(self, file: str, rec: Any, triples: list[tuple]) -> None:
        """Add curated triples and one reified statement per triple carrying the record's evidence."""
        kind = rec.get("evidence")
        if kind not in self.evidence_kinds:
            hint = closest(str(kind), self.evidence_kinds)
            self.problem(
                file,
                rec,
                f"unknown evidence kind {kind!r}",
                "evidence",
                value=str(kind),
                expected="one of " + ", ".join(sorted(self.evidence_kinds)),
                suggestion=hint[0] if hint else None,
            )
            return
        for s, p, o in triples:
            self.curation.add((s, p, o))
            st = statement_iri(s, p, o)
            ev = self.evidence
            ev.add((st, RDF.type, RDF.Statement))
            ev.add((st, RDF.subject, s))
            ev.add((st, RDF.predicate, p))
            ev.add((st, RDF.object, o))
            ev.add((st, MGO.evidenceKind, MG[kind]))
            if rec.get("quote"):
                ev.add((st, MGO.evidenceQuote, Literal(rec["quote"])))
            if rec.get("source"):
                src = rec["source"]
                ev.add((st, DCTERMS.source, URIRef(src) if src.startswith(("http://", "https://")) else Literal(src)))
            if rec.get("note"):
                ev.add((st, MGO.curationNote, Literal(rec["note"])))

    def iri(self, file: str, rec: Any, key: str) -> URIRef | None:
        value = rec.get(key)
        if (
            not isinstance(value, str)
            or not value.startswith(("http://", "https://"))
            or any(c in value for c in ' <>"{}|^`\\')
            or any(ord(c) < 0x21 for c in value)
        ):
            self.problem(
                file,
                rec,
                f"{key!r} must be an absolute http(s) IRI without spaces",
                key,
                value=repr(value),
                expected="an IRI such as https://ror.org/04q6cg820",
            )
            return None
        return URIRef(value)

    def mappings(self, file: str, node: URIRef, records: Any) -> None:
        """Links to other datasets, each curated with its own evidence."""
        if not isinstance(records, list):
            self.problems.append(Problem(file, "'mappings' must be a list", value=repr(records)))
            return
        for rec in records:
            if not self.keys(file, rec, MAPPING_KEYS, {"predicate", "iri", "evidence"}):
                continue
            pred = MAPPING_PREDICATES.get(rec["predicate"])
            if pred is None:
                hint = closest(str(rec["predicate"]), MAPPING_PREDICATES)
                self.problem(
                    file,
                    rec,
                    f"unknown mapping predicate {rec['predicate']!r}",
                    "predicate",
                    value=str(rec["predicate"]),
                    expected="one of " + ", ".join(MAPPING_PREDICATES),
                    suggestion=hint[0] if hint else None,
                )
                continue
            target = self.iri(file, rec, "iri")
            if target is not None:
                self.curate(file, rec, [(node, pred, target)])

    # -- files -------------------------------------------------------------------------------
    def table(self, file: str, doc: Any) -> None:
        if not self.keys(file, doc, {"table", "types"}, {"table", "types"}):
            return
        t = doc["table"]
        if not self.keys(file, t, {"id", "label", "title", "footnote"}, {"id", "label", "title", "footnote"}):
            return
        table = self.define(file, t, t["id"])
        if table is None:
            return
        a = self.article
        a.add((table, RDF.type, MGO.Table))
        a.add((table, RDFS.label, Literal(t["label"])))
        a.add((table, DCTERMS.title, Literal(t["title"])))
        a.add((table, MGO.footnote, Literal(t["footnote"])))
        a.add((table, DCTERMS.source, ARTICLE_DOI))
        for pos, row in enumerate(doc["types"] or [], 1):
            if not self.keys(
                file,
                row,
                {"id", "label", "examples", "strengths", "weaknesses"},
                {"id", "label", "examples", "strengths", "weaknesses"},
            ):
                continue
            ty = self.define(file, row, row["id"])
            label = self.text(file, row, "label")
            if ty is None or label is None:
                continue
            a.add((table, MGO.hasModelTypeRow, ty))
            self.concept(a, ty, "MentoringModelType", label)
            a.add((ty, MGO.tablePosition, Literal(pos)))
            a.add((ty, MGO.sourceTable, table))
            for i, entry in enumerate(row["examples"] or [], 1):
                self.entry(file, entry, i, ty, ty, None)
            for column, cls, prop in (
                ("strengths", "Strength", MGO.hasStrength),
                ("weaknesses", "Weakness", MGO.hasWeakness),
            ):
                for i, attr in enumerate(row[column] or [], 1):
                    if not self.keys(file, attr, {"id", "label"}, {"id", "label"}):
                        continue
                    node = self.define(file, attr, attr["id"])
                    alabel = self.text(file, attr, "label")
                    if node is None or alabel is None:
                        continue
                    self.concept(a, node, cls, alabel)
                    a.add((node, MGO.tablePosition, Literal(i)))
                    a.add((node, MGO.sourceTable, table))
                    a.add((ty, prop, node))

    def entry(
        self, file: str, rec: Any, pos: int, model_type: URIRef, parent: URIRef, parent_class: str | None
    ) -> None:
        """One bullet of the examples column, and the bullets nested under it."""
        if not self.keys(file, rec, {"id", "label", "class", "children"}, {"id", "label", "class"}):
            return
        node = self.define(file, rec, rec["id"])
        label = self.text(file, rec, "label")
        cls = self.cls(file, rec, rec["class"])
        if node is None or label is None or cls is None:
            return
        a = self.article
        a.add((node, RDF.type, cls))
        a.add((node, RDFS.label, label))
        a.add((node, MGO.tablePosition, Literal(pos)))
        a.add((node, MGO.tableParent, parent))
        a.add((node, MGO.sourceTable, MG["table-1"]))
        is_heading = rec["class"] == "DeliveryMode"
        if is_heading:
            # "In-person / Online / Hybrid" group the entries beneath them by how they are delivered.
            a.add((node, SKOS.prefLabel, label))
            a.add((node, SKOS.inScheme, MG[SCHEME_OF_CLASS["DeliveryMode"]]))
        else:
            a.add((node, MGO.modelType, model_type))
        if parent_class == "DeliveryMode":
            a.add((node, MGO.deliveryMode, parent))
        elif parent_class is not None:
            a.add((node, MGO.partOf, parent))
        for i, child in enumerate(rec.get("children") or [], 1):
            self.entry(file, child, i, model_type, node, rec["class"])

    def concept(self, g: Graph, node: URIRef, cls: str, label: Literal) -> None:
        g.add((node, RDF.type, MGO[cls]))
        g.add((node, RDFS.label, label))
        g.add((node, SKOS.prefLabel, label))
        g.add((node, SKOS.inScheme, MG[SCHEME_OF_CLASS[cls]]))

    def vocabularies(self, file: str, doc: Any) -> None:
        if not self.keys(
            file,
            doc,
            {"concept-schemes", "delivery-modes", "evidence-kinds"},
            {"concept-schemes", "delivery-modes", "evidence-kinds"},
        ):
            return
        c = self.curation
        for rec in doc["concept-schemes"]:
            if not self.keys(file, rec, {"id", "label", "definition"}, {"id", "label", "definition"}):
                continue
            node = self.define(file, rec, rec["id"])
            if node is not None:
                c.add((node, RDF.type, SKOS.ConceptScheme))
                c.add((node, RDFS.label, Literal(rec["label"])))
                c.add((node, SKOS.definition, Literal(rec["definition"])))
        for rec in doc["delivery-modes"]:
            # The modes themselves are bullets of Table 1 (article graph); here only their definitions.
            if self.keys(file, rec, {"id", "definition"}, {"id", "definition"}):
                c.add((MG[rec["id"]], SKOS.definition, Literal(rec["definition"])))
        for rec in doc["evidence-kinds"]:
            if not self.keys(file, rec, {"id", "label", "definition"}, {"id", "label", "definition"}):
                continue
            node = self.define(file, rec, rec["id"])
            if node is not None:
                self.evidence_kinds.add(rec["id"])
                self.concept(c, node, "EvidenceKind", Literal(rec["label"]))
                c.add((node, SKOS.definition, Literal(rec["definition"])))

    def populations(self, file: str, doc: Any) -> None:
        if not self.keys(file, doc, {"populations"}, {"populations"}):
            return
        pending = []
        for rec in doc["populations"]:
            if not self.keys(
                file,
                rec,
                {"id", "label", "altLabels", "broader", "definition", "mappings"},
                {"id", "label", "definition"},
            ):
                continue
            node = self.define(file, rec, rec["id"])
            label = self.text(file, rec, "label")
            if node is None or label is None:
                continue
            self.concept(self.curation, node, "Population", label)
            self.curation.add((node, SKOS.definition, Literal(rec["definition"])))
            for alt in self.texts(file, rec, "altLabels"):
                self.curation.add((node, SKOS.altLabel, alt))
            for b in rec.get("broader", []):
                pending.append((file, rec, node, b))
            if "mappings" in rec:
                self.mappings(file, node, rec["mappings"])
        for file, rec, node, b in pending:
            target = self.ref(file, rec, "broader", b)
            if target is not None:
                self.curation.add((node, MGO.broaderPopulation, target))

    def organizations(self, file: str, doc: Any) -> None:
        if not self.keys(file, doc, {"organizations"}, {"organizations"}):
            return
        orgs = ["Organization", "ProfessionalSociety", "AcademicInstitution", "Funder", "Company"]
        pending = []
        for rec in doc["organizations"]:
            if not self.keys(
                file,
                rec,
                {"id", "class", "label", "altLabels", "acronyms", "parent", "mappings"} | EVIDENCE_KEYS,
                {"id", "class", "label", "evidence"},
            ):
                continue
            node = self.define(file, rec, rec["id"])
            cls = self.cls(file, rec, rec["class"], orgs)
            label = self.text(file, rec, "label")
            if node is None or cls is None or label is None:
                continue
            triples = [(node, RDF.type, cls), (node, RDFS.label, label)]
            triples += [(node, SKOS.altLabel, alt) for alt in self.texts(file, rec, "altLabels")]
            triples += [(node, MGO.acronym, a) for a in self.texts(file, rec, "acronyms")]
            pending.append((file, rec, node, triples))
        for file, rec, node, triples in pending:
            if "parent" in rec:
                parent = self.ref(file, rec, "parent", rec["parent"])
                if parent is not None:
                    triples.append((node, MGO.parentOrganization, parent))
            self.curate(file, rec, triples)
            if "mappings" in rec:
                self.mappings(file, node, rec["mappings"])

    def entities(self, file: str, doc: Any) -> None:
        if not self.keys(file, doc, {"platforms", "funding-mechanisms"}, set()):
            return
        for rec in doc.get("platforms", []):
            if not self.keys(
                file, rec, {"id", "class", "label", "operatedBy"} | EVIDENCE_KEYS, {"id", "class", "label", "evidence"}
            ):
                continue
            node = self.define(file, rec, rec["id"])
            cls = self.cls(file, rec, rec["class"], ["Platform"])
            label = self.text(file, rec, "label")
            op = self.ref(file, rec, "operatedBy", rec["operatedBy"]) if "operatedBy" in rec else None
            if node is None or cls is None or label is None:
                continue
            triples = [(node, RDF.type, cls), (node, RDFS.label, label)]
            if op is not None:
                triples.append((node, MGO.operatedBy, op))
            self.curate(file, rec, triples)
        for rec in doc.get("funding-mechanisms", []):
            if not self.keys(
                file,
                rec,
                {"id", "label", "definition", "mechanismOf"} | EVIDENCE_KEYS,
                {"id", "label", "definition", "mechanismOf", "evidence"},
            ):
                continue
            node = self.define(file, rec, rec["id"])
            label = self.text(file, rec, "label")
            funder = self.ref(file, rec, "mechanismOf", rec["mechanismOf"])
            if node is None or label is None or funder is None:
                continue
            self.curation.add((node, SKOS.definition, Literal(rec["definition"])))
            self.curate(
                file,
                rec,
                [(node, RDF.type, MGO.FundingMechanism), (node, RDFS.label, label), (node, MGO.mechanismOf, funder)],
            )

    def statements(self, file: str, doc: Any) -> None:
        if not self.keys(file, doc, {"statements"}, {"statements"}):
            return
        for rec in doc["statements"] or []:
            if not self.keys(file, rec, STATEMENT_KEYS, {"subject", "predicate", "evidence"}):
                continue
            subject = self.ref(file, rec, "subject", rec["subject"])
            pred = rec["predicate"]
            if pred in MAPPING_PREDICATES:
                target = self.iri(file, rec, "iri")
                if subject is not None and target is not None:
                    self.curate(file, rec, [(subject, MAPPING_PREDICATES[pred], target)])
                continue
            if pred not in PROPERTIES:
                hint = closest(str(pred), PROPERTIES)
                self.problem(
                    file,
                    rec,
                    f"unknown property {pred!r}",
                    "predicate",
                    value=str(pred),
                    expected="an ontology property such as targetPopulation or offeredBy",
                    suggestion=hint[0] if hint else None,
                )
                continue
            if ("object" in rec) == ("value" in rec):
                self.problem(
                    file,
                    rec,
                    "a statement needs exactly one of 'object' (an id) or 'value' (text)",
                    expected="'object: some-id' or 'value: some text'",
                )
                continue
            obj = self.ref(file, rec, "object", rec["object"]) if "object" in rec else self.text(file, rec, "value")
            if subject is None or obj is None:
                continue
            self.curate(file, rec, [(subject, MGO[pred], obj)])

    def contributions(self, file: str, doc: Any) -> None:
        """Initiatives contributed beyond Table 1: all curation, each record with its evidence."""
        if not self.keys(file, doc, {"initiatives"}, {"initiatives"}):
            return
        defined = []
        for rec in doc["initiatives"] or []:
            if not self.keys(file, rec, INITIATIVE_KEYS, {"id", "class", "label", "modelType", "evidence"}):
                continue
            node = self.define(file, rec, rec["id"])
            initiatives = [c for c in CLASSES if c in _INITIATIVE_CLASSES]
            cls = self.cls(file, rec, rec["class"], initiatives)
            label = self.text(file, rec, "label")
            if node is not None and cls is not None and label is not None:
                defined.append((rec, node, cls, label))
        for rec, node, cls, label in defined:
            triples = [(node, RDF.type, cls), (node, RDFS.label, label)]
            triples += [(node, SKOS.altLabel, alt) for alt in self.texts(file, rec, "altLabels")]
            triples += [(node, MGO.acronym, a) for a in self.texts(file, rec, "acronyms")]
            for key, prop in INITIATIVE_LINKS.items():
                values = rec.get(key, [])
                for value in values if isinstance(values, list) else [values]:
                    target = self.ref(file, rec, key, value)
                    if target is not None:
                        triples.append((node, MGO[prop], target))
            if "website" in rec:
                site = self.iri(file, rec, "website")
                if site is not None:
                    triples.append((node, MGO.website, site))
            if rec.get("contributor"):
                triples.append((node, DCTERMS.contributor, Literal(str(rec["contributor"]))))
            self.curate(file, rec, triples)
            if "mappings" in rec:
                self.mappings(file, node, rec["mappings"])

    def ref(self, file: str, rec: Any, key: str, slug: Any) -> URIRef | None:
        """Resolve a reference to an id defined anywhere in data/ (defined before or after)."""
        if not isinstance(slug, str) or slug not in self.ids:
            hint = closest(str(slug), self.ids)
            self.problem(
                file,
                rec,
                f"unknown id {slug!r} in {key!r}",
                key,
                value=str(slug),
                expected="the id of an entity defined in data/",
                suggestion=hint[0] if hint else None,
            )
            return None
        return MG[slug]


_INITIATIVE_CLASSES = {
    "Initiative",
    "Program",
    "ProgramUmbrella",
    "Seminar",
    "Conference",
    "Council",
    "Forum",
    "PeerGroup",
    "OnlineGroup",
    "GrantProgram",
    "Platform",
    "InformalArrangement",
    "InstitutionalPrograms",
}


def _is_slug(s: str) -> bool:
    return all(c.islower() or c.isdigit() or c == "-" for c in s) and s[0].isalnum() and s.isascii()


def load_ontology(root: Path) -> Graph:
    """The ontology as an rdflib graph."""
    return Graph().parse(root / "ontology" / "mentorgraph.ttl", format="turtle")


def iter_data_files(root: Path) -> Iterator[tuple[str, Path]]:
    for name in DATA_FILES:
        yield f"data/{name}", root / "data" / name


def load_sources(root: Path, extra: list[tuple[str, Any]] | None = None) -> Sources:
    """Read ontology/ and data/ under `root` into a Dataset; raise InputError with every problem.

    `extra` holds already-parsed contribution documents (display name, YAML-shaped document) in the
    same shapes as data/curation.yaml or data/organizations.yaml, for validation before import.
    """
    ds = Dataset()
    ontology = ds.graph(GRAPH.ontology)
    for t in load_ontology(root):
        ontology.add(t)
    b = _Builder(ds)
    handlers = {
        "table1.yaml": b.table,
        "vocabularies.yaml": b.vocabularies,
        "populations.yaml": b.populations,
        "organizations.yaml": b.organizations,
        "entities.yaml": b.entities,
        "curation.yaml": b.statements,
        "contributions.yaml": b.contributions,
    }
    docs = []
    for display, path in iter_data_files(root):
        try:
            docs.append((display, handlers[path.name], read_yaml(path, display)))
        except InputError as exc:
            b.problems.extend(exc.problems)
        except FileNotFoundError:
            if path.name not in OPTIONAL_FILES:
                b.problems.append(Problem(display, "file not found", expected="the curated data file"))
    # Define every id before resolving references, so files may refer to each other in any order.
    order = {
        "table1.yaml": 0,
        "vocabularies.yaml": 1,
        "populations.yaml": 2,
        "organizations.yaml": 3,
        "entities.yaml": 4,
        "contributions.yaml": 5,
        "curation.yaml": 6,
    }
    for display, handler, doc in sorted(docs, key=lambda d: order[d[0].rsplit("/", 1)[-1]]):
        handler(display, doc)
    # Themes grouping Table 1's strengths and weaknesses (data/themes.yaml, read by mentorgraph.advise).
    from .advise.themes import theme_triples

    try:
        themes = theme_triples(root)
    except InputError as exc:
        b.problems.extend(exc.problems)
    else:
        for slug in themes.ids:
            b.define("data/themes.yaml", None, slug)
        for triple in themes.plain:
            b.curation.add(triple)
        for rec, triples in themes.curated:
            b.curate("data/themes.yaml", rec, triples)
    # Contributions under validation: organizations first, so initiatives may refer to them.
    for key, handler in (
        ("organizations", b.organizations),
        ("initiatives", b.contributions),
        ("statements", b.statements),
    ):
        for display, doc in extra or []:
            if key in doc:
                handler(display, {key: doc[key]})
    if b.problems:
        raise InputError(b.problems)
    return Sources(ds, b.origins)
