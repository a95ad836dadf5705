"""CI and publishing share one definition of what is installed and checked (.ci/run)."""

from __future__ import annotations

import re
import stat
from pathlib import Path

import yaml

from tests.sitekit.browser import find_browser

ROOT = Path(__file__).resolve().parents[1]


def commands_of(script: Path) -> list[str]:
    """The script's command lines, without comments and blank lines."""
    lines = [line.split("#", 1)[0].strip() for line in script.read_text().splitlines()]
    return [line for line in lines if line]


def test_the_publishing_workflow_runs_exactly_what_ci_runs_and_deploys_only_after_it():
    workflow = yaml.safe_load((ROOT / ".github" / "workflows" / "pages.yml").read_text())
    build, deploy = workflow["jobs"]["build"], workflow["jobs"]["deploy"]
    # Nothing installed, tested or built on the side: the one run step is .ci/run.
    assert [step["run"] for step in build["steps"] if "run" in step] == ["bash .ci/run"]
    [upload] = [step for step in build["steps"] if step.get("uses", "").startswith("actions/upload-pages-artifact")]
    assert upload["with"]["path"] == "site"  # where the tests keep their checked build (.ci/run)
    steps = [step.get("run") or step.get("uses") for step in build["steps"]]
    assert steps.index("bash .ci/run") < steps.index(upload["uses"])
    assert deploy["needs"] == "build"


def test_ci_installs_a_browser_torch_and_runs_every_check_before_the_published_build():
    commands = commands_of(ROOT / ".ci" / "run")
    assert commands[0] == "set -euo pipefail"  # any failure stops the run, and the deploy
    browser = commands.index("if ! python3 -m tests.sitekit.browser; then")
    # The tests' first clean build, which the browser test loaded, is the one published.
    test = commands.index("MICROGRAD_BOOK_SITE_DIR=site python3 dev.py test --ci")
    assert browser < test < commands.index("test -f site/index.html")
    assert any(re.match(r"export SOURCE_DATE_EPOCH=", command) for command in commands[browser:test])
    assert (ROOT / ".ci" / "run").stat().st_mode & stat.S_IXUSR


def fake_browser(folder: Path, name: str, answer: str, status: int = 0) -> None:
    path = folder / name
    path.write_text(f"#!/bin/sh\necho '{answer}'\nexit {status}\n")
    path.chmod(0o755)


def test_the_browser_found_is_one_that_runs_not_a_snap_stub(tmp_path, monkeypatch):
    fake_browser(tmp_path, "chromium-browser", "Command '/usr/bin/chromium-browser' requires the chromium snap", 1)
    fake_browser(tmp_path, "google-chrome", "Google Chrome 140.0.7339.80")
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.delenv("MICROGRAD_BOOK_BROWSER", raising=False)
    monkeypatch.setattr("tests.sitekit.browser._playwright_chromium", lambda: None)
    assert find_browser() == str(tmp_path / "google-chrome")
    (tmp_path / "google-chrome").unlink()
    assert find_browser() is None
    monkeypatch.setenv("MICROGRAD_BOOK_BROWSER", str(tmp_path / "chromium-browser"))
    assert find_browser() is None


def test_the_headless_shell_is_preferred_where_it_runs(tmp_path, monkeypatch):
    fake_browser(tmp_path, "chromium", "Chromium 150.0.7871.100 built on Debian GNU/Linux 12 (bookworm)")
    fake_browser(tmp_path, "chromium-headless-shell", "Chromium 150.0.7871.100")
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.delenv("MICROGRAD_BOOK_BROWSER", raising=False)
    assert find_browser() == str(tmp_path / "chromium-headless-shell")
    (tmp_path / "chromium-headless-shell").unlink()
    assert find_browser() == str(tmp_path / "chromium")
