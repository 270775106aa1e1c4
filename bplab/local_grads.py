"""What a node of the graph says about its own op: the local derivatives.

``backward()`` multiplies each local derivative d out / d child by ``out.grad`` and adds it
to the child's grad. ``Value`` inherits these methods from ``LocalGrads`` so that the
stepper lab and the graph drawing can show them, as numbers and as formulas, without
reading the engine's private closures; ``autograd.py`` keeps the micrograd-shaped engine.
"""

from __future__ import annotations

__all__ = ["LOCAL_GRAD_FORMULAS", "LocalGrads", "number_text"]

# d out / d child for each child of an op, in ``children`` order, as text a learner can read.
# ``self`` and ``other`` are the op's inputs, ``out`` its result (micrograd's names).
LOCAL_GRAD_FORMULAS: dict[str, tuple[str, ...]] = {
    "+": ("1", "1"),
    "*": ("other", "self"),
    "**": ("k * self**(k-1)",),
    "exp": ("out",),
    "log": ("1 / self",),
    "tanh": ("1 - out**2",),
    "sigmoid": ("out * (1 - out)",),
    "relu": ("1 if self > 0 else 0",),
}


def number_text(x: float) -> str:
    """``x`` as short text that reads back as exactly ``x``: ``2``, ``0.5``, ``1e-08``;
    ``0.1234567891234``, not ``%g``'s ``0.123457``."""
    text = f"{x:g}"
    return text if float(text) == x else repr(float(x))


class LocalGrads:
    """Mixin of ``Value``: ``local_grads()`` and ``local_grad_formulas()``."""

    __slots__ = ()

    def local_grads(self) -> tuple[float, ...]:
        """d self / d child for each child, in ``children`` order (the local derivatives).

        ``backward()`` multiplies each by ``self.grad`` and adds it to the child's grad.
        For a child that appears twice (``a * a``) each position has its own entry;
        d self / d a is their sum.

        Examples
        --------
        >>> from bplab import Value
        >>> x = Value(0.5); out = x.tanh()
        >>> out.local_grads() == (1 - out.data ** 2,)
        True
        >>> a, b = Value(2.0), Value(-3.0)
        >>> (a * b).local_grads()
        (-3.0, 2.0)
        """
        op, kids = self._op, self.children
        if not kids:
            return ()
        if op == "+":
            return (1.0, 1.0)
        if op == "*":
            return (kids[1].data, kids[0].data)
        if op == "dot":  # children (w_1..w_n, x_1..x_n, bias): d/dw_i = x_i, d/dx_i = w_i
            n = (len(kids) - 1) // 2
            return (*(x.data for x in kids[n:2 * n]), *(w.data for w in kids[:n]), 1.0)
        return (self._probe_local_grad(),)

    def _probe_local_grad(self) -> float:
        """A one-input op's local derivative, read off its own backward closure.

        Run the closure with ``self.grad = 1`` and the child's grad at 0: it adds
        ``local * 1`` to the child. Every grad is restored afterwards.
        """
        child = self._a
        saved_self, saved_child = self.grad, child.grad
        try:
            self.grad, child.grad = 1.0, 0.0
            self._backward()
            return child.grad
        finally:
            self.grad, child.grad = saved_self, saved_child

    def local_grad_formulas(self) -> tuple[str, ...]:
        """d self / d child for each child as text, in ``children`` order.

        In the formulas ``self`` and ``other`` are the op's inputs and ``out`` this node
        (micrograd's names): ``("1 - out**2",)`` for tanh, ``("other", "self")`` for
        ``*``, ``("2 * self**1",)`` for ``**2``; ``()`` for a leaf.

        Examples
        --------
        >>> from bplab import Value
        >>> (Value(1.0) * Value(2.0)).local_grad_formulas()
        ('other', 'self')
        >>> (Value(3.0) ** 2).local_grad_formulas()
        ('2 * self**1',)
        """
        op = self._op
        if not op:
            return ()
        if op.startswith("**"):
            # the number ** kept, exactly; a node built by hand (micrograd's f"**{k}") has
            # only its op text
            k = getattr(self, "_exponent", None)
            k = float(op[2:]) if k is None else k
            return (f"{number_text(k)} * self**{number_text(k - 1)}",)
        if op == "dot":
            n = (len(self._many) - 1) // 2
            return (*(f"x{i}" for i in range(1, n + 1)),
                    *(f"w{i}" for i in range(1, n + 1)), "1")
        if op not in LOCAL_GRAD_FORMULAS:
            raise ValueError(f"Value.local_grad_formulas: no formula for op {op!r}; "
                             f"expected one of {sorted(LOCAL_GRAD_FORMULAS)} or 'dot'")
        return LOCAL_GRAD_FORMULAS[op]
