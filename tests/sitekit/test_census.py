"""The census: every Python block a page renders is run by the tests (sitekit.census)."""

from __future__ import annotations

import pytest

from sitekit.census import count_text

FENCE = "```"
CONFTEST = "from sitekit.blocks import sybil_for\npytest_collect_file = sybil_for('.').pytest()\n"


def test_the_census_of_the_scratch_book_fails_where_the_grammar_and_the_site_disagree(scratch_run):
    census = {node.split("::")[0]: outcome for node, outcome in scratch_run.items() if "sybil:census" in node}
    failed = {page: message for page, (outcome, message) in census.items() if outcome != "passed"}
    assert list(failed) == ["census-dropped.md"]
    assert "0 Python blocks rendered, 1 collected" in failed["census-dropped.md"]
    assert "would run but not be shown" in failed["census-dropped.md"]


def test_highlighted_html_written_into_a_page_is_shown_but_never_run():
    count = count_text('<div class="language-python highlight"><pre><code>assert False</code></pre></div>\n',
                       "scratch.md")
    assert (count.rendered, count.collected) == (1, 0) and not count.ok


def test_a_page_tested_alone_gets_its_census(pytester: pytest.Pytester):
    """`pytest docs/chapters/X.md` checks X's census, as the full run does."""
    pytester.makeconftest(CONFTEST)
    pytester.makefile(".md", alone=f"# Alone\n\n{FENCE}python flavour=plain\nx = 1\n{FENCE}\n",
                      other=f"# Other\n\n{FENCE}python\ny = 2\n{FENCE}\n")
    result = pytester.inline_run("alone.md", "-p", "no:cacheprovider")
    [failed] = result.getfailures()
    assert failed.nodeid == "alone.md::sybil:census,line:1,column:1"
    assert "0 Python blocks rendered, 1 collected" in str(failed.longrepr)
    result.assertoutcome(passed=1, failed=1)


def test_a_converter_made_in_another_folder_still_finds_the_packages_files(tmp_path, monkeypatch):
    """It is made once per process, perhaps while a pytester run has moved to its scratch folder."""
    from sitekit.census import ROOT, site_markdown

    monkeypatch.chdir(tmp_path)
    converter = site_markdown(ROOT / "mkdocs.yml")
    monkeypatch.chdir(ROOT)
    count = count_text(f'{FENCE}python\n--8<-- "micrograd/__init__.py"\n{FENCE}\n', "include.md", converter)
    assert count.rendered == 1
