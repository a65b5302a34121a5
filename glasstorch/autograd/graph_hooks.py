"""``torch.autograd.graph.saved_tensors_hooks``: decide how a tensor kept for backward is stored.

When an op records a node it keeps some tensors for its backward (``a * b`` keeps ``a`` and
``b``).  Inside ``with saved_tensors_hooks(pack, unpack):`` each such tensor is handed to
``pack`` when it is saved, and what ``pack`` returned is handed to ``unpack`` when backward needs
it: a way to see, compress, or move what the graph holds on to.

    with torch.autograd.graph.saved_tensors_hooks(pack, unpack):
        y = x * x                # pack(x) is called twice: once for each operand
    y.sum().backward()           # unpack(...) is called twice

The hooks live on a stack (the innermost ``with`` wins).  ``Node.save`` checks it once per node,
so with no hooks the graph pays nothing.
"""

__all__ = ["saved_tensors_hooks", "save_on_cpu", "disable_saved_tensors_hooks", "Packed", "SavedTensor"]

# (pack, unpack) pairs, innermost last; Node.save reads it, so keep it one shared list
STACK = []
_DISABLED = []          # error messages of active disable_saved_tensors_hooks blocks


class Packed:
    """What a node keeps instead of a tensor while hooks are on: pack's result and its unpack."""
    __slots__ = ("obj", "unpack_fn")

    def __init__(self, obj, unpack_fn):
        self.obj, self.unpack_fn = obj, unpack_fn

    def unpack(self):
        from .._tensor import Tensor
        t = self.unpack_fn(self.obj)
        if not isinstance(t, Tensor):
            raise TypeError(f"Output of saved tensor unpack_hook expected to be a Tensor but got result of "
                            f"type {type(t).__name__}")
        return t


def pack_all(items):
    """Pack each tensor in ``items`` with the innermost hooks (numbers and None stay as they are)."""
    from .._tensor import Tensor
    pack, unpack = STACK[-1]
    out = []
    for x in items:
        if isinstance(x, Tensor):
            x = Packed(pack_checked(pack, x), unpack)
        out.append(x)
    return tuple(out)


PACK_INPLACE = ("A saved tensor pack hook is modifying its input in place. Tensors provided as input to pack hook "
                "cannot be modified by in-place operations as this can lead to unexpected side-effects. Please "
                "open an issue if you need to perform in-place operations on the input to a pack hook.")


def pack_checked(pack, x):
    """``pack(x)`` with grad mode off (torch calls it from inside the op), refusing a hook that changed ``x``
    in place (its version moved)."""
    from .grad_mode import GRAD
    before, prev = x._vc[0], GRAD.enabled
    GRAD.enabled = False
    try:
        obj = pack(x)
    finally:
        GRAD.enabled = prev
    if x._vc[0] != before:
        raise RuntimeError(PACK_INPLACE)
    return obj


class SavedTensor:
    """``grad_fn._raw_saved_<name>``: one saved tensor of a node, to give its own pack/unpack pair.

    ``register_hooks(pack, unpack)`` packs the tensor at once; backward (and ``_saved_<name>``) unpack it."""
    __slots__ = ("_node", "_index")

    def __init__(self, node, index):
        self._node, self._index = node, index

    def register_hooks(self, pack_hook, unpack_hook):
        if not (callable(pack_hook) and callable(unpack_hook)):
            raise TypeError("register_hooks(): incompatible function arguments. The following argument types "
                            "are supported:\n    1. (self: torch._C._autograd.SavedTensor, arg0: "
                            "collections.abc.Callable, arg1: collections.abc.Callable) -> None")
        node, i = self._node, self._index
        items = node._saved
        if items is None:
            raise RuntimeError(
                "Calling register_hooks on a saved tensor after it has been freed. Saved intermediate values "
                "of the graph are freed when you call .backward() or autograd.grad(). Specify retain_graph=True "
                "if you need to backward through the graph a second time or if you need to access saved "
                "variables after calling backward.")
        x = items[i]
        if x.__class__ is Packed:
            raise RuntimeError("Calling register_hooks on a saved tensor whose hooks have already been set. "
                               "Hint: only one pair of hooks is allowed at a time.")
        # the hook gets the saved data without its autograd history, as torch's SavedVariable holds it
        packed = Packed(pack_checked(pack_hook, x.detach()), unpack_hook)
        node._saved = tuple(items[:i]) + (packed,) + tuple(items[i + 1:])
        versions = list(node._versions)
        versions[i] = None
        node._versions = tuple(versions)

    def __repr__(self):
        return f"<torch._C._autograd.SavedTensor object at {hex(id(self))}>"


class saved_tensors_hooks:
    """Context manager: ``pack(tensor) -> anything`` on save, ``unpack(anything) -> tensor`` on use."""

    def __init__(self, pack_hook, unpack_hook):
        self.pack_hook, self.unpack_hook = pack_hook, unpack_hook

    def __enter__(self):
        if _DISABLED:
            raise RuntimeError(_DISABLED[-1])
        STACK.append((self.pack_hook, self.unpack_hook))
        return self

    def __exit__(self, *exc):
        STACK.pop()


class save_on_cpu(saved_tensors_hooks):
    """torch moves saved tensors to (pinned) CPU memory; glasstorch is always on the CPU."""

    def __init__(self, pin_memory=False, device_type="cuda"):
        super().__init__(lambda t: t, lambda t: t)


class disable_saved_tensors_hooks:
    """Inside the block, entering ``saved_tensors_hooks`` raises ``RuntimeError(error_message)``."""

    def __init__(self, error_message):
        self.error_message = error_message

    def __enter__(self):
        _DISABLED.append(self.error_message)
        return self

    def __exit__(self, *exc):
        _DISABLED.pop()
