"""The student release: what learners get, built from the instructors' repository.

``python -m bplab release DIR`` writes the lessons and ``exercises/`` (without their cells
tagged ``instructors-only``), a README for learners, the two commands (``make lab``, the
repository Makefile's learner block; ``make test``), the learner's requirements (no test
tools but pytest and nbval, for ``make test``) and a bplab **without the key**: no
``grading/exercises`` (references, hidden cases, held-out data, quiz answers), no grader
(``autograde``, ``sandbox``, ``notebooks``, ``report``, ``release``) and no instructors'
tools (``classroom``). ``grading/`` ships by allow-list (``LEARNER_GRADING``), so a module
added there stays with the instructors until it is listed. Its ``bp.check`` reads the public
data in ``grading/public``.
``student_package`` builds the same learner's bplab for the grader's sandboxes.
"""

from __future__ import annotations

import compileall
import json
import shutil
from pathlib import Path

from .spec import exercise_notebooks, notebook_exercise

__all__ = ["INSTRUCTORS_ONLY", "INSTRUCTORS_TAG", "LEARNER_GRADING", "build_release", "learner_makefile",
           "learner_notebook", "student_package"]

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = Path(__file__).resolve().parents[1]
# The learner's side of grading/, by allow-list: what bp.check needs (public data, judge,
# feedback, progress) and what runs inside a sandbox (runner, messages, wire). Anything else in
# grading/ (the key in grading/exercises, the grader, a module added tomorrow) stays home.
LEARNER_GRADING = ("__init__.py", "casefns.py", "check.py", "feedback.py", "judge.py",
                   "messages.py", "progress.py", "public", "runner.py", "spec.py", "wire.py")
# The instructors' tools: never shipped. The network code (the rest of bplab) ships whole.
INSTRUCTORS_ONLY = ("classroom",)


def _ignore(directory: str, names: list[str]) -> set[str]:
    rel = Path(directory).resolve().relative_to(PACKAGE)
    skip = {n for n in names if n in ("__pycache__", ".ipynb_checkpoints") or n.endswith(".pyc")}
    if rel == Path("."):
        return skip | {n for n in names if n in INSTRUCTORS_ONLY}
    if rel == Path("grading"):
        return skip | {n for n in names if n not in LEARNER_GRADING}
    return skip


def student_package(site: Path, exercises: list[str]) -> Path:
    """Write the learner's bplab into ``site/bplab`` with public data for ``exercises``;
    returns ``site`` (a folder to put on PYTHONPATH)."""
    from .publish import public_data

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


# The course's Python: the pinned numpy, scipy, scikit-learn, matplotlib and ipykernel
# wheels all say Requires-Python >= 3.11.
PYTHON_VERSION = "3.11"

LEARNER_README = f"""# bplab: learn backpropagation by building it

Lessons in `notebooks/` walk from the chain rule to training a multilayer perceptron on
real handwritten digits; most have an exercise in `exercises/`.

## Start

You need Python {PYTHON_VERSION} or newer (the pinned numpy, scipy and JupyterLab wheels
need it) and `make`.

```bash
make lab     # creates .venv, installs the course, opens JupyterLab on lesson 00
make test    # the same set-up plus pytest, then runs every lesson and every blank exercise
```

JupyterLab opens on `notebooks/00_welcome.ipynb`; its file browser shows the whole course,
`notebooks/` and `exercises/` side by side. `make lab LAB_ARGS="--no-browser --port=8899"`
passes more options to JupyterLab; if that port is taken, `make lab` says so and stops.
With a Python that is too old, `make lab PYTHON=python3.12` picks another one.

**As root** (a container, Binder, many cloud notebooks) JupyterLab refuses to start unless
given `--allow-root`; `make lab` passes it for you and prints a line saying so.

### Without make

```bash
python3 -m venv .venv && . .venv/bin/activate
pip install -r requirements.txt
pip install --no-deps .
jupyter lab --ServerApp.root_dir=. notebooks/00_welcome.ipynb    # as root, add --allow-root
```

### On a JupyterHub

JupyterHub already runs JupyterLab for you: don't start another one with `make lab`. If
your instructor's hub image has the course installed, open `notebooks/00_welcome.ipynb` and
go. Otherwise, in a hub terminal, in this folder, install the course into its own
environment and register it as a kernel:

```bash
python3 -m venv .venv
.venv/bin/pip install -r requirements.txt && .venv/bin/pip install --no-deps .
.venv/bin/python -m ipykernel install --user --name bplab --display-name "Python (bplab)"
```

then choose **Python (bplab)** in JupyterLab's kernel menu (Kernel > Change Kernel) for
each lesson and exercise.

## Working through it

In an exercise, the cell after each part runs its **public checks**
(`bp.check(...)`): a pass, or a diagnosis that names the bug. Your instructor's grader
also runs hidden cases, so "public checks passed" is not yet a grade. Quiz answers are
recorded, not marked, until you hand the notebook in. `bp.progress()` shows how far you are.

Hand in the exercise notebook itself (`exercises/exNN_*.ipynb`), as your instructor asks.
"""

