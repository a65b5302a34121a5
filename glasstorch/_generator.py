"""torch's CPU random number generator, bit for bit, on NumPy arrays.

The engine is MT19937 (Matsumoto & Nishimura), seeded with the classic ``init_genrand``:

    state[0] = seed mod 2**32
    state[j] = (1812433253 * (state[j-1] ^ (state[j-1] >> 30)) + j) mod 2**32

NumPy's ``MT19937._legacy_seeding`` produces exactly this stream, so the raw 32-bit outputs
come from ``random_raw`` at C speed. torch builds everything from two draws:

    random()   = one 32-bit output
    random64() = (hi << 32) | lo, from two outputs, hi first

and every fill walks the tensor in memory order, one element after the other. Each producer
here returns a C-ordered array; for a non-contiguous tensor the caller writes it into the
storage positions in storage order (see ``normal`` for the one kernel whose *values* change).

Producers take ``shape`` (an int or a tuple) and a NumPy dtype. The distributions other than
uniform / normal / integers live in ``_rng_normal`` and ``_rng_extra``; this file holds the
engine, its state, and the uniform, integer, permutation and Bernoulli kernels.
"""

import operator
import os

import numpy as np

from glasstorch import _generator_extras, _rng_extra, _rng_normal
from glasstorch._rng_fma import fma64, fmaf
from glasstorch._vmap_random import batched, batched_probs

# A fresh torch.Generator() starts from this seed; the process-wide default one does not.
DEFAULT_SEED = 67280421310721

_MT_N = 624                      # MT19937 state words
_STATE_BYTES = 5056              # sizeof(CPUGeneratorImplState) in torch
_MASK24 = np.uint64(0xFFFFFF)
_MASK21 = np.uint64((1 << 21) - 1)
_32 = np.uint64(32)
_TWO_M24 = np.float32(2.0 ** -24)
_TWO_M53 = 2.0 ** -53

# > 0 while a vmap with randomness="error" runs its function: every draw then raises torch's error
VMAP_RANDOM_ERROR = [0]


def _size(shape):
    """Number of elements and the shape tuple of an int-or-tuple shape."""
    if isinstance(shape, (int, np.integer)):
        shape = (int(shape),)
    shape = tuple(int(s) for s in shape)
    return int(np.prod(shape, dtype=np.int64)), shape


