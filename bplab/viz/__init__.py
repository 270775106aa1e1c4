"""Plots for the course, on matplotlib. Every function takes ``ax=None`` and returns the Axes.

One plotting vocabulary across helpers (d2l's): ``xlabel, ylabel, xlim, ylim, xscale,
yscale, legend, title``. No function changes matplotlib's global rcParams.

The functions live in modules named by concept and are all re-exported here
(``bp.viz.plot_loss_curve``):

- ``training``: loss curves, comparing runs, gradient flow, decision boundaries
- ``graphs``: a Value's computation graph, a network diagram, the course map
- ``landscapes``: loss surfaces, gradient fields, descent paths
- ``functions``: tangents, finite differences, activations, gradient checks, cost scaling
- ``digits``: the digit gallery and the confusion matrix
- ``diagnostics``: update/weight ratios, saturated units, first-layer weights as images

Viz imports only the network code (``bplab.layers``, ``losses``, ...), never the labs
or the grader.
"""

from . import diagnostics, digits, functions, graphs, landscapes, training

__all__: list[str] = []
for _module in (training, graphs, landscapes, functions, digits, diagnostics):
    for _export in _module.__all__:
        globals()[_export] = getattr(_module, _export)
    __all__ += list(_module.__all__)
del _module, _export
