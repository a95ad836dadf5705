#!/usr/bin/env python3
"""Set up and run the micrograd book with nothing but Python 3.10+ and git.

    python3 dev.py serve          # set up, then serve the site on 127.0.0.1:8000
    python3 dev.py test           # set up, then run every test
    python3 dev.py test --ci      # what CI runs: also PyTorch, and no skip allowed
    python3 dev.py build          # set up, then build the static site into site/
    python3 dev.py build --ci     # the published build: also PyTorch, every block run
    python3 dev.py lock           # re-pin requirements.lock after editing pyproject.toml

Every command first makes `.venv/` (once) and installs the project into it,
pinned by `requirements.lock`; it reinstalls only when the pins change.
Arguments after the command go to the tool underneath (mkdocs or pytest).
"""

from __future__ import annotations

import argparse
import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
LOCK = ROOT / "requirements.lock"
TORCH_PIN = ROOT / "constraints" / "torch.txt"
TORCH_CPU_INDEX = "https://download.pytorch.org/whl/cpu"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / ("python.exe" if os.name == "nt" else "python")


def run(*cmd: str | Path, env: dict[str, str] | None = None) -> None:
    print("+", " ".join(str(c) for c in cmd), flush=True)
    # mkdocs-material prints a banner about MkDocs 2 on every start; it is not a warning of ours.
    env = {"NO_MKDOCS_2_WARNING": "1", **(env or os.environ)}
    subprocess.run([str(c) for c in cmd], check=True, cwd=ROOT, env=env)


def setup(extras: list[str]) -> None:
    """Create the venv and install the project with `extras`, unless already done."""
    if sys.version_info < (3, 10):
        sys.exit(f"Python 3.10 or newer is needed; this is {sys.version.split()[0]}.")
    if not PYTHON.exists():
        print(f"Creating {VENV.relative_to(ROOT)}/ ...", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    # Reinstall only when what we would install has changed.
    wanted = hashlib.sha256(
        (ROOT / "pyproject.toml").read_bytes() + LOCK.read_bytes() + ",".join(extras).encode()
    ).hexdigest()
    stamp = VENV / ".installed"
    if stamp.exists() and stamp.read_text() == wanted:
        return
    run(PYTHON, "-m", "pip", "install", "--quiet", "--upgrade", "pip")
    # A distribution named `micrograd` (this project's old name, or the original engine from
    # PyPI) would share the `micrograd` module with ours: remove it.
    subprocess.run([str(PYTHON), "-m", "pip", "uninstall", "--yes", "--quiet", "micrograd"],
                   cwd=ROOT, capture_output=True)
    where = _torch_cpu_source() if "torch" in extras else []
    run(PYTHON, "-m", "pip", "install", "--quiet", *where, "-c", LOCK, "-e", f".[{','.join(extras)}]")
    stamp.write_text(wanted)


def _torch_cpu_source() -> list[str]:
    """Where pip gets the CPU build of the pinned PyTorch: from a wheel on this machine if pip
    finds one (CI's machines keep one), else from PyTorch's CPU index, whose `+cpu` build pip
    then prefers to PyPI's Linux wheel (the CUDA build, gigabytes more)."""
    pin = next(line.strip() for line in TORCH_PIN.read_text().splitlines() if line.startswith("torch=="))
    here = subprocess.run([str(PYTHON), "-m", "pip", "install", "--dry-run", "--quiet", "--no-index", "--no-deps",
                           f"{pin}+cpu"], cwd=ROOT, capture_output=True)
    return [] if here.returncode == 0 else ["--extra-index-url", TORCH_CPU_INDEX]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("command", choices=["serve", "build", "test", "lock"])
    parser.add_argument("--ci", action="store_true",
                        help="test, build: install PyTorch too and fail on any skip (what CI and publishing run)")
    args, rest = parser.parse_known_args()

    try:
        command(args.command, args.ci, rest)
    except subprocess.CalledProcessError as failed:
        sys.exit(failed.returncode)
    except KeyboardInterrupt:
        sys.exit(130)


def command(name: str, ci: bool, rest: list[str]) -> None:
    if name == "lock":
        setup(["test"])
        run(PYTHON, "-m", "pip", "install", "--quiet", "uv")
        # torch is pinned to the CPU build that CI installs; the lock is universal
        # (Python 3.10+, every platform) so it works beyond this machine.
        run(BIN / "uv", "pip", "compile", "pyproject.toml", "--extra", "test", "--extra", "torch",
            "--universal", "--python-version", "3.10", "--no-header", "--no-annotate",
            "-c", "constraints/torch.txt", "-o", LOCK)
        return

    if name == "serve":
        setup(["docs"])
        # At the root of the local server, not under the published site's /micrograd-book/ path.
        env = {**os.environ, "SITE_URL": "http://127.0.0.1:8000/"}
        run(PYTHON, "-m", "mkdocs", "serve", "--dev-addr", "127.0.0.1:8000", *rest, env=env)
    elif name == "build":
        # --ci installs what `test --ci` does, so the two share one environment.
        setup(["test", "torch"] if ci else ["docs"])
        run(PYTHON, "-m", "mkdocs", "build", "--strict", *rest, env=_ci_env(ci))
    else:
        setup(["test", "torch"] if ci else ["test"])
        run(PYTHON, "-m", "pytest", *rest, env=_ci_env(ci))


def _ci_env(ci: bool) -> dict[str, str]:
    return {**os.environ, "MICROGRAD_BOOK_NO_SKIPS": "1"} if ci else dict(os.environ)


if __name__ == "__main__":
    main()
