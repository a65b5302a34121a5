"""In-place ops: run the out-of-place op, then write its result into the tensor.

The tensor keeps its identity and memory (views and NumPy arrays sharing it see the change), its
version counter goes up (so a backward that saved it can tell), and its ``grad_fn`` becomes the
node of the op, as in torch.
"""
import numpy as np

from ..autograd.grad_mode import GRAD

LEAF_INPLACE = "a leaf Variable that requires grad is being used in an in-place operation."
VIEW_LEAF_INPLACE = "a view of a leaf Variable that requires grad is being used in an in-place operation."

_TYPE_NAMES = {"f": {2: "Half", 4: "Float", 8: "Double"}, "i": {1: "Char", 2: "Short", 4: "Int", 8: "Long"},
               "u": {1: "Byte"}, "b": {1: "Bool"}}


def type_name(npdt):
    """torch's short scalar-type name (``Float``, ``Long`` ...) used in its error messages."""
    return _TYPE_NAMES[npdt.kind][npdt.itemsize]


def can_cast(src, dst):
    """torch's canCast: no float -> integer, no non-bool -> bool."""
    if src.kind == "f" and dst.kind in "biu":
        return False
    if src.kind != "b" and dst.kind == "b":
        return False
    return True


def check_inplace(t):
    """Refuse in-place changes to leaves that require grad (outside no_grad), as torch does."""
    if GRAD.enabled:
        if t._rg and t.grad_fn is None:
            raise RuntimeError(LEAF_INPLACE)
        base = t._base
        if base is not None and base._rg and base.grad_fn is None and t._rg:
            raise RuntimeError(VIEW_LEAF_INPLACE)


def commit(t, compute, name=""):
    """Run ``compute()`` (the out-of-place op on ``t``) and store its result into ``t``."""
    check_inplace(t)
    r = compute()
    rd = r._data
    td = t._data
    if rd.shape != td.shape:
        raise RuntimeError(f"output with shape {list(td.shape)} doesn't match the broadcast shape {list(rd.shape)}")
    if rd.dtype != td.dtype and not can_cast(rd.dtype, td.dtype):
        raise RuntimeError(f"result type {type_name(rd.dtype)} can't be cast to the desired output type "
                           f"{type_name(td.dtype)}")
    np.copyto(td, rd, casting="unsafe")
    t._vc[0] += 1
    fn = r.grad_fn
    if fn is not None:
        if fn._result_at_is_set() and fn._result_at >= 0 and fn._saved:
            items = list(fn._saved)
            items[fn._result_at] = t          # the saved result is now t itself
            fn._saved = tuple(items)
            vers = list(fn._versions)
            vers[fn._result_at] = t._vc[0]
            fn._versions = tuple(vers)
        fn._dtype = td.dtype
        t.grad_fn = fn
        t._rg = True
        t._out_nr = 0
    return t
