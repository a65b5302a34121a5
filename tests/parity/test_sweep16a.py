"""Parity tests for the differences found by sweep 16a's programs (tests/programs/sweep16a_*.py): tensor
puzzles, reshaping drills, hand-written layers, data pipelines, fine-tuning and feature hooks."""
import numpy as np
import pytest
import torch

import glasstorch

from ._helpers import same_error, same_on_both, same_outcome

R = np.random.default_rng(16)
X = R.standard_normal((5, 7)).astype(np.float32)


def _t(m, shape, dtype):
    return m.ones(shape, dtype=getattr(m, dtype))


# ---- matrix @ vector is torch's addmv: its dtype message, its missing boolean kernel ---------------------

@pytest.mark.parametrize("a,da,b,db", [
    ((2, 3), "bool", (3,), "int64"), ((2, 3), "float32", (3,), "float64"), ((2, 3), "int64", (3,), "float32"),
    ((2, 2, 3), "float32", (3,), "int32"), ((4, 2, 3), "float16", (3,), "float32"), ((2, 3), "bool", (3,), "bool"),
    ((2, 2, 3), "bool", (3,), "bool"), ((2, 3), "float32", (3, 2), "float64"), ((3,), "int64", (3, 2), "float32")])
def test_matmul_vector_dtype_errors(a, da, b, db):
    same_error(lambda m: _t(m, a, da) @ _t(m, b, db))
    if len(a) == 2 and len(b) == 1:
        same_error(lambda m: m.mv(_t(m, a, da), _t(m, b, db)))


@pytest.mark.parametrize("s,m1,m2", [("float64", "float32", "int64"), ("float32", "float32", "int64"),
                                     ("float32", "int64", "float32"), ("int64", "float32", "float32"),
                                     ("bool", "bool", "bool")])
def test_addmm_dtype_errors(s, m1, m2):
    same_error(lambda m: m.addmm(_t(m, (2, 2), s), _t(m, (2, 3), m1), _t(m, (3, 2), m2)))
    same_error(lambda m: m.addmm(_t(m, (2,), s), _t(m, (2, 3), m1), _t(m, (4, 2), m2)))   # dtype before shape


@pytest.mark.parametrize("s,a,v", [("float32", "float64", "float32"), ("int64", "float32", "float32"),
                                   ("bool", "bool", "bool"), ("float32", "int64", "int64")])
def test_addmv_dtype_errors(s, a, v):
    same_error(lambda m: m.addmv(_t(m, (2,), s), _t(m, (2, 3), a), _t(m, (3,), v)))


def test_addmv_size_and_values():
    same_error(lambda m: m.addmv(m.ones(3), m.ones(2, 3), m.ones(3)))
    same_error(lambda m: m.addmv(m.ones(3, dtype=m.float64), m.ones(2, 3), m.ones(3)))   # size before dtype
    same_error(lambda m: m.addmv(m.ones(2, 1), m.ones(2, 3), m.ones(3)))
    same_error(lambda m: m.addmv(m.ones(2), m.ones(3), m.ones(3)))
    A, v, c = R.standard_normal((2, 3)), R.standard_normal(3), R.standard_normal(2)
    same_on_both(lambda m, c, A, v: m.addmv(c, A, v, beta=0.5, alpha=2), [c, A, v], rtol=1e-12)
    same_on_both(lambda m, A, v: m.addmv(m.tensor(1.0, dtype=m.float64), A, v), [A, v], rtol=1e-12)
    same_on_both(lambda m, c, A, v: m.addmv(c, A, v, beta=0), [np.full(1, np.nan), A, v], rtol=1e-12)
    same_outcome(lambda m: m.addmv(m.ones(2, dtype=m.long), m.ones(2, 3, dtype=m.long), m.ones(3, dtype=m.long)))


def test_addmv_gradcheck():
    from glasstorch.autograd.gradcheck import gradcheck
    c = glasstorch.tensor(R.standard_normal(2), requires_grad=True)
    A = glasstorch.tensor(R.standard_normal((2, 3)), requires_grad=True)
    v = glasstorch.tensor(R.standard_normal(3), requires_grad=True)
    assert gradcheck(lambda c, A, v: glasstorch.addmv(c, A, v, beta=0.5, alpha=-2), (c, A, v))
    assert gradcheck(lambda A, v: glasstorch.addmv(glasstorch.ones(1, dtype=glasstorch.float64), A, v), (A, v))


