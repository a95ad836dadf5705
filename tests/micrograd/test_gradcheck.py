"""Tests of micrograd.gradcheck: it passes on every operation of the engine, catches the
mistakes it is there to catch (on the package's Value and on a chapter-style class), names
the input, both numbers and the tolerance, leaves the Values it is given as it found them,
and refuses bad input clearly."""

from __future__ import annotations

import doctest
import math
import random
import sys
from typing import Callable

import pytest

import micrograd
from micrograd import MLP, GradcheckError, Value, gradcheck


class ChapterValue:
    """A Value built the chapters' way (closures, a recursive topological sort), with
    optional bugs: `=` instead of `+=` in `*`, or a wrong local derivative of tanh."""

    assign_in_mul = False
    wrong_tanh = False

    def __init__(self, data, _children=(), _op=""):
        self.data = data
        self.grad = 0.0
        self._backward = lambda: None
        self._prev = tuple(_children)
        self._op = _op

    def __add__(self, other):
        other = other if isinstance(other, ChapterValue) else type(self)(other)
        out = type(self)(self.data + other.data, (self, other), "+")

        def _backward():
            self.grad += out.grad
            other.grad += out.grad

        out._backward = _backward
        return out

    def __mul__(self, other):
        other = other if isinstance(other, ChapterValue) else type(self)(other)
        out = type(self)(self.data * other.data, (self, other), "*")

        def _backward():
            if self.assign_in_mul:
                self.grad = other.data * out.grad
                other.grad = self.data * out.grad
            else:
                self.grad += other.data * out.grad
                other.grad += self.data * out.grad

        out._backward = _backward
        return out

    def tanh(self):
        t = math.tanh(self.data)
        out = type(self)(t, (self,), "tanh")

        def _backward():
            local = (1 - t) if self.wrong_tanh else (1 - t**2)
            self.grad += local * out.grad

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


class Assigning(ChapterValue):
    assign_in_mul = True


class WrongTanh(ChapterValue):
    wrong_tanh = True


# --- it passes where backward() is right ------------------------------------------------------

OPERATIONS: list[tuple[str, Callable[..., Value], list[float]]] = [
    ("a + b", lambda a, b: a + b, [1.5, -2.0]),
    ("a - b", lambda a, b: a - b, [1.5, -2.0]),
    ("a * b", lambda a, b: a * b, [1.5, -2.0]),
    ("a / b", lambda a, b: a / b, [1.5, -2.0]),
    ("a + 2", lambda a: a + 2, [1.5]),
    ("2 + a", lambda a: 2 + a, [1.5]),
    ("a - 2", lambda a: a - 2, [1.5]),
    ("2 - a", lambda a: 2 - a, [1.5]),
    ("a * 2", lambda a: a * 2, [1.5]),
    ("2 * a", lambda a: 2 * a, [1.5]),
    ("a / 2", lambda a: a / 2, [1.5]),
    ("2 / a", lambda a: 2 / a, [1.5]),
    ("-a", lambda a: -a, [1.5]),
    ("a ** 2", lambda a: a**2, [1.5]),
    ("a ** 3", lambda a: a**3, [-1.5]),
    ("a ** -1", lambda a: a**-1, [1.5]),
    ("a ** 0.5", lambda a: a**0.5, [1.5]),
    ("a ** -1.5", lambda a: a**-1.5, [1.5]),
    ("exp", lambda a: a.exp(), [1.5]),
    ("log", lambda a: a.log(), [1.5]),
    ("tanh", lambda a: a.tanh(), [0.7]),
    ("relu, positive", lambda a: a.relu(), [1.5]),
    ("relu, negative", lambda a: a.relu(), [-1.5]),
    ("sigmoid", lambda a: a.sigmoid(), [-0.7]),
    ("a * a", lambda a: a * a, [1.5]),
    ("a + a", lambda a: a + a, [1.5]),
    ("(a*b)*(a+b)", lambda a, b: (a * b) * (a + b), [-2.0, 3.0]),
    ("everything", lambda a, b, c: ((a * b - c / a) ** 2 + (2 - c).exp().log() + (b / 3).tanh()
                                    - (1 / (a * a + 1)).sigmoid() * c.relu()), [0.8, -1.3, 2.1]),
]


@pytest.mark.parametrize(("fn", "inputs"), [(fn, inputs) for _, fn, inputs in OPERATIONS],
                         ids=[name for name, _, _ in OPERATIONS])
def test_every_operation_of_the_engine_passes(fn: Callable[..., Value], inputs: list[float]) -> None:
    assert gradcheck(fn, inputs) is True


def test_an_mlp_passes_with_respect_to_its_parameters() -> None:
    random.seed(0)
    model = MLP(2, [3, 1], activation="tanh")
    assert gradcheck(lambda *params: model([0.5, -1.0]), model.parameters())


def test_a_correct_chapter_style_class_passes() -> None:
    a, b = ChapterValue(-2.0), ChapterValue(3.0)
    assert gradcheck(lambda a, b: (a * b) * (a + b), [a, b])
    assert gradcheck(lambda x: (x * x).tanh(), [ChapterValue(0.4)])


