"""Sliders a screen reader can name and a keyboard can use, as ``anywidget`` widgets.

A native ``<label>`` + ``<input type="range">`` + readout (a quiz's choices, built the same
way, are in ``choices.py``, which shares ``_KEYS_JS``). The arrow keys, Home, End, Page Up/Down (and Space on a radio) act on the control and stop
there: JupyterLab's notebook shortcuts, which listen on the document, would take them
otherwise (ArrowDown selects the next cell; the range input would not move). Every other
key (Shift+Enter, Ctrl+S, Escape) still reaches JupyterLab.

ipywidgets 8 draws its sliders with noUiSlider: a ``<div role="slider">`` handle with no
accessible name (its label is a sibling it is not tied to), so a screen reader announces
"slider, 25" and axe-core's ``aria-input-field-name`` rule fails. These sliders are
``anywidget`` widgets whose view is the browser's own range input, named by a ``<label
for=...>`` and announcing its readout as ``aria-valuetext`` (a log slider's position is an
exponent; the learner hears the learning rate). Tab reaches it; the arrow keys, Home, End,
Page Up and Page Down move it, as for any native range input.

They keep the ipywidgets API the labs use: ``value``, ``min``, ``max``, ``step``,
``description``, ``disabled``, ``continuous_update``, ``readout_format``, ``layout`` and
``observe(..., names="value")``; ``value`` is clamped to [min, max] as ipywidgets does. A
``FloatLogSlider``'s ``min``/``max``/``step`` are exponents of ``base``, as in ipywidgets.
``description_width`` replaces ipywidgets' ``style={"description_width": ...}``.
"""

from __future__ import annotations

import anywidget
import traitlets as T

_KEYS_JS = r"""
const OWN_KEYS = new Set(["ArrowLeft", "ArrowRight", "ArrowUp", "ArrowDown", "Home", "End",
                          "PageUp", "PageDown", " "]);
// the control's own keys do their native work and do not reach JupyterLab's shortcuts
function keepKeys(node) {
  node.addEventListener("keydown", (event) => {
    if (OWN_KEYS.has(event.key) && !event.ctrlKey && !event.altKey && !event.metaKey) {
      event.stopPropagation();
    }
  });
}

// Each widget model imports its own copy of this module, and several render in the same
// millisecond: a counter or a timestamp alone would repeat, and a repeated id ties a
// <label> to another slider.
let counter = 0;
function uniqueId(prefix) {
  const random = globalThis.crypto?.randomUUID?.() ?? Math.random().toString(36).slice(2);
  return `${prefix}-${random}-${counter++}`;
}
"""

