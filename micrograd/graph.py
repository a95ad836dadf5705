"""Draw the computation graph behind a `Value`.

`draw_dot(v)` returns a `graphviz.Digraph` that lays itself out with the
`graphviz-pure` executable (a pip-installed port of Graphviz), so no system
Graphviz is needed: in Jupyter the graph shows inline, and `.pipe("svg")`
returns the SVG. The drawing is deterministic: the same graph gives the same
bytes on every run, because node names come from the traversal order
(n0, n1, ...) and children are visited in operand order, never in set or
`id()` order.

`draw_network(model)` draws the architecture of a Neuron, a Layer or an MLP
(inputs, neurons with their activations, outputs) in the same way.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import sys
import sysconfig
import warnings
from pathlib import Path
from typing import Any, Callable

import graphviz

from micrograd.engine import Value

__all__ = ["GraphvizPureNotFound", "LargeGraphWarning", "ValueGraph", "draw_dot", "draw_network", "find_graphviz_pure", "trace"]

EXECUTABLE = "graphviz-pure"
# graphviz-pure measures Helvetica with Arimo's metrics and writes font-family="Helvetica,sans-Serif" into
# the SVG, so a browser without Helvetica still picks a sans-serif font
FONT = "Helvetica"


class GraphvizPureNotFound(graphviz.ExecutableNotFound):
    """Raised when the `graphviz-pure` executable cannot be found."""

    def __init__(self) -> None:
        RuntimeError.__init__(
            self,
            f"cannot find the {EXECUTABLE!r} executable that draws micrograd graphs; "
            f"install the graphviz-pure package: pip install graphviz-pure",
        )


def find_graphviz_pure() -> str:
    """Path of the `graphviz-pure` executable: on PATH, else beside this Python, else in its scripts folders.

    Looking beside `sys.executable` finds it in a virtual environment or a
    Jupyter kernel whose `bin/` (or `Scripts\\`) folder is not on PATH.
    """
    found = shutil.which(EXECUTABLE)
    if found:
        return found
    names = [EXECUTABLE + ".exe", EXECUTABLE] if os.name == "nt" else [EXECUTABLE]
    folders = [Path(sys.executable).parent, Path(sysconfig.get_path("scripts"))]
    try:  # `pip install --user` puts scripts elsewhere
        folders.append(Path(sysconfig.get_path("scripts", sysconfig.get_preferred_scheme("user"))))
    except (AttributeError, KeyError):  # pragma: no cover - old or unusual Pythons
        pass
    for folder in folders:
        for name in names:
            if (folder / name).is_file():
                return str(folder / name)
    raise GraphvizPureNotFound()


# graphviz-pure measures text with hard-coded metrics of ASCII characters and says so on stderr for
# any other character, which it measures as a space per UTF-8 byte (about right for most scripts). The
# SVG still holds the text as written, so the note is only noise: in a notebook and on a page.
_HARMLESS = re.compile(rb"^Warning: (Warning: )?no value for width of non-ASCII character \d+\..*\n?", re.M)


def _run_graphviz_pure(args: list[str], *, source: bytes | None = None, cwd: Path | None = None,
                       quiet: bool = False) -> bytes:
    """Run graphviz-pure with `args` (`source` on stdin): its stdout, its stderr echoed unless `quiet`."""
    cmd = [find_graphviz_pure(), *args]
    proc = subprocess.run(cmd, input=source, cwd=cwd, capture_output=True, check=False)
    if proc.returncode:
        raise graphviz.CalledProcessError(proc.returncode, cmd, output=proc.stdout, stderr=proc.stderr)
    stderr = _HARMLESS.sub(b"", proc.stderr)
    if stderr and not quiet:
        sys.stderr.write(stderr.decode(errors="replace"))
    return proc.stdout


def _command(engine: str, format: str, renderer: str | None, formatter: str | None,
             neato_no_op: bool | int | None) -> list[str]:
    """The -K, -T and -n arguments, as `graphviz` builds them for `dot`."""
    args = [f"-K{engine}", "-T" + ":".join(p for p in (format, renderer, formatter) if p)]
    return args + [f"-n{int(neato_no_op)}"] if neato_no_op else args


class ValueGraph(graphviz.Digraph):
    """A `graphviz.Digraph` that renders through `graphviz-pure` instead of a system `dot`.

    `pipe()` (which Jupyter display uses), `render()` and `view()` all run
    graphviz-pure: `draw_dot(v).render("graph")` writes graph.svg (and the
    DOT source in `graph`), `view()` also opens it. Formats are those of
    graphviz-pure: svg, png, jpeg, dot, json, plain, ... (no pdf).

    Examples:
        >>> from micrograd import Value, draw_dot
        >>> graph = draw_dot(Value(2.0, label="a") * 3)
        >>> graph.source.count("shape=record")  # a, the constant 3 and the product
        3
        >>> graph.pipe("svg", encoding="utf-8").startswith("<?xml")
        True
    """

    def pipe(  # type: ignore[override]
        self,
        format: str | None = None,
        renderer: str | None = None,
        formatter: str | None = None,
        neato_no_op: bool | int | None = None,
        quiet: bool = False,
        *,
        engine: str | None = None,
        encoding: str | None = None,
    ) -> bytes | str:
        """The graph rendered by graphviz-pure: bytes, or str if `encoding` is given.

        Same arguments as `graphviz.Digraph.pipe`.
        """
        args = _command(engine or self.engine, format or self.format, renderer, formatter, neato_no_op)
        out = _run_graphviz_pure(args, source=self.source.encode(self.encoding), quiet=quiet)
        return out.decode(encoding) if encoding else out

    @property
    def _render(self):  # type: ignore[no-untyped-def]
        """What `render()` and `view()` call to lay out the saved source file: graphviz-pure, not `dot`.

        `graphviz` looks this up on the object (its own tests mock it), so
        overriding it leaves saving, file naming and viewing to `graphviz`.
        """
        return _render_file


def _render_file(engine: str, format: str | None = None, filepath: str | os.PathLike[str] | None = None,
                 renderer: str | None = None, formatter: str | None = None,
                 neato_no_op: bool | int | None = None, quiet: bool = False, *,
                 outfile: str | os.PathLike[str] | None = None, raise_if_result_exists: bool = False,
                 overwrite_filepath: bool = False) -> str:
    """`graphviz.render()` with graphviz-pure: lay out `filepath`, write `outfile`, return its path."""
    from graphviz.backend import rendering  # graphviz's own rules for naming the output file

    if raise_if_result_exists and overwrite_filepath:
        raise ValueError("overwrite_filepath cannot be combined with raise_if_result_exists")
    source = Path(filepath) if filepath is not None else None
    if outfile is not None:
        out = Path(outfile)
        format = rendering.get_format(out, format=format)
        source = source or rendering.get_filepath(out)
        if not overwrite_filepath and out.resolve() == source.resolve():
            raise ValueError(f"outfile {out.name!r} must be different from input file {source.name!r} "
                             f"(pass overwrite_filepath=True to override)")
    elif source is None or format is None:
        raise graphviz.RequiredArgumentError("filepath and format are required if outfile is not given")
    else:
        out = rendering.get_outfile(source, format=format, renderer=renderer, formatter=formatter)
    if raise_if_result_exists and out.exists():
        raise graphviz.FileExistsError(f"output file exists: {os.fspath(out)!r}")
    args = _command(engine, format, renderer, formatter, neato_no_op)
    _run_graphviz_pure([*args, "-o", str(out.resolve()), source.name], cwd=source.resolve().parent, quiet=quiet)
    return os.fspath(out)


VALUE_ATTRIBUTES = ("data", "grad", "label", "_op", "_prev")


def _check_value(root: object, who: str) -> None:
    """TypeError unless `root` is shaped like a Value (the package's or a chapter's)."""
    missing = [name for name in VALUE_ATTRIBUTES if not hasattr(root, name)]
    if missing:
        raise TypeError(
            f"{who} expects a Value (anything with data, grad, label, _op and _prev), "
            f"not {type(root).__name__} {root!r:.60}"
        )


# --8<-- [start:trace]
def trace(root: Value) -> tuple[list[Value], list[tuple[Value, Value]]]:
    """The nodes of `root`'s graph (each after its children) and its edges (child, parent).

    Unlike the original's sets, both are lists in a fixed order; an operand used
    twice (`a + a`) gives one edge. Any object with `data`, `grad`, `label`,
    `_op` and `_prev` works, so the book's chapters draw their own `Value`s.
    """
    _check_value(root, "trace")
    children = _child_order(root)
    nodes: list[Value] = []
    seen: set[int] = set()
    stack: list[tuple[Value, bool]] = [(root, False)]  # explicit stack: no recursion limit
    while stack:
        node, expanded = stack.pop()
        if expanded:
            nodes.append(node)
        elif id(node) not in seen:
            seen.add(id(node))
            stack.append((node, True))
            stack += [(child, False) for child in reversed(children(node)) if id(child) not in seen]
    edges = [(child, node) for node in nodes for child in dict.fromkeys(children(node))]
    return nodes, edges
# --8<-- [end:trace]


def _hash(*parts: str) -> str:
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()


# --8<-- [start:child_order]
def _child_order(root: Value):
    """A function giving each node's operands in a fixed order.

    The shipped `Value` keeps its operands in order (`_children`). A `Value`
    written as in the chapters keeps a `set`, whose order follows `id()` and
    changes from run to run; its children are then sorted by a fingerprint of
    their content and of everything below them, so the drawing never changes.
    Children with the same fingerprint (`a, b = Value(2.0), Value(2.0)`) are
    told apart by where each is used (`_break_ties`).
    """
    if hasattr(root, "_children"):
        return lambda node: tuple(node._children)
    fingerprints: dict[int, str] = {}
    order: list[Value] = []  # children before parents
    stack: list[tuple[Value, bool]] = [(root, False)]
    while stack:
        node, expanded = stack.pop()
        if expanded:
            below = sorted(fingerprints[id(child)] for child in node._prev)
            content = (str(node.label), str(node._op), repr(node.data), repr(node.grad))
            fingerprints[id(node)] = _hash(*content, ",".join(below))
            order.append(node)
        elif id(node) not in fingerprints:
            stack.append((node, True))
            stack += [(child, False) for child in node._prev if id(child) not in fingerprints]
    uses = _break_ties(order, fingerprints)
    key = lambda child: (fingerprints[id(child)], uses.get(id(child), ""))  # noqa: E731
    return lambda node: tuple(sorted(node._prev, key=key))
# --8<-- [end:child_order]


def _break_ties(order: list[Value], fingerprints: dict[int, str]) -> dict[int, str]:
    """For nodes that share a fingerprint with a sibling: a second key, from how each node is used.

    Colour refinement (as in the Weisfeiler-Lehman test): each node's colour
    is rehashed with its parents' colours (top-down) and then its children's
    (bottom-up), until the number of distinct colours stops growing. Colours
    depend only on content and shape, never on memory addresses; siblings that
    still tie are interchangeable for drawing purposes. Empty when no node has
    two children with one fingerprint, so such graphs draw exactly as before.
    """
    if all(len({fingerprints[id(c)] for c in node._prev}) == len(node._prev) for node in order):
        return {}
    parents: dict[int, list[Value]] = {}
    for node in order:
        for child in node._prev:
            parents.setdefault(id(child), []).append(node)
    colour = dict(fingerprints)
    distinct = len(set(colour.values()))
    while True:
        for node in reversed(order):  # parents first
            colour[id(node)] = _hash(colour[id(node)], *sorted(colour[id(p)] for p in parents.get(id(node), ())))
        for node in order:  # children first
            colour[id(node)] = _hash(colour[id(node)], *sorted(colour[id(c)] for c in node._prev))
        now = len(set(colour.values()))
        if now == distinct:
            return colour
        distinct = now


def _number(x: float) -> str:
    """x with 4 decimals, without the confusing "-0.0000"."""
    text = f"{x:.4f}"
    return "0.0000" if text == "-0.0000" else text


def _record_text(label: object) -> str:
    """`label`, formatted as the original does (`%s`), escaped to draw as written in a record field.

    { } | < > " \\ are structure in a record and take a backslash; & would
    start an HTML entity; a newline becomes a line break; spaces that Graphviz
    would trim or collapse (at either end, or several in a row) become no-break
    spaces (its own escape, a backslash and a space, is lost at the start of a
    field and makes later fields keep a trailing space);
    a character that cannot be printed (NUL, a tab, ...) is drawn as its
    Python escape, such as \\x00, so that it is visible and the DOT stays valid.
    """
    lines = []
    for line in re.split(r"\r\n|\r|\n", "%s" % (label,)):
        line = "".join(c if c.isprintable() else repr(c)[1:-1] for c in line)
        line = re.sub(r'([{}|<>"\\])', r"\\\1", line).replace("&", "&amp;")
        lines.append(re.sub(r"^ +| +$| {2,}", lambda m: "\u00a0" * len(m[0]), line))
    return "\\n".join(lines)


# --8<-- [start:draw_dot]
def draw_dot(root: Value, rankdir: str = "LR") -> ValueGraph:
    """The computation graph of `root` as a Graphviz digraph.

    Each Value is a record `label | data 2.0000 | grad 0.0000`; each operation
    is a small node between its operands and its result. `rankdir` is "LR"
    (left to right, the default), "TB", "RL" or "BT". In Jupyter the result
    displays itself; `draw_dot(v).pipe("svg", encoding="utf-8")` is the SVG text.
    """
    _check_value(root, "draw_dot")
    if rankdir not in ("LR", "TB", "RL", "BT"):
        raise ValueError(f"rankdir must be 'LR', 'TB', 'RL' or 'BT', not {rankdir!r}")
    nodes, edges = trace(root)
    if len(nodes) > MAX_VALUES:
        raise ValueError(_too_big(len(nodes)))
    dot = ValueGraph(
        format="svg",
        graph_attr={"rankdir": rankdir, "bgcolor": "white"},  # white stays legible on dark pages
        node_attr={"fontname": FONT, "fontsize": "12", "color": "black", "fontcolor": "black"},
        edge_attr={"color": "black"},
    )
    names = {id(node): f"n{i}" for i, node in enumerate(nodes)}
    operands: dict[int, list[Value]] = {}
    for child, node in edges:
        operands.setdefault(id(node), []).append(child)
    for node in nodes:
        name = names[id(node)]
        label = f"{{ {_record_text(node.label)} | data {_number(node.data)} | grad {_number(node.grad)} }}"
        dot.node(name, label=label, shape="record")
        target = name
        if node._op:
            target = f"{name}_op"
            dot.node(target, label=node._op, shape="ellipse")
            dot.edge(target, name)
        for child in operands.get(id(node), []):
            dot.edge(names[id(child)], target)
    _fit_layout(dot, nodes, edges, names)  # a big graph: less layout effort, or a quicker layout
    return dot
# --8<-- [end:draw_dot]


# --- how much layout a graph asks for -------------------------------------------------------------
#
# dot's time grows with its boxes (a record per Value, an ellipse per operation) and, faster, with its
# "virtual" boxes: one for every rank an edge passes on its way (an operand used far from where it
# was made, such as a weight used by every sample). Measured by benchmarks/bench_draw.py.

EXACT_UP_TO = {"boxes": 2_000, "virtual": 1_000}  # Graphviz's defaults: every graph in the book, well below
BOUNDED_UP_TO = {"boxes": 4_000, "virtual": 30_000}  # dot with limited effort: under about 3 s of CPU
MAX_VALUES = 10_000  # more than this is refused: drawn, it would be megabytes of unreadable SVG
# iterations of network simplex (ranking, positions) per node, and of crossing minimisation
EFFORT_LIMITS = {"nslimit": "1", "nslimit1": "1", "mclimit": "0.1"}


class LargeGraphWarning(UserWarning):
    """draw_dot drew a graph too big for Graphviz's layout with a quicker, plainer one."""


