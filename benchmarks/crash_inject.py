"""Kill -9 `mentorgraph build`, `import` and `release` at random points; count mixed or partial states.

    python benchmarks/crash_inject.py [--runs 30] [--seed 12] [--commands build,import,release]

Each run works on a fresh copy of the project with a complete build, starts one command, kills it
with SIGKILL after a random delay (uniform over the command's own duration, measured once first),
then checks what a crash may never leave (issue 12):

- data/ is exactly the old or exactly the new set of files, once the next command has run
  (datafiles.ensure_consistent: a committed write is completed, an uncommitted one rolled back);
- dist/current is one complete generation: every file of its .checksums.json present with its size
  and SHA-256 (layout.verify), and its store opens;
- after the next run of the same command, no temporary file or directory is left (.tmp-*, .*.new,
  .journal.json, *.tmp, *.link).

Prints, per command, how many kills landed and the counts of each bad state (the goal is 0).
Other processes share the machine: figures are counts, not times.

Then (or alone, with `--damage-only`) the cost of bad input that must be refused quickly (issue 12,
item 6), each in a fresh process, wall time and peak memory from /usr/bin/time: `query types` on a
store with 4 KiB zeroed in its largest file (goal: reported within 1 s), and a 500 KB YAML nested
250,000 deep, as a contribution (`validate`) and as a data file (`build`).
"""

from __future__ import annotations

import argparse
import hashlib
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MG = [sys.executable, "-m", "mentorgraph.cli"]
CSV = "name,mentoring type,evidence/source\nCrash injection peer group {n},Formal mentoring programs,https://example.org/s\n"
TEMP_MARKS = (".tmp-", ".new", ".journal.json", ".tmp", ".link")


def copy_project(dest: Path) -> Path:
    for d in ("ontology", "data", "queries"):
        shutil.copytree(ROOT / d, dest / d)
    for f in ("pyproject.toml", "CHANGELOG.md", "CITATION.cff"):
        shutil.copyfile(ROOT / f, dest / f)
    return dest


def data_state(root: Path) -> dict[str, str]:
    return {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted((root / "data").glob("*.yaml"))
        if not p.name.startswith(".")
    }


def command(name: str, root: Path, run: int) -> list[str]:
    if name == "build":
        # A change to data/ (a new curated contribution) so that the build writes a new generation.
        return [*MG, "build", "-q", "--root", str(root), "--out", str(root / "dist")]
    if name == "import":
        path = root / f"crash-{run}.csv"
        path.write_text(CSV.format(n=run), encoding="utf-8")
        return [*MG, "import", str(path), "--root", str(root), "--out", str(root / "dist")]
    return [*MG, "release", "--quiet", "--root", str(root), "--out", str(root / "dist")]


def touch_data(root: Path, run: int) -> None:
    """Make the next build's inputs differ, so it cannot reuse a generation."""
    p = root / "data" / "contributions.yaml"
    p.write_text(
        f"initiatives:\n- id: crash-build-{run}\n  class: Program\n  label: Crash build {run}\n"
        "  modelType: formal-mentoring-programs\n  evidence: cited-source\n  source: https://example.org/s\n",
        encoding="utf-8",
    )


def temp_leftovers(root: Path) -> list[str]:
    found = []
    for d in (root / "data", root / "dist", root / "dist" / "builds"):
        for p in d.iterdir() if d.is_dir() else ():
            if any(m in p.name for m in TEMP_MARKS) and p.name != "builds":
                found.append(str(p.relative_to(root)))
    return found


def check(root: Path, old: dict, new: dict | None) -> list[str]:
    """The bad states found after a kill (empty when all is well)."""
    from mentorgraph import datafiles, layout
    from mentorgraph.pipeline.store import open_store

    bad = []
    datafiles.ensure_consistent(root)  # what the next command does first
    state = data_state(root)
    if state != old and (new is None or state != new):
        bad.append("data mixed")
    try:
        gen = layout.current_generation(root / "dist")
        layout.verify(gen)
        open_store(gen)
    except Exception as exc:  # any failure here is a partial build
        bad.append(f"dist partial ({type(exc).__name__})")
    return bad


def timed(argv: list[str], env: dict) -> tuple[int, float, int, str]:
    """Run `argv` under /usr/bin/time: exit code, wall seconds, peak RSS in KiB, its last line of output."""
    proc = subprocess.run(["/usr/bin/time", "-f", "TIME %e %M", *argv], env=env, capture_output=True, text=True)
    lines = proc.stderr.strip().splitlines()
    wall, rss = next(line for line in reversed(lines) if line.startswith("TIME ")).split()[1:]
    said = [line for line in lines if not line.startswith(("TIME ", "Command exited"))]
    return proc.returncode, float(wall), int(rss), (said[-1] if said else proc.stdout.strip()[-200:])


