"""The backprop stepper: walk the backward pass of a ``bp.Value`` graph one node per click."""

from __future__ import annotations

import html

from .base import Lab, new_figure, picture, render_png

FONT_PT = 10.5  # graph text; rendered at DPI it is FONT_PT * DPI / 72 ~ 15 px at 100 % zoom
DPI = 100
MAX_WIDTH_IN = 9.6  # 960 px at DPI: fits JupyterLab's output area on a 1280 px screen
OP_SYMBOLS = {"*": "×", "+": "+"}  # "*" is a speck at small sizes; "×" is what a learner writes


def local_derivative(out, child) -> tuple[float, str]:
    """(d out / d child, its formula) from Value's public API.

    A child used twice (``a * a``) gets the sum of its positions' local derivatives,
    and the formulas joined by " + ".
    """
    numbers, formulas = out.local_grads(), out.local_grad_formulas()
    hits = [k for k, c in enumerate(out.children) if c is child]
    return sum(numbers[k] for k in hits), " + ".join(formulas[k] for k in hits)


def _name(node, names: dict[int, str]) -> str:
    return names.get(id(node)) or node.label or f"{node.data:.3g}"


class BackpropStepper(Lab):
    """Walks the backward pass of a Value graph one node at a time; see ``backprop_stepper``."""

    title = "Backprop stepper"

    def __init__(self, root):
        import ipywidgets as W

        from ..viz.graphs import draw_graph, graph_figsize, graph_layout

        if not hasattr(root, "topological_order"):
            raise TypeError(f"backprop_stepper: value must be a bp.Value, "
                            f"got {type(root).__name__}")
        self.root, self._draw = root, draw_graph
        order, pos = graph_layout(root)
        self.order = order[::-1]  # output first: reverse topological order
        self.consumers = {id(n): [] for n in order}
        for node in order:
            for child in dict.fromkeys(node.children):
                self.consumers[id(child)].append(node)
        # nodes without a label get one (n1, n2, ...) so the equation can name them
        unnamed = [n for n in order if not n.label and n.op]
        self.labels = {n: f"n{k + 1}" for k, n in enumerate(unnamed)}
        self.names = {id(n): text for n, text in self.labels.items()}
        width, height = graph_figsize(pos)
        # no wider than a notebook's output area: a wider PNG is shown scaled down, and
        # its text with it (the 7 px a learner could not read)
        self.fig = new_figure(min(width * 1.3, MAX_WIDTH_IN), height * 1.3)
        self.ax = self.fig.add_subplot()
        self.image = picture(layout=W.Layout(max_width="100%"))
        self.step_button = W.Button(description="Step", button_style="primary")
        self.reset_button = W.Button(description="Reset")
        self.step_button.on_click(lambda _: self.step())
        self.reset_button.on_click(lambda _: self.reset())
        self.progress = W.Label()
        self.equation = W.HTMLMath(style={"font_size": "14px"})
        self.widget = W.VBox([W.HBox([self.step_button, self.reset_button, self.progress]),
                              self.equation, self.image])
        self.reset()

    def reset(self) -> None:
        """Zero every grad and go back to before the first step."""
        for node in self.order:
            node.grad = 0.0
        self.position, self.current, self.known = 0, None, []
        self.step_button.disabled = False
        self.equation.value = ("Press <b>Step</b>: backward visits the nodes from the output "
                               "back to the inputs (reverse topological order).")
        self._redraw()

    @property
    def done(self) -> bool:
        return self.position >= len(self.order)

    def step(self) -> bool:
        """Visit the next node: show how its grad is made, then pass it to its inputs.

        Returns False (and changes nothing) when every node has been visited. After the
        last node the equation says the walk is over and Step is disabled.
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
        if self.done:
            self.step_button.disabled = True
            self.equation.value += ("<br><b>The walk is over</b>: every node has its grad, the "
                                    "same as <code>backward()</code> gives. Press Reset to "
                                    "start again.")
        self._redraw()
        return True

    def explain(self, node) -> str:
        """'its grad = sum of local derivative x upstream grad', with formulas and numbers."""
        me = html.escape(_name(node, self.names))
        if node is self.root:
            return f"<b>{me}</b> is the output: d{me}/d{me} = <b>1</b>."
        terms = []
        for out in self.consumers[id(node)]:
            number, formula = local_derivative(out, node)
            terms.append((number, formula, out))
        symbolic = " + ".join(f"d{_o(o, self)}/d{me} &times; {_o(o, self)}.grad"
                              for *_, o in terms)
        numbers = " + ".join(f"({d:.4g}) &times; ({o.grad:.4g})" for d, _, o in terms)
        formulas = "; ".join(f"{_o(o, self)} ({html.escape(o.op)}): "
                             f"d{_o(o, self)}/d{me} = <code>{html.escape(f)}</code> = {d:.4g}"
                             for d, f, o in terms)
        return (f"<b>{me}.grad</b> = {symbolic}<br>= {numbers} = <b>{node.grad:.4g}</b>"
                f"<br>local derivatives: {formulas}"
                "<br><small>local derivative &times; upstream gradient, summed over every "
                "node that uses it</small>")

    def _redraw(self) -> None:
        self.ax.clear()
        self._draw(self.root, self.ax, highlight=self.current, known_grads=self.known,
                   labels=self.labels, fontsize=FONT_PT,
                   title=f"backward: {len(self.known)} of {len(self.order)} nodes")
        for text in self.ax.texts:  # the op circles: "×" and "+" a size larger
            if text.get_text() in OP_SYMBOLS:
                text.set_text(OP_SYMBOLS[text.get_text()])
                text.set_fontsize(FONT_PT + 3)
                text.set_fontweight("bold")
        self.progress.value = f"node {self.position} of {len(self.order)}"
        self.image.value = render_png(self.fig, dpi=DPI)
        self.image.tooltip = (f"The computational graph during the backward pass: "
                              f"{len(self.known)} of {len(self.order)} nodes have their "
                              f"gradient; node {self.position} is highlighted.")

    def snapshot_png(self) -> bytes:
        return render_png(self.fig, dpi=DPI)


def _o(node, stepper: BackpropStepper) -> str:
    return html.escape(_name(node, stepper.names))


def backprop_stepper(value) -> BackpropStepper:
    """Step through the backward pass of ``value``'s graph, one node per click.

    Each Step highlights the next node (output first) and shows its grad as the sum,
    over the nodes that use it, of local derivative x upstream gradient, with each local
    derivative's formula (``Value.local_grad_formulas``) beside its number. After the last
    step every grad equals what ``value.backward()`` gives, the lab says the walk is
    over and Step is disabled.

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
    >>> bp.labs.backprop_stepper(L)                                        # doctest: +SKIP
    """
    return BackpropStepper(value)
