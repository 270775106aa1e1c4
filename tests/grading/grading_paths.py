"""Paths and checks shared by the grading tests (a plain module: two conftest.py files
in this tree would shadow each other's names)."""

from pathlib import Path

from needs import needs_sandbox  # noqa: F401 - the one bubblewrap probe, re-exported here

FIXTURES = Path(__file__).parent / "fixtures"
SOURCE = FIXTURES / "solutions"
