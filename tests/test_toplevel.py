"""``import bplab as bp``: what dir(bp) shows, and the traps issue 10 §3 removed."""

import inspect

import numpy as np
import pytest

import bplab as bp


def test_dir_shows_the_course_api_and_hides_implementation_modules():
    names = dir(bp)
    for shown in ("check", "progress", "viz", "labs", "data", "Value", "fit", "MLP"):
        assert shown in names
    for hidden in ("autograd", "layers", "losses", "nn", "optim", "train", "gradcheck",
                   "validation", "widgets", "grading", "metrics", "flow"):
        assert hidden not in names
    assert sorted(bp.__all__) == [n for n in names if n != "__version__"]


def test_every_exported_name_resolves():
    missing = [name for name in bp.__all__ if not hasattr(bp, name)]
    assert not missing, f"in bp.__all__ but not importable from bp: {missing}"


def test_labs_is_the_labs_package_or_the_widgets_module_before_the_split():
    assert bp.labs.__name__ in ("bplab.labs", "bplab.widgets")
    assert callable(bp.labs.playground)


# ---- one way to reach parameters ---------------------------------------------------------
def test_layers_and_networks_both_answer_params_and_grads_calls():
    lin = bp.Linear(3, 2, rng=0)
    assert lin.params() is lin.params() and isinstance(lin.params()["W"], np.ndarray)
    net = bp.Sequential(lin, bp.ReLU())
    assert net.params()["0.W"] is lin.params()["W"]
    assert set(lin.grads()) == {"W", "b"} and set(net.grads()) == {"0.W", "0.b"}


def test_a_learners_layer_with_a_plain_dict_is_told_to_write_a_method():
    class MyScale:
        def __init__(self):
            self.params, self.grads = {"s": np.ones(2)}, {"s": np.zeros(2)}

        def forward(self, X):
            return X * self.params["s"]

        def backward(self, dout):
            return dout * self.params["s"]

    net = bp.Sequential(bp.Linear(2, 2, rng=0), MyScale())
    with pytest.raises(TypeError, match="MyScale.params must be a method"):
        net.params()


# ---- losses say whether they classify ----------------------------------------------------
@pytest.mark.parametrize("loss", ["cross_entropy", bp.softmax_cross_entropy])
def test_fit_records_accuracy_for_a_loss_given_by_name_or_function(loss):
    X, y = bp.data.make_moons(60, rng=0)
    hist = bp.fit(bp.MLP([2, 4, 2]), X, y, loss=loss, epochs=2, val=(X, y))
    assert len(hist.train_acc) == len(hist.val_acc) == 2


def test_losses_carry_classifies_and_name():
    assert bp.softmax_cross_entropy.classifies and bp.binary_cross_entropy.classifies
    assert not bp.mse_loss.classifies
    assert bp.softmax_cross_entropy.name == "cross_entropy"


def test_an_unmarked_loss_of_your_own_records_no_accuracy():
    X, y = bp.data.make_moons(60, rng=0)
    hist = bp.fit(bp.MLP([2, 4, 2]), X, y, loss=lambda s, t: bp.softmax_cross_entropy(s, t),
                  epochs=1, val=(X, y))
    assert hist.train_acc == [] and hist.val_acc == [] and len(hist.val_loss) == 1


# ---- seeds: every rng defaults to 0 ------------------------------------------------------
def _public_modules():
    """bp and every bplab module with an ``__all__`` (the exercise keys and the deprecated
    ``widgets`` alias of ``labs`` aside)."""
    import importlib
    import pkgutil

    yield bp
    for info in pkgutil.walk_packages(bp.__path__, "bplab."):
        if ".grading.exercises" in info.name or info.name.endswith(("__main__", ".widgets")):
            continue
        module = importlib.import_module(info.name)
        if hasattr(module, "__all__"):
            yield module


