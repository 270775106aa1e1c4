"""Exercise 12, backprop ninja: the graded parts (makemore part 4's exercise, in numpy).

A two-layer MLP with batch normalisation and softmax cross-entropy is written as a chain of
elementary operations (``forward`` below; the notebook prints the same code), and the
learner back-propagates it op by op, in six derived parts, each checked as it is written;
then assembles the whole backward pass (checked against central differences in the
notebook) and trains the network on the digits with nothing but those gradients.

Letters: N batch, D inputs, H hidden units, C classes. Batch normalisation takes its
statistics over the batch (axis 0), with the biased variance (divide by N, as the forward
pass does in training); gamma and beta have shape (H,), mean, var and inv_std (1, H).

Every reference is checked against central differences in tests/test_exercise_parts.py.
The cases feed each part random upstream gradients (not the chain's own), so a path that is
zero on the real chain (the row max's) still shows when it is missing; sizes differ
(N != D != H != C) so a sum over the wrong axis cannot keep the right shape.

The training part takes row indices into the development set of exercise 8
(``bp.data.load_digits_development()``), never its held-out digits: the public case is the
notebook's own split, the hidden one a split drawn with the grader's secret seed.
"""

from __future__ import annotations

import numpy as np

from ...data import load_digits_development
from ..judge import accuracy_target, make_compare
from ..spec import Bug, Case, LabeledCase, Part
from ._draw import distinct, hidden

__all__ = ["EPS", "NUM_VAL", "PARAM_NAMES", "PARTS", "SPLIT_SEED", "TARGET_ACCURACY",
           "bn_affine_backward", "bn_mean_backward", "bn_variance_backward", "forward",
           "gradients", "init_params", "linear_backward", "loss_backward",
           "normalize_backward", "predict", "shift_backward", "train_and_predict"]

EPS = 1e-5
PARAM_NAMES = ("W1", "b1", "gamma", "beta", "W2", "b2")
SPLIT_SEED = 0           # the notebook's split of the development set
NUM_VAL = 288            # validation rows (20 % of the 1438 development digits)
TARGET_ACCURACY = 0.93   # the reference reaches 0.95-0.99 on every split tried (tests/)


# ---- the network, as elementary operations (the notebook prints the same forward) ---------
def forward(params: dict, X: np.ndarray, y: np.ndarray) -> tuple[float, dict]:
    """Loss (a float) and the cache of every intermediate, for X (N, D) and labels y (N,)."""
    N = X.shape[0]
    c = {"X": X, "y": y}
    c["Z1"] = X @ params["W1"] + params["b1"]                    # (N, H)
    c["mean"] = c["Z1"].sum(axis=0, keepdims=True) / N          # (1, H)
    c["Zc"] = c["Z1"] - c["mean"]                               # (N, H)
    c["Zc2"] = c["Zc"] ** 2                                     # (N, H)
    c["var"] = c["Zc2"].sum(axis=0, keepdims=True) / N          # (1, H)
    c["inv_std"] = (c["var"] + EPS) ** -0.5                     # (1, H)
    c["Zhat"] = c["Zc"] * c["inv_std"]                          # (N, H)
    c["Zn"] = params["gamma"] * c["Zhat"] + params["beta"]      # (N, H)
    c["A1"] = np.tanh(c["Zn"])                                  # (N, H)
    c["Z2"] = c["A1"] @ params["W2"] + params["b2"]             # (N, C)
    c["row_max"] = c["Z2"].max(axis=1, keepdims=True)           # (N, 1)
    c["shifted"] = c["Z2"] - c["row_max"]                       # (N, C)
    c["counts"] = np.exp(c["shifted"])                          # (N, C)
    c["counts_sum"] = c["counts"].sum(axis=1, keepdims=True)    # (N, 1)
    c["counts_sum_inv"] = c["counts_sum"] ** -1                 # (N, 1)
    c["probs"] = c["counts"] * c["counts_sum_inv"]              # (N, C)
    c["logprobs"] = np.log(c["probs"])                          # (N, C)
    loss = -c["logprobs"][np.arange(N), y].mean()
    return float(loss), c


