"""The build: strict, reproducible, and failing loudly on a failing block (sitekit.hook)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from sitekit.blocks import sybil_for

from .conftest import ROOT
from .scratch import PAGES, planted_page


def files_of(site: Path) -> dict[str, bytes]:
    return {path.relative_to(site).as_posix(): path.read_bytes() for path in sorted(site.rglob("*")) if path.is_file()}


def test_two_clean_builds_give_the_same_bytes(built_site, rebuilt_site):
    first, second = files_of(built_site), files_of(rebuilt_site)
    assert first.keys() == second.keys()
    differing = [name for name in first if first[name] != second[name]]
    assert not differing, f"these files differ between two builds: {differing}"


def test_every_page_the_build_ran_gives_this_run_its_verdicts(site_page_runs):
    """The blocks' items take their verdicts from the first build (sitekit.verdicts): a page whose
    key or positions did not match would quietly run again here instead."""
    blocks = sybil_for(ROOT / "docs")[0]
    pages = [blocks.parse(path) for path in sorted((ROOT / "docs").rglob("*.md"))]
    with_blocks = [page for page in pages if list(page)]
    assert len(with_blocks) > 10
    assert [page.path for page in with_blocks if site_page_runs.outcomes(page) is None] == []


def test_pictures_and_math_are_in_the_html(built_site):
    source = (ROOT / "docs" / "chapters" / "01-derivatives.md").read_text()
    chapter = (built_site / "chapters" / "01-derivatives" / "index.html").read_text()
    # one picture under each block that ends with a figure or a graph
    pictures = len(re.findall(r"^\s*(?:fig|draw_dot\(.*\))\n\s*```", source, re.MULTILINE))
    assert pictures == 4 and chapter.count('<figure class="mg-display"><svg') == pictures
    assert "<math" in chapter and "arithmatex\">\\(" not in chapter


# --- the scratch book's one build (conftest.scratch_build) -------------------------

def errors_of(build) -> list[str]:
    """The errors the build logged, one entry per report (a report may span lines)."""
    entries = re.split(r"^(?=[A-Z]+ +-  )", build.stderr, flags=re.MULTILINE)
    return [entry for entry in entries if entry.startswith("ERROR")]


def test_the_build_fails_once_and_reports_every_failing_page(scratch_build):
    assert scratch_build.returncode != 0
    failing = [name for name in PAGES if name not in ("stderr-shown.md",)]
    assert f"{len(failing)} page(s) failed; each is reported above." in scratch_build.stderr
    for name in failing:
        assert f"-  {name}" in scratch_build.stderr, f"{name} is not reported"
    assert "stderr-shown.md" not in "".join(errors_of(scratch_build))


def test_a_failing_block_fails_the_build_naming_page_and_line(scratch_build):
    assert "failing.md, line 5: a block failed" in scratch_build.stderr
    assert "line 7" in scratch_build.stderr and "arithmetic is broken" in scratch_build.stderr


def test_every_fence_that_renders_as_python_but_would_not_run_is_named_at_once(scratch_build):
    [report] = [entry for entry in errors_of(scratch_build) if "planted.md" in entry]
    _, planted = planted_page()
    for fence in planted:
        if not fence.runs:
            assert f"planted.md, line {fence.line}: ```{fence.spelling} renders as Python" in report


@pytest.mark.parametrize("page, raised", [("exit-systemexit.md", "SystemExit: 0"), ("exit-sys-exit.md", "SystemExit"),
                                          ("exit-keyboardinterrupt.md", "KeyboardInterrupt"),
                                          ("exit-generatorexit.md", "GeneratorExit")])
def test_a_block_leaving_the_program_fails_the_build_naming_page_line_and_exception(scratch_build, page, raised):
    [report] = [entry for entry in errors_of(scratch_build) if f"-  {page}" in entry]
    assert f"{page}, line 3: a block failed" in report and "the block raised" in report
    assert "line 5" in report and raised in report


def test_stderr_and_warnings_follow_the_tests_rules_in_the_build(scratch_build):
    errors = "".join(errors_of(scratch_build))
    assert "stderr-unshown.md, line 3" in errors and "only on stderr" in errors
    assert "warning.md, line 3" in errors and "UserWarning: the reader would see this" in errors
    assert "library-warning.md, line 3" in errors and "RuntimeWarning: divide by zero" in errors


def test_the_build_checks_the_census_of_what_it_publishes(scratch_build):
    assert "census-dropped.md: 0 Python blocks rendered, 1 collected" in scratch_build.stderr
