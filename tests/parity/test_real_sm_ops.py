"""Parity pins for helper "sm" (continued from test_real_sm.py, whose docstring lists the fixes): the
quantized pooling and batch norm, conv_tbc, torch.cond / torch.while_loop and torch.Tag."""
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import glasstorch
from glasstorch.autograd.gradcheck import gradcheck
from tests.parity._helpers import same_result_or_error
from tests.parity.test_real_sm import MODS, _both


# ---- quantized max pooling ----------------------------------------------------------------------

def _qx(m, shape, dtype="quint8", seed=0):
    x = np.random.default_rng(seed).standard_normal(shape).astype(np.float32)
    return m.quantize_per_tensor(m.from_numpy(x), 0.1, 10 if dtype == "quint8" else 3, getattr(m, dtype))


def _qpicture(r):
    return r.int_repr(), str(r.dtype), r.q_scale(), r.q_zero_point()


@settings(max_examples=40, deadline=None)
@given(c=st.integers(1, 3), h=st.integers(1, 7), w=st.integers(1, 7), k=st.integers(1, 4), s=st.integers(0, 3),
       p=st.integers(0, 2), d=st.integers(1, 2), ceil=st.booleans(), batch=st.booleans(),
       dtype=st.sampled_from(["quint8", "qint8"]))
def test_quantized_max_pool2d(c, h, w, k, s, p, d, ceil, batch, dtype):
    shape = ((2,) if batch else ()) + (c, h, w)
    _both(lambda m: _qpicture(m.quantized_max_pool2d(_qx(m, shape, dtype), [k, k], [s, s] if s else [], [p, p],
                                                      [d, d], ceil)))


@settings(max_examples=40, deadline=None)
@given(c=st.integers(1, 3), L=st.integers(1, 9), k=st.integers(0, 4), s=st.integers(0, 3), p=st.integers(0, 2),
       d=st.integers(0, 2), ceil=st.booleans(), batch=st.booleans())
def test_quantized_max_pool1d(c, L, k, s, p, d, ceil, batch):
    shape = ((2,) if batch else ()) + (c, L)
    _both(lambda m: _qpicture(m.quantized_max_pool1d(_qx(m, shape), [k], [s] if s else [], [p], [d], ceil)))


@pytest.mark.parametrize("call", [
    lambda m: m.quantized_max_pool2d(_qx(m, (2, 3, 7, 6)), [2, 2]),
    lambda m: m.quantized_max_pool2d(_qx(m, (2, 3, 7, 6)), [3, 2], [2, 1], [1, 1], [1, 2], True),
    lambda m: m.quantized_max_pool2d(_qx(m, (2, 3, 7, 6), "qint8"), [3, 3], [2], 1),
    lambda m: m.quantized_max_pool2d(_qx(m, (7, 6)), [2, 2]),
    lambda m: m.quantized_max_pool2d(m.ones(1, 4, 4), [2, 2]),
    lambda m: m.quantized_max_pool2d(_qx(m, (1, 4, 4)), [4, 4], padding=[3, 3]),
    lambda m: m.quantized_max_pool2d(_qx(m, (1, 4, 4)), [2, 2], dilation=[0, 1]),
    lambda m: m.quantized_max_pool2d(_qx(m, (1, 4, 4)), [0, 2]),
    lambda m: m.quantized_max_pool2d(_qx(m, (1, 4, 4)), [2, 2], [0, 1]),
    lambda m: m.quantized_max_pool2d(_qx(m, (1, 4, 4)), [2, 2, 2]),
    lambda m: m.quantized_max_pool2d(_qx(m, (1, 4, 4)), [2, 2], padding=[1, 1, 1]),
    lambda m: m.quantized_max_pool1d(_qx(m, (2, 3, 7, 6)), [2]),
    lambda m: m.quantized_max_pool1d(_qx(m, (6,)), [2]),
    lambda m: m.quantized_max_pool1d(m.ones(2, 6), [2]),
    lambda m: m.quantized_max_pool1d(_qx(m, (2, 6)), [2, 2]),
    lambda m: m.quantized_max_pool1d(_qx(m, (2, 6)), [9]),
    lambda m: m.quantized_max_pool3d(_qx(m, (2, 3, 7, 6)), [2, 2, 2]),
    lambda m: m.quantized_max_pool3d(_qx(m, (1, 2, 3, 7, 6)), [2, 2, 2]),
    lambda m: m.quantized_max_pool3d(_qx(m, (1, 2, 5, 7, 6)), [3, 2, 2], [1, 2, 2], [1, 0, 1], [1, 1, 2], True),
])
def test_quantized_max_pool_cases(call):
    _both(lambda m: _qpicture(call(m)))


