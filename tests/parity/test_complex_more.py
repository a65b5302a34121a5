"""More complex-input parity: ops torch refuses for complex tensors (special functions, bitwise ops,
nan-reductions, searching, pooling, normalisation, losses ...) raise its errors, and the ones it
computes (silu, logcumsumexp, Tensor.isreal, float()/int() of a one-element tensor) give its values."""
import warnings

import numpy as np
import pytest
import torch

import glasstorch
from ._helpers import same_error

_X = np.array([1 + 2j, -3 + 0.5j, 2 - 1j])
_IMG = np.arange(16).reshape(1, 1, 4, 4) * (1 + 0.5j)
DTYPES = ["complex64", "complex128"]
F = "nn.functional"


def _f(t):
    return t.nn.functional


REFUSED = {
    # special functions
    "lgamma": lambda t, x: x.lgamma(), "lgamma_": lambda t, x: x.clone().lgamma_(), "digamma": lambda t, x: x.digamma(),
    "polygamma1": lambda t, x: t.polygamma(1, x), "polygamma2": lambda t, x: x.polygamma(2),
    "mvlgamma": lambda t, x: t.mvlgamma(x, 2), "i0": lambda t, x: t.i0(x), "i0_": lambda t, x: x.clone().i0_(),
    "erfcx": lambda t, x: t.special.erfcx(x), "ndtri": lambda t, x: t.special.ndtri(x),
    "i0e": lambda t, x: t.special.i0e(x), "i1": lambda t, x: t.special.i1(x), "i1e": lambda t, x: t.special.i1e(x),
    "log_ndtr": lambda t, x: t.special.log_ndtr(x), "entr": lambda t, x: t.special.entr(x),
    "zeta": lambda t, x: t.special.zeta(x, 2.), "zeta_t": lambda t, x: t.special.zeta(t.ones(3), x),
    "gammaln": lambda t, x: t.special.gammaln(x), "psi": lambda t, x: t.special.psi(x),
    "multigammaln": lambda t, x: t.special.multigammaln(x, 1), "xlog1py": lambda t, x: t.special.xlog1py(x, x),
    "gammainc": lambda t, x: t.special.gammainc(x, x), "igammac": lambda t, x: t.igammac(t.ones(3), x),
    "logit": lambda t, x: x.logit(), "logit_eps": lambda t, x: t.special.logit(x, 0.1),
    "logit_": lambda t, x: x.clone().logit_(),
    # sign tests, heaviside
    "signbit": lambda t, x: x.signbit(), "isposinf": lambda t, x: x.isposinf(), "isneginf": lambda t, x: t.isneginf(x),
    "heaviside": lambda t, x: t.heaviside(x, x), "heaviside_real_values": lambda t, x: x.heaviside(t.tensor(1.)),
    # bitwise
    "and": lambda t, x: x & x, "or": lambda t, x: x | 1, "xor": lambda t, x: x ^ x, "invert": lambda t, x: ~x,
    "lshift": lambda t, x: x << 1, "rshift": lambda t, x: x >> 1, "bitwise_not": lambda t, x: t.bitwise_not(x),
    "bitwise_and_": lambda t, x: x.clone().bitwise_and_(x), "iand": lambda t, x: x.clone().__iand__(x),
    "bitwise_left_shift": lambda t, x: t.bitwise_left_shift(x, x),
    # rounding division
    "div_floor": lambda t, x: t.div(x, x, rounding_mode="floor"), "div_trunc": lambda t, x: x.div(2, rounding_mode="trunc"),
    # nan-reductions, searching, membership
    "nansum": lambda t, x: x.nansum(), "nansum_dim": lambda t, x: t.nansum(x, 0), "nanmean": lambda t, x: x.nanmean(),
    "searchsorted": lambda t, x: t.searchsorted(x, x), "searchsorted_real_seq": lambda t, x: t.searchsorted(t.ones(2), x),
    "searchsorted_scalar": lambda t, x: t.searchsorted(x, 1.), "bucketize": lambda t, x: t.bucketize(x, x),
    "isin": lambda t, x: t.isin(x, x), "isin_number": lambda t, x: t.isin(x, 1), "isin_test": lambda t, x: t.isin(t.ones(2), x),
    "isin_complex_number": lambda t, x: t.isin(t.ones(2), 1j),
    # scatter/index reductions
    "scatter_amax": lambda t, x: x.scatter_reduce(0, t.tensor([0, 1, 0]), x, "amax"),
    "scatter_amin": lambda t, x: x.scatter_reduce(0, t.tensor([0, 1, 0]), x, "amin", include_self=False),
    "scatter_grad": lambda t, x: x.detach().scatter_reduce(0, t.tensor([0, 1, 0]), x.requires_grad_(), "sum"),
    "index_reduce_prod": lambda t, x: x.index_reduce(0, t.tensor([0, 1, 0]), x, "prod"),
    "index_reduce_amax": lambda t, x: x.index_reduce(0, t.tensor([0, 1, 0]), x, "amax"),
    # statistics
    "quantile": lambda t, x: x.quantile(0.5), "nanquantile": lambda t, x: x.nanquantile(0.5),
    "histogram": lambda t, x: t.histogram(x),
    # losses
    "mse_loss": lambda t, x: _f(t).mse_loss(x, x * 2), "mse_real_input": lambda t, x: _f(t).mse_loss(x.real, x),
    "smooth_l1": lambda t, x: _f(t).smooth_l1_loss(x, x), "huber": lambda t, x: _f(t).huber_loss(x, x),
    "bce": lambda t, x: _f(t).binary_cross_entropy(x, x), "bce_real_target": lambda t, x: _f(t).binary_cross_entropy(x, x.real),
    "bce_logits": lambda t, x: _f(t).binary_cross_entropy_with_logits(x, x), "kl_div": lambda t, x: _f(t).kl_div(x, x, reduction="sum"),
    "nll": lambda t, x: _f(t).nll_loss(x[None], t.tensor([0])),
    "cosine_similarity": lambda t, x: _f(t).cosine_similarity(x[None], x[None]),
    "multi_margin": lambda t, x: _f(t).multi_margin_loss(x[None], t.tensor([0])),
    "silu_grad": lambda t, x: _f(t).silu(x.requires_grad_()),
    # scalars
    "float": lambda t, x: float(x[:1]), "int": lambda t, x: int(x[:1]), "int_nan": lambda t, x: int(x[:1].real / 0 + 0j),
}

