"""The site's two clean, strict builds, started together and shared by the whole test run: the
browser test reads the first, the reproducibility test compares the two, and the pages' blocks
take their verdicts from the first one's page runs (`site_page_runs`, sitekit.verdicts).

A plugin of the root conftest (its fixtures are seen by the pages' items in docs/ too). Under
pytest-xdist each worker is its own session, so every test using `site_builds` is put in its
group (`--dist loadgroup`: tests/sitekit/conftest.py, and conftest.py for the pages' blocks),
and the builds are made once, in one worker.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import typing
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from sitekit import pagerun, verdicts

ROOT = Path(__file__).resolve().parents[2]
#: Any fixed time: with it, two builds of one commit must give the same bytes. CI sets the
#: commit's time, as the published site has it.
SOURCE_DATE_EPOCH = os.environ.get("SOURCE_DATE_EPOCH", "1700000000")
#: Where the first build goes when the run should keep it: CI publishes the build that the
#: tests checked (.ci/run), rather than building the site a third time.
KEEP_SITE = os.environ.get("MICROGRAD_BOOK_SITE_DIR")


@dataclass
class Build:
    """A `mkdocs build` under way. Its output goes to files, not pipes: a build that
    nobody reads yet must not stop on a full pipe."""

    process: subprocess.Popen
    output: tuple[typing.IO[str], typing.IO[str]]
    #: Where the build leaves its page runs' outcomes (sitekit.pagerun.record), if it was asked to.
    report: Path | None = None
    _finished: subprocess.CompletedProcess | None = None

    def finish(self) -> subprocess.CompletedProcess:
        """Wait for the build (once; later calls give the same result)."""
        if self._finished is None:
            self.process.wait()
            stdout, stderr = (self._read(stream) for stream in self.output)
            self._finished = subprocess.CompletedProcess(self.process.args, self.process.returncode, stdout, stderr)
        return self._finished

    @staticmethod
    def _read(stream: typing.IO[str]) -> str:
        stream.seek(0)
        text = stream.read()
        stream.close()
        return text


def start_build(destination: Path, config: Path = ROOT / "mkdocs.yml", *, behind: bool = False,
                report: Path | None = None) -> Build:
    """Start `mkdocs build --strict` from scratch (no cached page runs) into `destination`; `behind`:
    at a lower priority (nice 10, where there is one), so that it takes the processor only when
    the rest of the run leaves it idle; `report`: a folder for its page runs' outcomes."""
    env = dict(os.environ, SOURCE_DATE_EPOCH=SOURCE_DATE_EPOCH, SITEKIT_NO_CACHE="1", NO_MKDOCS_2_WARNING="1")
    env.pop(pagerun.REPORT, None)
    if report is not None:
        env[pagerun.REPORT] = str(report)
    output = (tempfile.TemporaryFile("w+"), tempfile.TemporaryFile("w+"))
    lower = {"preexec_fn": lambda: os.nice(10)} if behind and hasattr(os, "nice") else {}
    process = subprocess.Popen(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--config-file", str(config), "--site-dir",
         str(destination)],
        cwd=ROOT, env=env, stdout=output[0], stderr=output[1], text=True, **lower,
    )
    return Build(process, output, report)


def build_site(destination: Path, config: Path = ROOT / "mkdocs.yml") -> subprocess.CompletedProcess:
    """`mkdocs build --strict` from scratch (no cached page runs) into `destination`."""
    return start_build(destination, config).finish()


@pytest.fixture(scope="session")
def site_builds(tmp_path_factory: pytest.TempPathFactory,
                pytestconfig: pytest.Config) -> Iterator[dict[str, tuple[Path, Build]]]:
    """Two clean builds of the site, started together: the second, at a lower priority, runs
    while the browser test reads the first (which the browser test waits for: the longest chain
    of the run). From then on, this worker's page blocks take their verdicts from the first."""
    pytestconfig.stash[verdicts.BUILDS_STARTED] = True
    builds = {}
    for name in ("site", "again"):
        site = tmp_path_factory.mktemp(name)
        if name == "site" and KEEP_SITE:
            site = (ROOT / KEEP_SITE).resolve()
        report = tmp_path_factory.mktemp("page-runs") if name == "site" else None
        builds[name] = (site, start_build(site, behind=name == "again", report=report))
    yield builds
    for _, build in builds.values():
        if build.process.poll() is None:  # a test failed before waiting for it
            build.process.kill()
            build.finish()


def _finished(builds: dict, name: str) -> Path:
    site, build = builds[name]
    result = build.finish()
    assert result.returncode == 0, f"the strict build failed:\n{result.stdout}\n{result.stderr}"
    return site


@pytest.fixture(scope="session")
def built_site(site_builds) -> Path:
    return _finished(site_builds, "site")


@pytest.fixture(scope="session")
def rebuilt_site(site_builds) -> Path:
    """The second clean build, to compare byte for byte with `built_site`."""
    return _finished(site_builds, "again")


@pytest.fixture(scope="session")
def site_page_runs(site_builds) -> verdicts.Runs:
    """The first build's page runs, each example's outcome (sitekit.verdicts), once it has ended,
    whether it failed or not (a failing page's blocks report the failure themselves)."""
    _, build = site_builds["site"]
    build.finish()
    return verdicts.Runs(build.report)
