"""Tests of micrograd.graph: the structure draw_dot builds, its determinism, and
rendering through graphviz-pure (no system Graphviz)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import graphviz
import pytest

import micrograd.graph
from micrograd import Value, draw_dot
from micrograd.graph import GraphvizPureNotFound, ValueGraph, find_graphviz_pure, trace


def lecture_neuron() -> Value:
    x1, x2 = Value(2.0, label="x1"), Value(0.0, label="x2")
    w1, w2 = Value(-3.0, label="w1"), Value(1.0, label="w2")
    b = Value(6.8813735870195432, label="b")
    x1w1 = x1 * w1
    x1w1.label = "x1*w1"
    x2w2 = x2 * w2
    x2w2.label = "x2*w2"
    s = x1w1 + x2w2
    s.label = "x1*w1 + x2*w2"
    n = s + b
    n.label = "n"
    o = n.tanh()
    o.label = "o"
    return o


def node_lines(dot: graphviz.Digraph) -> list[str]:
    return [line.strip() for line in dot.body if "->" not in line]


def edges(dot: graphviz.Digraph) -> list[tuple[str, str]]:
    found = [re.match(r"\s*(\S+) -> (\S+)", line) for line in dot.body]
    return [(m[1], m[2]) for m in found if m]


# --- structure -------------------------------------------------------------------------------


def test_returns_a_digraph_with_a_record_per_value_and_a_node_per_operation() -> None:
    a, b = Value(2.0, label="a"), Value(-3.0, label="b")
    c = a * b
    c.label = "c"
    dot = draw_dot(c)
    assert isinstance(dot, graphviz.Digraph) and isinstance(dot, ValueGraph)
    assert node_lines(dot) == [
        'n0 [label="{ a | data 2.0000 | grad 0.0000 }" shape=record]',
        'n1 [label="{ b | data -3.0000 | grad 0.0000 }" shape=record]',
        'n2 [label="{ c | data -6.0000 | grad 0.0000 }" shape=record]',
        'n2_op [label="*" shape=ellipse]',
    ]
    assert edges(dot) == [("n2_op", "n2"), ("n0", "n2_op"), ("n1", "n2_op")]


def test_labels_show_gradients_with_four_decimals() -> None:
    o = lecture_neuron()
    o.backward()
    source = draw_dot(o).source
    assert "{ o | data 0.7071 | grad 1.0000 }" in source
    assert "{ n | data 0.8814 | grad 0.5000 }" in source
    assert "{ x1 | data 2.0000 | grad -1.5000 }" in source
    assert source.count("shape=record") == 10 and source.count("shape=ellipse") == 5


def test_negative_zero_is_shown_as_zero() -> None:
    v = Value(-0.0)
    v.grad = -0.0
    assert "data 0.0000 | grad 0.0000" in draw_dot(v).source


def test_an_operand_used_twice_has_one_edge() -> None:
    a = Value(1.0, label="a")
    dot = draw_dot(a + a)
    assert edges(dot) == [("n1_op", "n1"), ("n0", "n1_op")]
    nodes, pairs = trace(a + a)
    assert len(nodes) == 2 and len(pairs) == 1


def test_trace_lists_nodes_children_first_and_edges() -> None:
    a, b = Value(1.0), Value(2.0)
    c = a + b
    d = c * a
    nodes, pairs = trace(d)
    assert nodes == [a, b, c, d]
    assert pairs == [(a, c), (b, c), (c, d), (a, d)]


def test_a_hand_built_node_without_an_op_links_children_directly() -> None:
    a = Value(1.0)
    c = Value(2.0, (a,))
    assert edges(draw_dot(c)) == [("n0", "n1")]


def test_record_characters_in_labels_are_escaped() -> None:
    v = Value(1.0, label='a|b {c} <d> "e" \\')
    svg = draw_dot(v).pipe("svg", encoding="utf-8")
    texts = re.findall(r"<text[^>]*>([^<]*)</text>", svg)
    # one record with three fields: the label's characters did not split it
    assert texts == ["a|b {c} &lt;d&gt; &quot;e&quot; \\", "data 1.0000", "grad 0.0000"]


def test_rankdir() -> None:
    v = Value(1.0)
    assert "rankdir=LR" in draw_dot(v).source
    assert "rankdir=TB" in draw_dot(v, rankdir="TB").source
    with pytest.raises(ValueError, match="rankdir"):
        draw_dot(v, rankdir="sideways")


# --- determinism -----------------------------------------------------------------------------


def test_names_come_from_traversal_order_not_ids() -> None:
    first, second = lecture_neuron(), lecture_neuron()  # both alive: their ids differ
    assert draw_dot(first).source == draw_dot(second).source
    assert re.findall(r"\b(n\d+)(?:_op)? \[", draw_dot(first).source)[:3] == ["n0", "n1", "n2"]


def test_same_graph_gives_byte_identical_svg() -> None:
    first, second = lecture_neuron(), lecture_neuron()
    svg = draw_dot(first).pipe("svg")
    assert isinstance(svg, bytes) and svg.startswith(b"<?xml")
    assert draw_dot(second).pipe("svg") == svg
    assert draw_dot(first).pipe("svg") == svg


ROOT = Path(__file__).resolve().parents[2]


def in_a_fresh_process(script: str, hash_seed: int) -> bytes:
    """What `script` writes to stdout when run by a new Python, from the repository's root."""
    env = {"PYTHONHASHSEED": str(hash_seed), "PATH": "", "SYSTEMROOT": ""}
    return subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, check=True, env=env).stdout


