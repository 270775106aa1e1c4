"""Attacks on the answer key: importing it, finding it in memory, frames or files, and
making the kernel's harness or answers channel report it (issue 8 §2).

One grader run per exercise (ex05, ex09), each with an honest full solution and an honest
blank. Without a key in the sandbox, every stolen part scores 0 and the rest scores honestly.
"""

from __future__ import annotations

import importlib

import kit
import pytest

pytestmark = pytest.mark.slow

EX05 = ("ex05.prelu_backward", "ex05.softmax_cross_entropy", "ex05.huber_loss",
        "ex05.minibatch_sgd", "ex05.predict")
NAMES = [p.split(".")[1] for p in EX05]
FULL05 = (3, 3, 2, 3, 2)


def _stolen(how: str):
    """A blank ex05 whose every part is the grader's reference, found by ``how``."""
    nb = kit.insert_top(kit.blank("ex05"), "bp.check('ex05.predict', None)  # loads the parts")
    for pid, name in zip(EX05, NAMES):
        kit.set_part(nb, pid, f"{name} = _key('ex05', {name!r}, how=({how!r},)) "
                              f"or (lambda *a, **k: 0)")
    return nb


def _predict_thief(how: str):
    """The full ex05 solution, except predict returns labels found by ``how``."""
    return kit.set_part(kit.solution("ex05"), "ex05.predict",
                        f"def predict(X):\n    return _labels(X, {how!r})")


HARNESS_PATCH = """
try:
    import bplab.grading.runner
except ImportError:
    pass
def _fake_call_cases(obj, kind, cases):
    from bplab.grading.messages import Outcome   # the learner's side ships the protocol
    from bplab.grading.wire import to_data
    ref = _key("ex05", getattr(obj, "__name__", ""))
    if ref is None:
        return [Outcome(0) for _ in cases]
    return [Outcome(to_data(ref(*c.args, **c.kwargs))) for c in cases]

for _m in list(sys.modules.values()):
    if getattr(_m, "__name__", "").startswith("bplab"):
        for _attr in ("call_cases", "call_part", "run_cases"):
            if hasattr(_m, _attr):
                setattr(_m, _attr, _fake_call_cases)
"""

WIRE_SPOOF = """
import builtins

def _frames():
    frame = sys._getframe(2)
    while frame is not None:
        yield frame
        frame = frame.f_back


def _spoof_for(name):
    def spoof(*args, **kwargs):
        frame, out, cases = sys._getframe(1), None, None
        while frame is not None:
            for k, v in frame.f_locals.items():
                if out is None and isinstance(v, str) and (
                        "answer" in os.path.basename(v) or v.endswith(".json")):
                    out = v
                if k == "cases" and isinstance(v, list):
                    cases = v
            frame = frame.f_back
        ref = _key("ex05", name)
        index = next((f.f_locals["index"] for f in _frames() if "index" in f.f_locals), None)
        if out and cases and ref is not None and index is not None:
            from bplab.grading.messages import Outcome, PartAnswered, encode
            from bplab.grading.wire import to_data
            with open(out, "w") as f:
                f.write(encode(PartAnswered(index, tuple(Outcome(to_data(ref(*c.args)))
                                                         for c in cases))))
            harness = sys.modules.get("bplab.grading.runner")
            if harness is not None:  # the harness's own write of the real answers goes nowhere
                harness.open = lambda p, mode="r", *a, **k: builtins.open(
                    os.devnull if "w" in mode else p, mode, *a, **k)
        return 0
    spoof.__name__ = name
    return spoof
"""


def _wire_spoof():
    nb = kit.insert_top(kit.blank("ex05"), WIRE_SPOOF)
    for pid, name in zip(EX05, NAMES):
        kit.set_part(nb, pid, f"{name} = _spoof_for({name!r})")
    return nb


EX05_ATTACKS = kit.selected({  # name: (notebook builder, points per part it must get)
    "honest_full": (lambda: kit.solution("ex05"), FULL05),
    "honest_blank": (lambda: kit.blank("ex05"), (0,) * 5),
    "key_import": (lambda: _stolen("import"), (0,) * 5),
    "key_files": (lambda: _stolen("files"), (0,) * 5),
    "key_gc": (lambda: _stolen("gc"), (0,) * 5),
    "labels_frames": (lambda: _predict_thief("frames"), FULL05[:4] + (0,)),
    "labels_gc": (lambda: _predict_thief("gc"), FULL05[:4] + (0,)),
    "labels_case_files": (lambda: _predict_thief("files"), FULL05[:4] + (0,)),
    "harness_patch": (lambda: kit.insert_top(kit.blank("ex05"), HARNESS_PATCH), (0,) * 5),
    "wire_spoof": (_wire_spoof, (0,) * 5),
})


