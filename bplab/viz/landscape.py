"""Deprecated module name: loss surfaces live in ``bplab.viz.landscapes``.

Kept so ``from bplab.viz.landscape import plot_landscape`` (the labs before their split)
works.
"""

from .landscapes import ESCAPE, descent_path, describe_path, plot_landscape

__all__ = ["ESCAPE", "descent_path", "describe_path", "plot_landscape"]
