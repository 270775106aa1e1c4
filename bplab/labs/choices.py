"""A quiz's choices a screen reader can follow, as ``anywidget`` widgets (the sliders are
in ``controls.py``, whose key handling ``_KEYS_JS`` these share).

The options: a ``<fieldset>`` of native radio buttons whose ``<legend>`` is the question;
the arrow keys and Space pick an option and stop there, as on a slider. The verdict: a
``role="status"`` region, so a screen reader reads it out when Check is pressed.
"""

from __future__ import annotations

import anywidget
import traitlets as T

from .controls import _KEYS_JS

__all__ = ["RadioChoice", "Status"]

_CHOICE_ESM = _KEYS_JS + r"""
function render({ model, el }) {
  const name = uniqueId("bplab-choice");
  el.classList.add("bplab-choice");
  const fieldset = document.createElement("fieldset");
  const legend = document.createElement("legend");
  fieldset.append(legend);
  el.append(fieldset);
  let radios = [];
  function build() {
    legend.textContent = model.get("question");
    for (const old of fieldset.querySelectorAll("label")) old.remove();
    radios = model.get("options").map((text, i) => {
      const label = document.createElement("label");
      const radio = document.createElement("input");
      radio.type = "radio";
      radio.name = name;
      radio.value = String(i);
      keepKeys(radio);
      radio.addEventListener("change", () => {
        if (radio.checked) { model.set("value", i); model.save_changes(); }
      });
      label.append(radio, document.createTextNode(" " + text));
      fieldset.append(label);
      return radio;
    });
    sync();
  }
  function sync() {
    const value = model.get("value");
    radios.forEach((radio, i) => {
      radio.checked = value === i;
      radio.disabled = model.get("disabled");
    });
  }
  // Check is part of this widget, not a widget of its own: a press is one more change of
  // this model, so it reaches the kernel after the pick it judges. ipywidgets holds a
  // model's next change until the kernel answers the last, while another widget's click
  // would go at once and overtake a pick still waiting.
  const check = document.createElement("button");
  check.type = "button";
  check.className = "bplab-check";
  check.textContent = model.get("button_label");
  check.hidden = !model.get("button_label");
  check.addEventListener("keydown", (event) => {
    if (event.key === "Enter" || event.key === " ") event.stopPropagation();
  });
  check.addEventListener("click", () => {
    model.set("submits", model.get("submits") + 1);
    model.save_changes();
  });
  el.append(check);
  model.on("change:options", build);
  model.on("change:question", build);
  model.on("change:value", sync);
  model.on("change:disabled", sync);
  build();
  return () => {
    model.off("change:options", build);
    model.off("change:question", build);
    model.off("change:value", sync);
    model.off("change:disabled", sync);
  };
}

export default { render };
"""

_STATUS_ESM = r"""
function render({ model, el }) {
  // one live region for the widget's life: its content changes, so it is read out
  const region = document.createElement("div");
  region.setAttribute("role", "status");
  region.className = "bplab-status";
  el.append(region);
  const sync = () => { region.innerHTML = model.get("value"); };
  model.on("change:value", sync);
  sync();
  return () => model.off("change:value", sync);
}

export default { render };
"""

_CHOICE_CSS = """
.bplab-choice fieldset {
  border: none;
  margin: 0;
  padding: 0;
  font-size: var(--jp-widgets-font-size, 13px);
  color: var(--jp-widgets-label-color, var(--jp-ui-font-color1, #1a1a1a));
}
.bplab-choice legend {
  font-weight: bold;
  padding: 0 0 4px 0;
}
.bplab-choice label {
  display: block;
  padding: 2px 0;
}
.bplab-choice input:focus-visible, .bplab-check:focus-visible {
  outline: 2px solid var(--jp-brand-color1, #1565c0);
  outline-offset: 2px;
}
.bplab-check {
  margin: 4px 0 2px 0;
  padding: 4px 24px;
  border: none;
  border-radius: 2px;
  background: #1565c0;
  color: #ffffff;
  font-size: var(--jp-widgets-font-size, 13px);
  cursor: pointer;
}
"""


class RadioChoice(anywidget.AnyWidget):
    """A question and its options as native radio buttons in a ``<fieldset>``, the question
    its ``<legend>``. ``value`` is the picked option's index (int), or None.

    With a ``button_label``, a native button under the options counts its presses in
    ``submits``: observe it (``on_submit``) to judge the pick the press was made on."""

    _esm = _CHOICE_ESM
    _css = _CHOICE_CSS
    question = T.Unicode("").tag(sync=True)
    options = T.List(T.Unicode()).tag(sync=True)
    value = T.Int(None, allow_none=True).tag(sync=True)
    disabled = T.Bool(False).tag(sync=True)
    button_label = T.Unicode("").tag(sync=True)
    submits = T.Int(0).tag(sync=True)

    def submit(self) -> None:
        """Press the button from Python (as a click in the browser does)."""
        self.submits += 1

    def on_submit(self, callback) -> None:
        """Call ``callback()`` on every press."""
        self.observe(lambda _change: callback(), names="submits")

    @T.validate("value")
    def _known_index(self, proposal):
        index = proposal["value"]
        if index is not None and not 0 <= index < len(self.options):
            raise T.TraitError(f"RadioChoice: value must be None or an index in "
                               f"[0, {len(self.options) - 1}], got {index}")
        return index


class Status(anywidget.AnyWidget):
    """HTML in a ``role="status"`` live region (like ``ipywidgets.HTML``, ``value`` is the
    markup): a screen reader reads each new value out without moving the focus."""

    _esm = _STATUS_ESM
    value = T.Unicode("").tag(sync=True)
