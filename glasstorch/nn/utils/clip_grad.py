"""Gradient clipping.

``clip_grad_norm_``: total = ||(||g_1||, ..., ||g_k||)||_p; every gradient is multiplied by
min(max_norm / (total + 1e-6), 1) (torch multiplies even when the factor is 1).
"""
import numpy as np

from ..._tensor import Tensor, _wrap


def _grads(parameters):
    if isinstance(parameters, Tensor):
        parameters = [parameters]
    return [p._grad for p in parameters if p._grad is not None]


def _by_dtype(tensors):
    """The tensors grouped by dtype as torch's ``_group_tensors_by_device_and_dtype`` hands them out:
    the groups in the reverse order of their first tensor (its hash map's order), each in list order.
    The order of the stacked norms decides how the total's sum rounds."""
    groups = {}
    for t in tensors:
        groups.setdefault(t._data.dtype, []).append(t)
    return [t for key in reversed(list(groups)) for t in groups[key]]


def get_total_norm(tensors, norm_type=2.0, error_if_nonfinite=False, foreach=None):
    if isinstance(tensors, Tensor):
        tensors = [tensors]
    tensors = list(tensors)
    norm_type = float(norm_type)
    if any(g.is_sparse for g in tensors):          # torch has no vector_norm for sparse tensors
        from ...sparse._coo import not_on_sparse
        raise not_on_sparse("aten::linalg_vector_norm")
    if not tensors:
        return _wrap(np.array(0.0, np.float32))
    # torch stacks the per-tensor norms, so a float32 and a float64 gradient give a float64 total
    dt = np.result_type(*[g._data.real.dtype for g in tensors])
    # torch's own vector_norm per gradient and over their stack: its summation order, where
    # glasstorch's vector_norm reproduces it (p=2 and the max/count norms).  A whole-tensor norm
    # walks the gradient in memory order (a transposed one too), as one contiguous run
    from ...linalg import vector_norm
    from ...autograd.grad_mode import no_grad
    with no_grad():
        norms = np.array([vector_norm(_wrap(np.ravel(g._data, order="K")), norm_type)._data
                          for g in _by_dtype(tensors)], dt)
        total = vector_norm(_wrap(norms), norm_type)._data
    if error_if_nonfinite and not np.isfinite(total):
        raise RuntimeError(f"The total norm of order {norm_type} for gradients from `parameters` is non-finite, so it "
                           "cannot be clipped. To disable this error and scale the gradients by the non-finite norm "
                           "anyway, set `error_if_nonfinite=False`")
    return _wrap(np.asarray(total, dt))


def clip_grads_with_norm_(parameters, max_norm, total_norm, foreach=None):
    grads = _grads(parameters)
    if not grads:
        return
    t = total_norm._data
    coef = np.minimum(t.dtype.type(max_norm) / (t + t.dtype.type(1e-6)), t.dtype.type(1.0))
    for g in grads:
        g._data *= coef.astype(g._data.dtype)
        g._vc[0] += 1


def clip_grad_norm_(parameters, max_norm, norm_type=2.0, error_if_nonfinite=False, foreach=None):
    if isinstance(parameters, Tensor):
        parameters = [parameters]
    parameters = list(parameters)
    grads = _grads(parameters)
    total = get_total_norm(grads, norm_type, error_if_nonfinite)
    clip_grads_with_norm_(parameters, max_norm, total)
    return total


def clip_grad_norm(parameters, max_norm, norm_type=2.0, error_if_nonfinite=False, foreach=None):
    import warnings
    warnings.warn("`torch.nn.utils.clip_grad_norm` is now deprecated in favor of `torch.nn.utils.clip_grad_norm_`.",
                  FutureWarning, stacklevel=2)
    return clip_grad_norm_(parameters, max_norm, norm_type, error_if_nonfinite, foreach)


def clip_grad_value_(parameters, clip_value, foreach=None):
    clip_value = float(clip_value)
    grads = _grads(parameters)
    if not grads:  # torch groups the (empty) gradient list by device first, and that check fails
        raise RuntimeError("Expected !nested_tensorlist[0].empty() to be true, but got false.  (Could this error "
                           "message be improved?  If so, please report an enhancement request to PyTorch.)")
    if any(g.is_sparse for g in grads):
        _clip_value_to_sparse(grads, clip_value, foreach)
    # dtype group by dtype, in torch's order: the groups before a complex one are clipped when its
    # clamp raises
    for g in _by_dtype(grads):
        if g._data.dtype.kind == "c":
            raise NotImplementedError("clamp is not supported for complex types")
        np.clip(g._data, -clip_value, clip_value, out=g._data)
        g._vc[0] += 1


def _clip_value_to_sparse(grads, clip_value, foreach):
    """torch has no clamp for sparse tensors.  It clips the gradients one dtype group at a time: a
    group is clamped from below then from above (``foreach``), or gradient by gradient
    (``foreach=False``), so the group's gradients before the sparse one are clipped, fully or from
    below only, when the error comes.  torch takes the groups in a hash map's order; glasstorch
    takes the sparse gradient's group first (torch's order for a float32 one among float16/64)."""
    from ...sparse._coo import not_on_sparse
    dtype = next(g.dtype for g in grads if g.is_sparse)
    for g in grads:
        if g.dtype != dtype:
            continue
        if g.is_sparse:
            raise not_on_sparse("aten::clamp_" if foreach is False else "aten::clamp_min_")
        if foreach is False:
            np.clip(g._data, -clip_value, clip_value, out=g._data)
        else:
            np.maximum(g._data, g._data.dtype.type(-clip_value), out=g._data)
        g._vc[0] += 1
