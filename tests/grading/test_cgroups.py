"""Each sandbox's cgroups go when it ends, and a killed grader's are swept by the next run.

Once, a group whose last process was still being torn down refused rmdir (EBUSY) and was left
behind: about 290 empty ``bplab-<pid>-<n>`` groups piled up here over a day of test runs.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from grading_paths import SOURCE, needs_sandbox

from bplab.grading.autograde import grade_many
from bplab.grading.cgroups import Cgroups, in_force
from bplab.grading.sandbox import Limits

pytestmark = pytest.mark.slow


def _parents() -> list[Path]:
    probe = Cgroups(f"bplab-probe-{os.getpid()}", Limits().group)
    try:
        if not probe.applied:
            pytest.skip("no cgroup can be made here (not root, no delegated v2 group)")
        return sorted({d.parent for d in probe.dirs})
    finally:
        probe.remove()


def _mine(parents: list[Path]) -> list[Path]:
    return [d for p in parents for d in p.glob(f"bplab-{os.getpid()}-*")]


def test_a_graded_run_leaves_no_group_behind(tmp_path):
    needs_sandbox()
    parents = _parents()
    submission = tmp_path / "alice" / "ex98_fixture.ipynb"
    submission.parent.mkdir()
    submission.write_bytes((SOURCE / "ex98_fixture.ipynb").read_bytes())
    for _ in range(3):
        (grade,) = grade_many([submission], SOURCE, jobs=1, timeout=10)
        assert grade.total == grade.max_total
    assert not _mine(parents)


def test_a_killed_graders_empty_groups_are_swept_by_the_next_run():
    parents = _parents()
    dead = 4_194_999   # above Linux's largest pid: no process has it
    stale = [p / f"bplab-{dead}-{n}" for p in parents for n in (1, 2)]
    for folder in stale:
        folder.mkdir()
    in_force(Limits().group)
    assert not [f for f in stale if f.exists()]
