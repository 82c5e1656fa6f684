"""Help a person choose, or design, a peer-mentoring program: themes, compare and recommend (issues 8, 13).

    from mentorgraph import open_graph
    from mentorgraph.advise import Person, recommend
    mg = open_graph()
    rec = recommend(mg, Person(facets={"population": ["women"]}, want=["confidentiality"], avoid=["travel"]))
    for t in rec.types:
        print(t.rank, t.label, t.score, [p.label for p in t.fits], [(p.label, p.why) for p in t.maybe])
    recommend(mg, Person(view="designing"))  # for an organizer: types ranked, no initiative to join

`recommend` returns a Recommendation: plain data in plain words (no command-line options in it), for
the CLI, the JSON and the web pages alike; `as_dict()` is the JSON. `choices` gives what a form asks
(the facets with their values, the views with their themes), and `person_from_params` reads a
submitted form (a field per facet id, `view`, `want`, `avoid`) into a Person. The rules are in docs/choosing-a-model.md;
themes, facets and views live in data/themes.yaml, their values in the graph.
"""

from __future__ import annotations

__all__ = [
    "Person",
    "Recommendation",
    "recommend",
    "choices",
    "person_from_params",
    "compare",
    "AdviceError",
    "ThemeError",
]


# Name -> the module that defines it. Lazy, like the package itself: importing mentorgraph.advise must
# not load the query stack. (No module is named like a function it exports, so an imported submodule
# never shadows one.)
_HOMES = {
    "Person": "ranking",
    "Recommendation": "ranking",
    "recommend": "ranking",
    "choices": "ranking",
    "person_from_params": "person",
    "compare": "comparison",
    "AdviceError": "words",
    "ThemeError": "words",
}


def __getattr__(name: str):
    if name not in _HOMES:
        raise AttributeError(name)
    from importlib import import_module

    return getattr(import_module(f"{__name__}.{_HOMES[name]}"), name)
