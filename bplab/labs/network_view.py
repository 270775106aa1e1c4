"""TensorFlow Playground's signature view: every unit's output as a heatmap, weights as links.

One Axes holds the whole network: a column per layer (input features, hidden layers,
output), each unit an ``imshow`` of its output over the input plane, and one
``LineCollection`` of links whose width is |w| and whose colour is w's sign (blue > 0,
orange < 0, as in the Playground). Artists are made once; an update moves data only.
Letters: D inputs (features), H hidden units, G grid points per axis.
"""

from __future__ import annotations

import numpy as np

MAX_HIDDEN_LAYERS, MAX_UNITS = 6, 8  # TensorFlow Playground's largest network
MAX_INPUTS = 7
GRID = 16  # G: each unit's heatmap is G x G
COLUMN_GAP, ROW_GAP, BOX = 4.0, 1.25, 1.0
POSITIVE, NEGATIVE = np.array([0.15, 0.45, 0.80]), np.array([0.96, 0.55, 0.15])


def unit_colors(values: np.ndarray) -> np.ndarray:
    """Values (..., G, G) scaled to [-1, 1] per unit -> RGB (..., G, G, 3): orange-white-blue."""
    v = np.clip(np.nan_to_num(values), -1.0, 1.0)[..., None]
    white = np.ones(3)
    return np.where(v >= 0, white + v * (POSITIVE - white), white - v * (NEGATIVE - white))


def hidden_outputs(model, inputs: np.ndarray) -> list[np.ndarray]:
    """Each hidden layer's output (after its activation) for ``inputs`` (P, D): [(P, H), ...]."""
    from ..layers import Linear

    outs, h = [], inputs
    with np.errstate(all="ignore"):
        for k, layer in enumerate(model.layers):
            h = layer.forward(h)
            if not isinstance(layer, Linear) and k < len(model.layers) - 1:
                outs.append(h)
        outs.append(h)  # the scores, for the output unit
    return outs


class NetworkView:
    """The unit heatmaps and weight links of an MLP, drawn in one Axes."""

    def __init__(self, ax):
        from matplotlib.collections import LineCollection

        self.ax = ax
        count = MAX_INPUTS + MAX_HIDDEN_LAYERS * MAX_UNITS + 1
        self.images = [ax.imshow(np.ones((2, 2, 3)), extent=(0, 1, 0, 1), zorder=2,
                                 interpolation="nearest", visible=False) for _ in range(count)]
        self.links = LineCollection([], zorder=1)
        ax.add_collection(self.links)
        self.names = [ax.text(0, 0, "", ha="right", va="center", fontsize=8)
                      for _ in range(MAX_INPUTS)]
        self.note = ax.text(0.5, 0.5, "", transform=ax.transAxes, ha="center", va="center",
                            fontsize=10, color="#b00020", wrap=True)
        ax.set_axis_off()

    @staticmethod
    def fits(hidden_sizes: list[int]) -> bool:
        return len(hidden_sizes) <= MAX_HIDDEN_LAYERS and max(hidden_sizes) <= MAX_UNITS

    def update(self, model, grid_features: np.ndarray, feature_names: list[str]) -> None:
        """Redraw for ``model`` on ``grid_features`` (G*G, D) named ``feature_names`` (D,)."""
        sizes = model.sizes
        if not self.fits(sizes[1:-1]):
            self._too_big(sizes)
            return
        self.note.set_text("")
        columns = [grid_features] + hidden_outputs(model, grid_features)
        scores = columns[-1]  # C classes drawn as one unit: score of class 1 minus class 0
        columns[-1] = scores[:, -1:] - scores[:, :1] if scores.shape[1] > 1 else scores
        centres = self._place(sizes)
        images = iter(self.images)
        for values, column in zip(columns, centres):
            for unit, (x, y) in enumerate(column):
                image = next(images)
                v = values[:, unit].reshape(GRID, GRID)
                scale = np.nanmax(np.abs(v)) if np.any(np.isfinite(v)) else 1.0
                image.set_data(unit_colors(v / (scale or 1.0)))
                image.set_extent((x - BOX / 2, x + BOX / 2, y - BOX / 2, y + BOX / 2))
                image.set_visible(True)
        for image in images:
            image.set_visible(False)
        for k, text in enumerate(self.names):
            label = feature_names[k] if k < len(feature_names) else ""
            text.set_text(label)
            if label:
                text.set_position((centres[0][k][0] - BOX / 2 - 0.1, centres[0][k][1]))
        self._draw_links(model, centres)
        width = COLUMN_GAP * (len(sizes) - 1)
        height = ROW_GAP * max(max(sizes[:-1]), 1)
        self.ax.set_xlim(-BOX - 0.9, width + BOX)
        self.ax.set_ylim(-height / 2 - BOX / 2, height / 2 + BOX / 2)

    def _place(self, sizes: list[int]) -> list[list[tuple[float, float]]]:
        """Centre of every unit, column by column (a single output unit for C classes)."""
        counts = sizes[:-1] + [1]
        return [[(c * COLUMN_GAP, ((n - 1) / 2 - k) * ROW_GAP) for k in range(n)]
                for c, n in enumerate(counts)]

    def _draw_links(self, model, centres) -> None:
        from ..layers import Linear

        segments, weights = [], []
        linears = [layer for layer in model.layers if isinstance(layer, Linear)]
        for c, layer in enumerate(linears):
            W = layer.params()["W"]  # (D_in, D_out)
            if c == len(linears) - 1:  # C outputs drawn as one unit: class 1 minus class 0
                W = W[:, -1:] - (W[:, :1] if W.shape[1] > 1 else 0.0)
            for i, (x0, y0) in enumerate(centres[c]):
                for j, (x1, y1) in enumerate(centres[c + 1]):
                    segments.append([(x0 + BOX / 2, y0), (x1 - BOX / 2, y1)])
                    weights.append(W[i, j])
        w = np.nan_to_num(np.asarray(weights, dtype=np.float64))
        top = np.abs(w).max() if w.size and np.abs(w).max() > 0 else 1.0
        self.links.set_segments(segments)
        self.links.set_linewidths(0.3 + 3.5 * np.abs(w) / top)
        self.links.set_colors(np.where(w[:, None] >= 0, POSITIVE, NEGATIVE))
        self.links.set_visible(True)

    def _too_big(self, sizes: list[int]) -> None:
        for artist in [*self.images, *self.names]:
            artist.set_visible(False) if artist in self.images else artist.set_text("")
        self.links.set_visible(False)
        hidden = sizes[1:-1]
        self.note.set_text(
            f"The unit view draws up to {MAX_HIDDEN_LAYERS} hidden layers of up to "
            f"{MAX_UNITS} units (TensorFlow Playground's sizes). This network has "
            f"{len(hidden)} hidden layers of {max(hidden)}: make it smaller to see its units.")
