"""The playground: TensorFlow Playground in a notebook, with Play/Pause.

Letters: N points, D input features, H hidden units, C classes (1 output for regression).
"""

from __future__ import annotations

import time

import numpy as np

from .base import (
    Lab,
    Player,
    fit_quietly,
    locked,
    log_ylim,
    make_grad_bars,
    message_artist,
    new_figure,
    picture,
    set_grad_bars,
    show,
)
from .network_view import GRID, NetworkView, unit_colors
from .playground_data import (
    CLASSIFICATION,
    FEATURES,
    L2_RATES,
    REGRESSION,
    WithL2,
    features,
    make_regression,
)
from .playground_run import diverged_message, readout_html, remember, resume

MAX_DEPTH = 8  # hidden layers; the gradient bars keep MAX_DEPTH + 1 ready
class Playground(Lab):
    """TensorFlow Playground in a notebook; see ``playground``."""

    title = "Playground"

    def __init__(self, n: int = 200, resolution: int = 50, rng: int = 0,
                 unit_view: bool = True):

        self.n, self.resolution, self.seed = n, resolution, rng
        self.message = ""
        self._build_controls(unit_view)
        self._build_figure()
        self.image = picture()
        self.net_image = picture()
        self.player = Player(self, self.play_button)
        self.widget = self._layout()
        self.on_data_change()

    # -- construction --------------------------------------------------------------------
    def _build_controls(self, unit_view: bool) -> None:
        import ipywidgets as W

        from .controls import FloatLogSlider, FloatSlider, IntSlider, SelectionSlider

        st, lay = {"description_width": "95px"}, W.Layout(width="290px")
        self.dataset = W.Dropdown(options=CLASSIFICATION + REGRESSION, description="dataset",
                                  style=st, layout=lay)
        self.noise = FloatSlider(value=0.1, min=0.0, max=0.5, step=0.05, description="noise",
                                   continuous_update=False, style=st, layout=lay)
        self.train_percent = IntSlider(value=70, min=10, max=90, step=10,
                                         description="train %", continuous_update=False,
                                         style=st, layout=lay)
        self.show_test = W.Checkbox(value=False, description="show test data", indent=False)
        self.batch_size = IntSlider(value=16, min=1, max=64, description="batch size",
                                      continuous_update=False, style=st, layout=lay)
        self.feature_buttons = {name: W.ToggleButton(value=name in ("x1", "x2"), description=name,
                                                     layout=W.Layout(width="62px"))
                                for name in FEATURES}
        self.depth = IntSlider(value=2, min=1, max=MAX_DEPTH, description="hidden layers",
                                 continuous_update=False, style=st, layout=lay)
        self.width = IntSlider(value=8, min=1, max=32, description="width",
                                 continuous_update=False, style=st, layout=lay)
        self.activation = W.Dropdown(options=["relu", "tanh", "sigmoid"], value="tanh",
                                     description="activation", style=st, layout=lay)
        self.init = W.Dropdown(options=["zeros", "small", "xavier", "he"], value="xavier",
                               description="init", style=st, layout=lay)
        # 50 steps over ~450 px of track: about 9 px a step, easy to hit with a mouse
        self.lr = FloatLogSlider(value=0.03, base=10, min=-4, max=1, step=0.1,
                                   description="learning rate", readout_format=".1e",
                                   continuous_update=False, style=st,
                                   layout=W.Layout(width="590px"))
        self.optimizer_name = W.Dropdown(options=["sgd", "momentum", "adam"], value="adam",
                                         description="optimizer", style=st, layout=lay)
        self.l2 = SelectionSlider(options=[(f"{r:g}", r) for r in L2_RATES], value=0.0,
                                    description="L2 rate", continuous_update=False,
                                    style=st, layout=lay)
        self.unit_view = W.Checkbox(value=unit_view, description="show every unit",
                                    indent=False)
        self.play_button = W.Button(layout=W.Layout(width="90px"))
        self.step_button = W.Button(description="Step", icon="step-forward",
                                    layout=W.Layout(width="90px"))
        self.reset_button = W.Button(description="Reset", icon="refresh",
                                     layout=W.Layout(width="90px"))
        self.readout = W.HTML()
        self._observe()

    def _observe(self) -> None:
        def on(controls, method):
            for control in controls:
                control.observe(lambda _: method(), names="value")

        on([self.dataset, self.noise, self.train_percent], self.on_data_change)
        on([*self.feature_buttons.values(), self.depth, self.width, self.activation,
            self.init], self.reset)
        on([self.lr, self.optimizer_name, self.l2], self.on_optimizer_change)
        on([self.show_test, self.batch_size, self.unit_view], self.redraw)
        self.step_button.on_click(lambda _: self.step())
        self.reset_button.on_click(lambda _: self.reset())

    def _layout(self):
        import ipywidgets as W

        column = W.Layout(width="300px", margin="0 12px 0 0")
        buttons = W.HBox([self.play_button, self.step_button, self.reset_button])
        data = W.VBox([W.HTML("<b>Data</b>"), self.dataset, self.noise, self.train_percent,
                       self.batch_size, self.show_test], layout=column)
        net = W.VBox([W.HTML("<b>Network</b>"), self.depth, self.width, self.activation,
                      self.init, self.unit_view], layout=column)
        train = W.VBox([W.HTML("<b>Training</b>"), self.optimizer_name, self.l2, buttons],
                       layout=column)
        inputs = W.HBox([W.HTML("<b>Inputs</b>&nbsp;"), *self.feature_buttons.values()])
        return W.VBox([W.HBox([data, net, train]), self.lr, inputs, self.readout, self.image,
                       self.net_image])

    def _build_figure(self) -> None:
        from matplotlib.ticker import NullLocator

        self.fig = new_figure(11.0, 3.4, layout=None)
        self.ax_loss, self.ax_boundary, self.ax_grads = self.fig.subplots(1, 3)
        self.fig.subplots_adjust(left=0.06, right=0.99, bottom=0.2, top=0.91, wspace=0.28)
        ax = self.ax_loss
        (self.train_line,) = ax.plot([], [], lw=1.0, color="C0", label="train")
        (self.val_line,) = ax.plot([], [], "o-", ms=3, lw=1.5, color="C3", label="test")
        ax.set(yscale="log", xlabel="step", ylabel="loss", title="Loss")
        ax.legend(loc="upper right", fontsize="small")
        self.message_text = message_artist(ax)
        self.grads_text = message_artist(self.ax_grads)
        self.boundary_image = self.ax_boundary.imshow(
            np.ones((2, 2, 3)), origin="lower", aspect="auto", interpolation="bilinear")
        self.points = self.ax_boundary.scatter(np.zeros(1), np.zeros(1), s=12,
                                               edgecolors="white", linewidths=0.5)
        self.test_points = self.ax_boundary.scatter(np.zeros(1), np.zeros(1), s=14,
                                                    edgecolors="black", linewidths=0.7)
        self.ax_boundary.set(title="Output", xlabel="x1", ylabel="x2")
        self.grad_bars, self.grad_marks = make_grad_bars(self.ax_grads, MAX_DEPTH + 1)
        self.ax_grads.set(yscale="log", title="Gradient norm per layer", ylabel="||dL/dW||",
                          xlabel="layer (input → output)")
        for ax in (self.ax_loss, self.ax_grads):  # minor log ticks: a third of a redraw
            ax.yaxis.set_minor_locator(NullLocator())
        self.net_fig = new_figure(11.0, 3.6, layout=None)
        self.net_fig.subplots_adjust(left=0.01, right=0.99, bottom=0.02, top=0.9)
        self.ax_net = self.net_fig.add_subplot()
        self.ax_net.set_title("Every unit's output over the input plane; links: weights "
                              "(width |w|, blue > 0, orange < 0)", fontsize=9)
        self.network_view = NetworkView(self.ax_net)

    # -- state -----------------------------------------------------------------------------
    @property
    def regression(self) -> bool:
        return self.dataset.value in REGRESSION

    @property
    def feature_names(self) -> list[str]:
        chosen = [name for name, button in self.feature_buttons.items() if button.value]
        return chosen or ["x1", "x2"]  # no feature chosen: the network still needs inputs

    @property
    def loss_name(self) -> str:
        return "mse" if self.regression else "cross_entropy"

    # -- callbacks -------------------------------------------------------------------------
    @locked
    def on_data_change(self) -> None:
        """New data set, noise or train/test ratio: new points, then a fresh network."""
        from ..data import make_dataset, train_test_split
        from ..viz.training import boundary_grid

        name, noise = self.dataset.value, self.noise.value
        if name in REGRESSION:
            X, y = make_regression(name, self.n, noise, self.seed)
        else:
            X, y = make_dataset(name, self.n, noise, rng=self.seed)
        test_size = 1.0 - self.train_percent.value / 100
        self.X, self.X_test, self.y, self.y_test = train_test_split(X, y, test_size,
                                                                    rng=self.seed)
        self.grid, self.extent = boundary_grid(X, self.resolution)
        x0, x1, y0, y1 = self.extent
        gx, gy = np.meshgrid(np.linspace(x0, x1, GRID), np.linspace(y1, y0, GRID))
        self.unit_grid = np.c_[gx.ravel(), gy.ravel()]  # top row first, as imshow draws it
        self.boundary_image.set_extent(self.extent)
        self.ax_boundary.set(xlim=self.extent[:2], ylim=self.extent[2:])
        self.reset()

    @locked
    def reset(self) -> None:
        """A fresh network from the controls (as TF Playground does); a playing run goes on."""
        from ..nn import MLP
        from ..train import History, layer_grad_norms

        outputs = 1 if self.regression else int(self.y.max()) + 1
        sizes = [len(self.feature_names)] + [self.width.value] * self.depth.value + [outputs]
        self.model = MLP(sizes, self.activation.value, self.init.value, rng=self.seed)
        self.Xf, self.Xf_test = (features(X, self.feature_names) for X in (self.X, self.X_test))
        self._new_optimizer()
        self.history = History(layer_names=[f"layer {k + 1}" for k in range(len(sizes) - 1)])
        self.shuffle = np.random.default_rng(self.seed)
        self.grad_norms = layer_grad_norms(self.model, self.Xf, self.y, self.loss_name)
        self.message = ""
        self.redraw()

    def _new_optimizer(self) -> None:
        from ..optim import get_optimizer

        self.optimizer = WithL2(get_optimizer(self.optimizer_name.value, self.lr.value),
                                self.l2.value)

    @locked
    def on_optimizer_change(self) -> None:
        """lr and L2 act on the next step; a new optimizer starts with fresh state."""
        if self.optimizer_name.value != getattr(self, "_optimizer_name", None):
            self._optimizer_name = self.optimizer_name.value
            self._new_optimizer()
        self.optimizer.inner.lr = float(self.lr.value)
        self.optimizer.l2 = float(self.l2.value)
        self.redraw()

    # -- training --------------------------------------------------------------------------
    def train_epoch(self) -> str:
        """One epoch of mini-batches; returns why to stop ("" to go on)."""
        h = self.history
        if h.diverged_at is not None and (refused := resume(self)):
            return refused
        remember(self)  # the weights before this epoch: a divergence rolls back to them
        stalled_before = getattr(h, "stalled_at", None)
        fit_quietly(self.model, self.Xf, self.y, loss=self.loss_name, optimizer=self.optimizer,
                    epochs=1, batch_size=min(self.batch_size.value, len(self.y)),
                    val=(self.Xf_test, self.y_test), rng=self.shuffle, history=h)
        if h.grad_norms:
            self.grad_norms = h.grad_norms[-1]
        if h.diverged_at is not None:
            return diverged_message(self)
        if stalled_before is None and getattr(h, "stalled_at", None) is not None:
            return "Paused: " + h.message
        return ""

    def advance(self, budget: float) -> str:
        """Train whole epochs for about ``budget`` seconds (at least one); why to stop, or ""."""
        start = time.perf_counter()
        while True:
            reason = self.train_epoch()
            if reason or time.perf_counter() - start >= budget:
                return reason

    @locked
    def step(self) -> None:
        """One epoch, then redraw (the Step button)."""
        self.message = self.train_epoch() or self.message
        self.redraw()

    @locked
    def train(self, epochs: int = 1) -> None:
        """``epochs`` epochs in a row (stops early on divergence or a stall), then redraw."""
        for _ in range(epochs):
            reason = self.train_epoch()
            if reason:
                self.message = reason
                break
        self.redraw()

    def play(self) -> None:
        """Train continuously until ``pause()`` (the Play button); needs a running event loop."""
        self.player.play()

    def pause(self) -> None:
        self.player.pause()

    # -- drawing ---------------------------------------------------------------------------
    @locked
    def redraw(self) -> None:
        """Update every view's artists in place, then the images and the readout."""
        from ..viz.training import loss_series, wrap_message

        steps, loss, val_steps, val = loss_series(self.history)
        self.train_line.set_data(steps, loss)
        self.val_line.set_data(val_steps, val)
        self.ax_loss.set_xlim(0, max(len(loss), 1) + 1)
        self.ax_loss.set_title(f"Loss ({self.optimizer_name.value}, lr {self.lr.value:.1e}, "
                               f"epoch {self.history.epochs})")
        log_ylim(self.ax_loss, np.r_[loss, val])
        self._draw_output()
        norms = np.asarray(self.grad_norms, dtype=np.float64)
        log_ylim(self.ax_grads, norms)  # first: set_grad_bars marks bars below the floor
        set_grad_bars(self.ax_grads, self.grad_bars, self.grad_marks, norms)
        self.grads_text.set_text("Every gradient is 0:\nnothing can learn\n(dead ReLUs, or zero "
                                 "init)" if np.all(norms == 0) else "")
        self.grads_text.set_visible(bool(self.grads_text.get_text()))
        self.message_text.set_text(wrap_message(self.message, 40))
        self.message_text.set_visible(bool(self.message))
        self.readout.value = readout_html(self)
        show(self.image, self.fig, "Playground: the network's output over the input plane with "
             "the data points, the training and test loss, and each layer's gradient norm. "
             + " ".join(t for t in (self.readout.value, self.message) if t))
        self._draw_units()

    def _draw_output(self) -> None:
        """The decision boundary (classes) or the predicted value (regression), and points."""
        from ..viz.training import boundary_rgb, point_colors

        grid = features(self.grid, self.feature_names)
        if self.regression:
            with np.errstate(all="ignore"):
                pred = self.model.forward(grid)[:, 0]
            rgb = unit_colors(pred.reshape(self.resolution, self.resolution))
            colors, test_colors = unit_colors(self.y[:, 0]), unit_colors(self.y_test[:, 0])
        else:
            rgb = boundary_rgb(self.model, grid, self.resolution)
            colors, test_colors = point_colors(self.y), point_colors(self.y_test)
        self.boundary_image.set_data(0.55 + 0.45 * rgb if self.regression else rgb)
        self.points.set_offsets(self.X)
        self.points.set_facecolor(colors)
        self.test_points.set_offsets(self.X_test)
        self.test_points.set_facecolor(test_colors)
        self.test_points.set_visible(self.show_test.value)
        kind = "predicted value" if self.regression else "decision boundary"
        shown = "train (white edge) + test (black edge)" if self.show_test.value else "train"
        self.ax_boundary.set_title(f"Output: {kind}; points: {shown}", fontsize=9)

    def _draw_units(self) -> None:
        self.net_image.layout.display = None if self.unit_view.value else "none"
        if not self.unit_view.value:
            return
        self.network_view.update(self.model, features(self.unit_grid, self.feature_names),
                                 self.feature_names)
        show(self.net_image, self.net_fig, "Unit view: what every hidden unit outputs over "
             "the input plane, one small picture per unit, layer by layer.")

    def snapshot_png(self) -> bytes:
        """The training views, with the unit view under them when it is on."""
        from .base import render_png, stack_pngs

        if not self.unit_view.value:
            return render_png(self.fig)
        return stack_pngs(render_png(self.fig), render_png(self.net_fig))


