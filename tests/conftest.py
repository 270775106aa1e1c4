"""Shared test set-up: a non-interactive matplotlib backend, and hypothesis profiles."""

import os

os.environ.setdefault("MPLBACKEND", "Agg")

from hypothesis import settings  # noqa: E402

settings.register_profile("bplab", max_examples=25, deadline=None, derandomize=True)
settings.load_profile("bplab")
