"""data/themes.yaml, the curated scheme of themes: one curation rule per test, checked over every record.

Expected values come from Table 1 (data/source/table1-columns.md, via the `table1` fixture) and the
issue (the words that must resolve), never from the program's output.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import yaml

from mentorgraph.advise.words import ThemeError, resolve_theme
from mentorgraph.pipeline.themes import load_themes, theme_triples
from mentorgraph.problems import InputError

# Issue 8: at least these words must resolve, and to the theme a reader would expect.
REQUIRED_WORDS = {
    "cost": "cost",
    "confidentiality": "confidentiality-and-safety",
    "visibility": "visibility-and-reputation",
    "time": "time-commitment",
    "travel": "travel",
    "networking": "networking-and-knowledge",
    "diversity": "diversity-of-perspectives",
    "personal": "personal-attention",
}


@pytest.fixture(scope="module")
def scheme(root):
    return load_themes(root)


@pytest.fixture(scope="module")
def table_attributes(root) -> dict[str, tuple[str, str, str]]:
    """Attribute id -> (type label, column, bullet text), read from data/table1.yaml."""
    doc = yaml.safe_load((root / "data" / "table1.yaml").read_text(encoding="utf-8"))
    return {
        a["id"]: (row["label"], col, a["label"])
        for row in doc["types"]
        for col in ("strengths", "weaknesses")
        for a in row[col]
    }


def test_table_attributes_are_the_published_bullets(table_attributes, table1):
    published = sorted((r["type"], col, b) for r in table1 for col in ("strengths", "weaknesses") for b in r[col])
    assert sorted(table_attributes.values()) == published
    assert len(published) == 27 + 23  # the counts printed under table1-columns.md


def test_every_strength_and_weakness_belongs_to_a_theme(scheme, table_attributes):
    grouped = {m.attribute for m in scheme.memberships}
    missing = [f"{a} ({t}: {b})" for a, (t, _, b) in table_attributes.items() if a not in grouped]
    assert not missing, "add a membership to data/themes.yaml for: " + "; ".join(missing)


def test_memberships_name_table_bullets_and_themes(scheme, table_attributes):
    themes = {t.id for t in scheme.themes}
    bad = [
        f"line {m.line}: {m.attribute} -> {m.theme}"
        for m in scheme.memberships
        if m.attribute not in table_attributes or m.theme not in themes
    ]
    assert not bad, "memberships must name a Table 1 bullet id and a theme id: " + "; ".join(bad)


def test_every_rationale_is_one_line(scheme):
    bad = [
        f"line {m.line}"
        for m in scheme.memberships
        if not m.rationale.strip() or "\n" in m.rationale or len(m.rationale) > 120
    ]
    assert not bad, "each membership needs a one-line rationale (at most 120 characters): " + ", ".join(bad)


def test_every_theme_groups_at_least_one_bullet(scheme):
    empty = [t.id for t in scheme.themes if not any(m.theme == t.id for m in scheme.memberships)]
    assert not empty, "themes that group nothing: " + ", ".join(empty)


def test_every_theme_has_label_and_definition(scheme):
    bad = [t.id for t in scheme.themes if not t.label.strip() or not t.definition.strip()]
    assert not bad


@pytest.mark.parametrize("word,theme", sorted(REQUIRED_WORDS.items()))
def test_required_words_resolve(scheme, word, theme):
    assert resolve_theme(scheme, word).id == theme
    assert resolve_theme(scheme, word.upper()).id == theme


def test_resolution_accepts_label_alt_label_and_phrase(scheme):
    assert resolve_theme(scheme, "Confidentiality and safe space").id == "confidentiality-and-safety"
    assert resolve_theme(scheme, "safe space").id == "confidentiality-and-safety"
    assert resolve_theme(scheme, "Exclusivity").id == "inclusiveness"
    assert resolve_theme(scheme, "shared experience").id == "shared-experience"


def test_unknown_theme_lists_closest(scheme):
    with pytest.raises(ThemeError) as exc:
        resolve_theme(scheme, "confidentialty")
    assert exc.value.candidates[0] == "Confidentiality and safe space"
    assert "closest known" in str(exc.value)


def test_theme_ids_are_unique_across_data(root, scheme):
    """The loader mints mg:<id> for every id in data/; a theme must not reuse one."""
    others = set()
    for path in (root / "data").glob("*.yaml"):
        if path.name == "themes.yaml":
            continue

        def walk(node):
            if isinstance(node, dict):
                if isinstance(node.get("id"), str):
                    others.add(node["id"])
                for v in node.values():
                    walk(v)
            elif isinstance(node, list):
                for v in node:
                    walk(v)

        walk(yaml.safe_load(path.read_text(encoding="utf-8")))
    clashes = sorted(({t.id for t in scheme.themes} | {scheme.id}) & others)
    assert not clashes, "theme ids already used elsewhere in data/: " + ", ".join(clashes)


def test_every_facet_value_is_in_one_facet(mg, root, scheme):
    """Rule: each concept of a facet's scheme that a person could name lies in exactly one facet (so
    a career stage is never also a specialty), and only a root broader than every branch lies in none."""
    from mentorgraph.advise.model import load_model
    from mentorgraph.advise.person import facet_values

    model = load_model(mg)
    owners: dict[str, list[str]] = {}
    for f in scheme.facets:
        for c in facet_values(model, f):  # raises if a scheme or branch is not in the graph
            owners.setdefault(c.iri, []).append(f.id)
    twice = sorted(f"{iri} ({', '.join(fs)})" for iri, fs in owners.items() if len(fs) > 1)
    assert not twice, "concepts in two facets: " + "; ".join(twice)
    schemes = {"https://w3id.org/mentorgraph/id/" + f.scheme for f in scheme.facets}
    owned = [c for c in model.concepts.values() if c.iri in owners]
    orphans = [
        c.label
        for c in model.concepts.values()
        if c.scheme in schemes and c.iri not in owners and not any(c.iri in o.broader for o in owned)
    ]
    assert not orphans, "concepts in no facet (place them under a facet's branch): " + ", ".join(orphans)


def test_themes_file_names_no_command_line_option(root):
    """Issue 14: data/themes.yaml holds facts, not the CLI's flag names."""
    text = (root / "data" / "themes.yaml").read_text(encoding="utf-8")
    found = sorted(set(re.findall(r"(?<![\w-])--[a-z][\w-]*", text)))
    assert not found, "command-line options in data/themes.yaml: " + ", ".join(found)


