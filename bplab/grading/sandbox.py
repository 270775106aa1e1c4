"""Run one submission's notebook where it can reach nothing but itself (bubblewrap).

The sandbox sees, read-only: the system's libraries, the Python installation and its
environment, the learner's side of bplab (built by ``release.student_package``: no key),
and an inbox holding the learner's notebook and the cases' arguments. It writes only to
private, size-capped tmpfs folders. It has no network, its own PID namespace (it cannot
see or signal the grader, other submissions or their processes), a clean environment,
no view of $HOME, solutions/, other submissions or the grades, a non-root user of its own
(so the process limit binds), and limits on memory, processes, CPU time and file size.
When the grader's wall clock runs out, or the submission is done, the whole namespace is
killed, so nothing it started outlives it.

What comes back is the runner's standard output, read here with a byte cap while it
streams, one line of the runner's protocol (``messages``) at a time; nothing is unpickled
and no file the sandbox wrote is read.
"""

from __future__ import annotations

import os
import selectors
import shutil
import signal
import site
import subprocess
import sys
import sysconfig
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path

from .cgroups import Cgroups, GroupLimits
from .feedback import clean
from .messages import (
    CellRun,
    CellsRan,
    Message,
    PartAnswered,
    PartFailed,
    PartMessage,
    PartMissing,
    RunDone,
    RunnerCrashed,
    decode,
)

__all__ = ["BWRAP_MISSING", "End", "Limits", "StreamEnd", "bwrap_command", "bwrap_path", "collect",
           "stream_lines", "unsandboxed"]

BWRAP_MISSING = ("bubblewrap is not installed, and the grader runs every submission in its "
                 "sandbox: install it (Debian/Ubuntu: `apt-get install bubblewrap`), or pass "
                 "--no-sandbox to grade unsafely")


@dataclass(frozen=True)
class Limits:
    """Per-sandbox limits: address space and file size per process, processes, CPU
    seconds, and the size of each writable tmpfs."""

    memory: int = 3 * 2**30          # per process (RLIMIT_AS)
    total_memory: int = 4 * 2**30    # the whole sandbox, where a memory cgroup can be made
    processes: int = 128
    cpu_seconds: int = 600
    file_size: int = 64 * 2**20
    tmpfs: int = 256 * 2**20
    output: int = 8 * 2**20    # bytes of answers read from the stream, at most
    cpus: float = 1.0          # the whole sandbox's CPU share, where a cpu cgroup can be made

    @property
    def group(self) -> GroupLimits:
        """What the sandbox's cgroups hold it to, where the host lets them be made."""
        return GroupLimits(self.total_memory, self.processes, self.cpus)


def bwrap_path() -> str | None:
    """The bubblewrap executable, or None when it is not installed."""
    return shutil.which("bwrap")


TMPFS = ("/tmp", "/dev/shm", "/home/learner")   # the sandbox's only writable places


def _dirs_for(path: Path) -> list[str]:
    """--dir arguments (mode 0755) for every parent of ``path``, so a non-root user can
    walk to a bound folder whatever the host's permissions on those parents (a writable
    tmpfs it lies under keeps its own mode)."""
    args = []
    for parent in reversed(path.parents):
        if str(parent) != "/" and str(parent) not in TMPFS:
            args += ["--perms", "0755", "--dir", str(parent)]
    return args


def _ro_binds() -> list[Path]:
    """What the notebook needs to run: the Python installation and its environment
    (with its site folders, wherever they are)."""
    roots = {Path(sys.base_prefix).resolve(), Path(sys.prefix)}
    roots |= {Path(p) for p in site.getsitepackages() if Path(p).is_dir()}
    roots = {r for r in roots if not str(r).startswith("/usr")}
    return sorted(r for r in roots if not any(o in r.parents for o in roots))


def _system_args() -> list[str]:
    args = ["--ro-bind", "/usr", "/usr"]
    for link in ("bin", "lib", "lib64", "sbin"):
        target = os.path.realpath(f"/{link}")
        if os.path.islink(f"/{link}"):
            args += ["--symlink", os.readlink(f"/{link}"), f"/{link}"]
        elif os.path.isdir(target):
            args += ["--ro-bind", target, f"/{link}"]
    for name in ("ld.so.cache", "ld.so.conf", "ld.so.conf.d", "localtime", "fonts"):
        if os.path.exists(f"/etc/{name}"):
            args += ["--ro-bind", f"/etc/{name}", f"/etc/{name}"]
    return args


# Where Python installations keep packages, relative to a prefix (venv, /usr, /usr/local).
SITE_DIR_GLOBS = ("lib*/python3*/site-packages", "lib*/python3*/dist-packages",
                  "lib*/python3/dist-packages", "local/lib*/python3*/site-packages",
                  "local/lib*/python3*/dist-packages")
