"""A scalar autograd engine: `Value` remembers how it was computed and back-propagates gradients.

The API and the numbers are those of Karpathy's micrograd; the inside is built for speed. An
operation stores its operands and local derivatives d(out)/d(operand) in the new node's slots: no
closure per node, and no reference cycles, so a graph is freed as soon as it is dropped, without
work for the garbage collector.
"""

from __future__ import annotations

import math
import numbers
from typing import Iterable, Union

Number = Union[int, float]


def _number(x: object) -> float | None:
    """`x` as a float if it is a real number (int, float, numpy scalar; not bool), else None."""
    if type(x) is float:
        return x
    if isinstance(x, numbers.Real) and not isinstance(x, bool):
        return float(x)
    return None


def _operand(x: object) -> Value | None:
    """`x` as a Value (a number becomes a constant leaf, as in the original), or None."""
    if isinstance(x, Value):
        return x
    f = _number(x)
    return None if f is None else _node(f)


def _node(data: float, op: str = "", a: Value | None = None, da: float = 0.0, b: Value | None = None,
          db: float = 0.0) -> Value:
    """A node `op(a[, b]) = data`, with da = d(out)/d(a) and db = d(out)/d(b); a leaf without `a`."""
    out = object.__new__(Value)  # skips __init__'s checks: data is a float already
    out.data, out.grad, out.label, out._op = data, 0.0, "", op
    out._a, out._da, out._b, out._db = a, da, b, db
    return out


class Value:
    """A scalar in a computation graph, and the gradient of an output with respect to it.

    Operations: + - * / (a number on either side), ** an int or float, unary -, exp, log, tanh,
    relu, sigmoid. `data` may be an int, a float or a numpy scalar and is stored as a float; anything
    else raises TypeError, bool too (`Value(True)` is nearly always a comparison passed by mistake).
    `_children` and `_op` record the operation that made the node (at most two operands); a node
    built by hand with `_children` has no local derivatives, so gradients stop there.
    """

    __slots__ = ("data", "grad", "label", "_op", "_a", "_b", "_da", "_db")

    def __init__(self, data: Number, _children: Iterable[Value] = (), _op: str = "", label: str = "") -> None:
        x = _number(data)
        if x is None:
            raise TypeError(f"Value() needs an int or float, not {type(data).__name__}")
        self._a, self._b, *rest = (*_children, None, None)
        if len(rest) > 2:
            raise ValueError(f"a Value has at most two children, got {len(rest)}")
        self.data, self.grad, self.label, self._op, self._da, self._db = x, 0.0, label, _op, 0.0, 0.0

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
        """The chain rule at this node: operand.grad += d(out)/d(operand) * out.grad."""
        if self._a is not None:
            self._a.grad += self._da * self.grad
            if self._b is not None:
                self._b.grad += self._db * self.grad

    # Each operation: compute the value, then make the node with its local derivatives.

    def __add__(self, other: Value | Number) -> Value:
        o = _operand(other)
        return NotImplemented if o is None else _node(self.data + o.data, "+", self, 1.0, o, 1.0)

    def __mul__(self, other: Value | Number) -> Value:
        o = _operand(other)
        return NotImplemented if o is None else _node(self.data * o.data, "*", self, o.data, o, self.data)

    def __sub__(self, other: Value | Number) -> Value:
        o = _operand(other)
        return NotImplemented if o is None else _node(self.data - o.data, "-", self, 1.0, o, -1.0)

    def __pow__(self, n: Number) -> Value:
        e = _number(n)
        if e is None:
            raise TypeError(f"Value ** {type(n).__name__}: only int/float exponents are supported")
        n, x = (n if isinstance(n, int) else e), self.data
        try:
            y = x**n  # 0.0 ** -1 raises ZeroDivisionError, as for floats
        except OverflowError:
            raise OverflowError(f"{x!r} ** {n!r} overflows") from None
        if isinstance(y, complex):
            raise ValueError(f"{x!r} ** {n!r} is not a real number")
        try:  # d = n * x**(n-1); where x**(n-1) overflows, n * y / x is the same number (inf)
            d = n * x ** (n - 1) if n else 0.0
        except OverflowError:
            d = n * y / x
        except ZeroDivisionError:  # x == 0 and 0 < n < 1: a vertical tangent
            d = math.inf
        return _node(y, f"**{n}", self, d)

    def exp(self) -> Value:
        """e ** self."""
        try:
            y = math.exp(self.data)
        except OverflowError:
            raise OverflowError(f"exp({self.data!r}) overflows") from None
        return _node(y, "exp", self, y)

    def log(self) -> Value:
        """The natural logarithm; the input must be positive."""
        if not self.data > 0:
            raise ValueError(f"log({self.data!r}): input must be positive")
        return _node(math.log(self.data), "log", self, 1 / self.data)

    def tanh(self) -> Value:
        """The hyperbolic tangent: ±1 with gradient 0 for large inputs, never an overflow."""
        t = math.tanh(self.data)
        return _node(t, "tanh", self, 1 - t**2)

    def relu(self) -> Value:
        """max(0, self), with gradient 0 at 0."""
        y = 0.0 if self.data < 0 else self.data
        return _node(y, "ReLU", self, 1.0 if y > 0 else 0.0)

    def sigmoid(self) -> Value:
        """1 / (1 + e ** -self), without overflow for inputs of either sign."""
        e = math.exp(-abs(self.data))  # at most 1, so it cannot overflow
        s = 1 / (1 + e) if self.data >= 0 else e / (1 + e)
        return _node(s, "sigmoid", self, s * (1 - s))

    # The rest are built from the operations above, as in the original, so the numbers match.

    __radd__ = __add__
    __rmul__ = __mul__

    def __neg__(self) -> Value:
        return self * -1

    def __rsub__(self, other: Number) -> Value:
        o = _operand(other)
        return NotImplemented if o is None else o - self

    def __truediv__(self, other: Value | Number) -> Value:
        o = _operand(other)
        return NotImplemented if o is None else self * o**-1

    def __rtruediv__(self, other: Number) -> Value:
        o = _operand(other)
        return NotImplemented if o is None else o * self**-1

    def backward(self) -> None:
        """Set every node's `grad` to d(self)/d(node), in time linear in the graph's size.

        Gradients accumulate like PyTorch's: each call adds to the grads of leaves (Values you made,
        such as parameters), so call `zero_grad()` between steps; computed nodes restart from 0.
        """
        order = _topological_order(self)
        for node in order:
            if node._a is not None:
                node.grad = 0.0
        self.grad += 1.0
        for node in reversed(order):  # a node's grad is complete before it is passed on
            node._backward()


def _topological_order(root: Value) -> list[Value]:
    """Every node `root` depends on, each after its children, children in operand order."""
    order: list[Value] = []
    seen: set[Value] = set()
    stack: list[Value | None] = [root]  # an explicit stack: depth is not limited by recursion
    while stack:
        node = stack.pop()
        if node is None:  # the marker: the children of the node below it are all in `order`
            order.append(stack.pop())  # type: ignore[arg-type]
        elif node not in seen:
            seen.add(node)
            stack += (node, None)
            if node._b is not None and node._b not in seen:
                stack.append(node._b)
            if node._a is not None and node._a not in seen:  # on top: operands visited in order
                stack.append(node._a)
    return order
