"""Parity tests for the fixes of program sweep sweep22l (normalization and regularization
experiments: BatchNorm train/eval, LayerNorm, GroupNorm, InstanceNorm, LocalResponseNorm, RMSNorm,
weight_norm / spectral_norm, the dropout family, label smoothing, weight decay, renorm, clipping).

Fixed:
- ``F.rms_norm`` / ``nn.RMSNorm`` argument checks, in torch's order (glasstorch/nn/_ops/rms_norm_checks.py):
  an int normalized_shape is a TypeError, an empty one, a weight of another shape, an input with too
  few dimensions (ValueError) or other trailing sizes ("expected input with shape [*4]") are refused
  with torch's messages, and integer / bool inputs get the dispatch error; before, a mismatch
  surfaced as a broadcasting error or a silently wrong result.
- ``F.batch_norm`` with exactly one of running_mean / running_var: torch's ValueError ("must either
  both be None or neither be None"), after the per-channel size checks; a 1-d input is refused as
  torch refuses it (size checks against 0 features, then an IndexError for dimension 1).
- ``F.instance_norm(use_input_stats=False)`` without running statistics: torch's message.
- Layer, group, batch and instance norm check the parameters' dtypes as torch's CPU kernels do
  (glasstorch/nn/_ops/mixed_dtype.py): a float64 input to a float32 module ("mixed dtype (CPU): all
  inputs must share same datatype."), float64 / float16 parameters ("expect parameter to have scalar
  type of Float"); float16 input with float32 parameters stays allowed.  Before, glasstorch computed
  silently.  Integer / bool inputs get the kernels' dispatch errors; ``F.group_norm`` checks the
  weight's and bias's sizes (torch's bias message shows the weight's shape, [0] without a weight).
- Dropout masks of float16 tensors: torch divides the 0/1 draws by (1 - p) in float and rounds once
  (1 / 0.7 is 1.4287 in half; dividing by half(0.7) gave 1.4277) (glasstorch/nn/_ops/sparse.py);
  integer and bool inputs raise torch's "result type Float can't be cast" after the draws (the
  generator advances as in torch), complex ones the bernoulli dispatch error.  Alpha dropout takes
  its 0/1 draws as drawn, not rebuilt from dropout's scaled mask (noise * (1 - p), inexact in
  float16 once the mask is divided as torch divides it) (glasstorch/nn/_ops/alpha_noise.py).
- The deprecated ``nn.utils.weight_norm`` warns from the library's line, as torch's ``@deprecated``
  does, so the "default" warnings filter shows it once per process, not once per calling line.
"""
import warnings

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import glasstorch
from glasstorch.autograd.gradcheck import gradcheck

from ._helpers import same_error, same_on_both, same_outcome

RMS_ERRORS = [
    lambda m: m.nn.functional.rms_norm(m.ones(2, 3), (4,)),
    lambda m: m.nn.functional.rms_norm(m.ones(2, 4, 3), [3, 4]),
    lambda m: m.nn.functional.rms_norm(m.ones(2, 3), (1, 3)),
    lambda m: m.nn.functional.rms_norm(m.ones(2, 3), (5, 2, 3)),
    lambda m: m.nn.functional.rms_norm(m.ones(3), (2, 3), m.ones(4)),
    lambda m: m.nn.functional.rms_norm(m.ones(2, 3), (3,), m.ones(1, 3)),
    lambda m: m.nn.functional.rms_norm(m.ones(2, 3), ()),
    lambda m: m.nn.functional.rms_norm(m.ones(2, 3), 3),
    lambda m: m.rms_norm(m.ones(2, 3), [4]),
    lambda m: m.nn.functional.rms_norm(m.ones(2, 3, dtype=m.int64), [3]),
    lambda m: m.nn.functional.rms_norm(m.ones(2, 3, dtype=m.bool), [3]),
    lambda m: m.nn.RMSNorm(4)(m.ones(2, 3)),
    lambda m: m.nn.RMSNorm([3, 4])(m.ones(4, 3)),
]


@pytest.mark.parametrize("i", range(len(RMS_ERRORS)))
def test_rms_norm_errors(i):
    same_error(RMS_ERRORS[i])


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 2 ** 32 - 1), k=st.integers(1, 2), eps=st.sampled_from([None, 1e-3]),
       dtype=st.sampled_from([np.float32, np.float64]))