def _too_big(values: int) -> str:
    return (
        f"draw_dot: this graph has {values:,} values; draw_dot draws at most {MAX_VALUES:,}, and even "
        f"that is hard to read. {_PART}"
    )


_PART = (
    "To draw a part of it, call draw_dot on a Value nearer the inputs (it draws what that Value was "
    "computed from), or build the graph from fewer samples or steps."
)


def _ranked_boxes(nodes: list[Value], edges: list[tuple[Value, Value]], names: dict[int, str]
                  ) -> tuple[list[str], list[tuple[str, str]], dict[str, int], int]:
    """draw_dot's boxes, inputs first (a record n<i> per Value, an ellipse n<i>_op per operation), its
    arrows (tail, head), each box's rank counted from the output, and how many virtual boxes dot needs.

    The ranks are longest paths to the output, a ranking dot could choose; its own makes the edges as
    short as it can, so the count is an upper bound.
    """
    order: list[str] = []
    arcs: list[tuple[str, str]] = []
    for node in nodes:  # children first, as trace gives them
        name = names[id(node)]
        if node._op:
            order.append(f"{name}_op")
            arcs.append((f"{name}_op", name))
        order.append(name)
    arcs += [(names[id(child)], f"{names[id(node)]}_op" if node._op else names[id(node)]) for child, node in edges]
    heads: dict[str, list[str]] = {}
    for tail, head in arcs:
        heads.setdefault(tail, []).append(head)
    depth: dict[str, int] = {}
    for box in reversed(order):
        depth[box] = max((depth[h] + 1 for h in heads.get(box, ())), default=0)
    return order, arcs, depth, sum(depth[tail] - depth[head] - 1 for tail, head in arcs)


