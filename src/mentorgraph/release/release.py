"""`mentorgraph release`: a versioned, checksummed directory of everything a user needs to cite and reuse.

dist/mentorgraph-VERSION/ holds every serialization of a fresh build, the JSON-LD context, the
ontology (Turtle and RDF/XML), the SHACL validation report, the HTML documentation, the DCAT/VoID
dataset description, CITATION.cff, the CHANGELOG section of this version, and SHA256SUMS (the format
`sha256sum -c` reads). The version comes from pyproject.toml; the release refuses to run while the
ontology header or CITATION.cff states another one.

The release is assembled in a temporary directory beside its target and renamed into place, so a
failure at any step leaves no partial release, and an existing release is replaced only with force.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

import yaml
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL

from .. import iris
from ..atomic import atomic_write
from ..pipeline.export import EXPORTS, _canonical, sorted_lines
from ..layout import ONTOLOGY_FILE, release_dir
from ..namespaces import ONTOLOGY_IRI
from ..problems import Problem
from . import project_version

# Files a release adds to the build's exports, with what each holds (listed in dataset.ttl).
RELEASE_FILES = {
    "ontology.owl": "the ontology in RDF/XML, for OWL tools such as Protégé and the OWL API",
    "ontology.html": "the ontology's HTML documentation, with examples from the data",
    "validation-report.ttl": EXPORTS["validation-report.ttl"],
    "CITATION.cff": "how to cite mentorgraph and the source article (Citation File Format 1.2.0)",
    "RELEASE-NOTES.md": "this version's section of CHANGELOG.md",
    "mentorgraph-vivo.ttl": "programs, their organizations and links in VIVO-ISF terms, for a VIVO site (docs/vivo.md)",
    "tables/datapackage.json": "the Frictionless Data Package describing the CSV tables of tables/ (docs/tables.md)",
}
TABLES = "tables"
DATASET_FILE = "dataset.ttl"
CHECKSUMS = "SHA256SUMS"
_SECTION = re.compile(r"^## \[(?P<name>[^\]]+)\](?P<rest>.*)$", re.MULTILINE)


class ReleaseError(Exception):
    """The release cannot be made; `problems` says why and how to fix it."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


@dataclass
class Release:
    """What a release wrote: its directory, version, files and where its notes came from."""

    path: Path
    version: str
    files: list[str]
    notes_from: str  # the CHANGELOG section the release notes come from


def version_problems(root: Path, version: str) -> list[Problem]:
    """Where the ontology header or CITATION.cff disagree with pyproject.toml's version."""
    problems = []
    onto_file = ONTOLOGY_FILE
    onto = Graph().parse(root / onto_file, format="turtle")
    info = onto.value(ONTOLOGY_IRI, OWL.versionInfo)
    if info != Literal(version):
        problems.append(
            Problem(
                onto_file,
                "owl:versionInfo differs from pyproject.toml's [project] version",
                value=str(info),
                expected=f'"{version}"',
            )
        )
    expected_iri = URIRef(f"{iris.ONTOLOGY}/{version}")
    viri = onto.value(ONTOLOGY_IRI, OWL.versionIRI)
    if viri != expected_iri:
        problems.append(
            Problem(
                onto_file,
                "owl:versionIRI differs from pyproject.toml's [project] version",
                value=str(viri),
                expected=f"<{expected_iri}>",
            )
        )
    cff = root / "CITATION.cff"
    if cff.is_file():
        stated = str((yaml.safe_load(cff.read_text(encoding="utf-8")) or {}).get("version", ""))
        if stated != version:
            problems.append(
                Problem(
                    "CITATION.cff",
                    "version differs from pyproject.toml's [project] version",
                    value=stated,
                    expected=version,
                )
            )
    return problems


def changelog_section(text: str, version: str) -> tuple[str, str]:
    """(section name, section text) of CHANGELOG.md for `version`, else its [Unreleased] section.

    Keep a Changelog 1.1.0: each version is a `## [VERSION] - DATE` heading; upcoming changes sit
    under `## [Unreleased]` until the version is tagged.
    """
    heads = list(_SECTION.finditer(text))
    for wanted in (version, "Unreleased"):
        for i, m in enumerate(heads):
            if m.group("name").strip().casefold() == wanted.casefold():
                end = heads[i + 1].start() if i + 1 < len(heads) else len(text)
                body = re.split(r"^\[[^\]]+\]: ", text[m.start() : end], flags=re.MULTILINE)[0]
                return m.group("name"), body.strip() + "\n"
    raise ReleaseError(
        [
            Problem(
                "CHANGELOG.md",
                f"no section for version {version} and no [Unreleased] section",
                expected=f"a heading '## [{version}] - YYYY-MM-DD' (Keep a Changelog)",
            )
        ]
    )


def sha256sums(directory: Path) -> bytes:
    """`sha256sum`'s format (hash, two spaces, relative path) for every file, sorted by path."""
    lines = []
    for path in sorted(p for p in directory.rglob("*") if p.is_file()):
        rel = path.relative_to(directory).as_posix()
        if rel != CHECKSUMS:
            lines.append(f"{hashlib.sha256(path.read_bytes()).hexdigest()}  {rel}")
    return ("\n".join(lines) + "\n").encode("utf-8")


