"""The API reference agrees with the package (sitekit.reference): every public name has a
docstring and a place in the built reference, and every docstring example runs and is shown."""

from __future__ import annotations

import importlib
import os
import subprocess
import sys
import textwrap
import zlib
from pathlib import Path

import pytest

from sitekit import census, reference

from .conftest import ROOT, scratch_site


def inventory(site: Path) -> dict[str, str]:
    """The objects mkdocstrings documented in the built site (its `objects.inv`): name -> page."""
    data = (site / "objects.inv").read_bytes()
    body = data.split(b"\n", 4)[4]  # four header lines, then zlib
    found = {}
    for line in zlib.decompress(body).decode().splitlines():
        name, domain_role, _priority, uri = line.split(" ", 4)[:4]
        if domain_role.startswith("py:"):
            found[name] = uri.split("#")[0]
    return found


def public_api() -> list[str]:
    """Every dotted name the package makes public: each module, its names, their methods."""
    return [path for module in reference.modules() for path, _ in reference.documented(module)]


def test_every_public_name_has_a_docstring():
    missing = [path for module in reference.modules() for path, obj in reference.documented(module)
               if not reference.docstring(obj)]
    assert not missing, f"public names without a docstring (the reference would leave them out): {missing}"


def test_every_name_micrograd_exports_is_documented_on_a_module_page():
    pages = {path for module in reference.modules()[1:] for path, _ in reference.documented(module)}
    index = reference.page_markdown("micrograd")
    package = importlib.import_module("micrograd")  # as it is now: other tests may re-import the package
    for name in package.__all__:
        home = reference._home(package, name)
        assert home in pages and f"[`{name}`][{home}]" in index, name


def test_the_built_reference_documents_every_public_name(built_site):
    documented = inventory(built_site)
    missing = [name for name in public_api() if name not in documented]
    assert not missing, f"public names missing from the reference: {missing}"
    elsewhere = {name: uri for name, uri in documented.items() if not uri.startswith("reference/")}
    assert not elsewhere, f"documented outside the reference section: {elsewhere}"
    for module in reference.modules():
        page = reference.page_uri(module).removesuffix("index.md").removesuffix(".md")
        assert documented[module].rstrip("/") == page.rstrip("/"), module


def test_each_reference_page_shows_its_docstring_examples_and_source(built_site):
    shown = 0
    for module in reference.modules():
        html = (built_site / reference.page_uri(module).removesuffix(".md").removesuffix("/index")
                / "index.html").read_text(encoding="utf-8")
        expected = reference.examples_documented_on(reference.page_markdown(module))
        examples = census.rendered_python_blocks(html) - reference.listings(html)
        assert examples == expected, f"{module}: {examples} example blocks shown, {expected} in its docstrings"
        shown += examples
        # Each documented object's source is a click away (functions and classes; modules are the page).
        objects = [obj for _, obj in reference.documented(module)[1:] if not isinstance(obj, property)]
        assert html.count('<details class="mkdocstrings-source">') == len(objects), module
    assert shown >= 1, "no docstring example is shown anywhere in the reference"


def test_search_finds_api_names(built_site):
    index = (built_site / "search" / "search_index.json").read_text(encoding="utf-8")
    for name in ["micrograd.engine.Value.backward", "micrograd.nn.MLP", "micrograd.graph.draw_dot"]:
        assert f'"location":"reference/{name.split(".")[1]}/#{name}"' in index.replace(" ", ""), name


def test_example_sessions_end_at_a_blank_line():
    text = ">>> a = 1\n>>> a\n1\n\nprose\n\n    >>> b = 2\n    ...\n\n>>> c = 3\n"
    assert reference.example_sessions(text) == 3
    assert reference.example_sessions("no examples here") == 0


def test_a_directive_shown_in_a_fence_documents_nothing():
    page = "::: micrograd\n\n````markdown\n::: micrograd.data\n````\n"
    assert reference.examples_documented_on(page) == reference.examples_documented_on("::: micrograd\n") == 1


def test_a_docstring_example_that_prints_the_wrong_thing_fails(pytester: pytest.Pytester):
    pytester.makeconftest(
        "from sitekit.reference import docstring_sybil\n"
        "pytest_collect_file = docstring_sybil('.').pytest()\n"
    )
    pytester.makepyfile(scratch='''
        """A module.

        Examples:
            >>> 1 + 1
            2
        """

        def f():
            """Wrong output, and a name the example never imported (examples run as a reader would).

            Examples:
                >>> 1 + 1
                3
                >>> f()
            """
    ''')
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-p", "no:doctest", "-o", f"pythonpath={ROOT}")
    result.assert_outcomes(passed=1, failed=2)
    result.stdout.fnmatch_lines(["*Expected:*", "*3*", "*Got:*", "*NameError*"])


SCRATCH_MODULE = '''
"""A scratch module{note}

{example}
"""


def documented() -> int:
    """Something documented."""
    return 1
'''


def build_scratch_reference(tmp_path: Path, module: str, page: str) -> subprocess.CompletedProcess:
    """Strictly build a one-page site documenting `scratchmod` with the real site's settings."""
    (tmp_path / "scratchmod.py").write_text(module)
    config = scratch_site(tmp_path, {"index.md": page})
    config.write_text(config.read_text() + textwrap.dedent(f"""
        plugins:
          - search
          - autorefs
          - mkdocstrings:
              handlers:
                python:
                  paths: [{tmp_path}]
                  options: {{docstring_style: google, filters: ["!^_"]}}
        """))
    env = dict(os.environ, PYTHONPATH=f"{tmp_path}{os.pathsep}{ROOT}", NO_MKDOCS_2_WARNING="1")
    return subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(config), "-d",
                           str(tmp_path / "site")], cwd=ROOT, env=env, capture_output=True, text=True)


def test_a_docstring_example_the_reference_does_not_show_as_code_fails_the_build(tmp_path):
    module = SCRATCH_MODULE.format(note=": its example is not under `Examples:`, so it renders as prose.",
                                   example=">>> 1 + 1\n2")
    result = build_scratch_reference(tmp_path, module, "# Scratch reference\n\n::: scratchmod\n")
    assert result.returncode != 0
    assert "index.md: 0 Python blocks rendered, 1 collected" in result.stderr, result.stderr
    assert "1 docstring example(s) would render as prose" in result.stderr, result.stderr


def test_a_link_to_a_name_the_reference_does_not_have_fails_the_build(tmp_path):
    module = SCRATCH_MODULE.format(note=".", example="Examples:\n    >>> 1 + 1\n    2")
    page = ("# Scratch reference\n\nA link to [a real function][scratchmod.documented] and to "
            "[a missing one][scratchmod.missing].\n\n::: scratchmod\n")
    result = build_scratch_reference(tmp_path, module, page)
    assert result.returncode != 0
    assert "scratchmod.missing" in result.stderr and "scratchmod.documented" not in result.stderr, result.stderr


def test_a_chapter_notebook_keeps_the_text_of_a_link_to_the_reference():
    from sitekit.notebook import _prose

    prose = _prose("Call [`draw_dot(v)`][micrograd.graph.draw_dot] or see [the package][micrograd].")
    assert prose == "Call `draw_dot(v)` or see the package."
