"""Products with a short inner dimension (k <= 7) in the order torch's BLAS (MKL, x86-64 wheel, AMD
CPU) adds them: the plain running sum ``((0 + a0 b0) + a1 b1) + ...`` of rounded products, no FMA.

Control and simulation code multiplies tiny matrices all the time (``A @ P @ A.T``, ``A @ x``), and
NumPy's BLAS fuses the products there: its result differs from torch's in the last bit for most such
products, enough to move an iteration count or a convergence test.  MKL runs its small-matrix kernel
(the running sum) when the result has at most 3 rows or at most 11 columns; which k it covers depends
on the operands' layouts.  For ``C = A @ B`` of an m x p result, A "N" a row-major (m, k) and "T" a
transposed view of a row-major (k, m) (B likewise):

* NN (``A @ B``)            k <= 7, except p == 1 with m >= 4 and k >= 5 (MKL's gemv then);
                           and every k when m == 1 (a row vector times a matrix);
* TN (``A.T @ B``)          k <= 7;
* TT (``A.T @ B.T``)        k <= 4; k <= 7 unless m == 1 and p >= 4;
* NT (``A @ B.T``)          k <= 3; k <= 7 when p <= 3, except p == 1 with m >= 4 and k >= 5;
                           beyond that (``_nt_dots``) p == 1 with m <= 3, or m == 1 with p <= 3, up to
                           k = 11 (float32) / 9 (float64), and m == 1, p <= 8 with k == 4.

A matrix-vector product ``A @ v`` (mv) is the running sum when A is row-major and k <= 4, or m <= 3
and k <= 11 (float32) / 9 (float64).
Measured bit for bit against torch 2.13 (1 and 2 threads, float32 and float64, m and p from 1 to
300,000).  Other shapes and layouts keep NumPy's BLAS (see ``_gemm_order``)."""
import numpy as np

_MAX_TERMS = 1 << 22        # m * k * p products held at once by the m == 1 path


