"""Tensor operators decline an operand they cannot take, as torch's do.

torch wraps its binary operators so that a TypeError inside becomes ``NotImplemented``: Python then
tries the other operand's reflected method, and for ``*`` a sequence's repetition, which reads an
integer tensor through ``__index__`` (``[pad_id] * (max_len - length)`` with a 0-d length tensor,
``"ab" * t``); with no taker Python raises its own message ("unsupported operand type(s) for +:
'Tensor' and 'list'").  The hot ``+ - * /`` decline inside ``ops._common.fast_operator`` instead, to
keep them one Python frame.
"""
import functools

# the operators torch wraps (C methods of TensorBase and the Python ones of torch/_tensor.py)
_NAMES = ("__radd__", "__iadd__", "__rsub__", "__isub__", "__rmul__", "__imul__", "__rtruediv__",
          "__itruediv__", "__floordiv__", "__rfloordiv__", "__ifloordiv__", "__pow__", "__rpow__", "__ipow__",
          "__mod__", "__rmod__", "__imod__", "__lt__", "__le__", "__gt__", "__ge__",
          "__and__", "__rand__", "__iand__", "__or__", "__ror__", "__ior__", "__xor__", "__rxor__", "__ixor__",
          "__lshift__", "__rshift__", "__rlshift__", "__rrshift__", "__ilshift__", "__irshift__",
          "__matmul__", "__rmatmul__")


def _declining(method):
    @functools.wraps(method)
    def operator(self, other):
        try:
            return method(self, other)
        except TypeError:
            return NotImplemented
    return operator


def install(cls):
    """Wrap ``cls``'s operators (as its MRO resolves them) so that a TypeError declines the operand."""
    for name in _NAMES:
        setattr(cls, name, _declining(getattr(cls, name)))
