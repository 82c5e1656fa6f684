"""Write proposed mappings as SSSOM TSV or Turtle, and accept confident ones into data/.

SSSOM (Simple Standard for Sharing Ontological Mappings, https://mapping-commons.github.io/sssom/):
a TSV table with a YAML metadata block in `#` comment lines. Columns here: the required
subject_id, predicate_id, object_id, mapping_justification, plus labels, confidence, the names that
matched and a comment naming the evidence. As issue 5 asks, subject_id and object_id are full IRIs
(the ROR IRI https://ror.org/...); predicate and justification are CURIEs declared in curie_map.

Rows are sorted and carry no timestamp, so the same inputs give byte-identical files.

sssom-py (0.4.21) reads these files and finds them valid against the SSSOM JSON schema; its own
writer gives the same mappings with the metadata condensed differently (constant columns moved into
the header, more prefixes declared), and it brings 100 packages (LinkML, pandas, ~390 MB) for a
20-line job, so the file is written here. CURIEs go through `curies` (the library sssom-py itself
uses): every CURIE in a row must expand with the file's own curie_map, and IRIs compress with it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from .. import datafiles, iris
from ..atomic import atomic_write
from .reconcile import Mapping

COLUMNS = (
    "subject_id",
    "subject_label",
    "predicate_id",
    "object_id",
    "object_label",
    "mapping_justification",
    "confidence",
    "subject_match_field",
    "object_match_field",
    "match_string",
    "comment",
)
CURIE_MAP = {
    "mg": iris.MG,
    "ror": iris.PREFIXES["ror"],
    "rdfs": iris.PREFIXES["rdfs"],
    "skos": iris.PREFIXES["skos"],
    "semapv": "https://w3id.org/semapv/vocab/",
}
# The data licence stated in pyproject.toml ("CC BY 4.0 (data and ontology)").
LICENSE = "https://creativecommons.org/licenses/by/4.0/"


def converter():
    """The CURIE converter of the files' curie_map (curies.Converter)."""
    import curies

    return curies.Converter.from_prefix_map(CURIE_MAP)


def _check_curies(mappings: list[Mapping]) -> None:
    """Every CURIE column of every row expands with the curie_map (ValueError naming the row if not)."""
    conv = converter()
    for m in mappings:
        for column in ("predicate_id", "mapping_justification", "subject_match_field", "object_match_field"):
            value = getattr(m, column)
            if value and conv.expand(value) is None:
                raise ValueError(f"{m.subject_id}: {column} {value!r} is not a CURIE of the curie_map")


def _cell(value: Any) -> str:
    # TSV has no quoting: tabs and newlines inside a value would break the row.
    return str(value).replace("\t", " ").replace("\r", " ").replace("\n", " ")


def render_sssom(mappings: list[Mapping], set_name: str, title: str) -> bytes:
    """An SSSOM TSV document for `mappings` (sorted by subject, then confidence, then object)."""
    meta = {
        "curie_map": CURIE_MAP,
        "mapping_set_id": f"{iris.BASE}mappings/{set_name}",
        "mapping_set_title": title,
        "license": LICENSE,
        "subject_source": iris.BASE,
        "object_source": iris.PREFIXES["ror"],
        "mapping_tool": "mentorgraph link ror",
    }
    _check_curies(mappings)
    header = yaml.safe_dump(meta, allow_unicode=True, sort_keys=False, width=4096)
    lines = ["# " + line for line in header.splitlines()]
    lines.append("\t".join(COLUMNS))
    for m in sort_mappings(mappings):
        lines.append("\t".join(_cell(getattr(m, c)) for c in COLUMNS))
    return ("\n".join(lines) + "\n").encode("utf-8")


def sort_mappings(mappings: list[Mapping]) -> list[Mapping]:
    """Mappings in the files' order: by subject, higher confidence first, then object."""
    return sorted(mappings, key=lambda m: (m.subject_id, -m.confidence, m.object_id))


def _turtle_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r") + '"'


def render_turtle(mappings: list[Mapping], title: str) -> bytes:
    """The mappings as skos:exactMatch triples, each preceded by a comment with its evidence."""
    conv = converter()
    lines = [f"# {title}", f"@prefix mg: <{iris.MG}> .", f"@prefix skos: <{iris.PREFIXES['skos']}> .", ""]
    for m in sort_mappings(mappings):
        lines.append(f"# confidence {m.confidence}: {_cell(m.comment)}")
        lines.append(f"{conv.compress(m.subject_id, passthrough=True)} skos:exactMatch <{m.object_id}> .")
    return ("\n".join(lines) + "\n").encode("utf-8")


def write_mappings(path: Path, mappings: list[Mapping], fmt: str, set_name: str, title: str) -> None:
    """Write mappings as SSSOM TSV or Turtle (by `fmt`) atomically."""
    data = render_turtle(mappings, title) if fmt == "ttl" else render_sssom(mappings, set_name, title)
    atomic_write(path, data)


# -- accepting into curated data ------------------------------------------------------------------
def accept(root: Path, mappings: list[Mapping]) -> list[tuple[str, str]]:
    """Add each confident mapping to its organization in data/organizations.yaml; return what was added.

    A mapping already curated (same predicate and IRI) is left alone, so accepting twice is harmless.
    Evidence: the ROR record (its IRI as source) and a note naming the input and what matched.
    """
    doc = datafiles.plain(datafiles.read(root, datafiles.ORGANIZATIONS))
    by_slug = {rec["id"]: rec for rec in doc.get("organizations") or [] if isinstance(rec, dict) and "id" in rec}
    added = []
    for m in sort_mappings([m for m in mappings if m.confident]):
        rec = by_slug.get(m.slug)
        if rec is None:
            continue
        existing = rec.setdefault("mappings", [])
        if any(e.get("predicate") == "exactMatch" and e.get("iri") == m.object_id for e in existing):
            continue
        existing.append(
            {
                "predicate": "exactMatch",
                "iri": m.object_id,
                "evidence": "ror-record",
                "source": m.object_id,
                "note": f"Accepted from `mentorgraph link ror` ({Path(m.source).name}): {m.comment}.",
            }
        )
        added.append((m.slug, m.object_id))
    if added:
        datafiles.write(root, {datafiles.ORGANIZATIONS: datafiles.dump(doc)})
    return added
