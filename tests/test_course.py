"""bplab.course, the one list of lessons and exercises, matches the course's folders."""

import re
from pathlib import Path

import pytest

from bplab.course import LESSONS, PARTS, exercises, lesson_file, lessons

REPO = Path(__file__).resolve().parents[1]


def test_the_lessons_are_the_notebooks_in_order():
    assert [lesson.stem for lesson in lessons()] == sorted(
        p.stem for p in (REPO / "notebooks").glob("*.ipynb"))


def test_the_exercises_are_the_solutions_and_pair_with_their_lesson():
    assert sorted(exercises()) == sorted(p.stem for p in (REPO / "solutions").glob("ex*.ipynb"))
    assert len(set(exercises())) == len(exercises())
    for lesson in LESSONS:
        if lesson.exercise:  # ex03 goes with lesson 03b, ex06 with 06b, ex05 with lesson 05 ...
            assert lesson.exercise[2:4] == lesson.number[:2], lesson
        else:
            assert lesson.stem, "an entry with no lesson must be an exercise"


def test_exercises_come_in_course_order_with_the_ninja_between_lessons_10b_and_11():
    """ex12 (no lesson of its own) is done after lesson 10b, before lesson 11."""
    order = [lesson.number for lesson in LESSONS]
    assert order.index("10a") < order.index("10b") == order.index("12") - 1
    assert order.index("12") == order.index("11") - 1
    assert exercises()[-3:] == ["ex10_backprop_by_hand", "ex12_backprop_ninja",
                                "ex11_spot_the_bug"]


def test_every_lesson_has_a_short_title_and_a_part_in_order():
    parts = [lesson.part for lesson in LESSONS]
    assert parts == sorted(parts) and set(parts) == set(range(len(PARTS)))
    assert all(lesson.title and len(max(lesson.title.split("\n"), key=len)) <= 16
               for lesson in LESSONS)


# ---- the README's lesson table is LESSONS, in words --------------------------------------
README_ROW = re.compile(r"^\| (?P<number>[0-9a-z]+|—) \| (?P<text>.+) \| (?P<exercise>`\w+`|—) \|$")


def _readme_rows(readme: str) -> list[tuple[str, str, str]]:
    """(number, description, exercise) of each row of the README's "## The course" table;
    "—" for no number (an exercise with no lesson) and for no exercise."""
    section = readme.split("## The course", 1)[1].split("\n## ", 1)[0]
    rows = [README_ROW.match(line) for line in section.splitlines() if line.startswith("| ")]
    return [(m["number"], m["text"], m["exercise"].strip("`")) for m in rows if m]


def _expected_row(lesson, text: str) -> str:
    number = lesson.number if lesson.stem else "—"
    exercise = f"`{lesson.exercise}`" if lesson.exercise else "—"
    return f"| {number} | {text} | {exercise} |"


def test_the_readme_table_lists_the_lessons_in_order():
    """README.md's table must say what LESSONS says: each entry's number ("—" for an
    exercise with no lesson) and its exercise, in course order. Its descriptions are the
    README's own; on failure the message is the table's rows to paste."""
    rows = _readme_rows((REPO / "README.md").read_text(encoding="utf-8"))
    assert rows, "README.md has no '## The course' table"
    found = [(number, exercise) for number, _, exercise in rows]
    wanted = [(lesson.number if lesson.stem else "—", lesson.exercise or "—")
              for lesson in LESSONS]
    if found != wanted:
        texts = {(n, e): t for n, t, e in rows}
        paste = "\n".join(_expected_row(lesson, texts.get(
            key, lesson.title.replace("\n", " "))) for lesson, key in zip(LESSONS, wanted))
        raise AssertionError(f"README.md's lesson table is not bplab.course.LESSONS; paste:\n"
                             f"{paste}")


def test_the_readme_row_reader_sees_each_kind_of_row():
    readme = ("## The course\n\n| # | lesson | exercise |\n|---|---|---|\n"
              "| 03a | a neuron | — |\n| 05 | an MLP (`bp.MLP`) | `ex05_mlp_layers` |\n"
              "| — | the ninja | `ex12_backprop_ninja` |\n\n## For instructors\n| 99 | x | — |\n")
    assert _readme_rows(readme) == [("03a", "a neuron", "—"),
                                    ("05", "an MLP (`bp.MLP`)", "ex05_mlp_layers"),
                                    ("—", "the ninja", "ex12_backprop_ninja")]


def test_a_lesson_is_found_by_its_number():
    assert lesson_file("04") == "04_backprop_matrix_form.ipynb"
    assert lesson_file("10b") == "10b_modern_network_blocks.ipynb"
    with pytest.raises(ValueError, match="no lesson '06': the lessons are 00, 01"):
        lesson_file("06")
    with pytest.raises(ValueError, match="no lesson '12'"):   # ex12 has no lesson
        lesson_file("12")
