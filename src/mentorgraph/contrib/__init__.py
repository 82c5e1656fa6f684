"""Contributed programs: read CSV, YAML, Turtle or JSON-LD, validate against the graph, import into data/.

    from mentorgraph.contrib import validate_files, import_files
    outcome, _ = validate_files(root, [Path("programs.csv")])
    print(outcome.text())

See docs/contributing.md for the CSV template, the accepted formats and the limits.
"""

__all__ = ["COLUMNS", "Outcome", "import_files", "template_csv", "validate_files"]


def __getattr__(name: str):
    # Lazy, so that registering the CLI commands does not import pyshacl at every start.
    if name in {"Outcome", "import_files", "validate_files"}:
        from . import core

        return getattr(core, name)
    if name in {"COLUMNS", "template_csv"}:
        from . import readers

        return getattr(readers, name)
    raise AttributeError(name)
