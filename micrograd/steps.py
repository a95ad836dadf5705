"""Watch backpropagation one step at a time.

`backward_steps(L)` runs `L.backward()` and records every gradient after each
`_backward` call; `watch_grads(L)` records gradients set by hand, until its
`stop()`. Both give a `Steps`: print it for the numbered list of steps, say
`steps.draw(3)` for the graph after step 3 (the node whose rule ran outlined
in blue, the gradients it wrote dashed in orange), and in Jupyter it shows
the final graph and the list.

Any Value works that has the attributes of the book's chapters (`data`,
`grad`, `label`, `_op`, `_prev` and, for `backward_steps`, `_backward`), as
well as the shipped `Value`. The recording leaves the graph's gradients as it
found them. A chapter-style Value keeps its operands in a set, whose order
changes from run to run; while recording, its `backward()` sees them in
`draw_dot`'s fixed order, one of the orders the set could give, so the steps
come out the same on every run.

Examples:
    >>> from micrograd import Value
    >>> from micrograd.steps import backward_steps
    >>> x, y = Value(2.0, label="x"), Value(-3.0, label="y")
    >>> z = x * y
    >>> z.label = "z"
    >>> steps = backward_steps(z)
    >>> print(steps)
    4 steps of z.backward() (3 nodes):
      0. Before the first step: every gradient is 0.0.
      1. z.grad = 1.0: the seed, the output's gradient with respect to itself (dz/dz = 1).
      2. z._backward(), the * rule: x.grad += y.data × z.grad = -3.0 × 1.0 = -3.0; y.grad += x.data × z.grad = 2.0 × 1.0 = 2.0.
      3. y._backward(): y is a leaf, so there is nothing to pass on.
      4. x._backward(): x is a leaf, so there is nothing to pass on.
    >>> steps.grad(x), x.grad
    (-3.0, 0.0)
"""

from __future__ import annotations

import html
import math
import re
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from micrograd.graph import ValueGraph, draw_dot, trace

__all__ = ["GradWatch", "Step", "Steps", "backward_steps", "watch_grads"]

# Okabe and Ito's palette, told apart by colour-blind readers too; each also has its own line style.
RAN = "#0072b2"  # blue, solid: the node whose rule ran
WROTE = "#d55e00"  # vermilion, dashed: the gradients it wrote

_BINARY = ("+", "*", "-")
_NEEDED = ("data", "grad", "label", "_op", "_prev")
Node = Any  # a Value, shipped or chapter-style


@dataclass(frozen=True, eq=False)
class Step:
    """One step of a backward pass: what happened, and every gradient after it."""

    #: One line saying what happened, with the numbers.
    text: str
    #: The node whose local rule this step applied, or None.
    node: Node | None
    #: The nodes whose `grad` this step wrote (or handed a zero).
    wrote: tuple[Node, ...]
    #: Every node's gradient after this step, in the order of `Steps.nodes`.
    grads: tuple[float, ...]


