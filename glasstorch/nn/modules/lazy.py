"""``LazyModuleMixin``: modules whose parameter shapes are inferred from the first input.

The parameters start as ``UninitializedParameter``; a forward pre-hook calls the module's
``initialize_parameters(*input)`` on the first call, which materialises and initialises them (with
the generator's draws made at that moment, as torch does), then the hook removes itself and the
module becomes its ``cls_to_become`` (``LazyLinear`` -> ``Linear``).
"""
from ..parameter import UninitializedBuffer, UninitializedParameter

_UNINIT = (UninitializedParameter, UninitializedBuffer)

__all__ = ["LazyModuleMixin"]


class LazyModuleMixin:
    cls_to_become = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._load_hook = self._register_load_state_dict_pre_hook(self._lazy_load_hook)
        self._initialize_hook = self.register_forward_pre_hook(self._infer_parameters, with_kwargs=True)

    def _save_to_state_dict(self, destination, prefix, keep_vars):
        """Uninitialised tensors go in as they are (torch's ``<UninitializedParameter>``); no extra state."""
        for store, skip in ((self._parameters, ()), (self._buffers, self._non_persistent_buffers_set)):
            for name, t in store.items():
                if t is not None and name not in skip:
                    destination[prefix + name] = t if keep_vars or isinstance(t, _UNINIT) \
                        else t.detach()

    def _lazy_load_hook(self, state_dict, prefix, local_metadata, strict, missing_keys, unexpected_keys,
                        error_msgs):
        """Loading a materialised tensor into an uninitialised one first gives it the checkpoint's shape."""
        for name, t in list(self._parameters.items()) + list(self._buffers.items()):
            key = prefix + name
            if key in state_dict and t is not None and isinstance(t, _UNINIT):
                value = state_dict[key]
                if not isinstance(value, _UNINIT):
                    t.materialize(value.shape)

    def has_uninitialized_params(self):
        """Whether any parameter or buffer is still uninitialised."""
        for t in list(self._parameters.values()) + list(self._buffers.values()):
            if isinstance(t, _UNINIT):
                return True
        return False

    def initialize_parameters(self, *args, **kwargs):
        raise NotImplementedError(f"initialize_parameters is not implemented for {self.__class__.__name__}")

    def _infer_parameters(self, module, args, kwargs=None):
        kwargs = kwargs if kwargs else {}
        module.initialize_parameters(*args, **kwargs)
        if module.has_uninitialized_params():
            raise RuntimeError(f"module {self._get_name()} has not been fully initialized")
        module._initialize_hook.remove()
        module._load_hook.remove()
        delattr(module, "_initialize_hook")
        delattr(module, "_load_hook")
        if module.cls_to_become is not None:
            module.__class__ = module.cls_to_become
