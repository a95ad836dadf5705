"""Tests of micrograd.copying: copy.deepcopy, copy.copy and pickle of Value graphs of any depth."""

from __future__ import annotations

import copy
import pickle
import sys
from typing import Any, Callable

import pytest

from micrograd import MLP, Value, copying
from micrograd.walk import topological_order

DEEP = 20_000  # far deeper than the recursion limit (1000) that copy and pickle used to hit

ROUND_TRIPS: dict[str, Callable[[Any], Any]] = {
    "deepcopy": copy.deepcopy,
    "pickle": lambda obj: pickle.loads(pickle.dumps(obj)),
    "pickle protocol 2": lambda obj: pickle.loads(pickle.dumps(obj, protocol=2)),
    "pure-Python pickle": lambda obj: pickle.loads(pickle._dumps(obj)),  # type: ignore[attr-defined]
}


def every_operation() -> tuple[Value, list[Value]]:
    """A graph using every operation, a node used twice and a node built by hand, after backward."""
    a, b = Value(2.0, label="a"), Value(-3.0, label="b")
    shared = a * b
    shared.label = "shared"
    hand = Value(0.5, (a,), "hand")
    out = shared + shared - b / 4 + (2 - a) ** 2 + (-b).exp().log() + shared.tanh() * a.relu()
    out = out + a.sigmoid() + 1 / (b * b) + hand
    out.label = "out"
    out.backward()
    return out, [a, b, shared, hand]


def nodes_of(root: Value) -> list[Value]:
    seen: dict[int, Value] = {}
    stack = [root]
    while stack:
        node = stack.pop()
        if id(node) not in seen:
            seen[id(node)] = node
            stack.extend(node._children)
    return list(seen.values())


def describe(root: Value) -> list[tuple[Any, ...]]:
    """Every node's data, grad, label, op and operands (as positions): the graph, ids aside."""
    nodes = nodes_of(root)
    where = {id(n): i for i, n in enumerate(nodes)}
    return [(type(n).__name__, n.data, n.grad, n.label, n._op, getattr(n, "_n", None),
             tuple(where[id(c)] for c in n._children)) for n in nodes]


@pytest.mark.parametrize("trip", list(ROUND_TRIPS))
def test_a_graph_of_every_operation_round_trips(trip: str) -> None:
    out, _ = every_operation()
    back = ROUND_TRIPS[trip](out)
    assert back is not out
    assert describe(back) == describe(out)  # data, grad, label, op and the shape, node for node
    assert not set(map(id, nodes_of(back))) & set(map(id, nodes_of(out)))  # all new nodes


@pytest.mark.parametrize("trip", list(ROUND_TRIPS))
def test_a_node_used_twice_stays_one_node(trip: str) -> None:
    out, _ = every_operation()
    back = ROUND_TRIPS[trip](out)
    shared = [n for n in nodes_of(back) if n.label == "shared"]
    assert len(shared) == 1
    plus = [n for n in nodes_of(back) if n._op == "+" and n._a is shared[0] and n._b is shared[0]]
    assert len(plus) == 1


@pytest.mark.parametrize("trip", list(ROUND_TRIPS))
def test_nodes_referred_to_from_outside_the_graph_stay_shared(trip: str) -> None:
    out, (a, b, shared, hand) = every_operation()
    back_out, back_a, back_shared = ROUND_TRIPS[trip]([out, a, shared])
    assert back_a in nodes_of(back_out) and back_shared in nodes_of(back_out)
    assert [n for n in nodes_of(back_out) if n.label == "a"] == [back_a]


@pytest.mark.parametrize("trip", list(ROUND_TRIPS))
def test_a_model_and_its_loss_round_trip_together(trip: str) -> None:
    model = MLP(2, [3, 1])
    loss = (model([1.0, -2.0]) - 1.0) ** 2
    loss.backward()
    back_model, back_loss = ROUND_TRIPS[trip]((model, loss))
    leaves = {id(n) for n in nodes_of(back_loss)}
    assert all(id(p) in leaves for p in back_model.parameters())
    assert [p.grad for p in back_model.parameters()] == [p.grad for p in model.parameters()]
    back_model.zero_grad()
    back_loss.backward()  # the copy works as a graph, and leaves the original alone
    assert [p.grad for p in back_model.parameters()] == [p.grad for p in model.parameters()]
    assert back_loss.data == loss.data


def chain(n: int) -> Value:
    y = Value(1.0, label="x")
    for _ in range(n):
        y = y + 1  # each step makes a node and a constant leaf, as issue 10's repro does
    return y


@pytest.mark.parametrize(("trip", "depth"), [(t, DEEP // 4 if "Python" in t else DEEP) for t in ROUND_TRIPS])
def test_a_graph_far_deeper_than_the_recursion_limit_round_trips(trip: str, depth: int) -> None:
    assert depth >= 5 * sys.getrecursionlimit()
    y = chain(depth)
    y.backward()
    back = ROUND_TRIPS[trip](y)
    assert (back.data, back.grad, back._op) == (depth + 1.0, 1.0, "+")
    order = topological_order(back)
    assert len(order) == depth and order[0]._a.label == "x" and order[0]._a.grad == 1.0
    back.backward()
    assert order[0]._a.grad == 2.0  # the copied leaf accumulates; the original's stays 1
    assert topological_order(y)[0]._a.grad == 1.0


@pytest.mark.parametrize("trip", list(ROUND_TRIPS))
def test_the_nodes_of_a_deep_graph_one_by_one(trip: str) -> None:
    order = topological_order(chain(DEEP // 4))  # each node finds the ones before it done already
    back = ROUND_TRIPS[trip](order)
    assert all(back[i]._a is back[i - 1] for i in range(1, len(back)))
    assert [n.data for n in back] == [n.data for n in order]


def test_pickling_leaves_no_trace_even_when_it_fails() -> None:
    y = chain(2_000)
    pickle.dumps(y)
    assert not copying._pending.ids
    y._a.label = lambda: None  # type: ignore[assignment]  # a label pickle cannot take
    with pytest.raises((pickle.PicklingError, AttributeError, TypeError)):
        pickle.dumps(y)
    assert not copying._pending.ids


def test_copy_is_a_new_node_with_the_same_operands() -> None:
    a, b = Value(2.0), Value(3.0)
    c = a * b
    c.label = "c"
    d = copy.copy(c)
    assert d is not c and (d.data, d.label, d._op) == (6.0, "c", "*") and d._children == (a, b)
    d.backward()
    assert (a.grad, b.grad) == (3.0, 2.0)
    leaf = copy.copy(a)
    assert leaf is not a and leaf.data == a.data and leaf._children == ()


def test_labels_that_are_not_strings_are_deep_copied() -> None:
    a = Value(1.0)
    a.label = ["a", "list"]  # type: ignore[assignment]
    b = copy.deepcopy(a * 2)
    assert b._a.label == ["a", "list"] and b._a.label is not a.label
