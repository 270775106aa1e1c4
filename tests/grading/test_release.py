"""The student release: built from the repository, installed into a fresh venv, every
lesson and blank exercise run there, and no key anywhere in it (proved by search)."""

from __future__ import annotations

import importlib
import inspect
import json
import os
import re
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import numpy as np
import pytest

from bplab.grading.spec import load_parts, make_cases
from bplab.grading.wire import loads

REPO = Path(__file__).resolve().parents[2]
EXERCISES = sorted(p.name[:4] for p in (REPO / "solutions").glob("ex[0-9][0-9]_*.ipynb"))
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def release(tmp_path_factory) -> Path:
    dest = tmp_path_factory.mktemp("release") / "bplab-course"
    proc = subprocess.run([sys.executable, "-m", "bplab", "release", str(dest)], cwd=REPO,
                          capture_output=True, text=True, timeout=300, check=False)
    assert proc.returncode == 0, proc.stderr
    return dest


@pytest.fixture(scope="module")
def venv(release, tmp_path_factory) -> Path:
    """A fresh venv with the release installed (not editable); the course's dependencies
    come from this venv's site-packages through a .pth, as no network is assumed."""
    env = tmp_path_factory.mktemp("venv") / "v"
    subprocess.run([sys.executable, "-m", "venv", str(env)], check=True, timeout=300)
    site = env / "lib" / f"python{sys.version_info.major}.{sys.version_info.minor}" / "site-packages"
    (site / "zz-course-deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    wheels = tmp_path_factory.mktemp("wheel")
    proc = subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps",
                           "-w", str(wheels), str(release)],
                          capture_output=True, text=True, timeout=600, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    (wheel,) = wheels.glob("bplab-*.whl")
    proc = subprocess.run([str(env / "bin" / "python"), "-m", "pip", "install", "--quiet",
                           "--no-deps", str(wheel)],
                          capture_output=True, text=True, timeout=600, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return env


def _run(env: Path, *args: str, cwd: Path | None = None, timeout: float = 600):
    """Run the venv's python in ``cwd`` (by default the venv: never the repository)."""
    return subprocess.run([str(env / "bin" / "python"), *args], cwd=cwd or env, capture_output=True,
                          text=True, timeout=timeout, check=False,
                          env={"PATH": f"{env / 'bin'}:/usr/bin:/bin", "HOME": str(env),
                               "BPLAB_HOME": str(env / "home"), "OPENBLAS_NUM_THREADS": "1"})


def test_release_holds_the_course_and_the_two_commands(release):
    assert sorted(p.name for p in (release / "notebooks").glob("*.ipynb")) == sorted(
        p.name for p in (REPO / "notebooks").glob("*.ipynb"))
    assert len(list((release / "exercises").glob("ex*.ipynb"))) == len(EXERCISES)
    makefile = (release / "Makefile").read_text()
    assert "\nlab:" in makefile and "\ntest:" in makefile
    assert "make lab" in (release / "README.md").read_text()


def _learner_block(makefile: str) -> str:
    return makefile[makefile.index("# >>> learner block"):makefile.index("# <<< learner block")]


def test_release_make_lab_is_the_repositorys_and_serves_the_course_folder(release):
    makefile = (release / "Makefile").read_text()
    assert _learner_block(makefile) == _learner_block((REPO / "Makefile").read_text())
    if shutil.which("make") is None:
        pytest.skip("needs make")
    proc = subprocess.run(["make", "-n", "--no-print-directory", "lab", "LAB_ARGS=--no-browser"],
                          cwd=release, capture_output=True, text=True, timeout=60, check=False)
    assert proc.returncode == 0, proc.stderr
    (lab,) = [line for line in proc.stdout.splitlines() if "jupyter lab" in line]
    assert "--ServerApp.root_dir=. " in lab and "--no-browser" in lab, lab
    assert lab.endswith(" notebooks/00_welcome.ipynb"), lab
    assert ("--allow-root" in lab) == (os.geteuid() == 0), lab


def test_release_installs_what_a_learner_needs_and_ignores_what_it_builds(release):
    def names(path: Path) -> set[str]:
        return {line.split("=")[0].strip().lower() for line in path.read_text().splitlines()
                if line.strip() and not line.startswith("#")}

    learner = names(release / "requirements.txt")
    assert {"numpy", "jupyterlab", "ipykernel", "ipywidgets", "scikit-learn"} <= learner
    tools = {"pytest", "pytest-timeout", "nbval", "playwright", "axe-playwright-python", "ruff",
             "hypothesis"}
    assert not learner & tools and not any(n.startswith("-") for n in learner)
    assert names(release / "requirements-test.txt") == {"pytest", "nbval"}
    ignored = (release / ".gitignore").read_text().split()
    assert {".venv/", "build/", "*.egg-info/", ".ipynb_checkpoints/", "__pycache__/"} <= set(ignored)
    readme = (release / "README.md").read_text()
    for needed in ("Python 3.11", "python3 -m venv .venv", "pip install -r requirements.txt",
                   "--allow-root", "ipykernel install --user --name bplab", "JupyterHub"):
        assert needed in readme, needed


# What a learner's text must not mention: the instructors' source, their make targets, the key.
INSTRUCTOR_TEXT = re.compile(r"solutions/|make (?:execute|exercises)|answer key|\bthe key\b"
                             r"|instructors-only", re.IGNORECASE)


def _learner_texts(release: Path) -> dict[str, str]:
    """What a learner reads: the README, every notebook's cells and saved outputs (widget
    state included), and the lessons' quizzes."""
    texts = {"README.md": (release / "README.md").read_text()}
    for path in sorted(release.glob("*/*.ipynb")):
        nb = json.loads(path.read_text(encoding="utf-8"))
        shown = [nb["cells"], nb["metadata"].get("widgets", {})]
        texts[str(path.relative_to(release))] = json.dumps(shown, ensure_ascii=False)
    for path in sorted((release / "bplab" / "labs" / "quizzes").glob("*.json")):
        texts[str(path.relative_to(release))] = path.read_text()
    return texts


def test_learners_text_says_nothing_of_the_instructors_side(release):
    texts = _learner_texts(release)
    assert {"notebooks/00_welcome.ipynb", "exercises/ex01_chain_rule.ipynb"} <= set(texts)
    found = {name: sorted(set(INSTRUCTOR_TEXT.findall(text))) for name, text in texts.items()}
    assert not {name: hits for name, hits in found.items() if hits}
    make_test = re.compile(r"`make test`[^\n]*(?:\n[^\n-][^\n]*)*")
    for name, text in texts.items():  # the learner's make test: lessons, not solutions
        for said in make_test.findall(text.replace("\\n", "\n")):
            assert "unit test" not in said and "solution" not in said, (name, said)


def test_the_repositorys_lesson_00_keeps_its_instructors_note_in_a_tagged_cell(release):
    repo = json.loads((REPO / "notebooks" / "00_welcome.ipynb").read_text(encoding="utf-8"))
    tagged = [c for c in repo["cells"] if "instructors-only" in c["metadata"].get("tags", [])]
    assert tagged and all("solutions/" in "".join(c["source"]) for c in tagged)
    shipped = json.loads((release / "notebooks" / "00_welcome.ipynb").read_text(encoding="utf-8"))
    assert len(shipped["cells"]) == len(repo["cells"]) - len(tagged)
    assert [c["id"] for c in shipped["cells"]] == [c["id"] for c in repo["cells"] if c not in tagged]


def test_installed_release_has_no_key_and_refuses_instructor_commands(venv, tmp_path):
    proc = _run(venv, "-c", "import bplab, bplab.grading.check as c; print(bplab.__file__)")
    assert proc.returncode == 0 and str(venv) in proc.stdout, proc.stderr
    for module in ("bplab.grading.exercises", "bplab.grading.exercises.ex05",
                   "bplab.grading.autograde", "bplab.grading.sandbox"):
        proc = _run(venv, "-c", f"import {module}")
        assert "ModuleNotFoundError" in proc.stderr, module
    proc = _run(venv, "-m", "bplab", "grade", "x.ipynb")
    assert proc.returncode == 2 and "learners' copy" in proc.stderr


def test_every_lesson_and_blank_exercise_runs_in_the_release(venv, release):
    proc = _run(venv, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:warnings",
                "--nbval-lax", "--nbval-sanitize-with", "nbval_sanitize.cfg", "notebooks/",
                cwd=release, timeout=900)
    assert proc.returncode == 0, proc.stdout[-3000:]
    notebooks = sorted(str(p) for p in (release / "exercises").glob("ex*.ipynb"))
    proc = _run(venv, "-m", "bplab", "selftest", *notebooks, cwd=release, timeout=900)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def _texts(release: Path) -> dict[Path, str]:
    return {p: p.read_text(errors="replace") for p in release.rglob("*")
            if p.is_file() and p.suffix in (".py", ".json", ".ipynb", ".md", ".txt", ".toml")}


def _squash(text: str) -> str:
    return " ".join(text.split())


def test_no_reference_or_case_source_anywhere_in_the_release(release):
    """Every function of every key module (references, case generators, bug models)."""
    corpus = _squash("\n".join(_texts(release).values()).replace("\\n", "\n"))
    assert not (release / "bplab" / "grading" / "exercises").exists()
    for exercise in EXERCISES:
        module = importlib.import_module(f"bplab.grading.exercises.{exercise}")
        for name, fn in inspect.getmembers(module, inspect.isfunction):
            if fn.__module__ == module.__name__:
                body = _squash(inspect.getsource(fn))
                assert body not in corpus, f"{exercise}.{name} is in the release"


def test_no_quiz_answer_in_the_release(release):
    from bplab.grading.exercises.ex09 import QUESTIONS

    texts = _texts(release)
    corpus = "\n".join(texts.values())
    for q in QUESTIONS:
        assert _squash(q.why) not in _squash(corpus), f"{q.key}'s explanation is in the release"
        assert f'answer_{q.key} = "{q.answer}"' not in corpus
    for exercise in EXERCISES:
        data = loads((release / "bplab" / "grading" / "public" / f"{exercise}.json").read_text())
        for entry in data["parts"]:
            if entry["kind"] == "value":
                assert set(entry) == {"id", "name", "points", "kind", "description", "compare"}
                assert set(entry["compare"]) == {"type", "expects"}


def _arrays(release: Path):
    """Every array stored as data in the release (npz files and the public data)."""
    for path in release.rglob("*.npz"):
        with np.load(path) as data:
            yield from (data[k] for k in data.files)
    stack = [loads(p.read_text()) for p in (release / "bplab" / "grading" / "public").glob("*.json")]
    while stack:
        item = stack.pop()
        if isinstance(item, np.ndarray):
            yield item
        elif isinstance(item, (list, tuple)):
            stack.extend(item)
        elif isinstance(item, dict):
            stack.extend(item.values())


def test_no_held_out_digit_in_the_release(release):
    part = next(p for p in load_parts("ex08") if p.id == "ex08.predict")
    (held,) = make_cases(part, 12345)
    held_rows = {tuple(np.rint(row * 16).astype(int)) for row in held.args[0]}
    found = 0
    for arr in _arrays(release):
        if arr.ndim == 2 and arr.shape[1] == 64:
            pixels = np.rint(arr * 16 if arr.max() <= 1.0 else arr).astype(int)
            found += sum(tuple(row) in held_rows for row in pixels)
    assert found <= 5  # the digits set holds a few duplicate images across the split
    assert json.dumps(held.y.tolist()) not in "\n".join(_texts(release).values())
