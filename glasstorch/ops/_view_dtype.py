"""``x.view(dtype)`` between dtypes of different element sizes, with torch's checks and messages: the
last dimension (stride 1) is cut into, or merged from, elements of the new size."""
from .._dtype import _SCALAR_TYPES


def view_other_size(input, dt):
    """The NumPy view of ``input``'s bytes as ``dt`` (another itemsize), or torch's RuntimeError."""
    from .storage import storage_offset, stride
    x = input._data
    old, new = x.itemsize, dt.itemsize
    what = f"to view {_SCALAR_TYPES[x.dtype.name]} as {_SCALAR_TYPES[dt.name]} (different element sizes)"
    if x.ndim == 0:
        raise RuntimeError(f"self.dim() cannot be 0 {what}")
    st = stride(input)
    if st[-1] != 1:
        raise RuntimeError(f"self.stride(-1) must be 1 {what}, but got {st[-1]}")
    if new > old:
        ratio = new // old
        if x.shape[-1] % ratio:
            raise RuntimeError(f"self.size(-1) must be divisible by {ratio} {what}, but got {x.shape[-1]}")
        off = storage_offset(input)
        if off % ratio:
            raise RuntimeError(f"self.storage_offset() must be divisible by {ratio} {what}, but got {off}")
        for i, s in enumerate(st[:-1]):
            if s % ratio:
                raise RuntimeError(f"self.stride({i}) must be divisible by {ratio} {what}, but got {s}")
    return x.view(dt.np)