def init_params(D: int, H: int, C: int, rng: np.random.Generator) -> dict:
    """W1 (D, H) Xavier-like for tanh, b1 (H,), gamma (H,) ones, beta (H,), W2 (H, C) small,
    b2 (C,)."""
    return {"W1": rng.normal(size=(D, H)) * (5 / 3) / np.sqrt(D), "b1": np.zeros(H),
            "gamma": np.ones(H), "beta": np.zeros(H),
            "W2": rng.normal(size=(H, C)) * 0.1, "b2": np.zeros(C)}


def linear_backward(dZ: np.ndarray, A_prev: np.ndarray, W: np.ndarray) -> tuple:
    """(Given in the notebook: lesson 04.) dA_prev (N, D), dW (D, H), db (H,) of Z = A_prev W + b."""
    return dZ @ W.T, A_prev.T @ dZ, dZ.sum(axis=0)


# ---- references of the graded parts ----------------------------------------------------------
def loss_backward(probs: np.ndarray, y: np.ndarray) -> tuple:
    """(dlogprobs, dprobs), both (N, C): through the pick-and-mean, then through the log."""
    N = probs.shape[0]
    dlogprobs = np.zeros_like(probs)
    dlogprobs[np.arange(N), y] = -1.0 / N
    return dlogprobs, dlogprobs / probs


def normalize_backward(dprobs: np.ndarray, counts: np.ndarray,
                       counts_sum_inv: np.ndarray) -> tuple:
    """(dcounts_sum_inv (N, 1), dcounts_sum (N, 1), dcounts (N, C)) of
    probs = counts * counts_sum_inv, counts_sum_inv = counts_sum ** -1 and
    counts_sum = counts summed over each row. counts reaches the loss along two paths."""
    dcounts_sum_inv = (counts * dprobs).sum(axis=1, keepdims=True)
    dcounts_sum = -counts_sum_inv ** 2 * dcounts_sum_inv
    dcounts = counts_sum_inv * dprobs + np.ones_like(counts) * dcounts_sum
    return dcounts_sum_inv, dcounts_sum, dcounts


def _argmax_onehot(Z2: np.ndarray) -> np.ndarray:
    onehot = np.zeros_like(Z2)
    onehot[np.arange(Z2.shape[0]), Z2.argmax(axis=1)] = 1.0
    return onehot


def shift_backward(dcounts: np.ndarray, counts: np.ndarray, Z2: np.ndarray) -> tuple:
    """(dshifted (N, C), drow_max (N, 1), dZ2 (N, C)) of counts = exp(shifted),
    shifted = Z2 - row_max, row_max = the max of each row of Z2."""
    dshifted = counts * dcounts
    drow_max = -dshifted.sum(axis=1, keepdims=True)
    return dshifted, drow_max, dshifted + _argmax_onehot(Z2) * drow_max


def bn_affine_backward(dA1: np.ndarray, A1: np.ndarray, Zhat: np.ndarray,
                       gamma: np.ndarray) -> tuple:
    """(dZn (N, H), dgamma (H,), dbeta (H,), dZhat (N, H)) of A1 = tanh(Zn),
    Zn = gamma * Zhat + beta (gamma and beta broadcast over the batch)."""
    dZn = (1.0 - A1 ** 2) * dA1
    return dZn, (Zhat * dZn).sum(axis=0), dZn.sum(axis=0), gamma * dZn


def bn_variance_backward(dZhat: np.ndarray, Zc: np.ndarray, var: np.ndarray) -> tuple:
    """(dinv_std (1, H), dvar (1, H), dZc2 (N, H)) along the variance's path:
    Zhat = Zc * inv_std, inv_std = (var + EPS) ** -0.5, var = Zc2 summed over the batch / N."""
    N = Zc.shape[0]
    dinv_std = (Zc * dZhat).sum(axis=0, keepdims=True)
    dvar = -0.5 * (var + EPS) ** -1.5 * dinv_std
    return dinv_std, dvar, np.ones_like(Zc) * dvar / N


