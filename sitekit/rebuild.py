"""What a rebuild of `mkdocs serve` need not do again: three steps of the build remembered by
their whole input, in the serve process, across its rebuilds.

`mkdocs serve` rebuilds every page after any edit, and most of a rebuild after a prose edit
went on work whose input had not changed:

- Pygments highlighting the same code blocks with the same options (a third of rendering
  the Markdown);
- Material's search plugin parsing the same page HTML to index it (over a quarter of the
  rebuild);
- Jinja compiling the same templates, the theme's and mkdocstrings' (mkdocs and mkdocstrings
  make a new Jinja environment for every build).

Each is a pure function of what it is given, so each answer is kept under a key made of
all of it:

- highlighting: the code, the lexer's class and options, the formatter's class and options
  (pymdownx.highlight makes a fresh formatter per block from the block's attributes: line
  numbers, highlighted lines, anchors, title);
- the search plugin's sections of a page: the page's HTML, the only thing its parser reads;
- a compiled template: its name, file and source (Jinja's own bytecode-cache key and
  checksum) and every setting of the environment its compiler reads (`_compiler_settings`).

A changed input is a new key, so an edit is always highlighted and indexed afresh; what
comes out is the same text either way (tests/sitekit/test_rebuild.py builds a site, edits
it and rebuilds it in one process, and compares every file with a clean build's). A single
`mkdocs build` computes everything once, as before. Nothing is written to disk.
"""

from __future__ import annotations

import copy
import hashlib
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any

#: How many answers each memo keeps (a build of the book highlights about 700 blocks, of 31 pages).
HIGHLIGHTS_KEPT = 20_000
PAGES_KEPT = 500
TEMPLATES_KEPT = 500


class Memo:
    """The last `size` answers, by key; counts hits and misses (the tests read them)."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.answers: OrderedDict[Hashable, Any] = OrderedDict()
        self.hits = self.misses = 0

    def get(self, key: Hashable, compute: Callable[[], Any]) -> Any:
        answer = self.lookup(key)
        if answer is None:
            answer = compute()
            self.put(key, answer)
        return answer

    def lookup(self, key: Hashable) -> Any:
        """The answer kept for `key`, or None."""
        if key not in self.answers:
            self.misses += 1
            return None
        self.hits += 1
        self.answers.move_to_end(key)
        return self.answers[key]

    def put(self, key: Hashable, answer: Any) -> None:
        self.answers[key] = answer
        if len(self.answers) > self.size:
            self.answers.popitem(last=False)


highlights = Memo(HIGHLIGHTS_KEPT)
sections = Memo(PAGES_KEPT)
templates = Memo(TEMPLATES_KEPT)


def _options(options: dict) -> str:
    return repr(sorted(options.items()))


def remembered_highlight(highlight: Callable[[str, Any, Any], str]) -> Callable[[str, Any, Any], str]:
    """`pygments.highlight`, answering again from memory for the same code, lexer and formatter."""

    def remembering(code: str, lexer, formatter, outfile=None):
        if outfile is not None or lexer.filters:  # writes elsewhere; filters are objects, not options
            return highlight(code, lexer, formatter, outfile)
        key = (code, type(lexer), _options(lexer.options), type(formatter), _options(formatter.options))
        return highlights.get(key, lambda: highlight(code, lexer, formatter))

    remembering.original = highlight
    return remembering


def remembered_parser(parser_class: type) -> type:
    """Material's search `Parser`, whose `data` (the page's sections) is answered from memory
    for the same HTML. Each caller gets its own copy: the plugin fills in a section's title."""

    class RememberedParser:
        original = parser_class

        def __init__(self) -> None:
            self._html: list[str] = []
            self.data: list = []

        def feed(self, html: str) -> None:
            self._html.append(html)

        def close(self) -> None:
            self.data = copy.deepcopy(sections.get("".join(self._html), self._parse))

        def _parse(self) -> list:
            parser = parser_class()
            parser.feed("".join(self._html))
            parser.close()
            return parser.data

    return RememberedParser


def _compiler_settings(environment) -> str:
    """What Jinja's compiler reads from `environment` besides the template: its syntax, its
    extensions and code generator, its options, and how each filter and test is called (the
    generated code passes a context or environment to those that ask for one)."""
    syntax = ["block_start_string", "block_end_string", "variable_start_string", "variable_end_string",
              "comment_start_string", "comment_end_string", "line_statement_prefix", "line_comment_prefix",
              "trim_blocks", "lstrip_blocks", "newline_sequence", "keep_trailing_newline"]
    options = ["optimized", "autoescape", "finalize", "is_async", "newstyle_gettext", "code_generator_class"]
    calls = {kind: sorted((name, repr(getattr(function, "jinja_pass_arg", None)))
                          for name, function in getattr(environment, kind).items())
             for kind in ("filters", "tests")}
    return repr([type(environment), sorted(environment.extensions), calls,
                 [(name, repr(getattr(environment, name, None))) for name in syntax + options]])


def template_bytecode():
    """A Jinja bytecode cache that keeps compiled templates in memory (see the module docstring)."""
    import jinja2

    class Remembered(jinja2.BytecodeCache):
        def load_bytecode(self, bucket) -> None:
            code = templates.lookup(self._key(bucket))
            if code is not None:
                bucket.bytecode_from_string(code)

        def dump_bytecode(self, bucket) -> None:
            templates.put(self._key(bucket), bucket.bytecode_to_string())

        @staticmethod
        def _key(bucket) -> str:
            settings = hashlib.sha256(_compiler_settings(bucket.environment).encode()).hexdigest()
            return f"{settings}-{bucket.key}-{bucket.checksum}"

    return Remembered()


def install() -> None:
    """Put the memos in place (once per process; mkdocs loads the configuration for every rebuild)."""
    import pymdownx.highlight
    from material.plugins.search import plugin as search

    if not hasattr(pymdownx.highlight.highlight, "original"):
        pymdownx.highlight.highlight = remembered_highlight(pymdownx.highlight.highlight)
    if not hasattr(search.Parser, "original"):
        search.Parser = remembered_parser(search.Parser)
