"""Inside the sandbox: run a learner's notebook in a kernel, then call their code on the
cases' arguments, and stream what came back to the grader as lines of data.

``python -m bplab.grading.runner INBOX`` reads ``INBOX/notebook.ipynb`` (the learner's code
cells) and ``INBOX/calls.json`` (for each part: the name to call and the cases' arguments:
never an expected value or a label), and writes to its standard output one line of
``wire`` data per event: each cell's status, then each part's outcomes, then "done".
Nothing here decides a grade: the grader judges the outcomes in its own process, so what
the learner's code does to this process changes nothing but its own answers.

``KernelSession.run(source)`` executes code with a timeout and reports what happened
("ok", "error" with the exception name, "timeout", "died") instead of raising. Output is
capped per cell, a timed-out cell is interrupted, and a kernel that dies or ignores the
interrupt is restarted (the notebook so far is replayed, within the grader's one budget).
"""

from __future__ import annotations

import json
import math
import os
import stat
import subprocess
from dataclasses import dataclass

from jupyter_core.utils import run_sync
from nbclient import NotebookClient
from nbclient.exceptions import CellTimeoutError, DeadKernelError
from nbformat.v4 import new_code_cell, new_notebook

__all__ = ["OUTPUT_CAP", "CellRun", "KernelSession", "harness", "main"]

OUTPUT_CAP = 20_000  # characters of output kept per cell
PROBE_TIMEOUT = 5.0


def _chars(output: dict) -> int:
    """Characters an output carries: stream text plus every display-data value, measured
    as text (a JSON or list value counts its serialised length)."""
    size = len(str(output.get("text", "")))
    for value in output.get("data", {}).values():
        size += len(value) if isinstance(value, str) else len(json.dumps(value, default=str))
    return size


class _CappedClient(NotebookClient):
    """A NotebookClient that keeps at most OUTPUT_CAP characters of output per cell."""

    def output(self, outs, msg, display_id, cell_index):
        """Keep errors (shortened) and the first OUTPUT_CAP characters of other output."""
        if msg["msg_type"] == "error":
            content = msg["content"]
            content["evalue"] = str(content.get("evalue", ""))[:1000]
            content["traceback"] = [str(t)[:1000] for t in content.get("traceback", [])[-5:]]
            return super().output(outs, msg, display_id, cell_index)
        incoming = _chars(msg.get("content", {}))
        if sum(_chars(o) for o in outs) + incoming > OUTPUT_CAP:
            self.dropped_output = getattr(self, "dropped_output", 0) + incoming
            return None
        return super().output(outs, msg, display_id, cell_index)


@dataclass(frozen=True)
class CellRun:
    """What running one cell did: status "ok", "error", "timeout" or "died"."""

    status: str
    ename: str = ""
    evalue: str = ""


class KernelSession:
    """A python3 kernel in ``workdir`` with environment ``env`` (restartable)."""

    def __init__(self, workdir: str, env: dict | None = None, startup_timeout: float = 60):
        self.workdir, self.env = workdir, dict(env or os.environ)
        self.startup_timeout = startup_timeout
        self.client: _CappedClient | None = None
        self.starts = 0
        self._dropped_by_closed_kernels = 0

    def start(self) -> None:
        """Start a fresh kernel (closing any previous one)."""
        self.close()
        nb = new_notebook(metadata={"kernelspec": {"name": "python3", "language": "python",
                                                   "display_name": "Python 3"}})
        client = _CappedClient(nb, kernel_name="python3", allow_errors=True,
                               startup_timeout=int(self.startup_timeout),
                               resources={"metadata": {"path": self.workdir}})
        client.km = client.create_kernel_manager()
        # the kernel's own stdout/stderr (not cell output) would flood the grader's terminal
        client.start_new_kernel(env=self.env, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)
        client.start_new_kernel_client()
        self.client, self.starts = client, self.starts + 1

    def close(self) -> None:
        """Shut the kernel down (no-op when none is running)."""
        client, self.client = self.client, None
        if client is None:
            return
        self._dropped_by_closed_kernels += getattr(client, "dropped_output", 0)
        try:
            if client.kc is not None:
                client.kc.stop_channels()
        finally:
            if client.km is not None:
                run_sync(client.km.shutdown_kernel)(now=True)

    def _execute(self, source: str, timeout: float) -> CellRun:
        """Run ``source`` once; status from the kernel's reply, or timeout/died."""
        client, replies = self.client, []
        client.timeout = self.effective_timeout(timeout)
        client.on_cell_executed = lambda **kw: replies.append(kw.get("execute_reply") or {})
        cell = new_code_cell(source)
        client.nb.cells = [cell]
        try:
            client.execute_cell(cell, 0, store_history=False)
        except CellTimeoutError:
            return CellRun("timeout")
        except DeadKernelError:
            return CellRun("died")
        content = replies[0].get("content", {}) if replies else {}
        if content.get("status") == "error":
            return CellRun("error", str(content.get("ename", "")),
                           str(content.get("evalue", ""))[:300])
        return CellRun("ok")

    def _reconnect(self) -> None:
        """A new client on the same kernel, so no message of the timed-out cell lingers."""
        client = self.client
        client.kc.stop_channels()
        client.kc, client.startup_timeout = None, int(PROBE_TIMEOUT)  # busy kernel: give up
        try:
            client.start_new_kernel_client()
        finally:
            client.startup_timeout = int(self.startup_timeout)

    def _responsive(self) -> bool:
        """Interrupt whatever runs and check the kernel answers again."""
        try:
            run_sync(self.client.km.interrupt_kernel)()
            self._reconnect()
        except Exception:  # noqa: BLE001 - a dead kernel cannot be interrupted
            return False
        return self._execute("None", PROBE_TIMEOUT).status == "ok"

    def run(self, source: str, timeout: float) -> CellRun:
        """Run ``source`` with ``timeout`` seconds; afterwards the kernel is usable again,
        or ``alive`` is False (it died, or ignored the interrupt: call ``start``)."""
        if self.client is None:
            self.start()
        result = self._execute(source, timeout)
        if result.status == "timeout" and not self._responsive() or result.status == "died":
            self.close()
        return result

    @property
    def alive(self) -> bool:
        """False after the kernel died or had to be given up."""
        return self.client is not None

    @staticmethod
    def effective_timeout(timeout: float) -> int:
        """The whole seconds a cell really gets for ``timeout`` (nbclient counts in seconds)."""
        return max(1, math.ceil(timeout))

    @property
    def dropped_output(self) -> int:
        """Characters of output dropped by the cap, over every kernel this session started."""
        current = getattr(self.client, "dropped_output", 0) if self.client else 0
        return self._dropped_by_closed_kernels + current


