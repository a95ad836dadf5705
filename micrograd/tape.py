"""Record a graph once, then replay its forward and backward passes many times, fast.

A training loop builds the same graph at every step: only the numbers in it change. `Tape(loss)`
walks that graph once and writes it down as a short program over flat lists of floats; the
replay then runs the program instead of creating tens of thousands of `Value` objects again. The
replay does exactly the arithmetic the eager engine does, in the same order, so it gives the same
numbers, bit for bit.

The program is arranged so that Python's C loops (`map`, `sum`, `operator.itemgetter`) do the
work. Every node is given a level, one more than its deepest operand, and nodes of one level and
one kind are computed together: all the products of a level in one `map(mul, ...)`. Chains of `+`
that only feed each other (a `sum()` of Values) become one sum node, and a sum of products used
nowhere else (a neuron's w . x + b) one dot node. Backward is a sum for each node, in the order
the eager engine adds them up, over the nodes that use it: (local derivative) x (their gradient).

Long sums (a dot product of 16 terms, a weight's gradient over a batch of 100 examples) are added
up one sum at a time, each in a C loop of its own; short ones term by term, all sums at once. The
numbers a long sum needs are gathered once per distinct set of slots: a neuron's weights are the
same for every example of a batch, an example's inputs the same for every neuron of a layer.
"""

from __future__ import annotations

import sys
from collections import defaultdict
from functools import reduce
from itertools import repeat
from operator import add, attrgetter, itemgetter, mul, sub
from typing import Any, Callable, Iterable, Sequence

from micrograd.engine import _UNARY, Value, _Given
from micrograd.walk import topological_order as _topological_order
from micrograd.floats import number as _number, power as _power, power_slope as _power_slope

_data, _grad = attrgetter("data"), attrgetter("grad")

_Numbers = list[float]

# A sum is long from this many terms on: then one C loop per sum beats one per term. (Measured on
# 300 and 1600 sums of numbers from random slots: the start-up of a sum costs about what several
# of its terms do, and a chain of more maps than this, one per term, gets slower per term.)
LONG = 8


def _left_to_right(terms: Iterable[float], start: float) -> float:
    return reduce(add, terms, start)


# start + t1 + t2 + ..., one `+` after another, as the eager engine adds. Up to Python 3.11 `sum()`
# of floats does exactly that in a C double, without a float object for each partial sum; from
# 3.12 it compensates rounding errors (CPython gh-100425: more exact, so not the engine's
# numbers), and `reduce` does the adding instead.
_sum: Callable[[Iterable[float], float], float] = sum if sys.version_info < (3, 12) else _left_to_right


def _getter(indices: Sequence[int]) -> Callable[[_Numbers], Sequence[Any]]:
    """A function that picks `indices` out of a list, in one C call (a tuple, even of one)."""
    if len(indices) == 1:
        i = indices[0]
        return lambda values: (values[i],)
    return itemgetter(*indices)


def _rows(rows: Sequence[tuple[int, ...]]) -> Callable[[_Numbers], Sequence[Sequence[float]]]:
    """A function giving, for each row of slots, the tuple of numbers at them.

    Each distinct row is gathered once, and shared by the rows equal to it.
    """
    distinct = list(dict.fromkeys(rows))
    getters = list(map(_getter, distinct))
    if len(distinct) == len(rows):
        return lambda numbers: [get(numbers) for get in getters]
    where = {row: i for i, row in enumerate(distinct)}
    pick = _getter([where[row] for row in rows])
    return lambda numbers: pick([get(numbers) for get in getters])


def _sum_by_term(start: Sequence[float], terms: Sequence[float], m: int) -> list[float]:
    """For each of m sums, start + term 1 + term 2 + ..., added left to right as eager adds.

    `terms` holds the first term of every sum, then the second of every sum, and so on.
    """
    acc: Iterable[float] = start
    for k in range(0, len(terms), m):
        acc = map(add, acc, terms[k : k + m])
    return list(acc)


