"""Computing on the ``meta`` device: a result's shape and dtype without any data.

torch runs a meta kernel for every op: it works out the shape, dtype and autograd node of the result
and allocates nothing.  glasstorch has no second set of kernels.  Instead, once a meta tensor exists,
every torch function and Tensor method goes through the ``__torch_function__`` wrappers
(``_torch_function_activate``), and a call that gets a meta tensor is handled here:

1. it runs as it is: views, shape queries, printing, ``to('meta')``, ``fill_`` and the like need no
   data and already answer with meta tensors;
2. when that fails (the array behind a meta tensor refuses every computation, ``_meta._NoData``), or
   when it would hand back an ordinary tensor, the call runs again on zero-filled stand-ins of the
   same shapes and dtypes, and each tensor it returns is turned into a meta tensor of the same shape,
   dtype and autograd node.  A stand-in shares its tensor's place in the graph (its ``grad_fn``, or
   its leaf's ``AccumulateGrad``), so ``backward`` through meta results reaches the meta leaves,
   whose gradients are meta tensors too (``engine._accumulate``).

The random number generators are put back after such a call: torch's meta kernels draw nothing.
What torch refuses on meta tensors, because the result's shape or a Python value would depend on
the data (``nonzero``, ``masked_select``, ``unique``, ``item``, ``x[mask]`` ...), is refused with
torch's errors before anything runs."""
import os
import sys
import warnings

import numpy as np

from ._alloc import is_refusal
from ._meta import STAND_INS, _NoData, empty_meta
from ._tensor import Tensor
from ._torch_function import STATE

_NO_FAKE = ("{}: attempted to run this operator with Meta tensors, but there was no fake impl or Meta kernel "
            "registered. You may have run into this message while using an operator with PT2 compilation APIs "
            "(torch.compile/torch.export); in order to use this operator with those APIs you'll need to add a "
            "fake impl. Please see the following for next steps:  "
            "https://pytorch.org/tutorials/advanced/custom_ops_landing_page.html")
_NONZERO = ("The register_meta function for torch.nonzero() raises unimplemented by default, as a correct "
            "data-independent implementation does not exist. This implementation returns a fake value, assuming "
            "all elements of the tensor are non-zero. To enable this registration, please set "
            "'torch.fx.experimental._config.meta_nonzero_assume_all_nonzero' to True.")
_PKG = os.path.dirname(os.path.abspath(__file__)) + os.sep
_ITEM = "Tensor.item() cannot be called on meta tensors"
# ops whose result's shape depends on the data: torch's meta device has no kernel for them
_NO_KERNEL = {"masked_select": "aten::masked_select", "unique": "aten::_unique2", "bincount": "aten::bincount",
              "unique_consecutive": "aten::unique_consecutive", "equal": "aten::equal"}
# a Python number out of a single element
_SCALAR = frozenset(("item", "__bool__", "__float__", "__int__", "__index__", "__complex__"))


def activate():
    """Route every torch function through the checks (at the first meta tensor; once per process)."""
    if not STATE.meta:
        from ._torch_function import activate as _activate
        from ._torch_function_activate import _replace
        from . import autograd
        from .nn.modules.module import Module
        _activate()
        for name in ("grad", "backward"):       # not torch functions the checks cover, but take meta tensors
            _replace(autograd, name, _with_meta(getattr(autograd, name), name))
        _replace(Module, "__call__", _module_call(Module.__call__))
        STATE.meta = True


def _is_meta(a):
    return isinstance(a, Tensor) and a._data.__class__ is _NoData


def has_meta(args, kwargs):
    for a in args:
        if a.__class__ in (list, tuple):
            if any(_is_meta(b) for b in a):
                return True
        elif _is_meta(a):
            return True
    return bool(kwargs) and has_meta(tuple(kwargs.values()), None)


def call(fn, name, args, kwargs):
    """``fn(*args, **kwargs)`` where some argument is a meta tensor (see the module docstring)."""
    short = name.rsplit(".", 1)[-1]
    _refuse_data_dependent(short, args, kwargs)
    first = None if short in ("backward", "grad") else (lambda: fn(*args, **kwargs))   # (a failed try
    return _guarded(first, lambda: _on_stand_ins(fn, args, kwargs), args, kwargs,            # could free the graph)
                    plain_ok="device" in kwargs)


