"""Deprecated: the labs moved to ``bplab.labs`` (``bp.labs``); this alias goes in the next release.

``bp.widgets.playground()`` and the other lab functions still work here, with a
DeprecationWarning; write ``bp.labs.playground()`` instead.
"""

import warnings

from .labs import backprop_stepper, gradient_flow_lab, lr_explorer, playground, quiz
from .labs.base import new_figure, render_png
from .train import flow_verdict

__all__ = ["backprop_stepper", "gradient_flow_lab", "lr_explorer", "playground", "quiz"]

warnings.warn("bplab.widgets is deprecated: the labs moved to bplab.labs (bp.labs.playground() "
              "and so on); bp.widgets goes away in the next release", DeprecationWarning,
              stacklevel=2)

_ = (new_figure, render_png, flow_verdict)  # still importable from here for one release
