"""Copies and pickles of `Value` graphs of any depth, without recursion.

`copy.deepcopy` and `pickle` follow an object's references with one nested call per level, so a
graph more than a few hundred nodes deep (any long `sum()` of Values) would exhaust Python's
stack. `Value.__deepcopy__` and `Value.__reduce__` hand them the graph in topological order
instead, operands before the nodes that use them. Every node is then copied or pickled when its
operands already are, one level deep, whatever the depth of the graph.

Both keep the graph's shape: a node used twice is copied once, and a node that is also referred to
from outside the graph (a parameter of a model, say, pickled together with a loss) stays one node.
Each node keeps its `data`, `grad`, `label` and `_op`, and the time taken is linear in the
graph's size, also when many of its nodes are copied or pickled one after another.
"""

from __future__ import annotations

import copy as _copy
import copyreg
import threading
from operator import attrgetter
from typing import Any, Callable

_ATOMIC = (float, int, str, type(None))  # immutable: a copy may share them


_FIELDS: dict[type, tuple[tuple[str, ...], Callable[[Any], Any], bool]] = {}


def _fields(cls: type) -> tuple[tuple[str, ...], Callable[[Any], Any], bool]:
    """The slots of `cls` and its bases but the walk mark, a getter of their values, and whether
    `cls` has the mark (a computed node)."""
    names: list[str] = []
    for klass in reversed(cls.__mro__):
        slots = klass.__dict__.get("__slots__", ())
        names += [slots] if isinstance(slots, str) else slots
    fields = tuple(name for name in names if name not in ("_mark", "__dict__", "__weakref__"))
    getter = attrgetter(*fields)
    values = getter if len(fields) > 1 else lambda node: (getter(node),)
    return _FIELDS.setdefault(cls, (fields, values, "_mark" in names))


def _state(node: Any) -> dict[str, Any]:
    """`node`'s slots as a dict, with a computed node's walk mark cleared: what pickle restores."""
    names, values, marked = _FIELDS.get(type(node)) or _fields(type(node))
    state = dict(zip(names, values(node)))
    if marked:
        state["_mark"] = None
    return state


def _restore(cls: type, state: dict[str, Any], extra: dict[str, Any] | None) -> Any:
    node = object.__new__(cls)
    for name, value in state.items():
        setattr(node, name, value)
    if extra:
        node.__dict__.update(extra)
    return node


def copy(node: Any) -> Any:
    """`copy.copy` of `node`: a new node with the same fields, so the same operands."""
    extra = getattr(node, "__dict__", None)
    return _restore(type(node), _state(node), dict(extra) if extra else None)


def _unseen_in_order(root: Any, memo: dict[int, Any] | set[int]) -> list[Any]:
    """The nodes under `root` (leaves too) whose ids `memo` does not hold, operands first.

    Unlike the walk of `backward` it stops at nodes done already, so copying or pickling many nodes
    of one graph, one after the other, walks each node once.
    """
    order: list[Any] = []
    seen = set()
    stack = [root]
    while stack:
        node = stack.pop()
        if node is None:  # the marker: the operands of the node below it are all in `order`
            order.append(stack.pop())
        elif id(node) not in seen and id(node) not in memo:
            seen.add(id(node))
            stack += (node, None)
            if node._b is not None:
                stack.append(node._b)
            if node._a is not None:  # on top, so visited first
                stack.append(node._a)
    return order


def deepcopy(root: Any, memo: dict[int, Any]) -> Any:
    """`copy.deepcopy` of `root`: the graph under it copied node by node, operands first."""
    keep = memo.setdefault(id(memo), [])  # as copy.deepcopy does: the originals outlive the copying
    for node in _unseen_in_order(root, memo):
        state = _state(node)
        for name, value in state.items():
            if name in ("_a", "_b") and value is not None:
                state[name] = memo[id(value)]  # an operand: copied already
            elif type(value) not in _ATOMIC:
                state[name] = _copy.deepcopy(value, memo)  # a label that is not a string, say
        extra = getattr(node, "__dict__", None)
        memo[id(node)] = _restore(type(node), state, _copy.deepcopy(extra, memo) if extra else None)
        keep.append(node)
    return memo[id(root)]


class _Pending(threading.local):
    """Per thread: ids of the computed nodes pickled, or being pickled, by the picklers at work."""

    def __init__(self) -> None:
        self.ids: set[int] = set()


_pending = _Pending()


class _Batch:
    """The ids of one graph's nodes in `_pending`, for as long as a pickler remembers the graph.

    Pickle keeps every object it has written in its memo, this one too, until it is done (or its
    memo is cleared): so while the ids are pending, the nodes are in the memo, and a later graph
    that shares them is walked only as far as them. Whether an id is pending only ever chooses
    between two correct ways to pickle a node (with its graph, or one level deep).
    """

    def __init__(self, ids: set[int]) -> None:
        self.ids = ids
        _pending.ids.update(ids)

    def __del__(self) -> None:
        _pending.ids.difference_update(self.ids)

    def __reduce__(self) -> tuple[Any, ...]:
        return _nothing, ()


def _nothing() -> None:
    """What a `_Batch` unpickles to."""


def _last(nodes: list[Any], _: None) -> Any:
    """The root of a graph pickled as its computed nodes in topological order."""
    return nodes[-1]


def reduce(node: Any) -> tuple[Any, ...]:
    """`pickle`'s reduce value for `node`.

    A leaf, or a node whose operands are already pickled or being pickled, is one level deep: its
    class and slots, restored by pickle itself. Any other node is the list of the computed nodes
    of its graph that are not pickled yet, in topological order, itself last, each pickled one
    level deep in turn; pickle meets the node itself inside that list, and keeps what it made of
    it there.
    """
    if node._a is None or id(node) in _pending.ids:
        return copyreg.__newobj__, (type(node),), (getattr(node, "__dict__", None), _state(node))
    order = [n for n in _unseen_in_order(node, _pending.ids) if n._a is not None]
    return _last, (order, _Batch({id(n) for n in order}))
