"""Differences found by the sweep21a tensor-exercise programs ("100 exercises" ported to torch,
interview drills on dtypes, strides, printing, sorting and indexing).

* Size-1 dims keep their strides where torch keeps them: NumPy's C-contiguous flag ignores a size-1
  dim's stride, so a transposed row ``(1, n).t()`` (strides ``(1, n)``) counted as contiguous and
  its ``clone()``, ``*_like``, ``to(dtype)``, ``x + 1``, ``x > 0``, ``x * 0-d tensor`` came back with
  strides ``(1, 1)``; torch's empty_like keeps ``(1, n)`` and a TensorIterator with a number operand
  (no fast setup) orders dims by the strides.  ``2 ** x`` (pow(Scalar, Tensor)) is always contiguous.
* ``x[None]`` / ``x[:, None]`` without grad: the new dim's stride is unsqueeze's (NumPy's newaxis
  gave 0); the grad path already agreed.
* Advanced-index results (``x[:, [0, 2]]``, ``x[[0, 1], :, [1, 2]]``, masks) are laid out as aten's
  index kernel lays them out (a TensorIterator over the restrided source and the index tensors).
* ``mode`` on rows holding NaN: torch std::sorts with a plain ``<`` (NaN compares false), so NaN is
  no value of its own run and the moves decide the index; replayed from libstdc++'s steps.
* ``bincount`` with float32 weights adds them one by one in float32 (NumPy summed in double and
  rounded once: last-bit differences); float16 weights give a float64 result, as torch's.
* Grad_fns: ``unique`` / ``unique(dim=)`` / ``unique_consecutive`` record ``Unique2Backward0`` /
  ``UniqueDimBackward0`` / ``UniqueConsecutiveBackward0`` (backward raises NotImplementedError);
  ``dist`` records ``DistBackward0`` (gradients to both inputs); ``block_diag`` records
  ``BlockDiagBackward0``; floor_divide's ``NotImplemented`` node raises torch's message (naming
  ``floor_divide_`` in place).  ``vector_norm(x, 0)`` / ``dist(p=0)`` leave the gradient undefined.
* ``torch.iinfo(torch.bool)`` raises TypeError; ``unfold`` of a 0-d tensor gives shape ``(size,)``.
* ``out=`` on the ops returning ``torch.return_types`` gives the ``*_out`` type (``sort_out``,
  ``max_out``, ...), as torch's out overloads do; ``torch.linalg`` functions ignored ``out=``
  altogether: they now write it (its dtype must be the result's, torch's message otherwise).
* Error messages: quantile's interpolation, diff's prepend/append checks, searchsorted's sorter
  checks (size, dtype, range), nonzero's bool-only ``as_tuple``, tril/triu_indices' missing row/col,
  ``eye`` with a negative size, ``x["a"]`` (a str is a sequence to torch: the warning, then
  ``new(): invalid data type 'str'``), ``from_numpy`` of a NumPy scalar (``numpy.int16``, its C type name).
"""
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import glasstorch
import torch
from glasstorch.autograd.gradcheck import gradcheck

from ._helpers import MODS, same_error, same_on_both, same_outcome


def _strides(fn):
    """``fn(module)`` gives a tensor: its strides on torch and on glasstorch, and its values, agree."""
    outs = [fn(m) for m in MODS]
    assert outs[0].stride() == outs[1].stride(), (outs[0].stride(), outs[1].stride())
    np.testing.assert_array_equal(outs[0].detach().numpy(), outs[1].detach().numpy())


# ---- size-1 dims strided their own way ------------------------------------------------------------
_ODD = [lambda m: m.arange(4.0).view(1, 4).t(),                       # (4, 1), strides (1, 4)
        lambda m: m.arange(6.0).view(3, 1, 2).permute(1, 0, 2)]       # (1, 3, 2), strides (2, 2, 1)
_OPS = [lambda m, c: c.clone(), lambda m, c: m.zeros_like(c), lambda m, c: m.ones_like(c),
        lambda m, c: m.full_like(c, 2), lambda m, c: m.empty_like(c).zero_(), lambda m, c: c.double(),
        lambda m, c: c.to(m.int64), lambda m, c: c + 1, lambda m, c: c - 1, lambda m, c: 2 * c,
        lambda m, c: c / 2, lambda m, c: c > 1, lambda m, c: c == 1, lambda m, c: c * m.tensor(2.0),
        lambda m, c: c.mul(m.tensor(2.0)), lambda m, c: c + m.tensor(1.0), lambda m, c: c * c,
        lambda m, c: c.exp(), lambda m, c: c ** 2, lambda m, c: 2 ** c, lambda m, c: m.pow(2.5, c),
        lambda m, c: m.where(c > 1, c, 0.0), lambda m, c: c.contiguous()]