class Tape:
    """The graph under `root`, recorded once so that its passes can be replayed quickly.

        tape = Tape(loss)            # loss: a Value built as usual, say a model's training loss
        for step in range(100):
            tape.forward()           # recompute every node from the leaves' current .data
            model.zero_grad()
            tape.backward()          # add d(loss)/d(leaf) into every leaf's .grad
            for p in model.parameters():
                p.data -= 0.05 * p.grad

    `forward()` reads the `.data` of every leaf (parameters, inputs, and the constants made from
    plain numbers), recomputes every node, stores the result in `root.data` and returns it. Write
    new numbers into leaves (an SGD update, new inputs of the same shape) and the next forward
    uses them. `backward()` does what `root.backward()` would do on a freshly built graph of the
    same shape: it adds each leaf's gradient into the leaf's `.grad` and sets `root.grad` to 1.
    The numbers are those of the eager engine, bit for bit, for every operation; data-dependent
    ones such as `relu` are recomputed at every replay.

    Stale: the `.data` and `.grad` of the nodes between the leaves and the root are not updated
    by a replay (writing them back would be a Python loop over every node). Read them with
    `tape.value(node)` and `tape.grad(node)`.

    The limit: a tape records the operations that ran while the graph was built, not the Python
    code that chose them. A branch on data (`if x.data > 0: ...`), a loop whose length depends on
    data, or any other control flow is frozen the way it went at recording time, as with
    `torch.jit.trace`; if new data would take another path, record a new tape.
    """

    def __init__(self, root: Value) -> None:
        if not isinstance(root, Value):
            raise TypeError(f"Tape() records the graph under a Value, not {type(root).__name__}")
        self.root = root
        order = _topological_order(root)
        if any(type(node) is _Given for node in order):
            raise ValueError("the graph has a node built by hand (Value(data, children, op)): "
                             "it records no operation that a tape could replay")
        _Recorder(self, order)
        self.forward()

    # --8<-- [start:replay]
    def forward(self) -> float:
        """Recompute every node from the leaves' .data; return the root's value."""
        values = self._values
        values[: len(self._leaves)] = self._leaf_data()
        # A level at a time, one kind of node at a time, each step a few C loops:
        for lo, hi, compute in self._forward_steps:
            values[lo:hi] = compute(values)
        self.root.data = values[self._root_slot]
        return self.root.data

    def backward(self) -> None:
        """Add d(root)/d(leaf) into each leaf's .grad, as root.backward() would."""
        values, grads = self._values, self._grads
        grads[self._root_slot] = 1.0
        # From the root down to the leaves; each node's gradient is
        # 0.0 + d(user)/d(node) * grad(user) + ... over its users, in eager order.
        for lo, hi, gradients in self._backward_steps:
            grads[lo:hi] = gradients(values, grads)
        # A leaf's sum started at the .grad it had, so this adds, as eager does.
        for leaf, g in zip(self._used_leaves, grads):
            leaf.grad = g
        if self.root._a is None:  # a leaf as the root accumulates, like every leaf
            self.root.grad += 1.0
        else:
            self.root.grad = 1.0
    # --8<-- [end:replay]

    def _leaf_data(self) -> list[float]:
        data = list(map(_data, self._leaves))
        if set(map(type, data)) - {float}:  # rare: a leaf given an int, a numpy scalar or worse
            for i, x in enumerate(data):
                data[i] = _number(x)
                if data[i] is None:
                    leaf = self._leaves[i]
                    raise TypeError(f"a leaf of the tape ({leaf.label or 'no label'}) holds "
                                    f"{x!r}, not a number; a Value's data must be an int or float")
        return data

    def value(self, node: Value) -> float:
        """`node`'s value at the last forward (any node of the recorded graph)."""
        return self._read(node, self._values)

    def grad(self, node: Value) -> float:
        """d(root)/d(node) at the last backward (for a leaf: its `.grad`, accumulated)."""
        if isinstance(node, Value) and node._a is None and id(node) in self._slot:
            return node.grad
        return self._read(node, self._grads)

    def _read(self, node: Value, numbers: list[float]) -> float:
        if not isinstance(node, Value):
            raise TypeError(f"expected a Value of the recorded graph, not {type(node).__name__}")
        if id(node) in self._slot:
            return numbers[self._slot[id(node)]]
        if id(node) not in self._inner:
            raise ValueError(f"{node!r} is not a node of this tape's graph")
        head, place = self._inner[id(node)]
        if numbers is self._grads:  # every + and product inside a sum gets the head's 0.0 + g
            return numbers[self._prime[id(head)]]
        start, terms, dot = self._chain[id(head)]
        v, slot = self._values, self._slot
        if place < 0:  # product k of a dot
            t = terms[-1 - place]
            return v[slot[id(t._a)]] * v[slot[id(t._b)]]
        parts = [v[slot[id(t._a)]] * v[slot[id(t._b)]] if dot else v[slot[id(t)]] for t in terms[:place]]
        return _left_to_right(parts, v[slot[id(start)]])  # the sum of the first `place` terms

    def __len__(self) -> int:
        """The number of nodes recorded (leaves included)."""
        return self._size

    def __repr__(self) -> str:
        return f"Tape({len(self._leaves)} leaves, {self._size} nodes, root={self.root!r})"

    def __reduce__(self) -> tuple[Any, ...]:
        return Tape, (self.root,)  # a copy or a pickle records the graph again


