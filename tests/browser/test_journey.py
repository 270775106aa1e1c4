"""A learner's first steps, in Chromium, from `make lab` on: the README's command starts
JupyterLab; in the page it opens, the file browser (never a typed URL) opens lesson 00 and
exercise 01; one part's answer is typed into its cell, its check shows the pass mark, and
``bp.progress()`` counts the part. Once in the repository, once in the built release.

Neither the repository nor the course's venv is touched: `make lab` runs in a temporary
copy (the tracked files, or the release that ``build_release`` writes) under /var/tmp,
whose ``.venv`` is a symlink to the venv running the tests. Its set-up stamp is already
there, so the copy's stamp prerequisites are dated before it and make goes straight to
JupyterLab; a make that would still install something stops the test first. The kernel
imports the copy's own bplab (PYTHONPATH), so the release's journey uses the release's
bplab, without the key; the progress file lives in a temporary BPLAB_HOME.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from tests.browser.conftest import REPO, _free_port, _write_settings

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.timeout(240)]

VENV = Path(sys.prefix)  # the venv running the tests: jupyter and bplab installed
STAMP = ".venv/.installed"  # the Makefile's $(STAMP) with VENV := .venv
EXERCISE = "ex01_chain_rule.ipynb"
PART = "ex01.d_sin_of_square"  # a one-line answer


def _course_copy(dest: Path) -> Path:
    """The repository's tracked files (as in the work tree, mtimes kept) in ``dest``."""
    files = subprocess.run(["git", "ls-files", "-z"], cwd=REPO, capture_output=True,
                           check=True, timeout=60).stdout.decode().split("\0")
    for name in filter(None, files):
        src = REPO / name
        if src.is_file():  # a tracked file deleted in the work tree is not copied
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dest / name, follow_symlinks=False)
    return dest


def _release(dest: Path) -> Path:
    from bplab.grading.release import build_release

    return build_release(dest)


def _link_venv(course: Path) -> list[str]:
    """Give ``course`` the tests' venv as its .venv, set up already: make's extra args."""
    (course / ".venv").symlink_to(VENV, target_is_directory=True)
    stamp = course / STAMP
    if not stamp.exists():  # a venv not made by make: tell make its set-up is done
        return ["-o", STAMP]
    prerequisites = subprocess.run(
        ["make", "-p", "-q", "--no-print-directory", "-f", "Makefile", STAMP], cwd=course,
        capture_output=True, text=True, timeout=60, check=False).stdout
    (line,) = [x for x in prerequisites.splitlines() if x.startswith(f"{STAMP}:")]
    before = stamp.stat().st_mtime - 60
    for name in line.split(":", 1)[1].split():  # the copies only, never the repository's
        os.utime(course / name, (before, before))
    return []


def _check_make_installs_nothing(course: Path, extra: list[str]) -> None:
    dry = subprocess.run(["make", "-n", "--no-print-directory", *extra, "lab"], cwd=course,
                         capture_output=True, text=True, timeout=60, check=False)
    assert dry.returncode == 0, dry.stderr
    assert "pip install" not in dry.stdout, f"make lab would install into {VENV}:\n{dry.stdout}"


def _start_make_lab(course: Path, extra: list[str], tmp: Path):
    """`make lab` with LAB_ARGS for a free port and a token: (process, log, landing URL)."""
    port, token = _free_port(), secrets.token_hex(16)
    settings = tmp / "settings"
    _write_settings(settings)  # no news pop-up, every cell rendered (conftest)
    lab_args = (f"--no-browser --ip=127.0.0.1 --port={port} --IdentityProvider.token={token} "
                f"--LabApp.user_settings_dir={settings} "
                f"--LabApp.workspaces_dir={tmp / 'workspaces'}")
    env = {**os.environ, "JUPYTER_RUNTIME_DIR": str(tmp / "runtime"),
           "BPLAB_HOME": str(tmp / "home"), "PYTHONPATH": str(course)}
    env.pop("MPLBACKEND", None)
    log = tmp / "make_lab.log"
    with open(log, "w") as out:
        proc = subprocess.Popen(["make", "--no-print-directory", *extra, "lab",
                                 f"LAB_ARGS={lab_args}"], cwd=course, stdout=out,
                                stderr=subprocess.STDOUT, env=env,
                                start_new_session=True)  # its own group: make + jupyter
    printed = re.compile(rf"(http://127\.0\.0\.1:{port}/lab)\?token=")
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        found = printed.search(log.read_text())
        if found:
            return proc, log, f"{found.group(1)}?token={token}"
        assert proc.poll() is None, f"make lab exited with {proc.returncode}:\n{log.read_text()}"
        time.sleep(0.3)
    raise AssertionError(f"make lab printed no URL in 60 s:\n{log.read_text()}")


def _stop(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=20)
    except ProcessLookupError:
        pass
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()


def _open_in_file_browser(page, *path: str) -> None:
    """From the file browser's root, double-click each folder of ``path``, then the file."""
    browser = page.locator("#filebrowser")
    if not browser.is_visible():
        page.locator('.jp-SideBar [data-id="filebrowser"]').click()
    browser.locator(".jp-BreadCrumbs-home").click()
    for name in path:
        browser.locator(".jp-DirListing-item").filter(has=page.locator(
            ".jp-DirListing-itemText", has_text=re.compile(rf"^{re.escape(name)}$"))).dblclick()


