"""The block grammar: what runs, what is compared, what is shown (sitekit.blocks)."""

from __future__ import annotations

import signal
import textwrap
import unittest

import pytest

from sitekit import skips
from sitekit.blocks import DOCTEST, is_include, parse_text, run_page
from sitekit.languages import python_spellings

from .scratch import PAGES, planted_page

FENCE = "```"


def page(markdown: str):
    return parse_text(textwrap.dedent(markdown), "scratch.md")


def failures(markdown: str) -> list[str | None]:
    return [failure for _, failure in run_page(page(markdown))]


def test_blocks_share_one_namespace_in_page_order():
    assert failures(f"""
        {FENCE}python
        x = 20
        {FENCE}

        {FENCE}python
        assert x + 1 == 21
        {FENCE}
        """) == [None, None]


def test_printed_output_is_compared_with_the_output_fence():
    ok = f"""
        {FENCE}python
        print(6 * 7)
        {FENCE}

        {FENCE}output
        42
        {FENCE}
        """
    assert failures(ok) == [None]
    wrong = failures(ok.replace("42", "41"))
    assert wrong[0] and "differs" in wrong[0] and "-41" in wrong[0] and "+42" in wrong[0]


def test_output_not_shown_on_the_page_fails():
    [failure] = failures(f"""
        {FENCE}python
        print("hidden")
        {FENCE}
        """)
    assert failure and "shows none" in failure


def test_final_expression_counts_as_output_like_a_notebook():
    assert failures(f"""
        {FENCE}python
        1 + 1
        {FENCE}

        {FENCE}output
        2
        {FENCE}
        """) == [None]


def test_output_fence_without_code_fails():
    [failure] = failures(f"""
        {FENCE}output
        42
        {FENCE}
        """)
    assert failure and "must come right after a python fence" in failure


def test_an_exception_names_the_page_line():
    [(example, failure)] = list(run_page(page(f"""
        # Title

        {FENCE}python
        x = 1
        raise ValueError("boom")
        {FENCE}
        """)))
    assert "ValueError: boom" in failure
    assert 'scratch.md", line 6' in failure


def test_pycon_blocks_are_doctests():
    assert failures(f"""
        {FENCE}pycon
        >>> 2 + 2
        4
        >>> print("a")
        a
        {FENCE}
        """) == [None, None]
    [failure] = failures(f"""
        {FENCE}pycon
        >>> 2 + 2
        5
        {FENCE}
        """)
    assert failure and "Expected:" in failure


def test_invisible_blocks_run_but_are_not_counted_as_shown():
    doc = page(f"""
        <!-- invisible-code-block: python
        secret = 3
        -->

        {FENCE}python
        assert secret == 3
        {FENCE}
        """)
    assert [failure for _, failure in run_page(doc)] == [None, None]
    assert doc.python_fences == 1


def test_fences_and_directives_shown_inside_a_longer_fence_are_text():
    doc = page(f"""
        ````markdown
        {FENCE}python
        assert False
        {FENCE}
        <!-- invisible-code-block: python
        assert False
        -->
        <!-- needs: torch -->
        ````
        """)
    assert list(doc) == [] and doc.python_fences == 0 and doc.needs == []


def test_includes_of_package_source_are_shown_not_run():
    doc = page(f"""
        {FENCE}python title="micrograd/nn.py"
        --8<-- "micrograd/nn.py"
        {FENCE}
        """)
    assert list(doc) == [] and doc.python_fences == 1 and doc.included == 1
    assert is_include('--8<-- "micrograd/nn.py"\n') and not is_include("x = 1\n")


def test_needs_skips_with_the_allow_listed_reason(monkeypatch):
    monkeypatch.setattr(skips, "missing", lambda name: skips.NEEDS[name])
    doc = page(f"""
        <!-- needs: torch -->
        {FENCE}python
        import torch
        {FENCE}
        """)
    [example] = list(doc)
    with pytest.raises(unittest.SkipTest, match="needs PyTorch"):
        example.evaluate()
    assert doc.needs and doc.needs[0][2] == "torch"


def test_unknown_needs_are_an_error():
    with pytest.raises(KeyError, match="unknown requirement 'tensorflow'"):
        page("<!-- needs: tensorflow -->\n")


