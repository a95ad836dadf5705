"""Turn a chapter into a Jupyter notebook a reader can download and run.

The notebook holds what a reader sees: the prose as Markdown cells and every
visible block as a code cell, in page order. What the page shows as output is
left for Jupyter to recompute; invisible checks are left out; `pycon`
sessions lose their prompts; included package source is shown as text.
The block grammar is the one in `sitekit.blocks`.
"""

from __future__ import annotations

import hashlib
import re
import textwrap
from pathlib import Path

import nbformat

from sitekit.blocks import DOCTEST, OUTPUT, PYTHON, fences, is_include, parse_text, session_code

_ADMONITION = re.compile(r'^(?:!!!|\?\?\?\+?)\s+[\w-]+(?:\s+"(?P<title>[^"]*)")?\s*$')
_TAB = re.compile(r'^===\+?\s+"(?P<title>[^"]*)"\s*$')
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_SNIPPET = re.compile(r'--8<--\s+"(?P<path>[^":]+)(?::(?P<section>[\w-]+))?"')
# Jupyter would show a figure twice (once as the cell's value, once because it is open);
# the book shows it once, where a block ends with it.
JUPYTER_FIGURES = """\
# Jupyter setup: show a figure where a cell ends with it, once, as the book does.
%matplotlib agg
from IPython.core.pylabtools import select_figure_formats
select_figure_formats(get_ipython(), {"svg"})"""


#: A link to the API reference, `[text][micrograd.engine.Value]` (mkdocs-autorefs): a notebook has no
#: reference to link to, so it keeps the text.
_API_LINK = re.compile(r"\[([^\]\n]+)\]\[(micrograd(?:\.\w+)*)\]")


def _prose(markdown: str) -> str:
    """Material's Markdown made plain: admonition and tab headings become bold lines, links to
    the API reference become their text, and nothing stays indented (Jupyter would read an
    indented line as code)."""
    lines = []
    for line in _API_LINK.sub(r"\1", _COMMENT.sub("", markdown)).splitlines():
        stripped = line.strip()
        heading = _ADMONITION.match(stripped) or _TAB.match(stripped)
        if heading:
            lines.append(f"**{heading['title']}**" if heading["title"] else "")
        else:
            lines.append(stripped)
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def _included_source(source: str, root: Path) -> str:
    """The package source a snippet fence includes, as the site shows it."""
    parts = []
    for match in _SNIPPET.finditer(source):
        text = (root / match["path"]).read_text(encoding="utf-8")
        if match["section"]:
            section = re.search(
                rf"--8<-- \[start:{match['section']}\]\n(.*?)\n.*?--8<-- \[end:{match['section']}\]", text, re.DOTALL
            )
            text = textwrap.dedent(section[1]) if section else text  # as the site shows it (dedent_subsections)
        parts.append(re.sub(r".*--8<-- \[(?:start|end):[\w-]+\].*\n", "", text))
    return "\n".join(parts).rstrip()


def _session_cells(session: str) -> list[nbformat.NotebookNode]:
    """The code of a `>>>` session as cells. A line the page shows raising an error gets a
    cell of its own, tagged so Jupyter (and nbclient) carry on past the expected error."""
    cells: list[nbformat.NotebookNode] = []
    pending: list[str] = []
    for code, raises in session_code(session):
        if not raises:
            pending.append(code)
            continue
        if pending:
            cells.append(nbformat.v4.new_code_cell("\n".join(pending)))
            pending = []
        cells.append(nbformat.v4.new_code_cell(code, metadata={"tags": ["raises-exception"]}))
    if pending:
        cells.append(nbformat.v4.new_code_cell("\n".join(pending)))
    return cells


def chapter_notebook(path: Path, root: Path, url: str | None = None) -> nbformat.NotebookNode:
    """The notebook of the chapter at `path` (repository root `root`)."""
    text = path.read_text(encoding="utf-8")
    page = parse_text(text, str(path))
    cells = []
    intro = "*This notebook is generated from a chapter of the micrograd book"
    intro += f" ({url})" if url else ""
    intro += (". Run the cells in order, in a clone of the book after `pip install -e . matplotlib` (the"
              " `micrograd` on PyPI is another engine, Karpathy's original).*")
    cells.append(nbformat.v4.new_markdown_cell(intro))
    if "matplotlib" in text:
        cells.append(nbformat.v4.new_code_cell(JUPYTER_FIGURES))
    position = 0

    def add_prose(until: int) -> None:
        prose = _prose(text[position:until])
        if prose:
            cells.append(nbformat.v4.new_markdown_cell(prose))

    for fence in fences(page):
        if fence.language in PYTHON and is_include(str(fence.source)):
            add_prose(fence.start)
            cells.append(nbformat.v4.new_markdown_cell(f"```python\n{_included_source(str(fence.source), root)}\n```"))
        elif fence.language in PYTHON:
            add_prose(fence.start)
            cells.append(nbformat.v4.new_code_cell(str(fence.source).rstrip("\n")))
        elif fence.language in DOCTEST:
            add_prose(fence.start)
            cells.extend(_session_cells(str(fence.source)))
        elif fence.language == OUTPUT:
            add_prose(fence.start)  # the notebook prints it itself
        else:
            continue
        position = fence.end
    add_prose(len(text))
    notebook = nbformat.v4.new_notebook(cells=cells)
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    notebook.metadata["language_info"] = {"name": "python"}
    # Fixed cell ids, so the same chapter always gives the same bytes.
    for number, cell in enumerate(notebook.cells):
        cell["id"] = f"cell-{number}"
    return notebook


def notebook_name(src_uri: str) -> str:
    """Where a chapter's notebook goes: beside the page, named after it."""
    stem = Path(src_uri).stem
    return f"{Path(src_uri).with_suffix('').as_posix()}/{stem}.ipynb"


def to_json(notebook: nbformat.NotebookNode) -> str:
    """The notebook file's text, written as nbformat writes it, without validating it on every
    build (the tests validate each chapter's notebook)."""
    return nbformat.v4.nbjson.writes(notebook) + "\n"


#: The notebook file last made in this process for each chapter: (what it was made from, text).
_made: dict[Path, tuple[str, str]] = {}


def chapter_file(path: Path, root: Path, url: str | None = None) -> str:
    """`to_json(chapter_notebook(path, root, url))`, made again only when the chapter, a file it
    includes or the URL changed: `mkdocs serve` makes every chapter's notebook on every rebuild."""
    text = path.read_text(encoding="utf-8")
    included = sorted({match["path"] for match in _SNIPPET.finditer(text)})
    digest = hashlib.sha256(repr((str(path), str(root), url, text)).encode())
    for name in included:
        source = root / name
        digest.update(name.encode() + b"\0" + (source.read_bytes() if source.is_file() else b"(missing)"))
    key = digest.hexdigest()
    made = _made.get(path)
    if made is None or made[0] != key:  # one entry per chapter: a long serve session stays small
        _made[path] = made = key, to_json(chapter_notebook(path, root, url))
    return made[1]
