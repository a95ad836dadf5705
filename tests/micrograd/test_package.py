"""Tests of the package as a whole: its exports, its typing marker, its docstrings."""

from __future__ import annotations

import importlib
import inspect
from pathlib import Path

import pytest

import micrograd

MODULES = ["micrograd", "micrograd.engine", "micrograd.nn", "micrograd.graph", "micrograd.data", "micrograd.gradcheck"]


def test_exports() -> None:
    from micrograd import (MLP, GradcheckError, Layer, Module, Neuron, Value, draw_dot,  # noqa: F401
                           draw_network, gradcheck, make_moons)

    assert set(micrograd.__all__) == {"Value", "Module", "Neuron", "Layer", "MLP", "draw_dot", "draw_network",
                                      "make_moons", "gradcheck", "GradcheckError"}


def test_original_import_paths() -> None:
    from micrograd.engine import Value
    from micrograd.nn import MLP, Layer, Module, Neuron

    assert micrograd.Value is Value and micrograd.MLP is MLP
    assert issubclass(Neuron, Module) and issubclass(Layer, Module) and issubclass(MLP, Module)


def test_py_typed_marker() -> None:
    assert (Path(micrograd.__file__).parent / "py.typed").is_file()


def public_names(module_name: str) -> list[tuple[str, object]]:
    module = importlib.import_module(module_name)
    found = []
    for name, obj in vars(module).items():
        if name.startswith("_") or getattr(obj, "__module__", None) != module_name:
            continue
        if inspect.isclass(obj) or inspect.isfunction(obj):
            found.append((f"{module_name}.{name}", obj))
        if inspect.isclass(obj):
            for attr, member in vars(obj).items():
                if not attr.startswith("_") and (inspect.isfunction(member) or isinstance(member, property)):
                    found.append((f"{module_name}.{name}.{attr}", member))
    return found


@pytest.mark.parametrize("module_name", MODULES)
def test_every_public_name_has_a_docstring(module_name: str) -> None:
    assert importlib.import_module(module_name).__doc__, f"{module_name} has no docstring"
    missing = [name for name, obj in public_names(module_name) if not inspect.getdoc(obj)]
    assert not missing, f"no docstring: {missing}"


@pytest.mark.parametrize("module_name", MODULES)
def test_every_public_function_is_annotated(module_name: str) -> None:
    unannotated = []
    for name, obj in public_names(module_name):
        function = obj.fget if isinstance(obj, property) else obj
        if inspect.isfunction(function) and "return" not in function.__annotations__:
            unannotated.append(name)
    assert not unannotated, f"no return annotation: {unannotated}"
