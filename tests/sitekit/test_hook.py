"""The build hook: caching page runs and picking up package edits (sitekit.hook)."""

from __future__ import annotations

import importlib
import sys
import types

import pytest

from sitekit import hook, pagerun


def fake_page(path, src="scratch.md"):
    file = types.SimpleNamespace(abs_src_path=str(path), src_path=src, src_uri=src)
    return types.SimpleNamespace(file=file)


@pytest.fixture
def scratch_cache(tmp_path, monkeypatch):
    monkeypatch.setattr(hook, "CACHE", tmp_path / "cache")
    monkeypatch.delenv("SITEKIT_NO_CACHE", raising=False)
    monkeypatch.setitem(hook._state, "fingerprint", "test")
    return tmp_path


def test_a_page_runs_once_then_comes_from_the_cache(scratch_cache):
    counter = scratch_cache / "runs.txt"
    markdown = f"```python\nwith open({str(counter)!r}, 'a') as f:\n    f.write('run')\n```\n"
    (scratch_cache / "scratch.md").write_text(markdown)
    page = fake_page(scratch_cache / "scratch.md")
    _, first = hook._run(markdown, page)
    _, second = hook._run(markdown, page)
    assert counter.read_text() == "run" and first == second


def test_an_edit_to_the_code_runs_the_page_again(scratch_cache):
    counter = scratch_cache / "runs.txt"
    markdown = f"```python\nwith open({str(counter)!r}, 'a') as f:\n    f.write('run')\n```\n"
    page = fake_page(scratch_cache / "scratch.md")
    for text in (markdown, markdown.replace("f.write('run')", "f.write('run')  # edited")):
        (scratch_cache / "scratch.md").write_text(text)
        hook._run(text, page)
    assert counter.read_text() == "runrun"


def test_an_edit_to_the_prose_only_reuses_the_run(scratch_cache):
    counter = scratch_cache / "runs.txt"
    markdown = f"Prose.\n\n```python\nwith open({str(counter)!r}, 'a') as f:\n    f.write('run')\n```\n"
    page = fake_page(scratch_cache / "scratch.md")
    for text in (markdown, "A longer sentence of prose.\n\n" + markdown + "\nMore prose.\n"):
        (scratch_cache / "scratch.md").write_text(text)
        hook._run(text, page)
    assert counter.read_text() == "run"


def test_a_picture_stays_under_its_block_after_a_prose_edit_moves_it(scratch_cache):
    markdown = ("```python\nfrom micrograd import Value, draw_dot\ndraw_dot(Value(2.0) * 3)\n```\n\n"
                "Between.\n\n```python\nx = 1\n```\n")
    page = fake_page(scratch_cache / "scratch.md")
    for text in (markdown, "# A title\n\nNew prose above.\n\n" + markdown):
        (scratch_cache / "scratch.md").write_text(text)
        hook._pages.clear()
        placed = hook.on_page_markdown(text, types.SimpleNamespace(file=page.file, meta={}), None, None)
        before, after = placed.split("<!-- sitekit-display 0 -->")
        assert before.rstrip().endswith("draw_dot(Value(2.0) * 3)\n```") and after.lstrip().startswith("Between.")


def test_package_edits_are_picked_up_without_a_restart(monkeypatch):
    import micrograd

    monkeypatch.setitem(hook._state, "fingerprint", "before the edit")
    monkeypatch.setattr(pagerun, "fingerprint", lambda: "after the edit")
    hook.on_pre_build(config={"plugins": {}})
    assert "micrograd" not in sys.modules and "micrograd.engine" not in sys.modules
    assert importlib.import_module("micrograd") is not micrograd


def test_a_failing_block_names_page_and_line(scratch_cache):
    markdown = "# Title\n\n```python\nraise RuntimeError('nope')\n```\n"
    (scratch_cache / "scratch.md").write_text(markdown)
    with pytest.raises(hook.PluginError, match=r"(?s)scratch.md, line 3: a block failed:\n.*line 4.*RuntimeError: nope"):
        hook._run(markdown, fake_page(scratch_cache / "scratch.md"))


def test_the_build_refuses_a_highlight_setting_the_grammar_does_not_read():
    with pytest.raises(hook.PluginError, match="guess_lang"):
        hook.on_config({"mdx_configs": {"pymdownx.highlight": {"guess_lang": True}}})


def test_pages_run_with_a_fresh_pythons_recursion_limit(scratch_cache, monkeypatch):
    import subprocess

    fresh = int(subprocess.run([sys.executable, "-c", "import sys; print(sys.getrecursionlimit())"],
                               capture_output=True, text=True, check=True).stdout)
    assert hook.READER_RECURSION_LIMIT == fresh
    monkeypatch.setattr(sys, "getrecursionlimit", sys.getrecursionlimit)  # restored afterwards
    sys.setrecursionlimit(5000)  # as a plugin of the build may (mkdocstrings sets 2000)
    try:
        markdown = f"```python\nimport sys\nassert sys.getrecursionlimit() == {fresh}\n```\n"
        (scratch_cache / "scratch.md").write_text(markdown)
        hook._run(markdown, fake_page(scratch_cache / "scratch.md"))
        assert sys.getrecursionlimit() == 5000
    finally:
        sys.setrecursionlimit(1000)


def test_invisible_blocks_run_but_are_not_published(scratch_cache):
    markdown = ("# Title\n\n!!! note\n    Prose.\n\n    <!-- invisible-code-block: python\n"
                "    h = {'a b': 1}\n    assert h['a b'] == 1\n    -->\n\nAfter.\n")
    (scratch_cache / "scratch.md").write_text(markdown)
    page = fake_page(scratch_cache / "scratch.md")
    page.meta = {}
    published = hook.on_page_markdown(markdown, page, config={}, files=None)
    assert "invisible-code-block" not in published and "h['a b']" not in published
    assert "-->" not in published  # the comment's end goes too
    assert "Prose." in published and "After." in published


def test_the_fingerprint_is_the_same_whatever_sys_path_holds(monkeypatch):
    """A build puts the root on sys.path (mkdocstrings' `paths: ["."]`), where this project's
    egg-info is found a second time: the next build of `mkdocs serve` must still use the cache."""
    before = pagerun.fingerprint()
    monkeypatch.setattr(sys, "path", [str(hook.ROOT), str(hook.ROOT), *sys.path])
    assert pagerun.fingerprint() == before