def _guarded(first, again, args, kwargs, plain_ok=False):
    """``first()``; when it fails for want of data, or hands back an ordinary tensor, ``again()`` (on
    stand-ins).  The random generators are put back after (torch's meta kernels draw nothing), and the
    warnings of the attempt that answered are shown at the user's line (a first try's, made on the
    zeros and zero strides behind a meta tensor, are dropped with it)."""
    gens = _generators(args, kwargs)
    states = [g.get_state() for g in gens]
    start = 0
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")       # the filters apply when they are shown again below
            if first is not None:
                try:
                    r = first()
                    if plain_ok or not _plain_tensor_in(r):
                        return r
                except Exception as e:
                    if not _retry(e):
                        raise
                start = len(caught)
            return again()                        # or torch's error, if the op refuses these shapes
    finally:
        for g, s in zip(gens, states):
            g.set_state(s)
        if caught:
            where = _user_frame()
            for w in caught[start:]:
                at = (w.filename, w.lineno) if where is None or not w.filename.startswith(_PKG) else where
                warnings.warn_explicit(w.message, w.category, *at)


def _user_frame():
    f = sys._getframe(2)
    while f is not None and f.f_code.co_filename.startswith(_PKG):
        f = f.f_back
    return None if f is None else (f.f_code.co_filename, f.f_lineno)


def _refuse_data_dependent(short, args, kwargs):
    if short in ("nonzero", "argwhere") or (short == "where" and len(args) + len(kwargs) == 1):
        raise NotImplementedError(_NONZERO)
    if short == "__getitem__" and _bool_index(args[1]):
        raise NotImplementedError(_NONZERO)
    if short in _NO_KERNEL:
        raise NotImplementedError(_NO_FAKE.format(_NO_KERNEL[short]))
    if short in _SCALAR and args and _is_meta(args[0]) and args[0]._data.size == 1:   # (args[0]: self)
        raise RuntimeError(_ITEM)
    if short == "allclose":
        raise RuntimeError(_ITEM)
    if short == "tolist":
        raise NotImplementedError("Cannot copy out of meta tensor; no data!")
    if short == "numpy":
        raise TypeError("can't convert meta device type tensor to numpy. Use Tensor.cpu() to copy the tensor to "
                        "host memory first.")
    if short == "repeat_interleave" and len(args) > 1 and isinstance(args[1], Tensor) and \
            kwargs.get("output_size") is None and len(args) < 4:
        raise RuntimeError("cannot repeat_interleave a meta tensor without output_size")


def _retry(e):
    """Whether to run again on stand-ins after ``e``: not when ``e`` is torch's own refusal of meta
    tensors ("Cannot copy out of meta tensor"); yes when it is the array behind a meta tensor refusing to
    be computed on, or an error that its stand-in zeros or zero strides caused (a check on values, the
    overlap check of an in-place op)."""
    msg = str(e)
    return msg.startswith("glasstorch computes nothing on meta tensors") or "meta" not in msg


def _bool_index(idx):
    items = idx if isinstance(idx, tuple) else (idx,)
    return any(isinstance(i, Tensor) and i._data.dtype == np.bool_ and i._data.ndim > 0 for i in items)


def _generators(args, kwargs):
    from ._generator import default_generator, TensorGenerator
    gens = [default_generator]
    for a in tuple(args) + tuple(kwargs.values()):
        if isinstance(a, TensorGenerator) and a is not default_generator:
            gens.append(a)
    return gens


def _plain_tensor_in(r):
    if isinstance(r, Tensor):
        return r._data.__class__ is not _NoData
    if isinstance(r, (tuple, list)):
        return any(_plain_tensor_in(x) for x in r)
    return False


def _module_call(call_module):
    """``Module.__call__`` given meta inputs: the layer runs on stand-ins of them and of its meta
    parameters and buffers (each sharing its tensor's AccumulateGrad), since its forward may compute
    through glasstorch's own kernels, which the checks on torch functions do not see."""
    def __call__(self, *args, **kwargs):
        # (not for meta parameters alone: those a functional_call swaps out are not used)
        if not (STATE.meta and has_meta(args, kwargs)):
            return call_module(self, *args, **kwargs)
        metas = _module_metas(self)
        # straight to the stand-ins: inside a layer, the choices that hang on memory layout (a view or a
        # copy, oneDNN's LSTM or the plain one) are then made as for ordinary tensors
        return _guarded(None, lambda: _module_on_stand_ins(self, call_module, metas, args, kwargs), args, kwargs)
    return __call__