def _fit_layout(dot: ValueGraph, nodes: list[Value], edges: list[tuple[Value, Value]], names: dict[int, str]) -> None:
    """Leave a small graph to Graphviz's defaults; limit dot's effort for a bigger one; lay out a huge one here."""
    order, arcs, depth, virtual = _ranked_boxes(nodes, edges, names)
    if len(order) <= EXACT_UP_TO["boxes"] and virtual <= EXACT_UP_TO["virtual"]:
        return
    if len(order) <= BOUNDED_UP_TO["boxes"] and virtual <= BOUNDED_UP_TO["virtual"]:
        dot.graph_attr.update(EFFORT_LIMITS)
        return
    warnings.warn(
        f"draw_dot: this graph has {len(nodes):,} values and {len(edges):,} edges, too many for a legible "
        f"layout in a few seconds (Graphviz would place {len(order) + virtual:,} boxes); it is drawn with a "
        f"quick layered layout and straight edges instead. {_PART}",
        LargeGraphWarning,
        stacklevel=3,
    )
    sizes = {names[id(node)]: _record_size(node, dot.graph_attr["rankdir"]) for node in nodes}
    ellipse = (54.0, 36.0)  # an operation: Graphviz's default 0.75 x 0.5 inch
    positions = _layered_positions(order, arcs, depth, lambda box: sizes.get(box, ellipse), dot.graph_attr["rankdir"])
    dot.graph_attr.update(layout="nop2", splines="line")  # Graphviz keeps the positions and draws the edges
    for box in order:
        x, y = positions[box]
        dot.node(box, pos=f"{x:.0f},{y:.0f}")


