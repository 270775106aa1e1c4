"""What an exercise part is: the contract between exercise authors and the grader.

Each ``bplab/grading/exercises/exNN.py`` (the instructors' key: never shipped to learners)
defines ``PARTS: list[Part]``. A solution notebook ``solutions/exNN_*.ipynb`` defines, for
each part, the object named ``Part.name`` in a cell tagged with the part's id; the check
cell after it calls ``bp.check(part.id, name)``.

Cases come from ``cases(rng)``: with ``PUBLIC_SEED`` they are the public cases (their
inputs, expected outputs and known-bug outputs ship to learners as data, see ``check``);
with a secret seed they are the hidden cases, drawn in the grader's process only.
"""

from __future__ import annotations

import enum
import importlib
import importlib.util
import os
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np

# The one parser of exercise names lives below every layer (course.py reads them too);
# its names are re-exported here, where grading has always found them.
from .._exercise_names import (
    EXERCISE,
    EXERCISE_GLOB,
    exercise_in,
    exercise_notebooks,
    exercise_number,
    is_exercise,
    notebook_exercise,
)

__all__ = ["EXERCISE", "EXERCISE_GLOB", "PART_ID", "PUBLIC_SEED", "Bug", "Case", "LabeledCase",
           "Part", "Status", "exercise_in", "exercise_notebooks", "exercise_number",
           "exercise_of", "get_part", "hidden_seed", "is_exercise", "load_parts", "make_cases",
           "notebook_exercise"]

PUBLIC_SEED = 20240601
# What a part asks of the learner (see Part.skill); the course counts derive + diagnose.
SKILLS = ("derive", "diagnose", "measure", "transcribe", "recall")
PART_ID = re.compile(rf"^({EXERCISE.pattern})\.([a-z_][a-z0-9_]*)$")


class Status(str, enum.Enum):
    """What happened to one part: the only statuses a grade or a check can have."""

    PASSED = "passed"
    FAILED = "failed"
    NOT_IMPLEMENTED = "not implemented"
    MISSING = "missing"
    RECORDED = "recorded"      # a public check of a value part: format ok, the grader marks it
    NOT_RUN = "not run"        # a public check that met a NameError: cells above not run yet
    ERROR = "error"
    TIMEOUT = "timeout"

    def __str__(self) -> str:
        return self.value

    @property
    def done(self) -> bool:
        """The part counts as done: passed, or (a value part's public check) recorded."""
        return self in (Status.PASSED, Status.RECORDED)

    @property
    def look(self) -> tuple[str, str, str]:
        """(mark, colour, background): how every view shows this status (bp.check,
        bp.progress(), the class report). Text colours reach WCAG AA on white and on their
        background, and the mark says it without colour."""
        return _LOOKS[self]


_LOOKS = {
    Status.PASSED: ("✓", "#116329", "#e6f4ea"),
    Status.RECORDED: ("✓", "#0969da", "#ddf4ff"),
    Status.NOT_IMPLEMENTED: ("…", "#9a6700", "#fff8c5"),
    Status.NOT_RUN: ("↑", "#9a6700", "#fff8c5"),
    Status.FAILED: ("✗", "#cf222e", "#ffebe9"),
    Status.MISSING: ("?", "#57606a", "#f6f8fa"),
    Status.ERROR: ("✗", "#82071e", "#ffebe9"),
    Status.TIMEOUT: ("⏱", "#953800", "#fff1e5"),
}


@dataclass(frozen=True)
class Case:
    """One call of the learner's object: ``obj(*args, **kwargs)``.

    For a part of kind "value", args and kwargs are empty and the value itself is compared.
    """

    args: tuple = ()
    kwargs: dict = field(default_factory=dict)
    note: str = ""  # shown in feedback, e.g. "batch of 5, 4 inputs, 3 outputs"


@dataclass(frozen=True)
class LabeledCase(Case):
    """A case whose inputs X come with true labels y, never sent to the learner's code."""

    y: np.ndarray | None = None
    target: float = 0.0


@dataclass(frozen=True)
class Bug:
    """A known mistake: ``fn(*case.args, **case.kwargs)`` computes the wrong answer it gives.

    key : a short name for class reports ("transposed", "missing 1/N", "missing mask", ...)
    """

    message: str
    fn: Callable
    key: str = ""


