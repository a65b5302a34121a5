"""``torch.linspace`` in float16: torch's kernel works in c10::Half, every operation rounded to half
(each Half operation is done in float32, then rounded)."""
import numpy as np


def linspace_half(start, end, steps):
    """step = (end - start) / (steps - 1); x_i = start + step * i for i < steps // 2, else
    end - step * (steps - 1 - i): every product, sum and integer rounded to half."""
    h, f = np.float16, np.float32
    for v in (start, end):          # torch's checked conversion of the ends to Half
        v = float(v)
        if v == v and abs(v) != float("inf") and abs(v) > 65504.0:
            raise RuntimeError("value cannot be converted to type c10::Half without overflow")
    with np.errstate(over="ignore", invalid="ignore"):
        s, e = h(start), h(end)
        step = h(h(f(e) - f(s)) / f(h(steps - 1)))
        i = np.arange(steps)
        up = (f(s) + h(f(step) * h(i).astype(f)).astype(f)).astype(h)
        down = (f(e) - h(f(step) * h(steps - 1 - i).astype(f)).astype(f)).astype(h)
    return np.where(i < steps // 2, up, down)
