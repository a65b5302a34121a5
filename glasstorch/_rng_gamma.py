"""torch's CPU gamma and Dirichlet samplers (``torch._standard_gamma``, ``torch._sample_dirichlet``),
draw for draw.

One sample per element, in C order, each by Marsaglia & Tsang's rejection method (boosted by
u^(1/alpha) for alpha < 1) on the generator's double uniforms (53 bits) and its double normals
(Box-Muller with the cached second value, shared with ``normal_``'s element-wise path).  The
constants are float literals in torch's C++, so for a float32 alpha, d = alpha - 1/3 is formed in
float32; for a double alpha it uses the float 1/3 (0.3333333432674408)."""
import math

import numpy as np

from glasstorch._rng_extra import _Uniforms

_THIRD_F = float(np.float32(1.0) / np.float32(3.0))
_C331 = float(np.float32(0.0331))


def _normal(gen, uniform):
    """at::normal_distribution<double>(0, 1): the cached value if there is one, else a new pair."""
    cached = gen._next_double_normal
    if cached is not None:
        gen._next_double_normal = None
        return cached
    u1 = uniform()
    u2 = uniform()
    r = math.sqrt(-2.0 * math.log1p(-u2))
    theta = 2.0 * math.pi * u1
    gen._next_double_normal = r * math.sin(theta)
    return r * math.cos(theta)


def _gamma_one(alpha, single, gen, uniform):
    """One Gamma(alpha, 1) draw; ``single``: alpha is float32, so its own arithmetic rounds to float32."""
    f32 = np.float32
    scale = 1.0
    if alpha < 1.0:
        if alpha == 0.0:
            return 0.0
        inv = float(f32(1.0) / f32(alpha)) if single else 1.0 / alpha
        scale *= math.pow(1.0 - uniform(), inv)
        alpha = float(f32(alpha) + f32(1.0)) if single else alpha + 1.0
    d = float(f32(alpha) - f32(_THIRD_F)) if single else alpha - _THIRD_F
    c = 1.0 / math.sqrt(9.0 * d)
    while True:
        while True:
            x = _normal(gen, uniform)
            y = 1.0 + c * x
            if y > 0:
                break
        v = y * y * y
        u = 1.0 - uniform()
        xx = x * x
        if u < 1.0 - _C331 * xx * xx:
            return scale * d * v
        if math.log(u) < 0.5 * xx + d * (1.0 - v + math.log(v)):
            return scale * d * v


def _need_float32_64(alpha, kernel):
    # torch dispatches these samplers on float and double only (no Half, no integers, no complex)
    if alpha.dtype not in (np.float32, np.float64):
        from ._tensor_random import type_name
        raise NotImplementedError(f'"{kernel}" not implemented for \'{type_name(alpha.dtype)}\'')


def standard_gamma(gen, alpha):
    """Gamma(alpha, 1) for each element of the array ``alpha`` (its dtype), at least the smallest
    normal number of that dtype."""
    alpha = np.asarray(alpha)
    _need_float32_64(alpha, "gamma_cpu")
    single = alpha.dtype != np.float64
    uniform = _Uniforms(gen)
    try:
        out = [_gamma_one(a, single, gen, uniform) for a in alpha.reshape(-1).astype(np.float64).tolist()]
    finally:
        uniform.close()
    res = np.array(out, np.float64).astype(alpha.dtype).reshape(alpha.shape)
    return np.maximum(res, np.finfo(alpha.dtype).tiny)


def sample_dirichlet(gen, alpha):
    """Gammas in double (from the alphas in double), each at least DBL_MIN, normalised along the last
    dim, then cast and kept within [FLT_MIN, 1 - ulp) of the dtype."""
    alpha = np.asarray(alpha)
    _need_float32_64(alpha, "dirichlet")
    uniform = _Uniforms(gen)
    try:
        g = [_gamma_one(a, False, gen, uniform) for a in alpha.reshape(-1).astype(np.float64).tolist()]
    finally:
        uniform.close()
    g = np.maximum(np.array(g, np.float64).reshape(alpha.shape), np.finfo(np.float64).tiny)
    total = g.sum(-1, keepdims=True) if g.ndim else g
    if g.ndim and g.shape[-1] > 1:
        # torch sums each row in order (a serial kernel), not pairwise
        total = np.zeros(g.shape[:-1] + (1,), np.float64)
        for k in range(g.shape[-1]):
            total[..., 0] += g[..., k]
    r = (g / total).astype(alpha.dtype)
    hi = np.nextafter(alpha.dtype.type(1), alpha.dtype.type(0))
    return np.minimum(hi, np.maximum(np.finfo(alpha.dtype).tiny, r))
