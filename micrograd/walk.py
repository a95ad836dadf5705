"""The order of a backward pass: a graph's computed nodes, each after the nodes it depends on.

`Value.backward` calls the chain rule of every node in the reverse of this order, so that a
node's gradient is complete before it is passed on (chapter 7 builds the same order recursively).
Here the walk keeps its own stack, so a graph of any depth can be walked, and marks the nodes it
has seen in their `_mark` slot rather than in a set: a set would add some 40 bytes for every node.
Leaves are left out, since they have nothing to pass back.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from micrograd.engine import Value


def topological_order(root: Value) -> list[Value]:
    """The computed nodes `root` depends on (not the leaves), each after its operands, in order."""
    order: list[Value] = []
    stack: list[Any] = []  # explicit, so depth is not limited by recursion
    opened, done = object(), object()  # new marks for every walk: one cut short leaves none that counts
    node = root if root._a is not None else None
    while True:
        while node is not None and node._mark is not done:  # open node, then its first operand, ...
            node._mark = opened
            stack.append(node)
            if node._b is not None and node._b._a is not None:
                stack.append(node._b)  # visited after the first operand's subgraph
            node = node._a if node._a._a is not None else None
        if not stack:
            return order
        node = stack.pop()
        if node._mark is opened:  # back at an opened node: its operands are all in `order`
            node._mark = done
            order.append(node)
            node = None
