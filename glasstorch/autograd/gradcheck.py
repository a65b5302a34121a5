"""Numerical gradient checks: compare autograd with central differences (float64 inputs)."""
import numpy as np


class GradcheckError(RuntimeError):
    pass


def _numerical(fn, inputs, i, eps):
    """d(sum of out * v)/d(input i) by central differences, one element at a time."""
    x = inputs[i]
    flat = x._data.reshape(-1)
    jac = []
    for k in range(flat.size):
        orig = flat[k]
        flat[k] = orig + eps
        plus = [o._data.copy() for o in _outs(fn(*inputs))]
        flat[k] = orig - eps
        minus = [o._data.copy() for o in _outs(fn(*inputs))]
        flat[k] = orig
        jac.append(np.concatenate([((p - m) / (2 * eps)).reshape(-1) for p, m in zip(plus, minus)]))
    return np.array(jac)          # (numel_in, numel_out)


def _outs(o):
    return o if isinstance(o, (tuple, list)) else (o,)


def _analytical(fn, inputs, i):
    from . import grad as _grad
    from .._creation import zeros_like
    outs = [o for o in _outs(fn(*inputs))]
    rows = []
    total = sum(o._data.size for o in outs)
    for k in range(total):
        seeds, off = [], 0
        for o in outs:
            s = np.zeros(o._data.size, o._data.dtype)
            if off <= k < off + o._data.size:
                s[k - off] = 1
            off += o._data.size
            from .._tensor import _wrap
            seeds.append(_wrap(s.reshape(o._data.shape)))
        usable = [(o, s) for o, s in zip(outs, seeds) if o._rg]
        if not usable:
            rows.append(np.zeros(inputs[i]._data.size))
            continue
        g, = _grad([o for o, _ in usable], [inputs[i]], [s for _, s in usable], retain_graph=True, allow_unused=True)
        rows.append(np.zeros(inputs[i]._data.size) if g is None else g._data.reshape(-1).astype(np.float64))
    return np.array(rows).T       # (numel_in, numel_out)


def gradcheck(func, inputs, *, eps=1e-6, atol=1e-5, rtol=1e-3, raise_exception=True, **kwargs):
    """True if autograd's Jacobian matches central differences for every input needing grad."""
    from .._tensor import Tensor
    inputs = tuple(inputs) if isinstance(inputs, (tuple, list)) else (inputs,)
    for i, x in enumerate(inputs):
        if not (isinstance(x, Tensor) and x._rg):
            continue
        num = _numerical(func, inputs, i, eps)
        ana = _analytical(func, inputs, i)
        if not np.allclose(ana, num, rtol=rtol, atol=atol):
            if raise_exception:
                bad = np.unravel_index(np.argmax(np.abs(ana - num)), num.shape)
                raise GradcheckError(f"Jacobian mismatch for output 0 with respect to input {i},\n"
                                     f"numerical:{num}\nanalytical:{ana}\n(largest difference at {bad}: "
                                     f"numerical {num[bad]} vs analytical {ana[bad]})")
            return False
    return True


def gradgradcheck(func, inputs, grad_outputs=None, *, eps=1e-6, atol=1e-5, rtol=1e-3, raise_exception=True,
                  **kwargs):
    """gradcheck of the first derivative (built with create_graph=True)."""
    from . import grad as _grad
    from .._tensor import Tensor, _wrap
    inputs = tuple(inputs) if isinstance(inputs, (tuple, list)) else (inputs,)
    diff = [x for x in inputs if isinstance(x, Tensor) and x._rg]
    outs = _outs(func(*inputs))
    rng = np.random.default_rng(0)
    gos = [_wrap(rng.standard_normal(o._data.shape).astype(o._data.dtype)) for o in outs]

    def first(*xs):
        os = _outs(func(*xs))
        d = [x for x in xs if isinstance(x, Tensor) and x._rg]
        return _grad(os, d, gos, create_graph=True, allow_unused=True)
    return gradcheck(first, inputs, eps=eps, atol=atol, rtol=rtol, raise_exception=raise_exception)
