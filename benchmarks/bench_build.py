"""Benchmark `mentorgraph build` in a fresh process, stage by stage (issue 16: under 2 s).

    python benchmarks/bench_build.py [--runs 5] [--anchor DIR]

Each cold run is `python -m mentorgraph.cli build --out NEW_DIR` on this checkout's project: a
fresh process and a fresh build directory, so nothing is reused (what a first build, or a build
after a change to a value OWL RL reads, costs). Prints the medians of the wall time, the CPU time
(user + system of the process and its second process) and each stage's time as the build reports it.

`--anchor DIR` names another checkout of mentorgraph (e.g. `git clone -b main REPO /tmp/anchor`);
its code then builds the same project in runs interleaved with this checkout's, and every export
file of the two builds is compared byte for byte (what `dist/current/*` lists; the store by its
quads, blank nodes canonicalized: its files are RocksDB's own, and so are their checksums). The
script exits 1 if any file differs.

Then, with this checkout only, rebuilds into an existing build directory (pipeline/cache.py), each
timed `--runs` times in a copy of the project:

- "unchanged": nothing changed, the generation is reused as it is;
- "query changed": a comment added to a file of queries/ (a new generation, every export reused);
- "definition changed": a population's definition edited (an annotation: SHACL runs, OWL RL's
  output is reused).

Other processes on the machine show in the wall figures: the load average is printed before and
after; compare only interleaved runs.
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
STAGE = re.compile(r"(\w+) (\d+\.\d+)s")


def run_build(src: Path, out: Path, root: Path = ROOT) -> dict[str, float]:
    """One build of `root` in a fresh process with the code under `src`; its wall, CPU and stage times."""
    env = {**os.environ, "PYTHONPATH": str(src / "src")}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "mentorgraph.cli", "build", "--root", str(root), "--out", str(out)],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    summary = next(line for line in proc.stderr.splitlines() if line.startswith(("built", "unchanged")))
    listed = re.search(r" in [\d.]+s \((.*)\)$", summary)  # no list: the generation was reused
    stages = {name: float(v) for name, v in STAGE.findall(listed.group(1) if listed else "")}
    return {"wall": wall, "cpu": cpu, **stages}


def differences(a: Path, b: Path) -> list[str]:
    """The files of the two builds' current generations that differ (store: by its canonical quads)."""
    import pyoxigraph

    def quads(p: Path) -> list[str]:
        ds = pyoxigraph.Dataset(pyoxigraph.Store.read_only(str(p)))
        ds.canonicalize(pyoxigraph.CanonicalizationAlgorithm.UNSTABLE)
        return sorted(str(q) for q in ds)

    ga, gb = (Path(os.path.realpath(p / "current")) for p in (a, b))
    # What `dist/current/*` lists: the hidden checksums and stage keys are the build's own bookkeeping.
    names = sorted(p.name for p in (*ga.iterdir(), *gb.iterdir()) if not p.name.startswith("."))
    names = sorted(set(names))
    bad = []
    for name in names:
        pa, pb = ga / name, gb / name
        if name == "store":
            same = quads(pa) == quads(pb)
        else:
            same = pa.is_file() and pb.is_file() and pa.read_bytes() == pb.read_bytes()
        if not same:
            bad.append(name)
    return bad


def report(label: str, samples: list[dict[str, float]]) -> None:
    keys = ["wall", "cpu"] + [k for k in samples[0] if k not in ("wall", "cpu")]
    cells = ", ".join(f"{k} {statistics.median(s.get(k, 0.0) for s in samples):.2f}s" for k in keys)
    print(f"{label:10} median of {len(samples)}: {cells}", flush=True)


def rebuild_figures(tmp: Path, runs: int) -> list[tuple[str, float]]:
    """Rebuilds into an existing build directory of a copy of the project (see the docstring)."""
    root = tmp / "project"
    for d in ("ontology", "data", "queries"):
        shutil.copytree(ROOT / d, root / d)
    out = tmp / "rebuilds"
    run_build(ROOT, out, root)
    population, query = root / "data" / "populations.yaml", root / "queries" / "types.rq"

    def unchanged(_run: int) -> None:
        pass

    def query_changed(run: int) -> None:
        with open(query, "a", encoding="utf-8") as fh:
            fh.write(f"# run {run}\n")

    def definition_changed(run: int) -> None:
        # A new text every run: going back to an earlier one would find that generation still kept.
        text = population.read_text(encoding="utf-8")
        old = "who are mothers." if run == 0 else f"who are mothers (edit {run - 1})."
        population.write_text(text.replace(old, f"who are mothers (edit {run})."), encoding="utf-8")

    figures = []
    for label, change in [
        ("unchanged", unchanged),
        ("query changed", query_changed),
        ("definition changed", definition_changed),
    ]:
        found = []
        for run in range(runs):
            change(run)
            found.append(run_build(ROOT, out, root))
        report(label, found)
        figures.append((label, statistics.median(x["wall"] for x in found)))
    return figures


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--anchor", type=Path, help="another mentorgraph checkout to interleave and compare with")
    args = ap.parse_args()
    variants = {"this": ROOT}
    if args.anchor:
        variants["anchor"] = args.anchor.resolve()
    print(f"python {sys.version.split()[0]}, PYTHONDONTWRITEBYTECODE={os.environ.get('PYTHONDONTWRITEBYTECODE', '')}")
    for name, src in variants.items():
        rev = subprocess.run(["git", "-C", str(src), "rev-parse", "--short", "HEAD"], capture_output=True, text=True)
        print(f"{name}: {src} {rev.stdout.strip()}")
    print(f"load average before: {os.getloadavg()[0]:.2f}")
    samples: dict[str, list] = {name: [] for name in variants}
    failed = False
    with tempfile.TemporaryDirectory(prefix="mg-bench-build-") as tmp:
        for run in range(args.runs):
            outs = {}
            for name, src in variants.items():
                outs[name] = Path(tmp) / f"{name}-{run}"
                samples[name].append(run_build(src, outs[name]))
            if "anchor" in outs:
                bad = differences(outs["this"], outs["anchor"])
                if bad:
                    failed = True
                    print(f"run {run}: files that differ from the anchor's: {', '.join(bad)}")
        for name in variants:
            report(name, samples[name])
        if "anchor" in variants:
            print("every export file byte-identical to the anchor's:", "no" if failed else "yes")
        rebuilds = rebuild_figures(Path(tmp), args.runs)
    cold = statistics.median(x["wall"] for x in samples["this"])
    print(f"load average after: {os.getloadavg()[0]:.2f}")
    met = [name for name, wall in [("cold", cold), *rebuilds] if wall < 2.0]
    print("goal: under 2 s (issue 16); met by:", ", ".join(met) if met else "none")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
