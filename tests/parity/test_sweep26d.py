"""Parity pins for sweep26d (state-space sequence models: S4, S4D, LRU, linear recurrences).

Fixed in glasstorch:
- ``nn.Module.to`` takes complex dtypes (it raised "only accepts floating point or complex dtypes"),
  with torch's "Complex modules are a new feature ..." UserWarning, and converts complex parameters
  and buffers along with the floating ones: ``.to(torch.float64)`` keeps the real part of a complex
  parameter, as torch does (complex tensors stayed complex); ``.to("meta", dtype)`` applies the
  dtype that follows the device (nn/modules/_conversion.py);
- ``nn.utils.clip_grad_norm_`` / ``get_total_norm`` with complex gradients: the norm of the moduli,
  a real total (it dropped the imaginary parts, returned a complex total and warned); the total is
  torch's: each gradient's ``linalg.vector_norm`` and their stack's, the stacked norms in the order
  torch groups them by dtype (the reverse of first appearance), so mixed float32/float64
  gradients give torch's last bit too (nn/utils/clip_grad.py);
- ``nn.utils.clip_grad_value_`` with a complex gradient raises torch's NotImplementedError "clamp is
  not supported for complex types" after clipping the dtype groups torch clips before it (it
  clipped the real and imaginary parts);
- ``linalg.vector_norm`` (and ``Tensor.norm``, ``linalg.norm``) of a complex tensor adds its terms
  one after another in the real dtype, as torch's scalar complex kernel (glasstorch summed |z|
  with the vectorised real kernel's order: complex64 norms an ulp off), and hangs from one
  ``LinalgVectorNormBackward0`` on the complex input (there was an ``AbsBackward0`` below it);
  its gradient at complex inputs uses torch's rounding of |z| and sgn(z) (ops/_norm_complex.py,
  ops/norms.py);
- ``einsum`` that ends in an elementwise product (``"hn,hnl->hnl"``, grad_fn MulBackward0) with complex
  operands: its backward crashed on broadcast operands (the complex MulBackward0 shortcut took it
  for arithmetic's product) and swapped the two gradients when shapes agreed; its gradients are now
  torch's g * conj(other) summed down as the engine un-broadcasts (ops/einsum.py,
  ops/complex_grad.py), and its complex forward product rounds as torch's kernel
  (ops/einsum_kernel.py);
- the engine's un-broadcasting sum over trailing axes (``a.unsqueeze(-1) * b``: a's gradient) adds
  each row in torch's order, float and complex (autograd/_sum_to.py): a last-bit difference before.
"""
import warnings

import numpy as np
import pytest
import torch
from hypothesis import given, settings, strategies as st

import glasstorch
from tests.parity._helpers import MODS, assert_same_array, same_outcome


def _cplx(rng, shape, dtype):
    return (rng.standard_normal(shape) + 1j * rng.standard_normal(shape)).astype(dtype)


# ---------------------------------------------------------------- Module.to with complex dtypes

def _module(m):
    m.manual_seed(0)
    lin = m.nn.Linear(3, 2)
    lin.register_buffer("lam", m.tensor([0.5 + 0.25j, -0.75j]))
    lin.register_buffer("steps", m.tensor([1, 2]))
    lin.weight.grad = m.ones(2, 3)
    return lin


@pytest.mark.parametrize("dtype", ["complex64", "complex128", "float64", "float16", "float32"])
def test_module_to_converts_complex_and_float_tensors(dtype):
    def fn(m):
        lin = _module(m)
        w = lin.weight
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            out = lin.to(getattr(m, dtype))
        return (lin.weight, lin.bias, lin.weight.grad, lin.lam, lin.steps, out is lin, lin.weight is w,
                lin.weight.requires_grad)
    same_outcome(fn)


def test_module_to_complex_then_back():
    def fn(m):
        lin = _module(m)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            lin.to(dtype=m.complex128)
            lin.to(m.float32)
        return lin.weight, lin.lam, lin(m.ones(1, 3))
    same_outcome(fn)


def _warnings_of(m, call):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        call(m)
    return [(w.category.__name__, str(w.message)) for w in caught]


