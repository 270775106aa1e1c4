"""Autograder throughput: the sandboxed grader against plain nbclient execution.

Peer: executing the same notebook with plain nbclient in this process (what nbgrader's
autograde does at its core), without any grading or isolation. Targets (issue 8): one
sandboxed submission at most 1.3x the peer (median of 3 each, alternating), and 300 ex05
submissions with --jobs 2 in at most 6 minutes on a 2-core machine.
"""

from __future__ import annotations

import shutil
import statistics
import tempfile
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

from bplab.grading.autograde import grade_many

REPO = Path(__file__).resolve().parents[1]
SOURCE = REPO / "solutions"
EX05 = "ex05_mlp_layers.ipynb"


def _plain_execute(path: Path) -> float:
    """Seconds to execute ``path`` with nbclient (errors allowed)."""
    start = time.perf_counter()
    nb = nbformat.read(path, as_version=4)
    NotebookClient(nb, timeout=120, kernel_name="python3", allow_errors=True,
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    return time.perf_counter() - start


def _graded(paths: list[Path], jobs: int) -> float:
    start = time.perf_counter()
    results = grade_many(paths, SOURCE, jobs=jobs, timeout=120, exercise="ex05")
    assert all(r.parts for r in results), [r.note for r in results]
    return time.perf_counter() - start


def _class(folder: Path, n: int) -> list[Path]:
    """n ex05 submissions: solutions and untouched exercises in turn."""
    paths = []
    for i in range(n):
        src = (SOURCE if i % 2 == 0 else REPO / "exercises") / EX05
        (folder / f"student{i:03d}").mkdir(parents=True)
        paths.append(Path(shutil.copy(src, folder / f"student{i:03d}" / EX05)))
    return paths


def _row(name, ours, peer, target, met, note):
    return {"name": name, "ours": ours, "peer": peer,
            "ratio": ours / peer if peer else None, "target": target, "met": met,
            "note": note}


def run(quick: bool = False) -> list[dict]:
    """Rows: one ex05 solution (sandboxed vs plain), and a class with --jobs 2."""
    n = 20 if quick else 300
    with tempfile.TemporaryDirectory() as tmp:
        one = _class(Path(tmp) / "one", 1)
        ours, peer = [], []
        for _ in range(3):
            ours.append(_graded(one, 1))
            peer.append(_plain_execute(one[0]))
        ours_one, peer_one = statistics.median(ours), statistics.median(peer)
        paths = _class(Path(tmp) / "class", n)
        ours_class = _graded(paths, 2)
    rate = n / ours_class * 60
    return [
        _row("grade 1 ex05 submission, sandboxed (median of 3)", ours_one, peer_one,
             "<= 1.3x", ours_one <= 1.3 * peer_one,
             "peer: plain nbclient execution of the same notebook, no sandbox"),
        _row(f"grade {n} ex05 submissions, --jobs 2", ours_class, None,
             "<= 360 s" if n == 300 else "(quick run)", ours_class <= 360 * n / 300,
             f"{rate:.0f} submissions per minute; half solutions, half blank"),
    ]
