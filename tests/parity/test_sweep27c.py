"""Parity pins for sweep27c (causal inference and econometrics programs).

Fixed in glasstorch:
- ``torch.geqrf`` handles complex input (it took the real part), empty matrices and batches (it
  crashed), refuses integer and bool input with torch's ``"geqrf_cpu" not implemented for 'Long'``,
  lays its ``a`` out column-major as LAPACK writes it, and records torch's ``GeqrfBackward0`` on
  both results (its backward raises "the derivative for 'geqrf' is not implemented.")
  (_linalg_geqrf.py);
- an ``out=`` tensor resized by an op takes the result's strides, as torch's structured kernels
  give it (``exp(x.t(), out=empty)`` is column-major, so are the LAPACK results written into an
  empty ``out``); the ops whose out= kernels copy into a contiguous ``out`` (cholesky_solve, fft,
  kron, quantile, special.ndtr, tensorinv, chain_matmul) keep the row-major resize (ops/_out.py);
- the same-dtype float hot path of ``mul``/``add``/``sub``/``div`` gives TensorIterator's layout (the
  first operand decides): ``mul(x.t(), y)`` is column-major as in torch, not row-major (ops/_common.py);
- pointwise results keep TensorIterator's layout for non-contiguous inputs: the Bessel and Airy
  functions, the orthogonal polynomials, i0/i0e/i1/i1e/ndtri, complex, polar, isreal and ldexp
  (they were always row-major), and logical_and/or/xor, gcd, lcm, nextafter of mixed layouts (NumPy's
  row-major pick); mvlgamma's is contiguous (torch's composite ends in a sum), so is rrelu's
  out-of-place result (torch's kernel writes it so); ldl_solve's is column-major (LAPACK's sytrs);
- the ``*_scatter`` ops clone their input with its layout; ``as_strided_scatter`` reads its geometry
  on that clone's memory, so on a transposed input it writes the elements torch writes (it wrote
  others), and refuses an input that requires grad and is not contiguous with torch's message;
- ``torch.linalg.householder_product`` and ``torch.ormqr`` of complex factors use v^H (they used v^T):
  values, and gradients in torch's complex convention; ``ormqr`` records torch's ``OrmqrBackward0``
  (it recorded SubBackward0), lays its result and its matrix gradients out column-major, and makes
  torch's argument checks in torch's order (tau's length equals min(other's rows, input's columns));
- out= dtype rules: ``complex``/``polar`` want the complex type of their inputs ("Expected object of
  scalar type ComplexFloat ... for argument 'out'"), ``float_power`` double or complex double,
  ``nonzero`` int64, with torch's messages (glasstorch cast or accepted anything);
- the functional in-place forms (``torch.acos_``, ``torch.exp_``, ...) take no ``out=`` or extra
  argument, refused with Python's message as torch's (``acos_`` silently ignored ``out=``);
- ``out=`` for ``torch.softmax`` / ``torch.log_softmax`` (dtype rule, an input requiring grad allowed
  with a NotImplemented node on out), ``torch.prod`` over a dim (computed in out's dtype; the no-dim
  overload refused with torch's parser message), ``torch.take`` and ``torch.narrow_copy`` (out of the
  input's dtype, torch's messages) (ops/_out_added.py);
- ``BinaryCrossEntropyBackward0`` / ``BinaryCrossEntropyWithLogitsBackward0`` have edges to input and
  target only (torch's differentiable inputs), not to weight / pos_weight; ``take_along_dim`` with a dim
  expands its input always (torch's GatherBackward0 -> ExpandBackward0);
- ``torch.full`` / ``full_like`` / ``Tensor.new_full`` refuse a fill value that is a tensor of one or more
  dims with torch's parser TypeError (a 0-d tensor is a Number); glasstorch filled with it or failed in NumPy;
- ``torch.digamma`` of a 0-d tensor is 0-d again (the fused multiply-add helper answers 1-d; a recent
  change to digamma's kernel gave shape [1], and Dirichlet's entropy with it) (ops/special_fns.py), and
  a 0-d float32 whose glibc logf is needed (log near a midpoint: digamma of 10.00008) no longer crashes
  (special_bessel._libm assigned into a NumPy scalar);
- ``polygamma(0, x)`` records torch's PolygammaBackward0 (it was digamma's node), ``x.polygamma_(n)``
  torch's PolygammaBackward1;
- ``torch.ldexp`` with an integer exponent raises torch's broadcast error (NumPy's ValueError leaked);
- ``torch.tensor`` / ``Tensor.new_tensor`` of a tensor or array keep its layout (torch copies with
  ``.to(copy=True)``), and the copy-construct warning names the user's line (_creation_copy.py).

The tests of the pointwise layouts and of the later items are in test_sweep27c_more.py.
"""
import warnings