def _current_tab(page):
    return page.locator(".lm-DockPanel-tabBar .lm-TabBar-tab.lm-mod-current")


def _answer(part: str) -> tuple[str, list[str]]:
    """(def line, body lines) of ``part``'s solution, from the solutions notebook."""
    nb = json.loads((REPO / "solutions" / EXERCISE).read_text(encoding="utf-8"))
    (source,) = ["".join(c["source"]) for c in nb["cells"]
                 if c["metadata"].get("bplab") == {"part": part, "role": "solution"}]
    lines = source.splitlines()
    body = lines[lines.index("    ### BEGIN SOLUTION") + 1:lines.index("    ### END SOLUTION")]
    assert lines[0].startswith("def ") and all(x.startswith("    ") for x in body), source
    return lines[0], [x[4:] for x in body]


def _journey(page, url: str, course: Path, name: str, artifacts: Path) -> None:
    from playwright.sync_api import expect

    shot = iter(range(10))

    def screenshot(what: str) -> None:
        page.screenshot(path=artifacts / f"journey_{name}_{next(shot)}_{what}.png")

    page.goto(url)
    expect(page.locator("#filebrowser")).to_be_visible(timeout=60_000)
    _open_in_file_browser(page, "notebooks", "00_welcome.ipynb")
    expect(_current_tab(page)).to_contain_text("00_welcome.ipynb")
    notebook = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden)")
    expect(notebook).to_contain_text("Welcome")
    screenshot("lesson_00")

    _open_in_file_browser(page, "exercises", EXERCISE)
    expect(_current_tab(page)).to_contain_text(EXERCISE)
    page.get_by_text("Python 3 (ipykernel) | Idle").wait_for(timeout=90_000)
    cells = notebook.locator(".jp-CodeCell")
    first_line, body = _answer(PART)
    imports = cells.filter(has_text="import bplab as bp").first
    solution = cells.filter(has_text=first_line).first
    check = cells.filter(has_text=f'bp.check("{PART}"').first
    expect(solution).to_contain_text("raise NotImplementedError()")

    imports.locator(".cm-content").click()
    page.keyboard.press("Shift+Enter")
    expect(imports.locator(".jp-InputPrompt")).to_contain_text("[1]")

    solution.locator(".cm-content").click()
    page.keyboard.press("Control+a")
    page.keyboard.type(first_line)
    for line in body:  # the editor indents the body after the def's colon
        page.keyboard.press("Enter")
        page.keyboard.type(line)
    expect(solution.locator(".cm-content")).to_have_text(
        "\n".join([first_line, *(f"    {x}" for x in body)]))
    page.keyboard.press("Shift+Enter")
    expect(solution.locator(".jp-InputPrompt")).to_contain_text("[2]")

    check.locator(".cm-content").click()
    page.keyboard.press("Shift+Enter")
    verdict = check.locator(".jp-OutputArea-output")
    expect(verdict).to_contain_text(f"✓ {PART}: public checks passed")
    verdict.scroll_into_view_if_needed()
    screenshot("check_passed")

    check.locator(".cm-content").click()
    page.keyboard.press("Escape")
    page.keyboard.press("b")  # a new cell below the check
    page.keyboard.press("Enter")
    page.keyboard.type("print(bp.__file__)")
    page.keyboard.press("Enter")
    page.keyboard.type("bp.progress()")
    page.keyboard.press("Shift+Enter")
    table = cells.filter(has_text="bp.progress()").first.locator(".jp-OutputArea")
    expect(table).to_contain_text("1 of ")
    expect(table).to_contain_text("parts pass their public checks")
    expect(table.locator("tr").filter(has_text="ex01")).to_contain_text("1/5 parts")
    expect(table.locator("tr").filter(has_text=PART.split(".")[1])).to_contain_text("passed")
    # the kernel ran the copy's bplab (in the release: the one without the key)
    expect(table).to_contain_text(str(course / "bplab" / "__init__.py"))
    table.scroll_into_view_if_needed()
    screenshot("progress")


@pytest.mark.parametrize("name", ["repository", "release"])
def test_journey_from_make_lab_to_a_counted_part(name, page, artifacts):
    if shutil.which("make") is None or not (VENV / "bin" / "jupyter").exists():
        pytest.skip(f"needs make and {VENV / 'bin' / 'jupyter'}")
    tmp = Path(tempfile.mkdtemp(prefix=f"bplab-journey-{name}-", dir="/var/tmp"))
    proc = None
    try:
        course = tmp / "bplab-course"
        if name == "repository":
            course.mkdir()
            _course_copy(course)
        else:
            _release(course)
        extra = _link_venv(course)
        stamp = (VENV / ".installed").stat().st_mtime if not extra else None
        _check_make_installs_nothing(course, extra)
        proc, log, url = _start_make_lab(course, extra, tmp)
        try:
            _journey(page, url, course, name, artifacts)
        except Exception:
            page.screenshot(path=artifacts / f"journey_{name}_failed.png")
            print(log.read_text()[-4000:])
            raise
        progress = json.loads((tmp / "home" / "progress.json").read_text())
        assert progress[PART]["status"] == "passed", progress
        if stamp is not None:  # make lab did not set the venv up again
            assert (VENV / ".installed").stat().st_mtime == stamp
    finally:
        if proc is not None:
            _stop(proc)
        shutil.rmtree(tmp, ignore_errors=True)
