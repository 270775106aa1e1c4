"""The notebook conventions shared by the generator and the grader.

A graded part has two code cells, marked in their metadata:
``{"bplab": {"part": "ex05.linear_backward", "role": "solution"}}`` (the learner's code)
and ``{"bplab": {"part": ..., "role": "check", "points": 3}}`` (the ``bp.check`` call).
Inside cells, ``### BEGIN SOLUTION`` / ``### END SOLUTION`` and ``### BEGIN HIDDEN TESTS``
/ ``### END HIDDEN TESTS`` delimit what the student copy replaces or removes.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .registry import exercise_of, load_parts

__all__ = ["NotebookError", "PartCells", "bplab_meta", "part_cells", "replace_blocks"]

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
