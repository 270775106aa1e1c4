"""Remember which public checks pass, and show it: ``bp.progress()``.

``bp.check`` records each part's latest status in ``$BPLAB_HOME/progress.json``
(``~/.bplab`` when BPLAB_HOME is not set). ``progress()`` shows a summary per exercise
first, then the parts of the exercise being worked on (the one checked last), as text or
(in Jupyter) HTML.
"""

from __future__ import annotations

import html
import json
import os
import time
from pathlib import Path

from .spec import Status

__all__ = ["ProgressTable", "progress", "progress_path", "read_progress", "record"]

PUBLIC_DIR = Path(__file__).parent / "public"


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


def record(part_id: str, status: Status) -> None:
    """Store the latest public-check status of ``part_id`` (silently skips a read-only home)."""
    data = read_progress()
    data[part_id] = {"status": str(Status(status)), "time": time.strftime("%Y-%m-%d %H:%M:%S") + f".{time.time() % 1:.6f}"[2:]}
    path = progress_path()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps(data, indent=1, sort_keys=True))
        tmp.replace(path)
    except OSError:
        pass


def _known_parts() -> list[tuple[str, str, int]]:
    """(exercise, part name, points) of every part whose public checks ship with bplab."""
    from .spec import is_exercise
    from .wire import PUBLIC_OUTER, loads

    rows = []
    for path in sorted(p for p in PUBLIC_DIR.glob("*.json") if is_exercise(p.stem)):
        for entry in loads(path.read_text(), PUBLIC_OUTER)["parts"]:
            rows.append((path.stem, entry["id"].split(".", 1)[1], entry["points"]))
    return rows


def _status(entry: object) -> Status | None:
    """The status progress.json stores for a part; None when it has none (not tried, or
    a file edited by hand into something else)."""
    try:
        return Status(entry.get("status")) if isinstance(entry, dict) else None
    except ValueError:
        return None


def _shown(status: Status | None) -> tuple[str, str, str]:
    """(text, mark, colour) of a row's status: a part never checked is "not tried"."""
    look = (status or Status.MISSING).look
    return (str(status) if status else "not tried"), look[0], look[1]


class ProgressTable:
    """Rows of (exercise, part, points, status or None when not tried); a summary per
    exercise comes first, then the parts of ``current`` (the exercise checked last)."""

    def __init__(self, rows: list[tuple[str, str, int, Status | None]], current: str = ""):
        self.rows, self.current = rows, current

    def passed(self) -> list[str]:
        """The part ids whose public checks pass (or whose answer was recorded)."""
        return [f"{e}.{p}" for e, p, _, s in self.rows if s and s.done]

    def summary(self) -> list[tuple[str, int, int, int, int]]:
        """(exercise, parts done, parts, points done, points) per exercise."""
        out: dict[str, list[int]] = {}
        for e, _, n, s in self.rows:
            done = bool(s and s.done)
            row = out.setdefault(e, [0, 0, 0, 0])
            row[0] += done
            row[1] += 1
            row[2] += n * done
            row[3] += n
        return [(e, *v) for e, v in out.items()]

    def __repr__(self) -> str:
        done = len(self.passed())
        lines = [f"{done} of {len(self.rows)} parts pass their public checks", ""]
        lines += [f"{e}  {'#' * d}{'.' * (n - d)}  {d}/{n} parts, {pd}/{pn} points"
                  for e, d, n, pd, pn in self.summary()]
        if self.current:
            lines += ["", f"{self.current}:"]
            lines += [f"  {p:<28} {_shown(s)[0]}" for e, p, _, s in self.rows
                      if e == self.current]
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        head = (f"<p><b>{len(self.passed())} of {len(self.rows)} parts</b> pass their public "
                "checks</p>")
        summary = "".join(
            f"<tr><td>{html.escape(e)}</td><td><progress value='{d}' max='{n}'></progress></td>"
            f"<td>{d}/{n} parts</td><td>{pd}/{pn} points</td></tr>"
            for e, d, n, pd, pn in self.summary())
        detail = ""
        if self.current:
            detail = f"<p><b>{html.escape(self.current)}</b></p><table>" + "".join(
                f"<tr><td>{html.escape(p)}</td><td style='color:{_shown(s)[2]}'>"
                f"{_shown(s)[1]} {html.escape(_shown(s)[0])}</td></tr>"
                for e, p, _, s in self.rows if e == self.current
            ) + "</table>"
        return f"{head}<table>{summary}</table>{detail}"


def progress() -> ProgressTable:
    """A summary of every exercise's public checks, and the current exercise's parts."""
    data = read_progress()
    rows = [(e, p, n, _status(data.get(f"{e}.{p}"))) for e, p, n in _known_parts()]
    latest = max(data, key=lambda k: str(data[k].get("time", "")), default="")
    return ProgressTable(rows, latest.split(".", 1)[0] if latest else "")
