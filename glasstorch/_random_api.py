"""torch-level random functions (rand, randn, randint, randperm, normal, bernoulli, ...),
re-exported by ``glasstorch/__init__.py``.

Each is what torch makes it: a new tensor (``empty``), then one of the in-place kernels in
``_tensor_random`` (``rand`` = ``uniform_(0, 1)``, ``randn`` = ``normal_(0, 1)``, ``randint`` =
``random_(low, high)``), drawing from ``generator`` or the default generator.
"""
import operator

import numpy as np

from . import _dtype as _dt
from . import _tensor_random as _k
from ._creation import _check_rg, _size, _size_kw
from ._device import check_device
from ._tensor import Tensor, _wrap
from .random import Generator, default_generator, get_rng_state, set_rng_state
from ._arg_refuse import not_a_tensor

__all__ = ["rand", "rand_like", "randn", "randn_like", "randint", "randint_like", "randperm", "normal",
           "bernoulli", "multinomial", "poisson", "get_rng_state", "set_rng_state", "Generator",
           "default_generator", "_standard_gamma", "_sample_dirichlet", "binomial", "_standard_gamma_grad",
           "_dirichlet_grad"]


def _new(size, dtype, default, device, requires_grad, out):
    """The array to fill: ``out``'s (resized to ``size`` if needed) or a new one."""
    check_device(device)
    if out is not None:
        if out._data.shape != size:
            out._data = np.empty(size, out._data.dtype)
        return out._data
    return np.empty(size, (_dt.to_dtype(dtype) if dtype is not None else default).np)


def _done(d, requires_grad, out):
    """Wrap the filled array. As in torch, an integer tensor asked to require grad is refused
    only now, after its numbers were drawn."""
    if out is not None:
        out._vc[0] += 1
        return out
    return _check_rg(_wrap(d), requires_grad)


def _like(input, dtype):
    return np.dtype((_dt.to_dtype(dtype) if dtype is not None else input.dtype).np)


# ---------------------------------------------------------------------- uniform and normal

def rand(*args, size=None, generator=None, out=None, dtype=None, layout=None, device=None, requires_grad=False,
         pin_memory=False):
    """Uniform on [0, 1): ``empty(size).uniform_(0, 1)``; the size as arguments or ``size=``."""
    d = _new(_size(_size_kw(args, size, "rand"), "rand"), dtype, _dt.DEFAULT.float, device, requires_grad, out)
    _k.uniform(d, 0.0, 1.0, _k.generator_of(generator))
    return _done(d, requires_grad, out)


def randn(*args, size=None, generator=None, out=None, dtype=None, layout=None, device=None, requires_grad=False,
          pin_memory=False):
    """Standard normal: ``empty(size).normal_(0, 1)``; the size as arguments or ``size=``."""
    d = _new(_size(_size_kw(args, size, "randn"), "randn"), dtype, _dt.DEFAULT.float, device, requires_grad, out)
    _k.normal(d, 0.0, 1.0, _k.generator_of(generator))
    return _done(d, requires_grad, out)


def rand_like(input, *, generator=None, dtype=None, layout=None, device=None, requires_grad=False,
              memory_format=None):
    check_device(device)
    d = _k.empty_like_strides(input._data, _like(input, dtype))
    _k.uniform(d, 0.0, 1.0, _k.generator_of(generator))
    return _check_rg(_wrap(d), requires_grad)


def randn_like(input, *, generator=None, dtype=None, layout=None, device=None, requires_grad=False,
               memory_format=None):
    """Like ``randn``; note that a transposed input gives a transposed (non-contiguous) result,
    which takes normal_'s element-wise path, exactly as in torch."""
    check_device(device)
    try:
        x = input._data
    except AttributeError:      # a non-tensor: torch's parser error
        not_a_tensor()
    d = _k.empty_like_strides(x, _like(input, dtype))
    _k.normal(d, 0.0, 1.0, _k.generator_of(generator))
    return _check_rg(_wrap(d), requires_grad)


def _array_of(x):
    return x._data if isinstance(x, Tensor) else None


