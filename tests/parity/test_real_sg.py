"""Parity pins for the sg programs (sentence-transformers and pytorch-metric-learning, run unchanged).

Fixed in glasstorch:
- ``torch.utils.checkpoint`` lacked ``get_device_states``, ``set_device_states`` and
  ``DefaultDeviceType``: sentence-transformers could not even be imported (its GradCache losses,
  CachedMultipleNegativesRankingLoss, import them at module load).  They are torch's now: only
  non-CPU, non-meta tensors (searched through containers) count, so CPU inputs give ``([], [])``;
  ``set_device_states`` does nothing for ``"meta"`` and looks the device module up on torch
  (``torch.cpu.device`` is torch's AttributeError) (utils/_checkpoint_devices.py);
- float16 gradients meeting a Python number in a backward formula (``grad * other``,
  ``grad / other``, ``grad * alpha``, ``grad * value``, leaky_relu's ``grad * slope``) were computed
  with the number rounded to float16 first (NumPy's cast of a weak scalar); torch's float16 mul/div
  kernels read a second-operand scalar in float32 and round once.  ``h * 0.3``, ``h / 0.07`` (the
  temperature of NTXentLoss / SupConLoss in float16), ``add(.., alpha=)``, ``sub``, ``rsub``,
  ``addcmul`` / ``addcdiv`` with ``value=``, ``leaky_relu`` now give torch's gradients bit for bit
  (ops/_half_grad_scalar.py, ops/arithmetic.py, ops/ternary.py, ops/_grad_scalars.py,
  nn/_ops/activation.py).  Shown by pytorch-metric-learning's losses on float16 embeddings.
- ``elu`` / ``elu_`` backward in float16 rounded alpha and scale to float16 and computed in float16;
  torch's reduced-float kernel computes in float32 with float32 coefficients and rounds once
  (nn/_ops/activation.py).  Found by the variants tried next to the programs' ops.
- float16 ``scatter_add`` / ``scatter_add_`` / ``index_add`` (alpha 1) and ``scatter_reduce`` with
  sum / mean / prod rounded to float16 after every accumulation; torch's CPU kernels accumulate in
  float32 and round once (``index_reduce`` does round after every step, and still does).  Shown by
  pytorch-metric-learning's HistogramLoss (its density is a float16 ``scatter_add_``)
  (ops/gather.py, ops/scatter_reduce.py).
"""
import numpy as np
import pytest
import torch
from hypothesis import given, settings, strategies as st

import glasstorch
from tests.parity._helpers import same_error, same_on_both, same_outcome

# ---- torch.utils.checkpoint's device-RNG helpers -------------------------------------------------


@pytest.mark.parametrize("args", [
    lambda m: (m.ones(2),),
    lambda m: (m.ones(2), [m.zeros(3), {"a": m.ones(1)}], 3, "x", None),
    lambda m: (),
    lambda m: (m.empty(2, device="meta"), 1.5),
])
def test_get_device_states_cpu_inputs(args):
    got = [m.utils.checkpoint.get_device_states(*args(m)) for m in (torch, glasstorch)]
    assert got[0] == got[1] == ([], [])


def test_set_device_states_nothing_and_meta():
    for m in (torch, glasstorch):
        assert m.utils.checkpoint.set_device_states([], []) is None
        assert m.utils.checkpoint.set_device_states([0], [m.ones(1)], device_type="meta") is None


def test_set_device_states_cpu_device_is_torch_error():
    same_error(lambda m: m.utils.checkpoint.set_device_states([0], [m.ones(1)]))
    same_error(lambda m: m.utils.checkpoint.set_device_states([0], [m.ones(1)], device_type="cpu"))


def test_default_device_type():
    for m in (torch, glasstorch):
        ddt = m.utils.checkpoint.DefaultDeviceType
        old = ddt._default_device_type
        try:
            ddt._default_device_type = None
            assert ddt.get_device_type() == "cpu"
            ddt.set_device_type("meta")
            assert ddt.get_device_type() == "meta"
            ddt.set_device_type()
            assert ddt.get_device_type() == "cuda"
        finally:
            ddt._default_device_type = old


