"""How long a strict build of a fresh clone takes, with no caches.

    python3 benchmarks/bench_build.py [--runs 2]

Clones the committed HEAD into a temporary folder (so nothing cached in this
worktree, such as `.cache/`, is there), then runs `mkdocs build --strict` in it
with this worktree's venv (`python3 dev.py test` makes it) and SITEKIT_NO_CACHE=1.
Prints the wall time, the CPU seconds of the build and its children (the
notebook kernel, graphviz), the whole machine's busy CPU seconds meanwhile (the
page processes, forked by a forkserver, are counted only there), and each page's
run time from the build's own progress lines ("ran <page>: N blocks in S s").
Target (issue 15, 2 cores): at most 20 s wall. Uncommitted changes are not in the clone: commit first.

Results: benchmarks/results/build.json.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from timing import ROOT, record, run_timed  # noqa: E402

PYTHON = ROOT / ".venv" / "bin" / "python"
RAN = re.compile(r"ran (\S+): (\d+) blocks in ([\d.]+) s")
TARGET = 20.0


def build_fresh_clone() -> dict:
    with tempfile.TemporaryDirectory(prefix="bench-build-") as folder:
        clone = Path(folder) / "clone"
        subprocess.run(["git", "clone", "--quiet", "--no-hardlinks", str(ROOT), str(clone)], check=True)
        # The venv's editable install points at this worktree; the clone's own package goes first.
        env = {**os.environ, "SITEKIT_NO_CACHE": "1", "NO_MKDOCS_2_WARNING": "1", "PYTHONPATH": str(clone)}
        timed = run_timed([str(PYTHON), "-m", "mkdocs", "build", "--strict", "--site-dir", str(Path(folder) / "site")],
                          cwd=clone, env=env)
    if timed.returncode != 0:
        raise SystemExit(f"the build failed (exit code {timed.returncode})")
    pages = {page: float(seconds) for page, _, seconds in RAN.findall(timed.stdout)}
    machine = None if timed.machine_cpu is None else round(timed.machine_cpu, 1)
    return {"wall_seconds": round(timed.wall, 1), "cpu_seconds": round(timed.cpu, 1),
            "machine_busy_cpu_seconds": machine, "page_run_seconds": pages}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=1, help="how many fresh clones to build, one after the other")
    args = parser.parse_args()
    if not PYTHON.exists():
        sys.exit("no .venv yet: run `python3 dev.py test --collect-only -q` once first")
    runs = [build_fresh_clone() for _ in range(args.runs)]
    for number, run in enumerate(runs, 1):
        machine = run["machine_busy_cpu_seconds"]
        print(f"\nbuild {number}: {run['wall_seconds']:.1f} s wall (target {TARGET:.0f} s), {run['cpu_seconds']:.1f} CPU s"
              + ("" if machine is None else f" (the whole machine: {machine:.1f} busy CPU s, page processes included)"))
        for page, seconds in sorted(run["page_run_seconds"].items(), key=lambda item: -item[1]):
            print(f"  {seconds:6.1f} s  {page}")
    record("build", {"command": "mkdocs build --strict (fresh clone, SITEKIT_NO_CACHE=1)",
                     "target_wall_seconds": TARGET, "runs": runs})
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
