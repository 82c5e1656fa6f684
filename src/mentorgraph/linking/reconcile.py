"""Match the graph's organizations to ROR records: names first, context to rank, a curator for doubt.

How a match is made (issue 5; traps seen in real ROR records):

- Names are compared after `normalize_name` (soft hyphens and zero-width characters dropped,
  curly apostrophes straightened, accents folded, punctuation and runs of whitespace collapsed,
  case folded, a leading "The" dropped). A subject's names are its label and alternative labels; a
  record's are its display name, aliases and labels.
- An exact normalized name is a candidate; a near name (token-set Jaccard >= NEAR) is a candidate
  for review only. An acronym alone never makes a candidate (NIH, ACG, AGA, ATS and CARRA all name
  unrelated organizations); a shared acronym only adds weight to a name match.
- Context ranks candidates: the subject's class against the record's types, the graph's parent
  relation against the record's parent/child relationships (NIDDK's record names the US NIH as
  parent, which tells the US NIH from NIH Malaysia), and an optional expected country.
- Withdrawn and inactive records resolve to their successor, so a withdrawn duplicate supports the
  active record instead of competing with it.
- A match is confident when its score reaches CONFIDENT and beats every rival for the same subject
  by MARGIN, and no other subject confidently claims the same record; everything else is for review.

The ROR input is streamed once; only the graph's names are indexed, so memory stays small.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from .. import datafiles, iris
from ..problems import InputError, Problem
from .names import normalize_acronym, normalize_name, tokens
from .ror import RorRecord

CONFIDENT = 0.8
MARGIN = 0.05
NEAR = 0.75
# Weights of the evidence. Exact names decide; context only separates exact candidates.
NAME_WEIGHT = {
    ("label", "name"): 0.9,
    ("label", "alias"): 0.85,
    ("label", "label"): 0.85,
    ("altLabel", "name"): 0.85,
    ("altLabel", "alias"): 0.8,
    ("altLabel", "label"): 0.8,
}
NEAR_WEIGHT = 0.6  # times the Jaccard similarity: at most 0.6, never confident
ACRONYM_BONUS = 0.03
TYPE_BONUS, TYPE_PENALTY = 0.02, 0.15
PARENT_BONUS = 0.1
COUNTRY_BONUS, COUNTRY_PENALTY = 0.05, 0.3
NO_SUCCESSOR_PENALTY = 0.3

# Which ROR types fit each organization class of the ontology, and which contradict it. ROR types
# are a coarse, sometimes questionable classification (ASBMR and CARRA are typed "facility"), so
# types outside both sets are neutral.
TYPE_FIT = {
    "ProfessionalSociety": ({"nonprofit", "other"}, {"company", "education", "archive"}),
    "AcademicInstitution": ({"education", "healthcare", "facility"}, {"company"}),
    "Funder": ({"funder", "government", "nonprofit"}, {"company"}),
    "Company": ({"company"}, {"education", "government", "healthcare"}),
}


@dataclass
class Subject:
    """An organization of the graph, as curated in data/organizations.yaml."""

    slug: str
    cls: str
    label: str
    alt_labels: list[str] = field(default_factory=list)
    acronyms: list[str] = field(default_factory=list)
    parent: str | None = None
    mappings: list[str] = field(default_factory=list)

    @property
    def iri(self) -> str:
        """The organization's IRI."""
        return iris.MG + self.slug

    def names(self) -> Iterable[tuple[str, str]]:
        """(field, value) for each of the organization's full names."""
        yield "label", self.label
        for alt in self.alt_labels:
            yield "altLabel", alt


def load_subjects(root: Path) -> list[Subject]:
    """The organizations of data/organizations.yaml (plain YAML: the linker needs no RDF)."""
    try:
        doc = datafiles.read(root, datafiles.ORGANIZATIONS)
    except FileNotFoundError:
        raise InputError(
            [
                Problem(
                    datafiles.display(datafiles.ORGANIZATIONS),
                    "file not found",
                    expected="the curated organizations (run inside a mentorgraph checkout)",
                )
            ]
        ) from None
    subjects = []
    for rec in (doc or {}).get("organizations") or []:
        if not isinstance(rec, dict) or not isinstance(rec.get("id"), str) or not isinstance(rec.get("label"), str):
            continue  # the build reports malformed records; the linker just cannot use them
        subjects.append(
            Subject(
                rec["id"],
                str(rec.get("class", "Organization")),
                rec["label"],
                list(rec.get("altLabels") or []),
                list(rec.get("acronyms") or []),
                rec.get("parent"),
                [m.get("iri") for m in rec.get("mappings") or [] if isinstance(m, dict)],
            )
        )
    return subjects


@dataclass
class Candidate:
    """Evidence that one subject may be one record."""

    subject: Subject
    record: RorRecord
    name_score: float
    subject_field: str
    subject_name: str
    object_field: str
    match_string: str
    exact: bool
    notes: list[str] = field(default_factory=list)
    context: float = 0.0
    target_id: str = ""  # the record, or its successor when withdrawn/inactive
    target_label: str = ""

    @property
    def score(self) -> float:
        """The name score plus the context adjustments."""
        return self.name_score + self.context


