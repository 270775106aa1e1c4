"""What a user may pass to ``Value``, checked off the engine's hot path.

- ``children_from``: ``Value(data, _children)`` when ``_children`` is not a tuple, with a
  clear error for a label passed where micrograd puts the children.
"""

from __future__ import annotations

__all__ = ["children_from"]


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
