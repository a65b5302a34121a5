"""torch's refusals of float16 (Half) matrices in its CPU linear algebra: LAPACK has no half kernels,
so an op either stops at its dtype check or at the dispatch of the first LAPACK-backed kernel."""
import numpy as np


def no_half_kernel(a, kernel):
    """The dispatch error of a LAPACK-backed kernel (``lu_cpu``, ``geqrf_cpu``, ...) given a Half array."""
    if a.dtype == np.float16:
        raise NotImplementedError(f"\"{kernel}\" not implemented for 'Half'")


def no_low_precision(a, name):
    """torch's checkFloatingOrComplex with low-precision dtypes refused, given a Half array."""
    if a.dtype == np.float16:
        raise RuntimeError(f"{name}: Low precision dtypes not supported. Got Half")
