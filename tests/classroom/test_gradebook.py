"""The gradebook: LMS column layouts, roster matching, warnings, formula cells."""

import csv

import pytest

from bplab.classroom import ClassroomError
from bplab.classroom.gradebook import neutralise, write_gradebook


def _sub(student, exercise="ex05", total=7, max_total=10):
    return {"student": student, "path": f"{student}/{exercise}_x.ipynb", "exercise": exercise,
            "total": total, "max_total": max_total, "seconds": 1.0, "note": "", "parts": []}


RESULTS = [_sub("alice", total=10), _sub("bob", total=3), _sub("alice", "ex06", 4, 6)]


def _read(path):
    with open(path, newline="") as f:
        return list(csv.reader(f))


def test_canvas_layout_has_the_identity_columns_points_row_and_one_row_per_student(tmp_path):
    out = tmp_path / "gb.csv"
    warnings = write_gradebook(RESULTS, out, "canvas", assignment_ids={"ex05": "812"})
    rows = _read(out)
    assert rows[0] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section",
                       "ex05 (812)", "ex06"]
    assert rows[1][0] == "Points Possible" and rows[1][5:] == ["10", "6"]
    assert rows[2][0] == "alice" and rows[2][5:] == ["10", "4"]
    assert rows[3][0] == "bob" and rows[3][5:] == ["3", ""]
    assert len(rows) == 4 and warnings == []


def test_moodle_layout_uses_the_roster_names_and_id_numbers(tmp_path):
    roster = tmp_path / "roster.csv"
    roster.write_text("id,first_name,last_name,id_number,email\n"
                      "alice,Alice,Liddell,A-17,alice@uni.example\nbob,Bob,Ross,B-2,b@x\n")
    out = tmp_path / "gb.csv"
    write_gradebook(RESULTS, out, "moodle", roster=roster)
    rows = _read(out)
    assert rows[0] == ["First name", "Last name", "ID number", "Email address", "ex05", "ex06"]
    assert rows[1] == ["Alice", "Liddell", "A-17", "alice@uni.example", "10", "4"]
    assert rows[2] == ["Bob", "Ross", "B-2", "b@x", "3", ""]


def test_plain_layout_totals_across_exercises(tmp_path):
    out = tmp_path / "gb.csv"
    write_gradebook(RESULTS, out, "plain")
    assert _read(out) == [["student", "ex05", "ex06", "total", "max_total"],
                          ["alice", "10", "4", "14", "16"], ["bob", "3", "", "3", "16"]]


def test_unmatched_submissions_and_absent_students_are_listed_not_dropped(tmp_path):
    roster = tmp_path / "roster.csv"
    roster.write_text("id,name,section\nalice,Alice L,S1\ncarol,Carol C,S2\n")
    out = tmp_path / "gb.csv"
    warnings = write_gradebook(RESULTS, out, "canvas", roster=roster)
    rows = _read(out)
    names = [r[0] for r in rows[2:]]
    assert names == ["Alice L", "Carol C", "bob"]
    assert rows[3][5:] == ["", ""]          # carol: no submission, scores left empty
    assert any("carol" in w and "no submission" in w for w in warnings)
    assert any("'bob'" in w and "matches no roster" in w for w in warnings)


def test_a_roster_without_its_id_column_is_one_line_naming_the_column(tmp_path):
    roster = tmp_path / "roster.csv"
    roster.write_text("name,email\nAlice,a@x\n")
    with pytest.raises(ClassroomError) as err:
        write_gradebook(RESULTS, tmp_path / "gb.csv", "canvas", roster=roster)
    message = str(err.value)
    assert "'id'" in message and "\n" not in message and "name" in message


def test_an_unknown_format_is_refused():
    with pytest.raises(ClassroomError, match="canvas, moodle, plain"):
        write_gradebook(RESULTS, "unused.csv", "excel")


def test_formula_cells_are_neutralised(tmp_path):
    assert neutralise("=HYPERLINK(1)") == "'=HYPERLINK(1)"
    assert [neutralise(c) for c in ("+1", "-x", "@SUM", "ok", 3)] == ["'+1", "'-x", "'@SUM",
                                                                     "ok", 3]
    out = tmp_path / "gb.csv"
    write_gradebook([_sub("=cmd|' /C calc'!A0", total=1)], out, "plain")
    assert _read(out)[1][0] == "'=cmd|' /C calc'!A0"


