"""RDF contributions (Turtle, N-Triples, RDF/XML, and the triples JSON-LD gives): parsed with
pyoxigraph, which never fetches anything, then turned into one `Raw` record per subject, every term
outside the record shapes of schema.py refused. RDF/XML with a DOCTYPE is refused before parsing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .. import iris, schema
from ..problems import Problem, closest
from .records import MAX_FILE_BYTES, MAX_TRIPLES, Raw, Where


# -- RDF -----------------------------------------------------------------------------------------
def _prologue() -> str:
    return "".join(f"@prefix {p}: <{iri}> .\n" for p, iri in iris.PREFIXES.items())


def _oxigraph_problem(display: str, exc: SyntaxError, line_offset: int = 0) -> Problem:
    msg = str(exc)
    line = exc.lineno - line_offset if isinstance(exc.lineno, int) else None
    column = exc.offset if isinstance(exc.offset, int) else None
    if line is not None and line < 1:
        line = None
    # pyoxigraph puts the position into the message; the line there counts the prologue we added.
    if msg.startswith("Parser error at line ") and line is not None:
        msg = "syntax error: " + msg.split(": ", 1)[1] if ": " in msg else msg
    return Problem(
        display,
        msg if msg.startswith("syntax error") else f"syntax error: {msg}",
        line=line,
        column=column,
        expected="valid RDF in the file's format",
    )


def read_rdf(text: str, display: str, fmt: str) -> tuple[list | None, list[Problem]]:
    """Triples (pyoxigraph) of a Turtle, N-Triples or RDF/XML file, or the problems."""
    import pyoxigraph as ox

    offset = 0
    if fmt == "rdfxml":
        lowered = text[:MAX_FILE_BYTES].lower()
        for marker in ("<!doctype", "<!entity"):
            if marker in lowered:
                line = text[: lowered.index(marker)].count("\n") + 1
                return None, [
                    Problem(
                        display,
                        "RDF/XML with a DOCTYPE or entity declarations is refused "
                        "(entity expansion can exhaust memory)",
                        line=line,
                        expected="RDF/XML without <!DOCTYPE ...> and <!ENTITY ...>",
                    )
                ]
        format_ = ox.RdfFormat.RDF_XML
    elif fmt == "ntriples":
        format_ = ox.RdfFormat.N_TRIPLES
    else:
        # The project's prefixes are predeclared, so mg:, mgo:, rdfs:, skos: need no @prefix lines.
        prologue = _prologue()
        offset = prologue.count("\n")
        text = prologue + text
        format_ = ox.RdfFormat.TURTLE
    return _parse(display, lambda: ox.parse(text, format=format_, without_named_graphs=True), offset)


def _parse(display: str, parse: Callable[[], Any], offset: int = 0) -> tuple[list | None, list[Problem]]:
    triples = []
    try:
        for quad in parse():
            triples.append(quad.triple)
            if len(triples) > MAX_TRIPLES:
                return None, [Problem(display, "too many triples", expected=f"at most {MAX_TRIPLES:,} triples")]
    except SyntaxError as exc:
        return None, [_oxigraph_problem(display, exc, offset)]
    except (ValueError, RecursionError, UnicodeError) as exc:
        return None, [Problem(display, f"cannot parse: {exc}", expected="valid RDF")]
    return triples, []


# -- RDF triples to records ----------------------------------------------------------------------
_RDF = iris.PREFIXES["rdf"]
_RDFS = iris.PREFIXES["rdfs"]
_OWL = iris.PREFIXES["owl"]
_SKOS = iris.PREFIXES["skos"]
_DCT = iris.PREFIXES["dcterms"]
_SH = "http://www.w3.org/ns/shacl#"
_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
# Predicates a contributed entity may carry, and the record key each fills (schema.py's shapes).
_LINKS = {**schema.INITIATIVE_LINKS, **schema.ORGANIZATION_LINKS}
_VALUE_KEYS = ("label", "altLabels", "acronyms", "contributor", "source", "note", "website")
RDF_KEYS = {
    **{schema.PREDICATES[k]: k for k in _VALUE_KEYS},
    **{iris.MGO + link.property: key for key, link in _LINKS.items()},
}
# Namespaces whose terms a contribution may never describe (the ontology and the vocabularies it builds on).
_PROTECTED = (
    iris.MGO,
    iris.ONTOLOGY,
    _RDF,
    _RDFS,
    _OWL,
    _SKOS,
    _SH,
    iris.GRAPH,
    iris.STATEMENT,
    "http://www.w3.org/2001/XMLSchema#",
)


def _curie(iri: str) -> str:
    for p, ns in iris.PREFIXES.items():
        if iri.startswith(ns):
            return f"{p}:{iri[len(ns) :]}"
    return f"<{iri}>"


def rdf_records(
    triples: list, display: str, organization_classes: set[str], initiative_classes: set[str]
) -> tuple[list[Raw], list[Problem]]:
    """Contributed entities from RDF triples: one record per subject, every foreign term refused."""
    import pyoxigraph as ox

    problems: list[Problem] = []
    by_subject: dict[str, Raw] = {}

    def refuse(message: str, value: str, expected: str, suggestion: str | None = None) -> None:
        problems.append(Problem(display, message, value=value, expected=expected, suggestion=suggestion))

    for t in triples:
        s, p, o = t.subject, t.predicate, t.object
        sv, pv = s.value, p.value
        shown = f"{_curie(sv) if isinstance(s, ox.NamedNode) else '_:' + sv} {_curie(pv)}"
        if pv.startswith(_SH) or (isinstance(o, ox.NamedNode) and o.value.startswith(_SH)):
            refuse(
                f"{shown}: SHACL terms are not accepted in contributions",
                pv,
                "data about initiatives only; shapes live in ontology/shapes.ttl",
            )
            continue
        if pv.startswith(_OWL) or (pv == _RDF + "type" and isinstance(o, ox.NamedNode) and o.value.startswith(_OWL)):
            refuse(
                f"{shown}: OWL terms such as owl:sameAs and owl:imports are not accepted in contributions "
                "(under OWL RL they would merge or import whole graphs)",
                pv,
                "data about initiatives only; links to other datasets go in 'mappings' (skos:exactMatch)",
            )
            continue
        if isinstance(s, ox.NamedNode) and (s.value.startswith(_PROTECTED) or not s.value.startswith(iris.MG)):
            why = (
                "redefines an ontology or vocabulary term"
                if s.value.startswith(_PROTECTED)
                else "is not a mentorgraph id"
            )
            refuse(
                f"{shown}: subject <{sv}> {why}",
                sv,
                "contributed entities named mg:<id> (or blank nodes, which get an id from their name)",
            )
            continue
        if isinstance(o, ox.BlankNode):
            refuse(
                f"{shown}: a blank node as a value is not accepted",
                "_:" + o.value,
                "the id (mg:...) or name of an entity",
            )
            continue
        key = "class" if pv == _RDF + "type" else RDF_KEYS.get(pv)
        if key is None:
            hint = closest(_curie(pv), [_curie(k) for k in RDF_KEYS])
            refuse(
                f"{shown}: property not accepted in contributions",
                _curie(pv),
                "one of " + ", ".join(sorted(_curie(k) for k in RDF_KEYS)),
                hint[0] if hint else None,
            )
            continue
        raw = by_subject.get(str(s))
        if raw is None:
            label = _curie(sv) if isinstance(s, ox.NamedNode) else f"_:{sv}"
            raw = by_subject[str(s)] = Raw("initiative", display, Where(None, None, label))
            if isinstance(s, ox.NamedNode):
                raw.values["id"] = sv[len(iris.MG) :]
        if isinstance(o, ox.Literal):
            if o.language or o.datatype.value != _XSD_STRING:
                refuse(f"{shown}: {o} must be plain text", str(o), "a string without language tag or datatype")
                continue
            value = o.value
        elif key in ("website", "source") or key in LINK or key == "class":
            value = o.value
        else:
            refuse(f"{shown}: expected text, got the IRI <{o.value}>", o.value, "a string")
            continue
        if key == "class":
            if (
                not value.startswith(iris.MGO)
                or value[len(iris.MGO) :] not in organization_classes | initiative_classes
            ):
                local = value.removeprefix(iris.MGO)
                hint = closest(local, sorted(organization_classes | initiative_classes))
                refuse(
                    f"{shown}: unknown class {_curie(value)}",
                    value,
                    "an initiative or organization class of the ontology, such as mgo:Program",
                    f"mgo:{hint[0]}" if hint else None,
                )
                continue
            local = value[len(iris.MGO) :]
            if local in organization_classes:
                raw.kind = "organization"
            if "class" in raw.values and raw.values["class"] != local:
                refuse(f"{shown}: two classes ({raw.values['class']}, {local})", local, "one class per entity")
                continue
            raw.values["class"] = local
        elif key in _MANY:
            raw.values.setdefault(key, []).append(value)
        elif key in raw.values:
            refuse(f"{shown}: more than one value", value, f"one {key}")
        else:
            raw.values[key] = value
    raws = list(by_subject.values())
    for raw in raws:
        for values in raw.values.values():
            if isinstance(values, list):
                values.sort()
    if not raws and not problems:
        problems.append(Problem(display, "no contributed entities found", expected="at least one initiative"))
    return sorted(raws, key=lambda r: r.where.label), problems


LINK = set(_LINKS)
_MANY = schema.MANY_KEYS
