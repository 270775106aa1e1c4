"""Feedback that never misleads (issue 14, item 4): a NameError from cells not run yet,
named bugs of a gradient check, shape messages whose words match the shapes, and exercises
that JupyterLab opens unmodified."""

from __future__ import annotations

import json

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import bplab as bp
from bplab.grading.feedback import diagnose
from bplab.grading.progress import read_progress


def _cell(source: str, name: str):
    """``name`` as a notebook cell defines it (its globals: only what the cell made)."""
    namespace: dict = {"np": np}
    exec(compile(source, "<notebook cell>", "exec"), namespace)  # noqa: S102 - the test's own code
    return namespace[name]


UNRUN = '''
def backward(X, T, params):
    loss, dY = huber_loss(X @ params["W1"], T)   # defined in a cell above, not run
    return dict(params)
'''


def test_a_name_error_says_run_the_cells_above_and_never_downgrades(monkeypatch, tmp_path):
    monkeypatch.setenv("BPLAB_HOME", str(tmp_path))
    from bplab.grading.exercises import ex04

    assert bp.check("ex04.backward", ex04.backward).passed
    before = json.loads((tmp_path / "progress.json").read_text())
    result = bp.check("ex04.backward", _cell(UNRUN, "backward"))
    assert read_progress()["ex04.backward"]["status"] == "passed"   # not downgraded
    assert read_progress() == before
    assert "run the cells above first" in result.message
    assert "`huber_loss` is not defined" in result.message
    assert "typo" not in result.message          # an earlier part's name: certainly not run
    assert not result.passed and str(result.status) == "not run"
    assert "NOT RUN" in repr(result) and "FAIL" not in repr(result)


def test_a_name_error_on_an_untried_part_is_not_recorded_as_failed(monkeypatch, tmp_path):
    monkeypatch.setenv("BPLAB_HOME", str(tmp_path))
    typo = _cell("def huber_loss(Y, T):\n    return Y_hat.sum(), Y\n", "huber_loss")
    result = bp.check("ex04.huber_loss", typo)
    assert read_progress().get("ex04.huber_loss", {}).get("status") != "failed"
    assert "`Y_hat` is not defined" in result.message
    assert "run the cells above first" in result.message and "typo" in result.message
    assert str(result.status) == "not run"


NUMERICAL = '''
def numerical_gradients(X, T, params, h=1e-5):
    params = {name: p.copy() for name, p in params.items()}

    def loss():
        A1 = np.maximum(X @ params["W1"] + params["b1"], 0)
        A2 = A1 + np.maximum(A1 @ params["W2"] + params["b2"], 0)
        R = np.abs(A2 @ params["W3"] + params["b3"] - T)
        return np.sum(np.where(R <= 1, R ** 2 / 2, R - 0.5)) / len(X)

    grads = {}
    for name, p in params.items():
        g = np.zeros_like(p)
        for i in np.ndindex(p.shape):
            p[i] += h
            up = loss()
            p[i] -= 2 * h
            down = loss()
            RESTORE
            g[i] = (up - down) / DENOMINATOR
        grads[name] = g
    return grads
'''


def _numerical(restore: str, denominator: str):
    source = NUMERICAL.replace("RESTORE", restore).replace("DENOMINATOR", denominator)
    return _cell(source, "numerical_gradients")


def test_the_numerical_gradient_slips_are_named():
    assert bp.check("ex04.numerical_gradients", _numerical("p[i] += h", "(2 * h)")).passed
    by_h = bp.check("ex04.numerical_gradients", _numerical("p[i] += h", "h"))
    assert not by_h.passed and "2h slip" in by_h.message
    assert "about twice the reference" in by_h.message and "divide" in by_h.message
    assert "accumulated" not in by_h.message
    kept = bp.check("ex04.numerical_gradients", _numerical("pass", "(2 * h)"))
    assert not kept.passed and "an entry you nudged was not restored" in kept.message


