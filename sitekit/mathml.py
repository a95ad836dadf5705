"""LaTeX to MathML at build time, so math renders with no script and no request.

pymdownx.arithmatex (generic mode) finds the math in the Markdown and leaves it
as `<span class="arithmatex">\\(...\\)</span>` and `<div class="arithmatex">\\[...\\]</div>`;
`render_math` swaps each for MathML Core from math-core, which browsers draw natively.

A notebook's Markdown cells are rendered by nbconvert (through mkdocs-jupyter), which
leaves their math between dollars, as Jupyter writes it, for MathJax to find in the
browser; `render_notebook_math` typesets that math the same way.
"""

from __future__ import annotations

import html
import re

import math_core

_INLINE = re.compile(r'<span class="arithmatex">\\\((.*?)\\\)</span>', re.DOTALL)
_BLOCK = re.compile(r'<div class="arithmatex">\\\[(.*?)\\\]</div>', re.DOTALL)
# The TeX rides along as an annotation, so copying an equation gives its source.
_CONVERTER = math_core.LatexToMathML(annotation=True, fancy_error=False)
#: A notebook's Markdown cell as nbconvert renders it, and in it math between dollars ($$display$$
#: or $inline$) and code. nbconvert has already made an escaped dollar (\$) a bare one, so, as for
#: MathJax reading nbconvert's HTML, two dollars in a cell outside code delimit math.
_NOTEBOOK_MARKDOWN = re.compile(r'(<div class="jp-RenderedHTMLCommon jp-RenderedMarkdown[^"]*"[^>]*>)(.*?)(</div>)',
                                re.DOTALL)
_DOLLARS = re.compile(r"\$\$(.+?)\$\$|\$(.+?)\$", re.DOTALL)
_CODE = re.compile(r"<(pre|code)\b.*?</\1>", re.DOTALL)


class MathError(ValueError):
    """An equation math-core cannot read."""


def to_mathml(tex: str, *, display: bool) -> str:
    try:
        mathml = _CONVERTER.convert_with_local_state(tex, displaystyle=display)
    except math_core.LatexError as error:
        raise MathError(f"cannot typeset ${tex}$: {error}") from None
    if display:
        mathml = mathml.replace("<math>", '<math display="block">', 1)
    return mathml


def _typeset(escaped_tex: str, *, display: bool) -> str:
    """MathML for TeX as it stands in a page's HTML (escaped, perhaps padded with spaces)."""
    return to_mathml(html.unescape(escaped_tex).strip(), display=display)


def render_math(page_html: str) -> str:
    """Replace every arithmatex placeholder in `page_html` with MathML."""
    page_html = _BLOCK.sub(lambda m: f'<div class="arithmatex">{_typeset(m[1], display=True)}</div>', page_html)
    return _INLINE.sub(lambda m: f'<span class="arithmatex">{_typeset(m[1], display=False)}</span>', page_html)


def render_notebook_math(page_html: str) -> str:
    """Replace the math between dollars in every Markdown cell of a notebook page with MathML,
    as arithmatex's is on the other pages; code in a cell is left as it is."""

    def typeset(match: re.Match) -> str:
        display = match[1] is not None
        return f'<span class="arithmatex">{_typeset(match[1] if display else match[2], display=display)}</span>'

    def cell(match: re.Match) -> str:
        body, pieces, start = match[2], [], 0
        for code in _CODE.finditer(body):
            pieces += [_DOLLARS.sub(typeset, body[start:code.start()]), code[0]]
            start = code.end()
        pieces.append(_DOLLARS.sub(typeset, body[start:]))
        return match[1] + "".join(pieces) + match[3]

    return _NOTEBOOK_MARKDOWN.sub(cell, page_html)
