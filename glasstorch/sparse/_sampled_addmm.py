"""``torch.sparse.sampled_addmm(input, mat1, mat2, *, beta=1., alpha=1.)``: ``mat1 @ mat2`` computed only
where the CSR matrix ``input`` stores an entry, ``out = alpha * (mat1 @ mat2) * spy(input) + beta * input``
(the result keeps ``input``'s pattern, a zero stored as it is).

As torch's CPU kernel (SampledAddmmKernel.cpp): each stored (i, j) takes the dot product of row i of
``mat1`` and column j of ``mat2`` as ``vec::map2_reduce_all`` sums it (``lane_dot``: AVX2 lanes, the
leftover lanes added without FMA), then ``alpha * dot + beta * value`` with the product ``alpha * dot``
fused into the addition (GCC contracts it to one FMA; measured bit for bit on float32 and float64).
Complex matrices are computed plainly.  torch's checks come first, in its order and words.

Autograd (torch's SparseSampledAddmmBackward0) is not implemented: an operand that requires grad
raises NotImplementedError, as CSR autograd does elsewhere in glasstorch.
"""
import numpy as np

from .._tensor import Tensor


def _type_name(t):
    from .._dtype import _SCALAR_TYPES
    return _SCALAR_TYPES[t._vals.dtype.name if hasattr(t, "_vals") else t._data.dtype.name]


def _layout_name(t):
    return {"strided": "Strided", "sparse_coo": "Sparse", "sparse_csr": "SparseCsr",
            "sparse_csc": "SparseCsc"}[t.layout.name]


def _check(input, mat1, mat2):
    from ._coo import not_on_sparse
    name = input.layout.name
    if name in ("strided", "sparse_coo"):
        raise not_on_sparse("aten::sparse_sampled_addmm", "CPU" if name == "strided" else "SparseCPU")
    if name != "sparse_csr":
        raise RuntimeError(f"sampled_addmm: Expected result to have sparse csr layout, but got {_layout_name(input)}")
    for label, m in (("mat1", mat1), ("mat2", mat2)):
        if m.layout.name != "strided":
            raise RuntimeError(f"sampled_addmm: Expected {label} to have strided layout, but got {_layout_name(m)}")
    if mat1.dtype != mat2.dtype:
        raise RuntimeError(f"sampled_addmm: Expected mat1 and mat2 to have the same dtype, but got "
                           f"{_type_name(mat1)} and {_type_name(mat2)}")
    if mat1.dtype != input.dtype:
        raise RuntimeError(f"sampled_addmm: Expected mat1 and self to have the same dtype, but got "
                           f"{_type_name(mat1)} and {_type_name(input)}")
    for label, m in (("mat1", mat1), ("mat2", mat2)):
        if m.ndim < 2:
            raise RuntimeError(f"sampled_addmm: Expected {label} to be a matrix, got {m.ndim}-D tensor")
    if list(mat1.shape[:-2]) != list(mat2.shape[:-2]):
        raise RuntimeError(f"sampled_addmm: Expected mat1 and mat2 to have the same batch size, but got "
                           f"{list(mat1.shape[:-2])} and {list(mat2.shape[:-2])}")
    if mat1.ndim > 2:
        raise NotImplementedError("glasstorch: batched torch.sparse.sampled_addmm is not implemented")
    (m, k), (k2, n) = mat1.shape, mat2.shape
    if k != k2:
        raise RuntimeError(f"sampled_addmm: mat1 and mat2 shapes cannot be multiplied ({m}x{k} and {k2}x{n})")
    if input.shape[0] != m:
        raise RuntimeError("sampled_addmm: self.shape[-2] must match mat1.shape[-2]")
    if input.shape[1] != n:
        raise RuntimeError("sampled_addmm: self.shape[-1] must match mat2.shape[-1]")
    if input._vals.dtype.kind not in "fc" or input._vals.dtype.itemsize < 4:
        raise RuntimeError(f"sparse_sampled_addmm: Expected self to be a floating-point or complex tensor, but got "
                           f"{_type_name(input)}")
    if input._rg or mat1._rg or mat2._rg:
        raise NotImplementedError("glasstorch: autograd through torch.sparse.sampled_addmm is not implemented")


def sampled_addmm(input, mat1, mat2, *, beta=1.0, alpha=1.0, out=None):
    from ._csr import csr_from_coo
    for pos, (label, t) in enumerate((("input", input), ("mat1", mat1), ("mat2", mat2)), 1):
        if not isinstance(t, Tensor):
            raise TypeError(f"sparse_sampled_addmm(): argument '{label}' (position {pos}) must be Tensor, not "
                            f"{type(t).__name__}")
    _check(input, mat1, mat2)
    if out is not None:
        raise NotImplementedError("glasstorch: torch.sparse.sampled_addmm with out= is not implemented")
    rows, cols = input._idx
    vals = input._vals
    dt = vals.dtype
    a, b = mat1._data[rows], np.ascontiguousarray(mat2._data.T)[cols]
    al, be = dt.type(alpha), dt.type(beta)
    if mat1._data.size == 0 or mat2._data.size == 0:
        new = vals * be                 # torch returns input * beta without a product (-0.0 stays -0.0)
    elif dt.kind == "c":
        new = al * np.sum(a * b, axis=-1).astype(dt) + be * vals
    else:
        from ..ops._softmax_order import lane_dot
        from ..ops._fma32 import fma32
        from .._rng_fma import fma64
        dot = lane_dot(a, b, False)
        new = (fma32 if dt == np.float32 else fma64)(np.full_like(dot, al), dot, be * vals)
    return csr_from_coo(input._idx.copy(), np.asarray(new, dt), input._size)
