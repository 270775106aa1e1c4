"""fit: reaches its accuracy, records a History, reports divergence, validates arguments."""

import warnings

import numpy as np
import pytest

import bplab as bp


@pytest.fixture(scope="module")
def moons():
    return bp.data.make_moons(200, noise=0.1, rng=0)


def test_mlp_reaches_97_percent_on_held_out_digits():
    X, y = bp.data.load_digits()
    X_train, X_test, y_train, y_test = bp.data.train_test_split(X, y, test_size=0.2, rng=0)
    X_train, X_test = bp.data.standardize(X_train, X_test)
    net = bp.MLP([64, 256, 10], activation="relu", init="he", rng=0)
    hist = bp.fit(net, X_train, y_train, optimizer=bp.Adam(lr=1e-3), epochs=30, batch_size=32,
                  val=(X_test, y_test), rng=0)
    assert hist.diverged_at is None
    assert bp.accuracy(net.forward(X_test), y_test) >= 0.97
    assert hist.val_acc[-1] == bp.accuracy(net.forward(X_test), y_test)


def test_history_records_every_step_and_epoch(moons):
    X, y = moons
    net = bp.MLP([2, 8, 8, 2], rng=0)
    hist = bp.fit(net, X, y, optimizer=bp.SGD(0.1, momentum=0.9), epochs=5, batch_size=50,
                  val=(X[:50], y[:50]), rng=0)
    assert len(hist.loss) == 5 * 4 and hist.steps_per_epoch == 4
    assert len(hist.val_loss) == len(hist.val_acc) == len(hist.train_acc) == 5
    assert np.asarray(hist.grad_norms).shape == (20, 3)
    assert hist.layer_names == ["layer 1", "layer 2", "layer 3"]
    assert hist.loss[-1] < hist.loss[0] and hist.epochs == 5
    assert repr(hist).startswith("History(steps=20, epochs=5")


def test_fit_is_deterministic(moons):
    X, y = moons
    runs = [bp.fit(bp.MLP([2, 8, 2], rng=1), X, y, epochs=2, rng=4).loss for _ in range(2)]
    assert runs[0] == runs[1]


def test_lr_100_on_moons_stops_and_says_what_to_try(moons):
    X, y = moons
    with pytest.warns(bp.DivergenceWarning, match=r"lr=100 is probably too large: try lr=10"):
        hist = bp.fit(bp.MLP([2, 16, 16, 2], rng=0), X, y, optimizer=bp.SGD(lr=100),
                      epochs=20, batch_size=32)
    assert hist.diverged_at is not None and hist.diverged_at < 20
    assert len(hist.loss) == hist.diverged_at
    assert all(np.isfinite(hist.loss)) and np.all(np.isfinite(np.asarray(hist.grad_norms)))
    assert "diverged at step" in hist.message


def test_non_finite_loss_is_caught_even_when_it_starts_huge(moons):
    X, y = moons
    net = bp.MLP([2, 4, 2], init="large", rng=0)
    for name in ("0.W", "2.W"):
        net.params()[name][:] = 1e200  # the very first forward pass overflows to inf
    with pytest.warns(bp.DivergenceWarning, match="non-finite"):
        hist = bp.fit(net, X, y, optimizer=bp.SGD(0.1), epochs=1)
    assert hist.diverged_at == 0 and hist.loss == []


def test_callback_can_stop_and_history_can_continue(moons):
    X, y = moons
    net = bp.MLP([2, 8, 2], rng=0)
    hist = bp.fit(net, X, y, epochs=3, batch_size=100, callback=lambda h: len(h.loss) == 3)
    assert len(hist.loss) == 3
    more = bp.fit(net, X, y, epochs=1, batch_size=100, history=hist)
    assert more is hist and len(hist.loss) == 5


def test_verbose_prints_progress(moons, capsys):
    X, y = moons
    bp.fit(bp.MLP([2, 4, 2], rng=0), X, y, epochs=4, verbose=2, val=(X, y))
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 2 and lines[0].startswith("epoch   2/4  loss") and "val_acc" in lines[0]


def test_mse_regression_has_no_accuracy():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((64, 3))
    target = X @ np.array([[1.0], [-2.0], [0.5]])
    hist = bp.fit(bp.MLP([3, 1], rng=0), X, target, loss="mse", optimizer=bp.SGD(0.1),
                  epochs=30, batch_size=16, val=(X, target))
    assert hist.val_acc == [] and hist.val_loss[-1] < 1e-3


