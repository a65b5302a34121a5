"""``torch.utils.checkpoint``: trade compute for memory by recomputing a block in backward.

    h = checkpoint(block, h, use_reentrant=False)

The tensors ``block`` would keep for its backward are not kept: they are recomputed, by running
``block`` again on the same inputs, when backward first needs one.  The global RNG is put back to
its state at forward time for the rerun (so dropout draws the same mask), and autocast to its
settings; afterwards the RNG continues as if nothing had been drawn.

Two variants, as in torch:
* ``use_reentrant=False`` (recommended): the block records its normal graph (``grad_fn`` names are
  the block's own ops), but every tensor saved for backward goes through ``saved_tensors_hooks``:
  the pack hook keeps only a position, the unpack hook reruns the block once and hands back the
  tensor saved at that position.
* ``use_reentrant=True`` (torch's default when the argument is left out, with a warning): the
  block runs under ``no_grad`` inside one custom Function, ``CheckpointFunction``; its backward
  reruns the block with grad on and calls ``autograd.backward`` from inside the backward pass.
  The output's ``grad_fn`` is ``CheckpointFunctionBackward``; if no input requires grad, nothing
  does, and the parameters inside get no gradient (torch's famous pitfall, kept).
"""
import contextlib
import warnings

from .. import random as _random
from ..amp._state import get_autocast_dtype, is_autocast_enabled
from ..amp.autocast_mode import autocast
from ..autograd.function import Function
from ..autograd.grad_mode import enable_grad, is_grad_enabled, no_grad
from ..autograd.graph_hooks import STACK as _HOOK_STACK, Packed, pack_checked, saved_tensors_hooks
from ._checkpoint_devices import DefaultDeviceType, get_device_states, set_device_states

__all__ = ["checkpoint", "checkpoint_sequential", "CheckpointError", "CheckpointFunction",
           "check_backward_validity", "detach_variable", "noop_context_fn", "set_checkpoint_early_stop",
           "set_checkpoint_debug_enabled", "get_device_states", "set_device_states", "DefaultDeviceType"]

_DEBUG_TIP = """
Tip: To see a more detailed error message, either pass `debug=True` to
`torch.utils.checkpoint.checkpoint(...)` or wrap the code block
with `with torch.utils.checkpoint.set_checkpoint_debug_enabled(True):` to
enable checkpoint\u2011debug mode globally.

If this error occurs under torch.compile with automatic_dynamic_shapes enabled,
it may be because the recomputation selected a different compiled graph than the
forward pass (e.g., a dynamic graph instead of the original static graph).
To fix this, either:
  - Use torch._dynamo.mark_dynamic() to explicitly mark varying dimensions as
    dynamic upfront, avoiding the static-to-dynamic transition.
  - Call torch._C._dynamo.eval_frame._set_lru_cache(False) to disable LRU cache
    reordering, which can change which graph is checked first between forward
    and recompute.
See https://github.com/pytorch/pytorch/issues/166926 for more details and
workaround examples.
"""
_DETERMINISM_CHECKS = ("default", "none")


class CheckpointError(RuntimeError):
    """The rerun of a checkpointed block did not save what the forward saved."""


def noop_context_fn():
    return contextlib.nullcontext(), contextlib.nullcontext()


def _is_tensor(x):
    from .._tensor import Tensor
    return isinstance(x, Tensor)


def detach_variable(inputs):
    """The tensors of a tuple detached (keeping ``requires_grad``); other items as they are."""
    if not isinstance(inputs, tuple):
        raise RuntimeError("Only tuple of tensors is supported. Got Unsupported input type: "
                           + type(inputs).__name__)
    out = []
    for x in inputs:
        if _is_tensor(x):
            rg = x.requires_grad
            x = x.detach()
            x.requires_grad = rg
        out.append(x)
    return tuple(out)


def check_backward_validity(inputs):
    if not any(_is_tensor(x) and x.requires_grad for x in inputs):
        warnings.warn("None of the inputs have requires_grad=True. Gradients will be None")


def _autocast_kwargs():
    return {"enabled": is_autocast_enabled("cpu"), "dtype": get_autocast_dtype("cpu")}


