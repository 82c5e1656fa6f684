"""The designing view (issue 13): a person organizing a program (a chair, a faculty-development office)
gets the types ranked by what weighs with an organizer, and no initiative to join.

Expected scores are worked out by hand from Table 1's bullets (data/source/table1-columns.md) and the
themes of the view "Designing a program" in data/themes.yaml (cost, effort to run, structure and
expectations, reach, inclusiveness and eligibility, continuity); the comments show the arithmetic.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import pytest

from test_advise_personas import (
    ADHOC,
    COMMITTED,
    FORMAL,
    GRANT,
    PROFORG,
    SOCIAL,
    TRAINEE,
    ZERO,
    find_page,
    page_types,
)


@dataclass
class Designer:
    name: str
    want: list[str]
    scores: dict[str, int]
    top: list[str]


DESIGNERS = [
    # No theme named: every theme of the view counts as wanted.
    # Formal: "Multiple mentees" +1 (reach), "Can include small groups and longer-term follow-up" +1
    #   (continuity), "Can target underserved populations" +1 (inclusiveness), "Travel and time commitment" -1
    #   (effort to run: sessions to host), "May not continue after formal program" -1 (continuity) = +1.
    # Professional organizations: "Can target underserved populations" +1 = +1.
    # Trainees: "Multiple points of alignment ... supported by organization" +1 (structure, effort), "Inclusive"
    #   +1, "May require application" -1 (inclusiveness, effort), "May not persist once training complete" -1,
    #   "Level of commitment of members varies" -1 (structure) = -1.
    # Grant based: "Inclusive" +1, "Limitation to grant recipients" -1 = 0.
    # Social media: "Geographic diversity" +1 (reach), "Free" +1 (cost), "Accessible" +1, "No formal mentoring
    #   although arrangements can be made" -1 (structure) = +2.
    # Ad hoc: "Can be exclusive" -1, "No defined expectations" -1 = -2.
    # Committed: "Perception of exclusivity" -1, "No formal 1:1 mentoring" -1 (structure), "Limited to local
    #   members" -1 (reach) = -3.
    Designer(
        "faculty-development office, no theme named",
        [],
        {FORMAL: 1, PROFORG: 1, TRAINEE: -1, GRANT: 0, SOCIAL: 2, ADHOC: -2, COMMITTED: -3},
        [SOCIAL, FORMAL, PROFORG],
    ),
    # A chair with no budget who wants reach. Reach: formal "Multiple mentees" +1, social "Geographic diversity"
    # +1, committed "Limited to local members" -1. Cost: social "Free" +1.
    Designer("chair, reach on no budget", ["reach", "cost"], ZERO | {FORMAL: 1, SOCIAL: 2, COMMITTED: -1}, [SOCIAL]),
    # Effort to run only: formal "Travel and time commitment" -1, trainees "supported by organization" +1 and
    # "May require application" -1.
    Designer("office short of staff", ["effort"], ZERO | {FORMAL: -1}, [PROFORG]),
]


def _check(d: Designer, types: list[dict]) -> None:
    assert {t["type"]: t["score"] for t in types} == d.scores
    assert [t["type"] for t in types[: len(d.top)]] == d.top
    for t in types:
        # Nothing is offered to join.
        assert not any(t.get(k) for k in ("programs", "maybe", "excluded", "collective")), t["type"]


@pytest.mark.parametrize("d", DESIGNERS, ids=lambda d: d.name)
def test_designing_python_api(d, mg, root):
    from mentorgraph.advise.ranking import Person, recommend

    rec = recommend(mg, Person(want=d.want, view="designing"), root)
    assert rec.view.id == "designing"
    assert all(not t.offers_initiatives for t in rec.types)
    _check(d, rec.as_dict()["types"])


@pytest.mark.parametrize("d", DESIGNERS, ids=lambda d: d.name)
def test_designing_cli(d, built, capsys):
    from mentorgraph.cli import main

    argv = ["recommend", "--designing", "--out", str(built), "--format", "json"]
    assert main(argv + (["--want", *d.want] if d.want else [])) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["view"] == {"id": "designing", "label": "Designing a program"}
    assert all(set(t) == {"type", "iri", "rank", "score", "reasons"} for t in out["types"])
    _check(d, out["types"])


@pytest.mark.parametrize("d", DESIGNERS, ids=lambda d: d.name)
def test_designing_web_page(d, request):
    out = find_page(request, {"view": ["designing"], "want": d.want})
    status, body = out.status, out.body
    assert status == 200
    assert 'data-view="designing"' in body and "mg-fit" not in body and "mg-maybe" not in body
    # The form offers the view's themes: Effort to run, but not Confidentiality.
    assert 'value="effort-to-run"' in body and 'value="confidentiality-and-safety"' not in body
    _check(d, page_types(body))


def test_no_theme_named_says_every_theme_of_the_view_counts(mg, root):
    from mentorgraph.advise.ranking import Person, recommend

    rec = recommend(mg, Person(view="designing"), root)
    assert rec.want == ["cost", "effort-to-run", "structure-and-expectations", "reach", "inclusiveness", "continuity"]
    assert any("counts as wanted" in n for n in rec.notes)


def test_a_theme_of_the_other_view_is_refused_in_plain_words(mg, root, built, capsys):
    from mentorgraph.advise.ranking import Person, recommend
    from mentorgraph.advise.words import AdviceError
    from mentorgraph.cli import main

    with pytest.raises(AdviceError) as exc:
        recommend(mg, Person(want=["confidentiality"], view="designing"), root)
    assert "a theme of Joining a program, not of Designing a program" in str(exc.value)
    assert main(["recommend", "--designing", "--want", "confidentiality", "--out", str(built)]) == 2
    assert "not of Designing a program" in capsys.readouterr().err


def test_what_a_designer_says_about_themselves_is_noted_not_used(mg, root):
    from mentorgraph.advise.ranking import Person, recommend

    rec = recommend(mg, Person(facets={"population": ["women"]}, view="designing"), root)
    assert any("changes nothing here" in n for n in rec.notes)
    assert {t.label: t.score for t in rec.types} == DESIGNERS[0].scores