class Steps(Sequence):
    """The recorded steps of a backward pass (a sequence of `Step`), and the graph they ran on."""

    def __init__(self, root: Node, nodes: Sequence[Node], start: Sequence[float], steps: Sequence[Step],
                 operands: dict[int, tuple[Node, ...]], *, what: str, rankdir: str = "LR") -> None:
        self.root = root
        #: Every node of the graph, each after its operands.
        self.nodes = tuple(nodes)
        #: The gradients before the first step.
        self.start = tuple(start)
        #: What was recorded: "backward()", "_backward() calls" or "gradients set by hand".
        self.what = what
        self.rankdir = rankdir
        self._steps = list(steps)
        self._operands = operands
        self._index = {id(node): i for i, node in enumerate(self.nodes)}
        self._uses = _uses(self.nodes, operands)

    def __len__(self) -> int:
        return len(self._steps)

    def __getitem__(self, k):  # type: ignore[override]
        return self._steps[k]

    def grads(self, k: int) -> tuple[float, ...]:
        """Every node's gradient after step k (k = 0: before the first step)."""
        if not 0 <= k <= len(self):
            raise IndexError(f"there are steps 0 to {len(self)}, not {k}")
        return self._steps[k - 1].grads if k else self.start

    @property
    def final(self) -> tuple[float, ...]:
        """Every node's gradient after the last step."""
        return self.grads(len(self))

    def grad(self, node: Node, k: int | None = None) -> float:
        """`node`'s gradient after step k (default: the last)."""
        return self.grads(len(self) if k is None else k)[self._index[id(node)]]

    def name(self, node: Node) -> str:
        """How the steps call `node`: its label (in brackets unless it is a plain name), else its
        operation and value, such as `[tanh 0.7616]`."""
        return _name(node)

    def operands(self, node: Node) -> tuple[Node, ...]:
        """The operands of `node`, one per slot: `a + a` gives (a, a)."""
        return self._operands[id(node)]

    @property
    def before(self) -> str:
        """What the graph holds before the first step."""
        if all(g == 0 for g in self.start):
            return "Before the first step: every gradient is 0.0."
        return "Before the first step: the gradients as the recording found them."

    def explain(self, node: Node) -> str:
        """How `node`'s final gradient is assembled: the sum, over the nodes that use it, of
        local derivative times their gradient."""
        name, final = _name(node), self.grad(node)
        if node is self.root:
            text = f"{name} is the output: its gradient is the seed, d{name}/d{name} = 1."
            return text if math.isclose(final, 1.0) else f"{text} This pass left {_num(final)}."
        uses = self._uses[id(node)]
        locals_ = [_local(user, slot, self.operands(user)) for user, slot in uses]
        if any(local is None for local in locals_):
            ops = ", ".join(sorted({user._op for (user, _), local in zip(uses, locals_) if local is None}))
            return f"{name}.grad = {_num(final)}: the local derivative of {ops} is not one the stepper knows."
        terms = [(local, user, self.grad(user)) for local, (user, _) in zip(locals_, uses)]
        rhs, total = _chain(terms)
        text = f"{name}.grad = {rhs}"
        if len(uses) > 1:
            times = "twice" if len(uses) == 2 else f"{len(uses)} times"
            text = f"{name} is used {times}, so its gradient is a sum, one term per use: {text}"
        if not _close(final, total):
            text += f". But this pass left {name}.grad = {_num(final)}"
            if any(_close(final, local[0] * g) for local, _, g in terms):
                text += ": only one term survived"
        return text + "."

    @contextmanager
    def at(self, k: int | None = None) -> Iterator[Steps]:
        """Set every node's gradient as it was after step k (default: the last), and put the
        gradients back on leaving the `with` block."""
        grads = self.grads(len(self) if k is None else k)
        saved = [node.grad for node in self.nodes]
        try:
            for node, g in zip(self.nodes, grads):
                node.grad = g
            yield self
        finally:
            for node, g in zip(self.nodes, saved):
                node.grad = g

    def draw(self, k: int | None = None, *, highlight: bool = True, rankdir: str | None = None) -> ValueGraph:
        """`draw_dot` of the graph after step k (default: the last). With `highlight`, the node
        whose rule ran is outlined in solid blue and the gradients it wrote in dashed orange."""
        k = len(self) if k is None else k
        with self.at(k):
            dot = draw_dot(self.root, rankdir or self.rankdir)
            names = {id(node): f"n{i}" for i, node in enumerate(trace(self.root)[0])}  # draw_dot's names
        if highlight and k:
            step = self[k - 1]
            for node in step.wrote:
                dot.node(names[id(node)], color=WROTE, penwidth="3", style="dashed")
            if step.node is not None:
                dot.node(names[id(step.node)], color=RAN, penwidth="3", style="solid")
        return dot

    @property
    def title(self) -> str:
        """What was recorded, such as "L.backward()" or "gradients set by hand"."""
        return f"{_name(self.root)}.backward()" if self.what == "backward()" else self.what

    def __repr__(self) -> str:
        lines = [f"{len(self)} steps of {self.title} ({len(self.nodes)} nodes):", f"  0. {self.before}"]
        lines += [f"{k:3}. {step.text}" for k, step in enumerate(self, 1)]
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        """For Jupyter: the final graph and the steps as a numbered list."""
        svg = self.draw(highlight=False).pipe("svg", encoding="utf-8")
        svg = re.sub(r"<\?xml[^>]*\?>|<!DOCTYPE[^>]*>|<!--.*?-->", "", svg, flags=re.DOTALL)
        items = "".join(f"<li>{html.escape(step.text)}</li>" for step in self)
        return (f"<div><p>{len(self)} steps of {html.escape(self.title)}. {html.escape(self.before)}</p>"
                f"{svg}<ol>{items}</ol></div>")


