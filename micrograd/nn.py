"""A tiny neural-network library on top of `Value`: neurons, layers, MLPs.

Drop-in compatible with Karpathy's micrograd: the same classes, the same
random initialisation (Python's `random` module, in the same order, so
`random.seed(...)` reproduces his numbers) and the same summation order.
"""

from __future__ import annotations

import numbers
import random
from collections.abc import Sequence
from typing import Literal, Union

from micrograd.engine import Value

Activation = Literal["relu", "tanh", "linear"]
ACTIVATIONS = ("relu", "tanh", "linear")
Input = Union[float, Value]


def _ordered(x: object) -> bool:
    """True for a list, a tuple, another ordered sequence or a 1-D numpy array; False for str, dict, set, ..."""
    ndim = getattr(x, "ndim", None)  # numpy arrays are not Sequences, but 1-D ones (a row of X) are fine
    return ndim == 1 if ndim is not None else isinstance(x, Sequence) and not isinstance(x, (str, bytes))


def _size(name: str, n: object) -> int:
    """`n` checked as a size: an int (numpy ints too, not bool) of at least 1."""
    if isinstance(n, bool) or not isinstance(n, numbers.Integral):
        raise TypeError(f"{name} must be an int, not {type(n).__name__} {n!r}")
    if n < 1:
        raise ValueError(f"{name} must be at least 1, not {n}")
    return int(n)


def _layer_sizes(nouts: object) -> list[int]:
    """`nouts` checked as the list of layer sizes of an MLP."""
    if not _ordered(nouts):
        raise TypeError(
            f"MLP(nin, nouts): nouts must be a list of layer sizes, such as [16, 16, 1], "
            f"not {type(nouts).__name__} {nouts!r}"
        )
    sizes = [_size(f"nouts[{i}]", n) for i, n in enumerate(nouts)]  # type: ignore[call-overload]
    if not sizes:
        raise ValueError("MLP(nin, nouts): nouts must hold at least one layer size, such as [1]")
    return sizes


def _activation(kind: object, allowed: tuple[str, ...] = ACTIVATIONS) -> Activation:
    """`kind` checked as the name of one of the `allowed` activations."""
    names = ", ".join(map(repr, allowed[:-1])) + f" or {allowed[-1]!r}"
    if not isinstance(kind, str):
        raise TypeError(f"activation must be {names}, not {type(kind).__name__} {kind!r}")
    if kind not in allowed:
        raise ValueError(f"activation must be {names}, not {kind!r}")
    return kind  # type: ignore[return-value]


def _nonlin(on: object) -> bool:
    """`on` checked as the original's ReLU/linear switch, which is a bool."""
    if not isinstance(on, bool):
        hint = f"activation={on!r}" if isinstance(on, str) and on in ACTIVATIONS else "activation='tanh'"
        raise TypeError(f"nonlin must be True (ReLU) or False (linear), not {on!r}; to name an activation use {hint}")
    return on


def _inputs(x: object, n: int, who: str) -> Sequence[Input]:
    """`x` checked as `n` inputs (numbers or Values) in an ordered sequence."""
    if type(x) is not list and type(x) is not tuple and not _ordered(x):  # lists first: this runs per neuron
        shape = f" of shape {x.shape}" if hasattr(x, "shape") else ""  # type: ignore[attr-defined]
        raise TypeError(f"{who} takes a list, a tuple or a 1-D array of inputs, not {type(x).__name__}{shape}")
    if len(x) != n:  # type: ignore[arg-type]
        raise ValueError(f"{who} expects {n} inputs, got {len(x)}")  # type: ignore[arg-type]
    return x  # type: ignore[return-value]


def _check_numbers(x: Sequence[object]) -> None:
    """Raise TypeError naming the first input that is neither a number nor a Value.

    Called only once an operation has failed, so correct inputs cost nothing.
    """
    for i, xi in enumerate(x):
        if isinstance(xi, bool) or not isinstance(xi, (Value, numbers.Real)):
            raise TypeError(f"inputs must be numbers or Values; input {i} is {type(xi).__name__} {xi!r}")


# --8<-- [start:module]
class Module:
    """Base class: something with parameters whose gradients can be reset."""

    def zero_grad(self) -> None:
        """Set the gradient of every parameter to 0 (grads accumulate across `backward()` calls)."""
        for p in self.parameters():
            p.grad = 0.0

    def parameters(self) -> list[Value]:
        """The trainable Values of this module, in a fixed order."""
        return []
# --8<-- [end:module]


