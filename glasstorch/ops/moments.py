"""var, std, var_mean, std_mean: the second moment about the mean, and its square root.

``correction`` (torch's newer spelling of ``unbiased``) is subtracted from the element count:
1 gives the sample variance, 0 the population variance.
"""
import builtins

import numpy as np

from ..autograd.graph import Node
from ._common import GRAD, _wrap, as_array, edge, record1
from .reduction import _mean, _reduced_shape, axes_of, dims_of, expand_back, restore_dims
from .shape import is_array


def _two_over(denom):
    """2 / (N - c) as a Python float (NumPy keeps float32 arrays float32); inf at N - c = 0, as in C++."""
    return 2.0 / denom if denom else builtins.float("inf")


def _scaled(c, v):
    """``c * v`` for the Python float c: a half array's product taken in float and rounded once, as
    torch multiplies a half tensor by a number (NumPy would round c to half first)."""
    if is_array(v) and v.dtype == np.float16:
        return (np.float32(c) * v.astype(np.float32)).astype(np.float16)
    return c * v


def _mean_keep(x, axes):
    """``self.mean(dim, keepdim=True)`` of torch's var_backward / std_backward, summed as torch.mean sums."""
    if not is_array(x):
        return x.mean(axes, keepdim=True)
    if not x.ndim or not x.size:
        return x.mean(axes, keepdims=True)
    from ..autograd.grad_mode import no_grad
    from .reduction import tensor_mean
    with no_grad():
        return tensor_mean(_wrap(x), tuple(axes), True)._data


class VarBackward0(Node):
    """y = sum((x - mean)^2) / (N - c)   ->   dx = g * 2 (x - mean) / (N - c)"""
    __slots__ = ("axes", "keepdim", "denom", "whole")

    def backward(self, g):
        x, = self.saved()
        if not is_array(x):
            return (_var_graph(self, g, x),)
        g = restore_dims(g, self.axes, self.keepdim)
        mean = _mean_keep(x, self.axes)
        with np.errstate(divide="ignore", invalid="ignore"):
            return (_scaled(_two_over(self.denom), g) * (x - mean),)   # torch's order: (2 / (N - c)) g (x - mean)


class StdBackward0(Node):
    """y = sqrt(var(x))   ->   dx = g * (x - mean) / ((N - c) * y), and 0 where y = 0 (torch masks it)"""
    __slots__ = ("axes", "keepdim", "denom", "whole")

    def backward(self, g):
        x, y = self.saved()
        if not is_array(x):         # create_graph: torch's std_backward, (g / (2 y)).masked_fill_(y == 0, 0)
            from ._grad_scalars import times
            return (_var_graph(self, (g / times(y, 2)).masked_fill_(y == 0, 0), x),)
        g = restore_dims(g, self.axes, self.keepdim)
        y = restore_dims(y, self.axes, self.keepdim)
        mean = _mean_keep(x, self.axes)
        with np.errstate(divide="ignore", invalid="ignore"):
            gv = g / (y * 2)
            gv = np.where(y == 0, gv.dtype.type(0), gv) if is_array(gv) else gv.masked_fill(y == 0, 0)
            return (_scaled(_two_over(self.denom), gv) * (x - mean),)


def _var_graph(node, g, x):
    """torch's var_backward under create_graph: (2 / (N - c)) * grad * (x - x.mean(...)), the number
    through mul.Scalar (MulBackward1); with no dim given (or a 0-d x) the whole mean (MeanBackward0) and
    a 0-d grad broadcast, else grad unsqueezed and mean(dim, keepdim=True); N - c <= 0 over the whole
    tensor: grad * where(x == x.mean(), nan, inf)."""
    from ._grad_scalars import times
    if getattr(node, "whole", False) or not x.dim():
        if node.denom <= 0:
            import glasstorch
            return g * glasstorch.where(x == x.mean(), builtins.float("nan"), builtins.float("inf"))
        return times(g, 2.0 / node.denom) * (x - x.mean())
    if x.dim() > 1:         # (torch unsqueezes grad only then; a 1-d x takes the 0-d grad as it is)
        g = restore_dims(g, node.axes, node.keepdim)
    return times(g, _two_over(node.denom)) * (x - _mean_keep(x, node.axes))


def _var_args(dim, unbiased, correction):
    if isinstance(dim, bool):             # the legacy form var(unbiased)
        dim, unbiased = None, dim
    if correction is None:
        correction = 1 if unbiased is None or unbiased else 0
    return dim, correction


def _torch_mean(x):
    """x.mean() in x's dtype, summed in ATen's order where that is modelled (one thread's worth)."""
    if x.size <= 32768:
        from ..optim._blas_order import sum1d
        return sum1d(np.ravel(x, order="K")) / x.dtype.type(x.size)
    return _mean(x, None, False).astype(x.dtype)


_GRAIN = 32768          # torch's reductions this small run on one thread


