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

from ...judge import accuracy_target, make_compare
from ...spec import Case, LabeledCase, Part
from .._draw import distinct, hidden
from .bugs import BUGS
from .network import (
    EPS,
    NUM_VAL,
    PARAM_NAMES,
    SPLIT_SEED,
    TARGET_ACCURACY,
    _development_set,
    bn_affine_backward,
    bn_mean_backward,
    bn_variance_backward,
    forward,
    gradients,
    init_params,
    linear_backward,
    loss_backward,
    normalize_backward,
    predict,
    shift_backward,
    split_rows,
    train_and_predict,
)

__all__ = ["EPS", "NUM_VAL", "PARAM_NAMES", "PARTS", "SPLIT_SEED", "TARGET_ACCURACY",
           "bn_affine_backward", "bn_mean_backward", "bn_variance_backward", "forward",
           "gradients", "init_params", "linear_backward", "loss_backward",
           "normalize_backward", "predict", "shift_backward", "split_rows",
           "train_and_predict"]

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


def _cases(args, upstream: str = "", what: str = ""):
    """A case generator of one op-by-op part: on each size's chain, ``upstream`` random
    gradients of shapes (N, H) or (N, C) (one letter each), and the part's arguments
    ``args(params, chain, *gradients)``."""
    def cases(rng, sizes=PUBLIC_SIZES):
        out = []
        for N, D, H, C in sizes:
            params, c = _chain(rng, N, D, H, C)
            width = {"H": H, "C": C}
            gradients_in = [rng.normal(size=(N, width[w])) for w in upstream]
            out.append(Case(args(params, c, *gradients_in), note=_note(N, D, H, C) + what))
        return out
    return cases


_loss_cases = _cases(lambda p, c: (c["probs"], c["y"]))
_normalize_cases = _cases(lambda p, c, g: (g, c["counts"], c["counts_sum_inv"]), "C",
                          ", random dprobs")
_shift_cases = _cases(lambda p, c, g: (g, c["counts"], c["Z2"]), "C", ", random dcounts")
_affine_cases = _cases(lambda p, c, g: (g, c["A1"], c["Zhat"], p["gamma"]), "H",
                       ", random dA1")
_variance_cases = _cases(lambda p, c, g: (g, c["Zc"], c["var"]), "H", ", random dZhat")
_mean_cases = _cases(lambda p, c, g, q: (g, q, c["Zc"], c["inv_std"]), "HH",
                     ", random dZhat and dZc2")
_gradient_cases = _cases(lambda p, c: (p, c["X"], c["y"]))


def _sizes(rng):
    """Hidden: two batches of N in [6, 16) with D, H, C all different, in [2, 10)."""
    return tuple((int(rng.integers(10, 16)), *distinct(rng, 3, 2, 10)) for _ in range(2))




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
