"""bplab.course, the one list of lessons and exercises, matches the course's folders."""

from pathlib import Path

from bplab.course import LESSONS, PARTS, exercises, lessons

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
    """COURSE.md: ex12 (no lesson of its own) is done after lesson 10b, before lesson 11."""
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
