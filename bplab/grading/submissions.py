"""A submission: reading it safely, and whose it is.

``read_submission`` never follows a link, blocks on a FIFO or reads past a size cap.
``student_of`` names the learner from the path the instructor gave; ``name_problem``
refuses names a gradebook reads as its own rows, and ``refuse_collisions`` makes every
submission that shares its (student, exercise) with another an error row naming them all.
"""

from __future__ import annotations

import os
import stat
from dataclasses import replace
from pathlib import Path

import nbformat

from .feedback import clean
from .spec import Status, is_exercise

__all__ = ["MAX_SUBMISSION_BYTES", "RESERVED_NAMES", "name_problem", "read_submission",
           "refuse_collisions", "student_of"]

MAX_SUBMISSION_BYTES = 20 * 2**20


def student_of(path: str | Path) -> str:
    """The learner's name: the file stem, or the parent folder when the file keeps the
    exercise's own name (``alice/ex05_mlp_layers.ipynb`` -> ``alice``)."""
    path = Path(path)
    if is_exercise(path.stem.split("_")[0]) and path.parent.name not in ("", "."):
        return clean(path.parent.name, 100)
    return clean(path.stem, 100)


# Names an LMS gradebook reads as its own rows (Canvas's "Points Possible" and its student
# view's "Test Student"), or as a gradebook's header: never a learner's name.
RESERVED_NAMES = ("points possible", "test student", "student, test", "student", "")


def name_problem(student: str) -> str:
    """Why ``student`` can't name a row in a gradebook ("" when it can)."""
    if " ".join(student.split()).casefold() in RESERVED_NAMES:
        return (f"submission refused: the name {student!r} (from its folder or file name) is "
                "one a gradebook reads as its own row; rename the folder to the student's id")
    return ""


def read_submission(path: Path) -> tuple[object | None, str]:
    """(notebook, "") or (None, why it was refused): never follows a link, never blocks on
    a FIFO or device, never reads more than MAX_SUBMISSION_BYTES."""
    if os.path.realpath(path) != os.path.abspath(path):  # a link anywhere in the path
        return None, ("submission refused: its path goes through a symbolic link (an "
                      "unpacked archive can hold one); hand in the notebook file itself")
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError as err:
        return None, f"submission refused: {err.strerror} (hand in the notebook file itself)"
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            return None, "submission refused: not a regular file (hand in the notebook itself)"
        if info.st_size > MAX_SUBMISSION_BYTES:
            return None, (f"submission refused: {info.st_size / 2**20:.0f} MB, over the "
                          f"{MAX_SUBMISSION_BYTES // 2**20} MB cap (clear the outputs)")
        raw = os.read(fd, MAX_SUBMISSION_BYTES + 1)
    finally:
        os.close(fd)
    try:
        return nbformat.reads(raw.decode("utf-8"), as_version=4), ""
    except Exception as err:  # noqa: BLE001 - any unreadable file is the learner's problem
        return None, clean(f"could not read the notebook: {type(err).__name__}: {err}", 300)


def refuse_collisions(grades: list) -> list:
    """``grades`` with every submission that shares its (student, exercise) with another
    made an error row naming all of them: which one is the student's is the instructor's
    call, never a silent maximum (``mallory/alice.ipynb`` beside ``alice/ex05_...``)."""
    claims: dict[tuple[str, str], list] = {}
    for grade in grades:
        if grade.exercise != "?":
            claims.setdefault((grade.student, grade.exercise), []).append(grade)
    for (student, exercise), same in claims.items():
        if len(same) < 2:
            continue
        why = clean(f"not counted: {len(same)} submissions are named {student!r} for "
                    f"{exercise} ({', '.join(g.path for g in same)}); keep one per student, "
                    "or name each by its own folder", 600)
        for grade in same:
            grade.parts = [replace(p, points=0, status=Status.ERROR, feedback=why, bug="")
                           for p in grade.parts]
            grade.note = why
    return grades
