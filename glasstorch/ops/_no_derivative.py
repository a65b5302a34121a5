"""Backward nodes of ops torch gives no real derivative: ``NotImplemented`` (backward raises
torch's message) for heaviside and weighted bincount, and nextafter's NextafterBackward0 (torch
passes the gradient straight to ``input`` and zero to ``other``)."""
from ..autograd.graph import Node
from ._common import GRAD, record


class NotImplemented(Node):  # noqa: A001  (torch's node name)
    """The grad_fn torch records for an op whose derivative it lacks: backward raises."""
    __slots__ = ("msg",)

    def name(self):
        return "torch::autograd::NotImplemented"      # torch's C++ name, as its name() gives

    def backward(self, g):
        raise RuntimeError(self.msg)


def record_not_implemented(op, out, *inputs, forward_ad=True):
    """Record a NotImplemented node when any tensor among ``inputs`` requires grad.  ``forward_ad``: a
    forward-mode tangent on an input is refused too, as torch's fallback kernel refuses it (False for
    the backward kernels and out= forms that also end here)."""
    if forward_ad and any(getattr(t, "_rg", False) for t in inputs):
        from ..autograd._no_forward_ad import refuse_forward_ad
        refuse_forward_ad(f"aten::{op}", *inputs, fallback=True)
    if GRAD.enabled and any(getattr(t, "_rg", False) for t in inputs):
        node = NotImplemented()
        node.msg = f"derivative for aten::{op} is not implemented"
        # torch's autograd fallback gives the node edges only to the inputs that require grad
        record(node, out, *[t for t in inputs if getattr(t, "_rg", False)])
    return out


class NextafterBackward0(Node):
    """z = nextafter(a, b)   ->   da = g,   db = 0"""
    __slots__ = ()

    def backward(self, g):
        return g, self.m.zeros_like(g)


def record_nextafter(out, input, other):
    if GRAD.enabled and (input._rg or other._rg):
        record(NextafterBackward0(), out, input, other)
    return out


class _NoDerivative(Node):
    """A generated node whose formula is ``not_implemented``: backward raises NotImplementedError."""
    __slots__ = ()
    op = ""

    def backward(self, g):
        raise NotImplementedError(f"the derivative for '{self.op}' is not implemented.")


class Unique2Backward0(_NoDerivative):
    """u = unique(x)   ->   no derivative"""
    __slots__ = ()
    op = "_unique2"


class UniqueDimBackward0(_NoDerivative):
    """u = unique(x, dim=d)   ->   no derivative"""
    __slots__ = ()
    op = "unique_dim"


class UniqueConsecutiveBackward0(_NoDerivative):
    """u = unique_consecutive(x)   ->   no derivative"""
    __slots__ = ()
    op = "unique_consecutive"


def record_no_derivative(cls, out, input):
    """``out`` (the values unique found) with torch's node ``cls`` when ``input`` requires grad; a
    forward-mode tangent on ``input`` is refused (derivatives.yaml has no forward formula either)."""
    if input._rg:
        from ..autograd._no_forward_ad import refuse_forward_ad
        refuse_forward_ad(cls.op, input)
    if GRAD.enabled and input._rg:
        record(cls(), out, input)
    return out
