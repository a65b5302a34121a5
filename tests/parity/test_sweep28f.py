"""Parity pins for sweep28f (tabular deep learning programs: entity embeddings, wide & deep, DCN,
FT-Transformer, TabNet).

Fixed in glasstorch:
- ``F.embedding_bag`` on a float16 weight sums each bag in a float32 buffer and rounds once, as every
  half kernel of torch does (FBGEMM's and the padding_idx loop); it summed in float16, off in the
  last bits for most bags of more than one row (nn/_ops/embedding_bag.py);
- ``F.embedding_bag`` with an index outside [0, num_embeddings) raises torch's RuntimeError, worded
  by the path torch takes: the FBGEMM sum / mean path reports ``Index i of input takes value v which
  is not in the valid range [0, N)`` or trips ``Expected i < index_size`` (it depends on torch's
  thread chunks), the other paths ``embedding_bag: Expected idx >= 0 && idx < num_embeddings ...``;
  it raised IndexError "index out of range in self" (nn/_ops/embedding_bag_index.py);
- ``F.embedding_bag`` refuses integer, bool and complex weights with torch's checkScalarTypes error
  (it returned integer sums), and checks in torch's order: renorm (with its own checks: select range,
  ``norm()`` of an integer weight), per_sample_weights' mode, padding_idx's range, index types, the
  weight's type, the offsets, per_sample_weights' type, then decreasing offsets;
- ``F.embedding`` / ``torch.embedding`` need a 2-D weight ("'weight' must be 2-D"; under max_norm
  embedding_renorm_'s checkDim first); a 1-D weight was indexed like a table (nn/_ops/sparse.py);
- ``F.embedding_bag`` takes torch's FBGEMM path only where torch does (float rows with stride 1 and
  sample weights with stride 1, no padding_idx): a strided weight or strided per_sample_weights now
  put the indices past the last offset (include_last_offset) into the last bag, and sum without
  FMA, as torch's plain loop does;
- ``F.embedding_bag`` of a 2-D input with no columns raises torch's "step must be nonzero" (from the
  offsets' arange) instead of returning zeros, and its grad_fn has torch's two edges, the second
  (None, 0) when there are no per_sample_weights;
- ``torch.embedding`` (the native op) passes ``sparse`` on (it was dropped: dense gradients) and takes
  ``padding_idx`` as it is (negative or past the table: no padding row; it asserted or wrapped like
  F.embedding) (_api_fill.py);
- ``torch.embedding_renorm_`` exists: the in-place renorm with torch's checks (in-place leaf, 2-D,
  index type, select range, norm of an integer weight) and, on a result that requires grad, an
  EmbeddingRenormBackward0 whose backward raises torch's NotImplementedError (_api_fill.py);
- ``F.glu`` wraps its dim (torch's "Dimension out of range" IndexError, not a tuple error) and
  refuses non-floating inputs ("glu_cpu" not implemented for 'Long') after its shape checks
  (nn/_ops/activation_more.py).
"""
import numpy as np
import pytest
import torch
from hypothesis import given, settings, strategies as st

import glasstorch
from tests.parity._helpers import same_error, same_on_both, same_outcome


@pytest.fixture
def threads(request):
    """Both libraries on the same intra-op thread count (torch's index error depends on its chunks)."""
    before = torch.get_num_threads(), glasstorch.get_num_threads()

    def use(n):
        torch.set_num_threads(n)
        glasstorch.set_num_threads(n)
    yield use
    torch.set_num_threads(before[0])
    glasstorch.set_num_threads(before[1])


# ---- float16 bags are summed in float32 ---------------------------------------------------------------

@settings(max_examples=40, deadline=None)
@given(st.integers(0, 10 ** 6), st.sampled_from(["sum", "mean"]), st.booleans(), st.booleans())
def test_half_bags_sum_in_float32(seed, mode, with_psw, with_padding):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(1, 12))
    idx = rng.integers(0, 6, n)
    offs = np.sort(rng.integers(0, n + 1, int(rng.integers(1, 4))))
    offs[0] = 0
    w = (rng.standard_normal((6, 4)) * 10).astype(np.float16)
    psw = rng.standard_normal(n).astype(np.float16) if with_psw and mode == "sum" else None
    pad = 2 if with_padding else None

    def fn(m, w, *p):
        return m.nn.functional.embedding_bag(m.from_numpy(idx), w, m.from_numpy(offs), mode=mode, padding_idx=pad,
                                             per_sample_weights=p[0] if p else None)
    same_on_both(fn, [w] + ([psw] if psw is not None else []))


