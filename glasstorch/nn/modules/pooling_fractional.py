"""``FractionalMaxPool2d`` / ``FractionalMaxPool3d`` (torch keeps them in ``torch.nn.modules.pooling``;
see _class_paths.py).  The op is ``nn/_ops/fractional_pool.py``."""
from .. import functional as F
from .module import Module
from .utils import _pair, _triple

__all__ = ["FractionalMaxPool2d", "FractionalMaxPool3d"]


class FractionalMaxPool2d(Module):
    """y = max over kernel_size windows placed by one random sample per (N, C, axis)"""
    __constants__ = ["kernel_size", "return_indices", "output_size", "output_ratio"]

    def __init__(self, kernel_size, output_size=None, output_ratio=None, return_indices=False, _random_samples=None):
        super().__init__()
        self.kernel_size = _pair(kernel_size)
        self.return_indices = return_indices
        self.register_buffer("_random_samples", _random_samples)
        self.output_size = _pair(output_size) if output_size is not None else None
        self.output_ratio = _pair(output_ratio) if output_ratio is not None else None
        _check_sizes("FractionalMaxPool2d", output_size, output_ratio, self.output_ratio, 2)

    def forward(self, input):
        return F.fractional_max_pool2d(input, self.kernel_size, self.output_size, self.output_ratio,
                                       self.return_indices, _random_samples=self._random_samples)


class FractionalMaxPool3d(Module):
    """y = max over kernel_size windows placed by one random sample per (N, C, axis)"""
    __constants__ = ["kernel_size", "return_indices", "output_size", "output_ratio"]

    def __init__(self, kernel_size, output_size=None, output_ratio=None, return_indices=False, _random_samples=None):
        super().__init__()
        if (isinstance(kernel_size, int) and kernel_size <= 0) or (
                isinstance(kernel_size, (tuple, list)) and not all(k > 0 for k in kernel_size)):
            raise ValueError(f"kernel_size must be greater than 0, but got {kernel_size}")
        self.kernel_size = _triple(kernel_size)
        self.return_indices = return_indices
        self.register_buffer("_random_samples", _random_samples)
        self.output_size = _triple(output_size) if output_size is not None else None
        self.output_ratio = _triple(output_ratio) if output_ratio is not None else None
        _check_sizes("FractionalMaxPool3d", output_size, output_ratio, self.output_ratio, 3)

    def forward(self, input):
        return F.fractional_max_pool3d(input, self.kernel_size, self.output_size, self.output_ratio,
                                       self.return_indices, _random_samples=self._random_samples)


def _check_sizes(cls, output_size, output_ratio, ratios, nd):
    if output_size is None and output_ratio is None:
        raise ValueError(f"{cls} requires specifying either an output size, or a pooling ratio")
    if output_size is not None and output_ratio is not None:
        raise ValueError("only one of output_size and output_ratio may be specified")
    if ratios is not None and not all(0 < ratios[i] < 1 for i in range(nd)):
        raise ValueError(f"output_ratio must be between 0 and 1 (got {output_ratio})")
