"""Names (issue 16 §10): ``mallory/alice.ipynb`` graded with ``*/*.ipynb`` is named alice;
once, the higher of alice's two totals silently won, so mallory set alice's grade. And a
folder named ``Points Possible`` made a second such row in a Canvas gradebook. Now both
claims on alice are error rows naming each other, and an LMS's own row names are refused.
"""

from __future__ import annotations

import json

import kit
import nbformat
import pytest

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def rows(tmp_path_factory):
    folder = tmp_path_factory.mktemp("names")
    paths = [kit.write(folder, "alice", kit.blank("ex98"), "ex98"),
             kit.write(folder, "carol", kit.solution("ex98"), "ex98"),
             kit.write(folder, "Points Possible", kit.solution("ex98"), "ex98"),
             kit.write(folder, "honest_blank", kit.blank("ex98"), "ex98")]
    (folder / "mallory").mkdir()
    nbformat.write(kit.solution("ex98"), folder / "mallory" / "alice.ipynb")
    paths.insert(1, folder / "mallory" / "alice.ipynb")
    out = folder / "grades.json"
    run = kit.grade(paths, "ex98", out, timeout=10, budget=40, jobs=2, wall=200)
    assert run.returncode == 0, run.stderr[-2000:]
    return json.loads(out.read_text())


def test_two_claims_on_one_student_are_both_error_rows_naming_each_other(rows):
    alice = [r for r in rows if r["student"] == "alice"]
    assert len(alice) == 2
    for row in alice:
        assert sum(p["points"] for p in row["parts"]) == 0, row
        assert all(p["status"] == "error" for p in row["parts"]), row
        assert "mallory/alice.ipynb" in row["note"] and "alice/ex98" in row["note"], row


def test_a_name_an_lms_reads_as_its_own_row_is_refused(rows):
    (row,) = [r for r in rows if r["student"] == "Points Possible"]
    assert sum(p["points"] for p in row["parts"]) == 0
    assert "rename the folder" in row["note"], row


def test_the_controls_keep_their_marks(rows):
    by_name = {r["student"]: r for r in rows}
    assert sum(p["points"] for p in by_name["carol"]["parts"]) == 6
    assert sum(p["points"] for p in by_name["honest_blank"]["parts"]) == 0
