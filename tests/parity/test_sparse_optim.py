"""Sparse gradients through the optimizers, EmbeddingBag(sparse=True) and gradient clipping, against
torch: trajectories bit for bit, and torch's errors where torch refuses a sparse gradient."""
import warnings

import numpy as np
import pytest
import torch

import glasstorch
from ._helpers import MODS, assert_same_array

warnings.filterwarnings("ignore", message="Sparse invariant checks")


def same(a, b, what="value"):
    """Equal tensors of either layout: sparse ones with the same indices, values and coalesced flag."""
    assert a.is_sparse == b.is_sparse, what
    if a.is_sparse:
        assert a.is_coalesced() == b.is_coalesced(), what
        assert_same_array(a._indices(), b._indices(), what=what + " indices")
        assert_same_array(a._values(), b._values(), what=what + " values")
    else:
        assert_same_array(a.detach(), b.detach(), what=what)


def errors(fn):
    """fn(m) must raise the same error type and message in both libraries."""
    out = []
    for m in MODS:
        with pytest.raises(Exception) as info:
            fn(m)
        out.append((type(info.value).__name__, str(info.value)))
    assert out[0] == out[1]
    return out[0]


class Model:
    """An embedding (sparse grads) and a dense parameter, seeded from NumPy; the loss has no matmul,
    so the gradients themselves are exact and only the optimizers are compared."""

    def __init__(self, m, padding_idx=1, dtype=np.float32):
        rs = np.random.RandomState(3)
        self.m = m
        self.emb = m.nn.Embedding(8, 4, sparse=True, padding_idx=padding_idx)
        self.emb.weight.data = m.from_numpy(rs.randn(8, 4).astype(dtype))
        self.dense = m.nn.Parameter(m.from_numpy(rs.randn(3, 4).astype(dtype)))
        self.w = m.from_numpy(rs.randn(6, 4).astype(dtype))
        self.c = m.from_numpy(rs.randn(3, 4).astype(dtype))
        self.ids = [m.from_numpy(rs.randint(0, 8, 6)) for _ in range(8)]

    def params(self, dense=True):
        return [self.emb.weight] + ([self.dense] if dense else [])

    def backward(self, step, upstream):
        out = self.emb(self.ids[step])
        # "sum" gives the embedding an expanded upstream gradient, "weighted" a contiguous one:
        # torch adds those differently (see glasstorch/sparse/_arith.py)
        if upstream == "sum":
            (out.sum() + (self.dense * self.dense).sum()).backward()
        else:
            ((out * self.w).sum() + (self.dense * self.dense * self.c).sum()).backward()


def trajectory(m, make_opt, steps=5, upstream="weighted", dense=True, padding_idx=1, dtype=np.float32):
    model = Model(m, padding_idx, dtype)
    opt = make_opt(m, model.params(dense))
    for k in range(steps):
        opt.zero_grad()
        model.backward(k, upstream)
        opt.step()
    states = [{k: v for k, v in opt.state[p].items() if isinstance(v, m.Tensor)} for p in model.params(dense)]
    return model.params(dense), [p.grad for p in model.params(dense)], states


def check_trajectory(make_opt, **kw):
    (pa, ga, sa), (pb, gb, sb) = [trajectory(m, make_opt, **kw) for m in MODS]
    for i, (a, b) in enumerate(zip(pa, pb)):
        same(a, b, f"param {i}")
    for i, (a, b) in enumerate(zip(ga, gb)):
        same(a, b, f"grad {i}")
    for i, (a, b) in enumerate(zip(sa, sb)):
        assert sorted(a) == sorted(b)
        for key in a:
            same(a[key], b[key], f"state {i} {key}")


SGD_OPTIONS = {
    "plain": dict(),
    "maximize": dict(maximize=True),
    "momentum": dict(momentum=0.9),
    "dampening": dict(momentum=0.9, dampening=0.3),
    "nesterov": dict(momentum=0.9, nesterov=True),
    "nesterov_maximize": dict(momentum=0.8, nesterov=True, maximize=True),
    "foreach_nesterov": dict(momentum=0.9, nesterov=True, foreach=True),
    "foreach_momentum": dict(momentum=0.9, foreach=True),
}


@pytest.mark.parametrize("upstream", ["sum", "weighted"])
@pytest.mark.parametrize("name", SGD_OPTIONS)
def test_sgd_sparse_trajectory(name, upstream):
    check_trajectory(lambda m, ps: m.optim.SGD(ps, lr=0.1, **SGD_OPTIONS[name]), upstream=upstream)


def test_sgd_sparse_float64_no_padding():
    check_trajectory(lambda m, ps: m.optim.SGD(ps, lr=0.05, momentum=0.5), dtype=np.float64, padding_idx=None)


