"""Exercise notebooks: their conventions, the student copies, and the notebook the grader runs.

A graded part has two code cells, marked in their metadata:
``{"bplab": {"part": "ex05.linear_backward", "role": "solution"}}`` (the learner's code)
and ``{"bplab": {"part": ..., "role": "check", "points": 3}}`` (the ``bp.check`` call).
Inside cells, ``### BEGIN SOLUTION`` / ``### END SOLUTION`` and ``### BEGIN HIDDEN TESTS``
/ ``### END HIDDEN TESTS`` delimit what the student copy replaces or removes.

``generate`` writes exercises/ from solutions/ with a short pipeline of small steps
(nbgrader-style preprocessors), and the public data of every exercise
(``bplab/grading/public/exNN.json``, see ``check``). Output is deterministic, so ``--check``
can compare it byte for byte. A manifest, ``exercises/.manifest.json``, records the sha256
of every notebook the generator wrote; one whose content no longer matches it was edited by
hand and is not overwritten unless ``force=True``.

``graded_notebook`` is what the grader runs: the learner's code cells only (their check
cells, markdown and outputs dropped), so an edited or deleted check cell changes nothing.
"""

from __future__ import annotations

import copy
import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
import numpy as np
from nbformat.v4 import new_notebook

from .check import PUBLIC_DIR
from .publish import public_data
from .spec import (
    PART_ID,
    exercise_in,
    exercise_notebooks,
    exercise_of,
    load_parts,
    notebook_exercise,
)

__all__ = ["KERNELSPEC", "PIPELINE", "GenerateReport", "NotebookError", "PartCells",
           "bplab_meta", "exercise_from", "generate", "generate_notebook", "graded_notebook",
           "jupyterlab_form", "part_cells", "render", "replace_blocks", "solution_cell_of"]

ROLES = ("solution", "check")


class NotebookError(ValueError):
    """A notebook breaks the conventions; the message names the notebook and the cell."""


def bplab_meta(cell) -> dict:
    """The cell's ``bplab`` metadata (empty dict when it has none or it is malformed)."""
    meta = cell.get("metadata", {}).get("bplab", {})
    return meta if isinstance(meta, dict) else {}


@dataclass
class PartCells:
    """Where one part lives in a notebook: cell indices and the points of its check cell."""

    part_id: str
    solution: int | None = None
    check: int | None = None
    points: int | None = None
    extra: list = field(default_factory=list)


def _where(name: str, index: int, cell) -> str:
    """'solutions/ex05.ipynb, cell 7 (id ab12)' for error messages."""
    cid = cell.get("id")
    return f"{name}, cell {index}" + (f" (id {cid})" if cid else "")


def part_cells(nb, name: str) -> dict[str, PartCells]:
    """Map part id -> PartCells for a notebook, checked against the exercise's spec.

    Verification: roles are known, each part has one solution and one check cell, the
    check cell's ``points`` equal ``Part.points``, and every part of the spec appears.
    """
    found: dict[str, PartCells] = {}
    for index, cell in enumerate(nb.cells):
        meta = bplab_meta(cell)
        if "part" not in meta:
            continue
        part_id, role = meta["part"], meta.get("role")
        exercise_of(part_id)  # ValueError for a malformed id
        if role not in ROLES:
            raise NotebookError(f"{_where(name, index, cell)}: bplab role must be one of "
                                f"{ROLES}, got {role!r}")
        entry = found.setdefault(part_id, PartCells(part_id))
        if getattr(entry, role) is not None:
            raise NotebookError(f"{_where(name, index, cell)}: a second {role} cell for "
                                f"{part_id}")
        setattr(entry, role, index)
        if role == "check":
            entry.points = meta.get("points")
    _verify_against_spec(found, name)
    return found


def _verify_against_spec(found: dict[str, PartCells], name: str) -> None:
    """Every spec part has both cells and the same points; no unknown parts."""
    exercises = {exercise_of(pid) for pid in found}
    if len(exercises) > 1:
        raise NotebookError(f"{name}: parts of several exercises {sorted(exercises)}")
    for exercise in exercises:
        spec = {p.id: p for p in load_parts(exercise)}
        for pid, cells in found.items():
            if pid not in spec:
                raise NotebookError(f"{name}: part {pid} is not in the spec "
                                    f"(bplab/grading/exercises/{exercise}.py has {list(spec)})")
            for role in ROLES:
                if getattr(cells, role) is None:
                    raise NotebookError(f"{name}: part {pid} has no {role} cell")
            if cells.points != spec[pid].points:
                raise NotebookError(
                    f"{name}, cell {cells.check}: points of {pid} disagree: check cell "
                    f"metadata says {cells.points!r}, the spec says {spec[pid].points}")
        missing = [pid for pid in spec if pid not in found]
        if missing:
            raise NotebookError(f"{name}: spec parts with no cells in the notebook: {missing}")


