"""Interactive labs on ipywidgets: quiz, backprop_stepper, lr_explorer, playground,
gradient_flow_lab.

Each lab function returns a lab object. The last line of a notebook cell displays it
as its widget (``lab.widget``); its controls, model, history and figure stay reachable
as attributes, and its callbacks are plain methods, so tests drive a lab without a
browser: set a control's ``value`` (the observer fires) or call the method directly.

Live figures are ``matplotlib.figure.Figure`` objects (no pyplot, no global state)
rendered to PNG into an ``ipywidgets.Image``; the artists are created once and then
updated in place (``set_data``, ``set_height``, ``set_text``), never rebuilt.

ipywidgets is imported inside the functions, so ``import bplab`` stays light.
"""

from __future__ import annotations

import io
import warnings

import numpy as np

__all__ = ["backprop_stepper", "gradient_flow_lab", "lr_explorer", "playground", "quiz"]


class Lab:
    """Base of the labs: shows as ``self.widget`` wherever a widget would show."""

    widget = None

    def _repr_mimebundle_(self, **kwargs):
        return self.widget._repr_mimebundle_(**kwargs)

    def _ipython_display_(self):
        from IPython.display import display

        display(self.widget)


def render_png(fig, dpi: float = 80) -> bytes:
    """The figure as PNG bytes (what an ``ipywidgets.Image`` shows)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    if not isinstance(fig.canvas, FigureCanvasAgg):
        FigureCanvasAgg(fig)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi)
    return buffer.getvalue()


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


# ---- quiz ---------------------------------------------------------------------------------
class Quiz(Lab):
    """A multiple-choice question with a Check button; see ``quiz``."""

    def __init__(self, question: str, options, answer: int, explanation: str = ""):
        import ipywidgets as W

        options = [str(o) for o in options]
        if len(options) < 2:
            raise ValueError(f"quiz: options must list at least 2 choices, got {len(options)}")
        if not isinstance(answer, int) or isinstance(answer, bool) \
                or not 0 <= answer < len(options):
            raise ValueError(f"quiz: answer must be the index (int) of the right option, in "
                             f"[0, {len(options) - 1}], got {answer!r}")
        self.options, self.answer, self.explanation = options, answer, explanation
        self.choice = W.RadioButtons(options=[(text, i) for i, text in enumerate(options)],
                                     value=None, layout=W.Layout(width="auto"))
        self.button = W.Button(description="Check", button_style="primary")
        self.feedback = W.HTML("")
        self.button.on_click(lambda _: self.check())
        self.widget = W.VBox([W.HTML(f"<b>{question}</b>"), self.choice, self.button,
                              self.feedback])

    def check(self) -> bool | None:
        """Judge the selected option, show right/wrong and the explanation; None if none."""
        if self.choice.value is None:
            self.feedback.value = "<i>Pick an answer first.</i>"
            return None
        right = self.choice.value == self.answer
        verdict = ("<span style='color:#1b7f3b'><b>Right.</b></span>" if right else
                   "<span style='color:#b00020'><b>Not quite.</b></span> The answer is: "
                   f"<i>{self.options[self.answer]}</i>.")
        self.feedback.value = f"{verdict} {self.explanation}"
        return right


def quiz(question: str, options, answer: int, explanation: str = "") -> Quiz:
    """A self-check question: radio buttons, a Check button and feedback.

    Parameters
    ----------
    question : str
    options : sequence of str
        The choices, at least two.
    answer : int
        Index of the right option in ``options``.
    explanation : str
        Shown after Check, whether the pick was right or wrong.

    Returns
    -------
    Quiz
        Displays as its widget; ``.choice.value = i`` selects option i and
        ``.check()`` returns True/False (None when nothing is selected).

    Examples
    --------
    >>> bp.widgets.quiz("d/dx of x**2 at x = 3?", ["3", "6", "9"], answer=1,
    ...                 explanation="2x = 6.")                          # doctest: +SKIP
    """
    return Quiz(question, options, answer, explanation)


def _show(image, fig) -> None:
    """Put the figure's current pixels into an ``ipywidgets.Image``."""
    image.value = render_png(fig)


