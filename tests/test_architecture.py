"""docs/ARCHITECTURE.md's import rules, checked on the source: arrows point one way.

network code -> nothing of viz, labs, classroom, grading
viz          -> network code only
labs         -> viz and network code (never grading, classroom)
classroom    -> grading and below
grading      -> anything but classroom; nothing imports grading back except classroom,
               the command line and the lazy ``bp.check``/``bp.progress`` in __init__

and the third-party libraries each layer may import (``DEPENDENCIES``), where (at a
module's top or only inside a function), and the few that one function alone may import
(``ONLY_INSIDE``). The rng and ``ax=None`` rules the page states are checked where it says:
``tests/test_toplevel.py`` and ``tests/viz/test_package.py``.
"""

import ast
import re
import subprocess
import sys
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


NAME_PARSER = "_exercise_names.py"
# Reading an exercise's name off a string by hand: a regex or glob of its shape, or slicing
# a notebook's name (``p.name[:4]``, ``exercise.split("_", 1)[0]``, ``[2:4]``, stripping "ex").
HAND_PARSES = re.compile(r"ex\\\\d|ex\\d|ex\[0-9\]|startswith\(\"ex\"\)"
                         r"|(?:name|stem|exercise\w*)\[:4\]|\[2:4\]"
                         r"|exercise\w*\.split\(\"_\"|removeprefix\(\"ex\"\)")
def _hand_parsers() -> set[str]:
    return {str(p.relative_to(PACKAGE)) for p in sorted(PACKAGE.rglob("*.py"))
            if p.name != NAME_PARSER and HAND_PARSES.search(p.read_text())}


def test_an_exercise_name_is_parsed_in_one_place():
    """`exNN` was parsed 14 times in 7 modules (regexes, globs, slicing); now only
    _exercise_names.py knows its shape (EXERCISE, is_exercise, exercise_in,
    exercise_notebooks, notebook_exercise, exercise_number; grading/spec.py re-exports them)."""
    offenders = _hand_parsers()
    assert not offenders, f"these modules parse exercise names themselves: {sorted(offenders)}"


@pytest.mark.parametrize("line", [
    'EXERCISE = re.compile(r"ex\\d\\d")', 'glob("ex[0-9][0-9]_*.ipynb")',
    "known = [p.name[:4] for p in found]", 'lesson.exercise.split("_", 1)[0]',
    'number = self.exercise.split("_", 1)[0][2:]', 'name.removeprefix("ex")',
    'if stem.startswith("ex"):'])
def test_the_hand_parse_patterns_catch_what_they_are_for(line):
    assert HAND_PARSES.search(line), line


def test_the_hand_parse_patterns_spare_lesson_numbers_and_plain_slices():
    for line in ('return self.stem.split("_", 1)[0]', "xlim=extent[:2], ylim=extent[2:]",
                 'k = float(op[2:])', "grads[:4] = 0"):
        assert not HAND_PARSES.search(line), line


def test_exercise_names():
    from bplab.grading import spec
    from bplab.grading.spec import (
        exercise_in,
        exercise_notebooks,
        exercise_number,
        is_exercise,
        notebook_exercise,
    )

    assert is_exercise("ex05") and is_exercise("ex12")
    assert not any(is_exercise(s) for s in ("ex5", "ex05_mlp", "lesson", "EX05", None))
    assert exercise_in("alice_ex05_v2.ipynb") == "ex05" and exercise_in("notes.ipynb") is None
    found = exercise_notebooks(PACKAGE.parent / "solutions")
    assert found and found == sorted(found)
    assert all(is_exercise(notebook_exercise(p)) and p.name.startswith(notebook_exercise(p) + "_")
               for p in found)
    assert notebook_exercise("ex05_mlp_layers") == notebook_exercise("a/ex05_mlp_layers.ipynb")
    assert exercise_number("ex12_backprop_ninja") == exercise_number("ex12") == "12"
    for bad in ("ex5_mlp.ipynb", "ex05", "alice_ex05_mlp.ipynb", "ex05_"):
        with pytest.raises(ValueError, match="ex05_mlp_layers"):
            notebook_exercise(bad)
    import bplab._exercise_names as names
    assert all(getattr(spec, n) is getattr(names, n) for n in names.__all__)


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


# ---- third-party libraries: which layer may import which, and where ----------------------
STDLIB = set(sys.stdlib_module_names) | {"__future__"}
TOP, INSIDE = "at the top", "inside functions only"
_LABS = {"numpy": TOP, "matplotlib": INSIDE, "ipywidgets": INSIDE, "anywidget": INSIDE,
         "traitlets": INSIDE}
