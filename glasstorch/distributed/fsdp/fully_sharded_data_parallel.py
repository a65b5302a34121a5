"""``torch.distributed.fsdp.fully_sharded_data_parallel``: FSDP1."""
from ...nn.modules.module import Module


class FullyShardedDataParallel(Module):
    """FSDP1's wrapper: it needs an accelerator, which a CPU build lacks (``isinstance(m, FSDP)`` is
    False for every module)."""

    def __init__(self, module, *args, **kwargs):
        raise RuntimeError("FSDP needs a non-CPU accelerator device, but no accelerator device is detected.")