def test_a_graph_as_last_value_is_shown_as_svg_and_is_deterministic():
    source = f"""
        {FENCE}python
        from micrograd import Value, draw_dot
        a = Value(2.0, label="a")
        draw_dot(a * a + 1)
        {FENCE}
        """
    first, second = page(source), page(source)
    for doc in (first, second):
        assert [failure for _, failure in run_page(doc)] == [None]
    [svg] = first.displays.values()
    assert svg.startswith("<svg") and "<?xml" not in svg and "\n\n" not in svg
    assert first.displays == second.displays


def test_a_figure_as_last_value_is_shown_as_svg_and_is_deterministic():
    source = f"""
        {FENCE}python
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
        fig, ax = plt.subplots()
        ax.plot([0, 1], [1, 0])
        fig
        {FENCE}
        """
    first, second = page(source), page(source)
    for doc in (first, second):
        assert [failure for _, failure in run_page(doc)] == [None]
    [svg] = first.displays.values()
    assert "<svg" in svg and "dc:date" not in svg
    assert first.displays == second.displays


def test_a_value_with_html_as_last_value_is_shown_as_that_html_and_prints_nothing():
    doc = page(f"""
        {FENCE}python
        class Rich:
            def __repr__(self):
                return "plain"

            def _repr_html_(self):
                return "<table><tr><td>1</td></tr></table>"

        Rich()
        {FENCE}
        """)
    assert [failure for _, failure in run_page(doc)] == [None]  # no output fence, and none needed
    assert list(doc.displays.values()) == ["<table><tr><td>1</td></tr></table>"]


def test_update_output_rewrites_the_output_fence_in_place(tmp_path, monkeypatch):
    from sitekit import blocks

    path = tmp_path / "page.md"
    path.write_text(f"!!! note\n    {FENCE}python\n    print(1 + 1)\n    print('x')\n    {FENCE}\n\n"
                    f"    {FENCE}output\n    3\n    {FENCE}\n\nAfter.\n")
    monkeypatch.setattr(blocks, "OUTPUT_UPDATES", {})
    doc = blocks.parse_text(path.read_text(), str(path))
    assert [failure for _, failure in run_page(doc)] == [None]
    assert blocks.apply_output_updates() == [str(path)]
    assert path.read_text().endswith(f"    {FENCE}output\n    2\n    x\n    {FENCE}\n\nAfter.\n")


def test_leading_spaces_of_output_are_compared_too():
    shifted = f"""
        !!! note
            {FENCE}python
            print("x")
            {FENCE}

            {FENCE}output
              x
            {FENCE}
        """
    [failure] = failures(shifted)
    assert failure and "differs" in failure
    assert failures(shifted.replace("      x\n", "    x\n")) == [None]


# --- what the scratch book's test run shows (one pytest run: conftest.scratch_run) ---------

def outcomes_by_line(run: dict[str, tuple[str, str]], page: str) -> dict[int, tuple[str, str]]:
    """The block items of one scratch page, by the line they start on."""
    found = {}
    for node, outcome in run.items():
        name, _, item = node.partition("::")
        if name == page and item.startswith("line:"):
            found[int(item.split(",")[0].removeprefix("line:"))] = outcome
    return found


def test_every_fence_that_renders_as_python_fails_when_it_should(scratch_run):
    """A fence in any spelling Pygments highlights as Python, in any case, form or place, is
    either rejected with the page's line and what to write instead, or run (and its planted
    failure caught): none passes unrun."""
    _, planted = planted_page()
    outcomes = outcomes_by_line(scratch_run, "planted.md")
    for fence in planted:
        runs_at = fence.line + 1 if fence.runs and fence.spelling in DOCTEST else fence.line
        outcome, message = outcomes.pop(runs_at)
        assert outcome == "failure", f"{fence} passed"
        if fence.runs:
            assert "Expected:" in message if fence.spelling in DOCTEST else f"planted: {fence.where}" in message
        else:
            instead = python_spellings()[fence.spelling.lower()]
            assert f"```{fence.spelling} renders as Python on the site but is never run: write ```{instead}" \
                in message, message
    assert not outcomes, f"items that are not planted fences: {outcomes}"
    # Its census passes: the grammar found every Python block the page renders.
    assert scratch_run["planted.md::sybil:census,line:1,column:1"][0] == "passed"