DEPENDENCIES = {  # None: any library (the grader and the instructors' tools)
    "network": {"numpy": TOP},
    "viz": {"numpy": TOP, "matplotlib": INSIDE},
    "labs": _LABS,
    "widgets": _LABS,
    "grading": None,
    "classroom": None,
}
# anywidget's widget classes are defined at their modules' top, and those modules are
# imported inside the lab classes only (test_importing_the_layers_stays_light).
TOP_ALLOWED = {"labs/controls.py": {"anywidget", "traitlets"},
               "labs/choices.py": {"anywidget", "traitlets"}}
# Libraries one place alone imports: (module, function), None for anywhere in the module.
ONLY_INSIDE = {"sklearn": ("data.py", "load_digits"),
               "threadpoolctl": ("cost.py", "limit_blas_threads"),
               "jupyter_client": ("grading/runner.py", None)}


def _third_party(source: str) -> list[tuple[str, str, bool]]:
    """(library, where, in_function) for each import of a library that is neither bplab nor
    the standard library's: ``where`` is the enclosing ``Class.method`` path ("" at the
    module's top); ``in_function`` says whether any enclosing scope is a function."""
    found = []

    def walk(node, where, in_function):
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.Import, ast.ImportFrom)):
                names = ([a.name for a in child.names] if isinstance(child, ast.Import)
                         else [child.module] if not child.level else [])
                found.extend((n.split(".")[0], ".".join(where), in_function) for n in names
                             if n.split(".")[0] not in STDLIB | {"bplab"})
            scope = isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))
            walk(child, where + [child.name] if scope else where,
                 in_function or isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)))

    walk(ast.parse(source), [], False)
    return found


def test_the_import_finder_sees_every_scope():
    source = ("import numpy as np\nimport os, re\nfrom . import layers\nimport bplab.nn\n"
              "from matplotlib.figure import Figure\n"
              "def f():\n    import sklearn.datasets\n    def g():\n        from ipywidgets import X\n"
              "class Lab:\n    import traitlets\n    def __init__(self):\n        import anywidget\n")
    assert _third_party(source) == [
        ("numpy", "", False), ("matplotlib", "", False), ("sklearn", "f", True),
        ("ipywidgets", "f.g", True), ("traitlets", "Lab", False),
        ("anywidget", "Lab.__init__", True)]


@pytest.mark.parametrize("path", [p for p in MODULES if DEPENDENCIES[_layer(p)] is not None],
                         ids=lambda p: str(p.relative_to(PACKAGE)))
def test_each_layer_imports_only_its_libraries(path):
    rel = str(path.relative_to(PACKAGE))
    allowed = DEPENDENCIES[_layer(path)]
    bad = []
    for lib, where, in_function in _third_party(path.read_text()):
        if lib in ONLY_INSIDE:
            continue  # test_some_libraries_have_one_importer
        if lib not in allowed:
            bad.append(f"{lib} (in {where or 'the module'}): not allowed in {_layer(path)}")
        elif allowed[lib] == INSIDE and not in_function and lib not in TOP_ALLOWED.get(rel, ()):
            bad.append(f"{lib} at {where or 'the module top'}: import it inside a function")
    assert not bad, f"{rel}: {bad}"


def test_some_libraries_have_one_importer():
    """scikit-learn only in data.load_digits, threadpoolctl only in cost.limit_blas_threads,
    jupyter_client only in grading/runner.py: anywhere in bplab, __init__ and __main__ too."""
    seen = {lib: [] for lib in ONLY_INSIDE}
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = str(path.relative_to(PACKAGE))
        for lib, where, _ in _third_party(path.read_text()):
            if lib in seen:
                seen[lib].append((rel, where))
    for lib, (home, function) in ONLY_INSIDE.items():
        assert seen[lib], f"nothing imports {lib}: is ONLY_INSIDE stale?"
        stray = [s for s in seen[lib] if s[0] != home or function not in (None, s[1])]
        assert not stray, f"{lib} may only be imported in {home} {function or ''}: {stray}"


def test_importing_the_layers_stays_light():
    """``import bplab`` and every layer under the instructors' tools load no plotting,
    widget or optional library until a function asks for one, and never the grader."""
    heavy = ("matplotlib", "ipywidgets", "anywidget", "traitlets", "sklearn",
             "threadpoolctl", "jupyter_client", "bplab.grading")
    code = ("import sys, bplab, bplab.viz, bplab.labs, bplab.course, bplab.data, bplab.cost; "
            f"print(sorted(m for m in {heavy!r} if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, cwd=PACKAGE.parent).stdout.strip()
    assert out == "[]", f"importing the layers loaded {out}"
