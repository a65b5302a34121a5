"""The checks torch's upsample kernels make once ``F.interpolate`` has picked one: the sizes check of
``upsample_common_check`` (run in the meta function, so before anything else), the kernel's non-empty
check, then the dtype dispatch (integer and bool inputs have no kernel; uint8 has one for some modes)."""
from ...ops._complex_refuse import not_implemented

_AXES = {1: ("W",), 2: ("H", "W"), 3: ("D", "H", "W")}


def check_upsample(x, mode, out_size, antialias):
    """``x`` the input array (N, C, *spatial), ``out_size`` the output's spatial sizes."""
    nd = x.ndim - 2
    spatial = list(x.shape[2:])
    if min(spatial) <= 0 or min(out_size) <= 0:
        names = _AXES[nd]
        i = ", ".join(f"{n}: {v}" for n, v in zip(names, spatial))
        o = ", ".join(f"{n}: {v}" for n, v in zip(names, out_size))
        sep = " and output" if nd == 1 else " output"
        raise RuntimeError(f"Input and output sizes should be greater than 0, but got input ({i}){sep} ({o})")
    if x.shape[1] == 0:
        raise RuntimeError(f"Non-empty {x.ndim}D data tensor expected but got a tensor with sizes {list(x.shape)}")
    kind = x.dtype.kind
    if kind == "f" and not (antialias and x.dtype.itemsize == 2):
        return
    if kind == "c":
        return          # the caller names the complex kernel
    uint8_ok = x.dtype.name == "uint8" and (antialias or nd == 2 and mode in ("bilinear", "bicubic") or
                                            mode in ("nearest", "nearest-exact"))
    if uint8_ok:
        return
    raise not_implemented(kernel_name(mode, nd, antialias), x.dtype)


def kernel_name(mode, nd, antialias):
    """The torch kernel an input dtype without an instance fails in (named in its error)."""
    if antialias:
        return "compute_index_ranges_weights"
    if nd == 2 and mode in ("nearest", "nearest-exact", "bilinear"):
        return f"upsample_{'bilinear' if mode == 'bilinear' else 'nearest'}2d_channels_last"
    return "compute_indices_weights_" + {"nearest-exact": "nearest", "bicubic": "cubic", "bilinear": "linear",
                                         "trilinear": "linear"}.get(mode, mode)
