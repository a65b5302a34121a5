"""Parity pins for sweep30b (speech processing course code: features by hand, CTC, keyword spotting).

Fixed in glasstorch:
- the random in-place fills follow torch's templates on an empty tensor: ``normal_`` (and so
  ``randn``, ``randn_like``, ``torch.normal`` with an integer dtype), ``log_normal_`` and
  ``exponential_`` check their parameter, then return an empty tensor of any dtype untouched
  (no "not implemented for 'Long'"); the parameter check now comes before the dtype check
  (``exponential_(-1.)`` of a Long tensor is the lambda error);
- ``cauchy_`` checks ``sigma > 0`` (it silently drew with sigma <= 0 or nan) and refuses a
  non-floating dtype, empty or not, with torch's "Cauchy distribution is a continuous probability
  distribution ... you specified long int" (C++ type names, c10::complex<float> for complex64);
- ``uniform_`` checks its bounds as torch's uniform_impl_ does, even for an empty tensor: each within the
  dtype's range ("from is out of bounds for c10::Half", where it drew -inf or nan), then from <= to,
  then to - from within the dtype's max; an empty complex tensor returns first;
- ``random_(from, to)`` / ``randint`` of a float dtype move the bounds as torch's update_from / update_to
  do where the dtype cannot hold from + 1 or to - 1 (so values beyond 2**24 in float32 are torch's,
  not off by the rounding), with the "casted to dtype" error; ``random_()`` of an empty complex tensor
  returns, of a non-empty one is the "random_kernel_cpu" dispatch error; ``geometric_`` of a bool or
  complex tensor is "geometric_cpu" not implemented (it filled it); ``multinomial`` of a 0-d or 3-d
  tensor is "prob_dist must be 1 or 2 dim" before the dtype check;
- ``bernoulli_`` / ``torch.bernoulli`` with a tensor p: an empty self returns before any check; p is
  expanded to self's shape with expand's errors ("The expanded size of the tensor (2) must match ...")
  instead of a NumPy ValueError, before p's dtype check; a complex empty self with a scalar p returns;
- ``torch.normal(mean: Tensor, std: Tensor)`` has mean's dtype (it took the promoted dtype:
  float32 mean with float64 std gave float64, float16 mean with float32 std float32), computed as
  torch's in-place ``mul_(std).add_(mean)`` (an empty integer mean with a float std is the "result
  type Float can't be cast" error); a complex std is "normal expects standard deviation to be
  non-complex";
- ``nn.init.uniform_`` / ``normal_`` / ``trunc_normal_`` / ``sparse_`` / ``orthogonal_`` draw through the
  tensor methods as torch does: a transposed or sliced weight gets its values in memory order (they
  were written in row-major order), an integer or complex tensor is the method's error (they filled
  it with truncated draws), ``uniform_(w, 3, 1)`` is the range error, ``trunc_normal_`` follows
  torch's steps (empty_like redraws, copy_ back); the version counter counts torch's in-place ops
  (orthogonal_: 2, dirac_: 1 + one per 1 written, sparse_: 1 + one per column);
- ``unique_consecutive(dim=)`` of an empty tensor makes torch's unique_dim checks ("There are 0 sized
  dimensions, and they aren't selected ...", "Number of zero sized dimensions is more than one ...")
  instead of returning a (1, 0) tensor (shared with ``unique(dim=)``);
- the full ``median`` / ``nanmedian`` of an empty integer tensor is torch's NaN cast to the dtype
  (``tensor(-9223372036854775808)``), not a ValueError; an empty complex one that requires grad is
  autograd's "median does not support automatic differentiation for outputs with complex dtype.";
- reductions check dims and sizes before the dtype, and skip the kernel (so the dtype check) where
  torch does: ``amax`` / ``amin`` / ``mode`` / ``cummax`` / ``cummin`` of an empty complex tensor
  return an empty result (or the missing-dim / zero-size error, or autograd's complex refusal),
  ``cummax`` of an empty tensor takes any dim and of a 0-d one names it ("Expected reduction dim -1 or 0
  for scalar"), ``mode`` / ``cummax`` / ``kthvalue`` of a 0-d complex tensor copy it, ``topk`` checks
  k before the complex refusal and returns a 0-d input itself even for k=0 (it crashed with a
  ValueError), ``max`` / ``min`` / ``aminmax`` / ``sort`` / ``argsort`` name a bad dim before the
  complex refusal, ``aminmax`` of a 0-d complex tensor along a dim is "aminmax not implemented for
  ComplexFloat", ``unique_consecutive(dim=0)`` of a 1-d complex tensor names the "unique" kernel
  (``ops/_complex_refuse.refuse_complex_reduction``, ``refuse_aminmax``); ``softmax`` / ``log_softmax`` of
  an empty complex tensor that requires grad is autograd's "_softmax does not support ..." refusal;
- ``histc`` checks in torch's order for every dtype: bins, the range (the data's aminmax only for a
  non-empty input), finiteness, min < max, then the edges' conversion to an integer dtype ("value
  cannot be converted to type uint8_t without overflow") before the "histogram_cpu" dispatch error;
- ``F.ctc_loss`` of an empty ``log_probs`` is "log_probs tensor must not be empty" (an IndexError or
  a nan loss), checked right after the dtype as torch's kernel does.
"""
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from tests.parity._helpers import same_outcome

