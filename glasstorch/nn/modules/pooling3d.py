"""``nn.AdaptiveMaxPool3d`` and ``nn.MaxUnpool3d`` (their ops: nn/_ops/pool3d_more.py)."""
from .. import functional as F
from .pooling import _AdaptiveMaxPoolNd, _MaxUnpoolNd

__all__ = ["AdaptiveMaxPool3d", "MaxUnpool3d"]


class AdaptiveMaxPool3d(_AdaptiveMaxPoolNd):
    """y = max over each of output_size adaptive (D, H, W) bins

    Shape: (N, C, D, H, W) or (C, D, H, W) -> (..., *output_size)"""

    def forward(self, input):
        return F.adaptive_max_pool3d(input, self.output_size, self.return_indices)


class MaxUnpool3d(_MaxUnpoolNd):
    """The partial inverse of MaxPool3d: each value goes back to its index, zeros elsewhere."""

    def __init__(self, kernel_size, stride=None, padding=0):
        super().__init__()
        triple = (lambda v: tuple(v) if isinstance(v, (tuple, list)) else (v, v, v))
        self.kernel_size = triple(kernel_size)
        self.stride = triple(stride if stride is not None else kernel_size)
        self.padding = triple(padding)

    def forward(self, input, indices, output_size=None):
        return F.max_unpool3d(input, indices, self.kernel_size, self.stride, self.padding, output_size)
