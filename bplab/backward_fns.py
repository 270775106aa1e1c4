"""The ``_backward`` functions of ``Value`` nodes, and what a user may pass to ``Value``.

``autograd.py`` keeps the engine; this module keeps the plumbing around it:

- ``shared``: the one function object that all the nodes of a built-in op share;
- ``backward_fn_from``: what ``out._backward = f`` stores, so that micrograd's way of adding
  an operation (a closure that takes no arguments) works on ``bp.Value``;
- ``children_from``: ``Value(data, _children)`` when ``_children`` is not a tuple, with a
  clear error for a label passed where micrograd puts the children.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable

__all__ = ["backward_fn_from", "children_from", "no_backward", "shared"]


def no_backward(out) -> None:
    """Leaves have no inputs to pass a gradient to."""


_SHARED_BACKWARDS: dict = {}  # code object -> the one function object every node shares


def shared(backward):
    """The op's one copy of ``backward``, shared by all the nodes the op makes.

    ``backward`` captures nothing (it reads its inputs from ``out``), so every copy that
    ``def`` makes is the same function. Keeping the first and letting each new copy go at
    once (freed by its reference count; the garbage collector never sees it) leaves one
    tracked object per node, the node itself. A closure that captures would be shared
    wrongly, so it is refused.
    """
    if backward.__closure__ is not None:
        raise TypeError(f"_shared: {backward.__qualname__} captures "
                        f"{backward.__code__.co_freevars}; read the inputs from out instead")
    return _SHARED_BACKWARDS.setdefault(backward.__code__, backward)


def _required_positional(fn: Callable) -> int | None:
    """How many positional arguments ``fn`` needs; None if that cannot be read."""
    try:
        params = inspect.signature(fn).parameters.values()
    except (TypeError, ValueError):
        return None
    kinds = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
    return sum(p.kind in kinds and p.default is p.empty for p in params)


def backward_fn_from(fn: Callable) -> Callable:
    """What ``out._backward = fn`` stores in the node: a function ``backward()`` calls
    as ``f(out)``.

    ``fn`` is micrograd's closure (no arguments: it captured ``self``, ``other`` and
    ``out``), wrapped so that it is called without ``out``; or a function of one argument,
    ``out``, as this engine's own ops write it, stored as it is.
    """
    if not callable(fn):
        raise TypeError(f"Value._backward: expected a function, got {type(fn).__name__}; "
                        "write out._backward = _backward, where def _backward(): ...")
    n = _required_positional(fn)
    if n == 1:
        return fn
    if n not in (0, None):
        raise TypeError(f"Value._backward: {getattr(fn, '__name__', fn)!r} takes {n} "
                        "arguments; write def _backward(): ... (micrograd's closure) or "
                        "def _backward(out): ...")

    def run(out):  # micrograd's closure captured everything it needs
        fn()
    run.micrograd_closure = fn  # what out._backward gives back
    return run


def children_from(children) -> tuple:
    """``Value(data, _children, ...)`` when ``_children`` is not a tuple: any iterable of
    Values (micrograd's own code passes tuples; a set or list works too)."""
    if isinstance(children, str):
        raise TypeError(f"Value(data, _children=(), _op='', label=''): got {children!r} "
                        "where micrograd puts the children; for a name write "
                        f"Value(x, label={children!r})")
    from .autograd import Value

    try:
        kids = tuple(children)
    except TypeError:
        raise TypeError(f"Value(data, _children=(), _op='', label=''): _children must be a "
                        f"tuple of Values, got {type(children).__name__}; write "
                        "Value(x, (a, b), '+') or Value(x, label='a')") from None
    for kid in kids:
        if not isinstance(kid, Value):
            raise TypeError(f"Value(data, _children=(), _op='', label=''): _children must "
                            f"hold Values, got {type(kid).__name__}; write "
                            "Value(x, (a, b), '+')")
    return kids
