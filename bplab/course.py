"""The course's lessons in order, each with the exercise it pairs with: the one list that
the course map (``bp.viz.plot_course_map``) draws. ``tests/test_course.py`` checks it
against the files in ``notebooks/`` and ``solutions/``, so it cannot go stale.

An exercise with no lesson of its own (ex12, the backprop ninja, done between lessons 10b
and 11) is an entry whose ``stem`` is None, placed where it is done: ``lessons()`` leaves it
out, ``exercises()`` keeps the course's order (so ex12 comes before ex11).
"""

from __future__ import annotations

from typing import NamedTuple

from ._exercise_names import exercise_number

__all__ = ["LESSONS", "PARTS", "Lesson", "exercises", "lesson_file", "lessons"]

# The parts of the course, in order; a lesson names its part by index.
PARTS = ("start", "the mechanics of backprop", "training networks", "perspective",
         "under the hood")


class Lesson(NamedTuple):
    """One lesson: ``notebooks/<stem>.ipynb``, a short title (``\\n`` breaks it on the map),
    the stem of its exercise (``exercises/<exercise>.ipynb``) or None, and its part.
    A stem of None marks an exercise done on its own, with no lesson."""

    stem: str | None
    title: str
    exercise: str | None
    part: int

    @property
    def number(self) -> str:
        """``"03a"`` for ``03a_single_neuron``; ``"12"`` for the exercise-only ex12."""
        if self.stem is None:
            return exercise_number(self.exercise)
        return self.stem.split("_", 1)[0]


LESSONS = (
    Lesson("00_welcome", "welcome", None, 0),
    Lesson("01_derivatives_chain_rule", "derivatives &\nchain rule", "ex01_chain_rule", 1),
    Lesson("02_computational_graphs_autograd", "graphs &\nautograd", "ex02_autograd", 1),
    Lesson("03a_single_neuron", "a single\nneuron", None, 1),
    Lesson("03b_gradient_descent", "gradient\ndescent", "ex03_logistic_regression", 1),
    Lesson("04_backprop_matrix_form", "backprop in\nmatrix form", "ex04_two_layer_backprop", 1),
    Lesson("05_training_an_mlp", "training\nan MLP", "ex05_mlp_layers", 2),
    Lesson("06a_learning_rates_and_optimizers", "learning rates,\noptimizers", None, 2),
    Lesson("06b_minima_and_saddles", "minima &\nsaddles", "ex06_optimizers", 2),
    Lesson("07_vanishing_exploding_gradients", "vanishing &\nexploding", "ex07_initialization",
           2),
    Lesson("08_handwritten_digits", "handwritten\ndigits", "ex08_digits", 2),
    Lesson("09_why_backprop", "why backprop", "ex09_concepts_quiz", 3),
    Lesson("10a_backprop_as_vjp", "backprop as\nVJPs", None, 4),
    Lesson("10b_modern_network_blocks", "modern\nblocks", "ex10_backprop_by_hand", 4),
    Lesson(None, "backprop\nninja", "ex12_backprop_ninja", 4),
    Lesson("11_debugging_backprop", "debugging\nbackprop", "ex11_spot_the_bug", 4),
)


def lessons() -> list[Lesson]:
    """The entries that are lessons (a notebook in ``notebooks/``), in order."""
    return [lesson for lesson in LESSONS if lesson.stem]


def exercises() -> list[str]:
    """The exercises' stems, in course order (ex12 comes right after ex10)."""
    return [lesson.exercise for lesson in LESSONS if lesson.exercise]


def lesson_file(number: str) -> str:
    """``"04"`` -> ``"04_backprop_matrix_form.ipynb"``: the notebook of lesson ``number``;
    ValueError naming the lessons there are when there is no such lesson."""
    for lesson in lessons():
        if lesson.number == number:
            return f"{lesson.stem}.ipynb"
    raise ValueError(f"no lesson {number!r}: the lessons are "
                     f"{', '.join(lesson.number for lesson in lessons())}")
