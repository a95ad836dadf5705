"""Tests of micrograd.tape: a recorded graph replays the eager engine's numbers, bit for bit."""

from __future__ import annotations

import copy
import math
import pickle
import random
import struct

import pytest
from hypothesis import given, reject, settings
from hypothesis import strategies as st

from micrograd import MLP, Tape, Value
from micrograd.data import make_moons
from sitekit import collector
from tests.micrograd.expressions import VALUES, evaluate, expressions, variables


def bits(x: float) -> bytes:
    """A float's 8 bytes, so that 0.0 and -0.0 differ (every nan counts as one)."""
    return b"nan" if math.isnan(x) else struct.pack("<d", x)


@settings(max_examples=300, deadline=None)
@given(expr=expressions(max_leaves=12), xs=variables(), ys=variables())
def test_random_graphs_of_every_operation_replay_eager_bit_for_bit(expr: tuple, xs: list, ys: list) -> None:
    try:
        eager_leaves = [Value(x) for x in xs]
        eager = evaluate(expr, eager_leaves, VALUES)
        tape_leaves = [Value(x) for x in xs]
        tape = Tape(evaluate(expr, tape_leaves, VALUES))
    except (ArithmeticError, ValueError):
        reject()
    eager.backward()
    tape.backward()
    assert bits(tape.root.data) == bits(eager.data)
    assert [bits(v.grad) for v in tape_leaves] == [bits(v.grad) for v in eager_leaves]
    # new numbers in the same leaves: the replay is the graph eager builds from them
    for leaf, y in zip(tape_leaves, ys):
        leaf.data = y
    try:
        again = [Value(y) for y in ys]
        fresh = evaluate(expr, again, VALUES)
        fresh.backward()
    except (ArithmeticError, ValueError) as error:
        with pytest.raises(type(error)):  # the replay fails the same way
            tape.forward()
        return
    for leaf in tape_leaves:
        leaf.grad = 0.0
    assert bits(tape.forward()) == bits(fresh.data)
    tape.backward()
    assert [bits(v.grad) for v in tape_leaves] == [bits(v.grad) for v in again]


def moons_loss(model: MLP, X: list, y: list) -> Value:
    scores = [model(row) for row in X]
    losses = [(1 - yi * si).relu() for yi, si in zip(y, scores)]
    return sum(losses) * (1.0 / len(losses)) + 1e-4 * sum(p * p for p in model.parameters())


def test_chapter_13s_training_run_replays_eager_bit_for_bit() -> None:
    with collector.during_a_page_run():  # chapter 13's run, with the collector its page runs get
        replay_chapter_13s_training_run()


def replay_chapter_13s_training_run() -> None:
    X, y = (a.tolist() for a in make_moons(n_samples=100, noise=0.1, seed=0))
    random.seed(1337)
    eager_model = MLP(2, [16, 16, 1])
    random.seed(1337)
    tape_model = MLP(2, [16, 16, 1])
    tape = Tape(moons_loss(tape_model, X, y))
    for k in range(100):
        lr = 1.0 - 0.9 * k / 100
        loss = moons_loss(eager_model, X, y)
        eager_model.zero_grad()
        loss.backward()
        replayed = tape.forward()
        tape_model.zero_grad()
        tape.backward()
        assert bits(replayed) == bits(loss.data), k
        for model in (eager_model, tape_model):
            for p in model.parameters():
                p.data -= lr * p.grad
    assert [bits(p.data) for p in tape_model.parameters()] == [bits(p.data) for p in eager_model.parameters()]
    assert loss.data < 0.02


def test_a_node_used_twice_and_new_inputs() -> None:
    x, w = Value(3.0), Value(-2.0)
    h = x * w
    out = (h * h + h).tanh() + h.relu()
    tape = Tape(out)
    x.data = 0.5  # new input: relu's branch changes, and the replay follows it
    fresh_x, fresh_w = Value(0.5), Value(-2.0)
    fh = fresh_x * fresh_w
    fresh = (fh * fh + fh).tanh() + fh.relu()
    fresh.backward()
    assert tape.forward() == fresh.data == out.data
    tape.backward()
    assert (x.grad, w.grad) == (fresh_x.grad, fresh_w.grad)
    assert tape.value(h) == fh.data and tape.grad(h) == fh.grad and tape.grad(x) == x.grad
    assert out.grad == 1.0


def running_sums(start: Value, terms: list[Value]) -> list[Value]:
    """start + t1, (start + t1) + t2, ...: the + nodes a sum() of Values makes, each kept."""
    sums = [start + terms[0]]
    for t in terms[1:]:
        sums.append(sums[-1] + t)
    return sums


