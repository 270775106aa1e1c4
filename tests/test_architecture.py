"""docs/ARCHITECTURE.md's import rules, checked on the source: arrows point one way.

network code -> nothing of viz, labs, classroom, grading
viz          -> network code only
labs         -> viz and network code (never grading, classroom)
classroom    -> grading and below
grading      -> anything but classroom; nothing imports grading back except classroom,
               the command line and the lazy ``bp.check``/``bp.progress`` in __init__
"""

import ast
import re
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "bplab"
LAYERS = ("viz", "labs", "widgets", "classroom", "grading")
ALLOWED = {
    "network": set(),
    "viz": set(),
    "labs": {"viz"},
    "widgets": {"viz", "labs"},
    "grading": {"viz", "labs", "widgets"},
    "classroom": {"viz", "labs", "widgets", "grading"},
}


def _layer(path: Path) -> str:
    part = path.relative_to(PACKAGE).parts[0].removesuffix(".py")
    return part if part in LAYERS else "network"


def _imported_layers(path: Path) -> set[str]:
    """The package layers a module imports (relative or ``bplab.`` imports, any depth)."""
    found = set()
    depth = len(path.relative_to(PACKAGE).parts) - 1  # directories below bplab/
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom):
            if node.level:  # from .x / from ..x: resolve against bplab/
                if node.level - 1 > depth:
                    continue
                base = list(path.relative_to(PACKAGE).parts[:depth - (node.level - 1)])
                parts = base + (node.module.split(".") if node.module else [])
                names = [parts[0]] if parts else [a.name for a in node.names]
            elif node.module and node.module.split(".")[0] == "bplab":
                names = node.module.split(".")[1:2] or [a.name for a in node.names]
            else:
                continue
        elif isinstance(node, ast.Import):
            names = [a.name.split(".")[1] for a in node.names
                     if a.name.startswith("bplab.")]
        else:
            continue
        found |= {n for n in names if n in LAYERS}
    return found


# bplab/__init__.py (lazy bp.check, bp.labs) and __main__.py (the CLI) sit above the layers
MODULES = [p for p in sorted(PACKAGE.rglob("*.py"))
           if p.name not in ("__init__.py", "__main__.py") or p.parent != PACKAGE]


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_imports_point_one_way(path):
    layer = _layer(path)
    bad = _imported_layers(path) - ALLOWED[layer] - {layer}
    assert not bad, f"{path.relative_to(PACKAGE)} ({layer}) imports {sorted(bad)}"


def test_the_parser_sees_relative_and_absolute_imports():
    assert _imported_layers(PACKAGE / "nn.py") == set()
    assert _imported_layers(PACKAGE / "viz" / "graphs.py") == {"viz"}  # its own _common
    assert "viz" in _imported_layers(PACKAGE / "labs" / "lr_explorer.py")  # from ..viz
    assert "grading" in _imported_layers(PACKAGE / "__main__.py")


def test_an_exercise_name_is_parsed_in_one_place():
    """`exNN` was parsed 14 times in 7 modules (regexes, globs, slicing); now only
    grading/spec.py knows its shape (EXERCISE, is_exercise, exercise_in, exercise_notebooks)."""
    shapes = re.compile(r"ex\\\\d|ex\\d|ex\[0-9\]|startswith\(\"ex\"\)")
    offenders = [str(p.relative_to(PACKAGE)) for p in sorted(PACKAGE.rglob("*.py"))
                 if p.name != "spec.py" and shapes.search(p.read_text())]
    assert not offenders, f"these modules parse exercise names themselves: {offenders}"


def test_exercise_names():
    from bplab.grading.spec import exercise_in, exercise_notebooks, is_exercise

    assert is_exercise("ex05") and is_exercise("ex12")
    assert not any(is_exercise(s) for s in ("ex5", "ex05_mlp", "lesson", "EX05", None))
    assert exercise_in("alice_ex05_v2.ipynb") == "ex05" and exercise_in("notes.ipynb") is None
    found = exercise_notebooks(PACKAGE.parent / "solutions")
    assert found and all(is_exercise(p.name[:4]) for p in found) and found == sorted(found)


def test_blas_threads_are_limited_through_one_function():
    """`bp.cost.limit_blas_threads` validates its argument; nothing else calls threadpoolctl."""
    callers = [str(p.relative_to(PACKAGE.parent)) for p in
               sorted(PACKAGE.rglob("*.py")) + sorted((PACKAGE.parent / "bench").rglob("*.py"))
               if "threadpool_limits(" in p.read_text() and p.name != "cost.py"]
    assert not callers
    assert (PACKAGE / "cost.py").read_text().count("threadpool_limits(") == 1


def test_forward_loss_backward_is_written_once():
    """The sequence was written out in train (twice), cost and gradcheck; now they call
    nn.forward_backward."""
    writers = [str(p.relative_to(PACKAGE)) for p in sorted(PACKAGE.rglob("*.py"))
               if "backward(dscores" in p.read_text() and p.name != "nn.py"
               and "grading" not in p.parts]
    assert not writers