@pytest.mark.parametrize("kwargs, error, match", [
    ({"X": np.full((4, 2), np.nan)}, ValueError, "X holds 8 non-finite values"),
    ({"X": np.zeros(4)}, ValueError, r"X has shape \(4,\), expected \(N, D\)"),
    ({"y": np.array([0, 1, 2, 1])}, ValueError, r"labels must be in \[0, 1\]"),
    ({"y": np.array([0, 1])}, ValueError, "X has 4 rows but y has 2"),
    ({"epochs": 0}, ValueError, "epochs must be an int >= 1, got 0"),
    ({"batch_size": 0}, ValueError, "batch_size must be an int >= 1, got 0"),
    ({"loss": "hinge"}, ValueError, r"loss must be one of .* got 'hinge'"),
    ({"model": object()}, TypeError, "model must have forward, backward"),
])
def test_bad_arguments_are_named(kwargs, error, match):
    args = {"model": bp.MLP([2, 3, 2], rng=0), "X": np.zeros((4, 2)), "y": np.array([0, 1, 0, 1])}
    args.update(kwargs)
    with pytest.raises(error, match=match):
        bp.fit(args.pop("model"), args.pop("X"), args.pop("y"), **args)


def test_no_numpy_warnings_while_diverging(moons):
    X, y = moons
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        warnings.simplefilter("ignore", bp.DivergenceWarning)
        hist = bp.fit(bp.MLP([2, 16, 2], init="large", rng=0), X, y,
                      optimizer=bp.SGD(lr=1e3), epochs=5)
    assert hist.diverged_at is not None


# ---- stopped learning (issue 10 §1b: lr = 10 oscillated around 18 and nothing was said) ----
def _playground_run(lr: float, epochs: int = 30) -> bp.History:
    """The playground's default run (moons, tanh 2-8-8-2, xavier, Adam, batch 16), trained
    one epoch per fit call into one History, as the playground's Step/Play does."""
    X, y = bp.data.make_dataset("moons", 200, 0.1, rng=0)
    X, _, y, _ = bp.data.train_test_split(X, y, 0.3, rng=0)
    net, opt = bp.MLP([2, 8, 8, 2], "tanh", "xavier", rng=0), bp.Adam(lr)
    hist, shuffle = bp.History(), np.random.default_rng(0)
    for _ in range(epochs):
        bp.fit(net, X, y, optimizer=opt, epochs=1, batch_size=16, rng=shuffle, history=hist)
    return hist


def test_playground_at_lr_10_is_named_as_stopped_learning():
    hist = _playground_run(10.0)
    assert hist.diverged_at is None  # finite all along: the old check said nothing
    assert hist.stalled_at is not None and hist.stalled_at <= 9 * 10
    assert f"stopped learning by step {hist.stalled_at}" in hist.message
    assert "oscillates" in hist.message and "lr=10 is probably too large: try lr=1" in hist.message
    assert len(hist.loss) == 30 * 9  # it went on training
    assert f"stalled_at={hist.stalled_at}" in repr(hist)


@pytest.mark.parametrize("lr", [0.003, 0.03, 0.3])
def test_runs_that_learn_are_not_called_stalled(lr):
    hist = _playground_run(lr)
    assert hist.stalled_at is None and hist.message == ""


def test_stop_on_stall_returns_at_the_stall():
    X, y = bp.data.make_dataset("moons", 200, 0.1, rng=0)
    X, _, y, _ = bp.data.train_test_split(X, y, 0.3, rng=0)
    hist = bp.fit(bp.MLP([2, 8, 8, 2], "tanh", "xavier", rng=0), X, y,
                  optimizer=bp.Adam(10.0), epochs=30, batch_size=16, stop_on_stall=True)
    assert hist.stalled_at is not None and len(hist.loss) == hist.stalled_at < 30 * 9


def test_a_run_back_well_above_its_best_is_stalled():
    hist = bp.History(steps_per_epoch=5)
    hist.loss = [1.0] * 20 + [0.1] * 20 + [0.9] * 20  # learnt, then lost most of it
    assert bp.train._check_stalled(hist, batch_size=32, optimizer=bp.SGD(0.5))
    assert hist.stalled_at == 60 and "over 3x its best (0.1)" in hist.message


# ---- gradient-flow verdict ----------------------------------------------------------------
def test_relu_zero_init_verdict_is_true_about_the_output_layer(moons):
    X, y = moons
    net = bp.MLP([2] + [16] * 8 + [2], "relu", "zeros", rng=0)
    norms = bp.layer_grad_norms(net, X, y)
    assert len(norms) == 9 and all(n == 0 for n in norms)  # H = 0, so the last dW is 0 too
    verdict = bp.train.flow_verdict(norms)
    assert verdict.startswith("zero: no layer gets a gradient")
    assert "output layer (bar 9)" in verdict and "but the last" not in verdict


