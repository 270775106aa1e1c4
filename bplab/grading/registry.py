"""Find exercise parts: ``"ex05.linear_backward"`` -> the ``Part`` in ``exercises/ex05.py``.

Specs live in the package ``bplab.grading.exercises`` (one module ``exNN`` per exercise).
Extra folders holding ``exNN.py`` files can be added with the environment variable
``BPLAB_SPEC_PATH`` (folders separated by ``os.pathsep``); the tests use it for a small
exercise of their own. The package wins when both define the same exercise.
"""

from __future__ import annotations

import importlib
import importlib.util
import os
import re
from pathlib import Path
from types import ModuleType

from .spec import Part

__all__ = ["PART_ID", "exercise_of", "get_part", "load_parts"]

PART_ID = re.compile(r"^(ex\d\d)\.([a-z_][a-z0-9_]*)$")
_MODULES: dict[str, ModuleType] = {}


def exercise_of(part_id: str) -> str:
    """``"ex05.linear_backward"`` -> ``"ex05"``; ValueError naming the id when malformed."""
    if not isinstance(part_id, str):
        raise TypeError(f"part_id must be a str like 'ex05.linear_backward', "
                        f"got {type(part_id).__name__}")
    match = PART_ID.match(part_id)
    if match is None:
        raise ValueError(f"part_id must look like 'ex05.linear_backward', got {part_id!r}")
    return match.group(1)


def _spec_module(exercise: str) -> ModuleType:
    """Import the spec module of ``exercise`` ("ex05") from the package or BPLAB_SPEC_PATH."""
    if exercise in _MODULES:
        return _MODULES[exercise]
    try:
        module = importlib.import_module(f"bplab.grading.exercises.{exercise}")
    except ModuleNotFoundError as err:
        if err.name != f"bplab.grading.exercises.{exercise}":
            raise
        module = _from_spec_path(exercise)
    _MODULES[exercise] = module
    return module


def _from_spec_path(exercise: str) -> ModuleType:
    """Load ``exercise``.py from a folder listed in BPLAB_SPEC_PATH."""
    folders = [f for f in os.environ.get("BPLAB_SPEC_PATH", "").split(os.pathsep) if f]
    for folder in folders:
        path = Path(folder) / f"{exercise}.py"
        if path.is_file():
            spec = importlib.util.spec_from_file_location(f"bplab_spec_{exercise}", path)
            module = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(module)
            return module
    raise ValueError(f"no exercise spec for {exercise!r}: expected the module "
                     f"bplab/grading/exercises/{exercise}.py (or {exercise}.py in a "
                     f"BPLAB_SPEC_PATH folder, searched {folders})")


def load_parts(exercise: str) -> list[Part]:
    """All parts of ``exercise`` ("ex05"), in the order its spec module lists them."""
    module = _spec_module(exercise)
    parts = getattr(module, "PARTS", None)
    if not isinstance(parts, (list, tuple)) or not all(isinstance(p, Part) for p in parts):
        raise TypeError(f"{module.__name__}.PARTS must be a list of bplab.grading.spec.Part")
    return list(parts)


def get_part(part_id: str) -> Part:
    """The ``Part`` whose id is ``part_id``; ValueError listing the known ids otherwise."""
    parts = load_parts(exercise_of(part_id))
    for part in parts:
        if part.id == part_id:
            return part
    known = ", ".join(p.id for p in parts)
    raise ValueError(f"unknown part {part_id!r}: this exercise has {known}")
