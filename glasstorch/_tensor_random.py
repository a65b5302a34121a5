"""The random in-place methods of ``Tensor`` (``uniform_``, ``normal_``, ``bernoulli_`` ...)."""


class TensorRandom:
    __slots__ = ()
