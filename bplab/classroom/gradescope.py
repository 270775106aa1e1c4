"""Gradescope: build an autograder zip for one exercise, and write Gradescope's results.json.

The zip (Gradescope unpacks it into ``/autograder/source``) holds:

- ``setup.sh``: run once when Gradescope builds the image. Installs bubblewrap (apt), makes
  a venv ``/autograder/bplab-venv``, pip-installs ``requirements.txt`` into it, then the
  grader side of bplab from ``grader/`` (not editable). ``BPLAB_REUSE_PYTHON=/path/python``
  reuses that Python's installed packages instead of pip-installing them (tests; offline);
  ``BPLAB_SKIP_APT=1`` skips apt-get (tests; an image that has python3-venv and bwrap).
- ``run_autograder``: grades ``/autograder/submission/*.ipynb`` with
  ``python -m bplab grade ... --exercise exNN --out <json>`` and converts the JSON to
  ``/autograder/results/results.json`` (``run_autograder(root)`` below).
- ``grader/``: this repository's ``bplab`` with this exercise's key only (its references,
  hidden cases and specs; no other exercise's key module) and its ``pyproject.toml``; ``solutions/exNN_*.ipynb``: the source of the graded notebook.
  Neither is ever part of the student release.
- ``bplab_autograder.json``: the exercise, timeout, hidden-case visibility, sandbox policy.

``AUTOGRADER_ROOT`` moves ``/autograder`` elsewhere (tests unpack into a temporary root).
results.json follows Gradescope's documented format: top-level ``score``,
``execution_time``, ``output``, ``visibility``, ``stdout_visibility`` and ``tests``, each
test with ``name``, ``score``, ``max_score``, ``status``, ``output``, ``visibility``.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

from ..grading.spec import Status, exercise_notebooks, is_exercise, notebook_exercise
from . import ClassroomError

__all__ = ["build_autograder", "run_autograder", "to_results"]

REPO = Path(__file__).resolve().parents[2]
CONFIG = "bplab_autograder.json"
VENV = "bplab-venv"
# What the grader needs at run time (pins come from the repository's requirements.txt).
GRADER_PACKAGES = ("numpy", "matplotlib", "scipy", "scikit-learn", "ipywidgets", "ipykernel",
                   "nbformat", "nbclient")
VISIBILITIES = ("visible", "after_due_date", "after_published", "hidden")

SETUP_SH = r"""#!/usr/bin/env bash
# Gradescope runs this once, as root, when it builds the autograder image.
set -euo pipefail
ROOT="${AUTOGRADER_ROOT:-/autograder}"
SRC="$ROOT/source"
VENV="$ROOT/bplab-venv"
PY="${BPLAB_REUSE_PYTHON:-python3}"
if [ -z "${BPLAB_SKIP_APT:-}" ] && command -v apt-get >/dev/null && [ "$(id -u)" = 0 ]; then
    apt-get update -qq
    apt-get install -y -qq python3 python3-venv python3-pip bubblewrap >/dev/null
fi
if ! "$PY" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
    echo "setup.sh: bplab needs Python >= 3.11 ($PY is older): pick the Ubuntu 24.04" \
         "base image in Gradescope's autograder settings" >&2
    exit 1
fi
rm -rf "$VENV"
if [ -n "${BPLAB_REUSE_PYTHON:-}" ]; then
    # Reuse that Python's packages (numpy, nbclient, ...) through a .pth; install bplab itself.
    "$PY" -m venv --without-pip "$VENV"
    SITE=$("$VENV/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')
    "$PY" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])' > "$SITE/bplab-reused.pth"
    "$PY" -m pip --python "$VENV/bin/python" install --quiet --no-deps \
        "$SRC/grader"
else
    "$PY" -m venv "$VENV"
    "$VENV/bin/python" -m pip install --quiet -r "$SRC/requirements.txt"
    "$VENV/bin/python" -m pip install --quiet --no-deps "$SRC/grader"
