"""Tests of micrograd.engine: every operation's value and gradient, the
original's API, accumulation, robustness, depth, and the line budget."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Callable

import numpy as np
import pytest
from hypothesis import given, reject, settings

import micrograd.engine
from micrograd.engine import Value
from micrograd.walk import topological_order
from tests.micrograd.expressions import VALUES, evaluate, expressions, variables

ENGINE_LINE_BUDGET = 200


def grads(*values: Value) -> list[float]:
    return [v.grad for v in values]


# --- construction and the original's attributes ---------------------------------------------


def test_attributes_and_repr() -> None:
    v = Value(2.0, label="v")
    assert (v.data, v.grad, v.label, v._op) == (2.0, 0.0, "v", "")
    assert v._prev == set() and v._children == ()
    assert repr(Value(2.0)) == "Value(data=2.0)"
    v._backward()  # a leaf's rule does nothing, as in the original


def test_children_and_op_are_recorded() -> None:
    a, b = Value(2.0), Value(-3.0)
    c = a * b
    assert c._op == "*" and c._children == (a, b) and c._prev == {a, b}
    assert (b * a)._children == (b, a)  # operand order, not set order
    assert (a - b)._op == "-" and a.tanh()._op == "tanh" and a.relu()._op == "ReLU"
    assert (a**2)._op == "**2" and a.exp()._op == "exp" and (a**0.5)._op == "**0.5"


def test_a_node_built_by_hand_stops_gradients_as_in_the_original() -> None:
    a, b = Value(1.0), Value(2.0)
    c = Value(3.0, (a, b), "+", label="c")
    out = c * 2
    out.backward()
    assert isinstance(c, Value) and c.grad == 2.0 and (a.grad, b.grad) == (0.0, 0.0)
    assert Value(1.0, _op="x")._op == "x" and Value(1.0)._op == ""


def test_leaves_and_nodes_are_small() -> None:
    # a leaf is 3 slots, a node 5 more, and neither has a __dict__: memory per node is the point
    assert Value.__slots__ == ("data", "grad", "label")
    assert type(Value(1.0) + 1).__slots__ == ("_op", "_a", "_b", "_d", "_mark")


def test_constructor_signature_of_the_original() -> None:
    a, b = Value(1.0), Value(2.0)
    c = Value(3.0, (a, b), "+", label="c")
    assert c._children == (a, b) and c._op == "+" and c.label == "c"
    with pytest.raises(ValueError, match="at most two children, got 3"):
        Value(0.0, (a, b, c))


@pytest.mark.parametrize("data", [3, 2.5, -0.0, np.float64(1.5), np.float32(1.5), np.int64(3), float("inf")])
def test_numbers_are_accepted_and_stored_as_float(data: object) -> None:
    v = Value(data)  # type: ignore[arg-type]
    assert type(v.data) is float and v.data == float(data)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("data", "name"), [("abc", "str"), (None, "NoneType"), ([1.0], "list"), (True, "bool"), (1j, "complex")]
)
def test_non_numbers_are_refused_naming_the_type(data: object, name: str) -> None:
    with pytest.raises(TypeError, match=rf"not {name}\b"):
        Value(data)  # type: ignore[arg-type]


# --- each operation: value and local gradient ------------------------------------------------


def test_add_mul_sub() -> None:
    a, b = Value(2.0), Value(-3.0)
    out = a * b + a - b  # -6 + 2 + 3
    out.backward()
    assert out.data == -1.0
    assert grads(a, b) == [b.data + 1, a.data - 1]


@pytest.mark.parametrize(
    ("make", "value", "grad"),
    [
        (lambda v: 2 * v, 6.0, 2.0),
        (lambda v: v * 2, 6.0, 2.0),
        (lambda v: 1 + v, 4.0, 1.0),
        (lambda v: v + 1, 4.0, 1.0),
        (lambda v: 1 - v, -2.0, -1.0),
        (lambda v: v - 1, 2.0, 1.0),
        (lambda v: 1 / v, 1 / 3, -1 / 9),
        (lambda v: v / 2, 1.5, 0.5),
        (lambda v: -v, -3.0, -1.0),
        (lambda v: v**2, 9.0, 6.0),
        (lambda v: v**-1, 1 / 3, -1 / 9),
        (lambda v: v**0.5, math.sqrt(3), 0.5 / math.sqrt(3)),
        (lambda v: v**0, 1.0, 0.0),
        (lambda v: v.exp(), math.exp(3), math.exp(3)),
        (lambda v: v.log(), math.log(3), 1 / 3),
        (lambda v: v.tanh(), math.tanh(3), 1 - math.tanh(3) ** 2),
        (lambda v: v.relu(), 3.0, 1.0),
        (lambda v: (-v).relu(), 0.0, 0.0),
        (lambda v: v.sigmoid(), 1 / (1 + math.exp(-3)), math.exp(-3) / (1 + math.exp(-3)) ** 2),
        (lambda v: (-v).sigmoid(), 1 / (1 + math.exp(3)), -math.exp(-3) / (1 + math.exp(-3)) ** 2),
    ],
)
def test_operation_value_and_gradient(make: Callable[[Value], Value], value: float, grad: float) -> None:
    v = Value(3.0)
    out = make(v)
    out.backward()
    assert out.data == pytest.approx(value, rel=1e-15)
    assert v.grad == pytest.approx(grad, rel=1e-12)


def test_numpy_scalars_on_either_side() -> None:
    v = Value(3.0)
    for out in (np.int64(-1) * v, v * np.float64(2.0), np.float64(1.0) - v, v + np.float32(1.0)):
        assert isinstance(out, Value) and type(out.data) is float


def test_division_is_multiplication_by_the_reciprocal_as_in_the_original() -> None:
    a, b = Value(1.0), Value(3.0)
    assert (a / b).data == 1.0 * 3.0**-1
    assert (a / b)._op == "*"


def test_the_lecture_neuron() -> None:
    x1, x2 = Value(2.0, label="x1"), Value(0.0, label="x2")
    w1, w2 = Value(-3.0, label="w1"), Value(1.0, label="w2")
    b = Value(6.8813735870195432, label="b")
    n = x1 * w1 + x2 * w2 + b
    o = n.tanh()
    o.backward()
    assert n.data == pytest.approx(0.8813735870195432)
    assert o.data == pytest.approx(0.7071067811865476)
    assert n.grad == pytest.approx(0.5)
    assert grads(x1, w1, x2, w2, b) == pytest.approx([-1.5, 1.0, 0.5, 0.0, 0.5])


def test_tanh_of_two() -> None:
    v = Value(2.0)
    t = v.tanh()
    t.backward()
    assert t.data == pytest.approx(0.964027580075817, rel=1e-15)
    assert v.grad == pytest.approx(0.0706508248531642, rel=1e-13)


# --- backward: accumulation, order, depth ------------------------------------------------------


def test_a_node_used_twice_accumulates() -> None:
    a = Value(3.0)
    b = a + a
    b.backward()
    assert a.grad == 2.0


def test_lecture_example_of_accumulation() -> None:
    a, b = Value(-2.0), Value(3.0)
    f = (a * b) * (a + b)
    f.backward()
    assert grads(a, b) == [-3.0, -8.0]


def test_backward_twice_accumulates_into_leaves_like_pytorch() -> None:
    x = Value(1.5)
    m = x * 2.0
    out = m * 3.0
    out.backward()
    assert (x.grad, m.grad, out.grad) == (6.0, 3.0, 1.0)
    out.backward()  # leaves add up; computed nodes are recomputed from zero
    assert (x.grad, m.grad, out.grad) == (12.0, 3.0, 1.0)


def test_backward_from_a_leaf() -> None:
    x = Value(1.0)
    x.backward()
    x.backward()
    assert x.grad == 2.0


def test_backward_of_two_outputs_sharing_a_subgraph_adds_their_gradients() -> None:
    x = Value(2.0)
    shared = x * x
    first, second = shared + 1.0, shared * 3.0
    first.backward()
    second.backward()
    assert x.grad == pytest.approx(4.0 + 12.0)


def test_manual_backward_in_reverse_topological_order() -> None:
    a, b = Value(2.0), Value(-3.0)
    c = a * b
    d = c + a
    d.grad = 1.0
    for node in (d, c, b, a):
        node._backward()
    assert grads(a, b) == [-3.0 + 1.0, 2.0]


def test_many_paths_are_visited_once() -> None:
    x = Value(1.0)
    y = x
    for _ in range(200):  # 2**200 paths from y to x
        y = y + y
    y.backward()
    assert x.grad == 2.0**200


def test_topological_order_is_deterministic_and_children_first() -> None:
    a, b = Value(1.0, label="a"), Value(2.0, label="b")
    c = (a * b).tanh() + b
    order = topological_order(c)
    position = {node: i for i, node in enumerate(order)}
    assert order[-1] is c and len(order) == 3  # the computed nodes: leaves have nothing to pass back
    assert all(position[child] < position[node] for node in order for child in node._children if child._op)
    assert [node._op for node in order] == ["*", "tanh", "+"]


def _recursive_order(root: Value) -> list[Value]:
    """Chapter 7's recursive topological sort over ordered operands: the order of the old engine."""
    order: list[Value] = []
    seen: set[Value] = set()

    def visit(node: Value) -> None:
        if node not in seen:
            seen.add(node)
            for child in node._children:
                visit(child)
            order.append(node)

    visit(root)
    return [node for node in order if node._children]