@pytest.mark.parametrize("norms, start", [
    ([0.0, 0.0, 2.0], "zero: only the output layer (bar 3) gets a gradient"),
    ([1e-6, 1e-3, 1.0], "vanishing"),
    ([1e3, 1.0, 1.0], "exploding: gradients reach"),
    ([0.5, 0.4, 0.6], "healthy"),
    ([0.0], "zero: no layer"),
])
def test_flow_verdicts(norms, start):
    """Each verdict starts with its diagnosis and names the output layer by its bar."""
    verdict = bp.train.flow_verdict(norms)
    assert verdict.startswith(start), verdict
    assert f"the output layer (bar {len(norms)})" in verdict, verdict


@pytest.mark.parametrize("bad", [np.inf, np.nan])
def test_flow_verdict_of_an_overflow(bad):
    """An inf or nan norm has no size to compare: the verdict says it overflowed, and no
    ratio (which would read inf or nan)."""
    verdict = bp.train.flow_verdict([1.0, bad, 1.0])
    assert verdict.startswith("exploding: the gradients overflowed (inf or nan)"), verdict
    assert "inf x" not in verdict and "nan x" not in verdict and "e+" not in verdict, verdict


def test_widgets_still_exports_flow_verdict():
    import importlib
    import sys

    sys.modules.pop("bplab.widgets", None)   # a first import warns, whatever ran before
    with pytest.warns(DeprecationWarning, match="bplab.labs"):
        widgets = importlib.import_module("bplab.widgets")
    assert widgets.flow_verdict is bp.train.flow_verdict


def test_train_step_skips_the_inputs_gradient_like_fit(monkeypatch):
    net = bp.MLP([3, 4, 2], rng=0)
    calls = []
    first = net.layers[0]
    original = first.backward
    monkeypatch.setattr(first, "backward", lambda dout, input_grad=True: (
        calls.append(input_grad), original(dout, input_grad))[1])
    X, y = np.ones((5, 3)), np.array([0, 1, 0, 1, 1])
    bp.train_step(net, X, y, bp.softmax_cross_entropy, bp.SGD(0.1))
    bp.train_step(net, X, y, "cross_entropy", bp.SGD(0.1))  # a loss by name works too
    assert calls == [False, False]  # dL/dX of the data is never needed to train


# ---- flow_verdict judges the size of the gradients, and names the init it advises on --------
def test_every_tiny_gradient_is_vanishing_even_when_the_layers_agree():
    verdict = bp.train.flow_verdict([3.6e-6, 3.9e-6, 4.0e-6, 3.1e-6], init="small",
                                    activation="relu")
    assert verdict.startswith("vanishing: every layer's gradient is tiny (at most 4.0e-06)")
    assert "with init='small'" in verdict and "init='he'" in verdict


def test_tiny_gradients_of_a_small_loss_are_settled_not_vanishing():
    verdict = bp.train.flow_verdict([2e-5, 3e-5], init="he", activation="relu", loss=0.004)
    assert verdict.startswith("settled: the loss is down to 0.004")


@pytest.mark.parametrize("init, activation, advised, never", [
    ("large", "relu", "try init='he'", "init='large'"),
    ("he", "relu", "try fewer hidden layers", "init='he'"),
    ("large", "tanh", "try init='xavier'", "init='large'"),
])
def test_exploding_advice_names_the_init_and_never_advises_it(init, activation, advised,
                                                              never):
    verdict = bp.train.flow_verdict([600.0, 400.0, 500.0], init=init, activation=activation)
    assert verdict.startswith("exploding") and f"with init='{init}'" in verdict
    assert advised in verdict and f"try {never}" not in verdict and "lr" not in verdict


def test_all_zero_gradients_speak_of_zero_weights_only_for_a_zero_init():
    zeros = bp.train.flow_verdict([0.0] * 9, init="zeros", activation="relu")
    dead = bp.train.flow_verdict([0.0] * 9, init="small", activation="relu")
    assert "all-zero weights" in zeros and "all-zero weights" not in dead
    assert "with init='small'" in dead and "dead" in dead and "init='he'" in dead


# ---- issue 17 §5: API traps ----------------------------------------------------------------
@pytest.mark.parametrize("name, kind, lr", [("adam", bp.Adam, 1e-3), ("sgd", bp.SGD, 0.01),
                                            ("momentum", bp.SGD, 0.01)])
