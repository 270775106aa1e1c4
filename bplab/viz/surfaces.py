"""Loss surfaces with known curvature, for learning-rate experiments (the lr explorer's).

Each surface is a dict: ``loss`` (w -> loss, vectorised over leading axes), ``grad``
(w (P,) -> gradient (P,)), ``start`` (P,), ``xlim`` and for 2-D ``ylim``. P is 1 or 2.
"""

from __future__ import annotations

import numpy as np

__all__ = ["SURFACES", "bowl_1d", "bowl_2d"]


def bowl_1d(w):
    """loss = w²: curvature 2, so gradient descent diverges for lr > 1."""
    return w ** 2


def bowl_2d(w1, w2):
    """loss = 0.1 w1² + w2²: 10x steeper in w2 than in w1 (curvatures 0.2 and 2)."""
    return 0.1 * w1 ** 2 + w2 ** 2


SURFACES = {
    "1d": {"loss": bowl_1d, "grad": lambda w: 2 * np.asarray(w), "start": [-1.8],
           "xlim": (-2.5, 2.5), "title": "loss = w²"},
    "2d": {"loss": lambda w: bowl_2d(w[..., 0], w[..., 1]),
           "grad": lambda w: np.array([0.2 * w[0], 2 * w[1]]), "start": [-4.0, 1.5],
           "xlim": (-5.0, 5.0), "ylim": (-2.5, 2.5), "title": "loss = 0.1 w1² + w2²"},
}
