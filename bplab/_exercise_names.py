"""The one parser of exercise names: ``ex05`` and its notebook ``ex05_mlp_layers.ipynb``.

Network code (``course``), ``viz`` and ``grading`` all read exercise names, and network
code may import none of the layers above it, so the parser lives here, below them all.
``bplab.grading.spec`` re-exports every name. ``tests/test_architecture.py`` fails on a
regex, glob or slice of ``exNN`` anywhere else.
"""

from __future__ import annotations

import re
from pathlib import Path

__all__ = ["EXERCISE", "EXERCISE_GLOB", "exercise_in", "exercise_notebooks",
           "exercise_number", "is_exercise", "notebook_exercise"]

EXERCISE = re.compile(r"ex\d\d")          # an exercise's name: ex01 ... ex12
EXERCISE_GLOB = "ex[0-9][0-9]_*.ipynb"      # its notebook: ex05_mlp_layers.ipynb
_NOTEBOOK = re.compile(rf"({EXERCISE.pattern})_\w+")   # a notebook's stem


def is_exercise(name: str) -> bool:
    """``"ex05"`` is an exercise's name; ``"ex5"``, ``"ex05_mlp"`` and ``"lesson"`` are not."""
    return isinstance(name, str) and EXERCISE.fullmatch(name) is not None


def exercise_in(text: str) -> str | None:
    """The first exercise name in ``text`` (``"alice_ex05_v2.ipynb"`` -> ``"ex05"``), or None."""
    match = EXERCISE.search(text)
    return match.group(0) if match else None


def exercise_notebooks(folder: str | Path) -> list[Path]:
    """``folder``'s exercise notebooks (``exNN_*.ipynb``), sorted by name."""
    return sorted(Path(folder).glob(EXERCISE_GLOB))


def notebook_exercise(notebook: str | Path) -> str:
    """The exercise a notebook is: ``"ex05_mlp_layers"``, ``"ex05_mlp_layers.ipynb"`` or a
    path to it -> ``"ex05"``. ValueError naming it when it is no exercise notebook's name."""
    stem = Path(notebook).name.removesuffix(".ipynb")
    match = _NOTEBOOK.fullmatch(stem)
    if match is None:
        raise ValueError(f"an exercise notebook is named like 'ex05_mlp_layers.ipynb', "
                         f"got {str(notebook)!r}")
    return match.group(1)


def exercise_number(name: str) -> str:
    """The number of an exercise or its notebook, as the course map prints it:
    ``"ex12"`` or ``"ex12_backprop_ninja"`` -> ``"12"``."""
    exercise = name if is_exercise(name) else notebook_exercise(name)
    return exercise.removeprefix("ex")
