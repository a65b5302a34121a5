"""mm's and addmm's gradients under create_graph, as torch records them (FunctionsManual.cpp's
mm_mat1_backward / mm_mat2_backward): the factor layouts pick the product's form, so the graph of a
gradient (``TBackward0`` over ``MmBackward0`` for a column-major factor such as ``W.t()``) is torch's."""


def _col_major(a):
    """torch's test in mm_mat1_backward / mm_mat2_backward: strides (1, rows)."""
    return a.strides[0] == a.itemsize and a.strides[1] == a.shape[0] * a.itemsize


def _mm_grads_graph(g, A, B, cols, alpha):
    """Under create_graph, torch's mm_mat1_backward / mm_mat2_backward as recorded ops: a column-major
    factor gets its gradient as the transpose of a product (``B.mm(g.t()).t()``), else ``g.mm(B.t())``;
    alpha multiplies through the .Scalar overload (MulBackward1)."""
    from .scalar_arith import mul_scalar
    dA = dB = None
    if B is not None:
        dA = B.mm(g.t()).t() if cols[0] else g.mm(B.t())
        dA = dA if alpha == 1 else mul_scalar(dA, alpha)
    if A is not None:
        dB = g.t().mm(A).t() if cols[1] else A.t().mm(g)
        dB = dB if alpha == 1 else mul_scalar(dB, alpha)
    return dA, dB