# Inside a site folder: what a submission must never read. A full bplab holds the key
# (bplab/grading/exercises); scikit-learn's bundled data sets hold ex08's digits.
HIDDEN_IN_SITE = ("bplab", "sklearn/datasets/data")


def _site_dirs(roots: list[Path]) -> set[Path]:
    """Every site folder under ``roots``: this interpreter's, and any other installation's."""
    found = {Path(p) for p in (*site.getsitepackages(), sysconfig.get_paths()["purelib"],
                               sysconfig.get_paths()["platlib"])}
    for root in roots:
        for pattern in SITE_DIR_GLOBS:
            found |= set(root.glob(pattern))
    return {d for d in found if d.is_dir()}


def hidden_paths(roots: list[Path]) -> list[Path]:
    """What to cover with an empty tmpfs inside the bound ``roots``: every installed bplab
    (editable or not, this interpreter's or another's: the sandbox imports only the
    learner's side, from /opt/bplab) and every scikit-learn's bundled data sets."""
    import bplab

    hide = {d / rel for d in _site_dirs(roots) for rel in HIDDEN_IN_SITE}
    hide.add(Path(bplab.__file__).resolve().parent)   # the grader's own, wherever it is
    roots = [r.resolve() for r in roots]
    inside = {h.resolve() for h in hide if h.is_dir()}
    return sorted(h for h in inside if any(r == h or r in h.parents for r in roots))


def _hidden_args() -> list[str]:
    roots = [*_ro_binds(), Path("/usr")]
    return [x for path in hidden_paths(roots) for x in ("--tmpfs", str(path))]


