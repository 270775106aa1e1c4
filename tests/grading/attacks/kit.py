"""Shared tools of the attack tests, and the one adversarial toolkit: build submissions, run
the grader, watch the host. At the end, the classic ex98 submissions test_autograde grades.

Submissions are made from the source notebooks (``solution``), their blank form
(``blank``), and edits of one part's cell (``set_part``, ``insert_after``, ``insert_top``).
``grade`` runs ``python -m bplab grade`` in its own session and returns a ``Run``: the
rows of the JSON or CSV it wrote, its output, its wall time and the peak memory of the
grader's own processes (those in our PID namespace; a sandbox has its own).
``Host`` snapshots what must not change outside the sandbox: files (with their bytes, so a
planted file can be restored), site-packages, a canary in $HOME/tmp, and processes that
carry the run's token.
"""

from __future__ import annotations

import copy
import csv
import hashlib
import json
import os
import re
import secrets
import signal
import subprocess
import sys
import sysconfig
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
import numpy as np
import pytest
from nbformat.v4 import new_code_cell
from needs import needs_sandbox

from bplab.grading.spec import PUBLIC_SEED, get_part, make_cases

REPO = Path(__file__).resolve().parents[3]
FIXTURES = REPO / "tests" / "grading" / "fixtures"
SITE_PACKAGES = Path(sysconfig.get_paths()["purelib"])
MARK_ENV = "BPLAB_ATTACK_RUN"  # set for the grader: an unsandboxed kernel inherits it


def require_sandbox() -> None:
    """Skip without bubblewrap; fail instead when BPLAB_REQUIRE_SANDBOX=1 (CI)."""
    needs_sandbox()


# ---- submissions ------------------------------------------------------------------------
def source_path(exercise: str) -> Path:
    """The source notebook of ``exercise``: the fixture ex98, or solutions/exNN_*.ipynb."""
    folder = FIXTURES / "solutions" if exercise == "ex98" else REPO / "solutions"
    return next(folder.glob(f"{exercise}_*.ipynb"))


def solution(exercise: str):
    """The full source notebook (an honest, complete submission)."""
    return nbformat.read(source_path(exercise), as_version=4)


def _meta(cell) -> dict:
    return cell.get("metadata", {}).get("bplab", {})


def blank(exercise: str):
    """The notebook a learner starts from: solution blocks raise NotImplementedError,
    hidden-test blocks dropped (written here, so it does not depend on the grader)."""
    nb = solution(exercise)
    block = re.compile(r"( *)### BEGIN SOLUTION\n.*?### END SOLUTION\n?", re.DOTALL)
    hidden = re.compile(r"### BEGIN HIDDEN TESTS\n.*?### END HIDDEN TESTS\n?", re.DOTALL)
    for cell in nb.cells:
        if cell.cell_type == "code":
            src = hidden.sub("", cell.source)
            cell.source = block.sub(lambda m: f"{m.group(1)}raise NotImplementedError()\n", src)
    return nb


def part_cell(nb, part: str, role: str = "solution"):
    """The cell of ``part`` (e.g. "ex98.answer") with ``role``."""
    return next(c for c in nb.cells if _meta(c).get("part") == part and _meta(c).get("role") == role)


def set_part(nb, part: str, source: str):
    """Replace the solution cell of ``part`` by ``source``; returns ``nb``."""
    part_cell(nb, part).source = source
    return nb


def insert_after(nb, part: str, source: str):
    """A plain code cell right after the solution cell of ``part``; returns ``nb``."""
    nb.cells.insert(nb.cells.index(part_cell(nb, part)) + 1, new_code_cell(source))
    return nb


def insert_top(nb, source: str):
    """A plain code cell right after the first code cell (the imports); returns ``nb``."""
    first = next(i for i, c in enumerate(nb.cells) if c.cell_type == "code")
    nb.cells.insert(first + 1, new_code_cell(source))
    return nb


def write(folder: Path, student: str, nb, exercise: str) -> Path:
    """Save ``nb`` as folder/student/<the exercise's file name>; returns the path."""
    path = folder / student / source_path(exercise).name
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(copy.deepcopy(nb), path)
    return path


