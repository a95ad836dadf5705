"""The API reference: one page per module of the package, made at build time from what it exports.

- The public modules are `micrograd` and every `micrograd/<name>.py` whose name has no leading
  underscore; a module that lands later gets its page with no edit here or in `mkdocs.yml`.
- A module's public names are its `__all__`, or, without one, the classes and functions it
  defines whose names have no leading underscore. Each page is a mkdocstrings `:::` directive
  listing exactly those names, so the reference shows what the package exports, nothing else.
- The docstring examples (`>>>` lines) are tests, run with the doctest grammar of the pages
  (`docstring_sybil`), and the census counts them: the build checks that a reference page shows
  as many example blocks as the docstrings it documents hold.
"""

from __future__ import annotations

import importlib
import inspect
import re
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

from sybil import Document, Region, Sybil
from sybil.document import PythonDocStringDocument
from sybil.evaluators.doctest import DocTestEvaluator
from sybil.parsers.abstract.doctest import DocTestStringParser

PACKAGE = "micrograd"
ROOT = Path(__file__).resolve().parents[1]
SECTION = "reference"
#: mkdocstrings template overrides (set by sitekit.hook).
TEMPLATES = ROOT / "sitekit" / "reference_templates"
#: A mkdocstrings directive at the start of a line: `::: micrograd.engine`.
DIRECTIVE = re.compile(r"^::: *([\w.]+)", re.MULTILINE)
#: A fenced block, where a directive is text (mkdocstrings leaves it alone there, too).
_FENCE = re.compile(r"^([ \t]*)(`{3,}|~{3,}).*?^\1\2[ \t]*$", re.MULTILINE | re.DOTALL)


# --- what the package exports ------------------------------------------------------------

def modules() -> list[str]:
    """The public modules, the package itself first."""
    names = sorted(p.stem for p in (ROOT / PACKAGE).glob("*.py") if not p.stem.startswith("_"))
    return [PACKAGE, *(f"{PACKAGE}.{name}" for name in names)]


def public_names(module: ModuleType) -> list[str]:
    """`__all__`, or the classes and functions the module defines without a leading underscore."""
    if hasattr(module, "__all__"):
        return list(module.__all__)
    return [name for name, obj in vars(module).items()
            if not name.startswith("_") and (inspect.isclass(obj) or inspect.isfunction(obj))
            and getattr(obj, "__module__", None) == module.__name__]


def _own_members(cls: type) -> Iterator[tuple[str, object]]:
    """The public methods and properties a class defines itself (inherited ones are on their own page)."""
    for name, member in vars(cls).items():
        if not name.startswith("_") and (inspect.isfunction(member) or isinstance(member, property)):
            yield name, member


def documented(module_name: str) -> list[tuple[str, object]]:
    """What the reference page of `module_name` shows: (dotted path, object), the module first.

    The package's page shows its docstring only; its names are documented where they are
    defined, so every object has one page and one address.
    """
    module = importlib.import_module(module_name)
    found: list[tuple[str, object]] = [(module_name, module)]
    if module_name == PACKAGE:
        return found
    for name in public_names(module):
        obj = getattr(module, name)
        found.append((f"{module_name}.{name}", obj))
        if inspect.isclass(obj):
            found += [(f"{module_name}.{name}.{member}", value) for member, value in _own_members(obj)]
    return found


def docstring(obj: object) -> str | None:
    """The object's own docstring (not one inherited from a base class, as `inspect.getdoc` gives)."""
    doc = obj.fget.__doc__ if isinstance(obj, property) else getattr(obj, "__doc__", None)
    if inspect.isclass(obj) and doc is None and "__init__" in vars(obj):
        doc = obj.__init__.__doc__
    return inspect.cleandoc(doc) if isinstance(doc, str) and doc.strip() else None


# --- the pages ---------------------------------------------------------------------------

def page_uri(module_name: str) -> str:
    return f"{SECTION}/index.md" if module_name == PACKAGE else f"{SECTION}/{module_name.split('.')[-1]}.md"


def page_markdown(module_name: str) -> str:
    """A reference page: the mkdocstrings directive for the module and exactly its public names."""
    if module_name == PACKAGE:
        module = importlib.import_module(PACKAGE)
        rows = "\n".join(f"| [`{name}`][{_home(module, name)}] | {_summary(getattr(module, name))} |"
                         for name in public_names(module))
        return (f"# API reference\n\n"
                f"The `{PACKAGE}` package, generated from its docstrings and signatures at build time. "
                f"`from {PACKAGE} import *` gives these names:\n\n"
                f"| Name | What it is |\n| --- | --- |\n{rows}\n\n"
                f"Each module has a page of its own in this section.\n\n"
                f"::: {PACKAGE}\n    options:\n      members: false\n      show_root_heading: false\n")
    members = public_names(importlib.import_module(module_name))
    return (f"# `{module_name}`\n\n::: {module_name}\n    options:\n      show_root_heading: false\n"
            f"      members: [{', '.join(members)}]\n")


