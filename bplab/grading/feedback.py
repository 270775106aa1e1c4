"""Say what went wrong in the learner's terms, and keep every message safe to print.

``diagnose(student, expected, args, ...)`` walks tuples, lists, dicts and records, and for
each array tries the common backprop bugs, in order: wrong shape (transposed, an extra
axis, a sum over the wrong axis), nan/inf, all zeros, wrong sign, transposed, twice the
value (gradients accumulated instead of reset), off by the batch size N (a missing or
extra 1/N), another constant factor. Known bugs of a part arrive as data (their outputs on
the same case), so the learner's side needs no answer key to name them.

Messages name the bug, never the formula: formulas live in the notebook's staged hints.
``clean`` strips control characters (terminal escapes) from any text a learner's code
produced; ``csv_safe`` keeps a spreadsheet from reading a cell as a formula.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from .wire import Record, to_data

__all__ = ["ATOL", "RTOL", "Diagnosis", "clean", "close", "csv_safe", "describe", "diagnose"]

RTOL, ATOL = 1e-6, 1e-8
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")


def clean(text: Any, limit: int = 2000) -> str:
    """``text`` as one printable line: control, escape and bidi characters removed,
    newlines turned into spaces, at most ``limit`` characters."""
    text = _CONTROL.sub("", str(text).replace("\r", " ").replace("\n", " ").replace("\t", " "))
    return text if len(text) <= limit else text[: limit - 3] + "..."


def csv_safe(value: Any) -> Any:
    """A CSV cell no spreadsheet runs as a formula: text starting with = + - @ (or a tab or
    carriage return) gets a leading apostrophe; numbers pass unchanged."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


@dataclass(frozen=True)
class Diagnosis:
    """The first difference found: ``key`` names the bug for class reports ("" when ok)."""

    ok: bool
    message: str = ""
    key: str = ""


def close(a: np.ndarray, b: np.ndarray, rtol: float = RTOL, atol: float = ATOL) -> bool:
    """Elementwise |a - b| <= atol + rtol |b|; nan equals nan, inf an inf of the same sign."""
    return bool(np.allclose(a, b, rtol=rtol, atol=atol, equal_nan=True))


def describe(x: Any) -> str:
    """A short, learner-facing description of a value: 'an array of shape (3, 4)'."""
    if x is None:
        return "None"
    if isinstance(x, np.ndarray):
        return f"an array of shape {x.shape}" if x.ndim else f"the number {x.item()!r}"
    if isinstance(x, bool):
        return repr(x)
    if isinstance(x, (int, float, complex)):
        return f"the number {x!r}"
    if isinstance(x, str):
        return f"the text {x[:60]!r}"
    if isinstance(x, (tuple, list)):
        return f"a {type(x).__name__} of {len(x)} values"
    if isinstance(x, dict):
        return f"a dict with keys {sorted(x)}"
    if isinstance(x, Record):
        return f"a {x.type} object"
    return f"a {type(x).__name__}"


def _batch_size(args: Sequence) -> int | None:
    """N: the first axis of the first array argument, when there is one."""
    for arg in args:
        if isinstance(arg, np.ndarray) and arg.ndim >= 1:
            return int(arg.shape[0])
    return None


def _length_one_axis(got: tuple, exp: tuple) -> str:
    """How ``got`` differs from ``exp`` by one axis of length 1, in words that match the
    shapes ("" when it does not): (1, 3) for (3,) has an extra axis in front."""
    if got == (1, *exp):
        return (f"{got} has an extra axis of length 1 in front: drop keepdims=True, or "
                "index [0]")
    if got == (*exp, 1):
        return (f"{got} has an extra axis of length 1 at the end: drop keepdims=True (or the "
                "reshape), or index [..., 0]")
    if exp == (1, *got):
        return (f"{got} is missing the axis of length 1 in front of {exp}: keep it with "
                "keepdims=True, or add it with [None]")
    if exp == (*got, 1):
        return (f"{got} is missing the axis of length 1 at the end of {exp}: keep it with "
                "keepdims=True, or add it with [..., None]")
    return ""


