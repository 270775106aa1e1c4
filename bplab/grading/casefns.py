"""Functions that exercise cases hand to a learner's code (ex01 differentiates them).

They are public test material, not answers: the wire format carries them by name (only
names listed here), so a case can cross into the sandbox as data.
"""

from __future__ import annotations

import numpy as np

__all__ = ["bump", "coupled_quartic", "cubic", "d_bump_wrong", "d_cubic", "d_wavy", "d_wavy_wrong",
           "three_term", "wavy"]


def cubic(x):
    """x**3 - 2x; its second derivative 6x makes a forward difference visibly wrong."""
    return x ** 3 - 2.0 * x


def d_cubic(x):
    """The exact derivative of ``cubic``: 3x**2 - 2."""
    return 3.0 * x ** 2 - 2.0


def wavy(x):
    """sin(3x) * e**(x/2)."""
    return np.sin(3.0 * x) * np.exp(0.5 * x)


def d_wavy(x):
    """The exact derivative of ``wavy``: (3 cos 3x + 0.5 sin 3x) e**(x/2)."""
    return (3.0 * np.cos(3.0 * x) + 0.5 * np.sin(3.0 * x)) * np.exp(0.5 * x)


def d_wavy_wrong(x):
    """A WRONG derivative of ``wavy`` (sin(3x)'s inner factor 3 lost): (cos 3x + 0.5 sin 3x)
    e**(x/2). Unlike ``d_bump_wrong``'s, its relative error changes with x."""
    return (np.cos(3.0 * x) + 0.5 * np.sin(3.0 * x)) * np.exp(0.5 * x)


def bump(x):
    """e**(-x**2)."""
    return np.exp(-x * x)


def d_bump_wrong(x):
    """A WRONG derivative of ``bump`` (the inner derivative's factor 2 lost): -x e**(-x**2)."""
    return -x * np.exp(-x * x)


def three_term(w):
    """x**3 + y**3 - 3xy for w = (x, y) (ex06): a saddle at (0, 0), a minimum at (1, 1)."""
    x, y = w[0], w[1]
    return x ** 3 + y ** 3 - 3.0 * x * y


def coupled_quartic(w):
    """sum(w_i**4) / 4 + sum(w_i w_{i+1}) - sum(w_i**2) / 2 for w of shape (D,) (ex06):
    every Hessian has off-diagonal entries (the neighbours are coupled)."""
    w = np.asarray(w, dtype=float)
    return 0.25 * np.sum(w ** 4) + np.sum(w[:-1] * w[1:]) - 0.5 * np.sum(w ** 2)