# Words that say nothing about a theme (every bullet is about mentoring and its members).
STOP = {"and", "the", "with", "from", "more", "less", "very", "often", "mentoring", "members", "program", "programs"}


def _stems(text: str) -> set[str]:
    words = re.findall(r"[a-z0-9]+", text.casefold().replace(":", ""))
    return {w for w in words if len(w) >= 4 and w not in STOP} | ({"1:1"} if "1:1" in text else set())


def _shares_a_word(bullet: str, names: list[str]) -> bool:
    """Whether a word of `bullet` and a word of `names` share a start of at least five letters (or are
    the same short word): 'continue' and 'Continuity', 'meet' and 'meeting'."""
    theirs = set().union(*map(_stems, names))
    for a in _stems(bullet):
        for b in theirs:
            short = min(len(a), len(b))
            common = len(next((p for p in (a[:k] for k in range(short, 0, -1)) if b.startswith(p)), ""))
            if common >= min(5, short):
                return True
    return False


def test_memberships_the_bullet_does_not_name_are_marked_interpretive(scheme, table_attributes):
    """Rule (issue 13): a grouping is literal only when the bullet shares a word with the theme's label or
    alternative labels; any other is a reading and must be marked `reading: interpretive`."""
    themes = scheme.by_id()
    unmarked = [
        f"line {m.line}: {m.attribute} ({table_attributes[m.attribute][2]!r}) -> {m.theme}"
        for m in scheme.memberships
        if not m.interpretive
        and not _shares_a_word(table_attributes[m.attribute][2], [themes[m.theme].label, *themes[m.theme].alt_labels])
    ]
    assert not unmarked, "mark these `reading: interpretive` or explain the link in the theme's names: " + "; ".join(
        unmarked
    )


def test_geographic_reach_is_not_diversity(scheme):
    """Issue 13: "Geographic diversity" (social media) is reach, not the diversity of who the members are."""
    assert scheme.themes_of("social-geographic-diversity") == ["reach"]


def test_a_reading_against_the_column_is_explained(scheme, table_attributes):
    """A bullet counted the other way round from its column says why; "Similar career stage" counts for
    same-stage peers (issue 13)."""
    turned = [m for m in scheme.memberships if m.favourable != (table_attributes[m.attribute][1] == "strengths")]
    assert ("grant-similar-career-stage", "shared-experience") in {(m.attribute, m.theme) for m in turned}
    assert all(m.rationale.strip() for m in turned)
    assert resolve_theme(scheme, "same-stage peers").id == "shared-experience"


