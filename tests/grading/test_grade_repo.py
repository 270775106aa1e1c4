"""The course's own exercises: every solution grades to full marks, every untouched
exercise to 0 with "not implemented" feedback, and nothing crashes (one --jobs 2 run)."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import needs_sandbox

from bplab.grading.autograde import grade_many

REPO = Path(__file__).resolve().parents[2]
SOLUTIONS = sorted((REPO / "solutions").glob("ex[0-9][0-9]_*.ipynb"))
EXERCISES = sorted((REPO / "exercises").glob("ex[0-9][0-9]_*.ipynb"))

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(not SOLUTIONS, reason="solutions/ has no exercises yet")]


@pytest.fixture(scope="module")
def grades():
    needs_sandbox()
    results = grade_many(SOLUTIONS + EXERCISES, REPO / "solutions", jobs=2, timeout=120)
    return {Path(r.path).name + ":" + Path(r.path).parent.name: r for r in results}


@pytest.mark.parametrize("path", SOLUTIONS, ids=lambda p: p.stem)
def test_solution_gets_full_marks(grades, path):
    result = grades[f"{path.name}:solutions"]
    assert result.parts and result.total == result.max_total, [
        (p.part_id, p.feedback) for p in result.parts if p.points < p.max_points]


@pytest.mark.parametrize("path", EXERCISES, ids=lambda p: p.stem)
def test_untouched_exercise_grades_zero_not_implemented(grades, path):
    result = grades[f"{path.name}:exercises"]
    assert result.parts and result.total == 0
    assert all("not implemented" in p.feedback for p in result.parts), [
        (p.part_id, p.feedback) for p in result.parts]
