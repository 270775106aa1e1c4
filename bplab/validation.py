"""Argument checks with one message style, as scikit-learn's ``check_...(value, name=...)``.

Every message names the argument, what was expected and what came, prefixed by the
function the learner called: ``fit: epochs must be an int >= 1, got 0``. Errors are
``ValueError`` for a wrong value and ``TypeError`` for a wrong kind of thing.

Letters: N rows (examples), D inputs (features, the columns).
"""

from __future__ import annotations

import math
from numbers import Integral, Real

import numpy as np

__all__ = ["WrongTypeError", "check_array", "check_choice", "check_int", "check_real"]


class WrongTypeError(TypeError, ValueError):
    """A wrong kind of thing (a str where a number belongs): a TypeError that is also a
    ValueError, so code that caught the ValueError these checks raised before still does."""


def _prefix(where: str) -> str:
    return f"{where}: " if where else ""


def check_int(value, name: str, *, min_value: int = 1, where: str = "") -> int:
    """``value`` as an int >= ``min_value``; bools and floats (even 3.0) are refused.

    Examples
    --------
    >>> check_int(np.int64(3), "batch_size")
    3
    >>> check_int(True, "batch_size", where="batches")
    Traceback (most recent call last):
    ...
    ValueError: batches: batch_size must be an int >= 1, got True
    """
    if isinstance(value, bool) or not isinstance(value, Integral) or value < min_value:
        raise ValueError(f"{_prefix(where)}{name} must be an int >= {min_value}, got {value!r}")
    return int(value)


def check_real(value, name: str, *, low: float = -math.inf, high: float = math.inf,
               low_open: bool = False, high_open: bool = False, where: str = "") -> float:
    """``value`` as a finite float in the interval from ``low`` to ``high``.

    ``low_open``/``high_open`` exclude the end points; the message writes the interval
    as ``(0, 1]``-style brackets, or ``> 0`` when there is no upper end.

    Examples
    --------
    >>> check_real(-0.1, "lr", low=0, low_open=True)
    Traceback (most recent call last):
    ...
    ValueError: lr must be > 0, got -0.1
    >>> check_real("1e-3", "lr", low=0, low_open=True, where="Adam")
    Traceback (most recent call last):
    ...
    bplab.validation.WrongTypeError: Adam: lr must be > 0, got '1e-3', which is a str, not a number
    """
    if isinstance(value, bool) or not isinstance(value, Real):
        raise WrongTypeError(f"{_prefix(where)}{name} must be "
                             f"{_interval(low, high, low_open, high_open)}, got {value!r}, "
                             f"which is a {type(value).__name__}, not a number")
    ok = math.isfinite(value)
    ok = ok and (value > low if low_open else value >= low)
    ok = ok and (value < high if high_open else value <= high)
    if not ok:
        raise ValueError(f"{_prefix(where)}{name} must be "
                         f"{_interval(low, high, low_open, high_open)}, got {value!r}")
    return float(value)


def _interval(low: float, high: float, low_open: bool, high_open: bool) -> str:
    if high == math.inf:
        return f"{'>' if low_open else '>='} {low:g}" if low > -math.inf else "a finite number"
    if low == -math.inf:
        return f"{'<' if high_open else '<='} {high:g}"
    return f"in {'(' if low_open else '['}{low:g}, {high:g}{')' if high_open else ']'}"


def check_choice(value, name: str, choices, *, where: str = ""):
    """``value`` if it is one of ``choices``; else a ValueError listing them."""
    if isinstance(value, str) and value in choices:
        return value
    raise ValueError(f"{_prefix(where)}{name} must be one of {sorted(choices)}, got {value!r}")


def check_array(X, name: str, *, ndim: int | None = None, finite: bool = False,
                where: str = "") -> np.ndarray:
    """``X`` as an ndarray, checked for its number of dimensions and non-finite values.

    Examples
    --------
    >>> check_array(np.zeros(4), "X", ndim=2, where="fit")
    Traceback (most recent call last):
    ...
    ValueError: fit: X has shape (4,), expected 2 dimensions
    """
    X = np.asarray(X)
    if ndim is not None and X.ndim != ndim:
        raise ValueError(f"{_prefix(where)}{name} has shape {X.shape}, expected {ndim} "
                         f"dimension{'s' if ndim != 1 else ''}")
    if finite and X.dtype.kind in "fc" and not np.all(np.isfinite(X)):
        raise ValueError(f"{_prefix(where)}{name} holds {int(np.sum(~np.isfinite(X)))} "
                         "non-finite values (nan or inf); clean or drop them first")
    return X