class CheckpointFunction(Function):
    """The reentrant variant: forward without a graph, backward reruns the block and backprops."""

    @staticmethod
    def forward(ctx, run_function, preserve_rng_state, *args):
        check_backward_validity(args)
        ctx.run_function = run_function
        ctx.preserve_rng_state = preserve_rng_state
        ctx.autocast_kwargs = _autocast_kwargs()
        if preserve_rng_state:
            ctx.fwd_cpu_state = _random.get_rng_state()
        # tensors go through save_for_backward (version-checked); other arguments stay on ctx
        ctx.inputs = [None if _is_tensor(a) else a for a in args]
        ctx.tensor_indices = [i for i, a in enumerate(args) if _is_tensor(a)]
        ctx.save_for_backward(*[a for a in args if _is_tensor(a)])
        with no_grad():
            return run_function(*args)

    @staticmethod
    def backward(ctx, *grads):
        from ..autograd import _is_checkpoint_valid, backward
        if not _is_checkpoint_valid():
            raise RuntimeError(
                "When use_reentrant=True, torch.utils.checkpoint is incompatible with .grad() or passing an "
                "`inputs` parameter to .backward(). To resolve this error, you can either set "
                "use_reentrant=False, or call .backward() without passing the `inputs` argument.")
        inputs = list(ctx.inputs)
        for i, t in zip(ctx.tensor_indices, ctx.saved_tensors):
            inputs[i] = t
        with _random.fork_rng(enabled=ctx.preserve_rng_state):
            if ctx.preserve_rng_state:
                _random.set_rng_state(ctx.fwd_cpu_state)
            detached = detach_variable(tuple(inputs))
            with enable_grad(), autocast("cpu", **ctx.autocast_kwargs):
                outputs = ctx.run_function(*detached)
        if _is_tensor(outputs):
            outputs = (outputs,)
        pairs = [(o, g) for o, g in zip(outputs, grads) if _is_tensor(o) and o.requires_grad]
        if not pairs:
            raise RuntimeError("none of output has requires_grad=True, this checkpoint() is not necessary")
        backward([o for o, _ in pairs], [g for _, g in pairs])
        return (None, None) + tuple(x.grad if _is_tensor(x) else None for x in detached)


# ---- the non-reentrant variant ----------------------------------------------------------------
_EARLY_STOP = [None]
_DEBUG = [None]


@contextlib.contextmanager
def set_checkpoint_early_stop(enable):
    """Within the block, whether a rerun stops as soon as every saved tensor is back (default True)."""
    prev, _EARLY_STOP[0] = _EARLY_STOP[0], enable
    try:
        yield
    finally:
        _EARLY_STOP[0] = prev


@contextlib.contextmanager
def set_checkpoint_debug_enabled(enabled):
    prev, _DEBUG[0] = _DEBUG[0], enabled
    try:
        yield
    finally:
        _DEBUG[0] = prev


def _meta(x):
    return {"shape": x.shape, "dtype": x.dtype, "device": x.device}


class _StopRecomputation(Exception):
    pass


class _Frame:
    """One checkpointed call: what was saved at forward (only metadata) and the rerun's tensors."""
    __slots__ = ("rerun", "check", "early_stop", "metas", "recomputed", "unpacked")

    def __init__(self, rerun, check, early_stop):
        self.rerun, self.check, self.early_stop = rerun, check, early_stop
        self.metas, self.recomputed, self.unpacked = [], None, 0

    def pack(self, x):
        self.metas.append(_meta(x) if self.check else None)
        return len(self.metas) - 1

    def unpack(self, i):
        if self.recomputed is None:
            self.recomputed = self._recompute()
        t = self.recomputed[i]
        self.unpacked += 1
        if self.unpacked >= len(self.metas):
            # every saved tensor has been used once: drop them, a later backward (retain_graph)
            # reruns the block with the parameters it then has, as torch does
            self.recomputed, self.unpacked = None, 0
        return t

    def _recompute(self):
        saved = []
        n = len(self.metas)

        def keep(x):
            saved.append(x)
            if self.early_stop and len(saved) == n:
                raise _StopRecomputation     # everything backward needs is back: skip the rest
            return x

        try:
            with saved_tensors_hooks(keep, lambda x: x):
                self.rerun()
        except _StopRecomputation:
            pass
        if len(saved) < n:
            raise CheckpointError(
                "torch.utils.checkpoint: A different number of tensors was saved during the original forward "
                f"and recomputation.\nNumber of tensors saved during forward: {n}\nNumber of tensors saved "
                f"during recomputation: {len(saved)}.\n{_DEBUG_TIP}")
        if self.check:
            bad = "".join(f"tensor at position {i}:\nsaved metadata: {m}\nrecomputed metadata: {_meta(x)}\n"
                          for i, (m, x) in enumerate(zip(self.metas, saved)) if m != _meta(x))
            if bad:
                raise CheckpointError("torch.utils.checkpoint: Recomputed values for the following tensors have "
                                      f"different metadata than during the forward pass.\n{bad}.\n{_DEBUG_TIP}")
        if len(saved) > n:
            raise CheckpointError(
                "torch.utils.checkpoint: trying to save more tensors during recomputation than during the "
                f"original forward pass.\n{_DEBUG_TIP}")
        return saved


