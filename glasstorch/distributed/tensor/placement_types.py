"""``torch.distributed.tensor.placement_types``: how a DTensor lies on one dimension of a device mesh.

``Shard(d)``: each rank holds a contiguous chunk of tensor dimension d (torch.chunk's sizes, the last
chunks possibly short or empty); ``Replicate()``: each holds it all; ``Partial(op)``: each holds a
part that ``op`` over the ranks combines into the value; ``_StridedShard(d, split_factor=s)``: d cut in
s groups, each rank holding one chunk of every group."""

__all__ = ["Placement", "Shard", "Replicate", "Partial"]


class Placement:
    """The base of the placements."""

    def is_shard(self, dim=None):
        return False

    def is_replicate(self):
        return False

    def is_partial(self, reduce_op=None):
        return False


def _int_arg(cls_name, args, kwargs):
    """The one int argument of a C++ placement's constructor, refused in pybind11's words."""
    vals = list(args) + list(kwargs.values())
    if len(vals) == 1 and set(kwargs) <= {"dim"} and not isinstance(vals[0], float) and hasattr(vals[0], "__index__"):
        return vals[0].__index__()
    shown = ", ".join([repr(a) for a in args] + ([("kwargs: " + ", ".join(f"{k}={v!r}" for k, v in kwargs.items()))]
                                                  if kwargs else []))
    raise TypeError("__init__(): incompatible constructor arguments. The following argument types are supported:\n"
                    f"    1. torch._C._distributed.{cls_name}(dim: typing.SupportsInt | typing.SupportsIndex)\n\n"
                    f"Invoked with: {shown}")


class Shard(Placement):
    __slots__ = ("dim",)

    def __init__(self, *args, **kwargs):
        self.dim = _int_arg("Shard", args, kwargs)

    def is_shard(self, dim=None):
        return dim is None or dim == self.dim

    @staticmethod
    def local_shard_size_and_offset(curr_local_size, num_chunks, rank):
        """(size, offset) of chunk ``rank`` when ``curr_local_size`` items are cut into ``num_chunks``
        torch.chunk chunks of ceil(size / num_chunks); an empty chunk's offset is the size."""
        full = -(-curr_local_size // num_chunks)
        offset = min(full * rank, curr_local_size)
        return min(curr_local_size, offset + full) - offset, offset

    def __eq__(self, other):
        return type(other) is type(self) and other.dim == self.dim

    def __hash__(self):
        return hash((type(self).__name__, self.dim))

    def __repr__(self):
        return f"Shard(dim={self.dim})"

    def __str__(self):
        return f"S({self.dim})"


class _StridedShard(Placement):
    """Not a Shard (``is_shard()`` is False), as torch's C++ StridedShard."""
    __slots__ = ("dim", "split_factor")

    def __init__(self, dim, split_factor):
        self.dim = int(dim)
        self.split_factor = int(split_factor)

    def __eq__(self, other):
        return type(other) is type(self) and (other.dim, other.split_factor) == (self.dim, self.split_factor)

    def __hash__(self):
        return hash((type(self).__name__, self.dim, self.split_factor))

    def __repr__(self):
        return f"_StridedShard(dim={self.dim}, sf={self.split_factor})"

    def __str__(self):
        return f"_S({self.dim}, {self.split_factor})"


class Replicate(Placement):
    __slots__ = ()

    def is_replicate(self):
        return True

    def __eq__(self, other):
        return type(other) is type(self)

    def __hash__(self):
        return -1

    def __repr__(self):
        return "Replicate()"

    def __str__(self):
        return "R"


class Partial(Placement):
    __slots__ = ("reduce_op",)

    def __init__(self, reduce_op="sum"):
        self.reduce_op = reduce_op

    def is_partial(self, reduce_op=None):
        return reduce_op is None or reduce_op == self.reduce_op

    def __eq__(self, other):
        return type(other) is type(self) and other.reduce_op == self.reduce_op

    def __hash__(self):
        return hash((type(self).__name__, self.reduce_op))

    def __repr__(self):
        return f"Partial({self.reduce_op})"

    def __str__(self):
        return f"P({self.reduce_op})"
