"""Releases of mentorgraph: ontology documentation, the dataset description, versioned artifacts, diffs.

The version is stated once, in pyproject.toml's [project] table; an installed copy without the source
tree falls back to the installed distribution's metadata, which setuptools copied from that table.
"""

from __future__ import annotations

import tomllib
from importlib import metadata
from pathlib import Path


def project_version(root: Path | None = None) -> str:
    """The version in `root`/pyproject.toml, or the installed package's version without a checkout."""
    if root is not None and (root / "pyproject.toml").is_file():
        with (root / "pyproject.toml").open("rb") as fh:
            return tomllib.load(fh)["project"]["version"]
    return metadata.version("mentorgraph")
