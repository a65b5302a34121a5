"""The random in-place methods of ``Tensor`` (``uniform_``, ``normal_``, ``bernoulli_`` ...).

torch fills a tensor in *memory* order: element after element of the storage, whatever the
shape says. ``fill_storage_order`` does the same with a flat array of draws, so a transposed
tensor gets the numbers a contiguous one would, in the positions its storage has them. Only
``normal_`` changes its *values* for a non-contiguous tensor (it then takes the element-wise
Box-Muller path instead of blocks of 16; see ``_rng_normal``).

The functions here work on NumPy arrays; ``_random_api`` builds ``torch.rand`` and friends from
them (``rand`` is ``empty(...).uniform_()``, as in torch).
"""
import numpy as np

from . import _generator

_TYPE = {"f": {2: "Half", 4: "Float", 8: "Double"}, "i": {1: "Char", 2: "Short", 4: "Int", 8: "Long"},
         "u": {1: "Byte"}, "b": {1: "Bool"}, "c": {8: "ComplexFloat", 16: "ComplexDouble"}}
_P_IN_RANGE = ("Expected p_in >= 0 && p_in <= 1 to be true, but got false.  (Could this error message be "
               "improved?  If so, please report an enhancement request to PyTorch.)")


def type_name(npdt):
    """torch's short scalar-type name (``Float``, ``Long`` ...) used in its kernel errors."""
    return _TYPE[npdt.kind][npdt.itemsize]


def generator_of(generator):
    """The NumPy-level generator behind a ``generator=`` argument (None: the default one)."""
    if generator is None:
        return _generator.default_generator
    if isinstance(generator, _generator.Generator):
        return generator
    from ._arg_refuse import refuse     # torch's parser error for the call, where it can be named
    refuse(TypeError(f"expected a torch.Generator as generator=, but got {type(generator).__name__}"))


def storage_axes(d):
    """d's axes from outermost to innermost in memory, ordered as torch orders them: an
    insertion sort by stride in which a zero stride (a broadcast axis) compares with nothing,
    so such axes keep their place (an expanded tensor's copy is then row-major)."""
    from .ops._layout import dim_order
    return dim_order(d.shape, [tuple(abs(s) for s in d.strides)])[::-1]


def fill_storage_order(d, flat):
    """Write ``flat`` (d.size values) into ``d`` in memory order."""
    if d.flags.c_contiguous:
        d.reshape(-1)[...] = flat
    else:
        axes = storage_axes(d)
        view = d.transpose(axes)
        view[...] = flat.reshape(view.shape)


def in_storage_order(d, x):
    """``x`` broadcast to d's shape, flattened in d's memory order (a per-element parameter)."""
    x = np.broadcast_to(x, d.shape)
    if d.flags.c_contiguous:
        return x.reshape(-1)
    return x.transpose(storage_axes(d)).reshape(-1)


def empty_like_strides(d, dtype):
    """``torch.empty_like(t)`` with preserve_format: a dense array whose axes lie in memory as
    d's do (a transposed input gives a transposed, non-contiguous result)."""
    from .ops._layout import _alloc, is_canonical, preserve_strides
    if d.size and is_canonical(d):
        return np.empty(d.shape, dtype)     # (a non-dense d: dense in TensorIterator's order)
    return _alloc(d.shape, dtype, preserve_strides(d))


def _need_float(d, kernel):
    if d.dtype.kind != "f":
        raise NotImplementedError(f'"{kernel}" not implemented for \'{type_name(d.dtype)}\'')


# ---------------------------------------------------------------------- kernels on arrays

def _pairs(d):
    """A complex array as (re, im) floats: torch draws complex tensors through view_as_real."""
    from .ops.complex_ops import _real_pairs
    return _real_pairs(d)


def uniform(d, low, high, gen):
    # torch's uniform_impl_: a complex tensor returns when empty, else fills its real view; a real one has
    # its bounds checked (against the dtype's range, then their order and span), even when empty
    if d.dtype.kind == "c":
        return uniform(_pairs(d), low, high, gen) if d.size else None
    _need_float(d, "check_uniform_bounds")
    fi = np.finfo(d.dtype)
    lo_lim, hi_lim = float(fi.min), float(fi.max)
    for v, what in ((low, "from"), (high, "to")):
        if not lo_lim <= v <= hi_lim:
            raise RuntimeError(f"{what} is out of bounds for {_C_NAMES[d.dtype.name]}")
    if not low <= high:
        raise RuntimeError(f"uniform_ expects to return a [from, to) range, but found from={low:g} > to={high:g}")
    if not high - low <= hi_lim:
        raise RuntimeError(f"uniform_ expects to-from <= std::numeric_limits<{type_name(d.dtype)}>::max(), but found "
                           f"to={high:g} and from={low:g} which result in to-from to exceed the limit")
    if d.size:
        fill_storage_order(d, gen.uniform(d.size, d.dtype, low, high))