DTYPES = ["float32", "float64", "float16", "int64", "int32", "int16", "int8", "uint8", "bool", "complex64",
          "complex128"]


def _fill(method, args):
    def fn(m, dtype, size):
        m.manual_seed(0)
        t = m.empty(size, dtype=getattr(m, dtype))
        r = getattr(t, method)(*args)
        return r, r is t, t._version
    return fn


FILLS = {
    "normal_": [(), (0.0, -1.0), (1.0, float("nan")), (0.0, float("inf"))],
    "log_normal_": [(), (0.0, -1.0), (0.0, 0.0)],
    "exponential_": [(), (-1.0,), (float("nan"),), (0.5,)],
    "cauchy_": [(), (0.0, -1.0), (0.0, 0.0), (0.0, float("nan")), (1.0, 2.5)],
}


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(sorted(FILLS)), st.data(), st.sampled_from(DTYPES), st.sampled_from([(0,), (2, 0), (3,), (2, 9)]))
def test_random_fill_parameter_dtype_and_empty(method, data, dtype, size):
    args = data.draw(st.sampled_from(FILLS[method]))
    same_outcome(lambda m: _fill(method, args)(m, dtype, size))


@pytest.mark.parametrize("dtype", DTYPES)
def test_cauchy_dtype_names(dtype):
    same_outcome(lambda m: (m.manual_seed(0), m.empty(2, dtype=getattr(m, dtype)).cauchy_())[1])
    same_outcome(lambda m: m.empty(0, dtype=getattr(m, dtype)).cauchy_())


@pytest.mark.parametrize("expr", [
    "t.randn(0, 2, dtype=t.int64)", "t.randn(0, dtype=t.bool)", "t.randn(0, 3, dtype=t.int32)",
    "t.randn(0, dtype=t.int64, requires_grad=True)", "t.randn(2, dtype=t.int64)",
    "t.randn_like(t.zeros(0, dtype=t.int64))", "t.randn_like(t.zeros(0, 3, dtype=t.uint8).t())",
    "t.normal(0., 1., (0,), dtype=t.int64)", "t.normal(t.zeros(0, dtype=t.int64), 1.)",
    "t.normal(t.zeros(0, dtype=t.int64), t.ones(0, dtype=t.int64))", "t.normal(0., t.ones(0, dtype=t.int64))",
    "t.normal(t.zeros(2, dtype=t.int64), 1.)", "t.normal(t.zeros(0, dtype=t.int64), -1.)",
])
def test_normal_on_empty_integer_tensors(expr):
    def fn(m):
        m.manual_seed(0)
        return eval(expr, {"t": m})
    same_outcome(fn)


@pytest.mark.parametrize("mean_dt", ["float32", "float64", "float16", "int64", "complex64"])
@pytest.mark.parametrize("std_dt", ["float32", "float64", "float16", "int64", "bool", "complex64"])
@pytest.mark.parametrize("n", [0, 3])
def test_normal_tensor_mean_tensor_std_dtype(mean_dt, std_dt, n):
    def fn(m):
        m.manual_seed(0)
        mean = m.arange(n).to(getattr(m, mean_dt))
        std = (m.arange(n) % 2 + 1).to(getattr(m, std_dt))
        return m.normal(mean, std), m.normal(0.5, std), m.normal(mean, 2.0)
    same_outcome(fn)


