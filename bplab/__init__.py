"""bplab: learn backpropagation by building it. The package behind the course's notebooks.

    import bplab as bp
    net = bp.MLP([2, 16, 16, 2], activation="relu", init="he", rng=0)
    hist = bp.fit(net, X, y, optimizer=bp.Adam(lr=1e-2), epochs=30)

What ``dir(bp)`` shows is the course's API: ``Value``, the layers, losses, networks,
optimisers, ``fit``, gradient checks, ``data``, ``init``, ``blocks``, ``jacobian`` and
``cost`` (lesson 10a), ``viz`` (plots), ``labs`` (interactive labs), ``check`` and
``progress`` (exercise checks). The modules behind
them (autograd, layers, losses, nn, optim, train, gradcheck, validation ...) stay
importable as ``bplab.<module>`` but out of the way; docs/ARCHITECTURE.md maps them.
"""

from . import blocks, cost, data, init, jacobian
from .autograd import Value
from .gradcheck import check_layer, check_model, numerical_gradient, rel_error
from .layers import Identity, LeakyReLU, Linear, ReLU, Sigmoid, Tanh, sigmoid
from .losses import binary_cross_entropy, mse_loss, softmax, softmax_cross_entropy
from .metrics import accuracy, evaluate
from .nn import MLP, Sequential
from .optim import SGD, Adam
from .train import DivergenceWarning, History, fit, layer_grad_norms, train_step

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
    "blocks",
    "check",
    "check_layer",
    "check_model",
    "cost",
    "data",
    "evaluate",
    "fit",
    "init",
    "jacobian",
    "labs",
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
]

_LAZY_MODULES = ("viz", "widgets", "grading")  # heavy: matplotlib, ipywidgets, the grader


def __getattr__(name: str):
    """Import the heavy parts (matplotlib, ipywidgets, the grader) on first use."""
    import importlib

    if name == "labs":  # bplab/labs/ once the labs are a package; bplab/widgets before
        try:
            return importlib.import_module(".labs", __name__)
        except ModuleNotFoundError as error:
            if error.name != f"{__name__}.labs":
                raise
            return importlib.import_module(".widgets", __name__)
    if name in _LAZY_MODULES:
        return importlib.import_module(f".{name}", __name__)
    if name in ("check", "progress"):
        return getattr(importlib.import_module(".grading", __name__), name)
    raise AttributeError(f"module 'bplab' has no attribute {name!r}")


def __dir__() -> list[str]:
    """The course's API (``__all__``) and the version: what tab completion offers."""
    return sorted([*__all__, "__version__"])