# ---- backprop stepper ---------------------------------------------------------------------
def local_derivative(out, child) -> float:
    """d(out)/d(child) for one operation, computed by the engine's own ``_backward``.

    ``out._backward`` adds ``local * out.grad`` to each input; run it with out.grad = 1
    and the inputs' grads at 0, read the child's grad, then restore every grad.
    """
    inputs = list(dict.fromkeys(out._prev))
    saved, saved_out = [v.grad for v in inputs], out.grad
    try:
        for v in inputs:
            v.grad = 0.0
        out.grad = 1.0
        out._backward()
        return child.grad
    finally:
        for v, g in zip(inputs, saved):
            v.grad = g
        out.grad = saved_out


def _name(node, names: dict[int, str]) -> str:
    return names.get(id(node)) or node.label or f"{node.data:.3g}"


class BackpropStepper(Lab):
    """Walks the backward pass of a Value graph one node at a time; see ``backprop_stepper``."""

    def __init__(self, root):
        import ipywidgets as W

        from .viz.graph import draw_graph, graph_figsize, graph_layout

        if not hasattr(root, "topological_order"):
            raise TypeError(f"backprop_stepper: value must be a bp.Value, "
                            f"got {type(root).__name__}")
        self.root, self._draw = root, draw_graph
        order, pos = graph_layout(root)
        self.order = order[::-1]  # output first: reverse topological order
        self.consumers = {id(n): [] for n in order}
        for node in order:
            for child in dict.fromkeys(node._prev):
                self.consumers[id(child)].append(node)
        # nodes without a label get one (n1, n2, ...) so the equation can name them
        unnamed = [n for n in order if not n.label and n._op]
        self.labels = {n: f"n{k + 1}" for k, n in enumerate(unnamed)}
        self.names = {id(n): text for n, text in self.labels.items()}
        self.fig = new_figure(*graph_figsize(pos))
        self.ax = self.fig.add_subplot()
        self.image = W.Image(format="png")
        self.step_button = W.Button(description="Step", button_style="primary")
        self.reset_button = W.Button(description="Reset")
        self.step_button.on_click(lambda _: self.step())
        self.reset_button.on_click(lambda _: self.reset())
        self.progress = W.Label()
        self.equation = W.HTMLMath()
        self.widget = W.VBox([W.HBox([self.step_button, self.reset_button, self.progress]),
                              self.equation, self.image])
        self.reset()

    def reset(self) -> None:
        """Zero every grad and go back to before the first step."""
        for node in self.order:
            node.grad = 0.0
        self.position, self.current, self.known = 0, None, []
        self.equation.value = ("Press <b>Step</b>: backward visits the nodes from the output "
                               "back to the inputs (reverse topological order).")
        self._redraw()

    @property
    def done(self) -> bool:
        return self.position >= len(self.order)

    def step(self) -> bool:
        """Visit the next node: show how its grad is made, then pass it to its inputs.

        Returns False (and changes nothing) when every node has been visited.
        """
        if self.done:
            return False
        node = self.order[self.position]
        if node is self.root:
            node.grad = 1.0  # d(out)/d(out)
        self.current = node
        self.known.append(node)
        self.equation.value = self.explain(node)
        node._backward()  # node.grad is complete: hand local * node.grad to each input
        self.position += 1
        self._redraw()
        return True

    def explain(self, node) -> str:
        """'its grad = sum of local derivative x upstream grad', with the numbers."""
        me = _name(node, self.names)
        if node is self.root:
            return f"<b>{me}</b> is the output: d{me}/d{me} = <b>1</b>."
        terms = [(local_derivative(out, node), out.grad, _name(out, self.names))
                 for out in self.consumers[id(node)]]
        symbolic = " + ".join(f"d{o}/d{me} &times; {o}.grad" for _, _, o in terms)
        numbers = " + ".join(f"({d:.4g}) &times; ({g:.4g})" for d, g, _ in terms)
        return (f"<b>{me}.grad</b> = {symbolic}<br>= {numbers} = <b>{node.grad:.4g}</b>"
                "<br><small>local derivative &times; upstream gradient, summed over every "
                "node that uses it</small>")

    def _redraw(self) -> None:
        self.ax.clear()
        self._draw(self.root, self.ax, highlight=self.current, known_grads=self.known,
                   labels=self.labels, title=f"backward: {len(self.known)} of {len(self.order)} nodes")
        self.progress.value = f"node {self.position} of {len(self.order)}"
        _show(self.image, self.fig)


