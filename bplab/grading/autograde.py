"""The autograder: grade submitted notebooks against the source in solutions/.

For each submission (never modified): rebuild the notebook from the learner's cells and
the source's check cells, run it in a fresh kernel in a temporary folder, then for each
part call the learner's object on public and hidden cases (hidden ones drawn with a secret
seed) inside the kernel, bring the answers back as data, and judge them here, in the
grader's process. A timeout, crash, ``sys.exit`` or exception costs only the part it
happens in; a kernel that dies is restarted and the notebook replayed without the cell
that killed it.
"""

from __future__ import annotations

import concurrent.futures as cf
import multiprocessing
import os
import pickle
import re
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from .harness import harness_source
from .judge import PUBLIC_SEED, hidden_seed, judge, make_cases
from .kernel import CellRun, KernelSession
from .markers import bplab_meta, part_cells
from .rebuild import exercise_from, rebuild, solution_cell_of
from .registry import load_parts
from .spec import Part
from .wire import WireError, loads

__all__ = ["PartGrade", "SubmissionGrade", "grade_many", "grade_submission", "student_of"]

MAX_KERNEL_STARTS = 6
MAX_ANSWER_BYTES = 64 * 2**20


@dataclass
class PartGrade:
    """One learner's result on one part."""

    part_id: str
    points: int
    max_points: int
    status: str
    feedback: str


@dataclass
class SubmissionGrade:
    """One submission's grades; ``note`` says what else happened (truncated output, ...)."""

    student: str
    path: str
    exercise: str
    parts: list = field(default_factory=list)
    seconds: float = 0.0
    note: str = ""

    @property
    def total(self) -> int:
        """Points earned."""
        return sum(p.points for p in self.parts)

    @property
    def max_total(self) -> int:
        """Points available."""
        return sum(p.max_points for p in self.parts)


def student_of(path: str | Path) -> str:
    """The learner's name: the file stem, or the parent folder when the file keeps the
    exercise's own name (``alice/ex05_mlp_layers.ipynb`` -> ``alice``)."""
    path = Path(path)
    if re.match(r"^ex\d\d(_|$)", path.stem) and path.parent.name not in ("", "."):
        return path.parent.name
    return path.stem


def find_source(source: str | Path, exercise: str) -> Path:
    """The source notebook ``source/exNN_*.ipynb`` of ``exercise``."""
    found = sorted(Path(source).glob(f"{exercise}_*.ipynb"))
    if len(found) != 1:
        raise ValueError(f"expected one {exercise}_*.ipynb in {str(source)!r}, "
                         f"found {[p.name for p in found]}")
    return found[0]


def _zero(parts: list[Part], status: str, feedback: str) -> list[PartGrade]:
    return [PartGrade(p.id, 0, p.points, status, feedback) for p in parts]


class _Run:
    """Executes the graded notebook and the per-part harness in one kernel, with replay."""

    def __init__(self, workdir: str, timeout: float):
        env = dict(os.environ, BPLAB_HOME=os.path.join(workdir, "home"), MPLBACKEND="Agg")
        self.session, self.timeout = KernelSession(workdir, env), timeout
        self.ran: list[tuple[int, str]] = []  # cells that ran and may be replayed

    def _restart(self) -> bool:
        """Restart the kernel and replay the notebook so far; False when out of restarts."""
        while self.session.starts < MAX_KERNEL_STARTS:
            self.session.start()
            for key, src in list(self.ran):
                if self.session.run(src, self.timeout).status in ("died", "timeout") \
                        and not self.session.alive:
                    self.ran.remove((key, src))
                    break
            else:
                return True
        return False

    def step(self, key: int | None, source: str) -> CellRun:
        """Run one cell (key = its index) or one harness call (key None)."""
        if not self.session.alive and not self._restart():
            return CellRun("skipped")
        result = self.session.run(source, self.timeout)
        if key is not None and self.session.alive:
            self.ran.append((key, source))
        return result

    def close(self) -> None:
        self.session.close()


def _run_notebook(run: _Run, nb, budget: float) -> dict[int, CellRun]:
    """Run every code cell except check cells; {cell index: CellRun}."""
    results, start = {}, time.monotonic()
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "code" or bplab_meta(cell).get("role") == "check":
            continue
        if time.monotonic() - start > budget:
            results[i] = CellRun("over budget")
            continue
        results[i] = run.step(i, cell.source)
    return results


def _not_defined(part: Part, cell_run: CellRun | None) -> tuple[str, str]:
    """(status, feedback) when the learner's object does not exist after the run."""
    if cell_run is not None and cell_run.ename == "NotImplementedError":
        return "not implemented", "not implemented yet (it raises NotImplementedError)"
    if cell_run is None:
        return "missing", f"`{part.name}` is not defined: its cell is missing"
    if cell_run.status == "over budget":
        return "missing", (f"`{part.name}` was never run: the notebook used up its time "
                           "budget (10 x --timeout) before reaching its cell")
    why = f" (its cell raised {cell_run.ename}: {cell_run.evalue})" if cell_run.ename else ""
    return "missing", f"`{part.name}` is not defined after running the notebook{why}"


def _harness_failure(run_result: CellRun, timeout: float) -> str:
    """Feedback when the harness call itself did not complete."""
    return {
        "timeout": f"timed out after {KernelSession.effective_timeout(timeout)} s "
                   "(an infinite loop?)",
        "died": "your code crashed the Python kernel",
        "skipped": "not graded: the notebook crashed the kernel too many times",
    }.get(run_result.status, f"the grader could not call your code "
                             f"({run_result.ename}: {run_result.evalue})")