def _record_size(node: Value, rankdir: str) -> tuple[float, float]:
    """About the width and height, in points, of a Value's record (Helvetica 12: under 6.5 points a character)."""
    lines = _record_text(node.label).split("\\n")
    fields = [max(map(len, lines)), 5 + len(_number(node.data)), 5 + len(_number(node.grad))]
    widths = [6.5 * n + 16 for n in fields]
    label_height = 21.0 + 14.0 * (len(lines) - 1)
    if rankdir in ("LR", "RL"):  # the fields side by side
        return sum(widths), max(36.0, label_height + 8)
    return max(widths), label_height + 2 * 21.0


def _layered_positions(order: list[str], arcs: list[tuple[str, str]], depth: dict[str, int],
                       size: Callable[[str], tuple[float, float]], rankdir: str) -> dict[str, tuple[float, float]]:
    """Positions of the boxes: a column per rank, inputs first, each column ordered by barycentres.

    A box moves towards the mean position of its neighbours in other columns,
    in two sweeps each way (the first step of a Sugiyama layout, without dot's
    virtual boxes: long edges are drawn straight).
    """
    across = 1 if rankdir in ("LR", "RL") else 0  # index, in (width, height), of a box's extent along its column
    columns: dict[int, list[str]] = {}
    for box in order:
        columns.setdefault(depth[box], []).append(box)
    tails: dict[str, list[str]] = {}
    heads: dict[str, list[str]] = {}
    for tail, head in arcs:
        tails.setdefault(head, []).append(tail)
        heads.setdefault(tail, []).append(head)
    place: dict[str, float] = {}

    def spread(column: list[str]) -> None:  # side by side along the column, centred on 0
        at = -(sum(size(b)[across] for b in column) + 18.0 * (len(column) - 1)) / 2
        for b in column:
            place[b] = at + size(b)[across] / 2
            at += size(b)[across] + 18.0

    def barycentre(b: str, neighbours: dict[str, list[str]]) -> float:
        near = neighbours.get(b)
        return sum(place[n] for n in near) / len(near) if near else place[b]

    for column in columns.values():
        spread(column)
    inwards = sorted(columns, reverse=True)  # from the inputs' column to the output's
    for ranks, neighbours in [(inwards, tails), (inwards[::-1], heads)] * 2:
        for rank in ranks:
            keys = {b: barycentre(b, neighbours) for b in columns[rank]}
            columns[rank].sort(key=keys.__getitem__)
            spread(columns[rank])
    along: dict[int, float] = {}
    at, previous = 0.0, 0.0
    for rank in inwards:
        length = max(size(b)[1 - across] for b in columns[rank])
        at += (previous + length) / 2 + (36.0 if along else 0.0)
        along[rank], previous = at, length
    sign = {"LR": (1, -1), "RL": (-1, -1), "TB": (1, -1), "BT": (1, 1)}[rankdir]
    positions = {}
    for box in order:
        x, y = (along[depth[box]], place[box]) if across else (place[box], along[depth[box]])
        positions[box] = (sign[0] * x, sign[1] * y)
    return positions


