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
.bplab-choice input:focus-visible {
  outline: 2px solid var(--jp-brand-color1, #1565c0);
  outline-offset: 2px;
}
"""


class RadioChoice(anywidget.AnyWidget):
    """A question and its options as native radio buttons in a ``<fieldset>``, the question
    its ``<legend>``. ``value`` is the picked option's index (int), or None."""

    _esm = _CHOICE_ESM
    _css = _CHOICE_CSS
    question = T.Unicode("").tag(sync=True)
    options = T.List(T.Unicode()).tag(sync=True)
    value = T.Int(None, allow_none=True).tag(sync=True)
    disabled = T.Bool(False).tag(sync=True)

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
