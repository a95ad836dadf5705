"""What `mkdocs serve` remembers between rebuilds (sitekit.rebuild): the same answers, sooner."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import types

import jinja2
import pytest
from material.plugins.search.plugin import SearchIndex
from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexers import PythonLexer

from sitekit import rebuild

from .builds import SOURCE_DATE_EPOCH, build_site
from .conftest import ROOT, scratch_site
from .test_build import files_of

CODE = "def f(x):\n    return 3 * x**2 - 4 * x + 5\n"


@pytest.fixture
def memos(monkeypatch):
    """Empty memos for the test, the process's own left as they were."""
    for name in ("highlights", "sections", "templates"):
        monkeypatch.setattr(rebuild, name, rebuild.Memo(10))
    return rebuild


def test_highlighting_is_answered_again_only_for_the_same_code_lexer_and_formatter(memos):
    from pygments.lexers import TextLexer
    from pymdownx.highlight import BlockHtmlFormatter, InlineHtmlFormatter

    remembering = rebuild.remembered_highlight(highlight)
    # Each differs from the first in one thing only, the last two being pymdownx's own formatters
    # (one keeps a setting outside its options: "pymdownx-inline" becomes "inline" there).
    variants = [(CODE, PythonLexer, {}, HtmlFormatter, {}), (CODE, PythonLexer, {}, HtmlFormatter, {"hl_lines": [2]}),
                (CODE + "y = f(2)\n", PythonLexer, {}, HtmlFormatter, {}),
                (CODE, TextLexer, {}, HtmlFormatter, {}), ("\n" + CODE, PythonLexer, {"stripnl": False}, HtmlFormatter, {}),
                (CODE, PythonLexer, {}, HtmlFormatter, {"linenos": "table"}), (CODE, PythonLexer, {}, InlineHtmlFormatter, {}),
                (CODE, PythonLexer, {}, BlockHtmlFormatter, {"linenos": "inline"}),
                (CODE, PythonLexer, {}, BlockHtmlFormatter, {"linenos": "pymdownx-inline"})]
    answers = set()
    for code, lexer, lexer_options, formatter, options in variants + variants[:1]:
        answer = remembering(code, lexer(**lexer_options), formatter(**options))
        assert answer == highlight(code, lexer(**lexer_options), formatter(**options))
        answers.add(answer)
    assert len(answers) == len(variants)  # each variant highlights differently: a key that missed one fails
    assert (memos.highlights.misses, memos.highlights.hits) == (len(variants), 1)


def search_entries(html: str, title: str) -> list[dict]:
    index = SearchIndex(lang=["en"])
    page = types.SimpleNamespace(content=html, toc=[], url="page/", title=title, meta={})
    index.add_entry_from_context(page)
    return index.entries


def test_each_page_indexed_gets_its_own_sections(memos, monkeypatch):
    """The search plugin names an untitled first section after the page: two pages with the
    same HTML and different titles must each keep their own title."""
    from material.plugins.search import plugin as search

    html = "<p>Before any heading.</p><h2 id='more'>More</h2><p>Text <code>x</code>.</p>"
    original = getattr(search.Parser, "original", search.Parser)
    monkeypatch.setattr(search, "Parser", original)
    expected = {title: search_entries(html, title) for title in ("One", "Two")}
    monkeypatch.setattr(search, "Parser", rebuild.remembered_parser(original))
    for title in ("One", "Two", "One"):
        assert search_entries(html, title) == expected[title]
    assert (memos.sections.misses, memos.sections.hits) == (1, 2)
    assert expected["One"][0]["title"] == "One" and expected["Two"][0]["title"] == "Two"
    other = html.replace("More", "Other")
    assert search_entries(other, "One") != expected["One"] and memos.sections.misses == 2


