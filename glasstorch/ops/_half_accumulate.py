"""``ufunc.at`` accumulation as torch's CPU scatter / index_add kernels do it for float16.

torch's ``scatter_add``, ``scatter_reduce`` (sum, mean, prod) and ``index_add`` (alpha 1) add float16
values into a float32 copy and round to float16 once at the end (measured on torch 2.13); NumPy's
``np.add.at`` on a float16 array rounds after every single add, so positions hit by several values drift
by an ulp or more.  ``index_reduce`` is not one of them: it rounds after every step, as NumPy does.

    accumulate_at(np.add, out, where, vals)     # returns the result (float16 in, float16 out)
"""
import numpy as np


def accumulate_at(ufunc, out, where, vals):
    """``ufunc.at(out, where, vals)``; a float16 ``out`` is accumulated in float32 and rounded once.
    Returns the array holding the result (``out`` itself unless it is float16)."""
    if out.dtype != np.float16:
        ufunc.at(out, where, vals)
        return out
    acc = out.astype(np.float32)
    ufunc.at(acc, where, np.asarray(vals).astype(np.float32))
    return acc.astype(np.float16)