def test_the_same_value_twice_checks_the_total_derivative() -> None:
    a = Value(1.5)
    assert gradcheck(lambda x, y: x * y, [a, a])


# --- it catches the mistakes ------------------------------------------------------------------


def test_it_catches_a_wrong_local_derivative() -> None:
    with pytest.raises(GradcheckError, match="input 0: backward"):
        gradcheck(lambda x: x.tanh(), [WrongTanh(0.5)])


def test_it_catches_a_gradient_assigned_instead_of_accumulated() -> None:
    with pytest.raises(GradcheckError) as caught:
        gradcheck(lambda x: x * x, [Assigning(3.0)])
    assert (caught.value.analytic, caught.value.numeric) == (3.0, pytest.approx(6.0))


def test_it_catches_a_graph_cut_by_data() -> None:
    with pytest.raises(GradcheckError) as caught:
        gradcheck(lambda a: a * a.data, [3.0])
    error = caught.value
    assert (error.position, error.analytic, error.numeric) == (0, 3.0, pytest.approx(6.0))
    assert str(error) == "input 0: backward() gives 3, finite differences give 6 (tolerance 0.00601)"


def test_it_catches_an_input_the_output_does_not_reach() -> None:
    with pytest.raises(GradcheckError, match="input 1: backward\\(\\) gives 0, finite differences give 2"):
        gradcheck(lambda a, b: a + Value(2 * b.data), [1.0, 1.0])


def test_it_names_the_position_of_the_wrong_input() -> None:
    with pytest.raises(GradcheckError) as caught:
        gradcheck(lambda a, b, c: a * b + c * c.data, [1.0, 2.0, 3.0])
    assert caught.value.position == 2


def test_a_parameter_cut_from_a_model_is_named_by_its_position() -> None:
    w, b = Value(0.5), Value(-1.0)

    def loss() -> Value:
        return ((w * 2.0 + b.data) - 1.0) ** 2  # b.data: the bias is cut from the graph

    with pytest.raises(GradcheckError) as caught:
        gradcheck(lambda *params: loss(), [w, b])
    assert caught.value.position == 1 and caught.value.analytic == 0.0


def test_a_nan_gradient_fails() -> None:
    class NanGrad(ChapterValue):
        def backward(self):
            super().backward()
            for v in self._prev:
                v.grad = math.nan

    with pytest.raises(GradcheckError, match="backward\\(\\) gives nan"):
        gradcheck(lambda x: x + 1.0, [NanGrad(1.0)])


def test_a_kink_fails_as_documented() -> None:
    with pytest.raises(GradcheckError, match="backward\\(\\) gives 0, finite differences give 0.5"):
        gradcheck(lambda a: a.relu(), [0.0])


# --- the tolerance ----------------------------------------------------------------------------


class FixedGrad(ChapterValue):
    """backward() gives its operand a chosen gradient, whatever the truth."""

    given = 0.0

    def backward(self):
        for v in self._prev:
            v.grad = self.given


def check_with_given_gradient(given: float, **tolerances: float) -> bool:
    FixedGrad.given = given
    # f(x) = 2x at x = 0: the central difference is exactly 2
    return gradcheck(lambda x: x * 2.0, [FixedGrad(0.0)], **tolerances)


@pytest.mark.parametrize(("atol", "rtol"), [(1e-5, 1e-3), (0.1, 0.0), (0.0, 0.1), (0.05, 0.05)])
def test_the_tolerance_is_atol_plus_rtol_times_the_numeric_gradient(atol: float, rtol: float) -> None:
    tolerance = atol + rtol * 2.0
    assert check_with_given_gradient(2.0 + 0.99 * tolerance, atol=atol, rtol=rtol)
    assert check_with_given_gradient(2.0 - 0.99 * tolerance, atol=atol, rtol=rtol)
    with pytest.raises(GradcheckError) as caught:
        check_with_given_gradient(2.0 + 1.01 * tolerance, atol=atol, rtol=rtol)
    assert caught.value.tolerance == pytest.approx(tolerance)


def test_close_numbers_are_shown_in_full() -> None:
    with pytest.raises(GradcheckError, match=r"gives 2\.0000001, finite differences give 2\.0 "):
        check_with_given_gradient(2.0000001, atol=0.0, rtol=0.0)


def test_eps_sets_the_step_of_the_difference() -> None:
    # x**3 at 1: the central difference is 3 + eps**2, so a large eps fails a tight check
    assert gradcheck(lambda x: x**3, [1.0], eps=1e-4, atol=0.0, rtol=1e-6)
    with pytest.raises(GradcheckError):
        gradcheck(lambda x: x**3, [1.0], eps=0.1, atol=0.0, rtol=1e-6)


# --- Values passed in are left as they were -----------------------------------------------------


@pytest.mark.parametrize("cls", [Value, ChapterValue])
def test_values_passed_in_get_their_data_and_grad_back(cls: type) -> None:
    a, b = cls(1.25), cls(-0.5)
    a.grad, b.grad = 7.0, -3.0
    assert gradcheck(lambda a, b: a * b + a, [a, b])
    assert (a.data, a.grad, b.data, b.grad) == (1.25, 7.0, -0.5, -3.0)


