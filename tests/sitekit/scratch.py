"""A scratch book for the tests of the grammar, the census and the build.

Its pages are run once by pytest and built once by mkdocs (fixtures in
conftest.py); each test then reads what one page did. `planted.md` holds a
fence in every spelling that renders as Python (from
`sitekit.languages.python_spellings()`, in lower, upper and title case), in
every place a fence can sit: every one must fail, either because the grammar
rejects its spelling or because it runs and its planted failure is caught.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass

from sitekit.blocks import DOCTEST, PYTHON
from sitekit.languages import python_spellings

FENCE = "```"

#: Where a fence can sit: the line(s) that open the container, and the indentation inside it.
CONTAINERS = {
    "at top level": ("", ""),
    "in a content tab": ('=== "A tab"\n\n', "    "),
    "in an admonition": ('!!! note "An admonition"\n\n', "    "),
    "in a collapsed block": ('??? example "A collapsed block"\n\n', "    "),
    "in a list": ("- A list item\n\n", "    "),
    "in a blockquote": ("", "> "),
}

#: The ways SuperFences takes a fence's language, besides ```lang.
FORMS = {
    "after a space": "``` {lang}",
    "after a dot": "```.{lang}",
    "as an attribute": "```{{ .{lang} }}",
    "between tildes": "~~~{lang}",
    "with a title": '```{lang} title="planted.py"',
}


@dataclass
class Planted:
    spelling: str
    where: str
    #: The line of the page where the fence opens.
    line: int

    @property
    def runs(self) -> bool:
        """Spelt the way the grammar runs: it then fails by its planted content."""
        return self.spelling in PYTHON + DOCTEST


def variants() -> list[str]:
    """Every spelling that renders as Python, in three cases."""
    found: dict[str, None] = {}
    for spelling in python_spellings():
        for variant in (spelling, spelling.upper(), spelling.title()):
            found.setdefault(variant)
    return list(found)


def _body(spelling: str, where: str) -> str:
    if spelling in DOCTEST:
        return f">>> 1 + 1  # planted: {where}\n3\n"
    return f'assert False, "planted: {where}"\n'


def planted_page(*, only_rejected: bool = False) -> tuple[str, list[Planted]]:
    """The page's Markdown, and every fence planted in it."""
    parts = ["# Planted fences\n\n"]
    planted: list[Planted] = []
    line = 3

    def add(opening: str, spelling: str, where: str, container: str = "", indent: str = "") -> None:
        nonlocal line
        if only_rejected and spelling in PYTHON + DOCTEST:
            return
        body = textwrap.indent(f"{opening}\n{_body(spelling, where)}{FENCE if opening[0] == '`' else '~~~'}\n",
                               indent)
        text = f"{container}{body}\n"
        planted.append(Planted(spelling, where, line + container.count("\n")))
        parts.append(text)
        line += text.count("\n")

    for spelling in variants():
        for where, (container, indent) in CONTAINERS.items():
            add(f"{FENCE}{spelling}", spelling, f"{spelling} {where}", container, indent)
        for form, pattern in FORMS.items():
            add(pattern.format(lang=spelling), spelling, f"{spelling} {form}")
    return "".join(parts), planted


# --- a scratch book: each page one way a page can go wrong (or right) --------

PAGES = {
    # Every spelling that renders as Python, everywhere: each fence must fail.
    "planted.md": planted_page()[0],
    "failing.md": f"""# A failing block

Some prose.

{FENCE}python
total = 1 + 1
assert total == 3, "arithmetic is broken"
{FENCE}
""",
    # One page per way out of a program: the build stops a page at its first failure.
    **{f"exit-{name}.md": f"""# Leaving with {name}

{FENCE}python
import sys
{code}
{FENCE}

{FENCE}python
after = True
{FENCE}
""" for name, code in {"systemexit": "raise SystemExit(0)", "sys-exit": "sys.exit()",
                       "keyboardinterrupt": "raise KeyboardInterrupt",
                       "generatorexit": "raise GeneratorExit"}.items()},
    "stderr-shown.md": f"""# Output on both streams, shown as a terminal shows it

{FENCE}python
import sys
print("to stdout")
print("to stderr", file=sys.stderr)
print("stdout again")
{FENCE}

{FENCE}output
to stdout
to stderr
stdout again
{FENCE}

{FENCE}pycon
>>> print("in a session", file=sys.stderr)
in a session
{FENCE}
""",
    "stderr-unshown.md": f"""# Output on stderr the page does not show

{FENCE}python
import sys
print("only on stderr", file=sys.stderr)
{FENCE}
""",
    "warning.md": f"""# A warning

{FENCE}python
import warnings
warnings.warn("the reader would see this")
{FENCE}
""",
    "library-warning.md": f"""# A warning from a library

{FENCE}python
import numpy as np
print(np.float64(1.0) / 0.0)
{FENCE}

{FENCE}output
inf
{FENCE}
""",
    # Runs in the tests, but SuperFences drops the fence (an unquoted option value): not shown.
    "census-dropped.md": f"""# A fence the site does not show

{FENCE}python flavour=plain
dropped = True
{FENCE}
""",
}
