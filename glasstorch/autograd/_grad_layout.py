"""The first gradient stored in ``.grad`` under ``create_graph``.  AccumulateGrad's, as torch's
``clone_obey_contract`` makes it: for a leaf that is non-overlapping and dense, a new tensor with the leaf's
strides into which the gradient is copied (``CopyBackwards``, the "gradient layout contract"); for any
other leaf, a contiguous clone (``CloneBackward0``).  A retained non-leaf's: always the contiguous clone."""
import numpy as np


def copy_obeying_contract(g, var):
    """The recorded copy of gradient tensor ``g`` that becomes ``var.grad``."""
    from .._tensor import _wrap
    from ..ops._layout import _alloc, elem_strides, non_overlapping_dense
    from ..ops.fill import copy_
    d = var._data
    if d.ndim < 2 or d.flags.c_contiguous:
        return copy_(_wrap(np.empty(d.shape, g._data.dtype)), g)
    if non_overlapping_dense(d):
        return copy_(_wrap(_alloc(d.shape, g._data.dtype, elem_strides(d))), g)
    return g.contiguous().clone()


def retained_clone(g):
    """What torch's retain_grad hook stores first: ``grad.clone(memory_format=torch.contiguous_format)``."""
    from .. import contiguous_format
    return g.clone(memory_format=contiguous_format)
