"""``torch.nn.init``: in-place initialisers drawing from the generator in torch's order.

Every bound is computed in Python floats as torch computes it (so Kaiming's bound for fan_in=4 is
0.49999999999999994, not 0.5), then handed to the generator, which casts it to the tensor's dtype.
"""
import math
import warnings

import numpy as np

from .._generator import np_generator

__all__ = ["calculate_gain", "uniform_", "normal_", "trunc_normal_", "constant_", "ones_", "zeros_", "eye_",
           "dirac_", "xavier_uniform_", "xavier_normal_", "kaiming_uniform_", "kaiming_normal_", "orthogonal_",
           "sparse_"]


def _gen(generator, method):
    """The generator to draw from; where torch's initialiser hands ``generator`` to ``tensor.<method>``,
    a non-Generator is that method's parser error."""
    gen = np_generator(generator)
    from .._generator import Generator
    if not isinstance(gen, Generator):
        from .._arg_parser import tp_name
        raise TypeError(f"{method}(): argument 'generator' must be torch.Generator, not {tp_name(generator)}")
    return gen


def _write(tensor, values):
    """Store ``values`` in the tensor's memory, as an in-place op under no_grad would."""
    tensor._data[...] = values.reshape(tensor._data.shape)
    tensor._vc[0] += 1
    return tensor


def calculate_gain(nonlinearity, param=None):
    """The recommended gain for a nonlinearity (1 for linear layers and sigmoid)."""
    linear_fns = ["linear", "conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d", "conv_transpose3d"]
    if nonlinearity in linear_fns or nonlinearity == "sigmoid":
        return 1
    if nonlinearity == "tanh":
        return 5.0 / 3
    if nonlinearity == "relu":
        return math.sqrt(2.0)
    if nonlinearity == "leaky_relu":
        if param is None:
            slope = 0.01
        elif not isinstance(param, bool) and isinstance(param, (int, float)):
            slope = param
        else:
            raise ValueError(f"negative_slope {param} not a valid number")
        return math.sqrt(2.0 / (1 + slope ** 2))
    if nonlinearity == "selu":
        return 3.0 / 4
    raise ValueError(f"Unsupported nonlinearity {nonlinearity}")


def _fans(tensor):
    d = tensor.dim()
    if d < 2:
        raise ValueError("Fan in and fan out can not be computed for tensor with fewer than 2 dimensions")
    shape = tensor._data.shape
    receptive = int(np.prod(shape[2:])) if d > 2 else 1
    return shape[1] * receptive, shape[0] * receptive


_calculate_fan_in_and_fan_out = _fans      # torch's private name, which from-scratch code calls


def _calculate_correct_fan(tensor, mode):
    mode = mode.lower()
    if mode not in ("fan_in", "fan_out"):
        raise ValueError(f"Mode {mode} not supported, please use one of {['fan_in', 'fan_out']}")
    fan_in, fan_out = _fans(tensor)
    return fan_in if mode == "fan_in" else fan_out


def uniform_(tensor, a=0.0, b=1.0, generator=None):
    gen = _gen(generator, "uniform_")
    return _write(tensor, gen.uniform(tensor._data.shape, tensor._data.dtype, a, b))


def normal_(tensor, mean=0.0, std=1.0, generator=None):
    gen = _gen(generator, "normal_")
    return _write(tensor, gen.normal(tensor._data.shape, tensor._data.dtype, mean, std))


def constant_(tensor, val):
    tensor._data[...] = val
    tensor._vc[0] += 1
    return tensor


def ones_(tensor):
    return constant_(tensor, 1)


def zeros_(tensor):
    return constant_(tensor, 0)


def eye_(tensor):
    if tensor.dim() != 2:
        raise ValueError("Only tensors with 2 dimensions are supported")
    return _write(tensor, np.eye(*tensor._data.shape, dtype=tensor._data.dtype))