def test_a_template_compiled_once_renders_alike_in_a_new_environment(memos, tmp_path):
    (tmp_path / "page.html").write_text("{{ title | shout }} {{ 'x' | shout }}\n  {% if 1 %}\n{{ 'y' | upper }}{% endif %}")

    def render(shout, **settings) -> str:
        env = jinja2.Environment(loader=jinja2.FileSystemLoader(tmp_path), **settings)
        env.filters["shout"] = shout
        rebuild.remember_templates(env)
        return env.get_template("page.html").render(title="hi")

    def loud(text):
        return text.upper() + "!"

    assert render(loud) == render(loud) == "HI! X!\n  \nY"
    assert (memos.templates.misses, memos.templates.hits) == (1, 1)
    # Another filter under the same name (Jinja calls a filter on a constant while compiling).
    assert render(lambda text: text + "?") == "hi? x?\n  \nY"
    # A filter that takes the context is called differently by the compiled code.
    assert render(jinja2.pass_context(lambda context, text: context["title"] + text)) == "hihi hix\n  \nY"
    assert render(loud, trim_blocks=True, lstrip_blocks=True) == "HI! X!\nY"  # other syntax
    assert (memos.templates.misses, memos.templates.hits) == (4, 1)
    (tmp_path / "page.html").write_text("{{ title }}")  # an edited template
    assert render(loud) == "hi"


PAGES = {
    "a.md": "# Page A\n\nSome prose.\n\n```python\nx = 3\nprint(x * 2)\n```\n\n```output\n6\n```\n\n"
            '```python hl_lines="2" title="two.py"\ny = 1\nz = y + 1\n```\n\n'
            '```python hl_lines="1"\nw = 0\nv = w\n```\n',  # an edit highlights another line of the same code
    "b.md": "## Untitled at first\n\nProse of B.\n\n```pycon\n>>> 1 + 1\n2\n```\n",
}


def test_a_rebuild_after_edits_writes_what_a_clean_build_writes(tmp_path):
    """Build, edit (prose, a block's code, another block's highlighted line, a title) and rebuild
    in one process, as `mkdocs serve` does: every file, the API reference's pages too, is what a
    clean build of the edited pages writes."""
    served, clean = tmp_path / "served", tmp_path / "clean"
    config = scratch_site(served, PAGES, reference=True)
    page = served / "docs" / "a.md"
    edit = (PAGES["a.md"].replace("Page A", "Page A, renamed").replace("Some prose.", "Some longer prose.")
            .replace("z = y + 1", "z = y + 2").replace('hl_lines="1"', 'hl_lines="2"'))
    script = textwrap.dedent(f"""
        import logging
        from pathlib import Path
        from mkdocs.commands.build import build
        from mkdocs.config import load_config
        from sitekit import rebuild
        logging.basicConfig(level=logging.WARNING)
        for text in (None, {edit!r}):
            if text:
                Path({str(page)!r}).write_text(text)
            build(load_config({str(config)!r}, site_dir={str(served / "site")!r}))
        print(rebuild.highlights.hits, rebuild.sections.hits, rebuild.templates.hits)
        """)
    env = dict(os.environ, SOURCE_DATE_EPOCH=SOURCE_DATE_EPOCH, SITEKIT_NO_CACHE="1", NO_MKDOCS_2_WARNING="1",
               PYTHONPATH=str(ROOT))
    served_run = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True)
    assert served_run.returncode == 0, served_run.stderr
    hits = [int(count) for count in served_run.stdout.split()[-3:]]
    assert all(hits), f"the rebuild remembered nothing (highlights, sections, templates): {hits}"

    pages = dict(PAGES, **{"a.md": edit})
    result = build_site(clean / "site", scratch_site(clean, pages, reference=True))
    assert result.returncode == 0, result.stderr
    rebuilt, fresh = files_of(served / "site"), files_of(clean / "site")
    assert rebuilt.keys() == fresh.keys() and "reference/engine/index.html" in fresh
    # The two sites sit in different folders: only their own paths may differ.
    differing = [name for name in fresh
                 if rebuilt[name].replace(bytes(served), b"") != fresh[name].replace(bytes(clean), b"")]
    assert not differing, f"a rebuild wrote these files differently from a clean build: {differing}"
    assert "Page A, renamed" in (served / "site" / "b" / "index.html").read_text()  # the nav, on the other page