# ---- the harness: the one call the kernel makes per part -------------------------------------
def harness(namespace: dict, calls_path: str, index: int, out_path: str) -> None:
    """Call ``namespace[name]`` of part ``index`` on its cases' arguments; write outcomes."""
    from .judge import call_cases
    from .spec import Case
    from .wire import dumps, loads

    with open(calls_path) as f:
        call = loads(f.read())["parts"][index]
    if call["name"] not in namespace:
        result = {"missing": call["name"]}
    else:
        cases = [Case(tuple(c["args"]), dict(c["kwargs"])) for c in call["cases"]]
        result = {"outcomes": call_cases(namespace[call["name"]], call["kind"], cases)}
    with open(out_path, "w") as f:
        f.write(dumps(result))


def _harness_source(calls_path: str, index: int, out_path: str) -> str:
    return (f"__import__('bplab.grading.runner', fromlist=['harness'])"
            f".harness(globals(), {calls_path!r}, {index}, {out_path!r})")


MAX_KERNEL_STARTS = 6
MAX_ANSWER_BYTES = 16 * 2**20


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
                if self.session.run(source, self.timeout).status in ("died", "timeout") \
                        and not self.session.alive:
                    self.ran.remove(source)  # the cell that kills the kernel is not replayed
                    break
            else:
                return True
        return False

    def step(self, source: str, replay: bool) -> CellRun:
        if not self.session.alive and not self._restart():
            return CellRun("skipped")
        result = self.session.run(source, self.timeout)
        if replay and self.session.alive:
            self.ran.append(source)
        return result


def _part_line(run: _Replayer, inbox: str, index: int) -> dict:
    """Call part ``index`` through the harness; its outcomes, or what went wrong."""
    out_path = os.path.join(run.session.workdir, f".answers-{index}-{os.urandom(6).hex()}.json")
    result = run.step(_harness_source(os.path.join(inbox, "calls.json"), index, out_path), False)
    if result.status != "ok":
        return {"part": index, "status": result.status, "ename": result.ename,
                "evalue": result.evalue}
    raw = read_regular(out_path, MAX_ANSWER_BYTES)
    if raw is None:
        return {"part": index, "status": "error", "evalue": "no readable answers file"}
    from .wire import WireError, loads

    try:
        return {"part": index, "answers": loads(raw.decode("utf-8", "replace"))}
    except WireError as err:
        return {"part": index, "status": "error", "evalue": f"unreadable answers: {err}"}


def main(inbox: str, emit) -> None:
    """Run the notebook, then every part; ``emit(dict)`` each line of what happened."""
    import nbformat

    with open(os.path.join(inbox, "settings.json")) as f:
        settings = json.load(f)
    nb = nbformat.read(os.path.join(inbox, "notebook.ipynb"), as_version=4)
    run = _Replayer(os.getcwd(), float(settings["timeout"]))
    try:
        run.session.start()  # the harness's imports, before any learner code and its clock
        run.session.run("import bplab.grading.runner", 60.0)
        run.ran.append("import bplab.grading.runner")
        cells = []
        for index, cell in enumerate(nb.cells):
            result = run.step(cell.source, True)
            cells.append({"index": index, "status": result.status, "ename": result.ename,
                          "evalue": result.evalue})
        emit({"cells": cells})
        for index in range(int(settings["parts"])):
            emit(_part_line(run, inbox, index))
        emit({"done": True, "starts": run.session.starts,
              "dropped": run.session.dropped_output})
    finally:
        run.session.close()


def _emitter():
    """Write lines to the original stdout only; everything else printed goes nowhere."""
    from .wire import dumps

    channel = os.fdopen(os.dup(1), "w", buffering=1)
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    os.dup2(devnull, 2)
    return lambda line: channel.write(dumps(line) + "\n")


if __name__ == "__main__":
    import sys

    main(sys.argv[1], _emitter())
