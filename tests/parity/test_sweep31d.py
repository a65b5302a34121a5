"""Parity pins for sweep31d (multi-task and continual learning programs).

Fixed in glasstorch:
- ``prod`` of floating tensors multiplies as torch's CPU kernel does (ops/_prod_order.py): in the
  tensor's own dtype, so a float16 product rounds to float16 after every multiply (it was a float32
  running product, NumPy's, off in the third digit: ``x.half().prod()`` of five numbers gave 0.1196
  for torch's 0.1198); and in torch's order: along a dim contiguous in memory, ATen's vectorised row
  reduction (four vectors of lanes, then the tail), which also fixes the last bit of float32/float64
  ``prod(dim)`` along the last dim; along other dims, one element after another; over a strided or
  broadcast (expanded) tensor, its rows in TensorIterator's order, two threads' shares from 32768
  elements; ``dtype=`` casts the input first, as torch does.  Results along a dim are contiguous.
- float16 ``add``/``sub``/``rsub``/``add_``/``sub_`` with ``alpha``: torch's kernel fuses
  ``self + alpha*other`` (float32 lanes, one rounding) only in blocks of 32 elements of each inner row;
  the rest of the row, every element of a strided loop and a 0-d tensor go through ``c10::Half``
  arithmetic, which rounds ``alpha*other`` to float16 first (``a.add(b, alpha=0.1)`` of
  0.1243 and -2.641 is -0.1396 there, not -0.1398); glasstorch fused every element
  (ops/_half_axpy.py, ops/_scalar_tail.loop_vector_mask's new ``block``).
- the optimizers on float16 parameters (SGD with momentum, Adam, AdamW, RMSprop, Adagrad, Adamax,
  NAdam, RAdam, Adadelta, ASGD; single-tensor loop): torch computes each op in float32 and rounds to
  float16 once per op, with a Python-number hyperparameter held as float32; glasstorch's array kernels
  rounded the hyperparameter to float16 (``exp_avg_sq * 0.999`` by float16's 0.99902) and rounded the
  parts of ``lerp_``/``addcmul_``/``addcdiv_`` separately, so the parameters drifted from torch's
  after one step (optim/_half_steps.py: torch's single-tensor algorithms written with glasstorch's
  float16 tensor ops).
- ``ASGD(foreach=True)``: torch's multi-tensor loop is its own arithmetic (``p.addcmul_(g + wd*p +
  lambd*p, eta, value=-1)``, ``ax.addcmul_(p - ax, mu)`` even at mu 1, eta from float32 tensor
  arithmetic on the step tensor); glasstorch ran the single-tensor loop, off in the last bits of every
  parameter of every dtype (optim/_asgd_foreach.py).
- ``RAdam(foreach=True)`` / ``NAdam(foreach=True)``: likewise their multi-tensor arithmetic
  (RAdam: ``p.addcmul_(m, 1 / ((sqrt(v) + eps) / c2) + c1)``; NAdam: ``sqrt(v) / sqrt(bc2) + eps``
  for the single loop's ``sqrt(v / bc2) + eps``), last bits of float32/float64 parameters
  (optim/_foreach_steps.py); on float16 parameters too.
- ``torch._foreach_maximum_`` / ``_foreach_minimum_`` crashed (AttributeError: 'Tensor' object has no
  attribute 'maximum_'); they write ``maximum(t, other)`` into each tensor as torch does: a leaf that
  requires grad refused, ``MaximumBackward0`` against a tensor list, torch's ``NotImplemented`` node
  against numbers ("derivative for _foreach_maximum_ is not implemented"), a float result into an
  integer tensor refused with the C++ type name (_foreach_minmax.py).
- ``torch._foreach_mul_`` (in place) of float16 tensors by a number (Scalar / ScalarList) takes the
  number rounded to float16, as torch's loop does (``Tensor.mul_`` and out-of-place ``_foreach_mul``
  keep it as float32): glasstorch kept float32 (_foreach.py).
"""
import numpy as np
import pytest
import torch
from hypothesis import given, settings, strategies as st

