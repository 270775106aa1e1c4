"""`make lab`, the README's first command, opens the course: JupyterLab answers with lesson 00.

The test runs the Makefile's own `lab` target with the test's venv (already set up, so
`-o` skips the install step) and LAB_ARGS that keep the browser closed and pick a free
port and a token. As root (containers, Binder, these machines) it must pass --allow-root
and say why.
"""

from __future__ import annotations

import json
import os
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
        # `jupyter lab notebooks/00_welcome.ipynb` serves the notebook's folder
        lesson = _get_json(f"{url}/api/contents/00_welcome.ipynb?token={token}")
        if lesson is None:
            time.sleep(0.3)
    assert lesson is not None, f"JupyterLab did not answer in 60 s:\n{log.read_text()}"
    assert lesson["type"] == "notebook" and lesson["name"] == "00_welcome.ipynb"
    assert any("bplab" in "".join(cell["source"]) for cell in lesson["content"]["cells"])
    output = log.read_text()
    if os.geteuid() == 0:
        assert "--allow-root" in output and "you are root" in output, output
    assert "Running as root is not recommended" not in output