_ESM = _KEYS_JS + r"""
// Python's format spec for the readout: "d", ".Nf", ".Ne", ".Ng" (what the labs use).
function pad(s) { return s.replace(/e([+-])(\d)$/, "e$10$2"); }   // 1e-2 -> 1e-02
function strip(s) { return s.includes(".") ? s.replace(/\.?0+$/, "") : s; }
function format(x, spec) {
  if (!Number.isFinite(x)) return String(x);
  const m = /^\.?(\d*)([defg]?)$/.exec(spec || "") || ["", "", "g"];
  const p = m[1] === "" ? 6 : parseInt(m[1], 10);
  switch (m[2]) {
    case "d": return String(Math.round(x));
    case "f": return x.toFixed(p);
    case "e": return pad(x.toExponential(p));
    default: {
      if (x === 0) return "0";
      const P = Math.max(p, 1), exp = x.toExponential(P - 1);
      const e = parseInt(exp.split("e")[1], 10);
      if (e < -4 || e >= P) {
        const [mant, ex] = exp.split("e");
        return pad(strip(mant) + "e" + ex);
      }
      return strip(x.toFixed(P - 1 - e));
    }
  }
}

function render({ model, el }) {
  const id = uniqueId("bplab-slider");
  el.classList.add("bplab-slider");
  const label = document.createElement("label");
  label.className = "bplab-slider-label";
  label.htmlFor = id;
  const input = document.createElement("input");
  input.type = "range";
  input.id = id;
  input.className = "bplab-slider-input";
  keepKeys(input);
  const readout = document.createElement("output");
  readout.className = "bplab-slider-readout";
  readout.htmlFor = id;
  readout.setAttribute("aria-hidden", "true");  // the input's aria-valuetext says it
  el.append(label, input, readout);

  const kind = () => model.get("_kind");
  const base = () => model.get("base");
  // position of the range input <-> the widget's value
  const toPosition = (v) => kind() === "log" ? Math.log(v) / Math.log(base()) : v;
  const fromPosition = (p) => kind() === "log" ? base() ** p : p;
  const text = (v) => kind() === "selection" ? (model.get("_options_labels")[v] ?? "")
                                             : format(v, model.get("readout_format"));
  const key = () => kind() === "selection" ? "index" : "value";

  function show(v) {
    const t = text(v);
    readout.textContent = t;
    input.setAttribute("aria-valuetext", t);
  }
  function sync() {
    label.textContent = model.get("description");
    label.style.width = model.get("description_width") || "";
    label.hidden = !model.get("description");
    if (kind() === "selection") {
      input.min = 0; input.max = Math.max(model.get("_options_labels").length - 1, 0);
      input.step = 1;
    } else {
      input.min = model.get("min"); input.max = model.get("max"); input.step = model.get("step");
    }
    input.value = kind() === "selection" ? model.get("index") : toPosition(model.get("value"));
    input.disabled = model.get("disabled");
    input.setAttribute("aria-label", model.get("description") || "slider");
    show(model.get(key()));
  }
  function current() {
    const p = Number(input.value);
    return kind() === "selection" || kind() === "int" ? Math.round(p) : fromPosition(p);
  }
  function commit() {
    model.set(key(), current());
    model.save_changes();
  }
  const onInput = () => {
    show(current());
    if (model.get("continuous_update")) commit();
  };
  input.addEventListener("input", onInput);
  input.addEventListener("change", commit);
  const names = ["value", "index", "min", "max", "step", "base", "description",
                 "description_width", "disabled", "readout_format", "_options_labels"];
  for (const name of names) model.on(`change:${name}`, sync);
  sync();
  return () => {
    for (const name of names) model.off(`change:${name}`, sync);
  };
}

export default { render };
"""

_CSS = """
.bplab-slider {
  display: flex;
  align-items: center;
  gap: 6px;
  min-height: var(--jp-widgets-inline-height, 28px);
  margin: var(--jp-widgets-margin, 2px);
  box-sizing: border-box;
}
.bplab-slider-label {
  flex: 0 0 auto;
  text-align: right;
  color: var(--jp-widgets-label-color, var(--jp-ui-font-color1, #1a1a1a));
  font-size: var(--jp-widgets-font-size, 13px);
  white-space: nowrap;
  overflow: hidden;
  text-overflow: ellipsis;
}
.bplab-slider-input {
  flex: 1 1 auto;
  min-width: 60px;
  margin: 0;
  accent-color: var(--jp-brand-color1, #1565c0);
}
.bplab-slider-input:focus-visible {
  outline: 2px solid var(--jp-brand-color1, #1565c0);
  outline-offset: 2px;
}
.bplab-slider-readout {
  flex: 0 0 auto;
  min-width: 4.5em;
  color: var(--jp-widgets-readout-color, var(--jp-ui-font-color1, #1a1a1a));
  font-size: var(--jp-widgets-font-size, 13px);
  font-variant-numeric: tabular-nums;
}
"""


def _style_to_width(kwargs: dict) -> None:
    """ipywidgets' ``style={"description_width": w}`` becomes ``description_width=w``."""
    style = kwargs.pop("style", None) or {}
    unknown = set(style) - {"description_width"}
    if unknown:
        raise ValueError(f"slider: style takes only 'description_width', got {sorted(unknown)}")
    if "description_width" in style:
        kwargs.setdefault("description_width", style["description_width"])


