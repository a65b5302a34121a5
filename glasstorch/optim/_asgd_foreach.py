"""ASGD with ``foreach=True``: torch's ``_multi_tensor_asgd``, whose arithmetic is not the single-tensor
loop's (the same update, rounded differently), so glasstorch runs it as its own algorithm:

    g = -g if maximize
    d = g + wd * p + lambd * p         (two adds: ``g + wd*p``, then ``+ lambd*p``; without wd, one)
    p.addcmul_(d, eta, value=-1)       (the single-tensor loop: p *= 1 - lambd*eta, then p -= eta*g)
    ax.addcmul_(p - ax, mu)            (always: the single-tensor loop copies p when mu is 1)
    eta = lr / (1 + lambd*lr*step)**alpha in float32 tensor arithmetic on the step tensor,
    mu = 1 / max(1, step - t0) from its value (both float32 state)

torch groups the tensors by device and dtype and runs each op over a group; every op is elementwise,
so parameter by parameter gives the same numbers.
"""
from .._tensor import _wrap
from ..autograd.grad_mode import no_grad
from ._functional import get_value, incr


def _real(t):
    from .. import view_as_real
    return view_as_real(t) if t.is_complex() else t


def asgd_foreach(params, grads, axs, mus, etas, state_steps, *, lambd, lr, t0, alpha, weight_decay, maximize):
    with no_grad():
        for p, g, ax, mu, eta, step_t in zip(params, grads, axs, mus, etas, state_steps):
            p, g, ax = _real(p), _real(g), _real(ax)
            if maximize:
                g = -g
            incr(step_t)
            if weight_decay != 0:
                d = g.add_(p, alpha=weight_decay) if maximize else g.add(p, alpha=weight_decay)
                d.add_(p, alpha=lambd)
            else:
                d = g.add(p, alpha=lambd)
            p.addcmul_(d, _wrap(eta._data), value=-1)
            ax.addcmul_(p.sub(ax), _wrap(mu._data))
            # torch computes eta from the float32 step tensor (tensor arithmetic), mu from its value
            eta._data[...] = (lr / ((1 + lambd * lr * step_t) ** alpha))._data
            mu._data[...] = 1 / max(1, get_value(step_t) - t0)
            eta._vc[0] += 1
            mu._vc[0] += 1
