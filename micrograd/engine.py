"""A scalar autograd engine: `Value` remembers how it was computed and back-propagates gradients.

Karpathy's micrograd (its API, its numbers), built for speed: a node holds its value, grad, label
and operands, and no closure, set or reference cycle, so a dropped graph is freed at once. Overflow
gives ±inf (IEEE 754, as NumPy and PyTorch do); division by zero is Python's ZeroDivisionError."""

from __future__ import annotations

import math
from typing import Any, Callable, Iterable

from micrograd import copying, floats
from micrograd.floats import Number, power, power_slope
from micrograd.walk import topological_order as _topological_order

_new = object.__new__


def _operand(x: object) -> Value | None:
    """`x` as a Value (a number becomes a constant leaf, as in the original), or None."""
    if type(x) is not float:
        if isinstance(x, Value):
            return x
        x = floats.number(x)
        if x is None:
            return None
    leaf = _new(Value)
    leaf.data, leaf.grad, leaf.label = x, 0.0, ""
    return leaf


def _node(data: float, op: str, a: Value, b: Value | None, d: float, kind: type | None = None) -> Any:
    """The node op(a[, b]) = data; d = d(out)/d(a) if the operation has one operand."""
    out = _new(kind or _Node)
    out.data, out.grad, out.label, out._mark = data, 0.0, "", None
    out._op, out._a, out._b, out._d = op, a, b, d
    return out


# The one-operand operations: y = f(x), and the slope dy/dx from x and y.
_UNARY: dict[str, tuple[Callable[[float], float], Callable[[float, float], float]]] = {
    "exp": (floats.exp, lambda x, y: y),
    "log": (floats.log, lambda x, y: 1 / x),
    "tanh": (math.tanh, lambda x, y: 1 - y**2),
    "ReLU": (lambda x: 0.0 if x < 0 else x, lambda x, y: 1.0 if y > 0 else 0.0),
    "sigmoid": (floats.sigmoid, lambda x, y: y * (1 - y)),
}


def _unary(x: Value, op: str) -> Value:  # a one-operand operation: its value, and its slope at x
    f, slope = _UNARY[op]
    y = f(x.data)
    return _node(y, op, x, None, slope(x.data, y))


