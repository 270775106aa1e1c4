"""bplab.labs.controls and choices: the labs' accessible sliders, quiz choices and verdict region behave
like the ipywidgets they replace (value clamped, bounds checked, observe on "value")."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import traitlets

from bplab.labs.choices import RadioChoice, Status
from bplab.labs.controls import FloatLogSlider, FloatSlider, IntSlider, SelectionSlider


def test_int_slider_clamps_and_notifies_like_ipywidgets():
    s = IntSlider(value=70, min=10, max=90, step=10, description="train %")
    seen = []
    s.observe(lambda change: seen.append(change["new"]), names="value")
    s.value = 200
    s.value = -5
    assert seen == [90, 10] and s.value == 10
    s.min = 30  # the value follows a bound that passes it
    assert s.value == 30
    with pytest.raises(traitlets.TraitError, match="min must be <= max"):
        s.min = 100


def test_bounds_set_together_are_checked_at_the_end():
    """The gradient-flow lab moves max and value at once under hold_trait_notifications."""
    s = IntSlider(value=0, min=0, max=59)
    with s.hold_trait_notifications():
        s.max = 80
        s.value = 75
    assert (s.value, s.max) == (75, 80)
    s.max = 10
    assert s.value == 10
    with pytest.raises(traitlets.TraitError, match="min must be <= max"):
        IntSlider(min=5, max=1)


def test_float_log_slider_bounds_are_exponents_and_the_value_is_kept_exactly():
    s = FloatLogSlider(value=0.03, base=10, min=-4, max=1, step=0.1, readout_format=".1e")
    assert (s.min, s.max, s.step, s.value) == (-4, 1, 0.1, 0.03)
    s.value = 0.5  # between two slider positions: kept, as ipywidgets does
    assert s.value == 0.5
    s.value = 100.0
    assert s.value == pytest.approx(10.0)
    s.value = 1e-9
    assert s.value == pytest.approx(1e-4)


def test_float_slider_defaults_and_style_width():
    s = FloatSlider(value=0.1, min=0.0, max=0.5, step=0.05, description="noise",
                    style={"description_width": "95px"})
    assert (s.value, s.readout_format, s.description_width) == (0.1, ".2f", "95px")
    with pytest.raises(ValueError, match="style takes only 'description_width'"):
        FloatSlider(style={"handle_color": "red"})


def test_selection_slider_maps_index_and_value():
    s = SelectionSlider(options=[("0", 0.0), ("0.001", 0.001), ("0.3", 0.3)], value=0.0,
                        description="L2 rate")
    seen = []
    s.observe(lambda change: seen.append(change["new"]), names="value")
    s.index = 2  # what the browser sends
    assert s.value == 0.3 and seen == [0.3]
    s.value = 0.001
    assert s.index == 1 and s._options_labels == ["0", "0.001", "0.3"]
    with pytest.raises(traitlets.TraitError, match="value must be one of"):
        s.value = 0.5
    with pytest.raises(ValueError, match="at least one choice"):
        SelectionSlider(options=[])


def test_radio_choice_holds_an_index_or_none():
    c = RadioChoice(question="2 + 2?", options=["3", "4"])
    assert c.value is None
    c.value = 1
    with pytest.raises(traitlets.TraitError, match=r"index in \[0, 1\]"):
        c.value = 2
    c.value = None
    assert Status(value="<b>Right.</b>").value == "<b>Right.</b>"


def test_each_view_is_a_native_named_control():
    """What the browser draws (the ESM): a range input tied to a <label>, radios in a
    fieldset with a legend, a role=status region; the own keys stop before JupyterLab."""
    from bplab.labs import choices, controls

    assert 'input.type = "range"' in controls._ESM and "label.htmlFor = id" in controls._ESM
    assert 'setAttribute("aria-valuetext"' in controls._ESM
    assert '"fieldset"' in choices._CHOICE_ESM and '"legend"' in choices._CHOICE_ESM
    assert 'setAttribute("role", "status")' in choices._STATUS_ESM
    assert "stopPropagation" in controls._KEYS_JS and "ctrlKey" in controls._KEYS_JS


def test_jupyterlab_loads_the_anywidget_extension():
    """The controls need anywidget's JupyterLab extension, shipped in its wheel."""
    jupyter = Path(sys.executable).parent / "jupyter"
    if not jupyter.exists():
        pytest.skip(f"no jupyter next to {sys.executable}")
    listing = subprocess.run([str(jupyter), "labextension", "list"], check=False,
                             capture_output=True, text=True, timeout=120)
    lines = [line for line in (listing.stdout + listing.stderr).splitlines()
             if "anywidget" in line]
    assert lines and "enabled" in lines[0] and "OK" in lines[0], \
        f"anywidget's JupyterLab extension is not enabled: {lines or listing.stdout[-500:]}"


def test_a_choice_carries_its_own_check_button():
    """Check is a press of the choice widget (submits), so it is judged with the pick it was
    made on; a separate Button could overtake a pick ipywidgets still holds back."""
    from bplab.labs import choices

    choice = RadioChoice(question="q", options=["a", "b"], button_label="Check")
    seen = []
    choice.on_submit(lambda: seen.append(choice.value))
    choice.value = 1
    choice.submit()
    assert seen == [1] and choice.submits == 1
    assert "bplab-check" in choices._CHOICE_ESM and "submits" in choices._CHOICE_ESM
