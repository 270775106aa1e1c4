"""Exercise 8, handwritten digits: the graded parts.

The 1797 digits are split once, stratified, with seed ``SPLIT_SEED``: 80 % form the
development set the notebook loads with ``bp.data.load_digits_development()`` (it splits
that again into train and validation parts, ``VAL_SPLIT``); the other 20 % (359 images) are
held out; the grader redraws them with a little noise and its secret seed
(``unseen_variant``), since scikit-learn ships the originals. The public check of ``predict`` (``public_cases``) scores it on the notebook's own
validation split only, so running the check again and again tunes nothing on the held-out
images; the hidden cases hand the held-out images to ``predict``, and that score is the
grader's alone.
"""

from __future__ import annotations

import numpy as np

from ...data import load_digits, train_test_split
from ...nn import MLP
from ...optim import SGD, Adam
from ...train import fit
from ..feedback import Diagnosis
from ..judge import accuracy_target, make_compare
from ..spec import Bug, Case, LabeledCase, Part
from ._draw import distinct, hidden

__all__ = ["NUM_CLASSES", "PARTS", "SPLIT_SEED", "TARGET_ACCURACY", "classmate_run",
           "confusion_matrix", "dead_fraction", "load_development_set", "per_class_accuracy"]

SPLIT_SEED = 8
VAL_SPLIT = {"test_size": 0.2, "rng": 0}   # the notebook's train/validation split of dev
TARGET_ACCURACY = 0.95
NUM_CLASSES = 10
HELD_NOISE = 0.05   # the held-out images' pixel noise (pixels in [0, 1])


def _split():
    X, y = load_digits()
    return train_test_split(X, y, test_size=0.2, rng=SPLIT_SEED)


def load_development_set() -> tuple[np.ndarray, np.ndarray]:
    """The 80 % of the digits a learner may use: X (1438, 64) in [0, 1], y (1438,)."""
    X_dev, _, y_dev, _ = _split()
    return X_dev, y_dev


# ---- references --------------------------------------------------------------------------
def confusion_matrix(y_true: np.ndarray, y_pred: np.ndarray, num_classes: int) -> np.ndarray:
    """cm (C, C) of ints: cm[i, j] = how many examples of class i were predicted as j."""
    cm = np.zeros((num_classes, num_classes), dtype=np.int64)
    np.add.at(cm, (y_true, y_pred), 1)
    return cm


def per_class_accuracy(cm: np.ndarray) -> np.ndarray:
    """(C,) fraction of each true class predicted right: diagonal / row sums."""
    return np.diag(cm) / cm.sum(axis=1)


def dead_fraction(A: np.ndarray) -> float:
    """The fraction of the H units of ReLU outputs A (N, H) that are 0 on every example."""
    return float(np.mean(np.all(A <= 0, axis=0)))


_REFERENCE_NET = None


def _trained_predict(X: np.ndarray) -> np.ndarray:
    """The reference MLP, trained on the development set only, predicting digits (N,)."""
    global _REFERENCE_NET
    if _REFERENCE_NET is None:
        X_dev, y_dev = load_development_set()
        _REFERENCE_NET = MLP([64, 64, 10], activation="relu", init="he", rng=0)
        fit(_REFERENCE_NET, X_dev, y_dev, optimizer=Adam(lr=1e-2), epochs=20, batch_size=32,
            rng=0)
    return _REFERENCE_NET.predict(X)


# ---- cases -------------------------------------------------------------------------------
def _confusion_cases(rng, sizes=((30, 4), (50, 10))):
    cases = []
    for N, C in sizes:
        y_true = rng.integers(0, C, N)
        y_pred = np.where(rng.random(N) < 0.6, y_true, rng.integers(0, C, N))
        cases.append(Case((y_true, y_pred, C), note=f"{N} labels, {C} classes"))
    return cases


def _per_class_cases(rng, sizes=(3, 5)):
    cms = []
    for C in sizes:
        cm = rng.integers(0, 6, (C, C))
        cm[np.diag_indices(C)] += 10
        cms.append(Case((cm,), note=f"a {C} x {C} confusion matrix (rows: true class)"))
    return cms