class Value:
    """A scalar in a computation graph, and the gradient of an output with respect to it: + - * /
    (a number on either side), ** a number, unary -, exp, log, tanh, relu, sigmoid. `data` is an int,
    float or numpy scalar (not bool), stored as a float. `Value(data, _children, _op)`, built by hand,
    has no local derivatives: gradients stop there."""

    __slots__ = ("data", "grad", "label")
    _op, _a, _b = "", None, None  # a leaf has no operation and no operands
    __copy__, __deepcopy__, __reduce__ = copying.copy, copying.deepcopy, copying.reduce  # any depth

    def __new__(cls, data: Number = 0.0, _children: Iterable = (), _op: str = "", label: str = "") -> Value:
        return _new(_Given if cls is Value and (_children or _op) else cls)  # room for what is given

    def __init__(self, data: Number, _children: Iterable[Value] = (), _op: str = "", label: str = "") -> None:
        x = floats.number(data)
        if x is None:
            raise TypeError(f"Value() needs an int or float, not {type(data).__name__}")
        self.data, self.grad, self.label = x, 0.0, label
        if _children or _op:
            self._a, self._b, *rest = (*_children, None, None)
            if len(rest) > 2:
                raise ValueError(f"a Value has at most two children, got {len(rest)}")
            self._op, self._d, self._mark = _op, 0.0, None

    def __repr__(self) -> str:
        return f"Value(data={self.data})"

    @property
    def _children(self) -> tuple[Value, ...]:
        """The operands, in the order the operation received them."""
        return tuple(c for c in (self._a, self._b) if c is not None)

    @property
    def _prev(self) -> set[Value]:
        """The operands as a set, as in the original; `_children` has them in order."""
        return set(self._children)

    def _backward(self) -> None:
        """The chain rule at this node: operand.grad += d(out)/d(operand) * out.grad (a leaf has none)."""

    # Each operation: value (and d(out)/d(self) if one operand), then node; + and * make it in place.

    def __add__(self, other: Value | Number) -> Value:
        if not isinstance(other, Value) and (other := _operand(other)) is None:
            return NotImplemented
        out = _new(_Node)  # set in threes: four at once would build a tuple, then unpack it
        out.data, out.grad, out.label = self.data + other.data, 0.0, ""
        out._op, out._a, out._b = "+", self, other
        out._d, out._mark = 0.0, None
        return out

    def __mul__(self, other: Value | Number) -> Value:
        if not isinstance(other, Value) and (other := _operand(other)) is None:
            return NotImplemented
        out = _new(_Node)  # set in threes: four at once would build a tuple, then unpack it
        out.data, out.grad, out.label = self.data * other.data, 0.0, ""
        out._op, out._a, out._b = "*", self, other
        out._d, out._mark = 0.0, None
        return out

    def __sub__(self, other: Value | Number) -> Value:
        return NotImplemented if (o := _operand(other)) is None else _node(self.data - o.data, "-", self, o, 0.0)

    def __pow__(self, n: Number) -> Value:
        if (e := floats.number(n)) is None:
            raise TypeError(f"Value ** {type(n).__name__}: only int/float exponents are supported")
        n = n if isinstance(n, int) else e  # an int stays an int: "**2", as in the original
        out = _node(power(self.data, n), f"**{n}", self, None, power_slope(self.data, n), _Pow)
        out._n = n
        return out

    def exp(self) -> Value:
        """e ** self, inf where that is too large for a float."""
        return _unary(self, "exp")
    def log(self) -> Value:  # noqa: E301  (one-operand operations, as one table)
        """The natural logarithm; the input must be positive."""
        return _unary(self, "log")
    def tanh(self) -> Value:  # noqa: E301
        """The hyperbolic tangent: ±1 with gradient 0 for large inputs."""
        return _unary(self, "tanh")
    def relu(self) -> Value:  # noqa: E301
        """max(0, self), with gradient 0 at 0."""
        return _unary(self, "ReLU")
    def sigmoid(self) -> Value:  # noqa: E301
        """1 / (1 + e ** -self), without overflow for inputs of either sign."""
        return _unary(self, "sigmoid")

    # The rest are built from the operations above, as in the original, so the numbers match.

    __radd__, __rmul__ = __add__, __mul__

    def __neg__(self) -> Value:
        return self * -1

    def __rsub__(self, other: Number) -> Value:
        return NotImplemented if (o := _operand(other)) is None else o - self

    def __truediv__(self, other: Value | Number) -> Value:
        return NotImplemented if (o := _operand(other)) is None else self * o**-1

    def __rtruediv__(self, other: Number) -> Value:
        return NotImplemented if (o := _operand(other)) is None else o * self**-1

    def backward(self) -> None:
        """Set every node's `grad` to d(self)/d(node). Like PyTorch, each call adds to the grads of
        leaves (the Values you made), so call `zero_grad()` between steps; computed nodes restart at 0."""
        order = _topological_order(self, zero_grads=True)
        self.grad += 1.0
        _chain_rule(reversed(order), _Node)  # a node's grad is complete before it is passed on


class _Node(Value):  # a Value made by an operation: its operands, and a mark for the walk (walk.py)
    __slots__ = ("_op", "_a", "_b", "_d", "_mark")

    def _backward(self) -> None:
        _chain_rule((self,), type(self))


def _chain_rule(nodes: Iterable[Value], kind: type) -> None:
    """The chain rule at each node in turn, in one loop; a node not of `kind` runs its own `_backward`."""
    for node in nodes:
        op, g, a = node._op, node.grad, node._a
        if type(node) is not kind:
            node._backward()
        elif op == "*":  # d(ab)/da = b, d(ab)/db = a
            a.grad += node._b.data * g
            node._b.grad += a.data * g
        elif op == "+":  # d(a + b)/da = d(a + b)/db = 1
            a.grad += g
            node._b.grad += g
        elif op == "-":  # d(a - b)/da = 1, d(a - b)/db = -1
            a.grad += g
            node._b.grad -= g
        else:  # one operand, whose local derivative the operation computed
            a.grad += node._d * g


class _Pow(_Node):  # x ** n, keeping n so that a Tape can replay the power
    __slots__ = ("_n",)


class _Given(_Node):  # a node built by hand, Value(data, _children, _op): grads stop here
    __slots__ = ()
    _backward = Value._backward
