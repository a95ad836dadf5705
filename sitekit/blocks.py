"""The block grammar of the book, defined once for the tests and the build.

A page is Markdown that runs top to bottom in one namespace, like a notebook:

- A fence whose language is `python` or `py` runs, whatever attributes follow
  (```` ```python title="x.py" hl_lines="2" ````), at any indentation (inside
  content tabs, admonitions, lists).
- An `output` fence right after it holds what the block prints; the tests
  compare it. A block that prints with no `output` fence under it fails.
- If a block's last statement is an expression, its value is shown as in a
  notebook: a graph or a matplotlib figure becomes SVG under the block at
  build time; any other value (not None) counts as printed output.
- A `pycon` fence is a doctest: `>>>` lines run and what follows is compared.
- `<!-- invisible-code-block: python ... -->` runs but is not shown.
- A `python` fence holding only `--8<-- "micrograd/..."` lines includes
  package source: it is shown, not run (the package's own tests cover it).
- `<!-- needs: torch -->` right above a fence skips it, with the reason from
  `sitekit.skips.NEEDS`, when that package is missing.

Sybil collects these blocks as tests (see `sybil_for`); the mkdocs hook
parses pages with the same `parse` and runs them with the same evaluators.
"""

from __future__ import annotations

import ast
import contextlib
import difflib
import io
import re
import traceback
import unittest
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sybil import Document, Example, Lexeme, Region, Sybil
from sybil.evaluators.doctest import DocTestEvaluator
from sybil.parsers.abstract.doctest import DocTestStringParser
from sybil.parsers.markdown.lexers import DirectiveInHTMLCommentLexer, RawFencedCodeBlockLexer

from sitekit import display, skips

PYTHON = ("python", "py")
DOCTEST = ("pycon",)
OUTPUT = "output"
#: Every spelling that renders as a Python block; the census counts these.
RENDERED_PYTHON = re.compile(r"^(?:i?py(?:thon)?3?|pycon)$")
_INCLUDE_LINE = re.compile(r"^\s*(?:--8<--\s+\S.*)?$")


@dataclass
class Block:
    """One runnable Python block of a page."""

    source: str
    #: Line in the page where the code starts (1-based), for tracebacks.
    line: int
    #: The printed output the page shows, or None when it shows none.
    expected: str | None = None
    visible: bool = True
    #: Where the output fence's text sits in the page, and its indentation, for `--update-output`.
    expected_span: tuple[int, int] | None = None
    expected_prefix: str = ""


@dataclass
class Fence:
    start: int
    end: int
    language: str
    source: Lexeme
    #: The lexed region the source came from, to place doctest examples in the page.
    region: Region
    source_line: int
    #: What precedes the fence on its line (indentation inside tabs, admonitions).
    prefix: str


class Page(Document):
    """A Sybil document that also keeps what the build needs from a run."""

    def __init__(self, text: str, path: str) -> None:
        super().__init__(text, path)
        self.namespace["__name__"] = "__main__"
        #: SVG shown under a block, keyed by the offset where the block ends.
        self.displays: dict[int, str] = {}
        #: Counts for the census: how many Python fences the grammar found.
        self.python_fences = 0
        self.included = 0
        #: Where `needs:` directives sit: (start, end, name, prefix).
        self.needs: list[tuple[int, int, str, str]] = []


# --- lexing ------------------------------------------------------------------

_FENCES = RawFencedCodeBlockLexer(info_pattern=re.compile(r"(?P<info>[^\n]*)$\n", re.MULTILINE))
_INVISIBLE = DirectiveInHTMLCommentLexer(directive=r"invisible-code-block", arguments=r"python")
_NEEDS = re.compile(r"^(?P<prefix>[ \t]*)<!--\s*needs:\s*(?P<name>[\w.]+)\s*-->[ \t]*$", re.MULTILINE)


def language_of(info: str) -> str:
    """The language of a fence's info string: `python title="x"` and `{ .python }` give python."""
    info = info.strip()
    if info.startswith("{"):
        match = re.search(r"\.([\w+-]+)", info)
        return match.group(1) if match else ""
    return info.split(maxsplit=1)[0] if info else ""


