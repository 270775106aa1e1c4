"""Forged runner lines (issue 16 §4): the kernel shares the runner's uid, so without
protection ``pidfd_open`` + ``pidfd_getfd`` (syscalls 434, 438) copy the runner's answers
channel into the kernel, which then writes lines of its own: a crash note blaming the
grader ("the grader's runner failed (not your code)") or an error status for a part.

The runner is non-dumpable, so the copy is refused; and the grader accepts each protocol
line once, so a line the runner did not write makes the row an error that says so.
"""

from __future__ import annotations

import kit
import pytest

pytestmark = pytest.mark.slow

FULL, BLANK = (3, 2, 1), (0, 0, 0)

FORGER = '''
import ctypes, fcntl, stat
from bplab.grading.messages import (   # the learner's side ships the protocol
    CellRun, PartFailed, Run, RunnerCrashed, encode)

def _forge():
    """Copy every write-only pipe of the parent (the runner) and write lines into it."""
    libc = ctypes.CDLL(None, use_errno=True)
    pidfd = libc.syscall(434, os.getppid(), 0)          # pidfd_open
    if pidfd < 0:
        return f"pidfd_open failed: errno {ctypes.get_errno()}"
    copied, errors = [], set()
    for fd in range(64):
        new = libc.syscall(438, pidfd, fd, 0)            # pidfd_getfd
        if new < 0:
            errors.add(ctypes.get_errno())
            continue
        try:
            writable = fcntl.fcntl(new, fcntl.F_GETFL) & os.O_ACCMODE == os.O_WRONLY
            if stat.S_ISFIFO(os.fstat(new).st_mode) and writable:
                for line in (RunnerCrashed("MemoryError: the grading machine ran out of memory"),
                             PartFailed(0, CellRun(Run.ERROR, "MemoryError",
                                                   "the grading machine ran out of memory"))):
                    os.write(new, (encode(line) + "\\n").encode())
                copied.append(fd)
        finally:
            os.close(new)
    return f"copied {copied}, errnos {sorted(errors)}"

print(_forge())
'''

ATTACKS = kit.selected({  # name: (builder, points each part must get)
    "honest_full": (lambda: kit.solution("ex98"), FULL),
    "forger": (lambda: kit.insert_after(kit.solution("ex98"), "ex98.relu_backward", FORGER),
               FULL),
    "honest_blank": (lambda: kit.blank("ex98"), BLANK),
})


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    yield from kit.grade_attacks(tmp_path_factory.mktemp("channel"), ATTACKS, timeout=5,
                                 budget=30, wall=len(ATTACKS) * 40)


@pytest.mark.parametrize("name", list(ATTACKS))
def test_scores(graded, name):
    run, _ = graded
    assert run.scored(name, ATTACKS[name][1]), (name, run.points(name), run.feedback(name))


def test_no_forged_line_reaches_the_grades(graded):
    run, changes = graded
    kit.need(ATTACKS, "forger")
    assert "runner failed" not in run.feedback("forger"), run.feedback("forger")
    assert "ran out of memory" not in run.feedback("forger"), run.feedback("forger")
    assert not changes


def test_lines_that_break_the_protocol_are_caught():
    """Each protocol message comes once from the runner: a forged second message for a
    part, a second crash note, a part it was not asked for or a line that is no message
    are violations, whatever came first."""
    from bplab.grading.messages import (
        CellRun,
        CellsRan,
        Outcome,
        PartAnswered,
        PartFailed,
        PartMissing,
        Run,
        RunDone,
        RunnerCrashed,
        decode,
        encode,
    )
    from bplab.grading.sandbox import StreamEnd, collect

    honest = [CellsRan((CellRun(Run.OK),)), PartAnswered(0, (Outcome(1),)),
              PartMissing(1, "f"), RunDone(1, 0)]
    assert [decode(encode(m)) for m in honest] == honest   # each survives the channel
    end = StreamEnd()
    cells, parts = collect(iter(honest), 2, end)
    assert sorted(parts) == [0, 1] and cells and end.done == RunDone(1, 0)
    assert not end.violations
    forged = [PartFailed(0, CellRun(Run.ERROR)), RunnerCrashed("MemoryError"), *honest,
              RunnerCrashed("again"), PartMissing(2, "g"), '{"points": 10}']
    end = StreamEnd()
    collect(iter(forged), 2, end)
    assert end.violations == ["a second 'part 0' message", "a second 'crash' message",
                              "a line the runner never writes (PartMissing(part=2, name='g'))",
                              """a line the runner never writes ({"points": 10})"""]