def _home(package: ModuleType, name: str) -> str:
    """The module page that documents a re-exported name: the module that has it among its public names.

    Not `obj.__module__`, which a module may set to where users import the name from.
    """
    obj = getattr(package, name)
    for module_name in modules()[1:]:
        module = importlib.import_module(module_name)
        if getattr(module, name, None) is obj and name in public_names(module):
            return f"{module_name}.{name}"
    raise LookupError(f"{package.__name__}.{name} is exported but no module of the package makes it public")


def _summary(obj: object) -> str:
    doc = docstring(obj) or ""
    return doc.split("\n\n")[0].replace("\n", " ").replace("|", "\\|")


def _section(config) -> dict | None:
    """The nav's "Reference" section; a site without one (a scratch site in the tests) has no reference."""
    for item in config["nav"] or []:
        if isinstance(item, dict) and "Reference" in item:
            return item
    return None


def configure(config) -> None:
    """Called by sitekit.hook before mkdocstrings reads its configuration.

    Fills the nav's "Reference" section with a page per module, and points mkdocstrings at
    our one template override (a class's source listing shows the whole class, not only
    `__init__`); set here because a relative path in mkdocs.yml would break for sites that
    inherit it from elsewhere.
    """
    section = _section(config)
    if section is not None:
        section["Reference"] = [page_uri(name) for name in modules()]
    mkdocstrings = config["plugins"].get("mkdocstrings")
    if mkdocstrings is not None:
        mkdocstrings.config["custom_templates"] = str(TEMPLATES)


def pages(config) -> list:
    """The reference pages, generated (no file in docs/), if the nav has a Reference section."""
    from mkdocs.structure.files import File

    if _section(config) is None:
        return []
    return [File.generated(config, page_uri(name), content=page_markdown(name)) for name in modules()]


# --- the docstring examples --------------------------------------------------------------

def example_sessions(text: str) -> int:
    """How many code blocks the `>>>` lines of a docstring make: a session runs to a blank line.

    That is where doctest ends an example's output, and where mkdocstrings' Google-style
    parser ends the code block of an `Examples:` section.
    """
    sessions, inside = 0, False
    for line in text.splitlines():
        stripped = line.strip()
        if stripped.startswith(">>>") and not inside:
            sessions, inside = sessions + 1, True
        elif not stripped:
            inside = False
    return sessions


def examples_documented_on(markdown: str) -> int:
    """The docstring example sessions of every module a page documents with `:::`."""
    return sum(example_sessions(docstring(obj) or "")
               for module_name in DIRECTIVE.findall(_FENCE.sub("", markdown))
               for _, obj in documented(module_name))


#: mkdocstrings' listing of an object's source, and a signature shown apart from its heading.
_LISTING = re.compile(r'<details class="mkdocstrings-source">.*?</details>', re.DOTALL)
_SIGNATURE = re.compile(r'<div class="language-python doc-signature highlight">')


def listings(html: str) -> int:
    """How many Python blocks of a page are package source or signatures shown by mkdocstrings."""
    return len(_LISTING.findall(html)) + len(_SIGNATURE.findall(html))


def mismatch_message(count, docstring_examples: int) -> str:
    """The census's message, or, where docstring examples go missing, what is wrong with them."""
    from sitekit import census

    if docstring_examples and count.rendered < count.collected:
        return (f"{count}: {count.collected - count.rendered} docstring example(s) would render as prose, not "
                "code. Put the `>>>` lines under an `Examples:` section of the docstring (Google style).")
    return census.mismatch_message(count)


class _Docstrings(PythonDocStringDocument):
    """The docstrings of one module, run in a fresh namespace: an example imports what it uses,
    as a reader pasting it into Python must (Sybil's default would import the module first)."""

    def __init__(self, text: str, path: str) -> None:
        super().__init__(text, path)
        self.pop_evaluator(self.import_document)
        self.namespace["__name__"] = "__main__"


def _doctests(document: Document) -> Iterator[Region]:
    # The same parser and evaluator as a page's ```pycon fence (sitekit.blocks._doctest_regions).
    return DocTestStringParser(DocTestEvaluator())(document.text, document.path)


def docstring_sybil(path: str | Path = ROOT / PACKAGE) -> Sybil:
    """The Sybil that runs every `>>>` example in the package's docstrings."""
    return Sybil(parsers=[_doctests], path=str(Path(path).resolve()), patterns=["*.py"],
                 document_types={".py": _Docstrings})
