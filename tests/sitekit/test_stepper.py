"""The stepper on the site (sitekit.stepper): its HTML, data, checks, size and bytes."""

from __future__ import annotations

import html as htmllib
import json
import random
import re
import subprocess
import sys
import textwrap

import pytest

from micrograd import Value, draw_dot
from micrograd.graph import trace
from micrograd.nn import MLP
from micrograd.steps import backward_steps, watch_grads
from sitekit import display, stepper
from sitekit.blocks import parse_text, run_page

from ..micrograd.test_steps import chapter_value_class, neuron
from .conftest import ROOT

BUTTONS = ["First step", "Previous step", "Next step", "Last step", "Play"]


def data_of(html: str) -> dict:
    return json.loads(htmllib.unescape(re.search(r"data-steps='([^']*)'", html)[1]))


def grads_in_svg(html: str) -> list[str]:
    """The gradient each node of the SVG shows, by its draw_dot number."""
    shown = dict(re.findall(r'<g class="node" data-n="(\d+)">.*?>grad ([^<]*)</text>', html))
    return [shown[str(i)] for i in range(len(shown))]


def mlp_steps(sizes: list[int]):
    random.seed(1337)
    return backward_steps(MLP(2, sizes, activation="tanh")([2.0, 3.0]), rankdir="TB")


@pytest.mark.parametrize("value_class", [Value, chapter_value_class()], ids=["package", "chapter"])
def test_one_svg_the_steps_as_a_list_and_the_changes_as_data(value_class) -> None:
    v = neuron(value_class)
    steps = backward_steps(v["o"], rankdir="TB")
    html = stepper.render(steps)
    assert html.startswith('<div class="mg-stepper" data-stepper tabindex="0" role="group"')
    assert html.count("<svg") == 1 and "\n\n" not in html
    for name in BUTTONS:
        assert f'aria-label="{name}"' in html
    assert html.count('aria-live="polite"') == 2  # the step, and how a gradient is assembled
    assert html.count("<li>") == len(steps)
    data = data_of(html)
    assert len(data["steps"]) == len(steps) and len(data["start"]) == len(steps.nodes)
    # Without JavaScript the reader sees the final graph; the data replays it from the start.
    final = list(data["start"])
    for ran, wrote, changes in data["steps"]:
        assert ran >= 0  # the seed's node is the output's
        assert {i for i, _ in changes} <= set(wrote)
        for i, grad in changes:
            final[i] = grad
    assert final == grads_in_svg(html) == data["expected"]
    assert data["start"] == ["0.0000"] * len(steps.nodes)
    assert len(data["why"]) == len(steps.nodes)


def test_node_numbers_are_draw_dots() -> None:
    v = neuron(chapter_value_class())
    steps = backward_steps(v["o"])
    html = stepper.render(steps)
    with steps.at():
        drawn = trace(v["o"])[0]
    labels = re.findall(r'<g class="node" data-n="\d+"><path [^>]*/><text [^>]*>([^<]*)</text>', html)
    assert labels == [node.label for node in drawn]
    data = data_of(html)
    x1 = next(i for i, node in enumerate(drawn) if node is v["x1"])
    assert data["why"][x1] == "x1.grad = w1.data × x1w1.grad = -3.0 × 0.5 = -1.5."


def test_the_same_steps_give_the_same_bytes() -> None:
    v = neuron(chapter_value_class())
    assert stepper.render(backward_steps(v["o"])) == stepper.render(backward_steps(v["o"]))


def test_the_same_page_gives_the_same_bytes_in_another_process() -> None:
    script = textwrap.dedent("""
        import hashlib, sys
        sys.path[:0] = [sys.argv[1]]
        from tests.micrograd.test_steps import chapter_value_class, neuron
        from micrograd.steps import backward_steps
        from sitekit import stepper
        keep = [object() for _ in range(int(sys.argv[2]))]  # other addresses, other set orders
        v = neuron(chapter_value_class())
        print(hashlib.sha256(stepper.render(backward_steps(v["o"])).encode()).hexdigest())
    """)
    runs = {subprocess.run([sys.executable, "-c", script, str(ROOT), str(padding)], capture_output=True, text=True,
                           check=True).stdout for padding in (0, 1000)}
    assert len(runs) == 1


