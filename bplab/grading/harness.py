"""The code the autograder runs inside the learner's kernel, one graded part at a time.

It reads the cases the grader wrote (a pickle the grader itself made), calls the
learner's object on them, and writes the outcomes as plain JSON data (``wire.dumps``).
Nothing here decides a grade: the grader reads the outcomes back and judges them in its
own process, so changing this module from inside the kernel gains nothing.
"""

from __future__ import annotations

import pickle

from .judge import call_cases
from .wire import dumps

__all__ = ["harness_source", "run"]


def run(namespace: dict, cases_path: str, out_path: str) -> None:
    """Call ``namespace[name]`` on the cases in ``cases_path``; write outcomes to ``out_path``."""
    with open(cases_path, "rb") as f:
        name, kind, cases = pickle.load(f)  # written by the grader, not by the learner
    if name not in namespace:
        outcomes = {"missing": name}
    else:
        outcomes = {"outcomes": call_cases(namespace[name], kind, cases)}
    with open(out_path, "w") as f:
        f.write(dumps(outcomes))


def harness_source(cases_path: str, out_path: str) -> str:
    """The one line of code the grader executes in the learner's kernel for a part."""
    return (f"__import__('bplab.grading.harness', fromlist=['run'])"
            f".run(globals(), {cases_path!r}, {out_path!r})")