def test_svg_is_identical_in_a_fresh_process() -> None:
    script = (
        "from tests.micrograd.test_graph import lecture_neuron\n"
        "from micrograd import draw_dot\n"
        "import sys\n"
        "sys.stdout.buffer.write(draw_dot(lecture_neuron()).pipe('svg'))\n"
    )
    assert in_a_fresh_process(script, 123) == draw_dot(lecture_neuron()).pipe("svg")


# --- rendering -------------------------------------------------------------------------------


def test_jupyter_display_renders_inline_svg() -> None:
    dot = draw_dot(lecture_neuron())
    bundle = dot._repr_mimebundle_()
    assert list(bundle) == ["image/svg+xml"]
    svg = bundle["image/svg+xml"]
    assert isinstance(svg, str) and "<svg" in svg and "data 0.7071" in svg
    assert dot._repr_image_svg_xml() == svg


def test_svg_has_a_white_background_and_a_sans_serif_font() -> None:
    svg = draw_dot(lecture_neuron()).pipe("svg", encoding="utf-8")
    assert re.search(r'<polygon fill="white" stroke="none"', svg)
    fonts = set(re.findall(r'font-family="([^"]+)"', svg))
    assert fonts == {"Helvetica,sans-Serif"}


def test_png_renders_too() -> None:
    assert draw_dot(Value(1.0)).pipe("png")[:8] == b"\x89PNG\r\n\x1a\n"


def test_a_layout_error_raises_called_process_error() -> None:
    with pytest.raises(graphviz.CalledProcessError) as info:
        draw_dot(Value(1.0)).pipe("pdf")  # graphviz-pure has no PDF output
    assert b"not recognized" in info.value.stderr


def test_graphviz_is_not_patched_globally() -> None:
    assert graphviz.Digraph.pipe is not ValueGraph.pipe
    assert not isinstance(graphviz.Digraph(), ValueGraph)