class _Slider(anywidget.AnyWidget):
    """What every slider shares; see the module docstring."""

    _esm = _ESM
    _css = _CSS
    _kind = T.Unicode("float").tag(sync=True)
    description = T.Unicode("").tag(sync=True)
    description_width = T.Unicode("").tag(sync=True)
    disabled = T.Bool(False).tag(sync=True)
    continuous_update = T.Bool(True).tag(sync=True)
    readout_format = T.Unicode("").tag(sync=True)

    def __init__(self, value=None, **kwargs):
        _style_to_width(kwargs)
        # min and max first, so the value is clamped to the right range
        bounds = {k: kwargs.pop(k) for k in ("min", "max") if k in kwargs}
        super().__init__(**kwargs)
        if bounds.get("min", self.min) > bounds.get("max", self.max):
            raise T.TraitError(f"slider: min must be <= max, got min={bounds.get('min')} "
                               f"and max={bounds.get('max')}")
        with self.hold_trait_notifications():
            for name, bound in bounds.items():
                setattr(self, name, bound)
        if value is not None:
            self.value = value

    def _bounds(self):
        return self.min, self.max

    @T.validate("value")
    def _clamp_value(self, proposal):
        low, high = self._bounds()
        return min(max(proposal["value"], low), high)

    @T.validate("min")
    def _validate_min(self, proposal):
        if proposal["value"] > self.max:
            raise T.TraitError(f"slider: min must be <= max ({self.max}), got {proposal['value']}")
        return proposal["value"]

    @T.validate("max")
    def _validate_max(self, proposal):
        if proposal["value"] < self.min:
            raise T.TraitError(f"slider: max must be >= min ({self.min}), got {proposal['value']}")
        return proposal["value"]

    @T.observe("min", "max", "base")
    def _reclamp(self, _change):
        self.value = self._clamp_value({"value": self.value})


class IntSlider(_Slider):
    """An integer slider, like ``ipywidgets.IntSlider`` (readout ``"d"``)."""

    _kind = T.Unicode("int").tag(sync=True)
    value = T.CInt(0).tag(sync=True)
    min = T.CInt(0).tag(sync=True)
    max = T.CInt(100).tag(sync=True)
    step = T.CInt(1).tag(sync=True)
    readout_format = T.Unicode("d").tag(sync=True)


class FloatSlider(_Slider):
    """A float slider, like ``ipywidgets.FloatSlider`` (readout ``".2f"``)."""

    value = T.CFloat(0.0).tag(sync=True)
    min = T.CFloat(0.0).tag(sync=True)
    max = T.CFloat(10.0).tag(sync=True)
    step = T.CFloat(0.1).tag(sync=True)
    readout_format = T.Unicode(".2f").tag(sync=True)


class FloatLogSlider(_Slider):
    """A log-scale slider, like ``ipywidgets.FloatLogSlider``: ``min``, ``max`` and ``step``
    are exponents of ``base``; ``value`` is ``base ** exponent`` (readout ``".3g"``)."""

    _kind = T.Unicode("log").tag(sync=True)
    value = T.CFloat(1.0).tag(sync=True)
    base = T.CFloat(10.0).tag(sync=True)
    min = T.CFloat(0.0).tag(sync=True)
    max = T.CFloat(4.0).tag(sync=True)
    step = T.CFloat(0.1).tag(sync=True)
    readout_format = T.Unicode(".3g").tag(sync=True)

    def _bounds(self):
        return self.base ** self.min, self.base ** self.max


class SelectionSlider(anywidget.AnyWidget):
    """A slider over ``options`` (``[(label, value), ...]`` or values), like
    ``ipywidgets.SelectionSlider``: ``value`` is the chosen option's value, ``index`` its
    position; the readout is its label."""

    _esm = _ESM
    _css = _CSS
    _kind = T.Unicode("selection").tag(sync=True)
    _options_labels = T.List(T.Unicode()).tag(sync=True)
    index = T.Int(0).tag(sync=True)
    value = T.Any()
    description = T.Unicode("").tag(sync=True)
    description_width = T.Unicode("").tag(sync=True)
    disabled = T.Bool(False).tag(sync=True)
    continuous_update = T.Bool(True).tag(sync=True)

    def __init__(self, options, value=None, **kwargs):
        pairs = [o if isinstance(o, tuple) else (str(o), o) for o in options]
        if not pairs:
            raise ValueError("SelectionSlider: options must hold at least one choice, got 0")
        self._values = [v for _, v in pairs]
        _style_to_width(kwargs)
        super().__init__(_options_labels=[str(label) for label, _ in pairs], **kwargs)
        self.value = self._values[0] if value is None else value

    @T.validate("value")
    def _known_value(self, proposal):
        if proposal["value"] not in self._values:
            raise T.TraitError(f"SelectionSlider: value must be one of {self._values}, "
                               f"got {proposal['value']!r}")
        return proposal["value"]

    @T.observe("value")
    def _value_to_index(self, change):
        self.index = self._values.index(change["new"])

    @T.observe("index")
    def _index_to_value(self, change):
        if not 0 <= change["new"] < len(self._values):
            raise T.TraitError(f"SelectionSlider: index must be in [0, {len(self._values) - 1}], "
                               f"got {change['new']}")
        self.value = self._values[change["new"]]