# ---- running the grader -----------------------------------------------------------------
def _grader_flags() -> set[str]:
    """The options today's ``python -m bplab grade`` knows (old graders lack some)."""
    if not hasattr(_grader_flags, "cache"):
        help_text = subprocess.run([sys.executable, "-m", "bplab", "grade", "--help"],
                                   capture_output=True, text=True, check=False).stdout
        _grader_flags.cache = set(re.findall(r"--[a-z-]+", help_text))
    return _grader_flags.cache


def _read_rows(out: Path) -> dict:
    """{student: {"total", "max_total", "exercise", "note", "parts": {id: part dict}}}."""
    if not out.is_file():
        return {}
    if out.suffix == ".json":
        try:
            data = json.loads(out.read_text())
        except ValueError:
            return {}
        return {r["student"]: dict(r, parts={p["part_id"]: p for p in r["parts"]})
                for r in data}
    rows: dict = {}
    with out.open(newline="") as f:
        for line in csv.DictReader(f):
            row = rows.setdefault(line["student"], {"total": 0, "parts": {}, "note": "",
                                                    "exercise": line.get("exercise", "")})
            if line.get("part"):
                row["parts"][line["part"]] = dict(line, points=int(line["points"]))
                row["total"] += int(line["points"])
            else:
                row["note"] = line.get("feedback", "")
    return rows


def _ns(pid) -> str:
    try:
        return os.readlink(f"/proc/{pid}/ns/pid")
    except OSError:
        return ""


def _tree_rss(root: int) -> int:
    """Bytes resident in ``root`` and its descendants that share our PID namespace."""
    parent, rss, own = {}, {}, _ns("self")
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            stat = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            parent[int(pid)], rss[int(pid)] = int(stat[1]), int(stat[21]) * 4096
        except (OSError, IndexError, ValueError):
            continue
    total = 0
    for pid, size in rss.items():
        p = pid
        while p not in (root, 0, 1) and p in parent:
            p = parent[p]
        if p == root and _ns(pid) == own:
            total += size
    return total


@dataclass
class Run:
    """One grader run: rows by student, its output, exit code, wall time, peak memory."""

    rows: dict
    stdout: str
    stderr: str
    returncode: int | None
    seconds: float
    peak_rss: int = 0
    hung: bool = False
    out_text: str = ""
    out_path: Path | None = None

    def points(self, student: str) -> tuple:
        """Points of each part, in the order the grader listed them."""
        return tuple(int(p["points"]) for p in self.rows[student]["parts"].values())

    def scored(self, student: str, expected: tuple | set) -> bool:
        """The points of each part are ``expected`` (or one of a set of tuples); when that
        is all zeros, a row without parts (an error row) also counts."""
        if isinstance(expected, set):
            return any(self.scored(student, one) for one in expected)
        if not any(expected):
            return self.total(student) == 0
        return self.points(student) == tuple(expected)

    def total(self, student: str) -> int:
        return int(self.rows[student]["total"])

    def feedback(self, student: str) -> str:
        """Every feedback text and the note of ``student``'s row, joined."""
        row = self.rows[student]
        return " | ".join([str(row.get("note", ""))] +
                          [str(p["feedback"]) for p in row["parts"].values()])

    @property
    def everything(self) -> str:
        """All text the grader produced: table, errors, grades file."""
        return f"{self.stdout}\n{self.stderr}\n{self.out_text}"


def command(paths: list, exercise: str, out: Path, *, timeout: float = 3, budget: float = 12,
            jobs: int = 2) -> list[str]:
    """The grader's command line (without the options an old grader does not know)."""
    flags = _grader_flags()
    cmd = [sys.executable, "-m", "bplab", "grade", *map(str, paths),
           "--source", str(source_path(exercise).parent), "--jobs", str(jobs),
           "--timeout", str(timeout), "--out", str(out)]
    cmd += ["--exercise", exercise] if "--exercise" in flags else []
    return cmd + (["--budget", str(budget)] if "--budget" in flags else [])


