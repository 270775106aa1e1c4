"""bp.labs.lr_explorer on the surfaces of bp.viz.surfaces."""

import numpy as np
import pytest

pytest.importorskip("ipywidgets")

from bplab import labs
from bplab.viz.surfaces import SURFACES


@pytest.mark.parametrize("lr, regime", [(0.005, "too small"), (0.3, "good"),
                                        (0.7, "oscillating"), (1.5, "diverging")])
def test_slider_changes_the_regime(lr, regime):
    lab = labs.lr_explorer()
    before_png, before_path = lab.image.value, lab.lines["1d"].get_xdata().copy()
    lab.lr.value = lr
    assert lab.verdicts["1d"] == regime and regime in lab.readout.value
    assert lab.image.value != before_png
    assert not np.array_equal(lab.lines["1d"].get_xdata(), before_path)


def test_steps_slider_lengthens_the_path():
    lab = labs.lr_explorer(lr=0.1, steps=10)
    lab.steps.value = 40
    assert len(lab.lines["2d"].get_xdata()) == 41
    assert lab.verdicts["2d"] in ("good", "too small")


def test_lr_slider_is_wide_enough_for_a_mouse():
    lab = labs.lr_explorer()
    width_px = int(lab.lr.layout.width.rstrip("px"))
    steps = (lab.lr.max - lab.lr.min) / lab.lr.step
    assert (width_px - 150) / steps >= 5  # >= 5 px of track per step, label aside


@pytest.mark.parametrize("key", ["1d", "2d"])
def test_surface_gradients_match_finite_differences(key):
    surface, w, h = SURFACES[key], np.array(SURFACES[key]["start"], dtype=float), 1e-6
    numeric = [(surface["loss"](w + h * e) - surface["loss"](w - h * e)) / (2 * h)
               for e in np.eye(len(w))]
    np.testing.assert_allclose(np.ravel(surface["grad"](w)), np.ravel(numeric), rtol=1e-6)
