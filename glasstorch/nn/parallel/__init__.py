"""``torch.nn.parallel``: ``DistributedDataParallel`` (one model replica per process, gradients
averaged across processes) and ``DataParallel`` (which, without GPUs, just runs the module)."""
from .data_parallel import DataParallel, data_parallel
from .distributed import DistributedDataParallel

__all__ = ["DataParallel", "DistributedDataParallel", "data_parallel"]