def bn_mean_backward(dZhat: np.ndarray, dZc2: np.ndarray, Zc: np.ndarray,
                     inv_std: np.ndarray) -> tuple:
    """(dZc (N, H), dmean (1, H), dZ1 (N, H)): Zc reaches the loss through Zhat and through
    Zc2 = Zc ** 2; Zc = Z1 - mean, mean = Z1 summed over the batch / N."""
    N = Zc.shape[0]
    dZc = dZhat * inv_std + 2.0 * Zc * dZc2
    dmean = -dZc.sum(axis=0, keepdims=True)
    return dZc, dmean, dZc + np.ones_like(Zc) * dmean / N


def _backward(params: dict, c: dict, parts: dict | None = None) -> dict:
    """Every parameter's gradient from the cache, chaining the parts (``parts`` swaps some)."""
    f = {"loss": loss_backward, "normalize": normalize_backward, "shift": shift_backward,
         "affine": bn_affine_backward, "variance": bn_variance_backward,
         "mean": bn_mean_backward, **(parts or {})}
    _, dprobs = f["loss"](c["probs"], c["y"])
    _, _, dcounts = f["normalize"](dprobs, c["counts"], c["counts_sum_inv"])
    _, _, dZ2 = f["shift"](dcounts, c["counts"], c["Z2"])
    dA1, dW2, db2 = linear_backward(dZ2, c["A1"], params["W2"])
    _, dgamma, dbeta, dZhat = f["affine"](dA1, c["A1"], c["Zhat"], params["gamma"])
    _, _, dZc2 = f["variance"](dZhat, c["Zc"], c["var"])
    _, _, dZ1 = f["mean"](dZhat, dZc2, c["Zc"], c["inv_std"])
    _, dW1, db1 = linear_backward(dZ1, c["X"], params["W1"])
    return {"W1": dW1, "b1": db1, "gamma": dgamma, "beta": dbeta, "W2": dW2, "b2": db2}


def gradients(params: dict, X: np.ndarray, y: np.ndarray) -> dict:
    """{name: gradient} for every parameter (same shapes as ``params``), op by op."""
    _, cache = forward(params, X, y)
    return _backward(params, cache)


def predict(params: dict, X_train: np.ndarray, X: np.ndarray) -> np.ndarray:
    """(Given in the notebook.) Digits (N,) for X (N, D); batch norm uses the statistics of
    the whole training set (the batch of one test image has none of its own)."""
    Z_train = X_train @ params["W1"] + params["b1"]
    mean, var = Z_train.mean(axis=0), Z_train.var(axis=0)
    Zhat = (X @ params["W1"] + params["b1"] - mean) / np.sqrt(var + EPS)
    A1 = np.tanh(params["gamma"] * Zhat + params["beta"])
    return (A1 @ params["W2"] + params["b2"]).argmax(axis=1)


_DEV: tuple | None = None


def _development_set() -> tuple[np.ndarray, np.ndarray]:
    global _DEV
    if _DEV is None:
        _DEV = load_digits_development()
    return _DEV


def train_and_predict(train_rows: np.ndarray, val_rows: np.ndarray) -> np.ndarray:
    """Train a fresh network (64-64-10, batch norm, tanh) on the development digits
    ``train_rows`` with SGD on ``gradients`` only; its digits (len(val_rows),) for
    ``val_rows``. About a second here."""
    X_dev, y_dev = _development_set()
    X_train, y_train = X_dev[train_rows], y_dev[train_rows]
    rng = np.random.default_rng(0)
    params = init_params(64, 64, 10, rng)
    lr, batch_size = 0.2, 32
    for epoch in range(30):
        if epoch == 20:
            lr = 0.05
        order = rng.permutation(len(y_train))
        for start in range(0, len(order) - batch_size + 1, batch_size):
            rows = order[start:start + batch_size]
            grads = gradients(params, X_train[rows], y_train[rows])
            for name in params:
                params[name] -= lr * grads[name]
    return predict(params, X_train, X_dev[val_rows])


