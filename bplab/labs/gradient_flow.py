"""The gradient-flow lab: every layer's gradient norm, now and over training, with Play/Pause.

Letters: L Linear layers (the hidden layers plus the output layer), S steps taken.
"""

from __future__ import annotations

import time

import numpy as np

from .base import (
    Lab,
    Player,
    fit_quietly,
    locked,
    make_grad_bars,
    message_artist,
    new_figure,
    picture,
    set_grad_bars,
    show,
)
from .playground import MAX_DEPTH


class GradientFlowLab(Lab):
    """Per-layer gradient norms for depth x activation x init; see ``gradient_flow_lab``."""

    title = "Gradient-flow lab"

    def __init__(self, steps: int = 60, width: int = 16, lr: float = 0.1, rng: int = 0):
        import ipywidgets as W

        from ..data import make_moons
        from .controls import IntSlider

        self.num_steps, self.width, self.lr, self.seed = steps, width, lr, rng
        self.X, self.y = make_moons(200, noise=0.1, rng=rng)
        self.message = ""
        st, lay = {"description_width": "95px"}, W.Layout(width="300px")
        self.depth = IntSlider(value=6, min=1, max=MAX_DEPTH, description="hidden layers",
                                 continuous_update=False, style=st, layout=lay)
        self.activation = W.Dropdown(options=["relu", "tanh", "sigmoid"], value="relu",
                                     description="activation", style=st, layout=lay)
        self.init = W.Dropdown(options=["zeros", "small", "large", "xavier", "he"],
                               value="he", description="init", style=st, layout=lay)
        self.step = IntSlider(value=0, min=0, max=steps - 1, description="bars at step",
                                continuous_update=False, style=st,
                                layout=W.Layout(width="600px"))
        self.play_button = W.Button(layout=W.Layout(width="90px"))
        self.step_button = W.Button(description="Step", icon="step-forward",
                                    layout=W.Layout(width="90px"))
        self.reset_button = W.Button(description="Reset", icon="refresh",
                                     layout=W.Layout(width="90px"))
        for control in (self.depth, self.activation, self.init):
            control.observe(lambda _: self.run(), names="value")
        self.step.observe(lambda _: self.redraw(), names="value")
        self.step_button.on_click(lambda _: self.train_more())
        self.reset_button.on_click(lambda _: self.run())
        self.player = Player(self, self.play_button)
        self.readout = W.HTML()
        self.image = picture()
        self._build_figure()
        self.widget = W.VBox([W.HBox([self.depth, self.activation, self.init]),
                              W.HBox([self.step, self.play_button, self.step_button,
                                      self.reset_button]),
                              self.readout, self.image])
        self.run()

    def _build_figure(self) -> None:
        import matplotlib as mpl

        self.fig = new_figure(10.0, 3.4, layout=None)
        self.ax_bars, self.ax_heat = self.fig.subplots(1, 2, width_ratios=[1, 1.5])
        self.fig.subplots_adjust(left=0.07, right=0.98, bottom=0.17, top=0.9, wspace=0.25)
        self.bars, self.marks = make_grad_bars(self.ax_bars, MAX_DEPTH + 1)
        self.ax_bars.set(yscale="log", ylim=(1e-10, 1e4), ylabel="||dL/dW||",
                         xlabel="layer (input → output)")
        cmap = mpl.colormaps["viridis"].with_extremes(bad="0.85")
        self.heat = self.ax_heat.imshow(np.zeros((2, 2)), aspect="auto", cmap=cmap, vmin=-8,
                                        vmax=2, interpolation="nearest")
        self.fig.colorbar(self.heat, ax=self.ax_heat, label="log10 ||dL/dW||", pad=0.02)
        self.marker = self.ax_heat.axvline(1, color="white", lw=1, ls="--")
        self.ax_heat.set(xlabel="step", ylabel="layer", title="Gradient norms over training")
        self.message_text = message_artist(self.ax_heat)

    # -- training --------------------------------------------------------------------------
    @locked
    def run(self) -> None:
        """Build the network from the controls, train ``steps`` SGD steps, redraw.

        A playing lab keeps playing on the new network.
        """
        from ..nn import MLP
        from ..optim import SGD
        from ..train import History

        sizes = [2] + [self.width] * self.depth.value + [2]
        self.model = MLP(sizes, self.activation.value, self.init.value, rng=self.seed)
        self.optimizer, self.shuffle = SGD(self.lr), np.random.default_rng(self.seed)
        self.history = History(layer_names=[f"layer {k + 1}" for k in range(len(sizes) - 1)])
        self.message = ""
        self._fit(lambda h: len(h.loss) >= self.num_steps, epochs=self.num_steps)
        self._follow_last_step(0)

    def _fit(self, callback=None, epochs: int = 1) -> str:
        """Train on the moons into ``self.history``; why it stopped ("" if it may go on)."""
        fit_quietly(self.model, self.X, self.y, optimizer=self.optimizer, batch_size=32,
                    epochs=epochs, rng=self.shuffle, history=self.history, callback=callback)
        return self.diverged_message()

    def diverged_message(self) -> str:
        """Why the run stopped, with advice on this lab's controls (init, activation, depth;
        it has no learning rate), or "" while it may go on."""
        from ..flow import flow_advice

        h = self.history
        if h.diverged_at is None:
            return ""
        before = (f"from {h.loss[-1]:.3g} at step {len(h.loss) - 1}" if h.loss else
                  "at the first step")
        grew = (f"grew to {h.diverged_loss:.3g}" if np.isfinite(h.diverged_loss or np.nan)
                else "became non-finite")
        advice = flow_advice("exploding", len(self.model.sizes) - 1, self.init.value,
                             self.activation.value)
        return (f"Training diverged at step {h.diverged_at}: the loss {grew} ({before})"
                f"{advice}. Changing a control starts a new run.")

    def advance(self, budget: float) -> str:
        """Train epochs for about ``budget`` seconds (at least one); why to stop, or ""."""
        start = time.perf_counter()
        while True:
            if self.history.diverged_at is not None:
                return self.diverged_message()
            reason = self._fit()
            if reason or time.perf_counter() - start >= budget:
                self._follow_last_step(None)
                return reason

    @locked
    def train_more(self) -> None:
        """One more epoch of SGD (the Step button); the bars move to the last step."""
        self.message = self.advance(0.0) or self.message
        self.redraw()

    def play(self) -> None:
        """Train continuously until ``pause()`` (the Play button); needs a running event loop."""
        self.player.play()

    def pause(self) -> None:
        self.player.pause()

    @property
    def norms(self) -> np.ndarray:
        """||dL/dW|| per step and layer (max(S, steps), L); steps not reached are nan."""
        layers = len(self.model.sizes) - 1
        done = np.asarray(self.history.grad_norms, dtype=np.float64).reshape(-1, layers)
        norms = np.full((max(len(done), self.num_steps), layers), np.nan)
        norms[:len(done)] = done
        return norms

    def _follow_last_step(self, value: int | None) -> None:
        """Set the step slider's range (and value: the last step when None), then redraw."""
        last = max(len(self.history.grad_norms), 1) - 1
        with self.step.hold_trait_notifications():
            self.step.max = max(last, self.num_steps - 1)
            self.step.value = last if value is None else value
        self.redraw()

    # -- drawing ---------------------------------------------------------------------------
    @locked
    def redraw(self) -> None:
        """Heatmap, the bars of the chosen step, verdict and message; then the image."""
        from ..train import flow_verdict
        from ..viz.training import log_norms, wrap_message

        norms, k = self.norms, self.step.value
        layers = norms.shape[1]
        logs = np.where(np.isnan(norms), np.nan, log_norms(norms))  # not reached: blank
        self.heat.set_data(np.ma.masked_invalid(logs.T))
        self.heat.set_extent((0.5, len(norms) + 0.5, layers + 0.5, 0.5))
        self.ax_heat.set_yticks(np.arange(1, layers + 1),
                                [str(j) for j in range(1, layers)] + ["out"])
        shown = norms[min(k, len(norms) - 1)]
        set_grad_bars(self.ax_bars, self.bars, self.marks, shown)
        self.ax_bars.set_title(f"Gradient norm per layer, step {k}")
        self.marker.set_xdata([k + 1, k + 1])
        if k < len(self.history.grad_norms):
            self.verdict = flow_verdict(shown, self.init.value, self.activation.value,
                                        loss=self.history.loss[k])
        elif self.history.diverged_at is not None:
            self.verdict = (f"exploding: the run diverged at step {self.history.diverged_at} "
                            "(its loss blew up); later steps were never reached")
        else:
            self.verdict = "not reached yet: press Play or Step to train that far"
        # divergence only: the flat loss of a zero init would read as "lr too large" here
        message = self.message or self.diverged_message()
        self.message_text.set_text(wrap_message(message, 60))
        self.message_text.set_visible(bool(message))
        self.readout.value = (f"{self.depth.value} hidden layers + the output layer ('out'), "
                              f"{self.activation.value}, {self.init.value} init, step "
                              f"{k} of {len(self.history.grad_norms)}: <b>{self.verdict}</b>")
        show(self.image, self.fig, "Gradient flow: a heatmap of every layer's gradient norm "
             "over the training steps, and bars of each layer's norm at the chosen step. "
             + self.readout.value)