@settings(max_examples=100, deadline=None)
@given(expr=expressions(), xs=variables())
def test_the_walk_gives_the_order_of_a_recursive_depth_first_search(expr: tuple, xs: list[float]) -> None:
    try:  # the order decides in which order gradients add up, so it decides the last bits
        out = evaluate(expr, [Value(x) for x in xs], VALUES)
    except (ArithmeticError, ValueError):
        reject()
    assert topological_order(out) == _recursive_order(out)


@settings(max_examples=100, deadline=None)
@given(expr=expressions(), xs=variables())
def test_backward_gives_the_grads_of_one_backward_call_per_node(expr: tuple, xs: list[float]) -> None:
    try:  # backward() runs the chain rule in one loop; each node's own _backward must agree to the bit
        leaves = [Value(x) for x in xs]
        out = evaluate(expr, leaves, VALUES)
    except (ArithmeticError, ValueError):
        reject()
    try:
        out.backward()
    except (ArithmeticError, ValueError):
        reject()
    order = topological_order(out)
    expected = [g.hex() for g in grads(*order, *leaves)]  # bits, and a nan equal to a nan
    for node in order + leaves:
        node.grad = 0.0
    out.grad = 1.0
    for node in reversed(order):
        node._backward()
    assert [g.hex() for g in grads(*order, *leaves)] == expected


