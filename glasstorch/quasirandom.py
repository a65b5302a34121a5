"""``torch.quasirandom.SobolEngine``: (scrambled) Sobol low-discrepancy sequences.

Each dimension d has 30 direction numbers V[d, k] (30-bit integers).  Point i of the sequence is the
XOR of the V[d, k] picked by the bits of i's Gray code; drawing in order, point i+1 is point i XOR
V[d, c] with c the position of the lowest zero bit of i.  The value is the integer over 2**30.

    dimension 1:  m_k = 1;   dimension d > 1, primitive polynomial of degree s with inner bits a_j:
    m_k = m_(k-s) XOR 2**s m_(k-s) XOR sum_j 2**j a_j m_(k-j)  (k > s),   V[d, k] = m_k << (30 - k)

Scrambling (as torch's): a random digital shift (30 random bits per dimension) and, per dimension,
a random lower-triangular binary matrix L (unit diagonal whatever L's diagonal holds) applied to
the bits of every direction number, most significant bit first: out bit (29-p) = in bit (29-p) XOR
sum_(q<p) L[p, q] in bit (29-q)  (mod 2).  The random bits come from ``torch.randint(2, ...)``
with a generator seeded by ``seed``, shift first, then L, as torch draws them.
Only dimensions up to 201 are tabulated here (torch has 21201)."""
import numpy as np

from . import _sobol_data

_MAXBIT = 30
_MAXDIM = 21201


def _direction_numbers(dimension):
    """The (dimension, 30) int64 table of V[d, k] (torch's ``_sobol_engine_initialize_state_``)."""
    table = _sobol_data.entries()
    if dimension > len(table) + 1:
        raise NotImplementedError(f"SobolEngine: glasstorch tabulates direction numbers for dimensions up to "
                                  f"{len(table) + 1} (torch: {_MAXDIM}); got dimension={dimension}")
    m = np.ones((dimension, _MAXBIT), np.int64)
    for d in range(1, dimension):
        poly, init = table[d - 1]
        s = poly.bit_length() - 1
        m[d, :s] = init
        for k in range(s, _MAXBIT):
            new = m[d, k - s] ^ (m[d, k - s] << s)
            for j in range(1, s):
                if (poly >> (s - j)) & 1:
                    new ^= m[d, k - j] << j
            m[d, k] = new
    return m << np.arange(_MAXBIT - 1, -1, -1, dtype=np.int64)


def _scramble_numbers(v, ltm):
    """Apply each dimension's lower-triangular bit matrix to its direction numbers (see above)."""
    bits = (v[:, :, None] >> np.arange(_MAXBIT - 1, -1, -1, dtype=np.int64)) & 1     # (dim, 30, 30): msb first
    lower = np.tril(ltm, -1)
    flips = np.einsum("dpq,dkq->dkp", lower, bits) & 1                                 # parity of L[p, :p] . bits
    out = bits ^ flips
    return (out << np.arange(_MAXBIT - 1, -1, -1, dtype=np.int64)).sum(-1)


def _lowest_zero_bit(n):
    c = 0
    while (n >> c) & 1:
        c += 1
    return c


def _advance(quasi, sobolstate, n, num_generated, keep=False):
    """n Gray-code steps from index ``num_generated``; the n states (rows) if ``keep``."""
    rows = []
    for i in range(n):
        quasi = quasi ^ sobolstate[:, _lowest_zero_bit(num_generated + i)]
        if keep:
            rows.append(quasi)
    return quasi, (np.stack(rows) if rows else np.zeros((0, sobolstate.shape[0]), np.int64))


