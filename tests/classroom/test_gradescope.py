"""Gradescope: the zip, setup.sh in a root laid out like /autograder, run_autograder on a
blank, a partial and a full submission, and results.json against Gradescope's documented
fields (gradescope-autograders.readthedocs.io, "Autograder Specifications")."""

import json
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import nbformat
import pytest
from needs import needs_sandbox

from bench.bench_classroom import BLANK, SOLUTION, _solved_cells
from bplab.classroom.cli import main
from bplab.classroom.gradescope import build_autograder, to_results

REPO = Path(__file__).resolve().parents[2]
# Gradescope's documented results.json fields, and each one's JSON type.
TOP_FIELDS = {"score": (int, float), "execution_time": (int, float), "output": str,
              "output_format": str, "test_output_format": str, "test_name_format": str,
              "visibility": str, "stdout_visibility": str, "extra_data": dict,
              "tests": list, "leaderboard": list}
TEST_FIELDS = {"score": (int, float), "max_score": (int, float), "status": str, "name": str,
               "name_format": str, "number": str, "output": str, "output_format": str,
               "tags": list, "visibility": str, "extra_data": dict}
VISIBILITY = {"hidden", "after_due_date", "after_published", "visible"}


def validate_results(results: dict) -> None:
    """Fail unless ``results`` uses only Gradescope's documented fields, with their types."""
    assert set(results) <= set(TOP_FIELDS), set(results) - set(TOP_FIELDS)
    for key, value in results.items():
        assert isinstance(value, TOP_FIELDS[key]), (key, value)
    assert "score" in results or all("score" in t for t in results["tests"])
    assert results.get("visibility", "visible") in VISIBILITY
    assert results.get("stdout_visibility", "hidden") in {"hidden", "visible"}
    for test in results.get("tests", []):
        assert set(test) <= set(TEST_FIELDS), set(test) - set(TEST_FIELDS)
        for key, value in test.items():
            assert isinstance(value, TEST_FIELDS[key]), (key, value)
        assert test.get("visibility", "visible") in VISIBILITY
        assert test.get("status", "passed") in {"passed", "failed"}
        assert 0 <= test["score"] <= test["max_score"] or test["max_score"] == 0


def _unpack(zip_path: Path, root: Path) -> Path:
    """Lay ``zip_path`` out as Gradescope does: root/source/<zip>, root/run_autograder."""
    (root / "source").mkdir(parents=True)
    with zipfile.ZipFile(zip_path) as archive:
        archive.extractall(root / "source")
        for info in archive.infolist():   # extractall drops the executable bits
            os.chmod(root / "source" / info.filename, (info.external_attr >> 16) & 0o777)
    shutil.copy(root / "source" / "run_autograder", root / "run_autograder")
    return root


def _env(root: Path, **extra) -> dict:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    return dict(env, AUTOGRADER_ROOT=str(root), BPLAB_SKIP_APT="1", **extra)


def _setup(root: Path, **env) -> subprocess.CompletedProcess:
    return subprocess.run(["bash", str(root / "source" / "setup.sh")], check=False,
                          capture_output=True, text=True, env=_env(root, **env), timeout=1800)


@pytest.fixture(scope="module")
def autograder():
    """An autograder for ex05 (hidden-case details after the due date), unpacked outside
    /tmp (the grader's sandbox puts a private tmpfs over /tmp, as over Gradescope's
    /autograder it does not) and set up as on Gradescope: a fresh venv, pip from
    requirements.txt through this machine's package index. Without an index, setup.sh
    reuses the test venv's packages instead (BPLAB_REUSE_PYTHON)."""
    tmp = Path(tempfile.mkdtemp(prefix="bplab-gradescope-",
                                dir="/var/tmp" if os.path.isdir("/var/tmp") else None))
    zip_path = build_autograder("ex05", tmp / "autograder.zip", source=REPO / "solutions",
                                hidden_visibility="after_due_date", timeout=60)
    root = _unpack(zip_path, tmp / "autograder")
    done = _setup(root)
    if done.returncode != 0 and "No matching distribution" in done.stderr:
        done = _setup(root, BPLAB_REUSE_PYTHON=sys.executable)
    assert done.returncode == 0, done.stderr[-3000:]
    where = subprocess.run([str(root / "bplab-venv" / "bin" / "python"), "-c",
                            "import bplab; print(bplab.__file__)"], capture_output=True,
                           text=True, env=_env(root), check=True, cwd=root)
    assert where.stdout.startswith(str(root / "bplab-venv"))   # not the repository's bplab
    yield root
    shutil.rmtree(tmp, ignore_errors=True)


def _run(root: Path, notebook: Path) -> dict:
    """Submit ``notebook`` and run run_autograder; the results.json it wrote."""
    shutil.rmtree(root / "submission", ignore_errors=True)
    shutil.rmtree(root / "results", ignore_errors=True)
    (root / "submission").mkdir()
    (root / "results").mkdir()
    shutil.copy(notebook, root / "submission" / notebook.name)
    done = subprocess.run([str(root / "run_autograder")], cwd=root, check=False,
                          capture_output=True,
                          text=True, env=_env(root), timeout=600)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    results = json.loads((root / "results" / "results.json").read_text())
    validate_results(results)
    return results


