"""In-place ops: run the out-of-place op, then write its result into the tensor.

The tensor keeps its identity and memory (views and NumPy arrays sharing it see the change), its
version counter goes up (so a backward that saved it can tell), and its ``grad_fn`` becomes the
node of the op, as in torch.
"""
import numpy as np

from ..autograd.grad_mode import GRAD
from ..autograd.graph import Node, _TENSOR
from . import _view_creation
from .. import _func_captures as _captures
from .._func_captures import LEVELS as _CAPTURE_LEVELS
from .._functorch_active import DEPTH as _FUNCTORCH_DEPTH
from .._vmap_inplace_target import check as _vmap_target_check

LEAF_INPLACE = "a leaf Variable that requires grad is being used in an in-place operation."
VIEW_LEAF_INPLACE = "a view of a leaf Variable that requires grad is being used in an in-place operation."
NO_GRAD_VIEW_INPLACE = (
    "A view was created in no_grad mode and is being modified inplace with grad mode enabled. Given that this use "
    "case is ambiguous and error-prone, it is forbidden. You can clarify your code by moving both the view and the "
    "inplace either both inside the no_grad block (if you don't want the inplace to be tracked) or both outside (if "
    "you want the inplace to be tracked).")

_TYPE_NAMES = {"f": {2: "Half", 4: "Float", 8: "Double"}, "i": {1: "Char", 2: "Short", 4: "Int", 8: "Long"},
               "u": {1: "Byte"}, "b": {1: "Bool"}, "c": {8: "ComplexFloat", 16: "ComplexDouble"}}


def type_name(npdt):
    """torch's short scalar-type name (``Float``, ``Long`` ...) used in its error messages."""
    return _TYPE_NAMES[npdt.kind][npdt.itemsize]


def can_cast(src, dst):
    """torch's canCast: no complex -> non-complex, no float -> integer, no non-bool -> bool."""
    if src.kind == "c" and dst.kind != "c":
        return False
    if src.kind == "f" and dst.kind in "biu":
        return False
    if src.kind != "b" and dst.kind == "b":
        return False
    return True


def check_inplace(t, expanded_ok=False, others=()):
    """Refuse in-place changes to leaves that require grad (outside no_grad), as torch does, and (unless
    ``expanded_ok``: see ``expanded_writes.py``) to tensors in which several elements share one memory
    location (an expanded tensor).  ``others``: the op's other inputs, whose requiring grad makes the
    result require grad (a view made under no_grad is then refused: _view_creation.py)."""
    if GRAD.enabled and t.__dict__:     # (torch's autograd layer checks this before the kernel's overlap check)
        _view_creation.check(t, t._rg or any(getattr(o, "_rg", False) for o in others))
    strides = t._data.strides
    if not expanded_ok and 0 in strides and t._data.size and any(st == 0 and n > 1 for st, n in zip(strides, t._data.shape)):
        raise RuntimeError(INTERNAL_OVERLAP)
    if GRAD.enabled:
        if t._rg and t.grad_fn is None:
            if t.__dict__ and t.__dict__.get("_no_grad_view"):
                raise RuntimeError(NO_GRAD_VIEW_INPLACE)
            raise RuntimeError(LEAF_INPLACE)
        base = t._base
        if base is not None and t._custom_fn_view and t._rg:
            raise RuntimeError(custom_fn_view_message(t))
        if base is not None and t._multi_view and t._rg:
            raise RuntimeError(multi_view_message(t))
        if base is not None and base._rg and base.grad_fn is None and t._rg:
            raise RuntimeError(VIEW_LEAF_INPLACE)


def _view_modified(t):
    """The start of torch's messages refusing an in-place change of view ``t``."""
    from ..autograd.graph import forward_op_name
    op = forward_op_name(t.grad_fn.name()) if t.grad_fn is not None else "?"
    return f"Output {t._out_nr} of {op} is a view and is being modified inplace. "


def multi_view_message(t):
    return (_view_modified(t) + "This view is the output of a function that returns multiple views. Such functions "
            "do not allow the output views to be modified inplace. You should replace the inplace operation by an "
            "out-of-place one.")


