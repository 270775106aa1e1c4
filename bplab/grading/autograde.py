"""The autograder: grade submitted notebooks, each in its own sandbox.

The path one submission takes, and the one type each stage hands to the next:

1. ``submissions.read_submission``: the file, opened without following links, a regular file
   under the size cap, parsed -> an ``nbformat.NotebookNode``, or a reason it is not one.
2. ``_exercise``: pinned by ``--exercise`` (a notebook whose metadata names another exercise
   gets error rows), else from the metadata and the file name, which must agree -> ``str``.
   Only that exercise's key module is loaded (``spec.load_parts``) -> ``list[spec.Part]``.
3. ``_Plan.draw``: for each part, the public cases and fresh hidden ones (secret seed),
   drawn here -> ``_Plan`` (``list[spec.Case]`` per part). Only the cases' *arguments* enter
   the sandbox (``_Plan.calls``, with the learner's code cells from
   ``notebooks.graded_notebook``): never an expected value, a label or the key.
4. ``sandbox.stream_lines``: ``runner`` executes the notebook and calls the learner's code
   inside bubblewrap, within one wall-clock budget that includes kernel restarts, and
   writes one ``messages.Message`` per event as a line; each line read back (under a byte
   cap) is ``messages.decode``-d -> ``messages.Message`` (or the raw text of a line that is none).
   ``sandbox.collect`` keeps the messages the protocol allows -> ``tuple[messages.CellRun,
   ...]``, ``dict[int, messages.PartMessage]`` and a ``sandbox.StreamEnd`` (``sandbox.End``,
   the runner's ``messages.RunDone``, and any violation, which makes every part an error).
5. ``_grade_part``: a ``messages.PartAnswered``'s ``messages.Outcome``-s are judged here, in
   the grader, against ``judge.expectations`` computed from the key
   (``judge.judge`` -> ``judge.Verdict``, each case through the part's compare ->
   ``feedback.Diagnosis``); a ``messages.PartMissing`` or ``messages.PartFailed`` says
   why there is nothing to judge -> ``PartGrade`` (points, ``spec.Status``, feedback
   cleaned of control characters, the bug's key, whether it failed on a hidden case).
6. ``SubmissionGrade`` (its ``PartGrade``-s and a note), written by ``report.write_grades``
   to ``--out`` (CSV or JSON: ``Status`` as its text, the bug key in its own column) as each
   submission finishes; at the end ``submissions.refuse_collisions`` turns two claims on one
   student into error rows. The gradebook (``classroom.gradebook.write_gradebook``: the
   totals, from the ``SubmissionGrade``-s or that JSON), Gradescope's results
   (``classroom.gradescope.to_results``: ``Status`` and the hidden-case flag) and the class
   report (``classroom.report.summarise``: ``Status`` and the bug key, never the feedback's
   prose) read them.

A submission that dies, kills, hangs, floods or bloats costs only its own grade.
"""

from __future__ import annotations

import concurrent.futures as cf
import json
import os
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from .cgroups import describe, in_force
from .feedback import clean
from .judge import Close, expectations, judge
from .messages import CellRun, PartFailed, PartMessage, PartMissing, Run
from .notebooks import exercise_from, graded_notebook, part_cells, solution_cell_of
from .sandbox import (
    BWRAP_MISSING,
    End,
    Limits,
    StreamEnd,
    bwrap_command,
    bwrap_path,
    collect,
    stream_lines,
    unsandboxed,
)
from .spec import (
    PUBLIC_SEED,
    Part,
    Status,
    exercise_notebooks,
    hidden_seed,
    load_parts,
    make_cases,
    notebook_exercise,
)
from .submissions import (
    name_problem,
    read_submission,
    refuse_collisions,
    student_of,
)
from .wire import dumps

__all__ = ["PartGrade", "SubmissionGrade", "check_sources", "grade_many", "grade_submission"]

UID_BASE = 200_000  # sandbox uid: UID_BASE + 64 * grader pid + slot, unique on the machine,
                    # so process limits are per sandbox, even with two grading runs at once


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


