"""Record a graph once, then replay its forward and backward passes many times, fast.

A training loop builds the same graph at every step: only the numbers in it change. `Tape(loss)`
walks that graph once and writes it down as a short program over flat lists of floats; the
replay then runs the program instead of creating tens of thousands of `Value` objects again. The
replay does exactly the arithmetic the eager engine does, in the same order, so it gives the same
numbers, bit for bit.

The program is arranged so that Python's C loops (`map`, `operator.itemgetter`) do the work. Every
node is given a level, one more than its deepest operand, and nodes of one level and one kind are
computed together: all the products of a level in one `map(mul, ...)`. Chains of `+` that only
feed each other (a `sum()` of Values) become one sum node, and a sum of products used nowhere else
(a neuron's w . x + b) one dot node. Backward is a sum for each node, in the order the eager
engine adds them up, over the nodes that use it: (local derivative) x (their gradient).
"""

from __future__ import annotations

from collections import defaultdict
from functools import reduce
from itertools import repeat
from operator import add, attrgetter, itemgetter, mul, sub
from typing import Any, Callable, Sequence

from micrograd.engine import _UNARY, Value, _Given
from micrograd.walk import topological_order as _topological_order
from micrograd.floats import number as _number, power as _power, power_slope as _power_slope

_data, _grad = attrgetter("data"), attrgetter("grad")


def _getter(indices: Sequence[int]) -> Callable[[list[float]], Sequence[float]]:
    """A function that picks `indices` out of a list, in one C call (a tuple, even of one)."""
    if len(indices) == 1:
        i = indices[0]
        return lambda values: (values[i],)
    return itemgetter(*indices)


