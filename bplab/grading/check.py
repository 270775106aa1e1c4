"""``bp.check(part_id, obj)``: run a part's public checks in the notebook and explain failures.

It says "public checks passed", never "all tests passed": the autograder also runs hidden
cases, with inputs nobody has seen.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .judge import PUBLIC_SEED, Verdict, call_cases, hidden_seed, judge, make_cases
from .progress import record
from .registry import get_part

__all__ = ["CheckResult", "check"]


@dataclass(frozen=True)
class CheckResult:
    """What ``check`` found: status "passed", "failed" or "not implemented"."""

    part_id: str
    status: str
    message: str

    @property
    def passed(self) -> bool:
        """True when every case it ran matched the reference."""
        return self.status == "passed"

    def __repr__(self) -> str:
        return self.message

    def _ipython_display_(self) -> None:
        """Show nothing more: ``check`` already printed the message."""


def _message(part_id: str, verdict: Verdict, hidden: bool) -> str:
    """The learner-facing line for a verdict."""
    if verdict.status == "passed":
        note = f" — {verdict.note}" if verdict.note else ""
        if hidden:
            return (f"{part_id}: public and hidden checks passed "
                    f"({verdict.n_public} + {verdict.n_hidden} cases){note}")
        plural = "" if verdict.n_public == 1 else "s"
        return f"{part_id}: public checks passed ({verdict.n_public} case{plural}){note}"
    if verdict.status == "not implemented":
        return f"{part_id}: not implemented yet — replace `raise NotImplementedError()`"
    return f"{part_id}: {verdict.message}"


def check(part_id: str, obj: Any, hidden: bool = False) -> CheckResult:
    """Run the public checks of ``part_id`` on ``obj`` and print what they found.

    Parameters
    ----------
    part_id : str
        The part, e.g. "ex05.linear_backward".
    obj : the function (or, for a "value" part, the value) the learner defined.
    hidden : bool
        Also run cases drawn with a fresh secret seed (the instructor's copy does this).

    Returns
    -------
    CheckResult
        ``passed``, ``status`` ("passed", "failed", "not implemented") and ``message``.
    """
    part = get_part(part_id)
    cases = make_cases(part, PUBLIC_SEED)
    n_public = len(cases)
    if hidden and part.kind == "function":
        cases += make_cases(part, hidden_seed())
    verdict = judge(part, cases, call_cases(obj, part.kind, cases), n_public)
    message = _message(part_id, verdict, hidden)
    if not hidden:
        record(part_id, verdict.status)
    print(message)
    return CheckResult(part_id, verdict.status, message)
