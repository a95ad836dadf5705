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


def topological_order(root: Value, zero_grads: bool = False) -> list[Value]:
    """The computed nodes `root` depends on (not the leaves), each after its operands, in order.
    With `zero_grads`, each node's grad is set to 0.0 as it is placed, which `backward` needs first:
    one pass over a large graph instead of two (its nodes do not stay in the processor's caches)."""
    order: list[Value] = []
    stack: list[Any] = []  # explicit, so depth is not limited by recursion
    opened, done = object(), object()  # new marks for every walk: one cut short leaves none that counts
    if root._a is None:
        return order
    node = root
    while True:  # enter `node`, which is not done: open it and go down its first operand, or place it
        a, b = node._a, node._b
        if b is not None and b._a is not None and b._mark is not done:
            node._mark = opened
            stack.append(node)
            stack.append(b)  # entered after the first operand's subgraph, then node is placed
            if a._a is not None and a._mark is not done:
                node = a
                continue
        elif a._a is not None and a._mark is not done:
            node._mark = opened
            stack.append(node)
            node = a
            continue
        else:  # its operands are leaves or placed already: placed at once, never stacked
            node._mark = done
            order.append(node)
            if zero_grads:
                node.grad = 0.0
        while stack:  # back up: place the opened nodes whose operands are all placed, up to a new one
            node = stack.pop()
            if node._mark is opened:
                node._mark = done
                order.append(node)
                if zero_grads:
                    node.grad = 0.0
            elif node._mark is not done:
                break
        else:
            return order
