"""Numerical gradient checks: compare autograd's Jacobian with central differences.

For an input ``x`` and an output ``y`` the Jacobian ``J[k, j] = d y_j / d x_k`` is built twice:

* numerically, nudging one element of ``x`` by ``+-eps`` at a time:
  ``J[k, :] = (y(x + eps e_k) - y(x - eps e_k)) / (2 eps)``;
* analytically, by one backward pass per output element with a one-hot upstream gradient.

They must agree within ``atol + rtol * |numerical|``.  Use float64 inputs: in float32 the
difference quotient itself is too noisy (torch warns about this, and so do we).
"""
import warnings

import numpy as np


class GradcheckError(RuntimeError):
    """Raised by gradcheck when autograd and central differences disagree."""


def _outs(o):
    return tuple(o) if isinstance(o, (tuple, list)) else (o,)


def _is_diff(x):
    from .._tensor import Tensor
    return isinstance(x, Tensor) and x._rg


class _Positions:
    """A non-contiguous array's elements by flat index (row-major), read and written in place."""
    __slots__ = ("a", "size")

    def __init__(self, a):
        self.a, self.size = a, a.size

    def __getitem__(self, k):
        return self.a[np.unravel_index(k, self.a.shape)]

    def __setitem__(self, k, v):
        self.a[np.unravel_index(k, self.a.shape)] = v


def _in_float(a):
    """An output as the difference quotient takes it: a float output keeps its dtype (torch's numerical
    Jacobian is the output's: a float32 spike function of a float64 input gives a float32 one)."""
    return np.array(a, a.dtype if a.dtype.kind == "f" else np.float64)


def _numerical(fn, inputs, i, eps, outs):
    """[J per output], each (numel of input i, numel of that output), by central differences
    (as torch: the input nudged down first, then up; ``outs`` gives the shapes)."""
    x = inputs[i]._data
    # a view: nudging it nudges the input in place (a strided input is nudged through its own array:
    # reshape would copy it); positions in index order either way
    flat = x.reshape(-1) if x.flags.c_contiguous else _Positions(x)
    rows = []
    for k in range(flat.size):
        orig = flat[k]
        flat[k] = orig - eps
        minus = [_in_float(o._data) for o in _outs(fn(*inputs))]
        flat[k] = orig + eps
        plus = [_in_float(o._data) for o in _outs(fn(*inputs))]
        flat[k] = orig
        rows.append([((p - m) / (2 * eps)).reshape(-1) for p, m in zip(plus, minus)])
    return [np.array([r[j] for r in rows]).reshape(flat.size, outs[j]._data.size) for j in range(len(outs))]


def _analytical(o, inputs, diff_idx):
    """{input i: J} for one output, one backward per output element with a one-hot seed."""
    from . import grad as _grad
    from .._tensor import _wrap
    jac = {i: np.zeros((inputs[i]._data.size, o._data.size)) for i in diff_idx}
    for k in range(o._data.size):
        seed = np.zeros(o._data.size, o._data.dtype)
        seed[k] = 1
        gs = _grad([o], [inputs[i] for i in diff_idx], [_wrap(seed.reshape(o._data.shape))],
                   retain_graph=True, allow_unused=True)
        for i, g in zip(diff_idx, gs):
            if g is not None:
                jac[i][:, k] = g._data.reshape(-1)
    return jac


def _zero_grads_give_zeros(outs, inputs, diff_idx):
    """torch's checks that backward scales by grad_output and copes with undefined (zero) grads."""
    from . import grad as _grad
    from .. import zeros_like
    gs = _grad(outs, [inputs[i] for i in diff_idx], [zeros_like(o) for o in outs], allow_unused=True)
    if any(g is not None and not bool(g.eq(0).all()) for g in gs):
        raise GradcheckError("backward not multiplied by grad_output")


def _check_inputs(inputs):
    diff = [i for i, x in enumerate(inputs) if _is_diff(x)]
    for i in diff:
        if inputs[i]._data.dtype != np.float64:
            warnings.warn(f"Input #{i} requires gradient and is not a double precision floating point or complex. "
                          "This check will likely fail if all the inputs are not of double precision floating "
                          "point or complex. ", UserWarning, stacklevel=3)
    if not diff:
        raise ValueError("gradcheck expects at least one input tensor to require gradient, but none of them "
                         "have requires_grad=True.")
    return diff


