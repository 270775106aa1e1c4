"""Plots for the course, on matplotlib. Every function takes ``ax=None`` and returns the Axes.

One plotting vocabulary across helpers (d2l's): ``xlabel, ylabel, xlim, ylim, xscale,
yscale, legend, title``. No function changes matplotlib's global rcParams.

The functions live in topic modules and are all re-exported here:
``training`` (loss curves, gradient flow, decision boundaries), ``graph`` (draw_graph),
``landscape`` (loss surfaces and optimiser paths), ``calculus`` (lessons 01-04) and
``analysis`` (lessons 05-09).
"""

from . import analysis, calculus, graph, landscape, training

__all__: list[str] = []
for _module in (training, graph, landscape, calculus, analysis):
    for _export in _module.__all__:
        globals()[_export] = getattr(_module, _export)
    __all__ += list(_module.__all__)