def test_checkpoint_all_names():
    for name in ("get_device_states", "set_device_states", "DefaultDeviceType"):
        assert name in torch.utils.checkpoint.__all__ and name in glasstorch.utils.checkpoint.__all__
    from glasstorch.utils.checkpoint import DefaultDeviceType, get_device_states, set_device_states  # noqa: F401


def test_rng_replay_pattern_of_gradcache():
    """GradCache's RandContext: save the CPU RNG and the device states, draw, put both back, draw again."""
    def fn(m):
        m.manual_seed(0)
        x = m.ones(4, requires_grad=True)
        state = m.get_rng_state()
        ids, states = m.utils.checkpoint.get_device_states(x)
        a = m.nn.functional.dropout(x, 0.5, training=True)
        m.set_rng_state(state)
        m.utils.checkpoint.set_device_states(ids, states)
        b = m.nn.functional.dropout(x, 0.5, training=True)
        return a, b, m.equal(a, b)
    same_outcome(fn)


# ---- float16 gradients times / over a Python number ----------------------------------------------

NUMBER_OPS = {
    "mul": lambda m, x, c: x * c,
    "rmul": lambda m, x, c: c * x,
    "mul_method": lambda m, x, c: x.mul(c),
    "mul_": lambda m, x, c: (x * 1).mul_(c),
    "div": lambda m, x, c: x / c,
    "div_": lambda m, x, c: (x * 1).div_(c),
    "true_divide": lambda m, x, c: m.true_divide(x, c),
    "div_mode_none": lambda m, x, c: m.div(x, c, rounding_mode=None),
    "rdiv": lambda m, x, c: c / (x.abs() + 1),
    "add_alpha": lambda m, x, c: m.add(x[:1], x, alpha=c),
    "sub_alpha": lambda m, x, c: m.sub(x[:1], x, alpha=c),
    "rsub_alpha": lambda m, x, c: m.rsub(x, x[:1], alpha=c),
    "rsub_number": lambda m, x, c: m.rsub(x, 2.5, alpha=c),
    "addcmul": lambda m, x, c: m.addcmul(x, x, x * 2, value=c),
    "addcdiv": lambda m, x, c: m.addcdiv(x, x, x.abs() + 1, value=c),
    "leaky_relu": lambda m, x, c: m.nn.functional.leaky_relu(x, c),
    "leaky_relu_": lambda m, x, c: m.nn.functional.leaky_relu_(x * 1, c),
    "sum_over": lambda m, x, c: x.sum() / c,
    "ntxent_like": lambda m, x, c: m.logsumexp(m.nn.functional.normalize(x, dim=1) @ m.nn.functional.normalize(x, dim=1).t() / c, 1),
}
NUMBERS = [0.3, 0.07, 1 / 0.07, 0.1, 3.3, 0.13, -0.7, 7, 1e-3]


def _value_and_grad(op, x, c, seed):
    """op's value and the input's gradient for a random float16 upstream gradient (or torch's error)."""
    def fn(m):
        a = m.from_numpy(x.copy()).requires_grad_(True)
        y = op(m, a, c)
        u = np.random.default_rng(seed).standard_normal(tuple(y.shape)).astype(np.float16)
        y.backward(m.from_numpy(u))
        return y.detach(), a.grad
    same_outcome(fn)


@pytest.mark.parametrize("name", sorted(NUMBER_OPS))
@pytest.mark.parametrize("c", NUMBERS)
def test_half_grad_with_number(name, c):
    x = (np.random.default_rng(7).standard_normal((6, 5)) * 2).astype(np.float16)
    _value_and_grad(NUMBER_OPS[name], x, c, 0)


