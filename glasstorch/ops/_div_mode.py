"""``div(a, b, rounding_mode=None)`` written out: torch's ``div.Tensor_mode`` overload.

torch binds a call that passes ``rounding_mode`` at all, None included, to ``div.Tensor_mode``, whose
node is ``DivBackward2`` (saving the mode; ops/arithmetic.py) even for true division; only a call without
the keyword is ``div.Tensor`` (``DivBackward0``).  glasstorch's ``div`` family takes ``UNSET`` as its
default to tell the two apart.
"""


class _Unset:
    """The default of ``rounding_mode``: not given (reads as None)."""
    __slots__ = ()

    def __repr__(self):
        return "None"

    def __bool__(self):
        return False


UNSET = _Unset()