def backward_steps(root: Node, order: Sequence[Node] | None = None, *, rankdir: str = "LR") -> Steps:
    """The steps of `root.backward()`, from all gradients at 0: one step per `_backward` call.

    With `order`, the steps are instead: seed `root.grad = 1.0`, then call the
    `_backward` of each node of `order`, in that order (as a chapter does by
    hand). `rankdir` is how the steps are drawn (see `draw_dot`). The graph's
    gradients are as before when this returns.
    """
    nodes, _ = _graph(root)
    missing = [node for node in nodes if not callable(getattr(node, "_backward", None))]
    if missing:
        raise TypeError(f"{_name(missing[0])} has no _backward(): record gradients set by hand with watch_grads()")
    if order is None and not callable(getattr(root, "backward", None)):
        raise TypeError(f"{type(root).__name__} has no backward(); pass order=[...] to run the _backward steps "
                        f"in an order of your choosing")
    if order is not None:
        index = {id(node) for node in nodes}
        strangers = [node for node in order if id(node) not in index]
        if strangers:
            raise ValueError(f"order holds {_name(strangers[0])}, which is not in {_name(root)}'s graph")
    saved = [(node, node.grad) for node in nodes]
    try:
        for node in nodes:
            node.grad = 0.0
        nodes, children = _graph(root)  # traced at zero gradients, so the order is not the page's state's
        operands = {id(node): _slots(node, children) for node in nodes}
        recorder = _Recorder(root, nodes, operands, _probe(nodes, operands))
        with _in_fixed_order(root, recorder):
            if order is None:
                root.backward()
            else:
                root.grad = 1.0
                for node in order:
                    node._backward()
            recorder.flush()
    finally:
        for node, g in saved:
            node.grad = g
    what = "backward()" if order is None else "_backward() calls"
    return Steps(root, nodes, recorder.start, recorder.steps, operands, what=what, rankdir=rankdir)


class GradWatch:
    """Records each gradient set in a graph, until `stop()` returns the `Steps`."""

    def __init__(self, root: Node, rankdir: str = "LR") -> None:
        self.root, self.rankdir = root, rankdir
        self._nodes, children = _graph(root)
        self._operands = {id(node): _slots(node, children) for node in self._nodes}
        self._recorder = _Recorder(root, self._nodes, self._operands, {})
        recorder = self._recorder

        def overrides(cls: type) -> dict[str, Any]:
            def __setattr__(node: Node, name: str, value: Any) -> None:
                cls.__setattr__(node, name, value)
                if name == "grad":
                    recorder.assigned(node)

            return {"__setattr__": __setattr__}

        self._undo: Callable[[], None] | None = _swap_classes(self._nodes, overrides)

    def stop(self) -> Steps:
        """Stop recording; the gradients set so far, one step per assignment."""
        if self._undo is not None:
            self._undo()
            self._undo = None
        rec = self._recorder
        return Steps(self.root, self._nodes, rec.start, rec.steps, self._operands, what="gradients set by hand",
                     rankdir=self.rankdir)

    def __repr__(self) -> str:
        state = "recording" if self._undo is not None else "stopped"
        return f"<GradWatch of {_name(self.root)}: {len(self._recorder.steps)} gradients set, {state}>"


def watch_grads(root: Node, *, rankdir: str = "LR") -> GradWatch:
    """Start recording every gradient set in `root`'s graph (by hand, or by `_backward` calls);
    `.stop()` returns the `Steps`, one per assignment.

    The recorder sees an assignment because, until `stop()`, each node of the graph belongs to a
    subclass of its class (same name, no new attributes) that notes every `grad` it is given.
    """
    return GradWatch(root, rankdir)


# --- recording -----------------------------------------------------------------