def replace_blocks(source: str, begin: str, end: str, replacement, where: str) -> str:
    """Replace each ``begin``..``end`` block of lines by ``replacement(indent) -> lines``.

    Markers are whole lines (leading whitespace allowed). An unmatched or nested marker
    raises NotebookError naming ``where`` and the line.
    """
    out, start = [], None
    lines = source.split("\n")
    for number, line in enumerate(lines, 1):
        stripped = line.strip()
        if stripped == begin:
            if start is not None:
                raise NotebookError(f"{where}: {begin!r} on line {number} inside another "
                                    f"block opened on line {start[0]} (missing {end!r})")
            start = (number, line[: len(line) - len(line.lstrip())])
        elif stripped == end:
            if start is None:
                raise NotebookError(f"{where}: {end!r} on line {number} has no {begin!r}")
            out += replacement(start[1])
            start = None
        elif start is None:
            out.append(line)
    if start is not None:
        raise NotebookError(f"{where}: {begin!r} on line {start[0]} has no matching {end!r}")
    return "\n".join(out)

MANIFEST = ".manifest.json"
SOLUTION = ("### BEGIN SOLUTION", "### END SOLUTION")
HIDDEN = ("### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS")


def check_parts(nb, name: str):
    """Verify part cells and points against the spec (errors name notebook and cell)."""
    part_cells(nb, name)
    return nb


def clear_outputs(nb, name: str):
    """No outputs, no execution counts, no execution timing."""
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
        cell.metadata.pop("execution", None)
    nb.metadata.pop("widgets", None)
    return nb


def replace_solutions(nb, name: str):
    """Solution blocks -> '# YOUR CODE HERE' + 'raise NotImplementedError()' (code) or
    'YOUR ANSWER HERE' (markdown), at the indentation of the BEGIN marker."""
    for index, cell in enumerate(nb.cells):
        where = f"{name}, cell {index}" + (f" (id {cell.get('id')})" if cell.get("id") else "")
        if cell.cell_type == "code":
            stub = (lambda ind: [f"{ind}# YOUR CODE HERE", f"{ind}raise NotImplementedError()"])
        else:
            stub = (lambda ind: [f"{ind}YOUR ANSWER HERE"])
        cell.source = replace_blocks(cell.source, *SOLUTION, stub, where)
    return nb


def strip_hidden(nb, name: str):
    """Remove hidden-test blocks (markers included) and the blank lines they leave."""
    for index, cell in enumerate(nb.cells):
        where = f"{name}, cell {index}" + (f" (id {cell.get('id')})" if cell.get("id") else "")
        new = replace_blocks(cell.source, *HIDDEN, lambda ind: [], where)
        cell.source = new.rstrip("\n") if new != cell.source else new
    return nb


def set_metadata(nb, name: str):
    """Record where the copy came from; drop the source's run-specific metadata."""
    nb.metadata["bplab"] = {"generated_from": f"solutions/{Path(name).name}",
                            "note": "generated by `python -m bplab exercises`: edit the source"}
    for cell in nb.cells:
        meta = bplab_meta(cell)
        if meta:
            cell.metadata["bplab"] = dict(meta)
    return nb


# What JupyterLab writes on save (ipykernel's kernelspec; language_info when a source has none)
KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}
LANGUAGE_INFO = {"codemirror_mode": {"name": "ipython", "version": 3}, "file_extension": ".py",
                 "mimetype": "text/x-python", "name": "python", "nbconvert_exporter": "python",
                 "pygments_lexer": "ipython3", "version": "3.11.7"}
CELL_ID = re.compile(r"^[a-zA-Z0-9_-]{1,64}$")


def jupyterlab_form(nb, name: str):
    """The form JupyterLab saves, so a fresh copy opens unmodified: nbformat 4.5, a valid
    unique id on every cell (fixed: the source's, else one made from the file name and the
    cell's place), ipykernel's kernelspec and a language_info."""
    nb.nbformat, nb.nbformat_minor = 4, 5
    seen: set[str] = set()
    for index, cell in enumerate(nb.cells):
        cid, salt = cell.get("id"), 0
        while not (isinstance(cid, str) and CELL_ID.match(cid)) or cid in seen:
            cid = hashlib.sha256(f"{Path(name).name}:{index}:{salt}".encode()).hexdigest()[:8]
            salt += 1
        cell["id"] = cid
        seen.add(cid)
    nb.metadata["kernelspec"] = dict(KERNELSPEC)
    nb.metadata.setdefault("language_info", copy.deepcopy(LANGUAGE_INFO))
    return nb


PIPELINE = [check_parts, clear_outputs, replace_solutions, strip_hidden, set_metadata,
            jupyterlab_form]


def generate_notebook(path: str | Path):
    """The student copy of the source notebook at ``path`` (a NotebookNode)."""
    path = Path(path)
    nb = nbformat.read(path, as_version=4)
    for step in PIPELINE:
        nb = step(nb, str(path))
    return nb


def render(nb) -> str:
    """The notebook as the exact text written to disk."""
    return nbformat.writes(nb) + "\n"


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


@dataclass
class GenerateReport:
    """What ``generate`` did (or, with check=True, found)."""

    written: list = field(default_factory=list)
    unchanged: list = field(default_factory=list)
    refused: list = field(default_factory=list)
    differing: list = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """No refusals and (for --check) no differences."""
        return not self.refused and not self.differing


