"""Inside the sandbox: run a learner's notebook in a kernel, then call their code on the
cases' arguments, and stream what came back to the grader as lines of data.

``python -m bplab.grading.runner INBOX`` reads ``INBOX/notebook.ipynb`` (the learner's code
cells) and ``INBOX/calls.json`` (for each part: the name to call and the cases' arguments:
never an expected value or a label), and writes to its standard output one line of
the protocol per event (``messages``: ``CellsRan``, then per part ``PartAnswered``,
``PartMissing`` or ``PartFailed``, then ``RunDone``; ``RunnerCrashed`` if the runner fails).
Nothing here decides a grade: the grader judges the outcomes in its own process, so what
the learner's code does to this process changes nothing but its own answers.

``KernelSession.run(source)`` executes code with a timeout and reports what happened (a
``CellRun``: ``Run.OK``, ``ERROR`` with the exception name, ``TIMEOUT``, ``DIED``). Output is
capped per cell, a timed-out cell is interrupted, and a kernel that dies or ignores the
interrupt is restarted (the notebook so far is replayed, within the grader's one budget).
"""

from __future__ import annotations

import json
import os
import queue
import stat
import subprocess
import time
from pathlib import Path

from jupyter_client import KernelManager

from .messages import (
    CellRun,
    CellsRan,
    Message,
    PartAnswered,
    PartFailed,
    PartMissing,
    Run,
    RunDone,
    RunnerCrashed,
    decode,
    encode,
)

__all__ = ["OUTPUT_CAP", "CellRun", "KernelSession", "harness", "main"]

OUTPUT_CAP = 20_000  # characters of output a cell may print before the rest is counted as dropped
PROBE_TIMEOUT = 2.0   # after an interrupt: a kernel that does not answer by then is killed
OUTPUT_TYPES = ("stream", "display_data", "execute_result", "update_display_data")


def _chars(content: dict) -> int:
    """Characters an output message carries: stream text plus every display-data value,
    measured as text (a JSON or list value counts its serialised length)."""
    size = len(str(content.get("text", "")))
    for value in (content.get("data") or {}).values():
        size += len(value) if isinstance(value, str) else len(json.dumps(value, default=str))
    return size


