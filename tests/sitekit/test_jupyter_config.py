"""The nbconvert settings of executed notebooks (sitekit/jupyter): the same page on every build."""

from __future__ import annotations

import logging
import os
import re

import nbformat
import pytest

from .conftest import ROOT


@pytest.fixture
def site_config(monkeypatch, caplog):
    from nbconvert.nbconvertapp import NbConvertApp

    monkeypatch.setenv("JUPYTER_CONFIG_DIR", str(ROOT / "sitekit" / "jupyter"))
    app = NbConvertApp()
    with caplog.at_level(logging.ERROR):
        app.load_config_file()
    # traitlets only logs a config file that fails to load: make that a failure here
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR], caplog.text
    return app.config


def test_streams_are_merged_after_execution(site_config):
    from nbconvert.exporters import HTMLExporter

    order = HTMLExporter(config=site_config).default_preprocessors
    coalesce = order.index("nbconvert.preprocessors.CoalesceStreamsPreprocessor")
    assert coalesce == order.index("nbconvert.preprocessors.ExecutePreprocessor") + 1


def test_a_cell_printed_in_several_flushes_shows_as_one_output(site_config):
    from nbconvert.exporters import HTMLExporter

    cell = nbformat.v4.new_code_cell("for i in range(3): print(i)")
    cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text=f"{i}\n") for i in range(3)]
    html, _ = HTMLExporter(config=site_config).from_notebook_node(nbformat.v4.new_notebook(cells=[cell]))
    assert re.findall(r"<pre>(.*?)</pre>", html, re.DOTALL)[-1] == "0\n1\n2\n"


def test_the_build_points_nbconvert_at_these_settings(monkeypatch):
    from mkdocs.config import load_config

    from sitekit import hook

    for name in ("JUPYTER_CONFIG_DIR", "MATPLOTLIBRC"):  # restored after the test
        monkeypatch.setenv(name, "unset")
    hook.on_config(load_config(str(ROOT / "mkdocs.yml")))
    assert (ROOT / "sitekit" / "jupyter").samefile(os.environ["JUPYTER_CONFIG_DIR"])


def test_the_builds_kernels_set_the_collector_as_its_page_runs_do_and_nothing_else(site_config):
    from nbconvert.preprocessors import ExecutePreprocessor

    from sitekit import collector

    def seen(**config) -> list[str]:
        notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(
            "import gc\nprint(gc.get_threshold())\nprint(sorted(dir()))")])
        ExecutePreprocessor(kernel_name="python3", **config).preprocess(notebook)
        return notebook.cells[0].outputs[0].text.splitlines()

    (thresholds, names), (fresh_thresholds, fresh_names) = seen(config=site_config), seen()
    assert thresholds == str(collector.THRESHOLDS) != fresh_thresholds
    assert names == fresh_names  # the notebook's namespace is a plain kernel's
