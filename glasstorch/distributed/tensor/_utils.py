"""``torch.distributed.tensor._utils``: where this rank's shard of a DTensor lies."""
from .placement_types import Shard, _StridedShard


def compute_local_shape_and_global_offset(global_shape, mesh, placements):
    """This rank's local shape and the global index of its first element.  A rank outside the mesh
    holds nothing: ``((0,), ())``.  Each Shard cuts the size left by the mesh dimensions before it
    (torch.chunk's sizes), and its offset adds to theirs."""
    coordinate = mesh.get_coordinate()
    if coordinate is None:
        return (0,), ()
    shape = list(global_shape)
    offset = [0] * len(shape)
    for mesh_dim, p in enumerate(placements):
        if isinstance(p, _StridedShard):
            raise NotImplementedError("_StridedShard shards (torch.distributed.tensor) are not implemented in "
                                      "glasstorch yet")
        if isinstance(p, Shard):
            d = p.dim
            if d >= len(shape):
                raise AssertionError(f"Sharding dim {d} greater than tensor ndim {len(shape)}")
            size, off = Shard.local_shard_size_and_offset(shape[d], mesh.size(mesh_dim), coordinate[mesh_dim])
            shape[d] = size
            offset[d] += off
    return tuple(shape), tuple(offset)
