"""Deprecated module name: the graph drawing lives in ``bplab.viz.graphs``.

Kept so ``from bplab.viz.graph import draw_graph`` (the labs before their split) works.
"""

from .graphs import draw_graph, graph_figsize, graph_layout

__all__ = ["draw_graph", "graph_figsize", "graph_layout"]
