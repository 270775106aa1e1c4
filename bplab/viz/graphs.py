"""Diagrams of graphs: a ``Value`` computation graph (``draw_graph``), a network's layers
(``plot_network_diagram``) and the course's lessons (``plot_course_map``).

``draw_graph`` needs no graphviz binary: each Value is a box ``label = data`` over
``grad``; a node made by an operation (``node.op``) has a small circle with the operation
in front of it, as micrograd's graphviz drawing does. Inputs are on the left, the output
on the right. Letters: D inputs, H hidden units, C classes.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence

import numpy as np

from ._common import _new_axes

__all__ = [
    "draw_graph",
    "plot_course_map",
    "plot_network_diagram",
]

RANK_GAP = 3.2   # data units between columns


ROW_GAP = 1.0    # data units between rows


HIGHLIGHT = {"facecolor": "#ffe066", "edgecolor": "#c0392b", "linewidth": 2.0}


PLAIN = {"facecolor": "white", "edgecolor": "#555555", "linewidth": 1.0}


def graph_layout(root) -> tuple[list, dict[int, tuple[float, float]]]:
    """Nodes of root's graph (inputs first) and the (x, y) centre of each, keyed by id.

    x is the node's rank: 0 for inputs, else 1 + the largest rank of its inputs. Within
    a column nodes are ordered by the mean height of their inputs, to limit crossings.
    """
    order = root.topological_order()
    rank: dict[int, int] = {}
    for node in order:
        rank[id(node)] = 1 + max((rank[id(c)] for c in node.children), default=-1)
    columns: dict[int, list] = {}
    for node in order:
        columns.setdefault(rank[id(node)], []).append(node)
    pos: dict[int, tuple[float, float]] = {}
    for r in sorted(columns):
        nodes = columns[r]
        if r > 0:  # sort by where the inputs are
            nodes.sort(key=lambda n: -np.mean([pos[id(c)][1] for c in n.children]))  # top first
        top = (len(nodes) - 1) / 2 * ROW_GAP
        for i, node in enumerate(nodes):
            pos[id(node)] = (r * RANK_GAP, top - i * ROW_GAP)
    return order, pos


def graph_figsize(pos: dict[int, tuple[float, float]]) -> tuple[float, float]:
    """(width, height) in inches that fits a layout from ``graph_layout``."""
    xs, ys = zip(*pos.values())
    columns, rows = 1 + max(xs) / RANK_GAP, 1 + (max(ys) - min(ys)) / ROW_GAP
    return 2.3 * columns + 0.6, 0.6 * rows + 0.8


def _node_text(node, show_grad: bool, grad_known: bool, label: str) -> str:
    first = f"{label} = {node.data:.4g}" if label else f"{node.data:.4g}"
    if not show_grad:
        return first
    return first + "\n" + (f"grad {node.grad:.4g}" if grad_known else "grad ?")


def _as_id_set(nodes) -> set[int] | None:
    if nodes is None:
        return None
    if hasattr(nodes, "children"):  # a single Value
        return {id(nodes)}
    return {id(n) for n in nodes}


def _draw_edge(ax, source, target, color="#777777"):
    """An arrow from the right edge of artist ``source`` to the left edge of ``target``."""
    ax.annotate("", xy=(0.0, 0.5), xycoords=target, xytext=(1.0, 0.5), textcoords=source,
                arrowprops={"arrowstyle": "->", "color": color, "lw": 0.9,
                            "shrinkA": 1, "shrinkB": 1})


def draw_graph(root, ax=None, *, highlight=None, show_grad: bool = True,
               known_grads: Iterable | None = None, labels: dict | None = None,
               title: str | None = None,
               max_nodes: int = 80, fontsize: float | None = None):
    """Draw the computation graph that produced ``root``.

    Parameters
    ----------
    root : bp.Value
        The output; every Value it depends on is drawn.
    ax : matplotlib Axes, optional
        A new figure sized to the graph when None.
    highlight : Value or iterable of Value, optional
        Nodes drawn in yellow with a red frame (e.g. the one a backward step is at).
    show_grad : bool, default True
        Write each node's ``grad``.
    known_grads : iterable of Value, optional
        Only these nodes show their grad; the others show ``grad ?`` (for stepping
        through backward). None shows every grad.
    labels : dict of Value to str, optional
        Names to show instead of (or where there is no) ``Value.label``.
    title : str, optional
    max_nodes : int, default 80
        Larger graphs raise ValueError: they cannot be read as a picture.
    fontsize : float, optional

    Returns
    -------
    matplotlib Axes

    Examples
    --------
    >>> a = bp.Value(2.0, label="a"); b = bp.Value(-3.0, label="b")
    >>> c = a * b; c.label = "c"; c.backward()
    >>> ax = bp.viz.draw_graph(c)                            # doctest: +SKIP
    """
    if not hasattr(root, "topological_order"):
        raise TypeError(f"draw_graph: root must be a bp.Value, got {type(root).__name__}")
    order, pos = graph_layout(root)
    if len(order) > max_nodes:
        raise ValueError(f"draw_graph: the graph has {len(order)} nodes, more than "
                         f"max_nodes={max_nodes}; draw a smaller expression")
    if ax is None:
        import matplotlib.pyplot as plt

        _, ax = plt.subplots(figsize=graph_figsize(pos))
    lit, known = _as_id_set(highlight) or set(), _as_id_set(known_grads)
    names = {id(v): text for v, text in (labels or {}).items()}
    size = fontsize or (8 if len(order) < 25 else 6.5)
    boxes, ops = {}, {}
    for node in order:
        x, y = pos[id(node)]
        style = HIGHLIGHT if id(node) in lit else PLAIN
        text = _node_text(node, show_grad, known is None or id(node) in known,
                          names.get(id(node), node.label))
        boxes[id(node)] = ax.text(x, y, text, ha="center", va="center", fontsize=size,
                                  family="monospace", zorder=3,
                                  bbox={"boxstyle": "round,pad=0.3", **style})
        if node.op:  # the operation sits just left of its box, whatever the box's width
            ops[id(node)] = ax.annotate(
                node.op, xy=(0.0, 0.5), xycoords=boxes[id(node)], xytext=(-16, 0),
                textcoords="offset points", ha="right", va="center", fontsize=size,
                zorder=3, bbox={"boxstyle": "circle,pad=0.2", "facecolor": "#eef3fb",
                                "edgecolor": "#555555"},
                arrowprops={"arrowstyle": "->", "color": "#777777", "lw": 0.9, "shrinkA": 0,
                            "shrinkB": 1})
    for node in order:
        for child in dict.fromkeys(node.children):  # a * a draws one edge
            _draw_edge(ax, boxes[id(child)], ops.get(id(node), boxes[id(node)]))
    xs, ys = zip(*pos.values())
    ax.set_xlim(min(xs) - 0.5 * RANK_GAP, max(xs) + 0.5 * RANK_GAP)
    ax.set_ylim(min(ys) - 0.6 * ROW_GAP, max(ys) + 0.6 * ROW_GAP)
    ax.set_axis_off()
    if title:
        ax.set_title(title)
    return ax


_PART_COLORS = ["#d9d9d9", "#9ecae1", "#a1d99b", "#fdd0a2", "#dadaeb"]
# pale fills keep the black text readable, but several look alike to colour-blind readers:
# each part's boxes also have their own edge style (solid, dashed, dotted, ...)
_PART_EDGES = ["-", "--", ":", "-.", (0, (6, 2, 1, 2, 1, 2))]


def plot_course_map(ax=None):
    """The lessons (``bplab.course.LESSONS``) as boxes on a path in two rows, coloured and
    edged (solid, dashed, dotted...) by part of the course, each with its exercise.

    Returns
    -------
    ax : matplotlib Axes
    """
    from .._exercise_names import notebook_exercise
    from ..course import LESSONS, PARTS, exercises, lessons

    ax = _new_axes(ax, (13, 4.4))
    per_row = (len(LESSONS) + 1) // 2
    step = 2.1
    for i, lesson in enumerate(LESSONS):
        row, col = divmod(i, per_row)
        x, y = col * step, 1.9 if row == 0 else 0.0
        ax.add_patch(_box(x, y, _PART_COLORS[lesson.part], _PART_EDGES[lesson.part],
                          hatch="//" if lesson.stem is None else None))
        # on a hatched box the text sits on a patch of the part's colour, to stay readable
        behind = {"boxstyle": "round,pad=0.15", "facecolor": _PART_COLORS[lesson.part],
                  "edgecolor": "none"} if lesson.stem is None else None
        ax.text(x + 0.9, y + 0.76, lesson.number, ha="center", va="center", fontsize=12,
                fontweight="bold", bbox=behind)
        ax.text(x + 0.9, y + 0.34, lesson.title, ha="center", va="center", fontsize=8,
                bbox=behind)
        ax.text(x + 0.9, y - 0.16, notebook_exercise(lesson.exercise) if lesson.exercise
                else "no exercise", ha="center", va="center", fontsize=7,
                fontstyle="italic", color="#333333" if lesson.exercise else "#888888")
        last_in_row = col == per_row - 1 or i == len(LESSONS) - 1
        if not last_in_row:
            ax.annotate("", xy=(x + step, y + 0.5), xytext=(x + 1.8, y + 0.5),
                        arrowprops={"arrowstyle": "->"})
    right = (per_row - 1) * step
    ax.annotate("", xy=(0.9, 1.05), xytext=(right + 0.9, 1.6),
                arrowprops={"arrowstyle": "->", "connectionstyle": "arc3,rad=-0.08"})
    handles = [_box(0, 0, c, e) for c, e in zip(_PART_COLORS[:len(PARTS)], _PART_EDGES)]
    ax.legend(handles, PARTS, loc="upper center", bbox_to_anchor=(0.5, 0.0), ncol=len(PARTS),
              fontsize=8, frameon=False)
    ax.set_xlim(-0.2, right + 2.0)
    ax.set_ylim(-0.4, 3.1)
    ax.set_axis_off()
    ax.set_title(f"The course: {len(lessons())} lessons in notebooks/, "
                 f"{len(exercises())} exercises in exercises/ (under each lesson; a hatched "
                 "box is an exercise of its own)")
    return ax


def _box(x: float, y: float, color: str, edge="-", hatch=None):
    """A lesson's box: its part's colour and edge style (colour is never the only cue);
    hatched for an exercise with no lesson of its own."""
    from matplotlib.patches import FancyBboxPatch
    return FancyBboxPatch((x, y), 1.8, 1.0, boxstyle="round,pad=0.05", facecolor=color,
                          edgecolor="black", linewidth=1.1, linestyle=edge, hatch=hatch,
                          hatchcolor="#777777")


def plot_network_diagram(sizes: Sequence[int] = (3, 4, 2), ax=None):
    """A fully connected network drawn as layers of units, with forward and backward arrows.

    Parameters
    ----------
    sizes : sequence of int
        Units per layer, e.g. (D, H, C) for the two-layer network X -> H -> Y.
    ax : matplotlib Axes, optional
    """
    sizes = list(sizes)
    if len(sizes) < 2 or any(int(s) < 1 for s in sizes):
        raise ValueError(f"plot_network_diagram: sizes must have >= 2 entries >= 1, got {sizes}")
    ax = _new_axes(ax, (6, 4.5))
    top = max(sizes)
    coords = [[(2.0 * i, (n - 1) / 2 - j) for j in range(n)] for i, n in enumerate(sizes)]
    for left, right in itertools.pairwise(coords):
        for (x1, y1) in left:
            for (x2, y2) in right:
                ax.plot([x1, x2], [y1, y2], color="gray", lw=0.6, zorder=1)
    names = ["X"] + [f"H{i}" if len(sizes) > 3 else "H" for i in range(1, len(sizes) - 1)] + ["Y"]
    for i, layer in enumerate(coords):
        xs, ys = zip(*layer)
        ax.scatter(xs, ys, s=500, color=_PART_COLORS[1 + (i % 3)], edgecolors="black", zorder=2)
        ax.text(2.0 * i, (top - 1) / 2 + 0.9, names[i], ha="center", fontsize=12)
        if i:
            ax.text(2.0 * i - 1, (top - 1) / 2 + 0.9, f"W{i}, b{i}", ha="center", fontsize=9)
    last = 2.0 * (len(sizes) - 1)
    low = -(top - 1) / 2 - 1.0
    ax.annotate("", xy=(last, low), xytext=(0, low), arrowprops={"arrowstyle": "->",
                "color": "tab:blue"})
    ax.text(last / 2, low + 0.15, "forward: values", color="tab:blue", ha="center")
    ax.annotate("", xy=(0, low - 0.6), xytext=(last, low - 0.6),
                arrowprops={"arrowstyle": "->", "color": "tab:red"})
    ax.text(last / 2, low - 0.45, "backward: gradients", color="tab:red", ha="center")
    ax.set_xlim(-0.8, last + 0.8)
    ax.set_ylim(low - 1.0, (top - 1) / 2 + 1.4)
    ax.set_axis_off()
    return ax
