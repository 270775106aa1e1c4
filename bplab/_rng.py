"""The one way randomness comes in: an int seed, a ``numpy.random.Generator`` or None."""

from __future__ import annotations

import numpy as np


def as_rng(rng: int | np.random.Generator | None) -> np.random.Generator:
    """Turn an int seed (or None, or a Generator) into a ``numpy.random.Generator``."""
    if isinstance(rng, np.random.Generator):
        return rng
    if rng is None or (isinstance(rng, (int, np.integer)) and not isinstance(rng, bool)):
        return np.random.default_rng(rng)
    raise TypeError(f"rng must be an int seed, a numpy.random.Generator or None, "
                    f"got {type(rng).__name__}")
