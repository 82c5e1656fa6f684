"""Help a person choose a peer-mentoring model: themes, compare and recommend (issue 8).

    from mentorgraph import open_graph
    from mentorgraph.advise import Person, recommend
    rec = recommend(open_graph(), Person(population=["women"], want=["confidentiality"], avoid=["travel"]))
    for t in rec.types:
        print(t.rank, t.label, t.score, [p.label for p in t.programs])

The rule and the themes are described in docs/choosing-a-model.md; the themes live in data/themes.yaml.
"""

from __future__ import annotations

__all__ = ["Person", "recommend", "compare", "find_page", "matrix_svg", "load_themes", "theme_triples"]


def __getattr__(name: str):
    # Lazy, like the package itself: importing mentorgraph.advise must not load the query stack.
    if name in {"Person", "recommend"}:
        from . import recommend as module
    elif name == "compare":
        from . import compare as module
    elif name in {"find_page", "matrix_svg"}:
        from . import html as module
    elif name in {"load_themes", "theme_triples"}:
        from . import themes as module
    else:
        raise AttributeError(name)
    return getattr(module, name)
