"""The shapes of the records in data/, stated once: used by the loader and by contributions alike.

A shape names a record's keys (in canonical order), the required ones, the ones that hold a single
value, and for each key the ontology property (or other vocabulary term) it stands for; a link key
also names the class its target must have. Which classes a record may take is never listed here:
`Vocabulary` derives it from the ontology (rdfs:subClassOf), so a class added to
ontology/mentorgraph.ttl is accepted everywhere at once.

Only strings are used (no rdflib), so the cheap paths that read shapes stay cheap.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from . import iris

_SKOS = iris.PREFIXES["skos"]
_RDFS = iris.PREFIXES["rdfs"]
_DCT = iris.PREFIXES["dcterms"]

# The one slug rule: kebab-case ASCII, single hyphens between runs of lowercase letters and digits.
SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
MAX_SLUG = 100


MINTED_SLUG = 60  # ids made from names are cut at a hyphen near this length


def is_slug(text: Any) -> bool:
    """Whether `text` is a valid id (a curated slug) of data/."""
    return isinstance(text, str) and len(text) <= MAX_SLUG and SLUG.fullmatch(text) is not None


def slugify(name: str) -> str:
    """A valid id made from a name (ASCII, kebab-case); names with no Latin letters get a stable hash."""
    text = unicodedata.normalize("NFKD", name)
    text = "".join(c for c in text if not unicodedata.combining(c)).replace("'", "").replace("\u2019", "")
    text = re.sub(r"[^a-z0-9]+", "-", text.casefold().encode("ascii", "ignore").decode("ascii")).strip("-")
    if len(text) > MINTED_SLUG:
        text = text[:MINTED_SLUG].rsplit("-", 1)[0] or text[:MINTED_SLUG]
    if not text:
        text = "initiative-" + hashlib.sha256(name.encode("utf-8")).hexdigest()[:10]
    return text


@dataclass(frozen=True)
class Link:
    """A key whose values name other entities: the property it stands for and the target's class."""

    property: str  # local name in mgo:
    target: str  # the class (local name in mgo:) the target must be an instance of
    words: str  # the kind of target in words, for messages


@dataclass(frozen=True)
class Shape:
    """The keys of one kind of record, in canonical order."""

    name: str
    keys: tuple[str, ...]
    required: frozenset[str]
    single: frozenset[str] = frozenset()
    links: dict[str, Link] = field(default_factory=dict)
    root_class: str | None = None  # records of this shape are instances of this class or a subclass

    @property
    def allowed(self) -> frozenset[str]:
        """The keys a record of this shape may have."""
        return frozenset(self.keys)


# The evidence every curated record carries (data/README.md, "Evidence").
EVIDENCE_KEYS = ("evidence", "quote", "source", "note")
# Evidence for one part of a record only: `classEvidence` says why a record has its class (a class is a
# curator's reading, not something the table or a ROR record states), with these keys.
CLASS_EVIDENCE = "classEvidence"
# Label properties a statement of data/curation.yaml may set besides the ontology's own properties:
# a distinct preferred name (an umbrella's, beside the table's text) and an alternative name with evidence.
LABEL_PREDICATES = {"prefLabel": _SKOS + "prefLabel", "altLabel": _SKOS + "altLabel"}
# Links to other datasets. Never owl:sameAs: under OWL RL equality would copy every statement.
MAPPING_PREDICATES = {
    "exactMatch": _SKOS + "exactMatch",
    "closeMatch": _SKOS + "closeMatch",
    "broadMatch": _SKOS + "broadMatch",
    "narrowMatch": _SKOS + "narrowMatch",
    "relatedMatch": _SKOS + "relatedMatch",
    "sameAs": iris.PREFIXES["schema"] + "sameAs",
}
# The term each value key of a record stands for (full IRIs), shared by the loader and the RDF reader.
PREDICATES = {
    "label": _RDFS + "label",
    "altLabels": _SKOS + "altLabel",
    "acronyms": iris.MGO + "acronym",
    "website": iris.MGO + "website",
    "contributor": _DCT + "contributor",
    "definition": _SKOS + "definition",
    "quote": iris.MGO + "evidenceQuote",
    "source": _DCT + "source",
    "note": iris.MGO + "curationNote",
}