def test_data_and_grad_come_back_when_the_check_fails() -> None:
    a = Value(3.0)
    a.grad = 5.0
    with pytest.raises(GradcheckError):
        gradcheck(lambda x: x * x.data, [a])
    assert (a.data, a.grad) == (3.0, 5.0)


def test_data_and_grad_come_back_when_fn_raises_midway() -> None:
    a = Value(1.0)
    calls = []

    def fn(x: Value) -> Value:
        calls.append(x.data)
        if len(calls) == 2:  # while a is nudged up
            raise ZeroDivisionError("boom")
        return x * 2

    with pytest.raises(ZeroDivisionError):
        gradcheck(fn, [a])
    assert (a.data, a.grad) == (1.0, 0.0) and calls[1] == 1.0 + 1e-6


def test_old_gradients_of_the_inputs_do_not_count() -> None:
    a = ChapterValue(2.0)
    a.grad = 100.0  # a chapter engine's backward() adds to it; gradcheck starts from 0
    assert gradcheck(lambda x: x * x, [a]) and a.grad == 100.0


def test_numbers_become_fresh_package_values() -> None:
    seen = []
    gradcheck(lambda x: seen.append(x) or x * 1.0, [2])
    assert all(type(v) is Value for v in seen) and seen[0].data == 2.0


# --- bad input --------------------------------------------------------------------------------


def test_the_error_is_a_value_error_and_exported() -> None:
    assert issubclass(GradcheckError, ValueError)
    assert micrograd.gradcheck is gradcheck and micrograd.GradcheckError is GradcheckError
    assert {"gradcheck", "GradcheckError"} <= set(micrograd.__all__)
    assert f"{GradcheckError.__module__}.{GradcheckError.__name__}" == "micrograd.GradcheckError"


@pytest.mark.parametrize(
    ("fn", "kind", "message"),
    [
        (lambda a: a.data * 2, TypeError, "fn must return a Value .*, not float"),
        (lambda a: None, TypeError, "fn must return a Value .*, not NoneType"),
        (lambda a: Value(math.nan) + a, ValueError, "fn at the inputs is nan"),
        (lambda a: (a * 1e200) * 1e200, ValueError, "fn at the inputs is inf"),
    ],
)
def test_a_bad_fn_is_refused(fn: Callable, kind: type, message: str) -> None:
    with pytest.raises(kind, match=message):
        gradcheck(fn, [1.0])


def test_a_function_undefined_beside_the_input_is_refused() -> None:
    # sqrt at 0: fine at 0 itself, undefined (complex) at 0 - eps
    with pytest.raises(ValueError, match="not a real number"):
        gradcheck(lambda a: a**0.5, [0.0])
    with pytest.raises(ValueError, match="log"):
        gradcheck(lambda a: a.log(), [1e-7])


@pytest.mark.parametrize(
    ("inputs", "kind", "message"),
    [
        ([], ValueError, "at least one input"),
        ((x for x in []), ValueError, "at least one input"),
        (["1.0"], TypeError, "input 0 must be a number or a Value, not str"),
        ([1.0, True], TypeError, "input 1 must be a number or a Value, not bool"),
        ([1.0, None], TypeError, "input 1 must be a number or a Value, not NoneType"),
        ([math.nan], ValueError, "input 0 is nan"),
        ([1.0, -math.inf], ValueError, "input 1 is -inf"),
        ([Value(math.inf)], ValueError, "the data of input 0 is inf"),
        ([ChapterValue("abc")], TypeError, "the data of input 0 must be a number, not str"),
        (Value(1.0), TypeError, "inputs must be a sequence .*not Value; for a single input, pass \\[x\\]"),
        (2.0, TypeError, "not float; for a single input"),
        ("ab", TypeError, "not str"),
        ({"a": 1.0}, TypeError, "not dict"),
    ],
)
def test_bad_inputs_are_refused(inputs: object, kind: type, message: str) -> None:
    with pytest.raises(kind, match=message):
        gradcheck(lambda *xs: xs[0], inputs)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("settings", "kind", "message"),
    [
        ({"eps": 0.0}, ValueError, "eps must be positive"),
        ({"eps": -1e-6}, ValueError, "eps must be positive"),
        ({"eps": math.inf}, ValueError, "eps is inf"),
        ({"eps": "1e-6"}, TypeError, "eps must be a number"),
        ({"atol": -1.0}, ValueError, "atol must be >= 0"),
        ({"rtol": -1e-3}, ValueError, "rtol must be >= 0"),
        ({"rtol": math.nan}, ValueError, "rtol is nan"),
    ],
)
def test_bad_settings_are_refused(settings: dict, kind: type, message: str) -> None:
    with pytest.raises(kind, match=message):
        gradcheck(lambda a: a * 2, [1.0], **settings)


def test_the_docstring_examples_run() -> None:
    module = sys.modules["micrograd.gradcheck"]
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.attempted >= 2 and result.failed == 0