def _public_callables_with_rng():
    for module in _public_modules():
        for name in module.__all__:
            obj = getattr(module, name)
            if callable(obj) and not isinstance(obj, type(bp)):
                try:
                    params = inspect.signature(obj).parameters
                except (TypeError, ValueError):
                    continue
                if "rng" in params:
                    yield f"{module.__name__}.{name}", params["rng"].default


def test_the_rng_check_reaches_every_layer():
    names = {name.rsplit(".", 1)[0] for name, _ in _public_callables_with_rng()}
    assert {"bplab", "bplab.data", "bplab.init", "bplab.labs", "bplab.cost"} <= names


@pytest.mark.parametrize("name, default", list(_public_callables_with_rng()))
def test_every_rng_defaults_to_zero(name, default):
    assert default == 0, f"{name}(rng={default!r})"


def test_default_seed_gives_the_same_network_every_time():
    a, b = bp.MLP([2, 3, 2]), bp.MLP([2, 3, 2], rng=0)
    for k in a.params():
        np.testing.assert_array_equal(a.params()[k], b.params()[k])


# ---- fit is duck-typed --------------------------------------------------------------------
class Wrapped:
    """Not a Sequential: forward, backward, params, grads only (its backward has no input_grad)."""

    def __init__(self):
        self.net = bp.MLP([2, 6, 2], rng=0)

    def forward(self, X):
        return self.net.forward(X)

    def backward(self, dout):
        return self.net.backward(dout)

    def params(self):
        return self.net.params()

    def grads(self):
        return self.net.grads()


def test_fit_trains_any_model_with_the_four_methods_like_a_sequential():
    X, y = bp.data.make_moons(80, rng=0)
    ours = bp.fit(Wrapped(), X, y, epochs=3, optimizer=bp.Adam(1e-2))
    same = bp.fit(bp.MLP([2, 6, 2], rng=0), X, y, epochs=3, optimizer=bp.Adam(1e-2))
    assert ours.loss == same.loss and ours.grad_norms == same.grad_norms
    assert ours.layer_names == same.layer_names == ["layer 1", "layer 2"]


def test_train_module_does_not_name_sequential():
    import bplab.train

    assert "Sequential)" not in inspect.getsource(bplab.train)  # no isinstance(model, Sequential)


def _printed_by_a_fresh_python(code: str) -> str:
    import subprocess
    import sys

    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True).stdout.strip()


def test_import_bplab_loads_no_plotting_widgets_or_grader():
    code = ("import sys, bplab; print(sorted(m for m in ('matplotlib', 'ipywidgets', "
            "'bplab.grading', 'bplab.viz') if m in sys.modules))")
    assert _printed_by_a_fresh_python(code) == "[]"


def test_lesson_10s_modules_are_reachable_in_a_fresh_kernel():
    code = ("import bplab as bp; print(bp.blocks.__name__, bp.jacobian.__name__, "
            "bp.cost.__name__, all(m in dir(bp) for m in ('blocks', 'jacobian', 'cost')))")
    assert _printed_by_a_fresh_python(code) == "bplab.blocks bplab.jacobian bplab.cost True"


def test_one_params_protocol_for_layers_blocks_and_networks():
    """Issue 17 §1: `check_layer(MLP)`, `Residual(Sequential(...))` and `net.params()["0.W"]`
    each failed, because layers, blocks and networks spoke params three ways."""
    X = np.random.default_rng(0).normal(size=(4, 2))
    net = bp.MLP([2, 3, 2], rng=0)
    assert max(bp.check_layer(net, X).values()) < 1e-7
    block = bp.blocks.Residual(bp.Sequential(bp.Linear(2, 2, rng=0), bp.Tanh()))
    assert sorted(block.params()) == ["0.0.W", "0.0.b"]
    assert max(bp.check_layer(block, X).values()) < 1e-7
    for thing in (bp.Linear(2, 3, rng=0), net, block):
        assert isinstance(thing.params(), dict) and thing.params().keys() == thing.grads().keys()
    assert net.params()["0.W"] is net.layers[0].params()["W"]
    with pytest.raises(TypeError, match="in place"):
        net.params()["0.W"] = np.zeros((2, 3))
