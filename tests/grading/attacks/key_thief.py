"""A submission that looks for the answer key in every file the kernel can see.

Issue 16 §1: wherever the grader is installed (the repository's editable venv, the
Gradescope zip's non-editable venv, a Docker image's site-packages under /usr), a cell that
walks the visible filesystem for ``grading/exercises/exNN.py``, loads it with
imports it with the full bplab it sits in and binds every part's reference must find
nothing. Appended as the last cell, so its names replace the learner's.
"""

from __future__ import annotations

import nbformat
from nbformat.v4 import new_code_cell

THIEF = '''
import os, sys, importlib

def _key_files(exercise, limit=400_000):
    """Every exercise key module visible from here, by walking whatever can be listed."""
    bases = [*sys.path, sys.prefix, sys.base_prefix, "/usr", "/opt", "/autograder",
             "/course", "/srv", "/var", "/home", "/root", "/work", "/tmp"]
    found, seen = [], set()
    for base in bases:
        for folder, dirs, files in os.walk(base or "."):
            dirs[:] = [d for d in dirs if d not in ("proc", "sys", "dev")]
            limit -= 1
            if limit < 0 or folder in seen:
                return found
            seen.add(folder)
            if folder.endswith(os.path.join("grading", "exercises")) and exercise + ".py" in files:
                found.append(os.path.join(folder, exercise + ".py"))
    return found

def _load(path):
    """The key module at ``path``, imported with the full bplab it sits in."""
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(path))))
    for name in [m for m in sys.modules if m == "bplab" or m.startswith("bplab.")]:
        del sys.modules[name]
    sys.path.insert(0, root)
    try:
        return importlib.import_module("bplab.grading.exercises." + EXERCISE)
    finally:
        sys.path.remove(root)

_stolen = {}
for _path in _key_files(EXERCISE):
    try:
        _stolen.update({p.name: p.reference for p in _load(_path).PARTS})
    except Exception as _err:
        print("could not load", _path, _err)
globals().update(_stolen)
print("key files found:", len(_stolen))
'''


def thief_notebook(blank_path, exercise: str):
    """The blank notebook at ``blank_path`` with the thief cell appended."""
    nb = nbformat.read(blank_path, as_version=4)
    nb.cells.append(new_code_cell(f"EXERCISE = {exercise!r}\n" + THIEF))
    return nb