@pytest.mark.parametrize("args", [("complex64",), ("cpu", "complex128")])
def test_module_to_complex_warns_as_torch(args):
    def call(m):
        m.nn.Linear(2, 2).to(*[getattr(m, a) if a.startswith("complex") else a for a in args])
    got = _warnings_of(glasstorch, call)
    want = _warnings_of(torch, call)
    assert got == want and want


def test_module_to_meta_takes_the_following_dtype():
    def fn(m):
        lin = _module(m)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            lin.to("meta", m.complex64)
        return str(lin.weight.dtype), str(lin.lam.dtype), str(lin.steps.dtype), lin.weight.is_meta
    assert fn(torch) == fn(glasstorch)


@pytest.mark.parametrize("dtype", ["int32", "bool", "uint8"])
def test_module_to_integer_dtype_error(dtype):
    same_outcome(lambda m: m.nn.Linear(2, 2).to(getattr(m, dtype)))


# ---------------------------------------------------------------- gradient clipping, complex grads

def _params(m, arrays):
    ps = []
    for a in arrays:
        p = m.nn.Parameter(m.from_numpy(np.zeros_like(a)))
        p.grad = m.from_numpy(a.copy())
        ps.append(p)
    return ps


DTYPES = [np.float32, np.float64, np.complex64, np.complex128]


def _grads(seed, kinds, scale):
    rng = np.random.default_rng(seed)
    shapes = [(5, 3), (7,), (4, 2, 2), (1,), (33,)]
    out = []
    for i, k in enumerate(kinds):
        dt = DTYPES[k]
        a = rng.standard_normal(shapes[i % len(shapes)]) * scale
        if np.dtype(dt).kind == "c":
            a = a + 1j * rng.standard_normal(a.shape) * scale
        out.append(a.astype(dt))
    return out


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 10_000), st.lists(st.integers(0, 3), min_size=1, max_size=5),
       st.sampled_from([2.0, float("inf")]), st.sampled_from([0.01, 1.0, 30.0]))
def test_clip_grad_norm_complex_and_mixed_dtypes(seed, kinds, norm_type, scale):
    arrays = _grads(seed, kinds, scale)
    res = {}
    for m in MODS:
        ps = _params(m, arrays)
        total = m.nn.utils.clip_grad_norm_(ps, 1.0, norm_type=norm_type)
        res[m] = (total, [p.grad for p in ps])
    assert_same_array(res[torch][0], res[glasstorch][0], what="total norm")
    for i, (gt_, gg) in enumerate(zip(res[torch][1], res[glasstorch][1])):
        assert_same_array(gt_, gg, what=f"clipped grad {i}")


@pytest.mark.parametrize("kinds", [[2], [3], [2, 0], [0, 3, 1], [1, 0, 1, 0]])
def test_get_total_norm_dtype_and_value(kinds):
    arrays = _grads(7, kinds, 2.0)
    same_outcome(lambda m: m.nn.utils.get_total_norm([m.from_numpy(a.copy()) for a in arrays]))


