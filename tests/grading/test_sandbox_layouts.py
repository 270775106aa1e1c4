"""Where an instructor installs the grader, the sandbox hides every full bplab (the key) and
scikit-learn's bundled data (ex08's digits) inside what it binds (issue 16 §1, §2).

The Gradescope layout (a venv with bplab installed non-editable) is attacked end to end in
tests/classroom/test_gradescope.py. The Docker image (python:3.11-slim: site-packages under
/usr/local, which the sandbox binds as part of /usr) can't be built here (no Docker daemon):
its layout, and Debian's dist-packages, are laid out in a folder and checked here.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bplab.grading.sandbox import hidden_paths

LAYOUTS = {
    "docker python:3.11-slim": "local/lib/python3.11/site-packages",
    "debian python3-*": "lib/python3/dist-packages",
    "a venv": "lib/python3.12/site-packages",
}


def _install(site: Path) -> list[Path]:
    """A full bplab (with the key) and scikit-learn's data folder in ``site``."""
    key = site / "bplab" / "grading" / "exercises"
    data = site / "sklearn" / "datasets" / "data"
    for folder in (key, data):
        folder.mkdir(parents=True)
    (key / "ex05.py").write_text("PARTS = []\n")
    (data / "digits.csv.gz").write_bytes(b"\x1f\x8b")
    return [site / "bplab", data]


@pytest.mark.parametrize("layout", list(LAYOUTS))
def test_every_full_bplab_and_the_digits_under_a_bound_root_are_hidden(tmp_path, layout):
    root = tmp_path / "usr"
    secrets = _install(root / LAYOUTS[layout])
    hidden = hidden_paths([root])
    for secret in secrets:
        assert secret.resolve() in hidden, (layout, secret, hidden)


def test_nothing_outside_the_bound_roots_is_touched(tmp_path):
    _install(tmp_path / "elsewhere" / "lib/python3.11/site-packages")
    root = tmp_path / "usr"
    root.mkdir()
    assert not [h for h in hidden_paths([root]) if tmp_path in h.parents]