class KernelSession:
    """A python3 kernel in ``workdir`` with environment ``env``, driven through
    jupyter_client (no notebook library: it costs a second of imports per submission).
    Outputs are not kept, only counted: past OUTPUT_CAP per cell they count as dropped."""

    def __init__(self, workdir: str, env: dict | None = None, startup_timeout: float = 60):
        self.workdir, self.env = workdir, dict(env or os.environ)
        self.startup_timeout = startup_timeout
        self.km: KernelManager | None = None
        self.kc = None
        self.starts, self.dropped_output = 0, 0

    def start(self) -> None:
        """Start a fresh kernel (closing any previous one)."""
        self.close()
        km = KernelManager(kernel_name="python3")
        # the kernel's own stdout/stderr (not cell output) would flood the grader
        km.start_kernel(cwd=self.workdir, env=self.env, stdout=subprocess.DEVNULL,
                        stderr=subprocess.DEVNULL)
        kc = km.client()
        kc.start_channels()
        self.km, self.kc, self.starts = km, kc, self.starts + 1
        try:
            kc.wait_for_ready(timeout=self.startup_timeout)
        except RuntimeError:
            self.close()
            raise

    def close(self) -> None:
        """Shut the kernel down (no-op when none is running)."""
        km, kc, self.km, self.kc = self.km, self.kc, None, None
        if kc is not None:
            kc.stop_channels()
        if km is not None:
            km.shutdown_kernel(now=True)

    def _reply(self, msg_id: str) -> dict:
        """The execute_reply of ``msg_id`` (other replies are skipped)."""
        deadline = time.monotonic() + PROBE_TIMEOUT
        while time.monotonic() < deadline:
            try:
                msg = self.kc.get_shell_msg(timeout=PROBE_TIMEOUT)
            except queue.Empty:
                break
            if msg["parent_header"].get("msg_id") == msg_id:
                return msg["content"]
        return {}

    def _execute(self, source: str, timeout: float) -> CellRun:
        """Run ``source`` once; status from the kernel's reply, or timeout/died."""
        msg_id = self.kc.execute(source, store_history=False, allow_stdin=False)
        deadline, printed = time.monotonic() + timeout, 0
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                return CellRun(Run.TIMEOUT)
            try:
                msg = self.kc.get_iopub_msg(timeout=min(left, 1.0))
            except queue.Empty:
                if not self.km.is_alive():
                    return CellRun(Run.DIED)
                continue
            if msg["parent_header"].get("msg_id") != msg_id:
                continue
            kind, content = msg["msg_type"], msg["content"]
            if kind in OUTPUT_TYPES:
                size = _chars(content)
                self.dropped_output += max(0, min(size, printed + size - OUTPUT_CAP))
                printed += size
            elif kind == "status" and content.get("execution_state") == "idle":
                break
        reply = self._reply(msg_id)
        if reply.get("status") == "error":
            return CellRun(Run.ERROR, str(reply.get("ename", ""))[:100],
                           str(reply.get("evalue", ""))[:300])
        return CellRun(Run.OK)

    def _responsive(self) -> bool:
        """Interrupt whatever runs and check the kernel answers again."""
        try:
            self.km.interrupt_kernel()
        except Exception:  # noqa: BLE001 - a dead kernel cannot be interrupted
            return False
        return self._execute("None", PROBE_TIMEOUT).status is Run.OK

    def run(self, source: str, timeout: float) -> CellRun:
        """Run ``source`` with ``timeout`` seconds; afterwards the kernel is usable again,
        or ``alive`` is False (it died, or ignored the interrupt: call ``start``)."""
        if self.kc is None:
            self.start()
        result = self._execute(source, timeout)
        if result.status is Run.TIMEOUT and not self._responsive() or result.status is Run.DIED:
            self.close()
        return result

    @property
    def alive(self) -> bool:
        """False after the kernel died or had to be given up."""
        return self.kc is not None


# ---- the harness: the one call the kernel makes per part -------------------------------------
def harness(namespace: dict, calls_path: str, index: int, out_path: str) -> None:
    """Call ``namespace[name]`` of part ``index`` on its cases' arguments; write the
    message (``PartAnswered``, or ``PartMissing`` when there is no such name)."""
    from .judge import call_cases
    from .spec import Case
    from .wire import loads

    with open(calls_path) as f:
        call = loads(f.read())["parts"][index]
    if call["name"] not in namespace:
        message = PartMissing(index, call["name"])
    else:
        cases = [Case(tuple(c["args"]), dict(c["kwargs"])) for c in call["cases"]]
        outcomes = call_cases(namespace[call["name"]], call["kind"], cases)
        message = PartAnswered(index, tuple(outcomes))
    with open(out_path, "w") as f:
        f.write(encode(message))


def _harness_source(calls_path: str, index: int, out_path: str) -> str:
    return (f"__import__('bplab.grading.runner', fromlist=['harness'])"
            f".harness(globals(), {calls_path!r}, {index}, {out_path!r})")


MAX_KERNEL_STARTS = 6
MAX_ANSWER_BYTES = 8 * 2**20


