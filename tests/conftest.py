"""Shared test set-up: a non-interactive matplotlib backend, a private progress file,
and hypothesis profiles."""

import os
import sys
import tempfile

import pytest

os.environ.setdefault("MPLBACKEND", "Agg")
# bp.check records progress in $BPLAB_HOME: tests must never write a learner's real file.
os.environ.setdefault("BPLAB_HOME", tempfile.mkdtemp(prefix="bplab-test-home-"))
# Under pytest-xdist (`make test` runs on both cores) each worker keeps its own progress file.
if os.environ.get("PYTEST_XDIST_WORKER"):
    os.environ["BPLAB_HOME"] = os.path.join(os.environ["BPLAB_HOME"],
                                            os.environ["PYTEST_XDIST_WORKER"])

from hypothesis import settings

settings.register_profile("bplab", max_examples=25, deadline=None, derandomize=True)
settings.load_profile("bplab")


@pytest.fixture(autouse=True)
def _close_figures():
    """Close every matplotlib figure a test opened, so figures do not pile up."""
    yield
    if "matplotlib.pyplot" in sys.modules:
        sys.modules["matplotlib.pyplot"].close("all")
