"""``torch.distributed`` on CPU, in pure Python: processes meet at a store (a TCP server in rank 0, a
file, or a dictionary) and exchange NumPy arrays through it.  It plays gloo's part: the same calls,
the same values (sums in rank order), no speed to speak of.

    dist.init_process_group("gloo", init_method="env://", rank=rank, world_size=world_size)
    dist.all_reduce(t, op=dist.ReduceOp.SUM)
"""
from .store import Store, TCPStore, FileStore, HashStore  # noqa: F401
from .distributed_c10d import (Backend, ReduceOp, ProcessGroup, Work, GroupMember, group,  # noqa: F401
                               init_process_group, destroy_process_group, is_initialized, is_available,
                               get_rank, get_world_size, get_backend, new_group, get_global_rank,
                               get_process_group_ranks, is_gloo_available, is_nccl_available, is_mpi_available,
                               is_torchelastic_launched, default_pg_timeout)
from .collectives import (all_reduce, broadcast, all_gather, all_gather_into_tensor, reduce, gather,  # noqa: F401
                          scatter, reduce_scatter, reduce_scatter_tensor, send, recv, isend, irecv, barrier,
                          all_gather_object, broadcast_object_list, gather_object, scatter_object_list,
                          all_to_all, all_to_all_single)
# torch's package imports these submodules eagerly, so `torch.distributed.device_mesh.DeviceMesh` in an
# annotation works without an explicit import (diffusers relies on it at class-definition time).
from . import constants, device_mesh, algorithms, rpc  # noqa: F401,E402
