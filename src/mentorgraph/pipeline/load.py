"""Load stage: read the curated sources (ontology/ and data/*.yaml) into named graphs.

The YAML files are the single source of truth for facts; their shapes (which keys a record has and
which ontology property each key stands for) are stated in schema.py, and only datafiles.py reads
them. What Table 1 prints goes into the article graph (table1.py); what curators add or read into it
goes into the curation graph, and the evidence for each curated triple goes into the evidence graph
as a reified rdf:Statement (records.py). A record's class may carry evidence of its own
(`classEvidence`) where the record's source does not state it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, SKOS

from .. import datafiles, schema
from ..interop.activity_codes import load_activity_codes
from ..interop.alignments import load_alignments
from ..layout import ONTOLOGY_FILE
from ..namespaces import GRAPH, MGO
from ..problems import InputError, Problem, closest
from .records import LABEL_PREDICATES, MAPPING_PREDICATES, statement_iri
from .table1 import TableLoader
from .themes import theme_triples

__all__ = ["Sources", "load_ontology", "load_sources", "statement_iri"]


@dataclass
class Sources:
    """The loaded sources: a dataset of named graphs and where each entity was defined."""

    dataset: Dataset
    origins: dict[URIRef, str] = field(default_factory=dict)

    def graph(self, name: str) -> Graph:
        """One named graph of the dataset by its short name (article, curation, ...)."""
        return self.dataset.graph(GRAPH[name])


class _Loader(TableLoader):
    """One handler per data file, each turning that file's records into triples."""

    # -- files (Table 1 and the vocabularies: table1.py) ----------------------------------------
    def populations(self, file: str, doc: Any) -> None:
        """data/populations.yaml: the hierarchy of target populations."""
        if not self.keys(file, doc, {"populations"}, {"populations"}):
            return
        pending = []
        for rec in doc["populations"]:
            head = self.labelled(file, rec, schema.POPULATION)
            if head is None:
                continue
            node, label = head
            self.concept(self.curation, node, "Population", label)
            self.curation.add((node, SKOS.definition, Literal(rec["definition"])))
            for alt in self.texts(file, rec, "altLabels"):
                self.curation.add((node, SKOS.altLabel, alt))
            if rec.get("broader") and "evidence" not in rec:
                self.problem(
                    file,
                    rec,
                    "a population's place in the hierarchy needs evidence",
                    expected="'evidence' (and 'quote', 'source' or 'note') for its 'broader' populations",
                )
            for b in rec.get("broader", []):
                pending.append((file, rec, node, b))
            if "mappings" in rec:
                self.mappings(file, node, rec["mappings"])
        for file, rec, node, b in pending:
            target = self.ref(file, rec, "broader", b)
            if target is not None and "evidence" in rec:
                self.curate(file, rec, [(node, MGO.broaderPopulation, target)])

    def organizations(self, file: str, doc: Any) -> None:
        """data/organizations.yaml (and organizations of a contribution)."""
        if not self.keys(file, doc, {"organizations"}, {"organizations"}):
            return
        pending = []
        for rec in doc["organizations"]:
            head = self.named(file, rec, schema.ORGANIZATION)
            if head is None:
                continue
            node, cls, triples = head
            triples += [(node, MGO.acronym, a) for a in self.texts(file, rec, "acronyms")]
            pending.append((file, rec, node, cls, triples))
        for file, rec, node, cls, triples in pending:
            if "parent" in rec:
                parent = self.ref(file, rec, "parent", rec["parent"])
                if parent is not None:
                    triples.append((node, MGO[schema.ORGANIZATION_LINKS["parent"].property], parent))
            self.typed(file, rec, node, cls, triples)
            if "mappings" in rec:
                self.mappings(file, node, rec["mappings"])

    def entities(self, file: str, doc: Any) -> None:
        """data/entities.yaml: platforms and funding mechanisms the table names inside bullets."""
        if not self.keys(file, doc, {"platforms", "funding-mechanisms", "initiatives"}, set()):
            return
        for rec in doc.get("initiatives", []):
            # An initiative a bullet names beside another; what is said about it is in data/curation.yaml.
            head = self.named(file, rec, schema.NAMED_INITIATIVE)
            if head is not None:
                self.typed(file, rec, *head)
        for rec in doc.get("platforms", []):
            head = self.named(file, rec, schema.PLATFORM)
            if head is None:
                continue
            node, cls, triples = head
            op = self.ref(file, rec, "operatedBy", rec["operatedBy"]) if "operatedBy" in rec else None
            if op is not None:
                triples.append((node, MGO.operatedBy, op))
            self.typed(file, rec, node, cls, triples)
        for rec in doc.get("funding-mechanisms", []):
            if not self.shape(file, rec, schema.FUNDING_MECHANISM):
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
            if "mappings" in rec:
                self.mappings(file, node, rec["mappings"])

    def statements(self, file: str, doc: Any) -> None:
        """data/curation.yaml: one curated statement per record."""
        if not self.keys(file, doc, {"statements"}, {"statements"}):
            return
        properties = self.vocabulary.properties
        for rec in doc["statements"] or []:
            if not self.shape(file, rec, schema.STATEMENT):
                continue
            subject = self.ref(file, rec, "subject", rec["subject"])
            pred = rec["predicate"]
            if pred in MAPPING_PREDICATES:
                target = self.iri(file, rec, "iri")
                if subject is not None and target is not None:
                    self.curate(file, rec, [(subject, MAPPING_PREDICATES[pred], target)])
                continue
            if pred in LABEL_PREDICATES:
                name = self.text(file, rec, "value")
                if subject is not None and name is not None:
                    self.curate(file, rec, [(subject, LABEL_PREDICATES[pred], name)])
                continue
            if pred not in properties:
                hint = closest(str(pred), properties)
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
            if not self.shape(file, rec, schema.INITIATIVE):
                continue
            node = self.define(file, rec, rec["id"])
            cls = self.cls(file, rec, rec["class"], schema.INITIATIVE.root_class)
            label = self.text(file, rec, "label")
            if node is not None and cls is not None and label is not None:
                defined.append((rec, node, cls, label))
        for rec, node, cls, label in defined:
            triples = [(node, RDF.type, cls), (node, RDFS.label, label)]
            triples += [(node, SKOS.altLabel, alt) for alt in self.texts(file, rec, "altLabels")]
            triples += [(node, MGO.acronym, a) for a in self.texts(file, rec, "acronyms")]
            for key, link in schema.INITIATIVE_LINKS.items():
                values = rec.get(key, [])
                for value in values if isinstance(values, list) else [values]:
                    target = self.ref(file, rec, key, value)
                    if target is not None:
                        triples.append((node, MGO[link.property], target))
            if "website" in rec:
                site = self.iri(file, rec, "website")
                if site is not None:
                    triples.append((node, MGO.website, site))
            if rec.get("contributor"):
                triples.append((node, DCTERMS.contributor, Literal(str(rec["contributor"]))))
            self.curate(file, rec, triples)
            if "mappings" in rec:
                self.mappings(file, node, rec["mappings"])