def custom_fn_view_message(t):
    return (_view_modified(t) + "This view was created inside a custom Function (or because an input was returned as-is) and the autograd logic to handle view+inplace "
            "would override the custom backward associated with the custom Function, leading to incorrect gradients. "
            "This behavior is forbidden. You can fix this by cloning the output of the custom Function.")


INTERNAL_OVERLAP = ("unsupported operation: more than one element of the written-to tensor refers to a single "
                    "memory location. Please clone() the tensor before performing the operation.")
OVERLAP = ("unsupported operation: some elements of the input tensor and the written-to tensor refer to a single "
           "memory location. Please clone() the tensor before performing the operation.")


def _dense(a):
    """Non-overlapping and dense: some order of the axes makes ``a`` C-contiguous."""
    if a.flags.c_contiguous or a.flags.f_contiguous:
        return True
    expected = a.itemsize
    for stride, n in sorted((s, n) for s, n in zip(a.strides, a.shape) if n != 1):
        if stride != expected:
            return False
        expected *= n
    return True


def check_overlap(t, other):
    """torch refuses an input that shares some, but not all, of the written tensor's memory: the
    result would depend on the order elements are written in.  Like torch, it judges only dense
    tensors (the same memory read with other strides counts as partial)."""
    if not isinstance(other, _TENSOR[0]):
        return
    a, b = t._data, other._data
    if a is b or (a.base is None and b.base is None) or not a.size or not b.size or not (_dense(a) and _dense(b)):
        return
    a0, b0 = a.__array_interface__["data"][0], b.__array_interface__["data"][0]
    if a0 == b0 and a.nbytes == b.nbytes:
        if _steps(a) != _steps(b):       # (a size-1 dim's stride is arbitrary in NumPy: not compared)
            raise RuntimeError(OVERLAP)
    elif a0 < b0 + b.nbytes and b0 < a0 + a.nbytes:
        raise RuntimeError(OVERLAP)


def _steps(a):
    return tuple(s for s, n in zip(a.strides, a.shape) if n != 1)


def check_put_overlap(target, v):
    """torch's index_put_ (assert_no_overlap): dense arrays ``target`` and ``v`` may share no memory at all."""
    if not target.size or not v.size or not (_dense(target) and _dense(v)):
        return
    t0, v0 = target.__array_interface__["data"][0], v.__array_interface__["data"][0]
    if t0 < v0 + v.nbytes and v0 < t0 + target.nbytes:
        raise RuntimeError(OVERLAP)