def backprop_stepper(value) -> BackpropStepper:
    """Step through the backward pass of ``value``'s graph, one node per click.

    Each Step highlights the next node (output first) and shows its grad as the sum,
    over the nodes that use it, of local derivative x upstream gradient. After the last
    step every grad equals what ``value.backward()`` gives.

    Parameters
    ----------
    value : bp.Value
        The output of a small expression (the graph is drawn by ``bp.viz.draw_graph``).

    Returns
    -------
    BackpropStepper
        Displays as its widget; ``.step()``, ``.reset()``, ``.current``, ``.equation``.

    Examples
    --------
    >>> a = bp.Value(2.0, label="a"); b = bp.Value(-3.0, label="b")
    >>> L = a * b + a.tanh(); L.label = "L"
    >>> bp.widgets.backprop_stepper(L)                                     # doctest: +SKIP
    """
    return BackpropStepper(value)


# ---- learning-rate explorer ---------------------------------------------------------------
def _bowl_1d(w):
    return w ** 2


def _bowl_2d(w1, w2):
    return 0.1 * w1 ** 2 + w2 ** 2  # steep in w2, shallow in w1


SURFACES = {
    "1d": {"loss": _bowl_1d, "grad": lambda w: 2 * w, "start": [-1.8], "xlim": (-2.5, 2.5)},
    "2d": {"loss": lambda w: _bowl_2d(w[..., 0], w[..., 1]),
           "grad": lambda w: np.array([0.2 * w[0], 2 * w[1]]), "start": [-4.0, 1.5],
           "xlim": (-5.0, 5.0), "ylim": (-2.5, 2.5)},
}


class LRExplorer(Lab):
    """Gradient descent on a 1-D and a 2-D bowl under one learning rate; see ``lr_explorer``."""

    def __init__(self, lr: float = 0.1, steps: int = 25):
        import ipywidgets as W

        from .viz.landscape import plot_landscape

        self.lr = W.FloatLogSlider(value=lr, base=10, min=-3, max=np.log10(2.0), step=0.05,
                                   description="learning rate", readout_format=".3g",
                                   continuous_update=False,
                                   style={"description_width": "initial"})
        self.steps = W.IntSlider(value=steps, min=5, max=60, description="steps",
                                 continuous_update=False)
        self.fig = new_figure(9.0, 3.6)
        self.ax1d, self.ax2d = self.fig.subplots(1, 2)
        one, two = SURFACES["1d"], SURFACES["2d"]
        plot_landscape(one["loss"], self.ax1d, xlim=one["xlim"], title="loss = w²")
        self.ax1d.set_ylim(-0.3, 7.0)
        plot_landscape(_bowl_2d, self.ax2d, xlim=two["xlim"], ylim=two["ylim"],
                       title="loss = 0.1 w1² + w2²")
        self.lines = {key: ax.plot([], [], "o-", color="C3", ms=3.5, lw=1)[0]
                      for key, ax in (("1d", self.ax1d), ("2d", self.ax2d))}
        self.verdicts: dict[str, str] = {}
        self.readout = W.HTML()
        self.image = W.Image(format="png")
        for control in (self.lr, self.steps):
            control.observe(lambda _: self.update(), names="value")
        self.widget = W.VBox([W.HBox([self.lr, self.steps]), self.readout, self.image])
        self.update()

    def update(self) -> None:
        """Recompute both descent paths for the current lr and steps; redraw them."""
        from .viz.landscape import descent_path, describe_path

        for key, ax in (("1d", self.ax1d), ("2d", self.ax2d)):
            surface = SURFACES[key]
            path = descent_path(surface["grad"], surface["start"], self.lr.value,
                                self.steps.value)
            with np.errstate(all="ignore"):
                losses = surface["loss"](path[:, 0] if key == "1d" else path)
            self.verdicts[key] = describe_path(path, losses)
            if key == "1d":
                self.lines[key].set_data(path[:, 0], losses)
            else:
                self.lines[key].set_data(path[:, 0], path[:, 1])
            ax.set_title(f"{ax.get_title().split(':')[0]}: {self.verdicts[key]}")
        self.readout.value = (f"lr = {self.lr.value:.3g}: 1-D <b>{self.verdicts['1d']}</b>, "
                              f"2-D <b>{self.verdicts['2d']}</b>. Steeper directions need a "
                              "smaller lr: above 2 / curvature, the steps grow.")
        _show(self.image, self.fig)


