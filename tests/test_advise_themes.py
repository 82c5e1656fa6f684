"""data/themes.yaml, the curated scheme of themes: one curation rule per test, checked over every record.

Expected values come from Table 1 (data/source/table1-columns.md, via the `table1` fixture) and the
issue (the words that must resolve), never from the program's output.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from mentorgraph.pipeline.themes import ThemeError, load_themes, theme_triples
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
    assert scheme.resolve(word).id == theme
    assert scheme.resolve(word.upper()).id == theme


def test_resolution_accepts_label_alt_label_and_phrase(scheme):
    assert scheme.resolve("Confidentiality and safe space").id == "confidentiality-and-safety"
    assert scheme.resolve("safe space").id == "confidentiality-and-safety"
    assert scheme.resolve("Exclusivity").id == "inclusiveness"
    assert scheme.resolve("shared experience").id == "shared-experience"


def test_unknown_theme_lists_closest(scheme):
    with pytest.raises(ThemeError) as exc:
        scheme.resolve("confidentialty")
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


def test_facets_name_known_populations(root, scheme):
    doc = yaml.safe_load((root / "data" / "populations.yaml").read_text(encoding="utf-8"))
    known = {p["id"] for p in doc["populations"]}
    assert {f.option for f in scheme.facets} == {"--career-stage", "--specialty", "--population"}
    assert all(set(f.populations) <= known for f in scheme.facets)


def test_theme_triples(root, scheme):
    from rdflib.namespace import SKOS

    t = theme_triples(root)
    mg = "https://w3id.org/mentorgraph/id/"
    memberships = {(str(s), str(o)) for _, triples in t.curated for s, _, o in triples}
    assert memberships == {(mg + m.attribute, mg + m.theme) for m in scheme.memberships}
    assert all(rec["evidence"] == "curator" and rec["note"] for rec, _ in t.curated)
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