def _exercise(nb, path: Path, pinned: str | None) -> tuple[str | None, str]:
    """(exercise, "") or (None, why not): the pinned one, checked against the metadata."""
    from_meta = exercise_from(nb, "")
    if pinned:
        if from_meta and from_meta != pinned:
            return pinned, (f"this notebook is marked as {from_meta} in its metadata, but "
                          f"{pinned} is being graded: hand in the {pinned} notebook")
        return pinned, ""
    from_name = exercise_from(None, path.name)
    if from_meta and from_name and from_meta != from_name:
        return None, (f"the file name says {from_name} but the metadata says {from_meta}: "
                      "grade with --exercise to say which")
    exercise = from_meta or from_name
    return (exercise, "") if exercise else (None, "cannot tell which exercise this is")


@dataclass
class _Plan:
    """The cases of every part for one submission; the hidden ones exist only here."""

    parts: list
    cases: list          # per part: list of Case (public first)
    n_public: list

    @classmethod
    def draw(cls, parts: list[Part]) -> _Plan:
        cases, n_public = [], []
        for part in parts:
            public = make_cases(part, PUBLIC_SEED)
            hidden = make_cases(part, hidden_seed()) if part.kind == "function" else []
            cases.append(public + hidden)
            n_public.append(len(public))
        return cls(parts, cases, n_public)

    def calls(self) -> str:
        """What enters the sandbox: names and call arguments, never expected values."""
        return dumps({"parts": [
            {"name": p.name, "kind": p.kind,
             "cases": [{"args": c.args, "kwargs": c.kwargs} for c in cases]}
            for p, cases in zip(self.parts, self.cases)]})


def _write_inbox(inbox: Path, nb, plan: _Plan, timeout: float) -> None:
    inbox.chmod(0o755)
    (inbox / "notebook.ipynb").write_text(nbformat.writes(graded_notebook(nb)))
    (inbox / "calls.json").write_text(plan.calls())
    (inbox / "settings.json").write_text(json.dumps({"timeout": timeout,
                                                     "parts": len(plan.parts)}))
    for child in inbox.iterdir():
        child.chmod(0o644)


def _not_defined(part: Part, cell: CellRun | None, timeout: float) -> PartGrade:
    """The grade of a part whose object does not exist after the run, saying why."""
    def grade(status: Status, text: str, bug: str = "not defined") -> PartGrade:
        return PartGrade(part.id, 0, part.points, status, clean(text), bug)

    if cell is None:
        return grade(Status.MISSING, f"`{part.name}` is not defined: its cell is missing")
    if cell.ename == "NotImplementedError":
        return grade(Status.NOT_IMPLEMENTED,
                     "not implemented yet (it raises NotImplementedError)", "")
    if cell.status is Run.TIMEOUT:
        return grade(Status.TIMEOUT, f"`{part.name}` is not defined: its cell ran past "
                     f"{timeout:g} s (an infinite loop?)", "timeout")
    why = f" (its cell raised {cell.ename}: {cell.evalue})" if cell.ename else ""
    return grade(Status.MISSING, f"`{part.name}` is not defined after running the "
                 f"notebook{why}")


_FAILURES = {Run.DIED: "your code crashed the Python kernel",
             Run.SKIPPED: "not graded: the notebook crashed the kernel too many times"}


def _failure(run: CellRun, timeout: float) -> str:
    """The feedback when the harness call itself did not complete."""
    if run.status is Run.TIMEOUT:
        return f"timed out after {timeout:g} s (an infinite loop?)"
    why = f"{run.ename}: {run.evalue}"
    return _FAILURES.get(run.status, f"the grader could not call your code ({why})")


def _grade_part(part: Part, cases: list, n_public: int, message: PartMessage,
                cell: CellRun | None, timeout: float) -> PartGrade:
    """Judge one part's message from the sandbox against the key, here in the grader."""
    if isinstance(message, PartFailed):
        return PartGrade(part.id, 0, part.points, message.run.status.status,
                         clean(_failure(message.run, timeout)), str(message.run.status))
    if isinstance(message, PartMissing):
        return _not_defined(part, cell, timeout)
    verdict = judge(message.outcomes, part_id=part.id, kind=part.kind,
                    compare=part.compare or Close(), cases=cases,
                    expects=expectations(part, cases), n_public=n_public)
    return PartGrade(part.id, part.points if verdict.passed else 0, part.points,
                     verdict.status, clean(verdict.message), verdict.bug, verdict.hidden_case)


