"""Turning curated records into triples: the checks and helpers every data file's loader shares.

`Builder` collects every problem before anything is raised (a curator sees all mistakes at once),
mints IRIs from curated slugs (schema.is_slug, the one slug rule), and adds each curated triple with
its evidence as a reified rdf:Statement in the evidence graph.
"""

from __future__ import annotations

import hashlib
from typing import Any

from rdflib import Dataset, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, SKOS

from .. import schema
from ..namespaces import GRAPH, MG, MGO, STATEMENT
from ..problems import Problem, closest

MAPPING_PREDICATES = {name: URIRef(iri) for name, iri in schema.MAPPING_PREDICATES.items()}
LABEL_PREDICATES = {name: URIRef(iri) for name, iri in schema.LABEL_PREDICATES.items()}
_SOURCE = (
    "the http(s) address of what says it: a ROR record (https://ror.org/...), a DOI, a MeSH descriptor, "
    "an organization's own page; or evidence 'curator' with the reason in 'note'"
)


def _short(term) -> str:
    """A term as a person reads it in a message: an IRI's last segment, a literal quoted."""
    return str(term).rsplit("/", 1)[-1].rsplit("#", 1)[-1] if isinstance(term, URIRef) else repr(str(term))


def statement_iri(s: URIRef, p: URIRef, o) -> URIRef:
    """A stable IRI for the reified statement (s, p, o): a hash of its N-Triples form."""
    key = f"{s.n3()} {p.n3()} {o.n3()}".encode()
    return STATEMENT[hashlib.sha256(key).hexdigest()[:16]]