@pytest.mark.parametrize("case", range(6))
def test_in_place_products_refuse_another_shape(case):
    def fn(m):
        o = m.ones
        return [lambda: o(1).addmv_(o(2, 3), o(3)), lambda: o(1, 2).addmm_(o(2, 3), o(3, 2)),
                lambda: o(2).addmm_(o(2, 3), o(3, 2)), lambda: o(1, 2, 2).baddbmm_(o(2, 2, 3), o(2, 3, 2)),
                lambda: o(2, 2).addmm_(o(2, 3), o(3, 2), beta=0.5), lambda: o(2, 1).addmv_(o(2, 3), o(3))][case]()
    same_outcome(fn)


@pytest.mark.parametrize("case", range(9))
def test_linear_dtype_errors(case):
    def fn(m):
        F = m.nn.functional
        o = lambda s, d="float32": m.ones(s, dtype=getattr(m, d))     # noqa: E731
        return [lambda: F.linear(o((2, 3), "int64"), o((4, 3))),                          # no bias: mm's message
                lambda: F.linear(o((3,), "float64"), o((4, 3))),
                lambda: F.linear(o((5, 2, 3)), o((4, 3), "float64")),
                lambda: F.linear(o((2, 3), "int64"), o((4, 5))),                          # shape first without bias
                lambda: F.linear(o((2, 3)), o((4, 3)), o((4,), "float64")),               # addmm: self and mat2
                lambda: F.linear(o((5, 2, 3)), o((4, 3)), o((4,), "float64")),
                lambda: F.linear(o((2, 3), "int64"), o((4, 5)), o((4,))),                 # dtype first with bias
                lambda: F.linear(o((2, 3), "bool"), o((4, 3), "bool"), o((4,), "bool")),
                lambda: F.linear(o((2, 2, 3), "bool"), o((4, 3), "bool"))][case]()
    same_error(fn)


# ---- indexing: which dimension an out-of-bounds index names ----------------------------------------------

A24 = np.arange(24).reshape(2, 3, 4)
MASK = np.array([True, False, True])


@pytest.mark.parametrize("index", [
    (slice(None), [0, 3]), (slice(None), slice(None), [5]), ([0], [5]), (0, [5]), (slice(None), [1], [7]),
    (Ellipsis, [9]), (None, slice(None), [9]), (slice(None), None, [9]), ([0], slice(None), [5]), ([9], [9]),
    (0, 5), (slice(None), 5), (1, slice(None), 7), (None, 1, 5), (Ellipsis, 9), ([9], 5), ([1], "mask", [9]),
    (slice(None), "mask", [9]), (True, [9]), ([1], 0, [9]), ([9], [0, 1, 2])])
def test_index_out_of_bounds_dimension(index):
    def fn(m):
        a = m.from_numpy(A24.copy())
        idx = tuple(m.from_numpy(MASK) if i == "mask" else i for i in index)
        return a[idx]
    same_error(fn)

    def put(m):
        a = m.from_numpy(A24.copy())
        a[tuple(m.from_numpy(MASK) if i == "mask" else i for i in index)] = 0
    same_error(put)


@pytest.mark.parametrize("case", range(3))
def test_index_out_of_bounds_on_empty_result(case):
    def fn(m):
        return [lambda: m.ones(3, 0)[[5]], lambda: m.from_numpy(A24.copy())[False, 0, [9]],
                lambda: m.ones(3, 2)[[5], m.tensor([], dtype=m.long)[:, None]]][case]()
    same_outcome(fn)


def test_copy_slices_name():
    def names(m):
        w = m.ones(3, requires_grad=True)
        y = w * 2
        y[0] = 0.0
        z = w * 2
        z[m.tensor([0])] = 0.0       # index_put_: a plain IndexPutBackward0
        return y.grad_fn.name(), type(y.grad_fn).__name__, z.grad_fn.name()
    assert names(glasstorch) == names(torch)


# ---- nll_loss / cross_entropy: the order of the target checks -------------------------------------------

