"""``python -m bench [--quick] [--only NAME]``: run every bench module, print one table.

BLAS runs single-threaded for every side. Each ``bench/bench_*.py`` exposes ``run(quick=False) -> list[dict]`` with rows
``name, ours, peer, ratio, target, met, note`` (times in seconds; ratio = ours / peer).
"""

from __future__ import annotations

import argparse
import importlib
import os
import pkgutil
import sys
import tempfile

import bench


def _fmt_time(seconds: float | None) -> str:
    if seconds is None:
        return "-"
    return f"{seconds * 1000:.1f} ms" if seconds < 1 else f"{seconds:.2f} s"


def print_table(rows: list[dict]) -> None:
    header = ("benchmark", "bplab", "peer", "ratio", "target", "met", "note")
    lines = [(r["name"], _fmt_time(r["ours"]), _fmt_time(r["peer"]),
              "-" if r["ratio"] is None else f"{r['ratio']:.2f}x", r["target"],
              "yes" if r["met"] else "NO", r.get("note", "")) for r in rows]
    widths = [max(len(str(x)) for x in col) for col in zip(header, *lines)]
    for line in (header, tuple("-" * w for w in widths), *lines):
        print("  ".join(str(x).ljust(w) for x, w in zip(line, widths)).rstrip())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="fewer repetitions")
    parser.add_argument("--only", help="run only bench_<ONLY>.py")
    args = parser.parse_args(argv)
    names = sorted(m.name for m in pkgutil.iter_modules(bench.__path__)
                   if m.name.startswith("bench_"))
    if args.only:
        names = [n for n in names if n == f"bench_{args.only}"]
    rows = []
    # One BLAS thread for ours and the peers alike: on a shared 2-core machine, BLAS threads
    # spin-waiting for a core swamp the small matrix products these benchmarks time.
    from bplab.cost import limit_blas_threads

    limit_blas_threads(1)
    # The grading bench runs the solutions, whose bp.check calls record progress: keep
    # that out of the learner's own $BPLAB_HOME (kernels inherit this environment).
    os.environ["BPLAB_HOME"] = tempfile.mkdtemp(prefix="bplab-bench-home-")
    for name in names:
        print(f"running {name} ...", file=sys.stderr, flush=True)
        rows += importlib.import_module(f"bench.{name}").run(quick=args.quick)
    print_table(rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
