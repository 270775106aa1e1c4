"""Compare a learner's answer with the reference, and say what went wrong in their terms.

``compare(student, reference, case)`` walks tuples, lists, dicts and records, and for each
array tries the common backprop bugs, in order: wrong shape (transposed, an extra axis, a
sum over the wrong axis), nan/inf, all zeros, wrong sign, transposed, twice the value
(gradients accumulated instead of reset), off by the batch size N (a missing or extra 1/N),
another constant factor. Exercise authors opt in to more:

    compare=make_compare(names=("dX", "dW", "db"), hints={"dW": "dW = X.T @ dout"},
                         bugs=[Bug("the ReLU mask is missing: multiply dout by (x > 0)",
                                   relu_backward_without_mask)])

A ``Bug`` is a function with the reference's signature that computes a known wrong answer;
when the learner's answer equals it, the learner sees the bug's message.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from .spec import Case
from .wire import Record, to_data

__all__ = ["Bug", "close", "compare", "describe", "make_compare"]

RTOL, ATOL = 1e-6, 1e-8


@dataclass(frozen=True)
class Bug:
    """A known mistake: ``fn(*case.args, **case.kwargs)`` computes the wrong answer it gives."""

    message: str
    fn: Callable
    key: str = ""   # names the bug for class reports: "transposed", "missing 1/N", ...


def close(a: np.ndarray, b: np.ndarray, rtol: float = RTOL, atol: float = ATOL) -> bool:
    """Elementwise |a - b| <= atol + rtol |b|, for same-shape arrays; nan equals nan and
    inf equals an inf of the same sign."""
    return bool(np.allclose(a, b, rtol=rtol, atol=atol, equal_nan=True))


def describe(x: Any) -> str:
    """A short, learner-facing description of a value: 'an array of shape (3, 4)'."""
    if x is None:
        return "None"
    if isinstance(x, np.ndarray):
        return f"an array of shape {x.shape}" if x.ndim else f"the number {x.item()!r}"
    if isinstance(x, (bool, int, float, complex)):
        return f"the number {x!r}" if not isinstance(x, bool) else repr(x)
    if isinstance(x, str):
        return f"the text {x[:60]!r}"
    if isinstance(x, (tuple, list)):
        return f"a {type(x).__name__} of {len(x)} values"
    if isinstance(x, dict):
        return f"a dict with keys {sorted(x)}"
    if isinstance(x, Record):
        return f"a {x.type} object"
    return f"a {type(x).__name__}"


def _batch_size(case: Case | None) -> int | None:
    """N: the first axis of the first array argument of the case, when there is one."""
    for arg in (case.args if case is not None else ()):
        if isinstance(arg, np.ndarray) and arg.ndim >= 1:
            return int(arg.shape[0])
    return None


def _shape_message(s: np.ndarray, r: np.ndarray, label: str) -> str:
    """Why ``s`` has the wrong shape, assuming ``r`` has the right one."""
    exp, got = r.shape, s.shape
    head = f"{label} has the wrong shape: expected {exp}, got {got}"
    if s.ndim == 2 and got == exp[::-1]:
        return f"{label} looks transposed: expected shape {exp}, got {got}"
    if r.ndim == 1 and s.ndim == 2 and 1 in got and s.size == r.size:
        return f"{head}: an extra axis (sum without keepdims, or reshape to {exp})"
    if r.ndim == 1 and s.ndim == 1:
        return f"{head}: summed over the wrong axis? Sum over the batch axis (axis=0)"
    if r.ndim == 1 and s.ndim == 0:
        return (f"{label} should be an array of shape {exp}, got a single number: "
                "sum over the batch axis only (axis=0), not over everything")
    if r.ndim == 0 and s.ndim > 0:
        return (f"{label} should be a single number, got an array of shape {got}: "
                "did you forget to average (or sum) over the batch?")
    if s.size == r.size:
        return f"{head}: the right number of entries, arranged wrongly"
    return head


def _factor_message(s: np.ndarray, r: np.ndarray, label: str, case: Case | None) -> str | None:
    """A message when ``s`` is a constant multiple of ``r`` (x2, xN, 1/N, ...)."""
    mask = np.abs(r) > 1e-12
    if not mask.any() or not np.all(np.isfinite(s)):
        return None
    ratios = np.real(s[mask] / r[mask])
    k = float(np.median(ratios))
    if not close(s, k * r, rtol=1e-5, atol=1e-10) or abs(k) < 1e-12:
        return None
    n = _batch_size(case)
    if np.isclose(k, 2.0):
        return (f"{label} is twice the expected value: gradients accumulated (+=) "
                "instead of reset to zero, or a term counted twice?")
    for factor, what in ((k, "too large: a missing 1/N"), (1 / k, "too small: an extra 1/N")):
        if n and n > 1 and np.isclose(factor, n):
            return f"{label} is {n}x {what} (the batch has N = {n} examples)?"
    if np.isclose(k, round(k)) and abs(k) > 1 or np.isclose(1 / k, round(1 / k)):
        return f"{label} is off by a constant factor of {k:.4g}"
    return None


def _value_message(s: np.ndarray, r: np.ndarray, label: str, case: Case | None) -> str:
    """Why same-shape ``s`` differs from ``r``."""
    if not np.all(np.isfinite(s)) and np.all(np.isfinite(r)):
        return f"{label} contains nan or inf: an overflow, a division by zero or log(0)?"
    if np.all(s == 0) and np.any(r != 0):
        return f"{label} is all zeros: was it computed (or returned) at all?"
    if close(s, -r):
        return f"{label} has the wrong sign: check the direction of each minus sign"
    if s.ndim == 2 and s.shape[0] == s.shape[1] and close(s, r.T):
        return f"{label} looks transposed (its rows and columns are swapped)"
    factor = _factor_message(s, r, label, case)
    if factor:
        return factor
    err = np.abs(s - r)
    idx = np.unravel_index(int(np.nanargmax(np.where(np.isnan(err), np.inf, err))), err.shape)
    where = f" at index {tuple(int(i) for i in idx)}" if s.ndim else ""
    return (f"{label} is wrong{where}: expected {r[idx].item():.6g}, "
            f"got {s[idx].item():.6g}")


def _as_numeric(x: Any) -> np.ndarray | None:
    """``x`` as a numeric array, or None when it is not numbers."""
    if isinstance(x, (str, dict, Record)) or x is None:
        return None
    try:
        arr = np.asarray(x)
    except (ValueError, TypeError):
        return None
    return arr if arr.dtype.kind in "biufc" else None


def _numbers(s: Any, r: Any, label: str, tol: tuple, case: Case | None) -> str | None:
    """Compare numbers or arrays; None when they match."""
    rr, ss = np.asarray(r), _as_numeric(s)
    if ss is None:
        if s is None:
            return f"{label} is None: did you forget to return it?"
        return f"{label} should be {describe(rr)}, got {describe(s)}"
    if ss.shape != rr.shape:
        return _shape_message(ss, rr, label)
    if close(ss, rr, *tol):
        return None
    return _value_message(ss.astype(complex if ss.dtype.kind == "c" else float),
                          rr.astype(complex if rr.dtype.kind == "c" else float), label, case)


def _walk(s: Any, r: Any, label: str, ctx: dict) -> str | None:
    """The first difference between ``s`` and reference ``r`` as a message, or None."""
    names = ctx["names"] if label == ctx["root"] else None
    if isinstance(r, (tuple, list)):
        if not isinstance(s, (tuple, list)) or len(s) != len(r):
            what = f" ({', '.join(names)})" if names else ""
            return f"{label} should be a tuple of {len(r)} values{what}, got {describe(s)}"
        for i, (si, ri) in enumerate(zip(s, r)):
            sub = names[i] if names and i < len(names) else f"{label}[{i}]"
            msg = _walk(si, ri, sub, ctx)
            if msg:
                return msg
        return None
    if isinstance(r, (dict, Record)):
        ref = r if isinstance(r, dict) else r.attrs
        got = s if isinstance(s, dict) else getattr(s, "attrs", None)
        if got is None:
            return f"{label} should be {describe(r)}, got {describe(s)}"
        missing = [k for k in ref if k not in got]
        if missing:
            return f"{label} is missing {', '.join(map(repr, missing))}"
        for key in ref:
            sub = key if label == ctx["root"] else f"{label}[{key!r}]"
            msg = _walk(got[key], ref[key], sub, ctx)
            if msg:
                return msg
        return None
    if r is None or isinstance(r, (str, bool)):
        return None if (type(s) is type(r) and s == r) else (
            f"{label} should be {describe(r)}, got {describe(s)}")
    return _numbers(s, r, label, ctx["tol"], ctx["case"])


def _with_hint(message: str, hints: dict | None) -> str:
    """Append the author's hint for the quantity the message is about."""
    for name, hint in (hints or {}).items():
        if message.startswith(f"{name} "):
            return f"{message} — {hint}"
    return message


