"""The runner's protocol: one typed message per event, from the sandbox to the grader.

Inside the sandbox the runner writes one line per event, ``encode(message)``; the grader
reads each line back with ``decode`` and gets the same type, or ``None`` for anything the
runner never writes (a forged or garbled line). The events, in the order they come:

- ``CellsRan``: every code cell of the notebook ran; each one's ``CellRun``.
- per part, one of ``PartAnswered`` (the learner's object was called on every case: one
  ``Outcome`` per case), ``PartMissing`` (no object of that name after the run) or
  ``PartFailed`` (the call itself did not complete: a timeout, a dead kernel...).
- ``RunDone``: the runner finished, with its kernel starts and the output it dropped; or
  ``RunnerCrashed``: the runner itself failed (not the learner's code).

How running code in the kernel ended is a ``Run``; the grade a part gets is a
``spec.Status``, and ``Run.grade_status`` is the one place one becomes the other. Decoding is
driven by each message's fields (their types are checked), never by a type name found in
the data, so a learner's object that calls itself "PartAnswered" stays an answer.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, fields
from typing import Any

from .spec import Status
from .wire import Record, WireError, dumps, loads

__all__ = ["CellRun", "CellsRan", "Message", "Outcome", "PartAnswered", "PartFailed",
           "PartMessage", "PartMissing", "Run", "RunDone", "RunnerCrashed", "decode", "encode"]


class Run(str, enum.Enum):
    """How running code in the kernel ended."""

    OK = "ok"
    ERROR = "error"         # it raised (``CellRun.ename`` says what)
    TIMEOUT = "timeout"     # it ran past the per-cell timeout and was interrupted
    DIED = "died"           # the kernel died under it
    SKIPPED = "skipped"     # not run: the kernel died too many times before it

    def __str__(self) -> str:
        return self.value

    @property
    def grade_status(self) -> Status:
        """The grade of a part whose call ended this way (never PASSED: a call that ran
        is judged on its outcomes)."""
        return Status.TIMEOUT if self is Run.TIMEOUT else Status.ERROR


@dataclass(frozen=True)
class CellRun:
    """What running one cell (or one harness call) did."""

    status: Run
    ename: str = ""
    evalue: str = ""


@dataclass(frozen=True)
class Outcome:
    """One case's result: the learner's return ``value`` as plain data, or, when ``error``
    is not "", the exception's type name and ``message``."""

    value: Any = None
    error: str = ""
    message: str = ""

    @property
    def raised(self) -> bool:
        return bool(self.error)


@dataclass(frozen=True)
class CellsRan:
    """Every code cell ran: ``cells[i]`` is the i-th code cell's run."""

    cells: tuple[CellRun, ...]


@dataclass(frozen=True)
class PartAnswered:
    """Part ``part``'s object was called on each case, in order."""

    part: int
    outcomes: tuple[Outcome, ...]


@dataclass(frozen=True)
class PartMissing:
    """No object named ``name`` existed for part ``part`` after the notebook ran."""

    part: int
    name: str


@dataclass(frozen=True)
class PartFailed:
    """The harness call of part ``part`` did not complete."""

    part: int
    run: CellRun


@dataclass(frozen=True)
class RunDone:
    """The runner finished: ``starts`` kernels, ``dropped`` characters of output not kept."""

    starts: int
    dropped: int


@dataclass(frozen=True)
class RunnerCrashed:
    """The runner itself failed (its own error, with where): not the learner's fault."""

    why: str


PartMessage = PartAnswered | PartMissing | PartFailed
Message = CellsRan | PartAnswered | PartMissing | PartFailed | RunDone | RunnerCrashed
_MESSAGES = {cls.__name__: cls for cls in (CellsRan, PartAnswered, PartMissing, PartFailed,
                                           RunDone, RunnerCrashed)}
# how each field's data becomes its typed value (WireError when it cannot)
_FIELDS = {"cells": lambda v: _many(v, CellRun), "outcomes": lambda v: _many(v, Outcome),
           "run": lambda v: _typed(v, CellRun), "status": lambda v: Run(_exact(v, str)),
           "value": lambda v: v}


def encode(message: Message) -> str:
    """One line of the protocol (no newline): ``message`` as wire data."""
    if type(message) not in _MESSAGES.values():
        raise TypeError(f"not a runner message: {type(message).__name__}")
    return dumps(message)


def decode(text: str) -> Message | None:
    """The message ``text`` encodes, or None when it is not one the runner writes."""
    try:
        data = loads(text)
    except (WireError, RecursionError):
        return None
    if not isinstance(data, Record) or data.type not in _MESSAGES:
        return None
    try:
        return _typed(data, _MESSAGES[data.type])
    except (WireError, ValueError, TypeError):
        return None


def _exact(value: Any, kind: type) -> Any:
    """``value`` when it is exactly of ``kind`` (an int is not a bool), else WireError."""
    if type(value) is not kind:
        raise WireError(f"expected {kind.__name__}, got {type(value).__name__}")
    return value


def _typed(data: Any, cls: type) -> Any:
    """An instance of dataclass ``cls`` from a Record of exactly its fields."""
    names = [f.name for f in fields(cls)]
    if not isinstance(data, Record) or data.type != cls.__name__ or set(data.attrs) != set(names):
        raise WireError(f"expected a {cls.__name__} record")
    plain = {f.name: f.type for f in fields(cls)}
    return cls(**{name: (_FIELDS[name](data.attrs[name]) if name in _FIELDS
                         else _exact(data.attrs[name], {"int": int, "str": str}[plain[name]]))
                  for name in names})


def _many(value: Any, cls: type) -> tuple:
    if not isinstance(value, tuple):
        raise WireError(f"expected a tuple of {cls.__name__}")
    return tuple(_typed(v, cls) for v in value)