def test_the_walk_can_zero_the_grads_of_what_it_places() -> None:
    x, w = Value(2.0), Value(3.0)
    y = (x * w + x).relu() * Value(1.0, (x, w), "given")
    for v in (x, w):
        v.grad = 5.0
    order = topological_order(y)
    for node in order:
        node.grad = 7.0
    assert topological_order(y, zero_grads=True) == order
    assert [node.grad for node in order] == [0.0] * len(order) and grads(x, w) == [5.0, 5.0]  # leaves keep theirs


def test_a_walk_cut_short_leaves_no_mark_that_counts() -> None:
    x = Value(2.0)
    y = (x * x + x).relu()
    for node in topological_order(y)[:1]:
        node._mark = object()  # as if an earlier walk had stopped here
    assert topological_order(y) == _recursive_order(y)


def _chain(n: int) -> tuple[Value, Value]:
    """x and y = x * 1 * 1 * ... (n multiplications)."""
    x, one = Value(1.0), Value(1.0)
    y = x
    for _ in range(n):
        y = y * one
    return x, y


def test_backward_on_a_chain_of_a_million_operations() -> None:
    x, y = _chain(1_000_000)
    y.backward()  # no RecursionError
    assert x.grad == 1.0
    del y  # freeing a million-deep graph must not overflow the C stack either


