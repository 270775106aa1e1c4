"""Judge a learner's answers: the same code in ``bp.check`` and in the grader.

An *expectation* is what a case should give: the expected output and each known bug's
output, as plain data. The grader computes expectations from the key (references, bugs)
in its own process; ``bp.check`` reads those of the public cases from data shipped with
the package (``check.public_part``). ``judge`` then compares the learner's outcomes
(data that came back from their code) with the expectations, case by case.

A part's compare is ``make_compare(...)`` (numbers, with bug diagnosis) or one of the
public compares below, which need only the case and the expected output; value parts
(quiz letters, a measured number) are compared in the grader only. Every compare speaks
one protocol: ``compare(student, expected, case, *, bugs=()) -> feedback.Diagnosis``
(``bugs``: the known bugs' outputs on this case, which only ``Close`` reads).
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from .feedback import ATOL, RTOL, Diagnosis, diagnose
from .messages import Outcome
from .spec import Case, LabeledCase, Part, Status
from .wire import to_data

__all__ = ["PUBLIC_COMPARES", "Close", "Expectation", "Verdict", "accuracy_target",
           "call_cases", "check_topological", "close_dict", "compare_error", "compare_init",
           "expectations", "judge", "make_compare"]


class Close:
    """Numbers within tolerance, field by field, with bug diagnosis.

    names : what the outputs are called in messages ("dX", "dW", "db")
    bugs : known mistakes (``spec.Bug``); their outputs become part of each expectation
    """

    def __init__(self, names: Sequence[str] | None = None, rtol: float = RTOL,
                 atol: float = ATOL, bugs: Sequence = ()):
        self.names, self.rtol, self.atol, self.bugs = names, rtol, atol, tuple(bugs)

    def describe(self) -> dict:
        """The public form of this compare (no bug functions: their outputs travel)."""
        return {"type": "close", "names": list(self.names or []), "rtol": self.rtol,
                "atol": self.atol}

    def __call__(self, student: Any, expected: Any, case: Case, *, bugs=()) -> Diagnosis:
        return diagnose(student, expected, case.args, names=self.names, rtol=self.rtol,
                        atol=self.atol, bugs=bugs)


def make_compare(names: Sequence[str] | None = None, rtol: float = RTOL, atol: float = ATOL,
                 bugs: Sequence = (), hints: dict | None = None) -> Close:
    """A ``Part.compare`` with names, tolerances and known bugs. ``hints`` is accepted for
    old keys and ignored: formulas belong in the notebook's staged hints, not in messages."""
    return Close(names, rtol, atol, bugs)


# ---- public compares: judge from the case and the expected output alone -----------------
def accuracy_target(student, expected, case: LabeledCase, *, bugs=()) -> Diagnosis:
    """Accuracy of the predicted labels ``student`` against ``case.y``, >= ``case.target``."""
    pred = np.asarray(student) if not isinstance(student, (str, dict)) else np.asarray([])
    if pred.shape != np.shape(case.y):
        return Diagnosis(False, (f"predict(X) returned shape {pred.shape}, expected {np.shape(case.y)}: "
                       "one integer label per row of X"), "shape")
    if pred.dtype.kind not in "biuf":
        return Diagnosis(False, f"predict(X) must return integer labels, got dtype {pred.dtype}",
                         "type")
    if pred.dtype.kind == "f" and not (np.all(np.isfinite(pred)) and np.all(pred % 1 == 0)):
        return Diagnosis(False, ("predict(X) returned non-integer numbers: return class labels "
                       "(e.g. probs > 0.5 as int, or scores.argmax(axis=1)), not scores"), "scores")
    acc = float(np.mean(pred == case.y))
    verdict = ">=" if acc >= case.target else "<"
    what = case.note or f"{np.size(case.y)} examples"
    return Diagnosis(acc >= case.target,
                     f"accuracy {acc:.3f} {verdict} {case.target:.2f} target ({what})",
                     "" if acc >= case.target else "accuracy")


