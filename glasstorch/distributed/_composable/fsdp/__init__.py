"""``torch.distributed._composable.fsdp``: torch.distributed.fsdp's names under their old path."""
from ...fsdp import fully_shard, FSDPModule, MixedPrecisionPolicy, CPUOffloadPolicy, OffloadPolicy  # noqa: F401
