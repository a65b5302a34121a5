"""Tensors in shared memory: ``Tensor.share_memory_``, ``Module.share_memory`` and passing tensors
between processes with ``torch.multiprocessing`` (Hogwild training, A3C's shared model, queues).

torch moves a tensor's storage into shared memory and, when a tensor is pickled for another process
(process arguments under spawn, a ``Queue``), sends a file descriptor of that memory instead of the
data: both processes then read and write the same bytes.  glasstorch does the same with a Linux
``memfd`` mapped ``MAP_SHARED`` (an anonymous shared mapping where memfd is missing, which forked
children still share), and ``multiprocessing.reduction.DupFd`` to send the descriptor.

One difference: torch moves the storage, so every tensor viewing it follows.  glasstorch re-points
the tensor being shared and the tensors it is a view of (``_base``); other views made before the
call keep the old, private memory.
"""
import ctypes
import mmap
import os
from multiprocessing import reduction

import numpy as np

try:
    from numpy.lib.array_utils import byte_bounds
except ImportError:                     # NumPy 1.x
    from numpy import byte_bounds

from .ops.storage import _root


class _SharedMap(mmap.mmap):
    """A shared mapping that remembers the file descriptor behind it (None: anonymous)."""

    def __new__(cls, nbytes, fd=None):
        if fd is None and hasattr(os, "memfd_create"):
            fd = os.memfd_create("glasstorch", 0)
            os.ftruncate(fd, nbytes)
        self = super().__new__(cls, -1 if fd is None else fd, nbytes)
        self.fd = fd
        return self

    def __del__(self):
        if self.fd is not None:
            os.close(self.fd)
            self.fd = None


def _mapping(arr):
    """The _SharedMap behind ``arr``'s allocation, or None (np.frombuffer's base is a memoryview of it)."""
    b = _root(arr).base
    b = getattr(b, "obj", b)
    return b if isinstance(b, _SharedMap) else None


def is_shared(arr):
    return _mapping(arr) is not None


def _span(a):
    """(lowest address, bytes up to the end of the highest element) of array ``a``'s memory."""
    lo, hi = byte_bounds(a)
    return lo, (hi - lo) if a.size else 0


def _shared_root(root):
    """A copy of the memory of the allocation ``root`` in new shared memory, as a flat uint8 array."""
    lo, nbytes = _span(root)
    block = np.frombuffer(_SharedMap(max(nbytes, 1)), dtype=np.uint8, count=nbytes)
    if nbytes:
        block[:] = np.ctypeslib.as_array((ctypes.c_uint8 * nbytes).from_address(lo))
    return block


def _view_on(block, old_root, arr):
    """``arr`` (a view of ``old_root``) re-made over ``block``: same offset, shape and strides."""
    offset = arr.__array_interface__["data"][0] - _span(old_root)[0]
    return np.ndarray(arr.shape, arr.dtype, buffer=block, offset=offset, strides=arr.strides)


def share_(t):
    """``t.share_memory_()``: its allocation moved into shared memory, ``t`` returned."""
    x = t._data
    if is_shared(x):
        return t
    init_reductions()
    old_root = _root(x)
    block = _shared_root(old_root)
    u = t
    while u is not None:                 # the tensor and the tensors it is a view of
        if _root(u._data) is old_root:
            u._data = _view_on(block, old_root, u._data)
        u = getattr(u, "_base", None)
    return t


# ---- sending tensors to other processes ------------------------------------------------------------
def _rebuild(cls, dupfd, nbytes, dtype, shape, strides, offset, requires_grad):
    fd = dupfd.detach() if dupfd is not None else None
    block = np.frombuffer(_SharedMap(max(nbytes, 1), fd), dtype=np.uint8, count=nbytes)
    from ._tensor import _wrap
    t = _wrap(np.ndarray(shape, np.dtype(dtype), buffer=block, offset=offset, strides=strides))
    if cls is not None:                  # a Parameter stays a Parameter
        return cls(t, requires_grad=requires_grad)
    return t.requires_grad_(requires_grad) if requires_grad else t


def _reduce(t):
    if t.requires_grad and t.grad_fn is not None:
        raise RuntimeError(
            "Cowardly refusing to serialize non-leaf tensor which requires_grad, since autograd does not "
            "support crossing process boundaries.  If you just want to transfer the data, call detach() on "
            "the tensor before serializing (e.g., putting it on the queue).")
    share_(t)                            # as torch: a tensor sent to another process moves to shared memory
    x = t._data
    root = _root(x)
    mapping = _mapping(x)
    if mapping.fd is None:
        raise RuntimeError("glasstorch can only send a tensor to a forked process on this system (no memfd)")
    offset = x.__array_interface__["data"][0] - root.__array_interface__["data"][0]
    from .nn.parameter import Parameter
    cls = type(t) if isinstance(t, Parameter) else None
    return _rebuild, (cls, reduction.DupFd(mapping.fd), root.nbytes, x.dtype.str, x.shape, x.strides,
                      offset, t.requires_grad)


def init_reductions():
    """Teach multiprocessing's pickler to send tensors and Parameters through shared memory."""
    from ._tensor import Tensor
    from .nn.parameter import Buffer, Parameter
    for cls in (Tensor, Parameter, Buffer):
        reduction.ForkingPickler.register(cls, _reduce)
