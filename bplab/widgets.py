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

import numpy as np

__all__ = ["backprop_stepper", "lr_explorer", "quiz"]


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


def new_figure(width: float, height: float):
    """A matplotlib Figure outside pyplot: never auto-shown, never leaks between cells."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height), layout="constrained")
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
                                   continuous_update=False, style={"description_width": "initial"})
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