def lr_explorer(lr: float = 0.1, steps: int = 25) -> LRExplorer:
    """Gradient descent with a learning-rate slider, on loss = w² and on a 2-D bowl.

    Small lr crawls ("too small"), a good lr settles, one above 1 / curvature zig-zags
    across the valley ("oscillating"), and one above 2 / curvature climbs out
    ("diverging"). The 2-D bowl is 10x steeper in w2 than in w1, so one lr can be too
    small along w1 and too large along w2 at the same time.

    Parameters
    ----------
    lr : float, default 0.1
        Start value of the slider (1e-3 to 2, log scale).
    steps : int, default 25

    Returns
    -------
    LRExplorer
        Displays as its widget; ``.lr.value = x`` redraws; ``.verdicts`` names the regimes.
    """
    return LRExplorer(lr, steps)


# ---- shared by the training labs ----------------------------------------------------------
def _fit_quietly(*args, **kwargs):
    """``bp.fit`` with its DivergenceWarning silenced: the labs show History.message instead."""
    from .train import DivergenceWarning, fit

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DivergenceWarning)
        return fit(*args, **kwargs)


def _set_bars(ax, bars, norms: np.ndarray) -> None:
    """Show one bar per layer at its norm (L,); non-finite or tiny norms sit at the floor."""
    from .viz.training import GRAD_FLOOR

    for k, bar in enumerate(bars):
        bar.set_visible(k < len(norms))
        value = norms[k] if k < len(norms) and np.isfinite(norms[k]) else GRAD_FLOOR
        bar.set_height(max(value, GRAD_FLOOR))
    ax.set_xticks(np.arange(len(norms)), [str(k + 1) for k in range(len(norms))])
    ax.set_xlim(-0.6, len(norms) - 0.4)


def _message_artist(ax):
    """A hidden ``viz.show_message`` box in the middle of ``ax``, its text set later."""
    from .viz.training import show_message

    artist = show_message(ax, "")
    artist.set_visible(False)
    return artist


def _log_ylim(ax, values, floor: float = 1e-12) -> None:
    """Fit a log y-axis to the finite positive ``values``, with some room."""
    values = np.asarray(values, dtype=np.float64)
    values = values[np.isfinite(values) & (values > 0)]
    low, high = (values.min(), values.max()) if values.size else (1e-3, 1.0)
    low = max(low, floor)
    ax.set_ylim(low / 3.0, max(high, low * 10) * 3.0)


# ---- playground ---------------------------------------------------------------------------
MAX_DEPTH = 8  # hidden layers; the gradient views keep MAX_DEPTH + 1 bars ready


