"""Recording the backward pass step by step (micrograd.steps): on the shipped engine, on a
chapter-style Value (closures, a set of operands), and on gradients set by hand."""

from __future__ import annotations

import doctest
import inspect
import math
import random

import pytest

import micrograd.steps
from micrograd import Value
from micrograd.nn import MLP
from micrograd.steps import Steps, backward_steps, watch_grads

from .test_package import public_names


def chapter_value_class(accumulate: bool = True) -> type:
    """A Value written as in the book's chapters 6 and 7: `_backward` closures and a set `_prev`.
    `accumulate=False` is chapter 6's `=`, which loses all but one contribution to a gradient."""

    class ChapterValue:
        def __init__(self, data, _children=(), _op="", label=""):
            self.data = data
            self.grad = 0.0
            self._backward = lambda: None
            self._prev = set(_children)
            self._op = _op
            self.label = label

        def __repr__(self):
            return f"Value(data={self.data})"

        def _give(self, node, amount):
            node.grad = node.grad + amount if accumulate else amount

        def __add__(self, other):
            out = ChapterValue(self.data + other.data, (self, other), "+")

            def _backward():
                self._give(self, out.grad)
                self._give(other, out.grad)

            out._backward = _backward
            return out

        def __mul__(self, other):
            out = ChapterValue(self.data * other.data, (self, other), "*")

            def _backward():
                self._give(self, other.data * out.grad)
                self._give(other, self.data * out.grad)

            out._backward = _backward
            return out

        def tanh(self):
            t = (math.exp(2 * self.data) - 1) / (math.exp(2 * self.data) + 1)
            out = ChapterValue(t, (self,), "tanh")

            def _backward():
                self._give(self, (1 - t**2) * out.grad)

            out._backward = _backward
            return out

    def backward(self):
        order, visited = [], set()

        def visit(node):
            if node not in visited:
                visited.add(node)
                for child in node._prev:
                    visit(child)
                order.append(node)

        visit(self)
        self.grad = 1.0
        for node in reversed(order):
            node._backward()

    ChapterValue.backward = backward
    return ChapterValue


class PlainValue:
    """Version 3 of the chapters: a graph, and no `_backward` at all."""

    def __init__(self, data, _children=(), _op="", label=""):
        self.data, self.grad, self._prev, self._op, self.label = data, 0.0, set(_children), _op, label

    def __add__(self, other):
        return PlainValue(self.data + other.data, (self, other), "+")

    def __mul__(self, other):
        return PlainValue(self.data * other.data, (self, other), "*")


def neuron(value_class: type) -> dict:
    """The neuron of chapters 5 to 7, every node labelled."""
    v = {name: value_class(x, label=name) for name, x in
         [("x1", 2.0), ("x2", 0.0), ("w1", -3.0), ("w2", 1.0), ("b", 6.8813735870195432)]}
    v["x1w1"] = v["x1"] * v["w1"]
    v["x2w2"] = v["x2"] * v["w2"]
    v["s"] = v["x1w1"] + v["x2w2"]
    v["n"] = v["s"] + v["b"]
    v["o"] = v["n"].tanh()
    for name, node in v.items():
        node.label = name
    return v


def grads_after_backward(root, nodes) -> list[float]:
    for node in nodes:
        node.grad = 0.0
    root.backward()
    return [node.grad for node in nodes]


def assert_reverse_topological(steps: Steps) -> None:
    """After the seed, every node's _backward runs exactly once, after those of the nodes that use it."""
    ran = [step.node for step in steps[1:]]
    assert sorted(map(id, ran)) == sorted(map(id, steps.nodes))
    position = {id(node): i for i, node in enumerate(ran)}
    for node in steps.nodes:
        for operand in steps.operands(node):
            assert position[id(node)] < position[id(operand)]


@pytest.mark.parametrize("value_class", [Value, chapter_value_class()], ids=["package", "chapter"])
def test_one_step_per_backward_call_and_the_last_equals_backward(value_class) -> None:
    v = neuron(value_class)
    steps = backward_steps(v["o"])
    assert len(steps) == 1 + len(steps.nodes)  # the seed, then every node's _backward
    assert steps[0].node is v["o"] and "the seed" in steps[0].text
    assert_reverse_topological(steps)
    assert list(steps.final) == pytest.approx(grads_after_backward(v["o"], steps.nodes), rel=1e-12)
    assert steps.grad(v["x1"]) == pytest.approx(-1.5) and steps.grad(v["w2"]) == 0.0


@pytest.mark.parametrize("value_class", [Value, chapter_value_class()], ids=["package", "chapter"])
def test_each_step_says_the_chain_rule_product_with_the_numbers(value_class) -> None:
    v = neuron(value_class)
    texts = {step.node.label: step.text for step in backward_steps(v["o"])[1:]}
    assert "x1.grad += w1.data × x1w1.grad = -3.0 × 0.5 = -1.5" in texts["x1w1"]
    assert "n.grad += (1 - o.data²) × o.grad = 0.5 × 1.0 = 0.5" in texts["o"]
    assert "b.grad += 1 × n.grad = 1.0 × 0.5 = 0.5" in texts["n"]
    assert texts["x1"] == "x1._backward(): x1 is a leaf, so there is nothing to pass on."


