"""Answers as plain data: what crosses from the learner's kernel to the grader.

``to_data`` turns whatever a learner's function returns into data: numbers, strings,
None, numeric arrays, and tuples/lists/dicts of those. Other objects (a ``Value``, a
layer) become a ``Record`` of their public data attributes, so a reference answer and a
learner's answer built from different classes still compare field by field.
``dumps``/``loads`` carry that data as JSON (arrays base64-encoded); ``loads`` accepts
only these shapes of data and never unpickles, so a learner's kernel cannot make the
grader run code.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass, field
from typing import Any

import numpy as np

__all__ = ["Record", "WireError", "dumps", "loads", "to_data"]

MAX_DEPTH = 8
MAX_STR = 10_000
MAX_ITEMS = 10_000
MAX_NODES = 200_000   # JSON objects in one answer: a cap on what parsing may allocate
# The public data's own structure (file -> parts -> part -> expects -> expectation -> bugs ->
# bug) around each value: levels that do not count against a value's MAX_DEPTH.
PUBLIC_OUTER = 7


class WireError(ValueError):
    """The data that came back is not the plain data the harness writes."""


@dataclass(frozen=True)
class Record:
    """An object seen as data: its class name and its public data attributes."""

    type: str
    attrs: dict = field(default_factory=dict)

    def __repr__(self) -> str:
        inner = ", ".join(f"{k}={v!r}" for k, v in self.attrs.items())
        return f"{self.type}({inner})"


def _public_attrs(obj: Any) -> dict:
    """Public, non-callable attributes from ``__dict__`` and ``__slots__``."""
    names = list(getattr(obj, "__dict__", {}))
    for klass in type(obj).__mro__:
        slots = klass.__dict__.get("__slots__", ())
        names += [slots] if isinstance(slots, str) else list(slots)
    out = {}
    for name in dict.fromkeys(names):
        if name.startswith("_") or not hasattr(obj, name):
            continue
        value = getattr(obj, name)
        if not callable(value):
            out[name] = value
    return out


def to_data(obj: Any, depth: int = 0) -> Any:
    """``obj`` as plain data (see the module docstring). Never raises on odd objects."""
    if obj is None or isinstance(obj, (bool, int, float, str)):
        return obj[:MAX_STR] if isinstance(obj, str) else obj
    if isinstance(obj, np.generic):
        return obj.item() if obj.dtype.kind in "biuf" else to_data(np.asarray(obj), depth)
    if isinstance(obj, np.ndarray):
        if obj.dtype.kind in "biufc":
            return np.array(obj)  # a plain, contiguous copy (no subclass)
        return to_data(obj.tolist(), depth)
    if depth >= MAX_DEPTH:
        return Record(type(obj).__name__, {})
    if isinstance(obj, (tuple, list)):
        items = [to_data(x, depth + 1) for x in list(obj)[:MAX_ITEMS]]
        return tuple(items) if isinstance(obj, tuple) else items
    if isinstance(obj, dict):
        return {str(k): to_data(v, depth + 1) for k, v in list(obj.items())[:MAX_ITEMS]}
    if isinstance(obj, Record):  # already data: to_data(to_data(x)) == to_data(x)
        return Record(obj.type, to_data(obj.attrs, depth))
    if callable(obj) and _casefn_name(obj):
        return obj
    if hasattr(obj, "__array__") and not hasattr(obj, "__dict__"):
        return to_data(np.asarray(obj), depth)
    attrs = {k: to_data(v, depth + 1) for k, v in _public_attrs(obj).items()}
    return Record(type(obj).__name__, attrs)


def _casefn_name(fn: Any) -> str:
    """The name of a public case function (``casefns``), or "" for anything else."""
    from . import casefns

    name = getattr(fn, "__name__", "")
    return name if name in casefns.__all__ and getattr(casefns, name) is fn else ""


def _enc(x: Any) -> Any:
    """One plain-data value as JSON-able nested dicts."""
    if x is None or isinstance(x, (bool, int, float, str)):
        return {"t": "py", "v": x}
    if isinstance(x, np.ndarray):
        raw = base64.b64encode(np.ascontiguousarray(x).tobytes()).decode("ascii")
        return {"t": "nd", "dtype": x.dtype.str, "shape": list(x.shape), "b64": raw}
    if isinstance(x, (tuple, list)):
        return {"t": type(x).__name__, "v": [_enc(v) for v in x]}
    if isinstance(x, dict):
        return {"t": "dict", "v": [[k, _enc(v)] for k, v in x.items()]}
    if callable(x) and _casefn_name(x):
        return {"t": "fn", "name": _casefn_name(x)}
    if isinstance(x, Record):
        return {"t": "rec", "type": x.type, "v": [[k, _enc(v)] for k, v in x.attrs.items()]}
    return {"t": "py", "v": repr(x)[:MAX_STR]}


def dumps(obj: Any, outer: int = 0) -> str:
    """``to_data(obj)`` as a JSON string; the first ``outer`` levels of nesting are the
    container's own and not counted against MAX_DEPTH (see PUBLIC_OUTER)."""
    return json.dumps(_enc(to_data(obj, depth=-outer)))


def _dec_array(node: dict) -> np.ndarray:
    """A numeric array from its JSON node, checking dtype, shape and byte count."""
    dtype = np.dtype(str(node["dtype"]))
    if dtype.kind not in "biufc":
        raise WireError(f"array dtype must be numeric, got {dtype}")
    shape = tuple(int(s) for s in node["shape"])
    raw = base64.b64decode(node["b64"], validate=True)
    if any(s < 0 for s in shape) or int(np.prod(shape)) * dtype.itemsize != len(raw):
        raise WireError(f"array of shape {shape} and dtype {dtype} does not match its data")
    return np.frombuffer(raw, dtype=dtype).reshape(shape).copy()


def _dec(node: Any, depth: int = 0) -> Any:
    """Inverse of ``_enc``; WireError on anything else."""
    if depth > MAX_DEPTH + 2 or not isinstance(node, dict):
        raise WireError("malformed answer data")
    kind = node.get("t")
    if kind == "py":
        value = node.get("v")
        if value is None or isinstance(value, (bool, int, float, str)):
            return value
    elif kind == "nd":
        return _dec_array(node)
    elif kind in ("tuple", "list"):
        items = [_dec(v, depth + 1) for v in node["v"]]
        return tuple(items) if kind == "tuple" else items
    elif kind == "dict":
        return {str(k): _dec(v, depth + 1) for k, v in node["v"]}
    elif kind == "fn":
        from . import casefns

        name = str(node.get("name"))
        if name in casefns.__all__:
            return getattr(casefns, name)
    elif kind == "rec":
        return Record(str(node["type"]), {str(k): _dec(v, depth + 1) for k, v in node["v"]})
    raise WireError(f"malformed answer data (node type {kind!r})")


def loads(text: str, outer: int = 0) -> Any:
    """Plain data from ``dumps`` output (written with the same ``outer``); WireError when it
    is anything else (including more than MAX_NODES objects, or nesting deeper than the
    parser allows)."""
    if text.count("{") + text.count("[") > 2 * MAX_NODES:
        raise WireError(f"too many values in the answer data (more than {MAX_NODES})")
    try:
        return _dec(json.loads(text), depth=-outer)
    except WireError:
        raise
    except RecursionError:
        raise WireError("malformed answer data: nested too deeply") from None
    except (ValueError, KeyError, TypeError) as err:
        raise WireError(f"malformed answer data: {err}") from None