def test_half_bags_module_and_2d_input():
    def fn(m):
        m.manual_seed(0)
        bag = m.nn.EmbeddingBag(10, 5, mode="sum").half()
        x = m.tensor([[1, 2, 4, 4], [9, 0, 3, 3]])
        return bag(x), bag(x, per_sample_weights=m.tensor([[0.5, 0.25, 3.0, -1.5]] * 2, dtype=m.half))
    same_outcome(fn)


def test_half_bag_mean_matches_float_sum_rounded():
    w = np.array([[1000.0, 0.1], [1.0, 0.2], [0.5, 0.3], [0.25, 0.4]], np.float16)
    same_on_both(lambda m, w: m.nn.functional.embedding_bag(m.tensor([0, 1, 2, 3, 1, 2]), w, m.tensor([0, 4]),
                                                          mode="mean"), [w])


# ---- out-of-range indices ---------------------------------------------------------------------------

W = np.arange(30, dtype=np.float32).reshape(10, 3)
BAD_INDEX = [
    ([1, 2, 14], [0, 2], {}),
    ([14, 1, 2], [0, 2], {}),
    ([1, 2, -1], [0, 2], {"mode": "mean"}),
    ([1, 2, 3, 4, 14], [0, 1, 2, 3], {}),
    ([1, 2, 10], [0], {}),
    ([1, 2, 14], [0, 2], {"mode": "max"}),
    ([1, 2, 14], [0, 2], {"padding_idx": 0}),
    ([1, 2, 14], [0, 2], {"dtype": "float64"}),
    ([1, 2, 14], [0, 2], {"dtype": "float16"}),
    ([1, 2, 14], [0, 2], {"strided": True}),
    ([1, 2, 14], [0, 2], {"mode": "sum", "psw": True}),
    ([1, 2, 14], [0, 2, 3], {"include_last_offset": True}),
    ([1, 2, 14], [0, 2, 3], {"include_last_offset": True, "dtype": "float64"}),
    ([1, 2, 3, 14], [0, 2], {"int32": True}),
]


def _bag_call(m, idx, offs, kw):
    kw = dict(kw)
    w = W.astype(kw.pop("dtype", "float32"))
    wt = m.from_numpy(w.T.copy()).t() if kw.pop("strided", False) else m.from_numpy(w.copy())
    it = m.tensor(idx, dtype=m.int32 if kw.pop("int32", False) else m.int64)
    ot = m.tensor(offs, dtype=it.dtype)
    if kw.pop("psw", False):
        kw["per_sample_weights"] = m.ones(len(idx), dtype=wt.dtype)
    return m.nn.functional.embedding_bag(it, wt, ot, **kw)


@pytest.mark.parametrize("n_threads", [1, 2, 4])
@pytest.mark.parametrize("case", range(len(BAD_INDEX)))
def test_out_of_range_index_error(case, n_threads, threads):
    threads(n_threads)
    idx, offs, kw = BAD_INDEX[case]
    same_error(lambda m: _bag_call(m, idx, offs, kw))


def test_out_of_range_2d_input_and_module(threads):
    threads(1)
    same_error(lambda m: m.nn.functional.embedding_bag(m.tensor([[1, 2], [3, 10]]), m.ones(10, 3)))
    same_error(lambda m: m.nn.functional.embedding_bag(m.tensor([[1, 2], [3, 10]]), m.ones(10, 3), mode="max"))
    same_error(lambda m: m.nn.EmbeddingBag(10, 3)(m.tensor([1, 2, 14]), m.tensor([0, 2])))
    same_error(lambda m: m.nn.EmbeddingBag(10, 3, padding_idx=0)(m.tensor([1, 2, 14]), m.tensor([0, 2])))


