"""Draw the computation graph behind a `Value`.

`draw_dot(v)` returns a `graphviz.Digraph` that lays itself out with the
`graphviz-pure` executable (a pip-installed port of Graphviz), so no system
Graphviz is needed: in Jupyter the graph shows inline, and `.pipe("svg")`
returns the SVG. The drawing is deterministic: the same graph gives the same
bytes on every run, because node names come from the traversal order
(n0, n1, ...) and children are visited in operand order, never in set or
`id()` order.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import graphviz

import hashlib

from micrograd.engine import Value

__all__ = ["GraphvizPureNotFound", "ValueGraph", "draw_dot", "find_graphviz_pure", "trace"]

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