def test_quantized_max_pool_per_channel_keeps_its_parameters():
    def run(m):
        x = m.from_numpy(np.random.default_rng(1).standard_normal((2, 3, 5, 4)).astype(np.float32))
        q = m.quantize_per_channel(x, m.tensor([0.1, 0.2, 0.3]), m.tensor([1, 2, 3]), 1, m.quint8)
        r = m.quantized_max_pool2d(q, [2, 2])
        return r.int_repr(), r.q_per_channel_scales(), r.q_per_channel_zero_points(), r.q_per_channel_axis()
    _both(run)


# ---- conv_tbc -----------------------------------------------------------------------------------

@settings(max_examples=30, deadline=None)
@given(T=st.integers(1, 8), B=st.integers(1, 3), ci=st.integers(1, 6), k=st.integers(1, 4), co=st.integers(1, 5),
       pad=st.integers(-1, 3), f64=st.booleans(), seed=st.integers(0, 99))
def test_conv_tbc(T, B, ci, k, co, pad, f64, seed):
    rng = np.random.default_rng(seed)
    dt = np.float64 if f64 else np.float32
    arrays = [rng.standard_normal(s).astype(dt) for s in ((T, B, ci), (k, ci, co), (co,))]
    tol = 1e-12 if f64 else 1e-5      # MKL's blocking of the tap products is not reproduced bit for bit
    same_result_or_error(lambda m, x, w, b: m.conv_tbc(x, w, b, pad), arrays, rtol=tol, atol=tol)


@pytest.mark.parametrize("call", [
    lambda m: m.conv_tbc(m.ones(4, 2), m.ones(2, 3, 2), m.zeros(2)),
    lambda m: m.conv_tbc(m.ones(4, 2, 3), m.ones(3, 2), m.zeros(2)),
    lambda m: m.conv_tbc(m.ones(4, 2, 3), m.ones(2, 3, 2), m.zeros(1, 2)),
    lambda m: m.conv_tbc(m.ones(4, 2, 3), m.ones(2, 4, 2), m.zeros(2)),
    lambda m: m.conv_tbc(m.ones(4, 2, 3), m.ones(2, 3, 2), m.zeros(3)),
    lambda m: m.conv_tbc(m.ones(4, 2, 3), m.ones(2, 3, 2, dtype=m.float64), m.zeros(2)),
    lambda m: m.conv_tbc(m.ones(4, 2, 3), m.ones(2, 3, 2), m.zeros(2, dtype=m.float64)),
    lambda m: m.conv_tbc(m.ones(4, 2, 3), m.ones(2, 3, 2), m.zeros(2), -3),
    lambda m: m.conv_tbc(m.ones(4, 2, 3), m.ones(9, 3, 2), m.zeros(2)),
    lambda m: m.conv_tbc(m.ones(2, 1, 1, dtype=m.float64), m.ones(3, 1, 1, dtype=m.float64),
                         m.zeros(1, dtype=m.float64), 1),
])
def test_conv_tbc_cases(call):
    _both(call)


def test_conv_tbc_graph_and_gradcheck():
    def run(m):
        x = m.ones(3, 2, 2, requires_grad=True)
        y = m.conv_tbc(x, m.ones(2, 2, 3, requires_grad=True), m.zeros(3, requires_grad=True), 1)
        return type(y.grad_fn).__name__, [type(n).__name__ for n, _ in y.grad_fn.next_functions]
    _both(run)
    rng = np.random.default_rng(3)
    x, w, b = (glasstorch.from_numpy(rng.standard_normal(s)).requires_grad_()
               for s in ((5, 2, 3), (3, 3, 4), (4,)))
    assert gradcheck(lambda x, w, b: glasstorch.conv_tbc(x, w, b, 1), (x, w, b))
    assert gradcheck(lambda x, w, b: glasstorch.conv_tbc(x, w, b, 0), (x, w, b))