import numpy as np
import pytest
import torch

import glasstorch
from glasstorch.autograd.gradcheck import gradcheck
from tests.parity._helpers import same_error, same_outcome


def _strides(out):
    return [o.stride() if hasattr(o, "stride") else o for o in (out if isinstance(out, (tuple, list)) else [out])]


def same_layout(fn, rtol=0.0, atol=0.0):
    """``fn(module)`` returns tensors (or a tuple of them): torch's values and strides, or torch's error."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            want = fn(torch)
        except Exception:       # noqa: BLE001 - torch's error is the expectation
            same_error(fn)
            return
        got = fn(glasstorch)
    assert _strides(got) == _strides(want), f"strides: torch {_strides(want)} vs glasstorch {_strides(got)}"
    same_outcome(fn, rtol, atol)


def _xt(m, dt=None):
    """A (4, 3) float32 tensor laid out column-major (the transpose of a contiguous (3, 4))."""
    return (m.arange(12, dtype=m.float32).reshape(3, 4) * 0.07 + 0.1).T


# ---- geqrf ---------------------------------------------------------------------------------------
GEQRF_SHAPES = [(4, 3), (3, 5), (2, 4, 3), (0, 3), (3, 0), (2, 0, 3), (0, 2, 3)]


@pytest.mark.parametrize("shape", GEQRF_SHAPES)
@pytest.mark.parametrize("dtype", ["float32", "float64", "complex64", "complex128"])
def test_geqrf_values_and_layout(shape, dtype):
    rng = np.random.default_rng(1)
    a = rng.standard_normal(shape)
    if dtype.startswith("complex"):
        a = a + 1j * rng.standard_normal(shape)
    a = a.astype(dtype)

    def fn(m):
        q, tau = m.geqrf(m.from_numpy(a.copy()))
        return q, tau
    tol = 1e-5 if dtype in ("float32", "complex64") else 1e-12      # (LAPACK builds round differently)
    same_layout(fn, tol, tol)
    same_outcome(lambda m: m.linalg.householder_product(*m.geqrf(m.from_numpy(a.copy())))
                 if shape[-2] >= shape[-1] else m.geqrf(m.from_numpy(a.copy()))[1], rtol=tol, atol=tol)


@pytest.mark.parametrize("dtype", ["int64", "int32", "bool", "float16"])
def test_geqrf_refuses_dtypes(dtype):
    same_error(lambda m: m.geqrf(m.ones(3, 3, dtype=getattr(m, dtype))))


def test_geqrf_rank_error_and_method():
    same_error(lambda m: m.geqrf(m.ones(3)))
    same_layout(lambda m: (_xt(m) + m.eye(4, 3)).geqrf(), 1e-5, 1e-6)


def test_geqrf_records_a_node_without_derivative():
    def fn(m):
        a = m.tensor([[2.0, 1.0], [1.0, 3.0], [0.5, -1.0]], dtype=m.float64, requires_grad=True)
        q, tau = m.geqrf(a)
        h = m.linalg.householder_product(q, tau)
        return (type(q.grad_fn).__name__, q.grad_fn is tau.grad_fn, q.requires_grad, tau.requires_grad,
                type(h.grad_fn).__name__)
    assert fn(torch) == fn(glasstorch)

    def backward(m):
        a = m.tensor([[2.0, 1.0], [1.0, 3.0], [0.5, -1.0]], dtype=m.float64, requires_grad=True)
        m.linalg.householder_product(*m.geqrf(a)).sum().backward()
    same_error(backward)
    with torch.no_grad():
        assert torch.geqrf(torch.ones(2, 2, requires_grad=True))[0].grad_fn is None
    with glasstorch.no_grad():
        assert glasstorch.geqrf(glasstorch.ones(2, 2, requires_grad=True))[0].grad_fn is None


# ---- complex Householder products: householder_product and ormqr ----------------------------------
def _qr_factors(m, dtype, shape=(4, 3)):
    rng = np.random.default_rng(5)
    a = rng.standard_normal(shape) + (1j * rng.standard_normal(shape) if "complex" in dtype else 0)
    return m.geqrf(m.from_numpy(a.astype(dtype)))


@pytest.mark.parametrize("dtype", ["float64", "complex128"])
def test_householder_product_values_and_grads(dtype):
    def fn(m):
        q, tau = _qr_factors(m, dtype)
        q, tau = q.requires_grad_(), tau.requires_grad_()
        h = m.linalg.householder_product(q, tau)
        loss = (h.real * m.arange(3.0, dtype=m.float64)).sum() + (h.imag.sum() if h.is_complex() else 0)
        gq, gt = m.autograd.grad(loss, (q, tau))
        return h, gq, gt, type(h.grad_fn).__name__
    same_layout(fn, 1e-10, 1e-12)


ORMQR_GRADS = [(left, tr) for left in (True, False) for tr in (False, True)]


@pytest.mark.parametrize("dtype", ["float64", "complex128"])
@pytest.mark.parametrize("left,transpose", ORMQR_GRADS)
def test_ormqr_values_grads_and_node(dtype, left, transpose):
    def fn(m):
        q, tau = _qr_factors(m, dtype)
        rng = np.random.default_rng(6)
        c = rng.standard_normal((4, 2) if left else (2, 4)) + (1j * rng.standard_normal((4, 2) if left else (2, 4))
                                                              if "complex" in dtype else 0)
        q, tau = q.requires_grad_(), tau.requires_grad_()
        c = m.from_numpy(c.astype(dtype)).requires_grad_()
        y = m.ormqr(q, tau, c, left=left, transpose=transpose)
        loss = (y.real * m.arange(1.0, 9.0, dtype=m.float64).reshape(y.shape)).sum()
        return (y, *m.autograd.grad(loss, (q, tau, c)), type(y.grad_fn).__name__)
    same_layout(fn, 1e-10, 1e-12)


def test_ormqr_batched_layout_and_gradgrad():
    same_layout(lambda m: m.ormqr(*_qr_factors(m, "float64", (2, 4, 3)), m.ones(2, 4, 5, dtype=m.float64)),
                1e-12, 1e-12)
    q, tau = _qr_factors(glasstorch, "float64")
    c = glasstorch.ones(4, 2, dtype=glasstorch.float64)
    assert gradcheck(lambda a, t_, b: glasstorch.ormqr(a, t_, b, transpose=True),
                     (q.requires_grad_(), tau.requires_grad_(), c.requires_grad_()))


ORMQR_ERRORS = {
    "input_1d": lambda m: m.ormqr(m.ones(4), m.ones(3), m.ones(4, 2)),
    "other_1d": lambda m: m.ormqr(m.ones(4, 3), m.ones(3), m.ones(4)),
    "other_rows": lambda m: m.ormqr(m.ones(4, 3), m.ones(2), m.ones(3, 2)),
    "other_cols_right": lambda m: m.ormqr(m.ones(4, 3), m.ones(2), m.ones(2, 3), left=False),
    "tau_long": lambda m: m.ormqr(m.ones(4, 3), m.ones(4), m.ones(4, 4)),
    "tau_short": lambda m: m.ormqr(m.ones(4, 3), m.ones(2), m.ones(4, 2)),
    "tau_short_right": lambda m: m.ormqr(m.ones(4, 3), m.ones(2), m.ones(3, 4), left=False),
    "wide_input": lambda m: m.ormqr(m.ones(3, 5), m.ones(4), m.ones(3, 3)),
    "tau_0d": lambda m: m.ormqr(m.ones(4, 3), m.tensor(1.0), m.ones(4, 2)),
    "tau_ndim": lambda m: m.ormqr(m.ones(4, 3), m.ones(1, 3), m.ones(4, 2)),
    "other_ndim": lambda m: m.ormqr(m.ones(2, 4, 3), m.ones(2, 3), m.ones(4, 2)),
    "tau_batch": lambda m: m.ormqr(m.ones(2, 4, 3), m.ones(3, 3), m.ones(2, 4, 2)),
    "other_batch": lambda m: m.ormqr(m.ones(2, 4, 3), m.ones(2, 3), m.ones(3, 4, 2)),
    "tau_dtype": lambda m: m.ormqr(m.ones(4, 3), m.ones(3, dtype=m.float64), m.ones(4, 2)),
    "other_dtype": lambda m: m.ormqr(m.ones(4, 3), m.ones(3), m.ones(4, 2, dtype=m.float64)),
    "int": lambda m: m.ormqr(m.ones(4, 3, dtype=m.int32), m.ones(3, dtype=m.int32), m.ones(4, 2, dtype=m.int32)),
    "half": lambda m: m.ormqr(m.ones(4, 3).half(), m.ones(3).half(), m.ones(4, 2).half()),
}


@pytest.mark.parametrize("name", sorted(ORMQR_ERRORS))
def test_ormqr_checks(name):
    same_error(ORMQR_ERRORS[name])


# ---- out= resized to the result's strides ----------------------------------------------------------
def _spd(m):
    a = (m.arange(12, dtype=m.float32).reshape(4, 3) % 5) * 0.3 - 0.4
    return a.T @ a + m.eye(3)


OUT_CASES = {
    "exp": lambda m, o: m.exp(_xt(m), out=o),
    "add": lambda m, o: m.add(_xt(m), _xt(m), out=o),
    "mul_scalar": lambda m, o: m.mul(_xt(m), 3, out=o),
    "sigmoid": lambda m, o: m.sigmoid(_xt(m), out=o),
    "where": lambda m, o: m.where(_xt(m) > 0.5, _xt(m), 0.0, out=o),
    "clamp": lambda m, o: m.clamp(_xt(m), 0.2, 0.8, out=o),
    "exp_3d": lambda m, o: m.exp(m.ones(3, 5, 4).transpose(1, 2), out=o),
    "cumsum": lambda m, o: m.cumsum(_xt(m), 0, out=o),
    "sort": lambda m, o: m.sort(_xt(m), 0, out=(o, m.empty(0, dtype=m.long)))[0],
    "tril": lambda m, o: m.tril(_xt(m), out=o),
    "cholesky": lambda m, o: m.linalg.cholesky(_spd(m), out=o),
    "inv": lambda m, o: m.linalg.inv(_spd(m), out=o),
    "solve": lambda m, o: m.linalg.solve(_spd(m), _xt(m).T, out=o),
    "solve_triangular": lambda m, o: m.linalg.solve_triangular(m.linalg.cholesky(_spd(m)), _xt(m).T,
                                                               upper=False, out=o),
    "cholesky_inverse": lambda m, o: m.cholesky_inverse(m.linalg.cholesky(_spd(m)), out=o),
    "cholesky_solve": lambda m, o: m.cholesky_solve(_xt(m).T, m.linalg.cholesky(_spd(m)), out=o),
    "lu_solve": lambda m, o: m.linalg.lu_solve(*m.linalg.lu_factor(_spd(m)), _xt(m).T, out=o),
    "householder": lambda m, o: m.linalg.householder_product(_xt(m), m.tensor([1.2, 0.5, 0.0]), out=o),
    "geqrf": lambda m, o: m.geqrf(_xt(m) + m.eye(4, 3), out=(o, m.empty(0)))[0],
    "qr": lambda m, o: m.linalg.qr(_xt(m) + m.eye(4, 3), out=(o, m.empty(0)))[1].abs(),
    "svd": lambda m, o: m.linalg.svd(_xt(m) + m.eye(4, 3), full_matrices=False, out=(o, m.empty(0), m.empty(0)))[1],
    "eigh": lambda m, o: m.linalg.eigh(_spd(m), out=(m.empty(0), o))[0],
    "pinv": lambda m, o: m.linalg.pinv(_spd(m), out=o),
    "matrix_power": lambda m, o: m.linalg.matrix_power(_spd(m), 2, out=o),
    "kron": lambda m, o: m.kron(_xt(m), _xt(m)[:2, :2], out=o),
    "quantile": lambda m, o: m.quantile(_xt(m), m.tensor([0.2, 0.5]), dim=0, out=o),
    "ndtr": lambda m, o: m.special.ndtr(_xt(m), out=o),
    "ndtri": lambda m, o: m.special.ndtri(_xt(m), out=o),
    "tensorinv": lambda m, o: m.linalg.tensorinv(_spd(m), ind=1, out=o),
    "diff": lambda m, o: m.diff(_xt(m), dim=0, out=o),
}


@pytest.mark.parametrize("name", sorted(OUT_CASES))
def test_out_resized_takes_torch_layout(name):
    case = OUT_CASES[name]

    def fn(m):
        o = m.empty(0)
        r = case(m, o)
        return o if r is None else r, o.abs() if name in ("svd", "qr") else o     # (abs keeps the layout)
    same_layout(fn, 1e-5, 1e-6)          # (LAPACK builds round the last bits differently)


@pytest.mark.parametrize("name", ["fft", "rfft", "ifft", "irfft", "hfft", "ihfft", "fft2", "rfft2", "irfft2"])
def test_fft_out_resized_is_contiguous(name):
    def fn(m):
        x = m.ones(3, 5, 4).transpose(1, 2) * m.arange(4.0)[:, None]
        x = x.to(m.complex64) if name in ("ifft", "irfft", "hfft", "irfft2") else x
        out = m.empty(0, dtype=m.float32 if name in ("irfft", "hfft", "irfft2") else m.complex64)
        getattr(m.fft, name)(x, out=out)
        return out.stride()
    assert fn(torch) == fn(glasstorch)


def test_out_of_the_right_shape_keeps_its_layout():
    def fn(m):
        o = m.empty(3, 4).T
        m.exp(m.ones(4, 3), out=o)
        o2 = m.zeros(4, 3)
        m.linalg.inv(_spd(m), out=o2[:3])
        return o, o2
    same_layout(fn, 1e-5, 1e-6)


OUT_DTYPE_ERRORS = {
    "complex_float_out": lambda m, x: m.complex(x, x, out=m.empty(0)),
    "complex_double_out": lambda m, x: m.complex(x, x, out=m.empty(0, dtype=m.complex128)),
    "complex_int_inputs": lambda m, x: m.complex(x.int(), x.int(), out=m.empty(0)),
    "polar_float_out": lambda m, x: m.polar(x, x, out=m.empty(0)),
    "polar_double_out": lambda m, x: m.polar(x.double(), x.double(), out=m.empty(0, dtype=m.complex64)),
    "float_power_float_out": lambda m, x: m.float_power(x, 2, out=m.empty(0)),
    "float_power_complex_out": lambda m, x: m.float_power(x, 2, out=m.empty(0, dtype=m.complex128)),
    "float_power_complex_in": lambda m, x: m.float_power(x.to(m.complex64), 2, out=m.empty(0, dtype=m.float64)),
    "float_power_complex_exp": lambda m, x: m.float_power(x, 2j, out=m.empty(0, dtype=m.float64)),
    "float_power_number_base": lambda m, x: m.float_power(2, x, out=m.empty(0)),
    "nonzero_float_out": lambda m, x: m.nonzero(x, out=m.empty(0)),
    "nonzero_int_out": lambda m, x: m.nonzero(x, out=m.empty(0, dtype=m.int32)),
}
OUT_DTYPE_OK = {
    "complex": lambda m, x: m.complex(x, x, out=m.empty(0, dtype=m.complex64)),
    "polar": lambda m, x: m.polar(x.double(), x.double(), out=m.empty(0, dtype=m.complex128)),
    "float_power": lambda m, x: m.float_power(x, 2, out=m.empty(0, dtype=m.float64)),
    "float_power_complex": lambda m, x: m.float_power(x, 2j, out=m.empty(0, dtype=m.complex128)),
    "nonzero": lambda m, x: m.nonzero(x - 0.3, out=m.empty(0, dtype=m.long)),
}


@pytest.mark.parametrize("name", sorted(OUT_DTYPE_ERRORS))
def test_out_dtype_rules_errors(name):
    same_error(lambda m: OUT_DTYPE_ERRORS[name](m, _xt(m)))


@pytest.mark.parametrize("name", sorted(OUT_DTYPE_OK))
def test_out_dtype_rules_accepted(name):
    same_layout(lambda m: OUT_DTYPE_OK[name](m, _xt(m)), 1e-6, 1e-7)


OUT_ADDED = {
    "softmax": lambda m, x: m.softmax(x, 1, out=m.empty(0)),
    "log_softmax_dim0": lambda m, x: m.log_softmax(x, 0, out=m.empty(2, 2)),
    "softmax_dtype": lambda m, x: m.softmax(x, 1, m.float64, out=m.empty(0, dtype=m.float64)),
    "softmax_dtype_kw": lambda m, x: m.log_softmax(x, 1, dtype=m.float64, out=m.empty(0, dtype=m.float64)),
    "softmax_out_wrong": lambda m, x: m.softmax(x, 1, out=m.empty(0, dtype=m.float64)),
    "softmax_dtype_out_wrong": lambda m, x: m.softmax(x, 1, dtype=m.float64, out=m.empty(0)),
    "softmax_int": lambda m, x: m.softmax(x.int(), 0, out=m.empty(0, dtype=m.int32)),
    "softmax_int_out_float": lambda m, x: m.softmax(x.int(), 0, out=m.empty(0)),
    "softmax_out_requires_grad": lambda m, x: m.log_softmax(x, 0, out=m.empty(0, requires_grad=True)),
    "prod_dim": lambda m, x: m.prod(x, 0, out=m.empty(0)),
    "prod_dim_kw_keepdim": lambda m, x: m.prod(x, dim=1, keepdim=True, out=m.empty(0)),
    "prod_axis": lambda m, x: m.prod(x, axis=0, out=m.empty(0)),
    "prod_dtype_mismatch": lambda m, x: m.prod(x, 1, dtype=m.float64, out=m.empty(0)),
    "prod_dtype": lambda m, x: m.prod(x, 1, dtype=m.float64, out=m.empty(0, dtype=m.float64)),
    "prod_long_out": lambda m, x: m.prod(x * 10, 0, out=m.empty(0, dtype=m.long)),
    "prod_int_in_float_out": lambda m, x: m.prod((x * 10).long(), 1, out=m.empty(0)),
    "prod_requires_grad": lambda m, x: m.prod(x.clone().requires_grad_(), 1, out=m.empty(0)),
    "prod_no_dim": lambda m, x: m.prod(x, out=m.empty(0)),
    "take": lambda m, x: m.take(x, m.tensor([[0, 5], [2, 11]]), out=m.empty(0)),
    "take_dtype": lambda m, x: m.take(x, m.tensor([0, 5]), out=m.empty(0, dtype=m.float64)),
    "take_requires_grad": lambda m, x: m.take(x.clone().requires_grad_(), m.tensor([0]), out=m.empty(0)),
    "narrow_copy": lambda m, x: m.narrow_copy(x, 1, 1, 2, out=m.empty(0)),
    "narrow_copy_resized": lambda m, x: m.narrow_copy(x, 0, 1, 2, out=m.empty(5)),
    "narrow_copy_dtype": lambda m, x: m.narrow_copy(x, 1, 1, 2, out=m.empty(0, dtype=m.float64)),
    "narrow_copy_requires_grad": lambda m, x: m.narrow_copy(x.clone().requires_grad_(), 1, 1, 2, out=m.empty(0)),
}


@pytest.mark.parametrize("name", sorted(OUT_ADDED))
def test_out_added(name):
    same_layout(lambda m: OUT_ADDED[name](m, _xt(m)))


def test_softmax_out_of_an_input_requiring_grad():
    def fn(m):
        x = _xt(m).requires_grad_()
        o = m.empty(0)
        r = m.softmax(x, 0, out=o)
        return r is o, o.requires_grad, type(o.grad_fn).__name__, o.grad_fn and o.grad_fn.name()
    assert fn(torch) == fn(glasstorch)

    def backward(m):
        o = m.empty(0)
        m.softmax(_xt(m).requires_grad_(), 0, out=o).sum().backward()
    same_error(backward)
    with torch.no_grad(), glasstorch.no_grad():
        assert fn(torch)[1:2] == fn(glasstorch)[1:2]


INPLACE_FUNCTIONS = ["acos_", "asin_", "atan_", "tan_", "sinh_", "cosh_", "log2_", "log10_", "log1p_", "expm1_",
                     "exp2_", "rsqrt_", "square_", "exp_", "log_", "sqrt_", "sin_", "cos_", "abs_", "sigmoid_"]


@pytest.mark.parametrize("name", INPLACE_FUNCTIONS)
def test_inplace_functions_take_no_out(name):
    same_error(lambda m: getattr(m, name)(m.ones(2) * 0.5, out=m.empty(0)))
    same_error(lambda m: getattr(m, name)(m.ones(2) * 0.5, 3))
    same_outcome(lambda m: getattr(m, name)(m.ones(2) * 0.5))
