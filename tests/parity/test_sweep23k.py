"""Fixes found by program sweep 23k (GNN layers on torch sparse COO adjacency, tests/programs/sweep23k_*.py):

* ``torch.cat`` of sparse COO tensors returned a dense tensor: it now stays sparse as torch's cat_sparse
  (indices shifted along a sparse dim / values zero-padded along a dense dim, result uncoalesced, dtype
  promoted), with torch's errors (dense operand, shape, sparse_dim/dense_dim mismatch) and a
  ``CatBackward0`` whose backward fails as torch's does.
* ``torch.stack`` of sparse COO tensors: sparse (cat of unsqueezed inputs), ``StackBackward0`` giving each
  input its ``select`` of the gradient.
* ``s.sum()`` / ``torch.sparse.sum(s)`` over every entry recorded no gradient: ``SumBackward0`` (dense ``g``
  expanded to ``s``'s shape).
* ``sparse * number``, ``sparse * dense``, ``sparse / number`` and ``-sparse`` raised NotImplementedError when
  the sparse values required grad: ``MulBackward0`` / ``DivBackward0`` / ``NegBackward0`` now.
* ``sparse + sparse`` recorded no gradient: ``AddBackward0`` / ``SubBackward0`` (``g`` and ``alpha * g``).
* ``sparse_coo_tensor(..., check_invariants=True)`` and ``torch.sparse.check_sparse_tensor_invariants`` (context
  manager, decorator, enable/disable/is_enabled) did not check indices; negative indices without a size
  were accepted; ``torch.sparse_coo_tensor(size)`` / ``(size=...)`` (an empty tensor) raised TypeError.
* sparse @ sparse (``torch.sparse.mm``: ``SparseSparseMatmulBackward0``; ``torch.mm`` / ``@``: ``MmBackward0``)
  raised NotImplementedError for inputs requiring grad: ``(g @ b.t())`` / ``(a.t() @ g)`` at the inputs'
  coalesced indices, formed densely (values compared exactly here on small-integer-valued data, where
  summation order cannot matter).
"""
import warnings

import numpy as np
import pytest

import glasstorch
import torch
from glasstorch.autograd.gradcheck import gradcheck
from hypothesis import given, settings, strategies as st

from tests.parity._helpers import same_error, same_outcome

IDX = [[0, 1, 1, 2, 0, 2], [1, 0, 2, 1, 1, 2]]        # (0, 1) stored twice: uncoalesced
VALS = [1.0, 2.0, 3.0, 4.0, 0.5, -1.0]
W = np.arange(9.0).reshape(3, 3)


