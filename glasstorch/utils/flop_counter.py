"""``torch.utils.flop_counter.FlopCounterMode``: counts the FLOPs of the matrix products run inside it.

torch counts at the aten level with formulas registered per op: ``mm``/``addmm``: ``2*m*k*n``;
``bmm``/``baddbmm``: ``2*b*m*k*n``; ``convolution``: ``2 * batch * prod(weight.shape) *
prod(out spatial)``.  glasstorch has no aten dispatch, so this mode watches the torch-level calls
and charges each to the aten op torch would lower it to (``F.linear`` with a bias on a 2-D or
contiguous input -> ``addmm``, else as ``matmul(x, W.t())``; ``matmul`` -> ``mm`` where glasstorch's
matmul folds its batch as torch's does (``ops.matmul._folds``), else ``bmm``; matrix-vector products
are not counted, as torch has no formula for ``mv``/``dot``).
Counts are kept under ``"Global"`` and under every module being run (the root by its class name,
the others as ``Root.child.grandchild``), as torch's ModuleTracker names them.
"""
from collections import defaultdict
from math import prod

from .._function_mode import TorchFunctionMode
from ..ops.matmul import _folds

__all__ = ["FlopCounterMode"]


_PACKETS = {}


def _aten(name):
    """One ``torch.ops.aten.<name>`` object per op, so counts of the same op share a dict key."""
    if name not in _PACKETS:
        from .. import ops
        _PACKETS[name] = getattr(ops.aten, name)
    return _PACKETS[name]


def _matmul(a, b):
    """(aten op, flops) of ``a @ b`` as torch's matmul lowers it, or None where it is not counted."""
    da, db = a.dim(), b.dim()
    if da == 0 or db == 0 or db == 1:
        return None                                      # dot / mv / errors: no formula
    k, n = b.shape[-2], b.shape[-1]
    if da <= 2 and db == 2:
        return "mm", 2 * prod(a.shape[:-1]) * k * n
    if _folds(a, b):            # the batched side flattened (matmul's should_fold): one mm, or mv for a vector
        return None if da == 1 else ("mm", 2 * prod(a.shape[:-1]) * k * prod(b.shape[:-2]) * n)
    m = 1 if da == 1 else a.shape[-2]
    batch = 1
    for x, y in zip(reversed(a.shape[:-2]), reversed(b.shape[:-2])):
        batch *= max(x, y)
    longer = a.shape[:-2] if len(a.shape[:-2]) > len(b.shape[:-2]) else b.shape[:-2]
    batch *= prod(longer[:len(longer) - min(len(a.shape[:-2]), len(b.shape[:-2]))])
    return "bmm", 2 * batch * m * k * n


def _linear(x, w, bias=None):
    if x.dim() == 0 or w.dim() != 2:
        return None
    if bias is not None and (x.dim() == 2 or x.is_contiguous()):     # one addmm on the input seen as 2-d
        return "addmm", 2 * prod(x.shape[:-1]) * w.shape[1] * w.shape[0]
    return _matmul(x, w.t())            # torch's matmul(x, W.t()), the bias (if any) added after


def _conv(x, w, out):
    return "convolution", 2 * out.shape[0] * prod(w.shape) * prod(out.shape[2:])


def _count(name, args, kwargs, out):
    """The (aten op, flops) of one torch-level call, or None."""
    a = list(args)
    if name in ("mm", "bmm"):
        return name, 2 * prod(a[0].shape) * a[1].shape[-1]
    if name in ("addmm", "baddbmm"):
        return name, 2 * prod(a[1].shape) * a[2].shape[-1]
    if name in ("matmul", "__matmul__"):
        return _matmul(a[0], a[1])
    if name == "__rmatmul__":
        return _matmul(a[1], a[0])
    if name == "linear":
        return _linear(a[0], a[1] if len(a) > 1 else kwargs["weight"],
                       a[2] if len(a) > 2 else kwargs.get("bias"))
    if name.startswith(("conv1d", "conv2d", "conv3d", "conv_transpose")):
        w = a[1] if len(a) > 1 else kwargs["weight"]
        if name.startswith("conv_transpose"):      # torch counts the transposed conv on its input's size
            return "convolution", 2 * a[0].shape[0] * prod(w.shape) * prod(a[0].shape[2:])
        return _conv(a[0], w, out)
    return None


class FlopCounterMode(TorchFunctionMode):
    """``with FlopCounterMode(display=False) as f: model(x)`` then ``f.get_total_flops()``."""

    def __init__(self, mods=None, depth=2, display=True, custom_mapping=None):
        super().__init__()
        self.flop_counts = defaultdict(lambda: defaultdict(int))
        self.depth = depth
        self.display = display
        self._names = {}
        self._stack = []
        self._handles = []
        if mods is not None:
            import warnings
            warnings.warn("mods argument is not needed anymore, you can stop passing it", stacklevel=2)

    def get_total_flops(self):
        return sum(self.flop_counts["Global"].values())

    def get_flop_counts(self):
        return {k: dict(v) for k, v in self.flop_counts.items()}

    def _pre(self, module, args):
        name = self._names.get(id(module))
        if name is None:
            name = type(module).__name__
            if self._stack:
                parent_mod, parent = self._stack[-1]
                for child_name, child in parent_mod.named_children():
                    if child is module:
                        name = f"{parent}.{child_name}"
                        break
            self._names[id(module)] = name
        self._stack.append((module, name))

    def _post(self, module, args, output):
        if self._stack and self._stack[-1][0] is module:
            self._stack.pop()

    def __enter__(self):
        from ..nn.modules._hooks import register_module_forward_pre_hook, register_module_forward_hook
        self.flop_counts.clear()
        self._stack = []
        self._handles = [register_module_forward_pre_hook(self._pre),
                         register_module_forward_hook(self._post, always_call=True)]
        return super().__enter__()

    def __exit__(self, *exc):
        for h in self._handles:
            h.remove()
        self._handles = []
        return super().__exit__(*exc)

    def __torch_function__(self, func, types, args=(), kwargs=None):
        kwargs = kwargs or {}
        out = func(*args, **kwargs)
        try:
            counted = _count(getattr(func, "__name__", ""), args, kwargs, out)
        except (AttributeError, IndexError, KeyError, TypeError):
            counted = None
        if counted is not None:
            op, flops = counted
            key = _aten(op)
            for scope in ["Global"] + list(dict.fromkeys(n for _, n in self._stack)):
                self.flop_counts[scope][key] += flops
        return out
