"""The block grammar of the book, defined once for the tests and the build.

A page is Markdown that runs top to bottom in one namespace, like a notebook:

- A fence whose language is `python` or `py` runs, whatever attributes follow
  (```` ```python title="x.py" hl_lines="2" ````), at any indentation (inside
  content tabs, admonitions, lists).
- Any other spelling that renders as Python (`Python`, `py3`, `ipython`,
  `numpy`, ... : see `sitekit.languages`) is an error naming the page, the line
  and what to write instead, so no Python is shown that is not run.
- An `output` fence right after it holds what the block prints, to stdout and
  stderr in the order written, as a terminal or Jupyter shows it; the tests
  compare it. A block that prints with no `output` fence under it fails, and
  so does a block that issues a warning a reader would see (its text names
  files of this machine, so the page cannot show it).
- A block that raises anything, `SystemExit` and `KeyboardInterrupt` included,
  fails with the page and line (only a real Ctrl-C stops the run).
- If a block's last statement is an expression, its value is shown as in a
  notebook: a graph or a matplotlib figure becomes SVG under the block at
  build time; any other value (not None) counts as printed output.
- A `pycon` fence is a doctest: `>>>` lines run and what follows is compared.
- `<!-- invisible-code-block: python ... -->` runs but is not shown.
- A `python` fence holding only `--8<-- "micrograd/..."` lines includes
  package source: it is shown, not run (the package's own tests cover it).
- `<!-- needs: torch -->` right above a fence skips it, with the reason from
  `sitekit.skips.NEEDS`, when that package is missing.

Sybil collects these blocks as tests (see `sybil_for`), plus one census item
per page (`sitekit.census`); the mkdocs hook parses pages with the same
`parse` and runs them with the same evaluators.
"""

from __future__ import annotations

import ast
import contextlib
import difflib
import io
import re
import signal
import sys
import threading
import traceback
import unittest
import warnings
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sybil import Document, Example, Lexeme, Region, Sybil
from sybil.sybil import SybilCollection
from sybil.evaluators.doctest import DocTestEvaluator
from sybil.parsers.abstract.doctest import DocTestStringParser
from sybil.parsers.markdown.lexers import DirectiveInHTMLCommentLexer, RawFencedCodeBlockLexer

from sitekit import display, skips
from sitekit.languages import language_of, spelling_for

PYTHON = ("python", "py")
DOCTEST = ("pycon",)
OUTPUT = "output"
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
        #: Counts for the census: how many fences rendering as Python the grammar found.
        self.python_fences = 0
        self.included = 0
        #: Fences in a Python spelling the grammar does not run: (line, message).
        self.rejected: list[tuple[int, str]] = []
        #: Where `needs:` directives sit: (start, end, name, prefix).
        self.needs: list[tuple[int, int, str, str]] = []
        #: The examples `run_page` skipped (a package they need is missing): example -> reason.
        self.skipped: dict[Example, str] = {}


# --- lexing ------------------------------------------------------------------

_FENCES = RawFencedCodeBlockLexer(info_pattern=re.compile(r"(?P<info>[^\n]*)$\n", re.MULTILINE))
# Any language and case, so that a misspelt invisible block is an error rather than a comment.
_INVISIBLE = DirectiveInHTMLCommentLexer(directive=r"(?i:invisible-code-block)", arguments=r"[\w.+#-]*")
_NEEDS = re.compile(r"^(?P<prefix>[ \t]*)<!--\s*needs:\s*(?P<name>[\w.]+)\s*-->[ \t]*$", re.MULTILINE)


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
            yield _error_region(fence.start, fence.end, "an `output` fence must come right after a python fence")
            continue
        if fence.language in DOCTEST:
            document.python_fences += 1
            yield from _doctest_regions(document, fence, needs_before(fence.start))
            continue
        if fence.language not in PYTHON:
            if spelling_for(fence.language.lower()):
                document.python_fences += 1
                yield _rejected(document, fence)
            continue
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
                     evaluator=_guarded(_needing(needs, evaluate_block) if needs else evaluate_block))

    for region in _INVISIBLE(document):
        if not outside_fences(region.start):
            continue
        source = region.lexemes["source"]
        line = _line_of(text, region.start + source.offset)
        spelling = (region.lexemes["directive"], region.lexemes["arguments"])
        if spelling != ("invisible-code-block", "python"):
            message = (f"`{': '.join(spelling)}` is never run: write `<!-- invisible-code-block: python`")
            document.rejected.append((_line_of(text, region.start), message))
            yield _error_region(region.start, region.end, message)
            continue
        # Sybil's region stops before the closing `-->`; the block is the whole comment, so that
        # the build takes all of it out of the page (else a stray "-->" is published).
        closing = re.match(r"[ \t>]*-->", text[region.end:])
        end = region.end + closing.end() if closing else region.end
        yield Region(region.start, end, parsed=Block(str(source), line, visible=False),
                     evaluator=_guarded(evaluate_block))


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
        region.evaluator = _guarded(_needing(needs, region.evaluator) if needs else region.evaluator)
        yield region


def _rejected(document: Page, fence: Fence) -> Region:
    """A fence that renders as Python but is not spelt the way the grammar runs."""
    instead = spelling_for(fence.language.lower())
    kind = "a >>> session (doctest)" if instead == "pycon" else "code that runs"
    message = (f"```{fence.language} renders as Python on the site but is never run: "
               f"write ```{instead} for {kind}")
    document.rejected.append((_line_of(document.text, fence.start), message))
    return _error_region(fence.start, fence.end, message)