@pytest.mark.parametrize("make", _ODD)
@pytest.mark.parametrize("op", _OPS)
def test_size_one_dim_strides(make, op):
    _strides(lambda m: op(m, make(m)))


def test_rpow_is_contiguous_for_any_layout():
    _strides(lambda m: 2 ** m.arange(6.0).view(2, 3).t())
    _strides(lambda m: 2.0 ** m.arange(12.0).view(3, 4)[:, ::2])


# ---- indexing layouts -----------------------------------------------------------------------------
_INDEX = [lambda m, x: x[None], lambda m, x: x[:, None], lambda m, x: x[..., None], lambda m, x: x[None, None, 0],
          lambda m, x: x[None, 1:, None, ::2], lambda m, x: x[0, None], lambda m, x: x[None, [1, 0]],
          lambda m, x: x[[0, 1], None], lambda m, x: x[:, [1]], lambda m, x: x[:, [0, 2]],
          lambda m, x: x.t()[:, [0, 1]], lambda m, x: x.t()[[1]], lambda m, x: x[m.tensor([True, False])],
          lambda m, x: x[m.tensor([[0, 1], [1, 0]])], lambda m, x: x[m.tensor([[0, 1], [1, 0]]).t(), 1:],
          lambda m, x: x[m.tensor([0, 1])[:, None], m.tensor([1, 2, 0])]]


@pytest.mark.parametrize("grad", [False, True])
@pytest.mark.parametrize("ix", _INDEX)
def test_index_result_strides(ix, grad):
    _strides(lambda m: ix(m, m.arange(6.0).view(2, 3).requires_grad_(grad)))


_INDEX3 = [lambda m, x: x[:, [0, 1], :], lambda m, x: x[:, :, [0]], lambda m, x: x[[0, 1], :, [1, 2]],
           lambda m, x: x[:, [0, 1], [1, 2]], lambda m, x: x[[[0], [1]], :, [1, 2]],
           lambda m, x: x.permute(2, 0, 1)[:, [0, 1]], lambda m, x: x.permute(2, 0, 1)[:, :, [0, 2]],
           lambda m, x: x.transpose(0, 1)[:, m.tensor([True, False])],
           lambda m, x: x[m.tensor([[True, False, True], [False, True, True]])],
           lambda m, x: x[m.tensor([True, False]), :, 1:3], lambda m, x: x[..., None, [0, 2]]]


@pytest.mark.parametrize("ix", _INDEX3)
def test_index_result_strides_3d(ix):
    _strides(lambda m: ix(m, m.arange(24.0).view(2, 3, 4)))


@settings(max_examples=40, deadline=None)
@given(perm=st.permutations([0, 1, 2]), d=st.integers(0, 2), idx=st.lists(st.integers(0, 1), min_size=1, max_size=3),
       sizes=st.tuples(st.integers(2, 3), st.integers(1, 3), st.integers(2, 4)))
def test_index_result_strides_drawn(perm, d, idx, sizes):
    def fn(m):
        x = m.arange(float(np.prod(sizes))).view(*sizes).permute(*perm)
        key = [slice(None)] * 3
        key[d] = m.tensor([i % x.shape[d] for i in idx])
        return x[tuple(key)]
    _strides(fn)


# ---- mode with NaN --------------------------------------------------------------------------------
@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from([0.0, 1.0, 2.0, float("nan")]), min_size=1, max_size=40))
def test_mode_with_nan(vals):
    arr = np.array(vals, np.float32)
    same_on_both(lambda t, x: tuple(t.mode(x)), [arr], grad=False)
    same_on_both(lambda t, x: tuple(t.mode(t.stack([x, x.flip(0)]), 1)), [arr], grad=False)


def test_mode_nan_examples():
    arr = np.array([1.0, np.nan, 1.0, np.nan, 2.0, 2.0, 2.0, np.nan] * 3, np.float64)
    same_on_both(lambda t, x: tuple(t.mode(x)), [arr], grad=False)
    same_on_both(lambda t, x: tuple(x.mode(keepdim=True)), [arr.reshape(4, 6)], grad=False)


# ---- bincount weights -----------------------------------------------------------------------------
@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.float16, np.int64, np.bool_])
def test_bincount_weights_dtype_and_order(dtype):
    rng = np.random.default_rng(0)
    idx = rng.integers(0, 3, 2000)
    w = (rng.standard_normal(2000) * 3).astype(dtype)
    same_on_both(lambda t, i, w: t.bincount(i, w, minlength=5), [idx, w], grad=False)


# ---- grad_fns -------------------------------------------------------------------------------------
_UNIQUE = [lambda t, x: t.unique(x), lambda t, x: t.unique(x, sorted=False), lambda t, x: x.unique(return_inverse=True),
           lambda t, x: t.unique(x, return_counts=True), lambda t, x: t.unique(x.view(2, 3), dim=1),
           lambda t, x: t.unique_consecutive(x), lambda t, x: t.unique_consecutive(x.view(3, 2), dim=0),
           lambda t, x: t.unique_consecutive(x, return_counts=True)]


