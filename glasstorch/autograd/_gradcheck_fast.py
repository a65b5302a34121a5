"""``gradcheck(fast_mode=True)``: one random projection ``v^T J u`` per (output, input) pair instead of
the whole Jacobian.

* ``u`` (per differentiable input) and ``v`` (per differentiable output) are uniform vectors of a fresh
  ``Generator()`` (so the program's own random numbers are untouched), normalised to unit length;
* numerically ``v . (f(x + eps u) - f(x - eps u)) / (2 eps)``, in the output's dtype;
* analytically ``(v^T J) . u``, one backward pass seeded with ``v``.

They must agree within ``atol * sum(u) * sum(v) + rtol * |numerical|``.  On a mismatch torch recomputes
the pair's Jacobians in slow mode for its message; comparing them (``torch.allclose``) raises torch's
``"Double did not match Float"`` when the output's dtype is not the input's.
"""
import numpy as np

_SLOW_OK = (
    "\nFast gradcheck failed but element-wise differences are small. This means that the\n"
    "test might've passed in slow_mode!\n\n"
    "If you are adding a new operator, please file an issue and then use one of the\n"
    "workarounds. The workaround depends on how your test invokes gradcheck/gradgradcheck:\n\n"
    "If the test\n"
    "- manually invokes gradcheck/gradgradcheck, then call gradcheck/gradgradcheck\n"
    "  with `fast_mode=False` as a keyword argument.\n"
    "- is OpInfo-based (e.g., in test_ops_gradients.py), then modify the OpInfo for the test\n"
    "  to have `gradcheck_fast_mode=False`\n"
    "- is a Module test (e.g., in common_nn.py), then modify the corresponding\n"
    "  module_test entry to have `gradcheck_fast_mode=False`").strip()


def _unit(t, gen):
    from .. import rand
    v = rand(t.numel(), generator=gen).to(dtype=t.dtype)
    v /= v.norm()
    return v


def _dot(a, b):
    """torch's _dot_with_type_promotion: ``(a * b).sum()``."""
    return (a * b).sum()


def check(func, inputs, func_out, diff, eps, atol, rtol, slow):
    """Raise (GradcheckError, or torch's RuntimeError) where a projection disagrees; ``slow(i, j)``
    gives the pair's slow-mode (numerical, analytical) Jacobians as arrays."""
    from . import grad as _grad
    from .. import Generator
    from .._tensor import _wrap
    from .gradcheck import GradcheckError, _is_diff, _outs
    gen = Generator()
    outs = [o for o in func_out if _is_diff(o)]
    us = {i: _unit(inputs[i], gen) for i in diff}
    vs = [_unit(o, gen) for o in outs]
    numerical = {}
    for i in diff:
        x = inputs[i]._data
        orig = x.copy()
        step = (us[i]._data * eps).reshape(x.shape)
        x[...] = orig - step
        minus = [o._data.copy() for o in _outs(func(*inputs))]
        x[...] = orig + step
        plus = [o._data.copy() for o in _outs(func(*inputs))]
        x[...] = orig
        ju = [_wrap(((p - m) / (2 * eps)).reshape(-1)) for p, m, o in zip(plus, minus, func_out) if _is_diff(o)]
        numerical[i] = [_dot(v, j) for v, j in zip(vs, ju)]
    for j, (o, v) in enumerate(zip(outs, vs)):
        gs = _grad([o], [inputs[i] for i in diff], [v.reshape(o.shape)], retain_graph=True, allow_unused=True)
        for i, g in zip(diff, gs):
            a = g.reshape(-1).dot(us[i]) if g is not None else us[i].new_zeros(())
            n = numerical[i][j]
            tol = atol * float(us[i].sum()) * float(v.sum())
            if np.allclose(a._data.astype(np.float64), n._data.astype(np.float64), rtol=rtol, atol=tol):
                continue
            sn, sa = slow(i, j)
            if sn.dtype != sa.dtype:
                from .._tensor_random import type_name
                raise RuntimeError(f"{type_name(sa.dtype)} did not match {type_name(sn.dtype)}")
            sn_t, sa_t = _wrap(sn), _wrap(sa)
            msg = (f"Jacobian mismatch for output {j:d} with respect to input {i:d},\n"
                   f"numerical:{n}\nanalytical:{a}\n"
                   "\nThe above quantities relating the numerical and analytical jacobians are computed \n"
                   "in fast mode. See: https://github.com/pytorch/pytorch/issues/53876 for more background \n"
                   "about fast mode. Below, we recompute numerical and analytical jacobians in slow mode:\n\n"
                   f"Numerical:\n {sn_t}\nAnalytical:\n{sa_t}\n\n"
                   f"The max per-element difference (slow mode) is: {(sn_t - sa_t).abs().max()}.\n")
            if np.allclose(sa, sn, rtol=rtol, atol=atol):
                msg += _SLOW_OK
            raise GradcheckError(msg)
