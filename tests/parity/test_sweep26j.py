"""Parity pins for sweep26j (decision trees, random forests and boosting written with tensors).

Fixed in glasstorch:
- ``sort`` / ``argsort`` with ``stable=`` and a positional dim or descending (``x.sort(1, stable=True)``,
  ``torch.argsort(x, 1, stable=True)``) match neither of torch's overloads (``stable`` makes dim and
  descending keyword-only): torch's parser TypeError, where glasstorch sorted (ops/sorting.py,
  _tensor_reduce.py);
- the nodes of max/min along a dim, sort, topk, kthvalue, median, nanmedian and mode save their returned
  indices as torch does: a second backward through them without retain_graph raises torch's "Trying to
  backward through the graph a second time" (glasstorch ran it again), modifying the indices in place
  before backward raises torch's version error, saved-tensor hooks see them, and ``grad_fn._saved_indices``
  / ``_saved_dim`` / ``_saved_keepdim`` / ``_saved_self_sym_sizes`` read as torch's (ops/reduce_more.py);
- gather, index_select, scatter_add, index_add, take, cummax and cummin save the tensors torch saves
  (the index; gather's, take's and cummax's self, index_add's source): freed after a backward (a second
  one raises torch's error), version-checked, with gather's, index_select's and take's ``_saved_*`` names
  (ops/gather.py, ops/masks.py, ops/cumulative_more.py, ops/_saved_indices.py).
"""
import numpy as np
import pytest
import torch
from hypothesis import given, settings, strategies as st

import glasstorch
from tests.parity._helpers import same_on_both, same_outcome, same_error

X = np.array([[3.0, 1.0, 2.0, 1.0], [0.0, 5.0, 4.0, 5.0], [2.0, 2.0, -1.0, 0.5]])

SORT_CALLS = {
    "method dim positional": lambda m, x: x.sort(1, stable=True),
    "method dim, descending positional": lambda m, x: x.sort(0, True, stable=False),
    "function dim positional": lambda m, x: m.sort(x, 1, stable=True),
    "function dim positional, descending kw": lambda m, x: m.sort(x, 0, descending=True, stable=True),
    "function three positional": lambda m, x: m.sort(x, 1, True, stable=True),
    "function out": lambda m, x: m.sort(x, 1, False, stable=True, out=(m.empty(0), m.empty(0, dtype=m.long))),
    "keywords": lambda m, x: m.sort(x, stable=True, dim=0, descending=True),
    "method keywords": lambda m, x: x.sort(descending=True, dim=1, stable=True),
    "stable None": lambda m, x: m.sort(x, dim=0, stable=None),
    "argsort dim positional": lambda m, x: m.argsort(x, 1, stable=True),
    "argsort three positional": lambda m, x: m.argsort(x, 1, True, stable=True),
    "argsort four positional": lambda m, x: m.argsort(x, 1, True, True),
    "argsort method four positional": lambda m, x: x.argsort(1, True, True),
    "argsort method dim positional": lambda m, x: x.argsort(0, stable=False),
    "argsort keywords": lambda m, x: x.argsort(stable=True, dim=1, descending=True),
    "argsort stable only": lambda m, x: m.argsort(x, stable=True),
    "argsort positional only": lambda m, x: m.argsort(x, 0, True),
}


@pytest.mark.parametrize("name", sorted(SORT_CALLS))
def test_sort_stable_overload_parsing(name):
    fn = SORT_CALLS[name]
    same_outcome(lambda m: fn(m, m.tensor(X)))


def _select_ops():
    return {
        "max dim": lambda x: x.max(1),
        "min keepdim": lambda x: x.min(0, keepdim=True),
        "sort": lambda x: x.sort(1),
        "sort stable": lambda x: x.sort(dim=1, stable=True),
        "topk": lambda x: x.topk(2),
        "kthvalue": lambda x: x.kthvalue(2, 0),
        "median": lambda x: x.median(1),
        "nanmedian": lambda x: x.nanmedian(1),
        "mode": lambda x: x.mode(1),
        "sort 0-d": lambda x: x[0, 0].sort(0),
        "max 0-d": lambda x: x[1, 1].max(0),
    }


@pytest.mark.parametrize("name", sorted(_select_ops()))
def test_select_along_saves_indices(name):
    op = _select_ops()[name]

    def fn(m):
        x = m.tensor(X, requires_grad=True)
        v, i = op(x)
        fn_ = v.grad_fn
        names = [n for n in dir(fn_) if n.startswith("_saved")]
        saved = fn_._saved_indices
        info = (names, fn_._saved_dim, fn_._saved_self_sym_sizes, saved is i)
        v.backward(m.ones_like(v))
        return x.grad, info
    out = {m: fn(m) for m in (torch, glasstorch)}
    assert out[torch][1] == out[glasstorch][1]
    np.testing.assert_array_equal(out[torch][0].numpy(), out[glasstorch][0].numpy())
    same_error(lambda m: _twice(m, op))
    same_error(lambda m: _modified(m, op))


def _twice(m, op):
    x = m.tensor(X, requires_grad=True)
    v, _ = op(x * 2)
    v.sum().backward()
    v.sum().backward()


def _modified(m, op):
    x = m.tensor(X, requires_grad=True)
    v, i = op(x)
    i.add_(0)
    v.sum().backward()


