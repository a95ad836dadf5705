"""The build: strict, reproducible, and failing loudly on a failing block (sitekit.hook)."""

from __future__ import annotations

import textwrap
from pathlib import Path

from .conftest import ROOT, build_site


def files_of(site: Path) -> dict[str, bytes]:
    return {path.relative_to(site).as_posix(): path.read_bytes() for path in sorted(site.rglob("*")) if path.is_file()}


def test_two_clean_builds_give_the_same_bytes(built_site, tmp_path):
    again = tmp_path / "again"
    result = build_site(again)
    assert result.returncode == 0, result.stderr
    first, second = files_of(built_site), files_of(again)
    assert first.keys() == second.keys()
    differing = [name for name in first if first[name] != second[name]]
    assert not differing, f"these files differ between two builds: {differing}"


def test_pictures_and_math_are_in_the_html(built_site):
    chapter = (built_site / "chapters" / "01-derivatives" / "index.html").read_text()
    assert chapter.count('<figure class="mg-display"><svg') == 3
    assert "<math" in chapter and "arithmatex\">\\(" not in chapter


def scratch_site(tmp_path: Path, page: str) -> Path:
    """A one-page site that inherits every setting of the real one."""
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "index.md").write_text(textwrap.dedent(page))
    (docs / "assets").mkdir()
    (docs / "assets" / "book.css").write_text("")
    config = tmp_path / "mkdocs.yml"
    config.write_text(textwrap.dedent(f"""
        INHERIT: {ROOT / "mkdocs.yml"}
        docs_dir: {docs}
        hooks: [{ROOT / "sitekit" / "hook.py"}]
        theme:
          name: material
          custom_dir: {ROOT / "sitekit" / "theme"}
        watch: [{ROOT / "micrograd"}, {ROOT / "sitekit"}]
        nav: [index.md]
        """))
    return config


def test_a_failing_block_fails_the_build_naming_page_and_line(tmp_path):
    config = scratch_site(tmp_path, """
        # Scratch

        Some prose.

        ```python
        total = 1 + 1
        assert total == 3, "arithmetic is broken"
        ```
        """)
    result = build_site(tmp_path / "site", config)
    assert result.returncode != 0
    assert "index.md, line 6: a block failed" in result.stderr
    assert 'line 8' in result.stderr and "arithmetic is broken" in result.stderr


def test_a_block_the_grammar_misses_fails_the_build(tmp_path):
    config = scratch_site(tmp_path, """
        # Scratch

        ```python3
        print("rendered as Python but never run")
        ```
        """)
    result = build_site(tmp_path / "site", config)
    assert result.returncode != 0
    assert "1 Python blocks rendered, 0 collected" in result.stderr