def test_index_past_the_last_offset_is_never_read_on_the_fast_path():
    # torch's FBGEMM path reads only the bags: a bad index after the last offset passes
    def fn(m):
        w = m.arange(30.0).view(10, 3).requires_grad_()
        out = m.nn.functional.embedding_bag(m.tensor([1, 2, 14]), w, m.tensor([0, 2]), include_last_offset=True)
        return out
    same_outcome(fn)


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 10 ** 6), st.sampled_from([1, 3]))
def test_random_bags_values_or_errors(seed, n_threads):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(1, 9))
    idx = rng.integers(-1, 8, n)
    bad = (idx < 0) | (idx >= 6)
    nb = int(rng.integers(1, 5))
    offs = np.sort(rng.integers(0, n + 1, nb))
    offs[0] = 0
    mode = ["sum", "mean", "max"][int(rng.integers(0, 3))]
    dt = [np.float32, np.float64, np.float16][int(rng.integers(0, 3))]
    w = rng.standard_normal((6, 3)).astype(dt)
    # several failing thread chunks race in torch: keep one thread where more than one bag is bad
    bag_of = np.searchsorted(offs, np.arange(n), side="right") - 1
    threads_used = n_threads if len(set(bag_of[bad].tolist())) <= 1 else 1
    before = torch.get_num_threads(), glasstorch.get_num_threads()
    try:
        torch.set_num_threads(threads_used)
        glasstorch.set_num_threads(threads_used)
        same_outcome(lambda m: m.nn.functional.embedding_bag(m.from_numpy(idx.copy()), m.from_numpy(w.copy()),
                                                             m.from_numpy(offs.copy()), mode=mode))
    finally:
        torch.set_num_threads(before[0])
        glasstorch.set_num_threads(before[1])


# ---- argument checks and their order ------------------------------------------------------------------

CHECKS = {
    "long weight": lambda m: m.nn.functional.embedding_bag(m.tensor([1, 2, 4]), m.arange(30).view(10, 3),
                                                           m.tensor([0, 2])),
    "int weight, max": lambda m: m.nn.functional.embedding_bag(m.tensor([1, 2, 4]), m.ones(10, 3, dtype=m.int32),
                                                               m.tensor([0, 2]), mode="max"),
    "short weight": lambda m: m.nn.functional.embedding_bag(m.tensor([1, 2, 4]), m.ones(10, 3, dtype=m.int16),
                                                            m.tensor([0, 2])),
    "uint8 weight": lambda m: m.nn.functional.embedding_bag(m.tensor([1, 2, 4]), m.ones(10, 3, dtype=m.uint8),
                                                            m.tensor([0, 2])),
    "bool weight": lambda m: m.nn.functional.embedding_bag(m.tensor([1, 2, 4]), m.ones(10, 3, dtype=m.bool),
                                                           m.tensor([0, 2])),
    "complex weight": lambda m: m.nn.functional.embedding_bag(m.tensor([1, 2, 4]), m.ones(10, 3, dtype=m.complex64),
                                                              m.tensor([0, 2])),
    "cdouble weight": lambda m: m.nn.functional.embedding_bag(m.tensor([1, 2, 4]), m.ones(10, 3, dtype=m.complex128),
                                                              m.tensor([0, 2])),
    "2d long weight": lambda m: m.nn.functional.embedding_bag(m.tensor([[1, 2, 4]]), m.arange(30).view(10, 3)),
    "long weight before offsets[0]": lambda m: m.nn.functional.embedding_bag(
        m.tensor([1, 2, 4]), m.arange(30).view(10, 3), m.tensor([1, 2])),
    "long weight before decreasing offsets": lambda m: m.nn.functional.embedding_bag(
        m.tensor([1, 2, 4]), m.arange(30).view(10, 3), m.tensor([0, 2, 1])),
    "long weight before psw type": lambda m: m.nn.functional.embedding_bag(
        m.tensor([1, 2, 4]), m.arange(30).view(10, 3), m.tensor([0, 2]), mode="sum", per_sample_weights=m.ones(3)),
    "psw mode before long weight": lambda m: m.nn.functional.embedding_bag(
        m.tensor([1, 2, 4]), m.arange(30).view(10, 3), m.tensor([0, 2]), mode="mean", per_sample_weights=m.ones(3)),
    "offsets[0] before psw type": lambda m: m.nn.functional.embedding_bag(
        m.tensor([1, 2, 4]), m.ones(10, 3), m.tensor([1, 2]), mode="sum", per_sample_weights=m.ones(3).double()),
    "offsets[-1] before psw type": lambda m: m.nn.functional.embedding_bag(
        m.tensor([1, 2, 4]), m.ones(10, 3), m.tensor([0, 5]), mode="sum", per_sample_weights=m.ones(3).double()),
    "psw type before decreasing offsets": lambda m: m.nn.functional.embedding_bag(
        m.tensor([1, 2, 4]), m.ones(10, 3), m.tensor([0, 2, 1]), mode="sum", per_sample_weights=m.ones(3).double()),
    "padding range before weight type": lambda m: m.nn.functional.embedding_bag(
        m.tensor([1, 2, 4]), m.arange(30).view(10, 3), m.tensor([0, 2]), padding_idx=12),
    "padding range before index type": lambda m: m.nn.functional.embedding_bag(
        m.tensor([1.0, 2, 4]), m.ones(10, 3), m.tensor([0, 2]), padding_idx=12),
    "padding range before offsets type": lambda m: m.nn.functional.embedding_bag(
        m.tensor([1, 2, 4]), m.ones(10, 3), m.tensor([0, 2], dtype=m.int16), padding_idx=-11),
    "renorm of a long weight": lambda m: m.nn.functional.embedding_bag(m.tensor([[1, 2, 4]]), m.arange(30).view(10, 3),
                                                                       max_norm=2.0),
    "renorm select range": lambda m: m.nn.functional.embedding_bag(m.tensor([1, 2, 14]), m.ones(10, 3),
                                                                   m.tensor([0, 2]), max_norm=1.0),
}


