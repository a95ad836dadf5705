"""The stepper: a recorded backward pass (`micrograd.steps.Steps`) as a figure the reader steps through.

A page makes one by ending a block with `backward_steps(L)` (or a `watch_grads`
recorder's `.stop()`). Under the block, the build puts:

- one SVG, drawn by `draw_dot` with the final gradients (what a reader without
  JavaScript sees), slimmed of what the browser does not need;
- every step as an ordered list of text, also for readers without JavaScript;
- as JSON, in the root's `data-steps`: the gradients before the first step,
  and per step the node whose rule ran, the nodes it wrote and the gradients
  that changed; how each node's final gradient is assembled; and the
  gradients the page's own `backward()` gives (the package engine's, for
  steps recorded by hand), which the last step must equal, here at build
  time and in the browser test.

docs/assets/stepper.js turns it into the stepper: buttons, keys, play, zoom.
"""

from __future__ import annotations

import html
import json
import math
import re

from sitekit import display

# micrograd is imported when needed, never bound here: `mkdocs serve` drops the package from
# sys.modules when it is edited (sitekit.hook), and pages then record with the new one.


class StepperError(ValueError):
    """A stepper that cannot be shown as recorded: its last step disagrees with backward(), say."""


def is_stepper(value: object) -> bool:
    """Recorded steps, from this or an earlier import of micrograd.steps."""
    return any(f"{cls.__module__}.{cls.__qualname__}" == "micrograd.steps.Steps" for cls in type(value).__mro__)


def grad_text(x: float) -> str:
    """A gradient as draw_dot writes it after "grad ": 4 decimals, never "-0.0000"."""
    text = f"{x:.4f}"
    return "0.0000" if text == "-0.0000" else text


def render(steps) -> str:
    """The stepper's HTML (for a `micrograd.steps.Steps`): the same bytes for the same steps."""
    from micrograd.graph import draw_dot, trace

    expected = reference_grads(steps)
    for node, got, want in zip(steps.nodes, steps.final, expected):
        if not math.isclose(got, want, rel_tol=1e-9, abs_tol=1e-9):
            raise StepperError(f"the last step of {steps.title} leaves {steps.name(node)}.grad = {got!r}, "
                               f"but backward() gives {want!r}")
    with steps.at():  # drawn with the final gradients, as a reader without JavaScript sees it
        svg = display.to_svg(draw_dot(steps.root, steps.rankdir))
        drawn = trace(steps.root)[0]  # draw_dot names its nodes n0, n1, ... in this order
    position = {id(node): i for i, node in enumerate(drawn)}
    if sorted(position) != sorted(id(node) for node in steps.nodes):
        raise StepperError("the drawing and the recording hold different nodes")
    svg = compact_svg(svg, len(drawn))
    for i, shown in re.findall(r'<g class="node" data-n="(\d+)">.*?>grad ([^<]*)</text>', svg):
        if shown != grad_text(steps.grad(drawn[int(i)])):
            raise StepperError(f"draw_dot shows grad {shown} where the stepper has {steps.grad(drawn[int(i)])!r}")

    def in_drawing(values: list) -> list:
        """Values listed in the recording's node order, put in the drawing's."""
        ordered = [None] * len(drawn)
        for node, value in zip(steps.nodes, values):
            ordered[position[id(node)]] = value
        return ordered

    frames, previous = [], steps.start
    for step in steps:
        changed = [[position[id(node)], grad_text(g)]
                   for node, g, old in zip(steps.nodes, step.grads, previous) if g != old]
        ran = -1 if step.node is None else position[id(step.node)]
        frames.append([ran, sorted(position[id(node)] for node in step.wrote), sorted(changed)])
        previous = step.grads
    data = {
        "before": steps.before,
        "start": in_drawing([grad_text(g) for g in steps.start]),
        "steps": frames,
        "why": in_drawing([steps.explain(node) for node in steps.nodes]),
        "expected": in_drawing([grad_text(g) for g in expected]),
    }
    # In an attribute, not a <script type="application/json">: Material's instant navigation re-runs
    # a new page's scripts as JavaScript, whatever their type.
    payload = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    payload = html.escape(payload, quote=False).replace("'", "&#39;")
    title = html.escape(steps.title)
    items = "".join(f"<li>{html.escape(step.text, quote=False)}</li>" for step in steps)
    buttons = "".join(
        f'<button type="button" class="md-button" data-go="{go}" aria-label="{name}">{text}</button>'
        for go, name, text in [("first", "First step", "« First"), ("prev", "Previous step", "‹ Previous"),
                               ("next", "Next step", "Next ›"), ("last", "Last step", "Last »")])
    return (
        f'<div class="mg-stepper" data-stepper tabindex="0" role="group" aria-label="Step through {title}" '
        f"data-steps='{payload}'>"
        f'<div class="mg-stepper__bar" hidden>{buttons}'
        f'<button type="button" class="md-button" data-go="play" aria-label="Play" aria-pressed="false">'
        f'<span aria-hidden="true">▶</span> Play</button>'
        f'<button type="button" class="md-button" data-go="zoom" aria-label="Zoom" aria-pressed="false" hidden>'
        f"Zoom</button></div>"
        f'<p class="mg-stepper__now" aria-live="polite" hidden></p>'
        f'<div class="mg-stepper__graph">{svg}</div>'
        f'<p class="mg-stepper__legend" hidden><span class="mg-stepper__ran">solid blue outline</span>: the node '
        f'whose rule ran; <span class="mg-stepper__wrote">dashed orange outline, bold gradient</span>: the '
        f"gradients it wrote. Click a node (or Tab to the graph, then ↑ ↓) to see how its gradient is assembled; "
        f"← → step, Home and End jump.</p>"
        f'<p class="mg-stepper__why" aria-live="polite" hidden></p>'
        f'<details class="mg-stepper__list" open><summary>The {len(steps)} steps of {title}, in order</summary>'
        f"<p>{html.escape(steps.before)}</p><ol>{items}</ol></details>"
        f"</div>"
    )