class Playground(Lab):
    """TensorFlow Playground in a notebook; see ``playground``."""

    def __init__(self, n: int = 200, train_epochs: int = 30, resolution: int = 50,
                 rng: int = 0):
        import ipywidgets as W

        self.n, self.train_epochs, self.resolution, self.seed = n, train_epochs, resolution, rng
        self._build_controls()
        self._build_figure()
        self.message = ""
        self.image = W.Image(format="png")
        self.widget = self._layout()
        self.on_data_change()

    # -- construction --------------------------------------------------------------------
    def _build_controls(self) -> None:
        import ipywidgets as W

        st, lay = {"description_width": "95px"}, W.Layout(width="290px")
        self.dataset = W.Dropdown(options=["moons", "spirals", "xor", "circles"],
                                  description="dataset", style=st, layout=lay)
        self.noise = W.FloatSlider(value=0.1, min=0.0, max=0.5, step=0.05, description="noise",
                                   continuous_update=False, style=st, layout=lay)
        self.lr = W.FloatLogSlider(value=0.03, base=10, min=-4, max=1, step=0.1,
                                   description="learning rate", readout_format=".1e",
                                   continuous_update=False, style=st, layout=lay)
        self.depth = W.IntSlider(value=2, min=1, max=MAX_DEPTH, description="hidden layers",
                                 continuous_update=False, style=st, layout=lay)
        self.width = W.IntSlider(value=8, min=1, max=32, description="width",
                                 continuous_update=False, style=st, layout=lay)
        self.activation = W.Dropdown(options=["relu", "tanh", "sigmoid"], value="tanh",
                                     description="activation", style=st, layout=lay)
        self.init = W.Dropdown(options=["zeros", "small", "xavier", "he"], value="xavier",
                               description="init", style=st, layout=lay)
        self.optimizer_name = W.Dropdown(options=["sgd", "momentum", "adam"], value="adam",
                                         description="optimizer", style=st, layout=lay)
        self.batch_size = W.IntSlider(value=16, min=1, max=64, description="batch size",
                                      continuous_update=False, style=st, layout=lay)
        self.train_button = W.Button(description="Train", button_style="success", icon="play")
        self.step_button = W.Button(description="Step", icon="step-forward")
        self.reset_button = W.Button(description="Reset", icon="refresh")
        self.readout = W.HTML()
        for control in (self.dataset, self.noise):
            control.observe(lambda _: self.on_data_change(), names="value")
        for control in (self.lr, self.depth, self.width, self.activation, self.init,
                        self.optimizer_name):
            control.observe(lambda _: self.reset(), names="value")
        self.train_button.on_click(lambda _: self.train())
        self.step_button.on_click(lambda _: self.train(epochs=1))
        self.reset_button.on_click(lambda _: self.reset())

    def _layout(self):
        import ipywidgets as W

        column = W.Layout(width="300px", margin="0 12px 0 0")
        buttons = [self.train_button, self.step_button, self.reset_button]
        for button in buttons:
            button.layout = W.Layout(width="90px")
        data = W.VBox([W.HTML("<b>Data</b>"), self.dataset, self.noise, self.batch_size],
                      layout=column)
        net = W.VBox([W.HTML("<b>Network</b>"), self.depth, self.width, self.activation,
                      self.init], layout=column)
        train = W.VBox([W.HTML("<b>Training</b>"), self.lr, self.optimizer_name,
                        W.HBox(buttons)], layout=column)
        return W.VBox([W.HBox([data, net, train]), self.readout, self.image])

    def _build_figure(self) -> None:
        from .viz.training import CLASS_COLORS

        self.fig = new_figure(11.0, 3.4, layout=None)
        self.ax_loss, self.ax_boundary, self.ax_grads = self.fig.subplots(1, 3)
        self.fig.subplots_adjust(left=0.06, right=0.99, bottom=0.2, top=0.91, wspace=0.28)
        ax = self.ax_loss
        (self.train_line,) = ax.plot([], [], lw=1.0, color="C0", label="train")
        (self.val_line,) = ax.plot([], [], "o-", ms=3, lw=1.5, color="C3", label="validation")
        ax.set(yscale="log", xlabel="step", ylabel="loss", title="Loss")
        ax.legend(loc="upper right", fontsize="small")
        self.message_text = _message_artist(ax)
        self.grads_text = _message_artist(self.ax_grads)
        self.boundary_image = self.ax_boundary.imshow(
            np.ones((2, 2, 3)), origin="lower", aspect="auto", interpolation="bilinear")
        self.points = self.ax_boundary.scatter(np.zeros(1), np.zeros(1), s=12,
                                               c=CLASS_COLORS[:1], edgecolors="white",
                                               linewidths=0.5)
        self.ax_boundary.set(title="Decision boundary", xlabel="x1", ylabel="x2")
        self.grad_bars = self.ax_grads.bar(np.arange(MAX_DEPTH + 1), np.ones(MAX_DEPTH + 1),
                                           color="C0")
        self.ax_grads.set(yscale="log", title="Gradient norm per layer", ylabel="||dL/dW||",
                          xlabel="layer (input → output)")

    # -- callbacks -----------------------------------------------------------------------
    def on_data_change(self) -> None:
        """New data set or noise: regenerate the points, then reset the network."""
        from .data import make_dataset, train_test_split
        from .viz.training import boundary_grid, point_colors

        X, y = make_dataset(self.dataset.value, self.n, self.noise.value, rng=self.seed)
        self.X, self.X_val, self.y, self.y_val = train_test_split(X, y, 0.3, rng=self.seed)
        self.grid, extent = boundary_grid(X, self.resolution)
        self.points.set_offsets(self.X)
        self.points.set_facecolor(point_colors(self.y))
        self.boundary_image.set_extent(extent)
        self.ax_boundary.set(xlim=extent[:2], ylim=extent[2:])
        self.reset()

    def reset(self) -> None:
        """A fresh network from the controls (as TF Playground does on any change)."""
        from .nn import MLP
        from .optim import get_optimizer
        from .train import History, layer_grad_norms

        classes = int(self.y.max()) + 1
        sizes = [2] + [self.width.value] * self.depth.value + [classes]
        self.model = MLP(sizes, self.activation.value, self.init.value, rng=self.seed)
        self.optimizer = get_optimizer(self.optimizer_name.value, self.lr.value)
        self.history = History(layer_names=[f"layer {k + 1}" for k in range(len(sizes) - 1)])
        self.shuffle = np.random.default_rng(self.seed)
        self.grad_norms = layer_grad_norms(self.model, self.X, self.y)
        self.message = ""
        self.redraw()

    def train(self, epochs: int | None = None) -> None:
        """Train ``epochs`` more epochs (default ``train_epochs``), redrawing after each."""
        if self.history.diverged_at is not None:
            self.message = "This run diverged. Press Reset, or lower the learning rate."
            self.redraw()
            return
        for _ in range(epochs or self.train_epochs):
            _fit_quietly(self.model, self.X, self.y, optimizer=self.optimizer, epochs=1,
                         batch_size=min(self.batch_size.value, len(self.y)),
                         val=(self.X_val, self.y_val), rng=self.shuffle,
                         history=self.history)
            if self.history.grad_norms:
                self.grad_norms = self.history.grad_norms[-1]
            if self.history.diverged_at is not None:
                self.message = self.history.message  # shown on the plot, not raised
            self.redraw()
            if self.message:
                break

    # -- drawing -------------------------------------------------------------------------
    def redraw(self) -> None:
        """Update the three views' artists in place, then the image and the readout."""
        from .viz.training import boundary_rgb, loss_series, wrap_message

        steps, loss, val_steps, val = loss_series(self.history)
        self.train_line.set_data(steps, loss)
        self.val_line.set_data(val_steps, val)
        self.ax_loss.set_xlim(0, max(len(loss), 1) + 1)
        self.ax_loss.set_title(f"Loss ({self.optimizer_name.value}, lr {self.lr.value:.1e})")
        _log_ylim(self.ax_loss, np.r_[loss, val])
        self.boundary_image.set_data(boundary_rgb(self.model, self.grid, self.resolution))
        norms = np.asarray(self.grad_norms, dtype=np.float64)
        _set_bars(self.ax_grads, self.grad_bars, norms)
        _log_ylim(self.ax_grads, norms)
        self.grads_text.set_text("Every gradient is 0:\nnothing can learn\n(dead ReLUs, or zero init)" if np.all(norms == 0) else "")
        self.grads_text.set_visible(bool(self.grads_text.get_text()))
        self.message_text.set_text(wrap_message(self.message, 40))
        self.message_text.set_visible(bool(self.message))
        self.readout.value = self._readout_html()
        _show(self.image, self.fig)

    def _readout_html(self) -> str:
        h = self.history
        network = (f"network {self.model.sizes}, {self.activation.value}, {self.init.value} "
                   f"init, {self.optimizer_name.value} lr={self.lr.value:.1e}")
        parts = [network, f"epoch {h.epochs}, step {len(h.loss)}"]
        if h.loss:
            parts.append(f"train loss {h.loss[-1]:.3f}")
        if h.val_loss:
            parts.append(f"val loss {h.val_loss[-1]:.3f}, val acc {h.val_acc[-1]:.2f}")
        return " &nbsp;|&nbsp; ".join(parts)