# --- robustness ----------------------------------------------------------------------------------


@pytest.mark.parametrize("op", ["+", "-", "*", "/", "r+", "r-", "r*", "r/"])
def test_unsupported_operand_raises_type_error(op: str) -> None:
    v = Value(1.0)
    ops = {
        "+": lambda: v + "x", "-": lambda: v - "x", "*": lambda: v * "x", "/": lambda: v / "x",
        "r+": lambda: "x" + v, "r-": lambda: "x" - v, "r*": lambda: [1] * v, "r/": lambda: "x" / v,
    }
    with pytest.raises(TypeError):
        ops[op]()


def test_adding_a_string_names_both_types() -> None:
    with pytest.raises(TypeError, match=r"unsupported operand type\(s\) for \+: 'Value' and 'str'"):
        Value(1.0) + "x"  # type: ignore[operator]


def test_bool_operand_is_refused() -> None:
    with pytest.raises(TypeError):
        Value(1.0) + True  # noqa: B015


@pytest.mark.parametrize("exponent", [Value(3.0), "2", None])
def test_only_number_exponents(exponent: object) -> None:
    with pytest.raises(TypeError, match="only int/float exponents are supported"):
        Value(2.0) ** exponent  # type: ignore[operator]


def test_power_edge_cases() -> None:
    with pytest.raises(ValueError, match="not a real number"):
        Value(-8.0) ** 0.5
    with pytest.raises(ValueError, match="not a real number"):
        Value(-10.0) ** 400.5  # Python's complex power overflows here: still not a real number
    with pytest.raises(ZeroDivisionError, match="^division by zero$"):
        Value(0.0) ** -1
    for n, slope in [(0.5, math.inf), (0, 0.0), (1, 1.0), (2, 0.0)]:
        x = Value(0.0)
        (x**n).backward()
        assert x.grad == slope, n
    tiny = Value(5e-324)
    (tiny**0.001).backward()  # x**(n-1) overflows: the slope is inf, not an error
    assert tiny.grad == math.inf


# --- one rule for overflow: IEEE 754's, as in NumPy and PyTorch ----------------------------------

BIG, TINY = 1e308, 1e-320
OVERFLOWS = {  # every operation at a point where it overflows: (x, out(x), out(x), d out/dx)
    "+": (BIG, lambda x: x + BIG, math.inf, 1.0),
    "r+": (BIG, lambda x: BIG + x, math.inf, 1.0),
    "-": (BIG, lambda x: x - (-BIG), math.inf, 1.0),
    "r-": (BIG, lambda x: -BIG - x, -math.inf, -1.0),
    "*": (BIG, lambda x: x * 10, math.inf, 10.0),
    "r*": (BIG, lambda x: -10 * x, -math.inf, -10.0),
    "neg": (BIG, lambda x: -(x * 10), -math.inf, -10.0),
    "/": (BIG, lambda x: x / 0.1, math.inf, 10.0),
    "r/": (TINY, lambda x: 1 / x, math.inf, -math.inf),  # d(1/x)/dx = -1/x**2 overflows too
    "**": (BIG, lambda x: x**2, math.inf, math.inf),
    "** odd": (BIG, lambda x: (-x) ** 3, -math.inf, -math.inf),
    "** -1": (1.0, lambda x: (x * TINY) ** -1, math.inf, -math.inf),
    "** -1 of a negative": (1.0, lambda x: (x * -TINY) ** -1, -math.inf, math.inf),
    "exp": (BIG, lambda x: (x * 1e-305).exp(), math.inf, math.inf),
    "log": (BIG, lambda x: (x * 10).log(), math.inf, 0.0),  # log(inf) = inf, slope 1/inf = 0
    "tanh": (BIG, lambda x: (x * 10).tanh(), 1.0, 0.0),  # saturates: nothing to overflow
    "sigmoid": (BIG, lambda x: (x * 10).sigmoid(), 1.0, 0.0),
    "relu": (BIG, lambda x: (x * 10).relu(), math.inf, 10.0),
}


