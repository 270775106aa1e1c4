"""Self-check quizzes: ``quiz("07")`` shows lesson 07's questions from ``quizzes/07.json``.

A quiz file is a JSON list of ``{"question": str, "options": [str, ...], "answer": int
(0-based), "explanation": str}``. The answers live in the file, not in the lesson's
visible source, so reading a lesson's code does not give them away.
"""

from __future__ import annotations

import html
import json
import re
import textwrap
from pathlib import Path

from .base import Lab, new_figure, render_png

QUIZ_DIR = Path(__file__).with_name("quizzes")
FIELDS = ("question", "options", "answer", "explanation")


class Question(Lab):
    """One multiple-choice question with a Check button."""

    title = "quiz"

    def __init__(self, question: str, options, answer: int, explanation: str = ""):
        import ipywidgets as W

        from .choices import RadioChoice, Status

        options = [str(o) for o in options]
        if len(options) < 2:
            raise ValueError(f"quiz: options must list at least 2 choices, got {len(options)}")
        if not isinstance(answer, int) or isinstance(answer, bool) \
                or not 0 <= answer < len(options):
            raise ValueError(f"quiz: answer must be the index (int) of the right option, in "
                             f"[0, {len(options) - 1}], got {answer!r}")
        self.question, self.options = str(question), options
        self.answer, self.explanation = answer, str(explanation)
        # native radios in a fieldset whose legend is the question, and Check in the same
        # widget (so a press never overtakes the pick it judges); the verdict is read out
        self.choice = RadioChoice(question=self.question, options=options,
                                  button_label="Check")
        self.button = _CheckButton(self.choice)
        self.feedback = Status()
        self.choice.on_submit(self.check)
        self.widget = W.VBox([self.choice, self.feedback])

    def check(self) -> bool | None:
        """Judge the selected option, show right/wrong and the explanation; None if none."""
        if self.choice.value is None:
            self.feedback.value = "<i>Pick an answer first.</i>"
            return None
        right = self.choice.value == self.answer
        verdict = ("<span style='color:#1b7f3b'><b>Right.</b></span>" if right else
                   "<span style='color:#b00020'><b>Not quite.</b></span> The answer is: "
                   f"<i>{html.escape(self.options[self.answer])}</i>.")
        self.feedback.value = f"{verdict} {html.escape(self.explanation)}"
        return right

    def snapshot_png(self) -> bytes:
        return quiz_picture([self])


class _CheckButton:
    """``question.button``: Check, which lives inside the choice widget; ``click()`` presses
    it from Python, as ``ipywidgets.Button.click`` does."""

    description = "Check"

    def __init__(self, choice):
        self._choice = choice

    def click(self) -> None:
        self._choice.submit()


class Quiz(Lab):
    """A lesson's self-check questions, one under the other; see ``quiz``."""

    def __init__(self, lesson: str, questions: list[Question]):
        import ipywidgets as W

        self.lesson, self.questions = lesson, questions
        self.title = f"Self-check quiz, lesson {lesson}"
        header = W.HTML(f"<b>{self.title}</b> ({len(questions)} questions)")
        self.widget = W.VBox([header] + [q.widget for q in questions])

    def snapshot_png(self) -> bytes:
        return quiz_picture(self.questions, self.title)


def quiz_picture(questions: list[Question], title: str = "") -> bytes:
    """The questions and their options as a PNG (no answer marked)."""
    lines = [(title, "bold")] if title else []
    for k, q in enumerate(questions, 1):
        for n, part in enumerate(textwrap.wrap(q.question, 90)):
            lines.append((f"{k}. {part}" if n == 0 else f"    {part}", "bold"))
        lines += [(f"    ( )  {textwrap.shorten(o, 110)}", "normal") for o in q.options]
        lines.append(("", "normal"))
    fig = new_figure(8.5, 0.2 * len(lines) + 0.2, layout=None)
    for row, (text, weight) in enumerate(lines):
        fig.text(0.01, 1 - (row + 0.8) / (len(lines) + 0.5), text, fontsize=9,
                 fontweight=weight, va="baseline")
    return render_png(fig, dpi=72)


def load_questions(lesson: str) -> list[dict]:
    """The validated question dicts of ``quizzes/<lesson>.json``."""
    path = QUIZ_DIR / f"{lesson}.json"
    if not path.exists():
        known = sorted(p.stem for p in QUIZ_DIR.glob("*.json"))
        raise ValueError(f"quiz: no quiz for lesson {lesson!r}; expected one of {known}")
    items = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(items, list) or not items:
        raise ValueError(f"quiz: {path.name} must hold a non-empty JSON list, "
                         f"got {type(items).__name__}")
    for k, item in enumerate(items):
        if not isinstance(item, dict) or set(item) != set(FIELDS):
            got = sorted(item) if isinstance(item, dict) else type(item).__name__
            raise ValueError(f"quiz: {path.name} item {k} must have the keys {list(FIELDS)}, "
                             f"got {got}")
    return items


def quiz(question: str, options=None, answer: int | None = None,
         explanation: str = "") -> Quiz | Question:
    """A lesson's self-check quiz by number, or one question given in full.

    Parameters
    ----------
    question : str or int
        A lesson number such as ``"07"`` (or ``7``) (shows every question of ``quizzes/07.json``),
        or the text of one question (then ``options`` and ``answer`` are required).
    options : sequence of str, optional
        The choices, at least two.
    answer : int, optional
        Index of the right option in ``options``.
    explanation : str
        Shown after Check, whether the pick was right or wrong.

    Returns
    -------
    Quiz or Question
        Displays as its widget. ``Question``: ``.choice.value = i`` selects option i and
        ``.check()`` returns True/False (None when nothing is selected); a ``Quiz`` holds
        them in ``.questions``.

    Examples
    --------
    >>> bp.labs.quiz("07")                                                  # doctest: +SKIP
    >>> bp.labs.quiz("d/dx of x**2 at x = 3?", ["3", "6", "9"], answer=1,
    ...              explanation="2x = 6.")                                 # doctest: +SKIP
    """
    if options is None and answer is None:
        if isinstance(question, int) and not isinstance(question, bool):
            question = f"{question:02d}"  # quiz(7) is quiz("07")
        if not re.fullmatch(r"\d\d[a-z]?", str(question)):
            raise ValueError(f"quiz: expected a lesson number like '07' or '03a' (or a question with "
                             f"options and answer), got {question!r}")
        items = load_questions(str(question))
        return Quiz(str(question), [Question(**item) for item in items])
    if options is None or answer is None:
        raise ValueError("quiz: a single question needs both options and answer")
    return Question(question, options, answer, explanation)