def test_fit_takes_an_optimizer_by_name(name, kind, lr):
    X, y = bp.data.make_moons(40, rng=0)
    by_name = bp.fit(bp.MLP([2, 4, 2]), X, y, optimizer=name, epochs=2)
    made = bp.fit(bp.MLP([2, 4, 2]), X, y, epochs=2, optimizer=bp.optim.get_optimizer(name))
    assert by_name.loss == made.loss
    assert type(bp.optim.get_optimizer(name)) is kind and bp.optim.get_optimizer(name).lr == lr


def test_fit_with_a_wrong_optimizer_says_what_to_pass():
    X, y = bp.data.make_moons(20, rng=0)
    with pytest.raises(ValueError, match=r"^fit: optimizer must be one of \['adam', "):
        bp.fit(bp.MLP([2, 4, 2]), X, y, optimizer="rmsprop")
    with pytest.raises(TypeError, match=r"^fit: optimizer must be an optimizer like "
                                        r"bp\.Adam\(lr=1e-3\).*got 0\.1 \(a float\)$"):
        bp.fit(bp.MLP([2, 4, 2]), X, y, optimizer=0.1)


@pytest.mark.parametrize("loss, y", [("cross_entropy", np.zeros(10, dtype=int)),
                                     ("mse", np.zeros((10, 2)))])
def test_fit_with_the_wrong_number_of_columns_names_d(loss, y):
    X = np.zeros((10, 3))
    with pytest.raises(ValueError, match=r"^fit: X has D=3 columns but the network's first "
                                         r"layer expects 2 inputs$"):
        bp.fit(bp.MLP([2, 4, 2]), X, y, loss=loss)


@pytest.mark.parametrize("y", [3, None, 2.5])
def test_fit_with_a_scalar_y_says_it_wants_one_label_per_row(y):
    X, _ = bp.data.make_moons(20, rng=0)
    with pytest.raises(ValueError, match=rf"^fit: y must be an array of N labels .*got {y!r}$"):
        bp.fit(bp.MLP([2, 4, 2]), X, y)


def test_accuracy_reads_a_1d_float_array_of_whole_numbers_as_labels():
    assert bp.accuracy(np.array([2.0, 2.0, 0.0]), [2, 2, 0]) == 1.0
    assert bp.accuracy(np.array([1.0, 0.0, 1.0]), [1, 0, 0]) == pytest.approx(2 / 3)
    # logits of a binary model stay logits: (N,) with fractions or negatives, and (N, 1)
    assert bp.accuracy(np.array([2.5, -1.0, 0.3]), [1, 0, 1]) == 1.0
    assert bp.accuracy(np.array([-3.0, 2.0]), [0, 1]) == 1.0
    assert bp.accuracy(np.array([[2.0], [0.0]]), [1, 0]) == 1.0


def test_train_step_takes_loss_as_fit_does():
    """`train_step(loss_fn=...)` was the one place the loss had another name."""
    net = bp.MLP([2, 4, 2], rng=0)
    X, y = bp.data.make_moons(16, rng=0)
    assert np.isfinite(bp.train_step(net, X, y, loss="cross_entropy", optimizer=bp.SGD(0.1)))


class DictParamsNet:
    """A learner's model whose params and grads are plain dicts, not methods."""

    def __init__(self):
        self.params, self.grads = {"W": np.zeros((2, 2))}, {"W": np.zeros((2, 2))}

    def forward(self, X):
        self.X = X
        return X @ self.params["W"]

    def backward(self, dout):
        self.grads["W"] = self.X.T @ dout
        return dout @ self.params["W"].T


@pytest.mark.parametrize("run, where", [
    (lambda net, X, y: bp.fit(net, X, y, epochs=1), "fit"),
    (lambda net, X, y: bp.train_step(net, X, y, "cross_entropy", bp.SGD()), "train_step"),
])
def test_a_model_with_plain_dict_params_is_told_what_to_write(moons, run, where):
    X, y = moons
    net = DictParamsNet()
    with pytest.raises(TypeError, match=rf"^{where}: DictParamsNet.params must be a method "
                                        r"returning \{name: array\}, like bp.Linear's; got a dict"):
        run(net, X[:8], y[:8])
    np.testing.assert_array_equal(net.params["W"], 0.0)  # nothing was trained


def test_a_model_whose_grads_alone_is_a_dict_is_told_too(moons):
    X, y = moons
    net = bp.MLP([2, 2], rng=0)
    net.grads = {"0.W": np.zeros((2, 2))}
    with pytest.raises(TypeError, match=r"^fit: MLP.grads must be a method.*got a dict"):
        bp.fit(net, X, y, epochs=1)