def _sum_by_term(start: Sequence[float], terms: Sequence[float], m: int) -> list[float]:
    """For each of m sums, start + term 1 + term 2 + ..., added left to right as `sum()` does.

    `terms` holds the first term of every sum, then the second of every sum, and so on.
    """
    if m == 1:
        return [reduce(add, terms, start[0])]
    acc = list(start)
    for k in range(0, len(terms), m):
        acc = list(map(add, acc, terms[k : k + m]))
    return acc


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
    by a replay (that would cost most of the time saved). Read them with `tape.value(node)` and
    `tape.grad(node)`.

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
        """Recompute every node from the leaves' current `.data`; return the root's value."""
        values = self._values
        values[: len(self._leaves)] = self._leaf_data()
        for compute in self._forward_steps:  # one C loop or a few for each kind of node in a level
            compute(values)
        self.root.data = values[self._root_slot]
        return self.root.data

    def backward(self) -> None:
        """Add d(root)/d(leaf) into every leaf's `.grad`, as `root.backward()` would."""
        values, grads = self._values, self._grads
        grads[self._root_slot] = 1.0
        for lo, hi, passes, prime in self._backward_steps:  # from the root down, level by level
            if passes:  # the gradients of nodes lo..hi: the sum over their uses, in eager's order
                total = [0.0] * (hi - lo)
                for derivatives, grads_of_users in passes:  # one use of each node per pass
                    total = list(map(add, total, map(mul, derivatives(values), grads_of_users(grads))))
                grads[lo:hi] = total
            if prime is not None:  # a sum's gradient as its inner + nodes pass it on: 0.0 + g
                grads[prime : prime + hi - lo] = map(add, repeat(0.0), grads[lo:hi])
        for lo, hi, passes in self._leaf_steps:  # a leaf adds to the .grad it had, as in eager
            leaves = self._leaves[lo:hi]
            total = list(map(_grad, leaves))
            for derivatives, grads_of_users in passes:
                total = list(map(add, total, map(mul, derivatives(values), grads_of_users(grads))))
            for leaf, g in zip(leaves, total):
                leaf.grad = g
        if self.root._a is None:  # a leaf as the root: it accumulates, like every leaf
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
        recompute = self._inner[id(node)]
        return recompute(numbers is self._values)

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

        # Slots in one flat list of floats: leaves, then each group side by side, then the local
        # derivatives of one-operand nodes, then the constants 1 and -1. Nodes used equally often
        # sit together, so that their gradients are summed in the same passes.
        most_used_first = lambda n: -uses[id(n)]  # noqa: E731
        tape._leaves = sorted(leaves.values(), key=most_used_first)
        slot = {id(leaf): i for i, leaf in enumerate(tape._leaves)}
        for _, members in ordered:
            members.sort(key=most_used_first)
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

        tape._forward_steps = [self._forward_step(key, members) for key, members in ordered]

        # Backward: each use of a node, in the order eager backward adds it up: (d, grad of user).
        incoming: dict[int, list[tuple[int, int]]] = defaultdict(list)
        for node in reversed(order):
            for position, operand in enumerate((node._a, node._b)):
                if operand is not None and id(operand) not in self.inner:
                    incoming[id(operand)].append(self._use(node, position))
        tape._backward_steps = []
        for _, members in reversed(ordered):
            runs = self._runs(members, incoming, slot[id(members[0])])
            lo, hi = slot[id(members[0])], slot[id(members[0])] + len(members)
            tape._backward_steps += [(a, b, passes, None) for a, b, passes in runs]
            if lo in primes:
                tape._backward_steps.append((lo, hi, [], primes[lo]))
        tape._leaf_steps = self._runs(tape._leaves, incoming, 0)
        tape._inner = {i: self._reader(tape, head, place) for i, (head, place) in self.inner.items()}

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

    def _forward_step(self, key: tuple[Any, ...], members: list[Value]) -> Callable[[list[float]], None]:
        """The computation of one group: all its nodes at once."""
        slot, m = self.slot, len(members)
        lo = slot[id(members[0])]
        hi, kind = lo + m, key[1]
        if kind in ("mul", "sub"):
            a, b = _getter([slot[id(n._a)] for n in members]), _getter([slot[id(n._b)] for n in members])
            f = mul if kind == "mul" else sub

            def binary(values: list[float]) -> None:
                values[lo:hi] = map(f, a(values), b(values))

            return binary
        if kind in ("unary", "pow"):
            x, d = _getter([slot[id(n._a)] for n in members]), self.derivative[id(members[0])]
            if kind == "unary":
                f, slope = _UNARY[key[2]]
            else:
                n = key[2]
                f, slope = (lambda v: _power(v, n)), (lambda v, y: _power_slope(v, n))

            def unary(values: list[float]) -> None:
                xs = x(values)
                ys = values[lo:hi] = list(map(f, xs))
                values[d : d + m] = map(slope, xs, ys)

            return unary
        chains = [self.chain[id(node)] for node in members]
        start, n_terms = _getter([slot[id(s)] for s, _, _ in chains]), key[2]
        if kind == "sum":  # terms: the first term of every sum, then the second, ...
            terms = _getter([slot[id(t[k])] for k in range(n_terms) for _, t, _ in chains])

            def summed(values: list[float]) -> None:
                values[lo:hi] = _sum_by_term(start(values), terms(values), m)

            return summed
        w = _getter([slot[id(t[k]._a)] for k in range(n_terms) for _, t, _ in chains])
        x = _getter([slot[id(t[k]._b)] for k in range(n_terms) for _, t, _ in chains])

        def dot(values: list[float]) -> None:
            values[lo:hi] = _sum_by_term(start(values), list(map(mul, w(values), x(values))), m)

        return dot

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

    def _runs(self, members: list[Value], incoming: dict[int, list[tuple[int, int]]],
              lo: int) -> list[tuple[int, int, list[Any]]]:
        """Backward steps for `members` (at positions lo, lo + 1, ...), a run per number of uses."""
        runs = []
        i = 0
        while i < len(members):
            k = len(incoming[id(members[i])])
            j = i
            while j < len(members) and len(incoming[id(members[j])]) == k:
                j += 1
            if k:  # (only the root is used by nothing)
                uses = [incoming[id(n)] for n in members[i:j]]
                passes = [(_getter([u[p][0] for u in uses]), _getter([u[p][1] for u in uses]))
                          for p in range(k)]
                runs.append((lo + i, lo + j, passes))
            i = j
        return runs

    def _reader(self, tape: Tape, head: Value, place: int) -> Callable[[bool], float]:
        """How `value` and `grad` find a node inside a sum or dot, which has no slot of its own."""
        start, terms, dot = self.chain[id(head)]
        slot, prime = self.slot, self.prime[id(head)]

        def read(value: bool) -> float:
            v = tape._values
            if not value:
                return tape._grads[prime]
            if place < 0:
                t = terms[-1 - place]
                return v[slot[id(t._a)]] * v[slot[id(t._b)]]
            parts = [v[slot[id(t._a)]] * v[slot[id(t._b)]] if dot else v[slot[id(t)]] for t in terms[:place]]
            return reduce(add, parts, v[slot[id(start)]])

        return read
