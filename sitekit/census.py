"""Count the Python blocks a page renders and check the grammar found every one.

A block the grammar does not recognise (a new fence spelling, an option that
changes how SuperFences reads it) still renders as Python on the site but is
never run. Comparing what the site's own Markdown renders with what the
grammar collects catches that, in the tests and in the build alike.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from sitekit.blocks import RENDERED_PYTHON, parse_text

_CODE_BLOCK = re.compile(r'<div class="language-([\w+-]+)[ "]')


def rendered_python_blocks(page_html: str) -> int:
    """How many highlighted code blocks in `page_html` are in a Python language."""
    return sum(1 for lang in _CODE_BLOCK.findall(page_html) if RENDERED_PYTHON.match(lang))


@dataclass
class Count:
    page: str
    rendered: int
    #: Python fences the grammar found: run, included from the package, or needing a package.
    collected: int
    included: int

    @property
    def ok(self) -> bool:
        return self.rendered == self.collected

    def __str__(self) -> str:
        return (f"{self.page}: {self.rendered} Python blocks rendered, {self.collected} collected "
                f"({self.included} included from the package)")


def mismatch_message(count: Count) -> str:
    return (f"{count}: {count.rendered - count.collected} block(s) would be shown but never run. "
            "Write them as ```python, ```py or ```pycon fences (see docs/contributing.md).")


def site_markdown(config_file: str | Path = "mkdocs.yml"):
    """A Markdown converter with exactly the site's extensions and their options."""
    import markdown
    from mkdocs.config import load_config

    config = load_config(str(config_file))
    return markdown.Markdown(extensions=config["markdown_extensions"], extension_configs=config["mdx_configs"])


def count_page(path: Path, converter, root: Path) -> Count:
    text = path.read_text(encoding="utf-8")
    page = parse_text(text, str(path))
    converter.reset()
    html = converter.convert(text)
    return Count(str(path.relative_to(root)), rendered_python_blocks(html), page.python_fences, page.included)


def census(docs_dir: str | Path = "docs", config_file: str | Path = "mkdocs.yml") -> list[Count]:
    """Count every Markdown page under `docs_dir`."""
    docs = Path(docs_dir)
    converter = site_markdown(config_file)
    return [count_page(path, converter, docs) for path in sorted(docs.rglob("*.md"))]
