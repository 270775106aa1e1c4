"""Updating a course learners already ran: what docs/teaching.md promises, tried with git.

A learner runs lesson 00 (its outputs change) and makes a file of their own; the instructor
then edits the same lesson and adds a file of the same name. nbgitpuller's update keeps
the learner's run and their file and brings the instructor's edit; a plain ``git pull``
refuses; the documented ``git stash`` update brings the edit and keeps the run in the stash.
"""

import os
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

REPO = Path(__file__).resolve().parents[2]
LESSON = "notebooks/00_welcome.ipynb"
GIT_ENV = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@x", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@x", "GIT_CONFIG_GLOBAL": os.devnull}


def _git(cwd: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    return subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True,
                          env=dict(os.environ, **GIT_ENV), check=check)


@pytest.fixture(scope="module")
def nbgitpuller_path(tmp_path_factory) -> Path:
    """nbgitpuller installed into a private folder (it is what a hub image installs)."""
    target = tmp_path_factory.mktemp("nbgitpuller")
    done = subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps",
                           "--target", str(target), "nbgitpuller==1.3.0"],
                          capture_output=True, text=True, check=False)
    if done.returncode != 0:
        pytest.skip(f"nbgitpuller cannot be installed here: {done.stderr.strip()[-200:]}")
    return target


def _upstream(tmp_path: Path) -> Path:
    """The instructor's release repository with lesson 00 in it."""
    upstream = tmp_path / "upstream"
    (upstream / "notebooks").mkdir(parents=True)
    (upstream / LESSON).write_bytes((REPO / LESSON).read_bytes())
    _git(upstream, "init", "-q", "-b", "main")
    _git(upstream, "add", ".")
    _git(upstream, "commit", "-qm", "release")
    return upstream


def _learner_runs_the_lesson(clone: Path) -> None:
    """What running lesson 00 does to the file: new outputs and execution counts."""
    nb = nbformat.read(clone / LESSON, as_version=4)
    for i, cell in enumerate(c for c in nb.cells if c.cell_type == "code"):
        cell.execution_count = 100 + i
        cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text=f"my run {i}\n")]
    nbformat.write(nb, clone / LESSON)
    (clone / "notebooks" / "01_new.ipynb").write_text("my own notes\n")


def _instructor_updates(upstream: Path) -> None:
    """Edit the lesson's first markdown cell and add a new lesson file."""
    nb = nbformat.read(upstream / LESSON, as_version=4)
    first = next(c for c in nb.cells if c.cell_type == "markdown")
    first.source += "\n\nUpdated for this term."
    nbformat.write(nb, upstream / LESSON)
    nbformat.write(nbformat.v4.new_notebook(), upstream / "notebooks" / "01_new.ipynb")
    _git(upstream, "add", ".")
    _git(upstream, "commit", "-qm", "update")


def _state(clone: Path) -> tuple[bool, bool]:
    """(the learner's run is there, the instructor's edit is there)."""
    text = (clone / LESSON).read_text()
    return "my run 0" in text, "Updated for this term." in text


def test_nbgitpuller_keeps_the_learners_run_and_brings_the_update(tmp_path, nbgitpuller_path):
    upstream = _upstream(tmp_path)
    clone = tmp_path / "home" / "bplab-release"
    pull = [sys.executable, "-m", "nbgitpuller.pull", upstream.as_uri(), "main", str(clone)]
    env = dict(os.environ, PYTHONPATH=str(nbgitpuller_path), **GIT_ENV)
    subprocess.run(pull, env=env, check=True, capture_output=True)
    _learner_runs_the_lesson(clone)
    _instructor_updates(upstream)
    done = subprocess.run(pull, env=env, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    assert _state(clone) == (True, True)
    renamed = [p.name for p in (clone / "notebooks").glob("01_new__*.ipynb")]
    assert len(renamed) == 1 and (clone / "notebooks" / renamed[0]).read_text() == \
        "my own notes\n"


def test_a_plain_git_pull_refuses_and_the_documented_stash_update_works(tmp_path):
    upstream = _upstream(tmp_path)
    clone = tmp_path / "clone"
    _git(tmp_path, "clone", "-q", upstream.as_uri(), str(clone))
    _learner_runs_the_lesson(clone)
    _instructor_updates(upstream)
    assert _git(clone, "pull", "--ff-only", check=False).returncode != 0
    # docs/teaching.md, "Update in one step, keeping your work":
    _git(clone, "stash", "push", "--include-untracked", "-m", "my work before updating")
    _git(clone, "pull", "--ff-only")
    assert _state(clone) == (False, True)
    kept = _git(clone, "show", f"stash@{{0}}:{LESSON}").stdout
    assert "my run 0" in kept
