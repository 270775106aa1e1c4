"""The labs' shared base: PNG rendering, gradient bars, pictures for saved outputs, bp.widgets."""

import base64
import importlib
import sys
import warnings

import numpy as np
import pytest

pytest.importorskip("ipywidgets")

from bplab import labs
from bplab.labs.base import make_grad_bars, new_figure, render_png, set_grad_bars


def test_render_png_changes_with_the_figure():
    fig = new_figure(2, 2)
    ax = fig.add_subplot()
    (line,) = ax.plot([0, 1], [0, 1])
    before = render_png(fig)
    line.set_data([0, 1], [1, 0])
    after = render_png(fig)
    assert before[:8] == b"\x89PNG\r\n\x1a\n" and before != after


def test_zero_and_non_finite_bars_are_marked_not_hidden():
    fig = new_figure(3, 2, layout=None)
    ax = fig.add_subplot(yscale="log")
    bars, marks = make_grad_bars(ax, 5)
    set_grad_bars(ax, bars, marks, np.array([0.0, np.inf, np.nan, 0.5]))
    assert [b.get_visible() for b in bars] == [True, True, True, True, False]
    assert [m.get_text() for m in marks] == ["0", "inf", "nan", "", ""]
    assert bars[3].get_height() == 0.5 and all(b.get_height() > 0 for b in bars[:3])
    assert [t.get_text() for t in ax.get_xticklabels()] == ["1", "2", "3", "out"]


@pytest.mark.parametrize("make", [
    lambda: labs.quiz("00"), labs.lr_explorer,
    lambda: labs.playground(n=60, resolution=10), lambda: labs.gradient_flow_lab(steps=5)])
def test_every_lab_carries_a_captioned_picture(make):
    lab = make()
    bundle = lab._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle
    png = base64.b64decode(bundle["image/png"])
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    assert "Open this notebook in JupyterLab" in bundle["text/plain"]
    assert "VBox" not in bundle["text/plain"]


def test_bp_widgets_is_a_deprecated_alias():
    sys.modules.pop("bplab.widgets", None)
    with pytest.warns(DeprecationWarning, match="bplab.labs"):
        widgets = importlib.import_module("bplab.widgets")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert widgets.playground is labs.playground and widgets.quiz is labs.quiz