def bad_input(tmp: Path, template: Path, env: dict) -> None:
    """Print how long refusing a damaged store and a 250,000-deep YAML takes, and their peak memory."""
    deep = "initiatives: " + "[" * 250_000 + "]" * 250_000 + "\n"
    root = tmp / "damaged"
    shutil.copytree(template, root, symlinks=True)
    from mentorgraph import layout

    store = layout.current_generation(root / "dist").store
    victim = max(store.glob("*.sst"), key=lambda p: p.stat().st_size)
    with open(victim, "r+b") as fh:
        fh.seek(4096)
        fh.write(b"\0" * 4096)
    cases = [("query types, damaged store", [*MG, "query", "types", "--out", str(root / "dist")])]
    (tmp / "deep.yaml").write_text(deep, encoding="utf-8")
    cases.append(("validate, 250,000-deep YAML", [*MG, "validate", str(tmp / "deep.yaml"), "--root", str(root)]))
    (root / "data" / "contributions.yaml").write_text(deep, encoding="utf-8")
    cases.append(("build, 250,000-deep data file", [*MG, "build", "-q", "--root", str(root), "--out", str(tmp / "d")]))
    for label, argv in cases:
        rc, wall, rss, said = timed(argv, env)
        print(f"{label:32} exit {rc}, {wall:.2f} s wall, peak {rss / 1024:.0f} MiB: {said.strip()[:150]}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=30)
    ap.add_argument("--seed", type=int, default=12)
    ap.add_argument("--commands", default="build,import,release")
    ap.add_argument("--damage-only", action="store_true", help="only time the refusal of bad input")
    args = ap.parse_args()
    rng = random.Random(args.seed)
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    with tempfile.TemporaryDirectory() as tmp:
        template = copy_project(Path(tmp) / "template")
        subprocess.run(
            [*MG, "build", "-q", "--root", str(template), "--out", str(template / "dist")], env=env, check=True
        )
        for name in [] if args.damage_only else args.commands.split(","):
            # The command's duration, once, uninterrupted: kills are spread over it.
            probe = Path(tmp) / f"probe-{name}"
            shutil.copytree(template, probe, symlinks=True)
            if name == "build":
                touch_data(probe, 999_999)  # (an id the build accepts: a failed probe would be short)
            t0 = time.perf_counter()
            done = subprocess.run(command(name, probe, 999_999), env=env, capture_output=True, text=True)
            duration = time.perf_counter() - t0
            if done.returncode != 0:
                raise SystemExit(f"the uninterrupted {name} failed, so its duration means nothing:\n{done.stderr}")
            new_of_probe = data_state(probe)
            counts: dict[str, int] = {}
            killed = 0
            for run in range(args.runs):
                root = Path(tmp) / f"{name}-{run}"
                shutil.copytree(template, root, symlinks=True)
                if name == "build":
                    touch_data(root, run)
                old = data_state(root)
                new = None
                if name == "import":
                    # The new state: what an uninterrupted import of the same file writes.
                    twin = Path(tmp) / f"{name}-{run}-twin"
                    shutil.copytree(template, twin, symlinks=True)
                    subprocess.run([*command(name, twin, run)[:-2], "--no-build"], env=env, capture_output=True)
                    new = data_state(twin)
                    shutil.rmtree(twin)
                proc = subprocess.Popen(
                    command(name, root, run), env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
                )
                time.sleep(rng.uniform(0, duration))
                if proc.poll() is None:
                    proc.send_signal(signal.SIGKILL)
                    killed += 1
                proc.wait()
                for state in check(root, old, new):
                    counts[state] = counts.get(state, 0) + 1
                # The next run of the same command must leave no temporary file behind.
                if name == "build":
                    touch_data(root, run + 1000)
                subprocess.run(command(name, root, run), env=env, capture_output=True)
                leftovers = temp_leftovers(root)
                if leftovers:
                    counts["temp files left"] = counts.get("temp files left", 0) + 1
                shutil.rmtree(root)
            del new_of_probe
            bad = ", ".join(f"{k}: {v}" for k, v in sorted(counts.items())) or "none"
            print(
                f"{name:8} runs {args.runs}, killed mid-run {killed}, {duration:.1f} s uninterrupted; "
                f"bad states: {bad}",
                flush=True,
            )
        bad_input(Path(tmp), template, env)


if __name__ == "__main__":
    main()
