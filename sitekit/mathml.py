"""LaTeX to MathML at build time, so math renders with no script and no request.

pymdownx.arithmatex (generic mode) finds the math in the Markdown and leaves it
as `<span class="arithmatex">\\(...\\)</span>` and `<div class="arithmatex">\\[...\\]</div>`;
`render_math` swaps each for MathML Core from math-core, which browsers draw natively.
"""

from __future__ import annotations

import html
import re

import math_core

_INLINE = re.compile(r'<span class="arithmatex">\\\((.*?)\\\)</span>', re.DOTALL)
_BLOCK = re.compile(r'<div class="arithmatex">\\\[(.*?)\\\]</div>', re.DOTALL)
# The TeX rides along as an annotation, so copying an equation gives its source.
_CONVERTER = math_core.LatexToMathML(annotation=True, fancy_error=False)


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


def render_math(page_html: str) -> str:
    """Replace every arithmatex placeholder in `page_html` with MathML."""
    page_html = _BLOCK.sub(
        lambda m: f'<div class="arithmatex">{to_mathml(html.unescape(m[1]).strip(), display=True)}</div>', page_html
    )
    return _INLINE.sub(
        lambda m: f'<span class="arithmatex">{to_mathml(html.unescape(m[1]).strip(), display=False)}</span>',
        page_html,
    )