@pytest.mark.parametrize("inp,tgt,dtype", [
    ((5, 7), (5, 1), "float32"), ((5, 7), (5, 1), "int32"), ((5, 7), (5,), "float32"), ((5, 7), (5, 2), "float32"),
    ((1, 5, 7), (1, 5), "float32"), ((1, 5, 7), (1, 6), "int32"), ((2, 3, 4, 4), (2, 4, 5), "float32"),
    ((2, 3, 4, 4), (2, 4, 4, 1), "float32"), ((2, 3, 4, 4), (2, 4), "int64"), ((7,), (2,), "int64"),
    ((7,), (2,), "float32"), ((7,), (1, 1), "int64"), ((7,), (0,), "int64")])
def test_nll_loss_target_checks(inp, tgt, dtype):
    for name in ("cross_entropy", "nll_loss"):
        same_outcome(lambda m: getattr(m.nn.functional, name)(m.zeros(inp), m.zeros(tgt, dtype=getattr(m, dtype))))


# ---- log_softmax of half over the last dim keeps the sum and its log in half ------------------------------

@pytest.mark.parametrize("shape,dim", [((4, 7), 1), ((3, 33), -1), ((40,), 0), ((2, 5, 6), 2), ((4, 7), 0)])
def test_log_softmax_half(shape, dim):
    x = (R.standard_normal(shape) * 3).astype(np.float16)
    same_on_both(lambda m, x: m.log_softmax(x, dim), [x], grad=False)
    same_on_both(lambda m, x: m.nn.functional.log_softmax(x, dim=dim), [x], grad=False)


# ---- detach(): no view for autograd; detach_() refuses every view -------------------------------------------

def test_detach_is_no_view():
    def fn(m):
        w = m.ones(3, requires_grad=True)
        x = w * 1
        d = x[0:2].detach()
        d.mul_(w[:2])                     # an in-place op on the detached alias leaves x's history alone
        e = x.detach()
        e.add_(w)
        return (x.grad_fn.name(), d.grad_fn.name(), e.grad_fn.name(), d._base is None, e._base is None,
                x.detach()._base is None, x._version, e._version)
    assert fn(glasstorch) == fn(torch)


@pytest.mark.parametrize("case", range(5))
def test_detach_in_place_of_views(case):
    def fn(m):
        y = m.ones(3)
        x = m.ones(3, requires_grad=True)
        return [lambda: y[0].detach_(), lambda: y.view_as(y).detach_(), lambda: x.detach()[1:].detach_(),
                lambda: (x * 2)[1:].detach_(), lambda: y.detach().detach_()][case]()
    same_outcome(fn)


# ---- full backward hooks: one gradient per argument, and the count a hook returns is checked ---------------

def _hooked(m, hook=None, pre=None):
    class Scale(m.nn.Module):
        def forward(self, x, k, tag="s"):
            return x * k, tag, x.sum()
    mod = Scale()
    seen = []
    mod.register_full_backward_hook(hook or (lambda _, gi, go: seen.append(
        ([None if g is None else tuple(g.shape) for g in gi], [None if g is None else tuple(g.shape) for g in go]))))
    if pre is not None:
        mod.register_full_backward_pre_hook(pre)
    x = m.ones(2, 3, requires_grad=True)
    a, _, b = mod(x, 2.0)
    (a.sum() + b).backward()
    return seen, x.grad.tolist()


def test_backward_hook_packs_non_tensor_arguments():
    assert _hooked(glasstorch) == _hooked(torch)
    assert _hooked(glasstorch, hook=lambda _, gi, go: (gi[0] * 3, None)) == \
        _hooked(torch, hook=lambda _, gi, go: (gi[0] * 3, None))
    pre = lambda _, go: (go[0] * 2, None, go[2])          # noqa: E731
    assert _hooked(glasstorch, pre=pre) == _hooked(torch, pre=pre)


@pytest.mark.parametrize("which", ["hook", "pre"])
def test_backward_hook_wrong_count(which):
    def fn(m):
        if which == "hook":
            return _hooked(m, hook=lambda _, gi, go: (gi[0],))
        return _hooked(m, pre=lambda _, go: (go[0],))
    same_error(fn)
    lin = lambda m: m.nn.Linear(3, 3)                       # noqa: E731

    def one_arg(m):
        mod = lin(m)
        mod.register_full_backward_hook(lambda _, gi, go: (gi[0], gi[0]))
        mod(m.ones(2, 3, requires_grad=True)).sum().backward()
    same_error(one_arg)