@pytest.mark.parametrize("name", sorted(CHECKS))
def test_embedding_bag_argument_checks(name):
    same_error(CHECKS[name])


def test_float_weights_still_work():
    for dt in ("float16", "float32", "float64"):
        same_on_both(lambda m, w: m.nn.functional.embedding_bag(m.tensor([1, 2, 4, 0]), w, m.tensor([0, 1]),
                                                              mode="max"), [W.astype(dt)])


# ---- F.embedding's weight must be 2-D -------------------------------------------------------------------

EMB = {
    "1-d": lambda m: m.nn.functional.embedding(m.tensor([1, 2, 4]), m.arange(30.0)),
    "3-d": lambda m: m.nn.functional.embedding(m.tensor([1, 2, 4]), m.arange(30.0).view(2, 3, 5)),
    "0-d": lambda m: m.nn.functional.embedding(m.tensor([1, 2, 4]), m.tensor(3.0)),
    "0-d, padding 1": lambda m: m.nn.functional.embedding(m.tensor([1, 2, 4]), m.tensor(3.0), padding_idx=1),
    "0-d, padding 0": lambda m: m.nn.functional.embedding(m.tensor([1, 2, 4]), m.tensor(3.0), padding_idx=0),
    "1-d, padding": lambda m: m.nn.functional.embedding(m.tensor([1, 2, 4]), m.arange(30.0), padding_idx=1),
    "1-d, float ids": lambda m: m.nn.functional.embedding(m.tensor([1.0, 2, 4]), m.arange(30.0)),
    "1-d, max_norm": lambda m: m.nn.functional.embedding(m.tensor([1, 2, 4]), m.arange(30.0), max_norm=1.0),
    "1-d, max_norm, float ids": lambda m: m.nn.functional.embedding(m.tensor([1.0, 2, 4]), m.arange(30.0),
                                                                    max_norm=1.0),
    "3-d, max_norm": lambda m: m.nn.functional.embedding(m.tensor([1, 2, 4]), m.arange(30.0).view(1, 2, 15),
                                                         max_norm=1.0),
    "torch.embedding 1-d": lambda m: m.embedding(m.arange(30.0), m.tensor([1, 2, 4])),
    "1-d with grad": lambda m: m.nn.functional.embedding(m.tensor([1, 2, 4]), m.arange(30.0).requires_grad_()),
    "int 3-d": lambda m: m.nn.functional.embedding(m.tensor([1, 2, 4]), m.ones(10, 3, 1, dtype=m.int32)),
}


@pytest.mark.parametrize("name", sorted(EMB))
def test_embedding_weight_dims(name):
    same_error(EMB[name])


def test_embedding_2d_unchanged():
    same_on_both(lambda m, w: (m.nn.functional.embedding(m.tensor([[1, 2], [4, 0]]), w, padding_idx=0),
                               m.embedding(w, m.tensor([3]))), [W.astype(np.float64)])


# ---- F.glu ----------------------------------------------------------------------------------------

