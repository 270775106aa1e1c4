"""Optimisers: the update rules, in-place updates, argument checks."""

import numpy as np
import pytest

import bplab as bp


def params_and_grads():
    return {"w": np.array([1.0, -2.0])}, {"w": np.array([0.5, -1.0])}


def test_sgd_is_w_minus_lr_grad():
    p, g = params_and_grads()
    w = p["w"]
    bp.SGD(lr=0.1).step(p, g)
    assert p["w"] is w  # in place
    np.testing.assert_allclose(w, [1.0 - 0.05, -2.0 + 0.1])


def test_momentum_accumulates_velocity():
    p, g = params_and_grads()
    opt = bp.SGD(lr=0.1, momentum=0.9)
    opt.step(p, g)
    opt.step(p, g)
    # v1 = -lr g, v2 = 0.9 v1 - lr g = -1.9 lr g; w = w0 + v1 + v2 = w0 - 2.9 lr g
    np.testing.assert_allclose(p["w"], np.array([1.0, -2.0]) - 2.9 * 0.1 * g["w"])


def test_adam_first_steps_move_lr_against_the_gradient_sign():
    p, g = params_and_grads()
    opt = bp.Adam(lr=0.01)
    opt.step(p, g)
    np.testing.assert_allclose(p["w"], [1.0 - 0.01, -2.0 + 0.01], rtol=1e-6)
    opt.step(p, g)
    np.testing.assert_allclose(p["w"], [1.0 - 0.02, -2.0 + 0.02], rtol=1e-6)


def test_adam_matches_its_formula_over_steps():
    rng = np.random.default_rng(0)
    p = {"w": rng.standard_normal(3)}
    w, m, v = p["w"].copy(), np.zeros(3), np.zeros(3)
    opt = bp.Adam(lr=0.1, beta1=0.8, beta2=0.9)
    for t in range(1, 6):
        g = rng.standard_normal(3)
        opt.step(p, {"w": g})
        m = 0.8 * m + 0.2 * g
        v = 0.9 * v + 0.1 * g * g
        w = w - 0.1 * (m / (1 - 0.8**t)) / (np.sqrt(v / (1 - 0.9**t)) + 1e-8)
    np.testing.assert_allclose(p["w"], w, rtol=1e-12)


def test_float32_params_stay_float32():
    p = {"w": np.ones(3, dtype=np.float32)}
    for opt in (bp.SGD(0.1, momentum=0.9), bp.Adam(0.1)):
        opt.step(p, {"w": np.ones(3, dtype=np.float32)})
    assert p["w"].dtype == np.float32


@pytest.mark.parametrize("lr", [0, -0.1, float("nan"), float("inf"), "0.1"])
def test_lr_must_be_positive(lr):
    with pytest.raises(ValueError, match="lr must be > 0, got"):
        bp.SGD(lr=lr)
    with pytest.raises(ValueError, match="lr must be > 0"):
        bp.Adam(lr=lr)


def test_other_bad_arguments():
    with pytest.raises(ValueError, match=r"momentum must be in \[0, 1\), got 1.5"):
        bp.SGD(0.1, momentum=1.5)
    with pytest.raises(ValueError, match="beta2 must be in"):
        bp.Adam(beta2=1.0)
    p, g = params_and_grads()
    with pytest.raises(ValueError, match="params have keys"):
        bp.SGD(0.1).step(p, {"v": g["w"]})
    with pytest.raises(ValueError, match=r"grad 'w' has shape \(3,\), expected \(2,\)"):
        bp.SGD(0.1).step(p, {"w": np.ones(3)})
    with pytest.raises(ValueError, match="optimizer must be one of"):
        bp.optim.get_optimizer("rmsprop", 0.1)


# ---- issue 17 §5: API traps ----------------------------------------------------------------
@pytest.mark.parametrize("cls", [bp.SGD, bp.Adam])
def test_a_bad_lr_names_the_class(cls):
    with pytest.raises(ValueError, match=rf"^{cls.__name__}: lr must be > 0, got -1$"):
        cls(lr=-1)


def test_lr_given_as_a_string_is_a_type_error_saying_a_number_was_expected():
    with pytest.raises(TypeError, match=r"^Adam: lr must be > 0, got '1e-3', which is a str, "
                                        r"not a number$"):
        bp.Adam(lr="1e-3")
    with pytest.raises(TypeError, match=r"^SGD: momentum .* which is a str, not a number$"):
        bp.SGD(0.1, momentum="0.9")


def test_get_optimizer_takes_the_default_lr():
    assert bp.optim.get_optimizer("adam").lr == bp.Adam().lr
    sgd = bp.optim.get_optimizer("momentum")
    assert isinstance(sgd, bp.SGD) and sgd.momentum == 0.9 and sgd.lr == bp.SGD().lr
    assert bp.optim.get_optimizer("sgd", 0.5).lr == 0.5


@pytest.mark.parametrize("opt", [bp.SGD(), bp.Adam(), bp.blocks.ClipGradNorm(bp.SGD())])
def test_step_given_the_uncalled_methods_says_to_call_them(opt):
    net = bp.MLP([2, 3], rng=0)
    with pytest.raises(TypeError, match=r"step: grads must be a dict \{name: array\}, got a "
                                        r"method, not called \(write net.params\(\) and"):
        opt.step(net.params(), net.grads)
    with pytest.raises(TypeError, match=r"SGD.step: params must be a dict .*a method, not called"):
        bp.SGD().step(net.params, net.grads())