def _grade_part(run: _Run, part: Part, workdir: str, sol_run: CellRun | None) -> PartGrade:
    """Ship the cases to the kernel, call the learner's object, judge the answers here."""
    cases = make_cases(part, PUBLIC_SEED)
    n_public = len(cases)
    if part.kind == "function":
        cases += make_cases(part, hidden_seed())
    token = os.urandom(8).hex()
    cases_path = os.path.join(workdir, f"cases-{token}.pkl")
    out_path = os.path.join(workdir, f"answers-{token}.json")
    with open(cases_path, "wb") as f:
        pickle.dump((part.name, part.kind, cases), f)
    result = run.step(None, harness_source(cases_path, out_path))
    os.remove(cases_path)
    if result.status != "ok" or not os.path.isfile(out_path):
        return PartGrade(part.id, 0, part.points, "error", _harness_failure(result, run.timeout))
    try:
        if os.path.getsize(out_path) > MAX_ANSWER_BYTES:
            raise WireError("the answers are too large")
        with open(out_path) as f:
            answers = loads(f.read())
    except (WireError, RecursionError) as err:
        reason = err if isinstance(err, WireError) else "nested too deeply"
        return PartGrade(part.id, 0, part.points, "error", f"unreadable answers: {reason}")
    if not isinstance(answers, dict) or "outcomes" not in answers:
        status, feedback = _not_defined(part, sol_run)
        return PartGrade(part.id, 0, part.points, status, feedback)
    verdict = judge(part, cases, list(answers["outcomes"]), n_public)
    points = part.points if verdict.passed else 0
    return PartGrade(part.id, points, part.points, verdict.status, verdict.message)


def _load(path: Path):
    """The submission notebook, or (None, reason) when it cannot be read."""
    try:
        return nbformat.read(path, as_version=4), ""
    except Exception as err:  # noqa: BLE001 - any unreadable file is the learner's problem
        return None, f"could not read the notebook: {type(err).__name__}: {err}"[:300]


def grade_submission(path: str | Path, source: str | Path = "solutions",
                     timeout: float = 60.0) -> SubmissionGrade:
    """Grade one submitted notebook (the file is only read, never written)."""
    start, path = time.monotonic(), Path(path)
    nb, problem = _load(path)
    exercise = exercise_from(nb, path.name)
    grade = SubmissionGrade(student_of(path), str(path), exercise or "?")
    if exercise is None:
        grade.note = problem or "cannot tell which exercise this is (no part metadata, no exNN)"
        return grade
    source_path = find_source(source, exercise)
    source_nb = nbformat.read(source_path, as_version=4)
    parts = load_parts(exercise)
    if nb is None:
        grade.parts, grade.note = _zero(parts, "error", problem), problem
        return grade
    with tempfile.TemporaryDirectory(prefix="bplab-grade-") as workdir:
        graded = rebuild(nb, source_nb, str(source_path))
        run = _Run(workdir, timeout)
        try:
            cell_runs = _run_notebook(run, graded, budget=10 * timeout)
            for part in parts:
                index = solution_cell_of(graded.cells, part.id, part.name)
                sol_run = cell_runs.get(index) if index is not None else None
                grade.parts.append(_grade_part(run, part, workdir, sol_run))
        finally:
            run.close()
    notes = [f"{run.session.starts - 1} kernel restart(s)"] if run.session.starts > 1 else []
    if any(r.status == "over budget" for r in cell_runs.values()):
        notes.append("stopped running cells: the notebook used up its time budget")
    if run.session.dropped_output:
        notes.append(f"{run.session.dropped_output / 1e6:.1f} MB of printed output not kept")
    grade.note, grade.seconds = "; ".join(notes), time.monotonic() - start
    return grade


def _grade_safely(path: str, source: str, timeout: float) -> SubmissionGrade:
    """grade_submission, turning an unexpected grader error into a visible row."""
    try:
        return grade_submission(path, source, timeout)
    except Exception as err:  # noqa: BLE001 - one submission must not stop the class
        return SubmissionGrade(student_of(path), str(path), "?",
                               note=f"grader error: {type(err).__name__}: {err}"[:300])


def check_sources(source: str | Path) -> None:
    """Verify every source notebook against its spec before grading anything."""
    paths = sorted(Path(source).glob("ex[0-9][0-9]_*.ipynb"))
    if not paths:
        raise ValueError(f"no exNN_*.ipynb source notebooks in {str(source)!r}")
    for p in paths:
        part_cells(nbformat.read(p, as_version=4), str(p))


def grade_many(paths: list, source: str | Path = "solutions", jobs: int = 1,
               timeout: float = 60.0) -> list[SubmissionGrade]:
    """Grade ``paths`` with ``jobs`` worker processes; results in the order of ``paths``."""
    check_sources(source)
    paths, source = [str(p) for p in paths], str(source)
    if jobs <= 1 or len(paths) <= 1:
        return [_grade_safely(p, source, timeout) for p in paths]
    context = multiprocessing.get_context("spawn")
    with cf.ProcessPoolExecutor(max_workers=jobs, mp_context=context) as pool:
        futures = [pool.submit(_grade_safely, p, source, timeout) for p in paths]
        return [f.result() for f in futures]
