"""``torch.distributed.device_mesh``: the ranks of the default process group laid out as an n-d
array, one named (or unnamed) dimension per way of splitting the work.  Making one starts the default
process group (``env://``) when none is running, as torch's does."""
import numpy as np

from . import distributed_c10d as _c10d

__all__ = ["init_device_mesh", "DeviceMesh"]


class DeviceMesh:
    def __init__(self, device_type, mesh, *, mesh_dim_names=None, _init_backend=True):
        if not _c10d.is_initialized():
            _c10d.init_process_group()
        self.device_type = device_type
        self.mesh = np.asarray(mesh.numpy() if hasattr(mesh, "numpy") else mesh, dtype=np.int64)
        self.mesh_dim_names = tuple(mesh_dim_names) if mesh_dim_names is not None else None
        rank = _c10d.get_rank()
        where = np.argwhere(self.mesh == rank)
        self._coordinate = tuple(int(i) for i in where[0]) if len(where) else None

    @property
    def shape(self):
        return tuple(self.mesh.shape)

    @property
    def ndim(self):
        return self.mesh.ndim

    def size(self, mesh_dim=None):
        return int(self.mesh.size) if mesh_dim is None else int(self.mesh.shape[mesh_dim])

    def get_coordinate(self):
        return self._coordinate

    def get_rank(self):
        return _c10d.get_rank()

    def get_local_rank(self, mesh_dim=None):
        if mesh_dim is None:
            if self.ndim > 1:
                raise RuntimeError(f"Found the DeviceMesh have {self.ndim} dimensions",
                                   "Optional kwarg `mesh_dim` needs to be specified when device_mesh.ndim > 1.")
            mesh_dim = 0
        return self._coordinate[self._dim(mesh_dim)]

    def get_group(self, mesh_dim=None):
        # the ranks that share this rank's coordinates on every other dimension
        if self.ndim == 1 and self.size() == _c10d.get_world_size():
            return _c10d.group.WORLD
        dim = self._dim(0 if mesh_dim is None else mesh_dim)
        idx = list(self._coordinate)
        idx[dim] = slice(None)
        return _c10d.new_group([int(r) for r in self.mesh[tuple(idx)]])

    def _dim(self, mesh_dim):
        if isinstance(mesh_dim, str):
            return self.mesh_dim_names.index(mesh_dim)
        return mesh_dim

    def __getitem__(self, names):
        names = (names,) if isinstance(names, str) else tuple(names)
        dims = [self._dim(n) for n in names]
        idx = [slice(None) if d in dims else self._coordinate[d] for d in range(self.ndim)]
        return DeviceMesh(self.device_type, self.mesh[tuple(idx)], mesh_dim_names=names)

    def __repr__(self):
        if self.mesh_dim_names:
            shape = ", ".join(f"{n}={s}" for n, s in zip(self.mesh_dim_names, self.shape))
        else:
            shape = repr(self.shape)[1:-1]
        # torch prints its layout's stride per mesh dimension, a size-1 dimension's as ()
        strides = ", ".join("()" if n == 1 else f"({int(np.prod(self.shape[i + 1:]))},)"
                            for i, n in enumerate(self.shape))
        return f"DeviceMesh(({shape}), '{self.device_type}', stride=({strides}{',' if self.ndim == 1 else ''}))"

    def __eq__(self, other):
        return (isinstance(other, DeviceMesh) and self.device_type == other.device_type
                and np.array_equal(self.mesh, other.mesh) and self.mesh_dim_names == other.mesh_dim_names)

    def __hash__(self):
        return hash((self.device_type, self.mesh.tobytes(), self.mesh.shape, self.mesh_dim_names))


def init_device_mesh(device_type, mesh_shape, *, mesh_dim_names=None, backend_override=None):
    if not _c10d.is_initialized():
        _c10d.init_process_group()
    mesh = np.arange(int(np.prod(mesh_shape)), dtype=np.int64).reshape(tuple(mesh_shape))
    return DeviceMesh(device_type, mesh, mesh_dim_names=mesh_dim_names)