# ---- cases ---------------------------------------------------------------------------------
def _random_params(rng, D, H, C) -> dict:
    """Parameters a trained network could have: gamma away from 1, beta and biases non-zero."""
    return {"W1": rng.normal(size=(D, H)) / np.sqrt(D), "b1": rng.normal(size=H) * 0.1,
            "gamma": 1.0 + 0.5 * rng.normal(size=H), "beta": 0.3 * rng.normal(size=H),
            "W2": rng.normal(size=(H, C)) / np.sqrt(H), "b2": 0.1 * rng.normal(size=C)}


def _chain(rng, N, D, H, C) -> tuple[dict, dict]:
    """(params, cache) of one forward pass on a random batch."""
    params = _random_params(rng, D, H, C)
    X = rng.normal(size=(N, D)) * 1.5 + 0.5
    y = rng.integers(0, C, N)
    return params, forward(params, X, y)[1]


def _note(N, D, H, C) -> str:
    return f"N={N}, D={D}, H={H}, C={C}"


PUBLIC_SIZES = ((6, 5, 4, 3), (9, 3, 7, 5))


def _loss_cases(rng, sizes=PUBLIC_SIZES):
    cases = []
    for N, D, H, C in sizes:
        _, c = _chain(rng, N, D, H, C)
        cases.append(Case((c["probs"], c["y"]), note=_note(N, D, H, C)))
    return cases


def _normalize_cases(rng, sizes=PUBLIC_SIZES):
    cases = []
    for N, D, H, C in sizes:
        _, c = _chain(rng, N, D, H, C)
        dprobs = rng.normal(size=(N, C))
        cases.append(Case((dprobs, c["counts"], c["counts_sum_inv"]),
                          note=_note(N, D, H, C) + ", random dprobs"))
    return cases


def _shift_cases(rng, sizes=PUBLIC_SIZES):
    cases = []
    for N, D, H, C in sizes:
        _, c = _chain(rng, N, D, H, C)
        dcounts = rng.normal(size=(N, C))
        cases.append(Case((dcounts, c["counts"], c["Z2"]),
                          note=_note(N, D, H, C) + ", random dcounts"))
    return cases


def _affine_cases(rng, sizes=PUBLIC_SIZES):
    cases = []
    for N, D, H, C in sizes:
        params, c = _chain(rng, N, D, H, C)
        dA1 = rng.normal(size=(N, H))
        cases.append(Case((dA1, c["A1"], c["Zhat"], params["gamma"]),
                          note=_note(N, D, H, C) + ", random dA1"))
    return cases


def _variance_cases(rng, sizes=PUBLIC_SIZES):
    cases = []
    for N, D, H, C in sizes:
        _, c = _chain(rng, N, D, H, C)
        dZhat = rng.normal(size=(N, H))
        cases.append(Case((dZhat, c["Zc"], c["var"]), note=_note(N, D, H, C) + ", random dZhat"))
    return cases


def _mean_cases(rng, sizes=PUBLIC_SIZES):
    cases = []
    for N, D, H, C in sizes:
        _, c = _chain(rng, N, D, H, C)
        dZhat, dZc2 = rng.normal(size=(N, H)), rng.normal(size=(N, H))
        cases.append(Case((dZhat, dZc2, c["Zc"], c["inv_std"]),
                          note=_note(N, D, H, C) + ", random dZhat and dZc2"))
    return cases


def _gradient_cases(rng, sizes=PUBLIC_SIZES):
    cases = []
    for N, D, H, C in sizes:
        params, c = _chain(rng, N, D, H, C)
        cases.append(Case((params, c["X"], c["y"]), note=_note(N, D, H, C)))
    return cases


def _sizes(rng):
    """Hidden: two batches of N in [6, 16) with D, H, C all different, in [2, 10)."""
    return tuple((int(rng.integers(10, 16)), *distinct(rng, 3, 2, 10)) for _ in range(2))


