"""The command line: ``python -m bplab exercises | grade | release | selftest`` and the
classroom tools ``gradescope | hub-link | report``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .grading.spec import is_exercise

LEARNERS_COPY = ("this is the learners' copy of bplab: the instructors' commands (exercises, "
                 "grade, release) are in the course repository")


def _fail(message: str) -> int:
    print(f"error: {message}", file=sys.stderr)
    return 2


def _instructors(module: str):
    """Import an instructors'-side module, or None in the learners' copy."""
    import importlib

    try:
        return importlib.import_module(f"bplab.grading.{module}")
    except ModuleNotFoundError:
        return None


def _exercises(args: argparse.Namespace) -> int:
    """Generate (or check) exercises/ and the public data from solutions/."""
    notebooks = _instructors("notebooks")
    if notebooks is None:
        return _fail(LEARNERS_COPY)
    try:
        report = notebooks.generate(args.source, args.dest, check=args.check, force=args.force,
                                    **({"public": args.public} if args.public else {}))
    except (ValueError, OSError) as err:
        return _fail(str(err))
    for name in report.written:
        print(f"wrote {name}")
    for name in report.refused:
        print(f"refused: {args.dest}/{name} was edited after it was generated; "
              "re-run with --force to overwrite it", file=sys.stderr)
    for name in report.differing:
        print(f"differs: {name} is not what `python -m bplab exercises` writes from "
              f"{args.source}", file=sys.stderr)
    if args.check and report.ok:
        print(f"{args.dest} and the public data are up to date with {args.source} "
              f"({len(report.unchanged)} files)")
    return 0 if report.ok else 1


def _grade_problem(args: argparse.Namespace) -> str:
    """What is wrong with the grade command's arguments, or ""."""
    if args.jobs < 1 or args.timeout <= 0 or (args.budget is not None and args.budget <= 0):
        return (f"--jobs must be >= 1, --timeout and --budget > 0, got {args.jobs}, "
                f"{args.timeout} and {args.budget}")
    if args.out and Path(args.out).suffix not in (".csv", ".json"):
        return f"--out must end in .csv or .json, got {args.out!r}"
    if not Path(args.source).is_dir():
        return f"--source must be the folder of source notebooks, got {args.source!r}"
    if args.exercise is not None and not is_exercise(args.exercise):
        return f"--exercise must look like ex05, got {args.exercise!r}"
    return ""


def _announce(line: str) -> None:
    print(f"sandbox limits: {line}", file=sys.stderr, flush=True)


def _progress(done: int, total: int, grade) -> None:
    """One line per finished submission, on stderr (the table goes to stdout at the end)."""
    print(f"graded {done}/{total}: {grade.student} {grade.total}/{grade.max_total} "
          f"({grade.seconds:.1f} s)", file=sys.stderr, flush=True)


def _classroom():
    """The instructors' classroom tools, or None in the learners' copy."""
    try:
        from .classroom import cli
    except ModuleNotFoundError:
        return None
    return cli


def _grade(args: argparse.Namespace) -> int:
    """Grade submissions, print the table, and save the grades as they come."""
    autograde, report = _instructors("autograde"), _instructors("report")
    if autograde is None:
        return _fail(LEARNERS_COPY)
    classroom = _classroom()
    problem = _grade_problem(args) or (classroom.gradebook_problem(args) if classroom else "")
    if problem:  # before grading a class, not after
        return _fail(problem)
    if args.no_sandbox:
        print("warning: --no-sandbox: submissions run with your user's rights and can read "
              "and change your files; grade untrusted work only in the sandbox",
              file=sys.stderr)
    try:
        results = autograde.grade_many(args.submissions, args.source, jobs=args.jobs,
                                       timeout=args.timeout, exercise=args.exercise,
                                       sandbox=not args.no_sandbox, budget=args.budget,
                                       out=args.out,
                                       progress=_progress, announce=_announce,
                                       allow_no_cgroups=args.allow_no_cgroups)
    except (ValueError, RuntimeError, OSError) as err:
        return _fail(str(err))
    print(report.format_table(results))
    if args.out:
        print(f"wrote {args.out}")
    if classroom:
        classroom.write_gradebook_from_args(args, results)
    return 0


def _release(args: argparse.Namespace) -> int:
    release = _instructors("release")
    if release is None:
        return _fail(LEARNERS_COPY)
    try:
        dest = release.build_release(args.dest)
    except (ValueError, OSError) as err:
        return _fail(str(err))
    print(f"wrote the student release to {dest}: hand out this folder (or a repository "
          "made from it), not the course repository")
    return 0


def _selftest(args: argparse.Namespace) -> int:
    """Run blank exercise notebooks: every check must say 'not implemented yet'."""
    from .grading.check import selftest

    failures = selftest(args.notebooks)
    for line in failures:
        print(line, file=sys.stderr)
    print(f"{len(args.notebooks) - len({f.split(':')[0] for f in failures})} of "
          f"{len(args.notebooks)} exercise notebooks run, every check reporting its part")
    return 1 if failures else 0


def build_parser() -> argparse.ArgumentParser:
    """The argparse parser with every subcommand."""
    parser = argparse.ArgumentParser(prog="python -m bplab", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    ex = sub.add_parser("exercises", help="write exercises/ and the public data from solutions/")
    ex.add_argument("--source", default="solutions", help="source notebooks (solutions/)")
    ex.add_argument("--dest", default="exercises", help="student copies (exercises/)")
    ex.add_argument("--public", help="folder of the public data (default: bplab's own)")
    ex.add_argument("--check", action="store_true",
                    help="write nothing; exit 1 when anything differs from what would be written")
    ex.add_argument("--force", action="store_true", help="overwrite hand-edited copies")
    ex.set_defaults(run=_exercises)
    gr = sub.add_parser("grade", help="grade submitted notebooks, each in a sandbox")
    gr.add_argument("submissions", nargs="+", help="submitted .ipynb files")
    gr.add_argument("--source", default="solutions", help="source notebooks (solutions/)")
    gr.add_argument("--exercise", help="the exercise being graded (exNN): a notebook that "
                    "says otherwise gets an error row")
    gr.add_argument("--jobs", type=int, default=1, help="submissions graded in parallel")
    gr.add_argument("--timeout", type=float, default=60.0,
                    help="seconds allowed per notebook cell and per graded part")
    gr.add_argument("--budget", type=float, default=None,
                    help="wall-clock seconds per submission, everything included "
                    "(default: 10 x --timeout)")
    gr.add_argument("--out", help="write the grades to this .csv or .json file as they come")
    gr.add_argument("--allow-no-cgroups", action="store_true",
                    help="grade with --jobs > 1 even where no cgroup can hold each sandbox "
                         "to its memory, processes and CPU share")
    gr.add_argument("--no-sandbox", action="store_true",
                    help="grade without bubblewrap (unsafe: warns on every run)")
    gr.set_defaults(run=_grade)
    classroom = _classroom()
    if classroom is not None:
        classroom.add_gradebook_arguments(gr)
        classroom.register(sub)
    rel = sub.add_parser("release", help="write the student release (no answer key)")
    rel.add_argument("dest", help="a new folder")
    rel.set_defaults(run=_release)
    st = sub.add_parser("selftest", help="run blank exercises; every check must report")
    st.add_argument("notebooks", nargs="+")
    st.set_defaults(run=_selftest)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of ``python -m bplab`` and the ``bplab`` script."""
    args = build_parser().parse_args(argv)
    return args.run(args)


if __name__ == "__main__":
    sys.exit(main())