fi
"$VENV/bin/python" -m bplab grade --help >/dev/null
echo "setup.sh: the bplab grader is installed in $VENV"
"""

RUN_AUTOGRADER = r"""#!/usr/bin/env bash
# Gradescope runs this for every submission, from /autograder.
ROOT="${AUTOGRADER_ROOT:-/autograder}"
exec env -u PYTHONPATH "$ROOT/bplab-venv/bin/python" -m bplab.classroom.gradescope --root "$ROOT"
"""


def _source_notebook(source: Path, exercise: str) -> Path:
    """``source/exNN_*.ipynb``, checked against the specs; ClassroomError in one line."""
    if not is_exercise(exercise):
        raise ClassroomError(f"the exercise must look like ex05, got {exercise!r}")
    found = sorted(source.glob(f"{exercise}_*.ipynb"))
    known = [notebook_exercise(p) for p in exercise_notebooks(source)]
    keys = REPO / "bplab" / "grading" / "exercises"
    has_spec = (keys / f"{exercise}.py").is_file() or (keys / exercise / "__init__.py").is_file()
    if len(found) != 1 or not has_spec:
        where = f"no {exercise}_*.ipynb in {str(source)!r}" if not found else (
            f"{len(found)} {exercise}_*.ipynb in {str(source)!r}" if len(found) > 1
            else f"no spec bplab/grading/exercises/{exercise}.py")
        raise ClassroomError(f"cannot build an autograder for {exercise}: {where}; "
                             f"the exercises are {', '.join(known) or 'none'}")
    return found[0]


def grader_requirements(requirements: Path = REPO / "requirements.txt") -> str:
    """The grader's pinned requirements: GRADER_PACKAGES with the repository's pins."""
    pins = _pins(requirements)
    return "\n".join(pins.get(name, name) for name in GRADER_PACKAGES) + "\n"


def _pins(requirements: Path) -> dict[str, str]:
    """{name: its line} in a requirements file and the files it includes (``-r other.txt``)."""
    pins: dict[str, str] = {}
    if not requirements.is_file():
        return pins
    for line in requirements.read_text().splitlines():
        line = line.strip()
        if line.startswith(("-r ", "--requirement ")):
            pins.update(_pins(requirements.parent / line.split(maxsplit=1)[1]))
            continue
        name = re.split(r"[=<>!~\[; ]", line, maxsplit=1)[0].lower()
        if name and not line.startswith(("#", "-")):
            pins[name] = line
    return pins


def _add_tree(archive: zipfile.ZipFile, folder: Path, prefix: str,
              skip=lambda relative: False) -> None:
    """Add ``folder``'s files under ``prefix``, without caches nor what ``skip`` names."""
    for path in sorted(folder.rglob("*")):
        relative = path.relative_to(folder).as_posix()
        if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc" \
                and not skip(relative):
            archive.write(path, f"{prefix}/{relative}")


def _other_keys(exercise: str):
    """``skip`` for bplab's tree: every exercise's key but ``exercise``'s, whether a module
    (``grading/exercises/ex05.py``) or a package (``grading/exercises/ex12/...``)."""
    def skip(relative: str) -> bool:
        parts = relative.split("/")
        if parts[:2] != ["grading", "exercises"] or len(parts) < 3:
            return False
        owner = parts[2].removesuffix(".py")
        return is_exercise(owner) and owner != exercise
    return skip


def _add_text(archive: zipfile.ZipFile, name: str, text: str, executable: bool = False) -> None:
    info = zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0))
    info.external_attr = (0o100755 if executable else 0o100644) << 16
    info.compress_type = zipfile.ZIP_DEFLATED
    archive.writestr(info, text)


def build_autograder(exercise: str, out: str | Path = "autograder.zip",
                     source: str | Path = "solutions", hidden_visibility: str = "visible",
                     timeout: float = 60.0, require_sandbox: bool = True) -> Path:
    """Write the Gradescope autograder zip for ``exercise`` ("ex05") to ``out``.

    hidden_visibility : when learners see the details of a failure on a hidden case
        (Gradescope's test visibility: visible, after_due_date, after_published, hidden);
        their score is always visible.
    require_sandbox : when bubblewrap cannot run on Gradescope's machine, give no grade
        (True, the default: the key sits in the same container, and unsandboxed code could
        read it) or grade without the sandbox and say so in the instructor's log (False).
    """
    if hidden_visibility not in VISIBILITIES:
        raise ClassroomError(f"hidden visibility must be one of {', '.join(VISIBILITIES)}, "
                             f"got {hidden_visibility!r}")
    if not (REPO / "pyproject.toml").is_file():
        raise ClassroomError(f"build the autograder from a clone of the bplab repository "
                             f"({REPO} has no pyproject.toml)")
    notebook = _source_notebook(Path(source), exercise)
    config = {"exercise": exercise, "timeout": timeout, "hidden_visibility": hidden_visibility,
              "require_sandbox": require_sandbox, "notebook": notebook.name,
              "recorded": recorded_parts(exercise)}
    out = Path(out)
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        _add_text(archive, "setup.sh", SETUP_SH, executable=True)
        _add_text(archive, "run_autograder", RUN_AUTOGRADER, executable=True)
        _add_text(archive, "requirements.txt", grader_requirements())
        _add_text(archive, CONFIG, json.dumps(config, indent=1) + "\n")
        archive.write(notebook, f"solutions/{notebook.name}")
        for name in ("pyproject.toml", "README.md"):
            archive.write(REPO / name, f"grader/{name}")
        _add_tree(archive, REPO / "bplab", "grader/bplab", skip=_other_keys(exercise))
    return out


