"""What every lab shares: the ``Lab`` base, figures outside pyplot, PNG rendering, Play/Pause.

A lab is an object whose ``widget`` is what a notebook cell shows. Its saved output also
carries a picture of its current state (``image/png`` and an HTML ``<img>``) and a line
saying to open the notebook in JupyterLab to use it, so GitHub, nbviewer, an HTML export
and a lesson opened before it is run show a picture instead of ``VBox(children=...)``.

Live figures are ``matplotlib.figure.Figure`` objects (no pyplot, no global state),
rendered to PNG into an ``ipywidgets.Image``; their artists are created once and then
updated in place (``set_data``, ``set_height``, ``set_text``), never rebuilt.
"""

from __future__ import annotations

import asyncio
import base64
import functools
import io
import threading
import time
import warnings

import numpy as np

OPEN_IN_JUPYTERLAB = "Open this notebook in JupyterLab and run it to use this lab."


class Lab:
    """Base of the labs: shows as ``self.widget`` live, as ``self.snapshot_png()`` elsewhere."""

    widget = None
    fig = None  # the live figure, when the lab has one
    title = "lab"

    @property
    def lock(self) -> threading.RLock:
        """Held while the lab trains or draws: see ``locked``."""
        return self.__dict__.setdefault("_lock", threading.RLock())

    def snapshot_png(self) -> bytes:
        """A PNG of the lab's current state (its live figure by default)."""
        return render_png(self.fig)

    def _repr_mimebundle_(self, include=None, exclude=None, **kwargs):
        """The widget view, plus a picture and a line of text for wherever it can't run.

        Frontends without the live widget (GitHub, nbviewer, a lesson opened before it is
        run) fall back to ``image/png``: the lab's current state with the line
        ``OPEN_IN_JUPYTERLAB`` drawn under it.
        """
        bundle = dict(self.widget._repr_mimebundle_(include=include, exclude=exclude))
        png = with_caption(self.snapshot_png(), f"{self.title}: {OPEN_IN_JUPYTERLAB}")
        bundle["image/png"] = base64.b64encode(png).decode("ascii")
        bundle["text/plain"] = f"{self.title}: {OPEN_IN_JUPYTERLAB}"
        return bundle


def with_caption(png: bytes, caption: str, dpi: float = 80) -> bytes:
    """``png`` with one line of italic text under it, as a new PNG."""
    import matplotlib.image as mpimg

    pixels = mpimg.imread(io.BytesIO(png))
    height, width = pixels.shape[:2]
    strip = 26  # pixels for the caption
    fig = new_figure(width / dpi, (height + strip) / dpi, layout=None)
    ax = fig.add_axes((0, strip / (height + strip), 1, height / (height + strip)))
    ax.imshow(pixels, interpolation="nearest")
    ax.set_axis_off()
    fig.text(0.01, 0.5 * strip / (height + strip), caption, va="center", fontsize=10,
             style="italic", color="#333333")
    return render_png(fig, dpi=dpi)


def stack_pngs(top: bytes, bottom: bytes) -> bytes:
    """Two PNGs one above the other, as one PNG."""
    import io

    import matplotlib.image as mpimg

    a, b = (mpimg.imread(io.BytesIO(png)) for png in (top, bottom))
    width = max(a.shape[1], b.shape[1])
    pad = [np.pad(x, ((0, 0), (0, width - x.shape[1]), (0, 0)), constant_values=1) for x in (a, b)]
    buffer = io.BytesIO()
    mpimg.imsave(buffer, np.concatenate(pad), format="png")
    return buffer.getvalue()


def locked(method):
    """Run ``method`` holding the lab's lock.

    ipykernel may run a widget's callback on another thread than the Play task: without
    the lock, a slider's redraw (a forward pass over the plot grid) could land between a
    training step's forward and backward, and the backward would get the wrong cache.
    """

    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        with self.lock:
            return method(self, *args, **kwargs)

    return wrapper


def new_figure(width: float, height: float, layout: str | None = "constrained"):
    """A matplotlib Figure outside pyplot: never auto-shown, never leaks between cells.

    The live labs pass ``layout=None`` and place their axes once: a layout engine
    re-measures every text on every redraw, which doubles the time of a slider change.
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height), layout=layout)
    FigureCanvasAgg(fig)
    return fig


def render_png(fig, dpi: float = 80) -> bytes:
    """The figure as PNG bytes (what an ``ipywidgets.Image`` shows)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    if not isinstance(fig.canvas, FigureCanvasAgg):
        FigureCanvasAgg(fig)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi)
    return buffer.getvalue()


@functools.cache
def _picture_class():
    import ipywidgets as W
    from traitlets import Unicode

    class Picture(W.Image):
        """An ``ipywidgets.Image`` whose ``tooltip`` becomes the <img>'s ``title``, its text
        alternative. (ipywidgets 8's ImageView reads ``description`` before it sets a title,
        and Image has none: a tooltip on a plain Image breaks the view.)"""

        description = Unicode("").tag(sync=True)

    return Picture


def picture(**kwargs):
    """A PNG picture widget that can carry a text alternative (see ``show``)."""
    return _picture_class()(format="png", **kwargs)


def show(image, fig, alt: str) -> None:
    """Put the figure's current pixels into an ``ipywidgets.Image``, with ``alt`` (plain
    text or the lab's readout HTML) as its text alternative: the picture's ``title``, which
    screen readers read as the image's name (ipywidgets 8's Image has no ``alt``)."""
    image.value = render_png(fig)
    image.tooltip = plain_text(alt)


def plain_text(markup: str) -> str:
    """``markup`` without its HTML tags and entities, on one line."""
    import html
    import re

    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", markup)).split())


