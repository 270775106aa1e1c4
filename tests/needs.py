"""What a test layer needs from the machine, probed once for every test that needs it.

A plain module at tests/ (importable as ``needs`` from any test folder): the grading tests,
the attack kit and the classroom tests used to carry one bubblewrap probe each.
"""

import os
import shutil

import pytest


def needs_sandbox() -> None:
    """Skip (with the reason) when bubblewrap is missing, except where the sandbox is
    required (BPLAB_REQUIRE_SANDBOX=1, set by .ci/run): there, fail."""
    if shutil.which("bwrap") is not None:
        return
    reason = ("bubblewrap (bwrap) is not installed (apt-get install bubblewrap): the grader's "
              "sandbox cannot run")
    if os.environ.get("BPLAB_REQUIRE_SANDBOX") == "1":
        pytest.fail(f"{reason}; the sandbox tests are required here (BPLAB_REQUIRE_SANDBOX=1)")
    pytest.skip(reason)
