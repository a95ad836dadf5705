"""The census: every Python block the site renders is run by the tests (sitekit.census)."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from sitekit.census import census, count_page, site_markdown

ROOT = Path(__file__).resolve().parents[2]
FENCE = "```"

# One failing block in each spelling an author might use. Each must be collected and fail.
SCRATCH = textwrap.dedent(f"""
    # Scratch

    {FENCE}python
    assert False, "plain fence"
    {FENCE}

    {FENCE}python title="scratch.py"
    assert False, "fence with a title"
    {FENCE}

    {FENCE}py hl_lines="1"
    assert False, "py fence with highlighted lines"
    {FENCE}

    === "A tab"

        {FENCE}python
        assert False, "fence inside a content tab"
        {FENCE}

    !!! note "An admonition"

        {FENCE}python
        assert False, "fence inside an admonition"
        {FENCE}

    ??? example "A collapsed block"

        {FENCE}python
        assert False, "fence inside collapsed details"
        {FENCE}

    {FENCE}pycon
    >>> 1 + 1
    3
    {FENCE}

    {FENCE}python
    print("printed but not shown")
    {FENCE}
    """)
SPELLINGS = 8


def test_every_page_of_the_site_runs_every_python_block_it_renders():
    counts = census(ROOT / "docs", ROOT / "mkdocs.yml")
    assert counts, "no pages found"
    bad = [str(count) for count in counts if not count.ok]
    assert not bad, "blocks rendered but not run:\n" + "\n".join(bad)


def test_census_counts_the_scratch_page_completely(tmp_path):
    scratch = tmp_path / "scratch.md"
    scratch.write_text(SCRATCH)
    count = count_page(scratch, site_markdown(ROOT / "mkdocs.yml"), tmp_path)
    assert count.rendered == count.collected == SPELLINGS


@pytest.mark.parametrize("spelling", ["python3", "ipython", "{ .python3 }"])
def test_census_bites_on_a_spelling_the_grammar_does_not_run(tmp_path, spelling):
    scratch = tmp_path / "scratch.md"
    scratch.write_text(f"{FENCE}{spelling}\nassert False\n{FENCE}\n")
    count = count_page(scratch, site_markdown(ROOT / "mkdocs.yml"), tmp_path)
    assert (count.rendered, count.collected) == (1, 0) and not count.ok


def test_a_failing_block_of_each_spelling_fails_the_test_run(pytester: pytest.Pytester):
    pytester.makeconftest(
        "from sitekit.blocks import sybil_for\n"
        "pytest_collect_file = sybil_for('.').pytest()\n"
    )
    pytester.makefile(".md", scratch=SCRATCH)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-o", f"pythonpath={ROOT}")
    result.assert_outcomes(failed=SPELLINGS)
    for message in ["plain fence", "fence with a title", "py fence with highlighted lines",
                    "inside a content tab", "inside an admonition", "inside collapsed details",
                    "Expected:", "printed but not shown"]:
        result.stdout.fnmatch_lines([f"*{message}*"])