def test_tag_enum():
    def run(m):
        T = m.Tag
        # (the class path with glasstorch's prefix while not installed as torch: test_class_paths checks it)
        path = m.__name__ + "."
        return (repr(T).replace(path, "torch."), str(T.core), repr(T.pt2_compliant_tag), T.core.name, T.core.value,
                int(T.reduction), list(T.__members__), m._C.Tag is T, T.core == 0, repr(T(3)),
                repr(type(T.core)).replace(path, "torch."))
    _both(run)


def test_functional_conv_tbc_is_torch_conv_tbc():
    for m in MODS:
        assert m.nn.functional.conv_tbc is m.conv_tbc


# ---- torch.cond ----------------------------------------------------------------------------------

@pytest.mark.parametrize("pred", [True, False, 1, 0.0, "t", "f", "t1"])
def test_cond_values(pred):
    def run(m):
        p = {"t": m.tensor(True), "f": m.tensor(False), "t1": m.tensor([2])}.get(pred, pred)
        x = m.tensor([1.0, 2.0, 3.0])
        return (m.cond(p, lambda x: x * 2, lambda x: x - 1, (x,)),
                m.cond(p, lambda x, y: (x + y, x.sum()), lambda x, y: (x - y, x.mean()), [x, x * 2]))
    _both(run)


@pytest.mark.parametrize("pred", [True, "t", "f"])
def test_cond_gradients(pred):
    def run(m):
        p = {"t": m.tensor(True), "f": m.tensor(False)}.get(pred, pred)
        a = m.tensor([1.0, 2.0], requires_grad=True)
        b = m.tensor(3.0, requires_grad=True)
        c = m.tensor(5.0, requires_grad=True)
        r = m.cond(p, lambda a, b, c: (a * b, a.sum()), lambda a, b, c: (a - b, a.mean()), (a, b, c))
        (r[0].sum() + r[1]).backward()
        return r, a.grad, b.grad, c.grad
    _both(run)


@pytest.mark.parametrize("call", [
    lambda m: m.cond(m.ones(3), lambda: 1, lambda: 2, ()),
    lambda m: m.cond("x", lambda a: a, lambda a: a, (m.ones(1),)),
    lambda m: m.cond(m.tensor(True), 1, lambda: 2, ()),
    lambda m: m.cond(m.tensor(True), lambda a: a, lambda a: a, (1,)),
    lambda m: m.cond(m.tensor(True), lambda a: a, lambda a: a, m.ones(2)),
    lambda m: m.cond(True, lambda a: a, lambda a: a, (1,)),
])
def test_cond_errors(call):
    _both(call)


# ---- torch.while_loop -----------------------------------------------------------------------------

@pytest.mark.parametrize("n", [0, 1, 3])
@pytest.mark.parametrize("as_list", [False, True])
def test_while_loop_values(n, as_list):
    def run(m):
        carried = [m.tensor(0), m.tensor([1.0, 2.0])]
        r = m.while_loop(lambda i, x: i < n, lambda i, x: (i + 1, x * 2 + i), carried if as_list else tuple(carried))
        return type(r).__name__, r, r[1] is carried[1]
    _both(run)


@pytest.mark.parametrize("n", [1, 2, 4])     # (n = 0: torch 2.13's backward of a loop that never ran
def test_while_loop_gradient(n):               # still applies one body step, so it is not pinned)
    def run(m):
        x = m.tensor([1.0, -2.0], requires_grad=True)
        w = m.tensor(0.5, requires_grad=True)
        # w carried, not closed over: torch lifts a captured tensor into its compiled loop, whose
        # gradients then disagree with the loop's own (even when it runs no iteration)
        i, y, z, _ = m.while_loop(lambda i, y, z, w: i < n, lambda i, y, z, w: (i + 1, y * w + 1, z + y.sum(), w + 0),
                                  (m.tensor(0), x * 1, w * 0, w * 1))
        (y.sum() + z).backward()
        return i, y, z, x.grad, w.grad
    _both(run)