def test_normal_broadcast_and_grad_fn():
    def fn(m):
        m.manual_seed(0)
        mean = m.zeros(2, 1, requires_grad=True)
        std = m.ones(3, dtype=m.float64, requires_grad=True)
        y = m.normal(mean, std)
        return y, y.grad_fn.name(), m.normal(m.zeros(3), m.ones(2, 1, dtype=m.float64))
    same_outcome(fn)


@pytest.mark.parametrize("expr", [
    "t.bernoulli(t.zeros(0, dtype=t.int64))", "t.bernoulli(t.zeros(0, dtype=t.bool))",
    "t.bernoulli(t.zeros(0, dtype=t.complex64))", "t.bernoulli(t.zeros(2, dtype=t.int64))",
    "t.empty(0).bernoulli_(t.zeros(0, dtype=t.int64))", "t.empty(0, dtype=t.complex64).bernoulli_(t.zeros(0))",
    "t.empty(0, dtype=t.complex64).bernoulli_(0.3)", "t.empty(0, dtype=t.complex64).bernoulli_(1.3)",
    "t.empty(2, dtype=t.complex64).bernoulli_(0.3)",
    "t.empty(0).bernoulli_(t.full((3,), 2.))", "t.empty(2, 0).bernoulli_(t.full((3,), 0.2))",
    "t.empty(3).bernoulli_(t.full((2, 1), 0.2))", "t.empty(2).bernoulli_(t.full((3,), 0.2))",
    "t.empty(2, 3).bernoulli_(t.full((3, 3), 0.2))", "t.empty(2, 3).bernoulli_(t.full((3,), 0.2, dtype=t.float64))",
    "t.empty(3, dtype=t.int64).bernoulli_(t.full((2,), 0.2, dtype=t.int64))",
    "t.empty(3, dtype=t.complex64).bernoulli_(t.full((2,), 0.2, dtype=t.int64))",
    "t.empty(3).bernoulli_(t.full((2,), 2., dtype=t.float64))", "t.empty(3).bernoulli_(t.full((3,), 2.))",
    "t.empty(3).bernoulli_(t.full((1,), 0.5))", "t.empty(2, 3).t().bernoulli_(t.rand(3, 1))",
])
def test_bernoulli_empty_self_and_expand(expr):
    def fn(m):
        m.manual_seed(0)
        return eval(expr, {"t": m})
    same_outcome(fn)


# ------------------------------------------------------------------------------------- nn.init
INITS = {
    "normal_": lambda I, w: I.normal_(w, 0.5, 2.0),
    "uniform_": lambda I, w: I.uniform_(w, -1.0, 3.0),
    "uniform_bad_range": lambda I, w: I.uniform_(w, 3.0, 1.0),
    "normal_bad_std": lambda I, w: I.normal_(w, 0.0, -1.0),
    "xavier_normal_": lambda I, w: I.xavier_normal_(w),
    "xavier_uniform_": lambda I, w: I.xavier_uniform_(w, gain=2.0),
    "kaiming_normal_": lambda I, w: I.kaiming_normal_(w, mode="fan_out"),
    "kaiming_uniform_": lambda I, w: I.kaiming_uniform_(w, a=0.1),
    "trunc_normal_": lambda I, w: I.trunc_normal_(w, std=0.5, a=-0.6, b=0.6),
    "trunc_normal_narrow": lambda I, w: I.trunc_normal_(w, a=1.0, b=3.0),
    "orthogonal_": lambda I, w: I.orthogonal_(w, gain=1.5),
    "sparse_": lambda I, w: I.sparse_(w, 0.3, std=0.1),
}
LAYOUTS = {
    "contiguous": lambda w: w,
    "transposed": lambda w: w.t(),
    "column_slice": lambda w: w[:, 1:4],
    "row_step": lambda w: w[::2],
}


@pytest.mark.parametrize("name", sorted(INITS))
@pytest.mark.parametrize("layout", sorted(LAYOUTS))
def test_init_in_memory_order(name, layout):
    def fn(m):
        m.manual_seed(0)
        base = m.zeros(6, 5)
        w = LAYOUTS[layout](base)
        r = INITS[name](m.nn.init, w)
        return base, r is w, base._version
    # (orthogonal_: NumPy's QR is not LAPACK's to the last bit)
    same_outcome(fn, **({"rtol": 1e-5, "atol": 1e-6} if name == "orthogonal_" else {}))


