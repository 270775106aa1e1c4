"""The notebook the grader runs: the learner's cells, with every check cell from the source.

Learner check cells are dropped (edited or deleted ones change nothing) and the source's
check cells, without their hidden-test blocks, are put back after each part's solution
cell. Outputs are cleared; markdown is kept for readers of the graded copy.
"""

from __future__ import annotations

import copy
import re

from nbformat.v4 import new_notebook

from .generate import strip_hidden
from .markers import bplab_meta

__all__ = ["exercise_from", "rebuild", "solution_cell_of"]


def exercise_from(nb, file_name: str) -> str | None:
    """"ex05" from the notebook's part metadata, else from its file name; None if neither."""
    for cell in (nb.cells if nb is not None else []):
        match = re.match(r"^(ex\d\d)\.", str(bplab_meta(cell).get("part", "")))
        if match:
            return match.group(1)
    match = re.search(r"(ex\d\d)", file_name)
    return match.group(1) if match else None


def solution_cell_of(cells: list, part_id: str, name: str) -> int | None:
    """Index of the cell holding a part's solution: by metadata, else the cell defining
    ``name`` (``def name(`` or ``name =``)."""
    for i, cell in enumerate(cells):
        meta = bplab_meta(cell)
        if meta.get("part") == part_id and meta.get("role") == "solution":
            return i
    pattern = re.compile(rf"^\s*(def\s+{re.escape(name)}\s*\(|{re.escape(name)}\s*=)", re.MULTILINE)
    for i, cell in enumerate(cells):
        if cell.cell_type == "code" and pattern.search(cell.source):
            return i
    return None


def rebuild(student_nb, source_nb, source_name: str):
    """The graded notebook: learner cells (no outputs, no learner check cells) with the
    source's check cells restored after each solution cell."""
    checks = {}
    for cell in strip_hidden(copy.deepcopy(source_nb), source_name).cells:
        meta = bplab_meta(cell)
        if meta.get("role") == "check":
            checks[meta["part"]] = cell
    cells = []
    for cell in student_nb.cells:
        meta = bplab_meta(cell)
        if cell.cell_type not in ("code", "markdown") or meta.get("role") == "check":
            continue
        cell = copy.deepcopy(cell)
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
        cells.append(cell)
        if meta.get("role") == "solution" and meta.get("part") in checks:
            cells.append(checks.pop(meta["part"]))
    cells += list(checks.values())
    return new_notebook(cells=cells, metadata=copy.deepcopy(source_nb.metadata))