class Generator:
    """A CPU generator with torch's stream, state layout and normal-sample cache.

    ``Generator()`` starts from seed 67280421310721, like ``torch.Generator()``. Every
    producer advances the stream exactly as the matching torch kernel does.
    """

    __slots__ = ("_engine", "_initial_seed", "_fresh", "_next_double_normal",
                 "_next_float_normal", "__weakref__")

    def __init__(self, seed=DEFAULT_SEED):
        self._engine = np.random.MT19937(0)
        self.manual_seed(seed)

    # ------------------------------------------------------------------ seeding and state

    def manual_seed(self, seed):
        """Seed like ``torch.manual_seed``: int(seed), negatives wrap modulo 2**64, only the
        low 32 bits reach MT19937, and both cached normal samples are dropped."""
        if isinstance(seed, (str, bytes)):
            raise RuntimeError(f"manual_seed expected a long, but got {type(seed).__name__}")
        seed = int(seed)
        if seed >= 2 ** 64 or seed < -(2 ** 63):
            raise ValueError("Overflow when unpacking long long")
        self._initial_seed = seed % 2 ** 64
        self._engine._legacy_seeding(self._initial_seed & 0xFFFFFFFF)
        self._fresh = True           # torch reports next=0 (not 624) until the first draw
        self._next_double_normal = None
        self._next_float_normal = None
        return self

    def seed(self):
        """Re-seed from the OS entropy pool (64 bits, as torch) and return the new seed."""
        s = int.from_bytes(os.urandom(8), "little")
        self.manual_seed(s)
        return s

    def initial_seed(self):
        """The seed last given to ``manual_seed`` / ``seed`` (as an unsigned 64-bit int)."""
        return self._initial_seed

    def get_state(self):
        return self._get_state_np()

    def set_state(self, new_state):
        return self._set_state_np(new_state)

    def _get_state_np(self):
        """The state as 5056 uint8 values in torch's ``CPUGeneratorImplState`` layout, so it
        can be passed to ``torch.set_rng_state`` and back (little-endian x86-64):

            offset    0  uint64  initial seed
                      8  int32   left   (draws before the next twist, plus one)
                     12  int32   seeded (1)
                     16  uint64  next   (index of the next state word)
                     24  uint64  state[624]   (32-bit words widened)
                   5016  double  normal_x (unused, 0)
                   5024  double  normal_y (the cached double normal sample)
                   5032  double  normal_rho (unused, 0)
                   5040  int32   normal_is_valid
                   5048  float   cached float normal sample
                   5052  bool    its valid flag; padding bytes are zero
        """
        st = self._engine.state["state"]
        pos = int(st["pos"])
        nxt = 0 if self._fresh else pos
        left = 625 - pos
        buf = bytearray(_STATE_BYTES)
        buf[0:8] = self._initial_seed.to_bytes(8, "little")
        buf[8:12] = left.to_bytes(4, "little", signed=True)
        buf[12:16] = (1).to_bytes(4, "little", signed=True)
        buf[16:24] = nxt.to_bytes(8, "little")
        buf[24:24 + 8 * _MT_N] = np.asarray(st["key"], dtype="<u8").tobytes()
        if self._next_double_normal is not None:
            buf[5024:5032] = np.float64(self._next_double_normal).astype("<f8").tobytes()
            buf[5040:5044] = (1).to_bytes(4, "little")
        if self._next_float_normal is not None:
            buf[5048:5052] = np.float32(self._next_float_normal).astype("<f4").tobytes()
            buf[5052] = 1
        return np.frombuffer(bytes(buf), dtype=np.uint8).copy()

    def _set_state_np(self, new_state):
        """Restore a state from ``get_state`` or from ``torch.get_rng_state().numpy()``."""
        arr = np.asarray(new_state)
        if arr.dtype != np.uint8:
            raise TypeError("RNG state must be a torch.ByteTensor")
        if arr.size != _STATE_BYTES:
            raise RuntimeError(f"Expected a CPUGeneratorImplState of size {_STATE_BYTES} but "
                               f"found the input RNG state size to be {arr.size}")
        raw = arr.reshape(-1).tobytes()
        seed = int.from_bytes(raw[0:8], "little")
        left = int.from_bytes(raw[8:12], "little", signed=True)
        seeded = int.from_bytes(raw[12:16], "little", signed=True)
        nxt = int.from_bytes(raw[16:24], "little") & 0xFFFFFFFF
        if not (seeded and 0 < left <= _MT_N and nxt <= _MT_N):
            raise RuntimeError("Invalid mt19937 state")
        # torch twists when `left` reaches 1; NumPy twists when pos reaches 624. A state torch
        # itself produced always has left == 1 or left + next == 625.
        if left == 1:
            pos = _MT_N
        elif left + nxt == 625:
            pos = nxt
        else:
            raise ValueError("this mt19937 state (left + next != 625) cannot be represented")
        key = np.frombuffer(raw, dtype="<u8", count=_MT_N, offset=24).astype(np.uint32)
        self._engine.state = {"bit_generator": "MT19937", "state": {"key": key, "pos": pos}}
        self._initial_seed = seed
        self._fresh = left == 1 and nxt == 0
        valid_d = int.from_bytes(raw[5040:5044], "little") != 0
        valid_f = raw[5052] != 0
        self._next_double_normal = (float(np.frombuffer(raw, "<f8", 1, 5024)[0])
                                    if valid_d else None)
        self._next_float_normal = (float(np.frombuffer(raw, "<f4", 1, 5048)[0])
                                   if valid_f else None)
        return self

    # ------------------------------------------------------------------ raw draws

    def _random32(self, n):
        """n outputs of ``random()``, as uint64 values below 2**32."""
        if VMAP_RANDOM_ERROR[0]:
            raise RuntimeError("vmap: called random operation while in randomness error mode. Please either use "
                               "the 'same' or 'different' randomness flags on vmap or perform the randomness "
                               "operation out of vmap")
        if n > 0:
            self._fresh = False
        return self._engine.random_raw(n)

    def _random64(self, n):
        """n outputs of ``random64()`` = (hi << 32) | lo, hi drawn first."""
        r = self._random32(2 * n)
        return (r[0::2] << np.uint64(32)) | r[1::2]

    def _uniform01(self, n, dtype):
        """n draws of ``uniform_real_distribution<T>(0, 1)``:
        float32: (random() & (2**24 - 1)) * 2**-24;  float64: (random64() & (2**53 - 1)) * 2**-53.
        """
        if dtype == np.float32:
            return (self._random32(n) & _MASK24).astype(np.float32) * _TWO_M24
        if dtype == np.float64:
            # random64() & (2**53 - 1) is (hi & (2**21 - 1)) << 32 | lo: built in place
            r = self._random32(2 * n)
            v = r[0::2] & _MASK21
            v <<= _32
            v |= r[1::2]
            u = v.view(np.int64).astype(np.float64)     # exact: below 2**53
            u *= _TWO_M53
            return u
        raise NotImplementedError(f"uniform draws for dtype {np.dtype(dtype)}")

    # ------------------------------------------------------------------ uniform

    @batched
    def uniform(self, shape, dtype=np.float32, low=0.0, high=1.0):
        """``uniform_(low, high)``: x * (high - low) + low with x uniform in [0, 1) and the
        multiply-add fused (one rounding), all in the dtype's precision; low and high are cast
        to the dtype first and a result equal to high becomes low.  float16 (whose accumulate type
        is float) draws and computes in float32, rounds to half, then maps half(high) to half(low)."""
        n, shape = _size(shape)
        dtype = np.dtype(dtype)
        if dtype.kind == "c":          # torch fills view_as_real: real and imaginary parts in turn
            return self.uniform((n, 2), dtype.type(0).real.dtype, low, high).view(dtype).reshape(shape)
        if dtype == np.float16:
            out = self.uniform(shape, np.float32, low, high).astype(np.float16)
            out[out == np.float16(high)] = np.float16(low)
            return out
        x = self._uniform01(n, dtype)
        lo, hi = dtype.type(low), dtype.type(high)
        width = dtype.type(hi - lo)
        if lo == 0 and width == 1:
            out = x                                   # fma(x, 1, 0) == x
        elif lo == 0:
            out = x * width                           # fma(x, w, 0) == round(x * w)
        elif dtype == np.float32:
            out = fmaf(x, width, lo)
        else:
            out = fma64(x, width, lo)
        out = out.astype(dtype, copy=False)
        out[out == hi] = lo
        return out.reshape(shape)

    # ------------------------------------------------------------------ integers

    @batched
    def randint(self, low, high, shape, dtype=np.int64):
        """``random_(low, high)`` / ``randint``: (r % (high - low)) + low, with r = random64()
        when the range is at least 2**28 and random() otherwise; the sum wraps like int64.

        Float dtypes follow torch only while |low|, |high| <= 2**24 (torch warns beyond) unless the
        caller first moves the bounds as torch's update_from / update_to do (``_tensor_random.random``)."""
        n, shape = _size(shape)
        low, high = operator.index(low), operator.index(high)
        span = high - low
        if span <= 0:
            raise RuntimeError(f"random_ expects 'from' to be less than 'to', but got "
                               f"from={low} >= to={high}")
        r = self._random64(n) if span >= 1 << 28 else self._random32(n)
        val = (r % np.uint64(span)) + np.uint64(low % 2 ** 64)
        return val.view(np.int64).astype(dtype, copy=False).reshape(shape)

    @batched
    def random_(self, shape, dtype=np.int64):
        """``random_()`` with no bounds: [0, 2**digits] for floats, [0, max] for integers.
        64-bit types (int64, float64) draw random64(), the rest random()."""
        n, shape = _size(shape)
        dtype = np.dtype(dtype)
        if dtype == np.bool_:
            return (self._random32(n) & np.uint64(1)).astype(np.bool_).reshape(shape)
        if dtype == np.float64:
            mod = (1 << 53) + 1
        elif dtype == np.float32:
            mod = (1 << 24) + 1
        elif dtype == np.float16:
            mod = (1 << 11) + 1
        elif dtype.kind in "iu":
            mod = int(np.iinfo(dtype).max) + 1
        else:
            raise NotImplementedError(f"random_ for dtype {dtype}")
        wide = dtype in (np.int64, np.float64)
        r = self._random64(n) if wide else self._random32(n)
        return (r % np.uint64(mod)).astype(dtype).reshape(shape)

    def randperm(self, n):
        """``randperm(n)`` as int64: start from 0..n-1; for i in 0..n-2 swap r[i] with
        r[i + random() % (n - i)]; the swaps are replayed vectorised (``apply_swaps``).
        torch switches to an inside-out shuffle with random64() for n >= 2**32 / 20; that
        branch is written from the same rule but untested (it needs gigabytes)."""
        n = operator.index(n)
        if n < 0:
            raise RuntimeError(f"n must be non-negative, got{n}")
        if n >= (2 ** 32 - 1) // 20:
            return self._randperm_large(n)
        if n <= 1:
            return np.arange(n, dtype=np.int64)
        steps = np.arange(n - 1, dtype=np.uint64)
        targets = self._random32(n - 1)
        targets %= np.uint64(n) - steps                 # z = random() % (n - i)
        targets += steps                                # swap partner i + z
        return _rng_extra.apply_swaps(targets, n)

    def _randperm_large(self, n):
        """Inside-out Fisher-Yates with random64(): r[i] = r[z]; r[z] = i, z = draw % (i+1)."""
        zs = (self._random64(n) % np.arange(1, n + 1, dtype=np.uint64)).tolist()
        perm = [0] * n
        for i, z in enumerate(zs):
            perm[i] = perm[z]
            perm[z] = i
        return np.array(perm, dtype=np.int64)

    # ------------------------------------------------------------------ Bernoulli

    @batched
    def bernoulli_scalar(self, shape, p, dtype=np.float32):
        """``bernoulli_(p)`` with a Python float p: element = (53-bit uniform < p), for every
        output dtype (2 x 32-bit draws per element)."""
        n, shape = _size(shape)
        p = float(p)
        if not 0 <= p <= 1:
            raise RuntimeError(f"bernoulli_ expects p to be in [0, 1], but got p={p}")
        return (self._uniform01(n, np.float64) < p).astype(dtype).reshape(shape)

    @batched_probs
    def bernoulli_probs(self, probs, dtype=None):
        """``torch.bernoulli(probs)``: element i = (uniform < probs[i]) with a 53-bit uniform
        for float64 probs and a 24-bit float32 uniform otherwise. Result has probs' shape and
        (by default) dtype; draws follow probs in C order."""
        probs = np.asarray(probs)
        if dtype is None:
            dtype = probs.dtype
        kind = np.float64 if probs.dtype == np.float64 else np.float32
        u = self._uniform01(probs.size, kind).reshape(probs.shape)
        return (u < probs.astype(kind, copy=False)).astype(dtype)

    # ------------------------------------------------------------------ other distributions

    @batched
    def normal(self, shape, dtype=np.float32, mean=0.0, std=1.0, contiguous=True, out=None):
        """``normal_(mean, std)`` / ``randn``; see ``_rng_normal``. Pass contiguous=False for
        a non-contiguous tensor: torch then uses the element-wise (cached Box-Muller) path.
        ``out``: a C-contiguous array of that shape and dtype to fill instead of a new one."""
        n, shape = _size(shape)
        if np.dtype(dtype).kind == "c":     # view_as_real, each part with half the variance (torch's)
            rdt = np.dtype(dtype).type(0).real.dtype
            real = None if out is None else out.reshape(-1).view(rdt)
            return self.normal((n, 2), rdt, mean, std / 2 ** 0.5, contiguous, real).view(dtype).reshape(shape)
        flat = None if out is None else out.reshape(-1)
        return _rng_normal.normal(self, n, dtype, mean, std, contiguous, flat).reshape(shape)

    @batched
    def exponential(self, shape, dtype=np.float32, lambd=1.0):
        """``exponential_(lambd)``: -1/lambd * log1p(-u), u a 53-bit uniform."""
        n, shape = _size(shape)
        return _rng_extra.exponential(self, n, dtype, lambd).reshape(shape)

    @batched
    def geometric(self, shape, dtype=np.float32, p=0.5):
        """``geometric_(p)``: ceil(log(u) / log(1 - p)), u a 53-bit uniform."""
        n, shape = _size(shape)
        return _rng_extra.geometric(self, n, dtype, p).reshape(shape)

    @batched
    def log_normal(self, shape, dtype=np.float32, mean=1.0, std=2.0):
        """``log_normal_(mean, std)``: exp of the element-wise (scalar-path) normal."""
        n, shape = _size(shape)
        return _rng_extra.log_normal(self, n, dtype, mean, std).reshape(shape)

    @batched
    def cauchy(self, shape, dtype=np.float32, median=0.0, sigma=1.0):
        """``cauchy_(median, sigma)``: median + sigma * tan(pi * (u - 0.5))."""
        n, shape = _size(shape)
        return _rng_extra.cauchy(self, n, dtype, median, sigma).reshape(shape)

    def multinomial(self, probs, num_samples, replacement=False):
        """``torch.multinomial(probs, num_samples, replacement)`` for 1-d or 2-d probs."""
        return _rng_extra.multinomial(self, probs, num_samples, replacement)

    def poisson(self, rates):
        """``torch.poisson(rates)``: one Poisson sample per element, probs' dtype."""
        return _rng_extra.poisson(self, rates)