def test_inner_nodes_of_sums_and_dot_products_can_be_read() -> None:
    ws = [Value(0.5 * i) for i in range(4)]
    xs = [Value(1.0 - i) for i in range(4)]
    products = [w * x for w, x in zip(ws, xs)]
    partial = running_sums(Value(0.25), products)
    out = partial[-1] * partial[-1]
    out.backward()
    tape = Tape(out)
    tape.backward()
    for node in products + partial:
        assert tape.value(node) == node.data and tape.grad(node) == node.grad
    assert len(tape) == len({id(n) for n in ws + xs + products + partial}) + 2  # + the 0.25 leaf, out


def test_inner_nodes_of_a_sum_of_other_nodes_can_be_read() -> None:
    xs = [Value(0.3 * i - 1) for i in range(10)]  # a sum long enough to be added up in one C loop
    terms = [x.tanh() for x in xs]
    partial = running_sums(Value(0.5), terms)
    out = partial[-1] * partial[-1]
    out.backward()
    tape = Tape(out)
    tape.backward()
    for node in terms + partial:
        assert bits(tape.value(node)) == bits(node.data) and bits(tape.grad(node)) == bits(node.grad)


def test_backward_accumulates_into_leaves_like_eager() -> None:
    a = Value(2.0)
    tape = Tape(a * a)
    tape.backward()
    tape.backward()
    assert a.grad == 8.0
    leaf = Value(1.0)
    leaf_tape = Tape(leaf)  # a leaf as the root: d(root)/d(root) = 1, accumulated
    assert leaf_tape.forward() == 1.0
    leaf_tape.backward()
    leaf_tape.backward()
    assert leaf.grad == 2.0


def test_the_control_flow_limit() -> None:
    def f(x: Value) -> Value:
        return x * 2 if x.data > 0 else x * -3  # Python decides while the graph is built
    x = Value(1.0)
    tape = Tape(f(x))
    x.data = -1.0
    assert tape.forward() == -2.0  # the branch recorded, x * 2
    assert f(Value(-1.0)).data == 3.0  # what eager builds now


def test_clear_errors_for_misuse() -> None:
    with pytest.raises(TypeError, match="records the graph under a Value, not float"):
        Tape(3.0)  # type: ignore[arg-type]
    a, b = Value(1.0, label="a"), Value(2.0)
    with pytest.raises(ValueError, match="built by hand"):
        Tape(Value(3.0, (a, b), "+") * 2)
    tape = Tape(a * b)
    a.data = "abc"  # type: ignore[assignment]
    with pytest.raises(TypeError, match=r"\(a\) holds 'abc', not a number"):
        tape.forward()
    a.data = 4  # an int is taken as a float
    assert tape.forward() == 8.0
    with pytest.raises(ValueError, match="not a node of this tape's graph"):
        tape.value(Value(1.0))
    with pytest.raises(TypeError, match="expected a Value"):
        tape.grad(1.0)  # type: ignore[arg-type]
    c = Value(4.0)
    log_tape = Tape((c - 1).log() + 1 / c)
    c.data = 0.5
    with pytest.raises(ValueError, match=r"log\(-0.5\): input must be positive"):
        log_tape.forward()
    d = Value(1.0)
    div_tape = Tape(1 / d)
    d.data = 0.0
    with pytest.raises(ZeroDivisionError, match="^division by zero$"):
        div_tape.forward()


@pytest.mark.parametrize("copier", [copy.deepcopy, lambda t: pickle.loads(pickle.dumps(t))])
def test_a_tape_copies_by_recording_the_copied_graph(copier) -> None:  # type: ignore[no-untyped-def]
    a = Value(2.0)
    tape = Tape((a * 3).exp())
    other = copier(tape)
    assert other.root is not tape.root and other.forward() == tape.forward()


@given(st.floats(-5, 5, allow_nan=False), st.sampled_from([2, -1, 0.5, 3]))
def test_powers_replay(x: float, n: float) -> None:
    if n in (-1, 0.5) and x <= 0:
        x = abs(x) + 0.5
    leaf = Value(x)
    out = leaf**n
    out.backward()
    tape = Tape(out)
    grad = leaf.grad
    leaf.grad = 0.0
    tape.backward()
    assert bits(tape.forward()) == bits(out.data) and bits(leaf.grad) == bits(grad)


# --- long sums: one C loop per sum, numbers gathered once per distinct row of slots ---------------

