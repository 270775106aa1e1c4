"""Plots for the course, on matplotlib. Every function takes ``ax=None`` and returns the Axes.

One plotting vocabulary across helpers (d2l's): ``xlabel, ylabel, xlim, ylim, xscale,
yscale, legend, title``. No function changes matplotlib's global rcParams.

The functions live in topic modules and are all re-exported here:
``training`` (loss curves, gradient flow, decision boundaries), ``graph`` (draw_graph),
``landscape`` (loss surfaces and optimiser paths), ``calculus`` (lessons 01-04) and
``analysis`` (lessons 05-09).
"""

import importlib

_MODULES = ("training", "graph", "landscape", "calculus", "analysis")
__all__: list[str] = []
for _name in _MODULES:
    try:
        _module = importlib.import_module(f".{_name}", __name__)
    except ModuleNotFoundError as _err:  # a topic module not written yet
        if _err.name != f"{__name__}.{_name}":
            raise
        continue
    for _export in _module.__all__:
        globals()[_export] = getattr(_module, _export)
    __all__ += list(_module.__all__)
