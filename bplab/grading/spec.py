"""What an exercise part is: the contract between exercise authors and the grader.

Each ``bplab/grading/exercises/exNN.py`` defines ``PARTS: list[Part]``. A solution
notebook ``solutions/exNN_*.ipynb`` defines, for each part, the object named
``Part.name`` (a function, or a value) in a cell tagged with the part's id; the check
cell after it calls ``bp.check(part.id, name)``.

The grader calls the learner's object on ``cases(rng)`` inside the learner's kernel,
brings the results back as data, and compares them with ``reference`` in the grader's
own process, so nothing the learner's code does to its own kernel changes the verdict.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np


@dataclass(frozen=True)
class Case:
    """One call of the learner's object: ``obj(*args, **kwargs)``.

    For a part of kind "value", args and kwargs are empty and the value itself is compared.
    """

    args: tuple = ()
    kwargs: dict = field(default_factory=dict)
    note: str = ""  # shown in feedback, e.g. "batch of 5, 4 inputs, 3 outputs"


@dataclass(frozen=True)
class Part:
    """One graded part of an exercise.

    id : "ex05.linear_backward" (exercise number, then a snake_case part name)
    name : the name the learner defines in the notebook ("linear_backward")
    points : int > 0
    reference : the correct function (same signature as the learner's), or the correct value
    cases : rng -> list[Case]; called with a fixed public seed for bp.check and with a
        secret seed for the hidden tests, so hard-coded answers fail the hidden cases
    kind : "function" (call it on every case) or "value" (compare the object itself)
    compare : optional (student_result, reference_result, case) -> (ok: bool, message: str);
        None means numeric closeness (rtol 1e-6, atol 1e-8) with bug diagnosis of arrays
    description : one line shown to the learner ("Linear layer backward: dX, dW, db")
    """

    id: str
    name: str
    points: int
    reference: Any
    cases: Callable[[np.random.Generator], list[Case]] | None = None
    kind: str = "function"
    compare: Callable[[Any, Any, Case], tuple[bool, str]] | None = None
    description: str = ""

    def __post_init__(self):
        if self.kind not in ("function", "value"):
            raise ValueError(f"Part {self.id}: kind must be 'function' or 'value', "
                             f"got {self.kind!r}")
        if self.points <= 0:
            raise ValueError(f"Part {self.id}: points must be > 0, got {self.points}")
        if self.kind == "function" and self.cases is None:
            raise ValueError(f"Part {self.id}: a function part needs cases")