def _expected(source: Path, dest: Path, public: Path) -> dict[Path, str]:
    """{path: text} of every generated file: the student notebooks, their manifest, and
    the public data of each exercise."""
    sources = exercise_notebooks(source)
    files = {dest / p.name: render(generate_notebook(p)) for p in sources}
    manifest = {path.name: _sha(text) for path, text in files.items()}
    files[dest / MANIFEST] = json.dumps(manifest, indent=1, sort_keys=True) + "\n"
    for exercise in sorted({notebook_exercise(p) for p in sources}):
        files[public / f"{exercise}.json"] = public_data(exercise)
    return files


def _same_data(old: str | None, new: str) -> bool:
    """Public data equal up to round-off (BLAS may change the last bits between machines)."""
    from .wire import PUBLIC_OUTER, WireError, loads

    if old is None:
        return False
    try:
        return _close(loads(old, PUBLIC_OUTER), loads(new, PUBLIC_OUTER))
    except (WireError, ValueError):
        return False


def _close(a, b) -> bool:
    """The same plain data (wire.to_data's types) in every node, arrays up to round-off."""
    from .wire import Record

    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        return (isinstance(a, np.ndarray) and isinstance(b, np.ndarray) and a.shape == b.shape
                and a.dtype == b.dtype and np.allclose(a, b, rtol=1e-9, atol=1e-12))
    if type(a) is not type(b):
        return False
    if isinstance(a, Record):
        return a.type == b.type and _close(a.attrs, b.attrs)
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(_close(a[k], b[k]) for k in a)
    if isinstance(a, (list, tuple)):
        return len(a) == len(b) and all(_close(x, y) for x, y in zip(a, b))
    if isinstance(a, float):
        return bool(np.isclose(a, b, rtol=1e-9, atol=1e-12, equal_nan=True))
    return a == b


def generate(source: str | Path = "solutions", dest: str | Path = "exercises",
             check: bool = False, force: bool = False,
             public: str | Path = PUBLIC_DIR) -> GenerateReport:
    """Generate (or with ``check``, compare) ``dest`` and the public data from ``source``.

    A notebook in ``dest`` that differs from both what would be written and what the
    manifest says was last written was edited by hand: it is refused unless ``force``.
    """
    source, dest, public = Path(source), Path(dest), Path(public)
    if not source.is_dir():
        raise ValueError(f"source must be a folder of exNN_*.ipynb, got {str(source)!r}")
    files, report = _expected(source, dest, public), GenerateReport()
    try:
        manifest = json.loads((dest / MANIFEST).read_text())
    except (OSError, ValueError):
        manifest = {}
    for target, text in files.items():
        current = target.read_text() if target.exists() else None
        name = str(target.relative_to(dest)) if target.parent == dest else str(target)
        if current == text or (target.parent == public and _same_data(current, text)):
            report.unchanged.append(name)
        elif check:
            report.differing.append(name)
        elif (current is not None and target.parent == dest and target.name != MANIFEST
              and not force and manifest.get(target.name) != _sha(current)):
            report.refused.append(name)
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text)
            report.written.append(name)
    return report


# ---- the notebook the grader runs ------------------------------------------------------------
def exercise_from(nb, file_name: str) -> str | None:
    """"ex05" from the notebook's part metadata, else from its file name; None if neither."""
    for cell in (nb.cells if nb is not None else []):
        part = str(bplab_meta(cell).get("part", ""))
        if PART_ID.match(part):
            return exercise_of(part)
    return exercise_in(file_name)


def solution_cell_of(cells: list, part_id: str, name: str) -> int | None:
    """Index of the cell holding a part's solution: by metadata, else the cell defining
    ``name`` (``def name(`` or ``name =``)."""
    for i, cell in enumerate(cells):
        meta = bplab_meta(cell)
        if meta.get("part") == part_id and meta.get("role") == "solution":
            return i
    # [ \t]*, not \s*: \s crosses newlines, and from every line start it would rescan all
    # the blank lines below (a cell of 100 000 of them took minutes, in the grader's process)
    pattern = re.compile(rf"^[ \t]*(def[ \t]+{re.escape(name)}[ \t]*\(|{re.escape(name)}[ \t]*=)",
                         re.MULTILINE)
    for i, cell in enumerate(cells):
        if cell.cell_type == "code" and pattern.search(cell.source):
            return i
    return None


def graded_notebook(student_nb):
    """The learner's code cells, without outputs and without their check cells (the grader
    judges outside the notebook, so an edited or deleted check cell changes nothing)."""
    cells = []
    for cell in student_nb.cells:
        if cell.cell_type != "code" or bplab_meta(cell).get("role") == "check":
            continue
        cell = copy.deepcopy(cell)
        cell.outputs, cell.execution_count = [], None
        cells.append(cell)
    return new_notebook(cells=cells, metadata={"kernelspec": {
        "name": "python3", "language": "python", "display_name": "Python 3"}})