@settings(max_examples=40, deadline=None)
@given(st.sampled_from(sorted(NUMBER_OPS)), st.floats(1e-3, 50), st.integers(1, 70), st.integers(0, 2**31))
def test_half_grad_with_number_sweep(name, c, n, seed):
    x = (np.random.default_rng(seed).standard_normal((n, 3)) * 3).astype(np.float16)
    _value_and_grad(NUMBER_OPS[name], x, c, seed)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name", sorted(NUMBER_OPS))
def test_other_dtypes_unchanged(name, dtype):
    x = np.random.default_rng(3).standard_normal((4, 5)).astype(dtype)
    same_on_both(lambda m, x: NUMBER_OPS[name](m, x, 0.3), [x], rtol=1e-6 if dtype == np.float32 else 1e-12,
                 atol=1e-6 if dtype == np.float32 else 1e-12)


def test_half_grad_with_zero_dim_tensor():
    x = np.random.default_rng(1).standard_normal((5, 4)).astype(np.float16)
    for c in (np.array(0.07, np.float32), np.array(0.3, np.float64), np.array(0.3, np.float16)):
        same_on_both(lambda m, x, c: x * c, [x, c])
        same_on_both(lambda m, x, c: x / c, [x, c], grad=False)


def test_half_create_graph_with_number():
    """Under create_graph the gradient is a tensor: the ordinary Tensor op, which already reads c in float32."""
    x = (np.random.default_rng(2).standard_normal(7) * 2).astype(np.float16)

    def fn(m):
        a = m.from_numpy(x.copy()).requires_grad_(True)
        y = ((a * 0.3 / 0.07) ** 2).sum()
        g, = m.autograd.grad(y, a, create_graph=True)
        return g
    same_outcome(fn)


# ---- elu family in float16 -------------------------------------------------------------------------

ELUS = {
    "elu": lambda m, x, a: m.nn.functional.elu(x, a),
    "elu_": lambda m, x, a: m.nn.functional.elu_(x * 1, a),
    "ELU": lambda m, x, a: m.nn.ELU(a)(x),
    "celu": lambda m, x, a: m.nn.functional.celu(x, a),
    "selu": lambda m, x, a: m.nn.functional.selu(x),
}


@pytest.mark.parametrize("name", sorted(ELUS))
@pytest.mark.parametrize("alpha", [1.0, 0.7, 2.3, 0.1])
@pytest.mark.parametrize("n", [5, 16, 48, 64, 300])
def test_half_elu_backward(name, alpha, n):
    x = np.random.default_rng(n).uniform(-4, 3, n).astype(np.float16)
    same_on_both(lambda m, x: ELUS[name](m, x, alpha), [x])


@settings(max_examples=30, deadline=None)
@given(st.sampled_from(sorted(ELUS)), st.floats(0.05, 4), st.integers(1, 200), st.integers(0, 2**31))
def test_half_elu_backward_sweep(name, alpha, n, seed):
    x = (np.random.default_rng(seed).standard_normal(n) * 3).astype(np.float16)
    same_on_both(lambda m, x: ELUS[name](m, x, alpha), [x], seed=seed)


def test_elu_float32_float64_unchanged():
    for dt in (np.float32, np.float64):
        x = np.random.default_rng(5).uniform(-4, 3, 70).astype(dt)
        same_on_both(lambda m, x: m.nn.functional.elu(x, 0.7), [x])


# ---- float16 scatter_add / scatter_reduce / index_add: float32 accumulation, one rounding -------

def _scatter_case(seed, dim, expanded):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((6, 7)).astype(np.float16)
    src = (rng.standard_normal((8, 9)) * 2).astype(np.float16)
    if expanded:        # HistogramLoss's / PyG's pattern: one index per row, expanded along the rest
        idx = np.broadcast_to(rng.integers(0, 6, (8, 1)), (8, 9)).copy()
        x = rng.standard_normal((6, 9)).astype(np.float16)
        dim = 0
    else:
        idx = rng.integers(0, 6 if dim == 0 else 7, (5, 6))
        src = src[:5, :6].copy()    # (a larger src: torch's backward refuses the gather-shaped gradient)
    return x, src, idx, dim


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 2**31), st.sampled_from([0, 1, -1]), st.booleans())
def test_half_scatter_add(seed, dim, expanded):
    x, src, idx, dim = _scatter_case(seed, dim, expanded)
    same_on_both(lambda m, x, s, i: x.scatter_add(dim, i, s), [x, src, idx])
    same_on_both(lambda m, x, s, i: (x * 1).scatter_add_(dim, i, s), [x, src, idx])
    same_on_both(lambda m, x, s, i: m.scatter_add(x, dim, i, s), [x, src, idx])