INITIATIVE_LINKS = {
    "modelType": Link("modelType", "MentoringModelType", "mentoring type"),
    "partOf": Link("partOf", "Initiative", "parent program"),
    "offeredBy": Link("offeredBy", "Organization", "organization"),
    "fundedBy": Link("fundedBy", "Organization", "organization"),
    "affiliatedWith": Link("affiliatedWith", "Organization", "organization"),
    "targetPopulation": Link("targetPopulation", "Population", "population"),
    "deliveryMode": Link("deliveryMode", "DeliveryMode", "delivery mode"),
    "hostedOn": Link("hostedOn", "Platform", "platform"),
}
ORGANIZATION_LINKS = {"parent": Link("parentOrganization", "Organization", "organization")}

EVIDENCE = Shape("evidence", EVIDENCE_KEYS, frozenset({"evidence"}))
MAPPING = Shape("mapping", ("predicate", "iri", *EVIDENCE_KEYS), frozenset({"predicate", "iri", "evidence"}))
STATEMENT = Shape(
    "statement",
    ("subject", "predicate", "object", "value", "iri", *EVIDENCE_KEYS),
    frozenset({"subject", "predicate", "evidence"}),
)
INITIATIVE = Shape(
    "initiative",
    ("id", "class", "label", "altLabels", "acronyms", *INITIATIVE_LINKS, "website", "contributor", "mappings")
    + EVIDENCE_KEYS,
    frozenset({"id", "class", "label", "modelType", "evidence"}),
    frozenset({"id", "class", "label", "modelType", "deliveryMode", "website", "contributor", *EVIDENCE_KEYS}),
    INITIATIVE_LINKS,
    "Initiative",
)
ORGANIZATION = Shape(
    "organization",
    ("id", "class", "label", "altLabels", "acronyms", "parent", "mappings", *EVIDENCE_KEYS, CLASS_EVIDENCE),
    frozenset({"id", "class", "label", "evidence"}),
    frozenset({"id", "class", "label", "parent", *EVIDENCE_KEYS, CLASS_EVIDENCE}),
    ORGANIZATION_LINKS,
    "Organization",
)
# A population's evidence is for its place in the hierarchy (its `broader` populations).
POPULATION = Shape(
    "population",
    ("id", "label", "altLabels", "broader", "definition", "mappings", *EVIDENCE_KEYS),
    frozenset({"id", "label", "definition"}),
    root_class="Population",
)
PLATFORM = Shape(
    "platform",
    ("id", "class", "label", "operatedBy", *EVIDENCE_KEYS),
    frozenset({"id", "class", "label", "evidence"}),
    links={"operatedBy": Link("operatedBy", "Company", "company")},
    root_class="Platform",
)
# An initiative the table names inside a bullet that names several (data/entities.yaml).
NAMED_INITIATIVE = Shape(
    "named initiative",
    ("id", "class", "label", "altLabels", *EVIDENCE_KEYS, CLASS_EVIDENCE),
    frozenset({"id", "class", "label", "evidence"}),
    root_class="Initiative",
)
FUNDING_MECHANISM = Shape(
    "funding mechanism",
    ("id", "label", "definition", "mechanismOf", "mappings", *EVIDENCE_KEYS),
    frozenset({"id", "label", "definition", "mechanismOf", "evidence"}),
    links={"mechanismOf": Link("mechanismOf", "Organization", "organization")},
)
# The NIH activity codes (data/nih-activity-codes.yaml): a concept scheme and its codes, every text
# NIH's own words, each with the page it is quoted from (`source`) and the words printed there (`quote`).
ACTIVITY_CODE_SCHEME = Shape(
    "activity-code scheme",
    ("id", "label", "definition", "publisher", "source", "quote"),
    frozenset({"id", "label", "definition", "publisher", "source", "quote"}),
    links={"publisher": Link("publisher", "Organization", "organization")},
)
ACTIVITY_CODE = Shape(
    "activity code",
    ("id", "notation", "label", "altLabels", "definition", "scopeNote"),
    frozenset({"id", "notation", "label"}),
)
QUOTED_TEXT = Shape("quoted text", ("text", "source", "quote", "note"), frozenset({"text", "source", "quote"}))
# Table 1 itself (data/table1.yaml).
TABLE = Shape(
    "table",
    ("id", "label", "title", "footnote", "source", "columns"),
    frozenset({"id", "label", "title", "footnote", "source", "columns"}),
)
TABLE_ROW = Shape(
    "type",
    ("id", "label", "examples", "strengths", "weaknesses"),
    frozenset({"id", "label", "examples", "strengths", "weaknesses"}),
)
# A bullet's classEvidence is required too; the loader checks it apart, so that a bullet without one is
# still defined (statements about it stay valid) and only its class is refused.
TABLE_ENTRY = Shape("entry", ("id", "label", "class", CLASS_EVIDENCE, "children"), frozenset({"id", "label", "class"}))
# How the curators read the table's nesting (data/vocabularies.yaml): an entry nested under a bullet of
# one of `parentClasses` gets `property` pointing at that bullet, with this evidence.
TABLE_READING = Shape(
    "table reading",
    ("property", "parentClasses", "evidence", "note"),
    frozenset({"property", "parentClasses", "evidence", "note"}),
)
TABLE_ATTRIBUTE = Shape("attribute", ("id", "label"), frozenset({"id", "label"}))
# A concept scheme names the class its concepts are instances of (`members`), so no Python lists them.
CONCEPT_SCHEME = Shape(
    "concept scheme", ("id", "label", "definition", "members"), frozenset({"id", "label", "definition"})
)
EVIDENCE_KIND = Shape("evidence kind", ("id", "label", "definition"), frozenset({"id", "label", "definition"}))
DEFINITION = Shape("definition", ("id", "definition"), frozenset({"id", "definition"}))

