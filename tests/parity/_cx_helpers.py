"""Parity helpers for complex tensors: inputs that require grad when float or complex, tolerant value
comparison, and a random complex upstream gradient where the output is complex."""
import numpy as np
import torch

import glasstorch
from tests.parity._helpers import MODS, grad_fn_name

RS = np.random.RandomState(0)


def cx(*shape, dtype=np.complex128, rs=RS):
    return (rs.randn(*shape) + 1j * rs.randn(*shape)).astype(dtype)


def real(*shape, dtype=np.float64, rs=RS):
    return rs.randn(*shape).astype(dtype)


def cx_same(fn, arrays, rtol=1e-6, atol=1e-6, grad=True, seed=0):
    """``fn(t, *inputs)`` on both libraries: values, dtype, grad_fn; then the inputs' gradients for a
    random (complex where the output is complex) upstream gradient."""
    ins = {m: [m.from_numpy(a.copy()).requires_grad_(grad and a.dtype.kind in "fc") if isinstance(a, np.ndarray)
               else a for a in arrays] for m in MODS}
    outs = {m: fn(m, *ins[m]) for m in MODS}
    o_t, o_g = outs[torch], outs[glasstorch]
    assert str(o_t.dtype) == str(o_g.dtype), (o_t.dtype, o_g.dtype)
    assert tuple(o_t.shape) == tuple(o_g.shape)
    assert grad_fn_name(o_t) == grad_fn_name(o_g), (grad_fn_name(o_t), grad_fn_name(o_g))
    assert o_t.is_conj() == o_g.is_conj()
    np.testing.assert_allclose(o_g.detach().resolve_conj().numpy(), o_t.detach().resolve_conj().numpy(),
                               rtol=rtol, atol=atol)
    if not (grad and o_t.requires_grad):
        return
    rng = np.random.default_rng(seed)
    up = rng.standard_normal(o_t.shape)
    if o_t.is_complex():
        up = up + 1j * rng.standard_normal(o_t.shape)
    up = np.asarray(up).astype(o_t.detach().resolve_conj().numpy().dtype)
    o_t.backward(torch.from_numpy(up.copy()))
    o_g.backward(glasstorch.from_numpy(up.copy()))
    for a_t, a_g in zip(ins[torch], ins[glasstorch]):
        if isinstance(a_t, torch.Tensor) and a_t.requires_grad:
            assert str(a_t.grad.dtype) == str(a_g.grad.dtype)
            np.testing.assert_allclose(a_g.grad.resolve_conj().numpy(), a_t.grad.resolve_conj().numpy(),
                                       rtol=rtol, atol=atol)