@pytest.mark.parametrize(("got", "expected", "words"), [
    ((1, 3), (3,), "(1, 3) has an extra axis of length 1 in front: drop keepdims=True"),
    ((3, 1), (3,), "(3, 1) has an extra axis of length 1 at the end"),
    ((3,), (3, 1), "(3,) is missing the axis of length 1 at the end of (3, 1)"),
    ((3,), (1, 3), "(3,) is missing the axis of length 1 in front of (1, 3)"),
    ((3, 1), (1, 3), "looks transposed: expected shape (1, 3), got (3, 1)"),
    ((4, 3), (3, 4), "looks transposed: expected shape (3, 4), got (4, 3)"),
])
def test_shape_messages_say_what_the_shapes_show(got, expected, words):
    found = diagnose(np.ones(got), np.ones(expected), names=("db",))
    assert not found.ok and words in found.message
    assert "(N,) and (N, 1)" not in found.message


@given(st.lists(st.integers(2, 5), min_size=1, max_size=3).map(tuple),
       st.sampled_from(["front", "end"]), st.booleans())
def test_an_axis_of_length_one_is_extra_or_missing_as_the_shapes_say(shape, where, extra):
    longer = (1, *shape) if where == "front" else (*shape, 1)
    got, expected = (longer, shape) if extra else (shape, longer)
    message = diagnose(np.ones(got), np.ones(expected), names=("dW",)).message
    assert f"expected {expected}, got {got}" in message
    assert ("extra" in message) is extra and ("missing" in message) is not extra
    assert f"{'in front' if where == 'front' else 'at the end'}" in message


# ---- exercises open unmodified in JupyterLab -------------------------------------------------
IPYKERNEL = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}


def _as_jupyterlab_saves(text: str) -> str:
    """What JupyterLab writes back for a notebook opened and saved unchanged: the kernelspec
    of ipykernel, language_info when missing, nbformat.writes with indent 1, a final newline."""
    import sys

    import nbformat

    nb = nbformat.reads(text, as_version=nbformat.NO_CONVERT)
    nb.metadata["kernelspec"] = dict(IPYKERNEL)
    nb.metadata.setdefault("language_info", {
        "codemirror_mode": {"name": "ipython", "version": 3}, "file_extension": ".py",
        "mimetype": "text/x-python", "name": "python", "nbconvert_exporter": "python",
        "pygments_lexer": "ipython3", "version": ".".join(map(str, sys.version_info[:3]))})
    out = nbformat.writes(nb, version=nbformat.NO_CONVERT, indent=1)
    return out if out.endswith("\n") else out + "\n"


def _assert_jupyterlab_form(text: str, where: str) -> None:
    assert _as_jupyterlab_saves(text) == text, f"{where} changes when JupyterLab saves it"
    nb = json.loads(text)
    assert nb["metadata"]["kernelspec"] == IPYKERNEL, where
    assert "language_info" in nb["metadata"] and nb["nbformat_minor"] == 5, where
    ids = [cell.get("id") for cell in nb["cells"]]
    assert all(ids) and len(set(ids)) == len(ids), where


def test_generated_exercises_are_what_jupyterlab_would_save():
    from grading_paths import SOURCE

    from bplab.grading.notebooks import generate_notebook, render

    fixture = render(generate_notebook(SOURCE / "ex98_fixture.ipynb"))   # no language_info
    _assert_jupyterlab_form(fixture, "ex98_fixture")
    assert render(generate_notebook(SOURCE / "ex98_fixture.ipynb")) == fixture  # fixed ids


def test_the_repository_exercises_open_unmodified():
    from pathlib import Path

    repo = Path(__file__).resolve().parents[2]
    paths = sorted((repo / "exercises").glob("ex[0-9][0-9]_*.ipynb"))
    assert paths
    for path in paths:
        _assert_jupyterlab_form(path.read_text(), path.name)
    for path in sorted((repo / "solutions").glob("ex[0-9][0-9]_*.ipynb")):
        assert json.loads(path.read_text())["metadata"]["kernelspec"] == IPYKERNEL, path.name


def test_a_source_without_cell_ids_gets_fixed_ones(tmp_path):
    from grading_paths import SOURCE

    from bplab.grading.notebooks import generate_notebook, render

    nb = json.loads((SOURCE / "ex98_fixture.ipynb").read_text())
    nb["nbformat_minor"] = 4
    for cell in nb["cells"]:
        cell.pop("id", None)
    nb["cells"][1]["id"] = nb["cells"][2]["id"] = "twice"   # only in 4.5, and not unique
    path = tmp_path / "ex98_fixture.ipynb"
    path.write_text(json.dumps(nb))
    text = render(generate_notebook(path))
    _assert_jupyterlab_form(text, "a source without ids")
    assert render(generate_notebook(path)) == text
