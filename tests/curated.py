"""The curated records of data/*.yaml as plain YAML, walked the same way by every data test.

A data test states one curation rule and checks it over every record; these helpers list the records
(and the evidence each carries) so that no test walks the files its own way. Plain PyYAML on purpose:
the rules are about what a curator wrote, independently of the loader that turns it into triples.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from functools import cache
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from conftest import FIXTURES, ROOT

DATA = ROOT / "data"
ROR_FIXTURES = FIXTURES / "linking" / "ror"
# The ROR data release the records in tests/fixtures/linking/ror were read from (PROVENANCE.md there:
# ror-community/ror-records at the commit tagged v2.9).
ROR_RELEASE = "v2.9"
ARTICLE_DOI = "https://doi.org/10.1136/jim-2020-001391"


_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@cache
def load(name: str) -> Any:
    """One data file as plain YAML ({} when an optional file is absent); read once, never to be changed."""
    path = DATA / name
    return yaml.load(path.read_text(encoding="utf-8"), Loader=_LOADER) if path.exists() else {}


def entries(examples: list[dict]) -> Iterator[dict]:
    """Every bullet of an examples column, nested ones included, in table order."""
    for e in examples:
        yield e
        yield from entries(e.get("children", []))


@dataclass(frozen=True)
class Bullet:
    """A bullet of Table 1 with what encloses it: its row and the bullet it is nested under."""

    record: dict
    row: dict
    parent: dict | None

    @property
    def id(self) -> str:
        return self.record["id"]

    @property
    def label(self) -> str:
        return self.record["label"]


def bullets() -> list[Bullet]:
    """Every bullet of data/table1.yaml's examples columns."""
    out: list[Bullet] = []

    def walk(examples: list[dict], row: dict, parent: dict | None) -> None:
        for e in examples:
            out.append(Bullet(e, row, parent))
            walk(e.get("children", []), row, e)

    for row in load("table1.yaml")["types"]:
        walk(row["examples"], row, None)
    return out


def statements() -> list[dict]:
    """The statements of data/curation.yaml."""
    return load("curation.yaml")["statements"]


def organizations() -> list[dict]:
    return load("organizations.yaml")["organizations"]


def named_initiatives() -> list[dict]:
    """Initiatives a bullet names beside another (data/entities.yaml)."""
    return load("entities.yaml").get("initiatives", [])


@dataclass(frozen=True)
class Evidence:
    """One evidence record: where it is, what it is about, and its keys (evidence, quote, source, note)."""

    where: str
    subject: str
    about: str  # the property or key it supports ("class", "mapping <iri>", a predicate, "record")
    record: dict

    @property
    def kind(self) -> str | None:
        return self.record.get("evidence")

    def __str__(self) -> str:
        return f"{self.where}: {self.subject} {self.about}"


def evidence_records() -> list[Evidence]:
    """Every record of data/ that carries evidence (mapping-review.yaml's candidates included)."""
    out: list[Evidence] = []
    for b in bullets():
        out.append(Evidence("data/table1.yaml", b.id, "class", b.record.get("classEvidence") or {}))
    for o in organizations():
        out.append(Evidence("data/organizations.yaml", o["id"], "record", o))
        if "classEvidence" in o:
            out.append(Evidence("data/organizations.yaml", o["id"], "class", o["classEvidence"]))
        out += [Evidence("data/organizations.yaml", o["id"], f"mapping {m['iri']}", m) for m in o.get("mappings", [])]
    for p in load("populations.yaml")["populations"]:
        if "evidence" in p or p.get("broader"):
            out.append(Evidence("data/populations.yaml", p["id"], "broader", p))
        out += [Evidence("data/populations.yaml", p["id"], f"mapping {m['iri']}", m) for m in p.get("mappings", [])]
    ents = load("entities.yaml")
    for section in ("platforms", "funding-mechanisms", "initiatives"):
        for r in ents.get(section, []):
            out.append(Evidence("data/entities.yaml", r["id"], "record", r))
            if "classEvidence" in r:
                out.append(Evidence("data/entities.yaml", r["id"], "class", r["classEvidence"]))
    for s in statements():
        about = s["predicate"] + " " + str(s.get("object", s.get("value", s.get("iri"))))
        out.append(Evidence("data/curation.yaml", s["subject"], about, s))
    for r in load("contributions.yaml").get("initiatives", []) or []:
        out.append(Evidence("data/contributions.yaml", r["id"], "record", r))
        out += [Evidence("data/contributions.yaml", r["id"], f"mapping {m['iri']}", m) for m in r.get("mappings", [])]
    for c in load("mapping-review.yaml").get("candidates", []):
        out.append(Evidence("data/mapping-review.yaml", c["subject"], f"candidate {c['iri']}", c))
    return out


def ror_record(ror_iri: str) -> dict | None:
    """The ROR record (JSON, schema v1 or v2) of tests/fixtures/linking/ror for a ROR IRI."""
    path = ROR_FIXTURES / (ror_iri.rsplit("/", 1)[-1] + ".json")
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else None


def ror_names(record: dict) -> set[str]:
    """Every name a ROR record gives (display name, labels, aliases, acronyms)."""
    if "names" in record:  # schema v2
        return {n["value"] for n in record["names"]}
    names = {record["name"], *record.get("aliases", []), *record.get("acronyms", [])}
    return names | {lab["label"] for lab in record.get("labels", [])}


def ror_types(record: dict) -> set[str]:
    """A ROR record's types, lower-cased (schema v1 capitalizes them)."""
    return {t.lower() for t in record["types"]}


def ror_external_ids(record: dict) -> dict[str, tuple[list[str], str | None]]:
    """scheme (lower-case: wikidata, isni, fundref, grid) -> (all IDs, preferred ID or None)."""
    ids = record.get("external_ids", [])
    if isinstance(ids, list):  # schema v2
        return {e["type"].lower(): (list(e["all"]), e.get("preferred")) for e in ids}
    out = {}
    for scheme, e in ids.items():  # schema v1: {"Wikidata": {"all": [...] or "..", "preferred": ..}}
        values = e.get("all")
        out[scheme.lower()] = (values if isinstance(values, list) else [values], e.get("preferred"))
    return out


def ror_parents(record: dict) -> set[str]:
    """The ROR IRIs a record names as its parents."""
    return {r["id"] for r in record.get("relationships", []) if r["type"].lower() == "parent"}


def ror_iri_of(org: dict) -> str | None:
    """The ROR record an organization of data/organizations.yaml is linked to (its ROR exactMatch)."""
    for m in org.get("mappings", []):
        if m["predicate"] == "exactMatch" and m["iri"].startswith("https://ror.org/"):
            return m["iri"]
    return None


def all_strings(node: Any, path: str = "") -> Iterator[tuple[str, str]]:
    """(path, text) for every string anywhere in a YAML document."""
    if isinstance(node, dict):
        for k, v in node.items():
            yield from all_strings(v, f"{path}.{k}" if path else str(k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from all_strings(v, f"{path}[{i}]")
    elif isinstance(node, str):
        yield path, node


def data_files() -> list[Path]:
    return sorted(DATA.glob("*.yaml"))
