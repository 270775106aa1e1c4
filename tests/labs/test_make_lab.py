"""`make lab`, the README's first command, opens the course: JupyterLab serves the course's
folder (notebooks/ and exercises/ side by side) and answers with lesson 00.

The test runs the Makefile's own `lab` target with the test's venv (already set up, so
`-o` skips the install step) and LAB_ARGS that keep the browser closed and pick a free
port and a token. As root (containers, Binder, these machines) it must pass --allow-root
and say why. A port that is taken, or a Python too old for the pinned wheels, stops it
with one line that says what to do.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
VENV = Path(sys.prefix)  # the venv running the tests has jupyter and bplab installed


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get_json(url: str) -> dict | None:
    """The JSON at ``url``, or None while the server is not up yet (an HTTP error raises)."""
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return json.load(response)
    except urllib.error.HTTPError:
        raise
    except OSError:
        return None


@pytest.fixture
def make_lab(tmp_path):
    """Start `make lab` without a browser; yield (base url, token, log path); stop it."""
    if shutil.which("make") is None or not (VENV / "bin" / "jupyter").exists():
        pytest.skip(f"needs make and {VENV / 'bin' / 'jupyter'}")
    port, token = _free_port(), secrets.token_hex(8)
    lab_args = (f"--no-browser --ip=127.0.0.1 --port={port} --IdentityProvider.token={token} "
                f"--LabApp.workspaces_dir={tmp_path / 'ws'}")
    stamp = VENV / ".installed"
    log = tmp_path / "make_lab.log"
    env = {**os.environ, "JUPYTER_RUNTIME_DIR": str(tmp_path / "runtime")}
    with open(log, "w") as out:
        proc = subprocess.Popen(["make", "--no-print-directory", "-o", str(stamp), "lab",
                                 f"VENV={VENV}", f"LAB_ARGS={lab_args}"],
                                cwd=REPO, stdout=out, stderr=subprocess.STDOUT, env=env,
                                start_new_session=True)  # its own group: make + jupyter
    try:
        yield f"http://127.0.0.1:{port}", token, log, proc
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def test_make_lab_serves_lesson_00(make_lab):
    url, token, log, proc = make_lab
    lesson = None
    deadline = time.monotonic() + 60
    while lesson is None and time.monotonic() < deadline:
        assert proc.poll() is None, f"make lab exited with {proc.returncode}:\n{log.read_text()}"
        # served from the course's folder, not the lesson's (--ServerApp.root_dir=.)
        lesson = _get_json(f"{url}/api/contents/notebooks/00_welcome.ipynb?token={token}")
        if lesson is None:
            time.sleep(0.3)
    assert lesson is not None, f"JupyterLab did not answer in 60 s:\n{log.read_text()}"
    assert lesson["type"] == "notebook" and lesson["name"] == "00_welcome.ipynb"
    assert any("bplab" in "".join(cell["source"]) for cell in lesson["content"]["cells"])
    root = _get_json(f"{url}/api/contents?token={token}")
    assert {"notebooks", "exercises"} <= {item["name"] for item in root["content"]}
    output = log.read_text()
    assert f"Serving notebooks from local directory: {REPO}\n" in output, output
    if os.geteuid() == 0:
        assert "--allow-root" in output and "you are root" in output, output
    assert "Running as root is not recommended" not in output


def _make_lab(*args: str, timeout: float = 60) -> subprocess.CompletedProcess:
    return subprocess.run(["make", "--no-print-directory", "lab", *args], cwd=REPO,
                          capture_output=True, text=True, timeout=timeout, check=False)


def _lines(text: str) -> list[str]:
    """The lines make lab itself printed (not make's own "*** Error" trailer)."""
    return [line for line in text.splitlines()
            if line and not re.match(r"make(\[\d+\])?: \*\*\*", line)]   # make[1] under make test


def test_make_lab_on_a_taken_port_says_so_in_one_line():
    if shutil.which("make") is None:
        pytest.skip("needs make")
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        proc = _make_lab("-o", str(VENV / ".installed"), f"VENV={VENV}",
                         f"LAB_ARGS=--no-browser --port={port}")
    assert proc.returncode != 0
    (line,) = _lines(proc.stderr)
    assert f"port {port} is in use" in line and f"--port={port + 1}" in line, line
    assert "Serving notebooks" not in proc.stdout + proc.stderr


def test_make_lab_with_a_python_too_old_says_so_in_one_line(tmp_path):
    if shutil.which("make") is None:
        pytest.skip("needs make")
    old = tmp_path / "python3.9"
    old.write_text("#!/bin/sh\n[ \"$1\" = -V ] && echo Python 3.9.2 && exit 0\n"
                   "[ \"$1\" = -c ] && exit 1\necho should not run >&2; exit 3\n")
    old.chmod(0o755)
    proc = _make_lab(f"PYTHON={old}", f"VENV={tmp_path / 'venv'}")
    assert proc.returncode != 0
    (line,) = _lines(proc.stderr)
    assert "needs Python 3.11 or newer" in line and "Python 3.9.2" in line, line
    assert not (tmp_path / "venv").exists()


def test_the_course_venv_saves_widget_state_with_a_notebook():
    """`make lab`'s set-up installs bplab/labs/overrides.json as this venv's JupyterLab
    overrides (the browser test of a saved, reopened lesson runs with the same file)."""
    import json
    import sys

    from jupyterlab.commands import get_app_dir

    if Path(sys.prefix).resolve() != (REPO / ".venv").resolve():
        pytest.skip("not running in the course's own .venv (made by make lab / make test)")
    installed = Path(get_app_dir()) / "settings" / "overrides.json"
    assert installed.is_file(), f"{installed} is missing: run make lab (or make test) again"
    settings = json.loads(installed.read_text())
    assert settings["@jupyter-widgets/jupyterlab-manager:plugin"]["saveState"] is True
    assert installed.read_text() == (REPO / "bplab" / "labs" / "overrides.json").read_text()
