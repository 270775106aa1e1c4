"""The command line: ``python -m bplab exercises ...`` and ``python -m bplab grade ...``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def _exercises(args: argparse.Namespace) -> int:
    """Generate (or check) exercises/ from solutions/."""
    from .grading.generate import generate
    from .grading.markers import NotebookError

    try:
        report = generate(args.source, args.dest, check=args.check, force=args.force)
    except (NotebookError, ValueError, OSError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    for name in report.written:
        print(f"wrote {args.dest}/{name}")
    for name in report.refused:
        print(f"refused: {args.dest}/{name} was edited after it was generated; "
              "re-run with --force to overwrite it", file=sys.stderr)
    for name in report.differing:
        print(f"differs: {args.dest}/{name} is not what `python -m bplab exercises` "
              f"writes from {args.source}", file=sys.stderr)
    if args.check and report.ok:
        print(f"{args.dest} is up to date with {args.source} "
              f"({len(report.unchanged)} files)")
    return 0 if report.ok else 1


def _grade_argument_problem(args: argparse.Namespace) -> str:
    """What is wrong with the grade command's arguments, or ""."""
    if args.jobs < 1 or args.timeout <= 0:
        return f"--jobs must be >= 1 and --timeout > 0, got {args.jobs} and {args.timeout}"
    if args.out and Path(args.out).suffix not in (".csv", ".json"):
        return f"--out must end in .csv or .json, got {args.out!r}"
    if not Path(args.source).is_dir():
        return f"--source must be the folder of source notebooks, got {args.source!r}"
    return ""


def _grade(args: argparse.Namespace) -> int:
    """Grade submissions and print (and optionally save) the table."""
    from .grading.autograde import grade_many
    from .grading.report import format_table, write_grades

    problem = _grade_argument_problem(args)
    if problem:  # before grading a class, not after
        print(f"error: {problem}", file=sys.stderr)
        return 2
    results = grade_many(args.submissions, args.source, jobs=args.jobs, timeout=args.timeout)
    print(format_table(results))
    if args.out:
        write_grades(results, args.out)
        print(f"wrote {args.out}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    """The argparse parser with the ``exercises`` and ``grade`` subcommands."""
    parser = argparse.ArgumentParser(prog="python -m bplab", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    ex = sub.add_parser("exercises", help="write exercises/ from solutions/")
    ex.add_argument("--source", default="solutions", help="source notebooks (solutions/)")
    ex.add_argument("--dest", default="exercises", help="student copies (exercises/)")
    ex.add_argument("--check", action="store_true",
                    help="write nothing; exit 1 when dest differs from what would be written")
    ex.add_argument("--force", action="store_true", help="overwrite hand-edited copies")
    ex.set_defaults(run=_exercises)
    gr = sub.add_parser("grade", help="grade submitted notebooks")
    gr.add_argument("submissions", nargs="+", help="submitted .ipynb files")
    gr.add_argument("--source", default="solutions", help="source notebooks (solutions/)")
    gr.add_argument("--jobs", type=int, default=1, help="submissions graded in parallel")
    gr.add_argument("--timeout", type=float, default=60.0,
                    help="seconds allowed per notebook cell and per graded part")
    gr.add_argument("--out", help="also write the grades to this .csv or .json file")
    gr.set_defaults(run=_grade)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of ``python -m bplab`` and the ``bplab`` script."""
    args = build_parser().parse_args(argv)
    return args.run(args)


if __name__ == "__main__":
    sys.exit(main())
