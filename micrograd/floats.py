"""The float arithmetic under `Value`: what counts as a number, and one rule for overflow.

Python's floats follow two rules at once: `1e308 * 10` is `inf`, but `10.0 ** 400` and
`math.exp(1000)` raise OverflowError. The engine follows one, IEEE 754's, as NumPy and PyTorch
do: a result too large for a float is ±inf, in every operation and every gradient. `+`, `-` and
`*` do that by themselves, so the hot path pays nothing; `**` and `exp` go through `power` and
`exp` here. Division by zero stays Python's ZeroDivisionError ("division by zero", also for
`0.0 ** -1`, which is how `a / b` is computed), and a result that is not a real number (a
fractional power of a negative number, the log of one) raises ValueError.
"""

from __future__ import annotations

import math
import numbers
from typing import Union

Number = Union[int, float]


def number(x: object) -> float | None:
    """`x` as a float if it is a real number (int, float, numpy scalar; not bool), else None."""
    if type(x) is float:
        return x
    if isinstance(x, numbers.Real) and not isinstance(x, bool):
        return float(x)  # an int too large for any float raises OverflowError, as float() does
    return None


def power(x: float, n: Number) -> float:
    """x ** n: ±inf where that is too large for a float, ValueError where it is not a real number."""
    if x == 0 and n < 0:  # x ** -1 is 1 / x: how a / b is computed, as in the original
        raise ZeroDivisionError("division by zero")
    try:
        y = x**n
        real = not isinstance(y, complex)
    except OverflowError:  # too large: only the sign is left to find
        real = not (x < 0 and n % 1)
        y = -math.inf if x < 0 and n % 2 == 1 else math.inf
    if not real:
        raise ValueError(f"{x!r} ** {n!r} is not a real number")
    return y


def power_slope(x: float, n: Number) -> float:
    """d(x^n)/dx = n x^(n-1), ±inf where that is too large."""
    try:
        return n * power(x, n - 1) if n else 0.0
    except ZeroDivisionError:  # x == 0 and 0 < n < 1: a vertical tangent
        return math.inf


def exp(x: float) -> float:
    """e ** x, inf where that is too large for a float."""
    try:
        return math.exp(x)
    except OverflowError:
        return math.inf


def log(x: float) -> float:
    """The natural logarithm of a positive x."""
    if not x > 0:
        raise ValueError(f"log({x!r}): input must be positive")
    return math.log(x)


def sigmoid(x: float) -> float:
    """1 / (1 + e ** -x), through e ** -|x| <= 1, which cannot overflow."""
    e = math.exp(-abs(x))
    return 1 / (1 + e) if x >= 0 else e / (1 + e)