GLU_ERRORS = {
    "dim 2 of 2-d": lambda m: m.nn.functional.glu(m.ones(4, 6), dim=2),
    "dim -3 of 2-d": lambda m: m.nn.functional.glu(m.ones(4, 6), dim=-3),
    "dim before odd size": lambda m: m.nn.functional.glu(m.ones(4, 5), dim=3),
    "long": lambda m: m.nn.functional.glu(m.ones(4, 6, dtype=m.long)),
    "int": lambda m: m.nn.functional.glu(m.ones(4, 6, dtype=m.int32)),
    "bool": lambda m: m.nn.functional.glu(m.ones(4, 6, dtype=m.bool)),
    "complex": lambda m: m.nn.functional.glu(m.ones(4, 6, dtype=m.complex64)),
    "odd long (shape first)": lambda m: m.nn.functional.glu(m.ones(4, 5, dtype=m.long)),
    "bad dim long (dim first)": lambda m: m.nn.functional.glu(m.ones(4, 6, dtype=m.long), dim=3),
    "int scalar": lambda m: m.nn.functional.glu(m.tensor(1)),
    "module": lambda m: m.nn.GLU(dim=5)(m.ones(4, 6)),
}


@pytest.mark.parametrize("name", sorted(GLU_ERRORS))
def test_glu_errors(name):
    same_error(GLU_ERRORS[name])


@pytest.mark.parametrize("dim", [0, 1, -1, -2])
def test_glu_values_and_grads(dim):
    x = np.random.default_rng(3).standard_normal((4, 6))
    same_on_both(lambda m, x: m.nn.functional.glu(x, dim=dim), [x])
    same_on_both(lambda m, x: m.nn.functional.glu(x, dim=dim), [x.astype(np.float32)])


def test_glu_half_and_empty():
    same_outcome(lambda m: (m.nn.functional.glu(m.arange(24.0).view(4, 6).half()), m.nn.functional.glu(m.ones(0, 6))))


def test_glu_gradcheck_negative_dim():
    from glasstorch.autograd.gradcheck import gradcheck, gradgradcheck
    x = glasstorch.tensor(np.random.default_rng(0).standard_normal((4, 3)), requires_grad=True)
    assert gradcheck(lambda t: glasstorch.nn.functional.glu(t, dim=-2), (x,))
    assert gradgradcheck(lambda t: glasstorch.nn.functional.glu(t, dim=-2), (x,))


# ---- embedding_bag: zero-width 2-D input, grad_fn edges ------------------------------------------------

ZERO_WIDTH = {
    "long": lambda m: m.nn.functional.embedding_bag(m.zeros(2, 0, dtype=m.long), m.ones(4, 2)),
    "long max": lambda m: m.nn.functional.embedding_bag(m.zeros(2, 0, dtype=m.long), m.ones(4, 2), mode="max"),
    "no rows": lambda m: m.nn.functional.embedding_bag(m.zeros(0, 0, dtype=m.long), m.ones(4, 2)),
    "float": lambda m: m.nn.functional.embedding_bag(m.zeros(2, 0), m.ones(4, 2)),
    "bool": lambda m: m.nn.functional.embedding_bag(m.zeros(2, 0, dtype=m.bool), m.ones(4, 2)),
    "psw": lambda m: m.nn.functional.embedding_bag(m.zeros(2, 0, dtype=m.long), m.ones(4, 2),
                                                  per_sample_weights=m.ones(2, 0)),
    "bad mode": lambda m: m.nn.functional.embedding_bag(m.zeros(2, 0, dtype=m.long), m.ones(4, 2), mode="foo"),
}


@pytest.mark.parametrize("name", sorted(ZERO_WIDTH))
def test_zero_width_2d_input(name):
    same_error(ZERO_WIDTH[name])


def test_zero_height_2d_input_still_works():
    same_outcome(lambda m: m.nn.functional.embedding_bag(m.zeros(0, 3, dtype=m.long), m.ones(4, 2)))


def _edges(fn):
    return [None if f is None else type(f).__name__ for f, _ in fn.next_functions]


@pytest.mark.parametrize("mode", ["sum", "mean", "max"])
def test_embedding_bag_grad_fn_edges(mode):
    def fn(m):
        w = m.ones(4, 2, requires_grad=True)
        out = m.nn.functional.embedding_bag(m.tensor([1, 2]), w, m.tensor([0]), mode=mode)
        return out, _edges(out.grad_fn)
    same_outcome(fn)
    same_outcome(lambda m: _edges(m.nn.functional.embedding_bag(
        m.tensor([1, 2]), m.ones(4, 2), m.tensor([0]), mode="sum", per_sample_weights=m.ones(2, requires_grad=True)
    ).grad_fn))


