"""Every chapter as a notebook: what the reader sees, runnable top to bottom (sitekit.notebook)."""

from __future__ import annotations

import textwrap
from pathlib import Path

import nbformat
import pytest

from sitekit import skips
from sitekit.blocks import parse_text
from sitekit.notebook import chapter_file, chapter_notebook, notebook_name, to_json

ROOT = Path(__file__).resolve().parents[2]
CHAPTERS = sorted((ROOT / "docs" / "chapters").glob("*.md"))


def test_a_page_becomes_prose_and_code_cells_in_order(tmp_path):
    page = tmp_path / "01-demo.md"
    page.write_text(textwrap.dedent('''\
        # Demo

        !!! note "Aside"
            Some prose.

            ```python
            x = 2
            print(x)
            ```

            ```output
            2
            ```

        <!-- invisible-code-block: python
        assert x == 2
        -->

        ```pycon
        >>> x + 1
        3
        ```

        ```python
        --8<-- "micrograd/__init__.py"
        ```
        '''))
    notebook = chapter_notebook(page, ROOT)
    kinds = [(cell.cell_type, cell.source) for cell in notebook.cells]
    assert kinds[1] == ("markdown", "# Demo\n\n**Aside**\nSome prose.")
    assert kinds[2] == ("code", "x = 2\nprint(x)")
    assert ("code", "x + 1") in kinds
    assert not any("assert x == 2" in source for _, source in kinds)
    assert not any(">>>" in source for kind, source in kinds if kind == "code")
    assert any(kind == "markdown" and "from micrograd.engine import Value" in source for kind, source in kinds)


def test_the_same_chapter_gives_the_same_bytes():
    assert to_json(chapter_notebook(CHAPTERS[0], ROOT)) == to_json(chapter_notebook(CHAPTERS[0], ROOT))


def test_notebooks_go_beside_their_page():
    assert notebook_name("chapters/01-derivatives.md") == "chapters/01-derivatives/01-derivatives.ipynb"


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda path: path.stem)
def test_every_chapter_notebook_runs_top_to_bottom(chapter):
    from nbclient import NotebookClient

    page = parse_text(chapter.read_text(encoding="utf-8"), str(chapter))
    for _, _, name, _ in page.needs:
        if reason := skips.missing(name):
            pytest.skip(reason)
    notebook = chapter_notebook(chapter, ROOT)
    visible = sum(1 for example in page if getattr(example.parsed, "visible", True))
    assert sum(cell.cell_type == "code" for cell in notebook.cells) >= min(visible, 1)
    NotebookClient(notebook, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(ROOT)}}).execute()
    expected = [cell for cell in notebook.cells if "raises-exception" in cell.metadata.get("tags", [])]
    unexpected = [output for cell in notebook.cells if cell.cell_type == "code" and cell not in expected
                  for output in cell.outputs if output.output_type == "error"]
    assert not unexpected
    assert all(any(out.output_type == "error" for out in cell.outputs) for cell in expected)
    nbformat.validate(notebook)


def test_an_expected_error_gets_its_own_tagged_cell(tmp_path):
    page = tmp_path / "02-errors.md"
    page.write_text('```pycon\n>>> x = 1\n>>> 1 / 0\nTraceback (most recent call last):\n  ...\n'
                    'ZeroDivisionError: division by zero\n>>> x + 1\n2\n```\n')
    cells = [(cell.source, cell.metadata.get("tags", [])) for cell in chapter_notebook(page, ROOT).cells
             if cell.cell_type == "code"]
    assert cells == [("x = 1", []), ("1 / 0", ["raises-exception"]), ("x + 1", [])]


def test_a_chapter_file_is_made_again_when_what_it_includes_changes(tmp_path):
    (tmp_path / "part.py").write_text("x = 1\n")
    page = tmp_path / "03-include.md"
    page.write_text('# Include\n\n```python\n--8<-- "part.py"\n```\n')
    first = chapter_file(page, tmp_path)
    assert first == to_json(chapter_notebook(page, tmp_path)) and "x = 1" in first
    (tmp_path / "part.py").write_text("x = 2\n")
    assert "x = 2" in chapter_file(page, tmp_path)
    page.write_text(page.read_text() + "\nMore prose.\n")
    assert "More prose." in chapter_file(page, tmp_path)
