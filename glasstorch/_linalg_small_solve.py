"""``linalg.solve`` / ``linalg.inv`` of small real systems (n <= 4) with torch's CPU roundings.

torch solves A X = B with LAPACK's getrf + getrs from MKL.  NumPy's OpenBLAS rounds differently: for
the 2 x 2 Newton steps of an optimization course (float32 [[3, 4], [1, 2]]^-1 is 1.0000001, -0.50000006
... in torch) its answers are often off in the last bit.  MKL's substitutions are the dot-product
("row") forms, each row's products summed first and then subtracted, and the upper-triangular solve
multiplies by the pivot's reciprocal:

    forward:   y_i = b_i - sum_{j<i} L_ij y_j
    backward:  x_i = (y_i - sum_{j>i} U_ij x_j) * (1 / U_ii)

on the factor of ``_linalg_lu._getrf``.  Checked against torch for random 2 x 2 (every case) and
3 x 3 systems (every case) in both dtypes; larger systems keep NumPy's solver (MKL
blocks them, an order we do not reproduce).
"""
import numpy as np

from ._linalg_lu import _getrf

MAX_N = 3


def applies(a):
    """Whether ``a`` is a small real float matrix (batch) this solver handles."""
    return a.dtype in (np.float32, np.float64) and a.shape[-1] <= MAX_N and a.shape[-1] > 0


def _dot_rows(coef, x, rows):
    """sum_j coef[:, j] x[:, j] over ``rows`` (in order), each product rounded, added one after another."""
    s = coef[:, rows[0], None] * x[:, rows[0]]
    for j in rows[1:]:
        s = s + coef[:, j, None] * x[:, j]
    return s


def small_solve(a, b, adjoint=False):
    """(X, info) for A X = B (A^T X = B when ``adjoint``: torch's ``left=False`` solves X A = B so, on
    A's own factor), ``b`` of shape (..., n, k); batch dimensions broadcast.  ``info`` > 0 marks a zero
    pivot (a singular A), as LAPACK's."""
    n = a.shape[-1]
    batch = np.broadcast_shapes(a.shape[:-2], b.shape[:-2])
    lu, piv, info = _getrf(np.broadcast_to(a, batch + (n, n)))
    lu = lu.reshape(-1, n, n)
    piv = piv.reshape(-1, n).astype(np.intp) - 1
    k = b.shape[-1]
    x = np.array(np.broadcast_to(b, batch + (n, k)), a.dtype).reshape(-1, n, k)
    rows = np.arange(x.shape[0])

    def swap(i):                            # LAPACK's row swap i <-> piv[i]
        j = piv[:, i]
        x[rows, i], x[rows, j] = x[rows, j], x[rows, i].copy()

    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        if not adjoint:
            for i in range(n):              # P^T b
                swap(i)
            for i in range(1, n):           # L y = P^T b (unit diagonal)
                x[:, i] = x[:, i] - _dot_rows(lu[:, i], x, range(i))
            for i in reversed(range(n)):    # U x = y
                if i < n - 1:
                    x[:, i] = x[:, i] - _dot_rows(lu[:, i], x, range(i + 1, n))
                x[:, i] = x[:, i] * (1 / lu[:, i, i, None])
        else:
            ut = np.swapaxes(lu, -1, -2)
            for i in range(n):              # U^T z = b
                if i:
                    x[:, i] = x[:, i] - _dot_rows(ut[:, i], x, range(i))
                x[:, i] = x[:, i] * (1 / lu[:, i, i, None])
            for i in reversed(range(n - 1)):   # L^T w = z (unit diagonal)
                x[:, i] = x[:, i] - _dot_rows(ut[:, i], x, range(i + 1, n))
            for i in reversed(range(n)):    # P w
                swap(i)
    return x.reshape(batch + (n, k)), np.asarray(info)


def _one_solve(a, b, adjoint):
    """``small_solve`` of one matrix, on Python floats (each result rounded to ``a``'s dtype: one
    rounding of the exact value, as float32 hardware gives): NumPy's per-call cost is most of the time
    for a 2 x 2 system.  None for a zero pivot (the caller raises torch's error)."""
    rnd = float if a.dtype == np.float64 else (lambda v: float(np.float32(v)))
    n = a.shape[-1]
    lu = a.tolist()
    piv = []
    for j in range(n):                  # _getrf: first largest |entry| (a NaN counts as largest)
        p, best = j, abs(lu[j][j])
        for i in range(j + 1, n):
            if best != best:
                break
            v = abs(lu[i][j])
            if v != v or v > best:
                p, best = i, v
        if lu[p][j] == 0:
            return None
        piv.append(p)
        lu[j], lu[p] = lu[p], lu[j]
        pivot = lu[j][j]
        inv = rnd(1 / pivot)
        for i in range(j + 1, n):
            m = lu[i][j] = rnd(lu[i][j] / pivot) if j == n - 2 else rnd(lu[i][j] * inv)
            for c in range(j + 1, n):
                lu[i][c] = rnd(lu[i][c] - rnd(m * lu[j][c]))
    x = [list(row) for row in b.tolist()]

    def dot(coef, rows, col):
        s = rnd(coef(rows[0]) * x[rows[0]][col])
        for j in rows[1:]:
            s = rnd(s + rnd(coef(j) * x[j][col]))
        return s

    for col in range(len(x[0]) if x else 0):
        if not adjoint:
            for i in range(n):
                x[i][col], x[piv[i]][col] = x[piv[i]][col], x[i][col]
            for i in range(1, n):
                x[i][col] = rnd(x[i][col] - dot(lambda j: lu[i][j], range(i), col))
            for i in reversed(range(n)):
                if i < n - 1:
                    x[i][col] = rnd(x[i][col] - dot(lambda j: lu[i][j], range(i + 1, n), col))
                x[i][col] = rnd(x[i][col] * rnd(1 / lu[i][i]))
        else:
            for i in range(n):
                if i:
                    x[i][col] = rnd(x[i][col] - dot(lambda j: lu[j][i], range(i), col))
                x[i][col] = rnd(x[i][col] * rnd(1 / lu[i][i]))
            for i in reversed(range(n - 1)):
                x[i][col] = rnd(x[i][col] - dot(lambda j: lu[j][i], range(i + 1, n), col))
            for i in reversed(range(n)):
                x[i][col], x[piv[i]][col] = x[piv[i]][col], x[i][col]
    return np.array(x, a.dtype).reshape(b.shape)


def solve_array(a, b, adjoint=False):
    """``np.linalg.solve(a, b)`` (of ``a^T`` when ``adjoint``; b a matrix batch), with torch's roundings
    where ``applies(a)``."""
    if not applies(a):
        return np.linalg.solve(np.swapaxes(a, -1, -2) if adjoint else a, b)
    if a.ndim == 2 and b.ndim == 2 and b.shape[-1] <= 4:
        with np.errstate(over="ignore", invalid="ignore"):   # float32 roundings of overflowing values
            x = _one_solve(a, b, adjoint)
        if x is None:
            raise np.linalg.LinAlgError("Singular matrix")
        return x
    x, info = small_solve(a, b, adjoint)
    if np.any(info > 0):
        raise np.linalg.LinAlgError("Singular matrix")
    return x
