"""Helpers every plot module shares: a new Axes when none is given, d2l's vocabulary."""

from __future__ import annotations

# Okabe & Ito's palette (2008), built to stay apart for colour-blind readers: every pair
# keeps a CAM02-UCS distance above 10 under simulated deuteranopia, protanopia and
# tritanopia (tests/labs/test_colour_blind.py). Yellow is left out: too pale on white.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#000000")
LINESTYLES = ("-", "--", "-.", ":")
MARKERS = ("o", "s", "^", "D", "v", "P", "X")
PASS_COLOR, FAIL_COLOR = "#0072B2", "#D55E00"  # blue and vermilion, not green and red


def series_style(k: int, marker: bool = False) -> dict:
    """Colour plus line style (or marker, with ``marker=True``) of the k-th series, so no
    two series of a plot differ by colour alone: keyword arguments for ``ax.plot``."""
    style = {"color": PALETTE[k % len(PALETTE)]}
    if marker:
        style["marker"] = MARKERS[k % len(MARKERS)]
    else:
        style["linestyle"] = LINESTYLES[k % len(LINESTYLES)]
    return style


def _new_axes(ax, figsize=(5.0, 3.5)):
    """The given Axes, or one on a new figure of ``figsize`` inches (pyplot loaded lazily)."""
    if ax is not None:
        return ax
    import matplotlib.pyplot as plt

    _, ax = plt.subplots(figsize=figsize)
    return ax


def _style(ax, xlabel=None, ylabel=None, title=None, xscale=None, yscale=None,
           xlim=None, ylim=None, legend=False):
    """Apply d2l's plotting vocabulary to ``ax``."""
    if xlabel is not None:
        ax.set_xlabel(xlabel)
    if ylabel is not None:
        ax.set_ylabel(ylabel)
    if title is not None:
        ax.set_title(title)
    if xscale is not None:
        ax.set_xscale(xscale)
    if yscale is not None:
        ax.set_yscale(yscale)
    if xlim is not None:
        ax.set_xlim(*xlim)
    if ylim is not None:
        ax.set_ylim(*ylim)
    if legend:
        ax.legend(loc="best", fontsize="small")
    return ax


def _check_callable(name: str, f) -> None:
    if not callable(f):
        raise TypeError(f"{name} must be callable, got {type(f).__name__}")