def split_rows(rng: np.random.Generator, n: int = 1438, num_val: int = NUM_VAL) -> tuple:
    """(train_rows, val_rows): a random split of the n development digits."""
    order = rng.permutation(n)
    return order[num_val:], order[:num_val]


def _labeled(train_rows, val_rows, what):
    y_val = _development_set()[1][val_rows]
    return LabeledCase((train_rows, val_rows), y=y_val, target=TARGET_ACCURACY,
                       note=f"{what}: {len(train_rows)} training and {len(val_rows)} validation "
                       "digits of the development set")


def _public_split(rng):
    """The notebook's split (seed SPLIT_SEED), whatever rng the caller passes."""
    return [_labeled(*split_rows(np.random.default_rng(SPLIT_SEED)), "your split")]


def _hidden_split(rng):
    return [_labeled(*split_rows(rng), "another split")]


# ---- the usual mistakes ----------------------------------------------------------------------
def _loss_bug(scale=1.0, local="divide"):
    def wrong(probs, y):
        dlogprobs, _ = loss_backward(probs, y)
        dlogprobs = dlogprobs * (scale(probs) if callable(scale) else scale)
        return dlogprobs, (dlogprobs / probs if local == "divide" else dlogprobs * probs)
    return wrong


def _normalize_no_sum(dprobs, counts, counts_sum_inv):
    dcounts_sum_inv = counts * dprobs
    dcounts_sum = -counts_sum_inv ** 2 * dcounts_sum_inv
    return dcounts_sum_inv, dcounts_sum, counts_sum_inv * dprobs + dcounts_sum


def _normalize_axis0(dprobs, counts, counts_sum_inv):
    dcounts_sum_inv = (counts * dprobs).sum(axis=0, keepdims=True)
    dcounts_sum = -counts_sum_inv ** 2 * dcounts_sum_inv
    return dcounts_sum_inv, dcounts_sum, counts_sum_inv * dprobs + dcounts_sum


def _normalize_one_path(dprobs, counts, counts_sum_inv):
    dcounts_sum_inv, dcounts_sum, _ = normalize_backward(dprobs, counts, counts_sum_inv)
    return dcounts_sum_inv, dcounts_sum, counts_sum_inv * dprobs


def _shift_no_max(dcounts, counts, Z2):
    dshifted, drow_max, _ = shift_backward(dcounts, counts, Z2)
    return dshifted, drow_max, dshifted


def _shift_max_everywhere(dcounts, counts, Z2):
    dshifted, drow_max, _ = shift_backward(dcounts, counts, Z2)
    return dshifted, drow_max, dshifted + drow_max


def _shift_exp_of_input(dcounts, counts, Z2):
    dshifted = np.log(counts) * dcounts
    drow_max = -dshifted.sum(axis=1, keepdims=True)
    return dshifted, drow_max, dshifted + _argmax_onehot(Z2) * drow_max


def _affine_bug(kind):
    def wrong(dA1, A1, Zhat, gamma):
        dZn, dgamma, dbeta, dZhat = bn_affine_backward(dA1, A1, Zhat, gamma)
        if kind == "tanh twice":
            dZn = (1.0 - np.tanh(A1) ** 2) * dA1
            return dZn, (Zhat * dZn).sum(axis=0), dZn.sum(axis=0), gamma * dZn
        if kind == "no sum":
            return dZn, Zhat * dZn, dZn, dZhat
        if kind == "axis":
            return dZn, (Zhat * dZn).sum(axis=1), dZn.sum(axis=1), dZhat
        if kind == "no gamma":
            return dZn, dgamma, dbeta, dZn
        return dZn, (A1 * dZn).sum(axis=0), dbeta, dZhat          # weighted by A1
    return wrong