@dataclass(frozen=True)
class Part:
    """One graded part of an exercise.

    id : "ex05.linear_backward" (exercise number, then a snake_case part name)
    name : the name the learner defines in the notebook ("linear_backward")
    points : int > 0
    reference : the correct function (same signature as the learner's), or the correct value
    cases : rng -> list[Case]; public with PUBLIC_SEED, hidden with a secret seed
    kind : "function" (call it on every case) or "value" (compare the object itself)
    compare : (student, expected, case) -> (ok, message); ``judge.make_compare(...)`` for
        numbers with bug diagnosis (the default), or a function of ``judge``'s public
        compares. A value part's compare runs only in the grader.
    description : one line shown to the learner ("Linear layer backward: dX, dW, db")
    public_cases : optional rng -> list[Case] for the public checks when they must differ
        from the hidden ones (e.g. labelled validation data instead of held-out data)
    skill : what the part asks of the learner, judged against the task text and the lessons
        before it: "derive" (the method was taught, the answer's formula or code is printed
        nowhere before the hints), "diagnose" (find and name or fix a bug), "measure" (count
        or time something and read the number), "transcribe" (the formula or code is printed
        in the task or an earlier lesson) or "recall" (a fact the lessons state); "" until
        someone judges it (the course's own parts all state one: tests/test_exercise_design.py)
    """

    id: str
    name: str
    points: int
    reference: Any
    cases: Callable[[np.random.Generator], list[Case]] | None = None
    kind: str = "function"
    compare: Callable[[Any, Any, Case], tuple[bool, str]] | None = None
    description: str = ""
    public_cases: Callable[[np.random.Generator], list[Case]] | None = None
    skill: str = ""

    def __post_init__(self):
        if self.skill not in (*SKILLS, ""):
            raise ValueError(f"Part {self.id}: skill must be one of {SKILLS}, got {self.skill!r}")
        if self.kind not in ("function", "value"):
            raise ValueError(f"Part {self.id}: kind must be 'function' or 'value', "
                             f"got {self.kind!r}")
        if self.points <= 0:
            raise ValueError(f"Part {self.id}: points must be > 0, got {self.points}")
        if self.kind == "function" and self.cases is None:
            raise ValueError(f"Part {self.id}: a function part needs cases")


def hidden_seed() -> int:
    """A fresh secret seed for hidden cases (so hard-coded answers cannot match them)."""
    return secrets.randbits(63)


def make_cases(part: Part, seed: int) -> list[Case]:
    """The cases of ``part`` for ``seed`` (a "value" part has one empty case)."""
    if part.kind == "value":
        return [Case(note="the value you defined")]
    make = part.public_cases if (seed == PUBLIC_SEED and part.public_cases) else part.cases
    cases = list(make(np.random.default_rng(seed)))
    if not cases or not all(isinstance(c, Case) for c in cases):
        raise TypeError(f"Part {part.id}: cases(rng) must return a non-empty list of Case")
    return cases


# ---- finding parts: "ex05.linear_backward" -> the Part in exercises/ex05.py ---------------
_MODULES: dict[str, ModuleType] = {}


def exercise_of(part_id: str) -> str:
    """``"ex05.linear_backward"`` -> ``"ex05"``; ValueError naming the id when malformed."""
    if not isinstance(part_id, str):
        raise TypeError(f"part_id must be a str like 'ex05.linear_backward', "
                        f"got {type(part_id).__name__}")
    match = PART_ID.match(part_id)
    if match is None:
        raise ValueError(f"part_id must look like 'ex05.linear_backward', got {part_id!r}")
    return match.group(1)


def _spec_module(exercise: str) -> ModuleType:
    """The key module of ``exercise``: bplab.grading.exercises.exNN, or exNN.py in a folder
    of BPLAB_SPEC_PATH (the tests' own exercise). Only the grader side has either."""
    if exercise in _MODULES:
        return _MODULES[exercise]
    try:
        module = importlib.import_module(f"bplab.grading.exercises.{exercise}")
    except ModuleNotFoundError as err:
        if err.name not in (f"bplab.grading.exercises.{exercise}", "bplab.grading.exercises"):
            raise
        module = _from_spec_path(exercise)
    _MODULES[exercise] = module
    return module


def _from_spec_path(exercise: str) -> ModuleType:
    """Load ``exercise``.py from a folder listed in BPLAB_SPEC_PATH."""
    folders = [f for f in os.environ.get("BPLAB_SPEC_PATH", "").split(os.pathsep) if f]
    for folder in folders:
        path = Path(folder) / f"{exercise}.py"
        if path.is_file():
            spec = importlib.util.spec_from_file_location(f"bplab_spec_{exercise}", path)
            module = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(module)
            return module
    raise ValueError(f"no exercise key for {exercise!r}: expected the module "
                     f"bplab/grading/exercises/{exercise}.py (or {exercise}.py in a "
                     f"BPLAB_SPEC_PATH folder, searched {folders})")


def load_parts(exercise: str) -> list[Part]:
    """All parts of ``exercise`` ("ex05"), in the order its key module lists them."""
    module = _spec_module(exercise)
    parts = getattr(module, "PARTS", None)
    if not isinstance(parts, (list, tuple)) or not all(isinstance(p, Part) for p in parts):
        raise TypeError(f"{module.__name__}.PARTS must be a list of bplab.grading.spec.Part")
    return list(parts)


def get_part(part_id: str) -> Part:
    """The ``Part`` whose id is ``part_id``; ValueError listing the known ids otherwise."""
    parts = load_parts(exercise_of(part_id))
    for part in parts:
        if part.id == part_id:
            return part
    known = ", ".join(p.id for p in parts)
    raise ValueError(f"unknown part {part_id!r}: this exercise has {known}")