@dataclass(frozen=True)
class Settings:
    """How to grade: per-cell timeout, per-submission budget, sandbox or not, limits."""

    timeout: float = 60.0
    budget: float | None = None      # default: 10 x timeout
    sandbox: bool = True
    limits: Limits = field(default_factory=Limits)

    @property
    def wall_clock(self) -> float:
        return self.budget if self.budget is not None else 10 * self.timeout


def _run_sandboxed(nb, plan: _Plan, student_side: Path, settings: Settings, slot: int,
                   left: float):
    """(each code cell's CellRun, {part index: PartMessage}, StreamEnd) from running the
    notebook."""
    end = StreamEnd()
    with tempfile.TemporaryDirectory(prefix="bplab-inbox-") as tmp:
        inbox, work = Path(tmp) / "inbox", Path(tmp) / "work"
        inbox.mkdir()
        work.mkdir()
        _write_inbox(inbox, nb, plan, settings.timeout)
        if settings.sandbox:
            uid = UID_BASE + 64 * os.getpid() + slot % 64
            command, env, cwd = bwrap_command(inbox, student_side, uid, settings.limits), None, None
        else:
            (command, env), cwd = unsandboxed(inbox, student_side, work), str(work)
        cells, parts = collect(stream_lines(command, left, settings.limits, end, env, cwd),
                               len(plan.parts), end)
    return cells, parts, end


def _unfinished(part: Part, end: StreamEnd, settings: Settings) -> PartGrade:
    """The grade of a part the stream ended before."""
    if end.reason is End.BUDGET:
        return PartGrade(part.id, 0, part.points, Status.TIMEOUT,
                         f"not graded: the submission used up its time budget of "
                         f"{settings.wall_clock:g} s before reaching this part", "budget")
    if end.reason is End.OVERFLOW:
        return PartGrade(part.id, 0, part.points, Status.ERROR, "not graded: the submission "
                         "sent more output than the grader reads", "overflow")
    return PartGrade(part.id, 0, part.points, Status.ERROR,
                     "not graded: the notebook's process stopped before this part", "stopped")


def _cell_of(cells: tuple, graded, part: Part) -> CellRun | None:
    index = solution_cell_of(graded.cells, part.id, part.name)
    return cells[index] if index is not None and index < len(cells) else None


def _notes(end: StreamEnd, settings: Settings) -> str:
    notes = []
    if end.done and end.done.starts > 1:
        notes.append(f"{end.done.starts - 1} kernel restart(s)")
    if end.done and end.done.dropped:
        notes.append(f"{end.done.dropped / 1e6:.1f} MB of printed output not kept")
    if end.reason is End.BUDGET:
        notes.append(f"stopped at the time budget ({settings.wall_clock:g} s)")
    elif end.crash:
        notes.append(f"the grader's runner failed (not your code): {clean(end.crash, 300)}")
    elif end.reason is not End.DONE:
        notes.append(f"the sandbox stopped early ({end.reason})"
                     + (f": {clean(end.stderr, 200)}" if end.stderr.strip() else ""))
    return "; ".join(notes)


def grade_submission(path: str | Path, student_side: Path, settings: Settings = Settings(),
                     exercise: str | None = None, slot: int = 0) -> SubmissionGrade:
    """Grade one submitted notebook (the file is only read, never written or followed)."""
    start, path = time.monotonic(), Path(path)
    grade = SubmissionGrade(student_of(path), clean(str(path), 500), exercise or "?")
    nb, problem = read_submission(path)
    if nb is not None:
        exercise, problem = _exercise(nb, path, exercise)
    if exercise is None:
        grade.note = problem
        return grade
    grade.exercise, parts = exercise, load_parts(exercise)
    problem = problem or name_problem(grade.student)
    if problem:  # unreadable, or the wrong exercise: every part of the pinned one is lost
        grade.parts = [PartGrade(p.id, 0, p.points, Status.ERROR, problem, "not graded")
                       for p in parts]
        grade.note = problem
        return grade
    plan = _Plan.draw(parts)
    left = settings.wall_clock - (time.monotonic() - start)  # one budget, reading included
    cells, messages, end = _run_sandboxed(nb, plan, student_side, settings, slot, left)
    graded = graded_notebook(nb)
    if end.violations:   # the runner writes each line once: someone else wrote to its channel
        why = ("not graded: the answers channel was tampered with ("
               + "; ".join(end.violations[:3]) + ")")
        grade.parts = [PartGrade(p.id, 0, p.points, Status.ERROR, why, "not graded")
                       for p in parts]
        grade.note, grade.seconds = why, time.monotonic() - start
        return grade
    for i, part in enumerate(parts):
        if i in messages:
            grade.parts.append(_grade_part(part, plan.cases[i], plan.n_public[i], messages[i],
                                           _cell_of(cells, graded, part), settings.timeout))
        else:
            grade.parts.append(_unfinished(part, end, settings))
    grade.note, grade.seconds = _notes(end, settings), time.monotonic() - start
    return grade


