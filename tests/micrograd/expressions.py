"""Random expressions over every operation of `Value`, for the property and parity tests.

An expression is a small tree of tuples. `evaluate` runs one tree on any
arithmetic backend: micrograd Values, plain floats (for finite differences)
or torch tensors. Operations with a number on one side are written with the
number as a Python float, so the reflected forms (`2 * v`, `1 - v`, `1 / v`)
are exercised. Float evaluation raises `OutOfDomain` near the places where
finite differences are unreliable (ReLU's kink, tiny denominators, huge
values), so the tests can discard those draws.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Callable

from hypothesis import strategies as st

from micrograd import Value

N_VARIABLES = 3

Expr = tuple  # ("x", i) | ("c", value) | (unary, e) | (binary, e, e) | (op, number, e) | ("pow", e, n)

UNARY = ("neg", "exp", "log", "tanh", "relu", "sigmoid", "self_mul", "self_add")
BINARY = ("add", "sub", "mul", "div")
WITH_NUMBER = ("radd", "rsub", "rmul", "rdiv", "add_n", "sub_n", "mul_n", "div_n")
EXPONENTS = (0, 1, 2, 3, -1, -2, 0.5, 1.5, -0.5)


class OutOfDomain(Exception):
    """This draw is too close to where the float check is unreliable."""


@dataclass(frozen=True)
class Backend:
    """The functions an expression needs beyond Python's operators."""

    exp: Callable[[Any], Any]
    log: Callable[[Any], Any]
    tanh: Callable[[Any], Any]
    relu: Callable[[Any], Any]
    sigmoid: Callable[[Any], Any]
    const: Callable[[float], Any]
    check: Callable[[str, Any], None] = lambda op, x: None  # called with each operation's input


def _check_float(op: str, x: float) -> None:
    if abs(x) > 1e3 or (op == "exp" and x > 20):
        raise OutOfDomain(f"{op}: {x} is too large")
    if op == "relu" and abs(x) < 1e-2:
        raise OutOfDomain("too close to ReLU's kink")
    if op == "denominator" and abs(x) < 0.2:
        raise OutOfDomain("denominator too close to 0")


VALUES = Backend(
    exp=lambda v: v.exp(),
    log=lambda v: v.log(),
    tanh=lambda v: v.tanh(),
    relu=lambda v: v.relu(),
    sigmoid=lambda v: v.sigmoid(),
    const=Value,
)

FLOATS = Backend(
    exp=math.exp,
    log=math.log,
    tanh=math.tanh,
    relu=lambda x: max(0.0, x),
    sigmoid=lambda x: 0.5 * (1 + math.tanh(x / 2)),  # another formula than the engine's
    const=float,
    check=_check_float,
)


def torch_backend() -> Backend:
    """Float64 torch tensors (torch is imported only when asked for)."""
    import torch

    return Backend(
        exp=torch.exp,
        log=torch.log,
        tanh=torch.tanh,
        relu=torch.relu,
        sigmoid=torch.sigmoid,
        const=lambda c: torch.tensor(c, dtype=torch.float64),
    )


def evaluate(e: Expr, xs: list[Any], be: Backend) -> Any:
    """The value of expression `e` for variables `xs`, computed with backend `be`."""
    value = _evaluate(e, xs, be)
    be.check("value", value)
    return value


def _evaluate(e: Expr, xs: list[Any], be: Backend) -> Any:
    kind = e[0]
    if kind == "x":
        return xs[e[1]]
    if kind == "c":
        return be.const(e[1])
    if kind in WITH_NUMBER:  # the number stays a Python float, on the side the name says
        n, u = e[1], evaluate(e[2], xs, be)
        if kind == "radd":
            return n + u
        if kind == "rsub":
            return n - u
        if kind == "rmul":
            return n * u
        if kind == "rdiv":
            return n / (u * u + 0.5)  # a denominator that stays away from 0
        if kind == "add_n":
            return u + n
        if kind == "sub_n":
            return u - n
        if kind == "mul_n":
            return u * n
        return u / n
    if kind == "pow":
        u, n = evaluate(e[1], xs, be), e[2]
        if isinstance(n, float):  # fractional powers of a positive base stay real
            u = u * u + 0.5
        elif n < 0:
            be.check("denominator", u)
        return u**n
    if kind in BINARY:
        a, b = evaluate(e[1], xs, be), evaluate(e[2], xs, be)
        if kind == "add":
            return a + b
        if kind == "sub":
            return a - b
        if kind == "mul":
            return a * b
        be.check("denominator", b)
        return a / b
    u = evaluate(e[1], xs, be)
    be.check(kind, u)
    if kind == "neg":
        return -u
    if kind == "self_mul":  # one node used twice: its gradient contributions must add up
        return u * u
    if kind == "self_add":
        return u + u
    if kind == "log":
        return be.log(u * u + 0.5)  # log of something positive
    return getattr(be, kind)(u)


def _finite(lo: float, hi: float) -> st.SearchStrategy[float]:
    return st.floats(lo, hi, allow_nan=False, allow_infinity=False)


def expressions(max_leaves: int = 8) -> st.SearchStrategy[Expr]:
    """Random expression trees using every operation."""
    leaves = st.one_of(
        st.tuples(st.just("x"), st.integers(0, N_VARIABLES - 1)),
        st.tuples(st.just("c"), _finite(-2, 2)),
    )
    nonzero = st.one_of(_finite(0.5, 2), _finite(-2, -0.5))

    def extend(children: st.SearchStrategy[Expr]) -> st.SearchStrategy[Expr]:
        return st.one_of(
            st.tuples(st.sampled_from(UNARY), children),
            st.tuples(st.sampled_from(BINARY), children, children),
            st.tuples(st.sampled_from(WITH_NUMBER), nonzero, children),
            st.tuples(st.just("pow"), children, st.sampled_from(EXPONENTS)),
        )

    return st.recursive(leaves, extend, max_leaves=max_leaves)


def variables() -> st.SearchStrategy[list[float]]:
    """Values for the variables x0, x1, x2."""
    return st.lists(_finite(-2, 2), min_size=N_VARIABLES, max_size=N_VARIABLES)
