"""The autograder on the fixture exercise: untouched exercise, solution, adversarial set.

Every submission is graded in ONE ``grade_many(..., jobs=2)`` call (kernel starts are the
cost), then each test reads its row.
"""

from __future__ import annotations

import json
import subprocess
import sys

import nbformat
import pytest
from attacks.kit import BUILDERS, EXPECTED, build
from grading_paths import SOURCE, needs_sandbox

from bplab.grading.autograde import grade_many
from bplab.grading.notebooks import generate_notebook
from bplab.grading.spec import Status
from bplab.grading.submissions import student_of

pytestmark = pytest.mark.slow

SOURCE_NB = SOURCE / "ex98_fixture.ipynb"
REPO = SOURCE.parents[3]
TIMEOUT = 4.0


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """{student: SubmissionGrade} for the whole set, plus the submission files' bytes."""
    needs_sandbox()
    folder = tmp_path_factory.mktemp("submissions")
    source = nbformat.read(SOURCE_NB, as_version=4)
    notebooks = {"untouched": generate_notebook(SOURCE_NB), "solution": source}
    notebooks.update({name: build(name, source) for name in BUILDERS})
    paths = []
    for student, nb in notebooks.items():
        (folder / student).mkdir()
        path = folder / student / "ex98_fixture.ipynb"
        nbformat.write(nb, path)
        paths.append(path)
    broken = folder / "garbled.ipynb"
    broken.write_text("{ this is not a notebook")
    paths.append(broken)
    before = {p: p.read_bytes() for p in paths}
    results = grade_many(paths, SOURCE, jobs=2, timeout=TIMEOUT)
    return {r.student: r for r in results}, before


def _points(result) -> tuple:
    return tuple(p.points for p in result.parts)


def test_every_part_that_did_not_pass_names_its_bug_key_in_the_data(graded):
    """The class report reads bug keys from the grades data only: every failed, erroring
    or timed-out part carries one, and one that passed or was never attempted none."""
    quiet = (Status.PASSED, Status.NOT_IMPLEMENTED)
    parts = [p for result in graded[0].values() for p in result.parts]
    assert {p.status for p in parts} - set(quiet), "no failure in the set: nothing checked"
    for part in parts:
        assert bool(part.bug) is (part.status not in quiet), (part.part_id, part.status,
                                                               part.bug, part.feedback)


def test_untouched_exercise_grades_zero_with_not_implemented(graded):
    result = graded[0]["untouched"]
    assert result.total == 0 and result.max_total == 6
    assert all(p.status == "not implemented" for p in result.parts)
    assert all("not implemented" in p.feedback for p in result.parts)


def test_solution_gets_full_marks_with_hidden_cases(graded):
    result = graded[0]["solution"]
    assert _points(result) == (3, 2, 1)
    assert "hidden" in result.parts[0].feedback
    assert all("all tests passed" not in p.feedback for p in result.parts)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_adversarial_submission_gets_its_partial_score(graded, name):
    result = graded[0][name]
    assert _points(result) == EXPECTED[name], [p.feedback for p in result.parts]


def test_feedback_names_the_failure(graded):
    results = graded[0]
    assert "timed out" in results["infinite_loop"].parts[0].feedback
    assert "sys.exit" in results["sys_exit"].parts[1].feedback
    assert "hidden case" in results["hard_coded"].parts[0].feedback
    assert "mask" in results["deleted_check_cells"].parts[1].feedback
    assert "transposed" in results["edited_check_cells"].parts[0].feedback
    assert "restart" in results["kernel_killer"].note
    assert "MB of printed output not kept" in results["output_flood"].note


def test_unreadable_submission_is_a_row_not_a_crash(graded):
    result = graded[0]["garbled"]
    assert result.total == 0 and "could not read" in result.note


def test_submissions_are_never_modified(graded):
    for path, content in graded[1].items():
        assert path.read_bytes() == content


def test_student_name_comes_from_folder_or_file(tmp_path):
    assert student_of(tmp_path / "alice" / "ex05_mlp_layers.ipynb") == "alice"
    assert student_of(tmp_path / "bob_ex05.ipynb") == "bob_ex05"


def test_cli_prints_a_table_and_writes_json(tmp_path, sandbox_available):
    path = tmp_path / "carol" / "ex98_fixture.ipynb"
    path.parent.mkdir()
    nbformat.write(nbformat.read(SOURCE_NB, as_version=4), path)
    out = tmp_path / "grades.json"
    proc = subprocess.run([sys.executable, "-m", "bplab", "grade", str(path), "--source",
                           str(SOURCE), "--timeout", "20", "--out", str(out)],
                          check=False, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert "carol" in proc.stdout and "6 / 6 points" in proc.stdout
    data = json.loads(out.read_text())
    assert data[0]["total"] == 6 and len(data[0]["parts"]) == 3


def test_without_bubblewrap_grade_refuses_in_one_line_unless_no_sandbox(tmp_path):
    path = tmp_path / "dave" / "ex98_fixture.ipynb"
    path.parent.mkdir()
    nbformat.write(nbformat.read(SOURCE_NB, as_version=4), path)
    env = {"PATH": str(tmp_path), "HOME": str(tmp_path), "BPLAB_HOME": str(tmp_path / "h"),
           "BPLAB_SPEC_PATH": str(SOURCE.parent / "specs"), "PYTHONPATH": str(REPO)}
    command = [sys.executable, "-m", "bplab", "grade", str(path), "--source", str(SOURCE),
               "--timeout", "20"]
    proc = subprocess.run(command, env=env, capture_output=True, text=True, timeout=300,
                          check=False)
    assert proc.returncode == 2 and "apt-get install bubblewrap" in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1
    proc = subprocess.run([*command, "--no-sandbox"], env=env, capture_output=True, text=True,
                          timeout=300, check=False)
    assert proc.returncode == 0 and "6 / 6 points" in proc.stdout, proc.stderr
    assert "warning: --no-sandbox" in proc.stderr


def _resolve(name: str, home) -> object:
    """The object ``name`` ("messages.Outcome", "_Plan.draw") names: the longest prefix that
    is a module of bplab.grading or bplab, then attributes; else an attribute of ``home``."""
    import importlib

    parts = name.split(".")
    for cut in range(len(parts), 0, -1):
        for package in ("bplab.grading", "bplab"):
            try:
                obj = importlib.import_module(f"{package}.{'.'.join(parts[:cut])}")
            except ModuleNotFoundError:
                continue
            for attr in parts[cut:]:
                obj = getattr(obj, attr, None)
            return obj
    obj = home
    for attr in parts:
        obj = getattr(obj, attr, None)
    return obj


def test_the_docstring_names_only_what_exists():
    """autograde's docstring is the map of a submission's path: every name it cites
    (``module.name``, ``Type``, ``_helper``) is a real object of bplab, so a rename that
    leaves the map behind fails here."""
    import re

    from bplab.grading import autograde

    names = set(re.findall(r"``([A-Za-z_][\w.]*)``", autograde.__doc__))
    assert len(names) > 25, sorted(names)
    assert _resolve("messages.NoSuchMessage", autograde) is None   # the check can fail
    for name in sorted(names - {"nbformat.NotebookNode", "str", "list", "dict", "tuple"}):
        assert _resolve(name, autograde) is not None, \
            f"autograde's docstring cites {name!r}, which does not exist"