def test_rms_norm_values_and_grads(seed, k, eps, dtype):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((3, 2, 4)).astype(dtype)
    w = rng.standard_normal((2, 4)[-k:]).astype(dtype)
    shape = list((2, 4)[-k:])
    tol = dict(rtol=1e-6, atol=1e-6) if dtype == np.float32 else dict(rtol=1e-13, atol=1e-13)
    # composed from pow / mean / add / mul as torch composes it; the gradient's sums keep NumPy's order
    same_on_both(lambda m, x, w: m.nn.functional.rms_norm(x, shape, w, eps), [x, w], **tol)


def test_rms_norm_gradcheck():
    rng = np.random.default_rng(0)
    x = glasstorch.tensor(rng.standard_normal((3, 4)), requires_grad=True)
    w = glasstorch.tensor(rng.standard_normal(4), requires_grad=True)
    assert gradcheck(lambda x, w: glasstorch.nn.functional.rms_norm(x, [4], w, 1e-5), (x, w))


BN_ERRORS = [
    lambda m: m.nn.functional.batch_norm(m.ones(4, 3), m.zeros(3), None, training=True),
    lambda m: m.nn.functional.batch_norm(m.ones(4, 3), None, m.ones(3), training=True),
    lambda m: m.nn.functional.batch_norm(m.ones(4, 3, 2), m.zeros(3), None, training=True),
    lambda m: m.nn.functional.batch_norm(m.ones(4, 3), m.zeros(5), None, training=True),
    lambda m: m.nn.functional.batch_norm(m.ones(4, 3), None, m.ones(3), training=False),
    lambda m: m.nn.functional.batch_norm(m.ones(4, 3), m.zeros(3), None, training=False),
    lambda m: m.batch_norm(m.ones(4, 3), None, None, m.zeros(3), None, True, 0.1, 1e-5, False),
    lambda m: m.nn.functional.batch_norm(m.ones(4), None, None, training=True),
    lambda m: m.nn.functional.batch_norm(m.ones(4), m.zeros(3), m.ones(3), training=True),
    lambda m: m.nn.functional.batch_norm(m.ones(4), None, None, m.ones(1), training=True),
    lambda m: m.nn.functional.batch_norm(m.ones(4), m.zeros(0), None, training=True),
    lambda m: m.nn.functional.batch_norm(m.ones(4), m.zeros(3), None, training=False),
    lambda m: m.nn.functional.batch_norm(m.ones(1), None, None, training=True),
    lambda m: m.nn.functional.instance_norm(m.ones(2, 3, 4), use_input_stats=False),
    lambda m: m.nn.functional.instance_norm(m.ones(2, 3, 4), m.zeros(3), None, use_input_stats=False),
    lambda m: m.nn.functional.instance_norm(m.ones(2, 3, 4), None, m.ones(3), use_input_stats=False),
    lambda m: m.nn.functional.instance_norm(m.ones(2, 3, 4), m.zeros(3), None),
    lambda m: m.instance_norm(m.ones(2, 3, 4), None, None, m.zeros(3), None, True, 0.1, 1e-5, False),
    lambda m: m.instance_norm(m.ones(2, 3, 4), None, None, None, None, False, 0.1, 1e-5, False),
]


@pytest.mark.parametrize("i", range(len(BN_ERRORS)))
def test_batch_and_instance_norm_running_stat_errors(i):
    same_error(BN_ERRORS[i])


def test_batch_and_instance_norm_still_work():
    rng = np.random.default_rng(1)
    x = rng.standard_normal((4, 3, 5)).astype(np.float32)
    same_outcome(lambda m: m.nn.functional.batch_norm(m.from_numpy(x.copy()), None, None, training=True))
    same_outcome(lambda m: m.nn.functional.instance_norm(m.from_numpy(x.copy()), m.zeros(3), m.ones(3),
                                                         use_input_stats=False))
    same_outcome(lambda m: m.nn.functional.instance_norm(m.from_numpy(x.copy())))


def _weight_norm_warnings(m):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("default")
        for _ in range(2):
            m.nn.utils.weight_norm(m.nn.Linear(3, 2))
        m.nn.utils.weight_norm(m.nn.Linear(3, 2))
    return [(w.category.__name__, str(w.message), w.filename.endswith("weight_norm.py")) for w in caught]


def test_legacy_weight_norm_warns_from_the_library():
    import torch
    assert _weight_norm_warnings(glasstorch) == _weight_norm_warnings(torch)


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 2 ** 31 - 1), p=st.floats(0.01, 0.99),
       which=st.sampled_from(["dropout", "alpha_dropout", "dropout2d", "feature_alpha_dropout"]))
def test_half_dropout_masks_bit_exact(seed, p, which):
    def fn(m):
        m.manual_seed(seed)
        x = m.randn(3, 6, 2, 2).half()
        return getattr(m.nn.functional, which)(x, p, True), m.rand(2)
    same_outcome(fn)