def test_clip_grad_norm_complex_no_warning_real_total():
    arrays = _grads(3, [2, 0], 5.0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        total = glasstorch.nn.utils.clip_grad_norm_(_params(glasstorch, arrays), 0.5)
    assert total.dtype == glasstorch.float32 and not total.is_complex()


@pytest.mark.parametrize("order", ["fc", "cf", "fcf", "cff", "dc", "cd", "fz", "zf", "fdc", "cfd", "dcf", "hc",
                                   "ch", "fcd", "zfd", "dzf", "fdh"])
@pytest.mark.parametrize("foreach", [None, False])
def test_clip_grad_value_complex_raises_after_torchs_groups(order, foreach):
    dts = {"f": "float32", "d": "float64", "c": "complex64", "z": "complex128", "h": "float16"}

    def fn(m):
        ps = []
        for ch in order:
            p = m.nn.Parameter(m.zeros(2, dtype=getattr(m, dts[ch])))
            p.grad = m.full((2,), 5.0, dtype=getattr(m, dts[ch]))
            ps.append(p)
        try:
            m.nn.utils.clip_grad_value_(ps, 1.0, foreach=foreach)
            err = None
        except Exception as e:           # noqa: BLE001 - torch's error is part of the expectation
            err = f"{type(e).__name__}: {e}"
        return [p.grad for p in ps] + [err]
    same_outcome(fn)


# ---------------------------------------------------------------- vector_norm of complex tensors

ORDS = [1.0, 2.0, 3.0, 0.5, 1.5, -1.0, -0.5, float("inf"), float("-inf"), 0.0]
CASES = [((5, 3), None, False), ((4,), 0, True), ((7,), None, False), ((2, 3), 1, False), ((64,), None, False),
         ((6, 5), (0,), True), ((3, 4, 2), (0, 2), False), ((1, 4), 0, False)]


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 10_000), st.sampled_from(ORDS), st.sampled_from(CASES), st.booleans())
def test_vector_norm_complex64_value_grad_fn_and_grad(seed, p, case, transpose):
    shape, dim, keepdim = case
    rng = np.random.default_rng(seed)
    z = _cplx(rng, shape, np.complex64)
    out = {}
    for m in MODS:
        x = m.from_numpy(z.copy()).requires_grad_(True)
        xx = x.transpose(0, -1) if transpose else x
        d = dim if not transpose or dim is None else tuple(sorted(xx.dim() - 1 - i if i >= 0 else i
                                                                   for i in np.atleast_1d(dim)))
        y = m.linalg.vector_norm(xx, p, dim=d, keepdim=keepdim)
        names = [type(y.grad_fn).__name__] + [type(f).__name__ for f, _ in y.grad_fn.next_functions]
        if p != 0:
            g = np.random.default_rng(seed + 1).standard_normal(tuple(y.shape)).astype(np.float32)
            y.backward(m.from_numpy(g))
        out[m] = (y, names, x.grad)
    assert_same_array(out[torch][0], out[glasstorch][0], what="norm")
    assert out[torch][1] == out[glasstorch][1]
    if out[torch][2] is None:
        assert out[glasstorch][2] is None
    else:
        assert_same_array(out[torch][2], out[glasstorch][2], rtol=2e-6, atol=1e-7, what="grad")


@pytest.mark.parametrize("p", [1.0, 2.0, 3.0, 0.5, -1.0, float("inf")])
def test_vector_norm_complex128_close_and_graph(p):
    z = _cplx(np.random.default_rng(11), (6, 4), np.complex128)
    out = {}
    for m in MODS:
        x = m.from_numpy(z.copy()).requires_grad_(True)
        y = m.linalg.vector_norm(x, p, dim=1)
        y.backward(m.ones(6, dtype=m.float64))
        out[m] = (y, type(y.grad_fn.next_functions[0][0]).__name__, x.grad)
    assert_same_array(out[torch][0], out[glasstorch][0], rtol=1e-15, what="norm")
    assert out[torch][1] == out[glasstorch][1] == "AccumulateGrad"
    assert_same_array(out[torch][2], out[glasstorch][2], rtol=1e-13, atol=1e-15, what="grad")


@pytest.mark.parametrize("expr", [
    "z.norm()", "z.norm(p=1)", "z.norm(dim=0)", "t.linalg.norm(z, dim=1)", "t.linalg.norm(z)",
    "z.abs().norm()", "t.linalg.vector_norm(z, 2, dim=(0, 1), keepdim=True)",
    "t.linalg.vector_norm(z, dtype=t.complex128)", "t.linalg.vector_norm(z[0, 0])",
    "t.linalg.vector_norm(z, dtype=t.float32)", "t.linalg.vector_norm(z[:, :0])",
])
def test_complex_norm_forms(expr):
    zz = _cplx(np.random.default_rng(5), (3, 5), np.complex64)

    def fn(m):
        z = m.from_numpy(zz.copy())
        return eval(expr, {"t": m, "z": z})
    same_outcome(fn)


def test_s4d_kernel_norm_matches():
    """The norm of an S4D-style kernel built from complex exponentials, and its gradient."""
    def fn(m):
        m.manual_seed(0)
        log_dt = m.rand(4, requires_grad=True)
        A = m.complex(-0.5 * m.ones(4, 3), m.arange(3.0).expand(4, 3) * 3.14159)
        C = m.randn(4, 3, dtype=m.complex64, requires_grad=True)
        dtA = A * log_dt.exp().unsqueeze(-1)
        K = m.einsum("hn,hnl->hnl", C * (dtA.exp() - 1) / A, m.exp(dtA.unsqueeze(-1) * m.arange(8)))
        n = m.linalg.vector_norm(K, dim=(1, 2))
        gl, gc = m.autograd.grad(n.sum(), (log_dt, C))
        return n, gl, gc
    same_outcome(fn, rtol=1e-5, atol=1e-6)


