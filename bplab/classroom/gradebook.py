"""A gradebook: one row per student with each exercise's total, in a layout an LMS imports.

Layouts (``format``):

- ``canvas``: Canvas's gradebook CSV, as Canvas exports it and reads it back:
  ``Student, ID, SIS User ID, SIS Login ID, Section``, then one column per assignment,
  and a second row ``Points Possible``. An assignment column named ``exNN`` (no Canvas id
  in parentheses) makes Canvas create a new assignment on import; pass
  ``assignment_ids={"ex05": "12345"}`` to fill an existing one (``ex05 (12345)``).
- ``moodle``: ``First name, Last name, ID number, Email address``, then one column per
  exercise. In Moodle's CSV import, map "ID number" to "useridnumber" (or "Email address"
  to "useremail") and each exercise column to its grade item.
- ``plain``: ``student``, one column per exercise, ``total``, ``max_total``.

Who is who: without a roster, a student is the grader's ``student`` field (the folder name
of ``alice/ex05_mlp_layers.ipynb``). A roster CSV has an ``id`` column holding those same
names, and optional ``name``, ``first_name``, ``last_name``, ``email``, ``canvas_id``,
``sis_user_id``, ``sis_login_id``, ``section``, ``id_number`` columns. Submissions that
match no roster row, and roster rows with no submission, keep their row (the latter with
empty scores, which an LMS import leaves unchanged) and are named in the warnings.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from pathlib import Path

from ..grading.report import valid_text, write_atomically
from ..grading.submissions import name_problem
from . import ClassroomError

__all__ = ["FORMATS", "neutralise", "read_roster", "totals_by_student", "write_gradebook"]

FORMATS = ("canvas", "moodle", "plain")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(cell: object) -> object:
    """A CSV cell a spreadsheet will not run as a formula: text starting with = + - @
    (or a tab or carriage return) gets a leading apostrophe; numbers pass unchanged."""
    if isinstance(cell, str) and cell.startswith(FORMULA_STARTS):
        return "'" + cell
    return cell


def _field(sub: object, name: str, default: object = None) -> object:
    """``sub[name]`` for a JSON dict, ``sub.name`` for a SubmissionGrade."""
    if isinstance(sub, dict):
        return sub.get(name, default)
    return getattr(sub, name, default)


def totals_by_student(results: Iterable) -> tuple[dict, dict, list[str]]:
    """({student: {exercise: total}}, {exercise: max_total}, warnings).

    ``results`` are the grader's submissions (JSON dicts or SubmissionGrade objects).
    When a student has two submissions for one exercise, neither counts (the cell stays
    empty, which an LMS import leaves unchanged) and a warning names them: which one is the
    student's is the instructor's call, never the higher total. A submission the grader
    could not place ("?") keeps the student's row and gets a warning.
    """
    totals: dict[str, dict[str, float]] = {}
    maxima: dict[str, float] = {}
    warnings, claims = [], {}
    for sub in results:
        student, exercise = str(_field(sub, "student", "")), str(_field(sub, "exercise", "?"))
        total = _field(sub, "total", 0) or 0
        if name_problem(student):   # "Points Possible" would be read as the LMS's own row
            warnings.append(f"warning: {_field(sub, 'path', student)} left out: "
                            + name_problem(student))
            continue
        mine = totals.setdefault(student, {})
        if exercise == "?":   # the grader could not tell which exercise: no column to fill
            warnings.append(f"warning: {_field(sub, 'path', student)} was not graded "
                            f"({_field(sub, 'note', '') or 'unknown exercise'}); row kept")
            continue
        maxima[exercise] = max(maxima.get(exercise, 0), _field(sub, "max_total", 0) or 0)
        claims.setdefault((student, exercise), []).append(str(_field(sub, "path", "?")))
        mine[exercise] = total
    for (student, exercise), paths in claims.items():
        if len(paths) > 1:
            del totals[student][exercise]
            warnings.append(f"warning: {student} has {len(paths)} {exercise} submissions "
                            f"({', '.join(paths)}); none counted, the cell is left empty: "
                            "grade the right one alone")
    return totals, maxima, warnings


def read_roster(path: str | Path, id_column: str = "id") -> list[dict]:
    """The roster's rows as dicts; ClassroomError naming the missing ``id_column``."""
    path = Path(path)
    try:
        with path.open(newline="", encoding="utf-8-sig") as f:
            reader = csv.DictReader(f)
            columns = [c.strip() for c in (reader.fieldnames or [])]
            rows = [{(k or "").strip(): (v or "").strip() for k, v in row.items()}
                    for row in reader]
    except OSError as err:
        raise ClassroomError(f"cannot read the roster {str(path)!r}: {err.strerror}") from err
    if id_column not in columns:
        raise ClassroomError(
            f"roster {str(path)!r} has no {id_column!r} column (it has {columns}); add one "
            f"holding each student's submission folder name")
    return rows