def read_regular(path: str, cap: int) -> bytes | None:
    """At most ``cap`` bytes of a regular file, never following a link and never blocking on
    a FIFO; None when it is missing, not a regular file, or larger than ``cap``."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError:
        return None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or info.st_size > cap:
            return None
        data = os.read(fd, cap + 1)
        return data if len(data) <= cap else None
    finally:
        os.close(fd)


class _Replayer:
    """A KernelSession that replays the cells run so far after the kernel dies."""

    def __init__(self, workdir: str, timeout: float):
        self.session, self.timeout = KernelSession(workdir, dict(os.environ)), timeout
        self.ran: list[str] = []

    def _restart(self) -> bool:
        while self.session.starts < MAX_KERNEL_STARTS:
            self.session.start()
            for source in list(self.ran):
                if self.session.run(source, self.timeout).status in (Run.DIED, Run.TIMEOUT) \
                        and not self.session.alive:
                    self.ran.remove(source)  # the cell that kills the kernel is not replayed
                    break
            else:
                return True
        return False

    def step(self, source: str, replay: bool) -> CellRun:
        if not self.session.alive and not self._restart():
            return CellRun(Run.SKIPPED)
        result = self.session.run(source, self.timeout)
        if replay and self.session.alive:
            self.ran.append(source)
        return result


def _part_message(run: _Replayer, inbox: str, index: int) -> Message:
    """Call part ``index`` through the harness: the message it wrote, or what went wrong."""
    out_path = os.path.join(run.session.workdir, f".answers-{index}-{os.urandom(6).hex()}.json")
    result = run.step(_harness_source(os.path.join(inbox, "calls.json"), index, out_path), False)
    if result.status is not Run.OK:
        return PartFailed(index, result)
    raw = read_regular(out_path, MAX_ANSWER_BYTES)
    if raw is None:
        return PartFailed(index, CellRun(Run.ERROR, evalue="no readable answers file"))
    message = decode(raw.decode("utf-8", "replace"))
    if not isinstance(message, (PartAnswered, PartMissing)) or message.part != index:
        return PartFailed(index, CellRun(Run.ERROR, evalue="unreadable answers file"))
    return message


def main(inbox: str, emit) -> None:
    """Run the notebook, then every part; ``emit(message)`` each event as it happens."""
    with open(os.path.join(inbox, "settings.json")) as f:
        settings = json.load(f)
    with open(os.path.join(inbox, "notebook.ipynb")) as f:
        sources = ["".join(c["source"]) if isinstance(c["source"], list) else c["source"]
                   for c in json.load(f)["cells"]]
    run = _Replayer(os.getcwd(), float(settings["timeout"]))
    try:
        run.session.start()  # the harness's imports, before any learner code and its clock
        run.session.run("import bplab.grading.runner", 60.0)
        run.ran.append("import bplab.grading.runner")
        emit(CellsRan(tuple(run.step(source, True) for source in sources)))
        for index in range(int(settings["parts"])):
            emit(_part_message(run, inbox, index))
        emit(RunDone(run.session.starts, run.session.dropped_output))
    finally:
        run.session.close()


def _emitter():
    """Write messages to the original stdout only; everything else printed goes nowhere."""
    channel = os.fdopen(os.dup(1), "w", buffering=1)
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    os.dup2(devnull, 2)
    return lambda message: channel.write(encode(message) + "\n")


def _not_dumpable() -> None:
    """Make this process non-dumpable (prctl PR_SET_DUMPABLE 0): the kernel it starts runs
    under the same uid, and could otherwise copy the answers channel out of this process
    (pidfd_getfd) or read its /proc files, and forge lines. The kernel, a fresh exec, stays
    dumpable; nothing of this process is."""
    import ctypes

    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(4, 0, 0, 0, 0) != 0:   # PR_SET_DUMPABLE = 4
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_DUMPABLE, 0) failed")


def _run_reporting_crashes(inbox: str) -> None:
    """main(), with a crash of the runner itself reported as a line (it is not the
    learner's fault, and the grader says so)."""
    import traceback

    _not_dumpable()
    emit = _emitter()
    try:
        main(inbox, emit)
    except Exception as err:  # noqa: BLE001 - whatever stops the runner must be reported
        where = traceback.extract_tb(err.__traceback__)[-1]
        emit(RunnerCrashed(f"{type(err).__name__}: {str(err)[:300]} "
                           f"({Path(where.filename).name}:{where.lineno})"))


if __name__ == "__main__":
    import sys

    _run_reporting_crashes(sys.argv[1])