class _Recorder:
    """Snapshots of every gradient, turned into steps that say what happened."""

    def __init__(self, root: Node, nodes: Sequence[Node], operands: dict, modes: dict[int, str]) -> None:
        self.root, self.nodes, self.operands, self.modes = root, nodes, operands, modes
        self.index = {id(node): i for i, node in enumerate(nodes)}
        self.uses = _uses(nodes, operands)
        self.start = self.last = self.snapshot()
        self.steps: list[Step] = []

    def snapshot(self) -> tuple[float, ...]:
        return tuple(node.grad for node in self.nodes)

    def changed(self, before: Sequence[float], after: Sequence[float]) -> list[Node]:
        return [node for node, x, y in zip(self.nodes, before, after) if not (x == y or (x != x and y != y))]

    def add(self, text: str, node: Node | None, wrote: Sequence[Node], after: tuple[float, ...]) -> None:
        self.steps.append(Step(text, node, tuple(wrote), after))
        self.last = after

    def flush(self) -> None:
        """Gradients changed outside any `_backward` call (backward()'s seed): one step."""
        now = self.snapshot()
        moved = self.changed(self.last, now)
        if not moved:
            return
        texts = []
        for node in moved:
            new = now[self.index[id(node)]]
            if node is self.root and new == 1.0:
                texts.append(_seed_text(node))
            else:
                texts.append(f"{_name(node)}.grad = {_num(new)}, set outside any _backward() call.")
        self.add(" ".join(texts), self.root if any(n is self.root for n in moved) else None, moved, now)

    def call(self, node: Node, backward: Callable[[], None]) -> None:
        """Run one node's `_backward` and record what it did."""
        self.flush()
        before = self.last
        backward()
        after = self.snapshot()
        slots = self.operands[id(node)]
        distinct = list({id(x): x for x in slots}.values())
        name = _name(node)
        if not slots:
            text = f"{name}._backward(): {name} is a leaf, so there is nothing to pass on."
        else:
            g = before[self.index[id(node)]]
            parts = [self._update(x, [i for i, s in enumerate(slots) if s is x], node, g, before, after)
                     for x in distinct]
            text = f"{name}._backward(), the {node._op} rule: " + "; ".join(parts) + "."
        others = [x for x in self.changed(before, after) if all(x is not d for d in distinct)]
        if others:
            text += " It also changed " + ", ".join(
                f"{_name(x)}.grad to {_num(after[self.index[id(x)]])}" for x in others) + "."
        self.add(text, node, distinct + others, after)

    def _update(self, x: Node, slots: list[int], user: Node, g: float, before, after) -> str:
        """What one `_backward` call did to operand x, which fills `slots` of `user`."""
        old, new = before[self.index[id(x)]], after[self.index[id(x)]]
        name, operands = _name(x), self.operands[id(user)]
        locals_ = [_local(user, slot, operands) for slot in slots]
        if any(local is None for local in locals_):
            return f"{name}.grad went from {_num(old)} to {_num(new)}"
        rhs, total = _chain([(local, user, g) for local in locals_])
        both = f" ({name} fills {'both' if len(slots) == 2 else len(slots)} slots)" if len(slots) > 1 else ""
        mode = self.modes.get(id(user))
        if mode != "=" and _close(new, old + total):
            if old == 0 and mode is None:  # nothing tells adding from setting here
                return f"{name}.grad = {rhs}{both}"
            now = f", so {name}.grad is now {_num(new)}" if old != 0 else ""
            return f"{name}.grad += {rhs}{both}{now}"
        last, _ = _chain([(locals_[-1], user, g)])
        if mode != "+=" and _close(new, locals_[-1][0] * g):
            if len(slots) > 1:
                return (f"{name}.grad = {last}, set once per slot: the second write replaced the first, "
                        f"so {name}.grad is {_num(new)}, not the {_num(old + total)} that adding gives")
            if old != 0:
                return f"{name}.grad = {last}, replacing the {_num(old)} it held (adding gives {_num(old + total)})"
            return f"{name}.grad = {last}"
        return f"{name}.grad went from {_num(old)} to {_num(new)}, where the chain rule adds {rhs}"

    def assigned(self, x: Node) -> None:
        """A gradient was set (by hand): one step, explained by the chain rule if it fits."""
        now = self.snapshot()
        old, new = self.last[self.index[id(x)]], x.grad
        name = _name(x)
        uses = self.uses[id(x)]
        terms = []
        for user, slot in uses:
            local = _local(user, slot, self.operands[id(user)])
            if local is not None:
                terms.append((local, user, now[self.index[id(user)]]))
        explained, by = None, None
        if not uses and x is self.root and new == 1.0:
            explained, by = _seed_text(x), x
        elif terms and len(terms) == len(uses):
            rhs, total = _chain(terms)
            users = list({id(user): user for _, user, _ in terms}.values())
            by = users[0] if len(users) == 1 else None
            if old != 0 and _close(new, old + total):
                explained = f"{name}.grad += {rhs}, so {name}.grad is now {_num(new)}."
            elif _close(new, total):
                explained = f"{name}.grad = {rhs}."
            else:
                for term in terms:
                    if _close(new, term[0][0] * term[2]):
                        explained = f"{name}.grad = {_chain([term])[0]}, one of {len(terms)} terms of its gradient."
                        by = term[1]
                        break
        if explained is None:
            explained, by = f"{name}.grad = {_num(new)}.", None
        self.add(explained, by, [x], now)