class _Recorder:
    """Writes the graph (in topological order) down as a tape's program: fills in the tape's fields."""

    def __init__(self, tape: Tape, order: list[Value]) -> None:
        root = tape.root
        uses: dict[int, int] = defaultdict(int)  # how many times each node is an operand
        leaves: dict[int, Value] = {id(root): root} if root._a is None else {}
        for node in order:
            for operand in (node._a, node._b):
                if operand is not None:
                    uses[id(operand)] += 1
                    if operand._a is None:
                        leaves.setdefault(id(operand), operand)

        # Fusion. A + node used once, as the first operand of a +, is inside a chain: a sum.
        # A chain whose terms are all products used nowhere else is a dot product.
        inside = {id(n._a) for n in order if n._op == "+" and n._a._op == "+" and uses[id(n._a)] == 1}
        self.chain: dict[int, tuple[Value, list[Value], bool]] = {}  # head -> (start, terms, dot?)
        self.inner: dict[int, tuple[Value, int]] = {}  # absorbed node -> (head, terms in it; -1-k: product k)
        for head in order:
            if head._op != "+" or id(head) in inside:
                continue
            accs = [head]
            while id(accs[-1]._a) in inside:
                accs.append(accs[-1]._a)
            terms = [acc._b for acc in reversed(accs)]
            for place, acc in enumerate(reversed(accs[1:]), start=1):
                self.inner[id(acc)] = (head, place)
            dot = all(t._op == "*" and uses[id(t)] == 1 for t in terms)
            if dot:
                for k, t in enumerate(terms):
                    self.inner[id(t)] = (head, -1 - k)
            self.chain[id(head)] = (accs[-1]._a, terms, dot)

        # Every other node gets a level (1 + its deepest input's) and a group: its level and kind.
        level: dict[int, int] = dict.fromkeys(leaves, 0)
        groups: dict[tuple[Any, ...], list[Value]] = defaultdict(list)
        for node in order:
            if id(node) not in self.inner:
                level[id(node)] = 1 + max(level[id(i)] for i in self._inputs(node))
                groups[(level[id(node)], *self._kind(node))].append(node)
        ordered = sorted(groups.items(), key=lambda item: item[0][0])

        # The users of each node, in the order eager backward adds up what they pass back. A node
        # inside a sum passes its use on to the sum's head. A node's "signature" says which groups
        # its uses come from, run by run: nodes of one signature get their gradients together.
        group_of = {id(node): g for g, (_, members) in enumerate(ordered) for node in members}
        group_of.update({i: group_of[id(head)] for i, (head, _) in self.inner.items()})
        users: dict[int, list[tuple[Value, int]]] = defaultdict(list)
        runs: dict[int, list[list[int]]] = defaultdict(list)  # [group, number of uses], ...
        for node in reversed(order):
            g = group_of[id(node)]
            for position, operand in enumerate((node._a, node._b)):
                if operand is not None and id(operand) not in self.inner:
                    users[id(operand)].append((node, position))
                    run = runs[id(operand)]
                    if run and run[-1][0] == g:
                        run[-1][1] += 1
                    else:
                        run.append([g, 1])
        signature = {key: tuple(map(tuple, run)) for key, run in runs.items()}
        by_signature = lambda n: (-uses[id(n)], signature.get(id(n), ()))  # noqa: E731

        # Slots in one flat list of floats: leaves, then each group side by side, then the local
        # derivatives of one-operand nodes, then the constants 1 and -1. Nodes of one signature
        # sit together, so that their gradients are one backward step.
        tape._leaves = sorted(leaves.values(), key=by_signature)
        tape._used_leaves = [leaf for leaf in tape._leaves if uses[id(leaf)]]  # all but a root leaf
        slot = {id(leaf): i for i, leaf in enumerate(tape._leaves)}
        for _, members in ordered:
            members.sort(key=by_signature)
            slot.update({id(node): i for i, node in enumerate(members, start=len(slot))})
        derivative: dict[int, int] = {}
        for key, members in ordered:
            if key[1] in ("unary", "pow"):
                first = len(slot) + len(derivative)
                derivative.update({id(node): i for i, node in enumerate(members, start=first)})
        self.slot, self.derivative, self.one = slot, derivative, len(slot) + len(derivative)
        tape._slot, tape._root_slot, tape._size = slot, slot[id(root)], len(leaves) + len(order)
        tape._values = [0.0] * self.one + [1.0, -1.0]

        # Gradients: one per slot, then the 0.0 + g of sums with inner nodes (their "prime").
        self.prime: dict[int, int] = {}
        primes: dict[int, int] = {}  # a group's first slot -> where its primes start
        for key, members in ordered:
            if id(members[0]) in self.chain and self.chain[id(members[0])][1][1:] or key[1] == "dot":
                primes[slot[id(members[0])]] = first = len(slot) + len(self.prime)
                self.prime.update({id(node): i for i, node in enumerate(members, start=first)})
        tape._grads = [0.0] * (len(slot) + len(self.prime))

        tape._forward_steps = [step for key, members in ordered for step in self._forward(key, members)]

        # Backward: a group's nodes, a run of one signature at a time; then the group's primes.
        incoming = {key: [self._use(user, position) for user, position in us] for key, us in users.items()}
        tape._backward_steps = []
        for _, members in reversed(ordered):
            lo = slot[id(members[0])]
            tape._backward_steps += self._gradients(members, lo, incoming, signature, None)
            if lo in primes:
                hi = lo + len(members)
                tape._backward_steps.append((primes[lo], primes[lo] + len(members), _primed(lo, hi)))
        tape._backward_steps += self._gradients(tape._leaves, 0, incoming, signature, tape._leaves)
        tape._inner, tape._chain, tape._prime = self.inner, self.chain, self.prime  # for value(), grad()

    def _kind(self, node: Value) -> tuple[Any, ...]:
        if id(node) in self.chain:
            _, terms, dot = self.chain[id(node)]
            return ("dot" if dot else "sum", len(terms))
        if node._op in ("*", "-"):
            return ("mul" if node._op == "*" else "sub",)
        if node._op in _UNARY:
            return ("unary", node._op)
        return ("pow", node._n)  # type: ignore[attr-defined]

    def _inputs(self, node: Value) -> list[Value]:
        if id(node) in self.chain:
            start, terms, dot = self.chain[id(node)]
            return [start, *(x for t in terms for x in (t._a, t._b))] if dot else [start, *terms]
        return [x for x in (node._a, node._b) if x is not None]

    def _forward(self, key: tuple[Any, ...], members: list[Value]) -> list[tuple[int, int, Callable]]:
        """The computation of one group, all its nodes at once: (lo, hi, values -> their values)."""
        slot, m = self.slot, len(members)
        lo = slot[id(members[0])]
        hi, kind = lo + m, key[1]
        if kind in ("mul", "sub"):
            a, b = _getter([slot[id(n._a)] for n in members]), _getter([slot[id(n._b)] for n in members])
            f = mul if kind == "mul" else sub
            return [(lo, hi, lambda values: map(f, a(values), b(values)))]
        if kind in ("unary", "pow"):
            x, d = _getter([slot[id(n._a)] for n in members]), self.derivative[id(members[0])]
            if kind == "unary":
                f, slope = _UNARY[key[2]]
            else:
                n = key[2]
                f, slope = (lambda v: _power(v, n)), (lambda v, y: _power_slope(v, n))
            # the node's value, then its local derivative from its input and its value
            return [(lo, hi, lambda values: map(f, x(values))),
                    (d, d + m, lambda values: map(slope, x(values), values[lo:hi]))]
        chains = [self.chain[id(node)] for node in members]
        start, n_terms = _getter([slot[id(s)] for s, _, _ in chains]), key[2]
        if n_terms >= LONG:  # one sum after another, each in one C loop
            if kind == "sum":
                terms = _rows([tuple(slot[id(t)] for t in ts) for _, ts, _ in chains])
                return [(lo, hi, lambda values: map(_sum, terms(values), start(values)))]
            w = _rows([tuple(slot[id(t._a)] for t in ts) for _, ts, _ in chains])
            x = _rows([tuple(slot[id(t._b)] for t in ts) for _, ts, _ in chains])
            products = lambda values: map(map, repeat(mul), w(values), x(values))  # noqa: E731  (lazily)
            return [(lo, hi, lambda values: map(_sum, products(values), start(values)))]
        # short sums, term by term: the first term of every sum, then the second, ...
        if kind == "sum":
            terms = _getter([slot[id(t[k])] for k in range(n_terms) for _, t, _ in chains])
            return [(lo, hi, lambda values: _sum_by_term(start(values), terms(values), m))]
        w = _getter([slot[id(t[k]._a)] for k in range(n_terms) for _, t, _ in chains])
        x = _getter([slot[id(t[k]._b)] for k in range(n_terms) for _, t, _ in chains])
        return [(lo, hi, lambda values: _sum_by_term(start(values), list(map(mul, w(values), x(values))), m))]

    def _use(self, user: Value, position: int) -> tuple[int, int]:
        """Where d(user)/d(operand) is in the values, and where user's gradient is in the grads."""
        if id(user) in self.inner:  # inside a sum or dot: the head's gradient, passed on
            head, place = self.inner[id(user)]
            if place < 0:  # a product w * x: d/dw = x, d/dx = w
                return self.slot[id(user._b if position == 0 else user._a)], self.prime[id(head)]
            return self.one, self.prime[id(head)]
        grad = self.slot[id(user)]
        if user._op == "+":
            return self.one, grad
        if user._op == "*":
            return self.slot[id(user._b if position == 0 else user._a)], grad
        if user._op == "-":
            return self.one + position, grad  # the constants 1 and -1
        return self.derivative[id(user)], grad

    def _gradients(self, members: list[Value], lo: int, incoming: dict[int, list[tuple[int, int]]],
                   signature: dict[int, tuple[tuple[int, int], ...]],
                   leaves: list[Value] | None) -> list[tuple[int, int, Callable]]:
        """Backward steps for `members` (at slots lo, lo + 1, ...): one per run of a signature.

        A node's gradient starts at 0.0 as in eager (a leaf's at its .grad), then adds up its uses,
        in order: a run of uses from one group is a segment, summed term by term if it is short,
        one node at a time if it is long.
        """
        steps = []
        i = 0
        while i < len(members):
            sig = signature.get(id(members[i]), ())
            j = i
            while j < len(members) and signature.get(id(members[j]), ()) == sig:
                j += 1
            if sig:  # (only the root is used by nothing)
                rows = [incoming[id(n)] for n in members[i:j]]
                segments, first = [], 0
                for _, count in sig:
                    part = [row[first : first + count] for row in rows]
                    segments.append((_long_segment if count >= LONG else _short_segment)(part, self.one))
                    first += count
                starts = _zeros if leaves is None else _grads_of(leaves[i:j])
                steps.append((lo + i, lo + j, _summed(starts, segments)))
            i = j
        return steps