def _needing(name: str, evaluator: Any) -> Any:
    def evaluate(example: Example) -> Any:
        reason = skips.missing(name)
        if reason:
            raise unittest.SkipTest(reason)
        return evaluator(example)

    return evaluate


def _error_region(start: int, end: int, message: str) -> Region:
    def fail(example: Example) -> str:
        return message

    return Region(start, end, parsed=None, evaluator=fail)


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
    # Drawing the value is part of the block: what it writes to stderr is output too.
    with contextlib.redirect_stdout(printed):
        try:
            value = run_source(block.source, block.line, example.path, example.namespace)
        finally:
            example.namespace.pop("__builtins__", None)
        if display.displayable(value):
            svg = display.to_svg(value)
            if isinstance(example.document, Page):
                example.document.displays[example.region.end] = svg
        elif value is not None:
            print(repr(value))
    display.close_figures()
    failure = compare_output(block.expected, printed.getvalue())
    if failure and OUTPUT_UPDATES is not None and block.expected_span:
        lines = _normalise(printed.getvalue()).splitlines()
        OUTPUT_UPDATES.setdefault(example.path, []).append(
            (*block.expected_span, "".join(f"{block.expected_prefix}{line}".rstrip() + "\n" for line in lines))
        )
        return None
    return failure


class _StderrAsStdout(io.TextIOBase):
    """sys.stderr while a block runs: writes go to the current sys.stdout (the block's captured
    output, or a doctest's), so both streams are compared in the order they were written."""

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        return sys.stdout.write(text)

    def flush(self) -> None:
        sys.stdout.flush()


def _reader_warning_filters() -> None:
    """The warning filters of a plain `python` session, whatever the test runner set."""
    warnings.resetwarnings()
    warnings.filterwarnings("default", category=DeprecationWarning, module="__main__", append=True)
    for category in (DeprecationWarning, PendingDeprecationWarning, ImportWarning, ResourceWarning):
        warnings.filterwarnings("ignore", category=category, append=True)


@contextlib.contextmanager
def _ctrl_c() -> Iterator[list[bool]]:
    """Tell a real Ctrl-C (which must stop the run) from a KeyboardInterrupt a block raises."""
    pressed: list[bool] = []
    if threading.current_thread() is not threading.main_thread():
        pressed.append(True)  # signals reach only the main thread: treat any as the user's
        yield pressed
        return
    previous = signal.getsignal(signal.SIGINT)

    def on_sigint(signum, frame):
        pressed.append(True)
        if callable(previous):
            previous(signum, frame)
        elif previous != signal.SIG_IGN:
            raise KeyboardInterrupt

    signal.signal(signal.SIGINT, on_sigint)
    try:
        yield pressed
    finally:
        signal.signal(signal.SIGINT, previous)


def _guarded(evaluator: Any) -> Any:
    """Run `evaluator` as a reader's session would see it: stderr is output, a warning a
    reader would see fails the block, and so does any BaseException the block raises
    (`SystemExit`, `KeyboardInterrupt`, `GeneratorExit`), which would otherwise escape an
    `except Exception` and end the build or the test run with no word."""

    def evaluate(example: Example) -> str | None:
        __tracebackhide__ = True
        with warnings.catch_warnings(record=True) as caught, _ctrl_c() as pressed, \
                contextlib.redirect_stderr(_StderrAsStdout()):
            _reader_warning_filters()
            try:
                failure = evaluator(example)
            except Exception:
                raise
            except BaseException as error:
                if pressed and isinstance(error, KeyboardInterrupt):
                    raise
                return (f"the block raised {type(error).__name__}, which would end a reader's session "
                        f"there:\n{_describe(error)}")
        if failure or not caught:
            return failure
        seen = "\n".join(f"  {w.filename}:{w.lineno}: {w.category.__name__}: {w.message}" for w in caught)
        return (f"the block issued a warning a reader would see:\n{seen}\n"
                "Fix its cause. To show a warning on purpose, catch it "
                "(`with warnings.catch_warnings(record=True) as caught:`) and print it.")

    return evaluate


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
            return f"the block printed output (stdout or stderr) but the page shows none; add an `output` fence:\n{got}"
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
        except unittest.SkipTest as skip:
            if skips.none_allowed():
                yield example, f"the block would be skipped ({skip}), and no skip is allowed (MICROGRAD_BOOK_NO_SKIPS)"
                return
            page.skipped[example] = str(skip)
            yield example, None
            continue
        except Exception as error:  # report it with the page and line, then stop this page
            # (_guarded has turned a BaseException other than a real Ctrl-C into a failure)
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


def sybil_for(path: str | Path, patterns: Iterable[str] = ("*.md", "**/*.md")) -> SybilCollection:
    """What collects the Markdown pages under `path`: every block, then the page's census;
    each page with the collector's thresholds of sitekit.collector, as the build runs it."""
    from sitekit import census, collector

    where = {"path": str(Path(path).resolve()), "patterns": list(patterns), "document_types": {".md": Page}}
    def setup(namespace: dict) -> None:
        collector.start()

    def teardown(namespace: dict) -> None:
        display.close_figures()
        collector.end()

    return (Sybil(parsers=[parse], setup=setup, teardown=teardown, **where)
            + Sybil(parsers=[census.parse], name="census", **where))


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
