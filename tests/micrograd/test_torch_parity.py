"""PyTorch parity, in float64: the same expressions, the same network, the same gradients."""

from __future__ import annotations

import math
import random

import pytest
from hypothesis import given, reject, settings

from micrograd import MLP, Value
from micrograd.data import make_moons
from sitekit.skips import NEEDS
from tests.micrograd.expressions import (
    FLOATS, VALUES, OutOfDomain, evaluate, expressions, torch_backend, variables,
)

# the site's one allow-listed reason: "needs PyTorch, which is not installed (pip install torch; ...)"
torch = pytest.importorskip("torch", reason=NEEDS["torch"])

TORCH = torch_backend()


def close(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)


@settings(max_examples=200, deadline=None)
@given(expr=expressions(), xs=variables())
def test_random_expressions_match_pytorch(expr: tuple, xs: list[float]) -> None:
    try:
        evaluate(expr, xs, FLOATS)  # the same domain as the finite-difference test
    except OutOfDomain:
        reject()
    leaves = [Value(x) for x in xs]
    out = evaluate(expr, leaves, VALUES)
    out.backward()
    tensors = [torch.tensor(x, dtype=torch.float64, requires_grad=True) for x in xs]
    expected = evaluate(expr, tensors, TORCH)
    if expected.requires_grad:  # not so for an expression without variables
        expected.backward()
    assert close(out.data, expected.item())
    for leaf, tensor in zip(leaves, tensors):
        torch_grad = 0.0 if tensor.grad is None else tensor.grad.item()
        assert close(leaf.grad, torch_grad), (leaf.grad, torch_grad)


def test_the_lecture_neuron_matches_pytorch() -> None:
    x1, x2, w1, w2 = Value(2.0), Value(0.0), Value(-3.0), Value(1.0)
    b = Value(6.8813735870195432)
    o = (x1 * w1 + x2 * w2 + b).tanh()
    o.backward()
    t = {k: torch.tensor([v], dtype=torch.float64, requires_grad=True)
         for k, v in dict(x1=2.0, x2=0.0, w1=-3.0, w2=1.0, b=6.8813735870195432).items()}
    to = torch.tanh(t["x1"] * t["w1"] + t["x2"] * t["w2"] + t["b"])
    to.backward()
    assert close(o.data, to.item())
    for mine, name in [(x1, "x1"), (x2, "x2"), (w1, "w1"), (w2, "w2"), (b, "b")]:
        assert close(mine.grad, t[name].grad.item())  # type: ignore[union-attr]


@pytest.mark.parametrize("activation", ["relu", "tanh"])
def test_mlp_svm_loss_and_gradients_match_pytorch(activation: str) -> None:
    random.seed(1337)
    model = MLP(2, [16, 16, 1], activation=activation)  # type: ignore[arg-type]
    X, y = make_moons(n_samples=20, noise=0.1, seed=0)
    scores = [model(list(row)) for row in X]
    losses = [(1 - yi * si).relu() for yi, si in zip(y.tolist(), scores)]
    loss = sum(losses) * (1.0 / len(losses)) + 1e-4 * sum(p * p for p in model.parameters())
    loss.backward()

    params = []
    h = torch.tensor(X, dtype=torch.float64)
    for i, layer in enumerate(model.layers):
        weights = [[w.data for w in n.w] for n in layer.neurons]
        W = torch.tensor(weights, dtype=torch.float64, requires_grad=True)
        B = torch.tensor([n.b.data for n in layer.neurons], dtype=torch.float64, requires_grad=True)
        params.append((layer, W, B))
        h = h @ W.T + B
        if activation == "tanh":
            h = torch.tanh(h)
        elif i < len(model.layers) - 1:
            h = torch.relu(h)
    target = torch.tensor(y, dtype=torch.float64)
    reg = sum((W * W).sum() + (B * B).sum() for _, W, B in params)
    torch_loss = torch.relu(1 - target * h[:, 0]).mean() + 1e-4 * reg
    torch_loss.backward()

    assert close(loss.data, torch_loss.item())
    for layer, W, B in params:
        for j, n in enumerate(layer.neurons):
            assert all(close(w.grad, g) for w, g in zip(n.w, W.grad[j].tolist()))
            assert close(n.b.grad, B.grad[j].item())
