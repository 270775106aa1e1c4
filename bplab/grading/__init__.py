"""Grading: in-notebook checks, bug diagnosis, exercise generation and the autograder.

    bp.check("ex05.linear_backward", linear_backward)   # public checks, with a diagnosis
    bp.progress()                                        # which parts pass so far

``python -m bplab exercises`` writes exercises/ from solutions/ (``generate``);
``python -m bplab grade ...`` grades submissions (``autograde``). Each exercise's parts
are declared in ``bplab/grading/exercises/exNN.py`` (see ``spec``).
"""

from .check import CheckResult, check
from .progress import progress
from .registry import get_part, load_parts
from .spec import Case, Part

__all__ = ["Case", "CheckResult", "Part", "check", "get_part", "load_parts", "progress"]
