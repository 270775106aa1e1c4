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
5. ``grades.grade_part``: a ``messages.PartAnswered``'s ``messages.Outcome``-s are judged
   here, in the grader, against ``judge.expectations`` computed from the key
   (``judge.judge`` -> ``judge.Verdict``, each case through the part's compare ->
   ``feedback.Diagnosis``); a ``messages.PartMissing`` or ``messages.PartFailed`` says
   why there is nothing to judge -> ``PartGrade`` (points, ``spec.Status``, feedback
   cleaned of control characters, the bug's key, whether it failed on a hidden case).
6. ``SubmissionGrade`` (its ``PartGrade``-s and a note), written by ``report.write_grades``
   to ``--out`` (CSV or JSON: ``spec.Status`` as its text, the bug key in its own column) as each
   submission finishes; at the end ``submissions.refuse_collisions`` turns two claims on one
   student into error rows. The gradebook (``classroom.gradebook.write_gradebook``: the
   totals, from the ``SubmissionGrade``-s or that JSON), Gradescope's results
   (``classroom.gradescope.to_results``: ``spec.Status`` and the hidden-case flag) and the class
   report (``classroom.report.summarise``: ``spec.Status`` and the bug key, never the feedback's
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
from .grades import PartGrade, SubmissionGrade, grade_part, run_notes, unfinished, ungraded
from .messages import CellRun
from .notebooks import exercise_from, graded_notebook, part_cells, solution_cell_of
from .sandbox import (
    BWRAP_MISSING,
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


def _cell_of(cells: tuple, graded, part: Part) -> CellRun | None:
    index = solution_cell_of(graded.cells, part.id, part.name)
    return cells[index] if index is not None and index < len(cells) else None


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
        grade.parts = ungraded(parts, problem)
        grade.note = problem
        return grade
    plan = _Plan.draw(parts)
    left = settings.wall_clock - (time.monotonic() - start)  # one budget, reading included
    cells, messages, end = _run_sandboxed(nb, plan, student_side, settings, slot, left)
    graded = graded_notebook(nb)
    if end.violations:   # the runner writes each line once: someone else wrote to its channel
        why = ("not graded: the answers channel was tampered with ("
               + "; ".join(end.violations[:3]) + ")")
        grade.parts = ungraded(parts, why)
        grade.note, grade.seconds = why, time.monotonic() - start
        return grade
    for i, part in enumerate(parts):
        if i in messages:
            grade.parts.append(grade_part(part, plan.cases[i], plan.n_public[i], messages[i],
                                           _cell_of(cells, graded, part), settings.timeout))
        else:
            grade.parts.append(unfinished(part, end, settings.wall_clock))
    grade.note, grade.seconds = run_notes(end, settings.wall_clock), time.monotonic() - start
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
