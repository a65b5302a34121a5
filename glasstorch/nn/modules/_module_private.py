"""torch's private ``nn.Module`` members that code outside the class reaches for.

``dir(model)`` lists them (course notebooks print it), DataParallel-style code calls
``_replicate_for_data_parallel``, hook utilities call ``_get_backward_hooks``, and wrappers test
``_compiled_call_impl``.  They behave as torch's do on the CPU, without TorchScript tracing.
"""
from typing import Any, TypeVar

from ..._tensor import Tensor
from . import _hooks


def cast_floating(module, dtype):
    """``module.float()`` & co: every floating parameter and buffer to ``dtype``, others untouched."""
    return module._apply(lambda t: t.to(dtype) if t.is_floating_point() else t)


class PrivateAPI:
    T_destination = TypeVar("T_destination", bound=dict[str, Any])
    _compiled_call_impl = None       # set by torch.compile in torch; glasstorch never compiles

    def _wrapped_call_impl(self, *args, **kwargs):
        if self._compiled_call_impl is not None:
            return self._compiled_call_impl(*args, **kwargs)
        return self._call_impl(*args, **kwargs)

    def __getstate__(self):
        # torch's: the instance dict, less a compiled forward.  (Defining it also keeps pickle's
        # copyreg from caching ``__slotnames__`` on the layer's class, which dir() would then show.)
        state = self.__dict__.copy()
        state.pop("_compiled_call_impl", None)
        return state

    def _slow_forward(self, *input, **kwargs):
        # torch's tracing path; with no tracer active it is forward itself
        return self.forward(*input, **kwargs)

    def _get_backward_hooks(self):
        """(full backward hooks, non-full backward hooks), the global ones first."""
        full, non_full, _ = _hooks._backward_hooks(self)
        return full, non_full

    def _get_backward_pre_hooks(self):
        return _hooks._backward_hooks(self)[2]

    def _maybe_warn_non_full_backward_hook(self, inputs, result, grad_fn):
        if isinstance(inputs, Tensor):
            inputs = (inputs,)
        _hooks._maybe_warn_non_full(inputs, result, grad_fn)

    def _replicate_for_data_parallel(self):
        # a replica shares everything but holds no parameters of its own (they live on the original)
        replica = self.__new__(type(self))
        replica.__dict__ = self.__dict__.copy()
        replica._parameters = {}
        replica._buffers = replica._buffers.copy()
        replica._modules = replica._modules.copy()
        replica._is_replica = True
        return replica