# --- architecture diagrams ---------------------------------------------------------------------

ACTIVATION_NAMES = {"relu": "ReLU", "tanh": "tanh", "linear": "linear"}
# numbers are drawn by default only up to this size: beyond it they crowd the diagram
VALUES_UP_TO = {"parameters": 50, "inputs per neuron": 8}
NETWORK_EXACT_UP_TO = 1_000  # connections laid out with Graphviz's defaults; more get EFFORT_LIMITS


def _activation(neuron: Any, default: str | None) -> str:
    """The name to draw for a neuron's activation: its `activation`, else the original's `nonlin`."""
    kind = getattr(neuron, "activation", None)
    if kind is None and isinstance(getattr(neuron, "nonlin", None), bool):
        kind = "relu" if neuron.nonlin else "linear"
    if kind is None:
        kind = default
    if kind is None:
        raise TypeError(
            f"cannot tell the activation of {neuron!r} (it has no `activation` or `nonlin`); "
            f"name it: draw_network(module, activation='tanh')"
        )
    return ACTIVATION_NAMES.get(kind, str(kind))


def _network_layers(module: Any) -> list[list[Any]]:
    """The neurons of `module`, layer by layer: an MLP has `layers`, a Layer `neurons`, a Neuron `w` and `b`."""
    if isinstance(getattr(module, "layers", None), (list, tuple)):
        layers = [getattr(layer, "neurons", None) for layer in module.layers]
    elif isinstance(getattr(module, "neurons", None), (list, tuple)):
        layers = [module.neurons]
    elif isinstance(getattr(module, "w", None), (list, tuple)) and hasattr(module, "b"):
        layers = [[module]]
    else:
        raise TypeError(f"draw_network expects a Neuron, a Layer or an MLP, not {type(module).__name__}")
    if not layers or any(not isinstance(neurons, (list, tuple)) or not neurons for neurons in layers):
        raise ValueError(f"draw_network: {module!r} has a layer without neurons")
    if any(not isinstance(getattr(n, "w", None), (list, tuple)) for neurons in layers for n in neurons):
        raise TypeError(f"draw_network: every neuron of {module!r} needs a list of weights `w`")
    for i, neurons in enumerate(layers):
        nin = len(layers[i - 1]) if i else len(neurons[0].w)
        bad = [n for n in neurons if len(n.w) != nin]
        if bad:
            raise ValueError(f"draw_network: layer {i + 1} has a neuron with {len(bad[0].w)} weights, expected {nin}")
    return layers


