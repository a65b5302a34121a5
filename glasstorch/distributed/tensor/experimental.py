"""``torch.distributed.tensor.experimental``: ``implicit_replication``, the switch that lets DTensor
ops treat plain tensors as replicated.  glasstorch builds no DTensor yet (see ``__init__``), so with no
DTensor in the program the switch changes nothing, as in torch."""
from contextlib import contextmanager

__all__ = ["implicit_replication"]


@contextmanager
def implicit_replication():
    """Within the block, plain tensors mixed with DTensors count as replicated on the mesh."""
    from . import DTensor
    try:
        DTensor._allow_implicit_replication = True
        yield
    finally:
        DTensor._allow_implicit_replication = False