# Keys that may hold several values (a list), in records of every shape.
MANY_KEYS = frozenset(set(INITIATIVE.keys) - INITIATIVE.single - {"mappings"})
# Keys holding a name: one line of text.
ONE_LINE_KEYS = frozenset(
    {"id", "class", "label", "altLabels", "acronyms", "website", "contributor", "source"}
    | set(INITIATIVE_LINKS)
    | set(ORGANIZATION_LINKS)
)


class Vocabulary:
    """The ontology's classes and properties, and each class's subclasses, derived from its axioms.

    Built from (subject, rdfs:subClassOf, object) and (term, rdf:type, kind) pairs as IRI strings,
    so it works over an rdflib graph or any other triple source.
    """

    def __init__(self, types: list[tuple[str, str]], subclass_of: list[tuple[str, str]]):
        owl = iris.PREFIXES["owl"]
        self.classes = sorted({_local(s) for s, o in types if o == owl + "Class" and _local(s)})
        properties = {owl + k for k in ("ObjectProperty", "DatatypeProperty", "AnnotationProperty")}
        self.properties = sorted({_local(s) for s, o in types if o in properties and _local(s)})
        parents: dict[str, set[str]] = {c: set() for c in self.classes}
        for s, o in subclass_of:
            if _local(s) and _local(o):
                parents.setdefault(_local(s), set()).add(_local(o))
        self.supers: dict[str, set[str]] = {}
        for c in parents:
            closure, todo = set(), [c]
            while todo:
                x = todo.pop()
                if x not in closure:
                    closure.add(x)
                    todo.extend(parents.get(x, ()))
            self.supers[c] = closure

    @classmethod
    def from_graph(cls, graph: Any) -> Vocabulary:
        """The vocabulary of an rdflib graph holding the ontology."""
        rdf_type = iris.PREFIXES["rdf"] + "type"
        sub = _RDFS + "subClassOf"
        types, subs = [], []
        for s, p, o in graph:
            if str(p) == rdf_type:
                types.append((str(s), str(o)))
            elif str(p) == sub:
                subs.append((str(s), str(o)))
        return cls(types, subs)

    def subclasses(self, name: str) -> list[str]:
        """`name` and every class below it, sorted."""
        return sorted(c for c, s in self.supers.items() if name in s)

    def superclasses(self, name: str) -> set[str]:
        """`name` and every mgo: class above it."""
        return set(self.supers.get(name, {name}))


def _local(iri: str) -> str | None:
    """The local name of an mgo: term, or None for any other IRI."""
    return iri[len(iris.MGO) :] if iri.startswith(iris.MGO) and len(iri) > len(iris.MGO) else None
