"""What a rebuild of `mkdocs serve` need not do again: three steps of the build remembered by
their whole input, in the serve process, across its rebuilds.

`mkdocs serve` rebuilds every page after any edit, and most of a rebuild after a prose edit
went on work whose input had not changed:

- Pygments highlighting the same code blocks with the same options (a third of rendering
  the Markdown);
- Material's search plugin parsing the same page HTML to index it (over a quarter of the
  rebuild);
- Jinja compiling the theme's templates again (mkdocs makes a new Jinja environment for every
  build).

Each is a pure function of what it is given, so each answer is kept under a key made of
all of it:

- highlighting: the code, and the lexer's and the formatter's class, options and plain
  attributes (pymdownx.highlight makes a fresh formatter per block from the block's
  attributes: line numbers, highlighted lines, anchors, title);
- the search plugin's sections of a page: the page's HTML, the only thing its parser reads;
- a compiled template: its name, file and source (Jinja's own bytecode-cache key and
  checksum) and every setting of the environment its compiler reads, its filters and tests
  by identity included (`_compiler_settings`).

A changed input is a new key, so an edit is always highlighted and indexed afresh; what
comes out is the same text either way (tests/sitekit/test_rebuild.py builds a site, edits
it and rebuilds it in one process, and compares every file with a clean build's). A single
`mkdocs build` computes everything once, as before. Nothing is written to disk.
"""

from __future__ import annotations

import copy
import hashlib
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

#: How many answers each memo keeps, the least recently used dropped first: a build of the book
#: highlights about 700 blocks (2.5 million characters of HTML) on 31 pages and loads 66 templates.
HIGHLIGHTS_KEPT = 4_000
PAGES_KEPT = 100
TEMPLATES_KEPT = 500


class Memo:
    """The last `size` answers, by key; counts hits and misses (the tests read them)."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.answers: OrderedDict[str, Any] = OrderedDict()
        self.hits = self.misses = 0

    def get(self, key: str, compute: Callable[[], Any]) -> Any:
        answer = self.lookup(key)
        if answer is None:
            answer = compute()
            self.put(key, answer)
        return answer

    def lookup(self, key: str) -> Any:
        """The answer kept for `key`, or None."""
        if key not in self.answers:
            self.misses += 1
            return None
        self.hits += 1
        self.answers.move_to_end(key)
        return self.answers[key]

    def put(self, key: str, answer: Any) -> None:
        self.answers[key] = answer
        if len(self.answers) > self.size:
            self.answers.popitem(last=False)


highlights = Memo(HIGHLIGHTS_KEPT)
sections = Memo(PAGES_KEPT)
templates = Memo(TEMPLATES_KEPT)


def digest(*parts: object) -> str:
    """A key small enough to keep: pages and code blocks are long, and so would the keys be."""
    return hashlib.sha256(repr(parts).encode()).hexdigest()


def _settings(thing) -> str:
    """A lexer's or formatter's class, options and every plain attribute: a subclass may keep a
    setting outside `options` (pymdownx's formatter turns `linenos="pymdownx-inline"` into
    `"inline"` there and remembers the difference in an attribute of its own)."""
    plain = (str, int, float, bool, type(None))
    attributes = sorted((name, value) for name, value in vars(thing).items() if isinstance(value, plain))
    return repr([type(thing), sorted(thing.options.items()), attributes])


def remembered_highlight(highlight: Callable[[str, Any, Any], str]) -> Callable[[str, Any, Any], str]:
    """`pygments.highlight`, answering again from memory for the same code, lexer and formatter."""

    def remembering(code: str, lexer, formatter, outfile=None):
        if outfile is not None or lexer.filters:  # writes elsewhere; filters are objects, not options
            return highlight(code, lexer, formatter, outfile)
        key = digest(code, _settings(lexer), _settings(formatter))
        return highlights.get(key, lambda: highlight(code, lexer, formatter))

    remembering.original = highlight
    return remembering


def remembered_parser(parser_class: type) -> type:
    """Material's search `Parser`, whose `data` (the page's sections) is answered from memory
    for the same HTML. Each caller gets its own copies: the plugin fills in a section's title."""

    class RememberedParser:
        original = parser_class

        def __init__(self) -> None:
            self._html: list[str] = []
            self.data: list = []

        def feed(self, html: str) -> None:
            self._html.append(html)

        def close(self) -> None:
            html = "".join(self._html)
            # The plugin gives an untitled section the page's title by assigning `section.title`:
            # a copy of each section will do (tests/sitekit/test_rebuild.py checks two titles).
            self.data = [copy.copy(section) for section in sections.get(digest(html), lambda: _parse(html))]

    def _parse(html: str) -> list:
        parser = parser_class()
        parser.feed(html)
        parser.close()
        return parser.data

    return RememberedParser


def _compiler_settings(environment) -> tuple[str, list]:
    """What Jinja's compiler reads from `environment` besides the template: its syntax, its
    extensions and code generator, its options and policies, and its filters and tests, which
    it may call while compiling (on constants: `{{ 'x' | upper }}` is compiled as "X") and whose
    wish for a context or environment it compiles in. Filters and tests are told apart by
    identity, so the second part of the answer holds them: while an answer is kept, no other
    object can take one of their ids."""
    syntax = ["block_start_string", "block_end_string", "variable_start_string", "variable_end_string",
              "comment_start_string", "comment_end_string", "line_statement_prefix", "line_comment_prefix",
              "trim_blocks", "lstrip_blocks", "newline_sequence", "keep_trailing_newline"]
    options = ["optimized", "autoescape", "finalize", "is_async", "newstyle_gettext", "code_generator_class",
               "policies", "intercepted_binops", "intercepted_unops"]
    functions = [function for kind in ("filters", "tests") for function in getattr(environment, kind).values()]
    calls = {kind: sorted((name, id(function), repr(getattr(function, "jinja_pass_arg", None)))
                          for name, function in getattr(environment, kind).items())
             for kind in ("filters", "tests")}
    return repr([type(environment), sorted(environment.extensions), calls,
                 [(name, repr(getattr(environment, name, None))) for name in syntax + options]]), functions


def remember_templates(environment) -> None:
    """Have `environment` keep its compiled templates in memory across rebuilds (see the module
    docstring). For the theme's environment: its filters are functions of modules, the same
    objects in every build (mkdocstrings makes its filters anew for every build, from the
    configuration, so its templates would never be found again)."""
    environment.bytecode_cache = _template_bytecode()


def _template_bytecode():
    import jinja2

    class Remembered(jinja2.BytecodeCache):
        # Jinja asks to load a template's bucket, and on a miss compiles and asks to keep the same
        # bucket: its key is worked out once, on loading, and travels with it.
        def load_bytecode(self, bucket) -> None:
            settings, bucket.functions = _compiler_settings(bucket.environment)
            bucket.remembered_as = digest(settings, bucket.key, bucket.checksum)
            kept = templates.lookup(bucket.remembered_as)
            if kept is not None:
                bucket.bytecode_from_string(kept[0])

        def dump_bytecode(self, bucket) -> None:
            templates.put(bucket.remembered_as, (bucket.bytecode_to_string(), bucket.functions))

    return Remembered()


def install() -> None:
    """Put the memos in place (once per process; mkdocs loads the configuration for every rebuild)."""
    import pymdownx.highlight
    from material.plugins.search import plugin as search

    if not hasattr(pymdownx.highlight.highlight, "original"):
        pymdownx.highlight.highlight = remembered_highlight(pymdownx.highlight.highlight)
    if not hasattr(search.Parser, "original"):
        search.Parser = remembered_parser(search.Parser)
