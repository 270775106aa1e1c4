"""bplab.course, the one list of lessons and exercises, matches the course's folders."""

from pathlib import Path

from bplab.course import LESSONS, PARTS, exercises

REPO = Path(__file__).resolve().parents[1]


def test_the_lessons_are_the_notebooks_in_order():
    assert [lesson.stem for lesson in LESSONS] == sorted(
        p.stem for p in (REPO / "notebooks").glob("*.ipynb"))


def test_the_exercises_are_the_solutions_in_order_and_pair_with_their_lesson():
    assert exercises() == sorted(p.stem for p in (REPO / "solutions").glob("ex*.ipynb"))
    for lesson in LESSONS:
        if lesson.exercise:  # ex03 goes with lesson 03b, ex05 with lesson 05 ...
            assert lesson.exercise[2:4] == lesson.number[:2], lesson


def test_every_lesson_has_a_short_title_and_a_part_in_order():
    parts = [lesson.part for lesson in LESSONS]
    assert parts == sorted(parts) and set(parts) == set(range(len(PARTS)))
    assert all(lesson.title and len(max(lesson.title.split("\n"), key=len)) <= 16
               for lesson in LESSONS)