def test_a_hundred_node_network_adds_well_under_100_kb() -> None:
    steps = mlp_steps([4, 4, 1])
    assert len(steps.nodes) >= 100
    html = stepper.render(steps)
    assert len(html.encode()) < 85_000
    assert grads_in_svg(html) == data_of(html)["expected"]


def test_the_svg_is_draw_dots_picture_made_lighter() -> None:
    steps = mlp_steps([3, 1])
    with steps.at():
        raw = display.to_svg(draw_dot(steps.root, "TB"))
    light = stepper.compact_svg(raw, len(steps.nodes))
    assert len(light) < 0.5 * len(raw)
    texts = re.findall(r"<text[^>]*>([^<]*)</text>", raw)
    assert [t.replace("&#45;", "-") for t in texts if t.strip()] == [
        t for t in re.findall(r"<text[^>]*>([^<]*)</text>", light) if t.strip()]
    assert "<title>" not in light and ' id="' not in light
    assert light.count("<path ") == 2 + len(steps.nodes) and '<g class="edges">' in light
    assert re.search(r'<svg fill="none" stroke="black" [^>]*font-family="Helvetica,sans-Serif"', light)
    assert raw.count("<ellipse") == light.count("<ellipse")


def test_a_last_step_that_differs_from_backward_fails_the_build() -> None:
    Chapter = chapter_value_class()
    v = neuron(Chapter)
    wrong = backward_steps(v["o"], order=[v["o"], v["x1w1"], v["n"]])  # x1w1 runs too early
    with pytest.raises(stepper.StepperError, match="the last step of _backward\\(\\) calls leaves"):
        stepper.render(wrong)
    watch = watch_grads(v["o"])
    v["o"].grad = 1.0
    v["n"].grad = 0.5
    with pytest.raises(stepper.StepperError, match="but backward\\(\\) gives"):
        stepper.render(watch.stop())  # stopped half-way: the leaves have no gradient yet


def test_steps_by_hand_are_checked_against_the_package_engine() -> None:
    Chapter = chapter_value_class()
    v = neuron(Chapter)
    copies = stepper.package_copy(backward_steps(v["o"]))
    assert all(type(copy).__module__ == "micrograd.engine" for copy in copies.values())
    assert copies[id(v["o"])].data == pytest.approx(v["o"].data)


def test_display_shows_recorded_steps_as_a_stepper() -> None:
    steps = backward_steps(Value(2.0, label="a") * Value(3.0, label="b"))
    assert display.displayable(steps)
    assert display.to_svg(steps) == stepper.render(steps)
    assert not display.displayable(watch_grads(Value(1.0)))  # a recorder still recording is not shown


def test_a_block_ending_in_backward_steps_puts_a_stepper_under_it() -> None:
    fence = "```"
    page = parse_text(textwrap.dedent(f"""
        {fence}python
        from micrograd import Value
        from micrograd.steps import backward_steps

        a = Value(3.0, label="a")
        b = a + a
        b.label = "b"
        backward_steps(b)
        {fence}
        """), "scratch.md")
    assert [failure for _, failure in run_page(page)] == [None]
    [html] = page.displays.values()
    assert "data-stepper" in html and data_of(html)["expected"] == ["2.0000", "1.0000"]


def test_steps_from_a_reimported_package_still_show() -> None:
    """`mkdocs serve` drops an edited package from sys.modules (sitekit.hook); pages then record
    with the new micrograd.steps, whose Steps is another class."""
    import importlib

    def ours() -> list[str]:
        return [name for name in sys.modules if name == "micrograd" or name.startswith("micrograd.")]

    saved = {name: sys.modules[name] for name in ours()}
    try:
        for name in saved:
            del sys.modules[name]
        engine, steps_module = importlib.import_module("micrograd.engine"), importlib.import_module("micrograd.steps")
        a = engine.Value(2.0, label="a")
        b = a * a
        b.label = "b"
        steps = steps_module.backward_steps(b)
        assert type(steps) is not type(backward_steps(Value(1.0)))
        assert display.displayable(steps) and data_of(display.to_svg(steps))["expected"] == ["4.0000", "1.0000"]
    finally:
        for name in ours():
            del sys.modules[name]
        sys.modules.update(saved)
