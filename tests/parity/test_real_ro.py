"""Parity pins for the Zero to Mastery PyTorch course programs (mrdbourke/pytorch-deep-learning).

Fixed in glasstorch:
- float32 ``x @ w.t()`` with eight products per entry (k == 8) -- the forward of ``Linear(8, p)``,
  ``mm``/``matmul``/``addmm`` with a row-major x and a transposed row-major w -- now adds the products
  in the order of MKL's one-register dot-product kernel, ``((p0 + p4) + (p2 + p6)) + ((p1 + p5) +
  (p3 + p7))`` from +0 lanes, C added afterwards, where torch runs that kernel (2 or 3 result rows
  and 2+ columns, or 4+ rows and 2 to 11 columns); NumPy's BLAS order was a last bit off.  Shown by
  02_pytorch_classification: the untrained ``BlobModel`` (hidden_units=8) gave softmax rows whose
  sum printed ``tensor(1.0000, grad_fn=<SumBackward0>)`` instead of torch's ``tensor(1., ...)``
  (ops/_gemm_dot8.py, hooked into ops/_gemm_small.running_sum).
"""
import numpy as np
import torch
from hypothesis import given, settings, strategies as st

import glasstorch
from tests.parity._helpers import assert_same_array, same_on_both

SHAPES = st.one_of(
    st.tuples(st.integers(4, 300), st.integers(2, 11)),       # a layer's batch of rows
    st.tuples(st.integers(2, 3), st.integers(2, 64)),         # two or three rows: any width
)


def _arrays(seed, m, p, scale=1.0):
    rng = np.random.default_rng(seed)
    x = (rng.standard_normal((m, 8)) * scale).astype(np.float32)
    w = rng.standard_normal((p, 8)).astype(np.float32)
    b = rng.standard_normal(p).astype(np.float32)
    return x, w, b


@settings(max_examples=60, deadline=None)
@given(SHAPES, st.integers(0, 2 ** 31), st.sampled_from([1.0, 1e-3, 50.0]))
def test_k8_products_are_torchs_bit_for_bit(shape, seed, scale):
    x, w, b = _arrays(seed, *shape, scale=scale)
    same_on_both(lambda t, x, w, b: (t.mm(x, w.t()), x @ w.t(), t.matmul(x, w.t()), t.addmm(b, x, w.t()),
                                     t.nn.functional.linear(x, w, b), t.nn.functional.linear(x, w)),
                 [x, w, b], grad=False)


@settings(max_examples=25, deadline=None)
@given(SHAPES, st.integers(0, 2 ** 31))
def test_k8_linear_layer_forward_and_graph(shape, seed):
    x, w, b = _arrays(seed, *shape)
    # values exact, grad_fn AddmmBackward0; the gradients (other products) within rounding
    same_on_both(lambda t, x, w, b: t.nn.functional.linear(x, w, b), [x, w, b], grad=True,
                 grad_rtol=1e-5, grad_atol=1e-6)


@settings(max_examples=20, deadline=None)
@given(st.integers(1, 6), st.integers(1, 7), st.integers(2, 11), st.integers(0, 2 ** 31))
def test_k8_linear_of_a_batch_of_matrices(a, b_, p, seed):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((a, b_, 8)).astype(np.float32)
    w = rng.standard_normal((p, 8)).astype(np.float32)
    bias = rng.standard_normal(p).astype(np.float32)
    same_on_both(lambda t, x, w, bias: (t.nn.functional.linear(x, w, bias), x @ w.t()), [x, w, bias], grad=False)


def test_k8_full_c_and_negative_zero_products():
    rng = np.random.default_rng(7)
    x = rng.standard_normal((6, 8)).astype(np.float32)
    w = rng.standard_normal((5, 8)).astype(np.float32)
    c = rng.standard_normal((6, 5)).astype(np.float32)
    same_on_both(lambda t, x, w, c: t.addmm(c, x, w.t()), [x, w, c], grad=False)
    z = np.zeros((4, 8), np.float32)
    z[1] = -0.0
    ones = np.ones((5, 8), np.float32)
    # every product -0: MKL's lanes start from +0, so the entries are +0 (signs compared)
    same_on_both(lambda t, z, o: (t.mm(-z, o.t()), t.mm(z, (-o).t())), [z, ones], grad=False)


def test_k8_long_batch_in_row_blocks():
    x, w, b = _arrays(11, 70000, 11)
    same_on_both(lambda t, x, w, b: t.nn.functional.linear(x, w, b), [x, w, b], grad=False)


@settings(max_examples=15, deadline=None)
@given(st.sampled_from([(1, 5), (5, 1), (4, 12), (200, 16), (5, 4)]), st.sampled_from([7, 8, 9]),
       st.sampled_from([np.float32, np.float64]), st.integers(0, 2 ** 31))
def test_neighbouring_products_stay_within_rounding(shape, k, dtype, seed):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((shape[0], k)).astype(dtype)
    w = rng.standard_normal((shape[1], k)).astype(dtype)
    same_on_both(lambda t, x, w: t.mm(x, w.t()), [x, w], grad=False, rtol=1e-5, atol=1e-5)


@settings(max_examples=15, deadline=None)
@given(st.integers(0, 2 ** 31))
def test_blob_classifier_softmax_rows_print_as_torch(seed):
    # a Linear(2, 8) -> Linear(8, 8) -> Linear(8, 4) classifier on blob-like data, as the course builds
    rng = np.random.default_rng(seed)
    x = (rng.standard_normal((200, 2)) * 5).astype(np.float32)
    ws = [rng.uniform(-0.5, 0.5, s).astype(np.float32) for s in ((8, 2), (8,), (8, 8), (8,), (4, 8), (4,))]
    shown = []
    for m in (torch, glasstorch):
        h = m.from_numpy(x.copy())
        for i in range(0, 6, 2):
            h = m.nn.functional.linear(h, m.from_numpy(ws[i].copy()).requires_grad_(), m.from_numpy(ws[i + 1].copy()))
        p = m.softmax(h, dim=1)
        shown.append((h.detach().numpy().copy(), [repr(m.sum(p[i])) for i in range(0, 200, 7)]))
    assert_same_array(shown[0][0], shown[1][0])
    assert shown[0][1] == shown[1][1]
