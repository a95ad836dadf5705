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
    with pytest.raises(ValueError, match=f"Neuron expects 2 inputs, got {len(x)}"):
        Neuron(2)(x)
    with pytest.raises(ValueError, match=f"Layer expects 2 inputs, got {len(x)}"):
        Layer(2, 3)(x)


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


# --- sizes: a list of layer sizes, each an int of at least 1 ---------------------------------------


def test_an_int_for_the_layer_sizes_asks_for_a_list() -> None:
    with pytest.raises(TypeError, match=r"nouts must be a list of layer sizes, such as \[16, 16, 1\], not int 3"):
        MLP(2, 3)  # type: ignore[arg-type]


@pytest.mark.parametrize("nouts", ["31", {3, 1}, {3: 1}, None, 3.0, np.ones((2, 1), dtype=int)])
def test_layer_sizes_must_be_an_ordered_sequence(nouts: object) -> None:
    with pytest.raises(TypeError, match="nouts must be a list of layer sizes"):
        MLP(2, nouts)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("make", "error", "message"),
    [
        (lambda: MLP(2, []), ValueError, r"nouts must hold at least one layer size"),
        (lambda: MLP(2, [0, 1]), ValueError, r"nouts\[0\] must be at least 1, not 0"),
        (lambda: MLP(2, [1, 0]), ValueError, r"nouts\[1\] must be at least 1, not 0"),
        (lambda: MLP(2, [4, -2, 1]), ValueError, r"nouts\[1\] must be at least 1, not -2"),
        (lambda: MLP(-1, [1]), ValueError, r"nin must be at least 1, not -1"),
        (lambda: MLP(0, [1]), ValueError, r"nin must be at least 1, not 0"),
        (lambda: Neuron(-1), ValueError, r"nin must be at least 1, not -1"),
        (lambda: Neuron(0), ValueError, r"nin must be at least 1, not 0"),
        (lambda: Layer(2, 0), ValueError, r"nout must be at least 1, not 0"),
        (lambda: Layer(0, 2), ValueError, r"nin must be at least 1, not 0"),
        (lambda: MLP(2.0, [1]), TypeError, r"nin must be an int, not float 2.0"),
        (lambda: MLP(2, [1.5]), TypeError, r"nouts\[0\] must be an int, not float 1.5"),
        (lambda: Neuron("2"), TypeError, r"nin must be an int, not str '2'"),
        (lambda: Layer(2, 2.0), TypeError, r"nout must be an int, not float 2.0"),
        (lambda: Layer(None, 2), TypeError, r"nin must be an int, not NoneType"),
        (lambda: Neuron(True), TypeError, r"nin must be an int, not bool True"),
        (lambda: Layer(2, False), TypeError, r"nout must be an int, not bool False"),
        (lambda: MLP(2, [True]), TypeError, r"nouts\[0\] must be an int, not bool True"),
        (lambda: MLP(True, [1]), TypeError, r"nin must be an int, not bool True"),
    ],
)
def test_degenerate_sizes_are_refused_naming_the_argument(make, error: type, message: str) -> None:  # type: ignore[no-untyped-def]
    random.seed(0)
    state = random.getstate()
    with pytest.raises(error, match=message):
        make()
    assert random.getstate() == state  # checked before any weight is drawn


def test_sizes_may_be_numpy_ints_and_the_sizes_any_ordered_sequence() -> None:
    random.seed(5)
    reference = [p.data for p in MLP(2, [3, 1]).parameters()]
    for nin, nouts in [(np.int64(2), (3, 1)), (2, range(3, 0, -2)), (2, np.array([3, 1]))]:
        random.seed(5)
        model = MLP(nin, nouts)  # type: ignore[arg-type]
        assert [p.data for p in model.parameters()] == reference
        assert type(model.nin) is int and repr(model) == repr(MLP(2, [3, 1]))


# --- nonlin is the original's bool; activation names the function ----------------------------


@pytest.mark.parametrize("kind", ["tanh", "relu", "linear"])
def test_a_string_nonlin_points_at_activation(kind: str) -> None:
    with pytest.raises(TypeError, match=f"nonlin must be True \\(ReLU\\) or False \\(linear\\), not '{kind}'.*activation='{kind}'"):
        Neuron(2, nonlin=kind)  # type: ignore[arg-type]


@pytest.mark.parametrize("nonlin", [1, 0, None, "yes", "sigmoid"])
def test_a_non_bool_nonlin_is_refused(nonlin: object) -> None:
    with pytest.raises(TypeError, match="nonlin must be True .* or False .*activation="):
        Neuron(2, nonlin=nonlin)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="nonlin must be True"):
        Layer(2, 3, nonlin=nonlin)


def test_a_non_string_activation_is_a_type_error() -> None:
    with pytest.raises(TypeError, match="activation must be 'relu', 'tanh' or 'linear', not bool True"):
        Neuron(2, activation=True)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="activation must be 'relu' or 'tanh', not NoneType"):
        MLP(2, [1], activation=None)  # type: ignore[arg-type]


# --- inputs: an ordered sequence of numbers or Values ------------------------------------------


def three_inputs_models() -> list:  # type: ignore[type-arg]
    random.seed(11)
    return [Neuron(3), Layer(3, 2), MLP(3, [2, 1])]


