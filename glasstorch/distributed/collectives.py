"""The collectives: every one is an ``_exchange`` of NumPy arrays (distributed_c10d.py) and a local
step.  Reductions combine the ranks' arrays in rank order, ``((r0 + r1) + r2) + ...``: for two ranks
that is what gloo computes (addition commutes), for more ranks gloo's ring order differs in the last
bits.  Results are written into the caller's tensors in place, as torch's are."""
import numpy as np

from .distributed_c10d import ReduceOp, Work, _pg, _group_rank

__all__ = ["all_reduce", "broadcast", "all_gather", "all_gather_into_tensor", "reduce", "gather", "scatter",
           "reduce_scatter", "reduce_scatter_tensor", "send", "recv", "isend", "irecv", "barrier",
           "all_gather_object", "broadcast_object_list", "gather_object", "scatter_object_list", "all_to_all",
           "all_to_all_single"]

_COMBINE = {ReduceOp.SUM: np.add, ReduceOp.AVG: np.add, ReduceOp.PRODUCT: np.multiply, ReduceOp.MIN: np.minimum,
            ReduceOp.MAX: np.maximum, ReduceOp.BAND: np.bitwise_and, ReduceOp.BOR: np.bitwise_or,
            ReduceOp.BXOR: np.bitwise_xor}


def _arr(t):
    return np.array(t.detach().numpy(), copy=True)


def _write(t, arr):
    from .. import no_grad, from_numpy
    with no_grad():
        t.copy_(from_numpy(np.array(np.asarray(arr).reshape(tuple(t.shape)), copy=True)))


def _done(async_op):
    return Work() if async_op else None


def _combine(arrays, op):
    op = getattr(op, "op", op)
    if op in (ReduceOp.BAND, ReduceOp.BOR, ReduceOp.BXOR) and arrays[0].dtype.kind not in "iub":
        raise RuntimeError(f"Cannot use ReduceOp.{op.name} with non-integral dtype")
    fn = _COMBINE[op]
    out = arrays[0]
    for a in arrays[1:]:
        out = fn(out, a)
    out = np.asarray(out)
    if op is ReduceOp.AVG:
        out = out / len(arrays) if out.dtype.kind in "fc" else out // len(arrays)
    return out.astype(arrays[0].dtype, copy=False)


def _root(pg, rank, what):
    try:
        return _group_rank(pg, rank)
    except ValueError:
        raise RuntimeError(f"ProcessGroupGloo::{what}: invalid root rank: {rank}") from None


def all_reduce(tensor, op=ReduceOp.SUM, group=None, async_op=False):
    pg = _pg(group)
    _write(tensor, _combine(pg._exchange(_arr(tensor)), op))
    return _done(async_op)


def reduce(tensor, dst=None, op=ReduceOp.SUM, group=None, async_op=False, group_dst=None):
    pg = _pg(group)
    root = group_dst if group_dst is not None else _root(pg, dst, "reduce")
    arrays = pg._exchange(_arr(tensor))
    if pg.rank() == root:
        _write(tensor, _combine(arrays, op))
    return _done(async_op)


def broadcast(tensor, src=None, group=None, async_op=False, group_src=None):
    pg = _pg(group)
    root = group_src if group_src is not None else _root(pg, src, "broadcast")
    arrays = pg._exchange(_arr(tensor) if pg.rank() == root else None)
    if pg.rank() != root:
        _write(tensor, arrays[root])
    return _done(async_op)


def all_gather(tensor_list, tensor, group=None, async_op=False):
    for out, a in zip(tensor_list, _pg(group)._exchange(_arr(tensor))):
        _write(out, a)
    return _done(async_op)


def all_gather_into_tensor(output_tensor, input_tensor, group=None, async_op=False):
    _write(output_tensor, np.concatenate([a.reshape(-1) for a in _pg(group)._exchange(_arr(input_tensor))]))
    return _done(async_op)


def gather(tensor, gather_list=None, dst=None, group=None, async_op=False, group_dst=None):
    pg = _pg(group)
    root = group_dst if group_dst is not None else _root(pg, 0 if dst is None else dst, "gather")
    if pg.rank() == root and not gather_list:
        raise ValueError("Argument ``gather_list`` must be specified on destination rank.")
    if pg.rank() != root and gather_list:
        raise ValueError("Argument ``gather_list`` must NOT be specified on non-destination ranks.")
    arrays = pg._exchange(_arr(tensor))
    if pg.rank() == root:
        for out, a in zip(gather_list, arrays):
            _write(out, a)
    return _done(async_op)


