"""The attack tests need the grader's sandbox (bubblewrap): they skip without it, except
where BPLAB_REQUIRE_SANDBOX=1 (CI), where they fail."""

import kit
import pytest


@pytest.fixture(scope="session", autouse=True)
def _sandbox_required():
    kit.require_sandbox()
