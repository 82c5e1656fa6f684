"""The NIH activity codes of data/nih-activity-codes.yaml as a SKOS vocabulary, each text with its source.

NIH publishes no IRIs for its activity codes, so each code is a mentorgraph concept
(https://w3id.org/mentorgraph/id/nih-activity-code-k01): a skos:Concept in the scheme
mg:nih-activity-codes and, as the ontology defines the class ("A kind of grant defined by a funder,
such as an NIH activity code"), a mgo:FundingMechanism, so a grant entry names its codes with
mgo:fundingMechanism. The codes carry no mgo:mechanismOf: the scheme names NIH as its publisher
(dcterms:publisher), and the reasoner infers no new funder from them.

Every label, alternative label, definition and scope note is NIH's own wording: the record gives the
text, the page it comes from (`source`) and the words printed there (`quote`), which must contain the
text verbatim; the code (`notation`) must appear in the label's quote. Each triple is curated with that
quote and source as its evidence (kind cited-source).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rdflib import Literal
from rdflib.namespace import DCTERMS, RDF, RDFS, SKOS

from .. import schema
from ..namespaces import MGO

if TYPE_CHECKING:
    from ..pipeline.records import Builder

EVIDENCE_KIND = "cited-source"
# Record key -> the SKOS property its quoted texts stand for.
TEXT_PROPERTIES = {"altLabels": SKOS.altLabel, "definition": SKOS.definition, "scopeNote": SKOS.scopeNote}


def _evidence(rec: Any) -> dict:
    """The evidence record the loader's curate() takes, from a quoted text."""
    ev = {"evidence": EVIDENCE_KIND, "source": rec["source"], "quote": rec["quote"]}
    if rec.get("note"):
        ev["note"] = rec["note"]
    return ev


def _verbatim(b: Builder, file: str, rec: Any, key: str, text: Any, quote: Any) -> bool:
    """Whether `text` occurs verbatim in `quote` (a problem is recorded if not)."""
    if isinstance(text, str) and isinstance(quote, str) and text.strip() and text in quote:
        return True
    b.problem(
        file,
        rec,
        f"the {key} is not NIH's wording as quoted",
        key,
        value=str(text),
        expected="a text that occurs verbatim in 'quote' (the words printed on the 'source' page)",
    )
    return False


def _quoted(b: Builder, file: str, owner: Any, key: str, rec: Any, notation: str | None = None) -> dict | None:
    """A checked quoted text: its shape, an http(s) source, and the text (and code) inside the quote."""
    if not b.shape(file, rec, schema.QUOTED_TEXT):
        return None
    if b.iri(file, rec, "source") is None:
        return None
    if not _verbatim(b, file, rec, key, rec["text"], rec["quote"]):
        return None
    if notation is not None and notation not in rec["quote"]:
        b.problem(
            file,
            owner,
            f"the code {notation!r} does not appear in the quote its label comes from",
            "notation",
            value=notation,
            expected="the label's quote as NIH prints it, code included",
        )
        return None
    return rec


def load_activity_codes(b: Builder, file: str, doc: Any) -> None:
    """The loader's handler for data/nih-activity-codes.yaml: the scheme, then each code."""
    if not b.keys(file, doc, {"scheme", "codes"}, {"scheme", "codes"}):
        return
    rec = doc["scheme"]
    if not b.shape(file, rec, schema.ACTIVITY_CODE_SCHEME):
        return
    scheme = b.define(file, rec, rec["id"])
    publisher = b.ref(file, rec, "publisher", rec["publisher"])
    if scheme is None or publisher is None or b.iri(file, rec, "source") is None:
        return
    if not _verbatim(b, file, rec, "definition", rec["definition"], rec["quote"]):
        return
    scheme_ev = _evidence(rec)
    b.curate(
        file,
        scheme_ev,
        [
            (scheme, RDF.type, SKOS.ConceptScheme),
            (scheme, RDFS.label, Literal(rec["label"])),
            (scheme, SKOS.definition, Literal(rec["definition"])),
            (scheme, DCTERMS.publisher, publisher),
        ],
    )
    for code in doc["codes"] or []:
        if not b.shape(file, code, schema.ACTIVITY_CODE):
            continue
        node = b.define(file, code, code["id"])
        notation = code["notation"]
        label = _quoted(b, file, code, "label", code["label"], notation=str(notation))
        if node is None or label is None:
            continue
        b.curate(file, scheme_ev, [(node, RDF.type, SKOS.Concept), (node, RDF.type, MGO.FundingMechanism)])
        b.curate(file, scheme_ev, [(node, SKOS.inScheme, scheme)])
        text = Literal(label["text"])
        b.curate(
            file,
            _evidence(label),
            [(node, SKOS.notation, Literal(str(notation))), (node, RDFS.label, text), (node, SKOS.prefLabel, text)],
        )
        for key, prop in TEXT_PROPERTIES.items():
            values = code.get(key, [])
            for value in values if isinstance(values, list) else [values]:
                quoted = _quoted(b, file, code, key, value)
                if quoted is not None:
                    b.curate(file, _evidence(quoted), [(node, prop, Literal(quoted["text"]))])
