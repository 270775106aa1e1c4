"""Grading: in-notebook checks, exercise generation, the sandboxed autograder, reports.

    bp.check("ex05.linear_backward", linear_backward)   # public checks, with a diagnosis
    bp.progress()                                        # which parts pass so far

The learner's side (what ``python -m bplab release`` ships): ``check``, ``progress``,
``judge``, ``feedback``, ``wire``, ``casefns``, ``runner`` and the public data in
``public/``. The instructors' side adds the key (``exercises/``: references, hidden cases,
held-out data, quiz answers) and the tools that read it: ``notebooks`` (generation),
``sandbox`` and ``autograde`` (the grader), ``report`` and ``release``. See
docs/ARCHITECTURE.md for the path a submission takes.
"""

from .check import CheckResult, check
from .progress import progress
from .spec import Case, Part, Status

__all__ = ["Case", "CheckResult", "Part", "Status", "check", "progress"]
