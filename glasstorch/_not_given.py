"""Defaults that stand for "not passed" where torch picks a different overload when an argument is
given at all, even at its default value (``x.round()`` vs ``x.round(decimals=0)``)."""


class _NotGiven(int):
    """0, but telling torch's two ``round`` overloads apart: an integer tensor comes back unchanged
    from round(Tensor), while round(Tensor, *, decimals) refuses it even for decimals=0."""

    def __repr__(self):
        return "0"


NO_DECIMALS = _NotGiven(0)
