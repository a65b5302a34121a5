"""``F.hardshrink`` and ``F.softshrink``: zero inside [-lambd, lambd] (``HardshrinkBackward0``,
``SoftshrinkBackward0``)."""
import numpy as np

from ...autograd.graph import Node
from .activation import _float_only, _unary
from ...ops._scalar_tail import split_by_loop


class HardshrinkBackward0(Node):
    """y = x where |x| > l, else 0   ->   dx = g where |x| > l, else 0"""
    __slots__ = ("lambd",)

    def backward(self, g):
        x, = self.saved()
        m = self.m
        xa, ga = (x, g) if m is np else (x._data, g._data)
        inside = np.asarray((xa >= -self.lambd) & (xa <= self.lambd))
        # a nan: the scalar loop passes g (it is not inside), the vector loop gives 0
        split = split_by_loop(np.isnan(xa), [ga, xa])
        if split is not None:
            inside |= split[0]
        if m is np:
            return (np.where(inside, 0, g),)
        from .mask_double import mask_double
        return (mask_double(self, m.where(m.from_numpy(inside), 0, g), g, x),)


class SoftshrinkBackward0(HardshrinkBackward0):
    """y = x - l (x > l), x + l (x < -l), else 0   ->   dx = g where |x| > l, else 0"""
    __slots__ = ()


def hardshrink(input, lambd=0.5):
    x = _float_only(input, "hardshrink_cpu")
    t = x.dtype.type
    out = np.where((x >= t(-lambd)) & (x <= t(lambd)), t(0), x)
    return _unary(HardshrinkBackward0, input, out, input, lambd=lambd)


def softshrink(input, lambd=0.5):
    x = _float_only(input, "softshrink_check")
    top = float(np.finfo(x.dtype).max)
    if not 0 <= lambd <= top:
        from ...ops.inplace import type_name
        raise RuntimeError(f"lambda must be in range [0, {top:g}] for input dtype {type_name(x.dtype)}, "
                           f"but found {float(lambd):g}")
    t = x.dtype.type
    lam = t(lambd)
    out = np.where(x > lam, x - lam, np.where(x < -lam, x + lam, x * t(0)))
    _vector_zeros(out, x)
    return _unary(SoftshrinkBackward0, input, out, input, lambd=lambd)


def _vector_zeros(out, x):
    """torch's scalar loop writes ``x * 0`` inside the dead zone (-0 for negative x), its vector loop +0.
    On AVX2 the vector loop takes whole blocks of 64 bytes of a contiguous input and the scalar loop
    the rest (all of a strided one); modelled for one block of work (torch splits above 32768
    elements between threads, each with its own tail)."""
    if not x.flags.c_contiguous or out.ndim == 0:
        return
    flat = out.reshape(-1)
    block = 64 // x.itemsize
    head = flat[:flat.size // block * block]
    head[head == 0] = 0                       # -0 -> +0 where the vector loop wrote them
