"""What a submission earned, and why: the grades, made from what the sandbox sent.

``grade_part`` turns one part's message from the runner (``messages.PartAnswered``,
``PartMissing`` or ``PartFailed``) into a ``PartGrade``: an answer is judged here, in the
grader, against expectations computed from the key; the other two say why there is nothing
to judge. ``unfinished`` grades a part the stream ended before, ``ungraded`` every part of a
submission that could not be run, and ``run_notes`` says what else happened. Every grade
has a ``spec.Status`` and, unless it passed or was never attempted, a bug key for the
class report.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .feedback import clean
from .judge import Close, expectations, judge
from .messages import CellRun, PartFailed, PartMessage, PartMissing, Run
from .sandbox import End, StreamEnd
from .spec import Part, Status

__all__ = ["PartGrade", "SubmissionGrade", "grade_part", "not_defined", "run_notes",
           "unfinished", "ungraded", "zero"]


@dataclass
class PartGrade:
    """One learner's result on one part."""

    part_id: str
    points: int
    max_points: int
    status: Status
    feedback: str
    bug: str = ""   # the bug's key, for the class report ("" when it passed)
    hidden_case: bool = False   # it failed on a hidden case: Gradescope may hide the details


@dataclass
class SubmissionGrade:
    """One submission's grades; ``note`` says what else happened (restarts, budget...)."""

    student: str
    path: str
    exercise: str
    parts: list = field(default_factory=list)
    seconds: float = 0.0
    note: str = ""

    @property
    def total(self) -> int:
        return sum(p.points for p in self.parts)

    @property
    def max_total(self) -> int:
        return sum(p.max_points for p in self.parts)


def zero(part: Part, status: Status, text: str, bug: str) -> PartGrade:
    """No points for ``part``: its ``status``, the feedback ``text`` (cleaned), the bug's key."""
    return PartGrade(part.id, 0, part.points, status, clean(text), bug)


def not_defined(part: Part, cell: CellRun | None, timeout: float) -> PartGrade:
    """The grade of a part whose object does not exist after the run, saying why."""
    if cell is None:
        return zero(part, Status.MISSING, f"`{part.name}` is not defined: its cell is missing",
                    "not defined")
    if cell.ename == "NotImplementedError":
        return zero(part, Status.NOT_IMPLEMENTED,
                    "not implemented yet (it raises NotImplementedError)", "")
    if cell.status is Run.TIMEOUT:
        return zero(part, Status.TIMEOUT, f"`{part.name}` is not defined: its cell ran past "
                    f"{timeout:g} s (an infinite loop?)", "timeout")
    why = f" (its cell raised {cell.ename}: {cell.evalue})" if cell.ename else ""
    return zero(part, Status.MISSING, f"`{part.name}` is not defined after running the "
                f"notebook{why}", "not defined")


_FAILURES = {Run.DIED: "your code crashed the Python kernel",
             Run.SKIPPED: "not graded: the notebook crashed the kernel too many times"}


def _failure(run: CellRun, timeout: float) -> str:
    """The feedback when the harness call itself did not complete."""
    if run.status is Run.TIMEOUT:
        return f"timed out after {timeout:g} s (an infinite loop?)"
    why = f"{run.ename}: {run.evalue}"
    return _FAILURES.get(run.status, f"the grader could not call your code ({why})")


def grade_part(part: Part, cases: list, n_public: int, message: PartMessage,
               cell: CellRun | None, timeout: float) -> PartGrade:
    """Judge one part's message from the sandbox against the key, here in the grader."""
    if isinstance(message, PartFailed):
        ended = message.run.status
        return zero(part, ended.grade_status, _failure(message.run, timeout), str(ended))
    if isinstance(message, PartMissing):
        return not_defined(part, cell, timeout)
    verdict = judge(message.outcomes, part_id=part.id, kind=part.kind,
                    compare=part.compare or Close(), cases=cases,
                    expects=expectations(part, cases), n_public=n_public)
    return PartGrade(part.id, part.points if verdict.passed else 0, part.points,
                     verdict.status, clean(verdict.message), verdict.bug, verdict.hidden_case)


def unfinished(part: Part, end: StreamEnd, wall_clock: float) -> PartGrade:
    """The grade of a part the stream ended before."""
    if end.reason is End.BUDGET:
        return zero(part, Status.TIMEOUT, "not graded: the submission used up its time budget "
                    f"of {wall_clock:g} s before reaching this part", "budget")
    if end.reason is End.OVERFLOW:
        return zero(part, Status.ERROR, "not graded: the submission sent more output than the "
                    "grader reads", "overflow")
    return zero(part, Status.ERROR, "not graded: the notebook's process stopped before this "
                "part", "stopped")


def ungraded(parts: list[Part], why: str) -> list[PartGrade]:
    """Every part of a submission that could not be graded: 0 points, an error saying why."""
    return [zero(p, Status.ERROR, why, "not graded") for p in parts]


def run_notes(end: StreamEnd, wall_clock: float) -> str:
    """What else happened to a submission's run (restarts, dropped output, its end)."""
    notes = []
    if end.done and end.done.starts > 1:
        notes.append(f"{end.done.starts - 1} kernel restart(s)")
    if end.done and end.done.dropped:
        notes.append(f"{end.done.dropped / 1e6:.1f} MB of printed output not kept")
    if end.reason is End.BUDGET:
        notes.append(f"stopped at the time budget ({wall_clock:g} s)")
    elif end.crash:
        notes.append(f"the grader's runner failed (not your code): {clean(end.crash, 300)}")
    elif end.reason is not End.DONE:
        notes.append(f"the sandbox stopped early ({end.reason})"
                     + (f": {clean(end.stderr, 200)}" if end.stderr.strip() else ""))
    return "; ".join(notes)