def _architecture_graph(rankdir: str) -> ValueGraph:
    if rankdir not in ("LR", "TB", "RL", "BT"):
        raise ValueError(f"rankdir must be 'LR', 'TB', 'RL' or 'BT', not {rankdir!r}")
    return ValueGraph(
        format="svg",
        graph_attr={"rankdir": rankdir, "bgcolor": "white", "nodesep": "0.25", "ranksep": "0.9"},
        node_attr={"fontname": FONT, "fontsize": "12", "color": "black", "fontcolor": "black"},
        edge_attr={"color": "black", "arrowsize": "0.6"},
    )


def draw_network(
    module: Any, values: bool | None = None, *, activation: str | None = None, rankdir: str = "LR"
) -> ValueGraph:
    """The architecture of a Neuron, a Layer or an MLP as a Graphviz digraph.

    A Layer or an MLP is drawn as columns: the inputs `x1 ... xn`, one column
    per layer with a node per neuron naming its activation, then the outputs;
    every node is joined to every node of the next column (fully connected).
    A single Neuron is drawn as its computation: each input times its weight,
    the sum plus the bias, the activation, the output.

    `values=True` writes the current weights and biases into the drawing,
    `values=False` leaves them out; by default they are shown when the module
    has at most 50 parameters and no neuron more than 8 inputs. `activation` names the activation of neurons
    that do not say what theirs is (a chapter's own `Neuron`, say). Anything
    shaped like the package's classes works: an MLP has `layers`, a Layer
    `neurons`, a Neuron a list `w` and a bias `b`.
    """
    layers = _network_layers(module)
    if values is None:
        neurons = [n for layer in layers for n in layer]
        values = (
            sum(len(n.w) + 1 for n in neurons) <= VALUES_UP_TO["parameters"]
            and max(len(n.w) for n in neurons) <= VALUES_UP_TO["inputs per neuron"]
        )
    elif not isinstance(values, bool):
        raise TypeError(f"values must be True, False or None, not {values!r}")
    dot = _architecture_graph(rankdir)
    if len(layers) == 1 and len(layers[0]) == 1 and not hasattr(module, "neurons"):
        _draw_neuron(dot, layers[0][0], values, activation)
    else:
        _draw_layers(dot, layers, values, activation)
    return dot