# The parts of a backward step. A segment takes the running sums of a run of nodes and adds one
# segment of their uses: (d, g) pairs, the slot of d(user)/d(node) in the values and of the
# user's gradient in the grads.

_Segment = Callable[[Iterable[float], _Numbers, _Numbers], Iterable[float]]


def _zeros() -> Iterable[float]:
    return repeat(0.0)


def _grads_of(leaves: list[Value]) -> Callable[[], Iterable[float]]:
    return lambda: map(_grad, leaves)


def _summed(starts: Callable[[], Iterable[float]], segments: list[_Segment]) -> Callable:
    def gradients(values: _Numbers, grads: _Numbers) -> Iterable[float]:
        acc = starts()
        for segment in segments:
            acc = segment(acc, values, grads)
        return acc

    return gradients


def _short_segment(rows: list[list[tuple[int, int]]], one: int) -> _Segment:
    """A few uses: one C loop per use, over all the nodes (lazily chained, so no list between)."""
    passes = []
    for p in range(len(rows[0])):
        ds, gs = [row[p][0] for row in rows], _getter([row[p][1] for row in rows])
        if set(ds) <= {one} or set(ds) <= {one + 1}:  # a + or a -: g is added or subtracted, as in eager
            passes.append((add if ds[0] == one else sub, None, gs))
        else:
            passes.append((add, _getter(ds), gs))

    def segment(acc: Iterable[float], values: _Numbers, grads: _Numbers) -> Iterable[float]:
        for combine, d, g in passes:
            acc = map(combine, acc, g(grads) if d is None else map(mul, d(values), g(grads)))
        return acc

    return segment


def _long_segment(rows: list[list[tuple[int, int]]], one: int) -> _Segment:
    """Many uses: each node's sum in one C loop; rows of slots shared by nodes are gathered once."""
    gs = _rows([tuple(g for _, g in row) for row in rows])
    if all(d == one for row in rows for d, _ in row):  # uses by + only: their gradients are added
        return lambda acc, values, grads: map(_sum, gs(grads), acc)
    ds = _rows([tuple(d for d, _ in row) for row in rows])
    return lambda acc, values, grads: map(_sum, map(map, repeat(mul), ds(values), gs(grads)), acc)


def _primed(lo: int, hi: int) -> Callable:
    """The 0.0 + g that the + nodes inside sums lo..hi get from them, as in eager."""
    return lambda values, grads: map(add, repeat(0.0), grads[lo:hi])