@pytest.fixture(scope="module")
def ex05(tmp_path_factory):
    """One grader run of every ex05 attack, plus the ex09 quiz handed in as ex05."""
    folder = tmp_path_factory.mktemp("ex05")
    host = kit.Host([])
    top = kit.prelude(host) + "\n" + kit.STEAL
    paths = [kit.write(folder, name, kit.insert_top(build(), top), "ex05")
             for name, (build, _) in EX05_ATTACKS.items()]
    quiz = folder / "quiz_as_ex05" / kit.source_path("ex05").name  # ex09 metadata inside
    quiz.parent.mkdir()
    quiz.write_bytes(kit.source_path("ex09").read_bytes())
    host.watched = [*paths, quiz, kit.source_path("ex05").parent]
    with host:
        run = kit.grade([*paths, quiz], "ex05", folder / "grades.json", env=host.env)
        yield run, host.changes()


def test_ex05_run_completes(ex05):
    run, changes = ex05
    assert run.returncode == 0 and not run.hung, run.stderr[-2000:]
    assert set(run.rows) == {*EX05_ATTACKS, "quiz_as_ex05"}, sorted(run.rows)
    assert changes == []


@pytest.mark.parametrize("name", sorted(EX05_ATTACKS))
def test_ex05_attack_scores(ex05, name):
    run, _ = ex05
    assert run.scored(name, EX05_ATTACKS[name][1]), run.feedback(name)


def test_other_exercise_metadata_is_an_error_row(ex05):
    """The ex09 quiz (all answers right) saved under ex05's name, graded --exercise ex05."""
    run, _ = ex05
    row = run.rows["quiz_as_ex05"]
    assert row["exercise"] == "ex05" and row["total"] == 0, row
    assert "ex09" in run.feedback("quiz_as_ex05"), run.feedback("quiz_as_ex05")


# ---- ex09: the quiz answers -------------------------------------------------------------
EX09_PARTS = importlib.import_module("bplab.grading.exercises.ex09").PARTS
QUIZ = [p.id for p in EX09_PARTS if p.kind == "value"]      # the letters; the counting parts
KEY = {p.id: p.reference for p in EX09_PARTS if p.kind == "value"}  # are functions
FULL_MARKS = sum(p.points for p in EX09_PARTS)


def _quiz(source_of):
    nb = kit.blank("ex09")
    for pid in QUIZ:
        kit.set_part(nb, pid, source_of(pid, "answer_" + pid.split(".")[1]))
    return nb


BRUTE = ("{var} = 'a'\nfor _letter in 'abcd':\n"
         "    if getattr(bp.check({pid!r}, _letter), 'passed', False) "
         "and 'recorded' not in str(bp.check({pid!r}, _letter)):\n"
         "        {var} = _letter\n        break")

EX09_ATTACKS = kit.selected({
    "honest_full": (lambda: kit.solution("ex09"), FULL_MARKS),
    "honest_blank": (lambda: kit.blank("ex09"), 0),
    "quiz_key_import": (lambda: _quiz(lambda pid, var: (
        f"from bplab.grading.exercises.ex09 import QUESTIONS\n"
        f"{var} = next(q.answer for q in QUESTIONS if q.key == {pid.split('.')[1]!r})")), 0),
    "quiz_key_gc": (lambda: _quiz(lambda pid, var: (
        f"bp.check({pid!r}, 'a')  # loads the parts\n"
        f"{var} = _key('ex09', {var!r}, how=('gc',)) or 'e'")), 0),
    # bp.check may only say "answer recorded": brute force then gets what "a" gets
    "quiz_brute_force": (lambda: _quiz(lambda pid, var: BRUTE.format(var=var, pid=pid)),
                         sum(answer == "a" for answer in KEY.values())),
})


@pytest.fixture(scope="module")
def ex09(tmp_path_factory):
    folder = tmp_path_factory.mktemp("ex09")
    host = kit.Host([])
    top = kit.prelude(host) + "\n" + kit.STEAL
    paths = [kit.write(folder, name, kit.insert_top(build(), top), "ex09")
             for name, (build, _) in EX09_ATTACKS.items()]
    host.watched = [*paths, kit.source_path("ex09").parent]
    with host:
        run = kit.grade(paths, "ex09", folder / "grades.json", env=host.env)
        yield run, host.changes()


def test_ex09_run_completes(ex09):
    run, changes = ex09
    assert run.returncode == 0 and set(run.rows) == set(EX09_ATTACKS), run.stderr[-2000:]
    assert changes == []


@pytest.mark.parametrize("name", sorted(EX09_ATTACKS))
def test_ex09_attack_scores(ex09, name):
    run, _ = ex09
    assert run.total(name) == EX09_ATTACKS[name][1], run.feedback(name)