class TensorGenerator(Generator):
    """``torch.Generator(device='cpu')``: the same stream, with ``get_state`` / ``set_state``
    speaking uint8 tensors (torch's ``ByteTensor``) instead of NumPy arrays."""

    __slots__ = ()

    def __init__(self, device="cpu"):
        from glasstorch._device import check_device
        check_device(device)
        super().__init__()

    @property
    def device(self):
        from glasstorch._device import CPU
        return CPU

    def manual_seed(self, seed):
        # torch's Generator.manual_seed takes an int only (torch.manual_seed converts with int() first);
        # a NumPy integer passes THPUtils_checkLong but then fails PyLong_AsUnsignedLongLong
        if seed.__class__ is bool or not isinstance(seed, int):
            if isinstance(seed, np.integer):
                raise TypeError("an integer is required")
            from glasstorch._arg_parser import tp_name
            raise RuntimeError(f"manual_seed expected a long, but got {tp_name(seed)}")
        return super().manual_seed(seed)

    def get_state(self):
        from glasstorch._tensor import _wrap
        return _wrap(self._get_state_np())

    def set_state(self, new_state):
        from glasstorch._tensor import Tensor
        from glasstorch._sizes import _type_name
        if not isinstance(new_state, Tensor):
            raise TypeError(f"expected a torch.ByteTensor, but got {_type_name(new_state)}")
        if new_state._data.dtype != np.uint8:
            raise TypeError("RNG state must be a torch.ByteTensor")
        return self._set_state_np(new_state._data)

    def __repr__(self):
        return f"<torch._C.Generator object at {id(self):#x}>"


# torch's class is called ``Generator`` (``type(g).__name__`` prints it); NumPy's stream above keeps
# that name inside this module.  Its module path (torch's ``_C``) is set in _class_paths.py.
TensorGenerator.__name__ = TensorGenerator.__qualname__ = "Generator"
_generator_extras.attach(TensorGenerator)    # clone_state, and the offset / graph-safe calls CPU refuses


def np_generator(gen):
    """The generator behind a ``generator=`` argument: None gives the default one; a wrapper that
    holds one (as ``_gen``, ``_generator`` or ``_impl``) gives that; anything else is used as is."""
    if gen is None:
        return default_generator
    if isinstance(gen, Generator):
        return gen
    for attr in ("_gen", "_generator", "_impl"):
        inner = getattr(gen, attr, None)
        if isinstance(inner, Generator):
            return inner
    return gen


def _new_default_generator():
    """The process-wide generator: like torch, seeded from OS entropy at start-up."""
    g = TensorGenerator()
    g.seed()
    return g


default_generator = _new_default_generator()
