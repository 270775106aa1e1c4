"""The exercise generator: round trip, --check, refusing hand edits, marker errors."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from conftest import SOURCE

from bplab.grading.notebooks import NotebookError, bplab_meta, generate, generate_notebook

REPO = Path(__file__).resolve().parents[2]


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "bplab", "exercises", *args], check=False,
                          capture_output=True, text=True, timeout=120)


def test_generated_copy_has_stubs_no_solutions_no_hidden_tests_no_outputs():
    nb = generate_notebook(SOURCE / "ex98_fixture.ipynb")
    text = nbformat.writes(nb)
    assert "BEGIN SOLUTION" not in text and "HIDDEN" not in text and "hidden=True" not in text
    assert "X.T @ dout" not in text
    sol = next(c for c in nb.cells if bplab_meta(c).get("role") == "solution")
    assert "    # YOUR CODE HERE\n    raise NotImplementedError()" in sol.source
    assert all(c.outputs == [] for c in nb.cells if c.cell_type == "code")
    check = next(c for c in nb.cells if bplab_meta(c).get("role") == "check")
    assert check.source == 'bp.check("ex98.linear_backward", linear_backward)'
    assert bplab_meta(check)["points"] == 3


def test_round_trip_check_refuse_force(tmp_path):
    dest, PUBLIC = tmp_path / "exercises", tmp_path / "public"
    assert generate(SOURCE, dest, public=PUBLIC).written[:2] == [
        "ex98_fixture.ipynb", ".manifest.json"]
    assert generate(SOURCE, dest, check=True, public=PUBLIC).ok
    again = generate(SOURCE, dest, public=PUBLIC)
    assert again.ok and not again.written  # deterministic: nothing to rewrite
    target = dest / "ex98_fixture.ipynb"
    target.write_text(target.read_text().replace("# YOUR CODE HERE", "# my answer"))
    assert generate(SOURCE, dest, check=True, public=PUBLIC).differing == ["ex98_fixture.ipynb"]
    refused = generate(SOURCE, dest, public=PUBLIC)
    assert refused.refused == ["ex98_fixture.ipynb"] and "# my answer" in target.read_text()
    assert generate(SOURCE, dest, force=True, public=PUBLIC).written == ["ex98_fixture.ipynb"]
    assert generate(SOURCE, dest, check=True, public=PUBLIC).ok


def test_cli_check_and_refusal_exit_codes(tmp_path):
    dest = tmp_path / "ex"
    where = ("--source", str(SOURCE), "--dest", str(dest), "--public", str(tmp_path / "p"))
    assert _cli(*where).returncode == 0
    assert _cli(*where, "--check").returncode == 0
    (dest / "ex98_fixture.ipynb").write_text("{}")
    proc = _cli(*where)
    assert proc.returncode == 1 and "--force" in proc.stderr


def _broken_source(tmp_path, edit) -> Path:
    folder = tmp_path / "src"
    folder.mkdir()
    nb = nbformat.read(SOURCE / "ex98_fixture.ipynb", as_version=4)
    edit(nb)
    nbformat.write(nb, folder / "ex98_fixture.ipynb")
    return folder


def test_unmatched_solution_marker_names_notebook_and_cell(tmp_path):
    def drop_end(nb):
        nb.cells[3].source = nb.cells[3].source.replace("### END SOLUTION", "")
    folder = _broken_source(tmp_path, drop_end)
    with pytest.raises(NotebookError, match=r"ex98_fixture.ipynb, cell 3 .*BEGIN SOLUTION"):
        generate(folder, tmp_path / "out", public=tmp_path / "public")
    proc = _cli("--source", str(folder), "--dest", str(tmp_path / "out"),
                "--public", str(tmp_path / "public"))
    assert proc.returncode == 2 and "ex98_fixture.ipynb, cell 3" in proc.stderr


def test_stray_end_hidden_marker_is_an_error(tmp_path):
    def stray(nb):
        nb.cells[4].source += "\n### END HIDDEN TESTS"
    with pytest.raises(NotebookError, match="cell 4.*END HIDDEN TESTS"):
        generate(_broken_source(tmp_path, stray), tmp_path / "out", public=tmp_path / "public")


def test_points_must_agree_with_the_spec(tmp_path):
    def wrong_points(nb):
        nb.cells[4].metadata["bplab"]["points"] = 5
    with pytest.raises(NotebookError, match="metadata says 5, the spec says 3"):
        generate(_broken_source(tmp_path, wrong_points), tmp_path / "out", public=tmp_path / "public")


def test_repo_exercises_match_solutions():
    solutions = REPO / "solutions"
    if not list(solutions.glob("ex[0-9][0-9]_*.ipynb")):
        pytest.skip("solutions/ has no exercises yet")
    proc = subprocess.run([sys.executable, "-m", "bplab", "exercises", "--check"], cwd=REPO,
                          check=False, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
