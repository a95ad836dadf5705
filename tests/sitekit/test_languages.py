"""What renders as Python, asked of SuperFences and Pygments (sitekit.languages)."""

from __future__ import annotations

import pytest

from sitekit.census import site_markdown
from sitekit.languages import check_highlight_config, language_of, python_spellings, renders_as_python

from .conftest import ROOT
from .scratch import variants


@pytest.mark.parametrize(
    "info, language",
    [("python", "python"), ('python title="x.py"', "python"), ('py hl_lines="1 2"', "py"),
     ("{ .python .annotate }", "python"), ("{.Python}", "Python"), (".python", "python"), (" pycon", "pycon"),
     ("python {.annotate}", "python"), ("{ .annotate }", "annotate"), ("", "")],
)
def test_language_of_reads_the_info_string_as_superfences_does(info, language):
    assert language_of(info) == language


def test_the_spellings_pygments_highlights_as_python_include_those_found_by_hand():
    spellings = python_spellings()
    # The ones the issue found, and Pygments' and IPython's others; each maps to what to write instead.
    for code in ["python", "py", "python3", "py3", "pyi", "sage", "python2", "numpy", "bazel", "ipython"]:
        assert spellings[code] == "python"
    for session in ["pycon", "python-console", "ipythonconsole"]:
        assert spellings[session] == "pycon"


@pytest.mark.parametrize("language", ["cython", "pyx", "mojo", "dg", "pytb", "py3tb", "text", "output",
                                      "markdown", "sh", "python3.11", ""])
def test_other_languages_and_tracebacks_do_not_render_as_python(language):
    assert not renders_as_python(language)


def test_every_spelling_in_any_case_is_highlighted_as_python_on_the_site():
    """The derived set is what the site's Markdown really highlights as Python: `import` comes
    out as Python's keyword in every spelling and case, as code or as a session."""
    converter = site_markdown(ROOT / "mkdocs.yml")
    code = "import math\n"
    sessions = {"python": code, "pycon": ">>> import math\n\nIn [1]: import math\n"}
    for spelling in variants():
        converter.reset()
        html = converter.convert(f"```{spelling}\n{sessions[python_spellings()[spelling.lower()]]}```\n")
        assert f'<div class="language-{spelling} highlight">' in html
        assert '<span class="kn">import</span>' in html, f"{spelling} is not highlighted as Python"
        assert renders_as_python(spelling)


def test_the_site_picks_lexers_the_way_the_reading_assumes():
    from mkdocs.config import load_config

    check_highlight_config(load_config(str(ROOT / "mkdocs.yml"))["mdx_configs"])
    for option in ("guess_lang", "extend_pygments_lang", "default_lang"):
        with pytest.raises(ValueError, match=option):
            check_highlight_config({"pymdownx.highlight": {option: [{"name": "mypy", "lang": "python"}]}})
