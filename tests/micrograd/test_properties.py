"""Property tests: on random expressions using every operation, backward()
agrees with central finite differences, and the forward value with floats."""

from __future__ import annotations

import math

from hypothesis import given, reject, settings

from micrograd import Value
from tests.micrograd.expressions import FLOATS, VALUES, OutOfDomain, evaluate, expressions, variables

H = 1e-6


def _float_value_and_slopes(expr: tuple, xs: list[float]) -> tuple[float, list[float]]:
    """f(xs) and the central difference (f(x + h) - f(x - h)) / 2h for each variable."""
    try:
        value = evaluate(expr, xs, FLOATS)
        slopes = []
        for i in range(len(xs)):
            up = evaluate(expr, [x + H if j == i else x for j, x in enumerate(xs)], FLOATS)
            down = evaluate(expr, [x - H if j == i else x for j, x in enumerate(xs)], FLOATS)
            slopes.append((up - down) / (2 * H))
    except OutOfDomain:
        reject()
    return value, slopes


@settings(max_examples=300, deadline=None)
@given(expr=expressions(), xs=variables())
def test_backward_matches_finite_differences(expr: tuple, xs: list[float]) -> None:
    value, slopes = _float_value_and_slopes(expr, xs)
    leaves = [Value(x) for x in xs]
    out = evaluate(expr, leaves, VALUES)
    out.backward()
    assert math.isclose(out.data, value, rel_tol=1e-9, abs_tol=1e-12)
    for leaf, slope in zip(leaves, slopes):
        assert math.isclose(leaf.grad, slope, rel_tol=1e-4, abs_tol=1e-5), (leaf.grad, slope)


@settings(max_examples=100, deadline=None)
@given(expr=expressions(), xs=variables())
def test_second_backward_doubles_leaf_grads(expr: tuple, xs: list[float]) -> None:
    try:
        evaluate(expr, xs, FLOATS)
    except OutOfDomain:
        reject()
    leaves = [Value(x) for x in xs]
    out = evaluate(expr, leaves, VALUES)
    out.backward()
    once = [leaf.grad for leaf in leaves]
    out.backward()
    for leaf, g in zip(leaves, once):
        assert math.isclose(leaf.grad, 2 * g, rel_tol=1e-12, abs_tol=1e-12)