ADAGRAD_OPTIONS = {
    "plain": dict(),
    "lr_decay": dict(lr_decay=0.1),
    "maximize": dict(maximize=True),
    "initial_accumulator": dict(initial_accumulator_value=0.3, eps=1e-6),
    "foreach": dict(foreach=True),
}


@pytest.mark.parametrize("upstream", ["sum", "weighted"])
@pytest.mark.parametrize("name", ADAGRAD_OPTIONS)
def test_adagrad_sparse_trajectory(name, upstream):
    check_trajectory(lambda m, ps: m.optim.Adagrad(ps, lr=0.1, **ADAGRAD_OPTIONS[name]), steps=6, upstream=upstream)


def test_lbfgs_sparse_grad():
    def run(m):
        model = Model(m)
        opt = m.optim.LBFGS(model.params(dense=False), lr=0.5, max_iter=4)

        def closure():
            opt.zero_grad()
            loss = (model.emb(model.ids[0]) ** 2).sum()
            loss.backward()
            return loss
        opt.step(closure)
        return model.emb.weight
    same(*[run(m) for m in MODS])


def step_once(m, opt_name, dense=False, **options):
    model = Model(m)
    opt = getattr(m.optim, opt_name)(model.params(dense), **options)
    model.backward(0, "weighted")
    opt.step()


@pytest.mark.parametrize("opt_name,options", [
    ("Adam", {}), ("Adam", dict(amsgrad=True, foreach=True)), ("AdamW", {}), ("Adamax", {}), ("Adadelta", {}),
    ("ASGD", {}), ("NAdam", {}), ("RAdam", {}), ("RMSprop", {}), ("Rprop", {}), ("Adafactor", {}),
    ("SGD", dict(weight_decay=0.1)), ("SGD", dict(weight_decay=0.1, foreach=True)), ("SGD", dict(fused=True)),
    ("SGD", dict(momentum=0.9, nesterov=True, weight_decay=0.1)),
    ("Adagrad", dict(weight_decay=0.1)), ("Adagrad", dict(fused=True)),
])
def test_optimizers_refusing_sparse_grads(opt_name, options):
    errors(lambda m: step_once(m, opt_name, **options))


@pytest.mark.parametrize("opt_name,options", [
    ("SGD", dict(weight_decay=0.1)), ("SGD", dict(weight_decay=0.1, foreach=True)), ("Adagrad", dict(weight_decay=0.1)),
    ("Adam", {}),
])
def test_what_a_refused_step_leaves(opt_name, options):
    """A param before the sparse one may already have moved, and Adagrad counted the step."""
    out = []
    for m in MODS:
        model = Model(m)
        ps = [model.dense, model.emb.weight]
        opt = getattr(m.optim, opt_name)(ps, lr=0.1, **options)
        model.backward(0, "weighted")
        with pytest.raises(RuntimeError):
            opt.step()
        out.append((ps, [dict(opt.state[p]) for p in ps]))
    (pa, sa), (pb, sb) = out
    for a, b in zip(pa, pb):
        same(a, b)
    for a, b in zip(sa, sb):
        assert sorted(a) == sorted(b)
        for key in a:
            same(a[key], b[key], key)


def test_momentum_buffer_layout_mix():
    """A dense gradient after a sparse momentum buffer: torch refuses sparse + dense."""
    def run(m, first_sparse, nesterov):
        p = m.nn.Parameter(m.ones(3, 2))
        opt = m.optim.SGD([p], lr=0.1, momentum=0.9, nesterov=nesterov)
        sparse = m.sparse_coo_tensor(m.tensor([[0, 2, 0]]), m.ones(3, 2) / 3, (3, 2))
        for s in ([True, False] if first_sparse else [False, True]):
            p.grad = sparse.clone() if s else m.ones(3, 2) / 7
            opt.step()
        return p, opt.state[p]["momentum_buffer"]
    for a, b in zip(*[run(m, False, False) for m in MODS]):
        same(a, b)
    for args in [(True, False), (True, True), (False, True)]:
        errors(lambda m: run(m, *args))


def clip_model(m, dense_dtypes):
    model = Model(m)
    extra = [m.nn.Parameter(m.from_numpy(np.linspace(-2, 2, 5).astype(dt))) for dt in dense_dtypes]
    model.backward(0, "weighted")
    for p in extra:
        (p * p * 3).sum().backward()
    return extra + model.params()