def playground(n: int = 200, resolution: int = 50, rng: int = 0,
               unit_view: bool = True) -> Playground:
    """TensorFlow Playground inside the notebook: train a small MLP on 2-D data and watch.

    Controls: dataset (four classification sets and two regression sets), noise, train %,
    show test data, batch size; input features (x1, x2, x1², x2², x1·x2, sin x1, sin x2);
    hidden layers (1 to 8), width, activation, init; learning rate (1e-4 to 10, log
    scale), optimizer, L2 rate; Play/Pause, Step (one epoch) and Reset.

    Play trains until Pause, redrawing a few times a second: the train and test loss,
    the output over the input plane (decision boundary, or predicted value), the
    per-layer gradient norms and, with "show every unit", each hidden unit's output as a
    heatmap with the weights as links (up to 6 hidden layers of 8 units, the Playground's
    sizes). Learning rate, optimizer and L2 act on the next step; any change to the data,
    the inputs or the network builds a fresh network and keeps playing. A run that
    diverges or stops learning pauses and says why on the loss plot; once the learning
    rate is lowered, Play or Step goes on from the weights before the divergence.

    Parameters
    ----------
    n : int, default 200
        Points in the data set, split by the "train %" slider.
    resolution : int, default 50
        Grid points per axis of the output image.
    rng : int, default 0
        Seed of the data, the initial weights and the batch order.
    unit_view : bool, default True
        Start with the unit heatmaps shown.

    Returns
    -------
    Playground
        Displays as its widget. Tests and curious learners can reach ``.model``,
        ``.history``, the controls (``.lr``, ``.depth`` ...), ``.step()``, ``.train(k)``,
        ``.play()``, ``.pause()``, ``.reset()`` and the artists (``.train_line`` ...).
    """
    return Playground(n, resolution, rng, unit_view)
