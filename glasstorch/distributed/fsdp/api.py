"""``torch.distributed.fsdp.api``: FSDP1's option enums."""
import enum

ShardingStrategy = enum.Enum("ShardingStrategy", [("FULL_SHARD", 1), ("SHARD_GRAD_OP", 2), ("NO_SHARD", 3),
                                                  ("HYBRID_SHARD", 4), ("_HYBRID_SHARD_ZERO2", 5)])
BackwardPrefetch = enum.Enum("BackwardPrefetch", [("BACKWARD_PRE", 1), ("BACKWARD_POST", 2)])
StateDictType = enum.Enum("StateDictType", [("FULL_STATE_DICT", 1), ("LOCAL_STATE_DICT", 2),
                                            ("SHARDED_STATE_DICT", 3)])
for _e in (ShardingStrategy, BackwardPrefetch, StateDictType):
    _e.__module__ = "torch.distributed.fsdp.api"
