"""Remember which public checks pass, and show it: ``bp.progress()``.

``bp.check`` records each part's latest status in ``$BPLAB_HOME/progress.json``
(``~/.bplab`` when BPLAB_HOME is not set). ``progress()`` lists every part of every
exercise the package knows, with its status, as a text table or (in Jupyter) HTML.
"""

from __future__ import annotations

import html
import json
import os
import time
from pathlib import Path

from .registry import load_parts

__all__ = ["ProgressTable", "progress", "progress_path", "read_progress", "record"]

EXERCISES = [f"ex{n:02d}" for n in range(1, 10)]


def progress_path() -> Path:
    """Where the progress file lives: $BPLAB_HOME/progress.json, default ~/.bplab/."""
    home = os.environ.get("BPLAB_HOME") or Path.home() / ".bplab"
    return Path(home) / "progress.json"


def read_progress() -> dict:
    """{part_id: {"status": ..., "time": ...}}; empty when there is no (readable) file."""
    try:
        data = json.loads(progress_path().read_text())
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def record(part_id: str, status: str) -> None:
    """Store the latest public-check status of ``part_id`` (silently skips a read-only home)."""
    data = read_progress()
    data[part_id] = {"status": status, "time": time.strftime("%Y-%m-%d %H:%M")}
    path = progress_path()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps(data, indent=1, sort_keys=True))
        tmp.replace(path)
    except OSError:
        pass


class ProgressTable:
    """Rows of (exercise, part, points, status); prints as text, renders as HTML."""

    def __init__(self, rows: list[tuple[str, str, int, str]]):
        self.rows = rows

    def passed(self) -> list[str]:
        """The part ids whose public checks pass."""
        return [f"{ex}.{part}" for ex, part, _, status in self.rows if status == "passed"]

    def __repr__(self) -> str:
        header = ("exercise", "part", "points", "public checks")
        rows = [header] + [(e, p, str(n), s) for e, p, n, s in self.rows]
        widths = [max(len(r[i]) for r in rows) for i in range(4)]
        lines = ["  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() for r in rows]
        done = len(self.passed())
        return "\n".join(lines + [f"{done} of {len(self.rows)} parts pass their public checks"])

    def _repr_html_(self) -> str:
        colour = {"passed": "#1a7f37", "failed": "#cf222e", "not implemented": "#9a6700"}
        cells = "".join(
            f"<tr><td>{html.escape(e)}</td><td>{html.escape(p)}</td><td>{n}</td>"
            f"<td style='color:{colour.get(s, '#57606a')}'>{html.escape(s)}</td></tr>"
            for e, p, n, s in self.rows)
        return ("<table><tr><th>exercise</th><th>part</th><th>points</th>"
                f"<th>public checks</th></tr>{cells}</table>"
                f"<p>{len(self.passed())} of {len(self.rows)} parts pass their public checks</p>")


def _known_parts() -> list:
    """Every Part of every exercise whose spec module exists."""
    parts = []
    for exercise in EXERCISES:
        try:
            parts += load_parts(exercise)
        except ValueError:
            continue
    return parts


def progress() -> ProgressTable:
    """Which exercises' public checks pass, from the progress file ``bp.check`` keeps."""
    data = read_progress()
    rows, seen = [], set()
    for part in _known_parts():
        status = data.get(part.id, {}).get("status", "not tried")
        ex, name = part.id.split(".", 1)
        rows.append((ex, name, part.points, status))
        seen.add(part.id)
    for part_id in sorted(set(data) - seen):
        ex, _, name = part_id.partition(".")
        rows.append((ex, name, 0, str(data[part_id].get("status", "?"))))
    return ProgressTable(rows)
