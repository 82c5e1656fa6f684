"""Validating a contribution on its neighbourhood finds exactly what validating the whole graph finds.

`contrib/neighbourhood.py` runs SHACL on the contribution and its neighbours only, and OWL RL on the
graph without the contribution plus probes. Here a corpus of bad contributions (documents handed to
the loader directly, so that they reach SHACL and OWL RL instead of being refused at the door) is
checked both ways: the SHACL results must be the same set, and OWL RL must find an inconsistency in
the same cases. The whole-graph side is the build's own check (pipeline/build.py `check`), which is
the reference: the graph without a contribution conforms (tests/test_build.py).
"""

from __future__ import annotations

import pytest
from rdflib import Literal
from rdflib.namespace import SH

from mentorgraph.contrib.neighbourhood import (
    inconsistencies,
    merged,
    neighbourhood,
    parts,
    validate_contribution,
)
from mentorgraph.datafiles import LocatedDict
from mentorgraph.namespaces import MG
from mentorgraph.pipeline.build import asserted_graph
from mentorgraph.pipeline.load import load_sources
from mentorgraph.pipeline.reason import InconsistencyError, reason
from mentorgraph.pipeline.validate import load_shapes, validate
from conftest import ROOT

SOURCE = "https://example.org/source"


def rec(id_: str, **values) -> LocatedDict:
    """A contributed initiative as data/contributions.yaml holds one (evidence: a cited source)."""
    r = LocatedDict(
        {"id": id_, "class": "Program", "label": f"Program {id_}", "evidence": "cited-source", "source": SOURCE}
    )
    r.update(values)
    r.line, r.column, r.key_lines = 1, 1, {}
    return r


def org(id_: str, **values) -> LocatedDict:
    r = rec(id_, **values)
    r["class"] = "ProfessionalSociety"
    return r


# (name, organizations, initiatives): each breaks a rule of the shapes or the ontology, or none.
CORPUS = [
    ("valid", [], [rec("c-valid", modelType="formal-mentoring-programs", offeredBy=["aamc"])]),
    ("two model types", [], [rec("c-two", modelType=["formal-mentoring-programs", "social-media"])]),
    ("offered by a population", [], [rec("c-pop", modelType="social-media", offeredBy=["women"])]),
    ("part of an organization", [], [rec("c-part", modelType="social-media", partOf=["aamc"])]),
    ("population is a program", [], [rec("c-target", modelType="social-media", targetPopulation=["elam"])]),
    ("two delivery modes", [], [rec("c-modes", modelType="social-media", deliveryMode=["online", "hybrid"])]),
    ("hosted on a population", [], [rec("c-host", modelType="social-media", hostedOn=["residents"])]),
    ("model type is a mode", [], [rec("c-mt", modelType="online")]),
    (
        "curator without a note",
        [],
        [rec("c-curator", modelType="social-media", evidence="curator", source=None)],
    ),
    ("cited source without one", [], [rec("c-cited", modelType="social-media", source=None)]),
    (
        "table-row quote not in the type",
        [],
        [rec("c-quote", modelType="social-media", evidence="table-row", quote="not the type's name")],
    ),
    (
        "mapping without its evidence",
        [],
        [
            rec(
                "c-map",
                modelType="social-media",
                mappings=[
                    LocatedDict({"predicate": "exactMatch", "iri": "https://example.org/m", "evidence": "curator"})
                ],
            )
        ],
    ),
    ("organization under a population", [org("c-org", parent="women")], []),
    (
        "program of a contributed organization, part of another program of the batch",
        [org("c-org2")],
        [
            rec("c-umbrella", modelType="formal-mentoring-programs", offeredBy=["c-org2"]),
            rec("c-child", modelType="formal-mentoring-programs", partOf=["c-umbrella"], offeredBy=["c-org2"]),
        ],
    ),
    (
        "program part of a contributed organization",
        [org("c-org3")],
        [rec("c-bad-child", modelType="formal-mentoring-programs", partOf=["c-org3"])],
    ),
    (
        "websites, one of them shared and a mapping's target too",
        [],
        [
            rec("c-site-1", modelType="social-media", website="https://example.org/shared"),
            rec("c-site-2", modelType="social-media", website="https://example.org/shared"),
            rec(
                "c-site-3",
                modelType="formal-mentoring-programs",
                website="https://example.org/own",
                mappings=[
                    LocatedDict(
                        {
                            "predicate": "exactMatch",
                            "iri": "https://example.org/shared",
                            "evidence": "cited-source",
                            "source": SOURCE,
                        }
                    )
                ],
            ),
        ],
    ),
    (
        "many at once",
        [],
        [
            rec(f"c-many-{i}", modelType="social-media", offeredBy=["women"] if i % 3 == 0 else ["aamc"])
            for i in range(12)
        ],
    ),
]


