"""The affine part of alpha dropout (``F.alpha_dropout``, ``F.feature_alpha_dropout``), in torch's
order: from the 0/1 Bernoulli draws ``keep``,

    b = (keep - 1) * alpha' a + alpha' a p,    noise = keep * a,    y = x * noise + b

with alpha' = 1.7581 (minus SELU's scale times alpha) and a = 1 / sqrt((alpha'^2 p + 1)(1 - p)).
``keep`` must be exactly 0 or 1: rebuilding it from dropout's scaled mask (noise * (1 - p)) is not exact
in float16.  The scalars are rounded to the input's dtype, as torch's float16 ``add`` rounds its scalar
(its ``mul`` by 0 or -1 cannot tell).  Integer and bool draws cannot hold the float results (torch's
error names bool's ``add(-1)`` result, Long)."""
import numpy as np

SELU_ALPHA_PRIME = 1.7580993408473766


def alpha_noise(keep, p):
    """(noise, b) for the 0/1 array ``keep`` of the input's dtype."""
    dt = keep.dtype
    if dt.kind in "biu":
        from ...ops.inplace import type_name
        name = "Long" if dt.kind == "b" else type_name(dt)
        raise RuntimeError(f"result type Float can't be cast to the desired output type {name}")
    a = 1.0 / np.sqrt((SELU_ALPHA_PRIME ** 2 * p + 1) * (1 - p))
    t = dt.type
    b = (keep - 1) * t(SELU_ALPHA_PRIME * a) + t(SELU_ALPHA_PRIME * a * p)
    return keep * t(a), b
