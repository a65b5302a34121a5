"""gradcheck's ``check_forward_ad=True``: the Jacobian taken with forward-mode AD against central differences.

As torch's slow gradcheck: every differentiable input becomes a dual tensor (``make_dual``) with a
zero tangent except one 1 at element ``k`` of input ``i``; one call of the function per such
``e_k`` gives column ``k`` of ``J_i`` as the outputs' tangents (``J[k, :] = d y / d x_i[k]``).
The central differences are taken again for this check (torch recomputes them), and the two must
agree within ``atol + rtol * |numerical|``.  Then, unless ``check_undefined_grad=False``, each input
in turn is given once a zero tangent and once none at all: the outputs' tangents must agree.

This is where a custom Function's ``jvp`` gets checked, separately from its backward.
"""
import numpy as np


def _fw_columns(func, inputs, diff, i, n_out):
    """J_i per float output (numel of input i, numel of that output), one column per call."""
    from . import forward_ad as fwAD
    from .._tensor import Tensor, _wrap
    x = inputs[i]
    jac = None
    for k in range(x._data.size):
        with fwAD.dual_level():
            duals = list(inputs)
            for d in diff:
                t = np.zeros(inputs[d]._data.shape, inputs[d]._data.dtype)
                if d == i:
                    t.reshape(-1)[k] = 1
                duals[d] = fwAD.make_dual(inputs[d].detach(), _wrap(t))
            raw = func(*duals)
            outs = [o for o in (raw if isinstance(raw, (tuple, list)) else (raw,))
                    if isinstance(o, Tensor) and (o.is_floating_point() or o.is_complex())]
            if jac is None:
                jac = [np.zeros((x._data.size, o._data.size), o._data.dtype) for o in outs]
            for j, o in enumerate(outs[:len(jac)]):
                tan = fwAD.unpack_dual(o).tangent
                if tan is not None:
                    jac[j][k] = tan.detach()._data.reshape(-1)
    return jac if jac is not None else [np.zeros((0, 0))] * n_out


def check(func, inputs, diff, func_out, eps, atol, rtol, numerical, check_undefined):
    """Raise torch's GradcheckError where the forward-mode Jacobian and central differences disagree."""
    from .gradcheck import GradcheckError, _is_diff
    from .._tensor import _wrap
    at = [k for k, o in enumerate(func_out) if _is_diff(o)]
    num = {i: numerical(func, inputs, i, eps, func_out) for i in diff}
    ana = {i: _fw_columns(func, inputs, diff, i, len(func_out)) for i in diff}
    for j, o_at in enumerate(at):                # torch: output by output, then input by input
        for i in diff:
            n = num[i][o_at]
            a = ana[i][j] if j < len(ana[i]) else np.zeros_like(n)
            if not np.allclose(a, n, rtol=rtol, atol=atol):
                raise GradcheckError(f"Jacobian computed with forward mode mismatch for output {j} with respect "
                                     f"to input {i},\nnumerical:{_wrap(n)!r}\nanalytical:{_wrap(a)!r}\n")
    if check_undefined:
        _undefined_tangents(func, inputs, diff)


def _undefined_tangents(func, inputs, diff):
    """torch's _test_undefined_forward_mode: a zero tangent and no tangent give the same output tangents."""
    from . import forward_ad as fwAD
    from .gradcheck import GradcheckError
    from .._tensor import Tensor, _wrap
    rng = np.random.default_rng(0)
    with fwAD.dual_level():
        duals = list(inputs)
        for d in diff:
            u = rng.random(inputs[d]._data.shape).astype(inputs[d]._data.dtype)
            duals[d] = fwAD.make_dual(inputs[d].detach(), _wrap(u))
        for d in diff:
            keep = duals[d]
            duals[d] = fwAD.make_dual(inputs[d].detach(), _wrap(np.zeros_like(inputs[d]._data)))
            outs1 = _float_outs(func(*duals), Tensor)
            duals[d] = inputs[d].detach()
            outs2 = _float_outs(func(*duals), Tensor)
            duals[d] = keep
            for index_o, (o1, o2) in enumerate(zip(outs1, outs2)):
                r1, r2 = fwAD.unpack_dual(o1).tangent, fwAD.unpack_dual(o2).tangent
                if r1 is not None and r2 is not None and not bool(r1.allclose(r2)):
                    raise GradcheckError("Mismatch in tangent values for output with index: ", index_o,
                                         " when input: ", inputs[d], " has an undefined tangent value. ",
                                         " Got: ", r1, " but expected: ", r2)


def _float_outs(raw, Tensor):
    return [o for o in (raw if isinstance(raw, (tuple, list)) else (raw,))
            if isinstance(o, Tensor) and (o.is_floating_point() or o.is_complex())]
