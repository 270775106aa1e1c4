"""``bp.check(part_id, obj)``: run a part's public checks in the notebook and name the bug.

The public cases, their expected outputs and the outputs of each known bug on them ship
with bplab as data (``bplab/grading/public/exNN.json``, written by ``python -m bplab
exercises``), so the learner's package needs no answer key. A value part (a quiz letter, a
measured number) is only checked for its form here and marked by the grader, so trying
letters in turn tells nothing.

It says "public checks passed", never "all tests passed": the grader also runs hidden
cases, with inputs nobody has seen.
"""

from __future__ import annotations

import html
import json
import re
import warnings
from collections import Counter
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from .judge import PUBLIC_COMPARES, Close, Expectation, call_cases, judge
from .progress import record
from .spec import PUBLIC_SEED, Case, LabeledCase, Status, exercise_of, make_cases
from .wire import PUBLIC_OUTER, loads

__all__ = ["CheckResult", "check", "public_part"]

PUBLIC_DIR = Path(__file__).parent / "public"


# ---- the public data, read on the learner's side (grading/publish.py writes it) ----------
@cache
def _exercise_data(exercise: str) -> dict:
    path = PUBLIC_DIR / f"{exercise}.json"
    if path.is_file():
        return loads(path.read_text(), PUBLIC_OUTER)
    try:  # an instructor's exercise with no file yet (e.g. the tests' own): build it
        from .publish import public_data  # key side: a learner's bplab has no publish.py

        return loads(public_data(exercise), PUBLIC_OUTER)
    except (ImportError, ValueError):
        raise ValueError(f"no public checks for {exercise!r} in this bplab "
                         f"(expected {path})") from None


@dataclass(frozen=True)
class PublicPart:
    """What the learner's side knows of a part: its cases and expectations, as data."""

    id: str
    name: str
    points: int
    kind: str
    compare: dict
    cases: list
    expects: list


def public_part(part_id: str) -> PublicPart:
    """The public checks of ``part_id``; ValueError listing the known ids otherwise."""
    data = _exercise_data(exercise_of(part_id))
    for entry in data["parts"]:
        if entry["id"] == part_id:
            cases = [LabeledCase(tuple(c["args"]), dict(c["kwargs"]), c["note"], c["y"],
                                 c["target"]) if "y" in c else
                     Case(tuple(c["args"]), dict(c["kwargs"]), c["note"])
                     for c in entry.get("cases", [])]
            expects = [Expectation(e["expected"], tuple(e["bugs"]))
                       for e in entry.get("expects", [])]
            return PublicPart(entry["id"], entry["name"], entry["points"], entry["kind"],
                              entry["compare"], cases, expects)
    known = ", ".join(e["id"] for e in data["parts"])
    raise ValueError(f"unknown part {part_id!r}: this exercise has {known}")


def _compare_of(spec: dict):
    if spec["type"] == "close":
        return Close(spec["names"] or None, spec["rtol"], spec["atol"])
    return PUBLIC_COMPARES[spec["name"]]


# ---- checking, and showing what was found ---------------------------------------------------


@dataclass(frozen=True)
class CheckResult:
    """What ``check`` found: ``status`` (a ``Status``), ``message``, and the warnings the
    learner's code raised while it ran (summarised after the diagnosis)."""

    part_id: str
    status: Status
    message: str
    warnings: tuple = ()

    @property
    def passed(self) -> bool:
        """True when every public case matched (or a value part's answer was recorded)."""
        return self.status.done

    def _warning_lines(self) -> list[str]:
        counts = Counter(self.warnings)
        return [f"your code warned {n}x: {text}" if n > 1 else f"your code warned: {text}"
                for text, n in counts.most_common(3)]

    def __repr__(self) -> str:
        mark = self.status.look[0]
        word = {Status.PASSED: "PASS", Status.RECORDED: "RECORDED", Status.NOT_IMPLEMENTED:
                "TO DO", Status.NOT_RUN: "NOT RUN"}.get(self.status, "FAIL")
        return "\n".join([f"{mark} {word}  {self.message}"] +
                         [f"    {w}" for w in self._warning_lines()])

    def _repr_html_(self) -> str:
        mark, colour, background = self.status.look
        extra = "".join(f"<div style='color:#57606a;font-size:90%'>{html.escape(w)}</div>"
                        for w in self._warning_lines())
        return (f"<div style='border-left:4px solid {colour};background:{background};"
                f"padding:4px 10px;font-family:sans-serif'><b style='color:{colour}'>{mark}</b> "
                f"{html.escape(self.message)}{extra}</div>")

    def _ipython_display_(self) -> None:
        """Show nothing more: ``check`` already displayed it."""


def _recorded(part: PublicPart, value: Any) -> tuple[Status, str]:
    """Check only the form of a value part's answer; the grader marks it."""
    form = part.compare["expects"]
    if form["form"] == "letter":
        letter = str(value).strip().lower().rstrip(").").strip("(")
        if letter not in ("a", "b", "c", "d"):
            return Status.FAILED, f"answer with one letter a, b, c or d, got {value!r}"
        value = letter
    elif form["form"] == "number":
        try:
            float(value)
        except (TypeError, ValueError):
            return Status.FAILED, f"expected a number, got {type(value).__name__}"
    elif form["form"] == "dict" and not (isinstance(value, dict)
                                         and set(form["keys"]) <= set(value)):
        return Status.FAILED, f"expected a dict with keys {form['keys']}, got {value!r}"[:300]
    return Status.RECORDED, (f"answer recorded: {value!r}. The grader marks it; no right or "
                             "wrong is shown here, so trying answers in turn tells you nothing")


