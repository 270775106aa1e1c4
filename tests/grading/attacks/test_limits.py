"""Attacks on the machine's resources (issue 8 §3-4): memory balloons, filling the
sandbox's tmpfs, fork bombs, floods on the kernel's own stdout, answers built to bloat the
grader. Each costs only the attacker's part; the sandbox's limits stop it; the grader's
own processes stay small.

Unsandboxed (today's grader) these would take the shared machine down, so every attack
also stops while the host still has room (MemAvailable, free disk) and after a few seconds:
the numbers it reports then show the missing limit without exhausting anything.
"""

from __future__ import annotations

import re

import kit
import pytest

pytestmark = pytest.mark.slow

FULL, BLANK = (3, 2, 1), (0, 0, 0)
TIMEOUT, BUDGET = 8, 30
MEMORY_LIMIT_MB = 4096  # what a sandbox may hold in memory and tmpfs, at most
MAX_PROCESSES = 1000  # the fork bomb stops here by itself
GRADER_RSS = 1 << 30  # the grader's own processes (outside any sandbox) stay below

ROOM = """
def _room(seconds_left):  # the host still has room, and the attack still has time
    free = dict(line.split(":") for line in open("/proc/meminfo"))
    avail_gb = int(free["MemAvailable"].split()[0]) / 2**20
    disk = os.statvfs("/tmp")
    return avail_gb > 12 and disk.f_bavail * disk.f_frsize > 20 * 2**30 and seconds_left() > 0

_REPORT = []
def _once(attack):  # the harness calls a part once per case: attack on the first call only
    def part(*args):
        if not _REPORT:
            _REPORT.append(attack())
        raise RuntimeError(_REPORT[0])
    return part
"""

BALLOON = ROOM + """
@_once
def _balloon():  # asks for 20 GB at once (not touched: safe anywhere), then touches pages
    try:
        reserved = __import__("numpy").empty(20 * 2**30, dtype="uint8").size >> 20
    except MemoryError:
        reserved = 0
    chunks, end = [], time.time() + 6
    try:
        while len(chunks) < 80 and _room(lambda: end - time.time()):
            chunks.append(__import__("numpy").ones(2**28, dtype="uint8"))
    except MemoryError:
        pass
    return f"reserved {reserved} MB, held {len(chunks) * 256} MB"
relu_backward = _balloon
"""

FILL_TMP = ROOM + """
@_once
def _fill():  # fills /tmp and the working folder, many files
    written, end, block = 0, time.time() + 6, b"x" * 2**26
    try:
        while written < 16 * 2**30 and _room(lambda: end - time.time()):
            folder = "/tmp" if written % 2**27 == 0 else "."
            with open(f"{folder}/fill-{TOKEN}-{written >> 26}", "wb") as f:
                f.write(block)
            written += len(block)
    except OSError:
        pass
    sizes = [os.statvfs(f) for f in ("/tmp", ".")]
    return (f"held {written >> 20} MB, /tmp holds {sizes[0].f_blocks * sizes[0].f_frsize >> 20}"
            f" MB, . holds {sizes[1].f_blocks * sizes[1].f_frsize >> 20} MB")
linear_backward = _fill
"""

FORK_BOMB = ROOM + """
@_once
def _fork_bomb():
    n, end, why = 0, time.time() + 6, "time"
    while n < MAX_PROCESSES and time.time() < end:
        try:
            pid = os.fork()
        except OSError:
            why = "fork failed"
            break
        if pid == 0:
            _mark_me()
            time.sleep(600)
            os._exit(0)
        n += 1
    return f"forked {n}, stopped by {why}"
relu_backward = _fork_bomb
"""

FD_FLOOD = """
end, block = time.time() + 6, b"x" * 2**20
while time.time() < end:  # the kernel's own stdout and stderr, not cell output
    os.write(1, block)
    os.write(2, block)
"""