@pytest.mark.parametrize("layout", ["contiguous", "permuted", "sliced"])
def test_orthogonal_3d_layouts(layout):
    def fn(m):
        m.manual_seed(0)
        base = m.zeros(4, 3, 5)
        w = {"contiguous": base, "permuted": base.permute(0, 2, 1), "sliced": base[:, 1:]}[layout]
        m.nn.init.orthogonal_(w)
        return base, base._version
    same_outcome(fn, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("name", sorted(INITS))
@pytest.mark.parametrize("dtype", ["int64", "int32", "bool", "complex64", "float16", "float64"])
def test_init_dtypes(name, dtype):
    def fn(m):
        m.manual_seed(0)
        w = m.zeros(4, 3, dtype=getattr(m, dtype))
        return INITS[name](m.nn.init, w), w._version
    same_outcome(fn, rtol=1e-6, atol=1e-6)      # (float16 orthogonal_: torch's QR refuses it alike)


@pytest.mark.parametrize("name", ["orthogonal_", "dirac_", "sparse_", "eye_", "trunc_normal_", "constant_"])
def test_init_version_counter(name):
    calls = {"orthogonal_": lambda I, w: I.orthogonal_(w), "dirac_": lambda I, w: I.dirac_(w, groups=1),
             "sparse_": lambda I, w: I.sparse_(w, 0.3), "eye_": lambda I, w: I.eye_(w[0]),
             "trunc_normal_": lambda I, w: I.trunc_normal_(w), "constant_": lambda I, w: I.constant_(w, 2.0)}

    def fn(m):
        m.manual_seed(0)
        w = m.empty(3, 3, 3, requires_grad=True) if name == "dirac_" else m.empty(3, 3, requires_grad=True)
        if name == "eye_":
            w = m.empty(1, 3, 3, requires_grad=True)
        v = calls[name](m.nn.init, w)
        return v.grad_fn is None, w._version, v.requires_grad
    same_outcome(fn)


def test_init_generator_streams_match():
    def fn(m):
        g = m.Generator().manual_seed(5)
        w = m.empty(8, 6)
        m.nn.init.trunc_normal_(w.t(), std=0.02, generator=g)
        u = m.empty(3, 4)
        m.nn.init.kaiming_uniform_(u.t(), generator=g)
        return w, u
    same_outcome(fn)


# ------------------------------------------------------------------------------------- CTC
@pytest.mark.parametrize("shape", [(0, 2, 4), (5, 0, 4), (3, 2, 0), (0, 4), (1, 0, 2, 4)])
@pytest.mark.parametrize("dtype", ["float32", "float64", "float16", "int64"])
def test_ctc_loss_empty_log_probs(shape, dtype):
    def fn(m):
        lp = m.zeros(shape, dtype=getattr(m, dtype))
        n = shape[1] if len(shape) == 3 else 1
        tg = m.ones(n, 2, dtype=m.long) if len(shape) != 2 else m.ones(2, dtype=m.long)
        return m.nn.functional.ctc_loss(lp, tg, [shape[0]] * n, [2] * n, reduction="none")
    same_outcome(fn)


def test_ctc_loss_empty_checked_before_lengths_and_blank():
    F_ = lambda m: m.nn.functional     # noqa: E731
    same_outcome(lambda m: F_(m).ctc_loss(m.zeros(0, 2, 4), m.ones(2, 2, dtype=m.long), [0, 0], [2, 2, 3]))
    same_outcome(lambda m: F_(m).ctc_loss(m.zeros(0, 2, 4), m.ones(2, 2, dtype=m.long), [0, 0], [2, 2], blank=7))
    same_outcome(lambda m: F_(m).ctc_loss(m.zeros(0, 2, 4), m.ones(1, 2, 2, dtype=m.long), [0, 0], [2, 2]))
    same_outcome(lambda m: F_(m).ctc_loss(m.zeros(0, 2, 4, requires_grad=True), m.ones(2, 2, dtype=m.long),
                                          m.tensor([0, 0]), m.tensor([2, 2])))


# ------------------------------------------------------------------------------------- unique_consecutive(dim=)
@settings(max_examples=40, deadline=None)
@given(st.lists(st.sampled_from([0, 1, 2, 3]), min_size=1, max_size=3), st.integers(-3, 2),
       st.booleans(), st.booleans(), st.sampled_from(["unique_consecutive", "unique"]))
def test_unique_dim_zero_sized(shape, dim, inv, cnt, fn_name):
    def fn(m):
        x = (m.arange(int(np.prod(shape))) % 2).reshape(shape)
        return getattr(m, fn_name)(x, dim=dim, return_inverse=inv, return_counts=cnt)
    same_outcome(fn)


# ------------------------------------------------------------------------------------- reductions of empty / 0-d input
REDUCTIONS = {
    "max": lambda m, x, d: m.max(x, d), "min": lambda m, x, d: m.min(x, d), "amax": lambda m, x, d: m.amax(x, d),
    "amin": lambda m, x, d: m.amin(x, d), "amax_pair": lambda m, x, d: m.amax(x, (d, 0)),
    "aminmax": lambda m, x, d: m.aminmax(x, dim=d), "mode": lambda m, x, d: m.mode(x, d),
    "cummax": lambda m, x, d: m.cummax(x, d), "cummin": lambda m, x, d: m.cummin(x, d),
    "topk1": lambda m, x, d: m.topk(x, 1, d), "topk0": lambda m, x, d: m.topk(x, 0, d),
    "topk5": lambda m, x, d: m.topk(x, 5, d), "kthvalue": lambda m, x, d: m.kthvalue(x, 1, d),
    "median": lambda m, x, d: m.median(x, d), "nanmedian": lambda m, x, d: m.nanmedian(x, d),
    "sort": lambda m, x, d: m.sort(x, d), "argsort": lambda m, x, d: m.argsort(x, d),
    "max_all": lambda m, x, d: m.max(x), "amax_all": lambda m, x, d: m.amax(x), "aminmax_all": lambda m, x, d: m.aminmax(x),
    "median_all": lambda m, x, d: m.median(x), "nanmedian_all": lambda m, x, d: m.nanmedian(x),
    "unique_consecutive": lambda m, x, d: m.unique_consecutive(x, dim=d),
    "softmax": lambda m, x, d: m.softmax(x, d), "log_softmax": lambda m, x, d: m.nn.functional.log_softmax(x, d),
}


@settings(max_examples=150, deadline=None)
@given(st.sampled_from(sorted(REDUCTIONS)), st.sampled_from(["float32", "int64", "int32", "uint8", "bool", "complex64"]),
       st.sampled_from([(0,), (2, 0), (0, 3), (2, 3), ()]), st.sampled_from([0, 1, -1, -2, 3]), st.booleans())
def test_reductions_of_empty_and_0d_inputs(name, dtype, shape, dim, rg):
    def fn(m):
        x = (m.arange(int(np.prod(shape))) % 3).reshape(shape).to(getattr(m, dtype))
        if rg and dtype in ("float32", "complex64"):
            x.requires_grad_(True)
        r = REDUCTIONS[name](m, x, dim)
        # (a complex NaN compares unequal to itself: compare the parts)
        return [m.view_as_real(v) if v.is_complex() else v for v in (r if isinstance(r, tuple) else (r,))]
    same_outcome(fn)


@pytest.mark.parametrize("expr", [
    "t.median(t.zeros(0, dtype=t.int64))", "t.median(t.zeros(2, 0, dtype=t.int32))", "t.median(t.zeros(0, dtype=t.uint8))",
    "t.median(t.zeros(0, dtype=t.bool))", "t.nanmedian(t.zeros(0, dtype=t.int16))", "t.nanmedian(t.zeros(0, dtype=t.int8))",
    "t.view_as_real(t.median(t.zeros(0, dtype=t.complex64)))", "t.median(t.zeros(0, dtype=t.complex64, requires_grad=True))",
    "t.nanmedian(t.zeros(0, 2, dtype=t.complex128, requires_grad=True))", "t.median(t.zeros(0, requires_grad=True))",
    "t.topk(t.tensor(5.), 0)", "t.topk(t.tensor(5., requires_grad=True), 0)", "t.topk(t.tensor(5.), 2)",
    "t.cummax(t.tensor(5.+1j), 0)", "t.cummin(t.tensor(5), -2)", "t.cummax(t.zeros(2, 0), 5)",
    "t.cummax(t.zeros(0, 3, dtype=t.complex64, requires_grad=True), 5)", "t.mode(t.tensor(5.+1j))",
    "t.kthvalue(t.tensor(5.+1j, requires_grad=True), 1)", "t.aminmax(t.tensor(5.+1j), dim=0)",
    "t.aminmax(t.tensor(5.+1j))", "t.aminmax(t.zeros(0, 3, dtype=t.complex64), dim=3)",
    "t.sort(t.zeros(2, dtype=t.complex64), 1)", "t.argsort(t.zeros(2, dtype=t.complex64), 1)",
    "t.unique_consecutive(t.zeros(0, dtype=t.complex64), dim=0)", "t.unique_consecutive(t.zeros(3, dtype=t.complex64), dim=-1)",
])
def test_reduction_edge_cases(expr):
    same_outcome(lambda m: eval(expr, {"t": m}))


def test_median_of_empty_keeps_grad():
    def fn(m):
        x = m.zeros(0, 3, requires_grad=True)
        y = m.median(x)
        y.backward()
        return y, x.grad, y.grad_fn.name()
    same_outcome(fn)


# ------------------------------------------------------------------------------------- histc of integer / complex input
@settings(max_examples=80, deadline=None)
@given(st.sampled_from(["uint8", "int8", "int16", "int32", "int64", "bool", "complex64", "float32"]),
       st.sampled_from([[], [0, 0], [1, 2], [5, 5], [255, 255]]), st.sampled_from([0, 1, 4]),
       st.sampled_from([(0, 0), (0, 3), (-0.5, 1.5), (0, 255), (0, 255.5), (0, 256), (-1, 1), (2, 1), (0, 1e10),
                        (-128, 127), (0, 2.0 ** 63), (0, float("inf"))]))
def test_histc_check_order(dtype, values, bins, lo_hi):
    def fn(m):
        x = m.tensor(values, dtype=m.int64).to(getattr(m, dtype))
        return m.histc(x, bins=bins, min=lo_hi[0], max=lo_hi[1])
    same_outcome(fn)


# ------------------------------------------------------------------------------------- uniform_ / random_ / geometric_
@pytest.mark.parametrize("expr", [
    "t.empty(2, dtype=t.float16).uniform_(-1e6, 1)", "t.empty(0, dtype=t.float16).uniform_(-1e6, 1)",
    "t.empty(2).uniform_(-1e39, 1)", "t.empty(2).uniform_(0, float('inf'))", "t.empty(2).uniform_(float('nan'), 1)",
    "t.empty(0).uniform_(2, 1)", "t.empty(2, dtype=t.complex64).uniform_(2, 1)", "t.empty(0, dtype=t.complex64).uniform_(2, 1)",
    "t.empty(2, dtype=t.complex64).uniform_(-1e39, 1)", "t.empty(2, dtype=t.float16).uniform_(-65504, 65504)",
    "t.empty(2, dtype=t.float16).uniform_(-65520, 1)", "t.empty(2, dtype=t.float64).uniform_(-1e308, 1e308)",
    "t.empty(2).uniform_(-3.4028235e38, 3.4028235e38)", "t.empty(3, dtype=t.float16).uniform_(-60000, 5000)",
    "t.rand(0, dtype=t.int64)", "t.empty(0, dtype=t.complex64).random_()", "t.empty(2, dtype=t.complex64).random_()",
    "t.empty(0, dtype=t.bool).geometric_(0.5)", "t.empty(2, dtype=t.bool).geometric_(0.5)",
    "t.empty(2, dtype=t.complex64).geometric_(0.5)", "t.empty(2, dtype=t.complex64).geometric_(1.5)",
    "t.empty(0, dtype=t.complex64).geometric_(0.5)", "t.empty(3, dtype=t.int8).geometric_(0.3)",
    "t.multinomial(t.tensor(1.), 1)", "t.multinomial(t.tensor(1, dtype=t.int64), 1)", "t.multinomial(t.ones(2, 2, 2), 1)",
    "t.multinomial(t.ones(2, 2, 2, dtype=t.int64), 1)", "t.multinomial(t.ones(2, dtype=t.int64), 1)",
])
def test_random_fill_bounds_and_dispatch(expr):
    def fn(m):
        m.manual_seed(0)
        return eval(expr, {"t": m})
    same_outcome(fn)


@settings(max_examples=80, deadline=None)
@given(st.sampled_from(["float32", "float64", "float16"]),
       st.integers(-2 ** 41, 2 ** 41), st.integers(1, 2 ** 41), st.booleans())
def test_random_float_bounds_moved_as_torch(dtype, low, span, as_randint):
    import warnings

    def fn(m):
        m.manual_seed(0)
        if as_randint:
            return m.randint(low, low + span, (5,), dtype=getattr(m, dtype))
        return m.zeros(5, dtype=getattr(m, dtype)).random_(low, low + span)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        same_outcome(fn)
