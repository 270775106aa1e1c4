"""The learning-rate explorer: gradient descent on a 1-D and a 2-D bowl under one lr."""

from __future__ import annotations

import numpy as np

from .base import Lab, new_figure, picture, show

LR_SLIDER_WIDTH = "560px"  # ~8 px per slider step: a mouse can pick one lr


class LRExplorer(Lab):
    """Gradient descent on a 1-D and a 2-D bowl under one learning rate; see ``lr_explorer``."""

    title = "Learning-rate explorer"

    def __init__(self, lr: float = 0.1, steps: int = 25):
        import ipywidgets as W

        from ..viz.landscapes import plot_landscape
        from ..viz.surfaces import SURFACES, bowl_2d
        from .controls import FloatLogSlider, IntSlider

        self.lr = FloatLogSlider(value=lr, base=10, min=-3, max=np.log10(2.0), step=0.05,
                                   description="learning rate", readout_format=".3g",
                                   continuous_update=False, layout=W.Layout(width=LR_SLIDER_WIDTH),
                                   style={"description_width": "initial"})
        self.steps = IntSlider(value=steps, min=5, max=60, description="steps",
                                 continuous_update=False)
        self.fig = new_figure(9.0, 3.6)
        self.ax1d, self.ax2d = self.fig.subplots(1, 2)
        one, two = SURFACES["1d"], SURFACES["2d"]
        plot_landscape(one["loss"], self.ax1d, xlim=one["xlim"], title=one["title"])
        self.ax1d.set_ylim(-0.3, 7.0)
        plot_landscape(bowl_2d, self.ax2d, xlim=two["xlim"], ylim=two["ylim"],
                       title=two["title"])
        self.lines = {key: ax.plot([], [], "o-", color="C3", ms=3.5, lw=1)[0]
                      for key, ax in (("1d", self.ax1d), ("2d", self.ax2d))}
        self.verdicts: dict[str, str] = {}
        self.readout = W.HTML()
        self.image = picture()
        for control in (self.lr, self.steps):
            control.observe(lambda _: self.update(), names="value")
        self.widget = W.VBox([W.HBox([self.lr, self.steps]), self.readout, self.image])
        self.update()

    def update(self) -> None:
        """Recompute both descent paths for the current lr and steps; redraw them."""
        from ..viz.landscapes import descent_path, describe_path
        from ..viz.surfaces import SURFACES

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
            ax.set_title(f"{surface['title']}: {self.verdicts[key]}")
        self.readout.value = (f"lr = {self.lr.value:.3g}: 1-D <b>{self.verdicts['1d']}</b>, "
                              f"2-D <b>{self.verdicts['2d']}</b>. Steeper directions need a "
                              "smaller lr: above 2 / curvature, the steps grow.")
        show(self.image, self.fig, "Gradient descent's path on loss = w² (left) and on a 2-D "
             "bowl (right). " + self.readout.value)


def lr_explorer(lr: float = 0.1, steps: int = 25) -> LRExplorer:
    """Gradient descent with a learning-rate slider, on loss = w² and on a 2-D bowl.

    Small lr crawls ("too small"), a good lr settles, one above 1 / curvature zig-zags
    across the valley ("oscillating"), and one above 2 / curvature climbs out
    ("diverging"). The 2-D bowl is 10x steeper in w2 than in w1, so one lr can be too
    small along w1 and too large along w2 at the same time. The surfaces are
    ``bp.viz.surfaces.SURFACES``.

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