# The release's Makefile: its own settings, then the repository Makefile's learner block
# (the same `make lab` in both), then the learner's `make test`.
LEARNER_MAKEFILE_HEAD = """# The course's two commands: `make lab` opens it; `make test` runs every lesson and blank
# exercise. Both set everything up first.
REQUIREMENTS  := requirements.txt
BPLAB_INSTALL := .
.PHONY: lab test

"""

LEARNER_MAKEFILE_TAIL = """
TEST_STAMP = $(VENV)/.installed-test
$(TEST_STAMP): $(STAMP) requirements-test.txt
\t$(PY) -m pip install --quiet -r requirements-test.txt
\ttouch $(TEST_STAMP)

test: $(TEST_STAMP)  ## set up, then run every lesson and every blank exercise
\tOPENBLAS_NUM_THREADS=1 BPLAB_HOME=$(CURDIR)/.venv/home $(PY) -m pytest -q -p no:cacheprovider -p no:warnings --nbval-lax --nbval-sanitize-with nbval_sanitize.cfg notebooks/
\tOPENBLAS_NUM_THREADS=1 BPLAB_HOME=$(CURDIR)/.venv/home $(PY) -m bplab selftest exercises/*.ipynb
"""

BLOCK = ("# >>> learner block", "# <<< learner block")
TEST_TOOLS = ("pytest", "nbval")   # what the release's `make test` adds to requirements.txt
LEARNER_GITIGNORE = ".venv/\nbuild/\n*.egg-info/\n.ipynb_checkpoints/\n__pycache__/\n"
# A notebook cell with this tag speaks to instructors (the answer key, `solutions/`, the
# instructors' make targets); the release drops it from every notebook it copies.
INSTRUCTORS_TAG = "instructors-only"


def learner_makefile(root: Path = ROOT) -> str:
    """The release's Makefile, around the repository Makefile's learner block."""
    text = (root / "Makefile").read_text()
    begin, end = (text.index(marker) for marker in BLOCK)
    return LEARNER_MAKEFILE_HEAD + text[begin:end + len(BLOCK[1])] + "\n" + LEARNER_MAKEFILE_TAIL


def _test_requirements(root: Path) -> str:
    pins = [line.strip() for line in (root / "requirements.txt").read_text().splitlines()
            if line.strip().split("=")[0].strip().lower() in TEST_TOOLS]
    return "# What `make test` adds to requirements.txt.\n" + "\n".join(pins) + "\n"


def learner_notebook(src: Path, dest: Path) -> None:
    """Copy a notebook without its cells tagged ``instructors-only`` (byte for byte when it
    has none)."""
    nb = json.loads(src.read_text(encoding="utf-8"))
    cells = [c for c in nb["cells"] if INSTRUCTORS_TAG not in c.get("metadata", {}).get("tags", [])]
    if len(cells) == len(nb["cells"]):
        shutil.copy2(src, dest)
        return
    nb["cells"] = cells
    dest.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


def _drop_bytecode(folder: Path) -> None:
    for cache in list(folder.rglob("__pycache__")):
        shutil.rmtree(cache)


def build_release(dest: str | Path, root: Path = ROOT) -> Path:
    """Write the student release into ``dest`` (which must not exist or be empty)."""
    dest = Path(dest)
    if dest.exists() and any(dest.iterdir()):
        raise ValueError(f"release: {str(dest)!r} is not empty; give a new folder")
    exercises = [notebook_exercise(p) for p in exercise_notebooks(root / "solutions")]
    student_package(dest, exercises)
    _drop_bytecode(dest / "bplab")   # a release is source; its installer compiles
    for folder in ("notebooks", "exercises"):
        (dest / folder).mkdir(parents=True, exist_ok=True)
        for nb in sorted((root / folder).glob("*.ipynb")):
            learner_notebook(nb, dest / folder / nb.name)
    for name in ("pyproject.toml", "tests/nbval_sanitize.cfg"):
        shutil.copy2(root / name, dest / Path(name).name)
    shutil.copy2(root / "requirements-learner.txt", dest / "requirements.txt")
    (dest / "requirements-test.txt").write_text(_test_requirements(root))
    (dest / "README.md").write_text(LEARNER_README)
    (dest / "Makefile").write_text(learner_makefile(root))
    (dest / ".gitignore").write_text(LEARNER_GITIGNORE)
    return dest
