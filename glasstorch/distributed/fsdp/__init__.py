"""``torch.distributed.fsdp``: FSDP2's policies (plain records) and ``fully_shard``, which builds on
DTensor and is not implemented yet; without a process group it fails as torch's (its default mesh
starts one from ``env://``)."""
from ..._sympy_import import sympy_imported as _sympy_imported  # torch imports sympy here: see there
_sympy_imported()
del _sympy_imported
from dataclasses import dataclass

from .api import ShardingStrategy, BackwardPrefetch, StateDictType, MixedPrecision, CPUOffload  # noqa: F401
from .fully_sharded_data_parallel import FullyShardedDataParallel  # noqa: F401
from . import api, wrap  # noqa: F401,E402  (torch's package has both as attributes once imported)

__all__ = ["fully_shard", "FSDPModule", "MixedPrecisionPolicy", "CPUOffloadPolicy", "OffloadPolicy",
           "FullyShardedDataParallel", "ShardingStrategy", "BackwardPrefetch", "StateDictType", "MixedPrecision",
           "CPUOffload"]


@dataclass(frozen=True)
class MixedPrecisionPolicy:
    param_dtype: object = None
    reduce_dtype: object = None
    output_dtype: object = None
    cast_forward_inputs: bool = True


@dataclass
class OffloadPolicy:
    pass


@dataclass
class CPUOffloadPolicy(OffloadPolicy):
    pin_memory: bool = True


class FSDPModule:
    """The class ``fully_shard`` mixes into a module's class (no plain module is one)."""


def fully_shard(module, *, mesh=None, reshard_after_forward=None, shard_placement_fn=None, mp_policy=None,
                offload_policy=None, ignored_params=None):
    if mesh is None:
        from ..device_mesh import init_device_mesh
        mesh = init_device_mesh("cpu", (1,))
    raise NotImplementedError("fully_shard (torch.distributed.fsdp) is not implemented in glasstorch yet")