import glasstorch
from glasstorch.autograd.gradcheck import gradcheck
from tests.parity._helpers import assert_same_array, same_on_both, same_outcome

DTYPES = [np.float16, np.float32, np.float64]


def _arr(shape, dtype, seed=0, spread=0.6):
    """Factors near 1 (so that long products neither vanish nor overflow, even in float16)."""
    rng = np.random.default_rng(seed)
    return (rng.random(shape) * spread + (1.0 - spread / 2.2)).astype(dtype)


def _both(fn, arr):
    """fn(module, tensor) on torch and glasstorch: values, dtype, shape and strides equal."""
    out = [fn(m, m.from_numpy(arr.copy())) for m in (torch, glasstorch)]
    assert_same_array(out[0], out[1])
    assert str(out[0].dtype) == str(out[1].dtype)
    assert out[0].stride() == out[1].stride()
    return out


def test_float16_prod_rounds_every_step():
    # the program's case: five float16 numbers whose float32 running product rounds elsewhere
    x = np.array([-1.1259765625, -1.15234375, -0.25048828125, -0.433837890625, 0.8486328125], np.float16)
    t, g = _both(lambda m, a: a.prod(), x)
    assert t.item() == 0.1197509765625
    _both(lambda m, a: a.prod(0), x)
    _both(lambda m, a: a.prod(0, keepdim=True), x)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape", [(7,), (63,), (64,), (65,), (130,), (3, 33), (33, 3), (2, 5, 70),
                                   (4, 1, 40), (17, 129)])
def test_prod_whole_and_along_each_dim(dtype, shape):
    arr = _arr(shape, dtype)
    _both(lambda m, a: a.prod(), arr)
    for d in range(len(shape)):
        _both(lambda m, a: a.prod(d), arr)
        _both(lambda m, a: m.prod(a, d, keepdim=True), arr)
        _both(lambda m, a: a.prod(d - len(shape), dtype=m.float64), arr)
        _both(lambda m, a: a.prod(d, dtype=m.float16), arr)


VIEWS = {
    "transposed": lambda a: a.transpose(0, -1),
    "rows_sliced": lambda a: a[::2],
    "cols_sliced": lambda a: a[..., ::2],
    "permuted_sliced": lambda a: a.permute(*reversed(range(a.dim())))[1:],
    "narrowed": lambda a: a[:, 1:],
}


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("view", sorted(VIEWS))
@pytest.mark.parametrize("shape", [(3, 33), (33, 3), (2, 5, 70), (40, 70)])
def test_prod_of_strided_views(dtype, view, shape):
    arr = _arr(shape, dtype, seed=1)
    v = VIEWS[view]
    _both(lambda m, a: v(a).prod(), arr)
    for d in range(len(shape)):
        _both(lambda m, a: v(a).prod(d), arr)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("case", ["row_expanded", "col_expanded", "row_expanded_dim0", "col_expanded_dim1"])
def test_prod_of_expanded_tensors(dtype, case):
    src, fn = {
        "row_expanded": ((1, 40), lambda a: a.expand(5, 40).prod()),
        "col_expanded": ((5, 1), lambda a: a.expand(5, 40).prod()),
        "row_expanded_dim0": ((1, 40), lambda a: a.expand(5, 40).prod(0)),
        "col_expanded_dim1": ((5, 1), lambda a: a.expand(5, 40).prod(1)),
    }[case]
    _both(lambda m, a: fn(a), _arr(src, dtype, seed=2))