def _variance_bug(kind):
    def wrong(dZhat, Zc, var):
        N = Zc.shape[0]
        dinv_std, dvar, dZc2 = bn_variance_backward(dZhat, Zc, var)
        if kind == "no sum":
            dinv_std = Zc * dZhat
            dvar = -0.5 * (var + EPS) ** -1.5 * dinv_std
            return dinv_std, dvar, dvar / N
        if kind == "bessel":
            return dinv_std, dvar, np.ones_like(Zc) * dvar / (N - 1)
        if kind == "no 1/N":
            return dinv_std, dvar, np.ones_like(Zc) * dvar
        dvar = -0.5 * (var + EPS) ** -0.5 * dinv_std                 # exponent not lowered
        return dinv_std, dvar, np.ones_like(Zc) * dvar / N
    return wrong


def _mean_bug(kind):
    def wrong(dZhat, dZc2, Zc, inv_std):
        N = Zc.shape[0]
        dZc, dmean, dZ1 = bn_mean_backward(dZhat, dZc2, Zc, inv_std)
        if kind == "one path":
            dZc = dZhat * inv_std
            dmean = -dZc.sum(axis=0, keepdims=True)
            return dZc, dmean, dZc + dmean / N
        if kind == "no sum":
            return dZc, -dZc, dZc - dZc / N
        if kind == "no 1/N":
            return dZc, dmean, dZc + dmean
        if kind == "no mean path":
            return dZc, dmean, dZc
        dZc = dZhat * inv_std + Zc * dZc2                           # the square's 2 dropped
        dmean = -dZc.sum(axis=0, keepdims=True)
        return dZc, dmean, dZc + dmean / N
    return wrong


def _gradients_with(**parts):
    def wrong(params, X, y):
        return _backward(params, forward(params, X, y)[1], parts)
    return wrong


_ONE_PATH = "Zc reaches the loss along two paths (through Zhat and through Zc2): add both"
_BESSEL = ("divided by N - 1: the forward pass's variance divides by N (no Bessel "
           "correction), so its backward pass must too")

BUGS = {
    "ex12.loss_backward": [
        Bug("dlogprobs is N times too large: the loss is the mean over the batch",
            _loss_bug(scale=lambda p: p.shape[0]), key="missing 1/N"),
        Bug("averaged over all N x C entries: the loss averages over the N examples only",
            _loss_bug(scale=lambda p: 1.0 / p.shape[1]), key="extra 1/N"),
        Bug("the gradient has the wrong sign: the loss is minus the mean log-probability",
            _loss_bug(scale=-1.0), key="sign"),
        Bug("dprobs: multiplied by probs where the log's local derivative belongs",
            _loss_bug(local="multiply"), key="power")],
    "ex12.normalize_backward": [
        Bug("counts_sum_inv was broadcast across the C columns of its row: its gradient must "
            "collect (sum) what came from all of them", _normalize_no_sum, key="broadcast"),
        Bug("summed over the batch axis: counts_sum_inv has one entry per row, so collect "
            "over the columns of each row", _normalize_axis0, key="axis"),
        Bug("dcounts has only the direct path: counts also reaches the loss through "
            "counts_sum", _normalize_one_path, key="branch")],
    "ex12.shift_backward": [
        Bug("dZ2 is missing the path through the row max: the max of a row depends on the "
            "entry that is largest", _shift_no_max, key="branch"),
        Bug("drow_max went to every column: the max depends only on the largest entry of "
            "each row", _shift_max_everywhere, key="broadcast"),
        Bug("the local derivative of exp was taken at its input (shifted); it is exp's "
            "output", _shift_exp_of_input, key="input for output")],
    "ex12.bn_affine_backward": [
        Bug("tanh was applied again to A1: A1 is already tanh's output",
            _affine_bug("tanh twice"), key="input for output"),
        Bug("gamma and beta are shared by every row of the batch: their gradients collect "
            "(sum) over the rows", _affine_bug("no sum"), key="broadcast"),
        Bug("summed over the wrong axis: gamma and beta have one entry per hidden unit",
            _affine_bug("axis"), key="bias axis"),
        Bug("dZhat is missing gamma: gamma scales Zhat on the way forward",
            _affine_bug("no gamma"), key="factor"),
        Bug("dgamma must be weighted by Zhat, the value gamma multiplies",
            _affine_bug("A1"), key="xhat")],
    "ex12.bn_variance_backward": [
        Bug("dinv_std was not collected over the batch: inv_std has one entry per hidden "
            "unit and is broadcast over the rows", _variance_bug("no sum"), key="broadcast"),
        Bug(_BESSEL, _variance_bug("bessel"), key="factor"),
        Bug("dZc2 is N times too large: the variance is a mean over the batch",
            _variance_bug("no 1/N"), key="missing 1/N"),
        Bug("the power rule was applied with the exponent unchanged: it lowers the exponent "
            "by one", _variance_bug("power"), key="power")],
    "ex12.bn_mean_backward": [
        Bug(_ONE_PATH, _mean_bug("one path"), key="branch"),
        Bug("dmean was not collected over the batch: mean has one entry per hidden unit and "
            "is broadcast over the rows", _mean_bug("no sum"), key="broadcast"),
        Bug("dZ1's mean term is N times too large: the mean divides by N",
            _mean_bug("no 1/N"), key="missing 1/N"),
        Bug("the mean depends on Z1 too: dZ1 needs the path through the mean",
            _mean_bug("no mean path"), key="constant stats"),
        Bug("the path through Zc2 lost the square's factor 2", _mean_bug("square"),
            key="power")],
    "ex12.gradients": [
        Bug(_ONE_PATH, _gradients_with(mean=_mean_bug("one path")), key="branch"),
        Bug("the batch statistics were treated as constants: the mean depends on Z1 too",
            _gradients_with(mean=_mean_bug("no mean path")), key="constant stats"),
        Bug(_BESSEL, _gradients_with(variance=_variance_bug("bessel")), key="factor"),
        Bug("counts reaches the loss through counts_sum too: that path is missing",
            _gradients_with(normalize=_normalize_one_path), key="branch")],
}


