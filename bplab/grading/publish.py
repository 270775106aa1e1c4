"""The public data of an exercise, written from its key (instructors' side only).

``python -m bplab exercises`` writes ``bplab/grading/public/exNN.json`` with
``public_data``: each part's public cases, their expected outputs and the outputs of each
known bug on them. ``bp.check`` (check.py, on the learner's side) reads that file and never
the key. This module is not in ``release.LEARNER_GRADING``, so it ships to no learner.
"""

from __future__ import annotations

import json

from .judge import expectations, public_compare
from .spec import PUBLIC_SEED, Case, LabeledCase, load_parts, make_cases
from .wire import PUBLIC_OUTER, dumps, to_data

__all__ = ["public_data"]


def _case_data(case: Case) -> dict:
    data = {"args": to_data(case.args), "kwargs": to_data(case.kwargs), "note": case.note}
    if isinstance(case, LabeledCase):
        data.update(y=to_data(case.y), target=float(case.target))
    return data


def public_data(exercise: str) -> str:
    """The public data of ``exercise`` as text (needs the key: instructors' side only)."""
    parts = []
    for part in load_parts(exercise):
        entry = {"id": part.id, "name": part.name, "points": part.points, "kind": part.kind,
                 "description": part.description, "compare": public_compare(part)}
        if part.kind == "function":
            cases = make_cases(part, PUBLIC_SEED)
            entry["cases"] = [_case_data(c) for c in cases]
            entry["expects"] = [{"expected": e.expected, "bugs": list(e.bugs)}
                                for e in expectations(part, cases)]
        parts.append(entry)
    return json.dumps(json.loads(dumps({"exercise": exercise, "parts": parts}, PUBLIC_OUTER)),
                      sort_keys=True, separators=(",", ":")) + "\n"