@pytest.mark.parametrize("dtype", [np.float16, np.float32])
@pytest.mark.parametrize("case", ["whole", "dim0_1d", "strided_whole", "narrowed_whole", "outer"])
def test_prod_of_large_tensors(dtype, case):
    # from 32768 elements torch's whole-tensor reduction splits between threads
    shape, fn = {
        "whole": ((40000,), lambda a: a.prod()),
        "dim0_1d": ((70000,), lambda a: a.prod(0, keepdim=True)),
        "strided_whole": ((40000, 2), lambda a: a[:, 0].prod()),
        "narrowed_whole": ((300, 300), lambda a: a[:, :201].prod()),
        "outer": ((70000, 2), lambda a: a.prod(0)),
    }[case]
    _both(lambda m, a: fn(a), _arr(shape, dtype, seed=3, spread=0.0004))


@settings(max_examples=40, deadline=None)
@given(st.lists(st.integers(1, 6), min_size=1, max_size=3).map(tuple).flatmap(
    lambda s: st.tuples(st.just(s), st.integers(0, len(s) - 1), st.sampled_from(DTYPES), st.integers(0, 50),
                        st.booleans())))
def test_prod_drawn(args):
    shape, d, dtype, extra, keep = args
    shape = shape[:-1] + (shape[-1] + extra,)          # rows long enough for the vector steps too
    arr = _arr(shape, dtype, seed=sum(shape))
    _both(lambda m, a: a.prod(), arr)
    _both(lambda m, a: a.prod(d, keepdim=keep), arr)
    _both(lambda m, a: a.transpose(0, -1).prod(d, keepdim=keep), arr)


@pytest.mark.parametrize("arr", [np.arange(1, 8), np.array([True, False, True]), np.zeros((0, 3), np.float16),
                                 np.array(2.5, np.float16), np.array([1 + 2j, 3 - 1j], np.complex64)],
                         ids=["int64", "bool", "empty_half", "0d_half", "complex"])
def test_prod_other_dtypes_unchanged(arr):
    same_outcome(lambda m: m.from_numpy(arr.copy()).prod())
    same_outcome(lambda m: m.from_numpy(arr.copy()).prod(0))
    same_outcome(lambda m: m.from_numpy(arr.copy()).prod(dtype=m.float16 if arr.dtype.kind != "c" else m.complex128))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_prod_gradient(dtype):
    arr = _arr((3, 40), dtype, seed=4)
    same_on_both(lambda m, a: a.prod(1), [arr], rtol=1e-6 if dtype == np.float32 else 1e-12)
    same_on_both(lambda m, a: a.prod(), [arr], rtol=1e-5 if dtype == np.float32 else 1e-12)


def test_prod_gradcheck():
    x = glasstorch.from_numpy(_arr((3, 40), np.float64, seed=5)).requires_grad_(True)
    assert gradcheck(lambda a: a.prod(1), (x,))
    assert gradcheck(lambda a: a.t().prod(), (x,))


def test_prod_float16_gradient_and_grad_fn():
    def fn(m):
        a = m.from_numpy(_arr((4, 70), np.float16, seed=6)).requires_grad_(True)
        y = a.prod(1)
        y.sum().backward()
        return y.detach(), a.grad, type(y.grad_fn).__name__
    t, g = fn(torch), fn(glasstorch)
    assert_same_array(t[0], g[0])
    assert t[2] == g[2] == "ProdBackward1"
    np.testing.assert_allclose(g[1].numpy().astype(np.float32), t[1].numpy().astype(np.float32), rtol=2e-3)


# ---- float16 add / sub with alpha -----------------------------------------------------------------
AXPY = {
    "add": lambda m, a, b: a.add(b, alpha=0.1),
    "sub": lambda m, a, b: m.sub(a, b, alpha=0.37),
    "add_": lambda m, a, b: a.clone().add_(b, alpha=-0.01),
    "sub_": lambda m, a, b: a.clone().sub_(b, alpha=3.3),
    "add_number": lambda m, a, b: a.add(0.3, alpha=0.1),
    "rsub": lambda m, a, b: m.rsub(a, b, alpha=0.1),
    "rsub_number": lambda m, a, b: m.rsub(a, 0.7, alpha=0.1),
    "broadcast_column": lambda m, a, b: a.add(b[..., :1], alpha=0.1),
    "transposed": lambda m, a, b: a.transpose(0, -1).add(b.transpose(0, -1), alpha=0.1),
    "strided": lambda m, a, b: a[..., ::2].add(b[..., ::2], alpha=0.1),
    "zero_d": lambda m, a, b: a.flatten()[0].add(b.flatten()[1], alpha=0.1),
    "zero_d_other": lambda m, a, b: a.add(b.flatten()[1], alpha=0.1),
    "out": lambda m, a, b: m.add(a, b, alpha=0.1, out=m.empty_like(a)),
}