def test_views_offer_known_themes_and_every_theme_is_offered(scheme):
    ids = {t.id for t in scheme.themes}
    assert [v.id for v in scheme.views][:1] == ["joining"], "the first view is the default: joining a program"
    assert all(set(v.themes) <= ids for v in scheme.views)
    assert set().union(*(v.themes for v in scheme.views)) == ids


def test_designing_view_weighs_what_an_organizer_weighs(scheme):
    """Issue 13: an organizer's ranking rests on cost, effort to run, structure and reach, and lists no
    initiative to join."""
    designing = scheme.view("designing")
    assert {"cost", "effort-to-run", "structure-and-expectations", "reach"} <= set(designing.themes)
    assert not designing.offers_initiatives and scheme.view("joining").offers_initiatives
    effort = [m for m in scheme.memberships if m.theme == "effort-to-run"]
    assert effort and all(m.interpretive for m in effort), "Table 1 is written from the members' side"


def test_theme_triples(root, scheme):
    from rdflib.namespace import SKOS

    t = theme_triples(root)
    mg = "https://w3id.org/mentorgraph/id/"
    memberships = {(str(s), str(o)) for _, triples in t.curated for s, _, o in triples}
    assert memberships == {(mg + m.attribute, mg + m.theme) for m in scheme.memberships}
    assert all(rec["evidence"] == "curator" and rec["note"] for rec, _ in t.curated)
    # An interpretive grouping says so in the rationale the graph publishes.
    notes = {(str(s), str(o)): rec["note"] for rec, triples in t.curated for s, _, o in triples}
    for m in scheme.memberships:
        assert notes[mg + m.attribute, mg + m.theme].startswith("Interpretive reading: ") == m.interpretive
    in_scheme = {str(s) for s, p, o in t.plain if p == SKOS.inScheme and str(o) == mg + "themes"}
    assert in_scheme == {mg + th.id for th in scheme.themes}


def _broken_root(tmp_path: Path, root: Path, edit) -> Path:
    (tmp_path / "data").mkdir()
    shutil.copy(root / "data" / "table1.yaml", tmp_path / "data" / "table1.yaml")
    text = (root / "data" / "themes.yaml").read_text(encoding="utf-8")
    (tmp_path / "data" / "themes.yaml").write_text(edit(text), encoding="utf-8")
    return tmp_path


def test_unknown_attribute_is_reported_with_line_and_suggestion(tmp_path, root):
    broken = _broken_root(tmp_path, root, lambda s: s.replace("attribute: social-free\n", "attribute: social-fre\n"))
    with pytest.raises(InputError) as exc:
        load_themes(broken)
    text = str(exc.value)
    assert "unknown attribute 'social-fre'" in text and "did you mean 'social-free'" in text
    assert "'social-free' belongs to no theme" in text
    line = next(i for i, x in enumerate((broken / "data/themes.yaml").read_text().splitlines(), 1) if "social-fre" in x)
    assert f"data/themes.yaml:{line}:" in text


def test_cli_themes_exits_1_on_invalid_file(tmp_path, root, monkeypatch, capsys):
    from mentorgraph.cli import main

    broken = _broken_root(tmp_path, root, lambda s: s.replace("theme: cost\n", "theme: costs\n"))
    monkeypatch.setenv("MENTORGRAPH_HOME", str(broken))
    assert main(["themes"]) == 1
    assert "unknown theme 'costs'" in capsys.readouterr().err


def test_cli_themes_lists_every_theme(root, scheme, capsys):
    import json

    from mentorgraph.cli import main

    assert main(["themes", "--format", "json"]) == 0
    out = json.loads(capsys.readouterr().out)
    doc = yaml.safe_load((root / "data" / "themes.yaml").read_text(encoding="utf-8"))
    assert [t["label"] for t in out] == [t["label"] for t in doc["themes"]]


def test_themes_file_is_in_canonical_form(root):
    """Rule (house style): the file is exactly PyYAML's canonical dump of itself, so diffs are content only."""
    text = (root / "data" / "themes.yaml").read_text(encoding="utf-8")
    canonical = yaml.safe_dump(yaml.safe_load(text), allow_unicode=True, sort_keys=False, width=4096)
    assert text == canonical, "rewrite data/themes.yaml with yaml.safe_dump(..., sort_keys=False, width=4096)"
