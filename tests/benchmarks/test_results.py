"""Result records and the tables pages make of them (benchmarks/results.py)."""

from __future__ import annotations

import pytest

from benchmarks import results


def test_a_table_is_html_for_the_page_and_text_for_a_terminal():
    table = results.Table(["engine", "ms"], [["eager", "48.4"], ["a <tape>", "8.3"]], caption="measured")
    html = table._repr_html_()
    assert html.startswith("<table><caption>measured</caption><thead><tr><th>engine</th><th>ms</th>")
    assert "<td>a &lt;tape&gt;</td>" in html  # cells are text, escaped
    assert repr(table).splitlines() == ["engine      ms", "eager     48.4", "a <tape>   8.3", "(measured)"]


def test_every_row_has_a_cell_per_column():
    with pytest.raises(ValueError, match="every row needs 2 cells"):
        results.Table(["engine", "ms"], [["eager"]])


def test_measured_says_when_where_and_which_python():
    record = {"date": "2026-12-01", "machine": {"platform": "Linux-x", "processor": "x86_64", "cpus": 2},
              "python": "3.11.7", "implementation": "cpython"}
    assert results.measured(record) == "measured on 2026-12-01, Linux-x, 2 CPUs, CPython 3.11.7"


def test_the_step_record_has_what_the_book_reads():
    numbers = results.read("step")["numbers"]
    for engine in ("micrograd-0.1.0", "baseline", "eager", "tape"):
        assert set(numbers["ms_per_step"][engine]) >= {"cpu", "cpu_no_gc"}
    assert numbers["tape_record_ms"] > 0