def data(out):  # type: ignore[no-untyped-def]
    return [v.data for v in out] if isinstance(out, list) else out.data


@pytest.mark.parametrize(
    "x",
    [(0.5, -1.0, 2.0), np.array([0.5, -1.0, 2.0]), [np.float64(0.5), np.float32(-1.0), np.int64(2)],
     [Value(0.5), -1.0, Value(2.0)], np.array([0.5, -1.0, 2.0])[::1], np.ones((1, 3)) * [0.5, -1.0, 2.0]],
    ids=["tuple", "1-D array", "numpy scalars", "Values", "array view", "a row of a 2-D array"],
)
def test_inputs_may_be_any_ordered_sequence_of_numbers_or_values(x: object) -> None:
    if isinstance(x, np.ndarray) and x.ndim == 2:
        x = x[0]  # the row X[i] of a data set, as in the original's demo
    for model in three_inputs_models():
        assert data(model(x)) == data(model([0.5, -1.0, 2.0]))


@pytest.mark.parametrize(
    ("x", "kind"),
    [({0: 5.0, 1: 7.0, 2: 1.0}, "dict"), ({5.0, 7.0, 1.0}, "set"), ("abc", "str"), (b"abc", "bytes"),
     (np.ones((3, 1)), r"ndarray of shape \(3, 1\)"), (np.float64(1.0), r"float64 of shape \(\)"),
     (iter([1.0, 2.0, 3.0]), "list_iterator"), (None, "NoneType"), (3.0, "float"), (Value(1.0), "Value")],
)
def test_inputs_that_are_not_an_ordered_sequence_are_refused(x: object, kind: str) -> None:
    for model in three_inputs_models():
        who = type(model).__name__
        with pytest.raises(TypeError, match=f"{who} takes a list, a tuple or a 1-D array of inputs, not {kind}"):
            model(x)


@pytest.mark.parametrize(("x", "culprit"), [(["a", 1.0, 2.0], "input 0 is str 'a'"), ([1.0, None, 2.0], "input 1 is NoneType"),
                                            ([1.0, 2.0, [3.0]], r"input 2 is list \[3.0\]"), ([True, 1.0, 2.0], "input 0 is bool True")])
def test_an_input_that_is_not_a_number_or_a_value_is_named(x: list, culprit: str) -> None:  # type: ignore[type-arg]
    for model in three_inputs_models():
        with pytest.raises(TypeError, match=f"inputs must be numbers or Values; {culprit}"):
            model(x)


def test_a_neuron_sums_as_the_original_does_to_the_last_bit() -> None:
    random.seed(5)
    n = Neuron(16, activation="linear")
    for x in ([random.uniform(-2, 2) for _ in range(16)], [Value(random.uniform(-2, 2)) for _ in range(16)],
              np.linspace(-1.0, 1.0, 16), [1, 2.5, np.float32(0.5), Value(3.0)] * 4):
        ours = n(x)
        theirs = sum((wi * xi for wi, xi in zip(n.w, x)), n.b)  # the original's Neuron.__call__
        assert ours.data == theirs.data
        ours.backward()
        mine = [p.grad for p in n.parameters()]
        n.zero_grad()
        theirs.backward()
        assert mine == [p.grad for p in n.parameters()]
        n.zero_grad()


def test_a_weight_that_is_a_number_still_works_through_the_operators() -> None:
    n = Neuron(2, nonlin=False)
    n.w[1] = 0.5  # not a Value: float.__mul__ declines a Value, so the operators take over
    x = [Value(2.0), Value(4.0)]
    out = n(x)
    assert out.data == n.w[0].data * 2.0 + 0.5 * 4.0
    out.backward()
    assert [xi.grad for xi in x] == [n.w[0].data, 0.5]


# --- nonlin and activation are settable ---------------------------------------------------------


def test_nonlin_is_settable_as_in_the_original() -> None:
    random.seed(2)
    n = Neuron(2)
    x = [1.0, -3.0]
    s = sum((w.data * xi for w, xi in zip(n.w, x)), n.b.data)
    n.nonlin = False  # the original's linear neuron
    assert (n.nonlin, n.activation, repr(n), n(x).data) == (False, "linear", "LinearNeuron(2)", s)
    n.nonlin = True  # and back to the original's ReLU
    assert (n.nonlin, n.activation, n(x).data) == (True, "relu", max(s, 0.0))
    t = Neuron(2, activation="tanh")
    t.nonlin = True  # already nonlinear: stays tanh
    assert t.activation == "tanh"
    t.nonlin = False
    assert t.activation == "linear" and not t.nonlin
    with pytest.raises(TypeError, match="nonlin must be True"):
        n.nonlin = "tanh"  # type: ignore[assignment]
    assert n.activation == "relu"


def test_activation_is_settable_and_checked() -> None:
    n = Neuron(2)
    n.activation = "tanh"
    assert n.nonlin and repr(n) == "TanhNeuron(2)" and n([0.0, 0.0])._op == "tanh"
    with pytest.raises(ValueError, match="activation must be"):
        n.activation = "sigmoid"  # type: ignore[assignment]
    assert n.activation == "tanh"