@pytest.mark.parametrize("value_class", [Value, chapter_value_class()], ids=["package", "chapter"])
def test_a_node_used_twice_shows_both_contributions(value_class) -> None:
    a = value_class(3.0, label="a")
    b = a + a
    b.label = "b"
    steps = backward_steps(b)
    assert steps.grad(a) == 2.0
    assert "a.grad += 1 × b.grad + 1 × b.grad = 1.0 × 1.0 + 1.0 × 1.0 = 2.0 (a fills both slots)" in steps[1].text
    assert steps.explain(a).startswith("a is used twice, so its gradient is a sum, one term per use")
    assert steps.explain(a).endswith("= 1.0 × 1.0 + 1.0 × 1.0 = 2.0.")


@pytest.mark.parametrize("value_class", [Value, chapter_value_class()], ids=["package", "chapter"])
def test_a_value_feeding_two_operations_accumulates_across_steps(value_class) -> None:
    a, b = value_class(-2.0, label="a"), value_class(3.0, label="b")
    d = a * b
    e = a + b
    f = d * e
    d.label, e.label, f.label = "d", "e", "f"
    steps = backward_steps(f)
    assert (steps.grad(a), steps.grad(b)) == (-3.0, -8.0)
    assert sum("so a.grad is now -3.0" in step.text for step in steps) == 1
    assert steps.explain(a).endswith("= -3.0.") and "a is used twice" in steps.explain(a)


def test_chapter_sixs_assignment_overwrites_and_the_steps_say_so() -> None:
    Bug = chapter_value_class(accumulate=False)
    a = Bug(3.0, label="a")
    b = a + a
    b.label = "b"
    steps = backward_steps(b)
    assert steps.grad(a) == 1.0  # the page's engine, bug included
    assert "a.grad = 1 × b.grad = 1.0 × 1.0 = 1.0, set once per slot: the second write replaced the first" in steps[1].text
    assert "+=" not in steps[1].text
    assert "But this pass left a.grad = 1.0: only one term survived." in steps.explain(a)

    x, y = Bug(-2.0, label="x"), Bug(3.0, label="y")
    f = (x * y) * (x + y)
    f.label = "f"
    texts = " ".join(step.text for step in backward_steps(f))
    assert texts.count("replacing the") == 2  # x and y each lose their first term


def test_chapter_values_give_the_same_steps_whatever_their_memory_addresses() -> None:
    Chapter = chapter_value_class()
    runs = []
    for padding in (0, 7, 31):
        keep = [Chapter(0.0) for _ in range(padding)]  # shifts the ids, and so the sets' order
        v = neuron(Chapter)
        steps = backward_steps(v["o"])
        runs.append([step.text for step in steps])
        del keep
    assert runs[0] == runs[1] == runs[2]


@pytest.mark.parametrize("value_class", [Value, chapter_value_class()], ids=["package", "chapter"])
def test_recording_leaves_the_graph_as_it_found_it(value_class) -> None:
    v = neuron(value_class)
    v["o"].backward()
    before = {name: node.grad for name, node in v.items()}
    prev = {name: getattr(node, "_prev") for name, node in v.items()}
    backward_steps(v["o"])
    assert {name: node.grad for name, node in v.items()} == before
    assert all(type(node) is value_class for node in v.values())
    assert {name: node._prev for name, node in v.items()} == prev
    if value_class is not Value:
        assert all(isinstance(node.__dict__["_prev"], set) for node in v.values())


def test_an_order_of_your_choosing_runs_those_calls_after_the_seed() -> None:
    Chapter = chapter_value_class(accumulate=False)
    v = neuron(Chapter)
    order = [v["o"], v["n"], v["b"], v["s"], v["x2w2"], v["x1w1"]]
    steps = backward_steps(v["o"], order=order)
    assert steps.title == "_backward() calls"
    assert [step.node for step in steps] == [v["o"], *order]
    assert steps.grad(v["x1"]) == pytest.approx(-1.5)
    wrong = backward_steps(v["o"], order=list(reversed(order)))  # leaves' parents first: they pass on zeros
    assert wrong.grad(v["x1"]) == 0.0 and "x1.grad = w1.data × x1w1.grad = -3.0 × 0.0 = 0.0" in wrong[1].text