def scatter(tensor, scatter_list=None, src=None, group=None, async_op=False, group_src=None):
    pg = _pg(group)
    root = group_src if group_src is not None else _root(pg, 0 if src is None else src, "scatter")
    if pg.rank() == root and not scatter_list:
        raise ValueError("Argument ``scatter_list`` must be specified on source rank.")
    if pg.rank() != root and scatter_list:
        raise ValueError("Argument ``scatter_list`` must NOT be specified on non-source ranks.")
    arrays = pg._exchange([_arr(t) for t in scatter_list] if pg.rank() == root else None)
    _write(tensor, arrays[root][pg.rank()])
    return _done(async_op)


def reduce_scatter(output, input_list, op=ReduceOp.SUM, group=None, async_op=False):
    pg = _pg(group)
    lists = pg._exchange([_arr(t) for t in input_list])
    _write(output, _combine([lst[pg.rank()] for lst in lists], op))
    return _done(async_op)


def reduce_scatter_tensor(output, input, op=ReduceOp.SUM, group=None, async_op=False):
    pg = _pg(group)
    chunks = np.split(_arr(input).reshape(pg.size(), -1), pg.size())
    return reduce_scatter(output, [_Chunk(c) for c in chunks], op, group, async_op)


class _Chunk:
    """A NumPy array that ``_arr`` reads like a tensor."""

    def __init__(self, a):
        self.a = a

    def detach(self):
        return self

    def numpy(self):
        return self.a


def all_to_all(output_tensor_list, input_tensor_list, group=None, async_op=False):
    pg = _pg(group)
    lists = pg._exchange([_arr(t) for t in input_tensor_list])
    for out, lst in zip(output_tensor_list, lists):
        _write(out, lst[pg.rank()])
    return _done(async_op)


def all_to_all_single(output, input, output_split_sizes=None, input_split_sizes=None, group=None, async_op=False):
    """Rank r's piece i of ``input`` (split on dim 0, equally or by ``input_split_sizes``) lands as piece
    r of rank i's ``output``."""
    pg = _pg(group)
    arr = _arr(input)
    sizes = input_split_sizes or [arr.shape[0] // pg.size()] * pg.size()
    pieces = np.split(arr, np.cumsum(sizes)[:-1])
    _write(output, np.concatenate([lst[pg.rank()] for lst in pg._exchange(pieces)]))
    return _done(async_op)


def send(tensor, dst=None, group=None, tag=0, group_dst=None):
    pg = _pg(group)
    pg._send(_arr(tensor), group_dst if group_dst is not None else _group_rank(pg, dst))


def recv(tensor, src=None, group=None, tag=0, group_src=None):
    """Receive from ``src`` (a rank must be named: glasstorch does not receive from any source)."""
    pg = _pg(group)
    gsrc = group_src if group_src is not None else _group_rank(pg, src)
    _write(tensor, pg._recv(gsrc))
    return pg._ranks[gsrc]


def isend(tensor, dst=None, group=None, tag=0, group_dst=None):
    send(tensor, dst, group, tag, group_dst)
    return Work()


def irecv(tensor, src=None, group=None, tag=0, group_src=None):
    recv(tensor, src, group, tag, group_src)
    return Work()


def barrier(group=None, async_op=False, device_ids=None):
    _pg(group)._exchange(None)
    return _done(async_op)


def all_gather_object(object_list, obj, group=None):
    object_list[:] = _pg(group)._exchange(obj)


def broadcast_object_list(object_list, src=None, group=None, device=None, group_src=None):
    pg = _pg(group)
    root = group_src if group_src is not None else _group_rank(pg, 0 if src is None else src)
    got = pg._exchange(list(object_list) if pg.rank() == root else None)[root]
    object_list[:] = got


def gather_object(obj, object_gather_list=None, dst=None, group=None, group_dst=None):
    pg = _pg(group)
    root = group_dst if group_dst is not None else _group_rank(pg, 0 if dst is None else dst)
    got = pg._exchange(obj)
    if pg.rank() == root:
        object_gather_list[:] = got


def scatter_object_list(scatter_object_output_list, scatter_object_input_list=None, src=None, group=None,
                        group_src=None):
    pg = _pg(group)
    root = group_src if group_src is not None else _group_rank(pg, 0 if src is None else src)
    got = pg._exchange(list(scatter_object_input_list) if pg.rank() == root else None)[root]
    scatter_object_output_list[0] = got[pg.rank()]
