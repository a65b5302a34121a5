"""``torch.autocast``: accepted wherever it ends up disabled, refused where it would cast.

A disabled region (``enabled=False``, CUDA asked for on this CPU-only build, or a dtype the CPU
cannot autocast to) behaves exactly as in torch: ops run in their own dtypes.  An *enabled* CPU
region would make torch run matmuls and convolutions in float16/bfloat16; glasstorch does not
implement that casting, so entering such a region raises NotImplementedError instead of silently
computing in float32."""
import functools
import warnings

from . import _state
from ._state import STATE


class autocast:
    def __init__(self, device_type, dtype=None, enabled=True, cache_enabled=None):
        from .. import _dtype
        if not isinstance(device_type, str):
            raise ValueError(f"Expected `device_type` of type `str`, got: `{type(device_type)}`")
        self.fast_dtype = _state.get_autocast_dtype(device_type) if dtype is None else dtype
        self.device = device_type
        if not is_autocast_available(device_type):
            raise RuntimeError(f"User specified an unsupported autocast device_type '{device_type}'")
        if device_type == "privateuseone":
            # no out-of-tree backend ever registers its module here
            raise AssertionError("Tried to use AMP with the `privateuseone` backend, but the backend has not "
                                 "registered a module or  the module miss some necessary funcs. The backend should "
                                 "register a module by `torch._register_device_module`, and the module must have "
                                 "these funcs: \n`get_amp_supported_dtype() -> List[torch.dtype]`. \n")
        self._cache_enabled = _state.is_autocast_cache_enabled() if cache_enabled is None else cache_enabled
        if enabled:
            # torch compares the string itself: "cuda:0" is not disabled here, nor checked for its dtype
            if device_type == "cuda":
                # what a CPU-only torch does
                warnings.warn("CUDA is not available or torch_xla is imported. Disabling autocast.", stacklevel=2)
                enabled = False
            elif self.fast_dtype not in (_dtype.bfloat16, _dtype.float16):
                name = device_type.upper()
                warnings.warn(f"In {name} autocast, but the target dtype is not supported. Disabling autocast.\n"
                              f"{name} Autocast only supports dtypes of torch.bfloat16, torch.float16 currently.",
                              stacklevel=2)
                enabled = False
        self._enabled = enabled

    def __enter__(self):
        # an enabled region of another device type casts nothing on the CPU, in torch as here
        if self._enabled is True and _state._device_type(self.device) == "cpu":
            raise NotImplementedError(
                f"glasstorch does not implement autocast's lower-precision casting (device_type='{self.device}', "
                f"dtype={self.fast_dtype}); run the region with enabled=False, or cast the model and inputs "
                f"yourself (model.half())")
        self.prev_cache = STATE.cache
        self.prev = _state.is_autocast_enabled(self.device)
        self.prev_dtype = _state.get_autocast_dtype(self.device)
        _state.set_autocast_enabled(self.device, self._enabled)
        _state.set_autocast_dtype(self.device, self.fast_dtype)
        STATE.nesting += 1
        _state.set_autocast_cache_enabled(self._cache_enabled)
        return self

    def __exit__(self, *exc):
        STATE.nesting -= 1
        _state.set_autocast_enabled(self.device, self.prev)
        _state.set_autocast_dtype(self.device, self.prev_dtype)
        STATE.cache = self.prev_cache
        return False

    def __call__(self, func):
        @functools.wraps(func)
        def decorated(*args, **kwargs):
            with self.__class__(self.device, self.fast_dtype, self._enabled, self._cache_enabled):
                return func(*args, **kwargs)
        return decorated


def is_autocast_available(device_type):
    """torch._C._is_autocast_available: whether autocast keeps a state for the type of this device string."""
    if not isinstance(device_type, str):
        raise TypeError(f"_is_autocast_available(): argument 'device_type' (position 1) must be str, not "
                        f"{type(device_type).__name__}")
    return _state._device_type(device_type) in _state._SUPPORTED


def custom_fwd(fwd=None, *, device_type, cast_inputs=None):
    """Decorator for a custom Function's forward; with no autocast region there is nothing to do."""
    if fwd is None:
        return functools.partial(custom_fwd, device_type=device_type, cast_inputs=cast_inputs)
    return fwd


def custom_bwd(bwd=None, *, device_type):
    if bwd is None:
        return functools.partial(custom_bwd, device_type=device_type)
    return bwd


__all__ = ["autocast", "is_autocast_available", "custom_fwd", "custom_bwd"]
