"""Where things are: the project root, THE one `--out` rule, and every path under the build directory.

The one rule, for every command and the Python API: an `out` that is given is taken relative to the
current working directory; when none is given the build directory is <project root>/dist, the root
found by `find_root`.

A build directory holds generations (issue 12, "builds as atomic generations"):

    dist/builds/<id>/        one complete build: every export, store/, manifest.json, linked datasets
    dist/current             symlink -> builds/<id>, replaced in one atomic step (os.replace)
    dist/mentorgraph.ttl ... symlinks -> current/<name>, so the familiar paths keep resolving
    dist/builds/             locked (flock) by the one build that may write at a time

A build writes its generation under a temporary name, renames it into place complete, and only then
switches `current`; a killed or failed build leaves the previous generation serving, whole. Readers
resolve `current` once (`current_generation`) and open that one directory. Stale temporary
directories and generations older than the previous one are removed by the next build.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from .atomic import atomic_symlink, file_lock, fsync_dir

# -- the project ------------------------------------------------------------------------------------
ONTOLOGY_DIR = "ontology"
DATA_DIR = "data"
QUERIES_DIR = "queries"
ONTOLOGY_FILE = "ontology/mentorgraph.ttl"
SHAPES_FILE = "ontology/shapes.ttl"
CONTEXT_FILE = "ontology/context.jsonld"
DIST = "dist"

# -- one generation's files ----------------------------------------------------------------------------
TURTLE = "mentorgraph.ttl"
NTRIPLES = "mentorgraph.nt"
JSONLD = "mentorgraph.jsonld"
CONTEXT = "context.jsonld"
TRIG = "mentorgraph.trig"
NQUADS = "mentorgraph.nq"
ONTOLOGY = "ontology.ttl"
REPORT = "validation-report.ttl"
MANIFEST = "manifest.json"
STORE = "store"
# Size and SHA-256 of every file of the generation, store files included, written last; verified
# before the store is opened, so a damaged store is reported instead of read (issue 12).
CHECKSUMS = ".checksums.json"
# The keys of each stage's inputs, so that the next build can reuse an output (pipeline/cache.py).
STAGES = ".stages.json"
# Linked datasets loaded beside the graph (`build --with NAME FILE`, `link load-ror`): name -> file.
LINKED = {"ror": "ror.nq"}
# Written into the build directory itself, outside generations (`mentorgraph docs`, `mentorgraph site`).
DOCS = "ontology.html"
SITE = "site"

# -- the build directory -----------------------------------------------------------------------------
BUILDS = "builds"
CURRENT = "current"
_TMP = ".tmp-"


def find_root(start: Path | None = None) -> Path:
    """The project directory holding ontology/, data/ and queries/.

    $MENTORGRAPH_HOME wins; then the current directory or its nearest ancestor holding
    ontology/mentorgraph.ttl; then the checkout this package was installed from (editable install).
    """
    env = os.environ.get("MENTORGRAPH_HOME")
    if env:
        return Path(env)
    here = (start or Path.cwd()).resolve()
    for d in (here, *here.parents):
        if (d / ONTOLOGY_FILE).is_file() and (d / QUERIES_DIR).is_dir():
            return d
    pkg_root = Path(__file__).resolve().parents[2]
    if (pkg_root / ONTOLOGY_FILE).is_file():
        return pkg_root
    raise FileNotFoundError(
        "cannot find the mentorgraph project (ontology/, data/, queries/); "
        "run from its directory or set MENTORGRAPH_HOME"
    )


def resolve_out(out: str | Path | None = None, root: str | Path | None = None) -> Path:
    """THE `--out` rule: a given `out` relative to the working directory; else <root>/dist (absolute)."""
    if out is not None and str(out) != "":
        return Path(out).expanduser().absolute()
    return (Path(root) if root is not None else find_root()).absolute() / DIST


def release_dir(out: Path, version: str) -> Path:
    """Where `mentorgraph release` puts one version: <out>/mentorgraph-VERSION/."""
    return out / f"mentorgraph-{version}"


def docs_path(out: Path) -> Path:
    """Where `mentorgraph docs` writes the ontology documentation by default."""
    return out / DOCS


def site_path(out: Path) -> Path:
    """Where `mentorgraph site` writes the static website by default: <out>/site/."""
    return out / SITE


# -- generations ----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Generation:
    """One complete build: its id and directory; every file of it is named by a property."""

    id: str
    path: Path

    def file(self, name: str) -> Path:
        """A file of this generation by its name (one of the constants above)."""
        return self.path / name

    @property
    def store(self) -> Path:
        """The generation's store directory."""
        return self.path / STORE

    @property
    def nquads(self) -> Path:
        """The generation's N-Quads export (every named graph)."""
        return self.path / NQUADS

    @property
    def manifest(self) -> Path:
        """The generation's manifest.json."""
        return self.path / MANIFEST

    @property
    def context(self) -> Path:
        """The generation's JSON-LD context file."""
        return self.path / CONTEXT

    @property
    def linked(self) -> dict[str, Path]:
        """The linked datasets this generation holds, name -> N-Quads file."""
        return {name: self.path / f for name, f in LINKED.items() if (self.path / f).is_file()}

    def files(self) -> dict[str, Path]:
        """Every top-level file and directory of the generation, by name."""
        return {p.name: p for p in sorted(self.path.iterdir()) if not p.name.startswith(".")}


