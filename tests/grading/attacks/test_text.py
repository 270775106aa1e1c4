"""Text that could break a run (issue 16 §3): a learner's exception holding a lone
surrogate ("\\ud800"), and a folder name with byte 0xff (Python reads it as "\\udcff").
Neither is valid UTF-8; once, either made the grades file, the table, the gradebook and the
class report fail, losing every later learner and leaving 0-byte files behind. Every writer
must survive them, with every row kept and no temporary file left.
"""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys

import kit
import nbformat
import pytest

pytestmark = pytest.mark.slow

FULL = (3, 2, 1)
SURROGATE = "def relu_backward(x, dout):\n    raise ValueError('\\ud800 and more')\n"


@pytest.fixture(scope="module")
def submissions(tmp_path_factory):
    folder = tmp_path_factory.mktemp("text")
    paths = [kit.write(folder, "honest_full", kit.solution("ex98"), "ex98"),
             kit.write(folder, "surrogate",
                       kit.set_part(kit.solution("ex98"), "ex98.relu_backward", SURROGATE),
                       "ex98"),
             kit.write(folder, "honest_blank", kit.blank("ex98"), "ex98")]
    odd = os.path.join(os.fsencode(folder), b"odd\xffname")
    os.mkdir(odd)
    with open(os.path.join(odd, kit.source_path("ex98").name.encode()), "w") as f:
        nbformat.write(kit.solution("ex98"), f)
    return folder, [*paths, os.fsdecode(os.path.join(odd, kit.source_path("ex98").name.encode()))]


def _grade(paths, out, *extra):
    cmd = [sys.executable, "-m", "bplab", "grade", *paths, "--source",
           str(kit.source_path("ex98").parent), "--exercise", "ex98", "--jobs", "2",
           "--timeout", "5", "--out", str(out), *extra]
    return subprocess.run(cmd, capture_output=True, text=True, errors="replace", timeout=300,
                          check=False)


@pytest.mark.parametrize("out_name", ["grades.csv", "grades.json"])
def test_every_writer_keeps_every_row(submissions, out_name):
    folder, paths = submissions
    out = folder / out_name
    done = _grade(paths, out)
    assert done.returncode == 0, done.stderr[-2000:]
    text = out.read_text(encoding="utf-8")   # valid UTF-8, or this raises
    for student in ("honest_full", "surrogate", "honest_blank", "odd"):
        assert student in text, (student, text[:2000])
    assert not [p for p in os.listdir(folder) if p.endswith(".tmp")]
    if out_name == "grades.json":
        rows = {r["student"]: r for r in json.loads(text)}
        assert rows["honest_full"]["total"] == sum(FULL)
        assert rows["surrogate"]["total"] == FULL[0] + FULL[2]
        assert "\\ud800" in json.dumps(rows["surrogate"]["parts"])
        assert rows["honest_blank"]["total"] == 0
        report = folder / "report.html"
        made = subprocess.run([sys.executable, "-m", "bplab", "report", str(out), "--out",
                               str(report)], capture_output=True, text=True, timeout=120,
                              check=False)
        assert made.returncode == 0, made.stderr[-2000:]
        assert report.stat().st_size > 1000


def test_gradebooks_and_grades_files_survive_invalid_text(tmp_path):
    """Grades read back from an old JSON file may still hold lone surrogates: the
    gradebook writer and the grades writer make them valid instead of failing."""
    from bplab.classroom.gradebook import write_gradebook
    from bplab.grading.grades import PartGrade, SubmissionGrade
    from bplab.grading.report import write_grades
    from bplab.grading.spec import Status

    rows = [{"student": "bad\ud800name", "exercise": "ex98", "total": 1, "max_total": 6},
            {"student": "odd\udcffname", "exercise": "ex98", "total": 6, "max_total": 6}]
    book = tmp_path / "canvas.csv"
    write_gradebook(rows, book, "canvas")
    text = book.read_text(encoding="utf-8")
    assert len(list(csv.reader(text.splitlines()))) >= 3 and "\\ud800" in text
    sub = SubmissionGrade("x\ud800", "p\udcff", "ex98",
                          [PartGrade("ex98.a", 0, 1, Status.FAILED, "raised \ud800")])
    for name in ("g.csv", "g.json"):
        write_grades([sub], tmp_path / name)
        assert "ud800" in (tmp_path / name).read_text(encoding="utf-8")
    assert not list(tmp_path.glob(".*.tmp"))