def test_half_add_alpha_scalar_loop_rounds_the_product():
    def fn(m):
        p = m.tensor([-2.640625], dtype=m.float16)
        g = m.tensor([0.124267578125], dtype=m.float16)
        return g.add(p, alpha=0.1), g.expand(64).add(p.expand(64), alpha=0.1)
    same_outcome(fn)
    assert torch.tensor([0.124267578125], dtype=torch.float16).add(
        torch.tensor([-2.640625], dtype=torch.float16), alpha=0.1).item() == -0.1396484375


@pytest.mark.parametrize("name", sorted(AXPY))
@pytest.mark.parametrize("shape", [(1,), (5,), (31,), (32,), (33,), (100,), (3, 40), (40, 3), (7, 33), (2, 3, 50)])
def test_half_add_alpha(name, shape):
    rng = np.random.default_rng(sum(shape))
    a = (rng.standard_normal(shape) * 0.3).astype(np.float16)
    b = rng.standard_normal(shape).astype(np.float16)
    same_outcome(lambda m: AXPY[name](m, m.from_numpy(a.copy()), m.from_numpy(b.copy())))


@pytest.mark.parametrize("name", ["add", "sub_", "add_number"])
def test_half_add_alpha_threads(name):
    # from 32768 elements the loop is cut between threads, each piece with its own tail
    rng = np.random.default_rng(7)
    a = (rng.standard_normal((300, 121)) * 0.3).astype(np.float16)
    b = rng.standard_normal((300, 121)).astype(np.float16)
    same_outcome(lambda m: AXPY[name](m, m.from_numpy(a.copy()), m.from_numpy(b.copy())))


@settings(max_examples=30, deadline=None)
@given(st.integers(1, 200), st.floats(-4, 4, allow_nan=False).filter(lambda v: abs(v) > 1e-3),
       st.sampled_from(sorted(AXPY)))
def test_half_add_alpha_drawn(n, alpha, name):
    rng = np.random.default_rng(n)
    a = (rng.standard_normal((2, n)) * 0.5).astype(np.float16)
    b = rng.standard_normal((2, n)).astype(np.float16)
    same_outcome(lambda m: m.from_numpy(a.copy()).add(m.from_numpy(b.copy()), alpha=alpha))
    same_outcome(lambda m: AXPY[name](m, m.from_numpy(a.copy()), m.from_numpy(b.copy())))


def test_half_add_alpha_gradient():
    def fn(m):
        a = m.from_numpy(_arr((3, 40), np.float16, seed=8)).requires_grad_(True)
        b = m.from_numpy(_arr((3, 40), np.float16, seed=9)).requires_grad_(True)
        y = m.sub(a, b, alpha=0.3)
        y.backward(m.ones_like(y))
        return y.detach(), a.grad, b.grad, type(y.grad_fn).__name__
    t, g = fn(torch), fn(glasstorch)
    for u, v in zip(t[:3], g[:3]):
        assert_same_array(u, v)
    assert t[3] == g[3] == "SubBackward0"