def normal(mean, std=1.0, size=None, *, generator=None, out=None, dtype=None, layout=None, device=None,
           pin_memory=False, requires_grad=False):
    """The four overloads of ``torch.normal``:

    normal(mean: Tensor, std: Tensor)   out = randn(shape) * std + mean   (shape: broadcast)
    normal(mean: Tensor, std: float)    out = normal_(0, std) + mean
    normal(mean: float,  std: Tensor)   out = randn(shape) * std + mean
    normal(mean: float,  std: float, size)   empty(size).normal_(mean, std)

    The products and sums round in the output dtype, one operation at a time, as torch's
    ``mul_`` then ``add_`` do.
    """
    gen = _k.generator_of(generator)
    m, s = _array_of(mean), _array_of(std)
    args = (mean, std)
    if out is not None:
        from ._random_grad import check_no_out_grad
        check_no_out_grad("normal", *args)
    if m is None and s is None:
        if size is None:
            raise TypeError("normal() received an invalid combination of arguments - got (float, float), but "
                            "expected one of:\n * (Tensor mean, Tensor std, *, torch.Generator generator = None, "
                            "Tensor out = None)")
        d = _new(_size((size,)), dtype, _dt.DEFAULT.float, device, requires_grad, out)
        _k.normal(d, float(mean), float(std), gen)
        return _done(d, requires_grad, out)
    if s is not None and s.dtype.kind == "c":
        raise RuntimeError("normal expects standard deviation to be non-complex")
    if s is not None and np.any(s < 0):
        raise RuntimeError("normal expects all elements of std >= 0.0")
    if m is not None and s is None:
        std = float(std)
        if not std >= 0.0:
            raise RuntimeError(f"normal expects std >= 0.0, but found std {std:g}")
        d = np.empty(m.shape, m.dtype)         # torch: empty_like(mean, contiguous_format)
        _k.normal(d, 0.0, std, gen)
        d += m
    else:
        if m is None:
            dt = s.dtype
            shape = s.shape
            mean = dt.type(mean)
        else:
            dt = m.dtype            # torch: empty(shape, mean.options()), then mul_(std).add_(mean) in place
            shape = _broadcast_shape(m.shape, s.shape)
            mean = m
        d = np.empty(shape, dt)
        _k.normal(d, 0.0, 1.0, gen)
        if m is None:
            d *= s
            d += mean
        else:
            # the in-place ops' promotion and casting: a float std into an (empty) integer mean's
            # result is their "result type Float can't be cast" error
            from .autograd.grad_mode import no_grad
            o = _wrap(d)
            with no_grad():
                o.mul_(_wrap(s)).add_(_wrap(m))
            d = o._data
    if out is not None:
        out._data = d.astype(out._data.dtype)
        out._vc[0] += 1
        return out
    from ._random_grad import record_sample
    return record_sample("NormalBackward" + ("1" if s is None else "2" if m is None else "3"), _wrap(d), *args)


def _broadcast_shape(a, b):
    try:
        return np.broadcast_shapes(a, b)
    except ValueError:
        n = max(len(a), len(b))
        a, b = (1,) * (n - len(a)) + a, (1,) * (n - len(b)) + b
        for i in range(n):
            if a[i] != b[i] and a[i] != 1 and b[i] != 1:
                raise RuntimeError(f"The size of tensor a ({a[i]}) must match the size of tensor b ({b[i]}) at "
                                   f"non-singleton dimension {i}") from None
        raise


# ---------------------------------------------------------------------- integers

_RANDINT_OVERLOADS = "".join(
    f" * ({lead}tuple of ints size, *, {gen}Tensor out = None, torch.dtype dtype = None, torch.layout layout = None, "
    "torch.device device = None, bool pin_memory = False, bool requires_grad = False)\n"
    for lead in ("int high, ", "int low, int high, ") for gen in ("torch.Generator generator, ", ""))


def _tp(x):
    from ._arg_parser import tp_name
    return tp_name(x)


def _bad_size_element(size):
    """None if ``size`` is a tuple/list of ints (0-d integer tensors count), else the first bad element's
    position and type name (position -1: ``size`` is not a sequence at all)."""
    if not isinstance(size, (tuple, list)):
        return -1, _tp(size)
    for i, s in enumerate(size):
        ok = isinstance(s, Tensor) and s.dim() == 0 and not s.is_floating_point() or \
            isinstance(s, (int, np.integer)) and not isinstance(s, bool)
        if not ok:
            return i, _tp(s)
    return None


def _randint_args(args, size, name):
    """``(low, high, size)`` from randint's arguments, refused as torch's argument parser refuses them."""
    n_pos = len(args)
    if size is not None:
        args = args + (size,)
    if len(args) not in (2, 3):
        got = [_tp(a) for a in args[:n_pos]] + ([f"size={_tp(size)}"] if size is not None else [])
        raise TypeError(f"{name}() received an invalid combination of arguments - got ({', '.join(got)}), but "
                        f"expected one of:\n{_RANDINT_OVERLOADS}")
    low, high, size = (0,) + args if len(args) == 2 else args
    bad = _bad_size_element(size)
    if bad is not None and name == "randint":       # torch's parser replayed (_arg_refuse) has the last word
        from ._arg_refuse import refusal
        err = refusal()
        if err is not None:
            raise err
        try:                                        # it took them: items with __index__ (bools after the first)
            size, bad = [s if isinstance(s, bool) else s.__index__() for s in size], None
        except Exception:
            pass
    if bad is not None and name == "randint":
        if len(args) == 3:        # (low, high, size): several overloads fit the count, the parser lists them all
            got = [_tp(a) for a in args[:n_pos]] + ([f"size={_tp(size)}"] if n_pos < 3 else [])
            raise TypeError(f"randint() received an invalid combination of arguments - got ({', '.join(got)}), but "
                            f"expected one of:\n{_RANDINT_OVERLOADS}")
        if n_pos < 2:
            raise TypeError(f"randint(): argument 'size' must be tuple of ints, not {_tp(size)}")
        pos, kind = bad
        raise TypeError("randint(): argument 'size' (position 2) must be tuple of ints, " +
                        (f"not {kind}" if pos < 0 else f"but found element of type {kind} at pos {pos}"))
    if len(args) == 2 and name == "randint" and not isinstance(high, (int, np.integer, Tensor)):
        raise TypeError(f"randint(): argument 'high' (position 1) must be int, not {_tp(high)}")
    if low.__class__ is not int or high.__class__ is not int:
        from ._arg_refuse import refuse
        refuse()
    return operator.index(low), operator.index(high), size


