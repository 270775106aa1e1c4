"""The grader's own work on a submission grows linearly with its size (issue 16 §5).

A solution cell without its metadata plus a code cell of 100 000 blank lines once made
``solution_cell_of``'s search quadratic: seconds to minutes in the grader's process, outside
every budget, starving a classmate graded beside it. Timing on a shared machine is noisy, so
this compares the growth of two sizes measured in the same run, not a wall time.
"""

from __future__ import annotations

import time

from nbformat.v4 import new_code_cell

from bplab.grading.notebooks import solution_cell_of


def _seconds(blank_lines: int) -> float:
    cells = [new_code_cell("\n" * blank_lines + "x = 1"), new_code_cell("def f(a):\n    return a")]
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        assert solution_cell_of(cells, "ex05.f", "f") == 1
        best = min(best, time.perf_counter() - start)
    return best


def test_finding_a_solution_cell_is_linear_in_the_cell_size():
    small, large = _seconds(20_000), _seconds(160_000)
    # 8x the lines: linear costs ~8x, quadratic ~64x
    assert large < 24 * small + 0.05, (small, large)


def test_a_definition_after_indentation_is_still_found():
    cells = [new_code_cell("import numpy as np\n\n  \t def f(a):\n    return a")]
    assert solution_cell_of(cells, "ex05.f", "f") == 0