def gradcheck(func, inputs, *, eps=1e-6, atol=1e-5, rtol=1e-3, raise_exception=True, **kwargs):
    """True if autograd's Jacobian matches central differences for every (output, input) pair."""
    from .._tensor import _wrap
    fwd, bwd = kwargs.get("check_forward_ad", False), kwargs.get("check_backward_ad", True)
    for bad, msg in ((not (fwd or bwd), "Expected at least one of check_forward_ad or check_backward_ad to be True"),
                     (kwargs.get("check_batched_grad") and not bwd,
                      "Setting check_batched_grad=True requires check_backward_ad to be True"),
                     (kwargs.get("check_batched_forward_grad") and not fwd,
                      "Setting check_batched_forward_grad=True requires check_forward_ad to be True")):
        if bad:
            raise AssertionError(msg)
    inputs = _outs(inputs)
    diff = _check_inputs(inputs)
    # torch's order of calls (a Function that prints in forward or backward prints as often):
    # one forward, the central differences, per differentiable output two sets of one-hot
    # backwards (the second checks reentrancy), one backward with zero grads, then one more
    # forward and backward with zero grads (the undefined-grad check)
    func_out = _outs(func(*inputs))
    diff_outs = [o for o in func_out if _is_diff(o)]
    if not bwd:
        num = None
    elif kwargs.get("fast_mode"):
        if not _fast_ok(func, inputs, func_out, diff, eps, atol, rtol, raise_exception):
            return False
        num = {}
    else:
        num = {i: _numerical(func, inputs, i, eps, func_out) for i in diff}
    for j, o in enumerate(func_out):                 # torch checks output by output, then input by input
        if not _is_diff(o) or kwargs.get("fast_mode") or not bwd:
            continue
        ana = _analytical(o, inputs, diff)
        _analytical(o, inputs, diff)
        for i in diff:
            a, n = ana[i], num[i][j]
            if not np.allclose(a, n, rtol=rtol, atol=atol):
                if not raise_exception:
                    return False
                dt = inputs[i]._data.dtype          # the analytical Jacobian takes the input's dtype
                raise GradcheckError(f"Jacobian mismatch for output {j} with respect to input {i},\n"
                                     f"numerical:{_wrap(n)!r}\nanalytical:{_wrap(a.astype(dt))!r}\n")
    if fwd:                                          # after the backward check, as torch
        from . import _gradcheck_forward
        try:
            _gradcheck_forward.check(func, inputs, diff, func_out, eps, atol, rtol, _numerical,
                                     kwargs.get("check_undefined_grad", True))
        except GradcheckError:
            if raise_exception:
                raise
            return False
        if not bwd:                                  # the remaining checks use backward mode
            return True
    if diff_outs:
        _zero_grads_give_zeros(diff_outs, inputs, diff)
        # the undefined-grad check: all outputs' grads undefined, then (with several outputs) each in turn
        runs = [[o for o in _outs(func(*inputs)) if _is_diff(o)]]
        if len(runs[0]) > 1:
            runs += [[o for o in _outs(func(*inputs)) if _is_diff(o)] for _ in diff_outs]
        for outs in runs:
            _zero_grads_give_zeros(outs, inputs, diff)
    return True


def _fast_ok(func, inputs, func_out, diff, eps, atol, rtol, raise_exception):
    """fast_mode's projections (see _gradcheck_fast.py): False (or the error) where one disagrees."""
    from . import _gradcheck_fast
    at = [k for k, o in enumerate(func_out) if _is_diff(o)]

    def slow(i, j):
        n = _numerical(func, inputs, i, eps, func_out)[at[j]]
        a = _analytical(func_out[at[j]], inputs, diff)[i].astype(inputs[i]._data.dtype)
        return n, a
    try:
        _gradcheck_fast.check(func, inputs, func_out, diff, eps, atol, rtol, slow)
    except GradcheckError:
        if raise_exception:
            raise
        return False
    return True


def gradgradcheck(func, inputs, grad_outputs=None, *, eps=1e-6, atol=1e-5, rtol=1e-3, raise_exception=True,
                  **kwargs):
    """gradcheck of the first derivative, itself built by autograd with ``create_graph=True``.

    As in torch, the upstream gradients are inputs of the checked function too (so the check covers
    d(grad_input)/d(grad_output)), and when not given they are drawn with ``torch.testing.make_tensor``
    in [-1, 1) from the global generator: a program's later random numbers stay in step with torch's."""
    from . import grad as _grad
    from ..testing import make_tensor
    inputs = _outs(inputs)
    if grad_outputs is None:
        outs = [o for o in _outs(func(*inputs)) if _is_diff(o)]
        grad_outputs = [make_tensor(o.shape, dtype=o.dtype if o.is_floating_point() or o.is_complex()
                                    else _float64(), device=o.device, low=-1, high=1, requires_grad=True)
                        for o in outs]
    gos = _outs(grad_outputs)
    n_in, n_go = len(inputs), len(gos)
    diff_in = {i for i, x in enumerate(inputs) if _is_diff(x)}
    diff_go = {i for i, g in enumerate(gos) if _is_diff(g)}

    def first(*args):
        xs = tuple(x.requires_grad_() if i in diff_in else x for i, x in enumerate(args[:n_in]))
        os = [o for o in _outs(func(*xs)) if _is_diff(o)]
        gs = tuple(g.requires_grad_() if i in diff_go else g for i, g in enumerate(args[n_in:n_in + n_go]))
        d = [x for i, x in enumerate(xs) if i in diff_in]
        return _grad(os, d, list(gs), create_graph=True, allow_unused=True, materialize_grads=True)
    return gradcheck(first, inputs + gos, eps=eps, atol=atol, rtol=rtol, raise_exception=raise_exception)


def _float64():
    from .. import float64
    return float64