def test_the_zip_holds_the_grader_side_and_only_this_exercise(tmp_path):
    zip_path = build_autograder("ex05", tmp_path / "a.zip", source=REPO / "solutions")
    names = set(zipfile.ZipFile(zip_path).namelist())
    assert {"setup.sh", "run_autograder", "requirements.txt", "bplab_autograder.json",
            "solutions/ex05_mlp_layers.ipynb", "grader/pyproject.toml",
            "grader/bplab/grading/exercises/ex05.py"} <= names
    assert not any(n.startswith(("solutions/ex04", "exercises/", "notebooks/")) for n in names)
    assert not any("__pycache__" in n for n in names)
    requirements = zipfile.ZipFile(zip_path).read("requirements.txt").decode()
    assert "numpy==" in requirements and "nbclient==" in requirements
    assert "pytest" not in requirements and "playwright" not in requirements


def test_a_zip_for_a_missing_exercise_is_one_line_and_exit_2(tmp_path, capsys):
    assert main(["gradescope", "ex42", "--out", str(tmp_path / "a.zip"),
                 "--source", str(REPO / "solutions")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "ex42" in err[0] and "ex05" in err[0]
    assert not (tmp_path / "a.zip").exists()


@pytest.mark.slow
def test_blank_submission_scores_zero_with_feedback_per_part(autograder):
    results = _run(autograder, REPO / "exercises" / "ex05_mlp_layers.ipynb")
    assert results["score"] == 0
    assert [t["name"] for t in results["tests"]] == [
        "ex05.prelu_backward", "ex05.softmax_cross_entropy", "ex05.huber_loss",
        "ex05.minibatch_sgd", "ex05.predict"]
    assert sum(t["max_score"] for t in results["tests"]) == 13
    assert all("not implemented" in t["output"] for t in results["tests"])


@pytest.mark.slow
def test_partial_submission_scores_the_solved_parts(autograder, tmp_path):
    blank = nbformat.read(BLANK, as_version=4)
    blank.cells = _solved_cells(nbformat.read(SOLUTION, as_version=4), blank,
                                {"ex05.prelu_backward", "ex05.huber_loss"})
    notebook = tmp_path / "ex05_mlp_layers.ipynb"
    nbformat.write(blank, notebook)
    results = _run(autograder, notebook)
    scores = {t["name"]: t["score"] for t in results["tests"]}
    assert scores == {"ex05.prelu_backward": 3, "ex05.softmax_cross_entropy": 0,
                      "ex05.huber_loss": 2, "ex05.minibatch_sgd": 0, "ex05.predict": 0}
    assert results["score"] == 5


@pytest.mark.slow
def test_full_submission_scores_full_marks(autograder):
    results = _run(autograder, REPO / "solutions" / "ex05_mlp_layers.ipynb")
    assert results["score"] == 13
    assert all(t["status"] == "passed" and t["visibility"] == "visible"
               for t in results["tests"])


@pytest.mark.slow
def test_no_notebook_or_another_exercise_is_a_zero_that_says_why(autograder, tmp_path):
    results = _run(autograder, REPO / "solutions" / "ex04_two_layer_backprop.ipynb")
    assert results["score"] == 0 and "ex04" in results["output"]   # says which it is
    (tmp_path / "notes.txt").write_text("no notebook")
    results = _run(autograder, tmp_path / "notes.txt")
    assert results["score"] == 0 and "no .ipynb" in results["output"]


def test_failures_on_hidden_cases_show_their_details_after_the_due_date():
    graded = {"student": "s", "exercise": "ex05", "total": 1, "max_total": 4, "seconds": 2.4,
              "note": "", "parts": [
                  {"part_id": "ex05.a", "points": 1, "max_points": 1, "status": "passed",
                   "feedback": "passed (2 public + 2 hidden cases)", "bug": ""},
                  {"part_id": "ex05.b", "points": 0, "max_points": 3, "status": "failed",
                   "feedback": "on a hidden case (N=6): dW looks transposed", "bug": "",
                   "hidden_case": True}]}
    results = to_results(graded, "after_due_date")
    validate_results(results)
    assert [(t["name"], t["score"], t["max_score"], t["visibility"]) for t in results["tests"]] \
        == [("ex05.a", 1, 1, "visible"), ("ex05.b", 0, 3, "visible"),
            ("ex05.b: hidden case details", 0, 0, "after_due_date")]
    assert [t["status"] for t in results["tests"]] == ["passed", "failed", "failed"]
    assert "transposed" not in results["tests"][1]["output"]
    assert "transposed" in results["tests"][2]["output"]
    visible = to_results(graded, "visible")
    assert len(visible["tests"]) == 2 and "transposed" in visible["tests"][1]["output"]


def test_the_grade_command_follows_the_contract_and_the_sandbox_policy(monkeypatch, tmp_path,
                                                                         capsys):
    from bplab.classroom import gradescope

    config = {"exercise": "ex05", "timeout": 30, "require_sandbox": False}
    monkeypatch.setattr(gradescope, "_grade_flags", lambda: {"--exercise", "--no-sandbox"})
    monkeypatch.setattr(gradescope, "sandbox_works", lambda: True)
    command, problem = gradescope._grade_command(tmp_path / "n.ipynb", tmp_path, config,
                                                 tmp_path / "g.json")
    assert problem == "" and command[command.index("--exercise") + 1] == "ex05"
    assert "--no-sandbox" not in command and command[1:4] == ["-m", "bplab", "grade"]
    monkeypatch.setattr(gradescope, "sandbox_works", lambda: False)
    command, problem = gradescope._grade_command(tmp_path / "n.ipynb", tmp_path, config,
                                                 tmp_path / "g.json")
    assert "--no-sandbox" in command and "WITHOUT the sandbox" in capsys.readouterr().out
    _, problem = gradescope._grade_command(tmp_path / "n.ipynb", tmp_path,
                                           dict(config, require_sandbox=True), tmp_path / "g")
    assert problem.startswith("not graded: the grader's sandbox")


def test_the_sandbox_probe_sees_bubblewrap_work_here():
    from bplab.classroom.gradescope import sandbox_works

    needs_sandbox()
    assert sandbox_works()


def test_the_zip_carries_no_other_exercise_key(tmp_path):
    """A key may be a module (ex09.py) or a package (ex12/): neither travels in another
    exercise's zip, and a package's zip carries all of its own."""
    for exercise, expected in (("ex09", {"ex09.py"}),
                               ("ex12", {"ex12/__init__.py", "ex12/bugs.py", "ex12/network.py"})):
        zip_path = build_autograder(exercise, tmp_path / f"{exercise}.zip",
                                    source=REPO / "solutions")
        prefix = "grader/bplab/grading/exercises/"
        keys = {n.removeprefix(prefix) for n in zipfile.ZipFile(zip_path).namelist()
                if n.startswith(prefix + "ex")}
        assert keys == expected, exercise


def test_a_submission_finds_no_key_in_the_installed_grader(autograder, tmp_path):
    """Issue 16 §1: setup.sh installs the full bplab (non-editable) in the venv the sandbox
    binds; a cell that walks every visible folder for the key module must find none."""
    sys.path.insert(0, str(REPO / "tests" / "grading" / "attacks"))
    from key_thief import thief_notebook

    blank = next((REPO / "exercises").glob("ex05_*.ipynb"))
    thief = tmp_path / blank.name
    nbformat.write(thief_notebook(blank, "ex05"), thief)
    installed = list((autograder / "bplab-venv").rglob("grading/exercises/ex05.py"))
    assert installed, "setup.sh should have installed the key where the grader runs from"
    results = _run(autograder, thief)
    assert results["score"] == 0, results


def _quiz_submission(letter: str) -> dict:
    """What the grader writes for an ex09 submission answering ``letter`` everywhere."""
    from bplab.grading.spec import load_parts

    parts = [{"part_id": p.id, "points": p.points * (p.reference == letter),
              "max_points": p.points, "status": "passed" if p.reference == letter else "failed",
              "feedback": "right" if p.reference == letter else f"not {letter}", "bug": ""}
             if p.kind == "value" else   # the counting parts: the same left-blank function
             {"part_id": p.id, "points": 0, "max_points": p.points, "status": "not implemented",
              "feedback": "not implemented", "bug": ""}
             for p in load_parts("ex09")]
    return {"student": "s", "exercise": "ex09", "note": "", "seconds": 1.0, "parts": parts,
            "total": sum(p["points"] for p in parts),
            "max_total": sum(p["max_points"] for p in parts)}


def _seen_before_the_due_date(results: dict) -> list:
    """Everything a learner sees: the visible tests and the output (not the total)."""
    return [results["output"]] + [(t["name"], t["score"], t["max_score"], t["status"],
                                   t["output"]) for t in results["tests"]
                                  if t.get("visibility", "visible") == "visible"]


def test_resubmitting_all_a_all_b_all_c_reveals_no_quiz_answer():
    """Issue 16 §8: each question was its own visible test, "right" or "not a": three
    resubmissions revealed all nine answers. Now they look the same until the due date,
    when one test holds every answer's mark (and a hidden test hides the total)."""
    from bplab.classroom.gradescope import recorded_parts

    recorded = recorded_parts("ex09")
    assert len(recorded) == 9
    seen = []
    for letter in "abcd":
        results = to_results(_quiz_submission(letter), "after_due_date", recorded)
        validate_results(results)
        seen.append(_seen_before_the_due_date(results))
        (marked,) = [t for t in results["tests"] if t["visibility"] == "after_due_date"]
        assert marked["score"] == results["score"] == _quiz_submission(letter)["total"]
    assert all(s == seen[0] for s in seen), seen


def test_the_zip_records_which_parts_are_marked_after_the_due_date(tmp_path):
    zip_path = build_autograder("ex09", tmp_path / "a.zip", source=REPO / "solutions")
    config = json.loads(zipfile.ZipFile(zip_path).read("bplab_autograder.json"))
    assert config["recorded"] == [f"ex09.q{i}" for i in range(1, 10)]