# ---- optimizers on float16 parameters --------------------------------------------------------------
OPTIMS = {
    "SGD_momentum": ("SGD", dict(lr=0.1, momentum=0.9, weight_decay=1e-2)),
    "SGD_nesterov": ("SGD", dict(lr=0.1, momentum=0.9, nesterov=True)),
    "SGD_dampening_maximize": ("SGD", dict(lr=0.1, momentum=0.9, dampening=0.1, weight_decay=1e-2, maximize=True)),
    "Adam": ("Adam", dict(lr=1e-2)),
    "Adam_wd_maximize": ("Adam", dict(lr=1e-2, maximize=True, weight_decay=0.1)),
    "Adam_amsgrad": ("Adam", dict(lr=1e-2, amsgrad=True, eps=1e-3)),
    "Adam_decoupled": ("Adam", dict(lr=1e-2, decoupled_weight_decay=True, weight_decay=0.5)),
    "AdamW_amsgrad": ("AdamW", dict(lr=1e-2, weight_decay=0.3, amsgrad=True, maximize=True)),
    "RMSprop": ("RMSprop", dict(lr=1e-2)),
    "RMSprop_momentum_wd": ("RMSprop", dict(lr=1e-2, weight_decay=0.1, maximize=True, momentum=0.3)),
    "RMSprop_centered": ("RMSprop", dict(lr=1e-2, momentum=0.9, centered=True)),
    "Adagrad": ("Adagrad", dict(lr=1e-1, lr_decay=0.1, weight_decay=0.1, maximize=True, initial_accumulator_value=0.5)),
    "Adamax": ("Adamax", dict(lr=1e-2, weight_decay=0.1, maximize=True)),
    "NAdam": ("NAdam", dict(lr=1e-2, weight_decay=0.1, maximize=True)),
    "NAdam_decoupled": ("NAdam", dict(lr=1e-2, decoupled_weight_decay=True, weight_decay=0.2)),
    "RAdam": ("RAdam", dict(lr=1e-2, weight_decay=0.1, maximize=True)),
    "RAdam_decoupled": ("RAdam", dict(lr=1e-2, decoupled_weight_decay=True, weight_decay=0.2)),
    "Adadelta": ("Adadelta", dict(lr=1.0, weight_decay=0.1, maximize=True)),
    "ASGD": ("ASGD", dict(lr=1e-2, weight_decay=0.1, maximize=True, t0=2)),
}


def _trajectory(m, cls, kw, steps=5):
    """A float16 matrix, a float16 bias and a float32 parameter updated ``steps`` times: parameters and
    the state tensors."""
    rng = np.random.default_rng(4)
    p0 = rng.standard_normal((16, 9)).astype(np.float16)
    b0 = rng.standard_normal(9).astype(np.float16)
    grads = [((rng.standard_normal((16, 9)) * 0.3).astype(np.float16), (rng.standard_normal(9) * 0.3).astype(np.float16))
             for _ in range(steps)]
    p, b = m.nn.Parameter(m.from_numpy(p0)), m.nn.Parameter(m.from_numpy(b0))
    q = m.nn.Parameter(m.from_numpy(p0[:2].astype(np.float32)))
    opt = getattr(m.optim, cls)([p, b, q], **kw)
    for gp, gb in grads:
        p.grad, b.grad, q.grad = m.from_numpy(gp.copy()), m.from_numpy(gb.copy()), m.from_numpy(gp[:2].astype(np.float32))
        opt.step()
    state = [v for s in opt.state.values() for k, v in sorted(s.items()) if k != "step" and hasattr(v, "numpy")]
    return [p.detach(), b.detach(), q.detach()] + state


@pytest.mark.parametrize("name", sorted(OPTIMS))
def test_optimizer_on_float16_parameters(name):
    cls, kw = OPTIMS[name]
    t, g = _trajectory(torch, cls, kw), _trajectory(glasstorch, cls, kw)
    assert len(t) == len(g)
    for u, v in zip(t, g):
        assert_same_array(u, v)