def recorded_parts(exercise: str) -> list[str]:
    """The ids of ``exercise``'s value parts (answers such as a quiz's letters): Gradescope
    marks them all in one test shown after the due date, so resubmitting can't probe them."""
    from ..grading.spec import load_parts

    return [p.id for p in load_parts(exercise) if p.kind == "value"]


# ---- inside Gradescope's container ----------------------------------------------------------
def _test(name: str, score: float, max_score: float, output: str, visibility: str,
          passed: bool) -> dict:
    return {"name": name, "score": score, "max_score": max_score,
            "status": "passed" if passed else "failed", "output": output,
            "visibility": visibility}


def _recorded_tests(recorded: list[dict]) -> list[dict]:
    """The value parts as one visible 0-point receipt and one test, after the due date,
    that holds their points and feedback (a hidden test also hides the total)."""
    if not recorded:
        return []
    receipt = _test("recorded answers", 0, 0, f"{len(recorded)} answers recorded; they are "
                    "marked after the due date", "visible", True)
    details = "\n".join(f"{p['part_id']}: {p.get('points', 0)}/{p.get('max_points', 0)} "
                        f"{p.get('feedback', '')}" for p in recorded)
    return [receipt, _test("recorded answers, marked", sum(p.get("points", 0) for p in recorded),
                           sum(p.get("max_points", 0) for p in recorded), details,
                           "after_due_date",
                           all(p.get("status") == str(Status.PASSED) for p in recorded))]


def to_results(submission: dict, hidden_visibility: str = "visible",
               recorded_ids: list[str] = ()) -> dict:
    """Gradescope's results.json for one graded submission (an item of the grader's JSON).

    One test per part, always visible with its score. When a part failed on a hidden case
    and ``hidden_visibility`` is not "visible", its visible output says only that, and a
    second 0-point test carries the details with that visibility. The parts in
    ``recorded_ids`` (value parts: a quiz's answers) are one test shown after the due date,
    and the visible output gives no total (resubmitting all a, all b, all c once revealed
    every answer).
    """
    tests, recorded = [], [p for p in submission.get("parts", [])
                           if str(p["part_id"]) in set(recorded_ids)]
    for part in submission.get("parts", []):
        if part in recorded:
            continue
        name, feedback = str(part["part_id"]), str(part.get("feedback", ""))
        points, max_points = part.get("points", 0), part.get("max_points", 0)
        passed = part.get("status") == str(Status.PASSED)
        on_hidden = not passed and part.get("hidden_case") is True
        if on_hidden and hidden_visibility != "visible":
            when = hidden_visibility.replace("_", " ")
            tests.append(_test(name, points, max_points,
                               "passed the public cases but failed a hidden case; the "
                               f"details are shown {when}" if when != "hidden" else
                               "passed the public cases but failed a hidden case", "visible",
                               passed))
            tests.append(_test(f"{name}: hidden case details", 0, 0, feedback,
                               hidden_visibility, passed))
        else:
            tests.append(_test(name, points, max_points, feedback, "visible", passed))
    tests += _recorded_tests(recorded)
    total, max_total = submission.get("total", 0), submission.get("max_total", 0)
    output = f"{total} / {max_total} points for {submission.get('exercise', '?')}"
    if recorded:   # a visible total would tell how many answers are right
        shown = [t for t in tests if t["visibility"] == "visible"]
        output = (f"{sum(t['score'] for t in shown)} / {sum(t['max_score'] for t in shown)} "
                  f"points so far for {submission.get('exercise', '?')}; {len(recorded)} "
                  "recorded answers are marked after the due date")
    if submission.get("note"):
        output += f"\nnote: {submission['note']}"
    return {"score": total, "execution_time": round(submission.get("seconds", 0.0)),
            "output": output, "visibility": "visible", "stdout_visibility": "hidden",
            "tests": tests}


def _refusal(message: str) -> dict:
    """results.json when nothing could be graded: score 0 and a message the learner sees."""
    return {"score": 0, "output": message, "visibility": "visible",
            "stdout_visibility": "hidden", "tests": []}


