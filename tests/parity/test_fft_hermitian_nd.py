"""torch.fft.hfft2 / hfftn / ihfft2 / ihfftn against torch: values (to rounding: torch's CPU FFT is MKL,
NumPy's pocketfft), dtypes, shapes, grad_fn names, lazy-conj flags, gradients, errors; plus float64
numerical gradient checks without torch."""
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import glasstorch as gt
from glasstorch.autograd.gradcheck import gradcheck
from tests.parity._helpers import same_error
from tests.parity._cx_helpers import cx, real, cx_same

CASES = {
    "hfft2": (lambda t, x: t.fft.hfft2(x), "c"),
    "hfft2_s": (lambda t, x: t.fft.hfft2(x, s=(3, 7), norm="ortho"), "c"),
    "hfft2_s_minus1": (lambda t, x: t.fft.hfft2(x, s=(5, -1), norm="forward"), "c"),
    "hfft2_dims": (lambda t, x: t.fft.hfft2(x, dim=(-1, 0)), "c"),
    "hfft2_real_in": (lambda t, x: t.fft.hfft2(x), "r"),
    "hfftn_all": (lambda t, x: t.fft.hfftn(x), "c"),
    "hfftn_one_dim": (lambda t, x: t.fft.hfftn(x, dim=0, norm="ortho"), "c"),
    "hfftn_s_only": (lambda t, x: t.fft.hfftn(x, s=(4,)), "c"),
    "hfftn_3d": (lambda t, x: t.fft.hfftn(x.reshape(2, 2, 6), s=(3, 2, 5), dim=(2, 0, 1)), "c"),
    "ihfft2": (lambda t, x: t.fft.ihfft2(x), "r"),
    "ihfft2_s": (lambda t, x: t.fft.ihfft2(x, s=(6, 3), norm="forward"), "r"),
    "ihfft2_dims": (lambda t, x: t.fft.ihfft2(x, dim=(1, 0), norm="ortho"), "r"),
    "ihfftn_all": (lambda t, x: t.fft.ihfftn(x), "r"),
    "ihfftn_one_dim": (lambda t, x: t.fft.ihfftn(x, dim=0), "r"),     # a lazy conjugate, ConjBackward0
    "ihfftn_s": (lambda t, x: t.fft.ihfftn(x, s=(2, 9)), "r"),
    "ihfftn_int": (lambda t, x: t.fft.ihfftn((x * 3).long().to(x.dtype)), "r"),
    "roundtrip": (lambda t, x: t.fft.hfft2(t.fft.ihfft2(x), s=(4, 6)), "r"),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_float64(name):
    fn, kind = CASES[name]
    cx_same(fn, [real(4, 6) if kind == "r" else cx(4, 6)], rtol=1e-9, atol=1e-10)


@pytest.mark.parametrize("name", sorted(CASES))
def test_float32(name):
    fn, kind = CASES[name]
    x = real(4, 6, dtype=np.float32) if kind == "r" else cx(4, 6, dtype=np.complex64)
    cx_same(fn, [x], rtol=2e-5, atol=2e-5)


@settings(max_examples=40, deadline=None)
@given(st.integers(1, 6), st.integers(1, 7), st.one_of(st.none(), st.tuples(st.integers(1, 8), st.integers(1, 9))),
       st.sampled_from([None, "forward", "ortho", "backward"]), st.booleans())
def test_sizes(rows, cols, s, norm, inverse):
    if inverse:
        cx_same(lambda t, a: t.fft.ihfft2(a, s=s, norm=norm), [real(rows, cols)], rtol=1e-9, atol=1e-10)
    elif s is not None or cols > 1:
        cx_same(lambda t, a: t.fft.hfft2(a, s=s, norm=norm), [cx(rows, cols)], rtol=1e-9, atol=1e-9)


def test_integer_input():
    cx_same(lambda t, a: t.fft.ihfftn(t.tensor([[1, 2, 3], [4, 5, 7]])) + a, [cx(1, 2)], rtol=1e-6, atol=1e-6)
    cx_same(lambda t, a: t.fft.hfft2(t.tensor([[1, 2, 3], [4, 5, 7]])) + a, [real(1, 4)], rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize("f", [
    lambda t: t.fft.ihfft2(t.ones(3, 3, dtype=t.cfloat)), lambda t: t.fft.ihfftn(t.ones(2, 3, dtype=t.cdouble)),
    lambda t: t.fft.hfftn(t.ones(3, 3, dtype=t.cfloat), dim=()), lambda t: t.fft.ihfftn(t.ones(3), dim=()),
    lambda t: t.fft.hfft2(t.ones(3, 1, dtype=t.cfloat)), lambda t: t.fft.hfftn(t.ones(3, 3), s=(2, 3, 4)),
    lambda t: t.fft.hfft2(t.ones(3, 3), norm="bad"), lambda t: t.fft.ihfft2(t.ones(3, 3), s=(0, 3)),
    lambda t: t.fft.hfft2(t.ones(3, 3), dim=(0, 0)), lambda t: t.fft.hfftn(t.tensor(1j)),
    lambda t: t.fft.ihfftn(t.tensor(1.0)), lambda t: t.fft.ihfft2(t.ones(3)), lambda t: t.fft.hfft2(t.ones(3)),
    lambda t: t.fft.ihfftn(t.ones(3, 3), s=(2, 2), dim=(0,)), lambda t: t.fft.hfftn(t.ones(3, 3), dim=(0, 5)),
])
def test_errors(f):
    same_error(f)


def test_module_lists_them():
    import torch
    for name in ("hfft2", "ihfft2", "hfftn", "ihfftn"):
        assert name in gt.fft.__all__ and hasattr(torch.fft, name)


# ---- numerical gradients (float64, glasstorch alone; real leaves and real outputs) ---------------------
GRADCHECK = [
    ("hfft2", lambda a, b: gt.fft.hfft2(gt.complex(a, b), s=(3, 6)), [real(3, 4), real(3, 4)]),
    ("hfftn", lambda a, b: gt.fft.hfftn(gt.complex(a, b), norm="ortho"), [real(2, 3, 3), real(2, 3, 3)]),
    ("hfft2_real", lambda a: gt.fft.hfft2(a, norm="forward"), [real(3, 4)]),
    ("ihfft2", lambda x: gt.view_as_real(gt.fft.ihfft2(x, s=(4, 5))), [real(3, 5)]),
    ("ihfftn", lambda x: gt.view_as_real(gt.fft.ihfftn(x, dim=(0, 2), norm="forward")), [real(2, 3, 4)]),
    ("ihfftn_one_dim", lambda x: gt.fft.ihfftn(x, dim=1).imag, [real(2, 5)]),
]


@pytest.mark.parametrize("name,fn,arrays", GRADCHECK, ids=[c[0] for c in GRADCHECK])
def test_gradcheck(name, fn, arrays):
    xs = tuple(gt.from_numpy(a.copy()).requires_grad_() for a in arrays)
    assert gradcheck(fn, xs, eps=1e-6, atol=1e-6)