SPECIAL = [0.0, -0.0, 1.0, -1.0, 5e-324, -5e-324, 1e308, -1e308, math.inf, -math.inf, math.nan]
numbers = st.one_of(st.floats(-3, 3), st.sampled_from(SPECIAL))


@given(terms=st.lists(numbers, max_size=12), start=numbers)
def test_the_sum_of_long_sums_adds_left_to_right_as_eager(terms: list, start: float) -> None:
    from micrograd import tape as tape_module

    eager = start
    for t in terms:
        eager = eager + t
    assert bits(tape_module._sum(terms, start)) == bits(eager)
    assert bits(tape_module._left_to_right(terms, start)) == bits(eager)


KINDS = st.sampled_from(["sub", "rsub", "add", "mul", "plain"])  # what a neuron's output goes into


@st.composite
def batches(draw: st.DrawFn) -> dict:
    """A layer of neurons over a batch, as numbers: sums long and short, weights shared by every
    example, nodes used many times by +, - and *, and leaves whose .grad starts anywhere."""
    n_in, n_out, batch = (draw(st.integers(1, 11)) for _ in range(3))
    return {
        "weights": [[draw(numbers) for _ in range(n_in)] for _ in range(n_out)],
        "biases": [draw(numbers) for _ in range(n_out)],
        "offset": draw(numbers),
        "inputs": [[(draw(numbers), draw(st.booleans())) for _ in range(n_in)] for _ in range(batch)],
        "activation": draw(st.sampled_from(["relu", "tanh", "sigmoid", None])),
        "kinds": draw(st.one_of(st.lists(KINDS, min_size=n_out, max_size=n_out),
                                KINDS.map(lambda k: [k] * n_out))),  # one kind for all: long + and - uses
        "grads": draw(st.lists(numbers, min_size=1)),
    }


def batch_graph(spec: dict, params: list[Value] | None = None) -> tuple[list[Value], list[Value], Value]:
    """The graph of `spec` (over `params` if given): its parameters, its leaves, its root."""
    n_out = len(spec["biases"])
    params = params or [Value(x) for x in [*(x for row in spec["weights"] for x in row), *spec["biases"],
                                           spec["offset"]]]
    weights = [params[j * len(spec["weights"][0]) : (j + 1) * len(spec["weights"][0])] for j in range(n_out)]
    biases, offset = params[-1 - n_out : -1], params[-1]
    inputs = [[Value(x) if as_value else x for x, as_value in row] for row in spec["inputs"]]
    losses = []
    for row in inputs:
        for w, b, kind in zip(weights, biases, spec["kinds"]):
            act = sum((wi * xi for wi, xi in zip(w, row)), b)
            h = getattr(act, spec["activation"])() if spec["activation"] else act
            losses.append({"rsub": lambda: 1 - h, "sub": lambda: h - offset, "add": lambda: h + offset,
                           "mul": lambda: h * b, "plain": lambda: h}[kind]())
    root = sum(losses) + 1e-4 * sum(p * p for p in params)
    leaves = params + [x for row in inputs for x in row if isinstance(x, Value)]
    for leaf, g in zip(leaves, spec["grads"] * len(leaves)):
        leaf.grad = g
    return params, leaves, root


@settings(max_examples=150, deadline=None)
@given(spec=batches(), fallback=st.booleans())
def test_batches_with_long_sums_replay_eager_bit_for_bit(spec: dict, fallback: bool) -> None:
    from micrograd import tape as tape_module

    eager_params, eager_leaves, eager = batch_graph(spec)
    eager.backward()
    tape_params, tape_leaves, root = batch_graph(spec)
    tape = Tape(root)
    if fallback:  # the adding of Python 3.12 and later, where sum() compensates
        tape_module._sum, saved = tape_module._left_to_right, tape_module._sum
    try:
        assert bits(tape.forward()) == bits(eager.data)
        tape.backward()
        assert [bits(v.grad) for v in tape_leaves] == [bits(v.grad) for v in eager_leaves]
        # an SGD step on both, then a replay against the graph eager builds from the new numbers
        for p, q in zip(eager_params, tape_params):
            p.data -= 0.1 * p.grad
            q.data -= 0.1 * q.grad
        eager_params, eager_leaves, eager = batch_graph(spec, eager_params)
        eager.backward()
        for leaf, g in zip(tape_leaves, spec["grads"] * len(tape_leaves)):
            leaf.grad = g
        assert bits(tape.forward()) == bits(eager.data)
        tape.backward()
        assert [bits(v.grad) for v in tape_leaves] == [bits(v.grad) for v in eager_leaves]
    finally:
        if fallback:
            tape_module._sum = saved
