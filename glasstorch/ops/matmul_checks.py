"""The shape and dtype checks of the matrix products, with torch's messages (matmul.py calls them)."""
import numpy as np


_C_NAMES = {"f": {2: "c10::Half", 4: "float", 8: "double"},
            "i": {1: "signed char", 2: "short int", 4: "int", 8: "long int"}, "u": {1: "unsigned char"},
            "b": {1: "bool"}, "c": {8: "c10::complex<float>", 16: "c10::complex<double>"}}


def _c_name(dt):
    return _C_NAMES[dt.kind][dt.itemsize]


def _same_dtype(x, y):
    if x.dtype != y.dtype:
        raise RuntimeError(f"expected m1 and m2 to have the same dtype, but got: {_c_name(x.dtype)} != "
                           f"{_c_name(y.dtype)}")


def _mv_dtypes(s, A, v):
    """torch's addmv kernel (mv is addmv into a result of the vector's dtype): the result's, the
    matrix's and the vector's dtypes must agree, and there is no boolean kernel."""
    if not (s == A.dtype == v.dtype):
        from .inplace import type_name
        raise RuntimeError(f"addmv input tensors must have the same dtype, but got {type_name(s)}, "
                           f"{type_name(A.dtype)}, and {type_name(v.dtype)}")
    if s.kind == "b":
        raise NotImplementedError("\"addmv_impl_cpu\" not implemented for 'Bool'")


def _addmm_dtypes(s, x, y):
    """torch's addmm kernel: the added tensor's dtype is checked against mat2's first, then mat1's."""
    if s == y.dtype == x.dtype:
        return
    from .inplace import type_name          # (imported here, on the error path only: a cycle)
    if s != y.dtype:
        raise RuntimeError(f"self and mat2 must have the same dtype, but got {type_name(s)} and "
                           f"{type_name(y.dtype)}")
    if x.dtype != y.dtype:
        raise RuntimeError(f"mat1 and mat2 must have the same dtype, but got {type_name(x.dtype)} and "
                           f"{type_name(y.dtype)}")


def _bmm_dtypes(x, y):
    """torch's bmm kernel: dispatched on the first operand's type, then asks the second to match."""
    if x.dtype.kind == "b":
        raise NotImplementedError("\"bmm\" not implemented for 'Bool'")
    if x.dtype != y.dtype:
        from .inplace import type_name
        raise RuntimeError(f"expected scalar type {type_name(x.dtype)} but found {type_name(y.dtype)}")


def _check_matmul(x, y, fold=True):
    """torch's error for shapes matmul refuses; ``fold`` False (matmul's ``_folds``) means a batched @
    matrix-or-vector product goes through bmm, and its message is bmm's."""
    if x.ndim == 0 or y.ndim == 0:
        raise RuntimeError(f"both arguments to matmul need to be at least 1D, but they are {x.ndim}D and "
                           f"{y.ndim}D")
    if not fold and max(x.ndim, y.ndim) >= 3:
        batch = _broadcast_batch(x.shape[:-2], y.shape[:-2])
        m2 = y.shape[-2] if y.ndim > 1 else y.shape[0]
        if x.shape[-1] != m2:
            b = int(np.prod(batch))
            raise RuntimeError(f"Expected size for first two dimensions of batch2 tensor to be: [{b}, "
                               f"{x.shape[-1]}] but got: [{b}, {m2}].")
        _bmm_dtypes(x, y)
        return
    if x.ndim <= 2 and y.ndim >= 3 and x.shape[-1] != y.shape[-2]:
        # folded the other way round: y^T flattened to 2-d times x^T
        rows = int(np.prod(y.shape[:-2])) * y.shape[-1]
        if x.ndim == 1:
            raise RuntimeError(f"size mismatch, got input ({rows}), mat ({rows}x{y.shape[-2]}), vec ({x.shape[0]})")
        raise RuntimeError(f"mat1 and mat2 shapes cannot be multiplied ({rows}x{y.shape[-2]} and "
                           f"{x.shape[1]}x{x.shape[0]})")
    if x.ndim == 1 and y.ndim == 1:
        if x.shape[0] != y.shape[0]:
            raise RuntimeError(f"inconsistent tensor size, expected tensor [{x.shape[0]}] and src [{y.shape[0]}] "
                               f"to have the same number of elements, but got {x.shape[0]} and {y.shape[0]} "
                               f"elements respectively")
    elif y.ndim == 1:
        if x.shape[-1] != y.shape[0]:
            if x.ndim == 2:
                raise RuntimeError(f"size mismatch, got input ({x.shape[0]}), mat ({x.shape[0]}x{x.shape[1]}), "
                                   f"vec ({y.shape[0]})")
            rows = int(np.prod(x.shape[:-1]))
            raise RuntimeError(f"size mismatch, got input ({rows}), mat ({rows}x{x.shape[-1]}), vec ({y.shape[0]})")
    elif x.ndim <= 2 and y.ndim == 2 or (x.ndim >= 3 and y.ndim == 2):
        if x.shape[-1] != y.shape[0]:
            rows = 1 if x.ndim == 1 else int(np.prod(x.shape[:-1]))
            raise RuntimeError(f"mat1 and mat2 shapes cannot be multiplied ({rows}x{x.shape[-1]} and "
                               f"{y.shape[0]}x{y.shape[1]})")
    else:
        bx, by = x.shape[:-2], y.shape[:-2]
        batch = _broadcast_batch(bx, by)
        b = int(np.prod(batch))
        if x.shape[-1] != y.shape[-2]:
            raise RuntimeError(f"Expected size for first two dimensions of batch2 tensor to be: [{b}, "
                               f"{x.shape[-1]}] but got: [{b}, {y.shape[-2]}].")
        _bmm_dtypes(x, y)
        return
    if y.ndim == 1:                     # folded or not, a product with a vector is torch's mv
        _mv_dtypes(y.dtype, x, y)
    _same_dtype(x, y)


def _broadcast_batch(bx, by):
    n = max(len(bx), len(by))
    bx, by = (1,) * (n - len(bx)) + tuple(bx), (1,) * (n - len(by)) + tuple(by)
    out = []
    for i, (p, q) in enumerate(zip(bx, by)):
        if p != q and p != 1 and q != 1:
            raise RuntimeError(f"The size of tensor a ({p}) must match the size of tensor b ({q}) at "
                               f"non-singleton dimension {i}")
        out.append(max(p, q) if p and q else 0)
    return tuple(out)