def commit(t, compute, name="", expanded_write=None, inputs=(), grad_inputs=()):
    """Run ``compute()`` (the out-of-place op on ``t``) and store its result into ``t``; for the ops
    that check it (``_out.check_out_overlap``), ``t`` sharing part of a tensor in ``inputs`` is torch's
    error.  Ops torch lets write into an expanded ``t`` (with a warning) pass ``expanded_write(td, rd)``, which writes there only
    the elements the op selects (``expanded_writes.py``).  ``inputs`` and ``grad_inputs`` (not checked for overlap): the
    tensors whose requiring grad makes the result require grad, known before the op runs (check_inplace's ``others``)."""
    if _CAPTURE_LEVELS and name:
        _captures.check(t, name)        # (functorch's check comes before autograd's)
    others = tuple(inputs) + tuple(grad_inputs)
    if _FUNCTORCH_DEPTH[1] and _vmap_target_check(name, t, others, compute):
        return t            # an unbatched write that vmap's first entry made already (torch makes it once)
    expanded = False
    if expanded_write is not None:
        from .expanded_writes import has_internal_overlap, warn_expanded
        expanded = has_internal_overlap(t._data)
        if expanded:
            check_inplace(t, expanded_ok=True, others=others)
            warn_expanded(name)
    if not expanded:
        check_inplace(t, others=others)
    if inputs:
        from ._out import check_out_overlap
        check_out_overlap(name, t, inputs)
    r = compute()
    if r.grad_fn is not None and t.__dict__:      # (only now is it known that the result requires grad)
        _view_creation.check(t, True)
    rd = r._data
    td = t._data
    if rd.shape != td.shape:
        raise RuntimeError(f"output with shape {list(td.shape)} doesn't match the broadcast shape {list(rd.shape)}")
    if rd.dtype != td.dtype and not can_cast(rd.dtype, td.dtype):
        raise RuntimeError(f"result type {type_name(rd.dtype)} can't be cast to the desired output type "
                           f"{type_name(td.dtype)}")
    if expanded:
        expanded_write(td, rd)
    elif td.size:                    # (an empty expanded tensor is read-only in NumPy, and has nothing to write)
        np.copyto(td, rd, casting="unsafe")
    t._vc[0] += 1
    fn = r.grad_fn
    if fn is not None:
        if fn.next_functions:
            _bypass_originals(fn)
        if fn._result_at >= 0 and fn._saved:
            items = list(fn._saved)
            items[fn._result_at] = t          # the saved result is now t itself
            fn._saved = tuple(items)
            vers = list(fn._versions)
            vers[fn._result_at] = t._vc[0]
            fn._versions = tuple(vers)
        fn._dtype = td.dtype
        if writes_through_view(t):
            rebase_view(t, fn)
        else:
            t.grad_fn = fn
            t._rg = True
            t._out_nr = 0
        refresh_views(t if t._base is None else t._base)
    elif t._base is not None or t.__dict__:
        views_follow(t)
    return t


def _bypass_originals(fn):
    """The in-place node ``fn`` made from ``original(t)``: its edge to that copy's CloneBackward0 goes
    to t's own history instead, as torch's node takes its edge from ``self`` before the clone (the copy
    is only what the node saves)."""
    nf = fn.next_functions
    for e in nf:
        if e[0] is not None and e[0].__dict__.get("_inplace_original"):
            fn.next_functions = tuple(x[0].next_functions[0] if x[0] is not None and x[0].__dict__.get(
                "_inplace_original") else x for x in nf)
            return


def views_follow(t):
    """After an in-place change of ``t`` (recorded or not: under no_grad too), torch regenerates the
    grad_fn of every view whose version moved, as an AsStridedBackward0 over the base's current
    history, so ``v = x[:2]; with no_grad(): x.zero_()`` leaves ``v.grad_fn`` an AsStridedBackward0."""
    base = t._base if t._base is not None else t
    if base._rg and base.__dict__.get("_views"):
        refresh_views(base)


def refresh_views(base):
    """After an in-place change recorded on ``base`` (or through one of its views): every live view of
    it reads the new values, so its gradient must flow to the base's new history.  torch regenerates
    such a view's grad_fn as an AsStridedBackward0 over the base (lazily, when its version moved on);
    glasstorch does it here, for the views made while grad mode was on."""
    refs = base.__dict__.get("_views")
    if not refs or not base._rg:
        return
    from ._common import edge
    nxt = (edge(base),)
    arr = base._data
    live = []
    for w in refs:
        v = w()
        if v is None or v._base is not base:       # (gone, or no view any more)
            continue
        live.append(w)
        if v._custom_fn_view or v._multi_view:
            continue
        node = _RegeneratedView()
        node.view_arr = d = v._data               # (its region in the base: found if backward needs it)
        node.base_arr = arr
        node.next_functions = nxt
        node._shape, node._dtype = d.shape, d.dtype
        v.grad_fn, v._rg, v._out_nr = node, True, 0
    refs[:] = live


# ---- in-place changes through a view ---------------------------------------------------------
# When an in-place op writes into a view, the *base* tensor changed too, so its history must
# record it: torch gives the base a CopySlices node (the old base, with the view's region passed
# through the in-place op's backward) and the view a fresh AsStridedBackward0 over it.

def writes_through_view(t):
    """True when ``t`` is a view whose memory lies inside its base's: an in-place change of ``t`` changes
    the base too, which must then record it (``rebase_view``)."""
    base = t._base
    if base is None or base._data is t._data:
        return False
    # an empty view shares no bytes, yet torch's write into it still gives the base CopySlices
    return t._data.size == 0 or np.shares_memory(base._data, t._data)


