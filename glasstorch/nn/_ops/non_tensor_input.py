"""torch's errors where a spatial ``nn.functional`` op (interpolate, grid_sample, unfold, the poolings, the
norms) is handed a non-tensor (an ndarray, a list, None) in a tensor's place.

These functions are Python in torch.  Most first read something of the input -- ``input.dim()``
(interpolate, group_norm), ``input.size()`` (the adaptive poolings, max_unpool, instance_norm and
batch_norm when they use batch statistics), ``theta.is_floating_point()`` (affine_grid),
``input.is_cuda`` (max_pool3d with indices) -- so a non-tensor fails there with Python's own error: an
ndarray's ``size`` is an int, hence "'int' object is not callable", a list has no ``size`` at all.
The others pass the input straight to a C++ op whose argument parser refuses it, under the C++ op's
name (``F.unfold`` is ``im2col``, ``F.grid_sample`` is ``grid_sampler``, ``F.max_pool2d(...,
return_indices=True)`` is ``max_pool2d_with_indices``).

``install`` wraps those functions of ``nn.functional``: only when the call fails, and one of its tensor
arguments is not a tensor, is torch's error raised in place of glasstorch's.  A ValueError passes
untouched: torch checks its string options (grid_sample's mode) before it looks at the input.
The poolings, unfold / fold and pixel_(un)shuffle also have their sizes and flags read as torch's
parser reads them before the call (spatial_arg_parse.py).
"""
import functools
import inspect

from ..._arg_parser import parser_error, tp_name
from ..._arg_refuse import PASS_THROUGH
from ..._tensor import Tensor


# ---- what torch's Python reads first: evaluated on the non-tensor, they raise Python's own error ----
def _dim(x):
    x.dim()


def _size(x):
    x.size()


def _is_floating_point(x):
    x.is_floating_point()


def _is_cuda(x):
    x.is_cuda


def _read(read, name="input"):
    def check(args, raw=None):
        x = args[name]
        if not isinstance(x, Tensor):
            read(x)
    return check


def _parser(op, *names):
    """torch's parser refusing the first non-tensor of ``names`` (positions as the C++ op numbers them)."""
    def check(args, raw=None):
        for pos, name in enumerate(names, 1):
            x = args[name]
            if not isinstance(x, Tensor):
                raise TypeError(f"{op}(): argument '{name}' (position {pos}) must be Tensor, not {tp_name(x)}")
    return check


def _either(flag, when_set, otherwise):
    """``when_set`` if the boolean argument ``flag`` is set (return_indices, training), else ``otherwise``."""
    return lambda args, raw=None: (when_set if args[flag] else otherwise)(args)


def _unpool(nd):
    # torch reads input.size() for the output size; then max_unpool1d unsqueezes both tensors in Python,
    # while 2d and 3d hand ``indices`` to the C++ op
    def check(args, raw=None):
        _read(_size)(args)
        if nd == 1:
            _read(lambda x: x.unsqueeze, "indices")(args)
        else:
            _parser(f"max_unpool{nd}d", "input", "indices")(args)
    return check


def _conv3d(args, raw):
    # torch.conv3d has two overloads (padding as ints or as a string): the parser's "invalid
    # combination" error, which lists the arguments as given
    if not (isinstance(args["input"], Tensor) and isinstance(args["weight"], Tensor)):
        shape = "SymIntArrayRef[3] stride=1, {}, SymIntArrayRef[3] dilation=1, SymInt groups=1)"
        sigs = tuple("conv3d(Tensor input, Tensor weight, Tensor? bias=None, " + shape.format(p)
                     for p in ("SymIntArrayRef[3] padding=0", 'c10::string_view padding="valid"'))
        raise parser_error(sigs, *raw)


_MAX_POOL_1D = _either("return_indices", _parser("max_pool1d_with_indices", "input"), _parser("max_pool1d", "input"))
_MAX_POOL_2D = _either("return_indices", _parser("max_pool2d_with_indices", "input"), _parser("max_pool2d", "input"))
_MAX_POOL_3D = _either("return_indices", _read(_is_cuda), _parser("max_pool3d", "input"))