def grade(paths: list, exercise: str, out: Path, *, timeout: float = 3, budget: float = 12,
          jobs: int = 2, env: dict | None = None, wall: float = 120,
          limit_as: int | None = None) -> Run:
    """Run the grader CLI on ``paths`` (killing it after ``wall`` seconds)."""
    cmd = command(paths, exercise, out, timeout=timeout, budget=budget, jobs=jobs)
    cmd = ["prlimit", f"--as={limit_as}", "--", *cmd] if limit_as else cmd  # a safety belt
    start, peak = time.monotonic(), [0]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            errors="replace", env=dict(os.environ, **(env or {})),
                            start_new_session=True)
    done = threading.Event()

    def sample():
        while not done.wait(0.2):
            peak[0] = max(peak[0], _tree_rss(proc.pid))
    threading.Thread(target=sample, daemon=True).start()
    hung = False
    try:
        stdout, stderr = proc.communicate(timeout=wall)
    except subprocess.TimeoutExpired:
        hung = True
        os.killpg(proc.pid, signal.SIGKILL)
        stdout, stderr = proc.communicate()
    done.set()
    text = out.read_text(errors="replace") if out.is_file() else ""
    return Run(_read_rows(out) if text else {}, stdout, stderr, proc.returncode,
               time.monotonic() - start, peak[0], hung, text, out)


# ---- the host: what must not change -----------------------------------------------------
def _files(root: Path) -> dict:
    """{path: bytes} of the files under ``root`` (or of ``root`` itself), no caches."""
    if root.is_file():
        return {root: root.read_bytes()}
    if not root.is_dir():
        return {}
    return {p: p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file() and "__pycache__" not in p.parts}


def _site_listing() -> dict:
    """{name: mtime_ns} of site-packages' top level, and numpy/__init__.py's digest."""
    listing = {p.name: p.stat().st_mtime_ns for p in SITE_PACKAGES.iterdir()}
    init = SITE_PACKAGES / "numpy" / "__init__.py"
    listing["numpy/__init__.py"] = hashlib.sha256(init.read_bytes()).hexdigest()
    return listing


def marked_processes(token: str) -> list[int]:
    """Pids whose name, command line or environment carries ``token``."""
    found, needle = [], token.encode()
    for pid in filter(str.isdigit, os.listdir("/proc")):
        if int(pid) == os.getpid():
            continue
        for name in ("comm", "cmdline", "environ"):
            try:
                if needle in Path(f"/proc/{pid}/{name}").read_bytes():
                    found.append(int(pid))
                    break
            except OSError:
                continue
    return found


@dataclass
class Host:
    """A run's token, secrets and canaries, and the host state they must leave unchanged."""

    watched: list
    token: str = field(default_factory=lambda: secrets.token_hex(4))
    before: dict = field(default_factory=dict)

    def __post_init__(self):
        self.canary = Path.home() / "tmp" / f"bplab-attack-canary-{self.token}"
        self.secret = f"ENVSECRET{self.token}"
        self.env = {MARK_ENV: self.token, f"BPLAB_ATTACK_SECRET_{self.token}": self.secret}
        self.markers = Path(f"/tmp/bplab-attack-{self.token}")  # where unsandboxed attacks write
        self.shadow = Path("/etc/shadow").read_text().splitlines()[0] \
            if os.access("/etc/shadow", os.R_OK) else "no-shadow-here"

    def __enter__(self):
        self.canary.parent.mkdir(exist_ok=True)
        self.canary.write_text(f"CANARY{self.token}home")
        self.markers.mkdir()
        self.before = self.state()
        return self

    def state(self) -> dict:
        """Everything compared before and after: file bytes, site-packages, processes,
        the canary, and names under /tmp carrying the token."""
        files = {}
        for root in [*self.watched, REPO / "bplab", self.canary, self.markers,
                     SITE_PACKAGES / "numpy" / "__init__.py"]:
            files.update(_files(Path(root)))
        tmp = sorted(n for n in os.listdir("/tmp") if self.token in n)
        return {"files": files, "site": _site_listing(), "tmp": tmp,
                "procs": marked_processes(self.token)}

    def changes(self) -> list[str]:
        """What differs from the snapshot taken on entering (one line per change)."""
        now, was = self.state(), self.before
        out = [f"changed: {p}" for p in set(now["files"]) | set(was["files"])
               if now["files"].get(p) != was["files"].get(p)]
        out += [f"site-packages changed: {k}" for k in set(now["site"]) | set(was["site"])
                if now["site"].get(k) != was["site"].get(k)]
        out += [f"left in /tmp: {n}" for n in now["tmp"] if n not in was["tmp"]]
        out += [f"process left running: {pid}" for pid in now["procs"]]
        return sorted(out)

    def __exit__(self, *exc):
        self.restore()

    def restore(self) -> None:
        """Undo what an attack did to the host: kill its processes, restore files."""
        for pid in marked_processes(self.token):
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
        for path, content in self.before["files"].items():
            if not path.is_file() or path.read_bytes() != content:
                path.write_bytes(content)
        for path in set(self.state()["files"]) - set(self.before["files"]):
            path.unlink()
        for name in (n for n in os.listdir(SITE_PACKAGES) if self.token in n):
            (SITE_PACKAGES / name).unlink()
        for name in (n for n in os.listdir("/tmp") if self.token in n):
            subprocess.run(["rm", "-rf", f"/tmp/{name}"], check=False)
        self.canary.unlink(missing_ok=True)

    def leaks(self, text: str) -> list[str]:
        """Secrets of the host found in ``text``."""
        secrets_ = {"env value": self.secret, "env name": f"BPLAB_ATTACK_SECRET_{self.token}",
                    "home canary": f"CANARY{self.token}home", "/etc/shadow": self.shadow,
                    "solution block": "### BEGIN SOLUTION",
                    "classmate's notebook": f"honest-marker-{self.token}",
                    "hidden tests": "BEGIN HIDDEN TESTS",
                    "spec source": "A small exercise for the grading tests"}
        return [name for name, s in secrets_.items() if s in text]