def normal(d, mean, std, gen):
    # torch's normal_impl_: CHECK_NORMAL_STD, then CHECK_EMPTY_AND_RETURN (an empty tensor of any
    # dtype is returned as it is, nothing drawn), and only then the kernel's dtype dispatch
    if not std >= 0.0:
        raise RuntimeError(f"normal expects std >= 0.0, but found std {std:g}")
    if not d.size:
        return
    if d.dtype.kind == "c":
        # each part gets half the variance
        return normal(_pairs(d), mean, std / 2 ** 0.5, gen)
    _need_float(d, "normal_kernel_cpu")
    if d.flags.c_contiguous:
        gen.normal(d.shape, d.dtype, mean, std, out=d)      # straight into d, no copy
    else:
        fill_storage_order(d, gen.normal(d.size, d.dtype, mean, std, contiguous=False))


def bernoulli(d, p, gen):
    if isinstance(p, np.ndarray):
        if not d.size:          # an empty self is returned before any check of self or p
            return
        # torch's tensor-p kernel rejects a complex self before it looks at p, then expands p to
        # self's shape (expand's errors), then dispatches on p's dtype
        if d.dtype.kind == "c":
            raise NotImplementedError(f'"bernoulli_tensor_cpu_self_" not implemented for \'{type_name(d.dtype)}\'')
        if p.shape != d.shape:
            from ._tensor import _wrap
            from .ops.expand import expand
            expand(_wrap(p), d.shape)
        if p.dtype.kind != "f":
            raise NotImplementedError(f'"bernoulli_tensor_cpu_p_" not implemented for \'{type_name(p.dtype)}\'')
        p = in_storage_order(d, p)
        ok = (p >= 0) & (p <= 1)
        if not ok.all():
            # torch checks each probability just before its draw: those ahead of the bad one draw
            gen.bernoulli_probs(p[:np.argmin(ok)], d.dtype)
            raise RuntimeError(_P_IN_RANGE)
        fill_storage_order(d, gen.bernoulli_probs(p, d.dtype))
    else:
        if d.dtype.kind == "c":
            if not 0 <= float(p) <= 1:       # (the range check comes first)
                gen.bernoulli_scalar(0, p)
            if not d.size:                   # (then an empty self returns)
                return
            raise NotImplementedError(f'"bernoulli_scalar_cpu_" not implemented for \'{type_name(d.dtype)}\'')
        fill_storage_order(d, gen.bernoulli_scalar(d.size, p, d.dtype))


def random(d, low, high, gen):
    if high is None and low is None:
        if not d.size:              # torch's random_impl: an empty tensor returns before the kernel's dispatch
            return
        if d.dtype.kind == "c":
            raise NotImplementedError(f'"random_kernel_cpu" not implemented for \'{type_name(d.dtype)}\'')
        fill_storage_order(d, gen.random_(d.size, d.dtype))
        return
    if high is None:
        low, high = 0, low
    if low < high and d.dtype.kind == "f":     # (else the generator's own 'from' < 'to' error)
        low, high = _update_from(int(low), d.dtype), _update_to(int(high), d.dtype)
        if low >= high:
            raise RuntimeError(f"random_ expects 'from' casted to dtype to be less than 'to' casted to dtype, but got "
                               f"from={low} >= to={high}")
    if low < high:
        _check_random_bounds(int(low), int(high) - 1, d.dtype)
    fill_storage_order(d, gen.randint(low, high, d.size, d.dtype))


def _as_float_int(v, dt):
    """int64 -> the float dtype -> int64, as C++'s static_casts (a half goes through float; an infinite
    one converts to x86's "integer indefinite", the smallest int64)."""
    f = np.float32(float(v))
    r = f.astype(dt) if dt == np.float16 else np.float64(f) if dt == np.float32 else np.float64(float(v))
    return int(r) if np.isfinite(r) else -2 ** 63


def _update_from(low, dt):
    """torch's update_from: move ``from`` right until from + 1 survives the cast to the float dtype, so no
    draw rounds below it."""
    from_plus_1 = _as_float_int(low + 1, dt)
    if from_plus_1 < low:
        n = abs(low + 1).bit_length() - 1
        low = from_plus_1 + (1 << (n - _DIGITS[dt.name] + 1))
    return low


def _update_to(high, dt):
    """torch's update_to: move ``to`` left until to - 1 survives the cast (no draw rounds up to ``to``)."""
    to_minus_1 = _as_float_int(high - 1, dt)
    if to_minus_1 >= high:
        n = abs(high - 1).bit_length() - 1
        high = to_minus_1 - (1 << (n - _DIGITS[dt.name] + 1))
    return high


