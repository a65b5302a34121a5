"""Which NumPy arrays can become tensors (``torch.tensor``, ``as_tensor``, ``from_numpy``), with torch's
errors for the others: strings, objects, dates, ``longdouble`` ... and non-native byte order."""
import numpy as np

# the NumPy scalar types a tensor can hold
_NUMPY_TYPES = frozenset((np.float64, np.float32, np.float16, np.complex64, np.complex128, np.int64, np.int32,
                          np.int16, np.int8, np.uint64, np.uint32, np.uint16, np.uint8, np.bool_))
# torch's uint16/32/64 (which few torch ops support) are not glasstorch dtypes (docs/differences.md)
_UNSIGNED_WIDE = frozenset((np.uint16, np.uint32, np.uint64))


def check_numpy_dtype(a, wide_ok=False):
    """Raise torch's error unless ``a`` holds one of the types above in the machine's byte order; the
    type is named as NumPy names its scalar type (``numpy.str_``, ``numpy.object_``).

    ``wide_ok``: the caller converts ``a`` to a glasstorch dtype it was given (``tensor(a, dtype=...)``),
    so a uint16/32/64 array never has to be held as one: torch casts it as C does, and so does NumPy."""
    if a.dtype.type not in _NUMPY_TYPES:
        raise TypeError(f"can't convert np.ndarray of type numpy.{a.dtype.type.__name__}. The only supported types "
                        "are: float64, float32, float16, complex64, complex128, int64, int32, int16, int8, uint64, "
                        "uint32, uint16, uint8, and bool.")
    if a.dtype.type in _UNSIGNED_WIDE and not wide_ok:
        raise TypeError(f"glasstorch does not support dtype torch.{a.dtype.name} yet")
    if any(s < 0 for s in a.strides):
        raise ValueError("At least one stride in the given numpy array is negative, and tensors with negative "
                         "strides are not currently supported. (You can probably work around this by making a copy "
                         "of your array  with array.copy().) ")
    if not a.dtype.isnative:
        raise ValueError("given numpy array has byte order different from the native byte order. Conversion "
                         "between byte orders is currently not supported.")