def _chain(terms: Sequence[tuple[tuple[float, str], Node, float]]) -> tuple[str, float]:
    """A chain-rule sum as text, and its value: each term is (local derivative and how to say it,
    the user, the user's gradient), e.g. "w1.data × (x1*w1).grad = -3.0 × 0.5 = -1.5"."""
    total = sum(local[0] * g for local, _, g in terms)
    formula = " + ".join(f"{local[1]} × {_name(user)}.grad" for local, user, _ in terms)
    numbers = " + ".join(f"{_factor(local[0]) if i else _num(local[0])} × {_factor(g)}"
                         for i, (local, _, g) in enumerate(terms))
    return f"{formula} = {numbers} = {_num(total)}", total


def _seed_text(root: Node) -> str:
    name = _name(root)
    return f"{name}.grad = 1.0: the seed, the output's gradient with respect to itself (d{name}/d{name} = 1)."


def _probe(nodes: Sequence[Node], operands: dict) -> dict[int, str]:
    """Whether each node's `_backward` adds to its operands' gradients ("+=") or sets them ("="),
    found by running it once with every gradient involved at 1.0 (and then back at 0.0)."""
    modes = {}
    for node in nodes:
        slots = operands[id(node)]
        if not slots:
            continue
        distinct = list({id(x): x for x in slots}.values())
        for x in (node, *distinct):
            x.grad = 1.0
        try:
            node._backward()
            verdicts = set()
            for x in distinct:
                locals_ = [_local(node, i, slots) for i, s in enumerate(slots) if s is x]
                if any(local is None for local in locals_):
                    continue
                terms = [local[0] for local in locals_]  # node.grad is 1.0
                if _close(x.grad, 1.0 + sum(terms)):
                    verdicts.add("+=")
                elif _close(x.grad, terms[-1]):
                    verdicts.add("=")
            if len(verdicts) == 1:
                modes[id(node)] = verdicts.pop()
        finally:
            for x in (node, *distinct):
                x.grad = 0.0
    return modes


@contextmanager
def _in_fixed_order(root: Node, recorder: _Recorder | None = None) -> Iterator[None]:
    """While inside, a chapter-style node's `_prev` lists its operands in draw_dot's fixed order
    (traced on entry) instead of a set's changing one; with a `recorder`, every
    `node._backward()` is recorded."""
    nodes, children = _graph(root)

    def overrides(cls: type) -> dict[str, Any]:
        extra: dict[str, Any] = {}
        if not hasattr(cls, "_children"):
            extra["_prev"] = property(lambda node: children[id(node)])
        if recorder is not None:
            def _backward(node: Node) -> Callable[[], None]:
                own = getattr(node, "__dict__", {}).get("_backward")  # a closure set on the node, as in the chapters
                original = own if own is not None else getattr(super(type(node), node), "_backward")
                return lambda: recorder.call(node, original)

            extra["_backward"] = property(_backward)
        return extra

    undo = _swap_classes(nodes, overrides)
    try:
        yield
    finally:
        undo()


def _swap_classes(nodes: Sequence[Node], overrides: Callable[[type], dict[str, Any]]) -> Callable[[], None]:
    """Give each node, for a while, a subclass of its class with `overrides`; return the undo.

    The subclass adds no storage and keeps the class's name, so the nodes behave and print as before.
    """
    originals = [type(node) for node in nodes]
    made: dict[type, type] = {}
    swapped = 0
    try:
        for node, cls in zip(nodes, originals):
            if cls not in made:
                namespace = {"__slots__": (), "__module__": cls.__module__, "__qualname__": cls.__qualname__,
                             **overrides(cls)}
                made[cls] = type(cls.__name__, (cls,), namespace)
            node.__class__ = made[cls]
            swapped += 1
    except TypeError as error:
        for node, cls in zip(nodes[:swapped], originals):
            node.__class__ = cls
        raise TypeError(f"cannot record the steps of a {originals[swapped].__name__}: {error}") from None

    def undo() -> None:
        for node, cls in zip(nodes, originals):
            node.__class__ = cls

    return undo