def dirac_(tensor, groups=1):
    d = tensor.dim()
    if d not in (3, 4, 5):
        raise ValueError("Only tensors with 3, 4, or 5 dimensions are supported")
    shape = tensor._data.shape
    if shape[0] % groups:
        raise ValueError("dim 0 must be divisible by groups")
    out_per = shape[0] // groups
    min_dim = min(out_per, shape[1])
    w = np.zeros(shape, tensor._data.dtype)
    centre = tuple(s // 2 for s in shape[2:])
    for g in range(groups):
        for i in range(min_dim):
            w[(g * out_per + i, i) + centre] = 1
    return _write(tensor, w)


def xavier_uniform_(tensor, gain=1.0, generator=None):
    fan_in, fan_out = _fans(tensor)
    std = gain * math.sqrt(2.0 / float(fan_in + fan_out))
    a = math.sqrt(3.0) * std
    return uniform_(tensor, -a, a, generator)


def xavier_normal_(tensor, gain=1.0, generator=None):
    fan_in, fan_out = _fans(tensor)
    std = gain * math.sqrt(2.0 / float(fan_in + fan_out))
    return normal_(tensor, 0.0, std, generator)


def _kaiming_std(tensor, a, mode, nonlinearity):
    mode = mode.lower()
    if mode not in ("fan_in", "fan_out"):
        raise ValueError(f"Mode {mode} not supported, please use one of {['fan_in', 'fan_out']}")
    fan_in, fan_out = _fans(tensor)
    fan = fan_in if mode == "fan_in" else fan_out
    return calculate_gain(nonlinearity, a) / math.sqrt(fan)


def kaiming_uniform_(tensor, a=0, mode="fan_in", nonlinearity="leaky_relu", generator=None):
    if 0 in tensor._data.shape:
        warnings.warn("Initializing zero-element tensors is a no-op", stacklevel=2)
        return tensor
    bound = math.sqrt(3.0) * _kaiming_std(tensor, a, mode, nonlinearity)
    return uniform_(tensor, -bound, bound, generator)


def kaiming_normal_(tensor, a=0, mode="fan_in", nonlinearity="leaky_relu", generator=None):
    if 0 in tensor._data.shape:
        warnings.warn("Initializing zero-element tensors is a no-op", stacklevel=2)
        return tensor
    return normal_(tensor, 0, _kaiming_std(tensor, a, mode, nonlinearity), generator)


def trunc_normal_(tensor, mean=0.0, std=1.0, a=-2.0, b=2.0, generator=None):
    """N(mean, std) restricted to [a, b], by rejection as torch 2.13 does: when at least 30% of
    the mass lies in [a, b], redraw the whole normal sample and keep it where the old value fell
    outside; otherwise draw uniform candidates in [a, b] and accept each with probability
    pdf(x) / pdf(mode), redrawing (candidate and test) only where still pending."""
    def norm_cdf(x):
        return (1.0 + math.erf(x / math.sqrt(2.0))) / 2.0
    if mean < a - 2 * std or mean > b + 2 * std:
        warnings.warn("mean is more than 2 std from [a, b] in nn.init.trunc_normal_. The distribution of values "
                      "may be incorrect.", stacklevel=2)
    shape, dt = tensor._data.shape, tensor._data.dtype
    t = dt.type
    wide = norm_cdf((b - mean) / std) - norm_cdf((a - mean) / std) > 0.3
    gen = _gen(generator, "normal_" if wide else "uniform_")      # the method torch's branch calls first
    if wide:
        lo, hi = t(a), t(b)
        result = gen.normal(shape, dt, mean, std)
        while True:
            mask = (result < lo) | (result > hi)
            if not mask.any():
                break
            result = np.where(mask, gen.normal(shape, dt, mean, std), result)
        return _write(tensor, result)
    mode = max(a, min(mean, b))
    log_peak = -0.5 * ((mode - mean) / std) ** 2

    def log_pdf(x):
        return ((x - t(mean)) / t(std)) ** 2 * t(-0.5) - t(log_peak)

    if a > b:                       # torch's uniform_(a, b) refuses
        raise RuntimeError(f"uniform_ expects to return a [from, to) range, but found from={a:g} > to={b:g}")
    result = gen.uniform(shape, dt, a, b)
    pending = np.log(gen.uniform(shape, dt)) > log_pdf(result)
    while pending.any():
        cand = gen.uniform(shape, dt, a, b)
        result = np.where(pending, cand, result)
        pending = np.where(pending, np.log(gen.uniform(shape, dt)) > log_pdf(cand), pending)
    return _write(tensor, result)


def orthogonal_(tensor, gain=1, generator=None):
    if tensor.dim() < 2:
        raise ValueError("Only tensors with 2 or more dimensions are supported")
    if tensor.numel() == 0:
        return tensor
    rows = tensor._data.shape[0]
    cols = tensor.numel() // rows
    dt = tensor._data.dtype
    flat = _gen(generator, "normal_").normal((rows, cols), dt, 0.0, 1.0)
    if dt == np.float16:                  # torch draws, then its QR has no Half kernel
        raise NotImplementedError("\"geqrf_cpu\" not implemented for 'Half'")
    if rows < cols:
        flat = flat.T
    q, r = np.linalg.qr(flat)
    q = q * np.sign(np.diag(r))
    if rows < cols:
        q = q.T
    return _write(tensor, (q * dt.type(gain)).astype(dt))


def sparse_(tensor, sparsity, std=0.01, generator=None):
    if tensor.dim() != 2:
        raise ValueError("Only tensors with 2 dimensions are supported")
    rows, cols = tensor._data.shape
    num_zeros = int(math.ceil(sparsity * rows))
    gen = _gen(generator, "normal_")
    w = gen.normal((rows, cols), tensor._data.dtype, 0.0, std)
    for c in range(cols):          # torch's torch.randperm(rows): the default generator, whatever was given
        zero = np_generator(None).randperm(rows)[:num_zeros]
        w[zero, c] = 0
    return _write(tensor, w)


def _meta_noop(fn):
    """On a meta tensor the initializers that write values do nothing, and draw no random numbers."""
    def init_fn(tensor, *args, **kwargs):
        if getattr(tensor, "_is_meta", False):
            return tensor
        return fn(tensor, *args, **kwargs)
    init_fn.__name__, init_fn.__qualname__, init_fn.__doc__ = fn.__name__, fn.__qualname__, fn.__doc__
    init_fn.__module__, init_fn.__wrapped__ = fn.__module__, fn      # (inspect.signature sees fn's)
    return init_fn


uniform_, normal_, constant_, trunc_normal_, eye_, dirac_, orthogonal_, sparse_ = map(
    _meta_noop, (uniform_, normal_, constant_, trunc_normal_, eye_, dirac_, orthogonal_, sparse_))


# the deprecated spellings without the trailing underscore: the same function behind torch's FutureWarning
def _deprecated(fn):
    new_name = fn.__name__
    old_name = new_name[:-1]

    def deprecated_init(*args, **kwargs):
        warnings.warn(f"`nn.init.{old_name}` is now deprecated in favor of `nn.init.{new_name}`.", FutureWarning,
                      stacklevel=2)
        return fn(*args, **kwargs)
    deprecated_init.__name__ = old_name
    deprecated_init.__doc__ = f"{old_name}(...): deprecated, see nn.init.{new_name}."
    return deprecated_init


uniform, normal, constant, eye, dirac = map(_deprecated, (uniform_, normal_, constant_, eye_, dirac_))
xavier_uniform, xavier_normal, kaiming_uniform, kaiming_normal = map(_deprecated, (xavier_uniform_, xavier_normal_,
                                                                                   kaiming_uniform_, kaiming_normal_))
orthogonal, sparse = map(_deprecated, (orthogonal_, sparse_))