def check_topological(student, expected, case: Case, *, bugs=()) -> Diagnosis:
    """Is ``student`` a list of exactly the reachable labels, each after all of its inputs?"""
    children, root = case.args
    if not isinstance(student, (list, tuple)) or not all(isinstance(s, str) for s in student):
        return Diagnosis(False, f"expected a list of node labels, got {type(student).__name__}",
                         "type")
    seen: set[str] = set()
    for label in student:
        if label in seen:
            return Diagnosis(False, f"node {label!r} appears twice: visit each node once "
                             "(keep a visited set)", "visited twice")
        missing = [c for c in children.get(label, []) if c not in seen]
        if missing:
            return Diagnosis(False, (f"node {label!r} comes before its input {missing[0]!r}: a node must "
                           "come after all of its inputs"), "order")
        seen.add(label)
    if set(student) != set(expected):
        return Diagnosis(False, "nodes missing from the order: "
                         f"{sorted(set(expected) - set(student))}", "missing nodes")
    if student[-1] != root:
        return Diagnosis(False, f"the output {root!r} must come last", "order")
    return Diagnosis(True, f"a valid order of {len(student)} nodes")


def compare_error(student, expected, case: Case, *, bugs=()) -> Diagnosis:
    """A relative error is right when it is on the same side of 1e-6 and within 1 % (or tiny)."""
    try:
        s = float(student)
    except (TypeError, ValueError):
        return Diagnosis(False, f"expected a float, got {type(student).__name__}", "type")
    if not np.isfinite(s) or s < 0:
        return Diagnosis(False, f"a relative error is a finite number >= 0, got {s!r}",
                         "wrong value")
    if expected < 1e-6:
        ok = s < 1e-6
        return Diagnosis(ok, (f"{s:.2e}: the derivative is right" if ok else
                    f"{s:.2e}, but this derivative is right (error far below 1e-6)"),
                         "" if ok else "wrong value")
    ok = abs(s - expected) <= 0.01 * expected
    return Diagnosis(ok, (f"{s:.3g}: the derivative is wrong, as it should be" if ok else
                f"{s:.3g}, expected about {expected:.3g}: this derivative is wrong"),
                     "" if ok else "wrong value")


def close_dict(student, expected, case: Case, rtol: float = 1e-4, *, bugs=()) -> Diagnosis:
    """Compare dicts of arrays key by key (numerical gradients agree to ~1e-4)."""
    if not isinstance(student, dict):
        return Diagnosis(False, f"expected a dict with keys {sorted(expected)}, "
                         f"got {type(student).__name__}", "type")
    if set(student) != set(expected):
        return Diagnosis(False, f"expected keys {sorted(expected)}, got {sorted(student)}",
                         "type")
    for key, ref in expected.items():
        got = np.asarray(student[key])
        if got.shape != ref.shape:
            return Diagnosis(False, f"{key}: shape {got.shape}, expected {ref.shape}", "shape")
        if not np.allclose(got, ref, rtol=rtol, atol=1e-7):
            return Diagnosis(False, f"{key}: off by up to {np.max(np.abs(got - ref)):.2e} "
                             "from the reference", "wrong value")
    return Diagnosis(True, "every gradient matches")


def compare_init(student, expected, case: Case, *, bugs=()) -> Diagnosis:
    """Random weights of shape (fan_in, fan_out) with the expected spread, centred on 0."""
    fan_in, fan_out = case.args[0], case.args[1]
    W = np.asarray(student, dtype=float) if isinstance(student, np.ndarray) else None
    if W is None or W.shape != (fan_in, fan_out):
        shape = getattr(student, "shape", type(student).__name__)
        return Diagnosis(False, f"expected an array of shape ({fan_in}, {fan_out}) = "
                         f"(fan_in, fan_out), got {shape}", "shape")
    target = float(expected)  # the reference's spread (see summary below)
    std, mean = float(W.std()), float(W.mean())
    if len(np.unique(W)) < 0.9 * W.size:
        return Diagnosis(False, "the weights are not random: draw each one independently",
                         "not random")
    if abs(mean) > 5 * target / np.sqrt(W.size):
        return Diagnosis(False, f"mean {mean:.2e}: the weights should be centred on 0",
                         "not centred")
    ok = abs(std - target) <= 0.04 * target
    return Diagnosis(ok, (f"std {std:.4f}, expected {target:.4f}" if ok else
                f"std {std:.4f}, expected {target:.4f} (fan_in={fan_in}, fan_out={fan_out}): "
                "check which fans go into the variance, and its factor"), "" if ok else "spread")


