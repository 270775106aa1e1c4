"""Initialisers: scales, shapes, seeds, names."""

import numpy as np
import pytest

from bplab import init


@pytest.mark.parametrize("name, expected_std", [
    ("small", 0.01), ("large", 1.0), ("xavier", np.sqrt(2 / (400 + 200))),
    ("he", np.sqrt(2 / 400)),
])
def test_standard_deviations(name, expected_std):
    W = init.get_initializer(name)((400, 200), rng=0)
    assert W.shape == (400, 200)
    assert W.std() == pytest.approx(expected_std, rel=0.02)
    assert abs(W.mean()) < 0.05 * expected_std + 1e-4


def test_zeros_and_dtype():
    assert not init.zeros((3, 2)).any()
    assert init.he((3, 2), rng=0, dtype=np.float32).dtype == np.float32


def test_seeded_and_generator_inputs():
    np.testing.assert_array_equal(init.he((3, 2), rng=5), init.he((3, 2), rng=5))
    gen = np.random.default_rng(5)
    assert not np.array_equal(init.he((3, 2), rng=gen), init.he((3, 2), rng=gen))


def test_bad_names_shapes_and_rngs():
    with pytest.raises(ValueError, match=r"init must be one of .* got 'kaiming'"):
        init.get_initializer("kaiming")
    with pytest.raises(ValueError, match=r"shape must be \(fan_in, fan_out\)"):
        init.he((0, 3), rng=0)
    with pytest.raises(TypeError, match="rng must be an int seed"):
        init.he((2, 2), rng="seed")
    with pytest.raises(ValueError, match="std must be > 0"):
        init.normal((2, 2), rng=0, std=0)
