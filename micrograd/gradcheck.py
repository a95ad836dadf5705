"""Check the gradients `backward()` computes against finite differences, like `torch.autograd.gradcheck`.

Examples:
    >>> from micrograd import Value, gradcheck
    >>> gradcheck(lambda a, b: a * b + (a / b).tanh(), [2.0, -1.5])
    True
    >>> gradcheck(lambda a: a * a.data, [3.0])  # .data cuts the graph: backward() misses one path
    Traceback (most recent call last):
      ...
    micrograd.GradcheckError: input 0: backward() gives 3, finite differences give 6 (tolerance 0.00601)
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Mapping
from typing import Any, Callable, Iterable

from micrograd.engine import Value

__all__ = ["GradcheckError", "gradcheck"]


# --8<-- [start:checker]
class GradcheckError(ValueError):
    """`backward()` and a finite difference disagree about the gradient of one input.

    The numbers are attributes too: `position` (of the input, from 0), `analytic` (what
    `backward()` gave), `numeric` (the central difference) and `tolerance`.
    """

    def __init__(self, position: int, analytic: float, numeric: float, tolerance: float) -> None:
        self.position, self.analytic, self.numeric, self.tolerance = position, analytic, numeric, tolerance
        shown_a, shown_n = f"{analytic:.6g}", f"{numeric:.6g}"
        if shown_a == shown_n:  # too close to tell apart in 6 digits: show every digit
            shown_a, shown_n = repr(analytic), repr(numeric)
        super().__init__(f"input {position}: backward() gives {shown_a}, finite differences give {shown_n} "
                         f"(tolerance {tolerance:.3g})")


# Tracebacks name the class where users import it from: `micrograd.gradcheck` is the function.
GradcheckError.__module__ = "micrograd"


def gradcheck(fn: Callable[..., Any], inputs: Iterable[Any], *, eps: float = 1e-6, atol: float = 1e-5,
              rtol: float = 1e-3) -> bool:
    """Return True if `backward()` gets the gradient of `fn` right at `inputs`; else raise GradcheckError.

    `fn` takes one Value per input and returns a Value. `inputs` is a sequence of numbers
    (each becomes a fresh `micrograd.Value`) or of Values. For each input x, the gradient
    that `fn(...).backward()` leaves in `x.grad` (the analytic one) is compared with the
    central difference (fn(x + eps) - fn(x - eps)) / (2 eps), the other inputs held fixed
    (the numeric one). They agree when

        |analytic - numeric| <= atol + rtol * |numeric|

    as in `torch.allclose`. The central difference is accurate to about eps**2 times the
    third derivative, plus rounding of about 1e-16 / eps, so the defaults suit float64
    inputs of moderate size away from kinks: at a kink, such as relu at 0, the two sides
    have different slopes and the check fails.

    Values passed in are used as they are: `fn` receives those very objects, and their
    `data` is nudged in place, so `fn` may also reach them another way (a model's
    parameters, say). Their `data` and `grad` are put back before gradcheck returns or
    raises. Other Values that `fn` uses get gradients from its backward passes, as from
    any `backward()` call.

    Any class works that has a float `data`, a `grad` and a `backward()` method, such as
    the `Value` classes the book's chapters build.

    Raises GradcheckError (a ValueError) naming the input's position, both gradients and
    the tolerance; TypeError for inputs that are neither numbers nor Values or an `fn`
    that does not return a Value; ValueError for no inputs, non-finite numbers or
    settings out of range.
    """
    _check_settings(eps, atol, rtol)
    values = _values(inputs)
    saved = [(v, v.data, v.grad) for v in values]
    try:
        for v in values:
            v.grad = 0.0  # the gradient of this one backward pass, not of earlier ones
        _output(fn, values, "the inputs").backward()
        analytic = [_number(v.grad, f"the grad of input {i} after backward()") for i, v in enumerate(values)]
        for position, (v, x, _) in enumerate(saved):
            v.data = x + eps
            up = _output(fn, values, f"input {position} + eps").data
            v.data = x - eps
            down = _output(fn, values, f"input {position} - eps").data
            v.data = x
            numeric = (up - down) / (2 * eps)
            tolerance = atol + rtol * abs(numeric)
            if not abs(analytic[position] - numeric) <= tolerance:  # a nan gradient fails too
                raise GradcheckError(position, analytic[position], numeric, tolerance)
    finally:
        for v, data, grad in saved:
            v.data, v.grad = data, grad
    return True


def _is_value(x: object) -> bool:
    return hasattr(x, "data") and hasattr(x, "grad") and callable(getattr(x, "backward", None))


def _number(x: object, what: str) -> float:
    if not isinstance(x, numbers.Real) or isinstance(x, bool):
        raise TypeError(f"{what} must be a number, not {type(x).__name__}")
    return float(x)


def _finite(x: object, what: str) -> float:
    f = _number(x, what)
    if not math.isfinite(f):
        raise ValueError(f"{what} is {f}; gradcheck needs finite numbers")
    return f


def _check_settings(eps: float, atol: float, rtol: float) -> None:
    if not _finite(eps, "eps") > 0:
        raise ValueError(f"eps must be positive, got {eps}")
    for name, tol in (("atol", atol), ("rtol", rtol)):
        if _finite(tol, name) < 0:
            raise ValueError(f"{name} must be >= 0, got {tol}")


def _values(inputs: Iterable[Any]) -> list[Any]:
    """The inputs as Values: numbers become fresh leaves, Values are used as they are."""
    if _is_value(inputs) or isinstance(inputs, (numbers.Number, str, bytes, Mapping)):
        raise TypeError(f"inputs must be a sequence of numbers or Values, not {type(inputs).__name__}; "
                        f"for a single input, pass [x]")
    values = []
    for i, x in enumerate(inputs):
        if _is_value(x):
            _finite(x.data, f"the data of input {i}")
            values.append(x)
        elif isinstance(x, numbers.Real) and not isinstance(x, bool):
            values.append(Value(_finite(x, f"input {i}")))
        else:
            raise TypeError(f"input {i} must be a number or a Value, not {type(x).__name__}")
    if not values:
        raise ValueError("gradcheck needs at least one input")
    return values


def _output(fn: Callable[..., Any], values: list[Any], where: str) -> Any:
    out = fn(*values)
    if not _is_value(out):
        raise TypeError(f"fn must return a Value (with data, grad and backward()), not {type(out).__name__}")
    _finite(out.data, f"fn at {where}")
    return out
# --8<-- [end:checker]
