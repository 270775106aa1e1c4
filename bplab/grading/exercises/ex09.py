"""Exercise 9, concept quiz and the cost of a gradient, counted.

Each question is a value part: the learner sets ``answer_qN = "a"`` (one letter). The
feedback explains the right answer once it is right, and gives a hint otherwise.
``QUESTIONS`` holds the text the notebook shows, so question and grader cannot drift apart.

Two function parts count what a gradient costs (issue 15 §4), deterministically: the
arithmetic of one forward and one backward pass of an MLP with layer sizes ``sizes`` on a
batch of N examples (``pass_costs``), and the forward passes and arithmetic of the same
gradient by central differences (``fd_cost``). The counting rule the notebook states: a
multiply-add of a matrix product is one operation, adding a bias to one entry is one, adding
one entry into a bias gradient's sum is one; the activations and the loss are not counted;
the backward pass of a training step computes every layer's dW and db and the gradient for
the layer below, but nothing below the first layer (no one needs dX).

Letters: N examples; ``sizes`` = [D, H1, ..., C], P parameters.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import pairwise

from ..feedback import Diagnosis
from ..judge import make_compare
from ..spec import Bug, Case, Part
from ._draw import hidden

__all__ = ["PARTS", "QUESTIONS", "Question", "fd_cost", "pass_costs"]


@dataclass(frozen=True)
class Question:
    """A multiple-choice question: text, options a-d, the right letter, why, and a hint."""

    key: str
    text: str
    options: tuple[str, str, str, str]
    answer: str
    why: str
    hint: str


QUESTIONS = [
    Question("q1", "What does the backward pass of a network compute?",
             (("The predictions, by running the layers from the input through to the output "
              "and keeping every intermediate value for later."),
              ("The derivative of the loss with respect to every parameter and intermediate "
              "value."),
              ("New weights, drawn at random whenever the loss stops improving, so that "
              "training can escape a bad region."),
              "The accuracy on the validation set."),
             "b", "The forward pass computes values (and the loss); the backward pass "
             "propagates d𝓛/d(value) from the loss back through every node.",
             "Which pass starts at the loss?"),
    Question("q2", "For 𝓛 = f(g(h(x))), what is d𝓛/dx?",
             ("f'(x) * g'(x) * h'(x)",
              "f'(g(h(x))) + g'(h(x)) + h'(x)",
              "f'(g(h(x))) * g'(h(x)) * h'(x)",
              "h'(g(f(x))) * g'(f(x)) * f'(x)"),
             "c", "Each derivative is taken at its own input (the value the forward pass "
             "computed there), and the local derivatives multiply.",
             "Evaluate every derivative at the value its function received."),
    Question("q3", "A value a is used by two nodes of a graph. Why does backprop ADD (+=) "
             "each node's contribution into a.grad?",
             (("Paths add: by the multivariable chain rule, the total derivative sums the "
              "contributions of every path."),
              ("To make training faster: adding into an existing number is cheaper than "
              "allocating a new one for every node of the graph."),
              ("It is a harmless bug: the second contribution should overwrite the first, "
              "but the two are usually equal anyway."),
              "To average the gradients over the batch."),
             "a", "A change in a reaches the loss along both paths; their effects add up.",
             "Think of 𝓛 = a * a: what is d𝓛/da?"),
    Question("q4", "In a micrograd-style engine whose backward() does NOT reset grads, you "
             "call loss.backward() twice. What happens to the parameters' grads?",
             (("Nothing: backward() recomputes every gradient from the graph, so they are the "
              "same as after one call."),
              "They become zero.",
              "Python raises an error, because the graph has already been used once.",
              "They are wrong: the second pass adds onto what the first left behind."),
             "d", "Grads accumulate with +=. Intermediate nodes keep their old grads too and "
             "pass them on, so the result is exactly 2x only if every parameter feeds the "
             "loss directly (lesson 02 shows 3x, 6x, then 10x). A training loop must zero "
             "them before each backward pass (bp.Value.backward resets them for you).",
             "The _backward closures use +=."),
    Question("q5", "A network has P = 1,000,000 parameters. How many passes through the "
             "network does the full gradient take by central differences, and by backprop?",
             (("About one forward pass either way, since both methods only need the loss at "
              "the current weights."),
              "2,000,000 forward passes vs. one forward and one backward pass.",
              "1,000,000 forward passes either way: every parameter needs a pass of its own.",
              ("As many passes by backprop as by central differences: backprop computes "
              "the same partial derivatives, one parameter at a time, only from the output "
              "backwards.")),
             "b", "Central differences evaluate the loss twice per parameter; backprop "
             "computes each delta once and reuses it for every weight of its layer and for "
             "every layer below, so one backward sweep gives all P derivatives.",
             "How many loss evaluations does one central difference need, and for how many "
             "parameters?"),
    Question("q6", "Which of these IS backpropagation?",
             (("Choosing the initial weights with He initialisation, so that gradients "
              "neither vanish nor explode in a deep network."),
              "Measuring the accuracy on a held-out test set.",
              "Computing every layer's d𝓛/dW with the chain rule, from the output back.",
              ("Choosing the number of layers and units by trying several architectures on "
              "validation data.")),
             "c", "Initialisation, evaluation and architecture design are other steps of "
             "building a network; backprop only computes gradients.",
             "Backprop is an algorithm for one specific quantity."),
    Question("q7", "In a 10-layer sigmoid network, the first layer's gradient norm is 1e-9 "
             "times the last layer's. What is going on, and what helps?",
             (("The gradient vanishes (sigmoid' <= 0.25 per layer, small weights): use ReLU "
              "with He init."),
              ("The learning rate is too large, so the early layers overshoot and their "
              "gradients cancel out; lower the learning rate by 10x."),
              "The network has too few parameters; add layers.",
              ("The data are not shuffled, so consecutive batches pull the first layer in "
              "opposite directions; shuffle them every epoch.")),
             "a", "Backprop multiplies one local derivative per layer; factors below 1 "
             "shrink the gradient geometrically with depth.",
             "What does backprop multiply at every layer on the way back?"),
    Question("q8", "The training loss falls for a few steps, then oscillates, grows and "
             "becomes NaN. What is the most likely cause?",
             (("The learning rate is too small, so the optimiser stalls and round-off makes "
              "the loss drift upwards."),
              "The gradients vanish.",
              ("There are too few epochs for the loss to settle, so it keeps moving around "
              "before it converges."),
              "The learning rate is too large: steps overshoot the minimum."),
             "d", "Too large a step jumps across the valley to a higher point each time; "
             "reduce lr (e.g. by 10x).",
             "Which setting controls the size of each step?"),
    Question("q9", "Where is backpropagation used?",
             (("Only to train small multilayer perceptrons; large networks such as language "
              "models need a different algorithm."),
              ("To train practically every modern neural network, from vision to language "
              "models."),
              ("Only at prediction time, to compute the outputs of a trained network from its "
              "inputs."),
              "Only for linear regression."),
             "b", "Any network whose loss is differentiable is trained with gradients that "
             "backprop computes, from convolutional to transformer networks.",
             "Is it tied to one kind of network?"),
]


def _normalise(answer) -> str:
    return str(answer).strip().lower().rstrip(").").strip("(")


def _make_compare(question: Question):
    def compare(student, reference, case, *, bugs=()) -> Diagnosis:
        given = _normalise(student)
        if given not in ("a", "b", "c", "d"):
            return Diagnosis(False, f"answer with one letter a, b, c or d, got {student!r}")
        if given == reference:
            return Diagnosis(True, f"right. {question.why}")
        return Diagnosis(False, f"not {given}. Hint: {question.hint}")
    return compare


# ---- counting the cost of a gradient (references) -----------------------------------------
def pass_costs(sizes, N: int) -> tuple[int, int]:
    """(forward, backward): the operations of one forward and one backward pass of an MLP
    with layer sizes ``sizes`` [D, H1, ..., C] on N examples (the counting rule: module doc)."""
    layers = list(pairwise(int(s) for s in sizes))
    forward = sum(N * d_in * d_out + N * d_out for d_in, d_out in layers)   # A W, + b
    backward = sum(N * d_in * d_out + N * d_out for d_in, d_out in layers)  # dW, db
    backward += sum(N * d_in * d_out for d_in, d_out in layers[1:])         # dA below
    return int(forward), int(backward)


def _num_params(sizes) -> int:
    return sum(d_in * d_out + d_out for d_in, d_out in pairwise(int(s) for s in sizes))


def fd_cost(sizes, N: int) -> tuple[int, int]:
    """(forward passes, operations) of the full gradient by central differences: two
    forward passes per parameter, each costing what ``pass_costs`` counts forward."""
    passes = 2 * _num_params(sizes)
    return int(passes), int(passes * pass_costs(sizes, N)[0])


# ---- bug models ------------------------------------------------------------------------------
def _no_bias_costs(sizes, N):
    layers = list(pairwise(int(s) for s in sizes))
    products = sum(N * d_in * d_out for d_in, d_out in layers)
    return int(products), int(2 * products - N * layers[0][0] * layers[0][1])


def _backward_as_forward(sizes, N):
    forward, _ = pass_costs(sizes, N)
    return forward, forward


def _with_input_gradient(sizes, N):
    forward, backward = pass_costs(sizes, N)
    return forward, int(backward + N * int(sizes[0]) * int(sizes[1]))


def _one_example(sizes, N):
    return pass_costs(sizes, 1)


def _one_pass_per_parameter(sizes, N):
    P = _num_params(sizes)
    return P, int(P * pass_costs(sizes, N)[0])


def _weights_only(sizes, N):
    weights = sum(d_in * d_out for d_in, d_out in pairwise(int(s) for s in sizes))
    return int(2 * weights), int(2 * weights * _no_bias_costs(sizes, N)[0])


BUGS = {
    "ex09.pass_costs": [
        Bug("the bias additions are missing: forward adds b to every entry of Z, and "
            "backward sums every entry of dZ into db", _no_bias_costs, key="no bias"),
        Bug("backward counted as one forward pass: it does two matrix products per layer "
            "(except the first), not one", _backward_as_forward, key="backward = forward"),
        Bug("backward counts a gradient for the inputs X too: below the first layer there "
            "is nothing to train, so no one needs it", _with_input_gradient, key="dX counted"),
        Bug("counted one example, not the batch: every operation happens once per example",
            _one_example, key="no N")],
    "ex09.fd_cost": [
        Bug("one forward pass per parameter: a central difference evaluates the loss on "
            "both sides of the parameter", _one_pass_per_parameter, key="one pass"),
        Bug("the biases are parameters too: each gets its own central difference",
            _weights_only, key="no bias")],
}


# ---- cases -------------------------------------------------------------------------------------
PUBLIC_NETWORKS = (([64, 256, 128, 10], 32), ([2, 8, 8, 2], 16))


def _cost_cases(rng, networks=PUBLIC_NETWORKS):
    return [Case((list(sizes), N), note=f"MLP {list(sizes)}, batch of {N}")
            for sizes, N in networks]


def _draw_networks(rng):
    """Hidden: three networks of 2 to 4 layers, widths 2 to 300, batches of 1 to 128."""
    return tuple(([int(s) for s in rng.integers(2, 301, int(rng.integers(3, 6)))],
                  int(rng.integers(1, 129))) for _ in range(3))


_COST_CASES = hidden(_cost_cases, _draw_networks)

PARTS = [Part(f"ex09.{q.key}", f"answer_{q.key}", 1, q.answer, kind="value",
              compare=_make_compare(q), description=q.text, skill="recall")
         for q in QUESTIONS] + [
    Part("ex09.pass_costs", "pass_costs", 2, pass_costs, _COST_CASES,
         public_cases=_cost_cases, skill="measure",
         compare=make_compare(names=("forward", "backward"), bugs=BUGS["ex09.pass_costs"]),
         description="count the operations of one forward and one backward pass"),
    Part("ex09.fd_cost", "fd_cost", 1, fd_cost, _COST_CASES, public_cases=_cost_cases,
         skill="measure",
         compare=make_compare(names=("passes", "operations"), bugs=BUGS["ex09.fd_cost"]),
         description="count the forward passes and operations of central differences"),
]