@pytest.mark.parametrize("dtype", ["int64", "int32", "uint8", "bool"])
@pytest.mark.parametrize("p", [0.0, 0.5, 1.0])
def test_integer_dropout(dtype, p):
    def fn(m):
        m.manual_seed(0)
        return m.nn.functional.dropout(m.ones(5, dtype=getattr(m, dtype)), p)
    same_outcome(fn)


@pytest.mark.parametrize("dtype", ["int64", "bool"])
@pytest.mark.parametrize("which", ["dropout", "dropout2d", "alpha_dropout", "feature_alpha_dropout"])
def test_integer_dropout_errors_and_generator(dtype, which):
    same_error(lambda m: getattr(m.nn.functional, which)(m.ones(2, 3, 4, dtype=getattr(m, dtype)), 0.5, True))

    def fn(m):
        m.manual_seed(0)
        try:
            getattr(m.nn.functional, which)(m.ones(2, 3, 4, dtype=getattr(m, dtype)), 0.5, True)
        except RuntimeError:
            pass
        return m.rand(3)
    same_outcome(fn)


def test_complex_dropout_error():
    same_error(lambda m: m.nn.functional.dropout(m.ones(3, dtype=m.complex64), 0.5))


_DT = ["float32", "float64", "float16", "int64"]
_NORMS = {
    "layer": lambda m, x, w: m.nn.functional.layer_norm(x, (3,), w, w),
    "layer_w": lambda m, x, w: m.nn.functional.layer_norm(x, (3,), w),
    "group": lambda m, x, w: m.nn.functional.group_norm(x, 3, w, w),
    "batch_train": lambda m, x, w: m.nn.functional.batch_norm(x, w * 0, w, w, w, True),
    "batch_eval": lambda m, x, w: m.nn.functional.batch_norm(x, w * 0, w, None, None, False),
    "batch_weight": lambda m, x, w: m.nn.functional.batch_norm(x, None, None, w, None, True),
    "instance": lambda m, x, w: m.nn.functional.instance_norm(x.reshape(2, 3, 1).expand(2, 3, 2).contiguous(),
                                                             None, None, w, w),
}


@pytest.mark.parametrize("norm", sorted(_NORMS))
@pytest.mark.parametrize("xd", _DT)
@pytest.mark.parametrize("wd", _DT[:3])
def test_norm_parameter_dtypes(norm, xd, wd):
    def fn(m):
        x = m.tensor([[2.0, 1.0, 0.5], [1.0, 3.0, -1.0]]).to(getattr(m, xd))
        return _NORMS[norm](m, x, m.ones(3, dtype=getattr(m, wd)))
    same_outcome(fn, rtol=1e-3, atol=1e-3)      # (float16 values: the errors are the point here)


GN_ERRORS = [
    lambda m: m.nn.functional.group_norm(m.ones(2, 4), 2, m.ones(3)),
    lambda m: m.nn.functional.group_norm(m.ones(2, 4), 2, None, m.ones(3)),
    lambda m: m.nn.functional.group_norm(m.ones(2, 4), 2, m.ones(4), m.ones(3)),
    lambda m: m.nn.functional.group_norm(m.ones(2, 4), 2, m.ones(2, 2)),
    lambda m: m.nn.functional.group_norm(m.ones(2, 3), 2, m.ones(3, dtype=m.float64)),
    lambda m: m.nn.functional.group_norm(m.ones(2, 4, dtype=m.int64), 2),
    lambda m: m.nn.functional.group_norm(m.ones(2, 4, dtype=m.bool), 2),
    lambda m: m.nn.functional.layer_norm(m.ones(2, 3), (4,), m.ones(4, dtype=m.float64)),
    lambda m: m.nn.functional.layer_norm(m.ones(2, 3, dtype=m.int64), (3,)),
    lambda m: m.nn.functional.batch_norm(m.ones(2, 3, dtype=m.int64), m.zeros(3), m.ones(3), training=True),
    lambda m: m.nn.functional.batch_norm(m.ones(2, 3), m.zeros(4, dtype=m.float64), m.ones(4, dtype=m.float64)),
    lambda m: m.nn.BatchNorm1d(3)(m.ones(4, 3).double()),
    lambda m: m.nn.LayerNorm(3)(m.ones(4, 3).double()),
    lambda m: m.nn.InstanceNorm1d(3, affine=True)(m.ones(4, 3, 2).double()),
]


@pytest.mark.parametrize("i", range(len(GN_ERRORS)))
def test_norm_argument_errors(i):
    same_error(GN_ERRORS[i])