class NoBuild(FileNotFoundError):
    """There is no built graph in the build directory (CLI exit code 3, with the fix in the message)."""


def current_id(out: Path) -> str | None:
    """The id of the current generation, or None: one readlink, cheap enough to poll for a change."""
    try:
        target = os.readlink(out / CURRENT)
    except OSError:
        return None
    return Path(target).name


def current_generation(out: str | Path) -> Generation:
    """The generation `out`/current points at, resolved once; raise NoBuild if there is none.

    A directory that is itself one complete build (a generation's own directory, or a build made before
    generations existed: manifest.json and store/ side by side) is accepted as it is.
    """
    out = Path(out)
    gen_id = current_id(out)
    if gen_id is not None:
        path = out / BUILDS / gen_id
        if (path / MANIFEST).is_file():
            return Generation(gen_id, path)
    elif (out / MANIFEST).is_file() and not (out / MANIFEST).is_symlink():
        return Generation(out.name, out)
    raise NoBuild(f"no built graph at {out}; run `mentorgraph build` first")


def generation_id(parts: Iterable[tuple[str, bytes]]) -> str:
    """A generation id from the inputs' content: (name, bytes) pairs, order-independent."""
    h = hashlib.sha256()
    for name, data in sorted(parts):
        h.update(name.encode("utf-8") + b"\0" + hashlib.sha256(data).digest())
    return h.hexdigest()[:16]


CODE_PREFIX = "code/"


def input_parts(root: Path) -> Iterator[tuple[str, bytes]]:
    """Every input of a build under `root`: ontology/, data/ and queries/ files, and the code itself."""
    for d in (ONTOLOGY_DIR, DATA_DIR, QUERIES_DIR):
        base = root / d
        for p in sorted(base.rglob("*")) if base.is_dir() else ():
            if p.is_file() and not p.name.startswith("."):
                yield p.relative_to(root).as_posix(), p.read_bytes()
    # The code that turns inputs into a build: a change to it must not reuse an older generation.
    pkg = Path(__file__).resolve().parent
    for p in sorted(pkg.rglob("*.py")):
        yield CODE_PREFIX + p.relative_to(pkg).as_posix(), p.read_bytes()
    # So is the code of the libraries whose behaviour is in the outputs (serializers, reasoner,
    # validator, store, YAML reader): an upgrade of one builds anew.
    yield CODE_PREFIX + "libraries", library_versions()


