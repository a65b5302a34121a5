"""``torch.distributed.tensor``: the DTensor names.  The placements and the meshes work; a DTensor
itself (a tensor spread over a mesh, whose every op is a collective) is not built yet: without a mesh
the calls fail as torch's, with one they say glasstorch lacks them."""
from ..._sympy_import import sympy_imported as _sympy_imported  # torch imports sympy here: see there
_sympy_imported()
del _sympy_imported
from ..._tensor import Tensor
from .placement_types import Placement, Shard, Replicate, Partial  # noqa: F401

__all__ = ["DTensor", "distribute_tensor", "distribute_module", "Shard", "Replicate", "Partial", "Placement",
           "ones", "empty", "full", "rand", "randn", "zeros"]


def _not_yet(what):
    return NotImplementedError(f"{what} (torch.distributed.tensor) is not implemented in glasstorch yet")


def _mesh(device_mesh):
    if device_mesh is None:
        raise RuntimeError("No device mesh is currently active!")
    return device_mesh


class DTensor(Tensor):
    """A tensor spread over a device mesh (``isinstance(t, DTensor)`` is False for every glasstorch
    tensor, as for every plain torch tensor)."""

    @staticmethod
    def from_local(local_tensor, device_mesh=None, placements=None, *, run_check=False, shape=None, stride=None):
        _mesh(device_mesh)
        raise _not_yet("DTensor.from_local")


def distribute_tensor(tensor, device_mesh=None, placements=None, *, src_data_rank=0):
    _mesh(device_mesh)
    raise _not_yet("distribute_tensor")


def distribute_module(module, device_mesh=None, partition_fn=None, input_fn=None, output_fn=None):
    _mesh(device_mesh)
    raise _not_yet("distribute_module")


def _factory(name):
    def fn(*size, device_mesh=None, placements=None, **kwargs):
        _mesh(device_mesh)
        raise _not_yet(f"torch.distributed.tensor.{name}")
    fn.__name__ = fn.__qualname__ = name
    return fn


ones, empty, full, rand, randn, zeros = (_factory(n) for n in ("ones", "empty", "full", "rand", "randn", "zeros"))
