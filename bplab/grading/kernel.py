"""A learner's kernel, driven one cell at a time, that survives what the learner's code does.

``KernelSession.run(source)`` executes code with a timeout and reports what happened
("ok", "error" with the exception name, "timeout", "died") instead of raising. Output is
capped per cell (a notebook that prints 50 MB keeps 20 kB of it), a timed-out cell is
interrupted, and a kernel that dies or ignores the interrupt is restarted.
"""

from __future__ import annotations

import json
import math
import os
import subprocess
from dataclasses import dataclass

from jupyter_core.utils import run_sync
from nbclient import NotebookClient
from nbclient.exceptions import CellTimeoutError, DeadKernelError
from nbformat.v4 import new_code_cell, new_notebook

__all__ = ["OUTPUT_CAP", "CellRun", "KernelSession"]

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