@pytest.mark.parametrize("value_class", [Value, PlainValue], ids=["package", "chapter"])
def test_watch_grads_records_gradients_set_by_hand_in_their_order(value_class) -> None:
    a, b, c = value_class(2.0, label="a"), value_class(-3.0, label="b"), value_class(10.0, label="c")
    e = a * b
    d = e + c
    e.label, d.label = "e", "d"
    watch = watch_grads(d)
    d.grad = 1.0
    e.grad = d.grad
    c.grad = 1.0 * d.grad
    a.grad = 42.0  # no chain-rule product gives this: shown as it is
    a.grad = b.data * e.grad
    steps = watch.stop()
    a.grad = 0.0  # after stop(): not recorded
    assert [step.wrote for step in steps] == [(d,), (e,), (c,), (a,), (a,)]
    assert [step.text for step in steps] == [
        "d.grad = 1.0: the seed, the output's gradient with respect to itself (dd/dd = 1).",
        "e.grad = 1 × d.grad = 1.0 × 1.0 = 1.0.",
        "c.grad = 1 × d.grad = 1.0 × 1.0 = 1.0.",
        "a.grad = 42.0.",
        "a.grad = b.data × e.grad = -3.0 × 1.0 = -3.0.",
    ]
    assert steps[1].node is d and steps[3].node is None
    assert all(type(node) is value_class for node in (a, b, c, d, e))
    assert steps.title == "gradients set by hand" and "stopped" in repr(watch)


def test_backward_steps_explains_what_it_needs() -> None:
    with pytest.raises(TypeError, match="expected a Value with data, grad, label, _op, _prev"):
        backward_steps(3.0)
    with pytest.raises(TypeError, match="has no _backward\\(\\): record gradients set by hand with watch_grads"):
        backward_steps(PlainValue(1.0) + PlainValue(2.0))
    NoBackward = chapter_value_class()
    del NoBackward.backward
    with pytest.raises(TypeError, match="has no backward\\(\\); pass order="):
        backward_steps(NoBackward(1.0) + NoBackward(2.0))
    x = Value(1.0)
    with pytest.raises(ValueError, match="not in .* graph"):
        backward_steps(x * 2, order=[Value(5.0)])


def test_every_operation_of_the_package_is_explained_and_checked() -> None:
    x, y = Value(0.7, label="x"), Value(-1.3, label="y")
    parts = [x.exp(), x.log(), y.relu(), x.relu(), y.sigmoid(), x**3, x**-1, x**0.5, x - y, y * x, y.tanh()]
    total = parts[0]
    for part in parts[1:]:
        total = total + part
    steps = backward_steps(total)
    assert not [step.text for step in steps if "went from" in step.text]
    assert list(steps.final) == pytest.approx(grads_after_backward(total, steps.nodes))
    texts = " ".join(step.text for step in steps)
    for fragment in ["× (1 - [sigmoid", "3 × x.data**2", "-1 × x.data**-2", "0.5 × x.data**-0.5", "1/x.data",
                     "-1 × [- 2.0000].grad", "([ReLU 0.7000].data > 0)"]:
        assert fragment in texts, fragment


def test_a_hundred_node_network_is_recorded_in_its_own_order() -> None:
    random.seed(1337)
    y = MLP(2, [4, 4, 1], activation="tanh")([2.0, 3.0])
    steps = backward_steps(y)
    assert len(steps.nodes) >= 100
    assert_reverse_topological(steps)
    assert list(steps.final) == grads_after_backward(y, steps.nodes)  # exactly: the same engine


def test_at_and_draw_show_any_step_and_put_the_gradients_back() -> None:
    v = neuron(Value)
    steps = backward_steps(v["o"])
    with steps.at(2):
        assert v["n"].grad == pytest.approx(0.5) and v["x1"].grad == 0.0
    assert v["n"].grad == 0.0
    source = steps.draw(2).source
    assert "grad 0.5000" in source and 'color="#0072b2" penwidth=3 style=solid' in source
    assert 'color="#d55e00" penwidth=3 style=dashed' in source
    assert "penwidth" not in steps.draw(2, highlight=False).source
    assert "grad -1.5000" in steps.draw().source
    with pytest.raises(IndexError):
        steps.grads(len(steps) + 1)


def test_printed_and_in_jupyter_it_is_the_numbered_list() -> None:
    a = Value(2.0, label="a")
    b = a * a
    b.label = "b"
    steps = backward_steps(b)
    lines = repr(steps).splitlines()
    assert lines[0] == "3 steps of b.backward() (2 nodes):"
    assert lines[1] == "  0. Before the first step: every gradient is 0.0."
    assert lines[2].startswith("  1. b.grad = 1.0: the seed")
    shown = steps._repr_html_()
    assert shown.count("<li>") == 3 and "<svg" in shown and "<?xml" not in shown
    assert "grad 4.0000" in shown  # the final graph


def test_the_module_docstring_example_runs() -> None:
    result = doctest.testmod(micrograd.steps, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted >= 5 and result.failed == 0


def test_every_public_name_is_documented_and_annotated() -> None:
    names = public_names("micrograd.steps")
    assert {"micrograd.steps.backward_steps", "micrograd.steps.watch_grads", "micrograd.steps.Steps.explain"} <= {
        name for name, _ in names}
    assert [name for name, obj in names if not inspect.getdoc(obj)] == []
    for name, obj in names:
        function = obj.fget if isinstance(obj, property) else obj
        if inspect.isfunction(function):
            assert "return" in function.__annotations__, name