def load_ontology(root: Path) -> Graph:
    """The ontology as an rdflib graph."""
    return Graph().parse(root / ONTOLOGY_FILE, format="turtle")


def _schemes(doc: Any) -> dict[str, str]:
    """Class -> concept scheme slug, from the `members` of data/vocabularies.yaml's concept schemes."""
    records = doc.get("concept-schemes") if isinstance(doc, dict) else None
    return {r["members"]: r["id"] for r in records or [] if isinstance(r, dict) and "members" in r and "id" in r}


def load_sources(
    root: Path,
    extra: list[tuple[str, Any]] | None = None,
    replace: dict[str, Any] | None = None,
) -> Sources:
    """Read ontology/ and data/ under `root` into a Dataset; raise InputError with every problem.

    `extra` holds already-parsed contribution documents (display name, YAML-shaped document) in the
    same shapes as data/curation.yaml or data/organizations.yaml, for validation before import.
    `replace` gives documents to use instead of data files (name -> document, None for absent).
    """
    ds = Dataset()
    ontology = ds.graph(GRAPH.ontology)
    for t in load_ontology(root):
        ontology.add(t)
    b = _Loader(ds, schema.Vocabulary.from_graph(ontology))
    b.readings = []
    # The vocabularies first: the evidence kinds and table readings they define are used by the others.
    handlers = {
        "vocabularies.yaml": b.vocabularies,
        "table1.yaml": b.table,
        "populations.yaml": b.populations,
        "organizations.yaml": b.organizations,
        "entities.yaml": b.entities,
        "nih-activity-codes.yaml": partial(load_activity_codes, b),
        "contributions.yaml": b.contributions,
        "curation.yaml": b.statements,
    }
    docs: dict[str, tuple[str, Any]] = {}
    replace = replace or {}
    datafiles.ensure_consistent(root)
    for display, path in datafiles.iter_files(root, [n for n in datafiles.DATA_FILES if n in handlers]):
        name = path.name
        try:
            if name in replace:
                if replace[name] is not None:
                    docs[name] = (display, replace[name])
            else:
                docs[name] = (display, datafiles.read_yaml(path, display))
        except InputError as exc:
            b.problems.extend(exc.problems)
        except FileNotFoundError:
            if name not in datafiles.OPTIONAL_FILES:
                b.problems.append(Problem(display, "file not found", expected="the curated data file"))
    b.scheme_of_class = _schemes(docs.get("vocabularies.yaml", ("", None))[1])
    # Define every id before resolving references, so files may refer to each other in any order
    # (handlers' order: the entities first, the statements about them last).
    for name, handler in handlers.items():
        if name in docs:
            handler(*docs[name])
    # Themes grouping Table 1's strengths and weaknesses (data/themes.yaml).
    try:
        themes = theme_triples(root)
    except InputError as exc:
        b.problems.extend(exc.problems)
    else:
        for slug in themes.ids:
            b.define(datafiles.display(datafiles.THEMES), None, slug)
        for triple in themes.plain:
            b.curation.add(triple)
        for rec, triples in themes.curated:
            b.curate(datafiles.display(datafiles.THEMES), rec, triples)
    # Contributions under validation: organizations first, so initiatives may refer to them.
    for key, handler in (
        ("organizations", b.organizations),
        ("initiatives", b.contributions),
        ("statements", b.statements),
    ):
        for display, doc in extra or []:
            if key in doc:
                handler(display, {key: doc[key]})
    # The ontology's SKOS alignments (ontology/alignments.sssom.tsv), in a graph of their own.
    try:
        alignments = load_alignments(root)
    except InputError as exc:
        b.problems.extend(exc.problems)
    else:
        graph = ds.graph(GRAPH.alignments)
        for t in alignments:
            graph.add(t)
    if b.problems:
        raise InputError(b.problems)
    return Sources(ds, b.origins)