def playground(n: int = 200, train_epochs: int = 30, resolution: int = 50,
               rng: int = 0) -> Playground:
    """TensorFlow Playground inside the notebook: train a small MLP on 2-D data and watch.

    Controls: dataset, noise, learning rate (1e-4 to 10, log scale), hidden layers (1 to
    8), width, activation, init, optimizer, batch size; Train (``train_epochs`` epochs),
    Step (one epoch) and Reset. Three views update in place while training: the train
    and validation loss, the decision boundary and the per-layer gradient norms. Any
    change to the network or the data builds a fresh network (no training yet). A run
    that diverges stops and says why on the loss plot.

    Parameters
    ----------
    n : int, default 200
        Points in the data set (70 % train, 30 % validation).
    train_epochs : int, default 30
        Epochs one press of Train runs.
    resolution : int, default 50
        Grid points per axis of the decision-boundary image.
    rng : int, default 0
        Seed of the data, the initial weights and the batch order.

    Returns
    -------
    Playground
        Displays as its widget. Tests and curious learners can reach ``.model``,
        ``.history``, the controls (``.lr``, ``.depth`` ...), ``.train()``,
        ``.reset()`` and the artists (``.train_line``, ``.grad_bars`` ...).
    """
    return Playground(n, train_epochs, resolution, rng)