def randint(*args, low=None, high=None, size=None, generator=None, out=None, dtype=None, layout=None, device=None,
            requires_grad=False, pin_memory=False):
    """``randint(high, size)`` / ``randint(low, high, size)``: ``empty(size).random_(low, high)``,
    int64 unless ``dtype`` says otherwise; ``low``, ``high`` and ``size`` may be keywords."""
    if generator is not None:
        _k.generator_of(generator)      # a bad one is refused while the frame still holds the call as given
    if high is not None:
        args = (0 if low is None else low, high) + args
    low, high, size = _randint_args(args, size, "randint")
    d = _new(_size((size,)), dtype, _dt.int64, device, requires_grad, out)
    _k.random(d, low, high, _k.generator_of(generator))
    return _done(d, requires_grad, out)


def randint_like(input, low=0, high=None, *, generator=None, dtype=None, layout=None, device=None,
                 requires_grad=False, memory_format=None):
    """``randint_like(input, high)`` or ``randint_like(input, low, high)``, input's dtype."""
    if generator is not None:
        _k.generator_of(generator)      # (before low and high are swapped: the parser's error shows the call)
    check_device(device)
    if high is None:
        low, high = 0, low
    d = _k.empty_like_strides(input._data, _like(input, dtype))
    _k.random(d, operator.index(low), operator.index(high), _k.generator_of(generator))
    return _check_rg(_wrap(d), requires_grad)


def randperm(n, *, generator=None, out=None, dtype=None, layout=None, device=None, requires_grad=False,
             pin_memory=False):
    """A random permutation of 0 .. n-1 (int64 unless ``dtype`` says otherwise)."""
    check_device(device)
    # the defaults left out of the message, as a caller that did not give them
    check_randperm_n(n, {k: v for k, v in (("generator", generator), ("out", out), ("dtype", dtype),
                                           ("layout", layout), ("device", device)) if v is not None})
    n = operator.index(n)
    if n < 0:
        raise RuntimeError(f"Trying to create tensor with negative dimension {n}: [{n}]")
    dt = _dt.to_dtype(dtype).np if dtype is not None else np.int64
    _randperm_fits(n, out._data.dtype if out is not None else dt)
    perm = _k.generator_of(generator).randperm(n)
    if out is not None:
        out._data = perm.astype(out._data.dtype)
        out._vc[0] += 1
        return out
    return _check_rg(_wrap(perm.astype(dt, copy=False)), requires_grad)


def check_randperm_n(n, given):
    """torch's parser TypeError for an ``n`` that is no integer ("argument 'n' (position 1) must be int,
    not float"; the "invalid combination" listing when a generator is among the ``given`` keywords)."""
    try:
        bad = isinstance(n, bool) or operator.index(n) is None
    except TypeError:
        bad = True
    from ._generator import Generator
    gen = given.get("generator")
    if bad or (gen is not None and not isinstance(gen, Generator)):     # (random_split passes it on)
        from ._arg_parser import parser_error
        err = parser_error(_RANDPERM_SIGS, (n,), given)
        if err is not None:
            raise err


_RANDPERM_SIGS = (
    "randperm(SymInt n, *, Generator? generator, Tensor out=None, ScalarType? dtype=None, Layout? layout=None, "
    "Device? device=None, bool? pin_memory=False, bool? requires_grad=False)",
    "randperm(SymInt n, *, Tensor out=None, ScalarType? dtype=None, Layout? layout=None, Device? device=None, "
    "bool? pin_memory=False, bool? requires_grad=False)")