def check_sources(source: str | Path, only: str | None = None) -> list[str]:
    """Verify the source notebooks against their keys before grading anything, every one or
    ``only`` that exercise's (so grading one exercise loads one key); the exercises found."""
    paths = exercise_notebooks(source)
    if not paths:
        raise ValueError(f"no exNN_*.ipynb source notebooks in {str(source)!r}")
    for p in paths:
        if only is None or notebook_exercise(p) == only:
            part_cells(nbformat.read(p, as_version=4), str(p))
    return [notebook_exercise(p) for p in paths]


def _safely(path: str, student_side: Path, settings: Settings, exercise: str | None,
            slots: list, lock: threading.Lock) -> SubmissionGrade:
    """grade_submission on a free worker slot; an unexpected grader error becomes a row."""
    with lock:
        slot = slots.pop()
    try:
        return grade_submission(path, student_side, settings, exercise, slot)
    except Exception as err:  # noqa: BLE001 - one submission must not stop the class
        return SubmissionGrade(student_of(path), clean(str(path), 500), exercise or "?",
                               note=clean(f"grader error: {type(err).__name__}: {err}", 300))
    finally:
        with lock:
            slots.append(slot)


def grade_many(paths: list, source: str | Path = "solutions", jobs: int = 1,
               timeout: float = 60.0, exercise: str | None = None, sandbox: bool = True,
               budget: float | None = None, out: str | Path | None = None,
               limits: Limits | None = None, progress=None, announce=None,
               allow_no_cgroups: bool = False) -> list[SubmissionGrade]:
    """Grade ``paths`` with ``jobs`` sandboxes at a time; results in the order of ``paths``.
    With ``out``, the grades file is rewritten as each submission finishes, so a run that is
    stopped keeps what it graded; ``progress(done, total, grade)`` hears of each one, and
    ``announce(line)`` once of the limits each sandbox is held to on this host. With
    ``jobs`` > 1 and no cgroup to hold sandboxes apart, RuntimeError unless
    ``allow_no_cgroups``."""
    from .release import student_package
    from .report import valid_grade, write_grades

    known = check_sources(source, only=exercise)
    if exercise is not None and exercise not in known:
        raise ValueError(f"--exercise {exercise}: no {exercise}_*.ipynb in {str(source)!r} "
                         f"(it has {', '.join(known)})")
    if sandbox and bwrap_path() is None:
        raise RuntimeError(BWRAP_MISSING)
    settings = Settings(timeout, budget, sandbox, limits or Limits())
    applied = in_force(settings.limits.group) if sandbox else []
    if sandbox and jobs > 1 and not applied and not allow_no_cgroups:
        raise RuntimeError(
            f"--jobs {jobs}: no cgroup can be made here for the sandboxes' memory, processes "
            "and CPU share, so one submission could starve the others graded beside it; "
            "grade with --jobs 1, run the grader as root or in a delegated cgroup, or pass "
            "--allow-no-cgroups")
    if sandbox and announce is not None:
        announce(describe(settings.limits.group, applied))
    paths = [str(p) for p in paths]
    results: dict[int, SubmissionGrade] = {}
    slots, lock = list(range(max(1, jobs))), threading.Lock()
    with tempfile.TemporaryDirectory(prefix="bplab-student-side-") as tmp:
        student_side = student_package(Path(tmp) / "site", exercises=known)
        with cf.ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
            futures = {pool.submit(_safely, p, student_side, settings, exercise, slots, lock): i
                       for i, p in enumerate(paths)}
            for future in cf.as_completed(futures):
                graded = results[futures[future]] = valid_grade(future.result())
                if out:
                    write_grades([results[i] for i in sorted(results)], out)
                if progress:
                    progress(len(results), len(paths), graded)
    grades = refuse_collisions([results[i] for i in range(len(paths))])
    if out:
        write_grades(grades, out)
    return grades