# --- the graph, and what each operation's rule is -----------------------------


def _graph(root: Node) -> tuple[list[Node], dict[int, tuple[Node, ...]]]:
    """The nodes (each after its operands) and each node's distinct operands, in draw_dot's order."""
    absent = [name for name in _NEEDED if not hasattr(root, name)]
    if absent:
        raise TypeError(f"expected a Value with {', '.join(_NEEDED)}; a {type(root).__name__} has no "
                        f"{', '.join(absent)}")
    nodes, edges = trace(root)
    children: dict[int, list[Node]] = {id(node): [] for node in nodes}
    for child, parent in edges:
        children[id(parent)].append(child)
    return nodes, {key: tuple(value) for key, value in children.items()}


def _uses(nodes: Sequence[Node], operands: dict) -> dict[int, list[tuple[Node, int]]]:
    """For each node, the (user, slot) pairs of the operations that take it as an operand."""
    uses: dict[int, list[tuple[Node, int]]] = {id(node): [] for node in nodes}
    for user in nodes:
        for slot, x in enumerate(operands[id(user)]):
            uses[id(x)].append((user, slot))
    return uses


def _slots(node: Node, children: dict) -> tuple[Node, ...]:
    """The operand in each slot of `node`'s operation: `a + a` gives (a, a)."""
    if hasattr(node, "_children"):  # the shipped Value keeps its operands in order, twice if used twice
        return tuple(node._children)
    distinct = children[id(node)]
    if node._op in _BINARY and len(distinct) == 1:  # a chapter-style set holds a + a's operand once
        return distinct * 2
    return distinct


def _local(node: Node, slot: int, slots: Sequence[Node]) -> tuple[float, str] | None:
    """d(node)/d(the operand in `slot`), and how to say it; None for an operation not known here."""
    op, x, name = node._op, slots[slot], _name(node)
    try:
        if op == "+":
            return 1.0, "1"
        if op == "-" and len(slots) == 2 and hasattr(node, "_children"):  # only the shipped Value keeps the order
            return (1.0, "1") if slot == 0 else (-1.0, "-1")
        if op == "*" and len(slots) == 2:
            other = slots[1 - slot]
            return float(other.data), f"{_name(other)}.data"
        if op == "tanh":
            return 1 - node.data**2, f"(1 - {name}.data²)"
        if op == "exp":
            return float(node.data), f"{name}.data"
        if op == "log":
            return 1 / x.data, f"1/{_name(x)}.data"
        if op in ("ReLU", "relu"):
            return float(node.data > 0), f"({name}.data > 0)"
        if op == "sigmoid":
            return node.data * (1 - node.data), f"{name}.data × (1 - {name}.data)"
        if op.startswith("**") and len(slots) == 1:
            k = float(op[2:])
            k = int(k) if k.is_integer() else k
            d = k * x.data ** (k - 1)
            if isinstance(d, complex):
                return None
            power = "" if k - 1 == 1 else f"**{k - 1}"
            return float(d), f"{k} × {_name(x)}.data{power}"
    except (ValueError, ZeroDivisionError, OverflowError):
        return None
    return None


def _name(node: Node) -> str:
    """How the steps name a node: its label (in brackets if it is not a plain name), else its operation and value."""
    label = node.label
    if label:
        return label if label.isidentifier() else f"({label})"
    return f"[{node._op} {_grad_text(node.data)}]" if node._op else f"[data {_grad_text(node.data)}]"


def _grad_text(x: float) -> str:
    """x as draw_dot shows it: 4 decimals, and no "-0.0000"."""
    text = f"{x:.4f}"
    return "0.0000" if text == "-0.0000" else text


def _num(x: float) -> str:
    """x rounded to the 4 decimals the graph shows, as Python prints it."""
    r = round(float(x), 4)
    return repr(0.0 if r == 0 else r)


def _factor(x: float) -> str:
    """A number after a ×: in brackets when negative."""
    text = _num(x)
    return f"({text})" if text.startswith("-") else text


def _close(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)