def _welford_rows(x, axes, n, whole=False):
    """(mean, m2) per output of a float64 reduction over ``axes`` as torch's WelfordOps take them
    (binary_kernel_reduce: each output's numbers one after another, in memory order, ``mean += d / k``,
    ``m2 += d (x - mean)`` unfused: measured bit for bit), or None where not modelled (other dtypes,
    whole-tensor or strided reductions, rows long enough for torch to split them over threads, and
    sizes where a Python step per number would cost too much).  ``whole``: var_mean / std_mean, which
    take this pass for a whole-tensor reduction too (var / std take a two-pass one there), and whose
    float32 mean is this pass's, in double, rounded once."""
    if not (x.dtype == np.float64 or whole and x.dtype == np.float32) or not x.flags.c_contiguous \
            or not 1 < n <= 8192 or x.size < n or x.size == n and not whole or x.size > (1 << 22):
        return None
    keep = [i for i in range(x.ndim) if i not in axes]
    # (float32: var_mean's mean, accumulated in double as torch does and rounded once by the caller)
    rows = np.ascontiguousarray(np.transpose(x, keep + sorted(axes)), np.float64).reshape(-1, n)
    mean = np.zeros(rows.shape[0])
    m2 = np.zeros(rows.shape[0])
    with np.errstate(invalid="ignore", over="ignore"):
        for k in range(n):
            v = rows[:, k]
            d = v - mean
            mean = mean + d / float(k + 1)
            m2 = m2 + d * (v - mean)
    return mean, m2


def _var(name, input, dim, unbiased, keepdim, correction, welford=False):
    if keepdim is not False and keepdim is not True or unbiased is not None and unbiased is not True \
            and unbiased is not False:      # torch's parser takes bools only
        from .._arg_refuse import refuse as refuse_call
        refuse_call()
    dim, c = _var_args(dim, unbiased, correction)
    x = input._data
    if x.dtype.kind not in "fc":            # (torch checks the dtype before the dims)
        raise RuntimeError("std and var only support floating point and complex dtypes")
    axes = axes_of(dim, x.ndim)
    n = 1
    for a in axes:
        n *= x.shape[a]
    if not x.ndim:
        n = 1
    denom = n - c
    if x.dtype.kind != "f":
        if x.dtype.kind != "c":
            raise RuntimeError("std and var only support floating point and complex dtypes")
        return _complex_var(name, input, dim, keepdim, c, welford, axes, denom)
    # torch's CPU kernel accumulates float32 (and half) moments in double and rounds once at the end:
    # no overflow for |x| ~ 1e30, no underflow for |x| ~ 1e-30, the correctly rounded result otherwise
    xf = x.astype(np.float64) if x.dtype in (np.float16, np.float32) else x
    mean = xf.mean(axis=axes, keepdims=True) if x.ndim else xf
    if not welford and x.dtype != np.float16 and x.size and x.size <= n:
        # a reduction to one number takes torch's other path: the mean in the input's own dtype,
        # then the squared deviations from it summed in double
        mean = np.float64(_torch_mean(x))
    with np.errstate(divide="ignore", invalid="ignore"):
        if not welford and x.dtype != np.float16 and x.size and x.size <= n and x.size <= _GRAIN:
            # the whole-tensor path: squared deviations added one after another in double (one thread)
            ss = np.add.accumulate(((xf - mean) ** 2).reshape(-1))[-1].reshape((1,) * x.ndim)
            ss = ss if keepdim else np.squeeze(ss, axes)
        elif (w := _welford_rows(x, axes, n, whole=welford)) is not None:
            # float64 over dims: torch's Welford pass, one number after another per output
            mean, ss = (np.reshape(a, _reduced_shape(x.shape, axes, True)) for a in w)
            if not keepdim:
                ss = np.squeeze(ss, axes)
        else:
            ss = np.sum((xf - mean) ** 2, axis=axes, keepdims=keepdim)
        # torch divides by max(0, N - correction): 0/0 gives nan, anything else / 0 gives inf
        v = as_array(ss / xf.dtype.type(builtins.max(denom, 0)))
        if name.startswith("std"):
            v = np.sqrt(v)
    if denom <= 0:
        from .._user_warning import warn_at_caller
        warn_at_caller(f"{name}(): degrees of freedom is <= 0. Correction should be strictly less than the "
                       f"reduction factor (input numel divided by output numel). (Triggered internally at "
                       f"/__w/pytorch/pytorch/aten/src/ATen/native/ReduceOps.cpp:1861.)")
    from ._layout import contig_of        # torch's reductions allocate contiguous outputs
    r = _wrap(contig_of(as_array(v).astype(x.dtype, copy=False), x))
    if welford:
        return r, _wrap(contig_of(as_array(mean if keepdim or not x.ndim else np.squeeze(mean, axes)).astype(x.dtype), x))
    return _record(name, input, r, axes, keepdim, denom, dim is None)