def _region(base_arr, view_arr):
    """(offset in bytes, shape, strides, dtype) of ``view_arr`` inside ``base_arr``'s memory (the dtype
    differs for ``z.real`` / ``z.imag`` of a complex base)."""
    off = view_arr.__array_interface__["data"][0] - base_arr.__array_interface__["data"][0]
    if view_arr.size == 0:         # (an empty view's address may lie anywhere: it covers nothing)
        off = 0
    return off, view_arr.shape, view_arr.strides, view_arr.dtype


def _view_of(g, base_arr, region):
    """The view's elements inside an array ``g`` laid out like the base (a writable copy)."""
    buf = np.empty_like(base_arr)          # same memory layout as the base
    buf[...] = g
    off, shape, strides, dtype = region
    if not buf.size:
        return buf, buf
    # a base dense in another order (a transposed tensor's) is handed over as its memory, in memory order
    mem = buf if buf.flags.c_contiguous else buf.ravel(order="K")
    return buf, np.ndarray(shape, dtype, buffer=mem, offset=off, strides=strides)


class CopySlices(Node):
    """base[view] = f(base[view], ...)   ->   dbase = g with its view region replaced by f's input gradient"""
    __slots__ = ("fn", "region", "base_arr")

    def name(self):
        return "torch::autograd::CopySlices"

    def backward(self, g):
        if not isinstance(g, (np.ndarray, np.generic)):       # create_graph: a differentiable gradient
            from .copy_slices_double import copy_slices_graph
            return copy_slices_graph(self, g)
        buf, region = _view_of(g, self.base_arr, self.region)
        grads = self.fn.backward(np.array(region))
        first = grads[0]
        region[...] = 0 if first is None else _fit_to(first, region.shape)
        return (buf,) + tuple(grads[1:])


class AsStridedBackward0(Node):
    """v = base viewed with (offset, shape, strides)   ->   dbase = zeros with g in the view's place"""
    __slots__ = ("region", "base_arr")

    def backward(self, g):
        if not isinstance(g, (np.ndarray, np.generic)):
            from .copy_slices_double import as_strided_view_graph
            return as_strided_view_graph(self, g)
        buf, region = _view_of(np.zeros(self.base_arr.shape, self.base_arr.dtype), self.base_arr, self.region)
        region[...] = g
        return (buf,)


def _fit_to(g, shape):
    from ..autograd.engine import sum_to
    return sum_to(g, shape) if np.shape(g) != shape else g


def rebase_view(t, fn):
    """After in-place op ``fn`` wrote into view ``t``: give its base a CopySlices history."""
    from ._common import edge, _NO_EDGE
    base = t._base
    region = _region(base._data, t._data)
    cs = CopySlices()
    cs.fn = fn
    cs.region = region
    cs.base_arr = base._data
    cs.next_functions = (edge(base) if base._rg else _NO_EDGE,) + tuple(fn.next_functions[1:])
    cs._shape, cs._dtype = base._data.shape, base._data.dtype
    base.grad_fn = cs
    base._rg = True
    base._out_nr = 0
    view = AsStridedBackward0()
    view.region = region
    view.base_arr = base._data
    view.next_functions = ((cs, 0),)
    view._shape, view._dtype = t._data.shape, t._data.dtype
    t.grad_fn = view
    t._rg = True
    t._out_nr = 0


class _RegeneratedView(AsStridedBackward0):
    """The AsStridedBackward0 a view gets when its base changed in place (``refresh_views``)."""
    __slots__ = ("view_arr",)

    def backward(self, g):
        if self.view_arr is not None:
            self.region, self.view_arr = _region(self.base_arr, self.view_arr), None
        return AsStridedBackward0.backward(self, g)


_RegeneratedView.__name__ = _RegeneratedView.__qualname__ = "AsStridedBackward0"     # (torch's name, repr)
