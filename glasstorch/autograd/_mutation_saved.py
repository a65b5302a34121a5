"""``torch.autograd.graph.allow_mutation_on_saved_tensors``: under it, a tensor saved for backward may be
modified in place afterwards; backward still sees the value it had when saved.  torch clones the tensor
just before the first in-place write; glasstorch keeps a copy when the tensor is saved and hands it to
backward only if the tensor's version has moved on (an unmodified tensor comes back as itself, so double
backward through it still works)."""
import contextlib

from .graph_hooks import saved_tensors_hooks

_ENABLED = [False]
_MSG = ("Trying to backward outside of the 'allow_mutation_on_saved_tensors' context"
        "in which the graph was originally recorded.")


class _AllowMutationOnSavedContext:
    """The state of one context: the saved tensors and their copies (cleared on exit)."""

    def __init__(self):
        self.original = {}
        self.cloned = {}

    def clear(self):
        self.original.clear()
        self.cloned.clear()


class _Handle:
    pass


@contextlib.contextmanager
def allow_mutation_on_saved_tensors():
    """Context manager under which mutating tensors saved for backward is allowed."""
    ctx = _AllowMutationOnSavedContext()

    def pack_hook(tensor):
        from .grad_mode import no_grad
        handle = _Handle()
        with no_grad():
            ctx.original[handle] = (tensor, tensor._version)
            ctx.cloned[handle] = tensor.detach().clone()
        return handle

    def unpack_hook(handle):
        if not _ENABLED[0] or handle not in ctx.original:
            raise AssertionError(_MSG)
        tensor, version = ctx.original[handle]
        return tensor if tensor._version == version else ctx.cloned[handle]

    with saved_tensors_hooks(pack_hook, unpack_hook):
        try:
            if _ENABLED[0]:
                raise RuntimeError("allow_mutation_on_saved_tensors contexts cannot be nested")
            _ENABLED[0] = True
            yield ctx
        finally:
            ctx.clear()
            _ENABLED[0] = False
