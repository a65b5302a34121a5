"""``torch._int_mm``: an int8 matrix product accumulated in int32, as hand-written int8 inference uses.

    out[i, j] = sum_k int32(self[i, k]) * int32(mat2[k, j])      (int32 arithmetic: wraps on overflow)

self is int8 or uint8 (read as unsigned), mat2 int8; the result is a new contiguous int32 matrix, or
``out=`` (int32, contiguous, the right shape).  torch's CPU kernel checks, in this order: the functional
form first allocates ``empty({self.size(0), mat2.size(1)})`` (an IndexError for a 1-D mat2), then both
are 2-D, the inner sizes agree, the dtypes, and the result's dtype, sizes, dimension and layout.  No
gradient: integer tensors never require one.
"""
import numpy as np

from ._quant_fake_args import bind
from ._tensor import _wrap
from .ops.matmul_checks import _c_name

_SIG = ("_int_mm(Tensor input, Tensor mat2, *, Tensor out=None)",)
_NAME = "int_mm_out_cpu"


def _check(self, mat2, out):
    if self.dim() != 2:
        raise RuntimeError(f"{_NAME}: Expected self to be of dimension 2 but got {self.dim()}")
    if mat2.dim() != 2:
        raise RuntimeError(f"{_NAME}: Expected mat2 to be of dimension 2 but got {mat2.dim()}")
    if self.size(1) != mat2.size(0):
        raise RuntimeError(f"{_NAME}: self.size(1) needs to match mat2.size(0) but got {self.size(1)} and "
                           f"{mat2.size(0)}")
    if self._data.dtype not in (np.int8, np.uint8):
        raise RuntimeError(f"{_NAME}: Expected self dtype to be int8 or uint8 but got {_c_name(self._data.dtype)}")
    if mat2._data.dtype != np.int8:
        raise RuntimeError(f"{_NAME}: Expected mat2 dtype to be of type int8 but got {_c_name(mat2._data.dtype)}")
    if out._data.dtype != np.int32:
        raise RuntimeError(f"{_NAME}: Expected result dtype to be of type kInt but got {_c_name(out._data.dtype)}")
    if out.size(0) != self.size(0):
        raise RuntimeError(f"{_NAME}: Expected result.size(0) to be {self.size(0)} but got {out.size(0)}")
    if out.size(1) != mat2.size(1):
        raise RuntimeError(f"{_NAME}: Expected result.size(1) to be {mat2.size(1)} but got {out.size(1)}")
    if out.dim() != 2:
        raise RuntimeError(f"{_NAME}: Expected result to be of dimension 2 but got {out.dim()}")
    if not out.is_contiguous():
        raise RuntimeError(f"{_NAME}: Expected result to be contiguous.")


def _int_mm(*args, **kwargs):
    """out = self @ mat2 in int32 (int8 / uint8 by int8); see the module docstring."""
    _, a = bind(_SIG, args, kwargs)
    self, mat2, out = a["input"], a["mat2"], a.get("out")
    fresh = out is None
    if fresh:
        out = _wrap(np.zeros((self.size(0), mat2.size(1)), np.int32))
    _check(self, mat2, out)
    # int64 sums of int8 products are exact; their int32 residue is what int32 accumulation wraps to
    acc = self._data.astype(np.int64) @ mat2._data.astype(np.int64)
    r = acc.astype(np.int32)
    if fresh:
        return _wrap(np.ascontiguousarray(r))
    out.copy_(_wrap(r))
    return out