IMG_REFUSED = {
    "avg_pool1d": lambda t, x: _f(t).avg_pool1d(x[0], 2), "avg_pool2d": lambda t, x: _f(t).avg_pool2d(x, 2),
    "avg_pool3d": lambda t, x: _f(t).avg_pool3d(x[None], (1, 2, 2)), "max_pool1d": lambda t, x: _f(t).max_pool1d(x[0], 2),
    "max_pool1d_indices": lambda t, x: _f(t).max_pool1d(x[0], 2, return_indices=True),
    "max_pool2d": lambda t, x: _f(t).max_pool2d(x, 2), "max_pool3d": lambda t, x: _f(t).max_pool3d(x[None], (1, 2, 2)),
    "adaptive_avg_pool1d": lambda t, x: _f(t).adaptive_avg_pool1d(x[0], 2),
    "adaptive_avg_pool2d": lambda t, x: _f(t).adaptive_avg_pool2d(x, 2),
    "adaptive_avg_pool3d": lambda t, x: _f(t).adaptive_avg_pool3d(x[None], 2),
    "adaptive_max_pool1d": lambda t, x: _f(t).adaptive_max_pool1d(x[0], 2),
    "adaptive_max_pool2d": lambda t, x: _f(t).adaptive_max_pool2d(x, 2),
    "adaptive_max_pool3d": lambda t, x: _f(t).adaptive_max_pool3d(x[None], 2),
    "nearest1d": lambda t, x: _f(t).interpolate(x[0], scale_factor=2), "nearest2d": lambda t, x: _f(t).interpolate(x, scale_factor=2),
    "nearest3d": lambda t, x: _f(t).interpolate(x[None], scale_factor=2),
    "nearest_exact1d": lambda t, x: _f(t).interpolate(x[0], scale_factor=2, mode="nearest-exact"),
    "nearest_exact2d": lambda t, x: _f(t).interpolate(x, scale_factor=2, mode="nearest-exact"),
    "linear": lambda t, x: _f(t).interpolate(x[0], scale_factor=2, mode="linear"),
    "bilinear": lambda t, x: _f(t).interpolate(x, scale_factor=2, mode="bilinear"),
    "bilinear_aa": lambda t, x: _f(t).interpolate(x, scale_factor=2, mode="bilinear", antialias=True),
    "bicubic": lambda t, x: _f(t).interpolate(x, scale_factor=2, mode="bicubic"),
    "trilinear": lambda t, x: _f(t).interpolate(x[None], scale_factor=2, mode="trilinear"),
    "area": lambda t, x: _f(t).interpolate(x, size=2, mode="area"),
    "batch_norm": lambda t, x: _f(t).batch_norm(x, None, None, training=True),
    "batch_norm_eval": lambda t, x: _f(t).batch_norm(x, t.zeros(1, dtype=x.dtype), t.ones(1, dtype=x.dtype)),
    "instance_norm": lambda t, x: _f(t).instance_norm(x), "group_norm": lambda t, x: _f(t).group_norm(x, 1),
    "layer_norm": lambda t, x: _f(t).layer_norm(x, (4,)),
    "local_response_norm3": lambda t, x: _f(t).local_response_norm(x[0], 2),
}


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name", sorted(REFUSED))
def test_refused_like_torch(name, dtype):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        same_error(lambda t: REFUSED[name](t, t.from_numpy(_X.astype(dtype))))


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name", sorted(IMG_REFUSED))
def test_nn_refused_like_torch(name, dtype):
    same_error(lambda t: IMG_REFUSED[name](t, t.from_numpy(_IMG.astype(dtype))))


