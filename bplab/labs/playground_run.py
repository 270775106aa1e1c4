"""The playground's run bookkeeping: what a diverged run says, the readout, and resuming.

Before every epoch the playground keeps a copy of the weights (``remember``). A run that
diverges says so with the loss just before it and the learning rate in effect, and the
readout shows the diverged loss instead of the last finite one. Once the learning rate
is lowered, Play or Step rolls the weights back to that copy and goes on (``resume``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

LR_MIN = 1e-4  # the learning-rate slider's lowest value


@dataclass
class Checkpoint:
    """The weights (name -> array, as ``model.params()``) before an epoch, at ``steps``
    steps of the history, trained with learning rate ``lr``."""

    weights: dict
    steps: int
    lr: float


def remember(lab) -> None:
    """Keep the weights before the next epoch, for ``resume``."""
    lab.checkpoint = Checkpoint({k: v.copy() for k, v in lab.model.params().items()},
                                len(lab.history.loss), float(lab.optimizer.lr))


def diverged_message(lab) -> str:
    """What happened when the run diverged, and what the controls can do about it."""
    from ..flow import RECOMMENDED_INIT

    h, lr = lab.history, lab.checkpoint.lr
    grew = (f"grew to {h.diverged_loss:.3g}" if np.isfinite(h.diverged_loss)
            else "became non-finite")
    before = f", from {h.loss[-1]:.3g} the step before" if h.loss else ""
    text = f"Training diverged at step {h.diverged_at} (lr={lr:.1e}): the loss {grew}{before}."
    best = RECOMMENDED_INIT.get(lab.activation.value)
    if best and lab.init.value != best:
        text += f" For {lab.activation.value}, init='{best}' scales better (a new network)."
    lower = max(lr / 10, LR_MIN)
    return text + (f" Lower the learning rate (e.g. to {lower:.1e}), then Play or Step goes "
                   f"on from the weights of step {lab.checkpoint.steps}, before it diverged; "
                   "Reset starts a fresh network.")


def resume(lab) -> str:
    """Roll a diverged run back to its checkpoint once the lr is lower; "" when it did,
    else what to do (the lr is still the one it diverged at)."""
    h, good = lab.history, lab.checkpoint
    if lab.optimizer.lr >= good.lr:
        return (f"This run diverged at lr={good.lr:.1e}. Lower the learning rate, then Play "
                f"or Step goes on from the weights of step {good.steps}, before it diverged. "
                "Press Reset for a fresh network.")
    for name, value in lab.model.params().items():
        value[...] = good.weights[name]
    del h.loss[good.steps:], h.grad_norms[good.steps:]
    h.diverged_at = h.diverged_loss = None
    h.message = ""
    lab._new_optimizer()  # fresh state: Adam's moments blew up along with the weights
    lab.message = (f"Resumed at lr={lab.optimizer.lr:.1e} from the weights of step "
                   f"{good.steps}, before the run diverged at lr={good.lr:.1e}.")
    return ""


def readout_html(lab) -> str:
    """The status line: network, epoch and step, and the losses of the current weights."""
    from ..metrics import evaluate

    h = lab.history
    network = (f"network {lab.model.sizes}, inputs {', '.join(lab.feature_names)}, "
               f"{lab.activation.value}, {lab.init.value} init, "
               f"{lab.optimizer_name.value} lr={lab.lr.value:.1e}, L2={lab.l2.value:g}")
    parts = [network, f"epoch {h.epochs}, step {len(h.loss)}"]
    if h.diverged_at is not None:
        parts.append(f"<b>diverged at step {h.diverged_at}</b>: train loss "
                     f"{h.diverged_loss:.3g}")
        with np.errstate(all="ignore"):
            test_loss, test_acc = evaluate(lab.model, lab.Xf_test, lab.y_test, lab.loss_name)
        parts.append(f"test loss now {test_loss:.3g}")
        if not lab.regression:
            parts.append(f"test acc now {test_acc:.2f}")
        return " &nbsp;|&nbsp; ".join(parts)
    if h.loss:
        parts.append(f"train loss {h.loss[-1]:.3f}")
    if h.val_loss:
        parts.append(f"test loss {h.val_loss[-1]:.3f}")
    if h.val_acc:
        parts.append(f"test acc {h.val_acc[-1]:.2f}")
    return " &nbsp;|&nbsp; ".join(parts)
