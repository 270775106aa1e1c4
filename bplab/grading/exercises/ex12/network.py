"""Exercise 12's network as elementary operations, and the key's answers: the forward pass
(the notebook prints the same code), the op-by-op backward references, the whole backward
pass and the training on the development digits.

Letters: N batch, D inputs, H hidden units, C classes. Batch normalisation takes its
statistics over the batch (axis 0), with the biased variance (divide by N, as the forward
pass does in training); gamma and beta have shape (H,), mean, var and inv_std (1, H).
"""

from __future__ import annotations

import numpy as np

from ....data import load_digits_development

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


def split_rows(rng: np.random.Generator, n: int = 1438, num_val: int = NUM_VAL) -> tuple:
    """(train_rows, val_rows): a random split of the n development digits."""
    order = rng.permutation(n)
    return order[num_val:], order[:num_val]