# the C++ names torch's messages give the dtypes, and a float's mantissa digits
_C_NAMES = {"bool": "bool", "uint8": "unsigned char", "int8": "signed char", "int16": "short int", "int32": "int",
            "int64": "long int", "float16": "c10::Half", "float32": "float", "float64": "double",
            "complex64": "c10::complex<float>", "complex128": "c10::complex<double>"}
_DIGITS = {"float16": 11, "float32": 24, "float64": 53}


def _check_random_bounds(low, to_inc, dt):
    """torch's check_from_to_in_range: ``from`` and ``to - 1`` must fit the dtype (even for an empty
    tensor); a float warns past the range whose integers it holds exactly."""
    if dt.kind == "c":
        raise RuntimeError("check_random_bounds handles only integral, floating-point and boolean types")
    info = np.finfo(dt) if dt.kind == "f" else np.iinfo(dt) if dt.kind in "iu" else None
    lo, hi = (int(info.min), int(info.max)) if info is not None else (0, 1)
    name = _C_NAMES.get(dt.name, dt.name)
    for v, what in ((low, "from"), (to_inc, "to - 1")):
        if not lo <= v <= hi:
            raise RuntimeError(f"{what} is out of bounds for {name}")
    if dt.kind == "f":
        from ._user_warning import warn_at_caller
        digits = _DIGITS[dt.name]
        for v, what, line in ((low, "from", 110), (to_inc, "to - 1", 111)):
            if not -(1 << digits) <= v <= 1 << digits:
                warn_at_caller(f"{what} is out of bounds [-(2^{digits}), 2^{digits}]. Due to precision limitations "
                               f"{name} can support discrete uniform distribution only within this range. This "
                               "warning will become an error in version 1.7 release, please fix the code in advance "
                               f"(Triggered internally at /__w/pytorch/pytorch/aten/src/ATen/native/"
                               f"DistributionTemplates.h:{line}.)")


# ---------------------------------------------------------------------- the Tensor methods

def _float_p(p, got, overloads):
    """``bernoulli``'s number ``p``: a 0-d tensor stands for its value; any other tensor matches no overload."""
    if p is None or not hasattr(p, "_data"):
        return p
    if p._data.ndim:
        raise TypeError(f"bernoulli() received an invalid combination of arguments - got {got}, but expected one "
                        f"of:\n{overloads}")
    return p.item()


# the refill nodes' ops, as functorch names them when it refuses to fill a captured tensor
_RANDOM_OPS = {"UniformBackward0": "aten::uniform_", "NormalBackward0": "aten::normal_",
               "BernoulliBackward1": "aten::bernoulli_.Tensor", "BernoulliBackward2": "aten::bernoulli_.float",
               "RandomBackward0": "aten::random_.from", "RandomBackward1": "aten::random_.to",
               "RandomBackward2": "aten::random_", "ExponentialBackward0": "aten::exponential_",
               "GeometricBackward0": "aten::geometric_", "LogNormalBackward0": "aten::log_normal_",
               "CauchyBackward0": "aten::cauchy_"}


def _inplace(t, kernel, *args, node, p=None):
    """Fill ``t`` by ``kernel``; its history becomes the zero-gradient ``node`` (``_random_grad``)."""
    from .ops.inplace import check_inplace
    from ._random_grad import record_refill
    if t._is_meta:          # a meta tensor has no data to fill: torch draws nothing
        return t
    from . import _func_captures
    if _func_captures.LEVELS:
        _func_captures.check(t, _RANDOM_OPS[node])
    check_inplace(t)
    kernel(t._data, *args)
    t._vc[0] += 1
    return record_refill(node, t, *(() if p is None else (p,)))


def _exponential(d, lambd, gen):
    # the parameter check, then an empty tensor returns, then the kernel's dtype check (as torch's templates)
    if not float(lambd) > 0.0:
        raise RuntimeError(f"exponential_ expects lambda > 0.0, but found lambda={float(lambd):g}")
    if not d.size:
        return
    if d.dtype.kind != "f":
        raise RuntimeError("Exponential distribution is a continuous probability distribution. dtype must be a "
                           f"floating point but you specified {type_name(d.dtype)}")
    fill_storage_order(d, gen.exponential(d.size, d.dtype, lambd))


def _geometric(d, p, gen):
    # torch's geometric_impl_: p's check, an empty tensor returns, then the kernel's dispatch (no bool, no complex)
    if not 0 < float(p) < 1:
        raise RuntimeError(f"geometric_ expects p to be in (0, 1), but got p={float(p):g}")
    if not d.size:
        return
    if d.dtype.kind in "bc":
        raise NotImplementedError(f'"geometric_cpu" not implemented for \'{type_name(d.dtype)}\'')
    fill_storage_order(d, gen.geometric(d.size, d.dtype, p))