# What a public compare needs of the expected output: accuracy_target nothing (it judges
# against the case's labels), compare_init a number (the spread), not the whole matrix.
_NEEDS_NO_EXPECTED = (accuracy_target,)
_SUMMARIES = {compare_init: lambda W: float(np.std(W))}

PUBLIC_COMPARES = {f.__name__: f for f in (accuracy_target, check_topological, close_dict,
                                           compare_error, compare_init)}


def public_compare(part: Part) -> dict:
    """How the learner's side judges ``part``: a close compare, a named public compare, or
    (value parts, and compares that need the key) 'recorded' with the expected type only."""
    compare = part.compare or Close()
    if part.kind == "value":
        return {"type": "recorded", "expects": _expected_form(part.reference)}
    if isinstance(compare, Close):
        return compare.describe()
    if PUBLIC_COMPARES.get(getattr(compare, "__name__", "")) is compare:
        return {"type": "public", "name": compare.__name__}
    raise TypeError(f"Part {part.id}: its compare must be make_compare(...) or one of "
                    f"bplab.grading.judge's public compares {sorted(PUBLIC_COMPARES)}, "
                    f"so learners can run it without the key")


def _expected_form(value: Any) -> dict:
    """What kind of value a part wants, never the value: a letter, a number, a dict's keys."""
    if isinstance(value, str):
        return {"form": "letter" if len(value) == 1 else "text"}
    if isinstance(value, dict):
        return {"form": "dict", "keys": sorted(value)}
    if isinstance(value, (int, float)):
        return {"form": "number"}
    return {"form": type(value).__name__}


# ---- expectations, outcomes, verdicts ------------------------------------------------------
@dataclass(frozen=True)
class Expectation:
    """What one case should give: the expected output and known bugs' outputs (data)."""

    expected: Any
    bugs: tuple = ()   # ({"message", "key", "output"}, ...)


def _run(fn, case: Case) -> Any:
    return fn(*copy.deepcopy(case.args), **copy.deepcopy(case.kwargs))


def expectations(part: Part, cases: list[Case]) -> list[Expectation]:
    """The key's answers for ``cases`` (grader side: calls the reference and bug models)."""
    if part.kind == "value":
        return [Expectation(to_data(part.reference)) for _ in cases]
    bugs = part.compare.bugs if isinstance(part.compare, Close) else ()
    summary = next((f for c, f in _SUMMARIES.items() if c is part.compare), lambda x: x)
    out = []
    for case in cases:
        bug_outputs = []
        for bug in bugs:
            try:
                bug_outputs.append({"message": bug.message, "key": bug.key,
                                    "output": to_data(_run(bug.fn, case))})
            except Exception:  # noqa: BLE001, S112 - a broken bug model must not break grading
                continue
        needed = not any(c is part.compare for c in _NEEDS_NO_EXPECTED)
        expected = to_data(summary(_run(part.reference, case))) if needed else None
        out.append(Expectation(expected, tuple(bug_outputs)))
    return out


def _call(obj: Any, kind: str, case: Case) -> Outcome:
    """One outcome: the return value as data, or the exception's type name and message."""
    try:
        if kind == "value":
            return Outcome(to_data(obj))
        return Outcome(to_data(_run(obj, case)))
    except SystemExit as err:
        return Outcome(error="SystemExit", message=f"sys.exit({err.code!r}) was called")
    except Exception as err:  # noqa: BLE001 - any learner error becomes feedback
        return Outcome(error=type(err).__name__, message=str(err)[:400] + _their_line(err))


