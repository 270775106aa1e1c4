"""Paths and checks shared by the grading tests (a plain module: two conftest.py files
in this tree would shadow each other's names)."""

import os
import shutil
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"
SOURCE = FIXTURES / "solutions"


def needs_sandbox():
    """Skip (with the reason) when bubblewrap is missing, except where the sandbox is
    required (BPLAB_REQUIRE_SANDBOX=1, set by .ci/run): there, fail."""
    if shutil.which("bwrap") is None:
        if os.environ.get("BPLAB_REQUIRE_SANDBOX") == "1":
            pytest.fail("bubblewrap (bwrap) is required here but not installed: "
                        "apt-get install bubblewrap")
        pytest.skip("bubblewrap is not installed (apt-get install bubblewrap); "
                    "the sandboxed grader cannot run")


