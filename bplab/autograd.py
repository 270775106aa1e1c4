"""A scalar reverse-mode autograd engine, shaped like micrograd so it can be read line by line.

Every operation builds a new ``Value`` ``out`` and attaches a ``_backward`` closure that
adds ``local derivative * out.grad`` to each input's ``grad``; ``node._backward()`` runs
it. ``backward()`` visits the graph in reverse topological order, so every node's
``grad`` is complete before it is passed on.

One change from micrograd, for speed: the closure captures nothing. It receives ``out``
as an argument (``node._backward()`` passes it) and reads the inputs from it, so its body
is still micrograd's line ``self.grad += other.data * out.grad``::

    def _backward(out):
        self, other = out._a, out._b      # the inputs, read from out
        self.grad += other.data * out.grad
        other.grad += self.data * out.grad

Why: in a learner's kernel (numpy, matplotlib, scikit-learn loaded: ~150,000-300,000
objects) Python's cyclic garbage collector, not the arithmetic, takes ~90 % of a
micrograd-style engine's time: every ~700 new container objects it runs, and now and
then it walks the whole heap. A micrograd node makes about seven such objects (the node,
its ``_prev`` set, the closure, the closure's cell tuple, one cell per captured variable),
and captures ``out`` in ``out``'s own closure, a cycle only that collector can free. Here
a node keeps its inputs in two slots (``_a``, ``_b``; ``Value.dot`` keeps its many in one
tuple) and forms no cycle, so the graph is freed the moment it is dropped; and as the
closure captures nothing, all the nodes of an op share one function object (``_shared``).
That leaves one tracked object per node, the node. ``bench/bench_value.py`` measures it.

Two differences from micrograd, both for learners:

- ``backward()`` resets every ``grad`` in the graph before it starts, so running a cell
  twice gives the same gradients (micrograd issue #53). ``backward(accumulate=True)``
  keeps the old grads, to show why a training loop must reset them.
- the topological sort is iterative, so a chain of 10,000 nodes does not hit Python's
  recursion limit.

Examples
--------
>>> a = Value(2.0, label="a"); b = Value(-3.0, label="b")
>>> c = a * b + a.tanh(); c.backward()
>>> round(a.grad, 6), b.grad
(-2.929349, 2.0)
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from numbers import Real
from types import MethodType

from .backward_fns import backward_fn_from, children_from
from .backward_fns import no_backward as _no_backward
from .backward_fns import shared as _shared
from .layers import sigmoid as stable_sigmoid
from .local_grads import LOCAL_GRAD_FORMULAS, LocalGrads, number_text

__all__ = ["LOCAL_GRAD_FORMULAS", "Value"]

def _as_value(x: Value | float) -> Value:
    """Wrap a plain number as a constant ``Value``; pass a ``Value`` through."""
    if type(x) is Value:  # the common case first: exact type checks are the cheapest
        return x
    if type(x) is float or type(x) is int:
        return Value(float(x))
    if isinstance(x, Value):
        return x
    if isinstance(x, Real):
        return Value(float(x))
    raise TypeError(f"Value: cannot combine a Value with {type(x).__name__} {x!r}; "
                    "expected a Value or a real number")


class Value(LocalGrads):
    """One scalar in a computation graph, with its gradient.

    Parameters
    ----------
    data : float
        The scalar value.
    _children : tuple of Value, optional
        The inputs of the op that made this node (micrograd's second argument).
    _op : str, optional
        That op's name (micrograd's third argument).
    label : str, optional
        A name shown by ``bp.viz.draw_graph``: ``Value(2.0, label="a")``.

    Attributes
    ----------
    data : float
        The value computed by the forward pass.
    grad : float
        dOutput/dself, filled in by ``backward()`` on the output.
    children : tuple of Value
        The inputs of the op that made this node (read-only); ``()`` for a leaf.
    op : str
        That op: ``"+"``, ``"*"``, ``"**2"``, ``"exp"``, ``"log"``, ``"tanh"``,
        ``"sigmoid"``, ``"relu"``, ``"dot"``; ``""`` for a leaf (read-only).

    ``local_grads()`` and ``local_grad_formulas()`` give d self / d child for each child,
    as numbers and as text. The underscored ``_prev``, ``_op`` and ``_backward`` are
    micrograd's names for the same things; they keep working, and micrograd's way of adding
    an op works too: ``out = Value(x, (self, other), "*")``, then
    ``out._backward = _backward`` (a closure of no arguments), which ``backward()`` calls.
    """

    # _a, _b: the first and second input (None when absent); _many: the inputs of a node
    # with more than two (Value.dot), else None. Slots, not a tuple: one object fewer per node.
    # _exponent: k of a ``** k`` node (a number, never parsed back from the op text); unset
    # on every other node, so it costs no time in __init__.
    __slots__ = ("_a", "_b", "_backward_fn", "_exponent", "_many", "_op", "data", "grad",
                 "label")

    def __init__(self, data: float, _children: tuple = (), _op: str = "", label: str = ""):
        if type(_children) is not tuple:  # ops always pass a tuple; check what users pass
            _children = children_from(_children)
        if type(data) is not float:  # ops always pass floats; check what users pass
            if isinstance(data, Value):
                raise TypeError("Value(data): data is already a Value; use it directly")
            if not isinstance(data, Real):
                raise TypeError(f"Value(data): expected a real number, got "
                                f"{type(data).__name__}")
            data = float(data)
        self.data = data
        self.grad = 0.0
        self.label = label
        self._op = _op
        self._backward_fn = _no_backward
        n = len(_children)
        if n == 2:                              # the common case: a binary op
            self._a, self._b = _children
            self._many = None
        else:
            self._a = _children[0] if n == 1 else None
            self._b = None
            self._many = tuple(_children) if n > 2 else None

    # ---- arithmetic -------------------------------------------------------------
    def __add__(self, other: Value | float) -> Value:
        """out = self + other; local derivatives d/dself = 1, d/dother = 1."""
        if type(other) is not Value:
            other = _as_value(other)
        out = Value(self.data + other.data, _children=(self, other), _op="+")

        def _backward(out):
            self, other = out._a, out._b  # the inputs, read from out (nothing captured)
            self.grad += out.grad
            other.grad += out.grad
        out._backward_fn = _shared(_backward)
        return out

    def __mul__(self, other: Value | float) -> Value:
        """out = self * other; local derivatives d/dself = other, d/dother = self."""
        if type(other) is not Value:
            other = _as_value(other)
        out = Value(self.data * other.data, _children=(self, other), _op="*")

        def _backward(out):
            self, other = out._a, out._b
            self.grad += other.data * out.grad
            other.grad += self.data * out.grad
        out._backward_fn = _shared(_backward)
        return out

    def __pow__(self, exponent: float) -> Value:
        """out = self ** k for a number k; local derivative k * self ** (k - 1)."""
        if isinstance(exponent, Value) or not isinstance(exponent, Real):
            raise TypeError("Value ** k: the exponent must be a plain number, "
                            f"got {type(exponent).__name__}")
        k = float(exponent)
        if self.data == 0.0 and k < 0:
            raise ZeroDivisionError(f"Value ** {k}: 0 cannot be raised to a negative power")
        out = Value(self.data ** k, _children=(self,), _op=f"**{number_text(k)}")
        out._exponent = k  # kept as a number: local_grad_formulas() reads it from here

        def _backward(out):
            self, k = out._a, out._exponent
            self.grad += k * self.data ** (k - 1) * out.grad
        out._backward_fn = _shared(_backward)
        return out

    def __neg__(self) -> Value:
        return self * -1.0

    def __sub__(self, other: Value | float) -> Value:
        return self + (-_as_value(other))

    def __truediv__(self, other: Value | float) -> Value:
        other = _as_value(other)
        if other.data == 0.0:
            raise ZeroDivisionError("Value / Value: division by a Value whose data is 0")
        return self * other ** -1

    def __radd__(self, other: float) -> Value:
        return self + other

    def __rmul__(self, other: float) -> Value:
        return self * other

    def __rsub__(self, other: float) -> Value:
        return _as_value(other) - self

    def __rtruediv__(self, other: float) -> Value:
        return _as_value(other) / self

    # ---- functions ----------------------------------------------------------------
    def exp(self) -> Value:
        """out = e**self; local derivative e**self (= out)."""
        if self.data > 709.0:
            raise OverflowError(f"Value.exp: exp({self.data:g}) overflows a float (limit ~709)")
        out = Value(math.exp(self.data), _children=(self,), _op="exp")

        def _backward(out):
            self = out._a
            self.grad += out.data * out.grad
        out._backward_fn = _shared(_backward)
        return out

    def log(self) -> Value:
        """out = ln(self) for self > 0; local derivative 1 / self."""
        if self.data <= 0.0:
            raise ValueError(f"Value.log: expected data > 0, got {self.data:g}")
        out = Value(math.log(self.data), _children=(self,), _op="log")

        def _backward(out):
            self = out._a
            self.grad += out.grad / self.data
        out._backward_fn = _shared(_backward)
        return out

    def tanh(self) -> Value:
        """out = tanh(self); local derivative 1 - out**2. Stable for any size of input."""
        out = Value(math.tanh(self.data), _children=(self,), _op="tanh")

        def _backward(out):
            self = out._a
            self.grad += (1.0 - out.data * out.data) * out.grad
        out._backward_fn = _shared(_backward)
        return out

    def sigmoid(self) -> Value:
        """out = 1 / (1 + e**-self); local derivative out * (1 - out). Stable for |x| = 1e4."""
        s = float(stable_sigmoid(self.data))  # the package's one stable sigmoid
        out = Value(s, _children=(self,), _op="sigmoid")

        def _backward(out):
            self = out._a
            self.grad += out.data * (1.0 - out.data) * out.grad
        out._backward_fn = _shared(_backward)
        return out

    def relu(self) -> Value:
        """out = max(0, self); local derivative 1 where self > 0, else 0."""
        out = Value(self.data if self.data > 0 else 0.0, _children=(self,), _op="relu")

        def _backward(out):
            self = out._a
            if self.data > 0:
                self.grad += out.grad
        out._backward_fn = _shared(_backward)
        return out

    @staticmethod
    def dot(weights: Iterable[Value], inputs: Iterable[Value | float],
            bias: Value | float = 0.0) -> Value:
        """out = sum_i w_i * x_i + bias as ONE node (a neuron's weighted sum).

        The same number as chaining ``*`` and ``+``, with far fewer nodes: local
        derivatives d/dw_i = x_i, d/dx_i = w_i, d/dbias = 1.
        """
        ws = list(weights)
        xs = [_as_value(x) for x in inputs]
        if len(ws) != len(xs):
            raise ValueError(f"Value.dot: {len(ws)} weights but {len(xs)} inputs")
        b = _as_value(bias)
        total = b.data
        for w, x in zip(ws, xs):
            total += w.data * x.data
        out = Value(total, _op="dot")
        out._many = (*ws, *xs, b)  # even for n = 0: the closure reads them from here

        def _backward(out):
            *ws_xs, b = out._many  # (w_1..w_n, x_1..x_n, bias), read from out
            n, g = len(ws_xs) // 2, out.grad
            for w, x in zip(ws_xs[:n], ws_xs[n:]):
                w.grad += x.data * g
                x.grad += w.data * g
            b.grad += g
        out._backward_fn = _shared(_backward)
        return out

    # ---- the graph, by its public names ------------------------------------------------
    @property
    def children(self) -> tuple[Value, ...]:
        """The inputs of the op that made this node, in the op's order; ``()`` for a leaf.

        A node used twice appears twice: ``(a * a).children == (a, a)``.
        """
        if self._many is not None:
            return self._many
        if self._b is not None:
            return (self._a, self._b)
        return () if self._a is None else (self._a,)

    @property
    def _prev(self) -> tuple[Value, ...]:
        """micrograd's name for ``children`` (a tuple here, a set there)."""
        return self.children

    @property
    def op(self) -> str:
        """The op that made this node (``"+"``, ``"tanh"``, ``"**2"`` ...); ``""`` for a leaf."""
        return self._op

    # ---- backward -----------------------------------------------------------------
    @property
    def _backward(self) -> Callable[[], None]:
        """Pass this node's grad on: ``node._backward()`` adds local derivative * node.grad
        to each input's grad.

        Assignable, as in micrograd: ``out._backward = _backward`` with a closure that takes
        no arguments (micrograd's) or one, ``out`` (this engine's ops); ``backward()`` then
        calls it for this node.
        """
        fn = self._backward_fn
        return getattr(fn, "micrograd_closure", None) or MethodType(fn, self)

    @_backward.setter
    def _backward(self, fn: Callable) -> None:
        self._backward_fn = backward_fn_from(fn)

    def topological_order(self) -> list[Value]:
        """Every node this Value depends on, each after all of its inputs.

        An iterative depth-first search (no recursion limit): a node is pushed, then a
        ``None`` marker, then its inputs; popping the marker means all of the node's inputs
        are placed, so the node goes next.
        """
        order: list[Value] = []
        visited: set[Value] = set()
        stack: list[Value | None] = [self]
        push, pop, place, seen = stack.append, stack.pop, order.append, visited.add  # speed
        while stack:
            node = pop()
            if node is None:            # the node under the marker is finished
                place(pop())
                continue
            if node in visited:
                continue
            seen(node)
            push(node)
            push(None)
            # node.children, read from the slots directly: this loop runs once per node
            if node._a is not None:
                if node._a not in visited:
                    push(node._a)
                if node._b is not None and node._b not in visited:
                    push(node._b)
            elif node._many is not None:
                for child in node._many:
                    if child not in visited:
                        push(child)
        return order

    def backward(self, accumulate: bool = False) -> None:
        """Fill ``grad`` of every node in the graph with d(self)/d(node).

        Parameters
        ----------
        accumulate : bool, default False
            False resets every grad first, so calling ``backward()`` twice gives the same
            grads. True adds to the existing grads, as micrograd does (for teaching why
            a training loop must zero them).
        """
        order = self.topological_order()
        if not accumulate:
            for node in order:
                node.grad = 0.0
        self.grad = 1.0  # d(self)/d(self); with accumulate, exactly micrograd's behaviour
        for node in reversed(order):
            node._backward_fn(node)  # = node._backward(), one call fewer per node

    def __repr__(self) -> str:
        name = f"{self.label}=" if self.label else ""
        return f"Value({name}{self.data:.4g}, grad={self.grad:.4g})"
