"""The classroom subcommands: ``gradescope``, ``hub-link`` and ``report``.

``register(subparsers)`` adds them to ``python -m bplab``'s parser; each sets
``run=function(args) -> exit code``. An instructor's mistake (a missing exercise, a hub
URL without a scheme, an unreadable grades file) is one line on stderr and exit code 2.
``main(argv)`` runs them on their own: ``python -m bplab.classroom report g.json ...``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from . import ClassroomError

__all__ = ["add_gradebook_arguments", "gradebook_problem", "main", "register",
           "write_gradebook_from_args"]

VISIBILITIES = ("visible", "after_due_date", "after_published", "hidden")


def _refused(err: Exception) -> int:
    print(f"error: {str(err).splitlines()[0] if str(err) else type(err).__name__}",
          file=sys.stderr)
    return 2


def _gradescope(args: argparse.Namespace) -> int:
    from .gradescope import build_autograder

    try:
        out = build_autograder(args.exercise, args.out, source=args.source,
                               hidden_visibility=args.hidden_visibility,
                               timeout=args.timeout,
                               require_sandbox=not args.allow_unsandboxed)
    except (ClassroomError, OSError) as err:
        return _refused(err)
    print(f"wrote {out}: upload it as the autograder of {args.exercise} on Gradescope")
    return 0


def _hub_link(args: argparse.Namespace) -> int:
    from .hub import hub_link

    try:
        print(hub_link(args.hub, args.repo, args.branch, args.path, app=args.app))
    except ClassroomError as err:
        return _refused(err)
    return 0


def _report(args: argparse.Namespace) -> int:
    from .report import write_report

    try:
        summary = write_report(args.grades, args.out)
    except (ClassroomError, OSError) as err:
        return _refused(err)
    print(f"wrote {args.out}: {summary}")
    return 0


def register(subparsers) -> None:
    """Add ``gradescope``, ``hub-link`` and ``report`` to an argparse subparsers object."""
    gs = subparsers.add_parser("gradescope", help="build a Gradescope autograder zip")
    gs.add_argument("exercise", help="the exercise to grade, e.g. ex05")
    gs.add_argument("--out", default="autograder.zip", help="the zip to write")
    gs.add_argument("--source", default="solutions", help="source notebooks (solutions/)")
    gs.add_argument("--hidden-visibility", choices=VISIBILITIES, default="visible",
                    help="when learners see what failed on a hidden case "
                         "(after_due_date keeps hidden cases secret until the deadline)")
    gs.add_argument("--timeout", type=float, default=60.0, help="grade --timeout")
    gs.add_argument("--allow-unsandboxed", action="store_true",
                    help="grade without the sandbox when bubblewrap cannot run on "
                         "Gradescope's machine (unsafe: a submission could read the key in "
                         "the container); by default such a submission gets no grade")
    gs.set_defaults(run=_gradescope)
    hub = subparsers.add_parser("hub-link", help="print an nbgitpuller link for JupyterHub")
    hub.add_argument("--hub", required=True, help="the hub's URL, https://hub.example.edu")
    hub.add_argument("--repo", required=True, help="the git URL of the release")
    hub.add_argument("--branch", default="main")
    hub.add_argument("--path", help="file to open, e.g. notebooks/05_training_an_mlp.ipynb")
    hub.add_argument("--app", choices=("lab", "tree"), default="lab")
    hub.set_defaults(run=_hub_link)
    rep = subparsers.add_parser("report", help="what the class got wrong, as one HTML file")
    rep.add_argument("grades", help="the JSON written by grade --out grades.json")
    rep.add_argument("--out", default="report.html")
    rep.set_defaults(run=_report)


def add_gradebook_arguments(grade_parser: argparse.ArgumentParser) -> None:
    """Add ``--gradebook``, ``--format`` and ``--roster`` to the ``grade`` subcommand's parser.

    The gradebook is a file of its own: ``--out`` always holds the per-part grades."""
    from .gradebook import FORMATS

    grade_parser.add_argument("--gradebook", metavar="F.csv",
                              help="also write one row per student with totals to this .csv, "
                                   "in the column layout --format names")
    grade_parser.add_argument("--format", choices=FORMATS,
                              help="with --gradebook: the LMS whose import layout to write")
    grade_parser.add_argument("--roster", help="with --gradebook: a CSV whose 'id' column "
                                               "holds the submission folder names")


def gradebook_problem(args: argparse.Namespace) -> str:
    """What is wrong with ``grade``'s gradebook options (checked before grading), or ""."""
    book, fmt = getattr(args, "gradebook", None), getattr(args, "format", None)
    roster, out = getattr(args, "roster", None), getattr(args, "out", None)
    if (fmt or roster) and not book:
        given = "--format" if fmt else "--roster"
        return (f"{given} is for the gradebook: add --gradebook F.csv (--out keeps the "
                "per-part grades)")
    if book and not fmt:
        return "--gradebook needs --format canvas, moodle or plain"
    if book and not book.endswith(".csv"):
        return f"--gradebook writes a CSV: give it a .csv file, got {book!r}"
    if book and out and Path(book).resolve() == Path(out).resolve():
        return f"--gradebook and --out are the same file ({book}); give them two names"
    if roster:
        from .gradebook import read_roster
        try:
            read_roster(roster)
        except ClassroomError as err:
            return str(err)
    return ""


def write_gradebook_from_args(args: argparse.Namespace, results: list) -> None:
    """Write ``grade``'s gradebook (``--gradebook``, ``--format``, ``--roster``) if asked
    for; warnings on stderr, one per line."""
    from .gradebook import write_gradebook

    if not getattr(args, "gradebook", None):
        return
    for warning in write_gradebook(results, args.gradebook, args.format, roster=args.roster):
        print(warning, file=sys.stderr)
    print(f"wrote the {args.format} gradebook {args.gradebook}")


def main(argv: list[str] | None = None) -> int:
    """Run one classroom subcommand; the exit code."""
    parser = argparse.ArgumentParser(prog="python -m bplab.classroom")
    register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    return args.run(args)