def _shape(s: np.ndarray, r: np.ndarray, label: str) -> Diagnosis:
    """Why ``s`` has the wrong shape, assuming ``r`` has the right one."""
    exp, got = r.shape, s.shape
    head = f"{label} has the wrong shape: expected {exp}, got {got}"
    if s.ndim == 2 and got == exp[::-1]:
        return Diagnosis(False, f"{label} looks transposed: expected shape {exp}, got {got}",
                         "transposed")
    axis = _length_one_axis(got, exp)
    if axis:
        return Diagnosis(False, f"{head}: {axis}", "broadcast")
    if r.ndim == 2 and s.ndim == 2 and exp[1] == 1 and got[0] == got[1] == exp[0]:
        return Diagnosis(False, f"{head}: an (N,) array met an (N, 1) array and broadcast "
                         "to (N, N)", "broadcast")
    if r.ndim == 1 and s.ndim == 1:
        return Diagnosis(False, f"{head}: summed over the wrong axis?", "bias axis")
    if r.ndim == 1 and s.ndim == 0:
        return Diagnosis(False, f"{label} should be an array of shape {exp}, got a single "
                         "number: sum over the batch axis only, not over everything",
                         "bias axis")
    if r.ndim == 0 and s.ndim > 0:
        return Diagnosis(False, f"{label} should be a single number, got an array of shape "
                         f"{got}: did you forget to average (or sum) over the batch?", "shape")
    return Diagnosis(False, head + (": the right number of entries, arranged wrongly"
                                    if s.size == r.size else ""), "shape")


def _factor(s: np.ndarray, r: np.ndarray, label: str, args: Sequence) -> Diagnosis | None:
    """A diagnosis when ``s`` is a constant multiple of ``r`` (x2, xN, 1/N, ...)."""
    mask = np.abs(r) > 1e-12
    if not mask.any() or not np.all(np.isfinite(s)):
        return None
    k = float(np.median(np.real(s[mask] / r[mask])))
    if abs(k) < 1e-12 or not close(s, k * r, rtol=1e-5, atol=1e-10):
        return None
    n = _batch_size(args)
    if np.isclose(k, 2.0):
        return Diagnosis(False, f"{label} is twice the expected value: gradients accumulated "
                         "(+=) instead of reset to zero, or a term counted twice?", "accumulated")
    if n and n > 1 and np.isclose(k, n):
        return Diagnosis(False, f"{label} is {n}x too large: a missing 1/N (the batch has "
                         f"N = {n} examples)?", "missing 1/N")
    if n and n > 1 and np.isclose(1 / k, n):
        return Diagnosis(False, f"{label} is {n}x too small: an extra 1/N (the batch has "
                         f"N = {n} examples)?", "extra 1/N")
    if np.isclose(k, round(k)) and abs(k) > 1 or np.isclose(1 / k, round(1 / k)):
        return Diagnosis(False, f"{label} is off by a constant factor of {k:.4g}", "factor")
    return None


def _values(s: np.ndarray, r: np.ndarray, label: str, args: Sequence) -> Diagnosis:
    """Why same-shape ``s`` differs from ``r``."""
    if not np.all(np.isfinite(s)) and np.all(np.isfinite(r)):
        return Diagnosis(False, f"{label} contains nan or inf: an overflow, a division by "
                         "zero or log(0)?", "nan/inf")
    if np.all(s == 0) and np.any(r != 0):
        return Diagnosis(False, f"{label} is all zeros: was it computed (or returned) at all?",
                         "zeros")
    if close(s, -r):
        return Diagnosis(False, f"{label} has the wrong sign: check the direction of each "
                         "minus sign", "sign")
    if s.ndim == 2 and s.shape[0] == s.shape[1] and close(s, r.T):
        return Diagnosis(False, f"{label} looks transposed (its rows and columns are swapped)",
                         "transposed")
    factor = _factor(s, r, label, args)
    if factor:
        return factor
    err = np.abs(s - r)
    idx = np.unravel_index(int(np.nanargmax(np.where(np.isnan(err), np.inf, err))), err.shape)
    where = f" at index {tuple(int(i) for i in idx)}" if s.ndim else ""
    return Diagnosis(False, f"{label} is wrong{where}: expected {r[idx].item():.6g}, "
                     f"got {s[idx].item():.6g}", "wrong value")


