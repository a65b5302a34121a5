"""``div(a, b, rounding_mode=None)`` written out: torch's ``div.Tensor_mode`` overload.

torch binds a call that passes ``rounding_mode`` at all, None included, to ``div.Tensor_mode``, whose
node is ``DivBackward2`` (saving the mode) even for true division; only a call without the keyword is
``div.Tensor`` (``DivBackward0``).  glasstorch's ``div`` family takes ``UNSET`` as its default to tell
the two apart.
"""
from ..autograd.graph import Node


class _Unset:
    """The default of ``rounding_mode``: not given (reads as None)."""
    __slots__ = ()

    def __repr__(self):
        return "None"

    def __bool__(self):
        return False


UNSET = _Unset()


class DivBackward2(Node):
    """z = a / b (rounding_mode=None given)   ->   da = g / b,   db = -g * (a / b) / b"""
    __slots__ = ()
    _saved_names = ("other", "self")
    _saved_rounding_mode = None

    def backward(self, g):
        other, self_ = self.saved()
        da = None if other is None else g / other
        db = None if self_ is None else -g * ((self_ / other) / other)
        return da, db
