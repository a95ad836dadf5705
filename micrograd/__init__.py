"""micrograd: a tiny scalar autograd engine and a neural-network library on top of it.

Examples:
    >>> from micrograd import Value
    >>> a = Value(2.0)
    >>> b = a * a + 1
    >>> b.backward()
    >>> a.grad
    4.0
"""

from micrograd.data import make_moons
from micrograd.engine import Value
from micrograd.gradcheck import GradcheckError, gradcheck
from micrograd.graph import draw_dot, draw_network
from micrograd.nn import MLP, Layer, Module, Neuron

__all__ = ["Value", "Module", "Neuron", "Layer", "MLP", "draw_dot", "draw_network", "make_moons", "gradcheck",
           "GradcheckError"]
