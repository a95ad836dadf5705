"""The distribution: a name of its own on PyPI, imported as `micrograd`, nothing of the site inside."""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from email.parser import Parser
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
#: What a clone holds besides the source, left out of the copy the wheel is built from.
NOT_SOURCE = shutil.ignore_patterns(".git", ".venv", ".cache", "site", "build", "dist", "screenshots",
                                    "__pycache__", "*.egg-info", ".hypothesis", ".pytest_cache")


def test_the_wheel_readers_build_is_micrograd_book_and_holds_only_the_package(tmp_path):
    # A copy of the clone, so the build leaves nothing behind in the repository.
    source = tmp_path / "clone"
    shutil.copytree(ROOT, source, ignore=NOT_SOURCE)
    # The command the README gives a reader.
    subprocess.run([sys.executable, "-m", "pip", "wheel", ".", "--no-deps", "--quiet", "-w", str(tmp_path / "dist")],
                   cwd=source, check=True, capture_output=True)
    [wheel] = (tmp_path / "dist").glob("*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        [metadata] = [name for name in names if name.endswith(".dist-info/METADATA")]
        fields = Parser().parsestr(archive.read(metadata).decode())
    # Not `micrograd`: that name on PyPI is the original engine (2020).
    assert fields["Name"] == "micrograd-book"
    assert {name.split("/")[0] for name in names} == {"micrograd", metadata.split("/")[0]}
    assert {"micrograd/__init__.py", "micrograd/engine.py", "micrograd/py.typed"} <= set(names)