def _their_line(err: BaseException) -> str:
    """' (line 3 of your code: return dout @ W)': the learner's line that raised, if any."""
    import traceback

    ours = (str(Path(__file__).parent.parent), "site-packages", "/lib/python")
    frames = [f for f in traceback.extract_tb(err.__traceback__)
              if not any(part in f.filename for part in ours)]
    if not frames or not frames[-1].line:
        return ""
    return f" (line {frames[-1].lineno} of your code: {frames[-1].line.strip()[:120]})"


def call_cases(obj: Any, kind: str, cases: list[Case]) -> list[Outcome]:
    """Call the learner's ``obj`` on every case; never raises (errors become outcomes)."""
    return [_call(obj, kind, case) for case in cases]


@dataclass(frozen=True)
class Verdict:
    """The judgement of one part."""

    part_id: str
    status: Status
    message: str
    n_public: int
    n_hidden: int = 0
    note: str = ""   # on a pass: what a compare reported (an accuracy, a valid order)
    bug: str = ""    # on a failure: the bug's key, for class reports
    hidden_case: bool = False   # on a failure: it failed on a hidden case (public ones passed)

    @property
    def passed(self) -> bool:
        return self.status is Status.PASSED


def _where(i: int, n_public: int, kind: str, case: Case) -> str:
    """'on public case 2 of 3 (N=5): ', 'on a hidden case (N=5): ' or ''."""
    if kind == "value":
        return ""
    note = f" ({case.note})" if case.note else ""
    if i < n_public:
        return f"on public case {i + 1} of {n_public}{note}: "
    return f"on a hidden case{note}: "


def _judge_one(compare, case: Case, outcome: Outcome,
               expect: Expectation) -> tuple[Status, Diagnosis]:
    """One outcome against its expectation: its status, and what the compare found."""
    if outcome.error == "NotImplementedError":
        return Status.NOT_IMPLEMENTED, Diagnosis(
            False, "not implemented yet (it raises NotImplementedError)")
    if outcome.raised:
        return Status.FAILED, Diagnosis(False, f"raised {outcome.error}: {outcome.message}",
                                        "raised")
    found = compare(outcome.value, expect.expected, case, bugs=expect.bugs)
    if found.ok:
        return Status.PASSED, found
    return Status.FAILED, Diagnosis(False, found.message or "does not match the expected "
                                    "answer", found.key or "wrong value")


def judge(outcomes: Sequence[Outcome], *, part_id: str, kind: str, compare,
          cases: Sequence[Case], expects: Sequence[Expectation], n_public: int) -> Verdict:
    """Judge ``outcomes`` of ``cases`` (the first ``n_public`` public) case by case, with
    ``compare`` (the compare protocol, see the module docstring) against ``expects``."""
    n_hidden = len(cases) - n_public
    if len(outcomes) != len(cases) or len(expects) != len(cases):
        return Verdict(part_id, Status.ERROR, "no answers came back from your code",
                       n_public, n_hidden, bug="no answers")
    notes: list[str] = []
    for i, (case, outcome, expect) in enumerate(zip(cases, outcomes, expects)):
        status, found = _judge_one(compare, case, outcome, expect)
        if status is Status.PASSED:
            if found.message and found.message not in notes:
                notes.append(found.message)
            continue
        where = "" if status is Status.NOT_IMPLEMENTED else _where(i, n_public, kind, case)
        return Verdict(part_id, status, f"{where}{found.message}", n_public, n_hidden,
                       bug=found.key, hidden_case=i >= n_public)
    counted = f"{n_public} public" + (f" + {n_hidden} hidden" if n_hidden else "")
    note = "; ".join(notes[:2])
    message = f"passed ({counted} case{'' if len(cases) == 1 else 's'})" + (
        f": {note}" if note else "")
    return Verdict(part_id, Status.PASSED, message, n_public, n_hidden, note)