def _complex_var(name, input, dim, keepdim, c, welford, axes, denom):
    """torch's complex var: var(real) + var(imag), each rounded to the real dtype, then added (and the
    square root taken) in it; the mean is complex(mean(real), mean(imag))."""
    x = input._data
    parts = [_var("var", _wrap(p.copy()), dim, None, keepdim, c, welford) for p in (x.real, x.imag)]
    if welford:
        (vr, mr), (vi, mi) = parts
        v = vr._data + vi._data
        mean = np.empty(mr._data.shape, x.dtype)
        mean.real, mean.imag = mr._data, mi._data
    else:
        v = parts[0]._data + parts[1]._data
    r = _wrap(as_array(np.sqrt(v) if name.startswith("std") else v))
    if welford:
        return r, _wrap(mean)
    return _record(name, input, r, axes, keepdim, denom, dim is None)


def _record(name, input, r, axes, keepdim, denom, whole=False):
    if GRAD.enabled and input._rg:
        node = (StdBackward0 if name == "std" else VarBackward0)()
        node.axes, node.keepdim, node.denom, node.whole = axes, keepdim, denom, whole
        if name == "std":
            node.save(input, r, result_at=1)
        else:
            node.save(input)
        record1(node, r, input)
    return r


def var(input, dim=None, unbiased=None, keepdim=False, *, correction=None, out=None):
    return _var("var", input, dim, unbiased, keepdim, correction)


def std(input, dim=None, unbiased=None, keepdim=False, *, correction=None, out=None):
    return _var("std", input, dim, unbiased, keepdim, correction)


def _check_float(name, input):
    if input._data.dtype.kind not in "fc":
        raise RuntimeError(f"{name} only support floating point and complex dtypes")


class VarMeanBackward0(Node):
    """(v, m) = (var(x), mean(x))   ->   dx = var's gradient from g_v + g_m / N"""
    __slots__ = ("part", "n", "shape")
    _nout = 2
    # torch's var_mean_backward adds only the terms of the outputs that got a gradient: a zero-filled
    # g_m would turn var's -0.0 entries into +0.0 (the engine's _fill keeps None for this node)
    materialize_grads = False

    def backward(self, gs):
        gv, gm = gs
        if gm is None:
            return self.part.backward(gv)
        if not is_array(gm):        # create_graph: torch's mean_backward, grad (unsqueezed) expanded, div.Scalar
            from .scalar_arith import div_scalar
            p = self.part
            g = gm if p.keepdim or p.whole or not self.shape else restore_dims(gm, p.axes, False)
            mean_part = div_scalar(g.expand(self.shape), self.n)
            return (mean_part if gv is None else p.backward(gv)[0] + mean_part,)
        if gv is not None:
            return (self.part.backward(gv)[0] + restore_dims(gm, self.part.axes, self.part.keepdim) / self.n,)
        # torch's mean_backward alone: g expanded to x's shape, / N
        return (expand_back(gm, self.shape, self.part.axes, self.part.keepdim) / self.n,)


class StdMeanBackward0(VarMeanBackward0):
    """(s, m) = (std(x), mean(x))   ->   dx = std's gradient from g_s + g_m / N"""
    __slots__ = ()


def _moments_mean(name, input, dim, unbiased, keepdim, correction):
    """var_mean / std_mean: one Welford pass in double on torch, so both results are rounded once."""
    _check_float(name, input)
    from ..autograd.grad_mode import no_grad
    with no_grad():
        v, m = _var(name, input, dim, unbiased, keepdim, correction, welford=True)
    if GRAD.enabled and input._rg:
        node = (StdMeanBackward0 if name == "std_mean" else VarMeanBackward0)()
        part = node.part = (StdBackward0 if name == "std_mean" else VarBackward0)()
        x = input._data
        part.axes = dims_of(_var_args(dim, unbiased, correction)[0], x.ndim) if x.ndim else ()
        part.keepdim, part.whole = keepdim, _var_args(dim, unbiased, correction)[0] is None
        n = 1
        for a in part.axes:
            n *= x.shape[a]
        c = _var_args(dim, unbiased, correction)[1]
        part.denom, node.n, node.shape = n - c, n, x.shape
        part.save(input, v, result_at=1) if name == "std_mean" else part.save(input)
        node.next_functions = (edge(input),)
        node._shape, node._dtype = [v._data.shape, m._data.shape], [v._data.dtype, m._data.dtype]
        for i, r in enumerate((v, m)):
            r.grad_fn, r._rg, r._out_nr = node, True, i
    return v, m


def var_mean(input, dim=None, unbiased=None, keepdim=False, *, correction=None):
    return _moments_mean("var_mean", input, dim, unbiased, keepdim, correction)


def std_mean(input, dim=None, unbiased=None, keepdim=False, *, correction=None):
    return _moments_mean("std_mean", input, dim, unbiased, keepdim, correction)


__all__ = ["var", "std", "var_mean", "std_mean"]
