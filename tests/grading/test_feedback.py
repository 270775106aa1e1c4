"""Feedback that never misleads (issue 14, item 4): a NameError from cells not run yet,
named bugs of a gradient check, shape messages whose words match the shapes, and exercises
that JupyterLab opens unmodified."""

from __future__ import annotations

import json

import numpy as np

import bplab as bp
from bplab.grading.progress import read_progress


def _cell(source: str, name: str):
    """``name`` as a notebook cell defines it (its globals: only what the cell made)."""
    namespace: dict = {"np": np}
    exec(compile(source, "<notebook cell>", "exec"), namespace)  # noqa: S102 - the test's own code
    return namespace[name]


UNRUN = '''
def two_layer_backward(X, Y_true, W1, b1, W2, b2):
    Y, A1 = two_layer_forward(X, W1, b1, W2, b2)   # defined in a cell above, not run
    return {"W1": W1, "b1": b1, "W2": W2, "b2": b2}
'''


def test_a_name_error_says_run_the_cells_above_and_never_downgrades(monkeypatch, tmp_path):
    monkeypatch.setenv("BPLAB_HOME", str(tmp_path))
    from bplab.grading.exercises import ex04

    assert bp.check("ex04.backward", ex04.two_layer_backward).passed
    before = json.loads((tmp_path / "progress.json").read_text())
    result = bp.check("ex04.backward", _cell(UNRUN, "two_layer_backward"))
    assert read_progress()["ex04.backward"]["status"] == "passed"   # not downgraded
    assert read_progress() == before
    assert "run the cells above first" in result.message
    assert "`two_layer_forward` is not defined" in result.message
    assert "typo" not in result.message          # an earlier part's name: certainly not run
    assert not result.passed and str(result.status) == "not run"
    assert "NOT RUN" in repr(result) and "FAIL" not in repr(result)


def test_a_name_error_on_an_untried_part_is_not_recorded_as_failed(monkeypatch, tmp_path):
    monkeypatch.setenv("BPLAB_HOME", str(tmp_path))
    typo = _cell("def half_mse(Y, Y_true):\n    return Y_hat.sum(), Y\n", "half_mse")
    result = bp.check("ex04.loss", typo)
    assert read_progress().get("ex04.loss", {}).get("status") != "failed"
    assert "`Y_hat` is not defined" in result.message
    assert "run the cells above first" in result.message and "typo" in result.message
    assert str(result.status) == "not run"