def _relu_cases(rng, sizes=((40, 12), (25, 30))):
    """ReLU outputs (N, H) with some dead units, some units alive on one example only, and
    scattered zeros everywhere (a unit that is 0 on most examples is still alive)."""
    cases = []
    for N, H in sizes:
        A = np.maximum(rng.normal(size=(N, H)), 0.0)
        A[rng.random((N, H)) < 0.3] = 0.0
        dead = rng.choice(H, size=max(1, H // 4), replace=False)
        A[:, dead] = 0.0
        alive = np.setdiff1d(np.arange(H), dead)
        once = rng.choice(alive, size=min(2, len(alive)), replace=False)
        A[:, once] = 0.0
        A[rng.integers(0, N, len(once)), once] = rng.uniform(0.1, 2.0, len(once))
        cases.append(Case((A,), note=f"ReLU outputs of {N} examples, {H} units"))
    return cases


def _relu_sizes(rng):
    """Hidden: two (N examples, H units), drawn."""
    return tuple(zip((int(n) for n in rng.integers(10, 60, 2)), distinct(rng, 2, 8, 40)))


def _confusion_sizes(rng):
    """Hidden: two (N labels, C classes), drawn."""
    return tuple(zip((int(n) for n in rng.integers(20, 80, 2)), distinct(rng, 2, 3, 11)))


def _classes(rng):
    return distinct(rng, 2, 2, 10)


def _validation_cases(rng):
    """Public: the notebook's own validation split of the development set, with labels."""
    X_dev, y_dev = load_development_set()
    _, X_val, _, y_val = train_test_split(X_dev, y_dev, **VAL_SPLIT)
    return [LabeledCase((X_val,), note=f"your {len(y_val)} validation digits; the held-out "
                        "score is the grader's", y=y_val, target=TARGET_ACCURACY)]


def unseen_variant(X: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """X (N, 64) in [0, 1] redrawn as images no file holds: each image's contrast scaled by
    U(0.9, 1.1) and every pixel nudged by N(0, HELD_NOISE**2), clipped to [0, 1]. The noise
    is larger than half of scikit-learn's pixel step (1/32), so rounding back to its 17 levels
    recovers no image, while a model's accuracy stays where it was (tests/grading)."""
    contrast = rng.uniform(0.9, 1.1, (len(X), 1))
    return np.clip(X * contrast + rng.normal(0.0, HELD_NOISE, X.shape), 0.0, 1.0)


def _heldout_cases(rng):
    """The held-out digits, redrawn with the grader's secret rng: scikit-learn ships the
    originals, so a table of them (image -> label) built at home must find nothing."""
    _, X_held, _, y_held = _split()
    order = rng.permutation(len(y_held))
    return [LabeledCase((unseen_variant(X_held[order], rng),), y=y_held[order],
                        note=f"the {len(y_held)} held-out digits, each redrawn with a little "
                        "noise", target=TARGET_ACCURACY)]


BUGS = {
    "ex08.confusion_matrix": [
        Bug("rows and columns are swapped: rows are the true classes",
            lambda y_true, y_pred, C: confusion_matrix(y_pred, y_true, C), key="transposed")],
    "ex08.per_class_accuracy": [
        Bug("divided by the column sums (predictions), not by the examples of each true class",
            lambda cm: np.diag(cm) / cm.sum(axis=0), key="axis")],
    "ex08.dead_fraction": [
        Bug("counted zero entries, not units: a unit is dead only if it is 0 on every example",
            lambda A: float(np.mean(A <= 0)), key="entries"),
        Bug("counted units that are 0 on some example: a dead unit is 0 on every one",
            lambda A: float(np.mean(np.any(A <= 0, axis=0))), key="any"),
        Bug("looked along the wrong axis: units are columns, examples are rows",
            lambda A: float(np.mean(np.all(A <= 0, axis=1))), key="axis"),
        Bug("returned a count of dead units, not a fraction",
            lambda A: float(np.sum(np.all(A <= 0, axis=0))), key="count")],
}

# ---- the diagnosis: a classmate's run, its diagnostics printed as numbers in the notebook --
CLASSMATE_OPTIONS = {
    "a": "the learning rate is far too small",
    "b": "the learning rate is far too large",
    "c": "most ReLU units are dead",
    "d": "the labels no longer match the images",
}
CLASSMATE_ANSWER = "d"
CLASSMATE_SIZES, CLASSMATE_EPOCHS, CLASSMATE_LR = [64, 64, 64, 10], 10, 0.05


def classmate_run() -> dict:
    """The classmate's run on the notebook's train/validation split: a ReLU MLP trained by
    SGD, whose labels were shuffled apart from the images (``y_train`` permuted alone).

    Returns the diagnostics lesson 08 teaches, rounded as the notebook prints them:
    "train_loss" (epochs,) the mean training loss of each epoch, "val_accuracy" (epochs,),
    "update_ratio" (L,) each Linear layer's median ||dW|| / ||W|| per step in the last epoch,
    "dead_fraction" (2,) each hidden ReLU layer's dead units after training.
    """
    from ...viz.diagnostics import UpdateRatios

    X_train, X_val, y_train, y_val = train_test_split(*load_development_set(), **VAL_SPLIT)
    y_shuffled = np.random.default_rng(7).permutation(y_train)
    net = MLP(CLASSMATE_SIZES, activation="relu", init="he", rng=1)
    ratios = UpdateRatios(net)
    hist = fit(net, X_train, y_shuffled, optimizer=SGD(CLASSMATE_LR), epochs=CLASSMATE_EPOCHS,
               batch_size=32, rng=0, val=(X_val, y_val), callback=ratios)
    per_epoch = len(hist.loss) // CLASSMATE_EPOCHS
    A, dead = X_train, []
    for layer in net.layers[:-1]:
        A = layer.forward(A)
        if type(layer).__name__ == "ReLU":
            dead.append(dead_fraction(A))
    return {
        "train_loss": np.round(np.reshape(hist.loss, (CLASSMATE_EPOCHS, per_epoch)).mean(1), 3),
        "val_accuracy": np.round(np.asarray(hist.val_acc), 3),
        "update_ratio": np.array([float(f"{r:.2g}") for r in
                                  np.median(ratios.ratios[-per_epoch:], axis=0)]),
        "dead_fraction": np.round(dead, 3),
    }


def _compare_classmate(student, reference, case, *, bugs=()) -> Diagnosis:
    answer = str(student).strip().lower().strip("()")
    if answer not in CLASSMATE_OPTIONS:
        return Diagnosis(False, f"expected one letter of {sorted(CLASSMATE_OPTIONS)}, got {student!r}")
    if answer == reference:
        return Diagnosis(True, ("right: steps of a healthy size (update/weight ratios near 1e-3) and "
                      "live units, yet the loss stays near ln 10 and validation near chance: "
                      "nothing in the images predicts the labels it was given"))
    nudges = {"a": "compare the update/weight ratios with lesson 08's guide of 1e-3",
              "b": "compare the update/weight ratios with lesson 08's guide of 1e-3, and "
                   "look for a loss that jumps or explodes",
              "c": "look at the dead fractions: how many units are dead?"}
    return Diagnosis(False, f"not quite: {nudges[answer]}")


PARTS = [
    Part("ex08.confusion_matrix", "confusion_matrix", 2, confusion_matrix,
         hidden(_confusion_cases, _confusion_sizes), public_cases=_confusion_cases,
         compare=make_compare(names=("cm",), bugs=BUGS["ex08.confusion_matrix"]),
         description="confusion matrix: rows are true classes, columns predictions",
         skill="derive"),
    Part("ex08.per_class_accuracy", "per_class_accuracy", 1, per_class_accuracy,
         hidden(_per_class_cases, _classes), public_cases=_per_class_cases,
         compare=make_compare(names=("accuracy",), bugs=BUGS["ex08.per_class_accuracy"]),
         description="accuracy of each true class from the confusion matrix", skill="derive"),
    Part("ex08.dead_fraction", "dead_fraction", 1, dead_fraction,
         hidden(_relu_cases, _relu_sizes), public_cases=_relu_cases, skill="derive",
         compare=make_compare(names=("fraction",), bugs=BUGS["ex08.dead_fraction"]),
         description="the fraction of dead ReLU units in a layer's outputs"),
    Part("ex08.predict", "predict", 3, _trained_predict, _heldout_cases,
         compare=accuracy_target, public_cases=_validation_cases,
         description=f"your MLP on raw pixels: accuracy >= {TARGET_ACCURACY}",
         skill="transcribe"),
    Part("ex08.diagnosis", "diagnosis", 1, CLASSMATE_ANSWER, kind="value",
         compare=_compare_classmate, skill="diagnose",
         description="what went wrong in a classmate's run, read from its diagnostics"),
]
