"""Per-sandbox limits the kernel enforces on a group of processes: memory, process count and
a CPU share, through cgroup v2 (``memory.max``, ``pids.max``, ``cpu.weight`` + ``cpu.max``)
or cgroup v1 (``memory.limit_in_bytes``, ``pids.max``, ``cpu.shares`` + ``cpu.cfs_quota_us``).

Per-process rlimits (``sandbox.with_limits``) bind each process; a sandbox that forks a
hundred spinning children needs a limit on the group, or one submission starves the one
graded beside it. Which controllers can be used depends on the host (v1 or v2, root or a
delegated subtree); ``in_force()`` says, once per run, which ones bind here.
"""

from __future__ import annotations

import os
import signal
import time
from dataclasses import dataclass
from pathlib import Path

__all__ = ["CPU_PERIOD_US", "Cgroups", "GroupLimits", "describe", "in_force", "sweep"]

CPU_PERIOD_US = 100_000
V1_ROOT = Path("/sys/fs/cgroup")


@dataclass(frozen=True)
class GroupLimits:
    """What one sandbox may use as a whole."""

    memory: int            # bytes
    processes: int
    cpus: float = 1.0      # CPU time per wall-clock second, at most


def _v1_knobs(limits: GroupLimits) -> dict[str, dict[str, str]]:
    """controller -> {file: value} under /sys/fs/cgroup/<controller>/<group>."""
    return {"memory": {"memory.limit_in_bytes": str(limits.memory)},
            "pids": {"pids.max": str(limits.processes)},
            "cpu": {"cpu.shares": "1024", "cpu.cfs_period_us": str(CPU_PERIOD_US),
                    "cpu.cfs_quota_us": str(int(limits.cpus * CPU_PERIOD_US))}}


def _v2_knobs(limits: GroupLimits) -> dict[str, dict[str, str]]:
    """controller -> {file: value} in the sandbox's own cgroup v2 folder."""
    return {"memory": {"memory.max": str(limits.memory), "memory.swap.max": "0"},
            "pids": {"pids.max": str(limits.processes)},
            "cpu": {"cpu.weight": "100",
                    "cpu.max": f"{int(limits.cpus * CPU_PERIOD_US)} {CPU_PERIOD_US}"}}


def v2_parent() -> Path | None:
    """The grader's own cgroup v2 folder, when this host has a v2 hierarchy with the
    memory, pids or cpu controller available there (None otherwise)."""
    try:
        mounts = Path("/proc/self/mountinfo").read_text().splitlines()
        own = next(line[3:] for line in Path("/proc/self/cgroup").read_text().splitlines()
                   if line.startswith("0::"))
    except (OSError, StopIteration):
        return None
    for line in mounts:
        fields = line.split()
        if " - cgroup2 " in line:
            folder = Path(fields[4]) / own.lstrip("/")
            controllers = (folder / "cgroup.controllers")
            if controllers.is_file() and {"memory", "pids", "cpu"} & set(
                    controllers.read_text().split()):
                return folder
    return None


def _v1_own_paths() -> dict[str, str]:
    """controller -> the grader's own cgroup v1 path ("4:memory:/a/b" -> {"memory": "/a/b"})."""
    own = {}
    try:
        for line in Path("/proc/self/cgroup").read_text().splitlines():
            _, controllers, path = line.split(":", 2)
            for controller in controllers.split(","):
                own[controller] = path
    except (OSError, ValueError):
        pass
    return own


def _write(folder: Path, knobs: dict[str, str]) -> bool:
    try:
        for name, value in knobs.items():
            (folder / name).write_text(value)
        return True
    except OSError:
        return False