def grade_attacks(folder: Path, attacks: dict, exercise: str = "ex98", prelude_values=None,
                  **grade_options):
    """Write each attack (name -> (build, expected)) with the prelude on top, grade them all
    while a Host watches, and yield (Run, what changed on the host): the body of the attack
    modules' ``graded`` fixtures. ``grade_options`` go to ``grade`` (timeout, budget, wall)."""
    host = Host([])
    top = prelude(host, **(prelude_values or {}))
    paths = [write(folder, name, insert_top(build(), top), exercise)
             for name, (build, _) in attacks.items()]
    host.watched = [*paths, source_path(exercise).parent]
    with host:
        run = grade(paths, exercise, folder / "grades.json", env=host.env, **grade_options)
        yield run, host.changes()


def prelude(host: Host, **values) -> str:
    """The first cell of every attack: what the attacker is assumed to know (the run's
    token, the host's PID 1 command line, paths on the instructor's disk)."""
    values = dict(TOKEN=host.token, MARKERS=str(host.markers), HOST_INIT=Path("/proc/1/cmdline").read_bytes(),
                  MARK=f"{MARK_ENV}={host.token}".encode(), REPO=str(REPO), **values)
    return ("import os, sys, gc, glob, time\n"
            + "\n".join(f"{k} = {v!r}" for k, v in values.items()) + MARK_ME)


MARK_ME = """
def _mark_me():
    \"\"\"Name this process after the token, so the host can find it if it survives.\"\"\"
    try:
        import ctypes
        ctypes.CDLL(None).prctl(15, ("bpatk" + TOKEN).encode(), 0, 0, 0)
    except Exception:
        pass
"""


VICTIMS = """
def _victims():
    # every process this kernel may kill: all it can see when it has its own PID
    # namespace; without one (an unsandboxed grader), only the processes of this grading
    # run (they carry MARK in their environment), never the rest of the machine
    pids = [int(p) for p in os.listdir("/proc") if p.isdigit() and int(p) != os.getpid()]
    try:
        init = open("/proc/1/cmdline", "rb").read()
    except OSError:
        init = b""
    if init != HOST_INIT and len(pids) < 64:
        return pids
    mine = []
    for pid in pids:
        try:
            if MARK in open(f"/proc/{pid}/environ", "rb").read():
                mine.append(pid)
        except OSError:
            pass
    return mine
"""