def _draw_neuron(dot: ValueGraph, neuron: Any, values: bool, default: str | None) -> None:
    """inputs -> x weights -> sum + bias -> activation -> output."""
    weights, bias = neuron.w, neuron.b
    for i, w in enumerate(weights, start=1):
        dot.node(f"x{i}", label=f"x{i}", shape="circle", width="0.45", fixedsize="true")
        dot.node(f"w{i}", label=f"* w{i}" + (f"\\n{_number(w.data)}" if values else ""), shape="box")
        dot.edge(f"x{i}", f"w{i}")
        dot.edge(f"w{i}", "sum")
    dot.node("b", label="b" + (f"\\n{_number(bias.data)}" if values else ""), shape="box")
    dot.node("sum", label="+", shape="circle", width="0.45", fixedsize="true")
    dot.edge("b", "sum")
    dot.node("activation", label=_activation(neuron, default), shape="box", style="rounded")
    dot.edge("sum", "activation")
    dot.node("out", label="out", shape="circle", width="0.45", fixedsize="true")
    dot.edge("activation", "out")


def _draw_layers(dot: ValueGraph, layers: list[list[Any]], values: bool, default: str | None) -> None:
    """Columns of inputs, neurons and outputs, each node joined to every node of the next column."""
    columns = [[f"x{i}" for i in range(1, len(layers[0][0].w) + 1)]]
    widest = max(len(columns[0]), *(len(neurons) for neurons in layers))
    dot.graph_attr["ranksep"] = f"{max(0.9, 0.12 * widest):.2f}"  # room for the fans of wide layers
    for name in columns[0]:
        dot.node(name, label=name, shape="circle", width="0.45", fixedsize="true")
    for depth, neurons in enumerate(layers, start=1):
        column = []
        for i, neuron in enumerate(neurons, start=1):
            name = f"L{depth}n{i}"
            label = _activation(neuron, default)
            if values:
                numbers = " ".join(_number(w.data) for w in neuron.w)
                label += f"\\nw {numbers}\\nb {_number(neuron.b.data)}"
                dot.node(name, label=label, shape="box", style="rounded")
            else:
                dot.node(name, label=label, shape="circle", width="0.6", fixedsize="true")
            column.append(name)
        columns.append(column)
    outputs = [f"y{i}" if len(columns[-1]) > 1 else "out" for i in range(1, len(columns[-1]) + 1)]
    for name in outputs:
        dot.node(name, label=name, shape="circle", width="0.45", fixedsize="true")
    columns.append(outputs)
    for left, right in zip(columns, columns[1:-1]):
        for a in left:
            for b in right:
                dot.edge(a, b)
    for neuron, out in zip(columns[-2], columns[-1]):
        dot.edge(neuron, out)
    connections = sum(len(left) * len(right) for left, right in zip(columns, columns[1:-1]))
    if connections > NETWORK_EXACT_UP_TO:  # every order of a fully connected layer crosses as much
        dot.graph_attr.update(EFFORT_LIMITS)