class Cgroups:
    """The cgroups of one sandbox, made when the host lets the grader (v2 first, else v1);
    ``applied`` names the controllers that bind."""

    def __init__(self, name: str, limits: GroupLimits):
        self.dirs: list[Path] = []
        self.applied: list[str] = []
        parent = v2_parent()
        if parent is not None:
            self._make_v2(parent / name, limits)
        else:
            self._make_v1(name, limits)

    def _make_v2(self, folder: Path, limits: GroupLimits) -> None:
        try:
            _enable_controllers(folder.parent)
            folder.mkdir()
        except OSError:
            return
        self.dirs.append(folder)
        available = set((folder / "cgroup.controllers").read_text().split())
        for controller, knobs in _v2_knobs(limits).items():
            if controller in available and _write(folder, knobs):
                self.applied.append(f"{controller} (cgroup v2)")

    def _make_v1(self, name: str, limits: GroupLimits) -> None:
        own = _v1_own_paths()
        for controller, knobs in _v1_knobs(limits).items():
            # inside the grader's own group, so the host's limits on the grader still hold
            folder = V1_ROOT / controller / own.get(controller, "/").lstrip("/") / name
            try:
                folder.mkdir()
            except OSError:
                continue
            self.dirs.append(folder)
            if _write(folder, knobs):
                self.applied.append(f"{controller} (cgroup v1)")

    def wrap(self, command: list[str]) -> list[str]:
        """``command`` started inside the cgroups (joined before it execs: no window)."""
        if not self.dirs:
            return command
        joins = " && ".join(f'echo $$ > "{d}/cgroup.procs"' for d in self.dirs)
        return ["/bin/sh", "-c", f'{joins} && exec "$@"', "sh", *command]

    def remove(self, wait: float = 10.0) -> None:
        """Kill whatever is left in the groups (children that left the sandbox's session
        included), wait up to ``wait`` seconds for them to go, and remove the groups."""
        for folder in self.dirs:
            # a dying process needs CPU time to exit: lift the quota (v1, v2) first
            _write(folder, {"cpu.cfs_quota_us": "-1"}) or _write(folder, {"cpu.max": "max"})
        deadline = time.monotonic() + wait
        for folder in self.dirs:
            # a group whose last process is still being torn down refuses rmdir (EBUSY)
            while not _removed(folder) and time.monotonic() < deadline:
                _kill_all(folder)
                time.sleep(0.05)


def _removed(folder: Path) -> bool:
    try:
        folder.rmdir()
        return True
    except FileNotFoundError:
        return True
    except OSError:
        return False


def sweep(parents: list[Path]) -> int:
    """Remove the empty sandbox groups (``bplab-<pid>-<n>``) a grader that was killed left
    under ``parents``; the number removed. A live grader's groups are left alone."""
    removed = 0
    for parent in parents:
        for folder in parent.glob("bplab-*-*"):
            pid = folder.name.split("-")[1]
            if pid.isdigit() and not Path(f"/proc/{pid}").exists() and _removed(folder):
                removed += 1
    return removed


def _kill_all(folder: Path) -> bool:
    """SIGKILL every process in ``folder``'s group; False when it holds none."""
    try:
        pids = [int(p) for p in (folder / "cgroup.procs").read_text().split()]
    except (OSError, ValueError):
        return False
    for pid in pids:
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass
    return bool(pids)


def _enable_controllers(parent: Path) -> None:
    """Let ``parent``'s children use memory, pids and cpu (v2 needs it said in
    ``cgroup.subtree_control``; refused when ``parent`` itself holds processes and is not
    the root: then only what was already enabled is there)."""
    wanted = {"memory", "pids", "cpu"} & set((parent / "cgroup.controllers").read_text().split())
    enabled = set((parent / "cgroup.subtree_control").read_text().split())
    for controller in sorted(wanted - enabled):
        try:
            (parent / "cgroup.subtree_control").write_text(f"+{controller}")
        except OSError:
            pass


def in_force(limits: GroupLimits) -> list[str]:
    """The group limits this host applies: a throwaway cgroup is made and removed."""
    probe = Cgroups(f"bplab-probe-{os.getpid()}", limits)
    try:
        sweep(sorted({d.parent for d in probe.dirs}))
        return probe.applied
    finally:
        probe.remove()


def describe(limits: GroupLimits, applied: list[str]) -> str:
    """One line for the instructor: the group limits that bind here, and those that don't."""
    what = {"memory": f"{limits.memory / 2**30:.1f} GB of memory",
            "pids": f"{limits.processes} processes", "cpu": f"{limits.cpus:g} CPU"}
    bound = [f"{what[a.split()[0]]} {a[a.index('('):]}" for a in applied]
    missing = [text for name, text in what.items() if not any(a.startswith(name) for a in applied)]
    line = "per sandbox: " + (", ".join(bound) if bound else "no group limits")
    if missing:
        line += ("; not enforced on this host (no usable cgroup): " + ", ".join(missing))
    return line
