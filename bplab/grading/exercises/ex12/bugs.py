"""Exercise 12's bug models: the usual mistakes of each op-by-op part, as functions whose
outputs the feedback recognises and names."""

from __future__ import annotations

import numpy as np

from ...spec import Bug
from .network import (
    EPS,
    _argmax_onehot,
    _backward,
    bn_affine_backward,
    bn_mean_backward,
    bn_variance_backward,
    forward,
    loss_backward,
    normalize_backward,
    shift_backward,
)


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
        dinv_std, dvar, _dZc2 = bn_variance_backward(dZhat, Zc, var)
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
        dZc, dmean, _dZ1 = bn_mean_backward(dZhat, dZc2, Zc, inv_std)
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
