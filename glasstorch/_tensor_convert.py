"""The Tensor methods that move a tensor to another device or dtype (``to``, ``float``, ``cpu`` ...),
and those that turn it into Python values (``item``, ``tolist``, ``float(t)``, ``bool(t)``, ``len``).

Kept out of ``_tensor.py`` so each file stays short; ``Tensor`` inherits them.  glasstorch
computes on the CPU only: ``cpu()`` is the tensor itself, ``cuda()``/``mps()`` raise the errors a
CPU-only torch build raises.
"""
from . import _dtype as _dt
from ._arg_refuse import not_a_tensor
from . import _jit_state
from ._vmap_dynamic import note


class TensorConvert:
    __slots__ = ()

    def to(self, *args, **kwargs):
        from .ops.conversion import to
        from ._to_args_check import checked_to_args
        # torch's parser refuses what none of its three overloads takes (requires_grad=..., non_blocking=1)
        args, kwargs = checked_to_args(args, kwargs)
        return to(self, *args, **kwargs)

    def cpu(self, memory_format=None):
        if self._is_meta:
            from ._meta import no_data_error
            raise no_data_error()
        return self

    # (torch's Tensor has no mps(): .to("mps") is the way there)
    from ._accel_moves import tensor_method as _moved
    cuda, xpu, ipu, mtia = _moved("cuda"), _moved("xpu"), _moved("ipu"), _moved("mtia")
    del _moved

    def pin_memory(self, device=None):
        # as a CPU-only torch build: there is no accelerator to pin memory for
        if device is not None and str(device) == "cpu":
            raise RuntimeError("CPU device type not an accelerator.")
        raise RuntimeError("Cannot access accelerator device when none is available.")

    def is_pinned(self, device=None):
        return False

    def share_memory_(self):
        from ._shared_memory import share_
        return share_(self)

    def is_shared(self):
        from ._shared_memory import is_shared
        return is_shared(self._data)

    def float(self, memory_format=None):
        return self.to(_dt.float32)

    def double(self, memory_format=None):
        return self.to(_dt.float64)

    def half(self, memory_format=None):
        return self.to(_dt.float16)

    def long(self, memory_format=None):
        return self.to(_dt.int64)

    def int(self, memory_format=None):
        return self.to(_dt.int32)

    def short(self, memory_format=None):
        return self.to(_dt.int16)

    def char(self, memory_format=None):
        return self.to(_dt.int8)

    def byte(self, memory_format=None):
        return self.to(_dt.uint8)

    def bool(self, memory_format=None):
        return self.to(_dt.bool_)

    def cfloat(self, memory_format=None):
        return self.to(_dt.complex64)

    def cdouble(self, memory_format=None):
        return self.to(_dt.complex128)

    def bfloat16(self, memory_format=None):
        raise TypeError("glasstorch does not support dtype torch.bfloat16 yet")

    def type(self, dtype=None, non_blocking=False, **kwargs):
        unexpected = next((k for k in kwargs if k not in ("async", "memory_format")), None)
        if unexpected is not None:      # torch's parser takes the legacy ``async`` and memory_format only
            raise TypeError(f"type() got an unexpected keyword argument '{unexpected}'")
        from .ops.conversion import legacy_type
        return legacy_type(self, dtype)

    def type_as(self, other):
        try:
            dt = other.dtype
        except AttributeError:          # not a tensor: torch's parser error
            not_a_tensor()
        if dt.__class__ is not self.dtype.__class__:     # an ndarray's dtype: torch's parser error
            from ._arg_refuse import refuse
            refuse()
        return self.to(dt)

    # ---- Python values ----------------------------------------------------------------------------
    def item(self):
        d = self._data
        if d.size != 1:
            raise RuntimeError(f"a Tensor with {d.size} elements cannot be converted to Scalar")
        if self._is_meta:
            raise RuntimeError("Tensor.item() cannot be called on meta tensors")
        if _jit_state.mode == "record":
            _jit_state.warn_conversion("number")
        note("item", self)
        return d.reshape(()).item()

    def tolist(self):
        if self._is_meta:
            from ._meta import no_data_error
            raise no_data_error()
        if _jit_state.mode == "record":
            _jit_state.warn_conversion("list")
        note("data", self)
        return self._data.tolist()

    def __len__(self):
        if self._data.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return self._data.shape[0]

    def __iter__(self):
        if self._data.ndim == 0:
            raise TypeError("iteration over a 0-d tensor")
        return iter(self.unbind(0))

    def __reversed__(self):
        """reversed(t): torch's answer is a tensor, t flipped along dim 0 (a 0-d tensor itself), not an iterator."""
        return self if self._data.ndim == 0 else self.flip(0)

    def __bool__(self):
        d = self._data
        if d.size != 1:
            raise RuntimeError(f"Boolean value of Tensor with {'no values' if d.size == 0 else 'more than one value'}"
                               f" is ambiguous")
        if self._is_meta:
            raise RuntimeError("Tensor.item() cannot be called on meta tensors")
        if _jit_state.mode == "record":
            _jit_state.warn_conversion("boolean")
        note("bool", self)
        return bool(d.reshape(()))

    def _one_element(self):
        if self._data.size != 1:
            raise ValueError("only one element tensors can be converted to Python scalars")

    def _scalar(self, kind):
        """The one element as a Python number, for ``float(t)``, ``int(t)``, ``complex(t)``."""
        self._one_element()
        if self._is_meta:
            raise RuntimeError("Tensor.item() cannot be called on meta tensors")
        if _jit_state.mode == "record":
            _jit_state.warn_conversion(kind)
        note("item", self)
        return self._data.reshape(()).item()

    def __float__(self):
        value = self._scalar("float")
        if self._rg:
            warn_grad_to_scalar()
        try:
            return float(value)
        except TypeError:                 # a complex value: torch takes its real part if exactly real
            from .ops.complex_ops2 import complex_to_number
            return complex_to_number(value, float)

    def __int__(self):
        value = self._scalar("integer")
        try:
            return int(value)
        except TypeError:
            from .ops.complex_ops2 import complex_to_number
            return complex_to_number(value, int)

    def __index__(self):
        if self._data.dtype.kind not in "biu" or self._data.size != 1:
            raise TypeError("only integer tensors of a single element can be converted to an index")
        return int(self._data.reshape(()))

    def __complex__(self):
        value = self._scalar("complex")
        if self._rg:
            warn_grad_to_scalar()
        return complex(value)


_GRAD_SCALAR_WARNED = [False]


def warn_grad_to_scalar():
    """torch's warning (once, as TORCH_WARN_ONCE) when ``float()`` or ``complex()`` reads a tensor that
    requires grad -- only while grad mode is on: under ``no_grad`` (LBFGS's step, metric code) it is silent."""
    from ._api_more import _WARN_ALWAYS
    from .autograd.grad_mode import GRAD
    if _jit_state.scripting:            # TorchScript's float(t) is an op of its own: no warning
        return
    if GRAD.enabled and (not _GRAD_SCALAR_WARNED[0] or _WARN_ALWAYS[0]):
        _GRAD_SCALAR_WARNED[0] = True
        from ._user_warning import warn_at_caller
        warn_at_caller("Converting a tensor with requires_grad=True to a scalar may lead to unexpected behavior.\n"
                       "Consider using tensor.detach() first. (Triggered internally at "
                       "/__w/pytorch/pytorch/torch/csrc/autograd/generated/python_variable_methods.cpp:822.)")
