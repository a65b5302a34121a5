"""In-place writes into a tensor that vmap does not batch.

In torch, ``y.mul_(x)`` inside ``vmap`` with ``y`` unbatched (closed over, or passed with in_dims=None)
and ``x`` batched fails: the result would need a batch dimension that ``y`` does not have.  Which error
depends on the op's batching rule: some rules broadcast the physical shapes and report the mismatch
(add_), the in-place arithmetic rule and a few others refuse by name, and ops without a rule run the
slow fallback, which warns and then refuses.  With unbatched operands only, torch's vmap makes the write
once (``y.add_(1)`` adds 1, a counter buffer ``calls += 1`` counts one call, ``y.unsqueeze_(0)`` adds
one dimension).

glasstorch's vmap is a loop over the entries (``_vmap.py``).  "Unbatched target" means the same storage
at the same address in every entry (a closed-over tensor, an in_dims=None input, or a view of one:
a slice of a batched input shares its counter but moves from entry to entry); "batched operand" means
what it means elsewhere in that loop (``_vmap_dynamic.py``): its value differs from one entry to the
next.  The first entry writes (it cannot know yet).  A later entry that writes the same target again
skips the write when its operands are the first entry's, and otherwise puts the target back as it was
before that write and raises torch's error.  A tensor made anew in each entry is taken for batched."""
import numpy as np

from ._functorch_active import DEPTH
from ._vmap_dynamic import LOGS
from ._user_warning import warn_at_caller

TAG = "inplace-target"

_TAIL = ("is not possible because there exists a Tensor `other` in extra_args that has more elements than "
         "`self`. This happened due to `other` being vmapped over but `self` not being vmapped over {where}. "
         "Please try to use out-of-place operators instead of {name}. If said operator is being called inside "
         "the PyTorch framework, please file a bug report instead.")
# torch's refusal depends on the op's batching rule.  Ops whose rule broadcasts the physical shapes
# (glasstorch's in-place names, as inplace.commit gets them):
_BROADCAST = {"add", "atan2", "copysign", "gcd", "lcm", "bitwise_and", "bitwise_or", "bitwise_xor", "lshift",
              "rshift"}
# ops whose rule refuses by its own name ("... in a vmap"):
_NAMED = {"fill": "fill_", "index_add": "index_add_", "scatter_add": "scatter_add_",
          "scatter_reduce": "scatter_reduce_", "index_fill": "index_fill_", "index_put": "index_put_"}
# ops without a rule: torch's slow fallback warns with the overload, then refuses per level.  The rest
# (sub, mul, div, copy, clamp_min, logical_and, masked_fill over a batched mask ...) share the in-place
# arithmetic rule's message.
_FALLBACK = {"scatter": "aten::scatter_.{scatter}", "index_copy": "aten::index_copy_",
             "masked_scatter": "aten::masked_scatter_", "put": "aten::put_",
             "floor_divide": "aten::floor_divide_.Tensor", "remainder": "aten::remainder_.Tensor",
             "fmod": "aten::fmod_.Tensor", "hypot": "aten::hypot_", "xlogy": "aten::xlogy_.Tensor",
             "float_power": "aten::float_power_.Tensor", "ldexp": "aten::ldexp_", "lerp": "aten::lerp_.{lerp}",
             "pow": "aten::pow_.Tensor", "addcmul": "aten::addcmul_", "addcdiv": "aten::addcdiv_",
             "equal": "aten::eq_.Tensor", "not_equal": "aten::ne_.Tensor", "less": "aten::lt_.Tensor",
             "less_equal": "aten::le_.Tensor", "greater": "aten::gt_.Tensor", "greater_equal": "aten::ge_.Tensor",
             "nextafter": "aten::nextafter_", "heaviside": "aten::heaviside_", "igamma": "aten::igamma_",
             "igammac": "aten::igammac_", "addmv": "aten::addmv_", "addr": "aten::addr_", "addmm": "aten::addmm_",
             "baddbmm": "aten::baddbmm_", "addbmm": "aten::addbmm_", "clamp": "aten::clamp_.Tensor",
             "masked_fill": "aten::masked_fill_.Tensor"}


class VmapLog(list):
    """One vmap's log (a list of per-entry lists of notes) that also knows the batch size, and indexes
    the in-place writes by target: those of the first entry, and how many the current entry made."""
    __slots__ = ("n", "first", "seen")

    def __init__(self, n):
        super().__init__()
        self.n = n
        self.first = {}         # (id of the target's counter, address) -> the first entry's notes
        self.seen = {}          # the same key -> how many writes the current entry made there

    def append(self, entry):
        self.seen = {}
        super().append(entry)


