"""Teaching a class with bplab: the pieces that plug the grader into existing infrastructure.

One module per concept:

- ``gradescope``: build a Gradescope autograder zip; turn grades into Gradescope's
  ``results.json``.
- ``hub``: nbgitpuller links for JupyterHub, and a named Jupyter kernel.
- ``gradebook``: one row per student, in the column layout Canvas or Moodle imports.
- ``report``: what the class got wrong, as one self-contained HTML file.
- ``cli``: the ``gradescope``, ``hub-link`` and ``report`` subcommands.

Everything here reads the grader's JSON (a list of submissions, see
``bplab.grading.report.write_grades``) or calls ``python -m bplab grade``; nothing here
imports the grader's internals, and nothing in ``bplab`` imports ``classroom`` back.
"""

from __future__ import annotations

__all__ = ["ClassroomError"]


class ClassroomError(ValueError):
    """An instructor's input this package refuses; the message says what to fix, in one line."""
