"""bplab.validation: one message style, 'where: name must be ..., got value'."""

import math
import re

import numpy as np
import pytest

from bplab.validation import check_array, check_choice, check_int, check_real


@pytest.mark.parametrize("value", [0, -1, 2.0, True, "3", None])
def test_check_int_refuses_with_the_value_named(value):
    with pytest.raises(ValueError, match=rf"^fit: epochs must be an int >= 1, got {value!r}$"):
        check_int(value, "epochs", where="fit")


def test_check_int_accepts_numpy_ints_and_returns_python_ints():
    got = check_int(np.int32(4), "n", min_value=2)
    assert got == 4 and type(got) is int


@pytest.mark.parametrize("value, kwargs, text", [
    (-5.0, {"low": 0, "low_open": True}, "> 0"),
    (-5.0, {"low": 0}, ">= 0"),
    (5.0, {"low": 0, "high": 1, "high_open": True}, "in [0, 1)"),
    (1.0, {"low": 0, "high": 1, "low_open": True, "high_open": True}, "in (0, 1)"),
])
def test_check_real_writes_its_interval(value, kwargs, text):
    with pytest.raises(ValueError, match=re.escape(f"lr must be {text}, got {value!r}") + "$"):
        check_real(value, "lr", **kwargs)


@pytest.mark.parametrize("value", [math.nan, math.inf, "0.1", True])
def test_check_real_refuses_non_finite_and_non_numbers(value):
    with pytest.raises(ValueError, match="lr must be > 0"):
        check_real(value, "lr", low=0, low_open=True)


def test_check_choice_lists_the_choices():
    with pytest.raises(ValueError, match=r"^MLP: init must be one of \['he', 'xavier'\], got 'x'$"):
        check_choice("x", "init", {"he": 1, "xavier": 2}, where="MLP")
    with pytest.raises(ValueError, match="got 3"):
        check_choice(3, "init", ["he"])
    assert check_choice("he", "init", ["he"]) == "he"


def test_check_array_names_shape_and_non_finite_values():
    with pytest.raises(ValueError, match=r"fit: X has shape \(4,\), expected 2 dimensions"):
        check_array(np.zeros(4), "X", ndim=2, where="fit")
    with pytest.raises(ValueError, match="X holds 2 non-finite values"):
        check_array([[np.nan, np.inf]], "X", finite=True)