def _fingerprint(x):
    d = np.ascontiguousarray(x._data)
    return d.shape, d.dtype.str, d.tobytes()


def _address(t):
    # (the first element's address alone: an in-place shape change keeps it, and several writes to one
    # target are told apart by their order)
    return t._data.__array_interface__["data"][0]


def _closure(compute):
    """The variables the in-place op's ``compute`` closes over (its operands, by their names)."""
    if compute is None or not compute.__closure__:
        return {}
    return dict(zip(compute.__code__.co_freevars, (c.cell_contents for c in compute.__closure__)))


def _tensors(values):
    from ._tensor import Tensor
    for v in values:
        if isinstance(v, Tensor):
            yield v
        elif isinstance(v, (tuple, list)):        # index_put's indices
            yield from _tensors(v)


def _error(name, t, batched, n, level, args):
    if name == "setitem":       # a batched index makes it index_put_'s refusal, a batched value copy_'s
        name = "copy" if all(o is args.get("value") for o in batched) else "index_put"
    if name in _BROADCAST:
        # the batch dimension goes in front of the logical broadcast of self with the operands
        shape = np.broadcast_shapes(t._data.shape, *(o._data.shape for o in batched))
        return RuntimeError(f"output with shape {list(t._data.shape)} doesn't match the broadcast shape "
                            f"{[n, *shape]}")
    if name in _NAMED:
        return RuntimeError(f"vmap: {_NAMED[name]}(self, *extra_args) " +
                            _TAIL.format(where="in a vmap", name=_NAMED[name]))
    value = args.get("value")
    if name in _FALLBACK and not (name == "masked_fill" and not any(o is value for o in batched)):
        weight = args.get("weight")
        op = _FALLBACK[name].format(
            lerp="Tensor" if isinstance(weight, type(t)) else "Scalar",
            scatter="reduce" if args.get("reduce") is not None else "src" if args.get("src") is not None
            else "value")
        warn_at_caller(f"There is a performance drop because we have not yet implemented the batching rule for "
                       f"{op}. Please file us an issue on GitHub so that we can prioritize its implementation. "
                       "(Triggered internally at /__w/pytorch/pytorch/aten/src/ATen/functorch/BatchedFallback.cpp"
                       ":82.)")
        short = op.split(".")[0]
        return RuntimeError(f"vmap: {short}(self, *extra_args) " +
                            _TAIL.format(where=f"at level {level}", name=short))
    return RuntimeError("vmap: inplace arithmetic(self, *extra_args) " +
                        _TAIL.format(where="in a vmap", name="inplace arithmetic"))


def check(name, t, others, compute=None, args=None):
    """Called by an in-place op ``name`` (inplace.commit's name) before it writes ``t`` from ``others``
    and from what its ``compute`` (the out-of-place op) closes over.  Returns whether to skip the write:
    torch's vmap runs an unbatched write once, so in a later entry the write that the first entry made
    to the same target with the same operands is not repeated."""
    if not (DEPTH[1] and LOGS):
        return False
    args = _closure(compute) if args is None else args
    # (an operand sharing the target's storage is the unbatched target itself, whatever the first
    # entry's write did to its value; one object closed over under two names counts once)
    ops = list({id(o): o for o in _tensors(list(others) + list(args.values())) if o._vc is not t._vc}.values())
    fps = [_fingerprint(o) for o in ops]
    where = _address(t)
    skip = False
    key = (id(t._vc), where)
    for level, log in enumerate(LOGS, 1):
        if not log or not isinstance(log, VmapLog):
            continue
        # the j-th write of this target in this entry answers the j-th one in the first entry
        j = log.seen.get(key, 0)
        log.seen[key] = j + 1
        if len(log) == 1:
            # (the counter is kept, so that no later tensor can reuse its id; the data, to undo the write)
            # (kept out of the entry's own list, which _vmap_dynamic.check compares entry by entry)
            log.first.setdefault(key, []).append((TAG, t._vc, where, fps, t._data.copy()))
            continue
        first = log.first.get(key, ())
        if j >= len(first) or first[j][1] is not t._vc or len(first[j][3]) != len(fps):
            continue
        f = first[j]
        batched = [o for o, a, b in zip(ops, f[3], fps) if a != b]
        if batched:
            t._data[...] = f[4]
            raise _error(name, t, batched, log.n, level, args)
        skip = True
    return skip


def written(name, t, *others, args=None):
    """``check`` for the in-place ops that do not hand their operands to inplace.commit."""
    return bool(DEPTH[1]) and check(name, t, others, args=args)
