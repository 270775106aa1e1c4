"""A lookup table built from the public data cannot pass the hidden cases, and hidden
cases vary the sizes as well as the values.

Learners get every public case with its expected output (``bplab/grading/public/exNN.json``).
A "cheater" turns that file into a table: for the arguments it is called with, it answers
what passed a public case. Whatever rule picks the row (the public case whose inputs
match, the closest one, the first one), its answer is one of the public answers; so if a
hidden case rejects *every* public answer, every such cheater fails the part. This file
shows that for every function part of every exercise, on hidden cases drawn as the grader
draws them (``make_cases(part, seed)`` with a seed other than ``PUBLIC_SEED``, see
``autograde._Plan.draw``), for several seeds.

A public answer is the expected output, decoded as a learner who read the file would:
``compare_init`` ships only the spread, so the cheater draws normal weights of the called
shape with that spread; ``accuracy_target`` ships the public case's true labels, so the
cheater predicts them.
"""

from __future__ import annotations

import numpy as np
import pytest

from bplab.grading.check import public_part
from bplab.grading.judge import Close, Expectation, expectations, judge
from bplab.grading.messages import Outcome
from bplab.grading.spec import PUBLIC_SEED, Case, load_parts, make_cases

EXERCISES = [f"ex{n:02d}" for n in range(1, 13)]
PARTS = [part for ex in EXERCISES for part in load_parts(ex)]
HIDDEN_SEEDS = (1, 2, 3)

# Value parts are one fixed answer by nature: nothing is called, so there are no hidden
# cases, and the grader marks the answer itself (after the due date, see Gradescope).
VALUE_PARTS = {
    **{f"ex09.q{i}": "a quiz letter: one fixed answer, no cases to vary" for i in range(1, 10)},
    "ex08.diagnosis": "a letter naming what went wrong in the notebook's classmate's run: one "
                      "fixed answer",
    "ex04.diagnosis": "a letter naming the bug in the notebook's classmate's gradients: one "
                      "fixed answer",
    "ex06.max_stable_lr": "one number measured on the notebook's bowl: no cases to vary",
    "ex06.fastest_lr": "one number derived for the notebook's bowl: no cases to vary",
    "ex07.diagnosis": "a quiz letter about the notebook's broken network: one fixed answer",
    "ex07.fix": "a configuration; the grader rebuilds the network and measures its "
                "gradients, so any working config passes and there is no table to read",
}
# Function parts whose hidden cases may let a public answer through: none. (A part listed
# here would need a reason why its inputs cannot vary.)
EXEMPT: dict[str, str] = {}
# Function parts whose hidden cases keep the public sizes (their values are still drawn).
SAME_SIZES = {
    "ex01.central_difference": "a function and numbers x, h: nothing has a size",
    "ex01.derivative_error": "functions and numbers x, h: nothing has a size",
    **{f"ex02.{name}": "plain numbers: nothing has a size"
       for name in ("mul", "pow", "tanh", "exp", "sigmoid", "backward")},
    "ex08.predict": "the held-out split is the grader's fixed test set, scored whole each "
                    "time in a drawn order; the public data holds none of its images",
    "ex12.train_and_predict": "row indices of a split of the 1438 development digits: the "
                              "hidden split draws other rows, in the same proportions",
}


def _answers(part, case: Case) -> list:
    """Every answer the public file offers for a call with ``case``'s arguments."""
    public = public_part(part.id)
    kind = public.compare.get("name", public.compare["type"])
    answers = []
    for pub_case, expect in zip(public.cases, public.expects):
        if kind == "compare_init":
            fan_in, fan_out = case.args[0], case.args[1]
            rng = np.random.default_rng(0)
            answers.append(rng.normal(0.0, expect.expected, size=(fan_in, fan_out)))
        elif kind == "accuracy_target":
            answers.append(np.asarray(pub_case.y))
        else:
            answers.append(expect.expected)
    return answers


def _passes(part, case: Case, answer, expect: Expectation) -> bool:
    verdict = judge([Outcome(answer)], part_id=part.id, kind=part.kind,
                    compare=part.compare or Close(), cases=[case], expects=[expect], n_public=0)
    return verdict.passed


def test_every_part_is_covered():
    ids = {p.id for p in PARTS}
    assert set(VALUE_PARTS) <= ids and set(EXEMPT) <= ids and set(SAME_SIZES) <= ids
    for part in PARTS:
        assert (part.kind == "value") == (part.id in VALUE_PARTS), part.id


FUNCTION_PARTS = [p for p in PARTS if p.kind == "function" and p.id not in EXEMPT]


@pytest.mark.parametrize("part", FUNCTION_PARTS, ids=lambda p: p.id)
def test_the_cheater_passes_the_public_cases(part):
    """The table is real: on each public case, its own public answer passes."""
    cases = make_cases(part, PUBLIC_SEED)
    expects = expectations(part, cases)
    for i, (case, expect) in enumerate(zip(cases, expects)):
        answer = _answers(part, case)[i]
        assert _passes(part, case, answer, expect), f"{part.id}: public case {i + 1}"


@pytest.mark.parametrize("part", FUNCTION_PARTS, ids=lambda p: p.id)
@pytest.mark.parametrize("seed", HIDDEN_SEEDS)
def test_no_public_answer_passes_every_hidden_case(part, seed):
    """In each draw, some hidden case rejects every answer the public data offers."""
    cases = make_cases(part, seed)
    expects = expectations(part, cases)
    for case, expect in zip(cases, expects):
        if not any(_passes(part, case, answer, expect) for answer in _answers(part, case)):
            return
    pytest.fail(f"{part.id}, hidden seed {seed}: on every hidden case some public answer "
                f"passes, so a lookup table of public/{part.id[:4]}.json passes the part")


def _sizes(value):
    """The sizes in a call's arguments: array shapes, lengths, keys and integers."""
    if isinstance(value, np.ndarray):
        return ("array", value.shape)
    if isinstance(value, (list, tuple)):
        return (type(value).__name__, tuple(_sizes(v) for v in value))
    if isinstance(value, dict):
        return ("dict", tuple(sorted((str(k), _sizes(v)) for k, v in value.items())))
    if isinstance(value, (int, np.integer)) and not isinstance(value, bool):
        return ("int", int(value))
    return type(value).__name__


def _signatures(cases) -> set:
    return {_sizes((c.args, c.kwargs)) for c in cases}


@pytest.mark.parametrize("part", [p for p in FUNCTION_PARTS if p.id not in SAME_SIZES],
                         ids=lambda p: p.id)
@pytest.mark.parametrize("seed", HIDDEN_SEEDS)
def test_hidden_cases_vary_the_sizes(part, seed):
    """Each draw has a hidden case whose sizes no public case has."""
    public = _signatures(make_cases(part, PUBLIC_SEED))
    hidden = _signatures(make_cases(part, seed))
    assert hidden - public, f"{part.id}, hidden seed {seed}: only the public sizes"