def ontology_rdfxml(root: Path) -> bytes:
    """The ontology as RDF/XML, with stable bytes: blank nodes relabelled canonically, triples sorted.

    rdflib's RDF/XML writer orders subjects by hash (different in every process), so the sorted
    N-Triples go through pyoxigraph's writer, which keeps its input order.
    """
    import pyoxigraph

    g = _canonical(Graph().parse(root / ONTOLOGY_FILE, format="turtle"))
    ntriples = sorted_lines(g.serialize(format="nt"))
    triples = pyoxigraph.parse(ntriples, format=pyoxigraph.RdfFormat.N_TRIPLES)
    prefixes = {
        p: ns for p, ns in iris.PREFIXES.items() if p in ("mgo", "rdf", "rdfs", "owl", "xsd", "skos", "dcterms")
    }
    return pyoxigraph.serialize(triples, format=pyoxigraph.RdfFormat.RDF_XML, prefixes=prefixes)


def make_release(root: Path, dist: Path, force: bool = False, progress=None) -> Release:
    """Build from `root` and write dist/mentorgraph-VERSION/; return what was written."""
    from ..pipeline.build import check, render as render_exports
    from .dataset import describe, render
    from .docs import render_docs

    say = progress or (lambda _msg: None)
    version = project_version(root)
    if problems := version_problems(root, version):
        raise ReleaseError(problems)
    changelog = root / "CHANGELOG.md"
    if not changelog.is_file():
        raise ReleaseError([Problem("CHANGELOG.md", "missing", expected="a changelog in Keep a Changelog format")])
    section, notes = changelog_section(changelog.read_text(encoding="utf-8"), version)
    target = release_dir(dist, version)
    if target.exists() and not force:
        raise ReleaseError(
            [
                Problem(
                    str(target),
                    "a release of this version already exists",
                    expected="a new version in pyproject.toml, or --force to replace it",
                )
            ]
        )
    dist.mkdir(parents=True, exist_ok=True)
    staging = _staging(dist, version)
    try:
        say("build...")
        # The exports of a fresh build, as plain files (no generation, no store: the on-disk store is
        # a local cache that anyone rebuilds from mentorgraph.nq).
        for name, data in render_exports(root, check(root, progress=say), say).items():
            atomic_write(staging / name, data)
        say("mentorgraph-vivo.ttl, tables/...")
        _write_interop(staging, root, version)
        say("ontology.owl, ontology.html...")
        atomic_write(staging / "ontology.owl", ontology_rdfxml(root))
        atomic_write(staging / "ontology.html", render_docs(root, staging))
        if (root / "CITATION.cff").is_file():
            shutil.copyfile(root / "CITATION.cff", staging / "CITATION.cff")
        heading = f"<!-- Excerpt of CHANGELOG.md: section [{section}] -->\n\n"
        atomic_write(staging / "RELEASE-NOTES.md", (heading + notes).encode("utf-8"))
        say("dataset.ttl...")
        extra = {n: d for n, d in RELEASE_FILES.items() if (staging / n).is_file()}
        extra.update(_table_files(staging))
        atomic_write(staging / DATASET_FILE, render(describe(staging, root, version=version, extra_files=extra)))
        say("SHA256SUMS...")
        atomic_write(staging / CHECKSUMS, sha256sums(staging))
        os.chmod(staging, 0o755)
        _swap_into_place(staging, target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    files = sorted(p.relative_to(target).as_posix() for p in target.rglob("*") if p.is_file())
    return Release(target, version, files, section)


def _staging(dist: Path, version: str) -> Path:
    """A fresh staging directory for this process (`.mentorgraph-VERSION.PID.tmp`), after removing
    those that killed releases left: a staging directory whose process is gone is never finished."""
    for p in dist.glob(".mentorgraph-*.tmp"):
        pid = p.name[: -len(".tmp")].rsplit(".", 1)[-1]
        if pid.isdigit() and (int(pid) == os.getpid() or not _alive(int(pid))):
            shutil.rmtree(p, ignore_errors=True)
    staging = dist / f".mentorgraph-{version}.{os.getpid()}.tmp"
    staging.mkdir()
    return staging


def _alive(pid: int) -> bool:
    """Whether a process with this id exists (signal 0 checks without sending anything)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _write_interop(staging: Path, root: Path, version: str) -> None:
    """The VIVO export and the CSV tables of the build just rendered into `staging`."""
    from ..interop.tables import render_tables
    from ..interop.vivo import VIVO_FILE, render_vivo
    from ..layout import NQUADS

    nquads = (staging / NQUADS).read_bytes()
    atomic_write(staging / VIVO_FILE, render_vivo(nquads, root))
    (staging / TABLES).mkdir()
    for name, data in render_tables(nquads, version).items():
        atomic_write(staging / TABLES / name, data)


def _table_files(staging: Path) -> dict[str, str]:
    """Each CSV of tables/ as a distribution, described by its datapackage.json resource title."""
    import json

    package = staging / TABLES / "datapackage.json"
    if not package.is_file():
        return {}
    resources = json.loads(package.read_text(encoding="utf-8"))["resources"]
    return {f"{TABLES}/{r['path']}": r["title"] for r in resources}


def replace_directory(target: Path, files: dict[str, bytes]) -> None:
    """Make `target` a directory holding exactly `files` (name -> bytes), all or nothing.

    The files are written into a temporary directory beside `target`, which then replaces it in one rename.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent))
    try:
        for name, data in files.items():
            atomic_write(staging / name, data)
        os.chmod(staging, 0o755)
        _swap_into_place(staging, target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def _swap_into_place(staging: Path, target: Path) -> None:
    """Rename `staging` to `target`; an existing `target` is moved aside first and removed after."""
    if not target.exists():
        os.rename(staging, target)
        return
    old = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".old", dir=target.parent))
    os.rename(target, old / target.name)
    try:
        os.rename(staging, target)
    except BaseException:
        os.rename(old / target.name, target)
        raise
    finally:
        shutil.rmtree(old, ignore_errors=True)