def _layout(a):
    """"N" for a row-major (r, c) array, "T" for the transpose of one, else None (strides as torch's)."""
    r, c = a.shape
    s0, s1 = (s // a.itemsize for s in a.strides)
    if s1 == 1 and (s0 == c or r == 1):      # one row: its layout does not change MKL's order (measured)
        return "N"
    if s0 == 1 and s1 == r:
        return "T"
    return None


def _sequential(la, lb, m, k, p):
    if m == 1 and la == lb == "N":
        return True
    if k > 7 or not (m <= 3 or p <= 11):
        return False
    gemv = p == 1 and m >= 4 and k >= 5
    if la + lb == "NN":
        return not gemv
    if la + lb == "TN":
        return True
    if la + lb == "TT":
        return k <= 4 or not (m == 1 and p >= 4)
    return k <= 3 or (p <= 3 and not gemv)          # NT


def running_sum(x, y, start=None):
    """``x @ y`` for 2-d float arrays as the running sum over k, where MKL computes it so; else None.
    ``start``: what the sum starts from instead of +0, broadcast to the result (addmm's C where MKL's
    kernel adds it first)."""
    if not (x.dtype == y.dtype and x.dtype.char in "fd" and x.ndim == 2 == y.ndim and x.shape[1] == y.shape[0]):
        return None                     # (mismatched sizes: the caller's BLAS call raises)
    m, k = x.shape
    p = y.shape[1]
    if k == 1 and m > 1 < p:
        # MKL writes the products themselves: a -0 stays (_gemm_order.mm)
        return x * y if start is None else start + x * y
    if k < 2 or m == 0 or p == 0:
        return None                     # one product (or none): every order agrees
    if k == 8 and start is None and x.dtype == np.float32 and m > 1 < p and _layout(x) == "N" == _layout(y.T):
        from ._gemm_dot8 import nt_dot8         # A @ B.T: MKL's one-register dot product (Linear(8, p))
        r = nt_dot8(x, y)
        if r is not None:
            return r
    if k > 8 and k % 4 == 0 and start is None and 1 < p < 4 and m > 1 and x.dtype == np.float32 \
            and _layout(x) == "N" == _layout(y.T):
        from ._gemm_dot8 import nt_dot_blocks   # A @ B.T, Linear(k, 2 or 3): MKL's dot kernel, block by block
        r = nt_dot_blocks(x, y)
        if r is not None:
            return r
    if k > 7 and m != 1 and not (p == 1 and m <= 3 and k <= 11):
        return None                     # (before the layouts: a layer's ordinary products leave here)
    la, lb = _layout(x), _layout(y)
    if la is None or lb is None:
        return None
    if not _sequential(la, lb, m, k, p):
        if not (start is None and _nt_dots(la + lb, m, k, p, x.dtype)):
            return None
        return _plain_sum(x, y)
    if k > 7 and m != 1:
        return None
    if k > 7:                           # m == 1: one row of products, added along k in turn
        if k * p > _MAX_TERMS:
            return None
        from ._sum_order import _seq
        terms = x[0][:, None] * y
        terms[0] += 0.0 if start is None else np.broadcast_to(start, (1, p))[0]
        return _seq(terms, 0)[None, :]
    out = x[:, :1] * y[:1]
    out += 0.0 if start is None else start      # MKL's sum starts from +0: a -0 product gives +0
    for i in range(1, k):
        out += x[:, i:i + 1] * y[i:i + 1]      # each product rounded, then added in turn
    return out


def _nt_dots(layouts, m, k, p, dtype):
    """Whether MKL's ``A @ B.T`` (a linear layer's forward) of an m x p result is the running sum beyond
    ``_sequential``'s bounds: a result of one column (p == 1, gemv "t": the mv rule, m <= 3 and
    k <= 11 for float32, 9 for float64), or of one row with p <= 3 (the same k), or one row and
    p from 4 to 8 with k == 4.  Measured bit for bit against torch 2.13, m 1 to 64, k 1 to 23."""
    if layouts != "NT":
        return False
    most = 11 if dtype == np.float32 else 9
    if p == 1 and m <= 3 or m == 1 and p <= 3:
        return k <= most
    return m == 1 and p <= 8 and k == 4


def _plain_sum(x, y):
    out = x[:, :1] * y[:1]
    out += 0.0                                  # MKL's sum starts from +0: a -0 product gives +0
    for i in range(1, x.shape[1]):
        out += x[:, i:i + 1] * y[i:i + 1]      # each product rounded, then added in turn
    return out


def running_mv(a, v, start=None):
    """``a @ v`` (mv) for a float matrix and a vector, as the running sum where MKL's gemv adds so: a
    column-major matrix (torch's addmv calls gemv "n" when ``a.stride(0) == 1`` and its leading dimension
    fits: a transposed row-major matrix, as in mv's gradient ``A.t() @ g``), every size (measured bit for
    bit, m up to 5,000, k up to 3,000, 1 and 2 threads); a row-major one (gemv "t", dot products) with
    k <= 4, or m <= 3 and k <= 11 for float32, k <= 9 for float64; else None.  ``start``: what the
    column-major kernel's sums start from instead of +0 (addmv's C)."""
    if not (a.dtype == v.dtype and a.dtype.char in "fd" and a.ndim == 2 and v.ndim == 1 and a.shape[1] == v.shape[0]):
        return None
    m, k = a.shape
    if k >= 2 and m > 0 and _column_major(a):
        from ._sum_order import _seq
        terms = a * v                   # each product rounded, then added in turn from +0
        terms[:, 0] += 0.0 if start is None else start
        return _seq(terms, 1)
    if k < 2 or m == 0 or k > (4 if m > 3 else 11 if a.dtype.char == "f" else 9) or _layout(a) != "N":
        return None
    out = a[:, 0] * v[0]
    out += 0.0
    for i in range(1, k):
        out += a[:, i] * v[i]
    return out


def _column_major(a):
    """torch's addmv test for gemv "n": stride(0) == 1 and lda = stride(1) >= max(1, m) (or one column)."""
    m, k = a.shape
    s0, s1 = (s // a.itemsize for s in a.strides)
    return s0 == 1 and (k == 1 or s1 >= max(1, m))


def mv(a, v):
    """torch.mv's ``a @ v``: the running sum where MKL adds so, else NumPy's."""
    r = running_mv(a, v)
    return a @ v if r is None else r


def product(x, y):
    """matmul's ``x @ y`` with no graph to record, for the ranks whose torch kernel has a modelled order:
    2-d @ 1-d (mv), 1-d @ 2-d (an mm of one row), and a row-major batch @ a matrix or vector, which
    torch folds into one mm/mv over the batch's rows.  None where not modelled or the sizes mismatch."""
    if x.ndim == 2 and y.ndim == 1:
        return running_mv(x, y) if x.shape[1] == y.shape[0] else None
    if x.ndim == 1 and y.ndim == 2:
        # torch's unsqueeze(0) makes a row-major row (a strided vector is copied into one first)
        r = running_sum(np.ascontiguousarray(x).reshape(1, -1), y) if x.shape[0] == y.shape[0] else None
        return None if r is None else r[0]
    if x.ndim >= 3 and y.ndim <= 2 and x.flags.c_contiguous and x.shape[-1] == y.shape[0]:
        flat = x.reshape(-1, x.shape[-1])
        r = running_mv(flat, y) if y.ndim == 1 else running_sum(flat, y)
        return None if r is None else r.reshape(x.shape[:-1] + y.shape[1:])
    return None


def bmm_small(x, y):
    """A batched float product (x, y at least 3-d, batch dims broadcast) where torch's bmm runs its own
    loop instead of the BLAS: m * k * p < 400 (ATen's ``baddbmm_cpu_kernel``, every layout).  That loop
    starts each entry at +0 and adds the k rounded products in turn.  Else None."""
    if not (x.dtype == y.dtype and x.dtype.char in "fd" and x.ndim >= 2 and y.ndim >= 2):
        return None
    m, k = x.shape[-2:]
    p = y.shape[-1]
    if y.shape[-2] != k or m * k * p >= 400 or k == 0:
        return None
    try:
        out = x[..., :, :1] * y[..., :1, :]
    except ValueError:                  # batch dims that do not broadcast: the caller raises
        return None
    out += 0.0
    for i in range(1, k):
        out += x[..., :, i:i + 1] * y[..., i:i + 1, :]
    return out


def backward_product(a, b):
    """A gradient's product of arrays (mm's and bmm's formulas are mm and bmm calls in torch)."""
    if a.ndim == 2 == b.ndim:
        from ._gemm_order import mm
        return mm(a, b)
    if a.ndim == 2 and b.ndim == 1:     # mv's gradient of its vector: self.t().mv(grad)
        return mv(a, b)
    r = bmm_small(a, b) if a.ndim == 3 == b.ndim else None
    return a @ b if r is None else r


def addmm_small(c, x, y):
    """``torch.addmm(c, x, y)`` (alpha = beta = 1) where MKL's small kernel makes the product; else None.

    That kernel either starts each entry's running sum at C (then adds the k rounded products in turn)
    or adds C to the finished sum, by layout (measured bit for bit against torch 2.13, float32 and
    float64, m, p up to 12, k up to 7, C a row or a full matrix): C first when ``y`` is row-major, or,
    for one column (p == 1), when ``x`` is a transposed view, or for a single entry (m == p == 1)."""
    m, k = x.shape
    p = y.shape[1]
    if c.dtype != x.dtype or c.ndim > 2 or any(s not in (1, t) for s, t in zip(c.shape[::-1], (p, m))):
        return None                     # (a C that does not broadcast: the caller raises torch's error)
    first = k >= 2 and (m == p == 1 or (_layout(x) == "T" if p == 1 else _layout(y) == "N"))
    prod = running_sum(x, y, c if first else None)
    # C added to the finished sum otherwise (one product: either order is the same)
    return None if prod is None else prod if first else prod + c


def addmv_small(c, a, v):
    """``torch.addmv(c, a, v)`` (alpha = beta = 1) where MKL's gemv makes the product; else None.  Its
    "n" kernel (a column-major ``a``) starts each running sum at C; the dot-product kernel (row-major)
    adds C to the finished sum (measured against torch 2.13 as ``running_mv``)."""
    if c.dtype != a.dtype:
        return None
    first = _column_major(a)
    r = running_mv(a, v, c if first else None)
    return None if r is None else r if first else r + c