# --8<-- [start:neuron]
class Neuron(Module):
    """One neuron: activation(w . x + b).

    `Neuron(nin)` is the original's ReLU neuron and `Neuron(nin, nonlin=False)`
    its linear one: weights drawn from uniform(-1, 1) and bias 0.
    `Neuron(nin, activation="tanh")` is the neuron of the lecture: weights then
    bias drawn from uniform(-1, 1), output squashed by tanh. `activation`, when
    given ("relu", "tanh" or "linear"), overrides `nonlin`.
    """

    def __init__(self, nin: int, nonlin: bool = True, activation: Activation | None = None) -> None:
        nin, nonlin = _size("nin", nin), _nonlin(nonlin)
        self.activation = activation if activation is not None else "relu" if nonlin else "linear"
        self.w = [Value(random.uniform(-1, 1)) for _ in range(nin)]
        self.b = Value(random.uniform(-1, 1)) if self.activation == "tanh" else Value(0)

    @property
    def activation(self) -> Activation:
        """"relu", "tanh" or "linear"; may be set to any of them (the weights stay as they are)."""
        return self._activation

    @activation.setter
    def activation(self, kind: Activation) -> None:
        self._activation = _activation(kind)

    @property
    def nonlin(self) -> bool:
        """True unless the neuron is linear: the original's attribute, and settable as there.

        Setting it False makes the neuron linear. Setting it True gives a linear
        neuron the original's nonlinearity, ReLU; a tanh or ReLU neuron stays as it is.
        """
        return self.activation != "linear"

    @nonlin.setter
    def nonlin(self, on: bool) -> None:
        if not _nonlin(on):
            self.activation = "linear"
        elif self.activation == "linear":
            self.activation = "relu"

    def __call__(self, x: Sequence[Input]) -> Value:
        """The neuron's output for inputs `x` (floats or Values), one per weight."""
        x = _inputs(x, len(self.w), "Neuron")
        act = self.b  # b + w0*x0 + w1*x1 + ..., added in exactly this order so the numbers match the original
        for wi, xi in zip(self.w, x):  # act + wi * xi, calling the methods: an operator first looks
            act = act.__add__(wi.__mul__(xi))  # them up through the type, a few percent of a training step
            if act is NotImplemented:  # an input (or a weight) that is not a number or a Value
                act = self._weighted_sum(x)  # the operators then decide, or say which input is wrong
                break
        kind = self._activation  # read once: the property is a call, and this runs per neuron
        if kind == "relu":
            return act.relu()
        return act.tanh() if kind == "tanh" else act

    def _weighted_sum(self, x: Sequence[Input]) -> Value:
        """b + w0*x0 + w1*x1 + ... with the operators, whatever the types (the original's sum)."""
        try:
            return sum((wi * xi for wi, xi in zip(self.w, x)), self.b)
        except TypeError:
            _check_numbers(x)  # says which input is not a number or a Value, if one is not
            raise

    def parameters(self) -> list[Value]:
        """The weights, then the bias."""
        return self.w + [self.b]

    def __repr__(self) -> str:
        kind = {"relu": "ReLU", "tanh": "Tanh", "linear": "Linear"}[self.activation]
        return f"{kind}Neuron({len(self.w)})"
# --8<-- [end:neuron]


# --8<-- [start:layer]
class Layer(Module):
    """`nout` neurons that each see the same `nin` inputs; extra arguments go to `Neuron`."""

    def __init__(self, nin: int, nout: int, **kwargs: object) -> None:
        self.neurons = [Neuron(nin, **kwargs) for _ in range(_size("nout", nout))]  # type: ignore[arg-type]

    def __call__(self, x: Sequence[Input]) -> Value | list[Value]:
        """One output per neuron; a single Value (not a list) when the layer has one neuron."""
        x = _inputs(x, len(self.neurons[0].w), "Layer")
        out = [n(x) for n in self.neurons]
        return out[0] if len(out) == 1 else out

    def parameters(self) -> list[Value]:
        """Every neuron's parameters, neuron by neuron."""
        return [p for n in self.neurons for p in n.parameters()]

    def __repr__(self) -> str:
        return f"Layer of [{', '.join(str(n) for n in self.neurons)}]"
# --8<-- [end:layer]


# --8<-- [start:mlp]
class MLP(Module):
    """A multi-layer perceptron: `MLP(nin, [n1, n2, ..., nout])`.

    By default every layer is ReLU except the last, which is linear (the
    original's MLP). `activation="tanh"` gives the lecture's MLP instead:
    tanh neurons with random biases in every layer, the last included.
    """

    def __init__(self, nin: int, nouts: Sequence[int], activation: Literal["relu", "tanh"] = "relu") -> None:
        _activation(activation, allowed=("relu", "tanh"))
        self.nin = _size("nin", nin)
        sizes = [self.nin, *_layer_sizes(nouts)]
        kinds: list[Activation] = [activation] * (len(sizes) - 1)
        if activation == "relu":  # the original's last layer is linear; the lecture's is tanh
            kinds[-1] = "linear"
        self.layers = [Layer(sizes[i], sizes[i + 1], activation=kind) for i, kind in enumerate(kinds)]

    def __call__(self, x: Sequence[Input]) -> Value | list[Value]:
        """The network's output for inputs `x`: a Value if the last layer has one neuron, else a list."""
        out: Value | Sequence[Input] = _inputs(x, self.nin, "MLP")
        for layer in self.layers:
            out = layer([out] if isinstance(out, Value) else out)
        return out

    def parameters(self) -> list[Value]:
        """Every layer's parameters, layer by layer."""
        return [p for layer in self.layers for p in layer.parameters()]

    def __repr__(self) -> str:
        return f"MLP of [{', '.join(str(layer) for layer in self.layers)}]"
# --8<-- [end:mlp]