def _sp(m, vals=VALS, idx=IDX, size=(3, 3), **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        vals = vals if isinstance(vals, (torch.Tensor, glasstorch.Tensor)) else m.tensor(vals, **kw)
        return m.sparse_coo_tensor(m.tensor(idx), vals, size)


def _hyb(m, rows=2):
    return _sp(m, [[1.0, 2.0], [3.0, 4.0]], [[0, rows - 1]], (rows, 2))


def _desc(r):
    """What a program prints of a sparse result: its repr, layout, flags and entries."""
    c = r.coalesce()
    return [repr(r), r.is_coalesced(), r._nnz(), str(r.dtype), tuple(r.shape), c.indices().tolist(),
            c.values().tolist(), r.grad_fn.name() if r.grad_fn is not None else None]


def _same(f):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert f(torch) == f(glasstorch)


@pytest.mark.parametrize("dim", [0, 1, -1, -2])
def test_cat_sparse_dims(dim):
    _same(lambda m: _desc(m.cat([_sp(m), _sp(m, [5.0, 6.0], [[1, 0], [2, 2]])], dim)))


def test_cat_sparse_dense_dim_pads_values():
    _same(lambda m: [_desc(m.cat([_hyb(m), _hyb(m, 3)], 0)), _desc(m.cat([_hyb(m), _hyb(m)], 1))])


def test_cat_sparse_flags_dtype_and_aliases():
    def f(m):
        a = _sp(m).coalesce()
        one = _sp(m, [1.0], [[0], [0]])
        return [m.cat([a]).is_coalesced(), m.cat([a, a]).is_coalesced(), m.cat([one]).is_coalesced(),
                _desc(m.cat((a, a.int()), 0)), _desc(m.concat([a, a.double()])),
                _desc(m.concatenate([a, a], axis=1)), _desc(m.cat([_sp(m, [1, 2], [[0, 1]], (3,))] * 2))]
    _same(f)


def test_cat_block_diagonal_rows_equal_dense_cat():
    def f(m):
        a, b = _sp(m), _sp(m, [5.0, 6.0], [[1, 0], [2, 2]])
        return m.equal(m.cat([a, b], 1).to_dense(), m.cat([a.to_dense(), b.to_dense()], 1))
    assert f(torch) is True and f(glasstorch) is True


@pytest.mark.parametrize("case", ["dense_second", "dense_first", "shape", "dims", "range"])
def test_cat_sparse_errors(case):
    def f(m):
        a = _sp(m)
        args, d = {"dense_second": ([a, a.to_dense()], 0), "dense_first": ([a.to_dense(), a], 0),
                   "shape": ([a, _sp(m, [1.0], [[0], [0]], (3, 4))], 0), "dims": ([a, _hyb(m, 3)], 1),
                   "range": ([a, a], 2)}[case]
        return m.cat(args, d)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if case == "dense_first":       # torch lists every backend after the first ones
            for m in (torch, glasstorch):
                with pytest.raises(NotImplementedError, match="Could not run 'aten::_values' with arguments "
                                                              "from the 'CPU' backend"):
                    f(m)
            return
        same_error(f)


def test_cat_sparse_grad_fn_and_failing_backward():
    def f(m):
        v = m.tensor(VALS, requires_grad=True)
        r = m.cat([_sp(m, v), _sp(m)], 0)
        out = [r.grad_fn.name(), r.requires_grad]
        try:
            m.sparse.sum(r).backward()
        except NotImplementedError as e:
            out.append(str(e).split(" This could")[0])
        return out
    _same(f)


@pytest.mark.parametrize("dim", [0, 1, 2, -1])
def test_stack_sparse(dim):
    _same(lambda m: _desc(m.stack([_sp(m), _sp(m).coalesce() * 2], dim)))


@pytest.mark.parametrize("dim", [0, 1, 2])
def test_stack_sparse_hybrid(dim):
    _same(lambda m: _desc(m.stack([_hyb(m), _hyb(m)], dim)))


@pytest.mark.parametrize("case", [0, 1, 2])
def test_stack_sparse_errors(case):
    def f(m):
        a = _sp(m)
        return m.stack([[a, a.to_dense()], [a, _sp(m, [1.0], [[0], [0]], (3, 4))], [a, a]][case], 3 if case == 2 else 0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        same_error(f)


@pytest.mark.parametrize("red", ["sum", "dense", "sum_dims"])
def test_stack_sparse_gradient(red):
    def f(m):
        v = m.tensor(VALS, requires_grad=True)
        r = m.stack([_sp(m, v), _sp(m) * 3.0], 1)
        w = m.tensor(np.arange(18.0).reshape(3, 2, 3))
        loss = {"sum": lambda: m.sparse.sum(r), "dense": lambda: (r.to_dense() * w).sum(),
                "sum_dims": lambda: m.sparse.sum(r, dim=(0, 2)).to_dense().pow(2).sum()}[red]()
        loss.backward()
        return [r.grad_fn.name(), loss.item(), v.grad.tolist()]
    _same(f)


def test_stack_leaf_sparse_gets_sparse_grad():
    def f(m):
        s = _sp(m).coalesce().requires_grad_()
        m.stack([s, s]).to_dense().mul(m.arange(18.0).reshape(2, 3, 3)).sum().backward()
        return _desc(s.grad)
    _same(f)


def test_full_sum_of_sparse_records_sum_backward0():
    def f(m):
        v = m.tensor(VALS, requires_grad=True)
        s = _sp(m, v)
        t = m.sparse.sum(s)
        t2 = _sp(m, v).coalesce().sum()
        (t * 2 + t2).backward()
        return [t.item(), t.grad_fn.name(), t2.grad_fn.name(), v.grad.tolist()]
    _same(f)


OPS = {"mul_num": lambda m, s: s * 2.5, "rmul_num": lambda m, s: 0.5 * s, "div_num": lambda m, s: s / 4.0,
       "mul_0d": lambda m, s: s * m.tensor(3.0), "mul_dense": lambda m, s: s * m.tensor(W).float(),
       "mul_row": lambda m, s: s.mul(m.arange(3.0)), "neg": lambda m, s: -s,
       "coalesced_mul": lambda m, s: s.coalesce() * 2, "add": lambda m, s: s + _sp(m, [1.0, 2.0], [[0, 2], [0, 2]]),
       "sub_self": lambda m, s: s - s * 0.25, "add_alpha": lambda m, s: s.add(s.coalesce(), alpha=3)}
REDS = {"sum": lambda m, r: m.sparse.sum(r), "dense": lambda m, r: (r.to_dense() * m.tensor(W).float()).sum(),
        "mm": lambda m, r: m.sparse.mm(r, m.tensor(W).float()).sum()}


@pytest.mark.parametrize("red", list(REDS))
@pytest.mark.parametrize("op", list(OPS))
def test_sparse_arith_gradient(op, red):
    def f(m):
        v = m.tensor(VALS, requires_grad=True)
        r = OPS[op](m, _sp(m, v))
        REDS[red](m, r).backward()
        return [r.grad_fn.name(), r.is_coalesced(), v.grad.tolist()]
    _same(f)


def test_sparse_mul_leaf_grad_layout():
    def f(m):
        s = _sp(m).coalesce().requires_grad_()
        (-(s * 2.0) / 4.0).to_dense().mul(m.tensor(W).float()).sum().backward()
        return _desc(s.grad)
    _same(f)


def test_edge_weight_training_step_matches():
    """The sweep's learnable edge weight: sigmoid values, scaled and negated sparse, then sparse.mm."""
    def f(m):
        m.manual_seed(0)
        x = m.randn(3, 2)
        p = m.nn.Parameter(m.zeros(6))
        opt = m.optim.SGD([p], lr=0.5)
        out = []
        for _ in range(2):
            a = _sp(m, m.sigmoid(p))
            h = a * 0.5 + (-a / 4.0)
            loss = (m.sparse.mm(h.coalesce(), x).sum(1) - 1).pow(2).mean()
            opt.zero_grad()
            loss.backward()
            opt.step()
            out.append(round(loss.item(), 6))
        return out + [p.detach().round(decimals=6).tolist()]
    _same(f)


def test_other_operand_requiring_grad_still_refused():
    v = glasstorch.tensor(VALS, requires_grad=True)
    with pytest.raises(NotImplementedError):
        _sp(glasstorch) * glasstorch.tensor(2.0, requires_grad=True)
    assert (_sp(glasstorch, v) * 2.0).requires_grad


@pytest.mark.parametrize("op", ["mul_num", "div_num", "mul_dense", "neg", "add", "stack", "sum"])
def test_gradcheck(op):
    idx = glasstorch.tensor(IDX)
    vals = glasstorch.tensor(np.array(VALS) + 0.25, dtype=glasstorch.float64, requires_grad=True)
    w = glasstorch.tensor(W + 1.0)

    def fn(v):
        s = glasstorch.sparse_coo_tensor(idx, v, (3, 3))
        if op == "stack":
            return glasstorch.stack([s, s * 2.0], 1).to_dense()
        if op == "sum":
            return glasstorch.sparse.sum(s * 1.5)
        if op == "mul_dense":
            return (s * w).to_dense()
        return OPS[op](glasstorch, s).to_dense()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert gradcheck(fn, (vals,))


def test_same_outcome_cat_of_coalesced_blocks():
    same_outcome(lambda m: m.cat([_sp(m).coalesce(), _sp(m).coalesce()], 1).to_dense())


BAD = {"too_big_0": ([[0, 2], [1, 1]], (2, 2)), "too_big_1": ([[0, 1], [1, 2]], (2, 2)),
       "negative": ([[0, -1], [-3, 1]], (2, 2)), "negative_no_size": ([[0, -1], [1, 1]], None)}


@pytest.mark.parametrize("how", ["kwarg", "context", "decorator", "enable"])
@pytest.mark.parametrize("case", list(BAD))
def test_sparse_invariant_checks(case, how):
    idx, size = BAD[case]

    def build(m):
        args = (m.tensor(idx), m.ones(2)) + (() if size is None else (size,))
        if how == "kwarg":
            return m.sparse_coo_tensor(*args, check_invariants=True)
        if how == "context":
            with m.sparse.check_sparse_tensor_invariants():
                return m.sparse_coo_tensor(*args)
        if how == "decorator":
            return m.sparse.check_sparse_tensor_invariants()(lambda: m.sparse_coo_tensor(*args))()
        m.sparse.check_sparse_tensor_invariants.enable()
        try:
            return m.sparse_coo_tensor(*args)
        finally:
            m.sparse.check_sparse_tensor_invariants.disable()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        same_error(build)
        assert [m.sparse.check_sparse_tensor_invariants.is_enabled() for m in (torch, glasstorch)] == [False, False]


def test_invariant_checks_off_by_default_and_flags():
    def f(m):
        with m.sparse.check_sparse_tensor_invariants():
            inside = m.sparse.check_sparse_tensor_invariants.is_enabled()
            with m.sparse.check_sparse_tensor_invariants(False):
                nested = m.sparse.check_sparse_tensor_invariants.is_enabled()
        s = m.sparse_coo_tensor(m.tensor([[0, 2], [1, 1]]), m.ones(2), (2, 2))    # not checked
        ok = m.sparse_coo_tensor(m.tensor([[0, 1], [1, 1]]), m.ones(2), (2, 2), check_invariants=True)
        return [inside, nested, m.sparse.check_sparse_tensor_invariants.is_enabled(), s._nnz(), _desc(ok)]
    _same(f)


@pytest.mark.parametrize("form", ["kw", "tuple", "list", "size", "kw_dtype_grad", "int"])
def test_sparse_coo_tensor_size_only(form):
    def f(m):
        r = {"kw": lambda: m.sparse_coo_tensor(size=(3, 4)), "tuple": lambda: m.sparse_coo_tensor((3, 4)),
             "list": lambda: m.sparse_coo_tensor([2, 3, 1], dtype=m.int64),
             "size": lambda: m.sparse_coo_tensor(m.Size([5])),
             "kw_dtype_grad": lambda: m.sparse_coo_tensor(size=(2, 2), dtype=m.float64, requires_grad=True),
             "int": lambda: m.sparse_coo_tensor(m.tensor([[0, 1]]))}[form]()
        return _desc(r) + [r.requires_grad, r.sparse_dim(), r.dense_dim()]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if form == "int":
            same_error(f)
        else:
            _same(f)


def test_accumulate_into_empty_sparse():
    def f(m):
        acc = m.sparse_coo_tensor(size=(3, 3))
        for k in range(3):
            acc = acc + _sp(m, [float(k + 1)] * 2, [[k, 0], [1, k]])
        return _desc(acc) + _desc(acc.coalesce())
    _same(f)


SPMM = {"sparse.mm": lambda m, a, b: m.sparse.mm(a, b), "mm": lambda m, a, b: m.mm(a, b),
        "matmul": lambda m, a, b: a @ b}


@pytest.mark.parametrize("which", ["a", "b", "both"])
@pytest.mark.parametrize("red", list(REDS))
@pytest.mark.parametrize("op", list(SPMM))
def test_sparse_sparse_mm_gradient(op, red, which):
    def f(m):
        v = m.tensor(VALS, requires_grad=True)
        u = m.tensor([1.0, -1.0, 2.0, 0.5, 3.0, 1.0], requires_grad=True)
        a, b = _sp(m, v), _sp(m, u, [IDX[1], IDX[0]])
        a, b = (a, b.detach()) if which == "a" else (a.detach(), b) if which == "b" else (a, b)
        r = SPMM[op](m, a, b)
        REDS[red](m, r).backward()
        return [r.grad_fn.name(), r.is_coalesced(), None if v.grad is None else v.grad.tolist(),
                None if u.grad is None else u.grad.tolist()]
    _same(f)


def test_sparse_sparse_mm_leaf_grad_and_second_backward():
    def f(m):
        a = _sp(m).coalesce().requires_grad_()
        r = m.sparse.mm(a, a.detach() * 2)
        loss = (r.to_dense() * m.tensor(W).float()).sum()
        loss.backward()
        out = _desc(a.grad)
        try:
            loss.backward()
        except RuntimeError as e:
            out.append(str(e)[:60])
        return out
    _same(f)


def test_sparse_sparse_mm_gradcheck():
    idx = glasstorch.tensor(IDX)
    a0 = glasstorch.tensor(np.array(VALS) + 0.25, dtype=glasstorch.float64, requires_grad=True)
    b0 = glasstorch.tensor(np.array(VALS)[::-1] - 0.5, dtype=glasstorch.float64, requires_grad=True)

    def fn(va, vb):
        a = glasstorch.sparse_coo_tensor(idx, va, (3, 3))
        b = glasstorch.sparse_coo_tensor(idx.flip(0), vb, (3, 3))
        return glasstorch.sparse.mm(a, b).to_dense()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert gradcheck(fn, (a0, b0))


@settings(max_examples=25, deadline=None)
@given(st.integers(1, 3), st.integers(0, 5), st.integers(0, 5), st.integers(0, 1), st.integers(0, 2 ** 16))
def test_cat_stack_random_sparse(rows, nnz_a, nnz_b, dim, seed):
    """Random (possibly empty, uncoalesced) operands: cat along either dim, stack along the new last dim."""
    rng = np.random.default_rng(seed)

    def rand_sp(nnz, n_rows):
        idx = np.stack([rng.integers(0, n_rows, nnz), rng.integers(0, 3, nnz)]).astype(np.int64)
        vals = rng.standard_normal(nnz).astype(np.float32)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return [m.sparse_coo_tensor(m.from_numpy(idx.copy()), m.from_numpy(vals.copy()), (n_rows, 3))
                    for m in (torch, glasstorch)]
    a, b = rand_sp(nnz_a, rows), rand_sp(nnz_b, rows if dim == 1 else rows + 1)
    assert _desc(torch.cat([a[0], b[0]], dim)) == _desc(glasstorch.cat([a[1], b[1]], dim))
    if dim == 1:
        assert _desc(torch.stack([a[0], b[0]], 2)) == _desc(glasstorch.stack([a[1], b[1]], 2))