@pytest.mark.parametrize("call", [
    lambda m: m.while_loop(1, lambda i: (i,), (m.tensor(0),)),
    lambda m: m.while_loop(lambda i: i < 3, 2, (m.tensor(0),)),
    lambda m: m.while_loop(lambda i: i < 3, lambda i: (i + 1,), (1.5,)),
    lambda m: m.while_loop(lambda i, j: i < 3, lambda i, j: (i + 1, j), (m.tensor(0), 2.0)),
])
def test_while_loop_errors(call):
    _both(call)


# ---- quantized_batch_norm ------------------------------------------------------------------------

@settings(max_examples=40, deadline=None)
@given(shape=st.sampled_from([(2, 2, 2, 2), (3, 5), (2, 3, 4), (2, 9, 3, 2), (1, 40, 2, 2), (2, 3, 2, 2, 2),
                              (1, 12, 5), (0, 3, 2, 2)]),
       dtype=st.sampled_from(["quint8", "qint8", "qint32"]), seed=st.integers(0, 999),
       in_scale=st.sampled_from([0.07, 0.5, 1.5]), out_scale=st.sampled_from([0.13, 0.2, 1.0]),
       eps=st.sampled_from([1e-5, 1e-3, 0.1]))
def test_quantized_batch_norm(shape, dtype, seed, in_scale, out_scale, eps):
    rng = np.random.default_rng(seed)
    c = shape[1]
    x = (rng.standard_normal(shape) * 3).astype(np.float32)
    w, b, mu = (rng.standard_normal(c).astype(np.float32) for _ in range(3))
    var = (rng.random(c) + 0.1).astype(np.float32)
    zp_in, zp_out = (3, 5) if dtype != "qint8" else (-2, -3)

    def run(m):
        qx = m.quantize_per_tensor(m.from_numpy(x), in_scale, zp_in, getattr(m, dtype))
        r = m.quantized_batch_norm(qx, m.from_numpy(w), m.from_numpy(b), m.from_numpy(mu), m.from_numpy(var), eps,
                                   out_scale, zp_out)
        return _qpicture(r)
    _both(run)


@pytest.mark.parametrize("call", [
    lambda m: m.quantized_batch_norm(_qx(m, (2, 2, 2, 2)), None, m.zeros(2), m.zeros(2), m.ones(2), 1e-5, 0.2, 2),
    lambda m: m.quantized_batch_norm(_qx(m, (2, 2, 2, 2)), m.ones(2), None, m.zeros(2), m.ones(2), 1e-5, 0.2, 2),
    lambda m: m.quantized_batch_norm(_qx(m, (2, 2, 2, 2)), m.ones(3), m.zeros(2), m.zeros(2), m.ones(2), 1e-5, 0.2, 2),
    lambda m: m.quantized_batch_norm(_qx(m, (2, 2, 2, 2)), m.ones(2), m.zeros(3), m.zeros(2), m.ones(2), 1e-5, 0.2, 2),
    lambda m: m.quantized_batch_norm(_qx(m, (2, 2, 2, 2)), m.ones(2), m.zeros(2), m.zeros(3), m.ones(2), 1e-5, 0.2, 2),
    lambda m: m.quantized_batch_norm(_qx(m, (2, 2, 2, 2)), m.ones(2), m.zeros(2), m.zeros(2), m.ones(3), 1e-5, 0.2, 2),
    lambda m: m.quantized_batch_norm(_qx(m, (2,)), m.ones(2), m.zeros(2), m.zeros(2), m.ones(2), 1e-5, 0.2, 2),
    lambda m: m.quantized_batch_norm(m.ones(2, 2), m.ones(2), m.zeros(2), m.zeros(2), m.ones(2), 1e-5, 0.2, 2),
])
def test_quantized_batch_norm_errors(call):
    _both(lambda m: _qpicture(call(m)))
