"""Turn the value a block ends with into SVG, the same bytes on every run.

A graph or a figure becomes SVG; recorded backward steps (`micrograd.steps`)
become a stepper, its one SVG inside controls (sitekit.stepper); any other value
that Jupyter would show as HTML (`_repr_html_`, say a `benchmarks.results.Table`
of recorded timings) becomes that HTML.
"""

from __future__ import annotations

import io
import re
from typing import Any

# Matplotlib names its SVG ids from this salt instead of a random one, and we
# drop the date, so the same figure always gives the same bytes.
SVG_HASH_SALT = "micrograd-book"

_PROLOGUE = re.compile(r"<\?xml[^>]*\?>|<!DOCTYPE[^>]*>|<!--.*?-->", re.DOTALL)


def is_graph(value: Any) -> bool:
    import graphviz

    return isinstance(value, (graphviz.Digraph, graphviz.Graph))


def is_figure(value: Any) -> bool:
    # Only look at matplotlib if the value could be one, so pages without plots never import it.
    if not type(value).__module__.startswith("matplotlib"):
        return False
    from matplotlib.figure import Figure

    return isinstance(value, Figure)


def is_stepper(value: Any) -> bool:
    # Only look at micrograd.steps if the value could be from it.
    if type(value).__module__ != "micrograd.steps":
        return False
    from sitekit import stepper

    return stepper.is_stepper(value)


def is_html(value: Any) -> bool:
    """A value Jupyter shows as HTML: it has a `_repr_html_` method (checked after graphs and
    figures, which may have one too)."""
    return callable(getattr(type(value), "_repr_html_", None))


def displayable(value: Any) -> bool:
    """True for the values the site shows: graphs, matplotlib figures, steppers, HTML."""
    return value is not None and (is_graph(value) or is_figure(value) or is_stepper(value) or is_html(value))


def to_svg(value: Any) -> str:
    """Render a graph or figure as inline SVG (no XML prologue, no comments), a stepper or an
    HTML value as its HTML."""
    if is_stepper(value):
        from sitekit import stepper

        return stepper.render(value)
    if is_graph(value):
        svg = value.pipe(format="svg", encoding="utf-8")
    elif is_figure(value):
        import matplotlib

        buffer = io.StringIO()
        with matplotlib.rc_context({"svg.hashsalt": SVG_HASH_SALT, "svg.fonttype": "path"}):
            value.savefig(buffer, format="svg", metadata={"Date": None}, bbox_inches="tight")
        svg = buffer.getvalue()
    elif is_html(value):
        svg = value._repr_html_()
    else:
        raise TypeError(f"cannot display {type(value).__name__}: only graphs, figures, steppers and HTML")
    # Blank lines would end an HTML block inside Markdown, so drop them too.
    return "\n".join(line for line in _PROLOGUE.sub("", svg).splitlines() if line.strip())


def close_figures() -> None:
    """Forget pyplot's open figures, so pages don't pile them up."""
    import sys

    if "matplotlib.pyplot" in sys.modules:
        sys.modules["matplotlib.pyplot"].close("all")