class SobolEngine:
    r"""An engine for (scrambled) Sobol sequences, as ``torch.quasirandom.SobolEngine``.

    Args:
        dimension (Int): The dimensionality of the sequence to be drawn
        scramble (bool, optional): Setting this to ``True`` will produce scrambled Sobol sequences.
        seed (Int, optional): This is the seed for the scrambling.
    """

    MAXBIT = _MAXBIT
    MAXDIM = _MAXDIM

    def __init__(self, dimension, scramble=False, seed=None):
        import glasstorch as torch
        if dimension > self.MAXDIM or dimension < 1:
            raise ValueError("Supported range of dimensionality "
                             f"for SobolEngine is [1, {self.MAXDIM}]")
        self.seed = seed
        self.scramble = scramble
        self.dimension = dimension
        self.sobolstate = torch.from_numpy(_direction_numbers(dimension))
        if not self.scramble:
            self.shift = torch.zeros(self.dimension, dtype=torch.long)
        else:
            self._scramble()
        self.quasi = self.shift.clone(memory_format=torch.contiguous_format)
        self._first_point = (self.quasi / 2 ** self.MAXBIT).reshape(1, -1)
        self.num_generated = 0

    def _scramble(self):
        import glasstorch as torch
        g = None
        if self.seed is not None:
            g = torch.Generator()
            g.manual_seed(self.seed)
        shift_ints = torch.randint(2, (self.dimension, self.MAXBIT), generator=g)
        self.shift = torch.mv(shift_ints, torch.pow(2, torch.arange(0, self.MAXBIT)))
        ltm = torch.randint(2, (self.dimension, self.MAXBIT, self.MAXBIT), generator=g).tril()
        self.sobolstate = torch.from_numpy(_scramble_numbers(self.sobolstate.numpy(), ltm.numpy()))

    def _draw(self, n, start, dtype):
        import glasstorch as torch
        if n < 0:   # torch allocates the (n, dimension) result first (a fresh engine's draw(0) asks for -1 rows)
            raise RuntimeError(f"Trying to create tensor with negative dimension {n}: [{n}, {self.dimension}]")
        quasi, rows = _advance(self.quasi.numpy(), self.sobolstate.numpy(), n, start, keep=True)
        self.quasi = torch.from_numpy(quasi.copy())
        return torch.from_numpy(rows).to(dtype) * (1.0 / 2 ** self.MAXBIT)

    def draw(self, n=1, out=None, dtype=None):
        r"""Draw a sequence of ``n`` points (an ``(n, dimension)`` tensor); later draws continue it."""
        import glasstorch as torch
        if dtype is None:
            dtype = torch.get_default_dtype()
        if self.num_generated == 0:
            if n == 1:
                result = self._first_point.to(dtype)
            else:
                result = torch.cat((self._first_point.to(dtype), self._draw(n - 1, 0, dtype)), dim=-2)
        else:
            result = self._draw(n, self.num_generated - 1, dtype)
        self.num_generated += n
        if out is not None:
            out.resize_as_(result).copy_(result)
            return out
        return result

    def draw_base2(self, m, out=None, dtype=None):
        r"""Draw ``2**m`` points (the balance properties of Sobol' points need powers of 2)."""
        n = 2 ** m
        total_n = self.num_generated + n
        if not (total_n & (total_n - 1) == 0):
            raise ValueError("The balance properties of Sobol' points require "
                             f"n to be a power of 2. {self.num_generated} points have been "
                             f"previously generated, then: n={self.num_generated}+2**{m}={total_n}. "
                             "If you still want to do this, please use "
                             "'SobolEngine.draw()' instead.")
        return self.draw(n=n, out=out, dtype=dtype)

    def reset(self):
        r"""Reset the engine to its base state."""
        self.quasi.copy_(self.shift)
        self.num_generated = 0
        return self

    def fast_forward(self, n):
        r"""Skip ``n`` points, as drawing them would."""
        import glasstorch as torch
        if self.num_generated == 0:
            quasi, _ = _advance(self.quasi.numpy(), self.sobolstate.numpy(), n - 1, 0)
        else:
            quasi, _ = _advance(self.quasi.numpy(), self.sobolstate.numpy(), n, self.num_generated - 1)
        self.quasi = torch.from_numpy(np.array(quasi, np.int64))
        self.num_generated += n
        return self

    def __repr__(self):
        fmt_string = [f"dimension={self.dimension}"]
        if self.scramble:
            fmt_string += ["scramble=True"]
        if self.seed is not None:
            fmt_string += [f"seed={self.seed}"]
        return self.__class__.__name__ + "(" + ", ".join(fmt_string) + ")"