OUTPUT_LIBRARIES = ("owlrl", "pyoxigraph", "pyshacl", "PyYAML", "rdflib")


def library_versions() -> bytes:
    """The installed versions of OUTPUT_LIBRARIES, a line each (`name==version`, `-` if missing)."""
    from importlib.metadata import PackageNotFoundError, version

    lines = []
    for name in OUTPUT_LIBRARIES:
        try:
            lines.append(f"{name}=={version(name)}")
        except PackageNotFoundError:
            lines.append(f"{name}==-")
    return "\n".join(lines).encode("utf-8")


@dataclass
class GenerationWriter:
    """What `new_generation` hands a build: the directory to fill, unless the generation exists already."""

    out: Path
    id: str
    path: Path  # the temporary directory to write into (final path once reused)
    reused: bool = False
    generation: Generation | None = field(default=None)

    def write(self, name: str, data: bytes) -> Path:
        """Write one file of the generation (plain write: the whole directory is renamed at the end)."""
        target = self.path / name
        with open(target, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(target, 0o644)
        return target


def build_lock(out: Path, on_wait: Callable[[], None] | None = None):
    """The lock that lets one build at a time write to `out` (a second build waits for it): an flock
    on the builds/ directory itself."""
    (out / BUILDS).mkdir(parents=True, exist_ok=True)
    return file_lock(out / BUILDS, on_wait)


@contextlib.contextmanager
def new_generation(out: Path, gen_id: str, on_wait: Callable[[], None] | None = None) -> Iterator[GenerationWriter]:
    """Write a generation and switch `out`/current to it, all or nothing.

    Inside the block, fill `writer.path` (unless `writer.reused`: a complete generation with this id
    exists already and is switched to as it is). On a normal exit the directory is renamed into
    place, `current` is replaced atomically, the convenience links are refreshed and old generations
    pruned. On an exception the temporary directory is removed and `current` is left as it was.
    """
    out.mkdir(parents=True, exist_ok=True)
    builds = out / BUILDS
    with build_lock(out, on_wait):
        _clean_stale(out)
        final = builds / gen_id
        previous = current_id(out)
        if intact(final):
            writer = GenerationWriter(out, gen_id, final, reused=True)
            yield writer
        else:
            tmp = builds / f"{_TMP}{gen_id}-{os.getpid()}"
            shutil.rmtree(tmp, ignore_errors=True)
            tmp.mkdir(parents=True)
            writer = GenerationWriter(out, gen_id, tmp)
            try:
                yield writer
                os.chmod(tmp, 0o755)
                fsync_dir(tmp)
                if final.exists():  # an incomplete leftover under the final name
                    shutil.rmtree(final)
                os.rename(tmp, final)
                fsync_dir(builds)
            except BaseException:
                shutil.rmtree(tmp, ignore_errors=True)
                raise
        _switch(out, gen_id)
        _prune(out, keep={gen_id, previous})
        writer.path = final
        writer.generation = Generation(gen_id, final)


def _switch(out: Path, gen_id: str) -> None:
    """Point `current` at the generation (the one atomic step), then the convenience links at `current`."""
    atomic_symlink(f"{BUILDS}/{gen_id}", out / CURRENT)
    fsync_dir(out)
    names = {p.name for p in (out / BUILDS / gen_id).iterdir() if not p.name.startswith(".")}
    for name in sorted(names):
        link = out / name
        target = f"{CURRENT}/{name}"
        if link.is_symlink() and os.readlink(link) == target:
            continue
        if link.is_dir() and not link.is_symlink():
            # A build directory from before generations: its store/ is moved aside, then removed.
            aside = out / BUILDS / f"{_TMP}legacy-{name}-{os.getpid()}"
            os.rename(link, aside)
            shutil.rmtree(aside, ignore_errors=True)
        atomic_symlink(target, link)
    # Links to files the current generation no longer has (a linked dataset dropped) would dangle.
    for link in out.iterdir():
        if link.is_symlink() and link.name not in names and os.readlink(link).startswith(f"{CURRENT}/"):
            link.unlink()


def _clean_stale(out: Path) -> None:
    """Remove what killed builds left: temporary generations, and temp files of older versions."""
    builds = out / BUILDS
    for p in builds.iterdir() if builds.is_dir() else ():
        if p.name.startswith(_TMP):
            shutil.rmtree(p, ignore_errors=True)
    for p in out.iterdir():
        if p.name.startswith((".store.", ".store-old.")) or (p.name.startswith(".") and p.name.endswith(".tmp")):
            if p.is_dir() and not p.is_symlink():
                shutil.rmtree(p, ignore_errors=True)
            else:
                p.unlink(missing_ok=True)


def _prune(out: Path, keep: set[str | None]) -> None:
    """Keep the current generation and the previous one; remove the others."""
    for p in (out / BUILDS).iterdir():
        if p.is_dir() and not p.name.startswith(".") and p.name not in keep:
            shutil.rmtree(p, ignore_errors=True)


def generations(out: Path) -> list[str]:
    """The ids of the complete generations in `out`."""
    builds = out / BUILDS
    return sorted(p.name for p in builds.iterdir() if (p / MANIFEST).is_file()) if builds.is_dir() else []


# -- integrity ------------------------------------------------------------------------------------------
# Files the store may rewrite when it is opened read-only (RocksDB's info log and lock file).
_VOLATILE = ("LOG", "LOCK")


def _checked_files(path: Path) -> Iterator[Path]:
    for p in sorted(path.rglob("*")):
        if p.is_file() and p.name != CHECKSUMS and not p.name.startswith(_VOLATILE):
            yield p


def _digest(p: Path) -> str:
    h = hashlib.sha256()
    with open(p, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def write_checksums(path: Path) -> None:
    """Record the size and SHA-256 of every file of a generation being written (its last file)."""
    import json

    sums = {p.relative_to(path).as_posix(): [p.stat().st_size, _digest(p)] for p in _checked_files(path)}
    with open(path / CHECKSUMS, "wb") as fh:
        fh.write(json.dumps(sums, indent=1, sort_keys=True).encode("utf-8"))
        fh.flush()
        os.fsync(fh.fileno())


class DamagedBuild(OSError):
    """A generation's files do not match their recorded checksums (CLI exit code 3, fix in the message)."""


def verify(gen: Generation, under: str = "") -> None:
    """Raise DamagedBuild unless every recorded file under `under` (e.g. "store") has its size and SHA-256.

    Sizes are compared first (one stat each), then contents: about 3 ms for the project's 1.2 MB
    store. A generation written before checksums existed is accepted as it is.
    """
    import json

    try:
        sums = json.loads((gen.path / CHECKSUMS).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return
    except (OSError, ValueError) as exc:
        raise DamagedBuild(
            f"the build at {gen.path} is damaged ({CHECKSUMS}: {exc}); run `mentorgraph build`"
        ) from None
    wanted = {name: v for name, v in sums.items() if name.startswith(under)}
    for check in ("size", "content"):
        for name, (size, digest) in wanted.items():
            p = gen.path / name
            try:
                bad = p.stat().st_size != size if check == "size" else _digest(p) != digest
            except OSError:
                bad, why = True, "is missing"
            else:
                why = f"does not have the {check} recorded when it was built"
            if bad:
                raise DamagedBuild(
                    f"the build at {gen.path} is damaged: {name} {why}; nothing was read from it. "
                    "Run `mentorgraph build` to write a new one"
                )


def intact(path: Path) -> bool:
    """Whether the generation directory `path` is complete and matches its checksums (reusable as it is)."""
    if not (path / MANIFEST).is_file():
        return False
    try:
        verify(Generation(path.name, path))
    except DamagedBuild:
        return False
    return True