# attack code shared by several submissions: find the answer key or the labels by any means
STEAL = r'''
import importlib, importlib.util, pickle, json
import numpy as np

def _parts_from(module):
    return [p for p in getattr(module, "PARTS", []) if hasattr(p, "reference")]

def _key(exercise, name, how=("import", "files", "gc")):
    """The grader's reference (a function, or a quiz part's answer) for part `name`."""
    parts = []
    if "import" in how:
        try:
            parts += _parts_from(importlib.import_module(f"bplab.grading.exercises.{exercise}"))
        except Exception:
            pass
    if "files" in how:
        roots = [REPO, os.path.dirname(os.path.dirname(__import__("bplab").__file__)),
                 *os.environ.get("BPLAB_SPEC_PATH", "").split(os.pathsep)]
        for root in filter(None, roots):
            for path in glob.glob(f"{root}/**/{exercise}.py", recursive=True):
                try:
                    spec = importlib.util.spec_from_file_location(
                        f"bplab.grading.exercises.{exercise}", path)
                    module = importlib.util.module_from_spec(spec)
                    spec.loader.exec_module(module)
                    parts += _parts_from(module)
                except Exception:
                    pass
    if "gc" in how:
        for obj in gc.get_objects():
            try:
                if type(obj).__name__ == "Part" and str(obj.id).startswith(exercise + "."):
                    parts.append(obj)
            except Exception:
                pass
    for part in parts:
        if part.name == name and part.reference is not None:
            return part.reference
    return None

def _label_of(v, X):
    """v's labels when v is a labelled case whose inputs are X."""
    try:
        if isinstance(v, dict) and "y" in v and "X" in v:  # a case stored as JSON data
            return np.asarray(v["y"]) if np.array_equal(np.asarray(v["X"]), X) else None
        y, args = getattr(v, "y", None), getattr(v, "args", None)
        if isinstance(y, np.ndarray) and y.shape == (len(X),) and args is not None \
                and np.array_equal(np.asarray(args[0]), X):
            return y
    except Exception:
        pass
    return None

def _walk(v, X, depth=0):
    """Labels of X anywhere inside v (lists, tuples, dicts, objects)."""
    y = _label_of(v, X)
    if y is not None or depth > 4:
        return y
    items = v.values() if isinstance(v, dict) else v if isinstance(v, (list, tuple)) else []
    for item in list(items)[:10000]:
        y = _walk(item, X, depth + 1)
        if y is not None:
            return y
    return None

def _some_files(root, limit=5000):
    """Up to `limit` file paths under root."""
    for folder, _, names in os.walk(root):
        for name in names:
            limit -= 1
            if limit < 0:
                return
            yield os.path.join(folder, name)

def _labels(X, how):
    """The true labels of X: from the callers' frames, the heap, or files on disk."""
    if how == "frames":
        frame = sys._getframe(1)
        while frame is not None:
            y = _walk(list(frame.f_locals.values()), X)
            if y is not None:
                return y
            frame = frame.f_back
    if how == "gc":
        for obj in gc.get_objects():
            y = _label_of(obj, X)
            if y is not None:
                return y
    if how == "files":
        for root in (os.getcwd(), "/tmp", os.path.expanduser("~"), os.path.dirname(os.getcwd())):
            for path in _some_files(root):
                try:
                    if not os.path.isfile(path) or os.path.getsize(path) > 50e6:
                        continue
                    with open(path, "rb") as f:
                        raw = f.read()
                    data = pickle.loads(raw) if raw[:1] == b"\x80" else json.loads(raw)
                    y = _walk(data, X)
                    if y is not None:
                        return y
                except Exception:
                    pass
    return np.zeros(len(X), dtype=int)
'''


def selected(attacks: dict) -> dict:
    """``attacks`` limited to the names in $BPLAB_ATTACKS (comma-separated; every attack
    when unset), always with the honest ones: to look at one attack at a time."""
    names = os.environ.get("BPLAB_ATTACKS")
    if not names:
        return attacks
    keep = {*names.split(","), "honest_full", "honest_blank", "victim"}
    return {name: value for name, value in attacks.items() if name in keep}


def need(attacks: dict, *names: str) -> None:
    """Skip a test about ``names`` when $BPLAB_ATTACKS left them out."""
    missing = [n for n in names if n not in attacks]
    if missing:
        pytest.skip(f"not selected by BPLAB_ATTACKS: {missing}")


# ---- classic submissions of the fixture exercise ex98 (tests/grading/test_autograde.py) ---
# ex98 has three parts: linear_backward (3 points), relu_backward (2), answer (1). Each
# builder takes the source notebook (solutions included) and returns what a learner might
# hand in; EXPECTED gives the points each part must earn.
EX98_PARTS = ("ex98.linear_backward", "ex98.relu_backward", "ex98.answer")


def infinite_loop(nb):
    """linear_backward never returns."""
    part_cell(nb, EX98_PARTS[0]).source = "def linear_backward(X, W, dout):\n    while True:\n        pass"
    return nb


