"""Random draws under ``vmap(..., randomness="different")``.

torch's vmap runs the function once on a BatchedTensor, so a random op inside it fills one tensor of shape
``(batch, *shape)`` in a single draw: ``torch.randn(4)`` over a batch of 5 is ``randn(5, 4)`` (20 values, the
vectorized normal path, not five scalar-path draws of 4), and two random ops draw one after the other over
the whole batch, not interleaved entry by entry.  glasstorch's vmap is a loop over the batch entries
(``_vmap.py``); here the generator's samplers, while such a loop runs, draw for the whole batch (or chunk, with
``chunk_size``: torch draws per chunk) at the first entry and hand each later entry its row of that draw.

The k-th random call of entry i takes row i of the k-th draw of the chunk's first entry: the entries run the
same ops in the same order (torch traces once).  Ops whose draws depend on the values (randperm, multinomial,
poisson) still draw entry by entry.  Nested vmaps batch only over the innermost one."""
import functools
import inspect

import numpy as np

STACK = []      # one Draws per running vmap with randomness="different", innermost last


class Draws:
    """The batched draws of one vmap: ``begin(i)`` before entry i runs."""

    def __init__(self, n, chunk_size=None):
        self.n, self.chunk = n, chunk_size or max(n, 1)
        self.rows = 0           # entries in the current chunk
        self.row = 0            # this entry's row in it
        self.calls = []         # (sampler name, batched result) in draw order, for the current chunk
        self.k = 0              # the next call's position in ``calls``
        self.busy = False       # inside a sampler (which may call others): those draw as they are

    def begin(self, i):
        if i % self.chunk == 0:
            self.calls, self.rows = [], max(min(self.chunk, self.n - i), 0)
        self.row, self.k = i % self.chunk, 0


def _shape(shape):
    return (int(shape),) if isinstance(shape, (int, np.integer)) else tuple(int(s) for s in shape)


def _take(d, name, draw):
    """Row ``d.row`` of this call's batched draw: drawn (by ``draw(rows)``) at a chunk's first entry."""
    if d.row == 0:
        d.busy = True
        try:
            full = draw(d.rows)
        finally:
            d.busy = False
        if d.rows == 0:     # an empty batch draws nothing; its one run (for the shapes) gets zeros
            return np.zeros(full.shape[1:], full.dtype)
        d.calls.append((name, full))
    elif d.k >= len(d.calls) or d.calls[d.k][0] != name:
        return None         # this entry's random ops are not the first entry's: draw on its own
    out = d.calls[d.k][1][d.row]
    d.k += 1
    return out


def batched(method):
    """A ``Generator`` sampler with a ``shape`` argument (and ``out`` for normal): under a "different" vmap it
    returns this entry's row of one draw of shape ``(rows, *shape)``."""
    sig = inspect.signature(method)

    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        if not STACK or STACK[-1].busy:
            return method(self, *args, **kwargs)
        d = STACK[-1]
        bound = sig.bind(self, *args, **kwargs)
        shape = _shape(bound.arguments["shape"])
        out = bound.arguments.pop("out", None)

        def draw(rows):
            bound.arguments["shape"] = (rows,) + shape
            return method(*bound.args, **bound.kwargs)

        piece = _take(d, method.__name__, draw)
        if piece is None:
            bound.arguments["shape"] = shape
            if out is not None:
                bound.arguments["out"] = out
            return method(*bound.args, **bound.kwargs)
        if out is not None:
            out[...] = piece
            return out
        return piece.copy()
    return wrapper


def batched_probs(method):
    """``bernoulli_probs(probs, dtype)``: torch draws one uniform per element of the batched probs."""

    @functools.wraps(method)
    def wrapper(self, probs, dtype=None):
        if not STACK or STACK[-1].busy:
            return method(self, probs, dtype)
        probs = np.asarray(probs)
        kind = np.float64 if probs.dtype == np.float64 else np.float32
        u = _take(STACK[-1], method.__name__,
                  lambda rows: self._uniform01(rows * probs.size, kind).reshape((rows,) + probs.shape))
        if u is None:
            return method(self, probs, dtype)
        return (u < probs.astype(kind, copy=False)).astype(probs.dtype if dtype is None else dtype)
    return wrapper
