"""Complex input to ops that torch defines on real numbers only: the same error as torch (NumPy would
answer, ordering complex numbers lexicographically, or fail with its own TypeError); and the
reductions torch does define on complex (logsumexp, var, std) give its values."""
import numpy as np
import pytest

from ._helpers import same_error, same_on_both

_X = np.array([1 + 2j, -3 + 0.5j, 2 - 1j])
_Y = np.array([[1 + 2j, -3 + 0.5j], [2 - 1j, 0.5 + 0.5j]])
DTYPES = ["complex64", "complex128"]

REFUSED = {
    # ordering comparisons and the binary extremes
    "lt": lambda t, x: x < x, "gt_number": lambda t, x: x > 1, "le": lambda t, x: x.le(x),
    "ge": lambda t, x: t.ge(x, x), "lt_real": lambda t, x: t.lt(x, x.real), "lt_": lambda t, x: x.lt_(x),
    "ge_": lambda t, x: x.clone().ge_(1), "maximum": lambda t, x: t.maximum(x, x),
    "minimum": lambda t, x: t.minimum(x, x), "fmax": lambda t, x: t.fmax(x, x), "fmin": lambda t, x: t.fmin(x, x),
    "max_other": lambda t, x: t.max(x, x),
    # reductions and order statistics
    "max": lambda t, x: x.max(), "min": lambda t, x: x.min(), "max_dim": lambda t, x: x.max(0),
    "min_dim": lambda t, x: t.min(x, 0, keepdim=True), "argmax": lambda t, x: x.argmax(),
    "argmin_dim": lambda t, x: x.argmin(0), "amax": lambda t, x: x.amax(), "amin_dim": lambda t, x: x.amin(0),
    "aminmax": lambda t, x: x.aminmax(), "cummax": lambda t, x: x.cummax(0), "cummin": lambda t, x: x.cummin(0),
    "median": lambda t, x: x.median(), "median_dim": lambda t, x: x.median(0),
    "nanmedian": lambda t, x: x.nanmedian(), "kthvalue": lambda t, x: x.kthvalue(1),
    "mode": lambda t, x: x.mode(), "unique": lambda t, x: x.unique(), "unique_dim": lambda t, x: x.unique(dim=0),
    "unique_consecutive": lambda t, x: t.unique_consecutive(x), "bincount": lambda t, x: t.bincount(x),
    "histc": lambda t, x: t.histc(x), "histc_range": lambda t, x: t.histc(x, min=0, max=1),
    "sort": lambda t, x: x.sort(), "sort_stable": lambda t, x: t.sort(x, stable=True),
    "argsort": lambda t, x: x.argsort(), "msort": lambda t, x: x.msort(), "topk": lambda t, x: x.topk(1),
    # clamp and its users
    "relu": lambda t, x: x.relu(), "F.relu": lambda t, x: t.nn.functional.relu(x), "relu_": lambda t, x: x.relu_(),
    "clamp": lambda t, x: x.clamp(0, 1), "clamp_min": lambda t, x: x.clamp_min(0),
    "clamp_max": lambda t, x: x.clamp_max(0), "clip": lambda t, x: x.clip(0, 1), "clamp_": lambda t, x: x.clamp_(0),
    "clamp_tensor": lambda t, x: t.clamp(x, min=t.tensor(0.)),
    "hardtanh": lambda t, x: t.nn.functional.hardtanh(x), "relu6": lambda t, x: t.nn.functional.relu6(x),
    "threshold": lambda t, x: t.nn.functional.threshold(x, 0.5, 0.), "glu": lambda t, x: t.nn.functional.glu(x),
    "prelu": lambda t, x: t.nn.functional.prelu(x, t.tensor([0.1], dtype=x.dtype)),
    # rounding, modulo, real-only functions
    "floor": lambda t, x: x.floor(), "ceil": lambda t, x: x.ceil(), "trunc": lambda t, x: x.trunc(),
    "fix": lambda t, x: x.fix(), "floor_": lambda t, x: x.floor_(), "round": lambda t, x: x.round(),
    "round_decimals": lambda t, x: x.round(decimals=1), "frac": lambda t, x: x.frac(),
    "fmod": lambda t, x: t.fmod(x, x), "fmod_number": lambda t, x: t.fmod(x, 2),
    "remainder": lambda t, x: t.remainder(x, x), "mod": lambda t, x: x % 2,
    "floordiv": lambda t, x: x // x, "floor_divide": lambda t, x: t.floor_divide(x, 2),
    "atan2": lambda t, x: t.atan2(x, x), "arctan2": lambda t, x: x.arctan2(x), "hypot": lambda t, x: t.hypot(x, x),
    "copysign": lambda t, x: t.copysign(x, x), "xlogy": lambda t, x: t.xlogy(x, x),
    "logaddexp2": lambda t, x: t.logaddexp2(x, x), "erf": lambda t, x: x.erf(), "erfc": lambda t, x: x.erfc(),
    "erfinv": lambda t, x: x.erfinv(), "special.erf": lambda t, x: t.special.erf(x),
    "sign": lambda t, x: x.sign(), "deg2rad": lambda t, x: x.deg2rad(), "rad2deg": lambda t, x: x.rad2deg(),
}


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name", sorted(REFUSED))
def test_refused_like_torch(name, dtype):
    fn = REFUSED[name]
    arr = (_Y if name == "glu" else _X).astype(dtype)
    same_error(lambda t: fn(t, t.from_numpy(arr.copy())))


VALUES = {
    "logsumexp": lambda t, x: x.logsumexp(0), "logsumexp_2d": lambda t, y: t.logsumexp(y, 1),
    "logsumexp_keepdim": lambda t, y: y.logsumexp(0, keepdim=True),
    "var": lambda t, x: x.var(), "var_dim": lambda t, y: y.var(1), "var_c0": lambda t, y: t.var(y, correction=0),
    "std_dim": lambda t, y: y.std(0, keepdim=True), "var_mean": lambda t, y: t.var_mean(y, 1),
    "std_mean": lambda t, y: t.std_mean(y), "logaddexp": lambda t, x: t.logaddexp(x, x.flip(0)),
}


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name", sorted(VALUES))
def test_complex_values(name, dtype):
    arr = (_Y if name in ("logsumexp_2d", "logsumexp_keepdim", "var_dim", "var_c0", "std_dim", "var_mean",
                          "std_mean") else _X).astype(dtype)
    rtol = 2e-7 if dtype == "complex64" else 1e-15     # (float32 std: torch's sqrt is not always exact)
    same_on_both(lambda t, x: VALUES[name](t, x), [arr], grad=False, rtol=rtol, atol=0)


def test_complex_std_and_grad():
    """var/std/logsumexp of a complex tensor that requires grad: torch's complex gradient."""
    import torch
    import glasstorch
    grads = []
    for t in (torch, glasstorch):
        y = t.from_numpy(_Y.astype(np.complex128)).requires_grad_(True)
        (y.logsumexp(1).abs().sum() + y.var(0).sum() * 0.3 + y.std()).backward()
        grads.append(y.grad.numpy())
    np.testing.assert_allclose(grads[1], grads[0], rtol=1e-13, atol=1e-15)