_UNDEFINED = re.compile(r"name '(\w+)' is not defined")


def _not_run(part: PublicPart, outcomes: list) -> str | None:
    """The message when a case raised NameError: a cell above (the import, a helper, an
    earlier part) was not run in this kernel, or a typo. None when no case raised one."""
    error = next((o for o in outcomes if o.error == "NameError"), None)
    if error is None:
        return None
    text = error.message
    match = _UNDEFINED.search(text)
    name = match.group(1) if match else "a name"
    line = text[text.index(" (line "):] if " (line " in text else ""
    defined_above = {e["name"] for e in _exercise_data(exercise_of(part.id))["parts"]} | {"np", "bp"}
    typo = "" if name in defined_above else (f"; if they all ran, `{name}` is a typo in "
                                             "your code")
    return (f"`{name}` is not defined{line}: run the cells above first (Run > Run All "
            f"Above Selected Cell), then this check again{typo}")


def _message(part_id: str, status: Status, message: str) -> str:
    if status is Status.PASSED:
        return f"{part_id}: public checks {message}"
    if status is Status.NOT_IMPLEMENTED:
        return f"{part_id}: not implemented yet: replace `raise NotImplementedError()`"
    return f"{part_id}: {message}"


def _show(result: CheckResult) -> None:
    try:
        from IPython import get_ipython
        from IPython.display import display
    except ImportError:  # plain Python
        print(repr(result))
        return
    if get_ipython() is None:
        print(repr(result))
    else:
        display({"text/html": result._repr_html_(), "text/plain": repr(result)}, raw=True)


def _hidden_verdict(part_id: str, obj: Any):
    """Public and hidden cases judged live from the key (instructors' copies only)."""
    from .judge import expectations
    from .spec import get_part, hidden_seed

    try:
        key = get_part(part_id)
    except ValueError:
        raise ValueError("check(..., hidden=True) needs the instructors' key, which this "
                         "bplab does not have") from None
    cases = make_cases(key, PUBLIC_SEED)
    n_public = len(cases)
    if key.kind == "function":
        cases += make_cases(key, hidden_seed())
    outcomes = call_cases(obj, key.kind, cases)
    return judge(outcomes, part_id=key.id, kind=key.kind, compare=key.compare or Close(),
                 cases=cases, expects=expectations(key, cases), n_public=n_public)


def check(part_id: str, obj: Any, hidden: bool = False) -> CheckResult:
    """Run the public checks of ``part_id`` on ``obj``, show what they found, remember it.

    Parameters
    ----------
    part_id : str
        The part, e.g. "ex05.linear_backward".
    obj : the function (or, for a "value" part, the value) the learner defined.
    hidden : bool
        Also run hidden cases with a fresh secret seed (instructors' copies: needs the key).

    Returns
    -------
    CheckResult
        ``passed``, ``status`` and ``message``.
    """
    part = public_part(part_id)
    caught: list = []
    if hidden:
        verdict = _hidden_verdict(part_id, obj)
        status, message = verdict.status, verdict.message
    elif part.kind == "value":
        status, message = _recorded(part, obj)
    else:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            outcomes = call_cases(obj, part.kind, part.cases)
        verdict = judge(outcomes, part_id=part.id, kind=part.kind,
                        compare=_compare_of(part.compare), cases=part.cases,
                        expects=part.expects, n_public=len(part.cases))
        status, message = verdict.status, verdict.message
        not_run = _not_run(part, outcomes) if status is Status.FAILED else None
        if not_run:
            status, message = Status.NOT_RUN, not_run
    texts = tuple(f"{w.category.__name__}: {w.message}"[:200] for w in caught)
    result = CheckResult(part_id, status, _message(part_id, status, message), texts)
    if not hidden and status is not Status.NOT_RUN:  # never downgrade what passed before
        record(part_id, status)
    _show(result)
    return result


# ---- a blank exercise runs, and each check reports its part ---------------------------------
def _cell_errors(cell) -> str:
    return "".join(o.get("ename", "") for o in cell.get("outputs", []) if o.output_type == "error")


def selftest(paths: list[str]) -> list[str]:
    """Run each notebook; return what went wrong (empty when every check cell reported its
    part, or failed only because the part's blank cell raises NotImplementedError)."""
    import nbformat
    from nbclient import NotebookClient

    failures = []
    for path in paths:
        nb = nbformat.read(path, as_version=4)
        NotebookClient(nb, timeout=120, allow_errors=True, kernel_name="python3",
                       resources={"metadata": {"path": str(Path(path).parent)}}).execute()
        solution_error = {}
        for index, cell in enumerate(nb.cells):
            meta = cell.get("metadata", {}).get("bplab", {})
            part = meta.get("part")
            if meta.get("role") == "solution":
                solution_error[part] = _cell_errors(cell)
            elif meta.get("role") == "check":
                text = json.dumps(cell.get("outputs", []))
                blank = "NotImplementedError" in solution_error.get(part, "")
                if part not in text and not (blank and _cell_errors(cell) == "NameError"):
                    failures.append(f"{path}: cell {index}, the check of {part} did not report it")
    return failures
