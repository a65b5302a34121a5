"""``torch.distributed.fsdp.api``: FSDP1's option enums and plain option records."""
import dataclasses
import enum

from ...nn.modules.batchnorm import _BatchNorm

ShardingStrategy = enum.Enum("ShardingStrategy", [("FULL_SHARD", 1), ("SHARD_GRAD_OP", 2), ("NO_SHARD", 3),
                                                  ("HYBRID_SHARD", 4), ("_HYBRID_SHARD_ZERO2", 5)])
BackwardPrefetch = enum.Enum("BackwardPrefetch", [("BACKWARD_PRE", 1), ("BACKWARD_POST", 2)])
StateDictType = enum.Enum("StateDictType", [("FULL_STATE_DICT", 1), ("LOCAL_STATE_DICT", 2),
                                            ("SHARDED_STATE_DICT", 3)])
for _e in (ShardingStrategy, BackwardPrefetch, StateDictType):
    _e.__module__ = "torch.distributed.fsdp.api"


@dataclasses.dataclass
class MixedPrecision:
    """FSDP1's mixed-precision settings: a plain record (diffusers' training_utils imports it)."""
    param_dtype: object = None
    reduce_dtype: object = None
    buffer_dtype: object = None
    keep_low_precision_grads: bool = False
    cast_forward_inputs: bool = False
    cast_root_forward_inputs: bool = True
    _module_classes_to_ignore: tuple = (_BatchNorm,)


@dataclasses.dataclass
class CPUOffload:
    """FSDP1's CPU-offload setting: whether parameters (and so gradients) live on the CPU between uses."""
    offload_params: bool = False


for _c in (MixedPrecision, CPUOffload):
    _c.__module__ = "torch.distributed.fsdp.api"
