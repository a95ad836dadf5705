"""A tiny neural-network library on top of `Value`: neurons, layers, MLPs.

Drop-in compatible with Karpathy's micrograd: the same classes, the same
random initialisation (Python's `random` module, in the same order, so
`random.seed(...)` reproduces his numbers) and the same summation order.
"""

from __future__ import annotations

import random
from typing import Literal, Sequence, Union

from micrograd.engine import Value

Activation = Literal["relu", "tanh", "linear"]
Input = Union[float, Value]


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
        if activation is None:
            activation = "relu" if nonlin else "linear"
        if activation not in ("relu", "tanh", "linear"):
            raise ValueError(f"activation must be 'relu', 'tanh' or 'linear', not {activation!r}")
        self.activation: Activation = activation
        self.w = [Value(random.uniform(-1, 1)) for _ in range(nin)]
        self.b = Value(random.uniform(-1, 1)) if activation == "tanh" else Value(0)

    @property
    def nonlin(self) -> bool:
        """True unless the neuron is linear (the original's attribute)."""
        return self.activation != "linear"

    def __call__(self, x: Sequence[Input]) -> Value:
        """The neuron's output for inputs `x` (floats or Values), one per weight."""
        if len(x) != len(self.w):
            raise ValueError(f"expected {len(self.w)} inputs, got {len(x)}")
        # b + w0*x0 + w1*x1 + ..., added in exactly this order so the numbers match the original
        act = sum((wi * xi for wi, xi in zip(self.w, x)), self.b)
        if self.activation == "relu":
            return act.relu()
        return act.tanh() if self.activation == "tanh" else act

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
        self.neurons = [Neuron(nin, **kwargs) for _ in range(nout)]  # type: ignore[arg-type]

    def __call__(self, x: Sequence[Input]) -> Value | list[Value]:
        """One output per neuron; a single Value (not a list) when the layer has one neuron."""
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
        if activation not in ("relu", "tanh"):
            raise ValueError(f"activation must be 'relu' or 'tanh', not {activation!r}")
        self.nin = nin
        sizes = [nin, *nouts]
        kinds: list[Activation] = [activation] * len(nouts)
        if kinds and activation == "relu":  # the original's last layer is linear; the lecture's is tanh
            kinds[-1] = "linear"
        self.layers = [Layer(sizes[i], sizes[i + 1], activation=kind) for i, kind in enumerate(kinds)]

    def __call__(self, x: Sequence[Input]) -> Value | list[Value]:
        """The network's output for inputs `x`: a Value if the last layer has one neuron, else a list."""
        if len(x) != self.nin:
            raise ValueError(f"MLP expects {self.nin} inputs, got {len(x)}")
        out: Value | Sequence[Input] = x
        for layer in self.layers:
            out = layer([out] if isinstance(out, Value) else out)
        return out

    def parameters(self) -> list[Value]:
        """Every layer's parameters, layer by layer."""
        return [p for layer in self.layers for p in layer.parameters()]

    def __repr__(self) -> str:
        return f"MLP of [{', '.join(str(layer) for layer in self.layers)}]"
# --8<-- [end:mlp]