def test_integer_dtype_names_in_messages():
    """(fixed with the complex names: torch's type names, not NumPy's, and quantile's own message)"""
    same_error(lambda t: t.histogram(t.tensor([1, 2], dtype=t.int32)))
    same_error(lambda t: t.tensor([1, 2]).nanquantile(0.5))
    same_error(lambda t: _f(t).cosine_similarity(t.ones(1, 2, dtype=t.long), t.ones(1, 2, dtype=t.long)))


_SPECIAL = np.array([[1 + 2j, -3 + 0.5j, 2 - 1j], [np.inf, 1 + 1j, -np.inf], [-np.inf, -np.inf + 1j, 2 + 2j],
                     [1 + 1j, 1 - 1j, 1 + 3j], [0.3 + 1j, 0.3 - 2.5j, 0.3 + 0.1j], [np.nan, 1, 2],
                     [np.inf + 1j, np.inf - 2j, 1]])


@pytest.mark.parametrize("dtype", DTYPES)
def test_logcumsumexp_values(dtype):
    """torch's complex step (ties, infinities, nan); complex64 bit for bit, complex128 within 1 ulp
    (NumPy's complex exp can round differently from the C++ library's)."""
    rs = np.random.RandomState(0)
    a = np.concatenate([_SPECIAL, rs.randn(8, 3) * 3 + 1j * rs.randn(8, 3) * 3]).astype(dtype)
    for dim in (0, 1):
        r_t = torch.from_numpy(a).logcumsumexp(dim).numpy()
        r_g = glasstorch.from_numpy(a).logcumsumexp(dim).numpy()
        if dtype == "complex64":
            np.testing.assert_array_equal(r_g, r_t)
        else:
            np.testing.assert_allclose(r_g, r_t, rtol=1e-15, atol=0)


def test_logcumsumexp_grad():
    rs = np.random.RandomState(1)
    a = rs.randn(3, 4) + 1j * rs.randn(3, 4)
    g = rs.randn(3, 4) + 1j * rs.randn(3, 4)
    grads = []
    for m in (torch, glasstorch):
        x = m.from_numpy(a.copy()).requires_grad_(True)
        y = x.logcumsumexp(1)
        assert type(y.grad_fn).__name__ == "LogcumsumexpBackward0"
        y.backward(m.from_numpy(g.copy()))
        grads.append(x.grad.resolve_conj().numpy())
    np.testing.assert_allclose(grads[1], grads[0], rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("dtype", DTYPES)
def test_silu_values(dtype):
    a = np.concatenate([_SPECIAL[0], np.random.RandomState(2).randn(20) * 4 + 3j]).astype(dtype)
    r_t = torch.nn.functional.silu(torch.from_numpy(a)).numpy()
    r_g = glasstorch.nn.functional.silu(glasstorch.from_numpy(a)).numpy()
    np.testing.assert_allclose(r_g, r_t, rtol=4e-7 if dtype == "complex64" else 1e-15, atol=0)


@pytest.mark.parametrize("dtype", DTYPES)
def test_isreal_and_python_numbers(dtype):
    a = np.array([1 + 0j, 2j, -0.5 + 0j, np.nan + 0j]).astype(dtype)
    for m in (torch, glasstorch):
        x = m.from_numpy(a.copy())
        assert x.isreal().tolist() == [True, False, True, True]
    for i in (0, 2, 3):
        vt, vg = torch.from_numpy(a[i:i + 1].copy()), glasstorch.from_numpy(a[i:i + 1].copy())
        assert float(vt) == float(vg) or (np.isnan(float(vt)) and np.isnan(float(vg)))
        assert complex(vt) == complex(vg) or i == 3
        assert bool(vt) == bool(vg)
    assert int(torch.from_numpy(a[:1].copy())) == int(glasstorch.from_numpy(a[:1].copy()))


def test_scatter_reduce_mean_complex():
    idx = np.array([0, 1, 0])
    for inc in (True, False):
        r = [m.from_numpy(_X.copy()).scatter_reduce(0, m.from_numpy(idx), m.from_numpy(_X * 2), "mean",
                                                       include_self=inc).numpy() for m in (torch, glasstorch)]
        np.testing.assert_allclose(r[1], r[0], rtol=1e-15)


def test_complex_to_real_warning_text():
    """``x.to(float32)`` of a complex tensor warns with torch's text (once per process, as torch)."""
    glasstorch.set_warn_always(True)
    torch.set_warn_always(True)
    try:
        msgs = []
        for m in (torch, glasstorch):
            with warnings.catch_warnings(record=True) as w:
                warnings.simplefilter("always")
                m.from_numpy(_X.copy()).to(m.float32)
            msgs.append([str(v.message) for v in w if "imaginary" in str(v.message)])
        assert msgs[0] == msgs[1] and len(msgs[0]) == 1
    finally:
        glasstorch.set_warn_always(False)
        torch.set_warn_always(False)
