"""The autograd history of random sampling.

torch differentiates none of its samplers, yet it records a node for them, with a zero gradient:

    y = bernoulli(p)          ->   dp = 0               (BernoulliBackward0)
    y = poisson(rate)         ->   drate = 0            (PoissonBackward0)
    y = normal(mean, std)     ->   dmean = 0, dstd = 0  (NormalBackward1 / 2 / 3: tensor mean, tensor std, both)
    x.uniform_() ...          ->   dx = 0               (the old values of x are gone: UniformBackward0 ...)
    x.bernoulli_(p)           ->   dx = 0, dp = 0       (BernoulliBackward1; with a number p: BernoulliBackward2)

so a sample drawn from probabilities that need a gradient needs one too (an RBM's Gibbs chain), and a
tensor refilled in place stops passing gradient to what it held before.  ``bernoulli(x, p)`` with a
number ``p`` and ``binomial`` record torch's ``NotImplemented`` node instead: their backward raises.
"""
from .autograd.graph import Node
from .ops._common import needs_grad, record


class _ZeroGrad(Node):
    """Every input gets a zero gradient of its own shape (kept in ``shapes``, in input order)."""
    __slots__ = ("shapes",)

    def backward(self, g):
        return tuple(self.m.zeros(shape, dtype=g.dtype) for shape in self.shapes)


def _node(name):
    return type(name, (_ZeroGrad,), {"__slots__": (), "__doc__": "random draw   ->   zero gradients"})


_NODES = {name: _node(name) for name in (
    "BernoulliBackward0", "BernoulliBackward1", "BernoulliBackward2", "PoissonBackward0", "NormalBackward0",
    "NormalBackward1", "NormalBackward2", "NormalBackward3", "UniformBackward0", "ExponentialBackward0",
    "GeometricBackward0", "LogNormalBackward0", "CauchyBackward0", "RandomBackward0", "RandomBackward1",
    "RandomBackward2")}


def record_sample(name, out, *inputs):
    """Out-of-place sampler: give ``out`` the zero-gradient node ``name`` when an input needs a gradient
    (inputs that are numbers get no edge)."""
    if needs_grad(*inputs):
        node = _NODES[name]()
        node.shapes = tuple(t._data.shape for t in inputs if hasattr(t, "_data"))
        record(node, out, *[t for t in inputs if hasattr(t, "_data")])
    return out


def record_refill(name, t, *inputs):
    """In-place sampler ``t.uniform_()`` ...: after the fill, ``t``'s history is the zero-gradient node
    (through its base when ``t`` is a view), if ``t`` or a tensor argument needs a gradient."""
    if needs_grad(t, *inputs):
        from .ops.inplace import writes_through_view, rebase_view
        node = _NODES[name]()
        node.shapes = (t._data.shape,) + tuple(x._data.shape for x in inputs)
        record(node, t, t, *inputs)
        if writes_through_view(t):
            rebase_view(t, node)
    return t


def check_no_out_grad(name, *inputs):
    """torch refuses ``out=`` when an input needs a gradient (a forward-mode tangent first)."""
    from .autograd._no_forward_ad import refuse_out_forward_ad
    refuse_out_forward_ad(name, *inputs)
    if needs_grad(*inputs):
        raise RuntimeError(f"{name}(): functions with out=... arguments don't support automatic differentiation, "
                           "but one of the arguments requires grad.")
