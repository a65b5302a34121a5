"""torch's top-level ``grid_sampler_2d`` / ``grid_sampler_3d`` (what ``grid_sampler`` dispatches to by rank) and
``_ctc_loss`` (what ``F.ctc_loss`` reduces), re-exported by ``glasstorch/__init__.py``."""
from .nn._ops.ctc_private import _ctc_loss

__all__ = ["grid_sampler_2d", "grid_sampler_3d", "_ctc_loss"]

_INTERP = {0: "bilinear", 1: "nearest", 2: "bicubic"}
_PADDING = {0: "zeros", 1: "border", 2: "reflection"}


def _sampler(rank, input, grid, interpolation_mode, padding_mode, align_corners):
    """grid_sample with torch's enums (mode 0 bilinear, 1 nearest, 2 bicubic; padding 0 zeros, 1 border,
    2 reflection), after torch's checks for that rank: the common ones first (batch, grid's last size,
    empty spatial dims), then "expected {rank}D input and grid", whatever the input's own rank."""
    from .nn import functional as F
    from .nn._ops.grid_sample_3d import check_grid_sampler
    from .nn._ops.number_args import bool_arg, int_arg
    fn = f"grid_sampler_{rank - 2}d"
    mode = int_arg(interpolation_mode, fn, "interpolation_mode", 3)
    padding = int_arg(padding_mode, fn, "padding_mode", 4)
    align_corners = bool_arg(align_corners, fn, "align_corners", 5)
    check_grid_sampler(input._data, grid._data, _INTERP.get(mode), rank)
    return F.grid_sample(input, grid, _INTERP[mode], _PADDING[padding], align_corners)


def grid_sampler_2d(input, grid, interpolation_mode, padding_mode, align_corners):
    return _sampler(4, input, grid, interpolation_mode, padding_mode, align_corners)


def grid_sampler_3d(input, grid, interpolation_mode, padding_mode, align_corners):
    return _sampler(5, input, grid, interpolation_mode, padding_mode, align_corners)
