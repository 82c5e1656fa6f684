"""A contributed record's `mappings:` (links to other datasets), checked like every other value.

Each mapping is a record of schema.MAPPING (predicate, iri and evidence). Its values go through
the same checks as the record's own (clean.py: length, characters, IRI syntax by the store's
parser), its evidence follows the same rule (a source, or a note saying why), and no mapping may
make two entities one: a mapping's IRI is never mentorgraph's own (an existing or contributed
entity, however the IRI is spelt), and an equality mapping (exactMatch, sameAs) never targets an IRI
that another entity is already equal to (skos:exactMatch is transitive and symmetric: the two would
become one).
"""

from __future__ import annotations

from typing import Any

from .. import schema
from ..problems import Problem, closest
from . import clean
from .records import Raw, value_words

# Mapping predicates that state equality (SKOS: exactMatch is transitive; schema:sameAs is identity).
EQUALITY = frozenset({"exactMatch", "sameAs"})
CONTRIBUTED_EVIDENCE = ("cited-source", "curator")


def _at(raw: Raw, rec: Any, key: str | None) -> tuple[int | None, int | None]:
    lines = getattr(rec, "key_lines", {}) or {}
    line = lines.get(key) if key else None
    return line or getattr(rec, "line", None) or raw.at("mappings").line, raw.at("mappings").column


def check_mappings(
    raw: Raw, value: Any, equal_targets: dict[str, str], slug_hint: str
) -> tuple[list[dict] | None, list[Problem]]:
    """The record's mappings, normalized (evidence filled in), or None and the problems.

    `equal_targets` maps IRIs that entities are already equal to (exactMatch/sameAs) to those
    entities' ids; a mapping accepted here is added to it, so a batch cannot make two of its own
    records equal either.
    """
    problems: list[Problem] = []

    def problem(rec: Any, key: str | None, message: str, **kw: Any) -> None:
        line, column = _at(raw, rec, key)
        problems.append(Problem(raw.file, message, line=line, column=column, **kw))

    if not isinstance(value, list):
        problem(None, None, "'mappings' must be a list of mappings", expected="a list of {predicate, iri, source}")
        return None, problems
    if len(value) > clean.MAX_MAPPINGS:
        problem(None, None, f"{len(value)} mappings", expected=f"at most {clean.MAX_MAPPINGS} mappings per record")
        return None, problems
    out: list[dict] = []
    allowed = schema.MAPPING.allowed
    for i, rec in enumerate(value, 1):
        where = f"mapping {i}: "
        if not isinstance(rec, dict):
            problem(rec, None, where + "expected a mapping {predicate, iri, source}", value=repr(rec)[:80])
            continue
        ok = True
        for key, v in rec.items():
            if key not in allowed:
                hint = closest(str(key), allowed)
                problem(
                    rec,
                    key,
                    where + f"unknown key {key!r}",
                    value=str(key)[:80],
                    expected="one of " + ", ".join(sorted(allowed)),
                    suggestion=hint[0] if hint else None,
                )
                ok = False
                continue
            words = value_words(key, v)
            if words:
                problem(rec, key, where + words.pop("message"), **words)
                ok = False
        if not ok:
            continue
        mapping = {k: v.strip() for k, v in rec.items()}
        predicate, iri = mapping.get("predicate"), mapping.get("iri")
        if predicate not in schema.MAPPING_PREDICATES:
            hint = closest(str(predicate), schema.MAPPING_PREDICATES)
            problem(
                rec,
                "predicate",
                where + (f"unknown mapping predicate {predicate!r}" if predicate else "no predicate"),
                value=str(predicate),
                expected="one of " + ", ".join(schema.MAPPING_PREDICATES),
                suggestion=hint[0] if hint else None,
            )
            continue
        if not iri:
            problem(rec, "iri", where + "no iri", expected="the IRI of the matching entry in another dataset")
            continue
        if clean.in_project(iri):
            problem(
                rec,
                "iri",
                where + f"{iri} is mentorgraph's own IRI; a mapping links to another dataset, and a contribution "
                "cannot make one of mentorgraph's entities equal or related to another",
                value=iri,
                expected="the IRI of an entry in another dataset (ROR, Wikidata, MeSH, ...)",
            )
            continue
        if predicate in EQUALITY and equal_targets.get(iri, slug_hint) != slug_hint:
            problem(
                rec,
                "iri",
                where + f"{predicate} {iri} would make this record equal to {equal_targets[iri]!r}, "
                "which already matches that IRI",
                value=iri,
                expected="an IRI no other entity is equal to (is this a duplicate of that entity?)",
            )
            continue
        evidence = mapping.get("evidence") or ("cited-source" if mapping.get("source") else None)
        evidence = evidence or ("curator" if mapping.get("note") else None)
        if evidence not in CONTRIBUTED_EVIDENCE or (evidence == "cited-source" and not mapping.get("source")):
            problem(
                rec,
                "evidence",
                where + ("no evidence" if evidence is None else f"evidence {evidence!r} cannot be contributed"),
                expected="a source (a URL or citation) or, failing that, a note saying how you know",
            )
            continue
        if evidence == "curator" and not mapping.get("note"):
            problem(rec, "note", where + "curator evidence needs a note", expected="a note saying how you know")
            continue
        mapping["evidence"] = evidence
        if predicate in EQUALITY:
            equal_targets[iri] = slug_hint
        out.append({k: mapping[k] for k in schema.MAPPING.keys if mapping.get(k)})
    return (out if not problems else None), problems