def compare(student: Any, reference: Any, case: Case | None = None, *,
            names: Sequence[str] | None = None, rtol: float = RTOL, atol: float = ATOL,
            bugs: Sequence[Bug] = (), hints: dict | None = None,
            label: str = "your answer") -> tuple[bool, str]:
    """Compare ``student`` with ``reference`` (both plain data, see ``wire.to_data``).

    Returns (ok, message): message is "" when ok, else one sentence naming the quantity
    and the likely bug, e.g. "dW looks transposed: expected shape (4, 3), got (3, 4)".
    """
    student, reference = to_data(student), to_data(reference)
    if names and len(names) == 1 and not isinstance(reference, (tuple, list)):
        label, names = names[0], None
    ctx = {"names": list(names) if names else None, "root": label,
           "tol": (rtol, atol), "case": case}
    message = _walk(student, reference, label, ctx)
    if message is None:
        return True, ""
    for bug in bugs if case is not None else ():
        try:
            wrong = to_data(bug.fn(*copy.deepcopy(case.args), **copy.deepcopy(case.kwargs)))
        except Exception:  # noqa: BLE001, S112 - a broken bug model must not break grading
            continue
        if _walk(student, wrong, label, ctx) is None:
            return False, bug.message
    return False, _with_hint(message, hints)


def make_compare(names: Sequence[str] | None = None, rtol: float = RTOL, atol: float = ATOL,
                 bugs: Sequence[Bug] = (), hints: dict | None = None) -> Callable:
    """A ``Part.compare`` with names for the outputs, tolerances, known bugs and hints."""
    def part_compare(student: Any, reference: Any, case: Case) -> tuple[bool, str]:
        return compare(student, reference, case, names=names, rtol=rtol, atol=atol,
                       bugs=bugs, hints=hints)
    return part_compare