def fit_quietly(*args, **kwargs):
    """``bp.fit`` with its DivergenceWarning silenced: the labs show History.message instead."""
    from ..train import DivergenceWarning, fit

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DivergenceWarning)
        return fit(*args, **kwargs)


def message_artist(ax):
    """A hidden ``viz.show_message`` box in the middle of ``ax``, its text set later."""
    from ..viz.training import show_message

    artist = show_message(ax, "")
    artist.set_visible(False)
    return artist


def log_ylim(ax, values, floor: float = 1e-12) -> None:
    """Fit a log y-axis to the finite positive ``values``, with some room."""
    values = np.asarray(values, dtype=np.float64)
    values = values[np.isfinite(values) & (values > 0)]
    low, high = (values.min(), values.max()) if values.size else (1e-3, 1.0)
    low = max(low, floor)
    ax.set_ylim(low / 3.0, max(high, low * 10) * 3.0)


# ---- gradient bars ---------------------------------------------------------------------------
def make_grad_bars(ax, count: int):
    """``count`` bars plus a marker text above each, for ``set_grad_bars``."""
    bars = ax.bar(np.arange(count), np.ones(count), color="C0")
    marks = [ax.text(k, 0, "", ha="center", va="bottom", fontsize=8, color="#b00020",
                     fontweight="bold", transform=ax.get_xaxis_transform()) for k in range(count)]
    return bars, marks


def set_grad_bars(ax, bars, marks, norms: np.ndarray) -> None:
    """One bar per layer at its norm (L,); the last is the output layer, labelled "out".

    A norm that is exactly 0 or not finite has no height on a log axis, and one below the
    axis' floor (its lower y-limit, so set the limits first) is not drawn: such a bar is
    red and a marker at the floor says why ("0", "inf", "nan", or "▼" under the value, e.g.
    "2e-17"), so no bar vanishes silently.
    """
    from ..viz.training import GRAD_FLOOR

    norms = np.asarray(norms, dtype=np.float64)
    floor = max(ax.get_ylim()[0], GRAD_FLOOR) if ax.get_yscale() == "log" else GRAD_FLOOR
    for k, (bar, mark) in enumerate(zip(bars, marks)):
        shown = k < len(norms)
        bar.set_visible(shown)
        value = norms[k] if shown else 1.0
        drawn = bool(np.isfinite(value) and value > floor)
        bar.set_height(value if np.isfinite(value) and value > GRAD_FLOOR else GRAD_FLOOR)
        bar.set_color("C0" if drawn else "#b00020")
        mark.set_text(_bar_mark(value, floor) if shown else "")
        mark.set_fontsize(6 if "▼" in mark.get_text() else 8)  # 9 values side by side fit
        mark.set_y(0.02)
    labels = [str(k + 1) for k in range(len(norms) - 1)] + ["out"]
    ax.set_xticks(np.arange(len(norms)), labels)
    ax.set_xlim(-0.6, len(norms) - 0.4)


def _bar_mark(value: float, floor: float = 0.0) -> str:
    """What stands at the floor for a bar that can't be drawn: "", "0", "inf", "nan", or
    the value over a "▼" when it is below the floor."""
    if np.isnan(value):
        return "nan"
    if np.isinf(value):
        return "inf"
    if value == 0:
        return "0"
    return f"{value:.0e}\n▼" if value <= floor else ""


# ---- Play / Pause ------------------------------------------------------------------------------
class Player:
    """Play/Pause for a training lab: a task on the kernel's asyncio event loop.

    The lab provides ``advance(budget)`` (train for about ``budget`` seconds; return a
    reason string to stop, or "") and ``redraw()``. Between chunks the task awaits, so
    the kernel handles button and slider messages while it plays: a Pause click, an lr
    change or a rebuild act within one chunk plus one redraw (well under 0.5 s).
    """

    budget = 0.1  # seconds of training between redraws: a few redraws per second
    breath = 0.03  # seconds the task sleeps per round, for the kernel's messages

    def __init__(self, lab, button):
        self.lab, self.button, self.playing, self.task = lab, button, False, None
        self.frames = 0
        button.on_click(lambda _: self.toggle())
        self._show_state()

    def toggle(self) -> None:
        """Play when paused, pause when playing (the button's click)."""
        self.pause() if self.playing else self.play()

    def play(self) -> None:
        """Start training continuously on the running event loop."""
        if self.playing:
            return
        self.playing = True
        self._show_state()
        self.task = _event_loop().create_task(self._run())

    def pause(self) -> None:
        """Stop after the chunk in progress (the task checks ``playing`` every round)."""
        self.playing = False
        self._show_state()

    async def _run(self) -> None:
        try:
            while self.playing:
                start = time.perf_counter()
                with self.lab.lock:
                    reason = self.lab.advance(self.budget)
                    if reason:
                        self.pause()
                        self.lab.message = reason
                    self.lab.redraw()
                self.frames += 1
                await asyncio.sleep(max(self.breath, 0.2 - (time.perf_counter() - start)))
        except Exception as error:  # noqa: BLE001 - shown to the learner, not lost in a log
            self.pause()
            self.lab.message = f"Play stopped by an error: {error!r}"
            self.lab.redraw()

    def _show_state(self) -> None:
        self.button.description = "Pause" if self.playing else "Play"
        self.button.icon = "pause" if self.playing else "play"
        self.button.button_style = "warning" if self.playing else "success"


def _event_loop() -> asyncio.AbstractEventLoop:
    """The running loop (the kernel's, in a notebook), else the thread's current one."""
    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.get_event_loop_policy().get_event_loop()
