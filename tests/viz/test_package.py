"""bplab.viz as a package: every concept module's names are re-exported, once each."""

import importlib

import pytest

import bplab as bp

MODULES = ("training", "graphs", "landscapes", "functions", "digits", "diagnostics")


def test_every_public_name_is_reexported_from_its_module():
    seen = {}
    for name in MODULES:
        module = importlib.import_module(f"bplab.viz.{name}")
        for export in module.__all__:
            assert export not in seen, f"{export} in both {seen.get(export)} and {name}"
            seen[export] = name
            assert getattr(bp.viz, export) is getattr(module, export)
    assert sorted(seen) == sorted(bp.viz.__all__)


@pytest.mark.parametrize("old", ["graph", "landscape", "analysis", "calculus"])
def test_lesson_range_and_singular_module_names_are_gone(old):
    with pytest.raises(ModuleNotFoundError):
        importlib.import_module(f"bplab.viz.{old}")


def test_every_drawing_function_takes_ax_none():
    """ARCHITECTURE: every plot_*/draw_* takes ``ax=None`` (draw on a given Axes, or a new one)."""
    import inspect

    drawers = [n for n in bp.viz.__all__ if n.startswith(("plot_", "draw_"))]
    assert drawers
    for name in drawers:
        params = inspect.signature(getattr(bp.viz, name)).parameters
        assert "ax" in params and params["ax"].default is None, name


def test_no_plot_changes_matplotlibs_global_settings():
    """ARCHITECTURE: drawing changes no rcParams (a lesson's own style stays the learner's)."""
    import re
    from pathlib import Path

    global_settings = re.compile(r"rcParams|\brc\(|rcdefaults|style\.use|rc_context")
    viz = Path(bp.viz.__file__).parent
    code = {p.name: "\n".join(line for line in p.read_text().splitlines()
                              if not line.lstrip().startswith("#"))
            for p in sorted(viz.glob("*.py")) if p.name != "__init__.py"}
    assert len(code) >= len(MODULES)
    assert not [name for name, text in code.items() if global_settings.search(text)]