def _randperm_fits(n, dt):
    """torch's checks before it draws: n - 1 must fit the result's dtype (exactly, for a float), and the
    dtype must have a randperm kernel (not bool, complex or the wide unsigned ones)."""
    dt = np.dtype(dt)
    if dt.kind in "iu" and dt.itemsize < 8 and max(n - 1, 0) > np.iinfo(dt).max:
        c_name = "int" if dt == np.int32 else f"{dt.name}_t"
        raise RuntimeError(f"value cannot be converted to type {c_name} without overflow")
    if dt == np.float16 and n > 2 ** 11 + 1:
        raise RuntimeError("n cannot be greater than 2049 for Half type.")
    if dt == np.float32 and n > 2 ** 24 + 1:
        raise RuntimeError("n cannot be greater than 2^24+1 for Float type.")
    if dt.kind in "bc" or dt in (np.uint16, np.uint32, np.uint64):
        raise NotImplementedError(f"\"randperm\" not implemented for '{_k.type_name(dt)}'")


# ---------------------------------------------------------------------- Bernoulli, multinomial, Poisson

def bernoulli(input, p=None, *, generator=None, out=None):
    """0/1 draws with probabilities ``input`` (or the number ``p``), in input's dtype."""
    p = _k._float_p(p, "(Tensor, Tensor)", " * (Tensor input, *, torch.Generator generator = None, Tensor out = "
                    "None)\n * (Tensor input, float p, *, torch.Generator generator = None)\n")
    if out is not None:
        from ._random_grad import check_no_out_grad
        check_no_out_grad("bernoulli", input)
    r = input.bernoulli(p, generator=generator)
    if out is not None:
        out._data = r._data.astype(out._data.dtype)
        out._vc[0] += 1
        return out
    return r


def multinomial(input, num_samples, replacement=False, *, generator=None, out=None):
    """Indices sampled from each row of ``input`` (non-negative weights, 1 or 2 dims)."""
    if num_samples.__class__ is not int:        # torch's parser: a SymInt (2.0 is refused)
        from ._arg_refuse import int_arg
        num_samples = int_arg(num_samples, "num_samples")
    d = input._data
    if d.ndim not in (1, 2):                    # (torch checks the dims before the dtype)
        raise RuntimeError("prob_dist must be 1 or 2 dim")
    if d.dtype.kind != "f":
        raise RuntimeError(f"multinomial only supports floating-point dtypes for input, got: "
                           f"{_k.type_name(d.dtype)}")
    r = _k.generator_of(generator).multinomial(d, num_samples, replacement)
    if out is not None:
        out._data = r
        out._vc[0] += 1
        return out
    return _wrap(r)


def poisson(input, generator=None):
    """One Poisson(rate) draw per element of ``input``, in input's dtype."""
    from ._random_grad import record_sample
    return record_sample("PoissonBackward0", _wrap(_k.generator_of(generator).poisson(input._data)), input)


def binomial(count, prob, generator=None):
    """One Binomial(count, prob) draw per element (both tensors of one shape and float dtype)."""
    from . import _rng_binomial
    _rng_binomial.check_arguments(count._data, prob._data)
    from .ops._no_derivative import record_not_implemented
    return record_not_implemented("binomial", _wrap(_rng_binomial.binomial(_k.generator_of(generator), count._data,
                                                                           prob._data)), count, prob)


def _standard_gamma(input, generator=None):
    """One Gamma(alpha, 1) draw per element of ``input`` (the alphas), torch's sampler (_rng_gamma);
    differentiable in alpha by the implicit reparameterisation gradient (_rng_gamma_grad)."""
    from . import _rng_gamma, _rng_gamma_grad
    out = _wrap(_rng_gamma.standard_gamma(_k.generator_of(generator), input._data))
    return _rng_gamma_grad.record_standard_gamma(out, input)


def _sample_dirichlet(input, generator=None):
    """One Dirichlet(alpha) draw per row (last dim) of ``input``; torch gives it no derivative
    (Dirichlet.rsample differentiates through its own autograd.Function)."""
    from . import _rng_gamma
    from .ops._no_derivative import record_not_implemented
    out = _wrap(_rng_gamma.sample_dirichlet(_k.generator_of(generator), input._data))
    return record_not_implemented("_sample_dirichlet", out, input)


def _standard_gamma_grad(self, output):
    """dx/dalpha for x = ``output`` ~ Gamma(alpha = ``self``, 1) (see _rng_gamma_grad)."""
    from . import _rng_gamma_grad
    return _rng_gamma_grad._standard_gamma_grad(self, output)


def _dirichlet_grad(x, alpha, total):
    """The Dirichlet reparameterisation gradient's kernel (see _rng_gamma_grad)."""
    from . import _rng_gamma_grad
    return _rng_gamma_grad._dirichlet_grad(x, alpha, total)


from ._random_kwargs import refuse_unknown  # noqa: E402  (torch's parser error for an unknown keyword)
rand, randn, randint, randperm = map(refuse_unknown, (rand, randn, randint, randperm))