def gradient_flow_lab(steps: int = 60, width: int = 16, lr: float = 0.1,
                      rng: int = 0) -> GradientFlowLab:
    """Choose depth x activation x init; see every layer's gradient norm, now and over training.

    Left: ||dL/dW|| per layer at one step (a slider picks the step); the last bar is the
    output layer ("out"); a bar whose norm is 0, not finite, or below the axis (1e-10) is
    red and marked at the floor ("0", "nan", or its value over a ▼). The verdict judges
    the size of the gradients as well as their spread, and its advice names the selected
    init and only the lab's own controls (init, activation, depth). Right: a
    heatmap of log10 norms, layers x steps, for ``steps`` steps of SGD on the moons; Play
    goes on training (the heatmap grows, the bars follow the last step) until Pause. The
    colour scale is fixed, so vanishing (sigmoid, 8 layers, small init: dark rows near
    the input) and exploding gradients (large init: bright rows) are visible at a glance.
    A run that diverges stops; its steps past that point are grey and the message is on
    the plot.

    Parameters
    ----------
    steps : int, default 60
        Steps trained on every change of the controls.
    width : int, default 16
        Units per hidden layer.
    lr : float, default 0.1
        Plain SGD's learning rate.
    rng : int, default 0

    Returns
    -------
    GradientFlowLab
        Displays as its widget; ``.depth``, ``.activation``, ``.init``, ``.step``,
        ``.norms`` (steps, layers), ``.verdict``, ``.run()``, ``.play()``, ``.pause()``.
    """
    return GradientFlowLab(steps, width, lr, rng)