# ---- gradient-flow lab --------------------------------------------------------------------
from .train import flow_verdict  # moved to train.py; kept here for old imports


class GradientFlowLab(Lab):
    """Per-layer gradient norms for depth x activation x init; see ``gradient_flow_lab``."""

    def __init__(self, steps: int = 60, width: int = 16, lr: float = 0.1, rng: int = 0):
        import ipywidgets as W

        from .data import make_moons

        self.num_steps, self.width, self.lr, self.seed = steps, width, lr, rng
        self.X, self.y = make_moons(200, noise=0.1, rng=rng)
        st, lay = {"description_width": "95px"}, W.Layout(width="300px")
        self.depth = W.IntSlider(value=6, min=1, max=MAX_DEPTH, description="hidden layers",
                                 continuous_update=False, style=st, layout=lay)
        self.activation = W.Dropdown(options=["relu", "tanh", "sigmoid"], value="relu",
                                     description="activation", style=st, layout=lay)
        self.init = W.Dropdown(options=["zeros", "small", "large", "xavier", "he"],
                               value="he", description="init", style=st, layout=lay)
        self.step = W.IntSlider(value=0, min=0, max=steps - 1, description="bars at step",
                                continuous_update=False, style=st, layout=lay)
        for control in (self.depth, self.activation, self.init):
            control.observe(lambda _: self.run(), names="value")
        self.step.observe(lambda _: self.show_step(), names="value")
        self.readout = W.HTML()
        self.image = W.Image(format="png")
        self._build_figure()
        self.widget = W.VBox([W.HBox([self.depth, self.activation, self.init]), self.step,
                              self.readout, self.image])
        self.run()

    def _build_figure(self) -> None:
        import matplotlib as mpl

        self.fig = new_figure(10.0, 3.4, layout=None)
        self.ax_bars, self.ax_heat = self.fig.subplots(1, 2, width_ratios=[1, 1.5])
        self.fig.subplots_adjust(left=0.07, right=0.98, bottom=0.17, top=0.9, wspace=0.25)
        self.bars = self.ax_bars.bar(np.arange(MAX_DEPTH + 1), np.ones(MAX_DEPTH + 1),
                                     color="C0")
        self.ax_bars.set(yscale="log", ylim=(1e-10, 1e4), ylabel="||dL/dW||",
                         xlabel="layer (input → output)")
        cmap = mpl.colormaps["viridis"].with_extremes(bad="0.85")
        self.heat = self.ax_heat.imshow(np.zeros((2, 2)), aspect="auto", cmap=cmap, vmin=-8,
                                        vmax=2, interpolation="nearest")
        self.fig.colorbar(self.heat, ax=self.ax_heat, label="log10 ||dL/dW||", pad=0.02)
        self.marker = self.ax_heat.axvline(1, color="white", lw=1, ls="--")
        self.ax_heat.set(xlabel="step", ylabel="layer", title="Gradient norms over training")
        self.message_text = _message_artist(self.ax_heat)

    def run(self) -> None:
        """Build the network from the controls, train ``steps`` SGD steps, redraw."""
        from .nn import MLP
        from .optim import SGD
        from .viz.training import log_norms, wrap_message

        sizes = [2] + [self.width] * self.depth.value + [2]
        self.model = MLP(sizes, self.activation.value, self.init.value, rng=self.seed)
        self.history = _fit_quietly(
            self.model, self.X, self.y, optimizer=SGD(self.lr), batch_size=32,
            epochs=self.num_steps, rng=self.seed,  # the callback stops it at num_steps
            callback=lambda h: len(h.loss) >= self.num_steps)
        self.norms = np.full((self.num_steps, len(sizes) - 1), np.nan)
        done = np.asarray(self.history.grad_norms, dtype=np.float64).reshape(-1, len(sizes) - 1)
        self.norms[:len(done)] = done
        self.verdict = flow_verdict(self.norms[0])  # nan at step 0: it diverged at once
        self.message_text.set_text(wrap_message(self.history.message, 60))
        self.message_text.set_visible(bool(self.history.message))
        layers = len(sizes) - 1
        # steps not reached (nan) stay blank in the heatmap
        logs = np.where(np.isnan(self.norms), np.nan, log_norms(self.norms))
        self.heat.set_data(np.ma.masked_invalid(logs.T))
        self.heat.set_extent((0.5, self.num_steps + 0.5, layers + 0.5, 0.5))
        self.ax_heat.set_yticks(np.arange(1, layers + 1))
        self.show_step()

    def show_step(self) -> None:
        """Bars for the step chosen by the ``step`` slider; redraw the image."""
        k = self.step.value
        _set_bars(self.ax_bars, self.bars, self.norms[k])
        self.ax_bars.set_title(f"Gradient norm per layer, step {k}")
        self.marker.set_xdata([k + 1, k + 1])
        self.readout.value = (f"{self.depth.value} hidden layers, {self.activation.value}, "
                              f"{self.init.value} init: <b>{self.verdict}</b>")
        _show(self.image, self.fig)


def gradient_flow_lab(steps: int = 60, width: int = 16, lr: float = 0.1,
                      rng: int = 0) -> GradientFlowLab:
    """Choose depth x activation x init; see every layer's gradient norm, now and over training.

    Left: ||dL/dW|| per layer at one step (a slider picks the step). Right: a heatmap of
    log10 norms, layers x steps, for ``steps`` steps of SGD on the moons. The colour scale
    is fixed, so vanishing (sigmoid, 8 layers, small init: dark rows near the input) and
    exploding gradients (large init: bright rows) are visible at a glance. A run that
    diverges stops; its steps past that point are grey and the message is on the plot.

    Parameters
    ----------
    steps : int, default 60
    width : int, default 16
        Units per hidden layer.
    lr : float, default 0.1
        Plain SGD's learning rate.
    rng : int, default 0

    Returns
    -------
    GradientFlowLab
        Displays as its widget; ``.depth``, ``.activation``, ``.init``, ``.step``,
        ``.norms`` (steps, layers), ``.verdict``, ``.run()``, ``.show_step()``.
    """
    return GradientFlowLab(steps, width, lr, rng)
