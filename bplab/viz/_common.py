"""Helpers every plot module shares: a new Axes when none is given, d2l's vocabulary."""

from __future__ import annotations


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