def _save_inputs(args):
    """torch saves a checkpoint's tensor inputs for backward (its ``_NoopSaveInputs`` node), so the
    saved_tensors_hooks active at the call pack each one: [(position, Packed)], empty without hooks."""
    if not _HOOK_STACK:
        return []
    pack, unpack = _HOOK_STACK[-1]
    return [(i, Packed(pack_checked(pack, a), unpack)) for i, a in enumerate(args) if _is_tensor(a)]


def _without_reentrant(function, preserve, context_fn, determinism_check, early_stop, args, kwargs):
    if determinism_check not in _DETERMINISM_CHECKS:
        raise ValueError(f"determinism_check should be one of {list(_DETERMINISM_CHECKS)}, "
                         f"but got {determinism_check}")
    forward_context, recompute_context = context_fn()
    if not is_grad_enabled():
        with forward_context:
            return function(*args, **kwargs)
    cpu_state = _random.get_rng_state() if preserve else None
    amp_kwargs = _autocast_kwargs()
    inputs = detach_variable(tuple(args))
    saved_inputs = _save_inputs(args)

    def rerun():
        nonlocal inputs
        if saved_inputs:                 # torch keeps the inputs through the hooks active at the call
            unpacked = list(args)
            for i, p in saved_inputs:
                # torch's unpacked saved tensor keeps the original's autograd identity (requires_grad)
                unpacked[i] = p.unpack().detach().requires_grad_(args[i].requires_grad)
            inputs = tuple(unpacked)
        with _random.fork_rng(enabled=preserve):
            if preserve:
                _random.set_rng_state(cpu_state)
            with enable_grad(), autocast("cpu", **amp_kwargs), recompute_context:
                function(*inputs, **kwargs)

    frame = _Frame(rerun, determinism_check == "default", early_stop)
    with saved_tensors_hooks(frame.pack, frame.unpack), forward_context:
        return function(*args, **kwargs)


def checkpoint(function, *args, use_reentrant=None, context_fn=noop_context_fn, determinism_check="default",
               debug=False, early_stop=True, **kwargs):
    """Run ``function(*args, **kwargs)`` without keeping its activations; recompute them in backward."""
    if use_reentrant is None:
        warnings.warn(
            "torch.utils.checkpoint: the use_reentrant parameter should be passed explicitly. Starting in "
            "PyTorch 2.9, calling checkpoint without use_reentrant will raise an exception. use_reentrant=False "
            "is recommended, but if you need to preserve the current default behavior, you can pass "
            "use_reentrant=True. Refer to docs for more details on the differences between the two variants.",
            stacklevel=2)
        use_reentrant = True
    preserve = kwargs.pop("preserve_rng_state", True)
    if kwargs and use_reentrant:
        raise ValueError("Unexpected keyword arguments: " + ",".join(arg for arg in kwargs))
    if use_reentrant:
        if context_fn is not noop_context_fn or debug is not False:
            raise ValueError("Passing `context_fn` or `debug` is only supported when use_reentrant=False.")
        return CheckpointFunction.apply(function, preserve, *args)
    if (_DEBUG[0] if _DEBUG[0] is not None else debug) and context_fn is not noop_context_fn:
        raise ValueError("debug=True is incompatible with non-default context_fn")
    early_stop = _EARLY_STOP[0] if _EARLY_STOP[0] is not None else early_stop
    return _without_reentrant(function, preserve, context_fn, determinism_check, early_stop, args, kwargs)


def checkpoint_sequential(functions, segments, input, use_reentrant=None, **kwargs):
    """Split a Sequential (or list of modules) into ``segments`` chunks and checkpoint all but the last."""
    if use_reentrant is None:
        warnings.warn(
            "torch.utils.checkpoint.checkpoint_sequential: the use_reentrant parameter should be passed "
            "explicitly. In version 2.9 we will raise an exception if use_reentrant is not passed. "
            "use_reentrant=False is recommended, but if you need to preserve the current default behavior, "
            "you can pass use_reentrant=True. Refer to docs for more details on the differences between "
            "the two variants.", stacklevel=2)
        use_reentrant = True
    preserve = kwargs.pop("preserve_rng_state", True)
    if kwargs:
        raise ValueError("Unexpected keyword arguments: " + ",".join(arg for arg in kwargs))

    def run_function(start, end, functions):
        def forward(x):
            for j in range(start, end + 1):
                x = functions[j](x)
            return x
        return forward

    from ..nn import Sequential
    if isinstance(functions, Sequential):
        functions = list(functions.children())
    size = len(functions) // segments
    end = -1
    # the last segment runs normally: its activations are needed right away by backward
    for start in range(0, size * (segments - 1), size):
        end = start + size - 1
        input = checkpoint(run_function(start, end, functions), input, use_reentrant=use_reentrant,
                           preserve_rng_state=preserve)
    return run_function(end + 1, len(functions) - 1, functions)(input)