def reference_grads(steps) -> list[float]:
    """What the last step must equal: the gradients the page's own `backward()` gives from zero
    gradients (operands visited in the recording's order); for steps recorded by hand or in a
    chosen order, those of the package engine's `backward()` on the same graph. The graph's
    gradients are left as they were."""
    if steps.what != "backward()":
        copies = package_copy(steps)
        copies[id(steps.root)].backward()
        return [copies[id(node)].grad for node in steps.nodes]
    # from the module that recorded the steps, which sys.modules may no longer hold
    in_fixed_order = type(steps).__init__.__globals__["_in_fixed_order"]
    saved = [node.grad for node in steps.nodes]
    try:
        for node in steps.nodes:
            node.grad = 0.0
        with in_fixed_order(steps.root):
            steps.root.backward()
        return [node.grad for node in steps.nodes]
    finally:
        for node, g in zip(steps.nodes, saved):
            node.grad = g


_OPERATIONS = {
    "+": lambda a, b: a + b,
    "*": lambda a, b: a * b,
    "-": lambda a, b: a - b,
    "tanh": lambda a: a.tanh(),
    "exp": lambda a: a.exp(),
    "log": lambda a: a.log(),
    "ReLU": lambda a: a.relu(),
    "relu": lambda a: a.relu(),
    "sigmoid": lambda a: a.sigmoid(),
}


def package_copy(steps) -> dict[int, object]:
    """The recorded graph rebuilt from the package's `Value`s, operation by operation: node id -> copy."""
    from micrograd.engine import Value

    copies: dict[int, object] = {}
    for node in steps.nodes:  # each after its operands
        operands = [copies[id(x)] for x in steps.operands(node)]
        op = node._op
        if not operands:
            copies[id(node)] = Value(node.data)
            continue
        if op.startswith("**") and len(operands) == 1:
            exponent = float(op[2:])
            copy = operands[0] ** (int(exponent) if exponent.is_integer() else exponent)
        elif op == "-" and not hasattr(node, "_children"):
            raise StepperError(f"cannot check {steps.name(node)}: a set of operands does not say which one "
                               f"is subtracted")
        elif op in _OPERATIONS and (op in ("+", "*", "-")) == (len(operands) == 2):
            copy = _OPERATIONS[op](*operands)
        else:
            raise StepperError(f"cannot check {steps.name(node)}: the package has no operation {op!r} "
                               f"on {len(operands)} operands")
        if not math.isclose(copy.data, node.data, rel_tol=1e-9, abs_tol=1e-12):
            raise StepperError(f"the package computes {steps.name(node)} = {copy.data!r}, not {node.data!r}")
        copies[id(node)] = copy
    return copies


_INHERITED = ("xml:space", "text-anchor", "font-family", "font-size")
_EDGE = re.compile(r'<g class="edge">\s*(?:<title>[^<]*</title>\s*)?<path fill="none" stroke="black" d="([^"]*)"/>\s*'
                   r'<polygon fill="black" stroke="black" points="([^"]*)"/>\s*</g>\n?')
_DECIMAL = re.compile(r"-?\d+\.\d+")
_OUTLINE = re.compile(r'<(polygon|polyline) fill="none" stroke="black" points="([^"]*)"/>\n?')