# ---- Tensor.tile takes separate ints; repeat_interleave by an int count is torch's expand + copy --------

@pytest.mark.parametrize("dims", [(2,), (2, 1), ((3,),), ([1, 2],), ((2, 1, 2),)])
def test_tile_method_counts(dims):
    same_on_both(lambda m, x: x.tile(*dims), [X[:3, :2].copy()])


@pytest.mark.parametrize("args", [(2, 0), (2, None), (3, 1), (0, 0), (2, -1)])
def test_repeat_interleave_int_graph(args):
    def fn(m, x):
        r = x.repeat_interleave(args[0], dim=args[1])
        chain, node = [], r.grad_fn
        while node is not None:
            chain.append(node.name())
            nxt = [n for n, _ in node.next_functions if n is not None]
            node = nxt[0] if nxt else None
        assert r.is_contiguous()
        return r, chain
    outs = same_on_both(lambda m, x: fn(m, x)[0], [X[:3, :2].copy()])
    assert fn(glasstorch, glasstorch.ones(3, 2, requires_grad=True))[1] == fn(torch, torch.ones(3, 2, requires_grad=True))[1]
    same_on_both(lambda m, x: x.t().repeat_interleave(args[0], dim=args[1]), [X[:3, :2].copy()])
    assert outs is not None


@pytest.mark.parametrize("case", range(8))
def test_clone_of_expanded_tensor_strides(case):
    def fn(m):
        o = m.ones
        t = [o(3, 1).expand(3, 4), o(3, 1, 2).expand(3, 4, 2), o(3, 2).unsqueeze(1).expand(3, 2, 2),
             o(2, 3).t().unsqueeze(0).expand(4, 3, 2), o(1, 3).expand(4, 3).t(), o(2, 1, 3).expand(2, 4, 3).permute(2, 1, 0),
             o(5, 1).expand(5, 3)[::2], m.arange(24.).reshape(2, 3, 4).transpose(0, 2)[::2]][case]
        c = t.clone()
        return c.stride(), c.is_contiguous(), t.clone(memory_format=m.contiguous_format).stride()
    assert fn(glasstorch) == fn(torch)


# ---- trace: its own node, one running sum in the accumulate type, integers as int64 ---------------------

@pytest.mark.parametrize("dtype", ["float32", "float64", "int32", "uint8", "int64", "bool"])
def test_trace_dtypes(dtype):
    a = (R.standard_normal((40, 30)) * 1000).astype(dtype) if dtype != "bool" else R.standard_normal((3, 3)) > 0
    same_outcome(lambda m: m.from_numpy(a.copy()).trace())
    same_outcome(lambda m: m.from_numpy(a.copy())[:0].trace())


def test_trace_grad():
    same_on_both(lambda m, x: x.trace(), [X.copy()])
    same_on_both(lambda m, x: m.trace(x.t() * 2), [X.astype(np.float64)])
    from glasstorch.autograd.gradcheck import gradcheck
    w = glasstorch.tensor(R.standard_normal((3, 4)), requires_grad=True)
    assert gradcheck(glasstorch.trace, (w,))
    same_error(lambda m: m.ones(3).trace())


def test_copy_backwards_name():
    def fn(m):
        x = m.ones(2, requires_grad=True)
        return m.zeros(2).copy_(x).grad_fn.name()
    assert fn(glasstorch) == fn(torch)


# ---- torch.save: the C pickler's words for a class or function it cannot find again ---------------------

@pytest.mark.parametrize("case", range(5))
def test_save_unpicklable_global_message(case):
    import collections
    import io

    class Local:
        pass

    def fn(m):
        obj = [collections.namedtuple("P", "x y")(1, 2), lambda: 1, type("Loc", (), {})(), Local(), Local][case]
        try:
            m.save({"w": m.ones(1), "bad": obj}, io.BytesIO())
        except Exception as e:          # noqa: BLE001
            return type(e).__name__, str(e).split(" at 0x")[0], str(e).split(">")[-1]
    assert fn(glasstorch) == fn(torch)