def _module_metas(module):
    """(owner dict, name, meta tensor) of every meta parameter and buffer of ``module`` and its children."""
    found, seen = [], set()
    stack = [module]
    while stack:
        m = stack.pop()
        if id(m) in seen:
            continue
        seen.add(id(m))
        for d in (m.__dict__.get("_parameters", {}), m.__dict__.get("_buffers", {})):
            found.extend((d, k, v) for k, v in d.items() if _is_meta(v))
        stack.extend(m.__dict__.get("_modules", {}).values())
    return found


def _module_on_stand_ins(module, call_module, metas, args, kwargs):
    swapped = [(d, k, v, _stand_in_for(v)) for d, k, v in metas]
    for d, k, _, z in swapped:
        d[k] = z
    try:
        return _on_stand_ins(lambda *a, **kw: call_module(module, *a, **kw), args, kwargs)
    finally:
        for d, k, v, _ in swapped:
            d[k] = v


def _on_stand_ins(fn, args, kwargs):
    subs = {}

    def stand_in(a):
        if _is_meta(a):
            got = subs.get(id(a))
            if got is None:
                got = subs[id(a)] = (a, _stand_in_for(a))
            return got[1]
        if a.__class__ in (list, tuple):
            return a.__class__(stand_in(b) for b in a)
        return a

    STAND_INS[0] += 1
    try:
        r = fn(*[stand_in(a) for a in args], **{k: stand_in(v) for k, v in kwargs.items()})
    except (MemoryError, RuntimeError) as e:
        if not is_refusal(e):
            raise
        raise NotImplementedError("glasstorch works out a meta result by running the op on stand-in data of the "
                                  "same shapes, and these do not fit in memory (see docs/differences.md)") from None
    finally:
        STAND_INS[0] -= 1
    back = {id(s): m for m, s in subs.values()}
    return _to_meta(r, back)


def _stand_in_for(a):
    """A tensor with data in meta tensor ``a``'s place (``_stand_in_data``'s values): same shape, dtype,
    version counter and graph position."""
    from ._tensor import _wrap
    from .ops._common import edge
    z = _wrap(_stand_in_data(a._data.shape, a._data.dtype))
    z._vc = a._vc
    if a._rg:
        z._rg = True
        if a.grad_fn is not None:
            z.grad_fn, z._out_nr = a.grad_fn, a._out_nr
        else:
            z._accum = edge(a)[0]           # the meta leaf's own AccumulateGrad
    return z


def _stand_in_data(shape, dtype):
    """Values no op refuses: integers and booleans zero (a valid index), floating tensors one, square
    matrices the identity (invertible, positive definite; a valid distribution in each row)."""
    if dtype.kind in "biu":
        return np.zeros(shape, dtype)
    if len(shape) >= 2 and shape[-1] == shape[-2]:
        return np.array(np.broadcast_to(np.eye(shape[-1], dtype=dtype), shape))
    return np.ones(shape, dtype)


def _to_meta(r, back):
    if isinstance(r, Tensor):
        m = back.get(id(r))
        if m is not None:                   # an in-place op hands back its input: the meta tensor itself
            if m._data.shape != r._data.shape or m._data.dtype != r._data.dtype:   # resize_, t_, unsqueeze_ ...
                m._data = empty_meta(r._data.shape, r._data.dtype)._data
            m.grad_fn, m._out_nr = r.grad_fn, r._out_nr
            return m
        if r._data.__class__ is _NoData:
            return r
        t = empty_meta(r._data.shape, r._data.dtype)
        if type(r) is not Tensor:
            from ._torch_function import _retype
            t = _retype(t, type(r))
        t._rg, t.grad_fn, t._out_nr = r._rg, r.grad_fn, r._out_nr
        return t
    if isinstance(r, tuple):
        items = [_to_meta(x, back) for x in r]
        return r.__class__(items) if not hasattr(r, "_fields") else r.__class__(*items)
    if isinstance(r, list):
        return [_to_meta(x, back) for x in r]
    return r


def _with_meta(fn, name):
    """``fn`` (a function outside the checked namespaces) handing meta tensors to ``call``."""
    def public(*args, **kwargs):
        if STATE.meta and has_meta(args, kwargs):
            return call(fn, name, args, kwargs)
        return fn(*args, **kwargs)
    public.__wrapped__ = fn
    return public
