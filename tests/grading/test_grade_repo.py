"""The course's own exercises: every solution grades to full marks, every untouched
exercise to 0 with "not implemented" feedback, and nothing crashes (one --jobs 2 run)."""

from __future__ import annotations

from pathlib import Path

import pytest
from grading_paths import needs_sandbox

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


def test_grading_one_exercise_loads_only_its_key():
    """Issue 17 §3: grading ex01 used to import every exercise's key (ex01 ... ex12)."""
    import subprocess
    import sys

    code = ("import sys\n"
            "from bplab.grading.autograde import grade_many\n"
            "[g] = grade_many(['solutions/ex01_chain_rule.ipynb'], 'solutions', exercise='ex01',"
            " sandbox=False, timeout=60)\n"
            "assert g.total == g.max_total, g\n"
            "print(sorted(m for m in sys.modules if m.startswith('bplab.grading.exercises.ex')))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=300, check=False, cwd=str(REPO))
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip().splitlines()[-1] == "['bplab.grading.exercises.ex01']"
