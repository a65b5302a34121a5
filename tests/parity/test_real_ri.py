"""Parity pins for real_ri (scientific libraries built on torch: torchdiffeq, nflows, torchinfo, ...).

Fixed in glasstorch:
- ``torch.as_tensor(python_number_or_list, dtype=float64)`` builds the numbers straight into the asked
  dtype, as torch: it went through float32 first, so ``as_tensor(0.9, dtype=float64)`` was
  0.89999997615814.  torchdiffeq keeps its rtol / atol / safety factors that way: every adaptive
  solver (dopri5, dopri8, bosh3, tsit5, ...) chose other step sizes, and examples/ode_demo.py's
  losses drifted in the 6th digit (glasstorch/_creation.py);
- ``Tensor.type(torch.Tensor)`` (and ``'torch.Tensor'``) converts to the default float dtype, as torch;
  another class is torch's ``ValueError: invalid type: 'Parameter'``, a non-type non-string
  ``TypeError: dtype must be a type, str, or dtype object``.  nflows' LeakyReLU transform
  (``(inputs < 0).type(torch.Tensor)``) raised (glasstorch/ops/conversion.py);
- ``torch.linalg.slogdet`` / ``torch.slogdet`` / ``logdet`` of a real matrix is torch's: the LU of
  A^T for a contiguous A, log|det| the sum of the logs of its pivots in torch's order (NumPy's
  slogdet factors A: last-bit differences, which nflows' ``test_logabsdet`` caught at eps 1e-6)
  (glasstorch/_linalg_slogdet.py, glasstorch/linalg.py);
- ``sys.getsizeof`` of a tensor's ``untyped_storage()`` / ``storage()`` counts the bytes held, as
  torch's ``__sizeof__`` does: torchinfo's summary printed "Input size (MB): 0.00" where torch
  prints 0.01 (glasstorch/ops/storage.py, glasstorch/storage.py).
"""
import sys
import warnings

import numpy as np
import pytest
import torch
from hypothesis import given, settings, strategies as st

import glasstorch
from tests.parity._helpers import same_on_both, same_outcome

FLOATS = st.floats(allow_nan=False, allow_infinity=False, width=64)


# --- as_tensor of Python numbers with a dtype --------------------------------------------------

@settings(max_examples=60, deadline=None)
@given(x=FLOATS, dt=st.sampled_from(["float64", "float32", "float16", "complex128", "complex64"]))
def test_as_tensor_number_into_dtype(x, dt):
    same_outcome(lambda m: m.as_tensor(x, dtype=getattr(m, dt)))


@settings(max_examples=40, deadline=None)
@given(xs=st.lists(FLOATS, min_size=1, max_size=5), dt=st.sampled_from(["float64", "complex128"]))
def test_as_tensor_list_into_dtype(xs, dt):
    same_outcome(lambda m: m.as_tensor(xs, dtype=getattr(m, dt)))
    same_outcome(lambda m: m.as_tensor([xs, xs], dtype=getattr(m, dt), device="cpu"))
    same_outcome(lambda m: m.as_tensor(tuple(xs), dtype=getattr(m, dt)))


@pytest.mark.parametrize("expr", [
    "t.as_tensor(0.9, dtype=t.float64)", "t.as_tensor(1e-6, dtype=t.float64, device=t.device('cpu'))",
    "t.as_tensor(2.7, dtype=t.int64)", "t.as_tensor([2.7, -1.5], dtype=t.int32)",
    "t.as_tensor(1e30, dtype=t.int32)", "t.as_tensor(2**40, dtype=t.int32)",
    "t.as_tensor(2**63, dtype=t.float64)", "t.as_tensor(1e300, dtype=t.float32)",
    "t.as_tensor([0.1, True, 3], dtype=t.float64)", "t.as_tensor(-1, dtype=t.uint8)",
    "t.as_tensor(float('inf'), dtype=t.int64)", "t.as_tensor([[1, 2], [3]], dtype=t.float64)",
    "t.as_tensor([t.tensor(0.1, dtype=t.float64)], dtype=t.float64)", "t.as_tensor(0.1 + 0.2j, dtype=t.complex128)",
    "t.as_tensor(0.1)", "t.as_tensor([0.1, 0.2])", "t.as_tensor(np.float64(0.1), dtype=t.float64)",
])
def test_as_tensor_cases(expr):
    same_outcome(lambda m: eval(expr, {"t": m, "np": np}))


def test_as_tensor_float64_step_control():
    # torchdiffeq's step-size control: safety * error_ratio ** (-1/order) with float64 constants
    def fn(m):
        safety = m.as_tensor(0.9, dtype=m.float64)
        ifactor, dfactor = m.as_tensor(10.0, dtype=m.float64), m.as_tensor(0.2, dtype=m.float64)
        ratio = m.tensor([0.37, 1.7, 1e-4], dtype=m.float64)
        exponent = m.tensor(5, dtype=m.float64).reciprocal()
        return m.min(ifactor, m.max(safety / ratio ** exponent, dfactor)) * m.as_tensor(1e-6, dtype=m.float64)
    same_outcome(fn)


# --- Tensor.type with classes and names --------------------------------------------------------

TYPE_ARGS = ["t.Tensor", "'torch.Tensor'", "t.FloatTensor", "t.DoubleTensor", "t.LongTensor", "t.BoolTensor",
             "'torch.IntTensor'", "'torch.sparse.FloatTensor'", "'torch.sparse.Tensor'", "t.float16",
             "t.nn.Parameter", "t.nn.Linear", "float", "int", "object", "np.float32", "np.dtype('float64')",
             "3", "'float'", "'torch.float32'"]


