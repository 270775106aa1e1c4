"""Fixtures for the real-browser tests: JupyterLab on 127.0.0.1, Chromium driven by Playwright.

Chromium is Debian's (/usr/bin/chromium). Without it the tests skip with a reason,
unless BPLAB_REQUIRE_BROWSER=1 (set by .ci/run), where a missing browser fails them.
JupyterLab serves a temporary copy of the notebooks, so its autosave never touches the
committed files, and reads test-only settings (no news pop-up, every cell rendered).
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "artifacts" / "browser"
CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update",
                  "--disable-sync"]
LAB_SETTINGS = {
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings":
        {"fetchNews": "false", "checkForUpdates": False},
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
}
# Every notebook a browser test opens; copied into JupyterLab's temporary root.
NOTEBOOKS = [REPO / "notebooks" / "05_training_an_mlp.ipynb",
             REPO / "tests" / "browser" / "labs_fixture.ipynb"]


def _unavailable(reason: str):
    if os.environ.get("BPLAB_REQUIRE_BROWSER") == "1":
        pytest.fail(f"{reason}; the browser tests are required here (BPLAB_REQUIRE_BROWSER=1)")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def chromium_path() -> str:
    """Path of Debian's Chromium; skip (or fail in CI) when it is not installed."""
    path = "/usr/bin/chromium" if os.path.exists("/usr/bin/chromium") else \
        shutil.which("chromium")
    if not path:
        _unavailable("no Chromium at /usr/bin/chromium or on PATH "
                     "(install it with: apt-get install chromium)")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        _unavailable("the playwright pip package is not installed")
    return path


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _write_settings(settings_dir: Path) -> None:
    for name, values in LAB_SETTINGS.items():
        path = settings_dir / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values))


def _wait_until_up(url: str, proc: subprocess.Popen, log: Path, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"jupyter lab exited with {proc.returncode}:\n"
                               f"{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"jupyter lab did not answer {url} in {timeout} s:\n"
                       f"{log.read_text()[-3000:]}")


@pytest.fixture(scope="session")
def jupyter_lab(chromium_path, tmp_path_factory):
    """A JupyterLab server: dict with base ``url``, ``token`` and its ``root`` folder."""
    tmp = tmp_path_factory.mktemp("jupyterlab")
    root, settings, runtime = tmp / "root", tmp / "settings", tmp / "runtime"
    root.mkdir()
    for notebook in NOTEBOOKS:
        if notebook.exists():
            shutil.copy(notebook, root / notebook.name)
    _write_settings(settings)
    # what `make lab` installs as the venv's JupyterLab overrides (widget state saved)
    (tmp / "app-settings").mkdir()
    shutil.copy(REPO / "bplab" / "labs" / "overrides.json", tmp / "app-settings")
    port, token = _free_port(), secrets.token_hex(16)
    jupyter = Path(sys.executable).parent / "jupyter"
    log = tmp / "jupyterlab.log"
    env = {**os.environ, "JUPYTER_RUNTIME_DIR": str(runtime)}
    env.pop("MPLBACKEND", None)  # the kernel uses the notebook's inline backend
    with open(log, "w") as log_file:
        proc = subprocess.Popen(
            [str(jupyter), "lab", "--no-browser", "--ip=127.0.0.1", f"--port={port}",
             f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={root}",
             f"--LabApp.user_settings_dir={settings}",
             f"--LabApp.app_settings_dir={tmp / 'app-settings'}",
             f"--LabApp.workspaces_dir={tmp / 'workspaces'}",
             *(["--allow-root"] if hasattr(os, "geteuid") and os.geteuid() == 0 else [])],
            stdout=log_file, stderr=subprocess.STDOUT, env=env, cwd=root)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(f"{url}/api/status?token={token}", proc, log)
        yield {"url": url, "token": token, "root": root, "log": log}
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.fixture(scope="module")
def browser(chromium_path):
    """A headless Chromium (Debian's), driven by Playwright. Module scope: while Playwright's
    sync API is open, an asyncio loop counts as running in this thread, which would break
    every later test that runs a loop of its own (the labs' Play, the report's Chromium)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=chromium_path, headless=True,
                                     args=CHROMIUM_FLAGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    """A fresh page in a tall viewport (JupyterLab scrolls inside its own panel)."""
    from playwright.sync_api import expect

    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(60_000)
    # Run All goes on executing the cells below while a test talks to a lab above, and a
    # widget's reply waits for the kernel: 5 s (Playwright's default) is short on a busy machine
    expect.set_options(timeout=30_000)
    yield page
    context.close()


@pytest.fixture(scope="session")
def artifacts() -> Path:
    """Where screenshots go (git-ignored)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS
