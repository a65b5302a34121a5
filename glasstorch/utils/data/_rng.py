"""The generator behind a ``generator=`` argument, and the draws samplers make from it."""
import numpy as np

from ..._generator import np_generator


def fresh_generator(seed):
    """``g = torch.Generator(); g.manual_seed(seed)``."""
    from ... import _generator as G
    g = G.Generator()
    g.manual_seed(seed)
    return g


def random_int64(gen):
    """``torch.empty((), dtype=torch.int64).random_(generator=gen).item()``: one random64() draw."""
    return int(np_generator(gen).random_((), np.int64))