def test_duplicate_submissions_count_neither_and_name_both(tmp_path):
    """Issue 16 §10: the higher of two totals once won, so mallory/alice.ipynb set alice's."""
    out = tmp_path / "gb.csv"
    subs = [_sub("alice", total=2), _sub("alice", total=9), _sub("bob", total=4)]
    subs[0]["path"], subs[1]["path"] = "alice/ex05_mlp_layers.ipynb", "mallory/alice.ipynb"
    warnings = write_gradebook(subs, out, "plain")
    rows = {r[0]: r for r in _read(out)[1:]}
    assert rows["alice"][1] == "" and rows["bob"][1] == "4"
    assert len(warnings) == 1 and "mallory/alice.ipynb" in warnings[0]
    assert "none counted" in warnings[0]


@pytest.mark.parametrize("name", ["Points Possible", "points  possible", "Test Student"])
def test_names_an_lms_reads_as_its_own_rows_are_left_out(tmp_path, name):
    out = tmp_path / "gb.csv"
    warnings = write_gradebook([_sub(name, total=3), _sub("bob", total=4)], out, "canvas")
    cells = [r[0] for r in _read(out)]
    assert cells.count("Points Possible") == 1 and "Test Student" not in cells
    assert len(warnings) == 1 and "rename the folder" in warnings[0]


def test_submission_grade_objects_work_like_json_dicts(tmp_path):
    from types import SimpleNamespace
    subs = [SimpleNamespace(student="dan", exercise="ex05", total=5, max_total=10)]
    out = tmp_path / "gb.csv"
    write_gradebook(subs, out, "plain")
    assert _read(out)[1] == ["dan", "5", "5", "10"]


def test_an_ungraded_submission_keeps_its_row_and_is_named(tmp_path):
    out = tmp_path / "gb.csv"
    broken = dict(_sub("erin", "?", 0, 0), note="could not read the notebook")
    warnings = write_gradebook([*RESULTS, broken], out, "plain")
    rows = _read(out)
    assert rows[0] == ["student", "ex05", "ex06", "total", "max_total"]
    assert rows[3] == ["erin", "", "", "0", "16"]
    assert any("could not read the notebook" in w for w in warnings)


def test_the_grade_commands_gradebook_options(tmp_path, capsys):
    import argparse

    from bplab.classroom.cli import (
        add_gradebook_arguments,
        gradebook_problem,
        write_gradebook_from_args,
    )

    parser = argparse.ArgumentParser()
    parser.add_argument("--out")
    add_gradebook_arguments(parser)
    roster = tmp_path / "roster.csv"
    roster.write_text("name\nAlice\n")
    assert gradebook_problem(parser.parse_args(["--out", "g.csv"])) == ""
    for alone in (["--roster", str(roster)], ["--format", "canvas"]):
        assert "add --gradebook" in gradebook_problem(parser.parse_args(["--out", "g.csv"] + alone))
    assert "--format" in gradebook_problem(parser.parse_args(["--gradebook", "b.csv"]))
    assert ".csv" in gradebook_problem(parser.parse_args(["--gradebook", "b.json", "--format",
                                                          "canvas"]))
    assert "same file" in gradebook_problem(parser.parse_args(
        ["--out", "g.csv", "--gradebook", "./g.csv", "--format", "plain"]))
    assert "'id' column" in gradebook_problem(parser.parse_args(
        ["--gradebook", "b.csv", "--format", "canvas", "--roster", str(roster)]))
    roster.write_text("id\nalice\ncarol\n")
    args = parser.parse_args(["--out", str(tmp_path / "g.csv"), "--gradebook",
                              str(tmp_path / "b.csv"), "--format", "moodle",
                              "--roster", str(roster)])
    assert gradebook_problem(args) == ""
    write_gradebook_from_args(args, RESULTS)
    assert len(_read(tmp_path / "b.csv")) == 4          # header, alice, carol, bob
    assert not (tmp_path / "g.csv").exists()            # --out is the grader's, untouched here
    assert len(capsys.readouterr().err.strip().splitlines()) == 2


def test_format_alone_stops_grade_before_it_grades_and_never_reuses_out(tmp_path):
    """`grade --out g.csv --format canvas` used to write a gradebook where --out's grades go."""
    import subprocess
    import sys

    out = tmp_path / "g.csv"
    done = subprocess.run([sys.executable, "-m", "bplab", "grade", "solutions/ex01_chain_rule.ipynb",
                           "--out", str(out), "--format", "canvas"],
                          check=False, capture_output=True, text=True, timeout=60)
    assert done.returncode != 0 and "--gradebook" in done.stderr, done.stderr
    assert not out.exists()