def sys_exit(nb):
    """relu_backward calls sys.exit, and a top-level cell does too."""
    part_cell(nb, EX98_PARTS[1]).source = ("import sys\n\ndef relu_backward(x, dout):\n"
                                  "    sys.exit(1)")
    insert_after(nb, EX98_PARTS[0], "import sys\nsys.exit(0)")
    return nb


def exception_at_import(nb):
    """The first cell fails after its imports; a cell later raises too."""
    nb.cells[1].source += "\nimport a_module_that_does_not_exist"
    insert_after(nb, EX98_PARTS[1], "raise RuntimeError('boom')")
    return nb


def kernel_killer(nb):
    """A cell kills the kernel process outright (os._exit) between two parts."""
    insert_after(nb, EX98_PARTS[0], "import os\nos._exit(1)")
    return nb


def monkeypatch_numpy(nb):
    """Wrong answers, with every comparison the kernel could use patched to say yes."""
    insert_after(nb, EX98_PARTS[0], (
        "np.allclose = lambda *a, **k: True\n"
        "np.testing.assert_allclose = lambda *a, **k: None\n"
        "import bplab.grading.feedback as _d\n_d.close = lambda *a, **k: True\n"
        "bp.check = lambda *a, **k: print('ex98: public checks passed')\n"
        "def linear_backward(X, W, dout):\n"
        "    return np.zeros((len(X), W.shape[0])), np.zeros_like(W), np.zeros(W.shape[1])"))
    return nb


def hard_coded(nb):
    """linear_backward returns the public answers from a lookup table, zeros otherwise."""
    part = get_part("ex98.linear_backward")
    table = {}
    for case in make_cases(part, PUBLIC_SEED):
        key = round(float(np.sum(case.args[0])), 9)
        table[key] = [a.tolist() for a in part.reference(*case.args)]
    part_cell(nb, EX98_PARTS[0]).source = (
        f"ANSWERS = {table!r}\n\ndef linear_backward(X, W, dout):\n"
        "    key = round(float(np.sum(X)), 9)\n"
        "    if key in ANSWERS:\n"
        "        return tuple(np.array(a) for a in ANSWERS[key])\n"
        "    return np.zeros_like(X), np.zeros_like(W), np.zeros(W.shape[1])")
    return nb


def deleted_check_cells(nb):
    """Every check cell deleted; relu_backward wrong (it forgets the mask)."""
    nb.cells = [c for c in nb.cells if _meta(c).get("role") != "check"]
    part_cell(nb, EX98_PARTS[1]).source = "def relu_backward(x, dout):\n    return dout"
    return nb


def edited_check_cells(nb):
    """Check cells rewritten to claim success; linear_backward transposes dW."""
    for cell in nb.cells:
        if _meta(cell).get("role") == "check":
            cell.source = "print('all tests passed')"
    part_cell(nb, EX98_PARTS[0]).source = ("def linear_backward(X, W, dout):\n"
                                  "    return dout @ W.T, (X.T @ dout).T, dout.sum(axis=0)")
    return nb


def output_flood(nb):
    """50 MB printed by a cell, and more printed inside a graded function."""
    insert_after(nb, EX98_PARTS[0], "print('x' * 50_000_000)")
    part_cell(nb, EX98_PARTS[1]).source = ("def relu_backward(x, dout):\n    print('y' * 1_000_000)\n"
                                  "    return dout * (x > 0)")
    return nb


BUILDERS = {f.__name__: f for f in (
    infinite_loop, sys_exit, exception_at_import, kernel_killer, monkeypatch_numpy,
    hard_coded, deleted_check_cells, edited_check_cells, output_flood)}

# points per part (linear_backward, relu_backward, answer) each submission must earn
EXPECTED = {
    "infinite_loop": (0, 2, 1),
    "sys_exit": (3, 0, 1),
    "exception_at_import": (3, 2, 1),
    "kernel_killer": (3, 2, 1),
    "monkeypatch_numpy": (0, 2, 1),
    "hard_coded": (0, 2, 1),
    "deleted_check_cells": (3, 0, 1),
    "edited_check_cells": (0, 2, 1),
    "output_flood": (3, 2, 1),
}


def build(name: str, source_nb):
    """The adversarial submission ``name`` made from a copy of ``source_nb``."""
    return BUILDERS[name](copy.deepcopy(source_nb))