class Builder:
    """Turns YAML records into triples, collecting every problem before raising."""

    def __init__(self, dataset: Dataset, vocabulary: schema.Vocabulary):
        self.ds = dataset
        self.vocabulary = vocabulary
        self.article = dataset.graph(GRAPH.article)
        self.curation = dataset.graph(GRAPH.curation)
        self.evidence = dataset.graph(GRAPH.evidence)
        self.problems: list[Problem] = []
        self.origins: dict[URIRef, str] = {}
        self.ids: dict[str, str] = {}  # slug -> where defined
        self.evidence_kinds: set[str] = set()
        self.curated: dict[URIRef, str] = {}  # reified statement -> where its evidence is

    # -- helpers -----------------------------------------------------------------------------
    def problem(self, file: str, rec: Any, message: str, key: str | None = None, **kw) -> None:
        """Record one problem at the record's line (the key's own line when known)."""
        line = getattr(rec, "key_lines", {}).get(key) if key else None
        line = line or getattr(rec, "line", None)
        self.problems.append(Problem(file, message, line=line, column=getattr(rec, "column", None), **kw))

    def define(self, file: str, rec: Any, slug: Any) -> URIRef | None:
        """Register a new id (once across data/) and return its IRI, or None after a problem."""
        if not schema.is_slug(slug):
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

    def cls(self, file: str, rec: Any, name: Any, root: str | None = None) -> URIRef | None:
        """The class a record names, if it is `root` or one of its subclasses in the ontology."""
        allowed = self.vocabulary.subclasses(root) if root else self.vocabulary.classes
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

    def shape(self, file: str, rec: Any, shape: schema.Shape) -> bool:
        """Whether `rec` is a mapping with only the shape's keys and all its required ones."""
        return self.keys(file, rec, set(shape.keys), set(shape.required))

    def keys(self, file: str, rec: Any, allowed: set[str], required: set[str]) -> bool:
        """Whether `rec` is a mapping with only `allowed` keys and every `required` one."""
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
        """The record's non-empty text under `key`, as a literal."""
        value = rec.get(key)
        if not isinstance(value, str) or not value.strip():
            self.problem(file, rec, f"{key!r} must be non-empty text", key, value=repr(value))
            return None
        return Literal(value)

    def texts(self, file: str, rec: Any, key: str) -> list[Literal]:
        """The record's list of non-empty texts under `key` (empty when absent)."""
        values = rec.get(key, [])
        if not isinstance(values, list) or not all(isinstance(v, str) and v.strip() for v in values):
            self.problem(file, rec, f"{key!r} must be a list of non-empty texts", key, value=repr(values))
            return []
        return [Literal(v) for v in values]

    def curate(self, file: str, rec: Any, triples: list[tuple], evidence: Any = None) -> None:
        """Add curated triples and one reified statement per triple carrying the evidence.

        The evidence is the record's own keys (evidence, quote, source, note), or `evidence` when a
        part of the record has its own (a `classEvidence` mapping). A source is an http(s) IRI.
        """
        ev_rec = rec if evidence is None else evidence
        if evidence is not None and not self.shape(file, evidence, schema.EVIDENCE):
            return
        kind = ev_rec.get("evidence")
        if kind not in self.evidence_kinds:
            hint = closest(str(kind), self.evidence_kinds)
            self.problem(
                file,
                ev_rec,
                f"unknown evidence kind {kind!r}",
                "evidence",
                value=str(kind),
                expected="one of " + ", ".join(sorted(self.evidence_kinds)),
                suggestion=hint[0] if hint else None,
            )
            return
        source = self.iri(file, ev_rec, "source", _SOURCE) if "source" in ev_rec else None
        if "source" in ev_rec and source is None:
            return
        words = {}
        for key, prop in (("quote", MGO.evidenceQuote), ("note", MGO.curationNote)):
            if key in ev_rec:
                text = self.text(file, ev_rec, key)
                if text is None:
                    return
                words[prop] = text
        where = f"{file}:{getattr(ev_rec, 'line', None) or getattr(rec, 'line', '?')}"
        for s, p, o in triples:
            st = statement_iri(s, p, o)
            if st in self.curated:
                # One statement, one evidence: a second record for it would mix two kinds and sources.
                self.problem(
                    file,
                    ev_rec,
                    f"{' '.join(_short(x) for x in (s, p, o))} is already curated at {self.curated[st]}",
                    expected="each statement curated once, with one evidence",
                )
                continue
            self.curated[st] = where
            self.curation.add((s, p, o))
            ev = self.evidence
            ev.add((st, RDF.type, RDF.Statement))
            ev.add((st, RDF.subject, s))
            ev.add((st, RDF.predicate, p))
            ev.add((st, RDF.object, o))
            ev.add((st, MGO.evidenceKind, MG[kind]))
            if source is not None:
                ev.add((st, DCTERMS.source, source))
            for prop, text in words.items():
                ev.add((st, prop, text))

    def iri(
        self, file: str, rec: Any, key: str, expected: str = "an IRI such as https://ror.org/04q6cg820"
    ) -> URIRef | None:
        """The record's absolute http(s) IRI under `key`."""
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
                expected=expected,
            )
            return None
        return URIRef(value)

    def mappings(self, file: str, node: URIRef, records: Any) -> None:
        """Links to other datasets, each curated with its own evidence."""
        if not isinstance(records, list):
            self.problems.append(Problem(file, "'mappings' must be a list", value=repr(records)))
            return
        for rec in records:
            if not self.shape(file, rec, schema.MAPPING):
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

    def labelled(self, file: str, rec: Any, shape: schema.Shape) -> tuple[URIRef, Literal] | None:
        """A record of `shape` that defines an id with a label: (its IRI, its label), or None after a problem."""
        if not self.shape(file, rec, shape):
            return None
        node = self.define(file, rec, rec["id"])
        label = self.text(file, rec, "label")
        return None if node is None or label is None else (node, label)

    def named(self, file: str, rec: Any, shape: schema.Shape) -> tuple[URIRef, URIRef, list[tuple]] | None:
        """A record of `shape` that defines a named entity of a class: (its IRI, its class, its name
        triples: the label and any altLabels), or None after a problem."""
        head = self.labelled(file, rec, shape)
        cls = self.cls(file, rec, rec["class"], shape.root_class) if head is not None else None
        if head is None or cls is None:
            return None
        node, label = head
        names = [(node, RDFS.label, label)]
        names += [(node, SKOS.altLabel, alt) for alt in self.texts(file, rec, "altLabels")]
        return node, cls, names

    def typed(self, file: str, rec: Any, node: URIRef, cls: URIRef, triples: list[tuple]) -> None:
        """Curate a record's triples and its class: with `classEvidence` when the record gives one (the
        class is a curator's reading the record's own source does not state), else with the record's."""
        if schema.CLASS_EVIDENCE in rec:
            self.curate(file, rec, [(node, RDF.type, cls)], rec[schema.CLASS_EVIDENCE])
        else:
            triples = [(node, RDF.type, cls), *triples]
        self.curate(file, rec, triples)
