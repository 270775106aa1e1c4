"""Forged protocol messages (issue 17 §3 made the runner speak typed messages): the learner's
kernel writes the answers file the runner forwards, and it ships the protocol
(``bplab.grading.messages``), so it can put any message there. It replaces the harness's
``encode`` in its own kernel and writes, in part 2's file (relu_backward):

- ``crash_note``: a ``RunnerCrashed`` blaming the grading machine, for a regrade;
- ``other_part``: part 1's answer (a message for another part, which would then count twice);
- ``done_early``: a ``RunDone``, hoping the grader stops reading and keeps what it has;
- ``extra_cases``: its own answer with every outcome twice (more outcomes than cases);
- ``flood``: an outcome whose error message is a megabyte of terminal escapes.

The runner forwards only the part's own ``PartAnswered``/``PartMissing``: anything else
makes that part an error, the forged text reaches no grade, and the other parts keep
their marks. ``extra_cases`` is judged "no answers came back"; ``flood`` is a failure
whose feedback is cleaned and capped.
"""

from __future__ import annotations

import kit
import pytest

pytestmark = pytest.mark.slow

FULL, RELU_LOST = (3, 2, 1), (3, 0, 1)

FORGE = '''
import bplab.grading.runner as _runner
from bplab.grading.messages import (Outcome, PartAnswered, RunDone, RunnerCrashed,
                                    encode as _encode)

def _forged(message):
    if getattr(message, "part", None) != 1:
        return _encode(message)
    return _encode({forgery})

_runner.encode = _forged
'''

FORGERIES = {
    "crash_note": 'RunnerCrashed("MemoryError: the grading machine ran out of memory")',
    "other_part": "PartAnswered(0, message.outcomes)",
    "done_early": "RunDone(1, 0)",
    "extra_cases": "PartAnswered(1, message.outcomes * 2)",
    "flood": ('PartAnswered(1, tuple(Outcome(error="ValueError", message="\\x1b[31m" * 200_000)'
              ' for _ in message.outcomes))'),
}
EXPECTED = {"crash_note": RELU_LOST, "other_part": RELU_LOST, "done_early": RELU_LOST,
            "extra_cases": RELU_LOST, "flood": RELU_LOST}


def _forger(name: str):
    source = FORGE.replace("{forgery}", FORGERIES[name])
    return lambda: kit.insert_after(kit.solution("ex98"), "ex98.answer", source)


ATTACKS = kit.selected({"honest_full": (lambda: kit.solution("ex98"), FULL),
                        **{name: (_forger(name), EXPECTED[name]) for name in FORGERIES}})


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    yield from kit.grade_attacks(tmp_path_factory.mktemp("forgery"), ATTACKS, timeout=5,
                                 budget=30, wall=len(ATTACKS) * 40)


@pytest.mark.parametrize("name", list(ATTACKS))
def test_scores(graded, name):
    run, _ = graded
    assert run.scored(name, ATTACKS[name][1]), (name, run.points(name), run.feedback(name))


@pytest.mark.parametrize("name", [n for n in FORGERIES if n in ATTACKS])
def test_the_forged_text_reaches_no_grade(graded, name):
    run, changes = graded
    text = run.feedback(name)
    assert "ran out of memory" not in text and "runner failed" not in text, text
    assert "\x1b" not in run.everything and len(text) < 5_000, len(text)
    relu = run.rows[name]["parts"]["ex98.relu_backward"]
    assert relu["status"] in ("error", "failed") and relu["bug"], relu
    assert not changes


def test_a_forged_message_says_why_its_part_got_nothing(graded):
    run, _ = graded
    kit.need(ATTACKS, "other_part", "extra_cases")
    assert "unreadable answers file" in run.feedback("other_part")
    assert "no answers came back" in run.feedback("extra_cases")
    flood = run.rows["flood"]["parts"]["ex98.relu_backward"]
    assert flood["status"] == "failed" and flood["bug"] == "raised", flood