def _clean(doc: dict) -> dict:
    for records in doc.values():
        for r in records:
            for k in [k for k, v in r.items() if v is None]:
                del r[k]
    return doc


@pytest.fixture(scope="module")
def shapes():
    return load_shapes(ROOT)


def _loaded(orgs, inits):
    doc = _clean({"organizations": orgs, "initiatives": inits})
    doc = {k: v for k, v in doc.items() if v}
    sources = load_sources(ROOT, extra=[("contribution.yaml", doc)])
    contributed = [MG[r["id"]] for r in orgs + inits]
    return sources, contributed


def _results(report) -> set[tuple]:
    return {(v.focus, v.path, v.message, v.value) for v in report.violations}


def _whole_inconsistent(sources) -> bool:
    try:
        reason(sources.graph("ontology"), sources.graph("article"), sources.graph("curation"))
    except InconsistencyError:
        return True
    return False


@pytest.fixture(scope="module")
def checked(shapes) -> dict[str, dict]:
    """Each corpus case checked both ways, once: the whole graph (the build's checks) and the neighbourhood."""
    out = {}
    for name, orgs, inits in CORPUS:
        sources, contributed = _loaded(orgs, inits)
        whole = validate(asserted_graph(sources), shapes, sources.origins)
        split = parts(sources, contributed, processes=3, size=1)
        out[name] = {
            "whole": whole,
            "local": validate_contribution(sources, contributed, shapes),
            "parts": split,
            "in parts": merged([validate_contribution(sources, part, shapes) for part in split]),
            "whole inconsistent": _whole_inconsistent(sources),
            "probes inconsistent": bool(inconsistencies(sources, contributed)),
        }
    return out


@pytest.mark.parametrize("name", [c[0] for c in CORPUS])
def test_neighbourhood_shacl_finds_what_the_whole_graph_finds(checked, name):
    case = checked[name]
    assert _results(case["local"]) == _results(case["whole"])
    assert case["local"].conforms == case["whole"].conforms


@pytest.mark.parametrize("name", [c[0] for c in CORPUS])
def test_a_contribution_validated_in_parts_reports_what_it_reports_whole(checked, name):
    """Large contributions are validated in parts, one per CPU: the same violations, in the same order."""
    case = checked[name]
    assert _results(case["in parts"]) == _results(case["whole"])
    assert case["in parts"].violations == case["local"].violations
    assert case["in parts"].conforms == case["whole"].conforms
    assert (None, SH.conforms, Literal(case["whole"].conforms)) in case["in parts"].graph
    assert len(set(case["in parts"].graph.objects(None, SH.result))) == len(case["local"].violations)


def test_parts_keep_linked_entities_together(checked):
    """Every entity in exactly one part; a program, its umbrella and their organization in the same one."""
    many = checked["many at once"]["parts"]
    assert len(many) == 3 and sorted(e for p in many for e in p) == sorted(MG[f"c-many-{i}"] for i in range(12))
    linked = checked["program of a contributed organization, part of another program of the batch"]["parts"]
    assert linked == [[MG["c-org2"], MG["c-umbrella"], MG["c-child"]]]


@pytest.mark.parametrize("name", [c[0] for c in CORPUS])
def test_owl_rl_probes_find_an_inconsistency_exactly_when_the_whole_closure_does(checked, name):
    assert checked[name]["probes inconsistent"] == checked[name]["whole inconsistent"]


def test_every_bad_case_breaks_something_and_the_corpus_has_both_kinds(checked):
    """The equivalences above can only fail if the corpus exercises both checks, and each bad case fails."""
    for name, case in checked.items():
        broken = bool(case["whole"].violations) or case["whole inconsistent"]
        assert broken == (
            name
            not in {
                "valid",
                "program of a contributed organization, part of another program of the batch",
                "websites, one of them shared and a mapping's target too",
            }
        ), name
    assert any(c["whole inconsistent"] for c in checked.values())
    assert any(c["whole"].violations and not c["whole inconsistent"] for c in checked.values())


def test_the_neighbourhood_is_small(shapes):
    """The point of it: a contribution of one program is checked on a graph far smaller than the whole."""
    sources, contributed = _loaded([], [rec("c-small", modelType="social-media", offeredBy=["aamc"])])
    hood = neighbourhood(sources, contributed)
    assert 0 < len(hood.graph) < len(asserted_graph(sources)) / 5