def _log_normal(d, mean, std, gen):
    if not float(std) > 0.0:
        raise RuntimeError(f"log_normal_ expects std > 0.0, but found std={float(std):g}")
    if not d.size:
        return
    _need_float(d, "log_normal_cpu")
    fill_storage_order(d, gen.log_normal(d.size, d.dtype, mean, std))


def _cauchy(d, median, sigma, gen):
    # unlike the others, cauchy_impl_ checks the dtype itself (naming it as C++ does) before an
    # empty tensor returns
    if not float(sigma) > 0.0:
        raise RuntimeError(f"cauchy_ expects sigma > 0.0, but found sigma={float(sigma):g}")
    if d.dtype.kind != "f":
        raise RuntimeError("Cauchy distribution is a continuous probability distribution. dtype must be a "
                           f"floating point but you specified {_C_NAMES.get(d.dtype.name, d.dtype.name)}")
    if not d.size:
        return
    fill_storage_order(d, gen.cauchy(d.size, d.dtype, median, sigma))


def _unexpected(name, kw):
    """torch's parser refusal of a keyword the method does not take (the call as written is read off the
    stack, ``**kw`` included: see ``_arg_refuse._call_of``)."""
    from ._arg_refuse import refuse
    refuse(TypeError(f"{name}() got an unexpected keyword argument '{next(iter(kw))}'"))


class TensorRandom:
    __slots__ = ()

    def uniform_(self, from_=0.0, to=1.0, *, generator=None, **kw):
        from_ = kw.pop("from", from_)       # torch's own name, a Python keyword
        if kw:
            _unexpected("uniform_", kw)
        return _inplace(self, uniform, float(from_), float(to), generator_of(generator), node="UniformBackward0")

    def normal_(self, mean=0.0, std=1.0, *, generator=None):
        return _inplace(self, normal, float(mean), float(std), generator_of(generator), node="NormalBackward0")

    def bernoulli_(self, p=0.5, *, generator=None):
        if not isinstance(p, (int, float, np.floating)):
            return _inplace(self, bernoulli, p._data, generator_of(generator), node="BernoulliBackward1", p=p)
        return _inplace(self, bernoulli, p, generator_of(generator), node="BernoulliBackward2")

    def bernoulli(self, p=None, *, generator=None):
        """Out-of-place: ``empty_like(self, contiguous).bernoulli_(p if given else self)``."""
        d = self._data
        p = _float_p(p, "(Tensor)", " * (*, torch.Generator generator = None)\n * (float p, *, torch.Generator "
                     "generator = None)\n")
        if p is None and d.size and d.dtype.kind not in "fc":
            raise NotImplementedError(f'"bernoulli_tensor_cpu_p_" not implemented for \'{type_name(d.dtype)}\'')
        # torch: empty_like(self, LEGACY_CONTIGUOUS_MEMORY_FORMAT) -- contiguous, not self's layout
        out = np.empty(d.shape, d.dtype)
        bernoulli(out, d if p is None else p, generator_of(generator))
        from ._tensor import _wrap
        if p is None:
            from ._random_grad import record_sample
            return record_sample("BernoulliBackward0", _wrap(out), self)
        from .ops._no_derivative import record_not_implemented
        return record_not_implemented("bernoulli", _wrap(out), self)

    def random_(self, from_=None, to=None, *, generator=None, **kw):
        from_ = kw.pop("from", from_)
        if kw:
            _unexpected("random_", kw)
        node = "RandomBackward" + ("2" if from_ is None and to is None else "1" if to is None else "0")
        return _inplace(self, random, from_, to, generator_of(generator), node=node)

    def exponential_(self, lambd=1.0, *, generator=None):
        return _inplace(self, _exponential, lambd, generator_of(generator), node="ExponentialBackward0")

    def geometric_(self, p, *, generator=None):
        return _inplace(self, _geometric, p, generator_of(generator), node="GeometricBackward0")

    def log_normal_(self, mean=1.0, std=2.0, *, generator=None):
        return _inplace(self, _log_normal, mean, std, generator_of(generator), node="LogNormalBackward0")

    def cauchy_(self, median=0.0, sigma=1.0, *, generator=None):
        return _inplace(self, _cauchy, median, sigma, generator_of(generator), node="CauchyBackward0")

    def multinomial(self, num_samples, replacement=False, *, generator=None):
        from ._random_api import multinomial
        return multinomial(self, num_samples, replacement, generator=generator)