@pytest.mark.parametrize("clip", [
    lambda m, ps: m.nn.utils.clip_grad_norm_(ps, 0.5),
    lambda m, ps: m.nn.utils.clip_grad_norm_(ps, 0.5, norm_type="inf", foreach=True),
    lambda m, ps: m.nn.utils.get_total_norm([p.grad for p in ps]),
    lambda m, ps: m.nn.utils.clip_grad_value_(ps, 0.4),
    lambda m, ps: m.nn.utils.clip_grad_value_(ps, 0.4, foreach=False),
])
@pytest.mark.parametrize("dense_dtypes", [[np.float32], [np.float64, np.float32]])
def test_clipping_sparse_grads(clip, dense_dtypes):
    """torch has no norm or clamp kernel for sparse tensors; the gradients clipped before the
    error stay clipped."""
    out = []
    for m in MODS:
        ps = clip_model(m, dense_dtypes)
        with pytest.raises(NotImplementedError) as info:
            clip(m, ps)
        out.append((str(info.value).split(" is only available")[0], [p.grad for p in ps]))
    assert out[0][0] == out[1][0]
    for a, b in zip(out[0][1], out[1][1]):
        same(a, b, "grad")


W = np.random.RandomState(1).randn(7, 3).astype(np.float32)
BAG_INPUTS = {   # (input, offsets, include_last_offset)
    "offsets": ([1, 2, 1, 4, 2, 6, 0], [0, 2, 2, 5], False),
    "include_last": ([1, 2, 1, 4, 2, 6, 0], [0, 3, 3, 7], True),
    "2d": ([[1, 2, 1], [4, 2, 2]], None, False),
    "int32": (np.array([3, 3, 5, 1], np.int32), np.array([0, 1], np.int32), False),
}


def bag_grad(m, inp, mode, padding_idx, psw, upstream, passes=1):
    data, offs, last = BAG_INPUTS[inp]
    bag = m.nn.EmbeddingBag(7, 3, mode=mode, sparse=True, padding_idx=padding_idx, include_last_offset=last)
    bag.weight.data = m.from_numpy(W.copy())
    x = m.from_numpy(np.array(data))
    kw = {}
    if offs is not None:
        kw["offsets"] = m.from_numpy(np.array(offs))
    if psw:
        kw["per_sample_weights"] = m.from_numpy(np.linspace(-1, 2, x.numel(), dtype=np.float32).reshape(x.shape))
    for k in range(passes):
        out = bag(x, **kw)
        gw = m.from_numpy(np.arange(out.numel(), dtype=np.float32).reshape(out.shape) / 7 + k)
        (out.sum() if upstream == "sum" else (out * gw).sum()).backward()
    return bag.weight.grad


@pytest.mark.parametrize("inp", BAG_INPUTS)
@pytest.mark.parametrize("mode,psw", [("sum", False), ("sum", True), ("mean", False)])
@pytest.mark.parametrize("padding_idx", [None, 2])
@pytest.mark.parametrize("upstream,passes", [("sum", 1), ("weighted", 1), ("weighted", 2)])
def test_embedding_bag_sparse_grad(inp, mode, psw, padding_idx, upstream, passes):
    a, b = [bag_grad(m, inp, mode, padding_idx, psw, upstream, passes) for m in MODS]
    assert repr(a) == repr(b)
    same(a, b)


def test_embedding_bag_all_padding():
    def run(m):
        bag = m.nn.EmbeddingBag(4, 2, mode="mean", sparse=True, padding_idx=3)
        bag(m.tensor([3, 3]), m.tensor([0])).sum().backward()
        return bag.weight.grad
    a, b = [run(m) for m in MODS]
    assert repr(a) == repr(b)


@pytest.mark.parametrize("name", ["SGD", "Adagrad"])
def test_embedding_bag_training(name):
    def run(m):
        rs = np.random.RandomState(5)
        bag = m.nn.EmbeddingBag(10, 4, mode="mean", sparse=True)
        bag.weight.data = m.from_numpy(rs.randn(10, 4).astype(np.float32))
        opt = m.optim.SGD(bag.parameters(), lr=0.2, momentum=0.9) if name == "SGD" else \
            m.optim.Adagrad(bag.parameters(), lr=0.2)
        for _ in range(4):
            opt.zero_grad()
            x = m.from_numpy(rs.randint(0, 10, 9))
            out = bag(x, m.tensor([0, 4, 4, 6]))
            (out * m.from_numpy(rs.randn(4, 4).astype(np.float32))).sum().backward()
            opt.step()
        return bag.weight
    same(*[run(m) for m in MODS])


@pytest.mark.parametrize("fn", [
    lambda m, w: m.nn.functional.embedding(m.tensor([1, 2, 1]), w, sparse=True, scale_grad_by_freq=True).sum(),
    lambda m, w: m.nn.functional.embedding_bag(m.tensor([1, 2, 1]), w, m.tensor([0]), sparse=True,
                                               scale_grad_by_freq=True).sum(),
    lambda m, w: m.nn.functional.embedding_bag(m.tensor([1, 2, 1]), w, m.tensor([0]), mode="max", sparse=True),
])
def test_embedding_sparse_refusals(fn):
    errors(lambda m: fn(m, m.ones(5, 2, requires_grad=True)).backward())
