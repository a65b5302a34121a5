"""Parity tests for the gaps the sweep11a programs (tests/programs/sweep11a_*.py) found."""
import numpy as np
import pytest
import torch

import glasstorch

from ._helpers import MODS, assert_same_array, same_error, same_on_both

R = np.random.default_rng(11)


# ---- the meta device (the model-ensembling recipe moves its base model there) ----

def _meta_facts(t):
    m = t.nn.Linear(2, 3).to("meta")
    x = t.ones(2, 3).to("meta")
    i = t.ones(2, dtype=t.int64).to(device="meta")
    return (repr(m.weight), repr(m.bias), str(m.weight.device), m.weight.is_meta, type(m.weight).__name__,
            m.weight.requires_grad, m.weight.shape, repr(x), str(x.device), x.to("meta") is x, repr(i),
            repr(x.to(t.float64)), t.ones(2).is_meta, str(t.ones(2).device), repr(m))


def test_meta_device_reprs_and_attributes():
    assert _meta_facts(torch) == _meta_facts(glasstorch)


@pytest.mark.parametrize("how", ["cpu", "to"])
def test_meta_copy_out_raises(how):
    same_error(lambda t: getattr(t.ones(2).to("meta"), how)(*(() if how == "cpu" else ("cpu",))))


def test_meta_base_model_with_functional_call():
    x = R.standard_normal((4, 3)).astype(np.float32)
    w = R.standard_normal((2, 3)).astype(np.float32)
    b = R.standard_normal(2).astype(np.float32)

    def fn(t, x, w, b):
        base = t.nn.Linear(3, 2).to("meta")
        return t.func.functional_call(base, {"weight": w, "bias": b}, (x,))
    same_on_both(fn, [x, w, b], rtol=1e-6, atol=1e-6)     # a float32 matmul: last-bit order differences


# ---- scaled_dot_product_attention: the CPU flash kernel's single grad_fn ----

@pytest.mark.parametrize("case", ["plain", "causal", "bool", "float", "scale", "dropout", "3d", "2d", "vdim", "f64"])
def test_sdpa_grad_fn_and_grads(case):
    sq = {"3d": (2, 4, 8), "2d": (4, 8)}.get(case, (2, 2, 4, 8))
    sk = sq[:-2] + (5, 8)
    dt = np.float64 if case == "f64" else np.float32
    q, k = R.standard_normal(sq).astype(dt), R.standard_normal(sk).astype(dt)
    v = R.standard_normal(sk[:-1] + ((3,) if case == "vdim" else (8,))).astype(dt)
    mask = R.standard_normal((4, 5)).astype(dt)
    mask[3] = -np.inf
    mask[1, 2] = -np.inf
    tol = 1e-5 if dt == np.float32 else 1e-12

    def fn(t, q, k, v):
        F = t.nn.functional
        kw = {"causal": {"is_causal": True}, "scale": {"scale": 0.3},
              "bool": {"attn_mask": t.from_numpy(np.tril(np.ones((4, 5), bool)))},
              "float": {"attn_mask": t.from_numpy(mask.copy())}}.get(case, {})
        if case == "dropout":
            kw = {"dropout_p": 0.0}
        return F.scaled_dot_product_attention(q, k, v, **kw)
    same_on_both(fn, [q, k, v], rtol=tol, atol=tol)


def test_sdpa_dropout_is_math_kernel():
    q = R.standard_normal((1, 2, 3, 4)).astype(np.float32)
    names = []
    for m in MODS:
        x = m.from_numpy(q.copy()).requires_grad_()
        names.append(type(m.nn.functional.scaled_dot_product_attention(x, x, x, dropout_p=0.5).grad_fn).__name__)
    assert names[0] == names[1]


def test_sdpa_has_no_double_backward():
    q = R.standard_normal((1, 1, 3, 4))

    def fn(t, q):
        x = t.from_numpy(q.copy()).requires_grad_()
        o = t.nn.functional.scaled_dot_product_attention(x, x, x)
        (g,) = t.autograd.grad((o * o).sum(), x, create_graph=True)
        t.autograd.grad(g.sum(), x)
    same_error(fn, q)


def test_sdpa_fully_masked_row_grads():
    q = R.standard_normal((1, 1, 3, 4))
    mask = np.zeros((3, 3))
    mask[0] = -np.inf

    def fn(t, x):
        return t.nn.functional.scaled_dot_product_attention(x, x, x, attn_mask=t.from_numpy(mask.copy()))
    same_on_both(fn, [q], rtol=1e-12, atol=1e-12)


# ---- autograd.grad ----

def test_grad_materialize_without_allow_unused():
    def fn(t):
        u, v = t.ones(2, requires_grad=True), t.ones(1, requires_grad=True)
        t.autograd.grad((u * u).sum(), [u, v], materialize_grads=True, allow_unused=False)
    same_error(fn)


def test_grad_materialize_fills_zeros():
    outs = []
    for m in MODS:
        u, v = m.ones(2, requires_grad=True), m.ones(1, requires_grad=True)
        outs.append(m.autograd.grad((u * u).sum(), [u, v], materialize_grads=True))
    for a, b in zip(*outs):
        assert_same_array(a, b)


def test_meta_tensors_copy_as_meta_and_compute_nothing():
    """deepcopy keeps a meta parameter on meta (torch's model-ensembling recipe deep-copies a model, then
    moves it to meta); computing on a meta tensor gives a meta tensor, never zeros treated as data."""
    import copy
    reprs = {}
    for m in (torch, glasstorch):
        lin = copy.deepcopy(m.nn.Linear(3, 2).to("meta"))
        reprs[m] = (repr(lin.weight), type(lin.weight).__name__, lin.weight.is_meta, repr(copy.deepcopy(m.ones(2).to("meta"))))
    assert reprs[torch] == reprs[glasstorch]
    # computing on a meta tensor gives a meta tensor of torch's shape (_meta_compute.py), never data
    got = {}
    for m in (torch, glasstorch):
        x = m.ones(2, 3).to("meta")
        got[m] = [(str(r.device), tuple(r.shape)) for r in (x + 1, x.exp(), x.sum(), x @ x.t())]
    assert got[torch] == got[glasstorch]