def test_scatter_add_larger_src_backward_error():
    def fn(m):
        x = m.zeros(6, 7, dtype=m.float16, requires_grad=True)
        s = m.ones(8, 9, dtype=m.float16, requires_grad=True)
        x.scatter_add(0, m.zeros(5, 6, dtype=m.long), s).sum().backward()
    same_error(fn)


def test_half_scatter_add_one_d():
    """The HistogramLoss form: a 1-d density built from many bins' contributions."""
    rng = np.random.default_rng(0)
    vals = rng.uniform(0, 1, 200).astype(np.float16)
    bins = rng.integers(0, 21, 200)
    same_on_both(lambda m, v, b: m.zeros(21, dtype=m.float16).scatter_add_(0, b, v), [vals, bins])
    same_on_both(lambda m, v, b: m.zeros(21, dtype=m.float16).scatter_add(0, b, v) / 200, [vals, bins])


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 2**31), st.sampled_from([0, 1]), st.sampled_from(["sum", "mean", "prod", "amax", "amin"]),
       st.booleans())
def test_half_scatter_reduce(seed, dim, reduce, include_self):
    x, src, idx, dim = _scatter_case(seed, dim, False)
    same_on_both(lambda m, x, s, i: x.scatter_reduce(dim, i, s, reduce, include_self=include_self),
                 [x, src, idx], grad=reduce != "prod")


@settings(max_examples=30, deadline=None)
@given(st.integers(0, 2**31), st.sampled_from([0, 1]), st.sampled_from([1, 0.5, 3]))
def test_half_index_add(seed, dim, alpha):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((6, 7)).astype(np.float16)
    src = (rng.standard_normal((9, 7) if dim == 0 else (6, 9)) * 2).astype(np.float16)
    idx = rng.integers(0, 6 if dim == 0 else 7, 9)
    same_on_both(lambda m, x, s, i: x.index_add(dim, i, s, alpha=alpha), [x, src, idx])
    same_on_both(lambda m, x, s, i: (x * 1).index_add_(dim, i, s), [x, src, idx])


@settings(max_examples=20, deadline=None)
@given(st.integers(0, 2**31), st.sampled_from(["prod", "mean", "amax"]), st.booleans())
def test_half_index_reduce_rounds_each_step(seed, reduce, include_self):
    """index_reduce keeps torch's float16 arithmetic (rounded after every step), unlike scatter_reduce."""
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((6, 7)).astype(np.float16)
    src = rng.standard_normal((9, 7)).astype(np.float16)
    idx = rng.integers(0, 6, 9)
    same_on_both(lambda m, x, s, i: x.index_reduce(0, i, s, reduce, include_self=include_self), [x, src, idx],
                 grad=False)


@pytest.mark.parametrize("dt", [np.float32, np.float64, np.int64])
def test_scatter_family_other_dtypes_unchanged(dt):
    x, src, idx, dim = _scatter_case(4, 1, False)
    x, src = (x * 3).astype(dt), (src * 3).astype(dt)
    same_on_both(lambda m, x, s, i: x.scatter_add(dim, i, s), [x, src, idx])
    same_on_both(lambda m, x, s, i: x.scatter_reduce(dim, i, s, "sum"), [x, src, idx])
    same_on_both(lambda m, x, s, i: x.index_add(0, i[:, 0] % 6, s), [x[:, :6].copy(), src, idx])