def test_adam_float16_one_step_program_case():
    # the sweep's case: a float16 Linear trained one Adam step; exp_avg rounds once (lerp_ in float32)
    def fn(m):
        m.manual_seed(0)
        x = m.randn(8, 16).half()
        y = m.randint(0, 4, (8,))
        lin = m.nn.Linear(16, 4).half()
        m.nn.functional.cross_entropy(lin(x), y).backward()
        opt = m.optim.Adam(lin.parameters(), lr=1e-2)
        opt.step()
        return lin.bias.detach(), opt.state[lin.bias]["exp_avg"], lin.weight.detach()
    same_outcome(fn)


@pytest.mark.parametrize("kw", [dict(lr=1e-2, foreach=True, t0=1), dict(lr=1e-2, foreach=True, weight_decay=0.1, maximize=True),
                                dict(lr=1e-2, foreach=True, weight_decay=0.1, t0=2, lambd=1e-2),
                                dict(lr=5e-2, foreach=True, maximize=True, alpha=0.5)],
                         ids=["plain", "wd_maximize", "wd_t0_lambd", "maximize_alpha"])
@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
def test_asgd_foreach(kw, dtype):
    def run(m):
        rng = np.random.default_rng(4)
        p0 = rng.standard_normal((16, 9)).astype(dtype)
        p, b = m.nn.Parameter(m.from_numpy(p0)), m.nn.Parameter(m.from_numpy(p0[0].copy()))
        opt = m.optim.ASGD([p, b], **kw)
        for _ in range(5):
            gp = (rng.standard_normal((16, 9)) * 0.3).astype(dtype)
            p.grad, b.grad = m.from_numpy(gp), m.from_numpy(gp[1].copy())
            opt.step()
        return [p.detach(), b.detach()] + [opt.state[t][k] for t in (p, b) for k in ("ax", "eta", "mu", "step")]
    for u, v in zip(run(torch), run(glasstorch)):
        assert_same_array(u, v)


def test_asgd_foreach_complex():
    def run(m):
        rng = np.random.default_rng(5)
        p = m.nn.Parameter(m.from_numpy((rng.standard_normal(6) + 1j * rng.standard_normal(6)).astype(np.complex64)))
        opt = m.optim.ASGD([p], lr=1e-2, foreach=True, weight_decay=0.1)
        for _ in range(3):
            p.grad = m.from_numpy((rng.standard_normal(6) + 1j * rng.standard_normal(6)).astype(np.complex64))
            opt.step()
        return p.detach(), opt.state[p]["ax"]
    for u, v in zip(run(torch), run(glasstorch)):
        assert_same_array(u, v)


@pytest.mark.parametrize("kw", [dict(lr=1e-2), dict(lr=1e-2, weight_decay=0.1, maximize=True),
                                dict(lr=1e-2, decoupled_weight_decay=True, weight_decay=0.2)],
                         ids=["plain", "wd_maximize", "decoupled"])
@pytest.mark.parametrize("cls", ["RAdam", "NAdam"])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_radam_nadam_foreach(cls, kw, dtype):
    def run(m):
        rng = np.random.default_rng(4)
        p0 = rng.standard_normal((16, 9)).astype(dtype)
        p, b = m.nn.Parameter(m.from_numpy(p0)), m.nn.Parameter(m.from_numpy(p0[0].copy()))
        opt = getattr(m.optim, cls)([p, b], foreach=True, **kw)
        for _ in range(8):                   # RAdam's rectification starts after step 5
            gp = (rng.standard_normal((16, 9)) * 0.3).astype(dtype)
            p.grad, b.grad = m.from_numpy(gp), m.from_numpy(gp[1].copy())
            opt.step()
        return [p.detach(), b.detach()] + [v for t in (p, b) for k, v in sorted(opt.state[t].items())]
    for u, v in zip(run(torch), run(glasstorch)):
        assert_same_array(u, v)


@pytest.mark.parametrize("cls", ["RAdam", "NAdam"])
@pytest.mark.parametrize("kw", [dict(lr=1e-2), dict(lr=1e-2, decoupled_weight_decay=True, weight_decay=0.2)],
                         ids=["plain", "decoupled"])
