"""Sizes for hidden cases, drawn from the case rng (instructors' side, like the keys).

A part's public cases keep the fixed sizes that the notebooks and ``public/exNN.json``
show. Its hidden cases call the same case maker with sizes drawn here,
``Part(cases=hidden(make, draw), public_cases=make)``, so a hidden case differs from the
public ones in its sizes as well as its values: code that hard-codes a public shape, or
a table of public answers, fails.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

__all__ = ["distinct", "hidden", "size_sets"]


def distinct(rng: np.random.Generator, k: int, low: int = 2, high: int = 10) -> tuple:
    """``k`` different sizes in [low, high), drawn from ``rng`` (different sizes keep a
    transposed or mis-summed answer from having the right shape)."""
    return tuple(int(n) for n in rng.choice(np.arange(low, high), size=k, replace=False))


def size_sets(rng: np.random.Generator, n: int, k: int, low: int = 2,
              high: int = 10) -> tuple:
    """``n`` tuples of ``k`` different sizes each, as ``distinct`` draws them."""
    return tuple(distinct(rng, k, low, high) for _ in range(n))


def hidden(make: Callable, draw: Callable) -> Callable:
    """The hidden cases of ``make(rng, sizes)``: sizes drawn by ``draw(rng)`` first."""
    def cases(rng: np.random.Generator) -> list:
        return make(rng, draw(rng))
    cases.__name__ = f"hidden{make.__name__}"
    cases.__doc__ = f"{make.__name__} with sizes drawn from the rng by {draw.__name__}"
    return cases
