"""bp.check, the bug diagnosis, bp.progress and the answer wire format (no kernels)."""

from __future__ import annotations

import numpy as np
import pytest

import bplab as bp
from bplab.grading import wire
from bplab.grading.diagnose import compare
from bplab.grading.spec import Case


def linear_backward(X, W, dout):
    return dout @ W.T, X.T @ dout, dout.sum(axis=0)


@pytest.mark.parametrize(("wrong", "expected"), [
    (lambda X, W, d: (d @ W.T, (X.T @ d).T, d.sum(0)), "dW looks transposed"),
    (lambda X, W, d: (d @ W.T, X.T @ d / len(X), d.sum(0)), "an extra 1/N"),
    (lambda X, W, d: (d @ W.T, X.T @ d * len(X), d.sum(0)), "a missing 1/N"),
    (lambda X, W, d: (d @ W.T, -(X.T @ d), d.sum(0)), "wrong sign"),
    (lambda X, W, d: (d @ W.T, 2 * X.T @ d, d.sum(0)), "accumulated"),
    (lambda X, W, d: (d @ W.T, X.T @ d, d.sum(1)), "db has the wrong shape: expected (3,)"),
    (lambda X, W, d: (d @ W.T, X.T @ d, d.sum()), "sum over the batch axis only"),
    (lambda X, W, d: (d @ W.T, X.T @ d, d.sum(0, keepdims=True)), "an extra axis"),
    (lambda X, W, d: (d @ W.T, X.T @ d), "a tuple of 3 values (dX, dW, db)"),
    (lambda X, W, d: (d @ W.T, X.T @ d * np.nan, d.sum(0)), "nan or inf"),
])
def test_check_diagnoses_common_backprop_bugs(wrong, expected, capsys):
    result = bp.check("ex98.linear_backward", wrong)
    assert not result.passed and expected in result.message
    assert expected in capsys.readouterr().out


def test_check_says_public_checks_passed_never_all_tests(capsys):
    result = bp.check("ex98.linear_backward", linear_backward)
    out = capsys.readouterr().out
    assert result.passed and "public checks passed (3 cases)" in out
    assert "all tests" not in out


def test_check_not_implemented_and_mask_bug():
    def stub(*args):
        raise NotImplementedError()
    assert bp.check("ex98.linear_backward", stub).status == "not implemented"
    assert "not implemented yet" in bp.check("ex98.linear_backward", stub).message
    assert "mask" in bp.check("ex98.relu_backward", lambda x, dout: dout).message


def test_hidden_check_runs_more_cases():
    message = bp.check("ex98.linear_backward", linear_backward, hidden=True).message
    assert "public and hidden checks passed (3 + 3 cases)" in message


def test_progress_shows_what_passed():
    bp.check("ex98.relu_backward", lambda x, dout: dout * (x > 0))
    bp.check("ex98.answer", "a")
    table = bp.progress()
    assert "ex98.relu_backward" in table.passed() and "ex98.answer" not in table.passed()
    assert "relu_backward" in repr(table) and "<table>" in table._repr_html_()


def test_compare_walks_dicts_and_records():
    ok, message = compare({"W": np.ones((2, 3)), "b": np.zeros(3)},
                          {"W": np.ones((3, 2)), "b": np.zeros(3)}, Case())
    assert not ok and message.startswith("W looks transposed")
    rec = wire.Record("Value", {"data": 2.0, "grad": 1.0})
    ok, message = compare(wire.Record("Value", {"data": 2.0, "grad": -1.0}), rec)
    assert not ok and "grad" in message and "wrong sign" in message


def test_wire_round_trip_and_rejects_anything_else():
    data = (np.arange(6.0).reshape(2, 3), {"k": [1, "a", None, True]}, np.float32(2.5))
    back = wire.loads(wire.dumps(data))
    assert np.array_equal(back[0], data[0]) and back[1] == {"k": [1, "a", None, True]}
    assert back[2] == 2.5
    with pytest.raises(wire.WireError):
        wire.loads('{"t": "nd", "dtype": "|O", "shape": [1], "b64": "AAAAAAAAAAA="}')
    with pytest.raises(wire.WireError):
        wire.loads('{"t": "pickle", "v": "x"}')
