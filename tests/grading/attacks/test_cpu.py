"""CPU starvation (issue 16 §6): a submission forks 100 children that call ``setsid()``
and spin. RLIMIT_CPU binds each process, not the sandbox; without a CPU share per sandbox
the honest submission graded beside it (``--jobs 2``) ran out of its budget and got 0.
Each sandbox is its own cpu cgroup, held to one CPU, so the honest one keeps full marks.
"""

from __future__ import annotations

import kit
import pytest

pytestmark = pytest.mark.slow

FULL, BLANK = (3, 2, 1), (0, 0, 0)

SPINNER = '''
import os
import time
for _ in range(100):
    if os.fork() == 0:
        os.setsid()
        _mark_me()
        while True:
            pass
time.sleep(15)  # the kernel stays, and its children spin, while the honest one works
'''

HONEST_WORK = '''
import time
time.sleep(6)
sum(i * i for i in range(10_000_000))
'''

ATTACKS = kit.selected({  # graded in this order, two at a time
    "spinner": (lambda: kit.insert_top(kit.solution("ex98"), SPINNER), {FULL, BLANK}),
    # starts beside the spinner and, once the spinning has begun, does about a second of
    # CPU work: with a core of its own that takes a second, with 1/100 of the CPU, minutes
    "honest_full": (lambda: kit.insert_top(kit.solution("ex98"), HONEST_WORK), FULL),
    "honest_blank": (lambda: kit.blank("ex98"), BLANK),
})


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    yield from kit.grade_attacks(tmp_path_factory.mktemp("cpu"), ATTACKS, timeout=20,
                                 budget=40, jobs=2, wall=200)


@pytest.mark.parametrize("name", list(ATTACKS))
def test_scores(graded, name):
    run, _ = graded
    assert run.scored(name, ATTACKS[name][1]), (name, run.points(name), run.feedback(name))


def test_the_limits_in_force_are_printed_once(graded):
    run, changes = graded
    assert run.stderr.count("sandbox limits: per sandbox:") == 1, run.stderr[-2000:]
    assert "1 CPU (cgroup" in run.stderr
    assert not changes
