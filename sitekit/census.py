"""Count the Python blocks a page renders and check the grammar found every one.

A block the grammar does not recognise (an option that changes how SuperFences
reads a fence, a fence SuperFences drops) can render as Python on the site and
never run, or run without being shown. Comparing what the site's own Markdown
renders with what the grammar collects catches that. The tests do it for each
page they collect (a `census` item beside the page's blocks, so a page tested
alone is checked too); the build does it on the HTML it publishes.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path

from sybil import Example, Region

from sitekit.blocks import parse_text
from sitekit.languages import renders_as_python

ROOT = Path(__file__).resolve().parents[1]
# SuperFences' language characters; pymdownx.highlight writes the class as the fence spells it.
_CODE_BLOCK = re.compile(r'<div class="language-([\w#.+-]+)[ "]')


def rendered_python_blocks(page_html: str) -> int:
    """How many highlighted code blocks in `page_html` are in a language that renders as Python."""
    return sum(1 for lang in _CODE_BLOCK.findall(page_html) if renders_as_python(lang))


@dataclass
class Count:
    page: str
    rendered: int
    #: Python fences the grammar found: run, included from the package, needing a package, or rejected.
    collected: int

    @property
    def ok(self) -> bool:
        return self.rendered == self.collected

    def __str__(self) -> str:
        return f"{self.page}: {self.rendered} Python blocks rendered, {self.collected} collected"


def mismatch_message(count: Count) -> str:
    if count.rendered > count.collected:
        return (f"{count}: {count.rendered - count.collected} block(s) would be shown but never run. "
                "Write them as ```python, ```py or ```pycon fences (see docs/contributing.md).")
    return (f"{count}: {count.collected - count.rendered} block(s) would run but not be shown as code: "
            "SuperFences drops a fence whose options it does not know (an unquoted value, say), "
            "and a fence inside an HTML comment is not shown.")


def site_markdown(config_file: str | Path = ROOT / "mkdocs.yml"):
    """A Markdown converter with exactly the site's extensions and their options."""
    import markdown
    from mkdocs.config import load_config

    config = load_config(str(config_file))
    options = dict(config["mdx_configs"])
    # The site is built from its config's folder, where the snippets' relative base paths point; the
    # extension makes them absolute from the current folder when it loads, and a converter made in
    # another folder (a pytester run's) must not look for the package's files there.
    snippets = options.get("pymdownx.snippets")
    if snippets and "base_path" in snippets:
        folder = Path(config_file).resolve().parent
        paths = snippets["base_path"]
        options["pymdownx.snippets"] = {**snippets, "base_path": [
            str(folder / path) for path in ([paths] if isinstance(paths, str) else paths)]}
    return markdown.Markdown(extensions=config["markdown_extensions"], extension_configs=options)


@functools.cache
def _site_markdown():
    return site_markdown()


def count_text(text: str, path: str, converter=None) -> Count:
    """The census of one page's Markdown."""
    converter = converter or _site_markdown()
    page = parse_text(text, path)
    converter.reset()
    return Count(path, rendered_python_blocks(converter.convert(text)), page.python_fences)


def parse(document) -> list[Region]:
    """The Sybil parser of the census: one item per page, at its top."""
    return [Region(0, 0, parsed=None, evaluator=_check)]


def _check(example: Example) -> str | None:
    count = count_text(example.document.text, example.path)
    return None if count.ok else mismatch_message(count)
