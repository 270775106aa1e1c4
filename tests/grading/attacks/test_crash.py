"""Attacks on the grader itself (issue 8 §4): killing it, hanging it, stalling it with
kernel restarts. A submission that kills or hangs costs only its own grade, within one
wall-clock budget; results already graded survive a grader that is killed.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time

import kit
import pytest

pytestmark = pytest.mark.slow

FULL, BLANK = (3, 2, 1), (0, 0, 0)
TIMEOUT, BUDGET, SLACK = 2, 20, 6  # seconds: per cell, per submission, for teardown
# a learner who kills the notebook's own runner may lose the whole submission, never gain
KILLED = {(3, 0, 1), (0, 0, 0)}

KILL_PARENT = ("import signal\n\ndef relu_backward(x, dout):\n"
               "    os.kill(os.getppid(), signal.SIGKILL)\n    return dout * (x > 0)")
KILL_ALL = ("import signal\n\ndef relu_backward(x, dout):\n"
            "    for pid in _victims():\n        try:\n"
            "            os.kill(pid, signal.SIGKILL)\n        except OSError:\n"
            "            pass\n    return dout * (x > 0)")
STUBBORN = ("import signal\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\n"
            "signal.signal(signal.SIGTERM, signal.SIG_IGN)\n")
STUBBORN_LOOP = STUBBORN + "while True:\n    pass"
STUBBORN_FN = ("def relu_backward(x, dout):\n    import signal\n"
               "    signal.signal(signal.SIGINT, signal.SIG_IGN)\n"
               "    signal.signal(signal.SIGTERM, signal.SIG_IGN)\n"
               "    while True:\n        pass")

FIFO_SWAPPER = """
def _swap_new_files():  # an answers file that appears flips between itself and a FIFO
    start, fifo = time.time(), f"/tmp/fifo-{TOKEN}"
    os.mkfifo(fifo)
    keep_open = os.open(fifo, os.O_RDWR)  # so that a writer never blocks on it
    while True:
        for folder in (os.getcwd(), "/tmp"):
            for name in os.listdir(folder):
                path = os.path.join(folder, name)
                try:
                    if TOKEN not in name and ("answer" in name or name.endswith(".json")) \\
                            and os.path.isfile(path) and os.path.getmtime(path) > start:
                        for _ in range(20000):
                            os.rename(path, path + TOKEN)
                            os.rename(fifo, path)
                            os.rename(path, fifo)
                            os.rename(path + TOKEN, path)
                except OSError:
                    pass
        time.sleep(0.0002)
if os.fork() == 0:
    _mark_me()
    try:
        _swap_new_files()
    finally:
        os._exit(0)
"""


def _replay_stall():
    """Three slow cells, then cells that kill the kernel: each kill replays the slow ones,
    so six kills cost more than the budget."""
    nb = kit.solution("ex98")
    for _ in range(6):
        kit.insert_top(nb, "os.kill(os.getpid(), 9)")
    for _ in range(3):
        kit.insert_top(nb, f"time.sleep({TIMEOUT * 0.75})")
    return nb


ATTACKS = kit.selected({  # name: (builder, points each part must get)
    "honest_full": (lambda: kit.solution("ex98"), FULL),
    "kill_parent": (lambda: kit.set_part(kit.solution("ex98"), "ex98.relu_backward",
                                         KILL_PARENT), KILLED),
    "kill_all": (lambda: kit.set_part(kit.solution("ex98"), "ex98.relu_backward",
                                      kit.VICTIMS + KILL_ALL), KILLED),
    "honest_blank": (lambda: kit.blank("ex98"), BLANK),
    "stubborn_loop_cell": (lambda: kit.insert_top(kit.solution("ex98"), STUBBORN_LOOP), FULL),
    "stubborn_loop_part": (lambda: kit.set_part(kit.solution("ex98"), "ex98.relu_backward",
                                                STUBBORN_FN), (3, 0, 1)),
    "fifo_answers": (lambda: kit.set_part(kit.insert_top(kit.blank("ex98"), FIFO_SWAPPER),
                                          "ex98.answer", "answer = 'a'"), BLANK),
    "replay_stall": (_replay_stall, BLANK),
    "victim": (lambda: kit.solution("ex98"), FULL),
})


@pytest.fixture(scope="module")
def crashed(tmp_path_factory):
    yield from kit.grade_attacks(tmp_path_factory.mktemp("crash"), ATTACKS, timeout=TIMEOUT,
                                 budget=BUDGET, wall=len(ATTACKS) * (BUDGET + SLACK))


def test_run_completes_with_every_row(crashed):
    run = crashed[0]
    assert not run.hung and run.returncode == 0, run.stderr[-2000:]
    assert set(run.rows) == set(ATTACKS), sorted(run.rows)


@pytest.mark.parametrize("name", sorted(ATTACKS))
def test_scores(crashed, name):
    run = crashed[0]
    assert run.scored(name, ATTACKS[name][1]), run.feedback(name)


@pytest.mark.parametrize("name", sorted(ATTACKS))
def test_each_submission_keeps_to_its_budget(crashed, name):
    """Replays included: a kernel killed again and again does not buy more time."""
    assert crashed[0].rows[name]["seconds"] <= BUDGET + SLACK


def test_nothing_outside_the_sandbox_changed(crashed):
    assert crashed[1] == []


def test_a_killed_grader_keeps_what_it_graded(tmp_path):
    """Results are written as each submission finishes: kill the grader while it grades
    the third submission (which sleeps), and the first two are in the file."""
    slow = kit.insert_top(kit.solution("ex98"), "import time\ntime.sleep(120)")
    paths = [kit.write(tmp_path, "honest_full", kit.solution("ex98"), "ex98"),
             kit.write(tmp_path, "honest_blank", kit.blank("ex98"), "ex98"),
             kit.write(tmp_path, "sleeper", slow, "ex98")]
    out = tmp_path / "grades.json"
    with kit.Host(paths) as host:  # on leaving, kills what the killed grader left running
        proc = subprocess.Popen(kit.command(paths, "ex98", out, timeout=200, budget=300, jobs=1),
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                env=dict(os.environ, **host.env), start_new_session=True)
        rows = _rows_before_kill(proc, out)
    assert {k: v["total"] for k, v in rows.items()} == {"honest_full": 6, "honest_blank": 0}
    json.loads(out.read_text())  # a whole file, not a torn one


def _rows_before_kill(proc, out, wait: float = 40) -> dict:
    """The rows in ``out`` once two are there (or after ``wait`` s); then kill ``proc``."""
    try:
        deadline, rows = time.monotonic() + wait, {}
        while time.monotonic() < deadline and len(rows) < 2:
            time.sleep(0.5)
            rows = kit._read_rows(out) if out.is_file() else {}
    finally:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
    return rows
