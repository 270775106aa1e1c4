"""Print and save grades: a table per student and part; CSV or JSON files."""

from __future__ import annotations

import csv
import json
from dataclasses import asdict
from pathlib import Path

__all__ = ["format_table", "write_grades"]


def _rows(results: list) -> list[dict]:
    """One flat row per student and part."""
    rows = []
    for sub in results:
        for part in sub.parts or []:
            rows.append({"student": sub.student, "exercise": sub.exercise,
                         "part": part.part_id, "points": part.points,
                         "max_points": part.max_points, "status": part.status,
                         "feedback": part.feedback, "file": sub.path})
        if not sub.parts:
            rows.append({"student": sub.student, "exercise": sub.exercise, "part": "",
                         "points": 0, "max_points": 0, "status": "error",
                         "feedback": sub.note, "file": sub.path})
    return rows


def format_table(results: list, width: int = 100) -> str:
    """A plain-text table: per student, each part's points / maximum and feedback."""
    lines = []
    for sub in results:
        lines.append(f"{sub.student}  ({sub.exercise}, {sub.path})  "
                     f"{sub.total} / {sub.max_total} points  [{sub.seconds:.1f} s]")
        for part in sub.parts:
            feedback = part.feedback if len(part.feedback) <= width else (
                part.feedback[: width - 3] + "...")
            lines.append(f"  {part.part_id:<32} {part.points:>3} / {part.max_points:<3} "
                         f"{feedback}")
        if sub.note:
            lines.append(f"  note: {sub.note}")
    return "\n".join(lines)


def write_grades(results: list, out: str | Path) -> None:
    """Write the grades to ``out``: .csv (one row per student and part) or .json."""
    out = Path(out)
    if out.suffix == ".csv":
        with out.open("w", newline="") as f:
            writer = csv.DictWriter(f, fieldnames=[
                "student", "exercise", "part", "points", "max_points", "status",
                "feedback", "file"])
            writer.writeheader()
            writer.writerows(_rows(results))
    elif out.suffix == ".json":
        data = [dict(asdict(sub), total=sub.total, max_total=sub.max_total)
                for sub in results]
        out.write_text(json.dumps(data, indent=1))
    else:
        raise ValueError(f"--out must end in .csv or .json, got {str(out)!r}")
