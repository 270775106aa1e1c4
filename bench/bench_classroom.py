"""A class at scale: grade N generated ex05 submissions, then build the class report.

Submissions are of mixed quality: blank (the exercise as handed out), partial (the layer
parts solved, the loss and training not), full (the solution), and one per known bug
(each the solution with one cell replaced by a classic mistake). Grading goes through the
command line (``python -m bplab grade ... --jobs 2 --out grades.json``), as a class would.
Target: the report builds from their grades in under 5 s.

    python -m bench.bench_classroom --n 300      # minutes: the full class
    python -m bench.bench_classroom --n 24       # a quick check
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat

REPO = Path(__file__).resolve().parents[1]
SOLUTION = REPO / "solutions" / "ex05_mlp_layers.ipynb"
BLANK = REPO / "exercises" / "ex05_mlp_layers.ipynb"
MARKER = re.compile(r"^\s*### (BEGIN|END) SOLUTION\s*$\n?", re.MULTILINE)


def _prelu_backward(returned: str) -> str:
    return ("def prelu_backward(dout, X, a):\n"
            "    negative = X <= 0\n"
            f"    return {returned}\n")


def _softmax(exp_of: str, dscores: str) -> str:
    """A softmax_cross_entropy cell: probs = exp(``exp_of``) normalised, returning ``dscores``."""
    return ("def softmax_cross_entropy(scores, y):\n"
            "    N = scores.shape[0]\n"
            f"    probs = np.exp({exp_of})\n"
            "    probs /= probs.sum(axis=1, keepdims=True)\n"
            "    loss = -np.mean(np.log(probs[np.arange(N), y]))\n"
            "    probs[np.arange(N), y] -= 1\n"
            f"    return float(loss), {dscores}\n")


def _huber(dY: str) -> str:
    return ("def huber_loss(Y, T, delta):\n"
            "    N, r = Y.shape[0], Y - T\n"
            "    h = np.where(np.abs(r) <= delta, 0.5 * r**2, delta * (np.abs(r) - 0.5 * delta))\n"
            f"    return float(h.sum() / N), {dY}\n")


SHIFTED = "scores - scores.max(axis=1, keepdims=True)"
LOSS = "ex05.softmax_cross_entropy"
PRELU = "ex05.prelu_backward"
# One classic mistake per variant: bug key (as the spec names it) -> (part, the wrong cell).
BUGS = {
    "bias axis": (PRELU, _prelu_backward(
        "dout * np.where(negative, a, 1.0), dout * X * negative")),
    "missing slope": (PRELU, _prelu_backward(
        "dout * (X > 0), (dout * X * negative).sum(axis=0)")),
    "mask on dout": (PRELU, _prelu_backward(
        "dout * np.where(dout <= 0, a, 1.0), (dout * X * (dout <= 0)).sum(axis=0)")),
    "missing 1/N": (LOSS, _softmax(SHIFTED, "probs")),
    "sign": ("ex05.huber_loss", _huber("-np.clip(r, -delta, delta) / N")),
    "not clipped": ("ex05.huber_loss", _huber("r / N")),
}
PARTIAL_PARTS = {"ex05.prelu_backward", "ex05.huber_loss"}
KINDS = ["blank", "partial", "full", *BUGS]


def _solved_cells(solution, blank, parts) -> list:
    """The blank notebook's cells with the solution's cells for ``parts`` (None = all)."""
    cells = []
    for sol_cell, blank_cell in zip(solution.cells, blank.cells, strict=True):
        part = sol_cell.metadata.get("bplab", {}).get("part")
        solvable = sol_cell.cell_type == "code" and sol_cell.source != blank_cell.source
        take = solvable and (parts is None or part in parts)
        cell = nbformat.from_dict(dict(blank_cell))
        if take:
            cell.source = MARKER.sub("", sol_cell.source)
        cells.append(cell)
    return cells


def make_submission(kind: str, dest: Path) -> Path:
    """Write one ex05 submission of ``kind`` (see KINDS) to ``dest``; returns ``dest``."""
    blank = nbformat.read(BLANK, as_version=4)
    if kind != "blank":
        solution = nbformat.read(SOLUTION, as_version=4)
        blank.cells = _solved_cells(solution, blank, PARTIAL_PARTS if kind == "partial" else None)
    if kind in BUGS:
        part, source = BUGS[kind]
        for cell in blank.cells:
            if cell.metadata.get("bplab", {}) == {"part": part, "role": "solution"}:
                cell.source = source
    elif kind not in ("blank", "partial", "full"):
        raise ValueError(f"kind must be one of {KINDS}, got {kind!r}")
    dest.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(blank, dest)
    return dest


def make_class(n: int, folder: Path) -> list[Path]:
    """n submissions cycling through KINDS, one folder per student (student007/ex05_...)."""
    return [make_submission(KINDS[i % len(KINDS)],
                            folder / f"student{i:03d}" / BLANK.name) for i in range(n)]


def grade(paths: list[Path], out: Path, jobs: int = 2) -> float:
    """Seconds to grade ``paths`` with ``python -m bplab grade --jobs`` into ``out`` (JSON)."""
    command = [sys.executable, "-m", "bplab", "grade", *map(str, paths), "--source",
               str(REPO / "solutions"), "--jobs", str(jobs), "--out", str(out)]
    start = time.perf_counter()
    done = subprocess.run(command, cwd=REPO, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"grade exited with {done.returncode}: {done.stderr[-2000:]}")
    return time.perf_counter() - start


def time_report(grades: Path, out: Path) -> float:
    """Seconds to build the class report from ``grades``."""
    from bplab.classroom.report import write_report

    start = time.perf_counter()
    write_report(grades, out)
    return time.perf_counter() - start


def run(quick: bool = False, n: int | None = None, keep: Path | None = None) -> list[dict]:
    """Rows for ``python -m bench``: grading rate, and report build time (target < 5 s)."""
    n = n or (len(KINDS) if quick else 300)
    with tempfile.TemporaryDirectory(prefix="bplab-class-") as tmp:
        folder = Path(keep) if keep else Path(tmp)
        paths = make_class(n, folder / "submissions")
        seconds = grade(paths, folder / "grades.json")
        report_seconds = time_report(folder / "grades.json", folder / "report.html")
        graded = len(json.loads((folder / "grades.json").read_text()))
    rate = f"{n} submissions, {graded} graded, {n / seconds:.2f}/s ({seconds / n:.2f} s each)"
    return [{"name": f"grade {n} ex05 submissions, --jobs 2", "ours": seconds, "peer": None,
             "ratio": None, "target": "report", "met": graded == n, "note": rate},
            {"name": f"class report from {n} grades", "ours": report_seconds, "peer": None,
             "ratio": None, "target": "< 5 s", "met": report_seconds < 5, "note": ""}]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.bench_classroom", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=300, help="number of submissions")
    parser.add_argument("--keep", type=Path, help="keep submissions, grades and report here")
    args = parser.parse_args(argv)
    for row in run(n=args.n, keep=args.keep):
        print(f"{row['name']}: {row['ours']:.2f} s  {row['note']}  "
              f"(target {row['target']}: {'met' if row['met'] else 'NOT met'})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