def unsandboxed(inbox: Path, student_side: Path, workdir: Path) -> tuple[list[str], dict]:
    """--no-sandbox: the same runner as a plain process with a clean environment (no
    isolation from the machine: for when bubblewrap cannot be installed)."""
    env = {"PATH": "/usr/bin:/bin", "HOME": str(workdir), "PYTHONPATH": str(student_side),
           "MPLBACKEND": "Agg", "BPLAB_HOME": str(workdir / ".bplab"),
           "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "LANG": "C.UTF-8"}
    return [sys.executable, "-s", "-m", "bplab.grading.runner", str(inbox)], env


def bwrap_command(inbox: Path, student_side: Path, uid: int, limits: Limits) -> list[str]:
    """The bubblewrap command line that runs the runner on ``inbox``."""
    binds = []
    for root in _ro_binds():
        binds += _dirs_for(root) + ["--ro-bind", str(root), str(root)]
    size = str(limits.tmpfs)
    home = "/home/learner"
    env = {"PATH": "/usr/bin:/bin", "HOME": home, "PYTHONPATH": "/opt/bplab",
           "MPLBACKEND": "Agg", "BPLAB_HOME": f"{home}/.bplab", "PYTHONDONTWRITEBYTECODE": "1",
           "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
           "LANG": "C.UTF-8"}
    setenv = [x for k, v in env.items() for x in ("--setenv", k, v)]
    drop = [] if os.geteuid() != 0 else [
        "--cap-add", "CAP_SETUID", "--cap-add", "CAP_SETGID", "--", "setpriv",
        f"--reuid={uid}", f"--regid={uid}", "--clear-groups", "--inh-caps=-all",
        "--bounding-set=-all"]
    tmpfs = [x for path in TMPFS for x in ("--perms", "1777", "--size", size, "--tmpfs", path)]
    return [bwrap_path() or "bwrap", *_system_args(), "--dev", "/dev", "--proc", "/proc",
            "--perms", "0755", "--dir", "/home", *tmpfs,  # first: a venv or checkout under the host's /tmp is bound back on top
            *binds, "--perms", "0755", "--dir", "/opt",
            "--ro-bind", str(student_side), "/opt/bplab", "--ro-bind", str(inbox), "/inbox",
            *_hidden_args(),
            "--unshare-pid", "--unshare-net", "--unshare-ipc", "--unshare-uts",
            "--unshare-cgroup-try", "--die-with-parent", "--new-session", "--clearenv",
            *setenv, "--chdir", home, *drop, "--",
            sys.executable, "-s", "-m", "bplab.grading.runner", "/inbox"]


def with_limits(command: list[str], limits: Limits) -> list[str]:
    """``command`` under util-linux's prlimit: the limits every process of the sandbox
    inherits (set before exec, so no Python runs between fork and exec)."""
    prlimit = shutil.which("prlimit") or "prlimit"
    return [prlimit, f"--as={limits.memory}", f"--nproc={limits.processes}",
            f"--cpu={limits.cpu_seconds}", f"--fsize={limits.file_size}", "--core=0", "--",
            *command]


class End(str, Enum):
    """Why the runner's stream ended."""

    DONE = "done"            # the runner said RunDone
    BUDGET = "budget"        # out of wall-clock time
    OVERFLOW = "overflow"    # more output than the cap
    EXITED = "exited"        # it stopped without RunDone

    def __str__(self) -> str:
        return self.value


@dataclass
class StreamEnd:
    """How the stream ended and what the sandbox printed on stderr (the first few hundred
    characters); ``collect`` adds the runner's last word and any protocol violations."""

    reason: End = End.EXITED
    stderr: str = ""
    seconds: float = 0.0
    done: RunDone | None = None     # the runner's RunDone
    crash: str = ""                 # the runner's own failure, if it said one
    violations: list = field(default_factory=list)  # lines that break the runner's protocol


def _kill(proc: subprocess.Popen) -> None:
    """Kill the sandbox: bwrap's process group, whose death takes its namespace along."""
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    proc.wait()
    for stream in (proc.stdout, proc.stderr):
        stream.close()


def stream_lines(command: list[str], budget: float, limits: Limits, end: StreamEnd,
                 env: dict | None = None, cwd: str | None = None) -> Iterator[Message | str]:
    """Start ``command`` and yield each message it writes (a line that is no message as its
    text), until it says RunDone, runs out of ``budget`` seconds, or passes the byte cap;
    always kills it at the end and records why it stopped in ``end``."""
    start = time.monotonic()
    cgroups = Cgroups(f"bplab-{os.getpid()}-{time.monotonic_ns()}", limits.group)
    proc = subprocess.Popen(cgroups.wrap(with_limits(command, limits)), stdin=subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            start_new_session=True, env=env, cwd=cwd)
    selector = selectors.DefaultSelector()
    selector.register(proc.stdout, selectors.EVENT_READ, "out")
    selector.register(proc.stderr, selectors.EVENT_READ, "err")
    buffer, total, err, open_streams = b"", 0, b"", 2
    try:
        while open_streams:
            left = budget - (time.monotonic() - start)
            if left <= 0:
                end.reason = End.BUDGET
                return
            for key, _ in selector.select(timeout=min(left, 1.0)):
                chunk = os.read(key.fileobj.fileno(), 65536)
                if not chunk:
                    selector.unregister(key.fileobj)
                    open_streams -= 1
                elif key.data == "err":
                    err = (err + chunk)[:4096]
                else:
                    total += len(chunk)
                    if total > limits.output:
                        end.reason = End.OVERFLOW
                        return
                    buffer += chunk
                    *lines, buffer = buffer.split(b"\n")
                    for line in filter(None, lines):
                        text = line.decode("utf-8", "replace")
                        message = decode(text)
                        yield text if message is None else message
                        if isinstance(message, RunDone):
                            end.reason = End.DONE
                            return
    finally:
        _kill(proc)
        selector.close()
        cgroups.remove()
        end.stderr = err.decode("utf-8", "replace")[:600]
        end.seconds = time.monotonic() - start


def collect(stream: Iterable[Message | str], n_parts: int,
            end: StreamEnd) -> tuple[tuple[CellRun, ...], dict[int, PartMessage]]:
    """(each code cell's run, {part index: its message}) from the runner's ``stream``;
    RunDone and RunnerCrashed go into ``end``, and every line that breaks the runner's
    protocol (a second message of a kind it writes once, a part it was not asked for, or
    a line that is no message) into ``end.violations``."""
    cells, parts, seen = (), {}, set()
    for message in stream:
        kind = _kind(message, n_parts)
        if not kind:
            end.violations.append(f"a line the runner never writes ({clean(str(message), 80)})")
            continue
        if kind in seen:
            end.violations.append(f"a second {kind!r} message")
            continue
        seen.add(kind)
        if isinstance(message, CellsRan):
            cells = message.cells
        elif isinstance(message, RunDone):
            end.done = message
        elif isinstance(message, RunnerCrashed):
            end.crash = message.why
        else:
            parts[message.part] = message
    return cells, parts


def _kind(message: Message | str, n_parts: int) -> str:
    """Which message of the runner's protocol this is ("cells", "part i", "done",
    "crash"), or "" when it is none the runner writes to this grader."""
    if isinstance(message, (PartAnswered, PartMissing, PartFailed)):
        return f"part {message.part}" if 0 <= message.part < n_parts else ""
    kinds = {CellsRan: "cells", RunDone: "done", RunnerCrashed: "crash"}
    return kinds.get(type(message), "")
