"""``torch.nn.parallel.scatter_gather``: ``scatter``, ``scatter_kwargs`` and ``gather``.

They split nested inputs across GPUs and join the outputs back.  Containers and plain objects are
handled as torch handles them (a non-tensor is repeated once per target device); a tensor fails as it
does in a CPU-only torch build, where the GPU kernels behind ``Scatter`` and ``Gather`` are absent.
"""
from ..._tensor import Tensor

__all__ = ["scatter", "scatter_kwargs", "gather"]


def _is_namedtuple(obj):
    return isinstance(obj, tuple) and hasattr(obj, "_asdict") and hasattr(obj, "_fields")


def scatter(inputs, target_gpus, dim=0):
    """One copy of ``inputs`` per device in ``target_gpus``, its tensors sliced along ``dim``;
    containers are rebuilt per device (a list of per-device containers)."""
    def split(obj):
        if isinstance(obj, Tensor):
            # CPU-only torch: comm.scatter calls torch._C._scatter, which such a build lacks
            raise AttributeError("module 'torch._C' has no attribute '_scatter'")
        if _is_namedtuple(obj):
            return [type(obj)(*parts) for parts in zip(*map(split, obj))]
        if isinstance(obj, tuple) and obj:
            return list(zip(*map(split, obj)))
        if isinstance(obj, list) and obj:
            return [list(parts) for parts in zip(*map(split, obj))]
        if isinstance(obj, dict) and obj:
            return [type(obj)(parts) for parts in zip(*map(split, obj.items()))]
        return [obj for _ in target_gpus]
    return split(inputs)


def scatter_kwargs(inputs, kwargs, target_gpus, dim=0):
    """``scatter`` of the positional and keyword arguments, the shorter list padded with ``()`` / ``{}``
    so both have one entry per device."""
    args = scatter(inputs, target_gpus, dim) if inputs else []
    kws = scatter(kwargs, target_gpus, dim) if kwargs else []
    if len(args) < len(kws):
        args.extend(() for _ in range(len(kws) - len(args)))
    elif len(kws) < len(inputs):
        # (torch compares with len(inputs) here, not len(args): kept, it decides the padding)
        kws.extend({} for _ in range(len(args) - len(kws)))
    return tuple(args), tuple(kws)


def gather(outputs, target_device, dim=0):
    """The per-device ``outputs`` joined into one object: tensors concatenated along ``dim`` on
    ``target_device``, containers rebuilt key by key / item by item."""
    def join(outs):
        out = outs[0]
        if isinstance(out, Tensor):
            # torch's Gather.forward refuses CPU tensors before anything else
            if any(t.device.type == "cpu" for t in outs):
                raise AssertionError("Gather function not implemented for CPU tensors")
            raise AttributeError("module 'torch._C' has no attribute '_gather'")
        if out is None:
            return None
        if isinstance(out, dict):
            if not all(len(out) == len(d) for d in outs):
                raise ValueError("All dicts must have the same number of keys")
            return type(out)((k, join([d[k] for d in outs])) for k in out)
        if _is_namedtuple(out):
            return type(out)._make(map(join, zip(*outs, strict=True)))
        return type(out)(map(join, zip(*outs, strict=True)))
    return join(outputs)
