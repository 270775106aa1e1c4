"""A submission that looks for the answer key in every file the kernel can see.

Issue 16 §1: wherever the grader is installed (the repository's editable venv, the
Gradescope zip's non-editable venv, a Docker image's site-packages under /usr), a cell that
walks the visible filesystem for ``grading/exercises/exNN.py``, imports it with the full
bplab it sits in and binds every part's reference must find
nothing. It sits at the end of every code cell (the answers are all a grader keeps).
"""

from __future__ import annotations

import nbformat

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
            if limit < 0:
                return found
            if folder in seen:     # a folder inside one walked before: skip, go on
                dirs[:] = []
                continue
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

_first = "_stolen_before" not in globals()   # the walk runs once, in the first cell
_stolen = globals().get("_stolen_before", {})
for _path in (_key_files(EXERCISE) if _first else []):
    try:
        _stolen.update({p.name: p.reference for p in _load(_path).PARTS})
    except Exception as _err:
        print("could not load", _path, _err)
_stolen_before = _stolen
globals().update(_stolen)
print("key parts found:", len(_stolen))
'''


def thief_notebook(blank_path, exercise: str):
    """The blank notebook at ``blank_path`` with the thief appended to every code cell: the
    grader keeps only the learner's solution cells, and checks each part where its cell
    runs, so the theft must sit in the answer itself."""
    nb = nbformat.read(blank_path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.source += f"\nEXERCISE = {exercise!r}\n" + THIEF
    return nb