@pytest.mark.parametrize("page", [name for name in PAGES if name.startswith("exit-")])
def test_a_block_leaving_the_program_fails_and_the_run_goes_on(scratch_run, page):
    """SystemExit, sys.exit(), KeyboardInterrupt and GeneratorExit raised by a block fail that
    block; the next block still runs (the run did not stop: see scratch_run)."""
    outcomes = outcomes_by_line(scratch_run, page)
    outcome, message = outcomes[3]
    assert outcome == "failure" and "the block raised" in message and "line 5" in message
    assert outcomes[8] == ("passed", "")


def test_stderr_is_output_in_the_order_written(scratch_run):
    assert set(outcomes_by_line(scratch_run, "stderr-shown.md").values()) == {("passed", "")}
    [(outcome, message)] = outcomes_by_line(scratch_run, "stderr-unshown.md").values()
    assert outcome == "failure" and "page shows none" in message and "only on stderr" in message


@pytest.mark.parametrize("page, warning", [("warning.md", "UserWarning: the reader would see this"),
                                           ("library-warning.md", "RuntimeWarning: divide by zero")])
def test_a_warning_a_reader_would_see_fails_the_block_under_pytest_too(scratch_run, page, warning):
    [(outcome, message)] = [o for o in outcomes_by_line(scratch_run, page).values() if o[0] != "passed"]
    assert outcome == "failure" and warning in message and "catch it" in message


# --- the same rules, in process ------------------------------------------------

@pytest.mark.parametrize("code, shown", [
    ("raise SystemExit(0)", "SystemExit: 0"), ("import sys; sys.exit('bye')", "SystemExit: bye"),
    ("exit()", "SystemExit"), ("raise KeyboardInterrupt", "KeyboardInterrupt"),
    ("raise GeneratorExit", "GeneratorExit"),
])
def test_a_base_exception_is_a_failure_naming_the_page_line(code, shown):
    [failure] = failures(f"""
        # Title

        {FENCE}python
        {code}
        {FENCE}
        """)
    assert failure.startswith("the block raised") and 'scratch.md", line 5' in failure and shown in failure


def test_a_real_ctrl_c_still_stops_the_run():
    doc = page(f"""
        {FENCE}python
        import os, signal, time
        os.kill(os.getpid(), signal.SIGINT)
        time.sleep(5)
        {FENCE}
        """)
    # Python's own Ctrl-C handling, as in a terminal: an earlier test in the same xdist worker
    # can leave another handler installed (seen once in a full run, culprit not identified).
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        with pytest.raises(KeyboardInterrupt):
            list(run_page(doc))
    finally:
        signal.signal(signal.SIGINT, previous)


def test_warnings_follow_a_plain_python_session(tmp_path, monkeypatch):
    """As in `python`: a DeprecationWarning inside a library is hidden, one pointing at the
    reader's own code is shown (and fails the block)."""
    (tmp_path / "oldlib.py").write_text(
        "import warnings\n"
        "def inside():\n    warnings.warn('internal', DeprecationWarning)\n"
        "def blames_caller():\n    warnings.warn('use new()', DeprecationWarning, stacklevel=2)\n")
    monkeypatch.syspath_prepend(tmp_path)
    assert failures(f"""
        {FENCE}python
        import oldlib
        oldlib.inside()
        {FENCE}
        """) == [None]
    [failure] = failures(f"""
        {FENCE}python
        import oldlib
        oldlib.blames_caller()
        {FENCE}
        """)
    assert "DeprecationWarning: use new()" in failure


def test_a_misspelt_invisible_block_is_an_error_not_a_comment():
    doc = page("""
        <!-- invisible-code-block: py
        assert False
        -->
        """)
    assert doc.rejected and "write `<!-- invisible-code-block: python`" in doc.rejected[0][1]


def test_with_no_skips_allowed_the_build_fails_on_a_block_it_would_skip(monkeypatch):
    monkeypatch.setattr(skips, "missing", lambda name: skips.NEEDS[name])
    markdown = f"""
        <!-- needs: torch -->
        {FENCE}python
        import torch
        {FENCE}
        """
    monkeypatch.delenv("MICROGRAD_BOOK_NO_SKIPS", raising=False)
    assert failures(markdown) == [None]
    monkeypatch.setenv("MICROGRAD_BOOK_NO_SKIPS", "1")
    [failure] = failures(markdown)
    assert "would be skipped (needs PyTorch" in failure and "no skip is allowed" in failure
