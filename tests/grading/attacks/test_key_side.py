"""The learner/key line is an allow-list (issue 16 §11): a module added to ``grading/``
tomorrow (here ``answers_v2.py``, holding a secret) stays with the instructors. Once, the
release and the sandboxes took every module but a named few, so it shipped by default.

The package is copied with the new module, and the copy is what the release and the
grader's sandboxes are built from (``release.PACKAGE``): the release must not hold it, and a
submission graded in a real sandbox must not import it.
"""

from __future__ import annotations

import shutil

import kit
import pytest

from bplab.grading import release
from bplab.grading.autograde import grade_many

pytestmark = pytest.mark.slow

PROBE = '''
try:
    from bplab.grading.answers_v2 import SECRET
except ImportError:
    SECRET = None
if SECRET is not None:    # the part then fails, with the secret in its feedback
    def relu_backward(*args, **kwargs):
        raise RuntimeError("the key side reached the sandbox: " + SECRET)
'''


@pytest.fixture
def package_with_a_new_key_module(tmp_path, monkeypatch):
    copy = tmp_path / "pkg" / "bplab"
    shutil.copytree(release.PACKAGE, copy,
                    ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    (copy / "grading" / "answers_v2.py").write_text('SECRET = "the answer is 42"\n')
    monkeypatch.setattr(release, "PACKAGE", copy)
    return copy


def test_a_new_key_side_module_is_not_in_the_release(package_with_a_new_key_module, tmp_path):
    dest = release.build_release(tmp_path / "release")
    assert (dest / "bplab" / "grading" / "check.py").is_file()
    assert not list(dest.rglob("answers_v2*"))
    assert "the answer is 42" not in "".join(
        p.read_text(errors="replace") for p in dest.rglob("*.py"))


def test_a_new_key_side_module_is_not_in_a_sandbox(package_with_a_new_key_module, tmp_path):
    kit.require_sandbox()
    nb = kit.solution("ex98")
    cell = kit.part_cell(nb, "ex98.relu_backward")
    cell.source += "\n" + PROBE
    path = kit.write(tmp_path, "prober", nb, "ex98")
    (grade,) = grade_many([path], kit.source_path("ex98").parent, exercise="ex98", jobs=1,
                          timeout=10)
    assert grade.total == grade.max_total == 6, [p.feedback for p in grade.parts]
