"""Parity pins for sweep28c (self-supervised representation learning programs: SimCLR, BYOL, Barlow
Twins / VICReg, SwAV, MoCo).

Fixed in glasstorch:
- ``x[index] = value`` without tensor indices (torch's ``copy_to``) reports a value that cannot fill
  the slice with expand's own errors: the mismatch named is the *last* dim that does not fit (expand
  walks from the last dim), e.g. a MoCo queue write ``queue[:, 0:16] = keys`` with keys (16, 8) into
  an (8, 16) slice names dim 1, and a value with too many dims names its own dtype
  (``expand(torch.DoubleTensor{[..]}, ...)``), no longer always ``torch.FloatTensor``
  (ops/setitem_whole.py, ops/index.py);
- ``x[tensor_index] = value`` views the value without its leading 1s before ``index_put_`` (torch's
  ``slicePrefix1sSize``): a (1, n, m) value fills an (n, m) indexing result (it raised "shape
  mismatch"), its gradient reaches the value through that view, and the shape-mismatch message shows
  the stripped shape (ops/index.py);
- the gradient of a value broadcast by ``x[idx] = v`` / ``index_put`` (a scalar weight written over
  a slice) is summed in torch's order: the picked gradient has the layout of torch's
  ``grad.index(indices)`` (index_layout.adv_result) and index_put's un-broadcasting is the engine's
  torch-ordered ``sum_to``, no longer a NumPy sum over a column-major pick (last bits differed)
  (ops/index.py, ops/index_put.py);
- an in-place change, in grad mode, of a view made under ``no_grad`` / ``inference_mode`` (or of a view of
  one), by an op whose result requires grad, is torch's error ("A view was created in no_grad mode and is
  being modified inplace with grad mode enabled. ...", "Output 0 of Select is a view of a view which was
  created in ...", the inference-mode text) even when the view itself does not require grad (a plain
  buffer's row taken under no_grad, then ``row.lerp_(online_param, 0.01)``); so is one of a split / chunk /
  unbind output of a plain tensor made in grad mode (the multiple-views text). For add_, sub_, mul_, div_,
  lerp_, index_put_, copy_, fill_ and ``x[i] = v`` the check comes before the op's own shape, overlap
  and dtype checks, as in torch; other in-place ops make it once their result is computed
  (ops/_view_creation.py, ops/shape.py,
  ops/views_multi.py, ops/inplace.py, ops/arithmetic_inplace.py, ops/index.py, ops/index_put.py);
- ``copy_`` (and ``x[i] = v`` where torch copies) of a tensor that requires grad into an integer or bool
  tensor no longer makes that tensor require grad (torch: only a floating or complex ``self`` gets a
  gradient from copy_, while fill_ records one whatever the dtype) (ops/fill.py, ops/index.py).
"""
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import glasstorch
from tests.parity._helpers import same_error, same_on_both, same_outcome


def _names(fn, depth=3):
    if fn is None or depth == 0:
        return None if fn is None else type(fn).__name__
    return type(fn).__name__, [_names(f, depth - 1) for f, _ in fn.next_functions]


# ---- copy_to's expand errors: the last mismatching dim, the value's dtype ----------------------
BASIC = [
    ((8, 32), (slice(None), slice(0, 16)), (16, 8)),        # MoCo's queue written with untransposed keys
    ((5, 3, 6), (Ellipsis,), (2, 3, 4)),
    ((5, 3, 6), (0,), (2, 4)),
    ((4, 6), (slice(0, 2),), (1, 3, 5)),
    ((4, 6), (slice(0, 2),), (2, 1, 5)),
    ((4, 6), (slice(0, 2),), (3, 6)),
    ((2, 3, 4), (slice(None), None, slice(0, 2)), (5, 3)),
    ((4, 6), (None,), (7, 3, 5)),
    ((4, 6), (slice(1, 3), 0), (3,)),
    ((3,), (0,), (2,)),
    ((3,), (0,), (1, 1)),
    ((2, 3), (slice(None),), (4, 2, 3)),
]


@pytest.mark.parametrize("dtype", ["float32", "float64", "int64", "float16", "bool", "complex64"])
@pytest.mark.parametrize("tshape,idx,vshape", BASIC)
def test_setitem_basic_value_errors(tshape, idx, vshape, dtype):
    def fn(m):
        t = m.zeros(tshape)
        t[idx] = m.zeros(vshape, dtype=getattr(m, dtype))
        return t
    same_outcome(fn)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(1, 4), min_size=1, max_size=3), st.lists(st.integers(1, 4), min_size=0, max_size=4),
       st.integers(0, 2))
