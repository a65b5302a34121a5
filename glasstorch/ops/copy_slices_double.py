"""The gradients of ``CopySlices`` and of a rebased view's ``AsStridedBackward0`` under ``create_graph``.

torch's CopySlices backward, with g the gradient of the base after the in-place write into its view::

    result = empty_strided(base.shape, base.strides); result.copy_(g)      # CopyBackwards
    grad_slice = result.as_strided(view.shape, view.strides, view.offset)   # AsStridedBackward0
    res = fn(grad_slice.clone())                                            # CloneBackward0, fn's graph
    grad_slice.copy_(res[0])      # the view's region takes the in-place op's input gradient (CopySlices)
    return result, *res[1:]

Built here from glasstorch's differentiable ops, so the gradient it returns is itself differentiable
(a circular F.pad, made of slice writes, then has a second derivative)."""
import numpy as np

_REFUSED = "double backward through an in-place change of a view is not supported by glasstorch"


def _geometry(base_arr, region):
    """(base strides, view shape, view strides, view offset) in elements, or None where the view is not
    an element-aligned, non-negatively strided window of a base of its own dtype (``z.real`` of a complex
    base, a reversed base)."""
    off, shape, strides, dtype = region
    isz = base_arr.itemsize
    if dtype != base_arr.dtype or off % isz or any(s < 0 or s % isz for s in base_arr.strides + strides):
        return None
    return [s // isz for s in base_arr.strides], shape, [s // isz for s in strides], off // isz


def _blank(m, base_arr, geom, dtype):
    return m.empty_strided(base_arr.shape, geom[0], dtype=dtype)


def copy_slices_graph(node, g):
    """CopySlices backward on a gradient tensor ``g`` (shaped as the base)."""
    from .inplace import _fit_to
    geom = _geometry(node.base_arr, node.region)
    if geom is None:
        raise RuntimeError(_REFUSED)
    m = node.m
    result = _blank(m, node.base_arr, geom, g.dtype)
    result.copy_(g)
    grad_slice = result.as_strided(*geom[1:])
    res = node.fn.backward(grad_slice.clone(memory_format=m.contiguous_format))
    first = res[0]
    if first is None:
        grad_slice.zero_()
    else:
        grad_slice.copy_(_fit_to(first, tuple(geom[1])))
    return (result,) + tuple(res[1:])


def as_strided_view_graph(node, g):
    """A rebased view's AsStridedBackward0 on a gradient tensor ``g``: zeros shaped as the base with g
    in the view's region."""
    geom = _geometry(node.base_arr, node.region)
    if geom is None:
        raise RuntimeError(_REFUSED)
    m = node.m
    result = _blank(m, node.base_arr, geom, g.dtype).zero_()
    result.as_strided(*geom[1:]).copy_(g)
    return (result,)


def put_backward_graph(node, g):
    """``x[index] = v``'s node (index.py's CopySlices / IndexPutBackward0) on a gradient tensor ``g``.

    A basic index is torch's copy_ into a view: CopySlices over CopyBackwards (dx = g with the region
    overwritten by copy_'s zero gradient for its destination, dv = a clone of g's region).  An advanced
    index is torch's index_put_: dx = g.index_put(indices, 0) (IndexPutBackward0), dv = g[indices]
    (IndexBackward0)."""
    m = node.m
    sel = node.sel
    if type(node).__name__ == "IndexPutBackward0":
        idx = tuple(m.from_numpy(np.ascontiguousarray(i)) for i in np.unravel_index(sel, g.shape))
        gx = g.index_put(idx, m.zeros((), dtype=g.dtype))
        gv = g[idx]
    else:
        if sel.size and any(s < 0 for s in sel.strides):
            raise RuntimeError(_REFUSED)
        offset = int(sel.reshape(-1)[0]) if sel.size else 0
        gx = m.empty(g.shape, dtype=g.dtype)
        gx.copy_(g)
        region = gx.as_strided(sel.shape, [s // sel.itemsize for s in sel.strides], offset)
        gv = region.clone(memory_format=m.contiguous_format)
        region.copy_(m.zeros_like(gv))
    if node.vshape is not None and len(node.vshape) > gv.ndim:
        gv = gv.reshape(node.vshape)
    return gx, gv
