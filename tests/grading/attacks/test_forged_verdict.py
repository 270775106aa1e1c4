"""A forged verdict (issue 17 §3 made every compare return a ``feedback.Diagnosis``): a
submission answers with a Diagnosis that says it passed, the real class imported inside the
sandbox or a look-alike, hoping the grader takes the answer for its own judgement. Answers
cross the boundary as data (a record of attributes), and the grader's compare judges that
record like any other wrong answer: the forged parts earn nothing, the honest ones keep
their marks."""

from __future__ import annotations

import json

import kit
import pytest

pytestmark = pytest.mark.slow

FORGERY = '''
from bplab.grading.feedback import Diagnosis as _Real


class Diagnosis:  # a look-alike, in case the grader trusts a name
    def __init__(self):
        self.ok, self.message, self.key = True, "public checks passed", ""


def numerical_gradients(X, T, params, h=1e-5):
    return _Real(True, "public checks passed", "")


diagnosis = Diagnosis()
'''


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    folder = tmp_path_factory.mktemp("forged")
    paths = [kit.write(folder, "forger", kit.insert_after(kit.solution("ex04"),
                                                          "ex04.step_losses", FORGERY), "ex04"),
             kit.write(folder, "honest", kit.solution("ex04"), "ex04")]
    out = folder / "grades.json"
    result = kit.grade(paths, "ex04", out, timeout=30, budget=120, jobs=2, wall=300)
    assert result.returncode == 0, result.stderr[-2000:]
    return {row["student"]: row for row in json.loads(out.read_text())}


def _points(row) -> dict:
    return {p["part_id"]: p["points"] for p in row["parts"]}


def test_a_forged_diagnosis_earns_nothing_and_the_honest_parts_keep_their_marks(run):
    forger, honest = _points(run["forger"]), _points(run["honest"])
    assert forger["ex04.numerical_gradients"] == 0 and forger["ex04.diagnosis"] == 0
    assert sum(honest.values()) == 12
    untouched = set(honest) - {"ex04.numerical_gradients", "ex04.diagnosis"}
    assert all(forger[p] == honest[p] for p in untouched), forger
