"""Adversarial submissions of the fixture exercise ex98, each with the score it must get.

ex98 has three parts: linear_backward (3 points), relu_backward (2), answer (1). Each
builder takes the source notebook (solutions included) and returns what a learner might
hand in; EXPECTED gives the points each part must earn.
"""

from __future__ import annotations

import copy

import numpy as np
from nbformat.v4 import new_code_cell

from bplab.grading.notebooks import bplab_meta
from bplab.grading.spec import PUBLIC_SEED, get_part, make_cases

PARTS = ("ex98.linear_backward", "ex98.relu_backward", "ex98.answer")


def _cell(nb, part: str, role: str = "solution"):
    """The cell of ``part`` with ``role``."""
    return next(c for c in nb.cells
                if bplab_meta(c).get("part") == part and bplab_meta(c).get("role") == role)


def _insert_after(nb, part: str, source: str):
    """Insert a plain code cell after the solution cell of ``part``."""
    nb.cells.insert(nb.cells.index(_cell(nb, part)) + 1, new_code_cell(source))


def infinite_loop(nb):
    """linear_backward never returns."""
    _cell(nb, PARTS[0]).source = "def linear_backward(X, W, dout):\n    while True:\n        pass"
    return nb


def sys_exit(nb):
    """relu_backward calls sys.exit, and a top-level cell does too."""
    _cell(nb, PARTS[1]).source = ("import sys\n\ndef relu_backward(x, dout):\n"
                                  "    sys.exit(1)")
    _insert_after(nb, PARTS[0], "import sys\nsys.exit(0)")
    return nb


def exception_at_import(nb):
    """The first cell fails after its imports; a cell later raises too."""
    nb.cells[1].source += "\nimport a_module_that_does_not_exist"
    _insert_after(nb, PARTS[1], "raise RuntimeError('boom')")
    return nb


def kernel_killer(nb):
    """A cell kills the kernel process outright (os._exit) between two parts."""
    _insert_after(nb, PARTS[0], "import os\nos._exit(1)")
    return nb


def monkeypatch_numpy(nb):
    """Wrong answers, with every comparison the kernel could use patched to say yes."""
    _insert_after(nb, PARTS[0], (
        "np.allclose = lambda *a, **k: True\n"
        "np.testing.assert_allclose = lambda *a, **k: None\n"
        "import bplab.grading.feedback as _d\n_d.close = lambda *a, **k: True\n"
        "bp.check = lambda *a, **k: print('ex98: public checks passed')\n"
        "def linear_backward(X, W, dout):\n"
        "    return np.zeros((len(X), W.shape[0])), np.zeros_like(W), np.zeros(W.shape[1])"))
    return nb


def hard_coded(nb):
    """linear_backward returns the public answers from a lookup table, zeros otherwise."""
    part = get_part("ex98.linear_backward")
    table = {}
    for case in make_cases(part, PUBLIC_SEED):
        key = round(float(np.sum(case.args[0])), 9)
        table[key] = [a.tolist() for a in part.reference(*case.args)]
    _cell(nb, PARTS[0]).source = (
        f"ANSWERS = {table!r}\n\ndef linear_backward(X, W, dout):\n"
        "    key = round(float(np.sum(X)), 9)\n"
        "    if key in ANSWERS:\n"
        "        return tuple(np.array(a) for a in ANSWERS[key])\n"
        "    return np.zeros_like(X), np.zeros_like(W), np.zeros(W.shape[1])")
    return nb


def deleted_check_cells(nb):
    """Every check cell deleted; relu_backward wrong (it forgets the mask)."""
    nb.cells = [c for c in nb.cells if bplab_meta(c).get("role") != "check"]
    _cell(nb, PARTS[1]).source = "def relu_backward(x, dout):\n    return dout"
    return nb


def edited_check_cells(nb):
    """Check cells rewritten to claim success; linear_backward transposes dW."""
    for cell in nb.cells:
        if bplab_meta(cell).get("role") == "check":
            cell.source = "print('all tests passed')"
    _cell(nb, PARTS[0]).source = ("def linear_backward(X, W, dout):\n"
                                  "    return dout @ W.T, (X.T @ dout).T, dout.sum(axis=0)")
    return nb


def output_flood(nb):
    """50 MB printed by a cell, and more printed inside a graded function."""
    _insert_after(nb, PARTS[0], "print('x' * 50_000_000)")
    _cell(nb, PARTS[1]).source = ("def relu_backward(x, dout):\n    print('y' * 1_000_000)\n"
                                  "    return dout * (x > 0)")
    return nb


BUILDERS = {f.__name__: f for f in (
    infinite_loop, sys_exit, exception_at_import, kernel_killer, monkeypatch_numpy,
    hard_coded, deleted_check_cells, edited_check_cells, output_flood)}

# points per part (linear_backward, relu_backward, answer) each submission must earn
EXPECTED = {
    "infinite_loop": (0, 2, 1),
    "sys_exit": (3, 0, 1),
    "exception_at_import": (3, 2, 1),
    "kernel_killer": (3, 2, 1),
    "monkeypatch_numpy": (0, 2, 1),
    "hard_coded": (0, 2, 1),
    "deleted_check_cells": (3, 0, 1),
    "edited_check_cells": (0, 2, 1),
    "output_flood": (3, 2, 1),
}


def build(name: str, source_nb):
    """The adversarial submission ``name`` made from a copy of ``source_nb``."""
    return BUILDERS[name](copy.deepcopy(source_nb))