def _line_of(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def line_prefix(text: str, offset: int) -> str:
    """The indentation (and blockquote marks) of the line holding `offset`."""
    line_start = text.rfind("\n", 0, offset) + 1
    return re.match(r"[ \t>]*", text[line_start:]).group(0)


def fences(document: Document) -> list[Fence]:
    """Every fenced block of the page that is not itself inside another fence."""
    found = []
    for region in _FENCES(document):
        source = region.lexemes["source"]
        prefix = line_prefix(document.text, region.start)
        found.append(Fence(
            start=region.start,
            end=region.end,
            language=language_of(region.lexemes["info"]),
            source=source,
            region=region,
            source_line=_line_of(document.text, region.start + source.offset),
            prefix=prefix,
        ))
    found.sort(key=lambda f: f.start)
    # A fence shown inside a longer fence (say, a Markdown example) is text, not code.
    outermost: list[Fence] = []
    for fence in found:
        if not any(o.start <= fence.start and fence.end <= o.end for o in outermost):
            outermost.append(fence)
    return outermost


def is_include(source: str) -> bool:
    """A fence that only pulls in package source with pymdownx.snippets."""
    lines = source.splitlines()
    return any(line.strip() for line in lines) and all(_INCLUDE_LINE.match(line) for line in lines)


# --- parsing -----------------------------------------------------------------

def parse(document: Page) -> Iterator[Region]:
    """The Sybil parser: a region for every block on the page, in page order."""
    text = document.text
    items = fences(document)

    def outside_fences(start: int) -> bool:
        # Directives shown inside a fence (say, on the contributing page) are text, not directives.
        return not any(f.start <= start < f.end for f in items)

    needs_at = {m.end(): m for m in _NEEDS.finditer(text) if outside_fences(m.start())}
    for match in needs_at.values():
        skips.missing(match["name"])  # an unknown name fails the page, here and in the build
        document.needs.append((match.start(), match.end(), match["name"], match["prefix"]))

    def needs_before(start: int) -> str | None:
        # The directive must sit on the line right above the fence (blank lines allowed).
        for end, match in needs_at.items():
            if end <= start and not text[end:start].strip():
                return match["name"]
        return None

    consumed: set[int] = set()
    for index, fence in enumerate(items):
        if index in consumed:
            continue
        if fence.language == OUTPUT:
            yield _error_region(fence, "an `output` fence must come right after a python fence")
            continue
        if fence.language in DOCTEST:
            document.python_fences += 1
            yield from _doctest_regions(document, fence, needs_before(fence.start))
            continue
        if fence.language not in PYTHON:
            continue  # other languages, or a Python spelling the grammar skips (the census reports it)
        document.python_fences += 1
        if is_include(fence.source):
            document.included += 1
            continue
        block = Block(str(fence.source), fence.source_line)
        needs = needs_before(fence.start)
        end = fence.end
        following = items[index + 1] if index + 1 < len(items) else None
        if following and following.language == OUTPUT and not text[fence.end:following.start].strip():
            closing_line = text.rfind("\n", following.start, following.end) + 1
            block.expected_span = (following.start + following.source.offset, closing_line)
            # Only the fence's own indentation comes off: leading spaces of the output are output.
            raw = text[block.expected_span[0]:closing_line].splitlines()
            block.expected = "\n".join(line[len(following.prefix):] for line in raw)
            block.expected_prefix = following.prefix
            consumed.add(index + 1)
            end = following.end
        yield Region(fence.start, end, parsed=block,
                     evaluator=_needing(needs, evaluate_block) if needs else evaluate_block)

    for region in _INVISIBLE(document):
        if not outside_fences(region.start):
            continue
        source = region.lexemes["source"]
        line = _line_of(text, region.start + source.offset)
        yield Region(region.start, region.end, parsed=Block(str(source), line, visible=False),
                     evaluator=evaluate_block)


def session_code(session: str) -> list[tuple[str, bool]]:
    """The statements of a `>>>` session without prompts or output, each with whether the
    page shows it raising an error (what the copy button and the notebooks give the reader)."""
    import doctest

    return [(example.source.rstrip("\n"), example.exc_msg is not None)
            for example in doctest.DocTestParser().get_examples(session)]


def _doctest_regions(document: Page, fence: Fence, needs: str | None) -> Iterator[Region]:
    parser = DocTestStringParser(DocTestEvaluator())
    for region in parser(str(fence.source), document.path):
        region.adjust(fence.region, fence.source)
        if needs:
            region.evaluator = _needing(needs, region.evaluator)
        yield region


def _needing(name: str, evaluator: Any) -> Any:
    def evaluate(example: Example) -> Any:
        reason = skips.missing(name)
        if reason:
            raise unittest.SkipTest(reason)
        return evaluator(example)

    return evaluate


def _error_region(fence: Fence, message: str) -> Region:
    def fail(example: Example) -> str:
        return message

    return Region(fence.start, fence.end, parsed=None, evaluator=fail)


# --- evaluating --------------------------------------------------------------

def run_source(source: str, line: int, path: str, namespace: dict[str, Any]) -> Any:
    """Run `source` like a notebook cell: return the value of a final expression, if any."""
    tree = ast.parse(source, filename=path)
    ast.increment_lineno(tree, line - 1)
    last = tree.body.pop() if tree.body and isinstance(tree.body[-1], ast.Expr) else None
    exec(compile(tree, path, "exec"), namespace)
    if last is None:
        return None
    return eval(compile(ast.Expression(last.value), path, "eval"), namespace)


def evaluate_block(example: Example) -> str | None:
    """Run one block; return a failure message, or None when it did what the page says."""
    __tracebackhide__ = True
    block: Block = example.parsed
    printed = io.StringIO()
    try:
        with contextlib.redirect_stdout(printed):
            value = run_source(block.source, block.line, example.path, example.namespace)
            if value is not None and not display.displayable(value):
                print(repr(value))
    finally:
        example.namespace.pop("__builtins__", None)
    if display.displayable(value):
        svg = display.to_svg(value)
        if isinstance(example.document, Page):
            example.document.displays[example.region.end] = svg
    display.close_figures()
    failure = compare_output(block.expected, printed.getvalue())
    if failure and OUTPUT_UPDATES is not None and block.expected_span:
        lines = _normalise(printed.getvalue()).splitlines()
        OUTPUT_UPDATES.setdefault(example.path, []).append(
            (*block.expected_span, "".join(f"{block.expected_prefix}{line}".rstrip() + "\n" for line in lines))
        )
        return None
    return failure


#: With `pytest --update-output`, the output fences to rewrite: path -> [(start, end, text)].
OUTPUT_UPDATES: dict[str, list[tuple[int, int, str]]] | None = None


def apply_output_updates() -> list[str]:
    """Write the collected outputs into their pages; return the pages changed."""
    changed = []
    for path, edits in (OUTPUT_UPDATES or {}).items():
        text = Path(path).read_text(encoding="utf-8")
        for start, end, replacement in sorted(edits, reverse=True):
            text = text[:start] + replacement + text[end:]
        Path(path).write_text(text, encoding="utf-8")
        changed.append(path)
    return changed


def _normalise(text: str) -> str:
    return "\n".join(line.rstrip() for line in text.strip("\n").splitlines())


def compare_output(expected: str | None, got: str) -> str | None:
    if expected is None:
        if got.strip():
            return f"the block printed output but the page shows none; add an `output` fence:\n{got}"
        return None
    if _normalise(expected) == _normalise(got):
        return None
    diff = difflib.unified_diff(
        _normalise(expected).splitlines(), _normalise(got).splitlines(), "page shows", "block printed", lineterm=""
    )
    return "the printed output differs from the page:\n" + "\n".join(diff)


def run_page(page: Page, *, visible_only: bool = False) -> Iterator[tuple[Example, str | None]]:
    """Run every block of `page` in order, yielding each example and its failure (or None).

    Used by the build; the tests run the same examples through Sybil. With
    `visible_only`, invisible blocks are left out, as a reader copying the page would.
    """
    for example in page:
        if visible_only and isinstance(example.parsed, Block) and not example.parsed.visible:
            continue
        try:
            example.evaluate()
        except unittest.SkipTest:
            yield example, None
            continue
        except Exception as error:  # report it with the page and line, then stop this page
            yield example, _describe(error)
            return
        yield example, None


def _describe(error: BaseException) -> str:
    message = getattr(error, "result", None)
    if message:
        return message
    # Keep the frames of the page and of the package it calls, not the runner's.
    frames = [f for f in traceback.extract_tb(error.__traceback__) if "sitekit" not in f.filename
              and "sybil" not in f.filename]
    return "".join(traceback.format_list(frames) + traceback.format_exception_only(type(error), error)).strip()


# --- wiring ------------------------------------------------------------------

def parse_text(text: str, path: str) -> Page:
    page = Page(text, path)
    for region in parse(page):
        page.add(region)
    return page


def sybil_for(path: str | Path, patterns: Iterable[str] = ("*.md", "**/*.md")) -> Sybil:
    """The Sybil that collects every block of the Markdown pages under `path`."""
    return Sybil(
        parsers=[parse],
        path=str(Path(path).resolve()),
        patterns=list(patterns),
        document_types={".md": Page},
        teardown=lambda namespace: display.close_figures(),
    )


def main(argv: list[str] | None = None) -> int:
    """`python -m sitekit.blocks PAGE.md`: run a page's visible blocks as a reader would."""
    import argparse
    import sys

    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("pages", nargs="+", type=Path)
    args = parser.parse_args(argv)
    failed = 0
    for path in args.pages:
        page = parse_text(path.read_text(encoding="utf-8"), str(path))
        for example, failure in run_page(page, visible_only=True):
            if failure:
                failed += 1
                print(f"{path}, line {example.line}: {failure}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