def test_radam_nadam_foreach_float16(cls, kw):
    t, g = _trajectory(torch, cls, dict(kw, foreach=True), steps=7), _trajectory(glasstorch, cls, dict(kw, foreach=True), steps=7)
    for u, v in zip(t, g):
        assert_same_array(u, v)


# ---- _foreach_maximum_ / _foreach_minimum_, _foreach_mul_ of float16 --------------------------------
MINMAX = {
    "list": lambda m, x: (m._foreach_maximum_([x], [m.full_like(x, 0.3)]), x)[1],
    "scalar": lambda m, x: (m._foreach_minimum_([x], 0.3), x)[1],
    "scalar_list": lambda m, x: (m._foreach_maximum_([x, x[:2].clone()], [0.3, -1.0]), x)[1],
    "tensor": lambda m, x: (m._foreach_minimum_([x], m.tensor(0.25)), x)[1],
    "float64_other": lambda m, x: (m._foreach_maximum_([x], [m.full_like(x, 0.3, dtype=m.float64)]), x)[1],
    "nan": lambda m, x: (m._foreach_maximum_([x], [m.full_like(x, float("nan"))]), x)[1],
    "size_mismatch": lambda m, x: m._foreach_maximum_([x], [m.ones(x.numel() + 1)]),
    "int_float_scalar": lambda m, x: m._foreach_maximum_([m.tensor([1, 5])], 2.5),
    "int_int_list": lambda m, x: (lambda i: (m._foreach_maximum_([i], [m.tensor([3, 2])]), i)[1])(m.tensor([1, 5])),
    "int_int_scalar": lambda m, x: (lambda i: (m._foreach_minimum_([i], 3), i)[1])(m.tensor([1, 5])),
    "leaf": lambda m, x: m._foreach_maximum_([x.requires_grad_()], [m.ones_like(x)]),
}


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
@pytest.mark.parametrize("case", sorted(MINMAX))
def test_foreach_maximum_minimum_inplace(case, dtype):
    arr = np.random.default_rng(1).standard_normal(7).astype(dtype)
    same_outcome(lambda m: MINMAX[case](m, m.from_numpy(arr.copy())))


def test_foreach_maximum_inplace_autograd():
    def fn(m):
        a = m.tensor([1.0, 5.0, 2.0], requires_grad=True)
        b = m.tensor([2.0, 2.0, 2.0], requires_grad=True)
        q = a * 1
        m._foreach_maximum_([q], [b])
        q.sum().backward()
        w = a * 1
        m._foreach_minimum_([w], 2.0)
        return q.detach(), a.grad, b.grad, q.grad_fn.name(), q._version, w.grad_fn.name(), w._version
    t, g = fn(torch), fn(glasstorch)
    for u, v in zip(t[:3], g[:3]):
        assert_same_array(u, v)
    assert t[3:] == g[3:]
    same_outcome(lambda m: (lambda w: (m._foreach_maximum_([w], 2.0), w.sum().backward()))(
        m.tensor([1.0, 5.0], requires_grad=True) * 1))


@pytest.mark.parametrize("case", ["scalar", "scalar_list", "tensor", "out_of_place", "method"])
def test_foreach_mul_float16_number(case):
    arr = (np.random.default_rng(3).standard_normal(500) * 3).astype(np.float16)
    fn = {
        "scalar": lambda m, x: (m._foreach_mul_([x], 0.999), x)[1],
        "scalar_list": lambda m, x: (m._foreach_mul_([x], [0.999]), x)[1],
        "tensor": lambda m, x: (m._foreach_mul_([x], m.tensor(0.999)), x)[1],
        "out_of_place": lambda m, x: m._foreach_mul([x], 0.999)[0],
        "method": lambda m, x: x.mul_(0.999),
    }[case]
    same_outcome(lambda m: fn(m, m.from_numpy(arr.copy())))