@pytest.mark.parametrize("name", list(OVERFLOWS))
def test_overflow_gives_inf_in_every_operation_and_its_gradient(name: str) -> None:
    start, make, value, slope = OVERFLOWS[name]
    x = Value(start)
    out = make(x)  # never an OverflowError
    out.backward()
    assert (out.data, x.grad) == (value, slope)


def test_overflow_matches_numpy() -> None:
    with np.errstate(over="ignore"):
        for x, y in [(1e308, 10.0), (-1e308, 10.0), (1e200, 1e200)]:
            assert (Value(x) * y).data == float(np.float64(x) * np.float64(y))
        assert Value(10.0).__pow__(400).data == float(np.power(np.float64(10.0), 400))
        assert Value(1000.0).exp().data == float(np.exp(np.float64(1000.0)))


def test_gradients_overflow_to_inf_too() -> None:
    x = Value(1.0)
    y = x * 1e200 * 1e200  # dy/dx = 1e200 * 1e200, too large for a float
    y.backward()
    assert y.data == math.inf and x.grad == math.inf


def test_an_int_too_large_for_a_float_is_refused_as_float_does() -> None:
    with pytest.raises(OverflowError, match="int too large to convert to float"):
        Value(10**400)
    with pytest.raises(OverflowError, match="int too large to convert to float"):
        Value(2.0) * 10**400


def test_composite_division_where_the_reciprocal_overflows() -> None:
    assert (Value(1.0) / Value(1e-320)).data == 1.0 / 1e-320 == math.inf
    assert math.isnan((Value(0.0) / Value(1e-320)).data)  # 0 * inf, where 0.0 / 1e-320 is 0: a * b**-1


@pytest.mark.parametrize(
    "divide", [lambda: Value(1.0) / Value(0.0), lambda: Value(1.0) / 0, lambda: 1 / Value(0.0),
               lambda: Value(1.0) / Value(-0.0), lambda: Value(2.0) / np.float64(0.0)],
)
def test_division_by_zero_says_so_as_python_does(divide: Callable[[], Value]) -> None:
    with pytest.raises(ZeroDivisionError, match="^division by zero$"):
        divide()


@pytest.mark.parametrize("x", [1000.0, -1000.0, 1e308, -1e308])
def test_tanh_saturates_without_overflow(x: float) -> None:
    v = Value(x)
    t = v.tanh()
    t.backward()
    assert t.data == math.copysign(1.0, x)
    assert v.grad == 0.0


@pytest.mark.parametrize("x", [1000.0, -1000.0])
def test_sigmoid_saturates_without_overflow(x: float) -> None:
    v = Value(x)
    s = v.sigmoid()
    s.backward()
    assert s.data == (1.0 if x > 0 else 0.0)
    assert v.grad == 0.0


def test_exp_of_a_large_input_is_inf() -> None:
    x = Value(1000.0)
    y = x.exp()
    y.backward()
    assert (y.data, x.grad) == (math.inf, math.inf)
    assert Value(-1000.0).exp().data == 0.0


@pytest.mark.parametrize("x", [0.0, -1.0, float("nan")])
def test_log_of_non_positive_names_the_input(x: float) -> None:
    with pytest.raises(ValueError, match=rf"^log\({x!r}\): input must be positive$"):
        Value(x).log()


# --- readability ---------------------------------------------------------------------------------


def test_engine_fits_its_line_budget() -> None:
    lines = Path(micrograd.engine.__file__).read_text(encoding="utf-8").splitlines()
    assert len(lines) <= ENGINE_LINE_BUDGET, f"engine.py has {len(lines)} lines, budget {ENGINE_LINE_BUDGET}"


def test_value_is_slotted() -> None:
    assert not hasattr(Value(1.0), "__dict__")  # one object per node, and fast attribute access
