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
from pathlib import Path
from typing import Any

import graphviz

from micrograd.engine import Value

__all__ = ["GraphvizPureNotFound", "ValueGraph", "draw_dot", "draw_network", "find_graphviz_pure", "trace"]

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


class ValueGraph(graphviz.Digraph):
    """A `graphviz.Digraph` that renders through `graphviz-pure` instead of a system `dot`.

    Only `pipe()` is redirected; it is what Jupyter display
    (`_repr_mimebundle_`) uses. To save a file, write what `pipe()` returns:
    `Path("graph.svg").write_bytes(draw_dot(v).pipe("svg"))`.

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

        Same arguments as `graphviz.Digraph.pipe`; formats are those of
        graphviz-pure (svg, png, jpeg, dot, json, plain, ...).
        """
        output_format = ":".join(p for p in (format or self.format, renderer, formatter) if p)
        cmd = [find_graphviz_pure(), f"-K{engine or self.engine}", f"-T{output_format}"]
        if neato_no_op:
            cmd.append(f"-n{int(neato_no_op)}")
        proc = subprocess.run(cmd, input=self.source.encode(self.encoding), capture_output=True, check=False)
        if proc.returncode:
            raise graphviz.CalledProcessError(proc.returncode, cmd, output=proc.stdout, stderr=proc.stderr)
        if proc.stderr and not quiet:
            sys.stderr.write(proc.stderr.decode(errors="replace"))
        return proc.stdout.decode(encoding) if encoding else proc.stdout


# --8<-- [start:trace]
def trace(root: Value) -> tuple[list[Value], list[tuple[Value, Value]]]:
    """The nodes of `root`'s graph (each after its children) and its edges (child, parent).

    Unlike the original's sets, both are lists in a fixed order; an operand used
    twice (`a + a`) gives one edge. Any object with `data`, `grad`, `label`,
    `_op` and `_prev` works, so the book's chapters draw their own `Value`s.
    """
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


# --8<-- [start:child_order]
def _child_order(root: Value):
    """A function giving each node's operands in a fixed order.

    The shipped `Value` keeps its operands in order (`_children`). A `Value`
    written as in the chapters keeps a `set`, whose order follows `id()` and
    changes from run to run; its children are then sorted by a fingerprint of
    their content and of everything below them, so the drawing never changes.
    """
    if hasattr(root, "_children"):
        return lambda node: tuple(node._children)
    fingerprints: dict[int, str] = {}
    stack: list[tuple[Value, bool]] = [(root, False)]
    while stack:
        node, expanded = stack.pop()
        if expanded:
            below = sorted(fingerprints[id(child)] for child in node._prev)
            content = f"{node.label}\0{node._op}\0{node.data!r}\0{node.grad!r}\0{','.join(below)}"
            fingerprints[id(node)] = hashlib.sha256(content.encode()).hexdigest()
        elif id(node) not in fingerprints:
            stack.append((node, True))
            stack += [(child, False) for child in node._prev if id(child) not in fingerprints]
    return lambda node: tuple(sorted(node._prev, key=lambda child: fingerprints[id(child)]))
# --8<-- [end:child_order]


def _number(x: float) -> str:
    """x with 4 decimals, without the confusing "-0.0000"."""
    text = f"{x:.4f}"
    return "0.0000" if text == "-0.0000" else text


def _record_text(text: str) -> str:
    """`text` escaped for a Graphviz record label, where { } | < > are structure."""
    return re.sub(r'([{}|<>"\\])', r"\\\1", text)


# --8<-- [start:draw_dot]
def draw_dot(root: Value, rankdir: str = "LR") -> ValueGraph:
    """The computation graph of `root` as a Graphviz digraph.

    Each Value is a record `label | data 2.0000 | grad 0.0000`; each operation
    is a small node between its operands and its result. `rankdir` is "LR"
    (left to right, the default), "TB", "RL" or "BT". In Jupyter the result
    displays itself; `draw_dot(v).pipe("svg", encoding="utf-8")` is the SVG text.
    """
    if rankdir not in ("LR", "TB", "RL", "BT"):
        raise ValueError(f"rankdir must be 'LR', 'TB', 'RL' or 'BT', not {rankdir!r}")
    dot = ValueGraph(
        format="svg",
        graph_attr={"rankdir": rankdir, "bgcolor": "white"},  # white stays legible on dark pages
        node_attr={"fontname": FONT, "fontsize": "12", "color": "black", "fontcolor": "black"},
        edge_attr={"color": "black"},
    )
    nodes, edges = trace(root)
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
    return dot
# --8<-- [end:draw_dot]


# --- architecture diagrams ---------------------------------------------------------------------

ACTIVATION_NAMES = {"relu": "ReLU", "tanh": "tanh", "linear": "linear"}
# numbers are drawn by default only up to this size: beyond it they crowd the diagram
VALUES_UP_TO = {"parameters": 50, "inputs per neuron": 8}


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
