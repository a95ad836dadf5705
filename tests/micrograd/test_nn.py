"""Tests of micrograd.nn: drop-in compatibility with the original (initialisation,
summation order, shapes, repr), the lecture's tanh option, and input checks."""

from __future__ import annotations

import math
import random

import numpy as np
import pytest

from micrograd import MLP, Layer, Module, Neuron, Value
from micrograd.data import make_moons


def uniforms(seed: int, n: int) -> list[float]:
    random.seed(seed)
    return [random.uniform(-1, 1) for _ in range(n)]


def test_neuron_initialisation_matches_the_original() -> None:
    random.seed(7)
    n = Neuron(3)
    assert [w.data for w in n.w] == uniforms(7, 3)
    assert n.b.data == 0.0 and n.nonlin
    assert n.parameters() == [*n.w, n.b]


def test_tanh_neuron_draws_weights_then_bias() -> None:
    random.seed(7)
    n = Neuron(3, activation="tanh")
    assert [p.data for p in n.parameters()] == uniforms(7, 4)


def test_neuron_sums_in_the_original_order() -> None:
    random.seed(1)
    n = Neuron(4, nonlin=False)
    n.b.data = 0.1
    x = [0.3, -1.7, 2.9, 1e-3]
    expected = n.b.data
    for w, xi in zip(n.w, x):  # b + w0*x0 + w1*x1 + ..., exactly this order
        expected = expected + w.data * xi
    assert n(x).data == expected


@pytest.mark.parametrize(
    ("activation", "f"),
    [("relu", lambda s: max(s, 0.0)), ("linear", lambda s: s), ("tanh", math.tanh)],
)
def test_neuron_activations(activation: str, f) -> None:  # type: ignore[no-untyped-def]
    random.seed(3)
    n = Neuron(2, activation=activation)  # type: ignore[arg-type]
    x = [0.5, -0.25]
    s = sum((w.data * xi for w, xi in zip(n.w, x)), n.b.data)
    assert n(x).data == f(s)


def test_mlp_forward_matches_a_float_computation_in_the_same_order() -> None:
    random.seed(42)
    model = MLP(3, [4, 4, 1])
    x = [2.0, 3.0, -1.0]
    h: list[float] = x
    for i, layer in enumerate(model.layers):
        last = i == len(model.layers) - 1
        h = [
            (lambda s: s if last else max(s, 0.0))(
                sum((w.data * xi for w, xi in zip(n.w, h)), n.b.data)
            )
            for n in layer.neurons
        ]
    assert model(x).data == h[0]  # type: ignore[union-attr]


def test_parameter_counts() -> None:
    assert len(MLP(2, [16, 16, 1]).parameters()) == 337
    assert len(MLP(3, [4, 4, 1]).parameters()) == 41


def test_reprs_match_the_original() -> None:
    expected = "MLP of [Layer of [ReLUNeuron(2), ReLUNeuron(2)], Layer of [LinearNeuron(2)]]"
    assert repr(MLP(2, [2, 1])) == expected
    assert repr(Neuron(3, activation="tanh")) == "TanhNeuron(3)"
    assert repr(MLP(1, [1], activation="tanh")) == "MLP of [Layer of [TanhNeuron(1)]]"


def test_lecture_mlp_is_tanh_everywhere() -> None:
    model = MLP(3, [4, 4, 1], activation="tanh")
    assert all(n.activation == "tanh" for layer in model.layers for n in layer.neurons)
    assert all(p.data != 0.0 for p in model.parameters())  # random biases too
    out = model([2.0, 3.0, -1.0])
    assert isinstance(out, Value) and out._op == "tanh"


def test_default_mlp_is_relu_then_linear() -> None:
    model = MLP(2, [3, 3, 1])
    kinds = [[n.activation for n in layer.neurons] for layer in model.layers]
    assert kinds == [["relu"] * 3, ["relu"] * 3, ["linear"]]
    assert not model.layers[-1].neurons[0].nonlin


def test_layer_returns_a_value_for_one_neuron_and_a_list_otherwise() -> None:
    assert isinstance(Layer(2, 1)([1.0, 2.0]), Value)
    out = Layer(2, 3)([1.0, 2.0])
    assert isinstance(out, list) and len(out) == 3


def test_a_one_neuron_hidden_layer_feeds_the_next_layer() -> None:
    out = MLP(2, [1, 3])([1.0, 2.0])
    assert isinstance(out, list) and len(out) == 3


def test_inputs_may_be_floats_or_values_and_values_receive_gradients() -> None:
    model = MLP(2, [1])  # one linear neuron: d(out)/d(x_i) = w_i
    x = [Value(0.5), Value(-1.5)]
    assert model([x[0], -1.5]).data == model([0.5, -1.5]).data  # type: ignore[union-attr]
    out = model(x)
    out.backward()  # type: ignore[union-attr]
    assert [v.grad for v in x] == [w.data for w in model.layers[0].neurons[0].w]


def test_zero_grad_resets_every_parameter() -> None:
    model = MLP(2, [4, 1])
    model([1.0, -2.0]).backward()  # type: ignore[union-attr]
    for p in model.parameters():
        p.grad = 1.0
    model.zero_grad()
    assert all(p.grad == 0.0 for p in model.parameters())
    assert Module().parameters() == []


@pytest.mark.parametrize("x", [[1.0], [1.0, 2.0, 3.0]])
def test_wrong_number_of_inputs_names_both_numbers(x: list[float]) -> None:
    with pytest.raises(ValueError, match=f"expects 2 inputs, got {len(x)}"):
        MLP(2, [3, 1])(x)
    with pytest.raises(ValueError, match=f"expected 2 inputs, got {len(x)}"):
        Neuron(2)(x)


def test_unknown_activation_is_refused() -> None:
    with pytest.raises(ValueError, match="activation"):
        Neuron(2, activation="sigmoid")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="activation"):
        MLP(2, [1], activation="linear")  # type: ignore[arg-type]


def test_the_original_demo_loss_runs_on_numpy_data() -> None:
    random.seed(1337)
    model = MLP(2, [16, 16, 1])
    X, y = make_moons(n_samples=10, noise=0.1)
    inputs = [list(map(Value, row)) for row in X]
    scores = list(map(model, inputs))
    losses = [(1 + -yi * si).relu() for yi, si in zip(y, scores)]
    data_loss = sum(losses) * (1.0 / len(losses))
    total = data_loss + 1e-4 * sum(p * p for p in model.parameters())
    assert isinstance(total, Value) and type(total.data) is float
    model.zero_grad()
    total.backward()
    assert any(p.grad != 0.0 for p in model.parameters())
    assert np.isfinite([p.grad for p in model.parameters()]).all()