def _part(pid, points, ref, cases, names, description, skill="derive"):
    return Part(f"ex12.{pid}", pid, points, ref, hidden(cases, _sizes),
                compare=make_compare(names=names, bugs=BUGS[f"ex12.{pid}"]),
                description=description, public_cases=cases, skill=skill)


PARTS = [
    _part("loss_backward", 2, loss_backward, _loss_cases, ("dlogprobs", "dprobs"),
          "through the mean of the picked log-probabilities, then the log"),
    _part("normalize_backward", 3, normalize_backward, _normalize_cases,
          ("dcounts_sum_inv", "dcounts_sum", "dcounts"),
          "through the normalisation of counts: two paths and a broadcast"),
    _part("shift_backward", 2, shift_backward, _shift_cases, ("dshifted", "drow_max", "dZ2"),
          "through exp and the shift by the row max"),
    _part("bn_affine_backward", 2, bn_affine_backward, _affine_cases,
          ("dZn", "dgamma", "dbeta", "dZhat"), "through tanh and batch norm's scale and shift"),
    _part("bn_variance_backward", 3, bn_variance_backward, _variance_cases,
          ("dinv_std", "dvar", "dZc2"), "along the variance's path of batch norm"),
    _part("bn_mean_backward", 3, bn_mean_backward, _mean_cases, ("dZc", "dmean", "dZ1"),
          "through the centring by the batch mean: both paths of Zc"),
    # Chaining the learner's own parts with the given linear_backward: plumbing, not a
    # derivation (nothing new is differentiated), so "transcribe".
    _part("gradients", 2, gradients, _gradient_cases, None,
          "the whole backward pass, op by op", skill="transcribe"),
    # A training loop as lesson 05 prints it, fed with the learner's gradients.
    Part("ex12.train_and_predict", "train_and_predict", 3, train_and_predict, _hidden_split,
         compare=accuracy_target, public_cases=_public_split, skill="transcribe",
         description=f"trained with your gradients only: accuracy >= {TARGET_ACCURACY}"),
]
