"""mentorgraph: the open knowledge graph of peer-mentoring models in academic medicine.

The public Python API (see README, "Python API"):

    from mentorgraph import open_graph
    mg = open_graph()                     # the graph built by `mentorgraph build` in dist/
    rows = mg.query("underserved-programs").plain()
"""

from __future__ import annotations

__all__ = ["open_graph", "MentorGraph", "build", "__version__"]


def __getattr__(name: str):
    if name == "__version__":
        # The version is stated once, in pyproject.toml; the installed metadata carries it.
        from importlib.metadata import version

        return version("mentorgraph")
    # Lazy: importing mentorgraph must stay cheap for the CLI's cold start.
    if name == "find_root":
        from .layout import find_root

        return find_root
    if name in {"open_graph", "MentorGraph", "ParameterError", "UnknownValue", "AmbiguousValue"}:
        from .query import api

        return getattr(api, name)
    if name == "build":
        from .pipeline.build import build

        return build
    raise AttributeError(name)
