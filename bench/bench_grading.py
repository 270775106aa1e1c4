"""Autograder throughput: seconds per submission, and a class of 30 with --jobs 2.

Peer: executing the same notebooks with plain nbclient (what nbgrader's autograde does
at its core), sequentially, without any grading. Targets: one submission in under 10 s,
and 30 submissions with --jobs 2 in under 5 minutes (one unattended run for a class).
"""

from __future__ import annotations

import shutil
import tempfile
import time
from itertools import cycle, islice
from pathlib import Path

import nbformat
from nbclient import NotebookClient

from bplab.grading.autograde import grade_many

REPO = Path(__file__).resolve().parents[1]
SOURCE = REPO / "solutions"


def _submissions(folder: Path, n: int) -> list[Path]:
    """n submissions: solutions and untouched exercises in turn, one folder per student."""
    pool = sorted(SOURCE.glob("ex*.ipynb")) + sorted((REPO / "exercises").glob("ex*.ipynb"))
    paths = []
    for i, src in enumerate(islice(cycle(pool), n)):
        (folder / f"student{i:02d}").mkdir()
        paths.append(Path(shutil.copy(src, folder / f"student{i:02d}" / src.name)))
    return paths


def _plain_execute(paths: list[Path]) -> float:
    """Seconds to execute ``paths`` one after the other with nbclient (errors allowed)."""
    start = time.perf_counter()
    for path in paths:
        nb = nbformat.read(path, as_version=4)
        NotebookClient(nb, timeout=120, kernel_name="python3", allow_errors=True,
                       resources={"metadata": {"path": str(path.parent)}}).execute()
    return time.perf_counter() - start


def _row(name, ours, peer, target, met, note):
    return {"name": name, "ours": ours, "peer": peer,
            "ratio": ours / peer if peer else None, "target": target, "met": met,
            "note": note}


def run(quick: bool = False) -> list[dict]:
    """Rows: one ex05 solution graded alone; a class of 30 (6 when quick) with --jobs 2."""
    n = 6 if quick else 30
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / "one" / "alice").mkdir(parents=True)
        one = Path(shutil.copy(SOURCE / "ex05_mlp_layers.ipynb",
                               folder / "one" / "alice" / "ex05_mlp_layers.ipynb"))
        start = time.perf_counter()
        grade_many([one], SOURCE, jobs=1, timeout=120)
        ours_one = time.perf_counter() - start
        peer_one = _plain_execute([one])
        (folder / "class").mkdir()
        paths = _submissions(folder / "class", n)
        start = time.perf_counter()
        results = grade_many(paths, SOURCE, jobs=2, timeout=120)
        ours_class = time.perf_counter() - start
        peer_class = _plain_execute(paths)
    per_sub = sum(r.seconds for r in results) / len(results)
    return [
        _row("grade 1 submission (ex05 solution)", ours_one, peer_one, "< 10 s",
             ours_one < 10, "peer: plain nbclient execution of the same notebook"),
        _row(f"grade {n} submissions, --jobs 2", ours_class, peer_class, "< 300 s",
             ours_class < 300, f"mean {per_sub:.1f} s per submission inside a worker; "
             "peer: plain sequential nbclient execution"),
    ]