def test_setitem_basic_value_shapes_hypothesis(tshape, vshape, start):
    def fn(m):
        t = m.zeros([3] + tshape)
        t[start:] = m.ones(vshape, dtype=m.float64)
        return t
    same_outcome(fn)


def test_moco_queue_enqueue_error_message():
    def fn(m):
        queue = m.zeros(8, 32)
        keys = m.ones(16, 8)
        queue[:, 0:16] = keys
    same_error(fn)


def test_moco_queue_enqueue_transposed_keys():
    def fn(m, keys):
        queue = m.zeros(8, 32) * 1
        queue[:, 16:32] = keys.T
        return queue
    same_on_both(fn, [np.arange(128, dtype=np.float32).reshape(16, 8) / 7])


# ---- index_put_: the value viewed without its leading 1s ---------------------------------------
ADV = [
    (slice(None), "i01"),
    ("i01",),
    ("mask_rows",),
    ("i12", slice(0, 2)),
    ("mask_all",),
    ("i01", "i01"),
]
VSHAPES = [(1, 4, 2), (1, 1, 4, 2), (1, 1), (1,), (1, 2), (1, 2, 6), (1, 4, 1), (1, 12), (2, 4, 2), (1, 3, 5), (1, 2, 1)]


def _index(m, spec):
    make = {"i01": lambda: m.tensor([0, 1]), "i12": lambda: m.tensor([1, 2]),
            "mask_rows": lambda: m.tensor([True, False, True, False]),
            "mask_all": lambda: m.tensor([[True] * 6, [False] * 6, [True] * 6, [False] * 6])}
    return tuple(make[s]() if isinstance(s, str) else s for s in spec)


@pytest.mark.parametrize("vshape", VSHAPES)
@pytest.mark.parametrize("spec", ADV)
def test_index_put_value_with_leading_ones(spec, vshape):
    def fn(m):
        t = m.arange(24.0).reshape(4, 6)
        t[_index(m, spec)] = m.arange(float(np.prod(vshape))).reshape(vshape) + 100
        return t
    same_outcome(fn)


@pytest.mark.parametrize("vshape", [(1, 4, 2), (1, 1, 4, 2), (1, 4, 1), (1, 1), (1, 2)])
@pytest.mark.parametrize("spec", [(slice(None), "i01"), ("i01",), ("mask_rows",)])
def test_index_put_leading_ones_graph_and_grads(spec, vshape):
    def fn(m, x, w):
        y = x * 1
        try:
            y[_index(m, spec)] = w * 3
        except RuntimeError as e:
            return str(e)
        return y, _names(y.grad_fn)
    x = np.linspace(-1, 1, 24).reshape(4, 6).astype(np.float32)
    w = (np.arange(np.prod(vshape)).reshape(vshape) / 5).astype(np.float32)
    same_on_both(fn, [x, w])


def test_index_put_leading_ones_other_dtypes_and_no_grad():
    def fn(m):
        t = m.zeros(4, 6, dtype=m.int64)
        with m.no_grad():
            t[:, m.tensor([0, 5])] = m.tensor([[[7], [8], [9], [10]]])
        return t
    same_outcome(fn)

    def bad_dtype(m):        # index_put_ still checks the (stripped) value's dtype
        t = m.zeros(4, 6)
        t.index_put_((m.tensor([0, 1]),), m.ones(1, 2, 6, dtype=m.float64))
    same_outcome(bad_dtype)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from([1, 1, 2, 3]), min_size=0, max_size=4), st.booleans())
def test_index_put_value_shapes_hypothesis(vshape, mask):
    def fn(m):
        t = m.zeros(3, 2)
        idx = m.tensor([True, False, True]) if mask else m.tensor([2, 0])
        t[idx] = m.arange(float(np.prod(vshape, dtype=np.int64))).reshape(vshape) + 1
        return t
    same_outcome(fn)


def test_index_put_leading_ones_gradcheck():
    def f(w):
        y = glasstorch.zeros(4, 6, dtype=glasstorch.float64)
        y[:, glasstorch.tensor([0, 1])] = w * 2
        return y
    w = glasstorch.rand(1, 4, 2, dtype=glasstorch.float64, requires_grad=True)
    assert glasstorch.autograd.gradcheck(f, (w,))


# ---- a broadcast value's gradient summed in torch's order --------------------------------------
def _put_forms(m, form):
    return {
        "set_s_i": lambda y, v: y.__setitem__((slice(None), m.tensor([0, 1])), v) or y,
        "set_mask": lambda y, v: y.__setitem__((m.tensor([True, False, True, True]),), v) or y,
        "put_bcast": lambda y, v: y.index_put((m.arange(4)[:, None], m.tensor([0, 1])), v),
        "put_acc": lambda y, v: y.index_put((m.arange(4)[:, None], m.tensor([0, 1])), v, accumulate=True),
        "put_2d": lambda y, v: y.index_put((m.tensor([[0], [1], [2], [3]]), m.tensor([[0, 1, 5]])), v),
        "put_mask": lambda y, v: y.index_put((m.tensor([True, False, True, True]),), v, accumulate=True),
    }[form]