def _match(totals: dict, roster: list[dict] | None, id_column: str) -> tuple[list, list]:
    """[(roster row, {exercise: total} or None)], warnings: roster order, then unmatched."""
    if roster is None:
        return [({id_column: s}, totals[s]) for s in sorted(totals)], []
    rows, warnings, seen = [], [], set()
    for person in roster:
        sid = person[id_column]
        seen.add(sid)
        rows.append((person, totals.get(sid)))
        if sid not in totals:
            warnings.append(f"warning: {sid} is on the roster but has no submission "
                            "(row kept, scores left empty)")
    for sid in sorted(set(totals) - seen):
        rows.append(({id_column: sid}, totals[sid]))
        warnings.append(f"warning: submission from {sid!r} matches no roster {id_column!r} "
                        "(row kept; fix the folder name or the roster)")
    return rows, warnings


def _name(person: dict, sid: str) -> str:
    full = person.get("name") or " ".join(
        p for p in (person.get("first_name"), person.get("last_name")) if p)
    return full or sid


def _layout(fmt: str, exercises: list[str], maxima: dict, assignment_ids: dict) -> tuple:
    """(header, extra rows before the students, function person, sid -> identity cells)."""
    if fmt == "canvas":
        columns = [f"{e} ({assignment_ids[e]})" if e in assignment_ids else e
                   for e in exercises]
        header = ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", *columns]
        points = ["Points Possible", "", "", "", "", *(maxima[e] for e in exercises)]
        return header, [points], lambda p, s: [
            _name(p, s), p.get("canvas_id", ""), p.get("sis_user_id") or s,
            p.get("sis_login_id") or s, p.get("section", "")]
    if fmt == "moodle":
        header = ["First name", "Last name", "ID number", "Email address", *exercises]
        return header, [], lambda p, s: [
            p.get("first_name") or _name(p, s), p.get("last_name", ""),
            p.get("id_number") or s, p.get("email", "")]
    header = ["student", *exercises, "total", "max_total"]
    return header, [], lambda p, s: [s]


def write_gradebook(results_json_list: list, path: str | Path, format: str = "plain",
                    roster: str | Path | None = None, *, id_column: str = "id",
                    assignment_ids: dict | None = None) -> list[str]:
    """Write one row per student with each exercise's total; return the warning lines.

    results_json_list : the grader's submissions, as in the JSON ``grade --out F.json``
        writes (dicts with student, exercise, total, max_total), or SubmissionGrade objects
    format : "canvas", "moodle" or "plain" (see the module docstring for the columns)
    roster : optional CSV with an ``id_column`` column matching the submissions' students
    """
    if format not in FORMATS:
        raise ClassroomError(f"--format must be one of {', '.join(FORMATS)}, got {format!r}")
    totals, maxima, warnings = totals_by_student(results_json_list)
    people = read_roster(roster, id_column) if roster is not None else None
    rows, match_warnings = _match(totals, people, id_column)
    exercises = sorted(maxima)
    header, extra, identity = _layout(format, exercises, maxima, assignment_ids or {})
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([neutralise(c) for c in header])
    writer.writerows(extra)
    for person, scores in rows:
        cells = identity(person, person[id_column])
        cells += [("" if scores is None else scores.get(e, "")) for e in exercises]
        if format == "plain":
            cells += ["" if scores is None else sum(scores.values()), sum(maxima.values())]
        writer.writerow([neutralise(c) for c in cells])
    write_atomically(Path(path), buffer.getvalue())
    return [valid_text(w) for w in warnings + match_warnings]
