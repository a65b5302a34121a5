"""Forward mode through a custom ``autograd.Function``: its own ``jvp``, not the adjoint of its backward.

torch pushes tangents through a custom Function by calling ``jvp(ctx, *input_tangents)`` (tensor inputs
without a tangent get zeros, other arguments None), with ``ctx.saved_tensors`` holding what forward
passed to ``ctx.save_for_forward``.  A surrogate-gradient spike (Heaviside forward, smooth backward) is
the usual case where the two differ: its jvp need not be the adjoint of its backward.

glasstorch takes every tangent with the double-vjp trick (``forward_ad._jvp``, ``_func_jac``): a
first reverse pass builds ``g(u) = J^T u``, linear in ``u``, and the second differentiates
``<g(u), v>`` in ``u``, which gives ``J v``.  During that first pass (``in_trick()``) the Function's
node therefore answers with ``JvpTranspose``: outputs standing for ``J^T u`` (zeros -- only their
derivative is used), whose own backward maps the input tangents ``v`` to ``jvp(ctx, *v)``.  So the
user's ``jvp`` runs when the tangent is asked for (``unpack_dual``, ``func.jvp``), once per ask.
"""
import numpy as np

from .function import Function


def _size(shape):
    return "[" + ", ".join(str(s) for s in shape) + "]"


class JvpTranspose(Function):
    """(u_1..u_m) -> (J^T u) per tensor input, standing in for the Function's backward in the trick:
    its backward is the Function's jvp."""
    _internal = True

    @staticmethod
    def forward(ctx, node, *us):
        ctx.node = node
        ctx.live = tuple(u is not None for u in us)
        from .._tensor import _wrap
        return tuple(_wrap(np.zeros(s, d)) for s, d in zip(node._in_shapes, node._in_dtypes))

    @staticmethod
    def backward(ctx, *tangents):
        node = ctx.node
        fwd = node._forward_cls
        it = iter(tangents)
        args = [next(it) if is_t else None for is_t in node._is_tensor_arg]
        node._in_jvp = True         # ctx.saved_tensors: what forward saved with save_for_forward
        try:
            res = fwd.jvp(node, *args)
        finally:
            node._in_jvp = False
        if not isinstance(res, tuple):
            res = (res,)
        if len(res) != node._nout:
            raise RuntimeError(f"Function's jvp returned an invalid number of forward gradients (expected "
                               f"{node._nout} but got {len(res)})")
        shapes = [node._shape] if node._nout == 1 else node._shape
        out = [None]
        for live, r, shape in zip(ctx.live, res, shapes):
            if live and r is not None and tuple(r.shape) != tuple(shape):
                raise RuntimeError("Trying to set a forward gradient that has a different size than that of the "
                                   f"original Tensor, this is not supported. Tensor is of size {_size(shape)} while "
                                   f"the given forward gradient is of size {_size(r.shape)}.")
            out.append(r if live else None)
        return tuple(out)


def trick_backward(node, gs):
    """The first pass of the tangent trick through ``node``: ``J^T u`` built so that its derivative
    in ``u`` is the Function's jvp; a list with one entry per tensor input."""
    from .._tensor import Tensor
    us = [g if isinstance(g, Tensor) else None for g in gs]
    res = JvpTranspose.apply(node, *us)
    return list(res) if isinstance(res, tuple) else [res]
