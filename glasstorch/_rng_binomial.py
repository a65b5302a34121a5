"""``torch.binomial(count, prob)`` on the CPU, following ``sample_binomial`` in ATen's Distributions.h.

Each element draws 53-bit double uniforms one at a time (count and prob read in the tensor's
dtype, the arithmetic in double), in C order:

* p <= 0 or count <= 0 gives 0, p >= 1 gives count; for p > 1/2 the sampler runs on q = 1 - p and
  the result is count minus it;
* count * p >= 10: Hoermann's BTRS transformed rejection (two uniforms per try);
* otherwise inversion: add Geometric(p) gaps ceil(log u / log1p(-p)) until they pass count.
"""
import math

import numpy as np

from glasstorch._rng_extra import _Uniforms

# log(k!) - [log(sqrt(2 pi)) + (k + 1/2) log(k + 1) - (k + 1)] for k = 0..9, as ATen tabulates it
_TAIL = (0.0810614667953272, 0.0413406959554092, 0.0276779256849983, 0.02079067210376509, 0.0166446911898211,
         0.0138761288230707, 0.0118967099458917, 0.0104112652619720, 0.00925546218271273, 0.00833056343336287)


def _stirling_tail(k):
    if k <= 9:
        return _TAIL[int(k)]
    kp1sq = (k + 1) * (k + 1)
    return (1.0 / 12 - (1.0 / 360 - 1.0 / 1260 / kp1sq) / kp1sq) / (k + 1)


def _inversion(count, prob, uniform):
    logprob = math.log1p(-prob)
    geom_sum, num_geom = 0.0, 0.0
    while True:
        u = uniform()
        geom_sum += math.ceil(math.log(u) / logprob) if u > 0 else math.inf
        if geom_sum > count:
            return num_geom
        num_geom += 1


def _btrs(count, prob, stddev, uniform):
    b = 1.15 + 2.53 * stddev
    a = -0.0873 + 0.0248 * b + 0.01 * prob
    c = count * prob + 0.5
    v_r = 0.92 - 4.2 / b
    r = prob / (1 - prob)
    alpha = (2.83 + 5.1 / b) * stddev
    m = math.floor((count + 1) * prob)
    while True:
        u = uniform() - 0.5
        v = uniform()
        us = 0.5 - abs(u)
        k = math.floor((2 * a / us + b) * u + c)
        if k < 0 or k > count:
            continue
        if us >= 0.07 and v <= v_r:
            return k
        v = math.log(v * alpha / (a / (us * us) + b))
        upper = ((m + 0.5) * math.log((m + 1) / (r * (count - m + 1)))
                 + (count + 1) * math.log((count - m + 1) / (count - k + 1))
                 + (k + 0.5) * math.log(r * (count - k + 1) / (k + 1))
                 + _stirling_tail(m) + _stirling_tail(count - m) - _stirling_tail(k) - _stirling_tail(count - k))
        if v <= upper:
            return k


def _one(count, prob, uniform, dtype):
    if count <= 0.0 or prob <= 0.0:
        return 0.0
    if prob >= 1.0:
        return count
    flip = prob > 0.5
    if flip:
        prob = float(dtype.type(1.0) - dtype.type(prob))       # 1 - p in the tensor's dtype
    # count * p (* (1 - p)) are products of the tensor's dtype, as in the C++ template
    if float(dtype.type(count) * dtype.type(prob)) >= 10.0:
        var = dtype.type(count) * dtype.type(prob) * (dtype.type(1) - dtype.type(prob))
        k = _btrs(count, prob, float(np.sqrt(var)), uniform)
    else:
        k = _inversion(count, prob, uniform)
    return count - k if flip else k


def binomial(gen, count, prob):
    count, prob = np.broadcast_arrays(np.asarray(count), np.asarray(prob))
    dtype = count.dtype
    uniform = _Uniforms(gen)
    try:
        out = [_one(float(n), float(p), uniform, dtype) for n, p in zip(count.reshape(-1).tolist(),
                                                                         prob.reshape(-1).tolist())]
    finally:
        uniform.close()
    return np.array(out, dtype=np.float64).astype(dtype).reshape(count.shape)


def check_arguments(count, prob):
    """torch.binomial's checks on the arrays, in torch's order: both floating, shapes that broadcast,
    one dtype; a broadcast shape other than count's warns, as torch's out tensor (empty_like(count)) is
    resized to it; then a kernel for the dtype (none for Half)."""
    from ._tensor_random import type_name
    from .ops._common import broadcast_error
    for name, a in (("count", count), ("prob", prob)):
        if a.dtype.kind != "f":
            raise ValueError(f"binomial only supports floating-point dtypes for {name}, got: {type_name(a.dtype)}")
    try:
        shape = np.broadcast_shapes(count.shape, prob.shape)
    except ValueError:
        raise broadcast_error(count.shape, prob.shape) from None
    if count.dtype != prob.dtype:       # (TensorIterator: the shapes, then the dtypes, then the resize)
        raise RuntimeError(f"Found dtype {type_name(prob.dtype)} but expected {type_name(count.dtype)}")
    if shape != count.shape and count.size > 0:
        from ._user_warning import warn_at_caller
        from .ops._out import _RESIZED
        warn_at_caller(_RESIZED.format(list(count.shape), list(shape)))
    if count.dtype == np.float16:       # (the kernel's dispatch: after TensorIterator's sizes and resize)
        raise NotImplementedError('"binomial_cpu" not implemented for \'Half\'')