# ---------------------------------------------------------------- elementwise einsum, broadcast grads

MUL_EQS = [("hn,hnl->hnl", (4, 3), (4, 3, 8)), ("hnl,hn->hnl", (4, 3, 8), (4, 3)), ("hn,hn->hn", (4, 3), (4, 3)),
           ("i,ij->ij", (3,), (3, 5)), ("bhd,bhe->bhde", (2, 3, 4), (2, 3, 5)), ("nh,hnl->hln", (3, 4), (4, 3, 9))]


@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.complex64, np.complex128])
@pytest.mark.parametrize("eq,s1,s2", MUL_EQS)
def test_einsum_elementwise_product_grads(eq, s1, s2, dtype):
    rng = np.random.default_rng(len(eq))
    arrs = [rng.standard_normal(s) for s in (s1, s2)]
    if np.dtype(dtype).kind == "c":
        arrs = [a + 1j * rng.standard_normal(a.shape) for a in arrs]
    a, b = [x.astype(dtype) for x in arrs]
    out = {}
    for m in MODS:
        A = m.from_numpy(a.copy()).requires_grad_(True)
        B = m.from_numpy(b.copy()).requires_grad_(True)
        K = m.einsum(eq, A, B)
        g = np.random.default_rng(1).standard_normal(tuple(K.shape)).astype(a.real.dtype).astype(dtype)
        K.backward(m.from_numpy(g))
        out[m] = (K, type(K.grad_fn).__name__, A.grad, B.grad)
    assert out[torch][1] == out[glasstorch][1]
    # a complex product laid out in another order than the output's rounds its vector steps elsewhere:
    # close there, exact everywhere else
    tol = dict(rtol=1e-6, atol=1e-6) if eq == "nh,hnl->hln" and np.dtype(dtype).kind == "c" else {}
    assert_same_array(out[torch][0], out[glasstorch][0], what="einsum", **tol)
    assert_same_array(out[torch][2], out[glasstorch][2], what="grad a", **tol)
    assert_same_array(out[torch][3], out[glasstorch][3], what="grad b", **tol)


@settings(max_examples=30, deadline=None)
@given(st.integers(1, 5), st.integers(1, 5), st.integers(1, 70), st.sampled_from(["float32", "float64", "complex64"]))
def test_trailing_broadcast_grad_sums_as_torch(b, h, n, dtype):
    """a.unsqueeze(-1) * x: a's gradient is summed over the broadcast last axis in torch's order."""
    rng = np.random.default_rng(b * 100 + h * 10 + n)
    a = rng.standard_normal((b, h, 1))
    x = rng.standard_normal((b, h, n))
    if dtype.startswith("complex"):
        a, x = a + 1j * rng.standard_normal(a.shape), x - 1j * rng.standard_normal(x.shape)
    a, x = a.astype(dtype), x.astype(dtype)
    grads = {}
    for m in MODS:
        A = m.from_numpy(a.copy()).requires_grad_(True)
        (A * m.from_numpy(x.copy())).backward(m.from_numpy(x.copy()))
        grads[m] = A.grad
    assert_same_array(grads[torch], grads[glasstorch])


def test_lru_style_scan_gradients():
    """A complex diagonal recurrence (LRU): lambda = exp(-exp(nu) + i exp(theta)), the loop's gradients."""
    def fn(m):
        m.manual_seed(0)
        nu = m.randn(6, requires_grad=True)
        theta = m.randn(6, requires_grad=True)
        B = m.randn(6, 3, dtype=m.complex64)
        u = m.randn(2, 10, 3)
        lam = m.exp(m.complex(-m.exp(nu), m.exp(theta)))
        Bu = m.einsum("hd,bld->blh", B, u.to(m.complex64))
        x = m.zeros(2, 6, dtype=m.complex64)
        ys = []
        for k in range(10):
            x = lam * x + Bu[:, k]
            ys.append(x.real.sum(-1))
        loss = m.stack(ys, 1).pow(2).mean()
        return (loss,) + m.autograd.grad(loss, (nu, theta))
    same_outcome(fn, rtol=1e-5, atol=1e-6)
