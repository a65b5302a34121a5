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


def _no_grad():
    from ..autograd.grad_mode import no_grad
    return no_grad()


# uniform_ and normal_ are torch's tensor methods under no_grad: so the draws land in the tensor's
# memory order (a transposed or sliced weight), and a non-float dtype or bad bound is the method's error
def uniform_(tensor, a=0.0, b=1.0, generator=None):
    _gen(generator, "uniform_")
    with _no_grad():
        return tensor.uniform_(a, b, generator=generator)


def normal_(tensor, mean=0.0, std=1.0, generator=None):
    _gen(generator, "normal_")
    with _no_grad():
        return tensor.normal_(mean, std, generator=generator)


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
    _write(tensor, w)
    tensor._vc[0] += groups * min_dim       # torch: zero_(), then one indexed assignment per 1
    return tensor


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
    import glasstorch as g
    wide = norm_cdf((b - mean) / std) - norm_cdf((a - mean) / std) > 0.3
    _gen(generator, "normal_" if wide else "uniform_")      # the method torch's branch calls first
    # torch's own steps, through the tensor methods: draws in the tensor's memory order, redraws into
    # empty_like (which keeps that layout), a copy_ back only when some value was redrawn
    with _no_grad():
        if wide:
            lo, hi = tensor.new_tensor(a).item(), tensor.new_tensor(b).item()   # the bounds in the tensor's dtype
            result = tensor.normal_(mean, std, generator=generator)
            while True:
                mask = (result < lo) | (result > hi)
                if not mask.any():
                    break
                result = g.where(mask, g.empty_like(result).normal_(mean, std, generator=generator), result)
            if result is not tensor:
                tensor.copy_(result)
            return tensor
        mode = max(a, min(mean, b))
        log_peak = -0.5 * ((mode - mean) / std) ** 2
        candidates, accept_buf = g.empty_like(tensor), g.empty_like(tensor)
        tensor.uniform_(a, b, generator=generator)
        candidates.copy_(tensor)
        candidates.sub_(mean).div_(std).pow_(2).mul_(-0.5).sub_(log_peak)      # log pdf(x) / pdf(mode)
        pending = accept_buf.uniform_(generator=generator).log_().gt(candidates)
        if pending.any():
            result = tensor
            while True:
                candidates.uniform_(a, b, generator=generator)
                result = g.where(pending, candidates, result)
                candidates.sub_(mean).div_(std).pow_(2).mul_(-0.5).sub_(log_peak)
                pending = g.where(pending, accept_buf.uniform_(generator=generator).log_().gt(candidates), pending)
                if not pending.any():
                    break
            tensor.copy_(result)
        return tensor


def orthogonal_(tensor, gain=1, generator=None):
    if tensor.dim() < 2:
        raise ValueError("Only tensors with 2 or more dimensions are supported")
    if tensor.numel() == 0:
        return tensor
    rows = tensor._data.shape[0]
    cols = tensor.numel() // rows
    dt = tensor._data.dtype
    _gen(generator, "normal_")
    # torch draws into tensor.new_empty((rows, cols)).normal_(): a non-float dtype is that method's error
    from .._creation import empty
    flat = empty((rows, cols), dtype=tensor.dtype).normal_(0, 1, generator=generator)._data
    if dt == np.float16:                  # torch draws, then its QR has no Half kernel
        raise NotImplementedError("\"geqrf_cpu\" not implemented for 'Half'")
    if dt.kind == "c":                    # torch's QR takes it; d.sign() of its R's diagonal does not
        raise NotImplementedError("Unlike NumPy, torch.sign is not intended to support complex numbers. Please use "
                                  "torch.sgn instead.")
    if rows < cols:
        flat = flat.T
    q, r = np.linalg.qr(flat)
    q = q * np.sign(np.diag(r))
    tensor.view(rows, cols)               # torch writes through tensor.view_as(q): a layout no view fits is its error
    if rows < cols:
        q = q.T
    _write(tensor, (q * dt.type(gain)).astype(dt))
    tensor._vc[0] += 1                      # torch: copy_(q), then mul_(gain)
    return tensor


def sparse_(tensor, sparsity, std=0.01, generator=None):
    if tensor.dim() != 2:
        raise ValueError("Only tensors with 2 dimensions are supported")
    rows, cols = tensor._data.shape
    num_zeros = int(math.ceil(sparsity * rows))
    _gen(generator, "normal_")
    with _no_grad():                # the tensor method: draws in memory order, its dtype check
        tensor.normal_(0, std, generator=generator)
    for c in range(cols):          # torch's torch.randperm(rows): the default generator, whatever was given
        zero = np_generator(None).randperm(rows)[:num_zeros]
        tensor._data[zero, c] = 0
        tensor._vc[0] += 1          # (one indexed assignment per column)
    return tensor


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

# The attribute torch's initialiser reaches first on its argument: a non-tensor (a module's ``weight``
# that is None, say) fails there, with that attribute's AttributeError, before any of our own.
_FIRST_ATTR = {"constant_": "fill_", "ones_": "fill_", "zeros_": "zero_", "trunc_normal_": "is_meta",
               "kaiming_uniform_": "shape", "kaiming_normal_": "shape", "eye_": "ndimension",
               "dirac_": "ndimension", "orthogonal_": "ndimension", "sparse_": "ndimension"}


def _non_tensor_error(fn):
    attr = _FIRST_ATTR[fn.__name__]

    def init_fn(tensor, *args, **kwargs):
        from .._tensor import Tensor
        if not isinstance(tensor, Tensor):
            getattr(tensor, attr)
        return fn(tensor, *args, **kwargs)
    init_fn.__name__, init_fn.__qualname__, init_fn.__doc__ = fn.__name__, fn.__qualname__, fn.__doc__
    init_fn.__module__, init_fn.__wrapped__ = fn.__module__, fn
    return init_fn


(constant_, ones_, zeros_, trunc_normal_, kaiming_uniform_, kaiming_normal_, eye_, dirac_, orthogonal_,
 sparse_) = map(_non_tensor_error, (constant_, ones_, zeros_, trunc_normal_, kaiming_uniform_, kaiming_normal_,
                                    eye_, dirac_, orthogonal_, sparse_))


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

from .._pickle_paths import settle as _settle_pickle_paths  # noqa: E402  (pickle finds each function)
_settle_pickle_paths(globals())
