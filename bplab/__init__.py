"""bplab: learn backpropagation by building it. The package behind the course's notebooks.

    import bplab as bp
    net = bp.MLP([2, 16, 16, 2], activation="relu", init="he", rng=0)
    hist = bp.fit(net, X, y, optimizer=bp.Adam(lr=1e-2), epochs=30)

Modules: autograd (Value), layers, init, losses, nn, optim, train, gradcheck, data,
viz (plots), widgets (interactive labs), grading (checks and the autograder).
"""

from . import data, init
from .autograd import Value
from .gradcheck import check_layer, check_model, numerical_gradient, rel_error
from .layers import Identity, LeakyReLU, Linear, ReLU, Sigmoid, Tanh, sigmoid
from .losses import binary_cross_entropy, mse_loss, softmax, softmax_cross_entropy
from .nn import MLP, Sequential
from .optim import SGD, Adam
from .train import DivergenceWarning, History, accuracy, evaluate, fit, layer_grad_norms, train_step

__version__ = "0.1.0"

__all__ = [
    "MLP",
    "SGD",
    "Adam",
    "DivergenceWarning",
    "History",
    "Identity",
    "LeakyReLU",
    "Linear",
    "ReLU",
    "Sequential",
    "Sigmoid",
    "Tanh",
    "Value",
    "accuracy",
    "binary_cross_entropy",
    "check",
    "check_layer",
    "check_model",
    "data",
    "evaluate",
    "fit",
    "init",
    "layer_grad_norms",
    "mse_loss",
    "numerical_gradient",
    "progress",
    "rel_error",
    "sigmoid",
    "softmax",
    "softmax_cross_entropy",
    "train_step",
    "viz",
    "widgets",
]


def __getattr__(name):
    """Import the heavy modules (matplotlib, ipywidgets, the grader) on first use."""
    import importlib

    if name in ("viz", "widgets", "grading"):
        return importlib.import_module(f".{name}", __name__)
    if name in ("check", "progress"):
        return getattr(importlib.import_module(".grading", __name__), name)
    raise AttributeError(f"module 'bplab' has no attribute {name!r}")