@pytest.mark.parametrize("fn", _UNIQUE)
def test_unique_grad_fn_and_backward_error(fn):
    arr = np.array([3.0, 1.0, 3.0, 3.0, 2.0, 2.0], np.float32)
    same_on_both(fn, [arr], grad=False)
    same_error(lambda t: (lambda o: (o[0] if isinstance(o, tuple) else o).sum().backward())(
        fn(t, t.tensor(arr, requires_grad=True))))


def test_floor_divide_not_implemented():
    arr = np.array([7.0, -7.0], np.float32)
    same_on_both(lambda t, x: x // 2, [arr], grad=False)
    same_error(lambda t: (t.tensor(arr, requires_grad=True) // 2).sum().backward())
    same_error(lambda t: (lambda y: (y.__ifloordiv__(2), y.sum().backward()))(t.tensor(arr, requires_grad=True) * 1))


@pytest.mark.parametrize("p", [1, 2, 3, 0.5, float("inf"), float("-inf")])
def test_dist_node_and_gradients(p):
    rng = np.random.default_rng(1)
    a, b = rng.standard_normal((2, 3)), rng.standard_normal((2, 3))
    same_on_both(lambda t, x, y: t.dist(x, y, p=p), [a.astype(np.float32), b.astype(np.float32)], rtol=1e-6, atol=1e-6)
    same_on_both(lambda t, x, y: t.dist(x, y, p=p), [a, b[1]], rtol=1e-12, atol=1e-12)     # broadcast other
    assert gradcheck(lambda x, y: glasstorch.dist(x, y, p=p),
                     (glasstorch.tensor(a, requires_grad=True), glasstorch.tensor(b, requires_grad=True)))


def test_norm_order_zero_leaves_no_gradient():
    arr = np.array([0.5, -1.25, 0.0, 3.5], np.float32)
    same_on_both(lambda t, x: t.dist(x, t.ones(4), p=0), [arr])
    same_on_both(lambda t, x: t.linalg.vector_norm(x, 0), [arr])


def test_block_diag_node_and_gradients():
    rng = np.random.default_rng(2)
    a, b, c = rng.standard_normal((2, 2)), rng.standard_normal(3), rng.standard_normal(())
    same_on_both(lambda t, x, y, z: t.block_diag(x, y, z), [a, b, c])
    same_on_both(lambda t, x, y: t.block_diag(x, t.tensor([[1.0]]), y.double()),
                 [a.astype(np.float32), b.astype(np.float32)])
    assert gradcheck(glasstorch.block_diag, tuple(glasstorch.tensor(v, requires_grad=True) for v in (a, b, c)))


# ---- small API fixes ------------------------------------------------------------------------------
def test_iinfo_bool_refused():
    same_error(lambda t: t.iinfo(t.bool))


@pytest.mark.parametrize("args", [(0, 1, 1), (-1, 1, 1), (0, 1, 3), (0, 0, 1), (0, 2, 1), (1, 1, 1)])
def test_unfold_zero_dim(args):
    same_outcome(lambda t: t.tensor(5.0).unfold(*args))
    try:
        torch.tensor(5.0).unfold(*args)
    except (RuntimeError, IndexError):
        return
    same_on_both(lambda t, x: x.unfold(*args), [np.array(5.0)])
    assert gradcheck(lambda x: x.unfold(*args), (glasstorch.tensor(5.0, dtype=glasstorch.float64, requires_grad=True),))


# ---- out= ---------------------------------------------------------------------------------------
def _i64(m, *shape):
    return m.empty(shape, dtype=m.int64)


_OUTS = [lambda m, x: m.sort(x, out=(m.empty(6), _i64(m, 6))),
         lambda m, x: m.sort(x, stable=True, descending=True, out=(m.empty(6), _i64(m, 6))),
         lambda m, x: m.topk(x, 2, out=(m.empty(2), _i64(m, 2))),
         lambda m, x: m.max(x.view(2, 3), 1, out=(m.empty(2), _i64(m, 2))),
         lambda m, x: m.min(x.view(2, 3), 1, out=(m.empty(2), _i64(m, 2))),
         lambda m, x: m.kthvalue(x, 2, out=(m.empty(()), _i64(m))),
         lambda m, x: m.mode(x, out=(m.empty(()), _i64(m))),
         lambda m, x: m.median(x.view(2, 3), 1, out=(m.empty(2), _i64(m, 2))),
         lambda m, x: m.cummax(x, 0, out=(m.empty(6), _i64(m, 6))),
         lambda m, x: m.aminmax(x, out=(m.empty(()), m.empty(()))),
         lambda m, x: m.linalg.qr(x.view(2, 3), out=(m.empty(2, 2), m.empty(2, 3))),
         lambda m, x: m.linalg.eigh(x[:4].view(2, 2) @ x[:4].view(2, 2).t(), out=(m.empty(2), m.empty(2, 2))),
         lambda m, x: m.linalg.slogdet(m.eye(2) * 2, out=(m.empty(()), m.empty(())))]


@pytest.mark.parametrize("fn", _OUTS)
def test_out_overloads_return_their_type(fn):
    arr = np.array([3.0, 1.0, 2.0, 1.0, 5.0, 4.0], np.float64)
    outs = [fn(m, m.tensor(arr, dtype=m.float32)) for m in MODS]
    assert repr(outs[1]).replace("glasstorch", "torch") == repr(outs[0])


_LINALG_OUT = [lambda m, o: m.linalg.inv(m.eye(2) * 2, out=o(2, 2)), lambda m, o: m.linalg.det(m.eye(2) * 3, out=o()),
               lambda m, o: m.linalg.vector_norm(m.ones(2, 2), dim=1, out=o(2)),
               lambda m, o: m.linalg.matrix_norm(m.ones(3, 2, 2), out=o(3)),
               lambda m, o: m.linalg.solve(m.eye(2) * 2, m.ones(2, 1), out=o(2, 1)),
               lambda m, o: m.linalg.cholesky(m.eye(2) * 4, out=o(2, 2)),
               lambda m, o: m.linalg.matrix_power(m.eye(2) * 2, 3, out=o(2, 2)),
               lambda m, o: m.linalg.vecdot(m.ones(2, 3), m.ones(2, 3), out=o(2)),
               lambda m, o: m.linalg.cross(m.tensor([1.0, 0, 0]), m.tensor([0.0, 1, 0]), out=o(3))]


@pytest.mark.parametrize("dtype", ["float32", "float64", "int64"])
@pytest.mark.parametrize("fn", _LINALG_OUT)
def test_linalg_writes_out(fn, dtype):
    def run(m):
        buf = []

        def o(*shape):
            buf.append(m.zeros(*shape, dtype=getattr(m, dtype)))
            return buf[-1]
        r = fn(m, o)
        assert r is buf[0]
        return buf[0]
    same_outcome(run)


# ---- error messages of the drills ---------------------------------------------------------------
_ERRORS = [lambda t: t.quantile(t.tensor([1.0, 2.0]), 0.5, interpolation="foo"),
           lambda t: t.diff(t.tensor([1, 2]), prepend=t.tensor([[0]])),
           lambda t: t.diff(t.tensor([[1, 2]]), append=t.tensor([0])),
           lambda t: t.diff(t.tensor([[1, 2]]), prepend=t.tensor([[0, 1, 2]]), dim=0),
           lambda t: t.zeros(3)["a"], lambda t: t.zeros(2, 3)[0, "a"], lambda t: t.zeros(3).__setitem__("a", 1),
           lambda t: t.searchsorted(t.tensor([1, 2]), t.tensor([1]), sorter=t.tensor([0])),
           lambda t: t.searchsorted(t.tensor([1, 2]), t.tensor([1]), sorter=t.tensor([0, 1], dtype=t.int32)),
           lambda t: t.searchsorted(t.tensor([1, 2]), t.tensor([1]), sorter=t.tensor([0, 5])),
           lambda t: t.nonzero(t.tensor([1]), as_tuple=None), lambda t: t.tensor([1]).nonzero(as_tuple=1),
           lambda t: t.tril_indices(3), lambda t: t.triu_indices(), lambda t: t.eye(-1), lambda t: t.eye(2, -3),
           lambda t: t.from_numpy(np.int16(3)), lambda t: t.from_numpy(np.float64(2.0)), lambda t: t.from_numpy([1])]


@pytest.mark.parametrize("fn", _ERRORS)
def test_drill_errors(fn):
    same_error(fn)


def test_diff_and_searchsorted_still_work():
    same_outcome(lambda t: t.diff(t.tensor([[1, 2], [3, 5]]), dim=0, append=t.tensor([[5, 6]]), prepend=t.tensor([[0, 0]])))
    same_outcome(lambda t: t.searchsorted(t.tensor([4, 1, 3, 2]), t.tensor([2, 3]), sorter=t.tensor([1, 3, 2, 0])))
    same_outcome(lambda t: t.tril_indices(3, 4, 1))


def test_str_index_warns_as_a_sequence():
    import warnings
    msgs = []
    for m in MODS:
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            with pytest.raises(TypeError):
                m.zeros(3)["a"]
        msgs.append([str(x.message) for x in w])
    assert msgs[0] == msgs[1] and len(msgs[0]) == 1
