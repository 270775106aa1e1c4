"""bp.check from the public data, the bug diagnosis, bp.progress and the wire format."""

from __future__ import annotations

import importlib

import numpy as np
import pytest

import bplab as bp
from bplab.grading import wire
from bplab.grading.feedback import clean, csv_safe, diagnose
from bplab.grading.publish import public_data
from bplab.grading.spec import Status

check_module = importlib.import_module("bplab.grading.check")


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
    out = capsys.readouterr().out
    assert expected in out and out.startswith("✗ FAIL")


def test_check_says_public_checks_passed_never_all_tests(capsys):
    result = bp.check("ex98.linear_backward", linear_backward)
    out = capsys.readouterr().out
    assert result.passed and out.startswith("✓ PASS") and "public checks passed (3 public" in out
    assert "all tests" not in out and Status.PASSED.look[1] in result._repr_html_()


def test_check_not_implemented_mask_bug_and_the_learners_line():
    def stub(*args):
        raise NotImplementedError()
    assert bp.check("ex98.linear_backward", stub).status is Status.NOT_IMPLEMENTED
    assert "mask" in bp.check("ex98.relu_backward", lambda x, dout: dout).message

    def broken(X, W, dout):
        dX = dout @ W.T
        return dX, X @ dout, dout.sum(0)   # (N, D) @ (N, H): a shape error on this line
    message = bp.check("ex98.linear_backward", broken).message
    assert "raised ValueError" in message and "return dX, X @ dout" in message


def test_warnings_come_after_the_diagnosis_summarised(capsys):
    def overflowing(x, dout):
        return dout * np.exp(np.full_like(x, 1000.0))
    result = bp.check("ex98.relu_backward", overflowing)
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("✗ FAIL") and "warned" in lines[1] and "overflow" in lines[1]
    assert len(result.warnings) >= 1


def test_value_parts_are_recorded_not_judged():
    """Trying letters in turn tells nothing: any valid letter is 'recorded'."""
    statuses = {letter: bp.check("ex98.answer", letter).status for letter in "abcd"}
    assert set(statuses.values()) == {Status.RECORDED}
    assert bp.check("ex98.answer", "z").status is Status.FAILED
    data = public_data("ex98")
    assert '"b"' not in data and "answer" in data   # the right letter is not in the data


def test_hidden_check_runs_more_cases_with_the_key():
    message = bp.check("ex98.linear_backward", linear_backward, hidden=True).message
    assert "public checks passed (3 public + 3 hidden cases)" in message


def test_progress_summary_first_then_the_current_exercise():
    bp.check("ex05.huber_loss", lambda Y, T, d: (
        float(np.where(abs(Y - T) <= d, (Y - T) ** 2 / 2, d * (abs(Y - T) - d / 2)).sum() / len(Y)),
        np.clip(Y - T, -d, d) / len(Y)))
    table = bp.progress()
    assert "ex05.huber_loss" in table.passed() and table.current == "ex05"
    lines = repr(table).splitlines()
    assert lines[0].endswith("pass their public checks") and lines[2].startswith("ex01")
    assert "ex05:" in lines and "huber_loss" in lines[lines.index("ex05:") + 3]
    assert "<progress" in table._repr_html_()


def test_diagnose_walks_dicts_and_records():
    found = diagnose({"W": np.ones((2, 3)), "b": np.zeros(3)},
                     {"W": np.ones((3, 2)), "b": np.zeros(3)})
    assert not found.ok and found.message.startswith("W looks transposed")
    assert found.key == "transposed"
    rec = wire.Record("Value", {"data": 2.0, "grad": 1.0})
    found = diagnose(wire.Record("Value", {"data": 2.0, "grad": -1.0}), rec)
    assert not found.ok and "grad" in found.message and found.key == "sign"


def test_broadcast_bug_is_named():
    expected = np.arange(4.0).reshape(4, 1)
    found = diagnose(expected.ravel() + expected, expected)  # (N,) + (N, 1) -> (N, N)
    assert not found.ok and found.key == "broadcast"


def test_wire_round_trip_and_rejects_anything_else():
    data = (np.arange(6.0).reshape(2, 3), {"k": [1, "a", None, True]}, np.float32(2.5))
    back = wire.loads(wire.dumps(data))
    assert np.array_equal(back[0], data[0]) and back[1] == {"k": [1, "a", None, True]}
    assert back[2] == 2.5
    with pytest.raises(wire.WireError):
        wire.loads('{"t": "nd", "dtype": "|O", "shape": [1], "b64": "AAAAAAAAAAA="}')
    with pytest.raises(wire.WireError):
        wire.loads('{"t": "pickle", "v": "x"}')
    with pytest.raises(wire.WireError):
        wire.loads("[" * 100_000 + "]" * 100_000)
    with pytest.raises(wire.WireError):
        wire.loads("[" + ",".join(["{}"] * 500_000) + "]")


def test_printed_text_is_clean_and_csv_cells_are_not_formulas():
    assert clean("ok\x1b[2J\x1b]0;owned\x07\r\nmore\u202e") == "ok[2J]0;owned  more"
    assert csv_safe("=HYPERLINK(\"x\")") == "'=HYPERLINK(\"x\")" and csv_safe("-1") == "'-1"
    assert csv_safe(3) == 3 and csv_safe("fine") == "fine"


def _luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def _contrast(a: str, b: str) -> float:
    hi, lo = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def test_one_status_vocabulary_and_one_look_for_every_view():
    """Issue 17 §3: bp.check, bp.progress() and the class report each had their own colour
    table (two greens); now every view shows a Status by Status.look, whose text colour
    reaches WCAG AA (4.5:1) on white and on its own background."""
    from pathlib import Path

    from bplab.grading.spec import Status

    for status in Status:
        mark, colour, background = status.look
        assert mark and _contrast(colour, "#ffffff") >= 4.5, status
        assert _contrast(colour, background) >= 4.5, status
    package = Path(__file__).resolve().parents[2] / "bplab"
    tables = [str(p.relative_to(package)) for p in package.rglob("*.py")
              if any(f"{name} = {{" in p.read_text() for name in ("COLOURS", "MARKS"))]
    assert not tables, f"a colour table of its own: {tables}"
