"""Hostile submission files (issue 8 §4): symlinks to /dev/zero, to the source notebook or
to the solutions folder, a FIFO, a 200 MB notebook, JSON nested 100 000 deep, 20 000
cells. Each is refused (or stopped) with a row of its own, quickly; the rest is graded.

The grader runs under a 6 GB address-space limit here, a safety belt: a grader that
reads /dev/zero fails this test instead of exhausting the machine.
"""

from __future__ import annotations

import json
import os

import kit
import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell

pytestmark = pytest.mark.slow

FULL, BLANK = (3, 2, 1), (0, 0, 0)
TIMEOUT, BUDGET, SLACK = 3, 15, 6
REFUSED = ("link", "regular", "large", "size", "MB", "nest", "deep", "depth")  # a reason given


def _symlink(path, target):
    path.parent.mkdir(parents=True)
    path.symlink_to(target)


def _fifo(path, _):
    path.parent.mkdir(parents=True)
    os.mkfifo(path)


def _linked_folder(path, _):  # the student's folder is a link to the solutions
    path.parent.symlink_to(kit.source_path("ex98").parent, target_is_directory=True)


def _oversized(path, _):  # a valid notebook of 200 MB (written raw: nbformat is slow at it)
    nb = json.loads(nbformat.writes(kit.solution("ex98")))
    nb["cells"].append(new_markdown_cell("x" * 200_000_000))
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps(nb))


def _deep(path, _):
    nb = json.loads(nbformat.writes(kit.solution("ex98")))
    text = json.dumps(nb)
    path.parent.mkdir(parents=True)
    path.write_text(text[:-1] + ', "x": ' + "[" * 100_000 + "]" * 100_000 + "}")


def _many_cells(path, _):
    nb = kit.solution("ex98")
    nb.cells += [new_code_cell("pass", id=f"many{i}") for i in range(20_000)]  # unique ids
    path.parent.mkdir(parents=True)
    nbformat.write(nb, path)


ATTACKS = kit.selected({  # name: (how the file is made, points each part must get)
    "honest_full": (lambda p, _: kit.write(p.parent.parent, "honest_full",
                                           kit.solution("ex98"), "ex98"), FULL),
    "link_dev_zero": (lambda p, _: _symlink(p, "/dev/zero"), BLANK),
    "link_solution": (lambda p, _: _symlink(p, kit.source_path("ex98")), BLANK),
    "linked_folder": (_linked_folder, BLANK),
    "fifo": (_fifo, BLANK),
    "oversized": (_oversized, BLANK),
    "deep_nesting": (_deep, BLANK),
    "honest_blank": (lambda p, _: kit.write(p.parent.parent, "honest_blank",
                                            kit.blank("ex98"), "ex98"), BLANK),
    "many_cells": (_many_cells, None),  # any score, within its budget
    "victim": (lambda p, _: kit.write(p.parent.parent, "victim", kit.solution("ex98"),
                                      "ex98"), FULL),
})


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    folder = tmp_path_factory.mktemp("input")
    paths = [folder / name / kit.source_path("ex98").name for name in ATTACKS]
    for path, (make, _) in zip(paths, ATTACKS.values()):
        make(path, None)
    with kit.Host([kit.source_path("ex98").parent]) as host:
        run = kit.grade(paths, "ex98", folder / "grades.json", timeout=TIMEOUT, budget=BUDGET,
                        env=host.env, wall=120, limit_as=6 << 30)
        yield run, host.changes()


def test_run_completes_with_every_row(hostile):
    run = hostile[0]
    assert not run.hung and run.returncode == 0, run.stderr[-2000:]
    assert set(run.rows) == set(ATTACKS), sorted(run.rows)


@pytest.mark.parametrize("name", sorted(n for n, (_, pts) in ATTACKS.items() if pts))
def test_scores(hostile, name):
    run = hostile[0]
    assert run.scored(name, ATTACKS[name][1]), run.feedback(name)


@pytest.mark.parametrize("name", sorted(n for n in ATTACKS if not n.startswith("honest")
                                        and n not in ("victim", "many_cells")))
def test_refusal_says_why(hostile, name):
    feedback = hostile[0].feedback(name)
    assert any(word in feedback for word in REFUSED), feedback


@pytest.mark.parametrize("name", sorted(ATTACKS))
def test_each_submission_keeps_to_its_budget(hostile, name):
    assert hostile[0].rows[name]["seconds"] <= BUDGET + SLACK


def test_nothing_outside_the_sandbox_changed(hostile):
    assert hostile[1] == []