def _as_numeric(x: Any) -> np.ndarray | None:
    """``x`` as a numeric array, or None when it is not numbers."""
    if isinstance(x, (str, dict, Record)) or x is None:
        return None
    try:
        arr = np.asarray(x)
    except (ValueError, TypeError):
        return None
    return arr if arr.dtype.kind in "biufc" else None


def _numbers(s: Any, r: Any, label: str, ctx: dict) -> Diagnosis | None:
    """Compare numbers or arrays; None when they match."""
    rr, ss = np.asarray(r), _as_numeric(s)
    if ss is None:
        if s is None:
            return Diagnosis(False, f"{label} is None: did you forget to return it?", "none")
        return Diagnosis(False, f"{label} should be {describe(rr)}, got {describe(s)}", "type")
    if ss.shape != rr.shape:
        return _shape(ss, rr, label)
    if close(ss, rr, *ctx["tol"]):
        return None
    as_float = (lambda a: a.astype(complex if a.dtype.kind == "c" else float))
    return _values(as_float(ss), as_float(rr), label, ctx["args"])


def _sequence(s: Any, r: Sequence, label: str, ctx: dict) -> Diagnosis | None:
    names = ctx["names"] if label == ctx["root"] else None
    if not isinstance(s, (tuple, list)) or len(s) != len(r):
        what = f" ({', '.join(names)})" if names else ""
        return Diagnosis(False, f"{label} should be a tuple of {len(r)} values{what}, "
                         f"got {describe(s)}", "type")
    for i, (si, ri) in enumerate(zip(s, r)):
        found = _walk(si, ri, names[i] if names and i < len(names) else f"{label}[{i}]", ctx)
        if found:
            return found
    return None


def _mapping(s: Any, r: Any, label: str, ctx: dict) -> Diagnosis | None:
    ref = r if isinstance(r, dict) else r.attrs
    got = s if isinstance(s, dict) else getattr(s, "attrs", None)
    if got is None:
        return Diagnosis(False, f"{label} should be {describe(r)}, got {describe(s)}", "type")
    missing = [k for k in ref if k not in got]
    if missing:
        return Diagnosis(False, f"{label} is missing {', '.join(map(repr, missing))}", "type")
    for key in ref:
        found = _walk(got[key], ref[key], key if label == ctx["root"] else f"{label}[{key!r}]",
                      ctx)
        if found:
            return found
    return None


def _walk(s: Any, r: Any, label: str, ctx: dict) -> Diagnosis | None:
    """The first difference between ``s`` and the expected ``r``, or None."""
    if isinstance(r, (tuple, list)):
        return _sequence(s, r, label, ctx)
    if isinstance(r, (dict, Record)):
        return _mapping(s, r, label, ctx)
    if r is None or isinstance(r, (str, bool)):
        same = type(s) is type(r) and s == r
        return None if same else Diagnosis(
            False, f"{label} should be {describe(r)}, got {describe(s)}", "wrong value")
    return _numbers(s, r, label, ctx)


def diagnose(student: Any, expected: Any, args: Sequence = (), *,
             names: Sequence[str] | None = None, rtol: float = RTOL, atol: float = ATOL,
             bugs: Sequence[dict] = (), label: str = "your answer") -> Diagnosis:
    """Compare ``student`` with ``expected`` (plain data, see ``wire.to_data``).

    bugs : [{"message", "key", "output"}]: a known bug's output on the same case; when the
        learner's answer equals one, its message is the diagnosis.
    Returns a Diagnosis: ok, and otherwise one sentence naming the quantity and the likely
    bug, e.g. "dW looks transposed: expected shape (4, 3), got (3, 4)".
    """
    student, expected = to_data(student), to_data(expected)
    if names and len(names) == 1 and not isinstance(expected, (tuple, list)):
        label, names = names[0], None
    ctx = {"names": list(names) if names else None, "root": label, "tol": (rtol, atol),
           "args": tuple(args)}
    found = _walk(student, expected, label, ctx)
    if found is None:
        return Diagnosis(True)
    for bug in bugs:
        if _walk(student, bug["output"], label, ctx) is None:
            return Diagnosis(False, bug["message"], bug.get("key") or "known bug")
    return found