@pytest.mark.parametrize("arg", TYPE_ARGS)
@pytest.mark.parametrize("src", ["t.tensor([1, -2])", "t.tensor([0.5, -2.25], dtype=t.float64)",
                                 "(t.tensor([1.0, -2.0]) < 0)"])
def test_tensor_type(src, arg):
    same_outcome(lambda m: eval(f"({src}).type({arg})", {"t": m, "np": np}))


def test_tensor_type_keyword_and_grad():
    same_on_both(lambda m, x: x.type(dtype=m.Tensor) * 2, [np.array([0.5, -1.5], np.float64)])
    same_on_both(lambda m, x: x.type(m.Tensor, non_blocking=True), [np.array([0.5, -1.5], np.float32)])


@pytest.mark.parametrize("default", ["float64", "float32"])
def test_tensor_type_follows_default_dtype(default):
    def fn(m):
        old = m.get_default_dtype()
        m.set_default_dtype(getattr(m, default))
        try:
            x = m.tensor([1, 2])
            return x.type(m.Tensor), x.type("torch.Tensor")
        finally:
            m.set_default_dtype(old)
    same_outcome(fn)


def test_tensor_type_mask_multiplies():
    # a LeakyReLU-style mask: (x < 0).type(torch.Tensor) then arithmetic with the input
    same_on_both(lambda m, x: x * (1 - (x < 0).type(m.Tensor)) + 0.01 * x * (x < 0).type(m.Tensor),
                 [np.array([[-1.0, 0.5], [2.0, -0.25]], np.float32)])


# --- slogdet -----------------------------------------------------------------------------------

def _mats(seed, shape, dtype):
    return np.random.default_rng(seed).standard_normal(shape).astype(dtype)


@settings(max_examples=40, deadline=None)
@given(n=st.integers(1, 12), batch=st.sampled_from([(), (3,), (2, 2)]), seed=st.integers(0, 10 ** 6),
       layout=st.sampled_from(["c", "t"]))
def test_slogdet_float64_exact(n, batch, seed, layout):
    a = _mats(seed, batch + (n, n), np.float64)

    def f(m, x):
        x = x.mT if layout == "t" else x
        return tuple(m.linalg.slogdet(x))
    same_on_both(f, [a], grad_rtol=1e-10, grad_atol=1e-12)
    same_on_both(lambda m, x: tuple(m.slogdet(x.mT if layout == "t" else x)), [a], grad=False)


@pytest.mark.parametrize("seed", range(6))
def test_slogdet_logdet_float64(seed):
    a = _mats(seed, (7, 7), np.float64)
    spd = a @ a.T + np.eye(7)
    same_on_both(lambda m, x: m.logdet(x), [spd], grad_rtol=1e-10, grad_atol=1e-12)
    same_on_both(lambda m, x: m.logdet(x), [a], grad=False)


@pytest.mark.parametrize("case", ["zeros", "ones", "neg_eye", "rank1", "perm"])
@pytest.mark.parametrize("dt", ["float32", "float64"])
def test_slogdet_special(case, dt):
    mats = {"zeros": np.zeros((3, 3)), "ones": np.ones((2, 3, 3)), "neg_eye": -np.eye(4),
            "rank1": np.outer([1.0, 2.0, 3.0], [0.5, -1.0, 2.0]), "perm": np.eye(3)[[2, 0, 1]] * 2.0}
    a = mats[case].astype(dt)
    same_on_both(lambda m, x: tuple(m.linalg.slogdet(x)), [a], grad=False)


def test_slogdet_float32_pivot_sum():
    # log|det| is the sum of the pivots' logs: the 10 x 10 case nflows' test_logabsdet compares
    a = np.random.default_rng(7).standard_normal((10, 10)).astype(np.float32)
    same_on_both(lambda m, x: tuple(m.slogdet(x)), [a], grad_rtol=1e-5, grad_atol=1e-6)


def test_slogdet_empty_and_errors():
    same_outcome(lambda m: tuple(m.linalg.slogdet(m.zeros(0, 0, dtype=m.float64))))
    same_outcome(lambda m: tuple(m.linalg.slogdet(m.zeros(2, 3))))
    same_outcome(lambda m: tuple(m.linalg.slogdet(m.zeros(3, 3, dtype=m.int64))))


# --- sys.getsizeof of storages -----------------------------------------------------------------

SIZES = ["t.zeros(2, 1, 28, 28)", "t.zeros(3)", "t.zeros(0)", "t.zeros(10)[2:]", "t.zeros(4, 4).t()",
         "t.zeros(3, dtype=t.float64)", "t.zeros(5, dtype=t.bool)", "t.zeros(2, 3).expand(5, 2, 3)"]


@pytest.mark.parametrize("expr", SIZES)
def test_storage_getsizeof(expr):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        got = {}
        for m in (torch, glasstorch):
            x = eval(expr, {"t": m})
            got[m] = (sys.getsizeof(x.untyped_storage()), x.untyped_storage().__sizeof__(),
                      sys.getsizeof(x.storage()), x.storage().__sizeof__())
    assert got[torch] == got[glasstorch]


def test_storage_takes_attributes():
    for m in (torch, glasstorch):
        s = m.zeros(2).untyped_storage()
        s.tag = "input"
        assert s.tag == "input" and "tag" in vars(s)
