"""Loading Table 1 (data/table1.yaml) and the vocabularies it is read with (data/vocabularies.yaml).

What the table prints (each bullet's text, its row, position and nesting, the columns, the strengths and
weaknesses) goes into the article graph. What the curators read into it goes into the curation graph,
with evidence: the class of thing each bullet names (its `classEvidence`) and what nesting means
(data/vocabularies.yaml's `table-readings`: part of an umbrella, delivered as a heading says).
"""

from __future__ import annotations

from typing import Any

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, SKOS

from .. import schema
from ..namespaces import MG, MGO
from .records import Builder


class TableLoader(Builder):
    """The handlers of data/table1.yaml and data/vocabularies.yaml (the vocabularies load first)."""

    scheme_of_class: dict[str, str]
    readings: list[Any]  # data/vocabularies.yaml's table-readings, in order

    def table(self, file: str, doc: Any) -> None:
        """data/table1.yaml: the table, its rows (types) and their three columns, in table order."""
        if not self.keys(file, doc, {"table", "types"}, {"table", "types"}):
            return
        t = doc["table"]
        if not self.shape(file, t, schema.TABLE):
            return
        table = self.define(file, t, t["id"])
        if table is None:
            return
        a = self.article
        a.add((table, RDF.type, MGO.Table))
        a.add((table, RDFS.label, Literal(t["label"])))
        a.add((table, DCTERMS.title, Literal(t["title"])))
        a.add((table, MGO.footnote, Literal(t["footnote"])))
        source = self.iri(file, t, "source")  # the article the table is published in (its DOI)
        if source is not None:
            a.add((table, DCTERMS.source, source))
        # The column headings, as printed, in order: the one home of Table 1's header row.
        for pos, heading in enumerate(self.texts(file, t, "columns"), 1):
            column = self.define(file, t, f"{t['id']}-column-{pos}")
            if column is not None:
                a.add((table, MGO.hasColumn, column))
                a.add((column, RDF.type, MGO.TableColumn))
                a.add((column, RDFS.label, heading))
                a.add((column, MGO.tablePosition, Literal(pos)))
        for pos, row in enumerate(doc["types"] or [], 1):
            head = self.labelled(file, row, schema.TABLE_ROW)
            if head is None:
                continue
            ty, label = head
            a.add((table, MGO.hasModelTypeRow, ty))
            self.concept(a, ty, "MentoringModelType", label)
            a.add((ty, MGO.tablePosition, Literal(pos)))
            a.add((ty, MGO.sourceTable, table))
            for i, entry in enumerate(row["examples"] or [], 1):
                self.entry(file, entry, i, ty, None, table)
            for column, cls, prop in (
                ("strengths", "Strength", MGO.hasStrength),
                ("weaknesses", "Weakness", MGO.hasWeakness),
            ):
                for i, attr in enumerate(row[column] or [], 1):
                    cell = self.labelled(file, attr, schema.TABLE_ATTRIBUTE)
                    if cell is None:
                        continue
                    node, alabel = cell
                    self.concept(a, node, cls, alabel)
                    a.add((node, MGO.tablePosition, Literal(i)))
                    a.add((node, MGO.sourceTable, table))
                    a.add((ty, prop, node))

    def entry(
        self,
        file: str,
        rec: Any,
        pos: int,
        model_type: URIRef,
        parent: tuple[URIRef, str, Literal] | None,
        table: URIRef,
    ) -> None:
        """One bullet of the examples column, and the bullets nested under it.

        What the table prints (the bullet's text, its row, position and nesting) goes into the article
        graph; what the curators read into it (the class of thing it names, what its nesting means)
        into the curation graph, with evidence. `parent` is the enclosing bullet (IRI, class, label),
        or None for a bullet directly under its row.
        """
        if not self.shape(file, rec, schema.TABLE_ENTRY):
            return
        node = self.define(file, rec, rec["id"])
        label = self.text(file, rec, "label")
        cls = self.cls(file, rec, rec["class"])
        if node is None or label is None or cls is None:
            return
        a = self.article
        a.add((node, RDFS.label, label))
        a.add((node, MGO.tablePosition, Literal(pos)))
        a.add((node, MGO.tableParent, parent[0] if parent else model_type))
        a.add((node, MGO.sourceTable, table))
        typing = [(node, RDF.type, cls)]
        if rec["class"] == "DeliveryMode":
            # "In-person / Online / Hybrid" group the entries beneath them by how they are delivered.
            typing.append((node, SKOS.prefLabel, label))
            typing += self.in_scheme(node, "DeliveryMode")
        else:
            a.add((node, MGO.modelType, model_type))
        if schema.CLASS_EVIDENCE in rec:
            self.curate(file, rec, typing, rec[schema.CLASS_EVIDENCE])
        else:
            self.problem(
                file,
                rec,
                f"the class {rec['class']} of bullet {rec['id']!r} has no evidence",
                expected="'classEvidence' with 'evidence' (entry-name, table-parent, table-row with a 'quote'; "
                "cited-source with 'source' and 'quote'; or curator with the reason in 'note')",
            )
        if parent is not None:
            self.nesting(file, rec, node, parent)
        for i, child in enumerate(rec.get("children") or [], 1):
            self.entry(file, child, i, model_type, (node, rec["class"], label), table)

    def nesting(self, file: str, rec: Any, node: URIRef, parent: tuple[URIRef, str, Literal]) -> None:
        """What nesting `node` under `parent` means, by the reading data/vocabularies.yaml gives for the
        parent's class (part of an umbrella, delivered as a heading says); the quote is the parent's text."""
        parent_node, parent_class, parent_label = parent
        supers = self.vocabulary.superclasses(parent_class)
        reading = next((r for r in self.readings if supers & set(r["parentClasses"])), None)
        if reading is None:
            self.problem(
                file,
                rec,
                f"no reading in data/vocabularies.yaml for an entry nested under a {parent_class}",
                expected="a table-readings record whose parentClasses include " + parent_class,
            )
            return
        evidence = {"evidence": reading["evidence"], "quote": str(parent_label), "note": reading["note"]}
        self.curate(file, rec, [(node, MGO[reading["property"]], parent_node)], evidence)

    def concept(self, g: Graph, node: URIRef, cls: str, label: Literal) -> None:
        """A SKOS concept of class `cls`, in the scheme data/vocabularies.yaml gives that class."""
        g.add((node, RDF.type, MGO[cls]))
        g.add((node, RDFS.label, label))
        g.add((node, SKOS.prefLabel, label))
        for triple in self.in_scheme(node, cls):
            g.add(triple)

    def in_scheme(self, node: URIRef, cls: str) -> list[tuple]:
        """`node` skos:inScheme the concept scheme whose `members` are instances of `cls` (if any)."""
        scheme = self.scheme_of_class.get(cls)
        return [(node, SKOS.inScheme, MG[scheme])] if scheme is not None else []

    def vocabularies(self, file: str, doc: Any) -> None:
        """data/vocabularies.yaml: the concept schemes, the delivery modes' definitions, the evidence kinds."""
        sections = {"concept-schemes", "delivery-modes", "evidence-kinds", "table-readings"}
        if not self.keys(file, doc, sections, sections):
            return
        c = self.curation
        for rec in doc["concept-schemes"]:
            if not self.shape(file, rec, schema.CONCEPT_SCHEME):
                continue
            node = self.define(file, rec, rec["id"])
            if node is not None:
                c.add((node, RDF.type, SKOS.ConceptScheme))
                c.add((node, RDFS.label, Literal(rec["label"])))
                c.add((node, SKOS.definition, Literal(rec["definition"])))
        for rec in doc["delivery-modes"]:
            # The modes themselves are bullets of Table 1 (article graph); here only their definitions.
            if self.shape(file, rec, schema.DEFINITION):
                c.add((MG[rec["id"]], SKOS.definition, Literal(rec["definition"])))
        for rec in doc["evidence-kinds"]:
            if not self.shape(file, rec, schema.EVIDENCE_KIND):
                continue
            node = self.define(file, rec, rec["id"])
            if node is not None:
                self.evidence_kinds.add(rec["id"])
                self.concept(c, node, "EvidenceKind", Literal(rec["label"]))
                c.add((node, SKOS.definition, Literal(rec["definition"])))
        for rec in doc["table-readings"]:
            if not self.shape(file, rec, schema.TABLE_READING):
                continue
            if rec["property"] not in self.vocabulary.properties:
                self.problem(
                    file, rec, f"unknown property {rec['property']!r}", "property", expected="partOf or deliveryMode"
                )
                continue
            classes = rec["parentClasses"]
            if not isinstance(classes, list) or not all(c in self.vocabulary.classes for c in classes):
                self.problem(
                    file, rec, "'parentClasses' must list ontology classes", "parentClasses", value=repr(classes)
                )
                continue
            self.readings.append(rec)