def test_executable_is_found_beside_python_when_not_on_path(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(micrograd.graph.shutil, "which", lambda name: None)
    exe = Path(find_graphviz_pure())
    assert exe.name.startswith("graphviz-pure") and exe.is_file()
    assert draw_dot(Value(1.0)).pipe("svg").startswith(b"<?xml")


def test_missing_executable_names_the_package(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(micrograd.graph.shutil, "which", lambda name: None)
    monkeypatch.setattr(micrograd.graph.sys, "executable", str(tmp_path / "python"))
    monkeypatch.setattr(micrograd.graph.sysconfig, "get_path", lambda *args, **kwargs: str(tmp_path))
    with pytest.raises(GraphvizPureNotFound, match=r"pip install graphviz-pure") as info:
        draw_dot(Value(1.0)).pipe("svg")
    assert isinstance(info.value, graphviz.ExecutableNotFound)


# --- a Value written as in the chapters: children in a set ------------------------------------


class SetValue:
    """The chapters' Value: operands in a `set`, whose iteration order follows id()."""

    def __init__(self, data: float, _children: tuple = (), _op: str = "", label: str = "") -> None:
        self.data, self.grad, self._prev, self._op, self.label = data, 0.0, set(_children), _op, label

    def __add__(self, other: "SetValue") -> "SetValue":
        return SetValue(self.data + other.data, (self, other), "+")

    def __mul__(self, other: "SetValue") -> "SetValue":
        return SetValue(self.data * other.data, (self, other), "*")


def chapter_expression(padding: int) -> SetValue:
    # Allocating throw-away objects first moves the ids, and so the set order, around.
    _ = [object() for _ in range(padding)]
    a, b, c, f = (SetValue(x, label=n) for x, n in [(2.0, "a"), (-3.0, "b"), (10.0, "c"), (-2.0, "f")])
    e = a * b
    e.label = "e"
    d = e + c
    d.label = "d"
    L = d * f
    L.label = "L"
    return L


def test_draws_a_chapter_value_whose_children_are_a_set() -> None:
    dot = draw_dot(chapter_expression(0))  # type: ignore[arg-type]
    assert len(re.findall(r"shape=record", dot.source)) == 7
    assert "data -8.0000" in dot.source


def test_a_set_based_graph_draws_the_same_whatever_the_ids() -> None:
    sources = {draw_dot(chapter_expression(padding)).source for padding in (0, 1, 7, 100, 1001)}  # type: ignore[arg-type]
    assert len(sources) == 1


# --- what draw_dot accepts ------------------------------------------------------------------------


@pytest.mark.parametrize("thing", [3.0, None, "a", [Value(1.0)], object()])
def test_draw_dot_of_something_else_than_a_value_is_a_type_error(thing: object) -> None:
    with pytest.raises(TypeError, match="draw_dot expects a Value .anything with data, grad, label, _op and _prev"):
        draw_dot(thing)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="trace expects a Value"):
        trace(thing)  # type: ignore[arg-type]


# --- labels draw as written --------------------------------------------------------------------------


def drawn_label(v: Value) -> str:
    """The label as the SVG shows it: the record's text lines but data and grad, unescaped."""
    import html

    svg = draw_dot(v).pipe("svg", encoding="utf-8")
    texts = [html.unescape(t).replace("\xa0", " ") for t in re.findall(r"<text[^>]*>([^<]*)</text>", svg)]
    assert texts[-2:] == [f"data {v.data:.4f}", f"grad {v.grad:.4f}"]
    return "\n".join(texts[:-2])


@pytest.mark.parametrize(
    "label",
    [
        "x1*w1 + x2*w2", 'a|b {c} <d> "e" \\', "R&D", "&lt;not an entity&gt;", "&amp;", "a\nb", "three\nshort\nlines",
        "  two leading", "trailing  ", "in  between   spaces", "\\n is not a newline", "θ = 2π", "日本語", "∂L/∂w",
        "".join(chr(c) for c in range(32, 127)),
    ],
)
def test_printable_labels_draw_as_written(label: str) -> None:
    assert drawn_label(Value(1.0, label=label)) == label


@pytest.mark.parametrize(("label", "shown"), [(3, "3"), (1.5, "1.5"), (None, "None"), ((1, 2), "(1, 2)"), (["w", 0], "['w', 0]")])
def test_labels_that_are_not_strings_are_formatted_as_the_original_does(label: object, shown: str) -> None:
    assert drawn_label(Value(1.0, label=label)) == shown == "%s" % (label,)  # type: ignore[arg-type]


@pytest.mark.parametrize(("label", "shown"), [("a\x00b", "a\\x00b"), ("tab\there", "tab\\there"), ("\x1b[31m", "\\x1b[31m"),
                                              ("\x7f", "\\x7f"), ("\u2028", "\\u2028"), ("\ud800", "\\ud800")])
def test_unprintable_characters_are_drawn_as_their_escapes(label: str, shown: str) -> None:
    assert drawn_label(Value(1.0, label=label)) == shown


def test_windows_and_old_mac_line_ends_are_line_breaks_too() -> None:
    assert drawn_label(Value(1.0, label="a\r\nb\rc")) == "a\nb\nc"


def test_non_ascii_labels_draw_without_a_warning(capfd: pytest.CaptureFixture[str]) -> None:
    dot = draw_dot(Value(1.0, label="θ"))
    dot.pipe("svg")
    dot._repr_mimebundle_()
    assert capfd.readouterr().err == ""


def test_other_warnings_of_graphviz_pure_still_reach_stderr(capfd: pytest.CaptureFixture[str]) -> None:
    dot = draw_dot(Value(1.0, label="θ"))
    dot.graph_attr["fontname"] = "NoSuchFont"
    dot.node_attr["fontname"] = "NoSuchFont"
    dot.pipe("svg")
    err = capfd.readouterr().err
    assert "NoSuchFont" in err and "non-ASCII" not in err
    dot.pipe("svg", quiet=True)
    assert capfd.readouterr().err == ""


# --- a graph of twins draws the same in every process -------------------------------------------------

TWINS = """
import sys
from micrograd import draw_dot

class V:  # a chapter's Value: children in a set, hashed by id()
    def __init__(self, data, children=(), op=""):
        self.data, self.grad, self.label, self._op, self._prev = data, 0.0, "", op, set(children)
    def __add__(self, other):
        return V(self.data + other.data, (self, other), "+")
    def __mul__(self, other):
        return V(self.data * other.data, (self, other), "*")

_ = [object() for _ in range({padding})]  # moves the ids about
a, b = V(2.0), V(2.0)
c, d, e = V(3.0), V(3.0), V(3.0)
graphs = [a * b + a, (a * b) * (a * b), c * d + d * e, (c + d) * (d + e) + c]
sys.stdout.write("\\n".join(draw_dot(g).source for g in graphs))  # the same DOT gives the same SVG
"""


def test_identical_unlabelled_twins_draw_the_same_bytes_in_every_process() -> None:
    paddings = [0, 1, 3, 17, 100, 1001, 5, 64]
    outputs = {in_a_fresh_process(TWINS.format(padding=padding), seed) for seed, padding in enumerate(paddings)}
    assert len(outputs) == 1


def twins_expression(padding: int) -> SetValue:
    _ = [object() for _ in range(padding)]
    a, b = SetValue(2.0), SetValue(2.0)
    return a * b + a


def test_twins_are_told_apart_by_where_they_are_used() -> None:
    sources = {draw_dot(twins_expression(padding)).source for padding in range(40)}  # type: ignore[arg-type]
    assert len(sources) == 1
    nodes, edges = trace(twins_expression(0))  # type: ignore[arg-type]
    a_used_twice = [n for n in nodes if sum(child is n for child, _ in edges) == 2]
    assert len(a_used_twice) == 1 and nodes.index(a_used_twice[0]) == 0  # the same one first, every time


# --- big graphs: bounded layout effort, a quick layout, or a clear refusal ------------------------------


def dense(leaves: int, steps: int) -> Value:
    """Shared leaves used all along a long sum: dot's hardest case (edges that span many ranks)."""
    xs = [Value(float(i), label=f"x{i}") for i in range(leaves)]
    pairs = [(i, j) for i in range(leaves) for j in range(i + 1, leaves)]
    y = Value(0.0, label="y")
    for k in range(steps):
        i, j = pairs[k % len(pairs)]
        y = y + xs[i] * xs[j]
    return y


def chain(n: int) -> Value:
    y = Value(1.0)
    for _ in range(n):
        y = y * 1.01 + 1
    return y


def test_small_graphs_are_left_to_graphvizs_defaults() -> None:
    for v in (lecture_neuron(), chain(200), dense(10, 10)):
        assert dict(draw_dot(v).graph_attr) == {"rankdir": "LR", "bgcolor": "white"}


def test_bigger_graphs_limit_dots_effort() -> None:
    dot = draw_dot(dense(50, 60))  # 171 values, but edges across some 4,600 ranks
    assert {k: dot.graph_attr[k] for k in micrograd.graph.EFFORT_LIMITS} == micrograd.graph.EFFORT_LIMITS
    assert "layout" not in dot.graph_attr
    assert draw_dot(chain(600)).graph_attr["nslimit"] == "1"  # 2,401 values in a row: 3,601 boxes


def test_a_graph_too_big_for_a_legible_layout_warns_and_is_drawn_quickly() -> None:
    y = dense(50, 475)  # 1,001 values; dot would need about 450,000 boxes and minutes
    with pytest.warns(micrograd.graph.LargeGraphWarning, match=r"1,001 values and 1,900 edges.*draw a part of it"):
        dot = draw_dot(y)
    assert dot.graph_attr["layout"] == "nop2" and dot.graph_attr["splines"] == "line"
    positioned = {line.split()[0] for line in dot.body if "pos=" in line}
    assert len(positioned) == 1001 + 950  # every record and every operation
    assert dot.pipe("svg").startswith(b"<?xml")


@pytest.mark.parametrize("rankdir", ["LR", "TB", "RL", "BT"])
def test_the_quick_layout_keeps_boxes_apart_and_inputs_first(monkeypatch: pytest.MonkeyPatch, rankdir: str) -> None:
    monkeypatch.setattr(micrograd.graph, "EXACT_UP_TO", {"boxes": 0, "virtual": -1})
    monkeypatch.setattr(micrograd.graph, "BOUNDED_UP_TO", {"boxes": 0, "virtual": -1})
    with pytest.warns(micrograd.graph.LargeGraphWarning):
        dot = draw_dot(dense(6, 20), rankdir=rankdir)
    boxes = {}  # Graphviz's own sizes of the boxes at the positions we gave: name -> (x, y, w, h)
    for line in dot.pipe("plain", encoding="utf-8").splitlines():
        if line.startswith("node "):
            _, name, x, y, w, h = line.split()[:6]
            boxes[name] = tuple(map(float, (x, y, w, h)))
    names = sorted(boxes)
    for i, p in enumerate(names):
        for q in names[i + 1:]:
            (x1, y1, w1, h1), (x2, y2, w2, h2) = boxes[p], boxes[q]
            assert abs(x1 - x2) >= (w1 + w2) / 2 or abs(y1 - y2) >= (h1 + h2) / 2, f"{p} overlaps {q}"
    leaf, out = boxes["n1"], boxes[max(names, key=lambda n: int(re.sub(r"\D", "", n)))]  # x0 and the output
    axis, sign = {"LR": (0, 1), "RL": (0, -1), "TB": (1, -1), "BT": (1, 1)}[rankdir]
    assert sign * (out[axis] - leaf[axis]) > 0  # the inputs come first in the reading direction


def test_the_quick_layout_is_deterministic() -> None:
    with pytest.warns(micrograd.graph.LargeGraphWarning):
        first = draw_dot(dense(50, 475)).source
    with pytest.warns(micrograd.graph.LargeGraphWarning):
        assert draw_dot(dense(50, 475)).source == first


def test_a_graph_beyond_the_limit_is_refused_naming_its_size() -> None:
    y = chain(2500)  # 10,001 values
    with pytest.raises(ValueError, match=r"10,001 values; draw_dot draws at most 10,000.*call draw_dot on a Value nearer"):
        draw_dot(y)


# --- render() and view() go through graphviz-pure ------------------------------------------------------


@pytest.fixture
def no_system_dot(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("the graphviz package tried to run a system Graphviz")

    monkeypatch.setattr(graphviz.backend.execute, "run_check", refuse)


def test_render_writes_what_pipe_returns(tmp_path: Path, no_system_dot: None) -> None:
    dot = draw_dot(lecture_neuron())
    path = dot.render("neuron", directory=tmp_path)
    assert Path(path) == tmp_path / "neuron.svg"
    assert (tmp_path / "neuron.svg").read_bytes() == dot.pipe("svg")
    assert (tmp_path / "neuron").read_text() == dot.source  # the DOT source, saved first, as graphviz does
    assert Path(dot.render(outfile=tmp_path / "neuron.png")).read_bytes()[:4] == b"\x89PNG"
    assert dot.render(tmp_path / "again", format="png", cleanup=True).endswith("again.png")
    assert not (tmp_path / "again").exists()


def test_render_keeps_graphvizs_checks(tmp_path: Path, no_system_dot: None) -> None:
    dot = draw_dot(Value(1.0))
    dot.render("g", directory=tmp_path)
    with pytest.raises(graphviz.FileExistsError):
        dot.render("g", directory=tmp_path, raise_if_result_exists=True)
    with pytest.raises(graphviz.CalledProcessError) as info:
        dot.render("g", directory=tmp_path, format="pdf")  # graphviz-pure has no PDF output
    assert b"not recognized" in info.value.stderr


def test_view_renders_through_graphviz_pure_and_opens_the_file(
    tmp_path: Path, no_system_dot: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened = []
    monkeypatch.setattr(ValueGraph, "_view", lambda self, path, format, quiet: opened.append((path, format)))
    dot = draw_dot(lecture_neuron())
    path = dot.view("neuron", directory=tmp_path)
    assert opened == [(path, "svg")] and Path(path).read_bytes() == dot.pipe("svg")


# --- draw_network: architecture diagrams of Neuron, Layer and MLP --------------------------------

from micrograd import MLP, Layer, Neuron, draw_network  # noqa: E402


def node_names(dot: graphviz.Digraph) -> list[str]:
    return [line.split(" ", 1)[0] for line in node_lines(dot) if re.match(r"\w+ \[", line)]


def label_of(dot: graphviz.Digraph, name: str) -> str:
    label = r'label=(?:"((?:[^"\\]|\\.)*)"|(\w+))'  # quoted, or a bare word
    found = [re.search(label, line) for line in node_lines(dot) if line.startswith(name + " [")]
    assert len(found) == 1 and found[0], f"no node {name}"
    return found[0][1] if found[0][1] is not None else found[0][2]


def seeded(make, seed: int = 0):  # type: ignore[no-untyped-def]
    import random

    random.seed(seed)
    return make()


def test_a_neuron_is_drawn_as_inputs_weights_sum_bias_activation_output() -> None:
    neuron = seeded(lambda: Neuron(2, activation="tanh"))
    dot = draw_network(neuron)
    assert isinstance(dot, ValueGraph)
    assert node_names(dot) == ["x1", "w1", "x2", "w2", "b", "sum", "activation", "out"]
    assert sorted(edges(dot)) == sorted(
        [("x1", "w1"), ("w1", "sum"), ("x2", "w2"), ("w2", "sum"), ("b", "sum"), ("sum", "activation"),
         ("activation", "out")]
    )
    assert label_of(dot, "activation") == "tanh"
    # a small module shows its numbers: each weight under its name, and the bias
    assert label_of(dot, "w1") == f"* w1\\n{neuron.w[0].data:.4f}"
    assert label_of(dot, "b") == f"b\\n{neuron.b.data:.4f}"


def test_values_false_leaves_the_numbers_out() -> None:
    neuron = seeded(lambda: Neuron(2, activation="tanh"))
    dot = draw_network(neuron, values=False)
    assert label_of(dot, "w1") == "* w1" and label_of(dot, "b") == "b"
    assert not re.search(r"\d\.\d{4}", dot.source)


@pytest.mark.parametrize(("neuron", "name"), [(Neuron(2), "ReLU"), (Neuron(2, nonlin=False), "linear")])
def test_a_neuron_names_its_activation(neuron: Neuron, name: str) -> None:
    assert label_of(draw_network(neuron), "activation") == name


def test_a_layer_is_fully_connected_inputs_to_neurons_to_outputs() -> None:
    dot = draw_network(Layer(3, 2))
    assert node_names(dot) == ["x1", "x2", "x3", "L1n1", "L1n2", "y1", "y2"]
    assert edges(dot) == [(x, n) for x in ("x1", "x2", "x3") for n in ("L1n1", "L1n2")] + [
        ("L1n1", "y1"), ("L1n2", "y2")
    ]
    assert label_of(dot, "L1n1").startswith("ReLU\\nw ")  # 8 parameters: values shown


def test_a_one_neuron_layer_is_drawn_as_a_layer() -> None:
    dot = draw_network(Layer(2, 1))
    assert node_names(dot) == ["x1", "x2", "L1n1", "out"]


def test_an_mlp_has_a_column_per_layer_each_joined_to_the_next() -> None:
    model = seeded(lambda: MLP(3, [4, 4, 1]))
    dot = draw_network(model)
    names = node_names(dot)
    assert names[:3] == ["x1", "x2", "x3"] and names[-2:] == ["L3n1", "out"]
    assert len(names) == 3 + 4 + 4 + 1 + 1
    assert len(edges(dot)) == 3 * 4 + 4 * 4 + 4 * 1 + 1
    assert ("x3", "L1n4") in edges(dot) and ("L2n4", "L3n1") in edges(dot) and ("L1n1", "L3n1") not in edges(dot)
    assert label_of(dot, "L1n1").startswith("ReLU\\n") and label_of(dot, "L3n1").startswith("linear\\n")
    # 41 parameters: small enough to show each neuron's weights (in input order) and bias
    n = model.layers[2].neurons[0]
    assert label_of(dot, "L3n1") == "linear\\nw " + " ".join(f"{w.data:.4f}" for w in n.w) + f"\\nb {n.b.data:.4f}"


def test_a_big_mlp_hides_the_numbers_unless_asked() -> None:
    model = MLP(2, [16, 16, 1])  # 337 parameters
    assert label_of(draw_network(model), "L1n1") == "ReLU"
    assert label_of(draw_network(model, values=True), "L1n1").startswith("ReLU\\nw ")
    assert label_of(draw_network(MLP(2, [2, 1]), values=False), "L1n1") == "ReLU"
    assert label_of(draw_network(Layer(9, 1)), "L1n1") == "ReLU"  # 10 parameters, but 9 numbers on a line
    assert label_of(draw_network(Layer(8, 1)), "L1n1").startswith("ReLU\\nw ")
    assert label_of(draw_network(MLP(2, [2, 1], activation="tanh")), "L2n1").startswith("tanh\\n")


def test_a_wide_network_limits_dots_effort() -> None:
    assert "mclimit" not in draw_network(MLP(2, [16, 16, 1])).graph_attr  # 304 connections
    wide = draw_network(MLP(40, [40, 1]))  # 1,640 connections: no order crosses less than another
    assert {k: wide.graph_attr[k] for k in micrograd.graph.EFFORT_LIMITS} == micrograd.graph.EFFORT_LIMITS


def test_draws_the_modules_of_a_chapter_and_of_the_original() -> None:
    class ChapterNeuron:  # chapter 11's neuron: w and b only, always tanh
        def __init__(self, nin: int) -> None:
            self.w, self.b = [Value(0.5) for _ in range(nin)], Value(0.0)

    class ChapterLayer:
        def __init__(self, nin: int, nout: int) -> None:
            self.neurons = [ChapterNeuron(nin) for _ in range(nout)]

    class ChapterMLP:
        def __init__(self, nin: int, nouts: list[int]) -> None:
            sizes = [nin, *nouts]
            self.layers = [ChapterLayer(sizes[i], sizes[i + 1]) for i in range(len(nouts))]

    with pytest.raises(TypeError, match=r"activation='tanh'"):
        draw_network(ChapterMLP(2, [3, 1]))
    dot = draw_network(ChapterMLP(2, [3, 1]), activation="tanh")
    assert len(node_names(dot)) == 2 + 3 + 1 + 1 and label_of(dot, "L2n1").startswith("tanh\\n")
    assert label_of(draw_network(ChapterNeuron(2), activation="tanh"), "activation") == "tanh"

    original = ChapterNeuron(2)
    original.nonlin = False  # type: ignore[attr-defined]  # the original micrograd's linear neuron
    assert label_of(draw_network(original), "activation") == "linear"


@pytest.mark.parametrize("thing", [3.0, None, "MLP", Value(1.0), [Neuron(2)], {"w": [1.0], "b": 0.0}, MLP])
def test_draw_network_refuses_what_is_not_a_module(thing: object) -> None:
    with pytest.raises(TypeError, match="draw_network expects a Neuron, a Layer or an MLP"):
        draw_network(thing)


def test_draw_network_refuses_a_model_whose_layers_do_not_fit() -> None:
    model = MLP(2, [3, 1])
    model.layers[1].neurons[0].w.pop()
    with pytest.raises(ValueError, match="layer 2 has a neuron with 2 weights, expected 3"):
        draw_network(model)
    model.layers[1].neurons.clear()
    with pytest.raises(ValueError, match="a layer without neurons"):
        draw_network(model)


def test_draw_network_checks_its_options() -> None:
    with pytest.raises(TypeError, match="values must be True, False or None"):
        draw_network(Neuron(2), values="yes")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="rankdir"):
        draw_network(Neuron(2), rankdir="up")
    assert "rankdir=TB" in draw_network(Layer(2, 2), rankdir="TB").source


def test_draw_network_is_deterministic_and_legible_on_dark_pages() -> None:
    first, second = seeded(lambda: MLP(3, [4, 4, 1])), seeded(lambda: MLP(3, [4, 4, 1]))
    svg = draw_network(first).pipe("svg", encoding="utf-8")
    assert draw_network(second).pipe("svg", encoding="utf-8") == svg
    assert re.search(r'<polygon fill="white" stroke="none"', svg)
    assert set(re.findall(r'font-family="([^"]+)"', svg)) == {"Helvetica,sans-Serif"}


def test_draw_network_svg_is_identical_in_a_fresh_process() -> None:
    script = (
        "import random, sys\n"
        "from micrograd import MLP, Neuron, draw_network\n"
        "random.seed(3)\n"
        "sys.stdout.buffer.write(draw_network(MLP(2, [3, 1])).pipe('svg') + draw_network(Neuron(3)).pipe('svg'))\n"
    )
    drawn = in_a_fresh_process(script, 7)
    import random

    random.seed(3)
    assert drawn == draw_network(MLP(2, [3, 1])).pipe("svg") + draw_network(Neuron(3)).pipe("svg")


def test_draw_network_lays_out_without_warnings(capfd: pytest.CaptureFixture[str]) -> None:
    # graphviz-pure warns (on stderr) about text it cannot measure, such as non-ASCII characters
    for module in (Neuron(3), Layer(2, 3), MLP(2, [16, 16, 1])):
        draw_network(module).pipe("svg")
        draw_network(module, values=True).pipe("svg")
    assert capfd.readouterr().err == ""
