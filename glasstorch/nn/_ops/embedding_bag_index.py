"""The error ``F.embedding_bag`` raises for an index outside ``[0, num_embeddings)``.

torch's CPU kernel takes one of two paths, and each words the error its own way:

* the FBGEMM fast path -- sum or mean of a float32 / float16 / bfloat16 weight whose rows are
  contiguous (``weight.stride(1) == 1``, and ``per_sample_weights.stride(0) == 1``), no
  ``padding_idx`` -- runs the bags in ``at::parallel_for(0, n_bags, 1)`` chunks. A chunk whose
  FBGEMM call fails re-walks its bags in ``fbgemm_spmdm_report_error_``, which mixes the chunk's
  absolute offsets with its relative index count: the chunk that starts at bag 0 reports
  ``Index i of input takes value v which is not in the valid range [0, N)``, a later one usually
  trips ``TORCH_CHECK(i < index_size)`` first. Indices past the last offset (``include_last_offset``)
  are in no chunk and are never read.
* every other case (max mode, float64, a padding_idx, strided rows) checks each index in order:
  ``embedding_bag: Expected idx >= 0 && idx < num_embeddings but found idx to be v``.

Both are RuntimeErrors. Where several chunks fail, the first thread to raise wins in torch (a race,
so torch itself answers differently from run to run); this module raises the last failing chunk's
error, the answer torch gave most often in random trials (600 bags lists, 1 to 4 threads)."""
import numpy as np

_I_CHECK = ("Expected i < index_size to be true, but got false.  (Could this error message be improved?  "
            "If so, please report an enhancement request to PyTorch.)")


def check_weight_dtype(dt):
    """``checkScalarTypes`` of the weight in ``_embedding_bag``'s argument checks (after the index types,
    before the offsets' values): integer, bool and complex weights are refused."""
    if dt.name not in ("float16", "float32", "float64"):
        from .embedding_checks import index_type_name
        name = "CPUComplexFloatType" if dt.name == "complex64" else "CPUComplexDoubleType" if dt.name == "complex128" \
            else index_type_name(dt)
        raise RuntimeError("Expected tensor for argument #1 'weight' to have one of the following scalar types: Half, "
                           f"BFloat16, Float, Double; but got {name} instead (while checking arguments for "
                           "embedding_bag)")


def _parallel_chunks(n):
    """The [begin, end) ranges of ``at::parallel_for(0, n, 1)`` with torch's thread count."""
    from ..._runtime import get_num_threads
    t = get_num_threads()
    if n <= 1 or t <= 1:
        return [(0, n)]
    nt = min(t, n)
    cs = -(-n // nt)
    return [(b, min(n, b + cs)) for b in range(0, n, cs)]


def _report(idx, offs, s, e, num):
    """``fbgemm_spmdm_report_error_`` over bags [s, e): its absolute offsets against the chunk's
    relative index count and index pointer."""
    start, index_size = int(offs[s]), int(offs[e] - offs[s])
    for m in range(s, e):
        for i in range(int(offs[m]), int(offs[m + 1])):
            if not i < index_size:
                return _I_CHECK
            v = int(idx[start + i])
            if not 0 <= v < num:
                return f"Index {i} of input takes value {v} which is not in the valid range [0, {num})"
    if int(offs[e]) != index_size:
        return ("Your input appears to be incorrect: the last offset value should be the size of the indices "
                "tensor, but it seems not to be the case.")
    return None


def fast_path(weight, per_sample_weights, padding_idx, mode):
    """Whether torch's sum / mean kernel takes its FBGEMM path (``is_fast_path_index_select[_scale]``)."""
    if mode == "max" or padding_idx is not None or weight.dtype.name not in ("float32", "float16", "bfloat16"):
        return False
    if weight.stride(1) != 1:        # (even for a single column: torch reads the stride as it is)
        return False
    psw = per_sample_weights
    return psw is None or psw.dim() != 1 or psw.shape[0] <= 1 or psw.stride(0) == 1


def check_bag_indices(idx, offs, include_last_offset, num, fast):
    """Raise torch's RuntimeError if an index of a bag is out of range. ``idx``: the flat indices;
    ``offs``: the bag starts (already checked: first 0, none past the end, not decreasing)."""
    if not idx.size:
        return
    bad = (idx < 0) | (idx >= num)
    if not fast:
        if bad.any():
            raise RuntimeError("embedding_bag: Expected idx >= 0 && idx < num_embeddings but found idx to be "
                               f"{int(idx[bad][0])}")
        return
    offs = np.asarray(offs, np.int64)
    if not include_last_offset:
        offs = np.append(offs, idx.size)
    n_bags = offs.size - 1
    if n_bags < 1:
        return
    msg = None
    for s, e in _parallel_chunks(n_bags):
        if bad[offs[s]:offs[e]].any():
            msg = _report(idx, offs, s, e, num) or msg
    if msg is not None:
        raise RuntimeError(msg)


__all__ = ["check_bag_indices", "check_weight_dtype", "fast_path"]