CHANNEL_FLOOD = """
import stat
def _flood():  # garbage into every pipe of every process it may touch (the runner's channel)
    end, junk = time.time() + 4, b'{"part": 0, "answers": ' + b"[" * 5000 + b"\\n" + b"x" * 2**16
    targets = []
    for pid in _victims():
        for fd in os.listdir(f"/proc/{pid}/fd") if os.path.isdir(f"/proc/{pid}/fd") else []:
            try:
                if stat.S_ISFIFO(os.stat(f"/proc/{pid}/fd/{fd}").st_mode):
                    targets.append(os.open(f"/proc/{pid}/fd/{fd}", os.O_WRONLY | os.O_NONBLOCK))
            except OSError:
                pass
    sent = 0
    while targets and time.time() < end and sent < 200 * 2**20:
        for t in targets:
            try:
                sent += os.write(t, junk)
            except OSError:
                pass
if os.fork() == 0:
    _mark_me()
    try:
        _flood()
    finally:
        os._exit(0)
time.sleep(4)
"""

ANSWER_BOMB = """
def linear_backward(X, W, dout):  # a million tiny JSON nodes
    return [[i] * 100 for i in range(10000)]
"""

ATTACKS = kit.selected({
    "honest_full": (lambda: kit.solution("ex98"), FULL),
    "balloon": (lambda: kit.set_part(kit.solution("ex98"), "ex98.relu_backward", BALLOON),
                (3, 0, 1)),
    "fill_tmp": (lambda: kit.set_part(kit.solution("ex98"), "ex98.linear_backward",
                                      FILL_TMP), (0, 2, 1)),
    "fork_bomb": (lambda: kit.set_part(kit.solution("ex98"), "ex98.relu_backward",
                                       FORK_BOMB), (3, 0, 1)),
    "honest_blank": (lambda: kit.blank("ex98"), BLANK),
    "fd_flood": (lambda: kit.insert_top(kit.solution("ex98"), FD_FLOOD), FULL),
    "channel_flood": (lambda: kit.insert_top(kit.solution("ex98"), kit.VICTIMS + CHANNEL_FLOOD),
                      {FULL, BLANK}),  # its own answers kept, or its submission lost
    "answer_bomb": (lambda: kit.set_part(kit.solution("ex98"), "ex98.linear_backward",
                                         ANSWER_BOMB), (0, 2, 1)),
    "victim": (lambda: kit.solution("ex98"), FULL),
})


@pytest.fixture(scope="module")
def limited(tmp_path_factory):
    yield from kit.grade_attacks(tmp_path_factory.mktemp("limits"), ATTACKS,
                                 prelude_values={"MAX_PROCESSES": MAX_PROCESSES},
                                 timeout=TIMEOUT, budget=BUDGET, wall=len(ATTACKS) * BUDGET)


def _reported(run, name: str, what: str) -> int:
    """The number the attack put in its feedback after ``what`` ("held", "forked")."""
    kit.need(ATTACKS, name)
    found = re.search(rf"{what} (\d+)", run.feedback(name))
    assert found, f"{name} did not report how far it got: {run.feedback(name)}"
    return int(found.group(1))


def test_run_completes_with_every_row(limited):
    run = limited[0]
    assert not run.hung and run.returncode == 0, run.stderr[-2000:]
    assert set(run.rows) == set(ATTACKS), sorted(run.rows)


@pytest.mark.parametrize("name", sorted(ATTACKS))
def test_scores(limited, name):
    run = limited[0]
    assert run.scored(name, ATTACKS[name][1]), run.feedback(name)


@pytest.mark.parametrize(("name", "what"), [("balloon", "held"), ("balloon", "reserved"),
                                            ("fill_tmp", "held"), ("fill_tmp", "/tmp holds"),
                                            ("fill_tmp", ". holds")])
def test_memory_and_writable_places_are_limited(limited, name, what):
    """20 GB is refused; a tmpfs is memory too (without a size it may hold half the RAM),
    and the working folder must be a sized tmpfs as well, not the host's disk."""
    assert _reported(limited[0], name, re.escape(what)) <= MEMORY_LIMIT_MB


def test_process_count_is_limited(limited):
    run = limited[0]
    kit.need(ATTACKS, "fork_bomb")
    assert _reported(run, "fork_bomb", "forked") < MAX_PROCESSES
    assert "fork failed" in run.feedback("fork_bomb")


def test_floods_do_not_reach_the_instructor(limited):
    run = limited[0]
    assert len(run.stdout) + len(run.stderr) < 1_000_000


def test_grader_processes_stay_small(limited):
    """Answers are read with caps; sandboxes (their own PID namespace) are not counted."""
    assert limited[0].peak_rss < GRADER_RSS, f"{limited[0].peak_rss / 2**20:.0f} MB"


def test_nothing_outside_the_sandbox_changed(limited):
    assert limited[1] == []
