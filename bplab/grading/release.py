"""The student release: what learners get, built from the instructors' repository.

``python -m bplab release DIR`` writes the lessons, ``exercises/``, a README for learners,
the two commands (``make lab``, ``make test``) and a bplab **without the key**: no
``grading/exercises`` (references, hidden cases, held-out data, quiz answers), no grader
(``autograde``, ``sandbox``, ``notebooks``, ``report``, ``release``) and no instructors'
tools (``classroom``). Its ``bp.check`` reads the public data in ``grading/public``.
``student_package`` builds the same learner's bplab for the grader's sandboxes.
"""

from __future__ import annotations

import compileall
import shutil
from pathlib import Path

__all__ = ["INSTRUCTORS_ONLY", "build_release", "student_package"]

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = Path(__file__).resolve().parents[1]
INSTRUCTORS_ONLY = ("grading/exercises", "grading/autograde.py", "grading/sandbox.py",
                    "grading/notebooks.py", "grading/report.py", "grading/release.py",
                    "classroom")


def _ignore(directory: str, names: list[str]) -> set[str]:
    rel = Path(directory).resolve().relative_to(PACKAGE)
    skip = {n for n in names if n in ("__pycache__", ".ipynb_checkpoints") or n.endswith(".pyc")}
    return skip | {n for n in names if str(rel / n).lstrip("./") in INSTRUCTORS_ONLY
                   or (rel == Path(".") and n in INSTRUCTORS_ONLY)}


def student_package(site: Path, exercises: list[str]) -> Path:
    """Write the learner's bplab into ``site/bplab`` with public data for ``exercises``;
    returns ``site`` (a folder to put on PYTHONPATH)."""
    from .check import public_data

    site.mkdir(parents=True, exist_ok=True)
    shutil.copytree(PACKAGE, site / "bplab", ignore=_ignore, dirs_exist_ok=True)
    public = site / "bplab" / "grading" / "public"
    public.mkdir(parents=True, exist_ok=True)
    for exercise in exercises:  # the committed data, or (the tests' own exercise) made now
        if not (public / f"{exercise}.json").exists():
            (public / f"{exercise}.json").write_text(public_data(exercise))
    compileall.compile_dir(site / "bplab", quiet=1)  # sandboxes are read-only: compile once
    for path in site.rglob("*"):
        path.chmod(0o755 if path.is_dir() else 0o644)
    site.chmod(0o755)
    return site


LEARNER_README = """# bplab: learn backpropagation by building it

Lessons in `notebooks/` walk from the chain rule to training a multilayer perceptron on
real handwritten digits; each has an exercise in `exercises/`.

```bash
make lab     # creates .venv, installs everything, opens JupyterLab on lesson 00
make test    # the same set-up, then runs every lesson and every blank exercise
```

In an exercise, the cell after each part runs its **public checks**
(`bp.check(...)`): a pass, or a diagnosis that names the bug. Your instructor's grader
also runs hidden cases, so "public checks passed" is not yet a grade. Quiz answers are
recorded, not marked, until you hand the notebook in. `bp.progress()` shows how far you are.

Hand in the exercise notebook itself (`exercises/exNN_*.ipynb`), as your instructor asks.
"""

LEARNER_MAKEFILE = """PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
LAB_ROOT := $(shell [ "$$(id -u)" = 0 ] && echo --allow-root)

.PHONY: lab test
$(STAMP): requirements.txt pyproject.toml
\ttest -x $(PY) || $(PYTHON) -m venv $(VENV)
\t$(PY) -m pip install --quiet -r requirements.txt
\t$(PY) -m pip install --quiet --no-deps .
\ttouch $(STAMP)

lab: $(STAMP)  ## set up, then open the course (root needs --allow-root: containers, Binder)
\t$(VENV)/bin/jupyter lab $(LAB_ROOT) notebooks/00_welcome.ipynb

test: $(STAMP)  ## set up, then run every lesson and every blank exercise
\tOPENBLAS_NUM_THREADS=1 BPLAB_HOME=$(CURDIR)/.venv/home $(PY) -m pytest -q -p no:cacheprovider -p no:warnings --nbval-lax --nbval-sanitize-with nbval_sanitize.cfg notebooks/
\tOPENBLAS_NUM_THREADS=1 BPLAB_HOME=$(CURDIR)/.venv/home $(PY) -m bplab selftest exercises/*.ipynb
"""


def _drop_bytecode(folder: Path) -> None:
    for cache in list(folder.rglob("__pycache__")):
        shutil.rmtree(cache)


def build_release(dest: str | Path, root: Path = ROOT) -> Path:
    """Write the student release into ``dest`` (which must not exist or be empty)."""
    dest = Path(dest)
    if dest.exists() and any(dest.iterdir()):
        raise ValueError(f"release: {str(dest)!r} is not empty; give a new folder")
    exercises = sorted(p.name[:4] for p in (root / "solutions").glob("ex[0-9][0-9]_*.ipynb"))
    student_package(dest, exercises)
    _drop_bytecode(dest / "bplab")   # a release is source; its installer compiles
    for folder in ("notebooks", "exercises"):
        (dest / folder).mkdir(parents=True, exist_ok=True)
        for nb in sorted((root / folder).glob("*.ipynb")):
            shutil.copy2(nb, dest / folder / nb.name)
    for name in ("requirements.txt", "pyproject.toml", "tests/nbval_sanitize.cfg"):
        shutil.copy2(root / name, dest / Path(name).name)
    (dest / "README.md").write_text(LEARNER_README)
    (dest / "Makefile").write_text(LEARNER_MAKEFILE)
    (dest / ".gitignore").write_text(".venv/\n__pycache__/\n.ipynb_checkpoints/\n")
    return dest