@pytest.mark.parametrize("vshape", [(), (1,), (1, 1)])
@pytest.mark.parametrize("form", ["set_s_i", "set_mask", "put_bcast", "put_acc", "put_2d", "put_mask"])
def test_broadcast_value_gradient_sum_order(form, vshape):
    def fn(m, x, w):
        return _put_forms(m, form)(x * 1, w * 3)
    rng = np.random.default_rng(3)
    x = rng.standard_normal((4, 6)).astype(np.float32)
    w = np.array(0.75, np.float32).reshape(vshape)
    for seed in range(4):          # several upstream gradients: their sum's last bit shows the order
        same_on_both(fn, [x, w], seed=seed)


@settings(max_examples=40, deadline=None)
@given(st.integers(2, 9), st.integers(1, 40), st.sampled_from(["float32", "float64"]), st.integers(0, 10 ** 6))
def test_broadcast_value_gradient_hypothesis(rows, cols, dtype, seed):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((rows, cols)).astype(dtype)
    cols_idx = rng.integers(0, cols, size=min(cols, 5))

    def fn(m, x, w):
        y = x * 1
        y[:, m.from_numpy(cols_idx.copy())] = w * 2
        return y
    same_on_both(fn, [x, np.array([[0.5]], dtype)], seed=seed % 97)


def test_index_put_broadcast_value_gradcheck():
    def f(w):
        x = glasstorch.zeros(4, 6, dtype=glasstorch.float64)
        return x.index_put((glasstorch.arange(4)[:, None], glasstorch.tensor([0, 1])), w, accumulate=True)
    w = glasstorch.rand(1, 2, dtype=glasstorch.float64, requires_grad=True)
    assert glasstorch.autograd.gradcheck(f, (w,))


# ---- views made under no_grad / inference_mode, then changed in place with grad ----------------
VIEWS = {"row": lambda x: x[0], "view": lambda x: x.view(3, 2), "t": lambda x: x.t(), "unbind": lambda x: x.unbind(0)[0],
         "detach": lambda x: x.detach(), "whole": lambda x: x[:], "diag": lambda x: x.diagonal(),
         "view_as": lambda x: x.view_as(x), "reshape": lambda x: x.reshape(-1), "alias": lambda x: x}
WRITES = {"mul_w": lambda m, v, w: v.mul_(w.sum()), "mul_2": lambda m, v, w: v.mul_(2),
          "copy_w": lambda m, v, w: v.copy_(w.sum() * m.ones_like(v)), "setitem_w": lambda m, v, w: v.__setitem__(0, w.sum()),
          "setitem_slice": lambda m, v, w: v.__setitem__(slice(0, 1), w.sum()), "setitem_all": lambda m, v, w: v.__setitem__(..., w.sum()),
          "setitem_mask": lambda m, v, w: v.__setitem__(v == 0, w.sum()), "zero_": lambda m, v, w: v.zero_(),
          "add_w": lambda m, v, w: v.add_(w.sum()), "fill_w": lambda m, v, w: v.fill_(w.sum()),
          "index_put_w": lambda m, v, w: v.index_put_((m.tensor([0]),), w.sum().expand(1) if v.dim() == 1 else w.sum()),
          "lerp_w": lambda m, v, w: v.lerp_(w.sum() * m.ones_like(v), 0.5)}


def _write_into_view(m, view, write, dtype="float32", base="plain", mode="no_grad", later=None):
    w = m.ones(3, requires_grad=True)
    x = m.zeros(2, 3, dtype=getattr(m, dtype), requires_grad=base != "plain")
    if base == "nonleaf":
        x = x * 1
    with (m.no_grad() if mode == "no_grad" else m.inference_mode()):
        v = VIEWS[view](x)
    if later is not None:
        v = later(v)
    WRITES[write](m, v, w)
    return v.requires_grad, _names(v.grad_fn, 1), x.requires_grad, _names(x.grad_fn, 1)


@pytest.mark.parametrize("write", sorted(WRITES))
@pytest.mark.parametrize("view", sorted(VIEWS))
def test_inplace_on_no_grad_view(view, write):
    same_outcome(lambda m: _write_into_view(m, view, write))


