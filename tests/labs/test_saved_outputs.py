"""The committed lessons: quiz answers out of sight, every lab and quiz saved with a picture.

A saved lab output holds the widget view (live in JupyterLab) and an ``image/png`` of its
state with the line "open in JupyterLab" (GitHub, nbviewer, a lesson before it is run).
"""

import base64
import json
import re
from pathlib import Path

import pytest

NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"
LESSONS = sorted(NOTEBOOKS.glob("[0-9][0-9]*.ipynb"))
LAB_CALL = re.compile(r"^\s*bp\.labs\.\w+\(", re.MULTILINE)


def _lesson(path: Path) -> str:
    """'03a' for notebooks/03a_single_neuron.ipynb."""
    return path.name.split("_")[0]


def _code_cells(path: Path) -> list[dict]:
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    return [c for c in cells if c["cell_type"] == "code"]


def _source(cell: dict) -> str:
    return "".join(cell["source"])


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: _lesson(p))
def test_no_quiz_answer_in_a_lessons_visible_source(path):
    for cell in _code_cells(path):
        assert "answer=" not in _source(cell), f"{path.name}: {_source(cell)[:80]!r}"
        assert "bp.widgets." not in _source(cell), f"{path.name} still calls bp.widgets"


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: _lesson(p))
def test_each_lesson_has_its_quiz_cell(path):
    calls = [_source(c) for c in _code_cells(path) if "bp.labs.quiz(" in _source(c)]
    assert calls == [f'bp.labs.quiz("{_lesson(path)}")']


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: _lesson(p))
def test_every_saved_lab_and_quiz_output_has_a_picture(path):
    for cell in _code_cells(path):
        if not LAB_CALL.search(_source(cell)):
            continue
        data = [o["data"] for o in cell["outputs"]
                if o["output_type"] in ("display_data", "execute_result")]
        assert data, f"{path.name}: {_source(cell)!r} was saved without its output"
        bundle = data[-1]
        assert "application/vnd.jupyter.widget-view+json" in bundle
        png = base64.b64decode("".join(bundle.get("image/png", "")))
        assert png[:8] == b"\x89PNG\r\n\x1a\n", f"{path.name}: {_source(cell)!r} has no picture"
        assert "open this notebook in jupyterlab" in "".join(bundle["text/plain"]).lower()
