"""torch's checks in ``F.embedding`` after ``padding_idx``: the ``max_norm`` renorm's (index dtype, each
sorted unique row selected and its norm taken), then ``index_select``'s."""


def index_type_name(dt):
    """How torch's checkScalarTypes names a tensor's type: the legacy ``torch.ShortTensor`` names, but
    ``CPUBoolType`` for bool (its toString)."""
    from ...ops.inplace import type_name
    return "CPUBoolType" if dt.kind == "b" else f"torch.{type_name(dt)}Tensor"


def check_index_dtype(dt, arg, fn):
    """Indices must be Long or Int (int16, uint8, bool ... are refused, not converted)."""
    if dt.name not in ("int64", "int32"):
        raise RuntimeError(f"Expected tensor for argument #{arg} 'indices' to have one of the following scalar types: "
                           f"Long, Int; but got {index_type_name(dt)} instead (while checking arguments for {fn})")


def check_renorm(idx, w):
    """``embedding_renorm_``: rows taken with ``select`` (negative ids wrap), ``norm`` needs floats."""
    check_index_dtype(idx.dtype, 2, "embedding_renorm_")
    import numpy as np
    n = w.shape[0]
    for i in np.unique(idx):
        if not -n <= i < n:
            raise IndexError(f"select(): index {i} out of range for tensor of size {list(w.shape)} at dimension 0")
        if w.dtype.kind not in "fc":
            from ...ops.inplace import type_name
            raise RuntimeError("norm(): input dtype should be either floating point or complex. Got "
                               f"{type_name(w.dtype)} instead.")


def check_lookup(idx, w):
    """``index_select`` of the weight's rows."""
    if not idx.size:
        return
    n = w.shape[0]
    if n == 0:
        raise RuntimeError("index_select(): self indexing axis dim should be positive")
    bad = (idx < 0) | (idx >= n)
    if bad.any():
        if w.shape[1] == 0:          # an empty row: torch's contiguous-copy path reports the id
            raise RuntimeError(f"INDICES element is out of DATA bounds, id={idx.reshape(-1)[bad.reshape(-1)][0]} "
                               f"axis_dim={n}")
        raise IndexError("index out of range in self")
