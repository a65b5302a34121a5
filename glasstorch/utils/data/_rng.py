"""The generator behind a ``generator=`` argument, and the draws samplers make from it."""
import numpy as np


def np_generator(gen):
    """The bit-exact NumPy-backed generator for ``gen`` (None: the global default)."""
    from ... import _generator as G
    if gen is None:
        return G.default_generator
    if isinstance(gen, G.Generator):
        return gen
    for attr in ("_gen", "_generator", "_impl"):
        inner = getattr(gen, attr, None)
        if isinstance(inner, G.Generator):
            return inner
    return gen


def fresh_generator(seed):
    """``g = torch.Generator(); g.manual_seed(seed)``."""
    from ... import _generator as G
    g = G.Generator()
    g.manual_seed(seed)
    return g


def random_int64(gen):
    """``torch.empty((), dtype=torch.int64).random_(generator=gen).item()``: one random64() draw."""
    return int(np_generator(gen).random_((), np.int64))
