"""What the course asks of every notebook and every graded part, checked by machine:
a time estimate on top; exercises that make the learner derive (at least 60 % of all parts
and two thirds of the backprop core derive or diagnose, each part's skill stated); and
staged hints (two or three per part, the first one never code)."""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

from bplab.course import exercises
from bplab.grading.spec import SKILLS, load_parts

REPO = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((REPO / "notebooks").glob("*.ipynb")) + sorted(
    (REPO / "solutions").glob("ex*.ipynb"))
CORE = ("ex03", "ex04", "ex05", "ex12")  # the backprop core: exercises 3, 4, 5 and 12
TIME_ESTIMATE = re.compile(r"\babout\s+(?:\d+(?:\s*[–-]\s*\d+)?|an?|[a-z]+(?:[- ][a-z]+)?)\s+(?:of\s+an?\s+)?(?:minutes?|hours?)\b",
                           re.IGNORECASE)
HINT = re.compile(r"<summary>\s*Hint (\d+)\s*</summary>")
# a fenced block, or inline code assigning a computed expression (`dZ = dA * (1 - A**2)`);
# `batch_size = 8` in a question is a value, not the answer
CODE_IN_HINT = re.compile(r"```|`[^`]*\w\s*=\s*[^`=]*(?:[(@*/+]|np\.| - )[^`]*`")


def _parts_by_exercise() -> dict[str, list]:
    return {stem[:4]: load_parts(stem[:4]) for stem in exercises()}


def _share(parts) -> float:
    return sum(part.skill in ("derive", "diagnose") for part in parts) / len(parts)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_every_lesson_and_exercise_opens_with_a_time_estimate(path):
    first = next(c for c in nbformat.read(path, as_version=4).cells if c.cell_type == "markdown")
    assert TIME_ESTIMATE.search(first.source), (
        f"{path.name}: its first cell should say how long it takes, as 'About 20 minutes.'")


def test_every_part_states_its_skill_explicitly():
    unjudged = [part.id for parts in _parts_by_exercise().values() for part in parts
                if part.skill not in SKILLS]
    assert not unjudged, f"these parts state no skill= (derive, diagnose, ...): {unjudged}"


def test_learners_derive_most_parts_and_two_thirds_of_the_core():
    by_exercise = _parts_by_exercise()
    everything = [part for parts in by_exercise.values() for part in parts]
    core = [part for exercise in CORE for part in by_exercise.get(exercise, [])]
    summary = {ex: [p.skill for p in parts] for ex, parts in by_exercise.items()}
    assert set(CORE) <= set(by_exercise), f"the core exercises {CORE}; found {sorted(by_exercise)}"
    assert _share(core) >= 2 / 3, f"core derive/diagnose share {_share(core):.2f} < 2/3: {summary}"
    assert _share(everything) >= 0.6, (
        f"derive/diagnose share {_share(everything):.2f} < 0.60 over {len(everything)} parts")


def _hint_ladders(path: Path) -> list[tuple[int, list[str]]]:
    """For every markdown cell holding hints: (cell index, the hints' texts in order)."""
    ladders = []
    for index, cell in enumerate(nbformat.read(path, as_version=4).cells):
        if cell.cell_type != "markdown" or not HINT.search(cell.source):
            continue
        pieces = HINT.split(cell.source)[1:]  # number, text, number, text ...
        numbers = [int(n) for n in pieces[0::2]]
        assert numbers == list(range(1, len(numbers) + 1)), f"{path.name} [{index}]: {numbers}"
        ladders.append((index, pieces[1::2]))
    return ladders


@pytest.mark.parametrize("path", sorted((REPO / "solutions").glob("ex*.ipynb")),
                         ids=lambda p: p.stem)
def test_the_first_hint_is_never_code(path):
    """(test_exercise_parts checks that every part has two or three nested hints.)"""
    ladders = _hint_ladders(path)
    assert ladders, f"{path.name} has no hints"
    for index, hints in ladders:
        assert not CODE_IN_HINT.search(hints[0]), (
            f"{path.name} [{index}]: hint 1 shows code; it should be a question or a nudge:\n"
            f"{hints[0][:300]}")