def test_select_along_retain_graph_and_double_backward():
    def fn(m):
        x = m.tensor(X, requires_grad=True)
        v, _ = (x ** 2).sort(1)
        g, = m.autograd.grad((v * m.arange(4.0)).sum(), x, create_graph=True, retain_graph=True)
        h, = m.autograd.grad(g.sum(), x)
        v2, _ = x.max(0)
        v2.sum().backward(retain_graph=True)
        v2.sum().backward()
        return g, h, x.grad
    same_outcome(fn)


def test_select_along_saved_tensor_hooks_see_indices():
    def fn(m):
        seen = []
        with m.autograd.graph.saved_tensors_hooks(lambda t: (seen.append((str(t.dtype), tuple(t.shape))), t)[1],
                                                  lambda t: t):
            x = m.tensor(X, requires_grad=True)
            v, _ = x.topk(2, 1)
        v.sum().backward()
        return seen, x.grad
    out = {m: fn(m) for m in (torch, glasstorch)}
    assert out[torch][0] == out[glasstorch][0]
    np.testing.assert_array_equal(out[torch][1].numpy(), out[glasstorch][1].numpy())


INDEX_OPS = {
    "gather": lambda m, x: x.gather(1, m.tensor([[0, 0], [3, 1], [2, 2]])),
    "index_select": lambda m, x: x.index_select(1, m.tensor([3, 0, 0])),
    "scatter_add": lambda m, x: m.zeros(3, 5, dtype=x.dtype).scatter_add(1, m.tensor([[0, 1, 1, 4], [2, 2, 2, 2], [0, 1, 2, 3]]), x),
    "scatter_add_": lambda m, x: m.zeros(3, 5, dtype=x.dtype).scatter_add_(1, m.tensor([[0, 1, 1, 4], [2, 2, 2, 2], [0, 1, 2, 3]]), x),
    "index_add": lambda m, x: m.zeros(4, 4, dtype=x.dtype).index_add(0, m.tensor([3, 0, 3]), x, alpha=2),
    "take": lambda m, x: x.take(m.tensor([[0, 11], [5, 5]])),
    "cummax": lambda m, x: x.cummax(1)[0],
    "cummin": lambda m, x: x.cummin(0)[0],
}


@pytest.mark.parametrize("name", sorted(INDEX_OPS))
def test_index_ops_backward_twice(name):
    op = INDEX_OPS[name]
    same_on_both(lambda m, x: op(m, x), [X])

    def twice(m):
        x = m.tensor(X, requires_grad=True)
        y = op(m, x * 1)
        y.sum().backward()
        y.sum().backward()
    same_error(twice)

    def retained(m):
        x = m.tensor(X, requires_grad=True)
        y = op(m, x * 1)
        y.sum().backward(retain_graph=True)
        (y * 2).sum().backward()
        return x.grad
    same_outcome(retained)


def test_gather_index_select_saved_names():
    def fn(m):
        x = m.tensor(X, requires_grad=True)
        idx = m.tensor([[0, 0], [3, 1], [2, 2]])
        y = x.gather(1, idx)
        z = x.index_select(0, m.tensor([2, 0]))
        w = x.take(m.tensor([1, 7]))
        names = [n for f in (y, z, w) for n in dir(f.grad_fn) if n.startswith("_saved")]
        return (names, y.grad_fn._saved_dim, y.grad_fn._saved_sparse_grad, y.grad_fn._saved_index is idx,
                z.grad_fn._saved_dim, z.grad_fn._saved_self_sym_sizes, z.grad_fn._saved_index.tolist())
    assert fn(torch) == fn(glasstorch)


def test_gather_index_modified_in_place():
    def fn(m):
        x = m.tensor(X, requires_grad=True)
        idx = m.tensor([[0, 0], [3, 1], [2, 2]])
        y = x.gather(1, idx)
        idx.zero_()
        y.sum().backward()
    same_error(fn)


@settings(max_examples=25, deadline=None)
@given(st.integers(1, 4), st.integers(1, 5), st.integers(0, 2 ** 31 - 1), st.booleans(), st.booleans())
def test_tree_split_search_gradients(rows, cols, seed, descending, keepdim):
    """The split search of a tree: sort a feature, cumsum, pick the best (max along a dim)."""
    a = np.random.default_rng(seed).standard_normal((rows, cols))

    def fn(m, x):
        v, i = x.sort(-1, descending=descending)
        best, k = v.cumsum(-1).max(-1, keepdim=keepdim)
        return best, k, i
    same_on_both(fn, [a])


@pytest.mark.parametrize("name", ["max", "sort", "topk", "kthvalue", "median", "mode", "gather", "index_select"])
def test_index_keeping_nodes_gradcheck(name):
    ops = {
        "max": lambda x: x.max(1)[0],
        "sort": lambda x: x.sort(0, descending=True)[0],
        "topk": lambda x: x.topk(2, 1, largest=False)[0],
        "kthvalue": lambda x: x.kthvalue(2, 1, keepdim=True)[0],
        "median": lambda x: x.median(0)[0],
        "mode": lambda x: x.mode(1)[0],
        "gather": lambda x: x.gather(1, glasstorch.tensor([[0, 2], [3, 3], [1, 0]])),
        "index_select": lambda x: x.index_select(0, glasstorch.tensor([2, 2, 0])),
    }
    a = np.array([[0.3, -1.2, 2.5, 0.9], [1.7, -0.4, 0.1, 3.3], [-2.2, 0.6, 1.4, -0.8]])
    x = glasstorch.tensor(a, dtype=glasstorch.float64, requires_grad=True)
    assert glasstorch.autograd.gradcheck(ops[name], (x,))
    assert glasstorch.autograd.gradgradcheck(ops[name], (x,))