def _pick_notebook(folder: Path, config: dict) -> tuple[Path | None, str]:
    """The submitted notebook, or (None, why) when there is none or several."""
    found = sorted(p for p in folder.rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)
    ours = [p for p in found if p.name.startswith(config["exercise"] + "_")]
    chosen = ours or found
    if len(chosen) == 1:
        return chosen[0], ""
    if not chosen:
        return None, f"no .ipynb file was submitted: upload your {config['notebook']}"
    names = ", ".join(p.relative_to(folder).as_posix() for p in chosen)
    return None, f"upload exactly one {config['exercise']} notebook; found {names}"


def _grade_flags() -> set[str]:
    """The options this machine's ``python -m bplab grade`` accepts (--exercise, ...)."""
    shown = subprocess.run([sys.executable, "-m", "bplab", "grade", "--help"],
                           capture_output=True, text=True, check=False).stdout
    return set(re.findall(r"--[a-z][a-z-]+", shown))


def sandbox_works() -> bool:
    """Whether bubblewrap can start a sandbox here (containers may forbid namespaces)."""
    if shutil.which("bwrap") is None:
        return False
    probe = ["bwrap", "--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc",
             "--unshare-all", "--die-with-parent", "true"]
    return subprocess.run(probe, capture_output=True, check=False).returncode == 0


def _grade_command(notebook: Path, root: Path, config: dict, out: Path) -> tuple[list, str]:
    """(the grade command, a refusal message or "") following the grader CLI contract."""
    flags = _grade_flags()
    command = [sys.executable, "-m", "bplab", "grade", str(notebook), "--source",
               str(root / "source" / "solutions"), "--timeout", str(config["timeout"]),
               "--out", str(out)]
    if "--exercise" in flags:
        command += ["--exercise", config["exercise"]]
    if "--no-sandbox" in flags and not sandbox_works():
        if config.get("require_sandbox"):
            return command, ("not graded: the grader's sandbox (bubblewrap) cannot run on "
                             "this machine; your instructor has to fix the autograder")
        print("warning: bubblewrap cannot run here; grading WITHOUT the sandbox")
        command.append("--no-sandbox")
    return command, ""


def _graded(command: list, out: Path, exercise: str) -> tuple[dict | None, str]:
    """Run the grade command; (the submission's JSON, "") or (None, why)."""
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    print(done.stdout[-20000:], done.stderr[-5000:], sep="\n")  # the instructor's log
    if done.returncode != 0 or not out.is_file():
        last = (done.stderr.strip().splitlines() or ["no output"])[-1]
        return None, f"the grader could not grade this submission: {last[:300]}"
    graded = json.loads(out.read_text())
    if len(graded) != 1:
        return None, f"the grader returned {len(graded)} results for one notebook"
    if graded[0].get("exercise") != exercise:
        why = graded[0].get("note") or f"it is {graded[0].get('exercise')}"
        return None, (f"this is not the {exercise} notebook ({why[:200]}): upload "
                      "the notebook of this assignment")
    return graded[0], ""


def run_autograder(root: str | Path = "/autograder") -> dict:
    """Grade the submission under ``root`` and write ``root/results/results.json``."""
    root, start = Path(root), time.monotonic()
    config = json.loads((root / "source" / CONFIG).read_text())
    notebook, problem = _pick_notebook(root / "submission", config)
    results = None
    if notebook is not None:
        with tempfile.TemporaryDirectory(prefix="bplab-gradescope-") as tmp:
            out = Path(tmp) / "grades.json"
            command, problem = _grade_command(notebook, root, config, out)
            if not problem:
                graded, problem = _graded(command, out, config["exercise"])
                if graded is not None:
                    results = to_results(graded, config["hidden_visibility"],
                                         config.get("recorded", []))
    results = results or _refusal(problem)
    results.setdefault("execution_time", round(time.monotonic() - start))
    (root / "results").mkdir(parents=True, exist_ok=True)
    (root / "results" / "results.json").write_text(json.dumps(results, indent=1))
    return results


def main(argv: list[str] | None = None) -> int:
    """``python -m bplab.classroom.gradescope --root /autograder`` (what run_autograder runs)."""
    import argparse

    parser = argparse.ArgumentParser(prog="python -m bplab.classroom.gradescope")
    parser.add_argument("--root", default="/autograder")
    results = run_autograder(parser.parse_args(argv).root)
    print(f"score {results['score']}: {results['output'].splitlines()[0]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
