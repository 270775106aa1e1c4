"""Print and save grades: a table per student and part; CSV or JSON files.

Everything printed or written passes through ``feedback.clean`` (no terminal escapes) and,
in CSV, ``feedback.csv_safe`` (no cell a spreadsheet would run as a formula). Files are
written whole to a temporary name and moved into place, so a reader never sees half a file.
"""

from __future__ import annotations

import csv
import io
import json
import os
from pathlib import Path

from .feedback import clean, csv_safe
from .spec import Status

__all__ = ["FIELDS", "format_table", "grades_json", "valid_grade", "valid_text", "write_atomically",
           "write_grades"]

FIELDS = ["student", "exercise", "part", "points", "max_points", "status", "feedback", "bug",
          "hidden_case", "file"]


def valid_text(text: object) -> str:
    """``text`` as valid UTF-8: a lone surrogate (a learner's ``ValueError("\\ud800")``,
    or a folder-name byte Python read as "\\udcff") becomes its escape, so no writer of
    grades, tables, gradebooks or reports can fail on it."""
    return str(text).encode("utf-8", "backslashreplace").decode("utf-8")


def valid_grade(sub):
    """``sub`` (a SubmissionGrade) with every string in it made valid; returns ``sub``."""
    for name in ("student", "path", "exercise", "note"):
        setattr(sub, name, valid_text(getattr(sub, name)))
    for part in sub.parts:
        part.part_id, part.feedback = valid_text(part.part_id), valid_text(part.feedback)
        part.bug = valid_text(part.bug)
    return sub


def write_atomically(out: Path, text: str) -> None:
    """Write ``text`` to ``out`` whole, or not at all: a temporary file beside it is moved
    into place, and removed if anything fails, so the previous file stays intact."""
    tmp = out.with_name(f".{out.name}.{os.getpid()}.tmp")
    try:
        tmp.write_text(valid_text(text), encoding="utf-8")
        os.replace(tmp, out)
    finally:
        tmp.unlink(missing_ok=True)


def _rows(results: list) -> list[dict]:
    """One flat row per student and part (one row with the note when nothing was graded)."""
    rows = []
    for sub in results:
        for part in sub.parts or []:
            rows.append({"student": sub.student, "exercise": sub.exercise,
                         "part": part.part_id, "points": part.points,
                         "max_points": part.max_points, "status": str(part.status),
                         "feedback": part.feedback, "bug": part.bug,
                         "hidden_case": part.hidden_case, "file": sub.path})
        if not sub.parts:
            rows.append({"student": sub.student, "exercise": sub.exercise, "part": "",
                         "points": 0, "max_points": 0, "status": str(Status.ERROR),
                         "feedback": sub.note, "bug": "not graded", "hidden_case": False,
                         "file": sub.path})
    return rows


def format_table(results: list, width: int = 100) -> str:
    """A plain-text table: per student, each part's points / maximum and feedback."""
    lines = []
    for sub in results:
        lines.append(f"{clean(sub.student, 60)}  ({clean(sub.exercise, 10)}, "
                     f"{clean(sub.path, 200)})  {sub.total} / {sub.max_total} points  "
                     f"[{sub.seconds:.1f} s]")
        for part in sub.parts:
            lines.append(f"  {clean(part.part_id, 32):<32} {part.points:>3} / "
                         f"{part.max_points:<3} {clean(part.feedback, width)}")
        if sub.note:
            lines.append(f"  note: {clean(sub.note, 300)}")
    return "\n".join(lines)


def grades_json(results: list) -> list[dict]:
    """The JSON form: a list of submissions with path, total, max_total and their parts."""
    return [{"student": s.student, "path": s.path, "exercise": s.exercise, "total": s.total,
             "max_total": s.max_total, "seconds": round(s.seconds, 2), "note": s.note,
             "parts": [{"part_id": p.part_id, "points": p.points, "max_points": p.max_points,
                        "status": str(p.status), "feedback": p.feedback, "bug": p.bug,
                        "hidden_case": p.hidden_case}
                       for p in s.parts]}
            for s in results]


def write_grades(results: list, out: str | Path) -> None:
    """Write the grades to ``out``: .csv (one row per student and part) or .json."""
    out = Path(out)
    if out.suffix == ".csv":
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=FIELDS)
        writer.writeheader()
        writer.writerows({k: csv_safe(v) for k, v in row.items()} for row in _rows(results))
        text = buffer.getvalue()
    elif out.suffix == ".json":
        text = json.dumps(grades_json(results), indent=1)
    else:
        raise ValueError(f"--out must end in .csv or .json, got {str(out)!r}")
    write_atomically(out, text)