@pytest.mark.parametrize("write", sorted(WRITES))
@pytest.mark.parametrize("kind", ["long", "float64", "nonleaf", "leaf", "later_view", "later_view_nonleaf", "inference"])
def test_inplace_on_no_grad_view_variants(kind, write):
    kw = {"long": dict(dtype="int64"), "float64": dict(dtype="float64"), "nonleaf": dict(base="nonleaf"),
          "leaf": dict(base="leaf"), "later_view": dict(later=lambda v: v[1:]),
          "later_view_nonleaf": dict(base="nonleaf", later=lambda v: v[1:]), "inference": dict(mode="inference")}[kind]
    same_outcome(lambda m: _write_into_view(m, "row", write, **kw))


def test_ema_update_into_no_grad_view_is_refused():
    # a BYOL-style EMA step written with the view taken under no_grad and the update outside it
    def fn(m):
        target = m.zeros(4, 3)
        with m.no_grad():
            rows = target[:2]
        online = m.ones(2, 3, requires_grad=True)
        rows.lerp_(online, 0.01)
    same_outcome(fn)


def test_no_grad_view_changes_without_grad_are_allowed():
    def fn(m):
        x = m.zeros(2, 3)
        with m.no_grad():
            v = x[0]
        v.add_(1)                        # nothing requires grad: allowed
        v[1] = m.tensor(5.0)
        with m.no_grad():
            v.mul_(m.ones(3, requires_grad=True))      # inside no_grad again: allowed
        return x, v.requires_grad
    same_outcome(fn)


# ---- copy_ into an integer tensor: no gradient ------------------------------------------------
@pytest.mark.parametrize("dtype", ["int64", "int32", "uint8", "bool", "float16", "float64", "complex64"])
def test_copy_into_dtype_requires_grad(dtype):
    def fn(m):
        w = m.linspace(0.5, 2.5, 3, requires_grad=True)
        outs = []
        for write in (lambda x: x.copy_(w), lambda x: x.fill_(w.sum()), lambda x: x.__setitem__(slice(None), w),
                      lambda x: x.__setitem__(0, w.sum()), lambda x: x.__setitem__(m.tensor([True, False, True]), w.sum())):
            x = m.zeros(3, dtype=getattr(m, dtype))
            write(x)
            outs += [x, _names(x.grad_fn, 1)]
        x2 = m.zeros(2, 3, dtype=getattr(m, dtype))
        x2[1] = w                        # (copy_: no gradient into an integer tensor)
        x2[0] = w.sum()                  # (fill_: torch records one, whatever the dtype)
        return outs + [x2, _names(x2.grad_fn, 1)]
    same_outcome(fn)


@pytest.mark.parametrize("case", ["shape", "expanded", "dtype", "index_put_dtype", "lerp_dtype", "sub", "div"])
def test_no_grad_view_error_comes_first(case):
    # torch's autograd layer refuses the write before the kernel checks shapes, overlap or dtypes
    def fn(m):
        w = m.ones(3, requires_grad=True)
        x = m.zeros(2, 3, dtype=m.int64 if "dtype" in case else m.float32)
        with m.no_grad():
            v = x.reshape(-1) if case == "shape" else x[0:1].expand(2, 3) if case == "expanded" else x[0]
        {"shape": lambda: v.mul_(w), "expanded": lambda: v.add_(w), "dtype": lambda: v.mul_(w),
         "index_put_dtype": lambda: v.index_put_((m.tensor([0]),), w[:1]), "lerp_dtype": lambda: v.lerp_(w, 0.5),
         "sub": lambda: v.sub_(w, alpha=2), "div": lambda: v.div_(w)}[case]()
    same_outcome(fn)


SPLITS = {"chunk": lambda x: x.chunk(2), "split": lambda x: x.split(3), "unbind": lambda x: x.view(2, 3).unbind(0),
          "split1": lambda x: x[:3].split(3), "split_sizes": lambda x: x.split([3, 3]),
          "tensor_split": lambda x: x.tensor_split(2)}


@pytest.mark.parametrize("mode", ["grad", "no_grad", "inference"])
@pytest.mark.parametrize("write", ["mul_w", "mul_2", "sub_view_mul_w", "setitem_w", "copy_w"])
@pytest.mark.parametrize("split", sorted(SPLITS))
def test_inplace_on_multi_output_view_of_plain_tensor(split, write, mode):
    def fn(m):
        w = m.ones(3, requires_grad=True)
        x = m.zeros(6)
        ctx = {"grad": m.enable_grad, "no_grad": m.no_grad, "inference": m.inference_mode}[mode]
        with ctx():
            part = SPLITS[split](x)[0]
        {"mul_w": lambda: part.mul_(w), "mul_2": lambda: part.mul_(2), "sub_view_mul_w": lambda: part[:2].mul_(w[:2]),
         "setitem_w": lambda: part.__setitem__(0, w.sum()), "copy_w": lambda: part.copy_(w)}[write]()
        return x, part, part.requires_grad
    same_outcome(fn)
