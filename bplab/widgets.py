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

__all__ = ["quiz"]


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
