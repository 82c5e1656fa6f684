"""The recommender's inputs for the browser: what static/site-find.js needs to rank the seven types and
judge the initiatives with mentorgraph.advise's rules (docs/choosing-a-model.md), exported at site-build
time from the same objects `recommend` reads — the types and their bullets (the graph), the themes,
memberships, facets and views (data/themes.yaml), the facets' values and the initiatives (the graph).

Names a person may type are folded here with advise.words.fold, so the script compares folded keys
and does not re-spell the folding rules; the script folds what the person typed the same way for
the usual cases (case, accents, punctuation).
"""

from __future__ import annotations

from typing import Any

from ..web.views import Source


def advice_data(source: Source) -> dict[str, Any]:
    """Everything the ranking script reads, as plain data in the recommender's own order."""
    from ..advise.person import facet_values
    from ..advise.words import fold
    from ..text import normalize

    model, scheme = source.model, source.scheme
    concepts: dict[str, dict[str, Any]] = {}
    facets = []
    for f in scheme.facets:
        values = facet_values(model, f)
        for c in values:
            concepts[c.iri] = {
                "id": c.id,
                "label": c.label,
                "broader": sorted(c.broader),
                "keys": sorted({fold(n) for n in c.names | {c.id}}),
                "labelKey": fold(c.label),
            }
        facets.append(
            {
                "id": f.id,
                "label": f.label,
                "wording": f.wording,
                "unrecorded": f.unrecorded,
                "several": f.several,
                "values": [c.iri for c in values],
            }
        )
    types = []
    for t in model.types:
        initiatives = [
            {
                "iri": i.iri,
                "display": i.display,
                "values": sorted(i.values),
                "collective": i.collective,
                "hasParts": i.has_parts,
                "collectiveClass": i.collective_class,
            }
            for i in model.examples(t.iri)
        ]
        attributes = [{"id": a.id, "label": a.label, "kind": a.kind} for a in t.attributes]
        types.append(
            {
                "iri": t.iri,
                "label": t.label,
                "position": t.position,
                "attributes": attributes,
                "initiatives": initiatives,
            }
        )
    # Each bullet's memberships in theme order (ThemeScheme.memberships_of), as score_type reads them.
    memberships = {
        a: [
            {"theme": m.theme, "favourable": m.favourable, "interpretive": m.interpretive, "rationale": m.rationale}
            for m in scheme.memberships_of(a)
        ]
        for a in sorted({m.attribute for m in scheme.memberships})
    }
    return {
        "types": types,
        "concepts": concepts,
        "facets": facets,
        "themes": [
            {
                "id": t.id,
                "label": t.label,
                "exact": sorted({t.id, normalize(t.label), *map(normalize, t.alt_labels)}),
                "words": fold(t.label),
                "altWords": [fold(a) for a in t.alt_labels],
            }
            for t in scheme.themes
        ],
        "memberships": memberships,
        "views": [
            {
                "id": v.id,
                "label": v.label,
                "themes": list(v.themes),
                "offersInitiatives": v.offers_initiatives,
                "wantAllByDefault": v.want_all_by_default,
            }
            for v in scheme.views
        ],
        "rule": _rule(),
    }


def _rule() -> str:
    from ..advise.ranking import RULE

    return RULE