@dataclass
class Mapping:
    """A proposed link, as one SSSOM row."""

    subject_id: str
    subject_label: str
    predicate_id: str
    object_id: str
    object_label: str
    mapping_justification: str
    confidence: float
    subject_match_field: str
    object_match_field: str
    match_string: str
    comment: str
    confident: bool
    slug: str = ""
    source: str = ""


@dataclass
class _Brief:
    """What the linker keeps of every record it streams past: enough to follow successors."""

    name: str
    status: str
    successors: tuple[str, ...]
    country: str | None


class Reconciler:
    """Index the subjects' names once, then feed records one by one; `results()` ranks them."""

    def __init__(self, subjects: list[Subject], countries: Iterable[str] = ()):
        self.subjects = subjects
        self.countries = {c.upper() for c in countries}
        self.exact: dict[str, list[tuple[Subject, str, str]]] = {}
        self.by_token: dict[str, set[int]] = {}
        self.near_names: list[tuple[Subject, str, str, str, frozenset[str]]] = []
        for s in subjects:
            for fld, name in s.names():
                n = normalize_name(name)
                if not n:
                    continue
                self.exact.setdefault(n, []).append((s, fld, name))
                toks = tokens(n)
                idx = len(self.near_names)
                self.near_names.append((s, fld, name, n, toks))
                for t in toks:
                    self.by_token.setdefault(t, set()).add(idx)
        self.candidates: list[Candidate] = []
        self.briefs: dict[str, _Brief] = {}
        self.count = 0

    def add(self, rec: RorRecord) -> None:
        """Consider one record."""
        self.count += 1
        self.briefs[rec.id] = _Brief(rec.name, rec.status, tuple(rec.related("successor")), rec.country_code)
        found: dict[str, Candidate] = {}
        for ofld, oname in rec.names():
            n = normalize_name(oname)
            if not n:
                continue
            for subj, sfld, sname in self.exact.get(n, ()):
                score = NAME_WEIGHT[(sfld, ofld)]
                prev = found.get(subj.slug)
                if prev is None or score > prev.name_score:
                    found[subj.slug] = Candidate(subj, rec, score, sfld, sname, ofld, oname, True)
            toks = tokens(n)
            hits = set()
            for t in toks:
                hits |= self.by_token.get(t, set())
            for idx in hits:
                subj, sfld, sname, snorm, stoks = self.near_names[idx]
                if snorm == n or subj.slug in found and found[subj.slug].exact:
                    continue
                sim = len(toks & stoks) / len(toks | stoks)
                if sim >= NEAR:
                    score = NEAR_WEIGHT * sim
                    prev = found.get(subj.slug)
                    if prev is None or score > prev.name_score:
                        found[subj.slug] = Candidate(
                            subj,
                            rec,
                            score,
                            sfld,
                            sname,
                            ofld,
                            oname,
                            False,
                            [f"near name (token similarity {sim:.2f})"],
                        )
        self.candidates.extend(found.values())

    # -- ranking ---------------------------------------------------------------------------------
    def _resolve(self, c: Candidate) -> None:
        """Follow withdrawn/inactive records to their successor."""
        rec = c.record
        c.target_id, c.target_label = rec.id, rec.name
        if rec.status == "active":
            return
        seen = {rec.id}
        current, status, successors = rec.id, rec.status, rec.related("successor")
        while status != "active":
            if not successors:
                c.context -= NO_SUCCESSOR_PENALTY
                c.notes.append(f"record {_short(current)} is {status} and names no successor")
                return
            nxt = successors[0]
            brief = self.briefs.get(nxt)
            c.notes.append(f"record {_short(current)} is {status}; successor {_short(nxt)}")
            current = nxt
            if brief is None:
                c.context -= NO_SUCCESSOR_PENALTY
                c.notes.append(f"successor {_short(nxt)} is not in the input")
                c.target_id, c.target_label = nxt, ""
                return
            if nxt in seen:
                c.context -= NO_SUCCESSOR_PENALTY
                c.notes.append("successor chain loops")
                return
            seen.add(nxt)
            c.target_id, c.target_label = nxt, brief.name
            status, successors = brief.status, list(brief.successors)

    def _context(self, c: Candidate, by_subject: dict[str, list[Candidate]]) -> None:
        rec, subj = c.record, c.subject
        fit, clash = TYPE_FIT.get(subj.cls, (set(), set()))
        types = set(rec.types)
        if types & fit:
            c.context += TYPE_BONUS
            c.notes.append(f"type {'/'.join(sorted(types & fit))} fits {subj.cls}")
        elif types & clash:
            c.context -= TYPE_PENALTY
            c.notes.append(f"type {'/'.join(sorted(types & clash))} does not fit {subj.cls}")
        if c.exact and any(normalize_acronym(a) in {normalize_acronym(b) for b in rec.acronyms} for a in subj.acronyms):
            c.context += ACRONYM_BONUS
            c.notes.append("acronym agrees")
        country = self.briefs[c.target_id].country if c.target_id in self.briefs else rec.country_code
        if self.countries and country:
            if country.upper() in self.countries:
                c.context += COUNTRY_BONUS
                c.notes.append(f"country {country}")
            else:
                c.context -= COUNTRY_PENALTY
                c.notes.append(f"country {country} is not {'/'.join(sorted(self.countries))}")
        # The graph's parent relation, corroborated by the record's relationships in either direction.
        parents = set(rec.related("parent"))
        if subj.parent:
            hit = [p for p in by_subject.get(subj.parent, []) if p.exact and p.target_id in parents]
            if hit:
                c.context += PARENT_BONUS
                c.notes.append(f"parent {_short(hit[0].target_id)} is the candidate for {subj.parent}")
        children = set(rec.related("child"))
        for other in self.subjects:
            if other.parent != subj.slug:
                continue
            for oc in by_subject.get(other.slug, []):
                if oc.exact and (oc.target_id in children or c.target_id in oc.record.related("parent")):
                    c.context += PARENT_BONUS
                    c.notes.append(f"child {_short(oc.target_id)} is the candidate for {other.slug}")
                    break

    def results(self) -> list[Mapping]:
        """Every proposed mapping, best first per subject; `confident` says which need no curator."""
        for c in self.candidates:
            self._resolve(c)
        by_subject: dict[str, list[Candidate]] = {}
        for c in self.candidates:
            by_subject.setdefault(c.subject.slug, []).append(c)
        for c in self.candidates:
            self._context(c, by_subject)
        best: dict[str, list[Candidate]] = {}
        for slug, cands in by_subject.items():
            # One row per target: a withdrawn duplicate and its successor are one organization.
            # The record itself speaks for the target; a withdrawn duplicate only adds a note.
            per_target: dict[str, list[Candidate]] = {}
            for c in sorted(cands, key=lambda c: (c.record.id != c.target_id, -c.score, c.record.id)):
                per_target.setdefault(c.target_id, []).append(c)
            for group in per_target.values():
                group[0].notes += [f"also named by {c.record.status} record {_short(c.record.id)}" for c in group[1:]]
            best[slug] = sorted((g[0] for g in per_target.values()), key=lambda c: (-c.score, c.target_id))
        confident_claims: dict[str, list[str]] = {}
        decisions: dict[tuple[str, str], bool] = {}
        for slug, ranked in best.items():
            for i, c in enumerate(ranked):
                rival = ranked[1].score if i == 0 and len(ranked) > 1 else None
                ok = (
                    i == 0
                    and c.exact
                    and c.score >= CONFIDENT
                    and c.target_label != ""
                    and (rival is None or c.score - rival >= MARGIN)
                )
                if i == 0 and rival is not None and c.score - rival < MARGIN:
                    c.notes.append(f"rival {_short(ranked[1].target_id)} scores {min(rival, 1):.2f}")
                decisions[(slug, c.target_id)] = ok
                if ok:
                    confident_claims.setdefault(c.target_id, []).append(slug)
        for target, slugs in confident_claims.items():
            if len(slugs) > 1:
                for slug in slugs:
                    decisions[(slug, target)] = False
                    c = next(c for c in best[slug] if c.target_id == target)
                    c.notes.append(f"record also matches {', '.join(s for s in slugs if s != slug)}")
        out = []
        for slug in sorted(best):
            for c in best[slug]:
                out.append(self._mapping(c, decisions[(slug, c.target_id)]))
        return out

    def _mapping(self, c: Candidate, confident: bool) -> Mapping:
        what = "exact" if c.exact else "near"
        comment = (
            f"{what} match of {c.subject_field} '{c.subject_name}' to {c.object_field} '{c.match_string}'"
            f" of {_short(c.record.id)}"
        )
        if c.target_id in c.subject.mappings:
            c.notes.append("already linked in data/organizations.yaml")
        if c.notes:
            comment += "; " + "; ".join(c.notes)
        return Mapping(
            c.subject.iri,
            c.subject.label,
            "skos:exactMatch",
            c.target_id,
            c.target_label,
            "semapv:LexicalMatching",
            round(max(0.0, min(c.score, 1.0)), 3),
            "rdfs:label" if c.subject_field == "label" else "skos:altLabel",
            "skos:prefLabel" if c.object_field == "name" else "skos:altLabel",
            normalize_name(c.match_string),
            comment,
            confident,
            c.subject.slug,
            c.record.source,
        )


def _short(ror_iri: str) -> str:
    return ror_iri.removeprefix("https://ror.org/")


def reconcile(
    subjects: list[Subject],
    records: Iterable[RorRecord],
    countries: Iterable[str] = (),
    on_record: Callable[[int], None] | None = None,
) -> list[Mapping]:
    """Match `subjects` against the streamed `records`; return every proposal (see Mapping.confident)."""
    r = Reconciler(subjects, countries)
    for rec in records:
        r.add(rec)
        if on_record is not None:
            on_record(r.count)
    return r.results()