def compact_svg(svg: str, count: int) -> str:
    """draw_dot's SVG, made lighter for a page: the browser draws the same picture.

    - Text attributes that every label repeats move to the root (they inherit).
    - All edges become two paths, their lines and their arrowheads, drawn
      first (under the nodes, so a highlighted outline stays on top); each
      record's outline and separators become one path.
    - Graphviz's per-graph ids (several graphs on a page would repeat them),
      its tooltips and the line breaks between tags go; `&#45;` is written `-`;
      coordinates keep one decimal of a point (graphviz writes two).
    - Outlines inherit `fill="none" stroke="black"` from the root, where the
      site's book.css gives texts their black fill back (`.mg-stepper__graph text`). Each node's title ("n3") becomes
      `data-n="3"` (`data-op="3"` for its operation): the script finds nodes by it.
    """
    texts = svg.count("<text ")
    for name in _INHERITED:
        values = re.findall(rf"<text\b[^>]*?\s{name}=\"([^\"]*)\"", svg)
        if len(values) == texts and len(set(values)) == 1:
            svg = re.sub(rf"(<text\b[^>]*?)\s{name}=\"[^\"]*\"", r"\1", svg)
            svg = svg.replace("<svg ", f'<svg {name}="{values[0]}" ', 1)
    svg = re.sub(r' id="(?:graph|node|edge|clust)\d+"', "", svg).replace("&#45;", "-")
    lines, heads = [], []

    def edge(match: re.Match) -> str:
        lines.append(match[1])
        heads.append(_closed(match[2]))
        return ""

    svg = _EDGE.sub(edge, svg)
    if lines:
        edges = (f'<g class="edges"><path fill="none" stroke="black" d="{" ".join(lines)}"/>'
                 f'<path fill="black" stroke="black" d="{" ".join(heads)}"/></g>\n')
        background = re.search(r'<g class="graph"[^>]*>\s*(?:<title>[^<]*</title>\s*)?<polygon [^>]*/>\n?', svg)
        at = background.end() if background else svg.index(">", svg.index('<g class="graph"')) + 1
        svg = svg[:at] + edges + svg[at:]
    svg = re.sub(r'<g class="node">\s*<title>n(\d+)</title>\n?(.*?)</g>', _record, svg, flags=re.DOTALL)
    svg = re.sub(r'<g class="node">\s*<title>n(\d+)_op</title>', r'<g class="node" data-op="\1">', svg)
    svg = re.sub(r"<title>[^<]*</title>\n?", "", svg)
    svg = re.sub(r">\s+<", "><", svg)  # only between tags: a label's own spaces stay
    # Outlines inherit "no fill, black line" from the root; book.css gives the texts back their black fill.
    svg = re.sub(r'<(path|ellipse) fill="none" stroke="black" ', r"<\1 ", svg)
    svg = svg.replace("<svg ", '<svg fill="none" stroke="black" ', 1)
    svg = re.sub(r'( (?:points|x|y|cx|cy|rx|ry)=")([^"]*)"', _rounded, svg)
    svg = re.sub(r' d="([^"]*)"', lambda match: f' d="{_relative(match[1])}"', svg)
    if len(re.findall(r'data-n="\d+"', svg)) != count:
        raise StepperError("draw_dot's SVG is not shaped as the stepper expects (node titles n0, n1, ...)")
    return svg


def _tenths(number: str) -> int:
    return round(float(number) * 10)


def _written(tenths: int) -> str:
    """A number of tenths as the shortest decimal: 5 -> 0.5, -20 -> -2, 0 -> 0."""
    whole, tenth = divmod(abs(tenths), 10)
    return ("-" if tenths < 0 else "") + str(whole) + (f".{tenth}" if tenth else "")


def _rounded(match: re.Match) -> str:
    """Coordinates to 0.1 pt (graphviz gives 0.01): nothing a screen shows moves."""
    return match[1] + _DECIMAL.sub(lambda number: _written(_tenths(number[0])), match[2]) + '"'


_PATH = re.compile(r"[MCZ]|-?\d+(?:\.\d+)?,-?\d+(?:\.\d+)?")


def _relative(d: str) -> str:
    """Path data as graphviz and `compact_svg` write it (M, C and Z, absolute), in relative
    commands, which are shorter: each point is rounded to 0.1 pt first, so no error builds up."""
    out: list[str] = []
    x = y = start_x = start_y = 0
    command, first, curve = "", True, []

    def pair(px: int, py: int) -> str:
        return f"{_written(px - x)},{_written(py - y)}"

    for token in _PATH.findall(d):
        if token == "Z":
            out.append("z")
            x, y = start_x, start_y
        elif token in "MC":
            command, first = token, True
        elif command == "M":  # a move, then lines: after "m" they are relative too
            px, py = (_tenths(part) for part in token.split(","))
            out.append(("m" if first else "") + pair(px, py))
            if first:
                start_x, start_y = px, py
            x, y, first = px, py, False
        else:  # a curve: two control points and its end, relative to where it starts
            curve.append(tuple(_tenths(part) for part in token.split(",")))
            if len(curve) == 3:
                out.append(("c" if first else "") + " ".join(pair(*point) for point in curve))
                (x, y), first, curve = curve[-1], False, []
    return " ".join(out).replace(" z", "z")


def _record(match: re.Match) -> str:
    """A record node's group: its outline and separators as one path, in the outline's place."""
    shapes = [(kind, points) for kind, points in _OUTLINE.findall(match[2])]
    body = _OUTLINE.sub("", match[2])
    d = " ".join(_closed(points) if kind == "polygon" else "M" + points for kind, points in shapes)
    path = f'<path fill="none" stroke="black" d="{d}"/>\n' if shapes else ""
    return f'<g class="node" data-n="{match[1]}">\n{path}{body}</g>'


def _closed(points: str) -> str:
    """A polygon's points as a closed path."""
    pairs = points.split()
    if len(pairs) > 1 and pairs[0] == pairs[-1]:
        pairs.pop()
    return "M" + " ".join(pairs) + "Z"
