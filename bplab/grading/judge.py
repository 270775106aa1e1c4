"""Run a part's cases on a learner's object, and judge the outcomes against the reference.

The two halves are separate on purpose: ``call_cases`` runs where the learner's object
lives (the notebook's kernel), ``judge`` runs where the reference lives. For ``bp.check``
both halves run in the notebook; the autograder runs ``call_cases`` in the learner's
kernel and ``judge`` in its own process, on the data that came back.
"""

from __future__ import annotations

import copy
import secrets
from dataclasses import dataclass
from typing import Any

import numpy as np

from .diagnose import compare as default_compare
from .spec import Case, Part
from .wire import to_data

__all__ = ["PUBLIC_SEED", "Verdict", "call_cases", "hidden_seed", "judge", "make_cases"]

PUBLIC_SEED = 20240601


def hidden_seed() -> int:
    """A fresh secret seed for hidden cases (so hard-coded answers cannot match them)."""
    return secrets.randbits(63)


def make_cases(part: Part, seed: int) -> list[Case]:
    """The cases of ``part`` for ``seed`` (a "value" part has one empty case)."""
    if part.kind == "value":
        return [Case(note="the value you defined")]
    cases = list(part.cases(np.random.default_rng(seed)))
    if not cases or not all(isinstance(c, Case) for c in cases):
        raise TypeError(f"Part {part.id}: cases(rng) must return a non-empty list of Case")
    return cases


def _call(obj: Any, kind: str, case: Case) -> dict:
    """One outcome: {"ok": data} or {"error": exception type name, "message": text}."""
    try:
        if kind == "value":
            return {"ok": to_data(obj)}
        result = obj(*copy.deepcopy(case.args), **copy.deepcopy(case.kwargs))
        return {"ok": to_data(result)}
    except SystemExit as err:
        return {"error": "SystemExit", "message": f"sys.exit({err.code!r}) was called"}
    except Exception as err:  # noqa: BLE001 - any learner error becomes feedback
        return {"error": type(err).__name__, "message": str(err)[:500]}


def call_cases(obj: Any, kind: str, cases: list[Case]) -> list[dict]:
    """Call the learner's ``obj`` on every case; never raises (errors become outcomes)."""
    return [_call(obj, kind, case) for case in cases]


@dataclass(frozen=True)
class Verdict:
    """The judgement of one part: status is passed, failed, not implemented, or missing."""

    part_id: str
    status: str
    message: str
    n_public: int
    n_hidden: int = 0
    note: str = ""  # on a pass: what a custom compare reported (an accuracy, an explanation)

    @property
    def passed(self) -> bool:
        """True when every case matched the reference."""
        return self.status == "passed"


def _where(i: int, n_public: int, kind: str, case: Case) -> str:
    """'on public case 2 of 3 (batch of 5): ', 'on a hidden case (batch of 5): ' or ''."""
    if kind == "value":
        return ""
    note = f" ({case.note})" if case.note else ""
    if i < n_public:
        return f"on public case {i + 1} of {n_public}{note}: "
    return f"on a hidden case{note}: "


def _judge_one(part: Part, case: Case, outcome: dict) -> tuple[str, str]:
    """(status, reason): status "ok" when the outcome matches the reference.

    On a match, reason is what a custom compare said (e.g. "held-out accuracy 0.972 >= 0.95
    target", or a quiz answer's explanation), or "".
    """
    if "error" in outcome:
        if outcome["error"] == "NotImplementedError":
            return "not implemented", "not implemented yet (it raises NotImplementedError)"
        return "failed", f"raised {outcome['error']}: {outcome.get('message', '')}"
    if part.kind == "value":
        expected = part.reference
    else:
        expected = part.reference(*copy.deepcopy(case.args), **copy.deepcopy(case.kwargs))
    compare = part.compare or default_compare
    ok, reason = compare(outcome["ok"], to_data(expected), case)
    if ok:
        return "ok", reason or ""
    return "failed", reason or "does not match the reference"


def judge(part: Part, cases: list[Case], outcomes: list[dict], n_public: int) -> Verdict:
    """Judge ``outcomes`` (from ``call_cases``) of ``cases`` (the first n_public public)."""
    n_hidden = len(cases) - n_public
    if len(outcomes) != len(cases):
        return Verdict(part.id, "failed", "no answers came back from your code",
                       n_public, n_hidden)
    notes: list[str] = []
    for i, (case, outcome) in enumerate(zip(cases, outcomes)):
        status, reason = _judge_one(part, case, outcome)
        if status == "ok":
            if reason and reason not in notes:
                notes.append(reason)
        else:
            if status == "not implemented":
                return Verdict(part.id, status, reason, n_public, n_hidden)
            message = f"{_where(i, n_public, part.kind, case)}{reason}"
            return Verdict(part.id, status, message, n_public, n_hidden)
    counted = f"{n_public} public" + (f" + {n_hidden} hidden" if n_hidden else "")
    plural = "" if len(cases) == 1 else "s"
    note = "; ".join(notes[:2])
    message = f"passed ({counted} case{plural})" + (f": {note}" if note else "")
    return Verdict(part.id, "passed", message, n_public, n_hidden, note)
