"""Whole-channel dropout: ``F.dropout1d/2d/3d`` on torch's ``feature_dropout`` (one Bernoulli draw per
(sample, channel), broadcast over the spatial dims), with torch's rank checks and warnings; inputs
without a batch dim get one added and squeezed off again, as torch does."""
import warnings

import numpy as np

from ...ops._common import _wrap
from ..functional import _check_p
from .sparse import dropout_mask


def _feature_dropout(input, p, training, inplace):
    """torch's ``feature_dropout``: one draw per (dim 0, dim 1) pair, whatever the rank."""
    x = input._data
    if not training or p == 0.0 or x.size == 0:
        return input
    if x.ndim < 2:
        raise RuntimeError("Feature dropout requires at least 2 dimensions in the input")
    shape = x.shape[:2] + (1,) * (x.ndim - 2)
    noise = dropout_mask(shape, p, x.dtype) if p < 1 else np.zeros((), x.dtype)
    return input.mul_(_wrap(noise)) if inplace else input * _wrap(noise)


def _unbatched_feature_dropout(input, p, training, inplace):
    """No batch dim: torch adds one, drops, and squeezes it off again (``SqueezeBackward1``)."""
    x = input.unsqueeze_(0) if inplace else input.unsqueeze(0)
    r = _feature_dropout(x, p, training, inplace)
    return r.squeeze_(0) if inplace else r.squeeze(0)


def _feature_dropout_warning(nd, inp_dim):
    warnings.warn(f"dropout{nd}d: Received a {inp_dim}-D input to dropout{nd}d, which is deprecated and will result "
                  f"in an error in a future release. To retain the behavior and silence this warning, please use "
                  f"dropout instead. Note that dropout{nd}d exists to provide channel-wise dropout on inputs with "
                  f"{nd} spatial dimensions, a channel dimension, and an optional batch dimension (i.e. {nd + 1}D or "
                  f"{nd + 2}D inputs).", stacklevel=3)


def dropout1d(input, p=0.5, training=True, inplace=False):
    _check_p(p)
    inp_dim = input.dim()
    if inp_dim not in (2, 3):
        raise RuntimeError(f"dropout1d: Expected 2D or 3D input, but received a {inp_dim}D input. Note that dropout1d "
                           "exists to provide channel-wise dropout on inputs with 1 spatial dimension, a channel "
                           "dimension, and an optional batch dimension (i.e. 2D or 3D inputs).")
    if inp_dim == 3:
        return _feature_dropout(input, p, training, inplace)
    return _unbatched_feature_dropout(input, p, training, inplace)


def dropout2d(input, p=0.5, training=True, inplace=False):
    _check_p(p)
    inp_dim = input.dim()
    if inp_dim not in (3, 4):
        _feature_dropout_warning(2, inp_dim)
    if inp_dim == 3:      # torch keeps the historical (N, C, L) reading of 3-D input, and says so
        warnings.warn("dropout2d: Received a 3D input to dropout2d and assuming that channel-wise 1D dropout behavior "
                      "is desired - input is interpreted as shape (N, C, L), where C is the channel dim. This behavior "
                      "will change in a future release to interpret the input as one without a batch dimension, i.e. "
                      "shape (C, H, W). To maintain the 1D channel-wise dropout behavior, please switch to using "
                      "dropout1d instead.", stacklevel=2)
    return _feature_dropout(input, p, training, inplace)


def dropout3d(input, p=0.5, training=True, inplace=False):
    _check_p(p)
    inp_dim = input.dim()
    if inp_dim not in (4, 5):
        _feature_dropout_warning(3, inp_dim)
    if inp_dim == 5:
        return _feature_dropout(input, p, training, inplace)
    return _unbatched_feature_dropout(input, p, training, inplace)