# ---- torch.embedding and torch.embedding_renorm_ --------------------------------------------------------

@pytest.mark.parametrize("pad", [-1, -2, 0, 2, 7])
@pytest.mark.parametrize("freq", [False, True])
@pytest.mark.parametrize("sparse", [False, True])
def test_native_embedding_padding_and_sparse(pad, freq, sparse):
    def fn(m):
        x = m.arange(8.0).view(4, 2).requires_grad_()
        out = m.embedding(x, m.tensor([[1, 1], [2, 0]]), pad, freq, sparse)
        out.sum().backward()
        g = x.grad
        return out, g.layout == m.sparse_coo, g.to_dense() if g.is_sparse else g
    same_outcome(fn)


RENORM = {
    "leaf": lambda m: m.embedding_renorm_(m.ones(4, requires_grad=True), m.tensor([0]), 1.0, 2.0),
    "1-d": lambda m: m.embedding_renorm_(m.ones(4), m.tensor([0]), 1.0, 2.0),
    "float ids": lambda m: m.embedding_renorm_(m.ones(4, 2), m.tensor([0.0]), 1.0, 2.0),
    "select range": lambda m: m.embedding_renorm_(m.ones(4, 2), m.tensor([5]), 1.0, 2.0),
    "long weight": lambda m: m.embedding_renorm_(m.ones(4, 2).long(), m.tensor([1]), 1.0, 2.0),
    "backward": lambda m: m.embedding_renorm_(m.ones(4, 2, requires_grad=True) * 2, m.tensor([1]), 1.0, 2.0).sum()
    .backward(),
}


@pytest.mark.parametrize("name", sorted(RENORM))
def test_embedding_renorm_errors(name):
    same_error(RENORM[name])


@pytest.mark.parametrize("norm_type", [1.0, 2.0, 3.0])
def test_embedding_renorm_values(norm_type):
    def fn(m):
        w = m.arange(8.0, dtype=m.float64).view(4, 2)
        r = m.embedding_renorm_(w, m.tensor([[1, -1], [3, 1]]), 2.0, norm_type)
        y = m.ones(4, 2, requires_grad=True) * 3
        r2 = m.embedding_renorm_(y, m.tensor([0, 2]).int(), 1.5, norm_type)
        return r, w, r is w, w._version, r2, type(r2.grad_fn).__name__, _edges(r2.grad_fn)
    same_outcome(fn)


# ---- which kernel: FBGEMM only for stride-1 rows and sample weights ---------------------------------------

@settings(max_examples=40, deadline=None)
@given(st.integers(0, 10 ** 6), st.booleans(), st.booleans(), st.booleans())
def test_strided_weight_or_sample_weights_take_the_plain_loop(seed, strided_w, strided_p, last):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(1, 10))
    idx = rng.integers(0, 6, n)
    offs = np.sort(rng.integers(0, n + 1, int(rng.integers(2, 4))))
    offs[0] = 0
    if last:        # (indices past the last offset: torch's backward reads memory it never wrote)
        offs[-1] = n
    w_t = rng.standard_normal((3, 6)).astype(np.float32)
    p2 = rng.standard_normal(2 * n).astype(np.float32)

    def fn(m, w_t, p2):
        w = w_t.t() if strided_w else w_t.t().contiguous()
        p = p2[::2] if strided_p else p2[:n]
        return m.nn.functional.embedding_bag(m.from_numpy(idx), w, m.from_numpy(offs), mode="sum",
                                             per_sample_weights=p, include_last_offset=last)
    same_on_both(fn, [w_t, p2])


@pytest.mark.parametrize("mode", ["sum", "mean"])
def test_include_last_offset_single_column_strided(mode):
    same_outcome(lambda m: [m.nn.functional.embedding_bag(m.tensor([1, 2, 3]), w, m.tensor([0, 1]), mode=mode,
                                                          include_last_offset=True)
                            for w in (m.arange(10.0).view(1, 10).t(), m.arange(10.0).view(10, 1),
                                      m.arange(20.0).view(2, 10).t()[:, :1], m.arange(20.0).view(10, 2)[:, 1:])])