CHECKS = {
    "interpolate": _read(_dim), "upsample": _read(_dim), "upsample_nearest": _read(_dim),
    "upsample_bilinear": _read(_dim), "group_norm": _read(_dim),
    "affine_grid": _read(_is_floating_point, "theta"),
    "grid_sample": _parser("grid_sampler", "input", "grid"),
    "unfold": _parser("im2col", "input"), "fold": _parser("col2im", "input"),
    "adaptive_avg_pool2d": _read(_size), "adaptive_avg_pool3d": _read(_size),
    "adaptive_max_pool2d": _read(_size), "adaptive_max_pool3d": _read(_size),
    "adaptive_max_pool2d_with_indices": _read(_size), "adaptive_max_pool3d_with_indices": _read(_size),
    "adaptive_max_pool1d": _parser("adaptive_max_pool1d", "input"),
    "adaptive_max_pool1d_with_indices": _parser("adaptive_max_pool1d", "input"),
    "max_pool1d": _MAX_POOL_1D, "max_pool2d": _MAX_POOL_2D, "max_pool3d": _MAX_POOL_3D,
    "max_pool1d_with_indices": _parser("max_pool1d_with_indices", "input"),
    "max_pool2d_with_indices": _parser("max_pool2d_with_indices", "input"),
    "max_pool3d_with_indices": _read(_is_cuda),
    "max_unpool1d": _unpool(1), "max_unpool2d": _unpool(2), "max_unpool3d": _unpool(3),
    "instance_norm": _either("use_input_stats", _read(_size), _parser("instance_norm", "input")),
    "batch_norm": _either("training", _read(_size), _parser("batch_norm", "input")),
    # C++ ops in torch, shared with the torch namespace (torch.conv3d is F.conv3d)
    "avg_pool1d": _parser("avg_pool1d", "input"), "avg_pool2d": _parser("avg_pool2d", "input"),
    "avg_pool3d": _parser("avg_pool3d", "input"), "adaptive_avg_pool1d": _parser("adaptive_avg_pool1d", "input"),
    "conv3d": _conv3d, "conv_transpose1d": _parser("conv_transpose1d", "input", "weight"),
    "conv_transpose2d": _parser("conv_transpose2d", "input", "weight"),
    "conv_transpose3d": _parser("conv_transpose3d", "input", "weight"),
    "pixel_shuffle": _parser("pixel_shuffle", "input"), "pixel_unshuffle": _parser("pixel_unshuffle", "input"),
}


def _guard(fn, check, pre=None):
    sig = inspect.signature(fn)

    @functools.wraps(fn)
    def call(*args, **kwargs):
        if pre is not None:         # (torch's parser on the sizes and flags: spatial_arg_parse.py)
            try:
                fixed = pre(*args, **kwargs)
            except TypeError:       # arguments Python cannot bind: the op's own error, below
                fixed = None
            if isinstance(fixed, Exception):
                raise fixed
            if fixed is not None:
                args, kwargs = fixed
        try:
            return fn(*args, **kwargs)
        except (AttributeError, TypeError, RuntimeError, IndexError):
            try:
                bound = sig.bind(*args, **kwargs)
            except TypeError:           # a call Python itself refuses: that error stands
                bound = None
            if bound is not None:
                bound.apply_defaults()
                try:
                    check(bound.arguments, (args, kwargs))
                except Exception as e:      # noqa: BLE001 - torch's error for the non-tensor
                    raise e.with_traceback(None) from None
            raise
    return call


def install(namespace):
    """Wrap the functions of ``namespace`` (nn.functional's globals) named in CHECKS (before torch's
    namespace takes its shared ones from there)."""
    from .spatial_arg_parse import PRE
    for name, check in CHECKS.items():
        namespace[name] = _guard(namespace[name], check, PRE.get(name))
    PASS_THROUGH.add(namespace["interpolate"].__code__)     # (one code object for every wrapper)
